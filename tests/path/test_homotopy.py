"""The exact lasso homotopy against scikit-learn's LARS and coordinate descent."""

import warnings

import numpy as np
import pytest
from _problems import DIABETES_EVENTS
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import nnls
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, lars_path

from skreg._path.design import make_design
from skreg._path.homotopy import lasso_homotopy


def homotopy(
    X,
    y,
    penalty_factor=None,
    sample_weight=None,
    fit_intercept=True,
    positive=False,
    **kwargs,
):
    factors = np.ones(X.shape[1]) if penalty_factor is None else penalty_factor
    if sparse.issparse(X):
        X = sparse.csc_matrix(X)
    design = make_design(X, np.asarray(y, float), sample_weight, fit_intercept)
    return lasso_homotopy(design, factors, positive=positive, **kwargs)


def knot(result, event):
    """Index of the knot at which ``event`` happens."""
    return int(np.flatnonzero(result.alphas == event.alpha)[0])


def lars(X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        alphas, _, coefs = lars_path(X, y, method="lasso", **kwargs)
    return alphas, coefs


def centred(X, y):
    return X - X.mean(axis=0), y - y.mean()


def assert_same_path(result, alphas, coefs, rtol=1e-8):
    assert result.safe, result.reason
    assert result.alphas.shape == alphas.shape
    np.testing.assert_allclose(result.alphas, alphas, rtol=rtol, atol=1e-14)
    scale = np.abs(coefs).max()
    np.testing.assert_allclose(result.coefs, coefs, rtol=0, atol=rtol * scale)


@pytest.fixture(scope="module")
def diabetes():
    data = load_diabetes()
    return data.data, data.target, data.feature_names


def test_diabetes_knots_and_events_match_lars(diabetes):
    X, y, names = diabetes
    result = homotopy(X, y)
    assert_same_path(result, *lars(*centred(X, y)))
    events = [(names[e.feature], e.event) for e in result.events]
    assert events == DIABETES_EVENTS
    assert [knot(result, e) for e in result.events] == list(range(12))
    assert result.alphas[-1] == 0.0


def test_event_correlation_equals_penalty_and_signs(diabetes):
    X, y, _ = diabetes
    result = homotopy(X, y)
    for event in result.events:
        assert event.correlation == pytest.approx(event.penalty, rel=1e-10)
        k = knot(result, event)
        below = result.coefs[event.feature, k + 1]
        above = result.coefs[event.feature, k - 1]
        nonzero_side = below if event.event == "enter" else above
        assert np.sign(nonzero_side) == event.sign


def test_intercepts_are_weighted_means_of_the_fit(diabetes):
    X, y, _ = diabetes
    result = homotopy(X, y)
    expected = y.mean() - X.mean(axis=0) @ result.coefs
    np.testing.assert_allclose(result.intercepts, expected, rtol=1e-12)
    assert result.intercepts[0] == pytest.approx(y.mean())


def test_no_intercept_matches_lars_on_raw_data(diabetes):
    X, y, _ = diabetes
    X = X + 0.05  # uncentred columns make the difference visible
    result = homotopy(X, y, fit_intercept=False)
    assert_same_path(result, *lars(X, y))
    assert np.all(result.intercepts == 0)


def test_penalty_factors_match_lars_on_rescaled_columns(diabetes):
    X, y, _ = diabetes
    factors = np.random.RandomState(0).uniform(0.3, 3.0, X.shape[1])
    result = homotopy(X, y, penalty_factor=factors)
    Xc, yc = centred(X, y)
    alphas, scaled_coefs = lars(Xc / factors, yc)
    assert_same_path(result, alphas, scaled_coefs / factors[:, np.newaxis])
    for event in result.events:
        penalty = event.alpha * factors[event.feature]
        assert event.penalty == pytest.approx(penalty, rel=1e-12)


def test_sample_weights_match_unweighted_problem_on_scaled_rows(diabetes):
    X, y, _ = diabetes
    weights = np.random.RandomState(1).uniform(0.2, 3.0, X.shape[0])
    weights[::17] = 0.0
    result = homotopy(X, y, sample_weight=weights)
    mean_x = np.average(X, axis=0, weights=weights)
    mean_y = np.average(y, weights=weights)
    root = np.sqrt(weights)[:, np.newaxis]
    alphas, coefs = lars(root * (X - mean_x), root[:, 0] * (y - mean_y))
    # lars_path divides by n_samples, the weighted problem by sum(weights).
    assert_same_path(result, alphas * X.shape[0] / weights.sum(), coefs)


def test_positive_matches_lars_positive(diabetes):
    X, y, _ = diabetes
    result = homotopy(X, y, positive=True)
    alphas, coefs = lars(*centred(X, y), positive=True)
    np.testing.assert_allclose(result.alphas, alphas, rtol=1e-8)
    # lars_path(positive=True) stops when every correlation is negative and
    # extrapolates its last point; the homotopy walks on to alpha=0 (checked
    # against non-negative least squares instead).
    scale = np.abs(coefs).max()
    np.testing.assert_allclose(result.coefs[:, :-1], coefs[:, :-1], atol=1e-8 * scale)
    non_negative_least_squares = nnls(*centred(X, y))[0]
    np.testing.assert_allclose(
        result.coefs[:, -1], non_negative_least_squares, atol=1e-8 * scale
    )
    assert np.all(result.coefs >= 0)
    assert all(event.sign == 1 for event in result.events)


def test_alpha_min_ends_the_path_there(diabetes):
    X, y, _ = diabetes
    result = homotopy(X, y, alpha_min=0.1)
    assert_same_path(result, *lars(*centred(X, y), alpha_min=0.1))
    assert result.alphas[-1] == 0.1


def test_more_features_than_samples_matches_lars():
    rng = np.random.RandomState(0)
    X = rng.randn(30, 80)
    y = X[:, :4] @ [3.0, -2.0, 1.0, 2.0] + rng.randn(30)
    result = homotopy(X, y)
    alphas, coefs = lars(*centred(X, y))
    # LARS ends at a knot of rounding size; the homotopy ends at alpha=0.
    n_knots = len(alphas) - 1
    np.testing.assert_allclose(result.alphas[:n_knots], alphas[:n_knots], rtol=1e-8)
    assert np.count_nonzero(result.coefs[:, -1]) == X.shape[0] - 1
    assert any(event.event == "exit" for event in result.events)


def test_sparse_matches_dense(diabetes):
    X, y, _ = diabetes
    X = X.copy()
    X[np.abs(X) < 0.02] = 0.0
    dense = homotopy(X, y)
    sparse_result = homotopy(sparse.csr_matrix(X), y)
    assert_same_path(sparse_result, dense.alphas, dense.coefs, rtol=1e-10)
    assert sparse_result.events == dense.events or all(
        (a.feature, a.event) == (b.feature, b.event)
        for a, b in zip(sparse_result.events, dense.events, strict=True)
    )


def test_unpenalized_features_are_projected_out_first(diabetes):
    X, y, names = diabetes
    factors = np.ones(X.shape[1])
    factors[[0, 1]] = 0.0  # age and sex are always in the model
    result = homotopy(X, y, penalty_factor=factors)
    Xc, yc = centred(X, y)
    fixed = Xc[:, :2]
    projector = np.eye(len(y)) - fixed @ np.linalg.pinv(fixed)
    alphas, coefs = lars(projector @ Xc[:, 2:], projector @ yc)
    np.testing.assert_allclose(result.alphas, alphas, rtol=1e-8)
    np.testing.assert_allclose(result.coefs[2:], coefs, atol=1e-8 * np.abs(coefs).max())
    assert np.all(result.coefs[:2] != 0)
    first = result.events[:2]
    assert [(e.feature, e.event, e.penalty) for e in first] == [
        (0, "enter", 0.0),
        (1, "enter", 0.0),
    ]
    assert names[result.events[2].feature] == "bmi"


def test_excluded_features_stay_zero(diabetes):
    X, y, _ = diabetes
    factors = np.ones(X.shape[1])
    factors[[2, 8]] = np.inf
    result = homotopy(X, y, penalty_factor=factors)
    assert np.all(result.coefs[[2, 8]] == 0)
    keep = factors == 1
    alphas, coefs = lars(*centred(X[:, keep], y))
    np.testing.assert_allclose(result.alphas, alphas, rtol=1e-8)
    np.testing.assert_allclose(result.coefs[keep], coefs, atol=1e-8 * abs(coefs).max())


def test_constant_column_never_enters(diabetes):
    X, y, _ = diabetes
    X = np.column_stack([X, np.full(len(y), 3.0)])
    result = homotopy(X, y)
    assert np.all(result.coefs[-1] == 0)
    assert result.safe


def test_duplicated_column_is_unsafe(diabetes):
    X, y, _ = diabetes
    result = homotopy(np.column_stack([X, X[:, 2]]), y)
    assert not result.safe
    assert "tie" in result.reason


def test_knot_cap_is_unsafe(diabetes):
    X, y, _ = diabetes
    result = homotopy(X, y, max_knots=5)
    assert not result.safe
    assert "more than 5 knots" in result.reason
    assert len(result.alphas) == 5


def test_zero_target_gives_a_single_knot(diabetes):
    X, _, _ = diabetes
    result = homotopy(X, np.full(X.shape[0], 2.0))
    assert result.safe
    np.testing.assert_array_equal(result.alphas, [0.0])
    assert result.events == []
    assert result.intercepts[0] == pytest.approx(2.0)


@st.composite
def problems(draw):
    """A small random lasso problem: dense or sparse, weights, factors, positive."""
    rng = np.random.RandomState(draw(st.integers(0, 2**31 - 1)))
    n_samples = draw(st.integers(6, 30))
    n_features = draw(st.integers(1, 25))
    X = rng.randn(n_samples, n_features) * rng.uniform(0.2, 3.0, n_features)
    if draw(st.booleans()):
        X[rng.rand(n_samples, n_features) < 0.5] = 0.0
        X = sparse.csc_matrix(X)
    y = rng.randn(n_samples) * 2 + 1
    factors = rng.uniform(0.2, 3.0, n_features)
    weights = rng.uniform(0.1, 3.0, n_samples) if draw(st.booleans()) else None
    options = {
        "fit_intercept": draw(st.booleans()),
        "positive": draw(st.booleans()),
    }
    return X, y, factors, weights, options


def correlations_at_knots(X, y, result, weights, fit_intercept):
    """|x_j' r| / sum(s) at every knot, computed from scratch (densely)."""
    X = X.toarray() if sparse.issparse(X) else X
    s = np.ones(len(y)) if weights is None else weights
    residuals = y[:, np.newaxis] - X @ result.coefs - result.intercepts
    if fit_intercept:
        X = X - np.average(X, axis=0, weights=s)
    return X.T @ (s[:, np.newaxis] * residuals) / s.sum()


@settings(max_examples=40, deadline=None)
@given(problems(), st.sampled_from([0.0, 0.0, 1.0]))
def test_kkt_holds_at_every_knot(problem, share_unpenalized):
    X, y, factors, weights, options = problem
    factors = factors.copy()
    factors[: int(share_unpenalized)] = 0.0  # sometimes one unpenalized feature
    result = homotopy(X, y, factors, weights, **options)
    assume(result.safe)
    correlations = correlations_at_knots(
        X, y, result, weights, options["fit_intercept"]
    )
    bounds = np.outer(factors, result.alphas)
    dense = X.toarray() if sparse.issparse(X) else X
    tolerance = 1e-9 * np.sqrt(np.mean(dense**2) * np.mean(y**2))
    pulls = correlations if options["positive"] else np.abs(correlations)
    assert np.all(pulls <= bounds + tolerance)
    nonzero = result.coefs != 0
    signed_bounds = bounds * np.sign(result.coefs)
    assert np.all(np.abs(correlations - signed_bounds)[nonzero] <= tolerance)
    for event in result.events:
        assert abs(event.correlation - event.penalty) <= tolerance
        knot_correlation = correlations[event.feature, knot(result, event)]
        assert abs(abs(knot_correlation) - event.penalty) <= tolerance


@settings(max_examples=30, deadline=None)
@given(problems(), st.floats(0.1, 0.9))
def test_between_knots_coefficients_match_coordinate_descent(problem, position):
    X, y, factors, weights, options = problem
    result = homotopy(X, y, factors, weights, **options)
    assume(result.safe and len(result.alphas) >= 3 and result.alphas[-2] > 0)
    middle = len(result.alphas) // 2 - 1
    upper, lower = result.alphas[middle], result.alphas[middle + 1]
    alpha = lower + position * (upper - lower)
    coef = result.coefs[:, middle] + (alpha - upper) / (lower - upper) * (
        result.coefs[:, middle + 1] - result.coefs[:, middle]
    )
    scaled = X @ sparse.diags(1 / factors) if sparse.issparse(X) else X / factors
    reference = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000, **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        reference.fit(scaled, y, sample_weight=weights)
    expected = reference.coef_ / factors
    if caught:
        # Coordinate descent stalled (ill-conditioned): the homotopy's solution
        # must then do at least as well on the objective.
        objective = lasso_objective(X, y, weights, factors, alpha, options)
        assert objective(coef) <= objective(expected) + 1e-12 * objective(expected)
        return
    scale = max(np.abs(expected).max(), 1e-3)
    np.testing.assert_allclose(coef, expected, rtol=0, atol=1e-6 * scale)


def lasso_objective(X, y, weights, factors, alpha, options):
    """The weighted lasso objective of coefficients, at their best intercept."""
    X = X.toarray() if sparse.issparse(X) else X
    s = np.ones(len(y)) if weights is None else weights

    def objective(coef):
        residual = y - X @ coef
        if options["fit_intercept"]:
            residual = residual - np.average(residual, weights=s)
        fit = s @ residual**2 / (2 * s.sum())
        return fit + alpha * factors @ np.abs(coef)

    return objective
