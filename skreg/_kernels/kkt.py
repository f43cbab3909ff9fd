"""The KKT check of the features outside a working set, sparing dot products.

A feature outside the working set is optimal at zero iff its pull
``|z_j' R|`` is at most ``l1_j``. By the Cauchy-Schwarz inequality,

.. math::

    |z_j^\\top R| \\le |z_j^\\top S| + \\|z_j\\| \\, \\|R - S\\|

for any earlier residual ``S`` (a *snapshot*) at which the exact ``z_j' S``
is known. Each feature keeps the snapshot of its last exact correlation; only
the features whose bound reaches their threshold get a new dot product, and
they move to the newest snapshot. A full pass ``Z' R`` is made instead when
more than ``_FULL_PASS_SHARE`` of the candidates need one, or when more than
``_MAX_SNAPSHOTS`` snapshots are in use. Far-from-threshold features are not
touched for many alphas in a row. The state of the bounds lives in
:class:`Bounds` and is carried from one alpha to the next.

On a path over wide dense float64 ``X``, the full passes read a float32 copy
of ``X`` (the *shadow*, half the memory traffic) instead: each correlation
they give is within ``slack_j = ||x_j - fl32(x_j)|| ||R||`` of the exact one,
and the slack joins the bound above. The features whose bound then reaches
their threshold (violators and near-misses) get exact dot products, so every
value the check reports and the duality gap uses is exact.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from . import columns as column_kernels
from .correlations import (
    _copy_into,
    _dot,
    all_correlations,
    centred_correlations_subset_dense,
    correlations_of,
)
from .gaps import _FAST

# Relative slack on the KKT thresholds, so that rounding at a feature that
# sits exactly on its threshold does not add it to the working set.
_KKT_SLACK = 1e-12
# A full pass once this share of candidates needs an exact value: it costs
# little more, and it resets every bound, which the checks at the next alphas
# of a path reuse (see benchmarks/README.md for the measured trade-off).
_FULL_PASS_SHARE = 0.3
# Snapshots kept at most (each is one residual vector).
_MAX_SNAPSHOTS = 8

Bounds = namedtuple(
    "Bounds",
    ["norms", "correlations", "slack", "snapshot_of", "snapshots", "n_snapshots",
     "shadow", "shadow_errors"],
)  # fmt: skip
Bounds.__doc__ = """State of the correlation bounds, carried along a path.

``norms`` (``||z_j||``); ``correlations`` (``z_j' S_k`` for the snapshot
``k = snapshot_of[j]`` of each feature, exact to within ``slack[j]``, 0 unless
it came from the float32 shadow); ``snapshots`` (rows: residuals) and
``n_snapshots`` (one entry: how many are in use, 0 meaning no exact value
yet); ``shadow`` and ``shadow_errors`` (the float32 copy of dense X for the
full passes, empty for none, see :func:`skreg._kernels.columns.float32_shadow`).
Every field is an array, changed in place by the compiled check.
"""


def new_bounds(n_samples, n_features, norms2):
    """Fresh :class:`Bounds` for a design of this shape."""
    return Bounds(
        norms=np.sqrt(norms2),
        correlations=np.zeros(n_features),
        slack=np.zeros(n_features),
        snapshot_of=np.zeros(n_features, dtype=np.intp),
        snapshots=np.empty((_MAX_SNAPSHOTS + 1, n_samples)),
        n_snapshots=np.zeros(1, dtype=np.intp),
        shadow=np.empty(0, dtype=np.float32),
        shadow_errors=np.empty(0),
    )


def with_shadow(bounds, X):
    """The bounds, with full passes reading a float32 copy of dense ``X``."""
    shadow, shadow_errors = column_kernels.float32_shadow(X)
    return bounds._replace(shadow=shadow, shadow_errors=shadow_errors)


def start_from(bounds, R, correlations):
    """Use known exact correlations ``Z' R`` as the first snapshot."""
    bounds.correlations[:] = correlations
    bounds.slack[:] = 0.0
    bounds.snapshot_of[:] = 0
    bounds.snapshots[0] = R
    bounds.n_snapshots[0] = 1


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
def _uncertain(R, thresholds, candidates, positive, bounds, n_snapshots, out):
    """Candidates whose bound exceeds their threshold, written to ``out``.

    Returns ``(count, n_candidates, drifts)`` with ``drifts[k] = ||R - S_k||``.
    """
    drifts = _snapshot_drifts(R, bounds.snapshots, n_snapshots)
    correlations, slack, norms = bounds.correlations, bounds.slack, bounds.norms
    snapshot_of = bounds.snapshot_of
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
def _full_pass(is_sparse, data, R, bounds, known, known_values):
    """Correlations of every feature at ``R``, the one snapshot.

    The features ``known`` already have theirs at ``R`` (``known_values``,
    from the kernel's last duality gap): only the others are computed. With a
    shadow (float32 copy of dense ``X``) they are computed from it, within
    ``slack[j] = shadow_errors[j] ||R||`` of the exact values; otherwise
    exactly.
    """
    correlations, slack, snapshot_of = (
        bounds.correlations, bounds.slack, bounds.snapshot_of
    )  # fmt: skip
    shadow = bounds.shadow
    for j in range(slack.shape[0]):
        slack[j] = 0.0
    if known.shape[0] == 0 and shadow.shape[0] == 0:
        _copy_into(correlations, all_correlations(is_sparse, data, R))
    else:
        unknown = np.ones(snapshot_of.shape[0], dtype=np.bool_)
        for k in range(known.shape[0]):
            unknown[known[k]] = False
            correlations[known[k]] = known_values[k]
        rest = np.flatnonzero(unknown)
        if shadow.shape[0]:
            n_samples = R.shape[0]
            columns = shadow.reshape((snapshot_of.shape[0], n_samples)).T
            values = centred_correlations_subset_dense(
                columns, R, data.v, data.means, rest
            )
            error = np.sqrt(_dot(R, R))
            for k in range(rest.shape[0]):
                slack[rest[k]] = bounds.shadow_errors[rest[k]] * error
        else:
            values = correlations_of(is_sparse, data, R, rest)
        for k in range(rest.shape[0]):
            correlations[rest[k]] = values[k]
    for j in range(snapshot_of.shape[0]):
        snapshot_of[j] = 0
    _copy_into(bounds.snapshots[0], R)
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
def _make_exact(is_sparse, data, R, bounds, features):
    """Exact ``z_j' R`` for the listed ``features``; their slack drops to 0."""
    if features.shape[0] == 0:
        return
    values = correlations_of(is_sparse, data, R, features)
    for k in range(features.shape[0]):
        bounds.correlations[features[k]] = values[k]
        bounds.slack[features[k]] = 0.0


