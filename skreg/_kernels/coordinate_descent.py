"""Numba coordinate-descent kernels for the weighted elastic net.

Every kernel solves, over the features listed in ``working_set``,

.. math::

    P(w) = \\tfrac12 \\|y - Z w\\|_2^2
           + \\sum_j l1_j |w_j| + \\tfrac12 l2_j w_j^2
           \\quad (\\text{and } w_j \\ge 0 \\text{ if positive})

in *sum units*: the path driver (:mod:`skreg._path`) has already multiplied the
penalties by ``n_samples`` and the rows of ``X`` and ``y`` by the square roots
of the sample weights. Column ``j`` of ``Z`` is the centred column
``z_j = x_j - mean_j * v`` where ``x_j`` is the stored column, ``v`` the vector
of square-root sample weights (ones without weights) and ``mean_j`` the weighted
column mean (0 without intercept). ``Z`` is never formed: dense and sparse ``X``
are used as stored, which is what keeps sparse input sparse and avoids a copy of
dense input.

The residual ``R = y - Z w`` is kept as ``R = Q + t v`` with ``Q = y - X w`` and
the scalar ``t = mean . w``, so that updating coordinate ``j`` touches only the
stored entries of ``x_j`` (``Q -= delta * x_j``), never a dense centred column.

Convergence is certified by the duality gap (as in scikit-learn): after an epoch
whose largest coefficient change is at most ``tol_dw`` times the largest
coefficient, the gap is computed and the solve stops when it is at most
``gap_tol``; after a gap that is still too large, the next one waits for a
share of the epochs that the gap's linear decrease predicts are needed. The
dual point is the residual rescaled to be feasible for the features with a
pure L1 penalty; features with an L2 part enter through their Fenchel
conjugate, so ``l1_ratio=0`` (ridge) is certified too.

In-place contract: ``w`` and ``Q`` (or ``H`` for the Gram kernel) are updated in
place and describe the returned solution; nothing else is written.
Kernels return ``(gap, n_epochs, evaluated)``.
"""

import numpy as np
from numba import njit

# Reassociation lets LLVM vectorize the dot products; NaN/inf semantics are kept.
_FAST = {"reassoc", "contract"}
# Not for loops over a sparse column's entries: vectorized, their short
# gathers run about 25 % slower than the scalar loop. Those loops index with
# unsigned positions and row indices (np.uintp): with signed ones, numba
# checks every access for a negative index, which made them 1.5x slower.
_SPARSE_FAST = {"contract"}


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


@njit(cache=True, nogil=True)
def dual_scale(correlations, l1, l2, working_set, positive):
    """Largest ``c <= 1`` for which ``theta = c R`` is dual feasible.

    Feasibility binds the features with a positive L1 part and no L2 part:
    ``|z_j' theta| <= l1_j`` (``z_j' theta <= l1_j`` under ``positive``).
    ``correlations[k]`` is ``z_j' R`` (or an upper bound on its pull) for
    ``j = working_set[k]``.
    """
    scale = 1.0
    for k in range(working_set.shape[0]):
        j = working_set[k]
        if l2[j] == 0.0 and l1[j] > 0.0:
            pull = correlations[k] if positive else abs(correlations[k])
            if pull > l1[j]:
                scale = min(scale, l1[j] / pull)
    return scale


@njit(cache=True, nogil=True, fastmath=_FAST)
def duality_gap(correlations, w, l1, l2, norms2, working_set, positive, RR, Ry, yy):
    """Duality gap of the weighted elastic net over ``working_set``.

    Parameters
    ----------
    correlations : ndarray of shape (len(working_set),)
        ``z_j' R`` for each feature of the working set, in its order.
    w, l1, l2 : ndarray of shape (n_features,)
        Coefficients and per-feature penalties (sum units).
    norms2 : ndarray of shape (n_features,)
        ``||z_j||^2``, used to judge the unpenalized features (see Notes).
    working_set : ndarray of int
        Features taking part in the problem.
    positive : bool
        Whether coefficients are constrained to be non-negative.
    RR, Ry, yy : float
        ``R' R``, ``R' y`` and ``y' y``.

    Notes
    -----
    The dual point is ``theta = c R`` with ``c <= 1`` the largest scaling for
    which ``|z_j' theta| <= l1_j`` holds for every feature with no L2 part and
    a positive L1 part. Unpenalized features (``l1_j = l2_j = 0``) require
    ``z_j' theta = 0`` (``<= 0`` at a zero coefficient under ``positive``),
    which no rescaling of ``R`` can provide: the kernels re-fit them before
    each gap, and while one still violates it beyond rounding the gap is
    ``inf`` (nothing is certified).
    """
    scale = dual_scale(correlations, l1, l2, working_set, positive)
    penalty = 0.0
    conjugate = 0.0
    for k in range(working_set.shape[0]):
        j = working_set[k]
        penalty += l1[j] * abs(w[j]) + 0.5 * l2[j] * w[j] * w[j]
        if l2[j] > 0.0:
            pull = scale * correlations[k]
            if not positive:
                pull = abs(pull)
            excess = pull - l1[j]
            if excess > 0.0:
                conjugate += excess * excess / (2.0 * l2[j])
    for k in range(working_set.shape[0]):
        j = working_set[k]
        if l1[j] == 0.0 and l2[j] == 0.0:
            violation = abs(correlations[k])
            if positive and w[j] == 0.0:
                violation = max(correlations[k], 0.0)
            # R can vanish (unpenalized columns spanning the data): the floor
            # keeps rounding in z_j' R from counting as a violation then.
            if violation > _UNPENALIZED_TOL * np.sqrt(norms2[j] * (RR + 1e-8 * yy)):
                return np.inf  # no rescaling of R can make theta feasible
    primal = 0.5 * RR + penalty
    dual = scale * Ry - 0.5 * scale * scale * RR - conjugate
    return primal - dual


