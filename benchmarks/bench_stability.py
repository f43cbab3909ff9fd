"""Stability selection: skreg against the same procedure with scikit-learn (issue 20).

Question: what does ``StabilitySelection(n_resamples=100)`` cost against the
same procedure written with scikit-learn's ``lasso_path``, at equal accuracy?

Problem (the hard regime): dense Gaussian X of 500 x 5000, y from 20 true
features (coefficients ~ 3 N(0, 1)) plus noise whose norm is a third of the
signal's, threshold 0.6, random_state 0; a second case adds penalty factors
U(0.25, 4) with 10 unpenalized features.

The reference procedure uses skreg's own subsamples (``_subsamples``, the
same 100 complementary halves) and grid (100 alphas from alpha_max of the
whole data down to 1e-3 alpha_max). On each subsample it centres X and y (the
intercept, as LassoCV does: ``lasso_path`` has none), calls
``sklearn.linear_model.lasso_path(X_sub, y_sub, alphas=grid, tol=tol)`` and
takes the supports ``coefs != 0``. Two variants: the whole grid, with the
region chosen from scikit-learn's own supports as skreg chooses it (what a
user would write), and the grid only down to the last alpha of skreg's region
(fairer, but it needs skreg's answer). With penalty factors, each subsample's
unpenalized columns (and the intercept) are projected out of X and y and the
penalized columns divided by their factors, which is the same lasso.

Accuracy: skreg's exact homotopy is the truth. For each tol, the largest
difference of the selection probabilities over skreg's region, and the
fraction of (subsample, feature, alpha) support entries that differ. Warm
starts make the first alphas of the whole-grid run identical to the region
run, so both variants have the same accuracy (checked at tol=1e-4).

Times: one BLAS thread for everyone; skreg and the region runs are the
minimum over interleaved rounds (3, ``--repeats``); a whole-grid run is long,
so it runs once, and at tols tighter than 1e-4 on the first
``--grid-subsamples`` subsamples only, scaled to all of them (stated in the
table). numba compilation is outside the timing (a warm-up on a small copy).

Run: ``python benchmarks/bench_stability.py [--quick] [--repeats 3]``
"""

import argparse
import math
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import lasso_path
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from skreg import Lasso, StabilitySelection
from skreg._estimators.stability import (
    _EPS,
    _FIRST_WALK_EXTRA,
    _N_ALPHAS,
    _PFER,
    _factors,
    _selector_settings,
    _subsample_support,
    _subsamples,
)
from skreg._path.design import make_design
from skreg._path.grid import alpha_max, grid_below

THRESHOLD = 0.6
SEED = 0
TOLS = (1e-4, 1e-6, 1e-8, 1e-10)
DEFAULT_TOL = 1e-4  # scikit-learn's default


def make_problem(n_samples=500, n_features=5000, n_true=20, seed=0):
    """Gaussian X (Fortran order); noise with a third of the signal's norm."""
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n_samples, n_features)))
    coef = np.zeros(n_features)
    support = rng.choice(n_features, n_true, replace=False)
    coef[support] = rng.standard_normal(n_true) * 3
    signal = X @ coef
    noise = rng.standard_normal(n_samples)
    y = signal + noise * (np.linalg.norm(signal) / 3 / np.linalg.norm(noise))
    return X, y, np.sort(support)


def make_penalty_factors(n_features, n_unpenalized=10, seed=1):
    rng = np.random.default_rng(seed)
    factors = rng.uniform(0.25, 4.0, n_features)
    factors[rng.choice(n_features, n_unpenalized, replace=False)] = 0.0
    return factors


def log(message):
    print(message, file=sys.stderr, flush=True)


def _estimator(factors):
    return Lasso() if factors is None else Lasso(penalty_factor=factors)


def fit_skreg(X, y, factors, n_resamples):
    selector = StabilitySelection(
        _estimator(factors),
        n_resamples=n_resamples,
        threshold=THRESHOLD,
        random_state=SEED,
    )
    return selector.fit(X, y)


