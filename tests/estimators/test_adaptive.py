"""AdaptiveLasso and AdaptiveLassoCV: Zou's identity, oracle behaviour, API."""

import warnings

import numpy as np
import pytest
from _problems import relative_error, sparse_signal_problem
from scipy import sparse
from sklearn.linear_model import Lasso as SklearnLasso
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import AdaptiveLasso, AdaptiveLassoCV, LassoCV, lasso_path


def zou_model0(seed, n_samples=60, noise=2.0):
    """Zou (2006) Model 0: the lasso's irrepresentable condition fails."""
    rng = np.random.RandomState(seed)
    correlation = np.full((4, 4), -0.39)
    correlation[:, 3] = correlation[3, :] = 0.23
    np.fill_diagonal(correlation, 1.0)
    X = rng.multivariate_normal(np.zeros(4), correlation, size=n_samples)
    y = X @ np.array([5.6, 5.6, 5.6, 0.0]) + noise * rng.randn(n_samples)
    return X, y


def autoregressive_model(seed, n_samples=60, noise=1.0):
    """beta = (3, 1.5, 0, 0, 2, 0, 0, 0), corr(x_i, x_j) = 0.5^|i-j|."""
    rng = np.random.RandomState(seed)
    index = np.arange(8)
    correlation = 0.5 ** np.abs(index[:, np.newaxis] - index)
    X = rng.multivariate_normal(np.zeros(8), correlation, size=n_samples)
    y = X @ np.array([3.0, 1.5, 0, 0, 2.0, 0, 0, 0]) + noise * rng.randn(n_samples)
    return X, y


def path_contains(coefs, support):
    """Whether some alpha of the path has exactly ``support`` nonzero."""
    nonzero = coefs != 0
    return any(
        set(np.flatnonzero(nonzero[:, k])) == support for k in range(coefs.shape[1])
    )


class NoCoef(KNeighborsRegressor):
    """A regressor without coef_ (and without sample_weight in fit)."""


class WrongSizeCoef(LinearRegression):
    def fit(self, X, y, sample_weight=None):
        super().fit(X, y, sample_weight)
        self.coef_ = np.append(self.coef_, 1.0)
        return self


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("initial", [LinearRegression(), Ridge(alpha=1.0)])
def test_equals_sklearn_lasso_on_rescaled_columns(gamma, initial):
    X, y = sparse_signal_problem(n_samples=60, n_features=10, seed=1)
    alpha = 0.05
    reg = AdaptiveLasso(alpha, gamma=gamma, initial_estimator=initial, tol=1e-12)
    reg.fit(X, y)
    initial_coef = initial.fit(X, y).coef_
    weights = 1.0 / np.abs(initial_coef) ** gamma
    np.testing.assert_allclose(reg.initial_coef_, initial_coef, rtol=1e-12)
    np.testing.assert_allclose(reg.weights_, weights, rtol=1e-12)
    reference = SklearnLasso(alpha, tol=1e-14, max_iter=100_000).fit(X / weights, y)
    expected = reference.coef_ / weights
    assert np.count_nonzero(expected) not in (0, X.shape[1])
    assert relative_error(reg.coef_, expected) < 1e-6
    assert abs(reg.intercept_ - reference.intercept_) < 1e-6 * abs(reference.intercept_)


def test_sparse_and_sample_weights_match_dense_and_repeated_rows():
    X, y = sparse_signal_problem(n_samples=40, n_features=8, seed=2)
    counts = np.random.RandomState(0).randint(1, 4, size=X.shape[0])
    settings = dict(alpha=0.05, initial_estimator=LinearRegression(), tol=1e-12)
    weighted = AdaptiveLasso(**settings).fit(X, y, sample_weight=counts)
    repeated = AdaptiveLasso(**settings).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    on_sparse = AdaptiveLasso(**settings).fit(
        sparse.csr_matrix(X), y, sample_weight=counts
    )
    assert relative_error(weighted.coef_, repeated.coef_) < 1e-6
    assert relative_error(on_sparse.coef_, weighted.coef_) < 1e-6
    np.testing.assert_allclose(weighted.weights_, repeated.weights_, rtol=1e-8)


