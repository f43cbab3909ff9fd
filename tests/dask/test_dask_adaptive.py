"""AdaptiveLasso and AdaptiveLassoCV on dask data: equal to the NumPy fits."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression, RidgeCV
from sklearn.linear_model import Ridge as SklearnRidge
from sklearn.model_selection import KFold

from skreg import AdaptiveLasso, AdaptiveLassoCV, ElasticNet, Lasso, Ridge
from skreg._dask.adaptive import initial_coef_from_moments
from skreg._dask.moments import block_moments

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    return X, y, weights


def chunked(X, y, weights=None, rows=60):
    Xd = da.from_array(np.asarray(X), chunks=(rows, 4))
    yd = da.from_array(np.asarray(y), chunks=rows)
    wd = None if weights is None else da.from_array(weights, chunks=rows)
    return Xd, yd, wd


def assert_close(found, expected):
    assert_allclose(found, expected, rtol=1e-8, atol=1e-8 * np.abs(expected).max())


INITIAL_ESTIMATORS = [
    Ridge(alpha=0.5, penalty_factor=np.linspace(0.0, 2.0, 10)),
    SklearnRidge(alpha=2.0, fit_intercept=False),
    LinearRegression(),
    Lasso(alpha=0.01, **TIGHT),
    ElasticNet(alpha=0.005, l1_ratio=0.5, penalty_factor=np.r_[0.0, np.ones(9)]),
]


@pytest.mark.parametrize("initial", INITIAL_ESTIMATORS, ids=lambda e: repr(e)[:30])
@pytest.mark.parametrize("weighted", [False, True])
def test_adaptive_lasso_equals_numpy(client, diabetes, initial, weighted):
    X, y, weights = diabetes
    weights = weights if weighted else None
    model = AdaptiveLasso(alpha=0.3, gamma=1.5, initial_estimator=initial, **TIGHT)
    expected = model.fit(X.to_numpy(), y.to_numpy(), sample_weight=weights)
    initial_coef, coef = expected.initial_coef_.copy(), expected.coef_.copy()
    intercept, adaptive = expected.intercept_, expected.weights_.copy()
    found = model.fit(*chunked(X, y, weights))
    assert isinstance(found.coef_, np.ndarray)
    assert_close(found.initial_coef_, initial_coef)
    assert_allclose(found.weights_, adaptive, rtol=1e-8)
    assert_close(found.coef_, coef)
    assert found.intercept_ == pytest.approx(intercept, rel=1e-8)


def test_without_intercept_and_positive(client, diabetes):
    X, y, weights = diabetes
    model = AdaptiveLasso(
        alpha=0.2, initial_estimator=Ridge(0.1), fit_intercept=False, positive=True,
        **TIGHT,
    )  # fmt: skip
    coef = model.fit(X.to_numpy(), y.to_numpy(), sample_weight=weights).coef_.copy()
    found = model.fit(*chunked(X, y, weights))
    assert_close(found.coef_, coef)
    assert found.intercept_ == 0.0


@pytest.mark.parametrize("cv", [5, KFold(3)])
def test_adaptive_lasso_cv_refits_per_fold_and_equals_numpy(client, diabetes, cv):
    X, y, weights = diabetes
    model = AdaptiveLassoCV(
        alphas=30, gammas=(0.5, 2.0), cv=cv, initial_estimator=Ridge(1.0), **TIGHT
    )
    expected = model.fit(X.to_numpy(), y.to_numpy(), sample_weight=weights)
    attributes = {
        name: np.copy(getattr(expected, name))
        for name in ("alphas_", "mse_path_", "coef_", "initial_coef_", "alpha_1se_")
    }
    alpha, gamma = expected.alpha_, expected.gamma_
    found = model.fit(*chunked(X, y, weights, rows=45))
    assert found.gamma_ == gamma
    assert found.alpha_ == pytest.approx(alpha, rel=1e-12)
    assert_allclose(found.alphas_, attributes["alphas_"], rtol=1e-10)
    assert_allclose(found.mse_path_, attributes["mse_path_"], rtol=1e-8)
    assert_allclose(found.alpha_1se_, attributes["alpha_1se_"], rtol=1e-12)
    assert_close(found.coef_, attributes["coef_"])
    assert_close(found.initial_coef_, attributes["initial_coef_"])


def test_dataframes_feature_names_lazy_predict_and_explain(client, diabetes):
    X, y, weights = diabetes
    Xd, yd = dd.from_pandas(X, npartitions=4), dd.from_pandas(y, npartitions=4)
    wd = da.from_array(weights, chunks=Xd.to_dask_array(lengths=True).chunks[0])
    model = AdaptiveLasso(alpha=0.05, initial_estimator=Ridge(0.1), explain=True)
    expected = model.fit(X, y, sample_weight=weights)
    events = [(e.feature, e.event) for e in expected.explanation_.events]
    knots, entry = expected.alphas_.copy(), expected.entry_alpha_.copy()
    found = model.fit(Xd, yd, sample_weight=wd)
    assert list(found.feature_names_in_) == list(X.columns)
    assert found.explanation_.method == "homotopy"
    assert found.explanation_._is_weighted
    assert [(e.feature, e.event) for e in found.explanation_.events] == events
    assert_allclose(found.alphas_, knots, rtol=1e-9)
    assert_allclose(found.entry_alpha_, entry, rtol=1e-9)
    assert "bmi" in found.explanation_.why("bmi").feature
    prediction = found.predict(Xd)
    assert isinstance(prediction, da.Array)
    assert_allclose(prediction.compute(), found.predict(X), rtol=1e-12)


def test_singular_least_squares_is_the_minimum_norm_solution():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((40, 3))
    X = np.c_[X, X[:, 0]]  # a repeated column: X'X is singular
    y = X[:, 0] - X[:, 1] + 0.1 * rng.standard_normal(40)
    expected = LinearRegression().fit(X, y).coef_
    found = initial_coef_from_moments(
        LinearRegression(), block_moments(X, y, None), True
    )
    assert_allclose(found, expected, rtol=1e-8, atol=1e-12)
    assert found[0] == pytest.approx(found[3], rel=1e-8)


def test_initial_estimators_that_need_the_rows_are_refused(client, diabetes):
    X, y, _ = diabetes
    Xd, yd, _ = chunked(X, y)
    with pytest.raises(ValueError, match="initial_estimator=None.*skreg.Ridge"):
        AdaptiveLassoCV().fit(Xd, yd)  # a leave-one-out ridge per fold
    with pytest.raises(ValueError, match="must be skreg.Ridge.*got RidgeCV"):
        AdaptiveLassoCV(initial_estimator=RidgeCV()).fit(Xd, yd)
    with pytest.raises(ValueError, match="positive=False"):
        AdaptiveLasso(initial_estimator=LinearRegression(positive=True)).fit(Xd, yd)
    with pytest.raises(ValueError, match="one scalar alpha"):
        AdaptiveLasso(initial_estimator=Ridge(alpha=[1.0, 2.0])).fit(Xd, yd)
    with pytest.raises(ValueError, match="unshuffled KFold"):
        AdaptiveLassoCV(
            initial_estimator=Ridge(), cv=KFold(3, shuffle=True, random_state=0)
        ).fit(Xd, yd)
    with pytest.raises(ValueError, match="precompute"):
        AdaptiveLasso(initial_estimator=Ridge(), precompute=np.eye(X.shape[1])).fit(
            Xd, yd
        )


@pytest.mark.parametrize("weighted", [False, True])
def test_the_default_initial_ridge_on_dask_equals_numpy(client, diabetes, weighted):
    # the leave-one-out ridge of the NumPy fit, by RidgeCV's two passes on dask
    X, y, weights = diabetes
    weights = weights if weighted else None
    expected = AdaptiveLasso(alpha=0.5, **TIGHT).fit(X, y, sample_weight=weights)
    found = AdaptiveLasso(alpha=0.5, **TIGHT).fit(*chunked(X, y, weights))
    assert_allclose(found.initial_coef_, expected.initial_coef_, rtol=1e-10)
    assert_allclose(
        found.coef_, expected.coef_, rtol=1e-8, atol=1e-8 * np.abs(expected.coef_).max()
    )
