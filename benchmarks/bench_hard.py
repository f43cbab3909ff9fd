"""Hard regimes of issue 22: skreg against its peers at equal suboptimality.

The reference regime: dense Gaussian 500 x 5000, 20 true features
(coefficients 3 N(0, 1)), noise with a third of the signal's norm (SNR 9),
100 alphas alpha_max -> alpha_max/100, once with unit penalty factors and once
with penalty factors U(0.25, 4) of which 10 are zero (unpenalized features).
Optional: the Toeplitz (rho 0.9) design and n >> p (20000 x 500).

Each solver runs at the loosest tol of the ladder 1e-2, 1e-3, ..., 1e-12 whose
path has relative suboptimality (P(w) - P*) / P(0) <= 1e-6 at every alpha
(P with the penalty factors, ``_criteria.weighted_*``; P* from skreg at
tol=1e-14), then is timed at that tol: the median of 3 interleaved rounds
(``_timing.interleaved_medians``). adelie runs in its own venv through
``_adelie_runner.py`` (set ADELIE_PYTHON), timed inside its subprocess.

Run: ``python benchmarks/bench_hard.py [--regimes dense,toeplitz,tall]
[--solvers skreg,glum,...] [--repeats 3]``
"""

import argparse
import datetime
import os
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _criteria import (  # noqa: E402
    weighted_primal_objectives,
    weighted_relative_gaps,
    weighted_relative_suboptimality,
)
from _peers import preload  # noqa: E402
from _peers_pf import SOLVERS, solve_pf  # noqa: E402
from _problems import toeplitz_design  # noqa: E402
from _timing import TARGET, interleaved_medians  # noqa: E402

LADDER = [10.0**-k for k in range(2, 13)]
REFERENCE_TOL = 1e-14
MAX_SECONDS = 30.0


def log(message):
    print(message, file=sys.stderr, flush=True)


def snr_response(X, rng, n_true=20, snr_ratio=3.0):
    """y = X b + e with 20 true features and ||X b|| / ||e|| = 3 (SNR 9)."""
    coef = np.zeros(X.shape[1])
    support = rng.choice(X.shape[1], n_true, replace=False)
    coef[support] = 3 * rng.standard_normal(n_true)
    signal = X @ coef
    noise = rng.standard_normal(X.shape[0])
    noise *= np.linalg.norm(signal) / (snr_ratio * np.linalg.norm(noise))
    return signal + noise


def penalty_factors(n_features, rng, n_free=10):
    pf = rng.uniform(0.25, 4.0, n_features)
    pf[rng.choice(n_features, n_free, replace=False)] = 0.0
    return pf


def pf_alpha_max(X, y, pf):
    """Smallest alpha with every penalized coefficient zero."""
    free = pf == 0
    residual = y
    if free.any():
        X_free = X[:, free]
        residual = y - X_free @ np.linalg.lstsq(X_free, y, rcond=None)[0]
    penalized = ~free
    return (
        float(np.max(np.abs(X[:, penalized].T @ residual) / pf[penalized]))
        / (X.shape[0])
    )


def regime(name, seed=0):
    rng = np.random.default_rng(seed)
    if name == "dense":
        X = np.asfortranarray(rng.standard_normal((500, 5000)))
        title = "dense Gaussian 500 x 5000"
    elif name == "toeplitz":
        X, _ = toeplitz_design(500, 5000, rho=0.9, seed=seed)
        title = "Toeplitz rho 0.9, 500 x 5000"
    elif name == "tall":
        X = np.asfortranarray(rng.standard_normal((20_000, 500)))
        title = "dense Gaussian 20000 x 500 (n >> p)"
    else:
        raise ValueError(name)
    y = snr_response(X, rng)
    return title, X, y, penalty_factors(X.shape[1], rng)