@njit(cache=True, nogil=True)
def kkt_check(is_sparse, data, R, thresholds, candidates, positive, bounds,
              features, n_screened, known, known_values):  # fmt: skip
    """Candidates that may violate their KKT condition, with exact correlations.

    Writes to ``features`` a superset of the candidates whose pull exceeds
    their threshold, whose exact ``z_j' R`` are then in
    ``bounds.correlations``, and returns how many; every other candidate is
    certified within its threshold. ``n_screened`` features are out of the
    candidates because they are proven zero: a full pass would cover them
    too, so they count towards its size. A full pass takes the exact values
    ``known_values`` of the features ``known`` as they are, and reads the
    float32 shadow of dense ``X`` when there is one (see :func:`_full_pass`).
    """
    n_snapshots = bounds.n_snapshots
    n = n_snapshots[0]
    if n == 0:
        n = _full_pass(is_sparse, data, R, bounds, known, known_values)
    count, n_candidates, drifts = _uncertain(
        R, thresholds, candidates, positive, bounds, n, features
    )
    if count > _FULL_PASS_SHARE * (n_candidates + n_screened):
        n_snapshots[0] = _full_pass(is_sparse, data, R, bounds, known, known_values)
        count = np.int64(0)
        for j in range(candidates.shape[0]):
            c = bounds.correlations[j]
            pull = c if positive else abs(c)
            if candidates[j] and pull + bounds.slack[j] > thresholds[j]:
                features[count] = j
                count += 1
        at_R = np.zeros(1)  # every feature's snapshot (0) is R: no drift
        inexact = _inexact(features, count, at_R, bounds.snapshot_of, bounds.slack)
        _make_exact(is_sparse, data, R, bounds, inexact)
        return count
    stale = _inexact(features, count, drifts, bounds.snapshot_of, bounds.slack)
    if stale.shape[0]:
        _make_exact(is_sparse, data, R, bounds, stale)
        for k in range(stale.shape[0]):
            bounds.snapshot_of[stale[k]] = n
        _copy_into(bounds.snapshots[n], R)
        n = _forget_unused_snapshots(bounds.snapshot_of, bounds.snapshots, n + 1)
        if n < 0:
            n = _full_pass(is_sparse, data, R, bounds, known, known_values)
            # the features reported need exact values at R
            at_R = np.zeros(1)  # as after the full pass above
            inexact = _inexact(features, count, at_R, bounds.snapshot_of, bounds.slack)
            _make_exact(is_sparse, data, R, bounds, inexact)
    n_snapshots[0] = n
    return count


@njit(cache=True, nogil=True)
def add_strong(R, l1, ratio, usable, positive, bounds, in_set):
    """Add to ``in_set`` the features the sequential strong rule expects in.

    At a new alpha (``l1`` here, ``ratio * l1`` at the previous one), the
    sequential strong rule of Tibshirani et al. (2012) predicts that a feature
    enters when its pull at the previous solution exceeds ``(2 - ratio) l1``.
    The pull is not known exactly for every feature; a lower bound,
    ``|z_j' S| - ||z_j|| ||R - S||`` from its snapshot ``S``, is, and costs no
    dot product. A wrong guess only costs epochs: the KKT check still decides.
    """
    drifts = _snapshot_drifts(R, bounds.snapshots, bounds.n_snapshots[0])
    for j in range(in_set.shape[0]):
        if in_set[j] or not usable[j]:
            continue
        c = bounds.correlations[j]
        pull = c if positive else abs(c)
        lower = pull - bounds.slack[j] - bounds.norms[j] * drifts[bounds.snapshot_of[j]]
        if lower > (2.0 - ratio) * l1[j]:
            in_set[j] = True


@njit(cache=True, nogil=True)
def add_strong_gram(H, l1, ratio, usable, positive, in_set):
    """:func:`add_strong` with the Gram matrix, where ``H = Z'R`` is exact."""
    for j in range(in_set.shape[0]):
        if in_set[j] or not usable[j]:
            continue
        pull = H[j] if positive else abs(H[j])
        if pull > (2.0 - ratio) * l1[j]:
            in_set[j] = True


@njit(cache=True, nogil=True)
def gram_violators(H, positive, candidates, thresholds, correlations, features):
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
def violators(features, count, correlations, thresholds, positive, in_set, join):
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
