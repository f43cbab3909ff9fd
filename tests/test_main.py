"""The main job, ``python -m skreg``."""

import subprocess
import sys

import numpy as np
import pytest

from skreg.__main__ import main


def test_main_job_explains_diabetes_and_writes_figures(tmp_path, capsys):
    status = main(["--alpha", "0.5", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 0
    assert "Lasso on diabetes data" in out
    assert "bmi entered" in out
    for name in ("path.png", "kkt.png"):
        assert (tmp_path / name).stat().st_size > 10_000
        assert str(tmp_path / name) in out


def test_csv_with_adaptive_lasso(tmp_path, capsys):
    rng = np.random.RandomState(0)
    X = rng.randn(50, 3)
    y = 3 * X[:, 0] - 2 * X[:, 2] + 0.1 * rng.randn(50)
    path = tmp_path / "data.csv"
    rows = ["a,b,c,target"] + [",".join(map(str, [*x, t])) for x, t in zip(X, y)]
    path.write_text("\n".join(rows) + "\n")
    status = main(
        [
            str(path),
            "--target",
            "target",
            "--adaptive",
            "--alpha",
            "0.1",
            "--out",
            str(tmp_path / "figs"),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "Adaptive lasso" in out and "a entered" in out
    assert (tmp_path / "figs" / "kkt.png").exists()


@pytest.mark.parametrize(
    "content, args, message",
    [
        (None, ["--target", "y"], "cannot read"),
        ("a,y\n1,2\n3,4\n5,6\n", ["--target", "zz"], "target column 'zz' not found"),
        ("a,y\n1,x\n3,4\n5,6\n", ["--target", "y"], "target column 'y' is not numeric"),
        (
            "a,y\nq,1\n3,4\n5,6\n",
            ["--target", "y"],
            "feature column 'a' is not numeric",
        ),
        ("a,y\n1,2\n3,4\n5,6\n", [], "name the target column"),
    ],
)
def test_bad_input_gets_one_line_and_nonzero_exit(
    tmp_path, capsys, content, args, message
):
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    assert main([str(path), *args]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_no_traceback_from_the_command_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "skreg", str(tmp_path / "missing.csv"), "--target", "y"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("skreg: cannot read")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("missing", ["pandas", "matplotlib"])
def test_a_missing_optional_dependency_is_one_line_naming_the_extra(
    missing, tmp_path, capsys, monkeypatch
):
    # `pip install -e .` alone lacks them: the README's command installs .[cli]
    monkeypatch.setitem(sys.modules, missing, None)
    status = main(["--alpha", "0.5", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1
    assert f"needs {missing}" in err and "skreg[cli]" in err
    assert "Traceback" not in err
