"""scikit-learn's own tests of the estimators skreg replaces, run on skreg.

The installed scikit-learn's ``test_coordinate_descent.py``,
``test_sparse_coordinate_descent.py`` and ``test_ridge.py`` are copied twice
into a temporary folder: once as they are (the reference run) and once with
``Lasso``, ``ElasticNet``, ``LassoCV``, ``ElasticNetCV``, ``lasso_path``,
``enet_path``, ``Ridge`` and ``RidgeCV`` rebound to skreg's, right after the
module's imports (so that parametrizations see skreg's too). Both copies run
under scikit-learn's own ``conftest.py`` (its fixtures and seeds).

Every test that passes on scikit-learn must pass on skreg, except those in
:data:`expected_failures.EXPECTED_FAILURES`, each with its reason; and every
listed test must still fail on skreg, so that the list never outlives what it
explains. The script exits with 0 when both hold, 1 otherwise::

    python tests/conformance/run.py            # both runs, compared
    python tests/conformance/run.py --skreg-only -k lasso_path   # quick look

Arguments after ``--`` go to both pytest runs.
"""

import argparse
import ast
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from expected_failures import EXPECTED_FAILURES, REVIEWED_WITH  # noqa: E402

TEST_FILES = (
    "test_coordinate_descent.py",
    "test_sparse_coordinate_descent.py",
    "test_ridge.py",
)
REBOUND = (
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "Ridge",
    "RidgeCV",
    "enet_path",
    "lasso_path",
)

# The copies run under scikit-learn's conftest; each test's outcome is
# written, one JSON line per test, to the file named by SKREG_OUTCOMES.
CONFTEST = """\
import json
import os

pytest_plugins = ["sklearn.conftest"]


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        with open(os.environ["SKREG_OUTCOMES"], "a") as out:
            out.write(json.dumps([report.nodeid, report.outcome]) + "\\n")
"""

PYTEST_INI = """\
[pytest]
addopts = -p no:cacheprovider
"""


def rebind(source, names=REBOUND):
    """``source`` with ``names`` rebound to skreg's after its top-level imports.

    Only the names the module imports at top level (``from ... import``) are
    rebound, under the name it binds them to. The lines are inserted after
    the last top-level import, before any code that could use the names
    (decorators and parametrizations included).

    Raises
    ------
    ValueError
        When the module imports none of ``names``.
    """
    tree = ast.parse(source)
    imports = [
        node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
    ]
    chosen = sorted(
        {
            alias.name
            if alias.asname in (None, alias.name)
            else f"{alias.name} as {alias.asname}"
            for node in imports
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
            if alias.name in names
        }
    )
    if not chosen:
        raise ValueError("the module imports none of the rebound names")
    end = max(node.end_lineno for node in imports)
    lines = source.splitlines(keepends=True)
    inserted = (
        "\n# Rebound by skreg's conformance runner.\n"
        f"from skreg import {', '.join(chosen)}  # noqa\n"
    )
    return "".join(lines[:end]) + inserted + "".join(lines[end:])


def sklearn_tests_folder():
    """The folder of the installed scikit-learn's linear_model tests."""
    import sklearn

    return pathlib.Path(sklearn.__file__).parent / "linear_model" / "tests"


def prepare(folder, substitute):
    """Copy the test files into ``folder``, rebound to skreg if ``substitute``."""
    folder.mkdir(parents=True)
    source_folder = sklearn_tests_folder()
    for name in TEST_FILES:
        source = (source_folder / name).read_text()
        if substitute:
            source = rebind(source)
        (folder / name).write_text(source)
    (folder / "conftest.py").write_text(CONFTEST)
    (folder / "pytest.ini").write_text(PYTEST_INI)


