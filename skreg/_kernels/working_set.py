"""The working-set solves along a grid of alphas, compiled (dense, sparse or Gram).

:func:`solve_alphas_dense`, :func:`solve_alphas_sparse` or
:func:`solve_alphas_gram` solves the alphas of a grid (or of a block of it,
see :func:`skreg._path.solve_path`) in one call, each warm-started from the
previous solution, and at each alpha runs this loop without returning to
Python:

1. the working set is the features already in the model (nonzero or
   unpenalized), plus, along a path, those the sequential strong rule expects
   to enter (:func:`_add_strong`); the kernel of :mod:`skreg._cd_kernels`
   solves on it, first for a few epochs only (``_EARLY_EPOCHS`` along a
   path, ``_COLD_EPOCHS`` where no strong rule seeded the set);
2. the KKT conditions of every other feature are checked: a feature outside
   the working set is optimal at zero iff its pull ``|z_j' R|`` is at most
   ``l1_j``; violators join the working set and the loop repeats;
3. between rounds, when the kernel's last duality gap was taken at the
   current coefficients, the gap-safe test (:func:`_screen_gap_safe`) proves
   features zero at the optimum of this alpha: they leave the working set and
   every later check at this alpha;
4. when the solve has converged and nobody violates, the duality gap
   certifies the solution (that of the problem without the screened
   features, whose optimum is the same).

With the Gram matrix, ``Z' R`` is kept up to date by the kernel and the check
reads it. With dense or sparse ``X``, the check spares most dot products with
bounds, as follows.

The KKT check spares most dot products with bounds. By the Cauchy-Schwarz
inequality,

.. math::

    |z_j^\\top R| \\le |z_j^\\top S| + \\|z_j\\| \\, \\|R - S\\|

for any earlier residual ``S`` (a *snapshot*) at which the exact ``z_j' S``
is known. Each feature keeps the snapshot of its last exact correlation; only
the features whose bound reaches their threshold get a new dot product, and
they move to the newest snapshot. A full pass ``Z' R`` is made instead when
more than ``_FULL_PASS_SHARE`` of the candidates need one, or when more than
``_MAX_SNAPSHOTS`` snapshots are in use. Far-from-threshold features are not
touched for many alphas in a row. The state of the bounds lives in
:class:`KKTBounds` and is carried from one alpha to the next.

On a path over wide dense float64 ``X``, the full passes read a float32 copy
of ``X`` (the *shadow*, half the memory traffic) instead: each correlation
they give is within ``slack_j = ||x_j - fl32(x_j)|| ||R||`` of the exact one,
and the slack joins the bound above. The features whose bound then reaches
their threshold (violators and near-misses) get exact dot products, so every
value the check reports and the duality gap uses is exact.

numba's on-disk cache keys a compiled function by its own file only, not by
the files of the functions it calls. The entry points here call the kernels
of :mod:`skreg._cd_kernels`, so they are built by :func:`_build` as closures
over a digest of that module's source: an edit there changes the digest,
which is part of numba's cache key, and forces a recompilation instead of a
stale load. (Everything else they call lives in this file.)
"""

import hashlib
import pathlib

import numpy as np
from numba import njit

from . import columns as column_kernels
from . import coordinate_descent as kernels

# Epochs on a new working set before the first KKT check: features that must
# join are found early instead of after a full solve. On a path, where the
# strong rule has seeded the working set and violators are its few misses,
# five. Without the rule (a single fit, a path's first alpha), the working set
# is the violators at the start, most of whose coefficients are far from their
# values: two epochs, then the check finds the rest sooner (sparse fit (3a)
# 13-18 % faster in interleaved A/B, dense fits (2) and (5a) unchanged; two on
# paths made the sparse path (3b) 11 % slower).
_EARLY_EPOCHS = 5
_COLD_EPOCHS = 2
# Without violators, the working set is solved for this many times the epochs
# run so far at the alpha before the KKT conditions are checked again.
_CHECK_GROWTH = 4
# Relative slack on the KKT thresholds, so that rounding at a feature that
# sits exactly on its threshold does not add it to the working set.
_KKT_SLACK = 1e-12
# A full pass once this share of candidates needs an exact value: it costs
# little more, and it resets every bound, which the checks at the next alphas
# of a path reuse (0.3 against 0.5: sparse path (3b) about 6 % faster, single
# fits unchanged; 0.1 slowed the sparse single fit by 9 %).
_FULL_PASS_SHARE = 0.3
# Snapshots kept at most (each is one residual vector).
_MAX_SNAPSHOTS = 8