@njit(cache=True)
def _next_feature(k, n_working, random):
    if random:
        return np.random.randint(0, n_working)
    return k


# Anderson acceleration combines this many consecutive epochs' iterates.
_ANDERSON_DEPTH = 5
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
# Relative violation of an unpenalized feature's dual constraint, |z_j' R| /
# (||z_j|| ||R||), above which no duality gap is certified.
_UNPENALIZED_TOL = 1e-9
# Longest wait, in epochs, between two duality-gap evaluations.
_MAX_GAP_WAIT = 10


@njit(cache=True, nogil=True)
def _next_gap_epoch(epoch, gap, previous_epoch, previous_gap, gap_tol):
    """Epoch of the next duality-gap evaluation after one that failed.

    A gap costs about half an epoch, so it is not evaluated after every epoch
    of a long tail. Coordinate descent converges linearly: from the last two
    gaps the epochs still needed are predicted, and the next evaluation comes
    after half of them (at most ``_MAX_GAP_WAIT``), so a check is never late
    by more than that half and a long tail costs a few evaluations only.
    """
    if previous_epoch < 0 or not (0.0 < gap < previous_gap) or not gap_tol > 0.0:
        return epoch + 1
    rate = (gap / previous_gap) ** (1.0 / (epoch - previous_epoch))
    if not rate < 1.0:
        return epoch + 1
    needed = np.log(gap_tol / gap) / np.log(rate)
    return epoch + max(1, min(int(0.5 * needed), _MAX_GAP_WAIT))


# Small dense solves are written out here: numba's np.linalg wrappers would add
# many seconds to the first (uncached) compilation of every kernel.
# Relative size below which a direction is treated as dependent and dropped.
_DEPENDENT = 1e-10


@njit(cache=True, nogil=True)
def _solve_psd_small(A, b):
    """Solve ``A x = b`` for a small symmetric positive semi-definite ``A``.

    Cholesky without pivoting; a pivot below ``_DEPENDENT**2`` times the
    largest diagonal entry marks a dependent direction, whose component of
    ``x`` is set to 0 (a solution of the remaining, independent system).
    """
    size = A.shape[0]
    L = np.zeros((size, size))
    largest = 0.0
    for i in range(size):
        largest = max(largest, A[i, i])
    for j in range(size):
        pivot = A[j, j]
        for k in range(j):
            pivot -= L[j, k] * L[j, k]
        if not pivot > _DEPENDENT * _DEPENDENT * largest:
            continue
        L[j, j] = np.sqrt(pivot)
        for i in range(j + 1, size):
            value = A[i, j]
            for k in range(j):
                value -= L[i, k] * L[j, k]
            L[i, j] = value / L[j, j]
    z = np.zeros(size)
    for i in range(size):
        if L[i, i] > 0.0:
            value = b[i]
            for k in range(i):
                value -= L[i, k] * z[k]
            z[i] = value / L[i, i]
    x = np.zeros(size)
    for i in range(size - 1, -1, -1):
        if L[i, i] > 0.0:
            value = z[i]
            for k in range(i + 1, size):
                value -= L[k, i] * x[k]
            x[i] = value / L[i, i]
    return x


@njit(cache=True, nogil=True)
def _least_squares_small(block, target):
    """A minimizer of ``||target - block @ x||`` for a thin ``block``.

    Modified Gram-Schmidt with one re-orthogonalization (accurate even for
    nearly collinear columns); a column whose remainder is below
    ``_DEPENDENT`` of its norm is dependent and gets a zero coefficient.
    """
    n_rows, size = block.shape
    basis = block.copy()
    upper = np.zeros((size, size))
    independent = np.zeros(size, dtype=np.bool_)
    for j in range(size):
        original = 0.0
        for i in range(n_rows):
            original += block[i, j] * block[i, j]
        for _ in range(2):
            for k in range(j):
                if independent[k]:
                    overlap = 0.0
                    for i in range(n_rows):
                        overlap += basis[i, k] * basis[i, j]
                    upper[k, j] += overlap
                    for i in range(n_rows):
                        basis[i, j] -= overlap * basis[i, k]
        remainder = 0.0
        for i in range(n_rows):
            remainder += basis[i, j] * basis[i, j]
        if not remainder > _DEPENDENT * _DEPENDENT * original:
            continue
        independent[j] = True
        upper[j, j] = np.sqrt(remainder)
        for i in range(n_rows):
            basis[i, j] /= upper[j, j]
    x = np.zeros(size)
    for j in range(size - 1, -1, -1):
        if independent[j]:
            value = 0.0
            for i in range(n_rows):
                value += basis[i, j] * target[i]
            for k in range(j + 1, size):
                value -= upper[j, k] * x[k]
            x[j] = value / upper[j, j]
    return x