class Setting:
    """What both procedures share: subsamples, grid, candidates, q's limit."""

    def __init__(self, X, y, factors, n_resamples):
        n_samples, n_features = X.shape
        self.settings = _selector_settings(_estimator(factors), n_features)
        self.factors = _factors(self.settings, X, y)
        self.candidates = np.isfinite(self.factors) & (self.factors > 0)
        self.unpenalized = np.flatnonzero(self.factors == 0)
        design = make_design(X, y, None, True)
        self.grid = grid_below(alpha_max(design, self.factors), _EPS, _N_ALPHAS)
        self.q_limit = math.sqrt(
            _PFER * (2 * THRESHOLD - 1) * int(self.candidates.sum())
        )
        # skreg walks q + 10 knots first (longer for the few that stop above
        # the region's end); the check here walks every path to the grid's
        # end, which gives the same supports inside the region
        self.first_walk = int(self.q_limit) + _FIRST_WALK_EXTRA
        self.max_knots = None
        self.n_resamples = n_resamples

    def samples(self, n_samples):
        rng = check_random_state(SEED)
        return _subsamples(n_samples, self.n_resamples, 0.5, True, rng)

    def skreg_supports(self, X, y):
        """skreg's per-subsample supports on the grid (what fit averages)."""
        results = [
            _subsample_support(X, y, rows, self.grid, self.settings, self.max_knots)
            for rows in self.samples(X.shape[0])
        ]
        return np.stack([support for support, _ in results])

    def region_end(self, supports):
        """Where q first exceeds its limit, as StabilitySelection.fit decides."""
        ever = np.logical_or.accumulate(supports[:, self.candidates, :], axis=2)
        usable = ever.sum(axis=1).mean(axis=0) <= self.q_limit
        return max(int(np.argmin(usable)) if not usable.all() else usable.size, 1)


def _subsample_problem(X, y, rows, setting):
    """Centred subsample, unpenalized columns projected out, scaled by factors."""
    X_sub, y_sub = X[rows], y[rows]
    X_sub = X_sub - X_sub.mean(axis=0)
    y_sub = y_sub - y_sub.mean()
    penalized = setting.candidates
    if setting.unpenalized.size:
        basis, _ = np.linalg.qr(X_sub[:, setting.unpenalized])
        X_sub = X_sub[:, penalized]
        X_sub -= basis @ (basis.T @ X_sub)
        y_sub = y_sub - basis @ (basis.T @ y_sub)
        X_sub /= setting.factors[penalized]
    return np.asfortranarray(X_sub), y_sub


def sklearn_supports(X, y, setting, alphas, tol, n_subsamples=None):
    """Supports of scikit-learn's lasso_path on each subsample, and warnings."""
    samples = setting.samples(X.shape[0])[:n_subsamples]
    n_features = X.shape[1]
    supports = np.zeros((len(samples), n_features, alphas.size), dtype=bool)
    penalized = setting.candidates
    n_warnings = 0
    for index, rows in enumerate(samples):
        X_sub, y_sub = _subsample_problem(X, y, rows, setting)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            _, coefs, _ = lasso_path(
                X_sub, y_sub, alphas=alphas, tol=tol, max_iter=100_000
            )
        n_warnings += sum(issubclass(w.category, ConvergenceWarning) for w in caught)
        if setting.unpenalized.size:
            supports[index, penalized] = coefs != 0
            supports[index, setting.unpenalized] = True
        else:
            supports[index] = coefs != 0
    return supports, n_warnings


def sklearn_whole_grid(X, y, setting, tol, n_subsamples=None):
    """The user's procedure: the whole grid, then skreg's rule for the region."""
    supports, n_warnings = sklearn_supports(
        X, y, setting, setting.grid, tol, n_subsamples
    )
    end = setting.region_end(supports)
    probabilities = supports[:, :, :end].mean(axis=0)
    return supports, end, probabilities, n_warnings


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def min_over_rounds(runs, repeats, log):
    """Minimum over ``repeats`` rounds, forwards then backwards in turn."""
    best = [np.inf] * len(runs)
    results = [None] * len(runs)
    order = list(range(len(runs)))
    for round_index in range(repeats):
        for index in order if round_index % 2 == 0 else order[::-1]:
            seconds, results[index] = _timed(runs[index][1])
            best[index] = min(best[index], seconds)
            log(f"    round {round_index}: {runs[index][0]:<36} {seconds:8.3f} s")
    return best, results


