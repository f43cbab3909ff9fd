"""Problem (6): the first Lasso fit in a fresh Python process.

Each variant runs ``python -c`` with the import and one small fit, timed from
inside (import + fit) and from outside (whole process, interpreter start
included). skreg runs with its numba cache warm (a temporary NUMBA_CACHE_DIR
filled by one untimed run) and empty (a new temporary NUMBA_CACHE_DIR for every
run), so the repository's own cache next to skreg's modules is left alone.
"""

import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from _peers import is_installed

_DATA = (
    "import numpy as np\n"
    "rng = np.random.default_rng(0)\n"
    "X = rng.standard_normal((100, 10))\n"
    "y = X[:, 0] + 0.1 * rng.standard_normal(100)\n"
)

_FITS = {
    "scikit-learn": (
        "from sklearn.linear_model import Lasso\nLasso(alpha=0.1).fit(X, y)"
    ),
    "skreg": "import skreg\nskreg.Lasso(alpha=0.1).fit(X, y)",
    "skglm": "from skglm import Lasso\nLasso(alpha=0.1).fit(X, y)",
    "celer": "from celer import Lasso\nLasso(alpha=0.1).fit(X, y)",
}


def _script(package):
    return (
        "import time\n"
        "start = time.perf_counter()\n"
        + _DATA
        + _FITS[package]
        + "\nprint(time.perf_counter() - start)\n"
    )


def _run(package, cache_dir=None):
    env = dict(os.environ)
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = cache_dir
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _script(package)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    return wall, float(result.stdout.strip().splitlines()[-1])


def _median_runs(package, repeats, cache=None):
    """cache: None (package default), "warm" or "empty"."""
    walls, inner = [], []
    with tempfile.TemporaryDirectory() as warm_dir:
        if cache == "warm":
            _run(package, warm_dir)
        for _ in range(repeats):
            if cache == "empty":
                with tempfile.TemporaryDirectory() as empty_dir:
                    wall, seconds = _run(package, empty_dir)
            else:
                wall, seconds = _run(package, warm_dir if cache == "warm" else None)
            walls.append(wall)
            inner.append(seconds)
    return float(np.median(walls)), float(np.median(inner))


def fresh_process_table(quick=False, log=print):
    repeats = 2 if quick else 5
    slow = 1 if quick else 3
    variants = [
        ("scikit-learn", None, "scikit-learn", repeats),
        ("skreg, numba cache warm", "warm", "skreg", repeats),
        ("skreg, numba cache empty", "empty", "skreg", slow),
        ("skglm (compiles in every process)", None, "skglm", slow),
    ]
    if not quick:
        variants.append(("celer", None, "celer", repeats))
    rows, baseline = [], None
    for label, cache, package, count in variants:
        if not is_installed(package):
            rows.append(f"| {label} | not installed | - | - |")
            continue
        wall, inner = _median_runs(package, count, cache)
        log(f"    {label:<36} process {wall:.3f}s, import+fit {inner:.3f}s")
        if baseline is None:
            baseline = inner
        rows.append(f"| {label} | {wall:.3f} | {inner:.3f} | {inner - baseline:+.3f} |")
    lines = [
        "### (6) first fit in a fresh process: import + Lasso(alpha=0.1).fit on "
        "100 x 10",
        "",
        "| variant | whole process (s) | import + fit (s) | "
        "import + fit minus scikit-learn's (s) |",
        "|---|---|---|---|",
        *rows,
        "",
        f"Medians of {repeats} processes (empty-cache and skglm rows: {slow}).",
        "",
    ]
    return "\n".join(lines)
