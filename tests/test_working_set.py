"""The compiled working-set machinery: KKT bounds and the cache-key digest."""

import types

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skreg import _working_set as ws
from skreg._path import make_design


def _storage(design):
    if design.is_sparse:
        X = design.X
        return True, np.empty((0, 0)), X.data, X.indices, X.indptr
    empty = np.empty(0, np.int32)
    return False, design.X, np.empty(0), empty, np.zeros(1, np.int32)


@pytest.mark.parametrize("is_sparse", [False, True])
@pytest.mark.parametrize("positive", [False, True])
def test_kkt_check_finds_every_violator_with_exact_correlations(is_sparse, positive):
    # A sequence of residuals drifting away from y, as along a path: at each
    # step the check must return a superset of the violators, with exact
    # correlations, while reusing snapshots (and forgetting old ones).
    rng = np.random.RandomState(0)
    X = rng.randn(60, 200)
    if is_sparse:
        X = sp.csc_matrix(X * (rng.rand(60, 200) < 0.3))
    y = rng.randn(60)
    design = make_design(X, y, fit_intercept=True)
    Z = (X.toarray() if is_sparse else X) - design.means
    bounds = ws.KKTBounds(60, 200, design.norms2)
    bounds.start_from(design.y, design.Zy)
    features = np.empty(200, dtype=np.intp)
    candidates = np.ones(200, dtype=bool)
    candidates[:10] = False  # the working set
    R = design.y.copy()
    direction = rng.randn(60)
    for _ in range(40):
        R = R + 0.02 * direction + 0.01 * rng.randn(60)
        exact = Z.T @ R
        pulls = exact if positive else np.abs(exact)
        thresholds = np.quantile(pulls, 0.9) * np.ones(200)
        count = ws._kkt_check(
            *_storage(design), design.v, design.means, R, thresholds,
            candidates, positive, bounds.norms, bounds.correlations,
            bounds.snapshot_of, bounds.snapshots, bounds.n_snapshots, features,
        )  # fmt: skip
        found = features[:count]
        violators = np.flatnonzero(candidates & (pulls > thresholds))
        assert set(violators) <= set(found)
        assert not np.any(~candidates[found])
        assert_allclose(bounds.correlations[found], exact[found], atol=1e-10)
        assert 1 <= bounds.n_snapshots[0] <= ws._MAX_SNAPSHOTS
        # every bound still holds for every feature, with its own snapshot
        snapshots = bounds.snapshots[bounds.snapshot_of]
        drift = np.linalg.norm(snapshots - R, axis=1)
        bound = np.abs(bounds.correlations) + bounds.norms * drift
        assert np.all(np.abs(exact) <= bound + 1e-9)


def test_source_digest_follows_the_source(tmp_path):
    path = tmp_path / "kernel.py"
    module = types.SimpleNamespace(__file__=str(path))
    path.write_text("x = 1\n")
    first = ws._source_digest(module)
    path.write_text("x = 2\n")
    assert ws._source_digest(module) != first
    path.write_text("x = 1\n")
    assert ws._source_digest(module) == first


def test_entry_points_are_keyed_by_the_kernels_digest():
    # numba's cache key of a closure includes its closure variables: the
    # digest of _cd_kernels must be one of them, and nothing that varies
    # between processes (a captured function would be pickled differently).
    from skreg import _cd_kernels

    for entry in (ws.solve_alpha_dense, ws.solve_alpha_sparse, ws.solve_alpha_gram):
        cells = [cell.cell_contents for cell in entry.py_func.__closure__]
        assert ws._source_digest(_cd_kernels) in cells
        assert all(isinstance(value, (bool, int, str)) for value in cells)


@pytest.mark.parametrize("positive", [False, True])
def test_strong_rule_adds_the_features_whose_lower_bound_clears_it(positive):
    # Exact correlations at a snapshot S, residual R near S: a feature joins
    # when its pull at S, less ||z_j|| ||R - S||, exceeds (2 - ratio) l1.
    rng = np.random.RandomState(3)
    X = rng.randn(50, 120)
    y = rng.randn(50)
    design = make_design(X, y, fit_intercept=False)
    bounds = ws.KKTBounds(50, 120, design.norms2)
    bounds.start_from(design.y, design.Zy)
    R = design.y + 0.01 * rng.randn(50)
    l1 = np.full(120, np.quantile(np.abs(design.Zy), 0.8))
    usable = np.ones(120, dtype=bool)
    usable[5] = False
    in_set = np.zeros(120, dtype=bool)
    in_set[:3] = True
    ratio = 1.2
    ws._add_strong(
        R, l1, ratio, usable, positive, bounds.norms, bounds.correlations,
        bounds.snapshot_of, bounds.snapshots, 1, in_set,
    )  # fmt: skip
    pulls = design.Zy if positive else np.abs(design.Zy)
    lower = pulls - bounds.norms * np.linalg.norm(R - design.y)
    expected = (lower > (2 - ratio) * l1) & usable
    expected[:3] = True
    assert_allclose(in_set, expected)
    assert 3 < in_set.sum() < 120
    # every feature the rule added is one whose true pull at R clears it
    true_pulls = X.T @ R if positive else np.abs(X.T @ R)
    added = in_set.copy()
    added[:3] = False
    assert np.all(true_pulls[added] > (2 - ratio) * l1[added])
