"""Fits on dask data, on a real LocalCluster: equal to the NumPy fits."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold

from skreg import ElasticNet, ElasticNetCV, Lasso, LassoCV

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    return X, y, weights


def chunked(X, y, weights=None, rows=60):
    Xd = da.from_array(np.asarray(X), chunks=(rows, 4))  # columns rechunked
    yd = da.from_array(np.asarray(y), chunks=rows)
    wd = None if weights is None else da.from_array(weights, chunks=rows)
    return Xd, yd, wd


@pytest.mark.parametrize(
    "estimator",
    [
        Lasso(alpha=0.1, **TIGHT),
        ElasticNet(alpha=0.02, l1_ratio=0.3, **TIGHT),
        Lasso(alpha=0.5, fit_intercept=False, **TIGHT),
        Lasso(alpha=0.2, positive=True, **TIGHT),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_single_fits_equal_numpy(client, diabetes, estimator, weighted):
    X, y, weights = diabetes
    weights = weights if weighted else None
    pf = np.linspace(0.5, 2.0, X.shape[1])
    pf[3] = 0.0
    estimator.set_params(penalty_factor=pf)
    expected = estimator.fit(X.to_numpy(), y.to_numpy(), sample_weight=weights)
    coef, intercept = expected.coef_.copy(), expected.intercept_
    found = estimator.fit(*chunked(X, y, weights))
    assert isinstance(found.coef_, np.ndarray)
    assert_allclose(found.coef_, coef, rtol=1e-8, atol=1e-8 * np.abs(coef).max())
    assert found.intercept_ == pytest.approx(intercept, rel=1e-8, abs=1e-8)


@pytest.mark.parametrize("cv", [5, KFold(3)])
def test_cross_validation_in_the_same_pass_equals_numpy(client, diabetes, cv):
    X, y, weights = diabetes
    for estimator in (
        LassoCV(cv=cv, **TIGHT),
        ElasticNetCV(l1_ratio=[0.5, 1.0], cv=cv, alphas=30, **TIGHT),
    ):
        expected = estimator.fit(X.to_numpy(), y.to_numpy(), sample_weight=weights)
        alpha, mse, coef = expected.alpha_, expected.mse_path_, expected.coef_.copy()
        found = estimator.fit(*chunked(X, y, weights, rows=45))
        assert found.alpha_ == pytest.approx(alpha, rel=1e-12)
        assert_allclose(found.mse_path_, mse, rtol=1e-8)
        assert_allclose(found.coef_, coef, rtol=1e-8, atol=1e-8 * np.abs(coef).max())
        assert found.alpha_1se_ == pytest.approx(expected.alpha_1se_, rel=1e-12)


def test_dataframes_give_feature_names_and_lazy_predictions(client, diabetes):
    X, y, _ = diabetes
    Xd, yd = dd.from_pandas(X, npartitions=3), dd.from_pandas(y, npartitions=3)
    model = Lasso(alpha=0.1).fit(Xd, yd)
    assert list(model.feature_names_in_) == list(X.columns)
    assert model.n_features_in_ == 10
    prediction = model.predict(Xd)
    assert isinstance(prediction, da.Array)
    # the same model on NumPy X
    assert_allclose(prediction.compute(), model.predict(X), rtol=1e-12)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(Xd[list(X.columns[::-1])])


def test_explain_mode_gives_the_same_exact_events(client, diabetes):
    X, y, _ = diabetes
    Xd, yd = dd.from_pandas(X, npartitions=4), dd.from_pandas(y, npartitions=4)
    expected = Lasso(alpha=0.05, explain=True).fit(X, y).explanation_
    found = Lasso(alpha=0.05, explain=True).fit(Xd, yd).explanation_
    assert found.method == "homotopy"
    assert [(e.feature, e.event) for e in found.events] == [
        (e.feature, e.event) for e in expected.events
    ]
    assert_allclose(found.alphas_, expected.alphas_, rtol=1e-10)
    assert found.why("bmi").coefficient == pytest.approx(
        expected.why("bmi").coefficient, rel=1e-9
    )


def test_the_data_stays_on_the_cluster(client):
    # 200,000 x 20 generated on the workers: the client gets the statistics
    rng = da.random.RandomState(0)
    X = rng.standard_normal((200_000, 20), chunks=(25_000, 20))
    y = X[:, 0] * 2.0 - X[:, 1] + rng.standard_normal(200_000, chunks=25_000)
    model = LassoCV(cv=5).fit(X, y)
    assert_allclose(model.coef_[:2], [2.0, -1.0], atol=0.02)
    assert np.count_nonzero(model.coef_[2:]) <= 18


def test_unsupported_splitters_and_bad_data_are_named(client, diabetes):
    X, y, _ = diabetes
    Xd, yd, _ = chunked(X, y)
    with pytest.raises(ValueError, match="unshuffled KFold"):
        LassoCV(cv=KFold(5, shuffle=True, random_state=0)).fit(Xd, yd)
    bad = np.asarray(X).copy()
    bad[10, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Lasso().fit(da.from_array(bad, chunks=(100, 10)), yd)
    with pytest.raises(ValueError, match="non-numeric"):
        frame = pd.DataFrame({"a": ["x", "y"] * 5, "b": np.arange(10.0)})
        Lasso().fit(dd.from_pandas(frame, npartitions=2), np.arange(10.0))


def test_a_numpy_target_with_several_columns_is_named(client, diabetes):
    X, y, _ = diabetes
    Xd, _, _ = chunked(X, y)
    with pytest.raises(ValueError, match="y must be 1-D on dask data"):
        Lasso().fit(Xd, np.column_stack([y, y]))
    with pytest.raises(ValueError, match="y has 10 rows, X has 442"):
        Lasso().fit(Xd, np.arange(10.0))


def test_a_weighted_explanation_says_so(client, diabetes):
    X, y, weights = diabetes
    Xd, yd, wd = chunked(X, y, weights)
    weighted = Lasso(alpha=0.1, explain=True).fit(Xd, yd, sample_weight=wd)
    assert "n = sum of sample weights" in weighted.explanation_.report()
    plain = Lasso(alpha=0.1, explain=True).fit(Xd, yd)
    assert "n = number of samples" in plain.explanation_.report()