# Reassociation lets LLVM vectorize the dot products; NaN/inf semantics are kept.
_FAST = {"reassoc", "contract"}
# Not for loops over a sparse column's entries: vectorized, their short
# gathers run about 25 % slower than the scalar loop. Those loops index with
# unsigned positions and row indices (np.uintp): with signed ones, numba
# checks every access for a negative index, which made them 1.5x slower.
_SPARSE_FAST = {"contract"}

# How the design is stored (closure constants of the compiled entry points).
_DENSE, _SPARSE, _GRAM = 0, 1, 2


class KKTBounds:
    """State of the correlation bounds, carried along a path.

    Parameters
    ----------
    n_samples, n_features : int
        Shape of the design.
    norms2 : ndarray of shape (n_features,)
        Squared norms of the (centred) columns.
    """

    def __init__(self, n_samples, n_features, norms2):
        self.norms = np.sqrt(norms2)
        # z_j' S_k for the snapshot k = snapshot_of[j] of each feature, exact
        # to within slack[j] (0 unless it came from the float32 shadow).
        self.correlations = np.zeros(n_features)
        self.slack = np.zeros(n_features)
        # float32 copy of dense X for the full passes (empty: none), see
        # column_kernels.float32_shadow
        self.shadow = np.empty(0, dtype=np.float32)
        self.shadow_errors = np.empty(0)
        self.snapshot_of = np.zeros(n_features, dtype=np.intp)
        self.snapshots = np.empty((_MAX_SNAPSHOTS + 1, n_samples))
        # Snapshots in use (rows of ``snapshots``); 0 means no exact value yet.
        self.n_snapshots = np.zeros(1, dtype=np.intp)

    def use_shadow(self, X):
        """Make the full passes read a float32 copy of dense float64 ``X``."""
        self.shadow, self.shadow_errors = column_kernels.float32_shadow(X)

    def start_from(self, R, correlations):
        """Use known exact correlations ``Z' R`` as the first snapshot."""
        self.correlations[:] = correlations
        self.slack[:] = 0.0
        self.snapshot_of[:] = 0
        self.snapshots[0] = R
        self.n_snapshots[0] = 1


@njit(cache=True, nogil=True, fastmath=_FAST)
def _dot(a, b):
    """``a' b`` for contiguous vectors, vectorized (reassociated).

    The sums over ``n_samples`` of this module go through here or carry
    ``_FAST`` themselves: without reassociation each waits on one chain of
    additions, about 4 cycles per sample.
    """
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i] * b[i]
    return total


@njit(cache=True, nogil=True, fastmath=_FAST)
def _column_dots_dense(X, R, features, out):
    """``out[k] = x_j' R`` for ``j = features[k]``, four columns per read of R.

    For tall ``X``, ``R`` does not stay in cache: one read per column would
    double the memory traffic of the pass.
    """
    n_samples = X.shape[0]
    count = features.shape[0]
    k = 0
    while k + 4 <= count:
        j0, j1, j2, j3 = features[k], features[k + 1], features[k + 2], features[k + 3]
        d0 = d1 = d2 = d3 = 0.0
        for i in range(n_samples):
            r = R[i]
            d0 += X[i, j0] * r
            d1 += X[i, j1] * r
            d2 += X[i, j2] * r
            d3 += X[i, j3] * r
        out[k], out[k + 1], out[k + 2], out[k + 3] = d0, d1, d2, d3
        k += 4
    remainder = k
    for k in range(remainder, count):
        j = features[k]
        dot = 0.0
        for i in range(n_samples):
            dot += X[i, j] * R[i]
        out[k] = dot


