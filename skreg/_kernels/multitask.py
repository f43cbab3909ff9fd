"""Numba block coordinate descent for the multi-task elastic net.

The kernel solves, in sum units (see :mod:`skreg._kernels.coordinate_descent`),

.. math::

    P(W) = \\tfrac12 \\|Y - Z W^\\top\\|_F^2
           + \\sum_j l1_j \\|W_j\\|_2 + \\tfrac12 l2_j \\|W_j\\|_2^2

over the rows ``W_j`` (one coefficient per target) of the features with
``usable[j]``. This is the problem scikit-learn's ``enet_path`` solves for a
2-D ``y``: each feature is in or out of the model for every target at once.
``Z`` is the implicitly centred design, as in the single-target kernels:
``z_j = x_j - mean_j v``.

Each block update is exact: with ``g = z_j' R + ||z_j||^2 W_j``, the new row
is ``g max(0, 1 - l1_j / ||g||) / (||z_j||^2 + l2_j)`` (group
soft-thresholding). Convergence is certified by the duality gap, evaluated
once the largest row change is at most ``tol_dw`` times the largest row (as
scikit-learn does), and at least every ``_MAX_GAP_WAIT`` epochs.

In-place contract: ``W`` and ``R`` (the residual ``Y - Z W'``) describe the
returned solution; nothing else is written. The design comes as the
:class:`~skreg._kernels.coordinate_descent.Data` of the single-target kernels,
its ``y`` slot holding the 2-D target ``Y``.
"""

import numpy as np
from numba import njit

_FAST = {"reassoc", "contract"}
# Relative slack on the group threshold: a row whose pull sits on it to
# rounding (the entering feature at alpha_max) stays exactly zero.
_THRESHOLD_SLACK = 1e-12
# Longest wait, in epochs, between two duality-gap evaluations.
_MAX_GAP_WAIT = 10


@njit(cache=True, nogil=True, fastmath=_FAST)
def _column_dot_dense(X, j, R, out):
    """``out[t] = x_j' R[:, t]`` for every target ``t``."""
    for t in range(R.shape[1]):
        total = 0.0
        for i in range(R.shape[0]):
            total += X[i, j] * R[i, t]
        out[t] = total


@njit(cache=True, nogil=True)
def _column_dot_sparse(X_data, X_indices, X_indptr, j, R, out):
    """``out[t] = x_j' R[:, t]`` for a CSC column."""
    for t in range(R.shape[1]):
        out[t] = 0.0
    for p in range(X_indptr[j], X_indptr[j + 1]):
        i = X_indices[p]
        for t in range(R.shape[1]):
            out[t] += X_data[p] * R[i, t]


@njit(cache=True, nogil=True)
def _centred_dots(is_sparse, data, j, R, vR, out):
    """``out = z_j' R`` with ``vR = v' R`` (per target)."""
    if is_sparse:
        _column_dot_sparse(data.X_data, data.X_indices, data.X_indptr, j, R, out)
    else:
        _column_dot_dense(data.X, j, R, out)
    mean = data.means[j]
    for t in range(out.shape[0]):
        out[t] -= mean * vR[t]


@njit(cache=True, nogil=True)
def _subtract_column(is_sparse, data, j, delta, R):
    """``R -= z_j delta'`` (``delta`` one entry per target)."""
    X, X_data, X_indices, X_indptr = data.X, data.X_data, data.X_indices, data.X_indptr
    v, mean = data.v, data.means[j]
    if is_sparse:
        for p in range(X_indptr[j], X_indptr[j + 1]):
            i = X_indices[p]
            for t in range(R.shape[1]):
                R[i, t] -= X_data[p] * delta[t]
    else:
        for t in range(R.shape[1]):
            d = delta[t]
            for i in range(R.shape[0]):
                R[i, t] -= X[i, j] * d
    if mean != 0.0:
        for t in range(R.shape[1]):
            d = mean * delta[t]
            for i in range(R.shape[0]):
                R[i, t] += v[i] * d


@njit(cache=True, nogil=True, fastmath=_FAST)
def _weighted_sums(v, R, out):
    """``out = v' R`` (per target)."""
    for t in range(R.shape[1]):
        total = 0.0
        for i in range(R.shape[0]):
            total += v[i] * R[i, t]
        out[t] = total


