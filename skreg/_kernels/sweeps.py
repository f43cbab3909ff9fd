"""Coordinate updates: one rule, a sweep per storage, and the unpenalized block.

See :mod:`skreg._kernels.coordinate_descent` for the problem and its scales.
"""

import numpy as np
from numba import njit

from .correlations import _dot
from .gaps import _extrapolated_penalty, _half_squared_residual, _penalty_value
from .small_solves import (
    _block_step,
    _minus,
    _nnls_small,
    _solve_psd_small,
    block_factor,
)

# Reassociation lets LLVM vectorize the dot products; NaN/inf semantics are kept.
_FAST = {"reassoc", "contract"}
# Not for loops over a sparse column's entries: vectorized, their short
# gathers are slower than the scalar loop (see benchmarks/README.md). Those
# loops index with unsigned positions and row indices (np.uintp): with
# signed ones, numba checks every access for a negative index.
_SPARSE_FAST = {"contract"}
# An extrapolated point is kept only if it lowers the objective by more than
# this relative margin: a clear-cut decision keeps equivalent problems (e.g.
# repeated rows vs sample weights) on the same trajectory up to rounding.
_ANDERSON_MARGIN = 1e-9
# Most extrapolation opportunities skipped after rejections in a row.
_MAX_ANDERSON_BACKOFF = 3
# Active-set cycling pays when fewer than this share of the swept features
# are nonzero.
_ACTIVE_SHARE = 0.9
# Most sweeps over the nonzero coefficients between two sweeps over all.
_MAX_ACTIVE_SWEEPS = 10


@njit(cache=True, inline="always")
def _updated_coordinate(w_j, gradient, norm2, l1, l2, positive):
    """Exact minimizer along coordinate ``j`` (soft-thresholding).

    ``gradient`` is ``z_j' R`` at the current residual; ``norm2 = ||z_j||^2``.
    """
    target = gradient + norm2 * w_j
    if positive and target < 0.0:
        return 0.0
    magnitude = abs(target) - l1
    if magnitude <= 0.0:
        return 0.0
    return np.sign(target) * magnitude / (norm2 + l2)


@njit(cache=True)
def _next_feature(k, n_working, random):
    if random:
        return np.random.randint(0, n_working)
    return k


@njit(cache=True, nogil=True)
def _keep_if_lower(w, Q, R, t, vQ, shift, v, candidate, l1, l2, working_set):
    """Move to the extrapolated point if it lowers the objective.

    ``R`` holds the ``Q`` part of the extrapolated residual and ``t + shift``
    its centring offset. Returns the (possibly updated) ``(t, vQ)`` and
    whether the point was kept; ``w`` and ``Q`` change in place if so.
    """
    now = _half_squared_residual(Q, t, v) + _penalty_value(w, l1, l2, working_set)
    extrapolated = _half_squared_residual(R, t + shift, v)
    extrapolated += _extrapolated_penalty(candidate, l1, l2, working_set)
    if not extrapolated < now - _ANDERSON_MARGIN * abs(now):
        return t, vQ, False
    vQ = 0.0
    for i in range(Q.shape[0]):
        Q[i] = R[i]
        vQ += v[i] * Q[i]
    for k in range(working_set.shape[0]):
        w[working_set[k]] = candidate[k]
    return t + shift, vQ, True


@njit(cache=True, nogil=True)
def _anderson_backoff(kept, backoff):
    """``(wait, backoff)`` after an extrapolation was tried.

    An extrapolation costs about one epoch; on problems where coordinate
    descent alone converges fast it is mostly rejected. After each rejection
    in a row the next ``1, 3, 7, ...`` opportunities (at most
    ``_MAX_ANDERSON_BACKOFF``) are skipped; a kept point resets the count.
    """
    if kept:
        return 0, 0
    backoff = min(2 * backoff + 1, _MAX_ANDERSON_BACKOFF)
    return backoff, backoff


