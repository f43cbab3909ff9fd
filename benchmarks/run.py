"""skreg against scikit-learn, skglm, celer and glmnet at equal accuracy (issue 7).

Problems (see benchmarks/README.md): (1) lasso path, dense 500 x 5000;
(2) one fit, dense 10000 x 1000; (3) one fit and a path, sparse 20000 x 20000;
(4) the path of (1) on a correlated design; (5) n >> p, 100000 x 100 (Gram
mode); (6) first fit in a fresh process; (7) peak memory of a dense fit.

Each solver runs at the loosest of its own tol values that brings the relative
duality gap, and separately the relative suboptimality, to <= 1e-6 at every
alpha (one common formula for all solvers: benchmarks/_criteria.py); times are
medians over rounds in which every solver runs twice at its tol and the second
run is timed (interleaved, so that every solver meets the same phases of a
shared machine).

Run: ``python benchmarks/run.py [--quick] [--problems 1,2,...] [--out FILE]``
"""

import argparse
import datetime
import os
import platform
import sys
import time

from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _fresh import fresh_process_table  # noqa: E402
from _memory import memory_table  # noqa: E402
from _peers import package_of, preload, versions  # noqa: E402
from _problems import make_tasks  # noqa: E402
from _timing import (  # noqa: E402
    TARGET,
    measure,
    reference_objectives,
    time_in_rounds,
    tol_ladder,
)

CRITERIA = (("gap", "rel. duality gap"), ("subopt", "rel. suboptimality"))


def log(message):
    print(message, file=sys.stderr, flush=True)


def _ratio(numerator, denominator):
    if numerator is None or denominator is None:
        return "-"
    return f"{numerator / denominator:.2f}"


def _cell(outcome, criterion):
    if outcome.status != "ok":
        return [outcome.status, "-"]
    if criterion not in outcome.tol:
        if outcome.stopped:
            return [outcome.stopped, "-"]
        tightest = min(tol for tol, _, _ in outcome.scanned)
        return [f"not met down to tol={tightest:.0e}", "-"]
    seconds = f"{outcome.seconds[criterion]:.4f}"
    if outcome.single_run:
        seconds += " (1 run)"
    return [f"{outcome.tol[criterion]:.0e}", seconds]


def task_table(task, outcomes, reference_gap):
    """Markdown table of one task: tol, median time and ratios per criterion."""
    skreg = outcomes[0]
    lines = [f"### {task.title}", ""]
    header = ["solver"]
    for _, label in CRITERIA:
        header += [f"tol for {label} <= {TARGET:.0e}", "time (s)", "skreg / solver"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for outcome in outcomes:
        row = [outcome.name]
        for criterion, _ in CRITERIA:
            row += _cell(outcome, criterion)
            row.append(
                _ratio(skreg.seconds.get(criterion), outcome.seconds.get(criterion))
            )
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    for criterion, label in CRITERIA:
        peers = [
            o
            for o in outcomes
            if package_of(o.name) != "skreg" and criterion in o.seconds
        ]
        if not peers or criterion not in skreg.seconds:
            lines.append(f"- skreg / fastest peer ({label}): -")
            continue
        fastest = min(peers, key=lambda o: o.seconds[criterion])
        ratio = skreg.seconds[criterion] / fastest.seconds[criterion]
        lines.append(
            f"- skreg / fastest peer ({label}): **{ratio:.2f}** ({fastest.name})"
        )
    lines.append(
        f"- reference P*: tight solve at tol=1e-14, certified rel. gap "
        f"<= {max(reference_gap, 0.0):.1e}"
    )
    lines.append("")
    return "\n".join(lines)


def header(args, started):
    found = versions()
    lines = [
        "# skreg benchmark results (issue 7)",
        "",
        f"- date: {started:%Y-%m-%d %H:%M}",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}; load average at start "
        f"{os.getloadavg()[0]:.2f} (a shared machine: other jobs may run)",
        f"- BLAS/OpenMP threads during timings: {args.blas_threads} (threadpoolctl; "
        "every solver here is a single-threaded coordinate descent, see README)",
        "- versions: " + ", ".join(f"{k} {v}" for k, v in found.items()),
        "- command: `python benchmarks/run.py "
        + " ".join(sys.argv[1:])
        + "`"
        + (" (quick: 3 repeats, decade tol ladder)" if args.quick else ""),
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and tols")
    parser.add_argument(
        "--problems", default="1,2,3,4,5,6,7", help="comma-separated, e.g. 1,4"
    )
    parser.add_argument("--out", default=None, help="markdown file to write")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads during the timings (default 1)",
    )
    args = parser.parse_args(argv)
    problems = {int(p) for p in args.problems.split(",") if p.strip()}
    repeats = args.repeats or (3 if args.quick else 5)
    ladder = tol_ladder(args.quick)
    max_seconds = 5.0 if args.quick else 60.0
    single_above = 0.5 if args.quick else None
    stride = 2 if args.quick else 4
    started = datetime.datetime.now()
    clock = time.perf_counter()

    sections = [header(args, started)]
    preload()
    limits = threadpool_limits(limits=args.blas_threads)
    for task in make_tasks(problems, quick=args.quick):
        log(f"== {task.title}")
        _, reference_gap = reference_objectives(task)
        outcomes = [
            measure(name, task, ladder, max_seconds, log, single_above, stride)
            for name in task.solvers
        ]
        time_in_rounds(task, outcomes, repeats, log)
        sections.append(task_table(task, outcomes, reference_gap))
        log(sections[-1])
    limits.restore_original_limits()
    if 6 in problems:
        log("== (6) first fit in a fresh process")
        sections.append(fresh_process_table(quick=args.quick, log=log))
        log(sections[-1])
    if 7 in problems:
        log("== (7) peak memory of a dense fit")
        sections.append(memory_table(quick=args.quick, log=log))
        log(sections[-1])
    sections.append(f"Total run time: {time.perf_counter() - clock:.0f} s.\n")
    report = "\n".join(sections)
    print(report)
    if args.out:
        with open(args.out, "w") as handle:
            handle.write(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
