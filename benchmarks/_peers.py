"""Solver adapters: one call signature for skreg and every peer.

``solve(name, X, y, alphas, tol, mode)`` returns the coefficients as an array
of shape (n_features, n_alphas). ``mode`` is "path" (one warm-started path
over ``alphas``) or "fit" (one estimator fit at ``alphas[0]``). Everything is
the lasso on scikit-learn's scale, 1/(2n) ||y - Xw||^2 + alpha ||w||_1, with
no intercept unless ``fit_intercept`` is asked for (the memory problem only).

Each solver keeps its own stopping rule; ``tol`` is handed to it unchanged
(glmnet: ``thresh``). Peers that are not installed raise ``NotInstalled``.
"""

import warnings
from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

import numpy as np
from scipy import sparse

MAX_ITER = 100_000

# row name -> (import name, distribution name)
PACKAGES = {
    "skreg": ("skreg", "skreg"),
    "scikit-learn": ("sklearn", "scikit-learn"),
    "skglm": ("skglm", "skglm"),
    "celer": ("celer", "celer"),
    "glmnet": ("glmnet", "python-glmnet"),
}


class NotInstalled(Exception):
    """The peer's package cannot be imported."""


def package_of(name):
    """'skreg (Gram)' -> 'skreg'."""
    return name.split(" (")[0]


def is_installed(name):
    module, _ = PACKAGES[package_of(name)]
    try:
        import_module(module)
    except ImportError:
        return False
    return True


def preload():
    """Import every installed solver (and the BLAS libraries they load).

    threadpoolctl only limits libraries already loaded, so this must run
    before the BLAS thread limit is set.
    """
    import scipy.linalg  # noqa: F401  (scipy's own BLAS)

    for module, _ in PACKAGES.values():
        try:
            import_module(module)
        except ImportError:
            pass
    for module in ("sklearn.linear_model", "glmnet._glmnet", "celer.homotopy"):
        try:
            import_module(module)
        except ImportError:
            pass


def versions():
    """Installed versions of the solvers and of the numeric stack."""
    names = [dist for _, dist in PACKAGES.values()] + ["numba", "numpy", "scipy"]
    found = {}
    for dist in names:
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = "not installed"
    return found


def _column(coef):
    return np.asarray(coef, dtype=np.float64).reshape(-1, 1)


def _skreg(X, y, alphas, tol, mode, fit_intercept, precompute):
    """skreg's Lasso or lasso_path; ``precompute=None`` keeps their default."""
    import skreg

    options = {} if precompute is None else {"precompute": precompute}
    if mode == "fit":
        model = skreg.Lasso(
            alpha=alphas[0],
            fit_intercept=fit_intercept,
            tol=tol,
            max_iter=MAX_ITER,
            **options,
        )
        return _column(model.fit(X, y).coef_)
    _, coefs, _ = skreg.lasso_path(
        X, y, alphas=alphas, tol=tol, max_iter=MAX_ITER, **options
    )
    return coefs


def _sklearn(X, y, alphas, tol, mode, fit_intercept, precompute):
    from sklearn.linear_model import Lasso, lasso_path

    if mode == "fit":
        model = Lasso(
            alpha=alphas[0],
            fit_intercept=fit_intercept,
            tol=tol,
            max_iter=MAX_ITER,
            precompute=bool(precompute),
        )
        return _column(model.fit(X, y).coef_)
    precompute = "auto" if precompute is None else precompute
    _, coefs, _ = lasso_path(
        X, y, alphas=alphas, tol=tol, max_iter=MAX_ITER, precompute=precompute
    )
    return coefs


def _skglm(X, y, alphas, tol, mode, fit_intercept):
    from skglm import Lasso

    model = Lasso(alpha=alphas[0], fit_intercept=fit_intercept, tol=tol, max_iter=100)
    if mode == "fit":
        return _column(model.fit(X, y).coef_)
    return model.path(X, y, alphas)[1][: X.shape[1]]


def _celer(X, y, alphas, tol, mode, fit_intercept):
    from celer import Lasso, celer_path

    if mode == "fit":
        model = Lasso(alpha=alphas[0], fit_intercept=fit_intercept, tol=tol)
        return _column(model.fit(X, y).coef_)
    # prune=True is celer.Lasso's default (celer_path's own default is 0).
    _, coefs, _ = celer_path(X, y, "lasso", alphas=alphas, tol=tol, prune=True)
    return coefs


