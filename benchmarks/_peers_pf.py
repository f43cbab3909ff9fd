"""Lasso paths with penalty factors for every solver of bench_hard.py (issue 22).

``solve_pf(name, X, y, pf, alphas, tol)`` returns the coefficients (n_features,
n_alphas) of the path of

    1/(2n) ||y - X w||^2 + alpha sum_j pf_j |w_j|     (no intercept)

(pf_j = 0: unpenalized), each solver warm-started along ``alphas`` with its
own stopping rule and ``tol`` handed over unchanged. ``solve_pf`` also returns
the seconds to count: the call's wall time, except adelie's, measured inside
its subprocess (import and data transfer excluded). Scales, checked against
skreg/scikit-learn at tight tolerances (see benchmarks/README.md):

- glmnet rescales its penalty factors to sum to p, so it gets
  lambda = alpha * sum(pf) / p;
- glum's normal family minimizes 1/(2 sum(weights)) sum_i w_i (y_i - x_i'w)^2
  + alpha P1'|w| with unit weights, so alpha is passed unchanged;
- adelie: lmda = alpha, pf used as given (``_adelie_runner.py``);
- scikit-learn has no penalty factors: it runs only with unit ones.
"""

import os
import subprocess
import tempfile
import time
import warnings

import numpy as np
from _peers import MAX_ITER, solve
from _peers import _glmnet as _peers_glmnet
from scipy import sparse

ADELIE_PYTHON = os.environ.get("ADELIE_PYTHON", "/work/adelie-venv/bin/python")
CELER_ZERO = 1e-10
RUNNER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_adelie_runner.py")


def _skreg(X, y, pf, alphas, tol):
    import skreg

    _, coefs, _ = skreg.lasso_path(
        X, y, alphas=alphas, tol=tol, max_iter=MAX_ITER, penalty_factor=pf
    )
    return coefs


def _skglm(X, y, pf, alphas, tol):
    from skglm.datafits import Quadratic
    from skglm.penalties import WeightedL1
    from skglm.solvers import AndersonCD

    solver = AndersonCD(tol=tol, max_iter=100, fit_intercept=False, warm_start=True)
    datafit, w = Quadratic(), np.zeros(X.shape[1])
    coefs = np.empty((X.shape[1], alphas.size))
    for k, alpha in enumerate(alphas):
        penalty = WeightedL1(alpha, pf)
        w = solver.solve(X, y, datafit, penalty, w_init=w.copy(), Xw_init=X @ w)[0]
        coefs[:, k] = w
    return coefs


def _celer(X, y, pf, alphas, tol):
    from celer import celer_path

    # celer refuses zero weights: unpenalized features get CELER_ZERO instead
    # (the criteria use the true pf).
    weights = np.where(pf > 0, pf, CELER_ZERO)
    _, coefs, _ = celer_path(
        X, y, "lasso", alphas=alphas, tol=tol, prune=True, weights=weights
    )
    return coefs


def _glmnet(X, y, pf, alphas, tol):
    # glmnet rescales its penalty factors to sum to p: lambda follows.
    lambdas = np.asarray(alphas, dtype=np.float64) * pf.sum() / X.shape[1]
    return _peers_glmnet(X, y, lambdas, tol, "path", False, penalty_factors=pf)


def _glum(X, y, pf, alphas, tol):
    from glum import GeneralizedLinearRegressor

    model = GeneralizedLinearRegressor(
        family="normal",
        alpha_search=True,
        alphas=alphas,
        l1_ratio=1.0,
        P1=pf,
        fit_intercept=False,
        gradient_tol=tol,
        max_iter=MAX_ITER,
    )
    model.fit(X, y)
    return np.asarray(model.coef_path_, dtype=np.float64).T


def _sklearn(X, y, pf, alphas, tol):
    if not np.all(pf == 1):
        raise NotImplementedError("scikit-learn has no penalty factors")
    return solve("scikit-learn", X, y, alphas, tol, "path")


def adelie_run(X, y, pf, alphas, tol, repeats=1):
    """(coefs, seconds inside the subprocess) of adelie's path."""
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "in.npz")
        target = os.path.join(folder, "out.npz")
        if sparse.issparse(X):
            matrix = {"X_data": X.data, "X_indices": X.indices,
                      "X_indptr": X.indptr, "X_shape": np.array(X.shape)}  # fmt: skip
        else:
            matrix = {"X": X}
        np.savez(source, **matrix, y=y, pf=pf, alphas=alphas, tol=tol, repeats=repeats)
        done = subprocess.run(
            [ADELIE_PYTHON, RUNNER, source, target], capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError("adelie runner failed: " + done.stderr[-300:])
        out = np.load(target)
        return out["coefs"], float(out["seconds"])


ADAPTERS = {
    "skreg": _skreg,
    "scikit-learn": _sklearn,
    "skglm": _skglm,
    "celer": _celer,
    "glmnet": _glmnet,
    "glum": _glum,
}
SOLVERS = ["skreg", "scikit-learn", "skglm", "celer", "glmnet", "glum", "adelie"]


def solve_pf(name, X, y, pf, alphas, tol, repeats=1):
    """(coefs (n_features, n_alphas), seconds) of solver ``name`` at ``tol``."""
    pf = np.asarray(pf, dtype=np.float64)
    alphas = np.asarray(alphas, dtype=np.float64)
    if name == "adelie":
        return adelie_run(X, y, pf, alphas, tol, repeats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        times = []
        for _ in range(repeats + (repeats > 1)):
            start = time.perf_counter()
            coefs = ADAPTERS[name](X, y, pf, alphas, tol)
            times.append(time.perf_counter() - start)
    return coefs, float(np.median(times[1:] if repeats > 1 else times))
