"""Bounds on feature-residual correlations that spare most dot products.

The KKT check of a working-set solver needs, for every feature outside the
working set, whether its pull ``|z_j' R|`` exceeds its penalty. A full pass
``Z' R`` costs as much as an epoch over every feature, while only the features
near their threshold can change the answer. By the Cauchy-Schwarz inequality,

.. math::

    |z_j^\\top R| \\le |z_j^\\top S| + \\|z_j\\| \\, \\|R - S\\|

for any earlier residual ``S`` (a *snapshot*) at which the exact ``z_j' S`` is
known. Each feature keeps the snapshot of its last exact correlation; only the
features whose bound reaches their threshold get a new dot product, and they
move to the newest snapshot. Far-from-threshold features are not touched for
many alphas in a row.
"""

import numpy as np


class CorrelationBounds:
    """Exact correlations where they matter, certified bounds elsewhere.

    Parameters
    ----------
    design : Design
        The prepared problem; provides ``correlations(R)`` (all features),
        ``correlations_of(R, features)`` and ``norms2``.
    """

    # A new full pass once this share of features needs an exact value: one
    # pass over every column is then about as cheap, and resets every bound.
    _FULL_PASS_SHARE = 0.5
    # Snapshots kept at most (each is one residual vector).
    _MAX_SNAPSHOTS = 8

    def __init__(self, design):
        self.design = design
        self._norms = np.sqrt(design.norms2)
        self._correlations = None
        self._snapshot_of = np.zeros(design.n_features, dtype=np.intp)
        # Row k holds snapshot k; the first _n_snapshots rows are in use.
        self._snapshots = np.empty((self._MAX_SNAPSHOTS + 1, design.y.shape[0]))
        self._n_snapshots = 0

    def above(self, R, thresholds, candidates, positive):
        """Candidates whose pull may exceed ``thresholds``, with exact ``z_j' R``.

        Parameters
        ----------
        R : ndarray of shape (n_samples,)
            The current residual.
        thresholds : ndarray of shape (n_features,)
            Per-feature thresholds on the pull.
        candidates : ndarray of bool, shape (n_features,)
            Features to consider.
        positive : bool
            Whether the pull is ``z_j' R`` (non-negative coefficients) rather
            than ``|z_j' R|``.

        Returns
        -------
        features : ndarray of int
            A superset, among the candidates, of those whose pull exceeds the
            threshold; every other candidate is certified at or below it.
        correlations : ndarray
            Exact ``z_j' R`` for ``features``.
        """
        if self._correlations is None:
            self._full_pass(R)
        differences = self._snapshots[: self._n_snapshots] - R
        drifts = np.sqrt(np.einsum("ij,ij->i", differences, differences))
        pulls = self._correlations if positive else np.abs(self._correlations)
        bounds = pulls + self._norms * drifts[self._snapshot_of]
        uncertain = np.flatnonzero(candidates & (bounds > thresholds))
        if uncertain.size > self._FULL_PASS_SHARE * candidates.size:
            self._full_pass(R)
            pulls = self._correlations if positive else np.abs(self._correlations)
            features = np.flatnonzero(candidates & (pulls > thresholds))
            return features, self._correlations[features]
        # Features whose snapshot is R itself already hold exact values.
        stale = uncertain[drifts[self._snapshot_of[uncertain]] > 0.0]
        if stale.size:
            self._correlations[stale] = self.design.correlations_of(R, stale)
            self._snapshot_of[stale] = self._n_snapshots
            self._snapshots[self._n_snapshots] = R
            self._n_snapshots += 1
            self._forget_unused_snapshots(R)
        return uncertain, self._correlations[uncertain]

    def start_from(self, R, correlations):
        """Use known exact correlations ``Z' R`` as the first snapshot."""
        self._correlations = np.array(correlations, dtype=np.float64)
        self._snapshot_of[:] = 0
        self._snapshots[0] = R
        self._n_snapshots = 1

    def _full_pass(self, R):
        self._correlations = self.design.correlations(R)
        self._snapshot_of[:] = 0
        self._snapshots[0] = R
        self._n_snapshots = 1

    def _forget_unused_snapshots(self, R):
        used = np.flatnonzero(np.bincount(self._snapshot_of))
        if used.size > self._MAX_SNAPSHOTS:
            self._full_pass(R)
            return
        if used.size < self._n_snapshots:
            self._snapshots[: used.size] = self._snapshots[used]
            self._n_snapshots = used.size
            self._snapshot_of = np.searchsorted(used, self._snapshot_of)
