"""The multi-task path: ``enet_path`` and ``lasso_path`` with a 2-D ``y``.

For a 2-D target scikit-learn's path functions solve the multi-task elastic
net (the L2,1 penalty: each feature enters or leaves for every target at
once), not one problem per column. This module is that path, on the same
:class:`~skreg._path.Design` as the single-target one (weights, implicit
centring of sparse X) and with ``penalty_factor``:

.. math::

    \\frac{1}{2 n} \\|Y - X W^\\top\\|_F^2
    + \\alpha \\sum_j pf_j \\left(\\rho \\|W_j\\|_2
    + \\frac{1 - \\rho}{2} \\|W_j\\|_2^2\\right)
"""

import warnings

import numpy as np
from scipy import linalg, sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from .._kernels.coordinate_descent import Options
from .._kernels.multitask import multitask_enet_cd
from .._validation import check_coef_init
from .design import make_design
from .driver import _kernel_data
from .grid import _finite_factors, check_grid_l1_ratio, grid_below


def _centred_columns(design, features):
    """``Z`` restricted to ``features``, dense float64."""
    columns = design.X[:, features]
    columns = columns.toarray() if sparse.issparse(columns) else columns
    return np.asarray(columns, dtype=np.float64) - np.outer(
        design.v, design.means[features]
    )


def _row_correlations(design, R):
    """``Z' R`` (n_features x n_targets)."""
    return np.column_stack([design.correlations(R[:, t]) for t in range(R.shape[1])])


def multitask_alpha_max(design, Y, penalty_factor, l1_ratio):
    """Smallest alpha where every penalized row of ``W`` is zero.

    ``max_j ||z_j' R0||_2 / (n * l1_ratio * pf_j)`` over the penalized
    features, with ``R0`` the residual of the unpenalized features'
    least-squares fit (``Y`` itself when every feature is penalized:
    scikit-learn's formula, from the row norms of ``X'Y``).
    """
    penalized = np.isfinite(penalty_factor) & (penalty_factor > 0)
    if not penalized.any():
        return 0.0
    unpenalized = np.flatnonzero(penalty_factor == 0)
    R0 = Y
    if unpenalized.size:
        Z_u = _centred_columns(design, unpenalized)
        R0 = Y - Z_u @ linalg.lstsq(Z_u, Y)[0]
    pulls = np.linalg.norm(_row_correlations(design, R0), axis=1)
    ratio = pulls[penalized] / penalty_factor[penalized]
    return float(ratio.max()) / (design.n_samples * l1_ratio)


def multitask_path(
    X,
    Y,
    alphas,
    penalty_factor,
    *,
    l1_ratio,
    eps,
    sample_weight=None,
    X_offset=None,
    coef_init=None,
    tol=1e-4,
    max_iter=1000,
    random_state=None,
    selection="cyclic",
):
    """Multi-task elastic net along a grid of alphas, warm-started.

    Parameters
    ----------
    X : ndarray (Fortran-ordered) or CSC matrix of shape (n_samples, n_features)
        Validated design (no intercept: centre it first, or pass
        ``X_offset``).
    Y : ndarray of shape (n_samples, n_targets)
        Validated target.
    alphas : int or ndarray
        Number of alphas on the automatic grid, or the alphas.
    penalty_factor : ndarray of shape (n_features,)
        Validated factors (0: unpenalized, inf: excluded).
    l1_ratio, eps : float
        Mixing parameter; ``alpha_min / alpha_max`` of the automatic grid.
    sample_weight, X_offset : ndarray or None
        As in :func:`skreg._path.make_design`.
    coef_init : array-like of shape (n_targets, n_features) or None
        Warm start for the first alpha.
    tol, max_iter, random_state, selection
        As in scikit-learn: stop when the gap is at most ``tol * ||Y||_F^2``.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_targets, n_features, n_alphas)
    dual_gaps : ndarray of shape (n_alphas,)
    n_iters : list of int
    """
    Y = np.asarray(Y, dtype=np.float64)
    n_targets = Y.shape[1]
    design = make_design(
        X, Y[:, 0], sample_weight, fit_intercept=False, X_offset=X_offset
    )
    Y_design = np.asfortranarray(Y * design.v[:, np.newaxis])
    n_features = design.n_features
    if isinstance(alphas, (int, np.integer)):
        check_grid_l1_ratio(l1_ratio)
        top = multitask_alpha_max(design, Y_design, penalty_factor, l1_ratio)
        alphas = grid_below(top, eps, alphas)
    alphas = np.asarray(alphas, dtype=np.float64)

    W = np.zeros((n_features, n_targets))
    if coef_init is not None:
        W[:] = check_coef_init(coef_init, (n_targets, n_features)).T
    usable = np.isfinite(penalty_factor) & design.nonconstant
    W[~usable] = 0.0
    R = Y_design.copy(order="F")
    nonzero = np.flatnonzero(np.abs(W).sum(axis=1))
    if nonzero.size:
        R -= _centred_columns(design, nonzero) @ W[nonzero]

    data = _kernel_data(design, None, Y_design)
    factors = _finite_factors(penalty_factor)
    gap_tol = tol * float(np.sum(Y_design**2))
    random = selection == "random"
    seed = 0
    if random:
        seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))

    n = design.n_samples
    coefs = np.empty((n_targets, n_features, alphas.size))
    gaps = np.empty(alphas.size)
    n_iters = []
    for k, alpha in enumerate(alphas):
        l1 = n * alpha * l1_ratio * factors
        l2 = n * alpha * (1.0 - l1_ratio) * factors
        options = Options(
            False, int(max_iter), float(tol), gap_tol, False, random, seed
        )
        gap, epochs = multitask_enet_cd(
            W, R, design.is_sparse, data, l1, l2, usable, options
        )
        if gap > gap_tol:
            warnings.warn(
                "Objective did not converge. You might want to increase the "
                f"number of iterations (max_iter={max_iter}). Duality gap: "
                f"{gap / n:.3e}, tolerance: {gap_tol / n:.3e}",
                ConvergenceWarning,
                stacklevel=3,
            )
        coefs[:, :, k] = W.T
        gaps[k] = gap / n
        n_iters.append(int(epochs))
    return alphas, coefs, gaps, n_iters