def run_tests(folder, pytest_args):
    """Run pytest in ``folder``; return ``{test id: outcome}``."""
    outcomes_file = folder / "outcomes.jsonl"
    environment = dict(os.environ, SKREG_OUTCOMES=str(outcomes_file))
    environment.setdefault("MPLBACKEND", "Agg")
    # outcomes are read from the log; tracebacks only when asked (--tb=short)
    quiet = ["-q", "--tb=no", "-p", "no:warnings", "-p", "no:randomly"]
    command = [sys.executable, "-m", "pytest", *quiet, *pytest_args]
    subprocess.run(command, cwd=folder, env=environment, check=False)
    outcomes = {}
    if outcomes_file.exists():
        for line in outcomes_file.read_text().splitlines():
            test_id, outcome = json.loads(line)
            # a failure in setup, call or teardown makes the test fail
            if outcomes.get(test_id) != "failed":
                outcomes[test_id] = outcome
    return outcomes


def matches(pattern, test_id):
    """Whether ``test_id`` is ``pattern``, where ``*`` stands for any text."""
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, test_id) is not None


def expected_reason(test_id):
    """The reason a test is listed as failing on skreg, or None."""
    for pattern, reason in EXPECTED_FAILURES.items():
        if matches(pattern, test_id):
            return reason
    return None


def compare(reference, substituted):
    """Problems that make the conformance run fail, as a list of lines.

    A problem is a test that passes on scikit-learn and fails on skreg without
    being listed, a listed test that no longer fails on skreg, or a test
    collected in only one of the two runs.
    """
    problems = []
    for test_id in sorted(set(reference) | set(substituted)):
        ours = substituted.get(test_id)
        theirs = reference.get(test_id)
        listed = expected_reason(test_id) is not None
        if ours is None or theirs is None:
            problems.append(f"collected in one run only: {test_id}")
        elif ours == "failed" and theirs == "passed" and not listed:
            problems.append(f"fails on skreg, passes on scikit-learn: {test_id}")
        elif listed and ours != "failed":
            problems.append(f"listed as failing, but {ours} on skreg: {test_id}")
    for pattern in EXPECTED_FAILURES:
        if not any(matches(pattern, test_id) for test_id in substituted):
            problems.append(f"listed, but matches no test: {pattern}")
    return problems


def summary(reference, substituted):
    """Counts of the two runs, as text."""

    def count(outcomes, outcome):
        return sum(value == outcome for value in outcomes.values())

    listed = sum(expected_reason(test_id) is not None for test_id in substituted)
    return (
        f"scikit-learn: {len(reference)} tests, {count(reference, 'passed')} passed, "
        f"{count(reference, 'failed')} failed, {count(reference, 'skipped')} "
        f"skipped\nskreg:        {len(substituted)} tests, "
        f"{count(substituted, 'passed')} passed, {count(substituted, 'failed')} "
        f"failed ({listed} listed in expected_failures.py), "
        f"{count(substituted, 'skipped')} skipped"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skreg-only", action="store_true", help="skip the reference run"
    )
    parser.add_argument("--keep", help="folder to keep the copies in (default: temp)")
    arguments, pytest_args = parser.parse_known_args(argv)
    pytest_args = [arg for arg in pytest_args if arg != "--"]
    import sklearn

    if sklearn.__version__ != REVIEWED_WITH:
        print(
            f"note: expected_failures.py was reviewed with scikit-learn "
            f"{REVIEWED_WITH}; this is {sklearn.__version__}."
        )
    root = pathlib.Path(arguments.keep or tempfile.mkdtemp(prefix="skreg-conf-"))
    if root.exists() and arguments.keep:
        shutil.rmtree(root)
    try:
        prepare(root / "skreg", substitute=True)
        substituted = run_tests(root / "skreg", pytest_args)
        if arguments.skreg_only:
            failed = sorted(k for k, v in substituted.items() if v == "failed")
            unlisted = [k for k in failed if expected_reason(k) is None]
            print(f"{len(failed)} failed on skreg, {len(unlisted)} not listed:")
            print("\n".join(unlisted))
            return int(bool(unlisted))
        prepare(root / "sklearn", substitute=False)
        reference = run_tests(root / "sklearn", pytest_args)
    finally:
        if not arguments.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(summary(reference, substituted))
    problems = compare(reference, substituted)
    if pytest_args:
        # a selection (-k, a test id) leaves listed patterns unmatched
        problems = [p for p in problems if not p.startswith("listed, but matches")]
    print("\n".join(problems) if problems else "conformance: ok")
    return int(bool(problems))


if __name__ == "__main__":
    sys.exit(main())
