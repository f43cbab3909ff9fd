"""The conformance runner's own logic (tests/conformance/run.py)."""

import importlib.util
import pathlib

import pytest

_PATH = pathlib.Path(__file__).parent / "run.py"
_SPEC = importlib.util.spec_from_file_location("conformance_run", _PATH)
run = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(run)


def test_rebinding_comes_after_the_imports_and_before_any_use():
    source = (
        "import numpy as np\n"
        "from sklearn.linear_model import (\n    Lasso,\n    LassoLars,\n)\n"
        "from sklearn.linear_model import Ridge as R\n"
        "PARAMS = [Lasso, R, LassoLars]\n"
    )
    rebound = run.rebind(source, names=("Lasso", "Ridge", "ElasticNet"))
    lines = rebound.splitlines()
    inserted = lines.index("from skreg import Lasso, Ridge as R  # noqa")
    assert inserted < lines.index("PARAMS = [Lasso, R, LassoLars]")
    assert inserted > lines.index("from sklearn.linear_model import Ridge as R")
    namespace = {}
    exec(rebound, namespace)
    import sklearn.linear_model

    import skreg

    assert namespace["PARAMS"] == [
        skreg.Lasso,
        skreg.Ridge,
        sklearn.linear_model.LassoLars,
    ]


def test_rebinding_a_module_without_the_names_is_an_error():
    with pytest.raises(ValueError, match="none of the rebound names"):
        run.rebind("import numpy\n")


def test_patterns_are_literal_but_for_the_star():
    assert run.matches("f.py::t[*-sag]", "f.py::t[wide-42-sag]")
    assert not run.matches("f.py::t[*-sag]", "f.py::t_other[wide-sag]")
    assert not run.matches("f.py::t", "f.py::t[1]")


def test_compare_reports_every_kind_of_problem(monkeypatch):
    monkeypatch.setattr(
        run,
        "EXPECTED_FAILURES",
        {"f.py::known": "why", "f.py::stale": "why", "f.py::gone*": "why"},
    )
    reference = {
        "f.py::ok": "passed",
        "f.py::new": "passed",
        "f.py::known": "passed",
        "f.py::stale": "passed",
        "f.py::theirs_fail": "failed",
        "f.py::only_ref": "passed",
    }
    substituted = {
        "f.py::ok": "passed",
        "f.py::new": "failed",
        "f.py::known": "failed",
        "f.py::stale": "passed",
        "f.py::theirs_fail": "failed",
    }
    problems = run.compare(reference, substituted)
    assert problems == [
        "fails on skreg, passes on scikit-learn: f.py::new",
        "collected in one run only: f.py::only_ref",
        "listed as failing, but passed on skreg: f.py::stale",
        "listed, but matches no test: f.py::gone*",
    ]