def scan(name, X, y, pf, alphas, optimal):
    """Loosest tol meeting the suboptimality target, with its worst gap."""
    tried = []
    for tol in LADDER:
        coefs, seconds = solve_pf(name, X, y, pf, alphas, tol)
        sub = weighted_relative_suboptimality(X, y, coefs, alphas, pf, optimal)
        gap = weighted_relative_gaps(X, y, coefs, alphas, pf)
        worst_sub = np.inf if np.isnan(sub).any() else float(sub.max())
        worst_gap = np.inf if np.isnan(gap).any() else float(gap.max())
        tried.append((tol, worst_sub))
        log(f"    {name:<13} tol={tol:.0e} {seconds:8.3f}s sub={worst_sub:.1e} "
            f"gap={worst_gap:.1e}")  # fmt: skip
        if worst_sub <= TARGET:
            return {"tol": tol, "sub": worst_sub, "gap": worst_gap}
        if seconds > MAX_SECONDS:
            return {"stopped": f"stopped: {seconds:.0f} s at tol={tol:.0e}"}
    return {"stopped": f"not met down to tol={LADDER[-1]:.0e}"}


def table(title, results, load):
    lines = [
        f"### {title}",
        "",
        f"load average before the run: {load}",
        "",
        "| solver | tol reached | worst rel. subopt. | worst rel. gap | time (s) "
        "| skreg / solver |",
        "|---|---|---|---|---|---|",
    ]
    skreg = results.get("skreg", {}).get("seconds")
    for name, found in results.items():
        if "tol" not in found:
            lines.append(f"| {name} | {found.get('stopped', '-')} | - | - | - | - |")
            continue
        ratio = f"{skreg / found['seconds']:.2f}" if skreg else "-"
        lines.append(
            f"| {name} | {found['tol']:.0e} | {found['sub']:.1e} | {found['gap']:.1e}"
            f" | {found['seconds']:.4f} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def run_regime(name, with_pf, solvers, repeats):
    title, X, y, pf = regime(name)
    if not with_pf:
        pf = np.ones(X.shape[1])
    top = pf_alpha_max(X, y, pf)
    alphas = np.geomspace(top, top / 100, 100)
    label = "penalty factors U(0.25, 4), 10 unpenalized" if with_pf else "unit pf"
    title = f"{title}, SNR 9, 100 alphas, {label}"
    log(f"== {title}")
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    solve_pf("skreg", X[:60, :40].copy(order="F"), y[:60], pf[:40], alphas[:3], 1e-4)
    reference, _ = solve_pf("skreg", X, y, pf, alphas, REFERENCE_TOL)
    optimal = weighted_primal_objectives(X, y, reference, alphas, pf)
    ref_gap = float(weighted_relative_gaps(X, y, reference, alphas, pf).max())
    active = int((reference[:, -1] != 0).sum())
    log(f"    reference gap {ref_gap:.1e}, {active} active at the end")
    results = {}
    for solver in solvers:
        if with_pf and solver == "scikit-learn":
            results[solver] = {"stopped": "no penalty factors"}
            continue
        try:
            results[solver] = scan(solver, X, y, pf, alphas, optimal)
        except Exception as error:  # a peer failing must not stop the run
            results[solver] = {"stopped": f"error: {type(error).__name__}"[:80]}
            log(f"    {solver}: {error!r}"[:300])
    timed = [name for name, found in results.items() if "tol" in found]
    runs = [
        lambda s=s: solve_pf(s, X, y, pf, alphas, results[s]["tol"])[1] for s in timed
    ]
    for solver, median in zip(timed, interleaved_medians(runs, repeats)):
        results[solver]["seconds"] = median
    text = table(title, results, load)
    text += (
        f"\nreference: skreg at tol=1e-14, certified rel. gap <= {ref_gap:.1e}; "
        f"{active} active features at alpha_max/100\n"
    )
    log(text)
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regimes", default="dense")
    parser.add_argument("--solvers", default=",".join(SOLVERS))
    parser.add_argument("--pf", default="no,yes", help="no,yes: unit and U(0.25,4)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    solvers = [s for s in args.solvers.split(",") if s]
    preload()
    import glum  # noqa: F401  (load its BLAS before the limit)

    started = datetime.datetime.now(datetime.timezone.utc)
    clock = time.perf_counter()
    sections = [f"started {started:%Y-%m-%d %H:%M} UTC\n"]
    with threadpool_limits(limits=1):
        for name in args.regimes.split(","):
            for with_pf in [value == "yes" for value in args.pf.split(",")]:
                sections.append(run_regime(name, with_pf, solvers, args.repeats))
    sections.append(f"total {time.perf_counter() - clock:.0f} s\n")
    print("\n".join(sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
