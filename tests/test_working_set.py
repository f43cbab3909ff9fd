"""The compiled working-set machinery: KKT bounds and the cache-key digest."""

import types

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skreg._kernels import working_set as ws
from skreg._path.design import make_design


def _storage(design):
    if design.is_sparse:
        X = design.X
        return True, np.empty((0, 0)), X.data, X.indices, X.indptr
    empty = np.empty(0, np.int32)
    return False, design.X, np.empty(0), empty, np.zeros(1, np.int32)


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
    bounds = ws.KKTBounds(60, 200, design.norms2)
    if storage == "dense, shadow":
        bounds.use_shadow(design.X)
    bounds.start_from(design.y, design.Zy)
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
        count = ws._kkt_check(
            *_storage(design), design.v, design.means, R, thresholds,
            candidates, positive, bounds.norms, bounds.correlations,
            bounds.slack, bounds.snapshot_of, bounds.snapshots,
            bounds.n_snapshots, features, 0, np.empty(0, np.intp), np.empty(0),
            bounds.shadow, bounds.shadow_errors,
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
        ws._candidate_pull_bounds(
            R, positive, candidates, bounds.norms, bounds.correlations,
            bounds.slack, bounds.snapshot_of, bounds.snapshots,
            bounds.n_snapshots[0], pull_bounds,
        )  # fmt: skip
        assert np.all(pulls[candidates] <= pull_bounds[candidates] + 1e-9)
        assert_allclose(pull_bounds[found], pulls[found], atol=1e-10)
        assert np.isnan(pull_bounds[~candidates]).all()
        assert 1 <= bounds.n_snapshots[0] <= ws._MAX_SNAPSHOTS
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
    bounds = ws.KKTBounds(40, 30, design.norms2)
    known = np.array([3, 7, 8], dtype=np.intp)
    marked = exact[known] + 100.0  # recognisable: taken, not recomputed
    bounds.slack[:] = 1.0  # stale: every value the pass sets is overwritten
    n = ws._full_pass(
        *_storage(design), R, design.v, design.means, bounds.correlations,
        bounds.slack, bounds.snapshot_of, bounds.snapshots, known, marked,
        bounds.shadow, bounds.shadow_errors,
    )  # fmt: skip
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
    bounds = ws.KKTBounds(80, 50, design.norms2)
    bounds.use_shadow(design.X)
    shadow = bounds.shadow.reshape(50, 80).T
    assert_allclose(shadow, X, rtol=2**-24)
    assert_allclose(
        bounds.shadow_errors,
        1.01 * np.linalg.norm(X - shadow.astype(np.float64), axis=0),
    )
    known = np.array([0, 9], dtype=np.intp)
    n = ws._full_pass(
        *_storage(design), R, design.v, design.means, bounds.correlations,
        bounds.slack, bounds.snapshot_of, bounds.snapshots, known, exact[known],
        bounds.shadow, bounds.shadow_errors,
    )  # fmt: skip
    assert n == 1
    unknown = np.setdiff1d(np.arange(50), known)
    error = np.abs(bounds.correlations - exact)
    assert np.all(error[unknown] <= bounds.slack[unknown])
    assert error[unknown].max() > 0  # float32 values, not a copy of X
    assert_allclose(bounds.slack[unknown],
                    bounds.shadow_errors[unknown] * np.linalg.norm(R))  # fmt: skip
    assert not bounds.slack[known].any()
    assert_allclose(bounds.correlations[known], exact[known], rtol=0, atol=0)


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

    from skreg._kernels import coordinate_descent as _cd_kernels

    for entry in (ws.solve_alphas_dense, ws.solve_alphas_sparse, ws.solve_alphas_gram):
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
        bounds.slack, bounds.snapshot_of, bounds.snapshots, 1, in_set,
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


def _elastic_net_reference(X, y, alpha, l1_ratio, positive):
    """scikit-learn's solution, far tighter than the tests' margins."""
    from sklearn.linear_model import ElasticNet

    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, positive=positive,
                       fit_intercept=False, tol=1e-13, max_iter=100000)  # fmt: skip
    return model.fit(X, y).coef_


@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.7])
def test_gap_safe_screening_only_removes_zeros_of_the_optimum(positive, l1_ratio):
    # From points ever closer to the optimum, with exact pulls and with loose
    # upper bounds: every feature screened is zero at the optimum, and at the
    # optimum itself every zero clear of its threshold is screened.
    from skreg._kernels import coordinate_descent as kernels

    rng = np.random.RandomState(4)
    n, p = 80, 150
    X = rng.randn(n, p)
    y = X[:, :6] @ np.array([3.0, -2.0, 1.5, 1.0, -1.0, 0.5]) + 0.5 * rng.randn(n)
    alpha = 0.1 * np.max(np.abs(X.T @ y)) / n
    w_star = _elastic_net_reference(X, y, alpha, l1_ratio, positive)
    assert 6 <= np.count_nonzero(w_star) < p // 2
    design = make_design(X, y, fit_intercept=False)
    l1 = np.full(p, n * alpha * l1_ratio)
    l2 = np.full(p, n * alpha * (1.0 - l1_ratio))
    usable = np.ones(p, dtype=bool)
    unpenalized = np.zeros(p, dtype=bool)
    everyone = np.arange(p)
    norms = np.sqrt(design.norms2)
    yy = float(y @ y)

    def screen(w, slack):
        R = y - X @ w
        c = X.T @ R
        pulls = c if positive else np.abs(c)
        scale = kernels.dual_scale(c, l1, l2, everyone, positive)
        gap = kernels.duality_gap(c, w, l1, l2, design.norms2, everyone,
                                  positive, R @ R, R @ y, yy)  # fmt: skip
        screened = np.zeros(p, dtype=bool)
        in_set = w != 0
        in_set[:20] = True  # zeros in the working set may be screened too
        count = ws._screen_gap_safe(gap, scale, w, l1, norms, usable,
                                    unpenalized, pulls + slack, screened,
                                    in_set)  # fmt: skip
        assert count == screened.sum()
        assert not np.any(in_set & screened)
        assert not np.any(screened & (w != 0))
        return screened, pulls

    counts = []
    for distance in [1e-2, 1e-3, 1e-4, 1e-5]:
        w = w_star * (1.0 + distance * rng.randn(p))
        for slack in [np.zeros(p), distance * l1 * rng.rand(p)]:
            screened, _ = screen(w, slack)
            assert np.all(w_star[screened] == 0.0)
            counts.append(screened.sum())
    assert counts[-1] > counts[0] and counts[-1] > p // 2
    screened, pulls = screen(w_star, np.zeros(p))
    clear = (w_star == 0) & (pulls < l1 * (1.0 - 1e-3))
    assert np.array_equal(screened, clear)