@njit(cache=True, nogil=True)
def multitask_duality_gap(is_sparse, data, W, R, l1, l2, usable):
    """Duality gap of the multi-task elastic net at ``W`` (sum units).

    scikit-learn's formula with per-feature penalties: the dual point is the
    residual scaled by the largest ``c <= 1`` with
    ``||z_j' theta - l2_j W_j|| <= l1_j`` for every penalized feature.
    """
    n_targets = R.shape[1]
    Y = data.y
    vR = np.empty(n_targets)
    _weighted_sums(data.v, R, vR)
    dots = np.empty(n_targets)
    scale = 1.0
    penalty = 0.0
    ridge = 0.0
    for j in range(W.shape[0]):
        if not usable[j]:
            continue
        _centred_dots(is_sparse, data, j, R, vR, dots)
        norm2 = 0.0
        row2 = 0.0
        for t in range(n_targets):
            d = dots[t] - l2[j] * W[j, t]
            norm2 += d * d
            row2 += W[j, t] * W[j, t]
        penalty += l1[j] * np.sqrt(row2)
        ridge += l2[j] * row2
        norm = np.sqrt(norm2)
        if l1[j] > 0.0 and norm > l1[j]:
            scale = min(scale, l1[j] / norm)
    RR = 0.0
    RY = 0.0
    for i in range(R.shape[0]):
        for t in range(n_targets):
            RR += R[i, t] * R[i, t]
            RY += R[i, t] * Y[i, t]
    return (
        0.5 * RR * (1.0 + scale * scale)
        + penalty
        - scale * RY
        + 0.5 * ridge * (1.0 + scale * scale)
    )


@njit(cache=True, nogil=True)
def multitask_enet_cd(W, R, is_sparse, data, l1, l2, usable, options):
    """Block coordinate descent on the rows of ``W`` (features x targets).

    Parameters
    ----------
    W : ndarray of shape (n_features, n_targets)
        Coefficients, updated in place.
    R : ndarray of shape (n_samples, n_targets)
        ``Y - Z W'`` for the incoming ``W``; updated in place.
    is_sparse : bool
        Whether ``data`` holds CSC arrays instead of the dense,
        Fortran-ordered ``X``.
    data : Data
        The stored design; its ``y`` is the target ``Y`` of shape
        (n_samples, n_targets), rows scaled by the square roots of the
        sample weights.
    l1, l2 : ndarray of shape (n_features,)
        Penalties in sum units.
    usable : ndarray of bool
        Features that may be nonzero.
    options : Options
        ``max_epochs`` (passes over the features at most), ``tol_dw``
        (relative row change below which the gap is checked), ``gap_tol``
        (the gap at which the solve stops), ``random`` and ``seed``;
        ``positive`` and ``gap_at_end`` are not read.

    Returns
    -------
    gap : float
        Duality gap at the returned ``W``.
    n_epochs : int
        Passes run: 0 when the incoming ``W`` already meets ``gap_tol`` (the
        gap is checked first, as in scikit-learn).
    """
    _, max_epochs, tol_dw, gap_tol, _, random, seed = options
    v, column_v, norms2, means = data.v, data.column_v, data.norms2, data.means
    n_features, n_targets = W.shape
    if random:
        np.random.seed(seed)
    vR = np.empty(n_targets)
    dots = np.empty(n_targets)
    delta = np.empty(n_targets)
    vv = 0.0
    for i in range(v.shape[0]):
        vv += v[i] * v[i]
    gap = multitask_duality_gap(is_sparse, data, W, R, l1, l2, usable)
    if gap <= gap_tol:
        return gap, 0
    last_gap_epoch = -1
    for epoch in range(max_epochs):
        _weighted_sums(v, R, vR)
        w_max = 0.0
        dw_max = 0.0
        for k in range(n_features):
            j = np.random.randint(0, n_features) if random else k
            if not usable[j] or norms2[j] == 0.0:
                continue
            _centred_dots(is_sparse, data, j, R, vR, dots)
            norm = 0.0
            for t in range(n_targets):
                dots[t] += norms2[j] * W[j, t]
                norm += dots[t] * dots[t]
            norm = np.sqrt(norm)
            shrink = 0.0
            if norm > l1[j] * (1.0 + _THRESHOLD_SLACK):
                shrink = (1.0 - l1[j] / norm) / (norms2[j] + l2[j])
            row_change = 0.0
            row = 0.0
            for t in range(n_targets):
                new = dots[t] * shrink
                delta[t] = new - W[j, t]
                row_change += delta[t] * delta[t]
                row += new * new
                W[j, t] = new
            if row_change > 0.0:
                _subtract_column(is_sparse, data, j, delta, R)
                # v'R follows the update: v' z_j = v' x_j - mean_j v'v (and
                # is recomputed at every epoch, so no rounding builds up)
                vz = column_v[j] - means[j] * vv
                for t in range(n_targets):
                    vR[t] -= vz * delta[t]
            dw_max = max(dw_max, np.sqrt(row_change))
            w_max = max(w_max, np.sqrt(row))
        settled = w_max == 0.0 or dw_max <= tol_dw * w_max
        if (
            settled
            or epoch - last_gap_epoch >= _MAX_GAP_WAIT
            or epoch == max_epochs - 1
        ):
            gap = multitask_duality_gap(is_sparse, data, W, R, l1, l2, usable)
            last_gap_epoch = epoch
            if gap <= gap_tol:
                return gap, epoch + 1
    return gap, max_epochs