def accuracy(reference, supports, end):
    """Largest probability difference and share of differing support entries."""
    reference, supports = reference[:, :, :end], supports[:, :, :end]
    difference = np.abs(reference.mean(axis=0) - supports.mean(axis=0)).max()
    differing = int(np.count_nonzero(reference != supports))
    return float(difference), differing, differing / reference.size


def run_case(title, X, y, factors, args, log):
    n_resamples = args.n_resamples
    setting = Setting(X, y, factors, n_resamples)
    log(f"{title}: q_limit={setting.q_limit:.1f}, first walk={setting.first_walk}")
    reference = setting.skreg_supports(X, y)
    end = setting.region_end(reference)
    region = setting.grid[:end]

    runs = [("skreg", lambda: fit_skreg(X, y, factors, n_resamples))]
    for tol in args.tols:
        runs.append(
            (
                f"scikit-learn region tol={tol:.0e}",
                lambda tol=tol: sklearn_supports(X, y, setting, region, tol),
            )
        )
    seconds, results = min_over_rounds(runs, args.repeats, log)
    selector = results[0]
    assert selector.alphas_.size == end
    assert np.array_equal(
        selector.selection_probabilities_, reference[:, :, :end].mean(axis=0)
    ), "the recomputed supports are not StabilitySelection's"
    skreg_seconds = seconds[0]

    rows = []
    for tol, region_seconds, (supports, n_warnings) in zip(
        args.tols, seconds[1:], results[1:]
    ):
        difference, differing, share = accuracy(reference, supports, end)
        selected = supports.mean(axis=0).max(axis=1) >= THRESHOLD
        selected |= ~setting.candidates & np.isfinite(setting.factors)
        rows.append(
            {
                "tol": tol,
                "region": region_seconds,
                "difference": difference,
                "differing": differing,
                "share": share,
                "same_selection": bool(np.array_equal(selected, selector.support_)),
                "warnings": n_warnings,
            }
        )
    # equal accuracy: the loosest tol whose probabilities are skreg's exactly
    exact = [row for row in rows if row["difference"] == 0]
    equal = exact[0] if exact else min(rows, key=lambda row: row["difference"])

    grid_rows = []
    if args.whole_grid:
        for tol in dict.fromkeys([DEFAULT_TOL, equal["tol"]]):
            n_subsamples = None if tol == DEFAULT_TOL else args.grid_subsamples
            log(f"    whole grid tol={tol:.0e} on {n_subsamples or n_resamples} ...")
            grid_seconds, (supports, grid_end, _, n_warnings) = _timed(
                lambda tol=tol, count=n_subsamples: sklearn_whole_grid(
                    X, y, setting, tol, count
                )
            )
            measured = supports.shape[0]
            log(f"    whole grid tol={tol:.0e}: {grid_seconds:.2f} s")
            if measured == n_resamples:
                region_supports = results[1 + args.tols.index(tol)][0]
                assert np.array_equal(supports[:, :, :end], region_supports), (
                    "the whole grid's first alphas differ from the region run's"
                )
            grid_rows.append(
                {
                    "tol": tol,
                    "seconds": grid_seconds * n_resamples / measured,
                    "measured": measured,
                    "end": grid_end if measured == n_resamples else None,
                    "warnings": n_warnings,
                }
            )
    return {
        "title": title,
        "setting": setting,
        "selector": selector,
        "skreg": skreg_seconds,
        "end": end,
        "rows": rows,
        "equal": equal,
        "grid_rows": grid_rows,
    }