@njit(cache=True, nogil=True, fastmath=_FAST)
def centred_correlations_dense(X, R, v, means):
    """``z_j' R = x_j' R - mean_j v' R`` for every column of dense ``X``."""
    n_features = X.shape[1]
    vR = _dot(v, R)
    out = np.empty(n_features)
    _column_dots_dense(X, R, np.arange(n_features), out)
    for j in range(n_features):
        out[j] -= means[j] * vR
    return out


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def centred_correlations_sparse(X_data, X_indices, X_indptr, R, v, means):
    """``z_j' R`` for every column of CSC ``X``."""
    n_features = X_indptr.shape[0] - 1
    vR = _dot(v, R)
    out = np.empty(n_features)
    for j in range(n_features):
        dot = 0.0
        for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
            dot += X_data[p] * R[np.uintp(X_indices[p])]
        out[j] = dot - means[j] * vR
    return out


@njit(cache=True, nogil=True, fastmath=_FAST)
def centred_correlations_subset_dense(X, R, v, means, features):
    """``z_j' R`` for the listed columns of dense ``X`` only."""
    vR = _dot(v, R)
    out = np.empty(features.shape[0])
    _column_dots_dense(X, R, features, out)
    for k in range(features.shape[0]):
        out[k] -= means[features[k]] * vR
    return out


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def centred_correlations_subset_sparse(
    X_data, X_indices, X_indptr, R, v, means, features
):
    """``z_j' R`` for the listed columns of CSC ``X`` only."""
    vR = _dot(v, R)
    out = np.empty(features.shape[0])
    for k in range(features.shape[0]):
        j = features[k]
        dot = 0.0
        for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
            dot += X_data[p] * R[np.uintp(X_indices[p])]
        out[k] = dot - means[j] * vR
    return out


@njit(cache=True, nogil=True)
def _copy_into(out, values):
    """``out[:] = values`` for 1-D arrays of equal length, as a plain loop
    (numba's slice assignment compiles a shape check with string formatting
    that costs seconds on a cold cache)."""
    for i in range(out.shape[0]):
        out[i] = values[i]


@njit(cache=True, nogil=True)
def _residual(Q, w, means, v, R):
    """``R = Q + (means . w) v``: the residual of the implicitly centred design."""
    t = _dot(means, w)
    for i in range(Q.shape[0]):
        R[i] = Q[i] + t * v[i]


@njit(cache=True, nogil=True, fastmath=_FAST)
def _snapshot_drifts(R, snapshots, n_snapshots):
    """``||R - S_k||`` for each snapshot ``S_k`` in use."""
    drifts = np.empty(n_snapshots)
    for k in range(n_snapshots):
        total = 0.0
        for i in range(R.shape[0]):
            d = snapshots[k, i] - R[i]
            total += d * d
        drifts[k] = np.sqrt(total)
    return drifts


@njit(cache=True, nogil=True)
def _uncertain(R, thresholds, candidates, positive, norms, correlations,
               slack, snapshot_of, snapshots, n_snapshots, out):  # fmt: skip
    """Candidates whose bound exceeds their threshold, written to ``out``.

    Returns ``(count, n_candidates, drifts)`` with ``drifts[k] = ||R - S_k||``.
    """
    drifts = _snapshot_drifts(R, snapshots, n_snapshots)
    count = 0
    n_candidates = 0
    for j in range(candidates.shape[0]):
        if not candidates[j]:
            continue
        n_candidates += 1
        pull = correlations[j] if positive else abs(correlations[j])
        if pull + slack[j] + norms[j] * drifts[snapshot_of[j]] > thresholds[j]:
            out[count] = j
            count += 1
    return count, n_candidates, drifts


@njit(cache=True, nogil=True)
def _forget_unused_snapshots(snapshot_of, snapshots, n_snapshots):
    """Drop snapshots no feature refers to; return how many remain.

    Returns -1 when more than ``_MAX_SNAPSHOTS`` are still in use (the caller
    then makes a full pass, which needs one snapshot only).
    """
    used = np.zeros(n_snapshots, dtype=np.bool_)
    for j in range(snapshot_of.shape[0]):
        used[snapshot_of[j]] = True
    n_used = 0
    for k in range(n_snapshots):
        n_used += used[k]
    if n_used > _MAX_SNAPSHOTS:
        return -1
    if n_used == n_snapshots:
        return n_snapshots
    new_index = np.empty(n_snapshots, dtype=np.intp)
    m = 0
    for k in range(n_snapshots):
        if used[k]:
            _copy_into(snapshots[m], snapshots[k])
            new_index[k] = m
            m += 1
    for j in range(snapshot_of.shape[0]):
        snapshot_of[j] = new_index[snapshot_of[j]]
    return n_used


