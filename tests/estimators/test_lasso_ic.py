"""LassoIC against scikit-learn's LassoLarsIC, the formula, and its own path."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import comb
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LassoLarsIC

from skreg import Lasso, LassoCV, LassoIC


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def tall(seed=0, n=200, p=30):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) @ (np.eye(p) + 0.4 * rng.randn(p, p) / np.sqrt(p))
    coef = np.zeros(p)
    coef[:8] = rng.randn(8) * 2
    return X, X @ coef + 2.0 * rng.randn(n)


@pytest.mark.parametrize("criterion", ["aic", "bic"])
@pytest.mark.parametrize("data", ["diabetes", "tall"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_equals_lasso_lars_ic(criterion, data, fit_intercept, diabetes):
    X, y = diabetes if data == "diabetes" else tall()
    ours = LassoIC(criterion=criterion, fit_intercept=fit_intercept).fit(X, y)
    theirs = LassoLarsIC(criterion=criterion, fit_intercept=fit_intercept).fit(X, y)
    assert_allclose(ours.alphas_, theirs.alphas_, rtol=1e-8, atol=1e-12)
    assert_allclose(ours.criterion_, theirs.criterion_, rtol=1e-10)
    assert_allclose(ours.noise_variance_, theirs.noise_variance_, rtol=1e-10)
    assert ours.alpha_ == pytest.approx(theirs.alpha_, rel=1e-10)
    assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8, atol=1e-10)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-10)


def test_a_given_noise_variance_is_used(diabetes):
    X, y = diabetes
    ours = LassoIC(noise_variance=2500.0).fit(X, y)
    theirs = LassoLarsIC(criterion="bic", noise_variance=2500.0).fit(X, y)
    assert ours.noise_variance_ == 2500.0
    assert_allclose(ours.criterion_, theirs.criterion_, rtol=1e-10)


@pytest.mark.parametrize("criterion", ["aic", "bic", "ebic"])
def test_criterion_by_hand_from_the_path(criterion):
    X, y = tall(1)
    model = LassoIC(criterion=criterion, ebic_gamma=0.5).fit(X, y)
    n, p = X.shape
    intercepts = y.mean() - X.mean(axis=0) @ model.coef_path_
    rss = ((y[:, None] - X @ model.coef_path_ - intercepts) ** 2).sum(axis=0)
    df = (model.coef_path_ != 0).sum(axis=0)
    sigma2 = model.noise_variance_
    cost = {"aic": 2.0 * df, "bic": np.log(n) * df}.get(criterion)
    if cost is None:
        cost = np.log(n) * df + 2 * 0.5 * np.log(comb(p, df))
    expected = n * np.log(2 * np.pi * sigma2) + rss / sigma2 + cost
    assert_allclose(model.criterion_, expected, rtol=1e-9)
    assert model.alpha_ == model.alphas_[np.argmin(expected)]


def test_the_knots_hold_the_minimum_over_every_alpha():
    # Between knots the active set is fixed and the RSS falls with alpha, so
    # no alpha off the knots has a smaller criterion.
    X, y = tall(2)
    model = LassoIC().fit(X, y)
    n = X.shape[0]
    grid = np.geomspace(model.alphas_[0], model.alphas_[-2], 120)
    values = []
    for alpha in grid:
        fit = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
        rss = ((y - fit.predict(X)) ** 2).sum()
        df = np.count_nonzero(fit.coef_)
        values.append(
            n * np.log(2 * np.pi * model.noise_variance_)
            + rss / model.noise_variance_
            + np.log(n) * df
        )
    assert min(values) >= model.criterion_.min() - 1e-6


def test_wide_data_estimate_the_noise_by_the_cross_validated_lasso():
    rng = np.random.RandomState(0)
    n, p = 60, 200
    X = rng.randn(n, p)
    coef = np.zeros(p)
    coef[:5] = [3.0, -2.0, 2.0, 1.5, -1.0]
    y = X @ coef + rng.randn(n)
    model = LassoIC(criterion="ebic").fit(X, y)
    cv = LassoCV(cv=5).fit(X, y)
    rss = ((y - cv.predict(X)) ** 2).sum()
    expected = rss / (n - np.count_nonzero(cv.coef_) - 1)
    assert model.noise_variance_ == pytest.approx(expected, rel=1e-10)
    # the extended BIC finds the truth where p >> n
    assert set(np.flatnonzero(model.coef_)) == {0, 1, 2, 3, 4}
    assert "Reid, Tibshirani & Friedman" in model.report()


def test_penalty_factors_and_excluded_features():
    X, y = tall(3)
    pf = np.ones(X.shape[1])
    pf[0], pf[5] = 0.0, np.inf
    model = LassoIC(penalty_factor=pf).fit(X, y)
    assert np.all(model.coef_path_[0] != 0)  # unpenalized: in from the start
    assert np.all(model.coef_path_[5] == 0)
    # the excluded column is as absent: same as dropping it (0 moves to 0)
    kept = np.delete(np.arange(X.shape[1]), 5)
    dropped = LassoIC(penalty_factor=np.delete(pf, 5)).fit(X[:, kept], y)
    assert_allclose(model.criterion_, dropped.criterion_, rtol=1e-9)
    assert_allclose(model.coef_[kept], dropped.coef_, rtol=1e-8, atol=1e-10)
    # the unpenalized feature counts in df
    df = (model.coef_path_ != 0).sum(axis=0)
    assert df[0] == 1


def test_weights_count_as_repeated_rows():
    X, y = tall(4, n=80, p=10)
    weights = np.random.RandomState(0).randint(1, 4, size=80)
    weighted = LassoIC().fit(X, y, sample_weight=weights)
    repeated = LassoIC().fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    assert_allclose(weighted.criterion_, repeated.criterion_, rtol=1e-8)
    assert_allclose(weighted.coef_, repeated.coef_, rtol=1e-8, atol=1e-10)
    assert weighted.alpha_ == pytest.approx(repeated.alpha_, rel=1e-9)


def test_the_report_says_why_with_the_numbers(diabetes):
    X, y = diabetes
    model = LassoIC().fit(X, y)
    report = model.report()
    best = int(np.argmin(model.criterion_))
    assert f"BIC chose alpha = {model.alpha_:.6g}" in report
    assert f"{np.count_nonzero(model.coef_)} of 10 coefficients nonzero" in report
    assert f"BIC = {model.criterion_[best]:.6g}" in report
    assert f"log(n) = {np.log(442):.4g}" in report
    # both neighbours are worse, by the amounts of criterion_
    df = (model.coef_path_ != 0).sum(axis=0)
    before = max(k for k in range(best) if df[k] != df[best])
    assert (
        f"higher by {model.criterion_[before] - model.criterion_[best]:.4g}" in report
    )


def test_explain_tells_the_path_down_to_alpha_(diabetes):
    X, y = diabetes
    model = LassoIC(explain=True).fit(X, y)
    assert model.explanation_.alphas_[-1] == model.alpha_
    lasso = Lasso(alpha=model.alpha_, explain=True).fit(X, y)
    assert [e.feature for e in model.explanation_.events] == [
        e.feature for e in lasso.explanation_.events
    ]


def test_bad_parameters_are_named(diabetes):
    with pytest.raises(ValueError, match="criterion"):
        LassoIC(criterion="gic").fit(*diabetes)
    with pytest.raises(ValueError, match="noise_variance"):
        LassoIC(noise_variance=-1.0).fit(*diabetes)
    with pytest.raises(ValueError, match="ebic_gamma"):
        LassoIC(ebic_gamma=2.0).fit(*diabetes)