def test_zero_initial_coefficient_excludes_feature_without_warning():
    X, y = sparse_signal_problem(n_samples=60, n_features=10, seed=3)
    initial = SklearnLasso(alpha=0.5)
    initial_coef = initial.fit(X, y).coef_
    zero = initial_coef == 0
    assert zero.any() and not zero.all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        reg = AdaptiveLasso(alpha=1e-4, initial_estimator=initial).fit(X, y)
        cv = AdaptiveLassoCV(initial_estimator=initial, cv=3, alphas=10).fit(X, y)
    for fitted in (reg, cv):
        assert np.isinf(fitted.weights_[zero]).all()
        assert np.isfinite(fitted.weights_[~zero]).all()
        assert np.all(fitted.coef_[zero] == 0.0)
        assert not np.isnan(fitted.coef_).any()
    assert np.all(reg.coef_[~zero] != 0.0)


def test_oracle_path_on_zou_model0():
    n_replications = 40
    lasso_hits = adaptive_hits = 0
    for seed in range(n_replications):
        X, y = zou_model0(seed)
        X_centred, y_centred = X - X.mean(axis=0), y - y.mean()
        _, coefs, _ = lasso_path(X_centred, y_centred, eps=1e-4, alphas=300)
        lasso_hits += path_contains(coefs, {0, 1, 2})
        weights = AdaptiveLasso(initial_estimator=LinearRegression()).fit(X, y)
        _, coefs, _ = lasso_path(
            X_centred,
            y_centred,
            eps=1e-4,
            alphas=300,
            penalty_factor=weights.weights_,
        )
        adaptive_hits += path_contains(coefs, {0, 1, 2})
    # Observed: lasso 17/40, adaptive lasso 39/40.
    assert lasso_hits <= 0.6 * n_replications
    assert adaptive_hits >= 0.9 * n_replications
    assert adaptive_hits - lasso_hits >= 15


def test_cv_recovers_true_support_more_often_than_lasso_cv():
    n_replications = 20
    lasso_hits = adaptive_hits = 0
    for seed in range(n_replications):
        X, y = autoregressive_model(seed)
        lasso_hits += set(np.flatnonzero(LassoCV(cv=5).fit(X, y).coef_)) == {0, 1, 4}
        adaptive = AdaptiveLassoCV(cv=5).fit(X, y)
        adaptive_hits += set(np.flatnonzero(adaptive.coef_)) == {0, 1, 4}
    # Observed: LassoCV 1/20, AdaptiveLassoCV 15/20.
    assert lasso_hits <= 5
    assert adaptive_hits >= 10
    assert adaptive_hits - lasso_hits >= 8


def test_cv_refits_initial_estimator_on_each_training_fold():
    X, y = sparse_signal_problem(n_samples=45, n_features=6, seed=4)
    cv = KFold(3, shuffle=True, random_state=0)
    reg = AdaptiveLassoCV(
        alphas=8, gammas=(0.5, 2.0), cv=cv, tol=1e-12, max_iter=10_000
    ).fit(X, y)
    assert reg.alphas_.shape == (2, 8)
    assert reg.mse_path_.shape == (2, 8, 3)
    for g, gamma in enumerate((0.5, 2.0)):
        for k, (train, test) in enumerate(cv.split(X)):
            for a in (0, 4, 7):
                fold_fit = AdaptiveLasso(reg.alphas_[g, a], gamma=gamma, tol=1e-12)
                fold_fit.fit(X[train], y[train])
                mse = np.mean((fold_fit.predict(X[test]) - y[test]) ** 2)
                assert reg.mse_path_[g, a, k] == pytest.approx(mse, rel=1e-6)
    best = np.unravel_index(reg.mse_path_.mean(axis=2).argmin(), (2, 8))
    assert reg.gamma_ == (0.5, 2.0)[best[0]]
    assert reg.alpha_ == reg.alphas_[best]
    refit = AdaptiveLasso(reg.alpha_, gamma=reg.gamma_, tol=1e-12).fit(X, y)
    assert relative_error(reg.coef_, refit.coef_) < 1e-6
    np.testing.assert_allclose(reg.weights_, refit.weights_)
    np.testing.assert_allclose(reg.initial_coef_, refit.initial_coef_)


def test_pipeline_and_grid_search():
    X, y = autoregressive_model(0)
    pipe = make_pipeline(StandardScaler(), AdaptiveLasso())
    search = GridSearchCV(
        pipe,
        {"adaptivelasso__alpha": [0.01, 0.1], "adaptivelasso__gamma": [0.5, 1.0, 2.0]},
        cv=3,
    ).fit(X, y)
    assert search.best_params_["adaptivelasso__gamma"] in (0.5, 1.0, 2.0)
    assert search.best_score_ > 0.8
    cv_pipe = make_pipeline(StandardScaler(), AdaptiveLassoCV(cv=3, alphas=20))
    assert cv_pipe.fit(X, y).score(X, y) > 0.8