@njit(cache=True, nogil=True)
def _nonzero_into(w, features, out):
    """Write the features with ``w_j != 0`` to ``out``; return how many."""
    count = 0
    for k in range(features.shape[0]):
        if w[features[k]] != 0.0:
            out[count] = features[k]
            count += 1
    return count


@njit(cache=True, nogil=True)
def _sweep_cost(full, n_active, n_swept):
    """A sweep's share of a pass over the working set's penalized features."""
    if full or n_swept == 0:
        return 1.0
    return n_active / n_swept


@njit(cache=True, nogil=True)
def _passes(work):
    """Work done, as a whole number of passes (rounded up)."""
    return int(np.ceil(work - 1e-9))


@njit(cache=True, nogil=True)
def _next_sweep_is_full(was_full, settled, n_active, n_swept, active_sweeps):
    """Active-set cycling: whether the next epoch sweeps every feature.

    After a full sweep, the next ones cover the nonzero coefficients only
    (when they are clearly fewer), until those settle or
    ``_MAX_ACTIVE_SWEEPS`` of them have run; then a full sweep again, which
    lets zeros re-enter and is the one the gap is judged after. A zero that
    stays zero costs a full dot product in every sweep, which this spares.
    Without the cap, a ``tol`` too small to settle at would keep the zeros
    out until the epochs run out.
    """
    if was_full:
        return not (0 < n_active < _ACTIVE_SHARE * n_swept)
    return settled or active_sweeps >= _MAX_ACTIVE_SWEEPS


@njit(cache=True, nogil=True, fastmath=_FAST)
def _sweep_dense(w, Q, data, l1, l2, features, positive, random, t, vQ, vv):
    """One pass of coordinate updates over ``features`` (dense ``X``).

    ``data`` is the stored design (:class:`~skreg._kernels.coordinate_descent.Data`);
    ``t = means . w``, ``vQ = v' Q`` and ``vv = v' v`` are the centring sums.
    Returns the updated ``(t, vQ, w_max, dw_max)``; ``w`` and ``Q`` change in
    place.
    """
    X, means, column_v, norms2 = data.X, data.means, data.column_v, data.norms2
    n_samples = X.shape[0]
    n_features = features.shape[0]
    w_max = 0.0
    dw_max = 0.0
    for k in range(n_features):
        j = features[_next_feature(k, n_features, random)]
        dot = 0.0
        for i in range(n_samples):
            dot += X[i, j] * Q[i]
        gradient = dot + t * column_v[j] - means[j] * (vQ + t * vv)
        w_j = w[j]
        new_w_j = _updated_coordinate(w_j, gradient, norms2[j], l1[j], l2[j], positive)
        if new_w_j != w_j:
            delta = new_w_j - w_j
            for i in range(n_samples):
                Q[i] -= delta * X[i, j]
            t += delta * means[j]
            vQ -= delta * column_v[j]
            w[j] = new_w_j
            dw_max = max(dw_max, abs(delta))
        w_max = max(w_max, abs(new_w_j))
    return t, vQ, w_max, dw_max


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def _sweep_sparse(w, Q, data, l1, l2, features, positive, random, t, vQ, vv):
    """One pass of coordinate updates over ``features`` (CSC ``X``).

    Same contract as :func:`_sweep_dense`; an update costs the stored entries
    of its column only. Entry positions and row indices are unsigned
    (``np.uintp``), which spares numba's negative-index wraparound in the
    inner loops.
    """
    X_data, X_indices, X_indptr = data.X_data, data.X_indices, data.X_indptr
    means, column_v, norms2 = data.means, data.column_v, data.norms2
    n_features = features.shape[0]
    w_max = 0.0
    dw_max = 0.0
    for k in range(n_features):
        j = features[_next_feature(k, n_features, random)]
        start, end = np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])
        # Two interleaved sums: the next update waits for this one, and a
        # column has few entries, so the chain of dependent additions, not
        # memory, sets the pace; two sums halve that chain.
        even = 0.0
        odd = 0.0
        pairs_end = end - (end - start) % np.uintp(2)
        for p in range(start, pairs_end, np.uintp(2)):
            even += X_data[p] * Q[np.uintp(X_indices[p])]
            odd += X_data[p + np.uintp(1)] * Q[np.uintp(X_indices[p + np.uintp(1)])]
        if pairs_end < end:
            even += X_data[pairs_end] * Q[np.uintp(X_indices[pairs_end])]
        dot = even + odd
        gradient = dot + t * column_v[j] - means[j] * (vQ + t * vv)
        w_j = w[j]
        new_w_j = _updated_coordinate(w_j, gradient, norms2[j], l1[j], l2[j], positive)
        if new_w_j != w_j:
            delta = new_w_j - w_j
            for p in range(start, end):
                Q[np.uintp(X_indices[p])] -= delta * X_data[p]
            t += delta * means[j]
            vQ -= delta * column_v[j]
            w[j] = new_w_j
            dw_max = max(dw_max, abs(delta))
        w_max = max(w_max, abs(new_w_j))
    return t, vQ, w_max, dw_max