@njit(cache=True, nogil=True)
def _anderson_extrapolation(history, out):
    """Extrapolate coefficients from consecutive iterates (Anderson mixing).

    ``history`` holds ``depth + 1`` iterates (oldest first). The weights
    ``c`` (summing to 1) minimize ``||sum_k c_k (w_{k+1} - w_k)||``: the
    combination whose next step is smallest. Writes the extrapolated point
    into ``out``; returns False when the iterates are degenerate.
    """
    depth = history.shape[0] - 1
    width = history.shape[1]
    gram = np.empty((depth, depth))
    for a in range(depth):
        for b in range(a, depth):
            total = 0.0
            for k in range(width):
                total += (history[a + 1, k] - history[a, k]) * (
                    history[b + 1, k] - history[b, k]
                )
            gram[a, b] = total
            gram[b, a] = total
    trace = 0.0
    for k in range(depth):
        trace += gram[k, k]
    if not trace > 0.0:
        return False
    # Near convergence the steps are almost collinear; the ridge keeps the
    # weights a smooth function of the iterates, so that two formulations of
    # one problem that differ by rounding stay on the same trajectory.
    for k in range(depth):
        gram[k, k] += 1e-6 * trace
    weights = _solve_psd_small(gram, np.ones(depth))
    total = 0.0
    for k in range(depth):
        total += weights[k]
    if not (np.isfinite(total) and total != 0.0):
        return False
    for i in range(width):
        value = 0.0
        for k in range(depth):
            value += weights[k] * history[k + 1, i]
        out[i] = value / total
    return True


@njit(cache=True, nogil=True)
def _penalty_value(w, l1, l2, working_set):
    total = 0.0
    for k in range(working_set.shape[0]):
        j = working_set[k]
        total += l1[j] * abs(w[j]) + 0.5 * l2[j] * w[j] * w[j]
    return total


@njit(cache=True, nogil=True)
def _extrapolated_penalty(candidate, l1, l2, working_set):
    total = 0.0
    for k in range(working_set.shape[0]):
        j = working_set[k]
        c = candidate[k]
        total += l1[j] * abs(c) + 0.5 * l2[j] * c * c
    return total


@njit(cache=True, nogil=True, fastmath=_FAST)
def _incoming_sums(w, Q, y, v, means):
    """``(v'v, v'Q, y'y, means'w)``: the scalars a kernel starts from.

    Compiled with reassociation, unlike the sparse kernel that calls it: these
    sums over ``n_samples`` then vectorize instead of waiting on one chain of
    additions (about 4 cycles per sample).
    """
    vv = 0.0
    vQ = 0.0
    yy = 0.0
    for i in range(Q.shape[0]):
        vv += v[i] * v[i]
        vQ += v[i] * Q[i]
        yy += y[i] * y[i]
    t = 0.0
    for j in range(w.shape[0]):
        t += means[j] * w[j]
    return vv, vQ, yy, t


@njit(cache=True, nogil=True, fastmath=_FAST)
def _centring_sums(w, Q, v, means, working_set):
    """``(means' w, v' Q)`` recomputed, ``w`` nonzero on ``working_set`` only."""
    t = 0.0
    for k in range(working_set.shape[0]):
        j = working_set[k]
        t += means[j] * w[j]
    vQ = 0.0
    for i in range(Q.shape[0]):
        vQ += v[i] * Q[i]
    return t, vQ


@njit(cache=True, nogil=True, fastmath=_FAST)
def _residual_into(Q, t, v, y, R):
    """Write ``R = Q + t v``; return ``(R'R, R'y, v'R)`` (vectorized sums)."""
    RR = 0.0
    Ry = 0.0
    vR = 0.0
    for i in range(Q.shape[0]):
        r = Q[i] + t * v[i]
        R[i] = r
        RR += r * r
        Ry += r * y[i]
        vR += v[i] * r
    return RR, Ry, vR


