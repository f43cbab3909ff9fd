"""Gap-safe screening, and what a duality gap needs, as cheaply as it is known."""

import numpy as np
from numba import njit

from .correlations import _dot, correlations_of
from .gaps import _FAST
from .kkt import _snapshot_drifts


@njit(cache=True, nogil=True)
def _screen_gap_safe(gap, scale, w, l1, norms, usable, unpenalized, pull_bounds,
                     screened, in_set):  # fmt: skip
    """Screen out the zero features the gap-safe sphere test proves zero.

    ``theta = scale R`` is dual feasible and ``gap`` is the duality gap at
    ``(w, theta)``. The dual objective is 1-strongly concave, so its optimum
    ``R*`` (the optimal residual) lies within ``sqrt(2 gap)`` of ``theta``. A
    feature whose pull stays below ``l1_j`` over that whole ball,

    .. math::

        c \\, b_j + \\sqrt{2 G} \\, \\|z_j\\| < l1_j,

    with ``b_j = pull_bounds[j]`` an upper bound on its pull at ``R``, has
    ``|z_j' R*| < l1_j`` and is zero at the optimum (Fercoq, Gramfort and
    Salmon 2015; Ndiaye et al. 2017). Features at zero that pass are marked in
    ``screened`` and leave ``in_set``; returns how many were newly screened.
    """
    radius = np.sqrt(2.0 * max(gap, 0.0))
    n_new = 0
    for j in range(w.shape[0]):
        if screened[j] or not usable[j] or unpenalized[j] or w[j] != 0.0:
            continue
        if scale * pull_bounds[j] + radius * norms[j] < l1[j]:
            screened[j] = True
            in_set[j] = False
            n_new += 1
    return n_new


@njit(cache=True, nogil=True)
def _ball_can_screen(radius, l1, norms, usable, unpenalized):
    """Whether a gap-safe ball of this radius could screen any feature.

    It cannot when ``radius ||z_j|| >= l1_j`` for every penalized feature:
    then the pass that computes every feature's bound is skipped. (Usually
    the first feature answers.)
    """
    for j in range(l1.shape[0]):
        if usable[j] and not unpenalized[j] and radius * norms[j] < l1[j]:
            return True
    return False


@njit(cache=True, nogil=True)
def _candidate_pull_bounds(R, positive, candidates, bounds, out):
    """Each candidate's upper bound on its pull at ``R``, written to ``out``.

    The bound of :func:`skreg._kernels.kkt._uncertain`; exact for the
    features whose snapshot is ``R`` itself (those the last KKT check
    computed).
    """
    drifts = _snapshot_drifts(R, bounds.snapshots, bounds.n_snapshots[0])
    for j in range(candidates.shape[0]):
        if candidates[j]:
            c = bounds.correlations[j]
            pull = c if positive else abs(c)
            out[j] = (
                pull + bounds.slack[j] + bounds.norms[j] * drifts[bounds.snapshot_of[j]]
            )


@njit(cache=True, nogil=True)
def _relevant(working_set, ws_values, features, count, correlations):
    """The features a duality gap must see, and their ``z_j' R``.

    These are the working set (``ws_values`` in its order) and the possible
    violators ``features[:count]`` (exact values in ``correlations``): the KKT
    check certified every other candidate within its threshold, so its dual
    constraint holds and the gap needs nothing from it.
    """
    n_working = working_set.shape[0]
    relevant = np.empty(n_working + count, dtype=np.intp)
    values = np.empty(n_working + count)
    for k in range(n_working):
        relevant[k] = working_set[k]
        values[k] = ws_values[k]
    for k in range(count):
        relevant[n_working + k] = features[k]
        values[n_working + k] = correlations[features[k]]
    return relevant, values


@njit(cache=True, nogil=True)
def _gap_inputs(storage, current, data, w, Q, R, yy, working_set, outputs,
                features, count, correlations):  # fmt: skip
    """What a duality gap at ``w`` needs, as cheaply as it is known.

    ``storage = (is_sparse, is_gram)``, the caller's compile-time constants.

    Returns the relevant features and their ``z_j' R`` (see
    :func:`_relevant`), the working set's ``z_j' R`` in its order, ``R'R``
    and ``R'y``: from ``H = Q`` with the Gram matrix, from the kernel's last
    gap (``outputs``) when it was taken at ``w`` (``current``), else computed
    at ``R``.
    """
    ws_correlations, residual_stats = outputs
    is_sparse, is_gram = storage
    if is_gram:
        ws_values = Q[working_set]
        RR, Ry = _gram_residual_products(w, Q, data.y, yy)
    elif current:
        ws_values = ws_correlations[: working_set.shape[0]]
        RR, Ry = residual_stats[0], residual_stats[1]
    else:
        ws_values = correlations_of(is_sparse, data, R, working_set)
        RR, Ry = _dot(R, R), _dot(R, data.y)
    relevant, values = _relevant(working_set, ws_values, features, count,
                                 correlations)  # fmt: skip
    return relevant, values, ws_values, RR, Ry


@njit(cache=True, nogil=True, fastmath=_FAST)
def _gram_residual_products(w, H, Zy, yy):
    """``(R'R, R'y)`` from ``H = Z'R``: ``R'R = y'y - w'Z'y - w'H``."""
    wZy = 0.0
    wH = 0.0
    for j in range(w.shape[0]):
        wZy += w[j] * Zy[j]
        wH += w[j] * H[j]
    return max(yy - wZy - wH, 0.0), yy - wZy
