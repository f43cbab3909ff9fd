"""The main job, ``python -m skreg``: models, formats, options and errors.

Reading CSV files (encodings, categories, missing values) is tested in
tests/cli/test_cli_reading.py.
"""

import csv
import io
import json
import pathlib
import subprocess
import sys
import time
import types
import warnings

import numba
import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skreg.__main__ import main
from skreg._cli import fitting
from skreg._cli.fitting import COMPILE_NOTICE, compile_notice

HITTERS = pathlib.Path(__file__).parents[1] / "examples" / "Hitters.csv"


def write_csv(folder, n_samples=40, seed=0, name="data.csv"):
    """a, b, c numeric, team text (3 levels); y depends on a, c and team."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, 3)
    team = np.array(["red", "green", "blue"])[np.arange(n_samples) % 3]
    y = 3 * X[:, 0] - 2 * X[:, 2] + 2.0 * (team == "red") + 0.1 * rng.randn(n_samples)
    lines = ["a,b,team,c,y"]
    lines += [
        f"{a:.6f},{b:.6f},{t},{c:.6f},{v:.6f}" for (a, b, c), t, v in zip(X, team, y)
    ]
    path = folder / name
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def run(capsys, *args):
    """main(args) -> (status, stdout, stderr)."""
    status = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def one_line_error(err):
    return err.startswith("skreg: ") and err.count("\n") == 1 and "Traceback" not in err


def test_main_job_explains_diabetes_and_writes_figures(tmp_path, capsys):
    status, out, _ = run(capsys, "--alpha", "0.5", "--out", tmp_path)
    assert status == 0
    assert "Lasso on diabetes data" in out
    assert "bmi entered" in out
    assert "Coefficients at alpha = 0.5, largest first" in out
    for name in ("path.png", "kkt.png"):
        assert (tmp_path / name).stat().st_size > 10_000
        assert str(tmp_path / name) in out


def test_hitters_end_to_end_in_a_subprocess(tmp_path):
    # the case: text columns, 59 missing targets, columns of any scale
    result = subprocess.run(
        [sys.executable, "-m", "skreg", str(HITTERS), "--target", "Salary"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "Read " in out and "322 rows, 20 columns" in out
    assert "Dropped 59 rows whose target Salary is missing (263 of 322 remain)" in out
    assert "League -> League_N (reference A)" in out
    assert "Division -> Division_W (reference E)" in out
    assert "263 samples, 19 features, target Salary" in out
    assert "standardized to mean 0 and variance 1" in out
    assert "CRBI entered (+)" in out  # the report of the path
    assert "chosen by 5-fold cross-validation" in out
    table = out[out.index("Coefficients at alpha") :].splitlines()
    assert table[1].split() == [
        "feature",
        "per",
        "sd",
        "per",
        "unit",
        "enters",
        "at",
        "alpha",
    ]
    rows = {line.split()[0]: line.split()[1:] for line in table[2:21]}
    assert set(rows) == {
        *"AtBat Hits HmRun Runs RBI Walks Years CAtBat CHits CHmRun CRuns".split(),
        *"CRBI CWalks PutOuts Assists Errors League_N Division_W NewLeague_N".split(),
    }
    sizes = [abs(float(row[0])) for row in rows.values()]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] == 0
    assert table[21].startswith("  intercept = ")
    for name in ("path.png", "kkt.png"):
        assert (tmp_path / "skreg_output" / name).exists()


def test_csv_with_adaptive_lasso(tmp_path, capsys):
    path = write_csv(tmp_path)
    for flag in (["--adaptive"], ["--model", "adaptive"]):
        status, out, _ = run(
            capsys, path, "--target", "y", *flag, "--alpha", 0.1, "--no-plot"
        )
        assert status == 0
        assert "Adaptive lasso" in out and "a entered" in out
        assert "weight" in out  # the adaptive weights are its penalty factors


def test_lasso_by_cross_validation_on_a_csv(tmp_path, capsys):
    status, out, _ = run(capsys, write_csv(tmp_path), "--target", "y", "--no-plot")
    assert status == 0
    assert "chosen by 5-fold cross-validation, rows shuffled with seed 0" in out
    assert "team -> team_green, team_red (reference blue)" in out
    first = out[out.index("Coefficients") :].splitlines()[2].split()[0]
    assert first == "a"


def test_elastic_net_and_its_l1_ratio(tmp_path, capsys):
    path = write_csv(tmp_path)
    args = [path, "--target", "y", "--model", "enet", "--l1-ratio", 0.7, "--no-plot"]
    status, out, _ = run(capsys, *args, "--alpha", 0.05)
    assert status == 0
    assert "Elastic net (l1_ratio = 0.7)" in out and "enters at alpha" in out
    status, out, _ = run(capsys, *args, "--format", "json")
    assert status == 0 and json.loads(out)["l1_ratio"] == 0.7


def test_ridge_prints_its_coefficients_and_a_cv_chosen_alpha(tmp_path, capsys):
    path = write_csv(tmp_path)
    args = [path, "--target", "y", "--model", "ridge", "--out", tmp_path / "figures"]
    status, out, _ = run(capsys, *args)
    assert status == 0
    assert "Ridge on" in out and "chosen by leave-one-out cross-validation" in out
    # Ridge(explain=True): its report instead of a path's events, its figure
    assert out.index("Ridge fit at alpha") < out.index("Coefficients")
    assert (tmp_path / "figures" / "path.png").exists()
    assert not (tmp_path / "figures" / "kkt.png").exists()
    rows = out[out.index("Coefficients") :].splitlines()[2:7]
    assert [row.split()[0] for row in rows][:2] == ["a", "c"]
    assert all(float(row.split()[1]) != 0 for row in rows)  # ridge zeroes nothing


def test_json_output_is_machine_readable(tmp_path, capsys):
    args = [write_csv(tmp_path), "--target", "y", "--format", "json"]
    status, out, err = run(capsys, *args, "--alpha", 0.05, "--out", tmp_path / "f")
    assert status == 0 and err == ""
    document = json.loads(out)
    assert (
        document["alpha"] == 0.05 and document["alpha_choice"] == "given with --alpha"
    )
    assert list(document["coefficients"]) == ["a", "b", "team_green", "team_red", "c"]
    assert (
        document["coefficients"]["a"] > 2.5 * document["coefficients_per_unit"]["a"] / 3
    )
    assert document["events"][0]["feature"] == "a"
    assert document["events"][0]["event"] == "enter"
    assert document["entry_alpha"]["a"] == pytest.approx(document["events"][0]["alpha"])
    assert len(document["figures"]) == 2 and all(
        pathlib.Path(p).exists() for p in document["figures"]
    )
    assert any("one-hot encoded" in note for note in document["notes"])


def test_csv_output_is_the_coefficient_table(tmp_path, capsys):
    args = [write_csv(tmp_path), "--target", "y", "--format", "csv", "--no-plot"]
    status, out, err = run(capsys, *args, "--alpha", 0.05)
    assert status == 0 and "one-hot encoded" in err  # notes on stderr
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["feature"] == "(intercept)"
    assert [row["feature"] for row in rows[1:3]] == ["a", "c"]
    sizes = [abs(float(row["coefficient"])) for row in rows[1:]]
    assert sizes == sorted(sizes, reverse=True) and len(rows) == 6


def test_no_standardize_fits_the_features_in_their_units(tmp_path, capsys):
    args = [write_csv(tmp_path), "--target", "y", "--alpha", 0.05, "--no-plot"]
    status, out, _ = run(capsys, *args, "--no-standardize")
    assert status == 0
    assert "features in their own units (not standardized)" in out
    assert out[out.index("Coefficients") :].splitlines()[1].split()[:2] == [
        "feature",
        "coefficient",
    ]


def test_penalty_factors_by_feature_and_by_text_column(tmp_path, capsys):
    args = [write_csv(tmp_path), "--target", "y", "--alpha", 0.05, "--no-plot"]
    pf = ["--penalty-factor", "b=0", "--penalty-factor", "team=inf"]
    status, out, _ = run(capsys, *args, *pf, "--format", "json")
    assert status == 0
    document = json.loads(out)
    assert document["penalty_factor"] == {
        "a": 1.0,
        "b": 0.0,
        "c": 1.0,
        "team_green": None,  # inf, which JSON lacks
        "team_red": None,
    }
    assert document["coefficients"]["team_red"] == 0
    assert document["coefficients"]["b"] != 0 and document["entry_alpha"]["b"] is None
    status, out, _ = run(capsys, *args, *pf)
    line = {row.split()[0]: row for row in out.splitlines() if row.startswith("  ")}
    assert line["b"].endswith("unpenalized") and line["team_red"].endswith("left out")


def test_ridge_leaves_out_a_feature_with_an_infinite_factor(tmp_path, capsys):
    args = [write_csv(tmp_path), "--target", "y", "--model", "ridge", "--alpha", 1]
    status, out, _ = run(capsys, *args, "--penalty-factor", "a=inf", "--format", "json")
    assert status == 0
    assert json.loads(out)["coefficients"]["a"] == 0
    assert json.loads(out)["coefficients"]["c"] != 0


def test_unknown_penalty_factor_name_suggests_the_closest(tmp_path, capsys):
    args = [write_csv(tmp_path), "--target", "y", "--alpha", 0.05, "--no-plot"]
    status, _, err = run(capsys, *args, "--penalty-factor", "tema=0")
    assert status == 1 and one_line_error(err)
    assert "--penalty-factor tema: no such feature; did you mean 'team'?" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--alpha", "-1"], "--alpha must be a positive number"),
        (["--alpha", "nan"], "--alpha must be a positive number"),
        (["--l1-ratio", "0.5"], "--l1-ratio applies to --model enet only"),
        (["--model", "enet", "--l1-ratio", "0"], "--l1-ratio must be in (0, 1]"),
        (["--adaptive", "--model", "ridge"], "--adaptive contradicts --model ridge"),
        (["--model", "tree"], "invalid choice: 'tree'"),
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--penalty-factor", "a"], "expected NAME=VALUE"),
        (["--penalty-factor", "a=-1"], "expected NAME=VALUE"),
        (["--penalty-factor", "a=x"], "expected NAME=VALUE"),
        (["--model", "adaptive", "--penalty-factor", "a=0"], "does not apply"),
        (["--penalty-factor", "y=0"], "--penalty-factor y: that is the target"),
    ],
)
def test_command_line_errors_are_one_line_with_status_2(
    tmp_path, capsys, args, message
):
    path = write_csv(tmp_path)
    status, out, err = run(capsys, path, "--target", "y", "--no-plot", *args)
    assert status == 2 and out == ""
    assert one_line_error(err) and message in err and "--help" in err


def test_target_and_csv_go_together(tmp_path, capsys):
    status, _, err = run(capsys, "--target", "y")
    assert status == 2 and "give the file too" in err and one_line_error(err)
    status, _, err = run(capsys, write_csv(tmp_path))
    assert status == 2 and "with --target COLUMN" in err and one_line_error(err)


@pytest.mark.parametrize("n_samples", [2, 3, 4])
def test_too_few_rows_for_cross_validation_ask_for_alpha(tmp_path, capsys, n_samples):
    path = write_csv(tmp_path, n_samples=n_samples)
    status, _, err = run(capsys, path, "--target", "y", "--no-plot")
    assert status == 1 and one_line_error(err)
    assert f"has {n_samples} usable rows, too few to choose alpha" in err
    assert "--alpha" in err
    status, out, _ = run(capsys, path, "--target", "y", "--no-plot", "--alpha", 0.1)
    assert status == 0 and f"{n_samples} samples" in out


def test_one_row_is_refused(tmp_path, capsys):
    path = write_csv(tmp_path, n_samples=1)
    status, _, err = run(capsys, path, "--target", "y", "--alpha", 0.1, "--no-plot")
    assert status == 1 and one_line_error(err) and "at least 2" in err


def test_an_unwritable_out_folder_is_one_line_before_the_fit(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr("skreg._cli.main.fit_model", None)  # not reached
    blocker = tmp_path / "a_file"
    blocker.write_text("")
    for out, message in [
        (blocker / "figures", "cannot create the folder"),
        (blocker, "is a file, not a folder"),
    ]:
        status, _, err = run(capsys, "--alpha", 0.5, "--out", out)
        assert status == 1 and one_line_error(err)
        assert message in err and "--no-plot" in err


def test_no_plot_writes_no_figure(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, out, _ = run(capsys, "--alpha", 0.5, "--no-plot")
    assert status == 0 and "Figures" not in out
    assert not (tmp_path / "skreg_output").exists()


def test_help_returns_zero(capsys):
    status, out, _ = run(capsys, "--help")
    assert status == 0 and "--penalty-factor NAME=VALUE" in out and "exit status" in out


def test_an_unexpected_error_is_one_line_with_status_3(capsys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr("skreg._cli.main.fit_model", broken)
    status, _, err = run(capsys, "--alpha", 0.5, "--no-plot")
    assert status == 3 and one_line_error(err)
    assert "RuntimeError: something broke" in err and "--debug" in err
    with pytest.raises(RuntimeError):
        main(["--alpha", "0.5", "--no-plot", "--debug"])


def _probe_in_skreg(name):
    """A new function that numba sees as part of skreg (it reads __module__)."""

    def probe(x):
        return x + 1

    probe.__module__ = "skreg._cli.probe"
    probe.__qualname__ = name
    return numba.njit(probe)


def test_compile_notice_said_once_when_skreg_compiles(capsys):
    with compile_notice(after=0):
        _probe_in_skreg("first")(1)
        _probe_in_skreg("second")(1)
    assert capsys.readouterr().err == COMPILE_NOTICE + "\n"


def test_no_compile_notice_for_loaded_foreign_or_quick_compiles(capsys):
    loaded = _probe_in_skreg("loaded")
    loaded(1)
    foreign = numba.njit(lambda x: x * 2)
    with compile_notice(after=0):
        loaded(2)  # already compiled: nothing to wait for
        foreign(1)  # not skreg's
    with compile_notice(after=60):
        _probe_in_skreg("quick")(1)  # compiled in far less than a minute
    assert capsys.readouterr().err == ""


def test_compile_notice_once_compiling_has_taken_long_enough(capsys):
    # compile events of skreg's functions, 0.15 s each, notice after 0.25 s
    event = types.SimpleNamespace(
        data={
            "dispatcher": types.SimpleNamespace(py_func=_probe_in_skreg("slow").py_func)
        }
    )
    with compile_notice(after=0.25) as listener:
        listener.on_start(event)
        time.sleep(0.15)
        listener.on_end(event)
        assert capsys.readouterr().err == ""
        listener.on_start(event)
        time.sleep(0.3)
        listener.on_end(event)
    assert capsys.readouterr().err == COMPILE_NOTICE + "\n"


def test_main_says_it_compiles_only_when_it_does(capsys, monkeypatch):
    final = fitting._final

    def compiling(*args):
        _probe_in_skreg("during_the_fit")(1)
        return final(*args)

    monkeypatch.setattr(fitting, "_final", compiling)
    monkeypatch.setattr(fitting, "NOTICE_AFTER", 0)
    status, out, err = run(capsys, "--alpha", 0.5, "--no-plot")
    assert status == 0 and err.count(COMPILE_NOTICE) == 1
    assert COMPILE_NOTICE not in out
    monkeypatch.setattr(fitting, "_final", final)
    status, _, err = run(capsys, "--alpha", 0.5, "--no-plot")  # kernels in memory
    assert status == 0 and COMPILE_NOTICE not in err


def test_warnings_of_the_fit_are_one_line_each_and_said_once(capsys, monkeypatch):
    final = fitting._final

    def warning(*args):
        for _ in range(3):
            warnings.warn("did not\nconverge", ConvergenceWarning, stacklevel=1)
        return final(*args)

    monkeypatch.setattr(fitting, "_final", warning)
    status, out, err = run(capsys, "--alpha", 0.5, "--no-plot")
    assert status == 0 and "Lasso on diabetes data" in out
    assert err == "skreg: warning: ConvergenceWarning: did not converge\n"


@pytest.mark.parametrize("missing", ["pandas", "matplotlib"])
def test_a_missing_optional_dependency_is_one_line_naming_the_extra(
    missing, tmp_path, capsys, monkeypatch
):
    # `pip install -e .` alone lacks them: the README's command installs .[cli]
    monkeypatch.setitem(sys.modules, missing, None)
    status, _, err = run(capsys, "--alpha", "0.5", "--out", tmp_path)
    assert status == 1
    assert f"needs {missing}" in err and "skreg[cli]" in err
    assert one_line_error(err)
