"""Equal-accuracy timing: find each solver's loosest tol, then time them all.

For one task and one solver, :func:`measure` scans a geometric ladder of the
solver's own ``tol`` values, loosest first; at each, it solves once and
measures both criteria (``_criteria``) at every alpha. The first tol that
meets a criterion at every alpha is that solver's tol for the criterion.

Then :func:`time_in_rounds` times every (solver, tol) found on the task in
interleaved rounds (:func:`interleaved_medians`): in each round, each of them
runs twice in a row and the second run is timed, in an order that alternates
between rounds. The reported time is the median over the rounds. On a shared
machine whose speed drifts over minutes, timing one solver's repeats after
another's made the ratios depend on which solver ran in a slow phase; in
rounds, every solver meets the same phases. The untimed run absorbs what the
previous solver left behind: right after another solver, scikit-learn's path
on 100000 x 100 took 50 to 220 ms instead of 50 (cause not established).
"""

import time
from dataclasses import dataclass, field

import numpy as np
from _criteria import primal_objectives, relative_gaps, relative_suboptimality
from _peers import NotInstalled, solve, warm_up

TARGET = 1e-6
REFERENCE_TOL = 1e-14


def tol_ladder(quick):
    """1e-2, 3e-3, 1e-3, ... 1e-14 (quick: 1e-2, 1e-3, ... 1e-14)."""
    ladder = []
    for exponent in range(2, 15):
        ladder.append(10.0**-exponent)
        if not quick and exponent < 14:
            ladder.append(10.0**-exponent * 0.3)
    return ladder


@dataclass
class Outcome:
    """What one solver achieved on one task, per criterion."""

    name: str
    status: str = "ok"  # "ok", "not installed", "error: ..."
    stopped: str = ""  # why the scan stopped before meeting both criteria
    single_run: bool = False  # timed from one run (quick mode, slow run)
    tol: dict = field(default_factory=dict)  # criterion -> tol or None
    seconds: dict = field(default_factory=dict)  # criterion -> median seconds
    worst: dict = field(default_factory=dict)  # criterion -> worst value at tol
    scanned: list = field(default_factory=list)  # (tol, worst gap, worst subopt)


_REFERENCE_CACHE = {}


def reference_objectives(task):
    """P* at every alpha from tight solves, cached per task in memory.

    skreg at tol=1e-14 first; if its certified relative gap is above 1e-10
    somewhere, scikit-learn at 1e-14 too, keeping the smaller objective per
    alpha. Returns (P*, worst relative gap of the chosen reference).
    """
    key = (task.key, task.alphas.tobytes())
    if key in _REFERENCE_CACHE:
        return _REFERENCE_CACHE[key]
    X, y, alphas = task.X, task.y, task.alphas
    best, best_gap = None, None
    for name in ("skreg", "scikit-learn"):
        coefs = solve(name, X, y, alphas, REFERENCE_TOL, task.mode)
        objectives = primal_objectives(X, y, coefs, alphas)
        gaps = relative_gaps(X, y, coefs, alphas)
        if best is None:
            best, best_gap = objectives, gaps
        else:
            better = objectives < best
            best = np.where(better, objectives, best)
            best_gap = np.where(better, gaps, best_gap)
        if np.nanmax(best_gap) <= 1e-10:
            break
    _REFERENCE_CACHE[key] = (best, float(np.nanmax(best_gap)))
    return _REFERENCE_CACHE[key]


def _timed(name, task, tol):
    start = time.perf_counter()
    coefs = solve(name, task.X, task.y, task.alphas, tol, task.mode)
    return time.perf_counter() - start, coefs


def _worst(values):
    values = np.asarray(values, dtype=np.float64)
    return np.inf if np.isnan(values).any() else float(values.max())