@njit(cache=True, nogil=True)
def _correlations_of(is_sparse, X, X_data, X_indices, X_indptr, R, v, means,
                     features):  # fmt: skip
    if is_sparse:
        return centred_correlations_subset_sparse(
            X_data, X_indices, X_indptr, R, v, means, features
        )
    return centred_correlations_subset_dense(X, R, v, means, features)


@njit(cache=True, nogil=True)
def _full_pass(is_sparse, X, X_data, X_indices, X_indptr, R, v, means,
               correlations, slack, snapshot_of, snapshots, known,
               known_values, shadow, shadow_errors):  # fmt: skip
    """Correlations of every feature at ``R``, the one snapshot.

    The features ``known`` already have theirs at ``R`` (``known_values``,
    from the kernel's last duality gap): only the others are computed. With a
    ``shadow`` (float32 copy of dense ``X``) they are computed from it, within
    ``slack[j] = shadow_errors[j] ||R||`` of the exact values; otherwise
    exactly.
    """
    for j in range(slack.shape[0]):
        slack[j] = 0.0
    if known.shape[0] == 0 and shadow.shape[0] == 0:
        if is_sparse:
            values = centred_correlations_sparse(
                X_data, X_indices, X_indptr, R, v, means
            )
        else:
            values = centred_correlations_dense(X, R, v, means)
        _copy_into(correlations, values)
    else:
        unknown = np.ones(snapshot_of.shape[0], dtype=np.bool_)
        for k in range(known.shape[0]):
            unknown[known[k]] = False
            correlations[known[k]] = known_values[k]
        rest = np.flatnonzero(unknown)
        if shadow.shape[0]:
            n_samples = R.shape[0]
            columns = shadow.reshape((snapshot_of.shape[0], n_samples)).T
            values = centred_correlations_subset_dense(columns, R, v, means, rest)
            error = np.sqrt(_dot(R, R))
            for k in range(rest.shape[0]):
                slack[rest[k]] = shadow_errors[rest[k]] * error
        else:
            values = _correlations_of(
                is_sparse, X, X_data, X_indices, X_indptr, R, v, means, rest
            )
        for k in range(rest.shape[0]):
            correlations[rest[k]] = values[k]
    for j in range(snapshot_of.shape[0]):
        snapshot_of[j] = 0
    _copy_into(snapshots[0], R)
    return 1


@njit(cache=True, nogil=True)
def _inexact(features, count, drifts, snapshot_of, slack):
    """The ``features[:count]`` whose value is not exact at ``R``.

    Those whose snapshot is not ``R`` itself (``drifts`` are the distances of
    the snapshots to ``R``) or whose value came from the shadow.
    """
    out = np.empty(count, dtype=np.intp)
    n = 0
    for k in range(count):
        j = features[k]
        if drifts[snapshot_of[j]] > 0.0 or slack[j] > 0.0:
            out[n] = j
            n += 1
    return out[:n]


@njit(cache=True, nogil=True)
def _make_exact(is_sparse, X, X_data, X_indices, X_indptr, R, v, means,
                correlations, slack, features):  # fmt: skip
    """Exact ``z_j' R`` for the listed ``features``; their slack drops to 0."""
    if features.shape[0] == 0:
        return
    values = _correlations_of(is_sparse, X, X_data, X_indices, X_indptr, R, v,
                              means, features)  # fmt: skip
    for k in range(features.shape[0]):
        correlations[features[k]] = values[k]
        slack[features[k]] = 0.0


