"""The relaxed lasso's second stage: least squares on each lasso active set.

Arrays in, arrays out. Along a path many alphas share one active set (the
set changes only at the knots), so the refit is computed once per distinct
set and reused.
"""

import numpy as np
from scipy import sparse
from scipy.optimize import nnls


def least_squares_on(X, y, sample_weight, active, *, fit_intercept, positive):
    """Weighted least squares on the columns ``active`` of X.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    sample_weight : ndarray of shape (n_samples,) or None
    active : ndarray of int
        The columns to fit; the others get 0.
    fit_intercept : bool
    positive : bool
        Non-negative least squares (the lasso's ``positive=True``).

    Returns
    -------
    coef : ndarray of shape (n_features,)
        Least-squares coefficients (the minimum-norm ones when the columns
        are collinear), 0 off ``active``.
    intercept : float
    """
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    coef = np.zeros(X.shape[1])
    columns = X[:, active]
    columns = columns.toarray() if sparse.issparse(columns) else np.asarray(columns)
    columns = columns.astype(np.float64, copy=False)
    if fit_intercept:
        x_mean = np.average(columns, axis=0, weights=weights)
        y_mean = float(np.average(y, weights=weights))
    else:
        x_mean, y_mean = np.zeros(active.size), 0.0
    root = np.sqrt(weights)
    A = (columns - x_mean) * root[:, np.newaxis]
    b = (y - y_mean) * root
    if active.size:
        solution = nnls(A, b)[0] if positive else np.linalg.lstsq(A, b, rcond=None)[0]
        coef[active] = solution
    return coef, y_mean - float(x_mean @ coef[active])


def relaxed_path(X, y, sample_weight, coefs, *, fit_intercept, positive):
    """Least squares on the active set of every point of a lasso path.

    Parameters
    ----------
    X, y, sample_weight :
        The data the path was fitted on.
    coefs : ndarray of shape (n_features, n_alphas)
        The lasso path.
    fit_intercept, positive : bool

    Returns
    -------
    ls_coefs : ndarray of shape (n_features, n_alphas)
    ls_intercepts : ndarray of shape (n_alphas,)
    n_refits : int
        The number of distinct active sets, each fitted once.
    """
    ls_coefs = np.zeros_like(coefs, dtype=np.float64)
    ls_intercepts = np.zeros(coefs.shape[1])
    refits = {}
    for k in range(coefs.shape[1]):
        active = np.flatnonzero(coefs[:, k])
        key = active.tobytes()
        if key not in refits:
            refits[key] = least_squares_on(
                X, y, sample_weight, active,
                fit_intercept=fit_intercept, positive=positive,
            )  # fmt: skip
        ls_coefs[:, k], ls_intercepts[k] = refits[key]
    return ls_coefs, ls_intercepts, len(refits)
