"""Gap-safe screening removes only features that are zero at the optimum."""

import numpy as np
import pytest

from skreg._kernels import gaps, screening
from skreg._path.design import make_design


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
        scale = gaps.dual_scale(c, l1, l2, everyone, positive)
        gap = gaps.duality_gap(c, w, l1, l2, design.norms2, everyone,
                                  positive, R @ R, R @ y, yy)  # fmt: skip
        screened = np.zeros(p, dtype=bool)
        in_set = w != 0
        in_set[:20] = True  # zeros in the working set may be screened too
        count = screening._screen_gap_safe(gap, scale, w, l1, norms, usable,
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


def test_ball_can_screen_only_when_narrower_than_some_threshold():
    l1 = np.array([1.0, 4.0, 0.0])
    norms = np.array([1.0, 2.0, 1.0])
    usable = np.array([True, True, True])
    unpenalized = np.array([False, False, True])
    # l1_j / ||z_j|| is 1 and 2 for the penalized features
    assert screening._ball_can_screen(1.9, l1, norms, usable, unpenalized)
    assert not screening._ball_can_screen(2.0, l1, norms, usable, unpenalized)
    usable[1] = False
    assert not screening._ball_can_screen(1.5, l1, norms, usable, unpenalized)
    assert screening._ball_can_screen(0.5, l1, norms, usable, unpenalized)