@njit(cache=True, nogil=True, fastmath=_FAST)
def _half_squared_residual(Q, t, v):
    total = 0.0
    for i in range(Q.shape[0]):
        r = Q[i] + t * v[i]
        total += r * r
    return 0.5 * total


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
def _sweep_dense(
    w, Q, X, v, means, column_v, norms2, l1, l2, features, positive, random, t, vQ, vv
):
    """One pass of coordinate updates over ``features`` (dense ``X``).

    Returns the updated ``(t, vQ, w_max, dw_max)``; ``w`` and ``Q`` change in
    place.
    """
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
def _sweep_sparse(
    w,
    Q,
    X_data,
    X_indices,
    X_indptr,
    v,
    means,
    column_v,
    norms2,
    l1,
    l2,
    features,
    positive,
    random,
    t,
    vQ,
    vv,
):
    """One pass of coordinate updates over ``features`` (CSC ``X``).

    Same contract as :func:`_sweep_dense`; an update costs the stored entries
    of its column only. Entry positions and row indices are unsigned
    (``np.uintp``), which spares numba's negative-index wraparound in the
    inner loops.
    """
    n_features = features.shape[0]
    w_max = 0.0
    dw_max = 0.0
    for k in range(n_features):
        j = features[_next_feature(k, n_features, random)]
        start, end = np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])
        # Two interleaved sums: the next update waits for this one, and a
        # column has few entries, so the chain of dependent additions, not
        # memory, sets the pace (halving it: sparse paths about 6 % faster).
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
def _sweep_gram(w, H, gram, l1, l2, features, positive, random):
    """One pass of coordinate updates over ``features`` on the Gram matrix.

    ``H = Z'R`` changes in place with ``w``; returns ``(w_max, dw_max)``.
    """
    n_total = w.shape[0]
    n_features = features.shape[0]
    w_max = 0.0
    dw_max = 0.0
    for k in range(n_features):
        j = features[_next_feature(k, n_features, random)]
        w_j = w[j]
        new_w_j = _updated_coordinate(w_j, H[j], gram[j, j], l1[j], l2[j], positive)
        if new_w_j != w_j:
            delta = new_w_j - w_j
            for m in range(n_total):
                H[m] -= delta * gram[j, m]
            w[j] = new_w_j
            dw_max = max(dw_max, abs(delta))
        w_max = max(w_max, abs(new_w_j))
    return w_max, dw_max


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


@njit(cache=True, nogil=True)
def _minus(a, b):
    """``a - b`` for 1-D arrays of equal length, as a loop (an array
    expression compiles a broadcasting check that costs seconds cold)."""
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = a[i] - b[i]
    return out


@njit(cache=True, nogil=True)
def _nnls_small(G, c):
    """Minimize ``x'Gx / 2 - c'x`` over ``x >= 0`` (small, PSD ``G``).

    Lawson and Hanson's active-set method in normal-equation form: add the
    feature with the largest positive gradient, solve on the free set, and
    step back to the boundary whenever a free coefficient would turn negative.
    """
    size = c.shape[0]
    x = np.zeros(size)
    free = np.zeros(size, dtype=np.bool_)
    scale = 0.0
    for k in range(size):
        scale = max(scale, abs(c[k]))
    threshold = 1e-12 * max(scale, 1e-300)
    for _ in range(3 * size + 1):
        best = -1
        best_value = threshold
        for k in range(size):
            if not free[k]:
                value = c[k]
                for m in range(size):
                    value -= G[k, m] * x[m]
                if value > best_value:
                    best, best_value = k, value
        if best < 0:
            break
        free[best] = True
        for _ in range(3 * size + 1):
            members = np.flatnonzero(free)
            sub = np.empty((members.shape[0], members.shape[0]))
            rhs = np.empty(members.shape[0])
            for a in range(members.shape[0]):
                rhs[a] = c[members[a]]
                for b in range(members.shape[0]):
                    sub[a, b] = G[members[a], members[b]]
            solution = _solve_psd_small(sub, rhs)
            all_positive = True
            for a in range(members.shape[0]):
                all_positive = all_positive and solution[a] > 0.0
            if all_positive:
                for a in range(members.shape[0]):
                    x[members[a]] = solution[a]
                break
            # Step from x toward the solution until a coefficient hits 0.
            fraction = 1.0
            for a in range(members.shape[0]):
                if solution[a] <= 0.0:
                    k = members[a]
                    fraction = min(fraction, x[k] / (x[k] - solution[a]))
            for a in range(members.shape[0]):
                k = members[a]
                x[k] += fraction * (solution[a] - x[k])
                if x[k] <= 0.0:
                    x[k] = 0.0
                    free[k] = False
    return x


@njit(cache=True, nogil=True)
def _block_step(block, residual, current, positive):
    """Step of the unpenalized coefficients that minimizes ``||residual - block
    step||`` (subject to ``current + step >= 0`` when ``positive``)."""
    if not positive:
        return _least_squares_small(block, residual)
    n_rows, size = block.shape
    G = np.empty((size, size))
    c = np.empty(size)
    for a in range(size):
        value = 0.0
        for i in range(n_rows):
            value += block[i, a] * residual[i]
        for b in range(size):
            total = 0.0
            for i in range(n_rows):
                total += block[i, a] * block[i, b]
            G[a, b] = total
        c[a] = value
    # Normal equations for the new values x = current + step.
    for a in range(size):
        for b in range(size):
            c[a] += G[a, b] * current[b]
    return _minus(_nnls_small(G, c), current)