def test_screening_happens_along_a_path_and_the_gaps_stay_certificates(monkeypatch):
    # A path on which the gap-safe test screens features: each reported gap
    # must still bound the suboptimality against a far tighter solve.
    from sklearn.linear_model import lasso_path as sklearn_lasso_path

    from skreg import lasso_path
    from skreg._path import driver as _path

    screened = []
    entry = ws.solve_alphas_dense

    def recording(*args):
        entry(*args)
        screened.extend(args[-1])  # screened_run: newly screened, per alpha

    monkeypatch.setattr(_path.working_set, "solve_alphas_dense", recording)
    rng = np.random.RandomState(5)
    n = 200
    X = np.asfortranarray(rng.randn(n, 2000))
    y = X[:, :8] @ rng.randn(8) + 0.3 * rng.randn(n)
    tol = 1e-6
    alphas, coefs, gaps = lasso_path(X, y, alphas=50, tol=tol)
    assert len(screened) == 50 and sum(screened) > 0
    _, reference, _ = sklearn_lasso_path(X, y, alphas=alphas, tol=1e-14,
                                         max_iter=100000)  # fmt: skip

    def objective(w, alpha):
        R = y[:, np.newaxis] - X @ w
        return (R**2).sum(axis=0) / (2 * n) + alpha * np.abs(w).sum(axis=0)

    excess = objective(coefs, alphas) - objective(reference, alphas)
    assert np.all(gaps <= tol * (y @ y) / n)
    assert np.all(excess <= gaps + 1e-12)


def test_ball_can_screen_only_when_narrower_than_some_threshold():
    l1 = np.array([1.0, 4.0, 0.0])
    norms = np.array([1.0, 2.0, 1.0])
    usable = np.array([True, True, True])
    unpenalized = np.array([False, False, True])
    # l1_j / ||z_j|| is 1 and 2 for the penalized features
    assert ws._ball_can_screen(1.9, l1, norms, usable, unpenalized)
    assert not ws._ball_can_screen(2.0, l1, norms, usable, unpenalized)
    usable[1] = False
    assert not ws._ball_can_screen(1.5, l1, norms, usable, unpenalized)
    assert ws._ball_can_screen(0.5, l1, norms, usable, unpenalized)


@pytest.mark.parametrize("positive", [False, True])
def test_path_on_the_float32_shadow_matches_scikit_learn(monkeypatch, positive):
    # A path on wide dense X reads the float32 shadow in its full KKT passes:
    # the solutions must be those of the exact passes and of scikit-learn,
    # and every gap must still certify its alpha.
    from sklearn.linear_model import enet_path as sklearn_enet_path

    from skreg import enet_path
    from skreg._path import driver as _path

    rng = np.random.RandomState(11)
    n = 100
    X = np.asfortranarray(rng.randn(n, 600) * rng.uniform(0.5, 20.0, 600) + 3.0)
    y = X[:, :6] @ rng.randn(6) + 0.5 * rng.randn(n)
    options = {"alphas": 30, "l1_ratio": 0.8, "tol": 1e-10, "positive": positive}
    shadows = []
    use_shadow = ws.KKTBounds.use_shadow

    def recording(self, X):
        shadows.append(X.shape)
        use_shadow(self, X)

    monkeypatch.setattr(ws.KKTBounds, "use_shadow", recording)
    alphas, coefs, gaps = enet_path(X, y, **options)
    assert shadows == [X.shape]
    monkeypatch.setattr(_path, "_shadow_pays", lambda design, n_alphas: False)
    _, exact_coefs, _ = enet_path(X, y, **options)
    assert len(shadows) == 1
    _, reference, _ = sklearn_enet_path(X, y, alphas=alphas, l1_ratio=0.8,
                                        positive=positive, tol=1e-14,
                                        max_iter=100000)  # fmt: skip
    assert np.abs(coefs - exact_coefs).max() <= 1e-6 * np.abs(reference).max()

    def objective(w, alpha):
        R = y[:, np.newaxis] - X @ w
        penalty = 0.8 * np.abs(w).sum(axis=0) + 0.1 * (w**2).sum(axis=0)
        return (R**2).sum(axis=0) / (2 * n) + alpha * penalty

    excess = objective(coefs, alphas) - objective(reference, alphas)
    assert np.all(excess <= gaps + 1e-12)
    assert np.all(gaps <= 1e-10 * (y @ y) / n)
