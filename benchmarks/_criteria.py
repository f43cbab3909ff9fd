"""One accuracy formula for every solver: relative duality gap and suboptimality.

The problem is the lasso without intercept, on scikit-learn's scale:

    P(w) = ||y - X w||^2 / (2 n) + alpha * ||w||_1

Its dual (for theta with ||X' theta||_inf <= n * alpha) is

    D(theta) = (||y||^2 - ||y - theta||^2) / (2 n)

and the common dual point is the residual r = y - X w rescaled to be feasible:
theta = r * min(1, n * alpha / ||X' r||_inf). Both criteria are divided by
P(0) = ||y||^2 / (2 n), so they are relative and scale-free:

    relative gap           (P(w) - D(theta)) / P(0)
    relative suboptimality (P(w) - P*) / P(0)

with P* the objective of a very tight reference solve (certified by its own
gap, which bounds how far P(w_ref) can be above the true minimum).

Every function takes a whole path at once: ``coefs`` of shape
(n_features, n_alphas) and ``alphas`` of shape (n_alphas,).
"""

import numpy as np


def _as_path(coefs, alphas):
    coefs = np.asarray(coefs, dtype=np.float64)
    if coefs.ndim == 1:
        coefs = coefs[:, None]
    alphas = np.atleast_1d(np.asarray(alphas, dtype=np.float64))
    return coefs, alphas


def null_objective(y):
    """P(0) = ||y||^2 / (2 n), the scale of both relative criteria."""
    y = np.asarray(y, dtype=np.float64)
    return float(y @ y) / (2 * y.shape[0])


def primal_objectives(X, y, coefs, alphas):
    """P(w) at every alpha of the path, shape (n_alphas,)."""
    coefs, alphas = _as_path(coefs, alphas)
    n_samples = X.shape[0]
    residuals = y[:, None] - X @ coefs
    return (residuals**2).sum(axis=0) / (2 * n_samples) + alphas * np.abs(coefs).sum(
        axis=0
    )


def duality_gaps(X, y, coefs, alphas):
    """Absolute duality gaps P(w) - D(theta) with the rescaled residual as theta."""
    coefs, alphas = _as_path(coefs, alphas)
    n_samples = X.shape[0]
    residuals = y[:, None] - X @ coefs
    correlations = np.abs(X.T @ residuals).max(axis=0)
    limit = n_samples * alphas
    scale = np.ones_like(alphas)
    positive = correlations > limit
    scale[positive] = limit[positive] / correlations[positive]
    theta = residuals * scale
    squared_norm_y = float(y @ y)
    dual = (squared_norm_y - ((y[:, None] - theta) ** 2).sum(axis=0)) / (2 * n_samples)
    primal = (residuals**2).sum(axis=0) / (2 * n_samples) + alphas * np.abs(coefs).sum(
        axis=0
    )
    return primal - dual


def relative_gaps(X, y, coefs, alphas):
    """Duality gap / P(0) at every alpha of the path."""
    return duality_gaps(X, y, coefs, alphas) / null_objective(y)


def relative_suboptimality(X, y, coefs, alphas, optimal_objectives):
    """(P(w) - P*) / P(0) at every alpha of the path."""
    primal = primal_objectives(X, y, coefs, alphas)
    return (primal - np.asarray(optimal_objectives)) / null_objective(y)
