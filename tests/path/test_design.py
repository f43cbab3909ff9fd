"""A Design on sufficient statistics alone gives the fits of the Design on rows."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skreg._path.design import make_design
from skreg._path.driver import solve_path
from skreg._path.grid import alpha_grid, alpha_max
from skreg._path.homotopy import lasso_homotopy
from skreg._path.statistics import design_from_statistics


def _weighted_problem(seed=0, n=120, p=15):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) @ np.triu(np.ones((p, p))) * 0.3 + rng.randn(p)
    y = X[:, :5] @ np.array([2.0, -1.5, 1.0, 0.5, -0.5]) + rng.randn(n) + 4.0
    weights = rng.uniform(0.2, 2.0, n)
    weights *= n / weights.sum()
    return X, y, weights


def _statistics(X, y, weights, fit_intercept):
    """The statistics as a reduction would give them: no rows kept."""
    n = weights.sum()
    X_mean = weights @ X / n if fit_intercept else np.zeros(X.shape[1])
    y_mean = weights @ y / n if fit_intercept else 0.0
    Xc, yc = X - X_mean, y - y_mean
    gram = Xc.T @ (weights[:, np.newaxis] * Xc)
    return design_from_statistics(
        n, X_mean, y_mean, gram, Xc.T @ (weights * yc), (weights * yc) @ yc,
        n_rows=X.shape[0], fit_intercept=fit_intercept,
    )  # fmt: skip


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_statistics_design_holds_the_same_numbers(fit_intercept):
    X, y, weights = _weighted_problem()
    rows = make_design(X, y, weights, fit_intercept=fit_intercept)
    stats = _statistics(X, y, weights, fit_intercept)
    assert not stats.has_rows and rows.has_rows
    assert stats.n_features == rows.n_features
    assert_allclose(stats.gram()[0], rows.gram()[0], rtol=1e-10, atol=1e-9)
    assert_allclose(stats.Zy, rows.Zy, rtol=1e-10, atol=1e-9)
    assert_allclose(stats.norms2, rows.norms2, rtol=1e-10)
    assert_allclose(stats.yy, rows.yy, rtol=1e-12)
    assert_allclose(stats.y_norm2, rows.y_norm2, rtol=1e-12)
    assert_allclose(stats.X_offset, rows.X_offset, rtol=1e-12, atol=1e-14)
    assert stats.rank_bound == rows.rank_bound
    assert np.array_equal(stats.nonconstant, rows.nonconstant)
    features = [4, 0, 9]
    assert_allclose(
        stats.gram_columns(features), rows.gram_columns(features), atol=1e-9
    )


@pytest.mark.parametrize("positive", [False, True])
def test_unpenalized_fit_from_statistics_equals_least_squares(positive):
    X, y, weights = _weighted_problem(1)
    rows = make_design(X, y, weights)
    stats = _statistics(X, y, weights, True)
    features = np.array([1, 3, 6, 7])
    for design_features in (features, np.array([], dtype=int)):
        expected = rows.unpenalized_fit(design_features, positive)
        found = stats.unpenalized_fit(design_features, positive)
        for ours, reference in zip(found, expected):
            assert_allclose(ours, reference, rtol=1e-8, atol=1e-8)
    if positive:
        assert np.all(stats.unpenalized_fit(features, True)[0] >= 0)


def test_path_and_grid_from_statistics_match_the_path_on_rows():
    X, y, weights = _weighted_problem(2)
    factors = np.ones(X.shape[1])
    factors[[2, 8]] = 0.0  # unpenalized
    factors[5] = np.inf  # excluded
    factors[[0, 1]] = [0.5, 3.0]
    rows = make_design(X, y, weights)
    stats = _statistics(X, y, weights, True)
    assert_allclose(alpha_max(stats, factors), alpha_max(rows, factors), rtol=1e-10)
    alphas = alpha_grid(rows, factors, l1_ratio=0.7, n_alphas=20)
    assert_allclose(alpha_grid(stats, factors, l1_ratio=0.7, n_alphas=20), alphas)
    options = {"l1_ratio": 0.7, "tol": 1e-12, "max_iter": 10_000}
    coefs, gaps, _ = solve_path(rows, alphas, factors, gram=rows.gram(), **options)
    coefs_s, gaps_s, _ = solve_path(
        stats, alphas, factors, gram=stats.gram(), **options
    )
    assert_allclose(coefs_s, coefs, atol=1e-7 * np.abs(coefs).max())
    assert np.all(gaps_s <= 1e-12 * rows.yy / rows.n_samples)


@pytest.mark.parametrize("positive", [False, True])
def test_homotopy_from_statistics_finds_the_same_knots_and_events(positive):
    X, y, weights = _weighted_problem(3)
    factors = np.ones(X.shape[1])
    factors[4] = 0.0
    factors[[6, 7]] = [2.0, 0.5]
    rows = lasso_homotopy(make_design(X, y, weights), factors, positive=positive)
    stats = lasso_homotopy(_statistics(X, y, weights, True), factors, positive=positive)
    assert rows.safe and stats.safe
    assert_allclose(stats.alphas, rows.alphas, rtol=1e-9)
    assert_allclose(stats.coefs, rows.coefs, rtol=1e-8, atol=1e-9)
    assert_allclose(stats.intercepts, rows.intercepts, rtol=1e-9)
    assert [(e.feature, e.event) for e in stats.events] == [
        (e.feature, e.event) for e in rows.events
    ]


def test_what_needs_rows_says_so():
    X, y, weights = _weighted_problem(4)
    stats = _statistics(X, y, weights, True)
    with pytest.raises(ValueError, match="needs the rows of X"):
        stats.residual(np.zeros(X.shape[1]))
    with pytest.raises(ValueError, match="needs the rows of X"):
        stats.correlations(np.zeros(X.shape[0]))
    alphas = np.array([0.1])
    with pytest.raises(ValueError, match="needs the rows of X"):
        solve_path(stats, alphas, np.ones(X.shape[1]))
