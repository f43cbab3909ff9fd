"""AdaptiveLassoCV against the equivalent loop of scikit-learn LassoCV fits.

Problem: dense X of 1000 x 500 (Gaussian, corr 0.5^|i-j|), 20 true features,
noise sd 1.

- skreg: ``AdaptiveLassoCV(cv=5, gammas=(0.5, 1, 2), alphas=100)``: the
  RidgeCV initial estimator (leave-one-out by SVD) is refitted in every
  training fold, then one warm-started path runs per fold and gamma.
- scikit-learn: the same RidgeCV fitted once on all the data, then for each
  gamma ``LassoCV(cv=5, alphas=100)`` on the rescaled columns ``X_j / w_j``
  (Zou's algorithm), coefficients divided back by ``w_j``. This loop does not
  refit the initial estimator per fold (its CV error is optimistic), so skreg
  does 5 more RidgeCV fits.

Both use the default ``tol=1e-4`` (duality-gap criterion, same units) and 5
contiguous folds. A third row runs the scikit-learn loop with skreg.LassoCV
and ``penalty_factor = w`` (no rescaling), isolating the path solver. Times are
medians of repeats after one warm-up run (numba compilation excluded), with
BLAS limited to one thread.

Run: ``python benchmarks/bench_adaptive.py [--repeats 3] [--n-jobs 1]``
"""

import argparse
import time

import numpy as np
from sklearn.linear_model import LassoCV as SklearnLassoCV
from sklearn.linear_model import RidgeCV
from threadpoolctl import threadpool_limits

from skreg import AdaptiveLassoCV
from skreg import LassoCV as SkregLassoCV

GAMMAS = (0.5, 1.0, 2.0)
RIDGE_ALPHAS = np.logspace(-6, 6, 25)


def make_problem(n_samples=1000, n_features=500, n_true=20, seed=0):
    rng = np.random.RandomState(seed)
    index = np.arange(n_features)
    X = rng.randn(n_samples, n_features)
    # AR(1) columns: corr(x_i, x_j) = 0.5^|i-j|.
    for j in range(1, n_features):
        X[:, j] = 0.5 * X[:, j - 1] + np.sqrt(1 - 0.25) * X[:, j]
    X = np.asfortranarray(X)
    coef = np.zeros(n_features)
    coef[rng.choice(index, n_true, replace=False)] = rng.randn(n_true) * 2
    y = X @ coef + rng.randn(n_samples)
    return X, y, coef


def fit_skreg(X, y, n_jobs):
    reg = AdaptiveLassoCV(cv=5, gammas=GAMMAS, alphas=100, n_jobs=n_jobs).fit(X, y)
    return reg.coef_, reg.gamma_, reg.alpha_


def fit_sklearn_loop(X, y, n_jobs):
    initial = RidgeCV(alphas=RIDGE_ALPHAS, gcv_mode="svd").fit(X, y).coef_
    best = None
    for gamma in GAMMAS:
        weights = 1.0 / np.abs(initial) ** gamma
        reg = SklearnLassoCV(cv=5, alphas=100, n_jobs=n_jobs).fit(X / weights, y)
        error = reg.mse_path_.mean(axis=1).min()
        if best is None or error < best[0]:
            best = (error, reg.coef_ / weights, gamma, reg.alpha_)
    return best[1], best[2], best[3]


def fit_skreg_loop(X, y, n_jobs):
    """The same (leaky) loop with skreg.LassoCV and penalty_factor = weights."""
    initial = RidgeCV(alphas=RIDGE_ALPHAS, gcv_mode="svd").fit(X, y).coef_
    best = None
    for gamma in GAMMAS:
        weights = 1.0 / np.abs(initial) ** gamma
        reg = SkregLassoCV(cv=5, alphas=100, n_jobs=n_jobs, penalty_factor=weights)
        reg.fit(X, y)
        error = reg.mse_path_.mean(axis=1).min()
        if best is None or error < best[0]:
            best = (error, reg.coef_, gamma, reg.alpha_)
    return best[1], best[2], best[3]


def median_time(function, repeats):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=1)
    args = parser.parse_args()
    X, y, true_coef = make_problem()
    fit_skreg(X[:100, :20], y[:100], 1)  # numba compilation / cache load

    methods = [
        ("skreg AdaptiveLassoCV (fold-correct)", fit_skreg),
        ("sklearn RidgeCV + 3 x LassoCV on X / w", fit_sklearn_loop),
        ("skreg RidgeCV + 3 x LassoCV(penalty_factor=w)", fit_skreg_loop),
    ]
    rows = []
    # One BLAS thread for everyone: the ridge SVDs otherwise dominate and vary
    # with whatever else runs on the machine.
    with threadpool_limits(limits=1, user_api="blas"):
        for name, method in methods:
            seconds, (coef, gamma, _) = median_time(
                lambda method=method: method(X, y, args.n_jobs), args.repeats
            )
            rows.append((name, seconds, coef, gamma))
    skreg_time = rows[0][1]
    true_support = set(np.flatnonzero(true_coef))
    print(
        f"n=1000, p=500, 5 folds x {len(GAMMAS)} gammas x 100 alphas, "
        f"n_jobs={args.n_jobs}, median of {args.repeats}\n"
    )
    print(
        "| method | time (s) | time / AdaptiveLassoCV | gamma_ | nonzero | true found |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, seconds, coef, gamma in rows:
        support = set(np.flatnonzero(coef))
        print(
            f"| {name} | {seconds:.2f} | {seconds / skreg_time:.2f} | {gamma} | "
            f"{len(support)} | {len(support & true_support)}/{len(true_support)} |"
        )


if __name__ == "__main__":
    main()
