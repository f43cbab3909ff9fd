"""RelaxedLasso and RelaxedLassoCV against the lasso, least squares and LassoCV."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold

import skreg._path.relaxed as relaxed_module
from skreg import Lasso, LassoCV, RelaxedLasso, RelaxedLassoCV


def data(seed=0, n=120, p=15):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + 0.3 * rng.randn(n, 1)
    coef = np.zeros(p)
    coef[:4] = [3.0, -2.0, 1.5, 1.0]
    return X, X @ coef + rng.randn(n) + 5.0


def test_relax_one_is_least_squares_on_the_lasso_support():
    X, y = data()
    model = RelaxedLasso(alpha=0.3, relax=1.0).fit(X, y)
    support = np.flatnonzero(Lasso(alpha=0.3).fit(X, y).coef_)
    assert_allclose(np.flatnonzero(model.coef_), support)
    ols = LinearRegression().fit(X[:, support], y)
    assert_allclose(model.coef_[support], ols.coef_, rtol=1e-10)
    assert model.intercept_ == pytest.approx(ols.intercept_, rel=1e-10)


def test_relax_zero_is_the_lasso_and_between_a_blend():
    X, y = data(1)
    lasso = Lasso(alpha=0.2).fit(X, y)
    none = RelaxedLasso(alpha=0.2, relax=0.0).fit(X, y)
    assert_allclose(none.coef_, lasso.coef_, rtol=1e-12)
    assert none.intercept_ == pytest.approx(lasso.intercept_, rel=1e-12)
    full = RelaxedLasso(alpha=0.2, relax=1.0).fit(X, y)
    half = RelaxedLasso(alpha=0.2, relax=0.25).fit(X, y)
    assert_allclose(half.coef_, 0.75 * lasso.coef_ + 0.25 * full.coef_, rtol=1e-12)
    assert_allclose(half.lasso_coef_, lasso.coef_)
    assert_allclose(half.predict(X), 0.75 * lasso.predict(X) + 0.25 * full.predict(X))


def test_weights_penalty_factors_and_positive():
    X, y = data(2)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    pf = np.ones(X.shape[1])
    pf[10] = 0.0  # a noise feature, unpenalized: always in the active set
    model = RelaxedLasso(alpha=0.5, penalty_factor=pf).fit(X, y, sample_weight=weights)
    support = np.flatnonzero(model.coef_)
    assert 10 in support
    ols = LinearRegression().fit(X[:, support], y, sample_weight=weights)
    assert_allclose(model.coef_[support], ols.coef_, rtol=1e-9)
    positive = RelaxedLasso(alpha=0.1, positive=True).fit(X, y)
    assert positive.coef_.min() >= 0
    nonneg = LinearRegression(positive=True)
    kept = np.flatnonzero(positive.lasso_coef_)
    assert_allclose(
        positive.coef_[kept], nonneg.fit(X[:, kept], y).coef_, rtol=1e-6, atol=1e-8
    )


def test_cv_with_relax_zero_is_lasso_cv():
    X, y = data(3)
    cv = KFold(5, shuffle=True, random_state=0)
    relaxed = RelaxedLassoCV(relax=(0.0,), cv=cv).fit(X, y)
    lasso = LassoCV(cv=cv).fit(X, y)
    assert_allclose(relaxed.alphas_, lasso.alphas_)
    assert_allclose(relaxed.mse_path_[0], lasso.mse_path_, rtol=1e-10)
    assert relaxed.alpha_ == lasso.alpha_
    assert_allclose(relaxed.coef_, lasso.coef_, rtol=1e-12)


def test_cv_chooses_from_its_mse_path_and_refits_each_active_set_once(monkeypatch):
    X, y = data(4)
    calls = []
    original = relaxed_module.least_squares_on

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(relaxed_module, "least_squares_on", counting)
    model = RelaxedLassoCV(cv=KFold(4), alphas=50).fit(X, y)
    mean = model.mse_path_.mean(axis=2)
    grid, best = np.unravel_index(mean.argmin(), mean.shape)
    assert model.relax_ == (0.0, 0.25, 0.5, 0.75, 1.0)[grid]
    assert model.alpha_ == model.alphas_[best]
    # one least-squares fit per distinct active set of each fold's path (far
    # fewer than its 50 alphas), none per relax
    assert len(calls) == sum(model._n_refits)
    assert all(n < 25 for n in model._n_refits)
    # the truth is found, and unshrunk beats the lasso here
    assert set(np.flatnonzero(model.coef_)) >= {0, 1, 2, 3}
    assert model.relax_ > 0
    refit = RelaxedLasso(alpha=model.alpha_, relax=model.relax_).fit(X, y)
    assert_allclose(model.coef_, refit.coef_, rtol=1e-8, atol=1e-10)


def test_bad_relax_is_named():
    X, y = data()
    with pytest.raises(ValueError, match="relax"):
        RelaxedLasso(relax=1.5).fit(X, y)
    with pytest.raises(ValueError, match="relax"):
        RelaxedLassoCV(relax=(0.5, 2.0)).fit(X, y)
