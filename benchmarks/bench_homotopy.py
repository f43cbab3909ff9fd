"""Exact lasso path: skreg's homotopy against scikit-learn's ``lars_path``.

Question: what does the exact path of explain mode cost? Problem: dense X of
200 x 1000 (Gaussian), 20 true features plus noise, centred, whole path
(``alpha_min=0``). skreg's time includes building the centred design (the copy
explain mode makes); scikit-learn's is ``lars_path(X, y, method="lasso")`` on
the same centred data. Times are medians of repeats; the table also reports the
knots each walked and the largest relative difference of their common knots.

Run: ``python benchmarks/bench_homotopy.py [--repeats 7]``
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import lars_path

from skreg._path.design import make_design
from skreg._path.homotopy import lasso_homotopy


def make_problem(n_samples=200, n_features=1000, n_true=20, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    coef = np.zeros(n_features)
    coef[rng.choice(n_features, n_true, replace=False)] = rng.randn(n_true) * 3
    y = X @ coef + rng.randn(n_samples)
    return X - X.mean(axis=0), y - y.mean()


def skreg_path(X, y):
    design = make_design(X, y, None, fit_intercept=True)
    return lasso_homotopy(design, np.ones(X.shape[1])).alphas


def sklearn_path(X, y):
    with warnings.catch_warnings():
        # lars_path warns as it reaches rounding-size alphas at the end.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return lars_path(X, y, method="lasso")[0]


def median_time(function, X, y, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        alphas = function(X, y)
        times.append(time.perf_counter() - start)
    return float(np.median(times)), alphas


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    X, y = make_problem()
    skreg_path(X, y)  # warm-up: imports, caches
    sklearn_path(X, y)
    skreg_time, skreg_alphas = median_time(skreg_path, X, y, args.repeats)
    sklearn_time, sklearn_alphas = median_time(sklearn_path, X, y, args.repeats)
    # The last knots are where each stops at rounding level; compare the rest.
    common = min(len(skreg_alphas), len(sklearn_alphas)) - 1
    difference = np.max(
        np.abs(skreg_alphas[:common] - sklearn_alphas[:common])
        / sklearn_alphas[:common]
    )
    print(f"n_samples={X.shape[0]}, n_features={X.shape[1]}, repeats={args.repeats}")
    print()
    print("| solver | knots | median time (s) | ratio to lars_path |")
    print("|---|---|---|---|")
    print(
        f"| skreg homotopy | {len(skreg_alphas)} | {skreg_time:.4f} | "
        f"{skreg_time / sklearn_time:.2f} |"
    )
    print(f"| sklearn lars_path | {len(sklearn_alphas)} | {sklearn_time:.4f} | 1.00 |")
    print()
    print(f"largest relative difference of common knots: {difference:.2e}")


if __name__ == "__main__":
    main()