@njit(cache=True, nogil=True)
def _refit_unpenalized_dense(w, Q, X, v, means, unpenalized, t, positive):
    """Least-squares step on the unpenalized block; returns ``(t, vQ)``.

    Given the other coefficients, the unpenalized ones are optimal when their
    columns are orthogonal to the residual (or, under ``positive``, when the
    non-negative least-squares conditions hold); one small solve reaches that
    exactly, however collinear the columns (coordinate sweeps may not).
    Dependent columns of a rank-deficient block get no step.
    """
    n_samples = X.shape[0]
    size = unpenalized.shape[0]
    block = np.empty((n_samples, size))
    residual = np.empty(n_samples)
    for i in range(n_samples):
        residual[i] = Q[i] + t * v[i]
    for k in range(size):
        j = unpenalized[k]
        for i in range(n_samples):
            block[i, k] = X[i, j] - means[j] * v[i]
    current = np.empty(size)
    for k in range(size):
        current[k] = w[unpenalized[k]]
    step = _block_step(block, residual, current, positive)
    for k in range(size):
        j = unpenalized[k]
        w[j] += step[k]
        t += step[k] * means[j]
        for i in range(n_samples):
            Q[i] -= step[k] * X[i, j]
    vQ = 0.0
    for i in range(n_samples):
        vQ += v[i] * Q[i]
    return t, vQ


@njit(cache=True, nogil=True)
def _refit_unpenalized_sparse(
    w, Q, X_data, X_indices, X_indptr, v, means, unpenalized, t, positive
):
    """Least-squares step on the unpenalized block (CSC ``X``); see the dense one."""
    n_samples = Q.shape[0]
    size = unpenalized.shape[0]
    block = np.empty((n_samples, size))
    residual = np.empty(n_samples)
    for i in range(n_samples):
        residual[i] = Q[i] + t * v[i]
    for k in range(size):
        j = unpenalized[k]
        for i in range(n_samples):
            block[i, k] = -means[j] * v[i]
        for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
            block[np.uintp(X_indices[p]), k] += X_data[p]
    current = np.empty(size)
    for k in range(size):
        current[k] = w[unpenalized[k]]
    step = _block_step(block, residual, current, positive)
    for k in range(size):
        j = unpenalized[k]
        w[j] += step[k]
        t += step[k] * means[j]
        for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
            Q[np.uintp(X_indices[p])] -= step[k] * X_data[p]
    vQ = 0.0
    for i in range(n_samples):
        vQ += v[i] * Q[i]
    return t, vQ


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


