"""Small data: skreg against scikit-learn where the fixed costs dominate.

Question: on a problem of a few hundred numbers, what does a path, a fit or a
cross-validation cost? There the solve itself takes microseconds, and the time
goes to validation, set-up and the calls between Python and compiled code.
Problems: dense Gaussian X of 100 x 10 and 1000 x 50 (Fortran order), y from
three true features plus noise. Tasks, all at the defaults of both libraries
(tol=1e-4, 100 alphas, 5 folds): ``lasso_path``, ``Lasso(alpha=0.05).fit``,
``LassoCV().fit`` and ``ElasticNetCV(l1_ratio=[0.2, 0.5, 0.9]).fit``. The two
libraries run in interleaved rounds (each call twice, the second timed, as
in ``run.py``: ``_timing.interleaved_medians``); the
table gives the medians, their ratio and the largest difference of the
coefficients relative to the largest coefficient (both stop at tol=1e-4, so
they agree to about that, not exactly).

Run: ``python benchmarks/bench_small.py [--repeats 41]``
"""

import argparse
import time
import warnings

import numpy as np
import sklearn.linear_model as sk
from _timing import interleaved_medians
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_limits

import skreg

SHAPES = [(100, 10), (1000, 50)]


def make_problem(n_samples, n_features, seed=0):
    rng = np.random.RandomState(seed)
    X = np.asfortranarray(rng.randn(n_samples, n_features))
    y = X[:, :3] @ np.array([2.0, -1.0, 0.5]) + rng.randn(n_samples)
    return X, y


def tasks(X, y):
    """name -> function(library) returning the coefficients."""

    def elastic_net_cv(library):
        model = library.ElasticNetCV(l1_ratio=[0.2, 0.5, 0.9])
        return model.fit(X, y).coef_

    return {
        "lasso_path (100 alphas)": lambda lib: lib.lasso_path(X, y)[1],
        "Lasso(alpha=0.05).fit": lambda lib: lib.Lasso(alpha=0.05).fit(X, y).coef_,
        "LassoCV().fit": lambda lib: lib.LassoCV().fit(X, y).coef_,
        "ElasticNetCV(3 l1_ratios).fit": elastic_net_cv,
    }


def _timed_run(task, library):
    """A run of ``task(library)`` that returns its seconds."""

    def run():
        start = time.perf_counter()
        task(library)
        return time.perf_counter() - start

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=41)
    args = parser.parse_args()
    libraries = {"skreg": skreg, "scikit-learn": sk}
    print("| data | task | skreg (ms) | scikit-learn (ms) | skreg / scikit-learn "
          "| max coef difference |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    for shape in SHAPES:
        X, y = make_problem(*shape)
        for name, task in tasks(X, y).items():
            ours, theirs = task(skreg), task(sk)  # also compiles skreg's kernels
            difference = np.abs(ours - theirs).max() / np.abs(theirs).max()
            runs = [_timed_run(task, library) for library in libraries.values()]
            mine, reference = interleaved_medians(runs, args.repeats)
            print(
                f"| {shape[0]} x {shape[1]} | {name} | {1e3 * mine:.3f} "
                f"| {1e3 * reference:.3f} | {mine / reference:.2f} "
                f"| {difference:.1e} |",
                flush=True,
            )


if __name__ == "__main__":
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        main()
