"""The KKT check outside the working set: bounds, snapshots, the float32 shadow."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skreg._kernels import kkt, screening
from skreg._path.design import make_design
from skreg._path.driver import _kernel_data


def _storage(design):
    """``(is_sparse, data)`` as the compiled check reads them."""
    return design.is_sparse, _kernel_data(design, None, design.y)


@pytest.mark.parametrize("storage", ["dense", "dense, shadow", "sparse"])
@pytest.mark.parametrize("positive", [False, True])
def test_kkt_check_finds_every_violator_with_exact_correlations(storage, positive):
    # A sequence of residuals drifting away from y, as along a path: at each
    # step the check must return a superset of the violators, with exact
    # correlations, while reusing snapshots (and forgetting old ones). With
    # the float32 shadow, the full passes give approximations, within their
    # slack; the features returned must still hold exact values.
    is_sparse = storage == "sparse"
    rng = np.random.RandomState(0)
    X = rng.randn(60, 200) * 10 + 3  # offset: the shadow's error is not tiny
    if is_sparse:
        X = sp.csc_matrix(X * (rng.rand(60, 200) < 0.3))
    y = rng.randn(60)
    design = make_design(X, y, fit_intercept=True)
    Z = (X.toarray() if is_sparse else X) - design.means
    bounds = kkt.new_bounds(60, 200, design.norms2)
    if storage == "dense, shadow":
        bounds = kkt.with_shadow(bounds, design.X)
    kkt.start_from(bounds, design.y, design.Zy)
    n_approximate = 0
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
        count = kkt.kkt_check(
            *_storage(design), R, thresholds, candidates, positive, bounds,
            features, 0, np.empty(0, np.intp), np.empty(0),
        )  # fmt: skip
        found = features[:count]
        violators = np.flatnonzero(candidates & (pulls > thresholds))
        assert set(violators) <= set(found)
        assert not np.any(~candidates[found])
        assert_allclose(bounds.correlations[found], exact[found], atol=1e-10)
        assert not bounds.slack[found].any()
        n_approximate += np.count_nonzero(bounds.slack)
        # the candidates' bounds the screening reads: valid, exact where found
        pull_bounds = np.full(200, np.nan)
        screening._candidate_pull_bounds(R, positive, candidates, bounds, pull_bounds)
        assert np.all(pulls[candidates] <= pull_bounds[candidates] + 1e-9)
        assert_allclose(pull_bounds[found], pulls[found], atol=1e-10)
        assert np.isnan(pull_bounds[~candidates]).all()
        assert 1 <= bounds.n_snapshots[0] <= kkt._MAX_SNAPSHOTS
        # every bound still holds for every feature, with its own snapshot
        snapshots = bounds.snapshots[bounds.snapshot_of]
        drift = np.linalg.norm(snapshots - R, axis=1)
        bound = np.abs(bounds.correlations) + bounds.slack + bounds.norms * drift
        assert np.all(np.abs(exact) <= bound + 1e-9)
    # the shadow was used (and only with it)
    assert (n_approximate > 0) == (storage == "dense, shadow")


@pytest.mark.parametrize("is_sparse", [False, True])
def test_full_pass_computes_only_what_is_not_known(is_sparse):
    # The working set's correlations come from the kernel's last gap: the
    # full pass takes them as given and computes every other feature.
    rng = np.random.RandomState(1)
    X = rng.randn(40, 30)
    if is_sparse:
        X = sp.csc_matrix(X * (rng.rand(40, 30) < 0.3))
    design = make_design(X, rng.randn(40), fit_intercept=True)
    R = rng.randn(40)
    exact = ((X.toarray() if is_sparse else X) - design.means).T @ R
    bounds = kkt.new_bounds(40, 30, design.norms2)
    known = np.array([3, 7, 8], dtype=np.intp)
    marked = exact[known] + 100.0  # recognisable: taken, not recomputed
    bounds.slack[:] = 1.0  # stale: every value the pass sets is overwritten
    n = kkt._full_pass(*_storage(design), R, bounds, known, marked)
    assert n == 1
    expected = exact.copy()
    expected[known] = marked
    assert_allclose(bounds.correlations, expected, atol=1e-12)
    assert not bounds.slack.any()
    assert_allclose(bounds.snapshots[0], R)
    assert not bounds.snapshot_of.any()


def test_full_pass_on_the_float32_shadow_bounds_its_error():
    # From the shadow, each unknown correlation is within its slack of the
    # exact value (the slack is the shadow's rounding error times ||R||), and
    # far closer than float32 itself would be; known ones stay exact.
    rng = np.random.RandomState(2)
    X = rng.randn(80, 50) * rng.uniform(0.1, 100.0, 50) + 5.0
    design = make_design(X, rng.randn(80), fit_intercept=True)
    R = rng.randn(80)
    exact = (X - design.means).T @ R
    bounds = kkt.with_shadow(kkt.new_bounds(80, 50, design.norms2), design.X)
    shadow = bounds.shadow.reshape(50, 80).T
    assert_allclose(shadow, X, rtol=2**-24)
    assert_allclose(
        bounds.shadow_errors,
        1.01 * np.linalg.norm(X - shadow.astype(np.float64), axis=0),
    )
    known = np.array([0, 9], dtype=np.intp)
    n = kkt._full_pass(*_storage(design), R, bounds, known, exact[known])
    assert n == 1
    unknown = np.setdiff1d(np.arange(50), known)
    error = np.abs(bounds.correlations - exact)
    assert np.all(error[unknown] <= bounds.slack[unknown])
    assert error[unknown].max() > 0  # float32 values, not a copy of X
    assert_allclose(bounds.slack[unknown],
                    bounds.shadow_errors[unknown] * np.linalg.norm(R))  # fmt: skip
    assert not bounds.slack[known].any()
    assert_allclose(bounds.correlations[known], exact[known], rtol=0, atol=0)


@pytest.mark.parametrize("positive", [False, True])
def test_strong_rule_adds_the_features_whose_lower_bound_clears_it(positive):
    # Exact correlations at a snapshot S, residual R near S: a feature joins
    # when its pull at S, less ||z_j|| ||R - S||, exceeds (2 - ratio) l1.
    rng = np.random.RandomState(3)
    X = rng.randn(50, 120)
    y = rng.randn(50)
    design = make_design(X, y, fit_intercept=False)
    bounds = kkt.new_bounds(50, 120, design.norms2)
    kkt.start_from(bounds, design.y, design.Zy)
    R = design.y + 0.01 * rng.randn(50)
    l1 = np.full(120, np.quantile(np.abs(design.Zy), 0.8))
    usable = np.ones(120, dtype=bool)
    usable[5] = False
    in_set = np.zeros(120, dtype=bool)
    in_set[:3] = True
    ratio = 1.2
    kkt.add_strong(R, l1, ratio, usable, positive, bounds, in_set)
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