def _glmnet(X, y, alphas, tol, mode, fit_intercept, penalty_factors=None):
    """python-glmnet's Fortran elnet/spelnet, as glmnet/linear.py calls it.

    ka=2 (naive) for p >= 500 as R's glmnet chooses, ka=1 (covariance)
    otherwise; standardize off; intercept as asked; thresh=tol. With unit
    weights glmnet minimizes 1/(2n) RSS + lambda ||w||_1 (it normalizes the
    weights to sum 1), so lambda = alpha. The Fortran overwrites x, y and w
    (scales them by sqrt(w)), hence the copies, which are timed as R's
    .Fortran call would duplicate them too. ``penalty_factors`` (default:
    ones) go to glmnet as given; it rescales them to sum to p, so the
    caller scales ``alphas`` to match (see ``_peers_pf._glmnet``).
    """
    from glmnet._glmnet import elnet, solns, spelnet

    n_samples, n_features = X.shape
    if mode == "fit":
        alphas = alphas[:1]
    ka = 2 if n_features >= 500 else 1
    lambdas = np.asarray(alphas, dtype=np.float64)
    weights = np.ones(n_samples)
    if penalty_factors is None:
        penalty_factors = np.ones(n_features)
    penalty_factors = np.array(penalty_factors, dtype=np.float64)
    bounds = np.empty((2, n_features), order="F")
    bounds[0], bounds[1] = -np.inf, np.inf
    y_copy = np.array(y, dtype=np.float64, order="F")
    common = dict(nlam=lambdas.size, isd=0, intr=int(fit_intercept), maxit=MAX_ITER)
    if sparse.issparse(X):
        x_copy = sparse.csc_matrix(X, dtype=np.float64, copy=True)
        lmu, _, ca, ia, nin, _, _, _, jerr = spelnet(
            ka, 1.0, n_samples, n_features, x_copy.data, x_copy.indptr + 1,
            x_copy.indices + 1, y_copy, weights, [0], penalty_factors, bounds,
            n_features, n_features + 1, 1.0, lambdas, tol, **common,
        )  # fmt: skip
    else:
        x_copy = np.array(X, dtype=np.float64, order="F", copy=True)
        lmu, _, ca, ia, nin, _, _, _, jerr = elnet(
            ka, 1.0, x_copy, y_copy, weights, [0], penalty_factors, bounds,
            n_features + 1, 1.0, lambdas, tol, **common, ne=n_features,
        )  # fmt: skip
    if jerr > 0:
        raise RuntimeError(f"glmnet failed with jerr={jerr}")
    coefs = np.full((n_features, lambdas.size), np.nan)
    if lmu > 0:
        coefs[:, :lmu] = solns(n_features, ca[:, :lmu], ia, nin[:lmu])
    return coefs  # columns past lmu (glmnet stopped early) stay NaN: not met


_ADAPTERS = {
    "skreg": lambda *a: _skreg(*a, precompute=None),
    "skreg (Gram)": lambda *a: _skreg(*a, precompute=True),
    "skreg (precompute=False)": lambda *a: _skreg(*a, precompute=False),
    "scikit-learn": lambda *a: _sklearn(*a, precompute=None),
    "scikit-learn (precompute=True)": lambda *a: _sklearn(*a, precompute=True),
    "skglm": _skglm,
    "celer": _celer,
    "glmnet": _glmnet,
}


def solve(name, X, y, alphas, tol, mode, fit_intercept=False):
    """Coefficients (n_features, n_alphas) of solver ``name`` at ``tol``."""
    if not is_installed(name):
        raise NotInstalled(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _ADAPTERS[name](X, y, np.asarray(alphas), tol, mode, fit_intercept)


def warm_up(name, X, y, mode):
    """Compile (numba) on a small copy of the same layout before any timing."""
    small_X = X[:60, :40]
    small_X = small_X.tocsc() if sparse.issparse(X) else np.asfortranarray(small_X)
    small_y = np.ascontiguousarray(y[:60])
    top = float(np.max(np.abs(small_X.T @ small_y))) / 60 or 1.0
    for current_mode in {mode, "fit", "path"}:
        small_alphas = np.geomspace(top, top / 10, 3)
        solve(name, small_X, small_y, small_alphas, 1e-4, current_mode)
