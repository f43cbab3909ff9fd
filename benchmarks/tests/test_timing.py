"""The benchmark's interleaved timing (benchmarks/_timing.py)."""

import os
import sys
import types

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import _timing  # noqa: E402
from _timing import Outcome, time_in_rounds  # noqa: E402


def test_rounds_interleave_solvers_and_report_medians(monkeypatch):
    calls = []
    # Each (solver, tol) gets its own sequence of run times, two per round:
    # the first of each round is untimed (huge, so that using it would show).
    durations = {
        ("a", 1e-2): iter([99.0, 3.0, 99.0, 1.0, 99.0, 2.0]),
        ("a", 1e-6): iter([99.0, 5.0, 99.0, 4.0, 99.0, 6.0]),
        ("b", 1e-3): iter([99.0, 9.0, 99.0, 7.0, 99.0, 8.0]),
    }

    def fake_timed(name, task, tol):
        calls.append((name, tol))
        return next(durations[(name, tol)]), None

    monkeypatch.setattr(_timing, "_timed", fake_timed)
    first = Outcome("a", tol={"gap": 1e-6, "subopt": 1e-2})
    second = Outcome("b", tol={"gap": 1e-3, "subopt": 1e-3})
    skipped = Outcome("c", status="not installed")
    single = Outcome("d", tol={"gap": 1e-4}, single_run=True, seconds={"gap": 0.9})
    task = types.SimpleNamespace()
    time_in_rounds(task, [first, second, skipped, single], 3, log=lambda _: None)

    # Every distinct (solver, tol) twice per round, forwards then backwards.
    forwards = [("a", 1e-6)] * 2 + [("a", 1e-2)] * 2 + [("b", 1e-3)] * 2
    assert calls == forwards + forwards[::-1] + forwards
    assert first.seconds == {"gap": 5.0, "subopt": 2.0}
    assert second.seconds == {"gap": 8.0, "subopt": 8.0}
    # Outcomes that were not run, or were timed by their one scan run, keep
    # what they had.
    assert skipped.seconds == {}
    assert single.seconds == {"gap": pytest.approx(0.9)}
