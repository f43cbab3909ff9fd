"""``python -m skreg`` on real CSV files: encodings, headers, categories, gaps.

Each case runs the command line (main) on a small file at a given alpha,
without figures, and reads its JSON output or its one-line error.
"""

import json

import pytest

from skreg.__main__ import main

ROWS = [
    ("1.0", "2.5", "A", "10"),
    ("2.0", "0.5", "B", "14"),
    ("3.0", "1.5", "A", "15"),
    ("4.0", "3.5", "B", "22"),
    ("5.0", "2.0", "A", "23"),
    ("6.0", "4.5", "B", "30"),
]


def table(header=("x1", "x2", "group", "y"), rows=ROWS, separator=","):
    lines = [separator.join(header)] + [separator.join(row) for row in rows]
    return "\n".join(lines) + "\n"


def fit(tmp_path, capsys, content, *args, target="y", encoding="utf-8"):
    """Run main on ``content`` -> (status, parsed JSON or None, stderr)."""
    path = tmp_path / "data.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    argv = [str(path), "--target", target, "--alpha", "0.1", "--no-plot"]
    status = main([*argv, "--format", "json", *map(str, args)])
    captured = capsys.readouterr()
    document = json.loads(captured.out) if status == 0 else None
    return status, document, captured.err


def refused(tmp_path, capsys, content, *args, **kwargs):
    """The one-line error of main on ``content`` (status 1)."""
    status, _, err = fit(tmp_path, capsys, content, *args, **kwargs)
    assert status == 1, err
    assert err.startswith("skreg: ") and err.count("\n") == 1
    assert "Traceback" not in err
    return err


def test_a_text_column_is_one_hot_encoded_and_said_so(tmp_path, capsys):
    status, document, _ = fit(tmp_path, capsys, table())
    assert status == 0
    assert list(document["coefficients"]) == ["x1", "x2", "group_B"]
    assert "group -> group_B (reference A)" in document["notes"][-1]


def test_three_levels_give_two_columns_named_by_level(tmp_path, capsys):
    rows = [(x1, x2, g, y) for (x1, x2, _, y), g in zip(ROWS, "ABCABC")]
    status, document, _ = fit(tmp_path, capsys, table(rows=rows))
    assert status == 0
    assert list(document["coefficients"])[2:] == ["group_B", "group_C"]


def test_a_text_column_takes_a_penalty_factor_for_all_its_levels(tmp_path, capsys):
    rows = [(x1, x2, g, y) for (x1, x2, _, y), g in zip(ROWS, "ABCABC")]
    status, document, _ = fit(
        tmp_path, capsys, table(rows=rows), "--penalty-factor", "group=0"
    )
    assert status == 0
    assert document["penalty_factor"] == {"x1": 1, "x2": 1, "group_B": 0, "group_C": 0}


def test_a_single_valued_text_column_is_left_out(tmp_path, capsys):
    rows = [(x1, x2, "same", y) for x1, x2, _, y in ROWS]
    status, document, _ = fit(tmp_path, capsys, table(rows=rows))
    assert status == 0 and list(document["coefficients"]) == ["x1", "x2"]
    assert "left out group: a single value in every row" in document["notes"][-1]


def test_rows_with_a_missing_target_are_dropped_and_counted(tmp_path, capsys):
    rows = [*ROWS, ("7.0", "1.0", "A", ""), ("8.0", "2.0", "B", "NA")]
    status, document, _ = fit(tmp_path, capsys, table(rows=rows))
    assert status == 0 and document["n_samples"] == 6
    assert (
        "dropped 2 rows whose target y is missing (6 of 8 remain)." in document["notes"]
    )


def test_missing_features_are_refused_naming_columns_and_counts(tmp_path, capsys):
    rows = [("", *ROWS[0][1:]), *ROWS[1:3], ("4.0", "3.5", "", "22"), *ROWS[4:]]
    err = refused(tmp_path, capsys, table(rows=rows))
    assert "missing values in feature columns" in err
    assert "x1 (1 row), group (1 row)" in err and "--missing drop" in err
    assert "not numeric" not in err


@pytest.mark.parametrize("how, n_samples", [("drop", 5), ("mean", 6), ("median", 6)])
def test_missing_features_dropped_or_filled_when_asked(
    tmp_path, capsys, how, n_samples
):
    rows = [("", *ROWS[0][1:]), *ROWS[1:]]
    status, document, _ = fit(tmp_path, capsys, table(rows=rows), "--missing", how)
    assert status == 0 and document["n_samples"] == n_samples
    note = document["notes"][1]
    assert ("dropped 1 rows" if how == "drop" else f"with the {how}") in note


