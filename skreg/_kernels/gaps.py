"""Duality gaps and the sums the coordinate-descent kernels keep (sum units).

See :mod:`skreg._kernels.coordinate_descent` for the problem and its scales.
"""

import numpy as np
from numba import njit

# Reassociation lets LLVM vectorize the dot products; NaN/inf semantics are kept.
_FAST = {"reassoc", "contract"}
# Not for loops over a sparse column's entries: vectorized, their short
# gathers are slower than the scalar loop (see benchmarks/README.md). Those
# loops index with unsigned positions and row indices (np.uintp): with
# signed ones, numba checks every access for a negative index.
_SPARSE_FAST = {"contract"}
# Relative violation of an unpenalized feature's dual constraint, |z_j' R| /
# (||z_j|| ||R||), above which no duality gap is certified.
_UNPENALIZED_TOL = 1e-9
# Longest wait, in epochs, between two duality-gap evaluations.
_MAX_GAP_WAIT = 10


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
