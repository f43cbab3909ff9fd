"""Exactly tied features: columns the lasso cannot tell apart.

Two penalized columns *tie* when their correlations with every residual
reach their penalties together, ``|z_j' r| / pf_j == |z_k' r| / pf_k`` for
every ``r``: on the centred, weighted scale of the path,
``z_j / pf_j = +-z_k / pf_k`` (a duplicated or negated column, or a copy
scaled by ``c`` whose penalty factor is scaled by ``|c|``). The lasso then
sees a tie group as one feature: with ``z_j = ratio_j z_first`` the fit
depends on the group only through

.. math::

    b = \\sum_{j \\in G} \\mathrm{ratio}_j \\, \\beta_j,

and the penalty :math:`\\sum_j pf_j |\\beta_j| \\ge pf_{first} |b|` is met
with equality by every split with the signs of ``ratio_j b``: every such
split is optimal. The exact path is computed with one member, the group's
*carrier*, standing for the group (the others excluded), and then split in
fixed shares (:func:`split_ties`); the elastic net's ridge part is strictly
convex and splits a tie group equally in ``|beta_j|`` itself.

Detection costs three passes over X (correlations with fixed random
vectors, ``O(n_samples n_features)``; ``O(n_features^2)`` from the Gram
matrix of a design without rows), a sort, and one Gram column per candidate
group to confirm it: on rows, no Gram matrix is formed.
"""

from typing import NamedTuple

import numpy as np

from .homotopy import _COLLINEAR_TOLERANCE, _TIE_TOLERANCE

# Columns tie when the squared sine of their angle is at most the homotopy's
# collinearity tolerance: the walk could not hold both in its active set, so
# merging them is what lets it go on. Exact copies sit at rounding level
# (1e-30), a correlation of 0.999999 at 2e-6: four orders of magnitude from
# the threshold on either side.
_TIED_SQUARED_SINE = _COLLINEAR_TOLERANCE
# A tie also needs penalty factors in the columns' proportion; closer than
# the walk's tie tolerance the walk could not order the two events anyway.
_PENALTY_RATIO_TOLERANCE = _TIE_TOLERANCE
# Normalized fingerprints of columns at the threshold angle differ by at most
# its sine (sqrt(1e-10) = 1e-5); candidates are pairs within twice that.
_FINGERPRINT_TOLERANCE = 2.0 * np.sqrt(_TIED_SQUARED_SINE)
_N_FINGERPRINTS = 3
_SEED = 0


class TieGroup(NamedTuple):
    """Columns the lasso cannot tell apart, first column first.

    Attributes
    ----------
    features : tuple of int
        Column indices in increasing order (names in an explanation's
        ``ties``).
    ratios : tuple of float
        ``z_j = ratios[k] * z_first`` on the centred, weighted scale:
        1 for a duplicate, -1 for a negated copy. ``|ratios[k]|`` is also
        ``pf_j / pf_first``.
    kind : str
        The relation in words ("identical columns", ...).
    """

    features: tuple
    ratios: tuple
    kind: str


def find_ties(design, penalty_factor, positive=False):
    """The groups of exactly tied penalized columns of ``design``.

    Parameters
    ----------
    design : Design
        The fit's design; columns are compared centred and weighted, as the
        path sees them.
    penalty_factor : ndarray of shape (n_features,)
        Only penalized, finite factors tie (an unpenalized column is fitted
        by least squares, and a column proportional to it never enters).
    positive : bool, default=False
        Under ``positive=True`` a negated copy is no tie: at most one of the
        two can have a positive correlation.

    Returns
    -------
    ties : list of TieGroup
        In order of their first column; empty when no columns tie.
    """
    penalty_factor = np.asarray(penalty_factor, dtype=np.float64)
    candidates = np.flatnonzero(
        np.isfinite(penalty_factor) & (penalty_factor > 0) & design.nonconstant
    )
    if candidates.size < 2:
        return []
    norms = np.sqrt(design.norms2[candidates])
    prints = np.abs(_fingerprints(design, candidates)) / norms[:, np.newaxis]
    pairs = _close_pairs(prints)
    if not pairs.size:
        return []
    return _confirmed_groups(design, penalty_factor, positive, candidates, pairs)


def _fingerprints(design, candidates):
    """``z_j' g`` for a few fixed random unit vectors ``g``: ``(m, k)``.

    Proportional columns have proportional fingerprints; up to sign and
    norm, equal ones.
    """
    rng = np.random.RandomState(_SEED)
    if design.has_rows:
        n_rows = design.y.shape[0]
        prints = []
        for _ in range(_N_FINGERPRINTS):
            g = rng.standard_normal(n_rows)
            g /= np.linalg.norm(g)
            prints.append(design.correlations(g)[candidates])
        return np.column_stack(prints)
    # Without rows, g = Z u / ||Z u|| for random u: z_j' g from the Gram matrix.
    gram = design.gram_columns(candidates)[candidates]
    u = rng.standard_normal((candidates.size, _N_FINGERPRINTS))
    prints = gram @ u
    scale = np.sqrt(np.maximum(np.einsum("ik,ik->k", u, prints), 0.0))
    return prints / np.where(scale > 0, scale, 1.0)