@njit(cache=True, nogil=True)
def _kkt_check(is_sparse, X, X_data, X_indices, X_indptr, v, means, R,
               thresholds, candidates, positive, norms, correlations, slack,
               snapshot_of, snapshots, n_snapshots, features,
               n_screened, known, known_values, shadow,
               shadow_errors):  # fmt: skip
    """Candidates that may violate their KKT condition, with exact correlations.

    Writes to ``features`` a superset of the candidates whose pull exceeds
    their threshold, whose exact ``z_j' R`` are then in ``correlations``, and
    returns how many; every other candidate is certified within its threshold.
    ``n_screened`` features are out of the candidates because they are proven
    zero: a full pass would cover them too, so they count towards its size. A
    full pass takes the exact values ``known_values`` of the features
    ``known`` as they are, and reads the float32 ``shadow`` of dense ``X``
    when there is one (see :func:`_full_pass`).
    """
    storage = (is_sparse, X, X_data, X_indices, X_indptr)
    n = n_snapshots[0]
    if n == 0:
        n = _full_pass(*storage, R, v, means, correlations, slack, snapshot_of,
                       snapshots, known, known_values, shadow,
                       shadow_errors)  # fmt: skip
    count, n_candidates, drifts = _uncertain(
        R, thresholds, candidates, positive, norms, correlations, slack,
        snapshot_of, snapshots, n, features,
    )  # fmt: skip
    if count > _FULL_PASS_SHARE * (n_candidates + n_screened):
        n_snapshots[0] = _full_pass(
            *storage, R, v, means, correlations, slack, snapshot_of, snapshots,
            known, known_values, shadow, shadow_errors,
        )  # fmt: skip
        count = 0
        for j in range(candidates.shape[0]):
            pull = correlations[j] if positive else abs(correlations[j])
            if candidates[j] and pull + slack[j] > thresholds[j]:
                features[count] = j
                count += 1
        at_R = np.zeros(1)  # every feature's snapshot (0) is R: no drift
        _make_exact(*storage, R, v, means, correlations, slack,
                    _inexact(features, count, at_R, snapshot_of, slack))  # fmt: skip
        return count
    stale = _inexact(features, count, drifts, snapshot_of, slack)
    if stale.shape[0]:
        _make_exact(*storage, R, v, means, correlations, slack, stale)
        for k in range(stale.shape[0]):
            snapshot_of[stale[k]] = n
        _copy_into(snapshots[n], R)
        n = _forget_unused_snapshots(snapshot_of, snapshots, n + 1)
        if n < 0:
            n = _full_pass(*storage, R, v, means, correlations, slack,
                           snapshot_of, snapshots, known, known_values, shadow,
                           shadow_errors)  # fmt: skip
            # the features reported need exact values at R
            at_R = np.zeros(1)  # as after the full pass above
            _make_exact(*storage, R, v, means, correlations, slack,
                        _inexact(features, count, at_R, snapshot_of,
                                 slack))  # fmt: skip
    n_snapshots[0] = n
    return count


@njit(cache=True, nogil=True)
def _add_strong(R, l1, ratio, usable, positive, norms, correlations, slack,
                snapshot_of, snapshots, n_snapshots, in_set):  # fmt: skip
    """Add to ``in_set`` the features the sequential strong rule expects in.

    At a new alpha (``l1`` here, ``ratio * l1`` at the previous one), the
    sequential strong rule of Tibshirani et al. (2012) predicts that a feature
    enters when its pull at the previous solution exceeds ``(2 - ratio) l1``.
    The pull is not known exactly for every feature; a lower bound,
    ``|z_j' S| - ||z_j|| ||R - S||`` from its snapshot ``S``, is, and costs no
    dot product. A wrong guess only costs epochs: the KKT check still decides.
    """
    drifts = _snapshot_drifts(R, snapshots, n_snapshots)
    for j in range(in_set.shape[0]):
        if in_set[j] or not usable[j]:
            continue
        pull = correlations[j] if positive else abs(correlations[j])
        lower = pull - slack[j] - norms[j] * drifts[snapshot_of[j]]
        if lower > (2.0 - ratio) * l1[j]:
            in_set[j] = True


@njit(cache=True, nogil=True)
def _add_strong_gram(H, l1, ratio, usable, positive, in_set):
    """:func:`_add_strong` with the Gram matrix, where ``H = Z'R`` is exact."""
    for j in range(in_set.shape[0]):
        if in_set[j] or not usable[j]:
            continue
        pull = H[j] if positive else abs(H[j])
        if pull > (2.0 - ratio) * l1[j]:
            in_set[j] = True


@njit(cache=True, nogil=True)
def _gram_violators(H, positive, candidates, thresholds, correlations, features):
    """The candidates over their threshold, with the Gram matrix.

    ``H = Z'R`` is kept exact by the kernel, so every candidate's pull is
    known: the violators' ``z_j' R`` go to ``correlations`` and their indices
    to the first entries of ``features``; returns how many.
    """
    count = 0
    for j in range(H.shape[0]):
        pull = H[j] if positive else abs(H[j])
        if candidates[j] and pull > thresholds[j]:
            correlations[j] = H[j]
            features[count] = j
            count += 1
    return count