@njit(cache=True, nogil=True, fastmath=_FAST)
def _sweep_gram(w, H, gram, l1, l2, features, positive, random, filled, wanting):
    """One pass of coordinate updates over ``features`` on the Gram matrix.

    ``H = Z'R`` changes in place with ``w``. A feature whose row of ``gram``
    is not ``filled`` yet stays where it is when it would move (its update
    needs the row, its test only ``H_j`` and the diagonal): it is marked in
    ``wanting`` instead. Returns ``(w_max, dw_max, n_wanting)``.
    """
    n_total = w.shape[0]
    n_features = features.shape[0]
    w_max = 0.0
    dw_max = 0.0
    n_wanting = 0
    for k in range(n_features):
        j = features[_next_feature(k, n_features, random)]
        w_j = w[j]
        new_w_j = _updated_coordinate(w_j, H[j], gram[j, j], l1[j], l2[j], positive)
        if new_w_j != w_j and not filled[j]:
            wanting[j] = True
            n_wanting += 1
        elif new_w_j != w_j:
            delta = new_w_j - w_j
            for m in range(n_total):
                H[m] -= delta * gram[j, m]
            w[j] = new_w_j
            dw_max = max(dw_max, abs(delta))
        w_max = max(w_max, abs(w[j]))
    return w_max, dw_max, n_wanting


@njit(cache=True, nogil=True)
def _members(working_set, l1, l2, unpenalized):
    """The features of the working set with (``unpenalized``) or without a penalty."""
    count = 0
    for k in range(working_set.shape[0]):
        j = working_set[k]
        if (l1[j] == 0.0 and l2[j] == 0.0) == unpenalized:
            count += 1
    members = np.empty(count, dtype=working_set.dtype)
    count = 0
    for k in range(working_set.shape[0]):
        j = working_set[k]
        if (l1[j] == 0.0 and l2[j] == 0.0) == unpenalized:
            members[count] = j
            count += 1
    return members


@njit(cache=True, nogil=True, fastmath=_FAST)
def _column_into(is_sparse, data, j, v, mean, out):
    """Column ``j`` of the centred design, ``x_j - mean * v``, into ``out``."""
    for i in range(out.shape[0]):
        out[i] = -mean * v[i]
    if is_sparse:
        X_data, X_indices = data.X_data, data.X_indices
        for p in range(np.uintp(data.X_indptr[j]), np.uintp(data.X_indptr[j + 1])):
            out[np.uintp(X_indices[p])] += X_data[p]
    else:
        for i in range(out.shape[0]):
            out[i] += data.X[i, j]


