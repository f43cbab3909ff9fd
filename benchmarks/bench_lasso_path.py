"""Lasso path: skreg against scikit-learn at the same duality gap.

Problem: dense X of 500 x 5000 (Gaussian), 20 true features, 100 alphas from
alpha_max to alpha_max / 100, warm starts, no intercept. Both solvers stop on
the same criterion (duality gap <= tol * ||y||^2 / n); the table also reports
the largest relative gap actually reached, computed by one common formula for
both, so the comparison is at equal accuracy. Times are medians of repeats,
after one warm-up run (numba compilation is measured separately).

Run: ``python benchmarks/bench_lasso_path.py [--repeats 5]``
"""

import argparse
import time

import numpy as np
from sklearn.linear_model import lasso_path as sklearn_lasso_path

from skreg import lasso_path as skreg_lasso_path


def make_problem(n_samples=500, n_features=5000, n_true=20, seed=0):
    rng = np.random.RandomState(seed)
    X = np.asfortranarray(rng.randn(n_samples, n_features))
    coef = np.zeros(n_features)
    coef[rng.choice(n_features, n_true, replace=False)] = rng.randn(n_true) * 3
    y = X @ coef + rng.randn(n_samples)
    return X, y


def relative_gap(X, y, coef, alpha):
    """Lasso duality gap / (||y||^2 / 2n), with the rescaled residual as dual point."""
    n = X.shape[0]
    residual = y - X @ coef
    dual_norm = np.max(np.abs(X.T @ residual)) / n
    scale = min(1.0, alpha / dual_norm) if dual_norm > 0 else 1.0
    primal = residual @ residual / (2 * n) + alpha * np.abs(coef).sum()
    theta = scale * residual
    dual = (y @ y - (y - theta) @ (y - theta)) / (2 * n)
    return (primal - dual) / (y @ y / (2 * n))


def median_time(function, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tol", type=float, default=1e-6)
    args = parser.parse_args()

    X, y = make_problem()
    alpha_max = np.max(np.abs(X.T @ y)) / X.shape[0]
    alphas = np.geomspace(alpha_max, alpha_max / 100, 100)
    solvers = {
        "scikit-learn": lambda: sklearn_lasso_path(
            X, y, alphas=alphas, tol=args.tol, max_iter=10_000
        ),
        "skreg": lambda: skreg_lasso_path(
            X, y, alphas=alphas, tol=args.tol, max_iter=10_000, precompute=False
        ),
    }
    skreg_lasso_path(X[:50, :20], y[:50], alphas=3)  # compile outside the timing
    rows = {}
    for name, solve in solvers.items():
        seconds, (_, coefs, _) = median_time(solve, args.repeats)
        worst = max(relative_gap(X, y, coefs[:, k], a) for k, a in enumerate(alphas))
        rows[name] = (seconds, worst)
    reference = rows["scikit-learn"][0]
    print(f"Lasso path, dense {X.shape[0]} x {X.shape[1]}, 100 alphas, tol={args.tol}")
    print()
    print("| solver | median time (s) | worst relative gap | time / scikit-learn |")
    print("|---|---|---|---|")
    for name, (seconds, worst) in rows.items():
        print(f"| {name} | {seconds:.3f} | {worst:.1e} | {seconds / reference:.2f} |")


if __name__ == "__main__":
    main()