@njit(cache=True, nogil=True)
def _violators(features, count, correlations, thresholds, positive, in_set, join):
    """How many of ``features[:count]`` violate their KKT condition.

    With ``join``, they also join the working set ``in_set``.
    """
    n_violators = 0
    for k in range(count):
        j = features[k]
        pull = correlations[j] if positive else abs(correlations[j])
        if pull > thresholds[j]:
            n_violators += 1
            if join:
                in_set[j] = True
    return n_violators


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
def _candidate_pull_bounds(R, positive, candidates, norms, correlations,
                           slack, snapshot_of, snapshots, n_snapshots,
                           out):  # fmt: skip
    """Each candidate's upper bound on its pull at ``R``, written to ``out``.

    The bound of :func:`_uncertain`; exact for the features whose snapshot is
    ``R`` itself (those the last KKT check computed).
    """
    drifts = _snapshot_drifts(R, snapshots, n_snapshots)
    for j in range(candidates.shape[0]):
        if candidates[j]:
            pull = correlations[j] if positive else abs(correlations[j])
            out[j] = pull + slack[j] + norms[j] * drifts[snapshot_of[j]]


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
def _gap_inputs(is_gram, current, is_sparse, X, X_data, X_indices, X_indptr,
                w, Q, R, y, yy, v, means, working_set, ws_correlations,
                residual_stats, features, count, correlations):  # fmt: skip
    """What a duality gap at ``w`` needs, as cheaply as it is known.

    Returns the relevant features and their ``z_j' R`` (see
    :func:`_relevant`), the working set's ``z_j' R`` in its order, ``R'R``
    and ``R'y``: from ``H = Q`` with the Gram matrix, from the kernel's last
    gap when it was taken at ``w`` (``current``), else computed at ``R``.
    """
    if is_gram:
        ws_values = Q[working_set]
        RR, Ry = _gram_residual_products(w, Q, y, yy)
    elif current:
        ws_values = ws_correlations[: working_set.shape[0]]
        RR, Ry = residual_stats[0], residual_stats[1]
    else:
        ws_values = _correlations_of(
            is_sparse, X, X_data, X_indices, X_indptr, R, v, means, working_set
        )
        RR, Ry = _dot(R, R), _dot(R, y)
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


def _source_digest(*modules):
    """SHA-1 of the source files of ``modules`` (see the module docstring)."""
    digest = hashlib.sha1()
    for module in modules:
        digest.update(pathlib.Path(module.__file__).read_bytes())
    return digest.hexdigest()