@njit(cache=True, nogil=True, fastmath=_FAST)
def enet_cd_dense(
    w,
    Q,
    X,
    y,
    v,
    means,
    column_v,
    norms2,
    l1,
    l2,
    working_set,
    positive,
    max_epochs,
    tol_dw,
    gap_tol,
    gap_at_end,
    random,
    seed,
    correlations,
    residual_stats,
):
    """Coordinate descent on dense, Fortran-ordered ``X``.

    Parameters
    ----------
    w : ndarray of shape (n_features,)
        Coefficients, updated in place (warm start in, solution out).
    Q : ndarray of shape (n_samples,)
        ``y - X w`` for the incoming ``w``; updated in place.
    X : ndarray of shape (n_samples, n_features), Fortran-ordered
        Stored (sample-weight-scaled, uncentred) design.
    y : ndarray of shape (n_samples,)
        Centred, sample-weight-scaled target.
    v : ndarray of shape (n_samples,)
        Square roots of the sample weights (ones without weights).
    means : ndarray of shape (n_features,)
        Column means removed implicitly (zeros without intercept).
    column_v : ndarray of shape (n_features,)
        ``x_j' v`` for each column.
    norms2 : ndarray of shape (n_features,)
        ``||z_j||^2`` for each column.
    l1, l2 : ndarray of shape (n_features,)
        Penalties in sum units.
    working_set : ndarray of int
        Features to update; each must have ``norms2 > 0`` and finite ``l1``.
    positive : bool
        Constrain coefficients to be non-negative.
    max_epochs : int
        Maximum number of passes over the working set. A sweep over the
        nonzero coefficients only (active-set cycling) counts as its share of
        a pass, so that a budget buys at least the coordinate updates of as
        many full passes.
    tol_dw : float
        Relative coefficient change below which the gap is checked.
    gap_tol : float
        Duality gap (sum units) at which the solve stops.
    gap_at_end : bool
        Evaluate the gap after the last epoch even when the coefficients have
        not settled (the caller then gets a gap describing the returned ``w``;
        the working-set loop asks for it only when the epochs run out).
    random : bool
        Pick features uniformly at random instead of cyclically.
    seed : int
        Seed of the random feature selection.
    correlations : ndarray of shape (>= len(working_set),)
        Output: ``z_j' R`` for the working set at the returned ``w`` (entry
        ``k`` for ``working_set[k]``), from the last duality-gap evaluation.
    residual_stats : ndarray of shape (2,)
        Output: ``R' R`` and ``R' y`` at the returned ``w``.

    Returns
    -------
    gap : float
        Duality gap of the working-set problem at the last evaluation.
    n_epochs : int
        Passes over the working set that were run (sweeps over the nonzero
        coefficients counted as their share of a pass, rounded up).
    evaluated : bool
        Whether that evaluation was at the returned ``w``, so that ``gap`` and
        the two outputs above describe it (always when the solve converged,
        or when ``gap_at_end`` is set).

    Notes
    -----
    The gap is evaluated once the largest coefficient change is at most
    ``tol_dw`` times the largest coefficient, and after a failed evaluation
    on the schedule of :func:`_next_gap_epoch`. Every ``_ANDERSON_DEPTH + 1``
    epochs the last iterates are extrapolated
    (Anderson acceleration) and the extrapolated point replaces ``w`` when it
    lowers the objective. Unpenalized features form one block, re-fitted by
    (non-negative) least squares given the others after every epoch, so that
    their dual constraint holds, as the duality gap requires.
    """
    n_samples = X.shape[0]
    n_working = working_set.shape[0]
    vv, vQ, yy, t = _incoming_sums(w, Q, y, v, means)
    if random:
        np.random.seed(seed)
    # The unpenalized features form one block, solved exactly after each epoch
    # (least squares, non-negative under ``positive``); coordinate updates
    # cover the penalized ones.
    unpenalized = _members(working_set, l1, l2, True)
    block = unpenalized.shape[0] > 0
    swept = _members(working_set, l1, l2, False) if block else working_set
    R = np.empty(n_samples)
    history = np.empty((_ANDERSON_DEPTH + 1, n_working))
    candidate = np.empty(n_working)
    gap = np.inf
    # gap schedule (see _next_gap_epoch): next check, last evaluation
    next_gap, gap_epoch, last_gap = 0, -1, np.inf
    # extrapolation opportunities to skip, and the current skip length
    anderson_wait, anderson_backoff = 0, 0
    active = np.empty(swept.shape[0], dtype=swept.dtype)
    n_active = active_sweeps = 0
    full_sweep = True
    # Work done, in passes over the working set: a sweep over the nonzero
    # coefficients only counts as its share of a pass.
    work = 0.0
    epoch = -1
    while work + _sweep_cost(full_sweep, n_active, swept.shape[0]) <= max_epochs:
        epoch += 1
        features = swept if full_sweep else active[:n_active]
        t, vQ, w_max, dw_max = _sweep_dense(
            w,
            Q,
            X,
            v,
            means,
            column_v,
            norms2,
            l1,
            l2,
            features,
            positive,
            random,
            t,
            vQ,
            vv,
        )
        was_full = full_sweep
        work += _sweep_cost(was_full, n_active, swept.shape[0])
        if was_full:
            n_active = _nonzero_into(w, swept, active)
            active_sweeps = 0
            # The sums t and v'Q are updated with every step; recomputed now
            # and then, their rounding cannot build up over a long solve
            # (the gradients, hence the fixed point, depend on them).
            t, vQ = _centring_sums(w, Q, v, means, working_set)
        else:
            active_sweeps += 1
        slot = epoch % (_ANDERSON_DEPTH + 1)
        for k in range(n_working):
            history[slot, k] = w[working_set[k]]
        if slot == _ANDERSON_DEPTH and n_working > 1 and anderson_wait > 0:
            anderson_wait -= 1
        elif (
            slot == _ANDERSON_DEPTH
            and n_working > 1
            and _anderson_extrapolation(history, candidate)
        ):
            if positive:
                for k in range(n_working):
                    candidate[k] = max(candidate[k], 0.0)
            # Evaluate the extrapolated point in R (as its Q part); keep it
            # only if it lowers the objective.
            shift = 0.0
            for i in range(n_samples):
                R[i] = Q[i]
            for k in range(n_working):
                j = working_set[k]
                delta = candidate[k] - w[j]
                if delta != 0.0:
                    for i in range(n_samples):
                        R[i] -= delta * X[i, j]
                    shift += delta * means[j]
            t, vQ, kept = _keep_if_lower(
                w, Q, R, t, vQ, shift, v, candidate, l1, l2, working_set
            )
            anderson_wait, anderson_backoff = _anderson_backoff(kept, anderson_backoff)
        if block:
            t, vQ = _refit_unpenalized_dense(
                w, Q, X, v, means, unpenalized, t, positive
            )
        settled = w_max == 0.0 or dw_max <= tol_dw * w_max
        full_sweep = _next_sweep_is_full(
            was_full, settled, n_active, swept.shape[0], active_sweeps
        )
        last = work + _sweep_cost(full_sweep, n_active, swept.shape[0]) > max_epochs
        if (settled and was_full and epoch >= next_gap) or (last and gap_at_end):
            RR, Ry, vR = _residual_into(Q, t, v, y, R)
            for k in range(n_working):
                j = working_set[k]
                dot = 0.0
                for i in range(n_samples):
                    dot += X[i, j] * R[i]
                correlations[k] = dot - means[j] * vR
            residual_stats[0] = RR
            residual_stats[1] = Ry
            gap = duality_gap(
                correlations, w, l1, l2, norms2, working_set, positive, RR, Ry, yy
            )
            if gap <= gap_tol:
                return gap, _passes(work), True
            next_gap = _next_gap_epoch(epoch, gap, gap_epoch, last_gap, gap_tol)
            gap_epoch, last_gap = epoch, gap
    # the last gap describes the returned w iff it was evaluated last epoch
    return gap, _passes(work), gap_epoch >= 0 and gap_epoch == epoch


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def enet_cd_sparse(
    w,
    Q,
    X_data,
    X_indices,
    X_indptr,
    y,
    v,
    means,
    column_v,
    norms2,
    l1,
    l2,
    working_set,
    positive,
    max_epochs,
    tol_dw,
    gap_tol,
    gap_at_end,
    random,
    seed,
    correlations,
    residual_stats,
):
    """Coordinate descent on CSC sparse ``X`` (``data``, ``indices``, ``indptr``).

    Same contract as :func:`enet_cd_dense`; centring is implicit, so an update
    costs the number of stored entries of the column, never ``n_samples``.
    """
    n_samples = Q.shape[0]
    n_working = working_set.shape[0]
    vv, vQ, yy, t = _incoming_sums(w, Q, y, v, means)
    if random:
        np.random.seed(seed)
    # The unpenalized features form one block, solved exactly after each epoch
    # (least squares, non-negative under ``positive``); coordinate updates
    # cover the penalized ones.
    unpenalized = _members(working_set, l1, l2, True)
    block = unpenalized.shape[0] > 0
    swept = _members(working_set, l1, l2, False) if block else working_set
    R = np.empty(n_samples)
    history = np.empty((_ANDERSON_DEPTH + 1, n_working))
    candidate = np.empty(n_working)
    gap = np.inf
    # gap schedule (see _next_gap_epoch): next check, last evaluation
    next_gap, gap_epoch, last_gap = 0, -1, np.inf
    # extrapolation opportunities to skip, and the current skip length
    anderson_wait, anderson_backoff = 0, 0
    active = np.empty(swept.shape[0], dtype=swept.dtype)
    n_active = active_sweeps = 0
    full_sweep = True
    # Work done, in passes over the working set: a sweep over the nonzero
    # coefficients only counts as its share of a pass.
    work = 0.0
    epoch = -1
    while work + _sweep_cost(full_sweep, n_active, swept.shape[0]) <= max_epochs:
        epoch += 1
        features = swept if full_sweep else active[:n_active]
        t, vQ, w_max, dw_max = _sweep_sparse(
            w,
            Q,
            X_data,
            X_indices,
            X_indptr,
            v,
            means,
            column_v,
            norms2,
            l1,
            l2,
            features,
            positive,
            random,
            t,
            vQ,
            vv,
        )
        was_full = full_sweep
        work += _sweep_cost(was_full, n_active, swept.shape[0])
        if was_full:
            n_active = _nonzero_into(w, swept, active)
            active_sweeps = 0
            # The sums t and v'Q are updated with every step; recomputed now
            # and then, their rounding cannot build up over a long solve
            # (the gradients, hence the fixed point, depend on them).
            t, vQ = _centring_sums(w, Q, v, means, working_set)
        else:
            active_sweeps += 1
        slot = epoch % (_ANDERSON_DEPTH + 1)
        for k in range(n_working):
            history[slot, k] = w[working_set[k]]
        if slot == _ANDERSON_DEPTH and n_working > 1 and anderson_wait > 0:
            anderson_wait -= 1
        elif (
            slot == _ANDERSON_DEPTH
            and n_working > 1
            and _anderson_extrapolation(history, candidate)
        ):
            if positive:
                for k in range(n_working):
                    candidate[k] = max(candidate[k], 0.0)
            shift = 0.0
            for i in range(n_samples):
                R[i] = Q[i]
            for k in range(n_working):
                j = working_set[k]
                delta = candidate[k] - w[j]
                if delta != 0.0:
                    for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
                        R[np.uintp(X_indices[p])] -= delta * X_data[p]
                    shift += delta * means[j]
            t, vQ, kept = _keep_if_lower(
                w, Q, R, t, vQ, shift, v, candidate, l1, l2, working_set
            )
            anderson_wait, anderson_backoff = _anderson_backoff(kept, anderson_backoff)
        if block:
            t, vQ = _refit_unpenalized_sparse(
                w, Q, X_data, X_indices, X_indptr, v, means, unpenalized, t, positive
            )
        settled = w_max == 0.0 or dw_max <= tol_dw * w_max
        full_sweep = _next_sweep_is_full(
            was_full, settled, n_active, swept.shape[0], active_sweeps
        )
        last = work + _sweep_cost(full_sweep, n_active, swept.shape[0]) > max_epochs
        if (settled and was_full and epoch >= next_gap) or (last and gap_at_end):
            RR, Ry, vR = _residual_into(Q, t, v, y, R)
            for k in range(n_working):
                j = working_set[k]
                dot = 0.0
                for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
                    dot += X_data[p] * R[np.uintp(X_indices[p])]
                correlations[k] = dot - means[j] * vR
            residual_stats[0] = RR
            residual_stats[1] = Ry
            gap = duality_gap(
                correlations, w, l1, l2, norms2, working_set, positive, RR, Ry, yy
            )
            if gap <= gap_tol:
                return gap, _passes(work), True
            next_gap = _next_gap_epoch(epoch, gap, gap_epoch, last_gap, gap_tol)
            gap_epoch, last_gap = epoch, gap
    # the last gap describes the returned w iff it was evaluated last epoch
    return gap, _passes(work), gap_epoch >= 0 and gap_epoch == epoch