def _close_pairs(prints):
    """Pairs ``(i, k)``, ``i < k`` in sorted order, whose fingerprints all agree.

    A sort on the first fingerprint and a window of its tolerance give the
    pairs to compare; the other fingerprints filter them, so that chance
    coincidences rarely reach the exact check.
    """
    order = np.argsort(prints[:, 0], kind="stable")
    first = prints[order, 0]
    ends = np.searchsorted(first, first + _FINGERPRINT_TOLERANCE, side="right")
    counts = ends - np.arange(first.size) - 1
    if not counts.any():
        return np.zeros((0, 2), dtype=np.intp)
    left = np.repeat(np.arange(first.size), counts)
    right = (
        left
        + 1
        + (np.arange(left.size) - np.repeat(np.cumsum(counts) - counts, counts))
    )
    close = np.all(
        np.abs(prints[order[left]] - prints[order[right]]) <= _FINGERPRINT_TOLERANCE,
        axis=1,
    )
    pairs = np.column_stack([order[left[close]], order[right[close]]])
    return np.sort(pairs, axis=1)


def _confirmed_groups(design, penalty_factor, positive, candidates, pairs):
    """Check candidate pairs on Gram entries and gather the tie groups.

    Each pair is checked against its group's first column (one Gram column
    per group), so a group of m copies costs one pass over X, not m^2 checks.
    """
    root = {}  # candidate position -> position of its group's first column
    ratio = {}  # candidate position -> z_j = ratio * z_root
    gram_of = {}
    norms2 = design.norms2[candidates]
    for i, k in sorted(map(tuple, pairs)):
        first = root.get(i, i)
        if k in root:
            continue
        if first not in gram_of:
            column = design.gram_columns([candidates[first]])[:, 0]
            gram_of[first] = column[candidates]
        cross = gram_of[first][k]
        squared_sine = 1.0 - cross * cross / (norms2[first] * norms2[k])
        if squared_sine > _TIED_SQUARED_SINE:
            continue
        factor = cross / norms2[first]
        j_first, j = candidates[first], candidates[k]
        proportional = abs(
            abs(factor) * penalty_factor[j_first] / penalty_factor[j] - 1.0
        )
        if proportional > _PENALTY_RATIO_TOLERANCE or (positive and factor < 0):
            continue
        root.setdefault(first, first)
        ratio.setdefault(first, 1.0)
        root[k], ratio[k] = first, factor
    groups = {}
    for position, first in root.items():
        groups.setdefault(first, []).append(position)
    ties = []
    for first in sorted(groups):
        members = sorted(groups[first], key=lambda p: candidates[p])
        # Ratios relative to the group's lowest column.
        base = ratio[members[0]]
        ratios = tuple(float(ratio[p] / base) for p in members)
        features = tuple(int(candidates[p]) for p in members)
        ties.append(TieGroup(features, ratios, _kind(ratios)))
    ties.sort(key=lambda group: group.features[0])
    return ties


def _kind(ratios):
    if all(abs(r - 1.0) <= _PENALTY_RATIO_TOLERANCE for r in ratios):
        return "identical columns"
    if all(abs(abs(r) - 1.0) <= _PENALTY_RATIO_TOLERANCE for r in ratios):
        return "identical columns up to sign"
    return "proportional columns, penalty factors in proportion"


def group_of(ties):
    """``{feature: TieGroup}`` for every tied feature."""
    return {j: group for group in ties for j in group.features}


def tie_shares(ties, coef=None):
    """How each tie group's coefficient is split, and which member carries it.

    Parameters
    ----------
    ties : list of TieGroup
    coef : ndarray of shape (n_features,), default=None
        A solution (a fit's ``coef_``) whose split to follow; None: all on
        each group's first column.

    Returns
    -------
    shares : list of ndarray
        Per group, non-negative shares of ``b`` summing to 1: member ``j``
        has ``beta_j = share_j * b / ratio_j``.
    carriers : list of int
        Per group, the member with the largest share: the one the exact
        walk keeps, and the feature its events are recorded under.
    """
    shares, carriers = [], []
    for group in ties:
        share = np.zeros(len(group.features))
        share[0] = 1.0
        if coef is not None:
            parts = np.asarray(group.ratios) * np.asarray(coef)[list(group.features)]
            total = parts.sum()
            if total != 0:
                # A part of the other sign (solver noise) is no optimal split.
                parts = np.maximum(parts / total, 0.0)
                if parts.sum() > 0:
                    share = parts / parts.sum()
        shares.append(share)
        carriers.append(int(group.features[int(np.argmax(share))]))
    return shares, carriers


def carriers_only(penalty_factor, ties, carriers):
    """Penalty factors with every tied member but its group's carrier excluded."""
    factors = np.array(penalty_factor, dtype=np.float64)
    for group, carrier in zip(ties, carriers):
        for j in group.features:
            if j != carrier:
                factors[j] = np.inf
    return factors


def split_ties(coef_path, ties, shares, carriers):
    """Spread each carrier's coefficients over its group, in ``shares``.

    ``coef_path`` (n_features, n_alphas) is a path on which each group's
    carrier stands for the whole group; the result is the same fit, every
    member ``j`` holding ``share_j * b / ratio_j`` with
    ``b = ratio_carrier * beta_carrier``. Shares fixed along the path keep
    it piecewise linear where it was.
    """
    coef_path = np.array(coef_path, dtype=np.float64)
    for group, share, carrier in zip(ties, shares, carriers):
        ratios = np.asarray(group.ratios)
        features = list(group.features)
        b = ratios[features.index(carrier)] * coef_path[carrier]
        for k, j in enumerate(features):
            coef_path[j] = (share[k] / ratios[k]) * b
    return coef_path