def _build(storage_kind, digest):
    """Compile the entry point for one storage of the design.

    The entry point solves at each of ``alphas`` in turn, from ``w``: the
    penalties there are ``n_samples * alpha * l1_ratio * factors`` (L1) and
    ``n_samples * alpha * (1 - l1_ratio) * factors`` (L2). It writes each
    solution to a row of ``coefs`` and its duality gap, epochs and newly
    screened features to ``gaps``, ``epochs_run`` and ``screened_run``.
    ``previous_alpha`` is the alpha solved just before the first (0: none),
    whose ratio to it the strong rule needs: a grid solved in several calls
    gives the same results as in one. With ``check_first``, the incoming
    ``w`` (a warm start) is checked before the first alpha's first epoch.

    ``storage_kind`` (``_DENSE``, ``_SPARSE`` or ``_GRAM``) is a closure
    constant, so numba drops the other storages' branches; ``digest`` is only
    referenced, to be part of the cache key. (Closure variables must stay
    plain constants: a captured function would change the key every run.)
    """
    is_sparse = storage_kind == _SPARSE

    @njit(cache=True, nogil=True)
    def solve_alphas(w, Q, X, X_data, X_indices, X_indptr, y, yy, v, means,
                     column_v, norms2, alphas, previous_alpha, check_first, factors,
                     n_samples, l1_ratio, usable, unpenalized, positive,
                     max_iter, tol_dw, gap_tol, random, seed, norms,
                     correlations, slack, snapshot_of, snapshots, n_snapshots,
                     shadow, shadow_errors, ws_correlations, residual_stats,
                     coefs, gaps, epochs_run, screened_run):  # fmt: skip
        digest  # noqa: B018 (part of numba's cache key)
        storage = (is_sparse, X, X_data, X_indices, X_indptr)
        n_features = w.shape[0]
        R = np.empty(Q.shape[0])
        thresholds = np.empty(n_features)
        in_set = np.empty(n_features, dtype=np.bool_)
        candidates = np.empty(n_features, dtype=np.bool_)
        features = np.empty(n_features, dtype=np.intp)
        # upper bounds on each feature's pull at R (exact where known)
        pull_bounds = np.empty(n_features)
        # features proven zero at the current alpha (gap-safe), out of its checks
        screened = np.empty(n_features, dtype=np.bool_)
        for step in range(alphas.shape[0]):
            alpha = alphas[step]
            # previous alpha over this one, for the strong rule (0: none)
            previous = alphas[step - 1] if step > 0 else previous_alpha
            strong_ratio = previous / alpha if previous > 0 and alpha > 0 else 0.0
            l1 = (n_samples * alpha * l1_ratio) * factors
            l2 = (n_samples * alpha * (1.0 - l1_ratio)) * factors
            screened[:] = False
            for j in range(n_features):
                thresholds[j] = l1[j] * (1.0 + _KKT_SLACK)
                in_set[j] = usable[j] and (w[j] != 0.0 or unpenalized[j])
            if 1.0 < strong_ratio < 2.0:
                if storage_kind == _GRAM:
                    _add_strong_gram(Q, l1, strong_ratio, usable, positive, in_set)
                elif n_snapshots[0] > 0:
                    _residual(Q, w, means, v, R)
                    _add_strong(R, l1, strong_ratio, usable, positive, norms,
                                correlations, slack, snapshot_of, snapshots,
                                n_snapshots[0], in_set)  # fmt: skip
            n_screened = 0
            epochs = 0
            early_epochs = _EARLY_EPOCHS if 1.0 < strong_ratio < 2.0 else _COLD_EPOCHS
            # A warm start is checked before any epoch: from an optimum, the
            # solve costs none (as scikit-learn's, which checks the gap first).
            budget = 0 if step == 0 and check_first else early_epochs
            while True:
                working_set = np.flatnonzero(in_set)
                converged = True
                # whether the kernel's outputs describe this working set at w
                kernel_outputs_current = False
                if working_set.shape[0] and epochs < max_iter and budget > 0:
                    epochs_left = min(max_iter - epochs, budget)
                    # A gap at the end only when the epochs run out: the final
                    # certificate then needs no extra pass.
                    gap_at_end = epochs_left == max_iter - epochs
                    if storage_kind == _GRAM:
                        gap_ws, n_epochs, evaluated = kernels.enet_cd_gram(
                            w, Q, X, y, yy, l1, l2, working_set, positive,
                            epochs_left, tol_dw, gap_tol, gap_at_end, random, seed,
                        )  # fmt: skip
                    elif storage_kind == _SPARSE:
                        gap_ws, n_epochs, evaluated = kernels.enet_cd_sparse(
                            w, Q, X_data, X_indices, X_indptr, y, v, means,
                            column_v, norms2, l1, l2, working_set, positive,
                            epochs_left, tol_dw, gap_tol, gap_at_end, random, seed,
                            ws_correlations, residual_stats,
                        )  # fmt: skip
                    else:
                        gap_ws, n_epochs, evaluated = kernels.enet_cd_dense(
                            w, Q, X, y, v, means, column_v, norms2, l1, l2,
                            working_set, positive, epochs_left, tol_dw, gap_tol,
                            gap_at_end, random, seed, ws_correlations,
                            residual_stats,
                        )  # fmt: skip
                    epochs += n_epochs
                    converged = evaluated and gap_ws <= gap_tol
                    kernel_outputs_current = evaluated
                n_outside = 0
                for j in range(n_features):
                    candidates[j] = usable[j] and not in_set[j] and not screened[j]
                    n_outside += candidates[j]
                if storage_kind == _GRAM:
                    count = _gram_violators(
                        Q, positive, candidates, thresholds, correlations, features
                    )
                else:
                    _residual(Q, w, means, v, R)
                    # the working set's correlations at R, when the kernel has them
                    n_known = working_set.shape[0] if kernel_outputs_current else 0
                    count = _kkt_check(
                        *storage, v, means, R, thresholds, candidates, positive,
                        norms, correlations, slack, snapshot_of, snapshots,
                        n_snapshots, features, n_screened, working_set[:n_known],
                        ws_correlations[:n_known], shadow, shadow_errors,
                    )  # fmt: skip
                n_violators = _violators(
                    features, count, correlations, thresholds, positive, in_set, False
                )
                if budget == 0 and working_set.shape[0]:
                    # The warm start's gap, the violators' dual constraints
                    # included: within tol, w is the answer, violators or not
                    # (a zero may violate its KKT condition by less than tol).
                    relevant, values, _, RR, Ry = _gap_inputs(
                        storage_kind == _GRAM, False, *storage, w, Q, R, y, yy, v,
                        means, working_set, ws_correlations, residual_stats,
                        features, count, correlations,
                    )  # fmt: skip
                    gap_start = kernels.duality_gap(
                        values, w, l1, l2, norms2, relevant, positive, RR, Ry, yy
                    )
                    if gap_start <= gap_tol:
                        break
                    converged = False
                if epochs >= max_iter or (converged and n_violators == 0):
                    break
                if storage_kind == _GRAM or kernel_outputs_current:
                    # The gap at w costs no pass here: screen with it.
                    relevant, values, ws_values, RR, Ry = _gap_inputs(
                        storage_kind == _GRAM, kernel_outputs_current, *storage, w,
                        Q, R, y, yy, v, means, working_set, ws_correlations,
                        residual_stats, features, count, correlations,
                    )  # fmt: skip
                    gap_now = kernels.duality_gap(
                        values, w, l1, l2, norms2, relevant, positive, RR, Ry, yy
                    )
                    if gap_now < np.inf and _ball_can_screen(
                        np.sqrt(2.0 * max(gap_now, 0.0)), l1, norms, usable, unpenalized
                    ):
                        if storage_kind == _GRAM:
                            for j in range(n_features):
                                pull_bounds[j] = Q[j] if positive else abs(Q[j])
                        else:
                            _candidate_pull_bounds(
                                R, positive, candidates, norms, correlations, slack,
                                snapshot_of, snapshots, n_snapshots[0], pull_bounds,
                            )  # fmt: skip
                            for k in range(working_set.shape[0]):
                                c = ws_values[k]
                                pull_bounds[working_set[k]] = c if positive else abs(c)
                        n_screened += _screen_gap_safe(
                            gap_now,
                            kernels.dual_scale(values, l1, l2, relevant, positive),
                            w, l1, norms, usable, unpenalized, pull_bounds,
                            screened, in_set,
                        )  # fmt: skip
                if n_violators:
                    _violators(features, count, correlations, thresholds, positive,
                               in_set, True)  # fmt: skip
                    budget = early_epochs
                else:
                    # The working set is right at w: solve on it, but check
                    # again after _CHECK_GROWTH times the epochs run so far,
                    # in case the solve pulls outsiders over their threshold.
                    # A tol out of the budget's reach then never spends it on
                    # a wrong working set.
                    budget = max(early_epochs, (_CHECK_GROWTH - 1) * epochs)
                    if n_outside == 0:
                        budget = max_iter  # nobody left to check: finish
            # The gap of the problem without the screened features: their zeros
            # are proven, so it bounds the suboptimality of w all the same.
            relevant, values, _, RR, Ry = _gap_inputs(
                storage_kind == _GRAM, kernel_outputs_current, *storage, w, Q, R,
                y, yy, v, means, working_set, ws_correlations, residual_stats,
                features, count, correlations,
            )  # fmt: skip
            gap = kernels.duality_gap(
                values, w, l1, l2, norms2, relevant, positive, RR, Ry, yy
            )
            for j in range(n_features):
                coefs[step, j] = w[j]
            gaps[step] = gap
            epochs_run[step] = epochs
            screened_run[step] = n_screened

    return solve_alphas


_DIGEST = _source_digest(kernels)
solve_alphas_dense = _build(_DENSE, _DIGEST)
solve_alphas_sparse = _build(_SPARSE, _DIGEST)
solve_alphas_gram = _build(_GRAM, _DIGEST)