@njit(cache=True, nogil=True, fastmath=_FAST)
def enet_cd_gram(
    w,
    H,
    gram,
    Zy,
    yy,
    l1,
    l2,
    working_set,
    positive,
    max_epochs,
    tol_dw,
    gap_tol,
    gap_at_end,
    random,
    seed,
):
    """Coordinate descent on the precomputed Gram matrix ``Z'Z`` (for n >> p).

    Parameters
    ----------
    w : ndarray of shape (n_features,)
        Coefficients, updated in place.
    H : ndarray of shape (n_features,)
        ``Z' R = Zy - gram @ w`` for the incoming ``w``; updated in place.
    gram : ndarray of shape (n_features, n_features), C-ordered
        ``Z' Z`` (centred, sample-weighted).
    Zy : ndarray of shape (n_features,)
        ``Z' y``.
    yy : float
        ``y' y``.

    Other parameters and the return value are as in :func:`enet_cd_dense`.
    """
    n_features = w.shape[0]
    n_working = working_set.shape[0]
    if random:
        np.random.seed(seed)
    norms2 = np.empty(n_features)
    for m in range(n_features):
        norms2[m] = gram[m, m]
    # The unpenalized features form one block, solved exactly after each epoch
    # (least squares, non-negative under ``positive``); coordinate updates
    # cover the penalized ones.
    unpenalized = _members(working_set, l1, l2, True)
    block = unpenalized.shape[0] > 0
    swept = _members(working_set, l1, l2, False) if block else working_set
    correlations = np.empty(n_working)
    history = np.empty((_ANDERSON_DEPTH + 1, n_working))
    candidate = np.empty(n_working)
    shifted = np.empty(n_features)
    gap = np.inf
    # gap schedule (see _next_gap_epoch): next check, last evaluation
    next_gap, gap_epoch, last_gap = 0, -1, np.inf
    # extrapolation opportunities to skip, and the current skip length
    anderson_wait, anderson_backoff = 0, 0
    for epoch in range(max_epochs):
        w_max, dw_max = _sweep_gram(w, H, gram, l1, l2, swept, positive, random)
        slot = epoch % (_ANDERSON_DEPTH + 1)
        for k in range(n_working):
            history[slot, k] = w[working_set[k]]
        if slot == _ANDERSON_DEPTH and n_working > 1 and anderson_wait > 0:
            anderson_wait -= 1
        elif (
            slot == _ANDERSON_DEPTH
            and n_working > 1
            and _anderson_extrapolation(history, candidate)
        ):
            if positive:
                for k in range(n_working):
                    candidate[k] = max(candidate[k], 0.0)
            # H at the extrapolated point, then both objectives from
            # R'R = y'y - w'Zy - w'H (see below).
            for m in range(n_features):
                shifted[m] = H[m]
            for k in range(n_working):
                j = working_set[k]
                delta = candidate[k] - w[j]
                if delta != 0.0:
                    for m in range(n_features):
                        shifted[m] -= delta * gram[j, m]
            now = _penalty_value(w, l1, l2, working_set)
            extrapolated = _extrapolated_penalty(candidate, l1, l2, working_set)
            for m in range(n_features):
                now += 0.5 * (-w[m] * Zy[m] - w[m] * H[m])
            for k in range(n_working):
                j = working_set[k]
                extrapolated += 0.5 * (
                    -candidate[k] * Zy[j] - candidate[k] * shifted[j]
                )
            kept = extrapolated < now - _ANDERSON_MARGIN * (abs(now) + 0.5 * yy)
            if kept:
                for m in range(n_features):
                    H[m] = shifted[m]
                for k in range(n_working):
                    w[working_set[k]] = candidate[k]
            anderson_wait, anderson_backoff = _anderson_backoff(kept, anderson_backoff)
        if block:
            _refit_unpenalized_gram(w, H, gram, unpenalized, positive)
        settled = w_max == 0.0 or dw_max <= tol_dw * w_max
        last = epoch == max_epochs - 1
        if (settled and epoch >= next_gap) or (last and gap_at_end):
            wZy = 0.0
            wH = 0.0
            for m in range(n_features):
                wZy += w[m] * Zy[m]
                wH += w[m] * H[m]
            # R'R = y'y - 2 w'Z'y + w'Z'Zw and Z'Zw = Zy - H.
            RR = max(yy - wZy - wH, 0.0)
            Ry = yy - wZy
            for k in range(n_working):
                correlations[k] = H[working_set[k]]
            gap = duality_gap(
                correlations, w, l1, l2, norms2, working_set, positive, RR, Ry, yy
            )
            if gap <= gap_tol:
                return gap, epoch + 1, True
            next_gap = _next_gap_epoch(epoch, gap, gap_epoch, last_gap, gap_tol)
            gap_epoch, last_gap = epoch, gap
    # the last gap describes the returned w iff it was evaluated last epoch
    return gap, max_epochs, max_epochs > 0 and gap_epoch == max_epochs - 1