def print_case(case, n_resamples, repeats):
    selector, setting = case["selector"], case["setting"]
    end = case["end"]
    print(f"### {case['title']}")
    print()
    print(
        f"Region: {end} of {setting.grid.size} alphas (down to "
        f"{setting.grid[end - 1] / setting.grid[0]:.3g} alpha_max), q = "
        f"{selector.average_selected_:.2f} (limit {setting.q_limit:.2f}), "
        f"{int(selector.support_.sum())} features kept; skreg's homotopy walks "
        f"{setting.first_walk} knots per subsample first, more only where the "
        f"region may go further. {n_resamples} subsamples."
    )
    print()
    print(
        "| procedure | tol | time (s) | skreg / it | max prob. difference "
        "| differing support entries | same selection | convergence warnings |"
    )
    print("|---|---|---:|---:|---:|---:|---|---:|")
    skreg = case["skreg"]
    print(
        f"| skreg StabilitySelection (exact homotopy) | - | {skreg:.2f} | 1.00 "
        "| 0 (reference) | 0 | yes | 0 |"
    )
    for row in case["rows"]:
        print(
            f"| scikit-learn lasso_path, skreg's region only | {row['tol']:.0e} "
            f"| {row['region']:.2f} | {skreg / row['region']:.2f} "
            f"| {row['difference']:.3f} | {row['differing']} ({row['share']:.1e}) "
            f"| {'yes' if row['same_selection'] else 'no'} | {row['warnings']} |"
        )
    by_tol = {row["tol"]: row for row in case["rows"]}
    for grid in case["grid_rows"]:
        row = by_tol[grid["tol"]]
        measured = (
            "one run"
            if grid["measured"] == n_resamples
            else f"{grid['measured']} subsamples x {n_resamples // grid['measured']}"
        )
        print(
            f"| scikit-learn lasso_path, whole grid ({measured}) "
            f"| {grid['tol']:.0e} | {grid['seconds']:.1f} "
            f"| {skreg / grid['seconds']:.2f} | {row['difference']:.3f} "
            f"| {row['differing']} ({row['share']:.1e}) "
            f"| {'yes' if row['same_selection'] else 'no'} | {grid['warnings']} |"
        )
    print()
    equal = case["equal"]
    grid = {g["tol"]: g for g in case["grid_rows"]}.get(equal["tol"])
    words = "the same probabilities" if equal["difference"] == 0 else "the closest"
    print(
        f"- equal accuracy ({words}): scikit-learn at tol={equal['tol']:.0e}; "
        f"skreg / scikit-learn = **{skreg / equal['region']:.2f}** (region only)"
        + (f", **{skreg / grid['seconds']:.2f}** (whole grid)" if grid else "")
    )
    for grid in case["grid_rows"]:
        if grid["end"] is not None:
            print(
                f"- whole grid at tol={grid['tol']:.0e}: scikit-learn's own supports "
                f"end the region at {grid['end']} alphas (skreg: {end})"
            )
    print(
        f"- times: minimum of {repeats} interleaved rounds; whole grid: one run, "
        "scaled from the subsamples shown"
    )
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 subsamples, 1 round")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--grid-subsamples", type=int, default=None)
    parser.add_argument("--no-whole-grid", dest="whole_grid", action="store_false")
    parser.add_argument("--no-penalty-factors", dest="factors", action="store_false")
    args = parser.parse_args()
    args.n_resamples = 20 if args.quick else 100
    args.repeats = args.repeats or (1 if args.quick else 3)
    args.grid_subsamples = args.grid_subsamples or (2 if args.quick else 10)
    args.tols = list(TOLS[:3] if args.quick else TOLS)

    X, y, _ = make_problem()
    factors = make_penalty_factors(X.shape[1])
    # numba compilation and caches, outside the timing
    fit_skreg(X[:60, :40], y[:60], None, 4)
    fit_skreg(X[:60, :40], y[:60], factors[:40], 4)
    cases = []
    with threadpool_limits(limits=1):
        cases.append(
            run_case("(a) lasso, 500 x 5000, hard regime", X, y, None, args, log)
        )
        if args.factors:
            cases.append(
                run_case(
                    "(b) the same with penalty factors U(0.25, 4), 10 unpenalized",
                    X,
                    y,
                    factors,
                    args,
                    log,
                )
            )
    for case in cases:
        print_case(case, args.n_resamples, args.repeats)


if __name__ == "__main__":
    main()