@njit(cache=True, nogil=True)
def subtract_column(is_sparse, data, j, delta, R):
    """``R -= delta * x_j`` for the stored column ``j`` (not centred)."""
    if is_sparse:
        X_data, X_indices = data.X_data, data.X_indices
        for p in range(np.uintp(data.X_indptr[j]), np.uintp(data.X_indptr[j + 1])):
            R[np.uintp(X_indices[p])] -= delta * X_data[p]
    else:
        X = data.X
        for i in range(R.shape[0]):
            R[i] -= delta * X[i, j]


@njit(cache=True, nogil=True)
def unpenalized_block(is_sparse, data, unpenalized, positive):
    """``(unpenalized, block, factor)`` for :func:`_refit_unpenalized`: the
    centred columns of the ``unpenalized`` features and their
    :class:`~skreg._kernels.small_solves.BlockFactor`.

    The columns are fixed, so a path makes this once and every solve on it
    reuses it (see :func:`block_of`).
    """
    v, means = data.v, data.means
    block = np.empty((v.shape[0], unpenalized.shape[0]))
    for k in range(unpenalized.shape[0]):
        j = unpenalized[k]
        _column_into(is_sparse, data, j, v, means[j], block[:, k])
    return unpenalized.copy(), block, block_factor(block, positive)


@njit(cache=True, nogil=True)
def block_of(is_sparse, data, unpenalized, positive, prepared):
    """``prepared`` (an :func:`unpenalized_block`) if it is that of the
    ``unpenalized`` features, else theirs, made now (e.g. at ``alpha = 0``,
    where every feature of the working set is unpenalized)."""
    members = prepared[0]
    same = members.shape[0] == unpenalized.shape[0]
    if same:
        for k in range(members.shape[0]):
            same = same and members[k] == unpenalized[k]
    if same:
        return prepared
    return unpenalized_block(is_sparse, data, unpenalized, positive)


@njit(cache=True, nogil=True)
def _refit_unpenalized(is_sparse, w, Q, data, unpenalized, prepared, t, positive):
    """Least-squares step on the unpenalized block; returns ``(t, vQ)``.

    Given the other coefficients, the unpenalized ones are optimal when their
    columns are orthogonal to the residual (or, under ``positive``, when the
    non-negative least-squares conditions hold); one small solve reaches that
    exactly, however collinear the columns (coordinate sweeps may not).
    Dependent columns of a rank-deficient block get no step. ``prepared`` is
    ``unpenalized_block(is_sparse, data, unpenalized, positive)``.
    """
    v, means = data.v, data.means
    _, block, factor = prepared
    n_samples = Q.shape[0]
    size = unpenalized.shape[0]
    residual = np.empty(n_samples)
    for i in range(n_samples):
        residual[i] = Q[i] + t * v[i]
    current = np.empty(size)
    for k in range(size):
        current[k] = w[unpenalized[k]]
    step = _block_step(block, factor, residual, current, positive)
    for k in range(size):
        j = unpenalized[k]
        w[j] += step[k]
        t += step[k] * means[j]
        subtract_column(is_sparse, data, j, step[k], Q)
    return t, _dot(v, Q)


@njit(cache=True, nogil=True)
def _refit_unpenalized_gram(w, H, gram, unpenalized, positive):
    """Least-squares step on the unpenalized block, on the Gram matrix."""
    size = unpenalized.shape[0]
    block = np.empty((size, size))
    rhs = np.empty(size)
    for a in range(size):
        rhs[a] = H[unpenalized[a]]
        for b in range(size):
            block[a, b] = gram[unpenalized[a], unpenalized[b]]
    if positive:
        current = np.empty(size)
        for a in range(size):
            current[a] = w[unpenalized[a]]
        for a in range(size):
            for b in range(size):
                rhs[a] += block[a, b] * current[b]
        step = _minus(_nnls_small(block, rhs), current)
    else:
        step = _solve_psd_small(block, rhs)
    for k in range(size):
        j = unpenalized[k]
        w[j] += step[k]
        for m in range(w.shape[0]):
            H[m] -= step[k] * gram[j, m]