def test_utf8_byte_order_mark_is_not_part_of_the_first_name(tmp_path, capsys):
    status, document, _ = fit(tmp_path, capsys, table(), encoding="utf-8-sig")
    assert status == 0 and "x1" in document["coefficients"]
    assert not any("UTF" in note for note in document["notes"])


def test_utf16_with_byte_order_mark_is_read_and_said(tmp_path, capsys):
    status, document, _ = fit(tmp_path, capsys, table(), encoding="utf-16")
    assert status == 0 and "x1" in document["coefficients"]
    assert "is not UTF-8: read it as UTF-16." in document["notes"][1]


def test_latin1_is_read_as_windows_1252_and_said(tmp_path, capsys):
    header = ("x1", "x2", "équipe", "y")
    rows = [(x1, x2, "Zürich" if g == "A" else "Genève", y) for x1, x2, g, y in ROWS]
    content = table(header, rows)
    status, document, _ = fit(tmp_path, capsys, content, encoding="latin-1")
    assert status == 0
    assert list(document["coefficients"]) == ["x1", "x2", "équipe_Zürich"]
    assert "read it as Windows-1252" in document["notes"][1]


@pytest.mark.parametrize("separator", [";", "\t"])
def test_semicolons_and_tabs_separate_when_the_header_has_no_comma(
    tmp_path, capsys, separator
):
    status, document, _ = fit(tmp_path, capsys, table(separator=separator))
    assert status == 0 and list(document["coefficients"]) == ["x1", "x2", "group_B"]


def test_an_unnamed_first_column_is_row_labels(tmp_path, capsys):
    rows = [(f"player {k}", *row) for k, row in enumerate(ROWS)]
    content = table(("", "x1", "x2", "group", "y"), rows)
    status, document, _ = fit(tmp_path, capsys, content)
    assert status == 0 and list(document["coefficients"]) == ["x1", "x2", "group_B"]
    assert "read as row labels" in " ".join(document["notes"])


def test_a_column_of_numbers_with_a_stray_word_asks_for_na_values(tmp_path, capsys):
    rows = [(x1, "?" if k == 2 else x2, g, y) for k, (x1, x2, g, y) in enumerate(ROWS)]
    err = refused(tmp_path, capsys, table(rows=rows))
    assert "column 'x2' holds numbers except for 1 cell(s) like '?' (line 4)" in err
    assert "--na-values '?'" in err
    err = refused(tmp_path, capsys, table(rows=rows), "--na-values", "?")
    assert "x2 (1 row)" in err
    status, _, _ = fit(
        tmp_path, capsys, table(rows=rows), "--na-values", "?", "--missing", "mean"
    )
    assert status == 0


def test_an_identifier_column_is_refused_and_can_be_dropped(tmp_path, capsys):
    rows = [(x1, x2, f"id{k}", y) for k, (x1, x2, _, y) in enumerate(ROWS * 4)]
    err = refused(tmp_path, capsys, table(rows=rows))
    assert (
        "column 'group' of" in err and "has 24 different text values in 24 rows" in err
    )
    assert "--drop group" in err
    status, document, _ = fit(tmp_path, capsys, table(rows=rows), "--drop", "group")
    assert status == 0 and list(document["coefficients"]) == ["x1", "x2"]


@pytest.mark.parametrize(
    "content, message",
    [
        (table(("x1", "x2", "x1", "y")), "duplicate column names: 'x1' (2 times)"),
        (table(("x1", "", "group", "y")), "column 2 of"),
        (
            table(rows=[("1", "2", "A", "x"), *ROWS]),
            "target column 'y' is not numeric ('x' on line 2)",
        ),
        (table(rows=[*ROWS, ("1", "2", "A", "3", "4")]), "cannot parse"),
        ("", "is empty"),
        ("x1,y\n", "has a header line but no rows"),
        (b"x1,y\n\x00\x01\x02,3\n", "contains NUL bytes"),
        (table(rows=[(x1, "inf", g, y) for x1, _, g, y in ROWS]), "'x2' of"),
        (table(rows=[("", x2, g, y) for _, x2, g, y in ROWS]), "column 'x1' of"),
        (
            table(rows=[(x1, x2, g, "") for x1, x2, g, _ in ROWS]),
            "no row with a value of the target",
        ),
    ],
)
def test_files_that_cannot_be_read_as_is_get_one_line(
    tmp_path, capsys, content, message
):
    assert message in refused(tmp_path, capsys, content)


def test_a_target_not_found_suggests_the_closest_name(tmp_path, capsys):
    err = refused(tmp_path, capsys, table(), target="Y")
    assert "target column 'Y' not found" in err and "did you mean 'y'?" in err
    assert "columns are: x1, x2, group, y." in err


def test_drop_names_must_exist(tmp_path, capsys):
    err = refused(tmp_path, capsys, table(), "--drop", "grup")
    assert "--drop grup: no such column; did you mean 'group'?" in err