def measure(name, task, ladder, max_seconds, log=print, single_above=None, stride=2):
    """Find ``name``'s loosest tol per criterion on ``task`` (timed later).

    The ladder is walked loosest first in steps of ``stride`` rungs; once a
    criterion is met, the rungs skipped just before are tried, loosest first.
    When accuracy is monotone in tol this gives the rung-by-rung answer with
    fewer solves. The walk stops when both criteria are met, or after a run
    longer than ``max_seconds``. A solver whose run at its tol took longer
    than ``single_above`` seconds is timed by that run alone (quick mode: its
    ratio is clear from one run) and left out of :func:`time_in_rounds`.
    """
    outcome = Outcome(name)
    try:
        warm_up(name, task.X, task.y, task.mode)
    except NotInstalled:
        outcome.status = "not installed"
        return outcome
    optimal, _ = reference_objectives(task)
    results = {}  # rung index -> (seconds, gap, subopt)

    def evaluate(index):
        if index not in results:
            tol = ladder[index]
            seconds, coefs = _timed(name, task, tol)
            gap = _worst(relative_gaps(task.X, task.y, coefs, task.alphas))
            subopt = _worst(
                relative_suboptimality(task.X, task.y, coefs, task.alphas, optimal)
            )
            results[index] = (seconds, gap, subopt)
            outcome.scanned.append((tol, gap, subopt))
            log(
                f"    {name:<32} tol={tol:.0e} {seconds:8.4f}s "
                f"gap={gap:.1e} sub={subopt:.1e}"
            )
        return results[index]

    coarse = list(range(0, len(ladder), stride))
    if coarse[-1] != len(ladder) - 1:
        coarse.append(len(ladder) - 1)
    first_met = {}  # criterion -> first coarse index meeting it
    previous = -1
    try:
        for index in coarse:
            seconds, gap, subopt = evaluate(index)
            for criterion, value in (("gap", gap), ("subopt", subopt)):
                if criterion not in first_met and value <= TARGET:
                    first_met[criterion] = (previous, index)
            if len(first_met) == 2:
                break
            if seconds > max_seconds:
                outcome.stopped = (
                    f"stopped: {seconds:.0f} s per run at tol={ladder[index]:.0e}"
                )
                break
            previous = index
        for criterion, (low, high) in first_met.items():
            position = 1 if criterion == "gap" else 2
            found = high
            for index in range(low + 1, high):
                if evaluate(index)[position] <= TARGET:
                    found = index
                    break
            outcome.tol[criterion] = ladder[found]
            outcome.worst[criterion] = results[found][position]
    except Exception as error:  # a peer failing must not stop the run
        outcome.status = f"error: {type(error).__name__}: {error}"[:120]
        return outcome
    outcome.scanned.sort(reverse=True)
    scan_seconds = {
        criterion: results[ladder.index(tol)][0]
        for criterion, tol in outcome.tol.items()
    }
    if single_above is not None and any(
        seconds > single_above for seconds in scan_seconds.values()
    ):
        # quick mode: a slow solver's ratio is clear from its one scan run
        outcome.single_run = True
        outcome.seconds = scan_seconds
    return outcome


def interleaved_medians(runs, repeats):
    """Median over ``repeats`` interleaved rounds of each of ``runs``.

    ``runs`` are callables that run once and return the seconds to count.
    Each round calls every one twice in a row and keeps the second time (the
    first absorbs what the previous one left behind): forwards in even
    rounds, backwards in odd ones, so that none always follows the same one.
    Returns the medians, in the order of ``runs``.
    """
    times = [[] for _ in runs]
    order = list(range(len(runs)))
    for round_index in range(repeats):
        for index in order if round_index % 2 == 0 else order[::-1]:
            runs[index]()  # untimed
            times[index].append(runs[index]())
    return [float(np.median(values)) for values in times]


def time_in_rounds(task, outcomes, repeats, log=print):
    """Time every (solver, tol) of ``outcomes`` in ``repeats`` interleaved rounds.

    See :func:`interleaved_medians`. Fills ``outcome.seconds`` (criterion ->
    median over the rounds) of the outcomes that ``measure`` left untimed.
    """
    pairs = []  # (outcome, tol), one per distinct tol of a solver
    for outcome in outcomes:
        if outcome.status != "ok" or outcome.single_run:
            continue
        for tol in dict.fromkeys(outcome.tol.values()):
            pairs.append((outcome, tol))
    runs = [
        lambda name=outcome.name, tol=tol: _timed(name, task, tol)[0]
        for outcome, tol in pairs
    ]
    for (outcome, tol), median in zip(pairs, interleaved_medians(runs, repeats)):
        log(f"    {outcome.name:<32} tol={tol:.0e} median {median:.4f}s in rounds")
        for criterion, criterion_tol in outcome.tol.items():
            if criterion_tol == tol:
                outcome.seconds[criterion] = median
