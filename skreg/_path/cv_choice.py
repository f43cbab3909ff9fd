"""Which alpha a cross-validated path chooses: the minimum or the 1-SE rule."""

from typing import NamedTuple

import numpy as np


class CVChoice(NamedTuple):
    """The alphas chosen from the cross-validated errors of one or more grids.

    Attributes
    ----------
    grid : int
        Index of the grid (``l1_ratio`` or ``gamma``) holding the smallest
        mean error; the refit uses it under both rules.
    alpha_min : float
        The alpha of the smallest mean error.
    alpha_1se : ndarray of shape (n_grids,)
        Per grid, the largest alpha whose mean error is within one standard
        error of that grid's minimum.
    alpha : float
        The alpha to refit: ``alpha_min`` or ``alpha_1se[grid]``.
    """

    grid: int
    alpha_min: float
    alpha_1se: np.ndarray
    alpha: float


def standard_error(mse_paths):
    """Standard error of the mean error over folds.

    Parameters
    ----------
    mse_paths : ndarray of shape (..., n_folds, n_alphas)
        Each fold's test error at each alpha.

    Returns
    -------
    se : ndarray of shape (..., n_alphas)
        The standard deviation over folds (NumPy's, ``ddof=0``, as
        scikit-learn's ``std_test_score``) divided by ``sqrt(n_folds)``.
    """
    n_folds = mse_paths.shape[-2]
    return mse_paths.std(axis=-2) / np.sqrt(n_folds)


def choose_alpha(alphas, mse_paths, rule):
    """Choose the refit's alpha from cross-validated errors.

    Parameters
    ----------
    alphas : ndarray of shape (n_grids, n_alphas)
        Each grid's alphas.
    mse_paths : ndarray of shape (n_grids, n_folds, n_alphas)
        Each fold's test error along each grid.
    rule : {"min", "1se"}
        ``"min"``: the alpha of the smallest mean error. ``"1se"``: the
        largest alpha whose mean error is at most the minimum plus its
        standard error (Hastie, Tibshirani & Friedman 2009, sec. 7.10;
        glmnet's ``lambda.1se``), on the grid of the minimum.

    Returns
    -------
    choice : CVChoice
    """
    mean = mse_paths.mean(axis=1)
    se = standard_error(mse_paths)
    grid, best = np.unravel_index(np.argmin(mean), mean.shape)
    alpha_1se = np.empty(len(alphas))
    for g, (grid_alphas, grid_mean, grid_se) in enumerate(zip(alphas, mean, se)):
        k = np.argmin(grid_mean)
        within = grid_mean <= grid_mean[k] + grid_se[k]
        alpha_1se[g] = np.max(grid_alphas[within])
    alpha_min = float(alphas[grid, best])
    alpha = alpha_min if rule == "min" else float(alpha_1se[grid])
    return CVChoice(int(grid), alpha_min, alpha_1se, alpha)
