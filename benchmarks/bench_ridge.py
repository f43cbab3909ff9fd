"""Is skreg's Ridge/RidgeCV with penalty factors as fast as scikit-learn's without?

Times (median of ``--repeats`` runs) skreg's ``Ridge`` with a per-coefficient
penalty (some factors 0) against scikit-learn's ``Ridge`` with one penalty, on a
tall (n=20000, p=500) and a wide (n=500, p=20000) dense problem, and skreg's
``RidgeCV`` (13 alphas, leave-one-out) against scikit-learn's ``RidgeCV`` on the
same shapes. Both sides solve exactly (scikit-learn's default 'auto' is
'cholesky' on dense data), so the times compare equal-accuracy fits. One more
row, for information, fits a sparse X (1% density): there scikit-learn's 'auto'
is 'sparse_cg' (tol 1e-4) while skreg's is exact. Prints a markdown table;
ratio = skreg time / scikit-learn time (< 1: skreg is faster).

Run: ``python benchmarks/bench_ridge.py [--repeats 5]``
"""

import argparse
import statistics
import time

import numpy as np
import scipy.sparse as sp
from sklearn import linear_model

from skreg import Ridge, RidgeCV

ALPHAS = np.logspace(-3, 3, 13)


def make_problem(n_samples, n_features, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    y = X[:, :20] @ rng.randn(20) + rng.randn(n_samples)
    penalty_factor = rng.uniform(0.5, 2.0, n_features)
    penalty_factor[:5] = 0.0
    return X, y, penalty_factor


def median_times(make_estimators, X, y, repeats):
    """Median fit time of each estimator, runs interleaved so that load on the
    machine affects every side alike."""
    times = [[] for _ in make_estimators]
    for _ in range(repeats):
        for make, record in zip(make_estimators, times):
            estimator = make()
            start = time.perf_counter()
            estimator.fit(X, y)
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    rows = []
    for n_samples, n_features in [(20000, 500), (500, 20000)]:
        X, y, pf = make_problem(n_samples, n_features)
        shape = f"n={n_samples}, p={n_features}"
        cases = [
            (
                "Ridge(alpha=1)",
                lambda: linear_model.Ridge(alpha=1.0),
                lambda pf=pf: Ridge(alpha=1.0, penalty_factor=pf),
            ),
            (
                "RidgeCV(13 alphas, LOO)",
                lambda: linear_model.RidgeCV(alphas=ALPHAS),
                lambda pf=pf: RidgeCV(alphas=ALPHAS, penalty_factor=pf),
            ),
        ]
        for name, make_sklearn, make_skreg in cases:
            t_sklearn, t_skreg = median_times(
                [make_sklearn, make_skreg], X, y, args.repeats
            )
            rows.append((name, shape, t_sklearn, t_skreg))

    rng = np.random.RandomState(1)
    X = sp.random(20000, 500, density=0.01, format="csr", random_state=rng)
    y = X @ rng.randn(500) + rng.randn(20000)
    pf = make_problem(10, 500)[2]
    t_sklearn, t_skreg = median_times(
        [lambda: linear_model.Ridge(alpha=1.0), lambda: Ridge(1.0, penalty_factor=pf)],
        X,
        y,
        args.repeats,
    )
    rows.append(("Ridge(alpha=1), sparse 1%", "n=20000, p=500", t_sklearn, t_skreg))

    print(f"median of {args.repeats} fits; skreg with penalty_factor (5 zeros), ")
    print("scikit-learn without; ratio = skreg / scikit-learn\n")
    print("| estimator | data | scikit-learn (s) | skreg (s) | ratio |")
    print("|---|---|---:|---:|---:|")
    for name, shape, t_sklearn, t_skreg in rows:
        ratio = t_skreg / t_sklearn
        print(f"| {name} | {shape} | {t_sklearn:.3f} | {t_skreg:.3f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
