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
from scipy import sparse


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


# --- Penalty factors (issue 22) -------------------------------------------
#
# P(w) = ||y - X w||^2 / (2 n) + alpha * sum_j pf_j |w_j|, pf_j = 0 meaning
# unpenalized. The dual constraint becomes X_U' theta = 0 on the unpenalized
# columns U and |x_j' theta| <= n alpha pf_j elsewhere; the common dual point
# is the residual projected off span(X_U), then rescaled to be feasible.


def weighted_primal_objectives(X, y, coefs, alphas, penalty_factor):
    """P(w) with penalty factors at every alpha of the path, shape (n_alphas,)."""
    coefs, alphas = _as_path(coefs, alphas)
    pf = np.asarray(penalty_factor, dtype=np.float64)
    residuals = y[:, None] - X @ coefs
    return (residuals**2).sum(axis=0) / (2 * X.shape[0]) + alphas * (
        pf[:, None] * np.abs(coefs)
    ).sum(axis=0)


def weighted_duality_gaps(X, y, coefs, alphas, penalty_factor):
    """P(w) - D(theta), theta = the projected residual rescaled to feasibility."""
    coefs, alphas = _as_path(coefs, alphas)
    pf = np.asarray(penalty_factor, dtype=np.float64)
    n_samples = X.shape[0]
    residuals = y[:, None] - X @ coefs
    free = pf == 0
    theta = residuals
    if free.any():
        X_free = X[:, free]
        X_free = X_free.toarray() if sparse.issparse(X_free) else np.asarray(X_free)
        theta = theta - X_free @ np.linalg.lstsq(X_free, theta, rcond=None)[0]
    penalized = ~free
    correlations = np.abs(X.T @ theta)[penalized] / pf[penalized, None]
    worst = correlations.max(axis=0)
    limit = n_samples * alphas
    scale = np.ones_like(alphas)
    over = worst > limit
    scale[over] = limit[over] / worst[over]
    theta = theta * scale
    dual = (float(y @ y) - ((y[:, None] - theta) ** 2).sum(axis=0)) / (2 * n_samples)
    return weighted_primal_objectives(X, y, coefs, alphas, pf) - dual


def weighted_relative_gaps(X, y, coefs, alphas, penalty_factor):
    """Duality gap with penalty factors / P(0) at every alpha of the path."""
    return weighted_duality_gaps(X, y, coefs, alphas, penalty_factor) / (
        null_objective(y)
    )


def weighted_relative_suboptimality(
    X, y, coefs, alphas, penalty_factor, optimal_objectives
):
    """(P(w) - P*) / P(0) with penalty factors at every alpha of the path."""
    primal = weighted_primal_objectives(X, y, coefs, alphas, penalty_factor)
    return (primal - np.asarray(optimal_objectives)) / null_objective(y)
