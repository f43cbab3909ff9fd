"""Problem (7): peak memory of a dense Lasso fit, relative to the size of X.

Every solver is measured in its own subprocess (this file run as a script):
build X (dense 10000 x 1000, Fortran order, 80 MB), compile on a small copy,
reset the kernel's peak-RSS mark (``/proc/self/clear_refs``), fit once at
alpha_max/20 and read the new peak (VmHWM). The extra peak beyond the resident
set before the fit (X included) is reported as a ratio to X.nbytes. A second
fit under tracemalloc gives the peak of the allocations numpy reports to
Python (numba's own allocations inside kernels are not seen by tracemalloc).
"""

import gc
import json
import os
import subprocess
import sys
import tracemalloc

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from _peers import is_installed  # noqa: E402

SOLVERS = ["skreg", "scikit-learn", "skglm", "celer", "glmnet"]
QUICK_SOLVERS = ["skreg", "scikit-learn", "glmnet"]
SHAPE = (10_000, 1000)


def _status_kib(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _worker(name, fit_intercept):
    """Runs in the subprocess: print the measurements as JSON."""
    from _peers import solve, warm_up
    from _problems import fit_alpha, gaussian_design

    X, y = gaussian_design(*SHAPE, seed=1)
    alphas = fit_alpha(X, y)
    warm_up(name, X, y, "fit")
    gc.collect()
    exact = _reset_peak()
    before = _status_kib("VmRSS")
    solve(name, X, y, alphas, 1e-4, "fit", fit_intercept=fit_intercept)
    peak = _status_kib("VmHWM")
    gc.collect()
    tracemalloc.start()
    solve(name, X, y, alphas, 1e-4, "fit", fit_intercept=fit_intercept)
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "extra_rss": (peak - before) * 1024,
                "traced_peak": traced_peak,
                "x_nbytes": X.nbytes,
                "exact_reset": exact,
            }
        )
    )


def _measure(name, fit_intercept):
    result = subprocess.run(
        [sys.executable, os.path.abspath(__file__), name, str(int(fit_intercept))],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def memory_table(quick=False, log=print):
    intercepts = [True] if quick else [True, False]
    rows = []
    for name in QUICK_SOLVERS if quick else SOLVERS:
        for fit_intercept in intercepts:
            label = f"{name}, fit_intercept={fit_intercept}"
            if not is_installed(name):
                rows.append(f"| {label} | not installed | - |")
                break
            try:
                found = _measure(name, fit_intercept)
            except subprocess.CalledProcessError as error:
                rows.append(f"| {label} | error: {error.stderr[-80:]!r} | - |")
                continue
            rss = found["extra_rss"] / found["x_nbytes"]
            traced = found["traced_peak"] / found["x_nbytes"]
            note = "" if found["exact_reset"] else " (peak not reset)"
            log(f"    {label:<36} extra RSS {rss:.2f} x X, traced {traced:.2f} x X")
            rows.append(f"| {label} | {rss:.2f}{note} | {traced:.2f} |")
    lines = [
        f"### (7) peak memory of one dense fit at alpha_max/20, X {SHAPE[0]} x "
        f"{SHAPE[1]} float64 (Fortran order, 80 MB)",
        "",
        "| solver | extra peak RSS / X.nbytes | tracemalloc peak / X.nbytes |",
        "|---|---|---|",
        *rows,
        "",
        "Extra peak RSS: peak resident set during the fit minus the resident set "
        "just before it (X already built). glmnet copies X by design (its Fortran "
        "overwrites x).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    _worker(sys.argv[1], bool(int(sys.argv[2])))