@pytest.mark.parametrize("gamma", [-1.0, np.nan, "1"])
def test_bad_gamma_is_named(gamma):
    X, y = sparse_signal_problem(n_samples=20, n_features=6)
    with pytest.raises((ValueError, TypeError), match="gamma"):
        AdaptiveLasso(gamma=gamma).fit(X, y)
    with pytest.raises((ValueError, TypeError), match="gammas"):
        AdaptiveLassoCV(gammas=(1.0, gamma), cv=3).fit(X, y)


@pytest.mark.parametrize("Estimator", [AdaptiveLasso, AdaptiveLassoCV])
def test_bad_initial_estimator_is_named(Estimator):
    X, y = sparse_signal_problem(n_samples=20, n_features=6)
    with pytest.raises(TypeError, match="initial_estimator"):
        Estimator(initial_estimator="ridge").fit(X, y)
    with pytest.raises(ValueError, match="initial_estimator.*coef_"):
        Estimator(initial_estimator=NoCoef(n_neighbors=3)).fit(X, y)
    with pytest.raises(ValueError, match="initial_estimator.*coef_"):
        Estimator(initial_estimator=WrongSizeCoef()).fit(X, y)
    with pytest.raises(TypeError, match="initial_estimator.*sample_weight"):
        Estimator(initial_estimator=NoCoef(n_neighbors=3)).fit(
            X, y, sample_weight=np.ones(len(y))
        )


def test_multi_output_target_is_rejected():
    X, y = sparse_signal_problem(n_samples=20, n_features=6)
    with pytest.raises(ValueError, match="one target"):
        AdaptiveLasso().fit(X, np.column_stack([y, y]))


@pytest.mark.parametrize(
    "estimator", [AdaptiveLasso(alpha=0.1), AdaptiveLassoCV(cv=3, alphas=10)]
)
def test_inputs_not_modified(estimator):
    X, y = sparse_signal_problem(n_samples=30, n_features=6, seed=5)
    X = np.asfortranarray(X)
    sample_weight = np.linspace(0.5, 2.0, len(y))
    copies = X.copy(), y.copy(), sample_weight.copy()
    estimator.fit(X, y, sample_weight=sample_weight)
    for original, copy in zip((X, y, sample_weight), copies):
        np.testing.assert_array_equal(original, copy)


def test_float32_preserved():
    X, y = sparse_signal_problem(n_samples=30, n_features=6, seed=6)
    reg = AdaptiveLasso(alpha=0.1).fit(X.astype(np.float32), y.astype(np.float32))
    assert reg.coef_.dtype == np.float32
    assert reg.predict(X.astype(np.float32)).dtype == np.float32


def test_cv_sparse_weights_and_alpha_list_match_dense():
    X, y = sparse_signal_problem(n_samples=45, n_features=6, seed=7)
    sample_weight = np.random.RandomState(1).uniform(0.5, 2.0, len(y))
    settings = dict(alphas=[0.5, 0.1, 0.02, 0.004], gammas=(1.0, 2.0), cv=3, tol=1e-12)
    dense = AdaptiveLassoCV(**settings).fit(X, y, sample_weight=sample_weight)
    on_sparse = AdaptiveLassoCV(**settings).fit(
        sparse.csr_matrix(X), y, sample_weight=sample_weight
    )
    np.testing.assert_allclose(dense.alphas_, [[0.5, 0.1, 0.02, 0.004]] * 2)
    np.testing.assert_allclose(on_sparse.mse_path_, dense.mse_path_, rtol=1e-6)
    assert (on_sparse.alpha_, on_sparse.gamma_) == (dense.alpha_, dense.gamma_)
    assert relative_error(on_sparse.coef_, dense.coef_) < 1e-6


@pytest.mark.parametrize("Estimator", [AdaptiveLasso, AdaptiveLassoCV])
def test_positive(Estimator):
    X, y = sparse_signal_problem(n_samples=60, n_features=8, seed=8)
    params = {"alpha": 0.01} if Estimator is AdaptiveLasso else {"cv": 3}
    reg = Estimator(positive=True, **params).fit(X, y)
    assert (reg.coef_ >= 0).all()
    assert reg.coef_[1] == 0.0  # the true coefficient is negative
