"""Problem (6): the first Lasso fit in a fresh Python process.

Each variant runs ``python -c`` with the import and one small fit, timed from
inside (import + fit) and from outside (whole process, interpreter start
included). skreg runs with its numba cache warm (a temporary NUMBA_CACHE_DIR
filled by one untimed run) and empty (a new temporary NUMBA_CACHE_DIR for every
run), so the repository's own cache next to skreg's modules is left alone.

Every package runs from byte-compiled modules, as installed packages do: pip
compiles a package's modules when it installs it, and Python writes the
bytecode of an editable install at its first import. The timed processes
therefore run without ``PYTHONDONTWRITEBYTECODE`` (set in some sandboxes, it
made the editable skreg compile its sources, about 30 ms, in every process,
while the peers' modules came compiled by pip), and skreg's modules are
compiled before the first run.
"""

import compileall
import importlib.util
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


def _compile_skreg():
    """Write the bytecode of skreg's modules, as installing it would."""
    spec = importlib.util.find_spec("skreg")
    if spec is not None:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def _run(package, cache_dir=None):
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
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


def _interleaved_runs(variants, repeats):
    """Median (process, import + fit) and paired difference for each variant.

    The variants run in turn, one process each per round, so that a change of
    load on the machine during the measurement falls on all of them alike;
    the difference to the first variant (scikit-learn) is the median over the
    rounds of the per-round differences.
    """
    with tempfile.TemporaryDirectory() as warm_dir:
        caches = {}
        for label, cache, package in variants:
            caches[label] = warm_dir if cache == "warm" else None
            if cache == "warm":
                _run(package, warm_dir)  # fill the cache, untimed
        walls = {label: [] for label, _, _ in variants}
        inner = {label: [] for label, _, _ in variants}
        for _ in range(repeats):
            for label, _, package in variants:
                wall, seconds = _run(package, caches[label])
                walls[label].append(wall)
                inner[label].append(seconds)
    baseline = np.array(inner[variants[0][0]])
    return {
        label: (
            float(np.median(walls[label])),
            float(np.median(inner[label])),
            float(np.median(np.array(inner[label]) - baseline)),
        )
        for label, _, _ in variants
    }


def _fresh_cache_runs(package, repeats):
    """Median (process, import + fit) with a new, empty numba cache each run."""
    walls, inner = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as empty_dir:
            wall, seconds = _run(package, empty_dir)
        walls.append(wall)
        inner.append(seconds)
    return float(np.median(walls)), float(np.median(inner))


def fresh_process_table(quick=False, log=print):
    repeats = 2 if quick else 5
    slow = 1 if quick else 3
    fast = [
        ("scikit-learn", None, "scikit-learn"),
        ("skreg, numba cache warm", "warm", "skreg"),
    ]
    if not quick:
        fast.append(("celer", None, "celer"))
    slow_variants = [
        ("skreg, numba cache empty", "skreg"),
        ("skglm (compiles in every process)", "skglm"),
    ]
    rows = {}
    _compile_skreg()
    missing = [v for v in fast if not is_installed(v[2])]
    fast = [v for v in fast if is_installed(v[2])]
    results = _interleaved_runs(fast, repeats) if fast else {}
    baseline = results.get("scikit-learn", (None, None, None))[1]
    for label, (wall, inner, difference) in results.items():
        log(f"    {label:<36} process {wall:.3f}s, import+fit {inner:.3f}s")
        rows[label] = f"| {label} | {wall:.3f} | {inner:.3f} | {difference:+.3f} |"
    for label, _, _ in missing:
        rows[label] = f"| {label} | not installed | - | - |"
    for label, package in slow_variants:
        if not is_installed(package):
            rows[label] = f"| {label} | not installed | - | - |"
            continue
        wall, inner = _fresh_cache_runs(package, slow)
        log(f"    {label:<36} process {wall:.3f}s, import+fit {inner:.3f}s")
        difference = "-" if baseline is None else f"{inner - baseline:+.3f}"
        rows[label] = f"| {label} | {wall:.3f} | {inner:.3f} | {difference} |"
    order = ["scikit-learn", "skreg, numba cache warm", "skreg, numba cache empty",
             "skglm (compiles in every process)", "celer"]  # fmt: skip
    lines = [
        "### (6) first fit in a fresh process: import + Lasso(alpha=0.1).fit on "
        "100 x 10",
        "",
        "| variant | whole process (s) | import + fit (s) | "
        "import + fit minus scikit-learn's (s) |",
        "|---|---|---|---|",
        *(rows[label] for label in order if label in rows),
        "",
        f"Medians of {repeats} processes (empty-cache and skglm rows: {slow}). "
        "scikit-learn, skreg with a warm cache and celer run in turn, one "
        "process each per round; their last column is the median of the "
        "per-round differences.",
        "",
    ]
    return "\n".join(lines)
