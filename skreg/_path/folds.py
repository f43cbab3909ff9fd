"""Cross-validation folds: a path fitted on the training rows, scored on the rest."""

import numpy as np
from scipy import sparse

from .driver import solve_path
from .gram import prepare


def training_weights(sample_weight, train):
    """The training rows' weights, rescaled to sum to their number (or None)."""
    if sample_weight is None:
        return None
    weights = sample_weight[train]
    return weights * (len(train) / weights.sum())


def fold_design(X, y, sample_weight, train, *, fit_intercept, precompute, n_alphas):
    """The design (and Gram matrix) of one fold's training rows."""
    X_train = X[train]
    if sparse.issparse(X_train):
        X_train = X_train.tocsc()
    return prepare(
        X_train,
        y[train],
        training_weights(sample_weight, train),
        fit_intercept,
        precompute,
        n_alphas=n_alphas,
    )


def held_out_mse(design, gram, X_test, y_test, sw_test, alphas, penalty_factor,
                 **solver):  # fmt: skip
    """Weighted mean squared error on held-out rows along a path.

    ``solver`` holds the keyword arguments of
    :func:`skreg._path.driver.solve_path` (``l1_ratio``, ``positive``,
    ``tol``, ...).

    Returns
    -------
    mse : ndarray of shape (n_alphas,)
    """
    coefs, _, _ = solve_path(design, alphas, penalty_factor, gram=gram, **solver)
    intercepts = design.y_offset - design.X_offset @ coefs
    predictions = np.asarray(X_test @ coefs) + intercepts
    squared_errors = (predictions - y_test[:, np.newaxis]) ** 2
    return np.average(squared_errors, axis=0, weights=sw_test)
