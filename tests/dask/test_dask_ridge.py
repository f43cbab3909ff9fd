"""Ridge and RidgeCV on dask data, on a real LocalCluster: equal to NumPy."""

import dask
import dask.array as da
import dask.dataframe as dd
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold, ShuffleSplit

from skreg import Ridge, RidgeCV

ALPHAS = np.logspace(-3, 2, 11)


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    return X, y, weights


@pytest.fixture(scope="module")
def penalty_factor():
    factors = np.linspace(0.5, 2.0, 10)
    factors[3] = 0.0  # one unpenalized feature
    return factors


def chunked(X, y, weights=None, rows=60):
    Xd = da.from_array(np.asarray(X), chunks=(rows, 4))  # columns rechunked
    yd = da.from_array(np.asarray(y), chunks=rows)
    wd = weights
    if weights is not None and np.ndim(weights):
        wd = da.from_array(weights, chunks=rows)
    return Xd, yd, wd


def assert_close(found, expected, rtol=1e-8):
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(np.abs(expected).max(), 1e-300)
    assert_allclose(found, expected, rtol=rtol, atol=rtol * scale)


def assert_same_fit(found, expected):
    assert isinstance(found.coef_, np.ndarray)
    assert_close(found.coef_, expected["coef_"])
    assert found.intercept_ == pytest.approx(expected["intercept_"], rel=1e-8, abs=1e-8)
    assert found.dof_ == pytest.approx(expected["dof_"], rel=1e-8)
    for name in ("alpha_", "best_score_"):
        if name in expected:
            assert getattr(found, name) == pytest.approx(expected[name], rel=1e-8)


def numpy_fit(estimator, X, y, weights):
    fitted = estimator.fit(np.asarray(X), np.asarray(y), sample_weight=weights)
    names = ("coef_", "intercept_", "dof_", "alpha_", "best_score_", "cv_results_")
    return {
        name: np.copy(getattr(fitted, name)) for name in names if hasattr(fitted, name)
    }


@pytest.mark.parametrize(
    "params",
    [
        {"alpha": 0.3},
        {"alpha": 0.3, "fit_intercept": False},
        {"alpha": 0.0},
        {"alpha": 1.0, "positive": True, "tol": 1e-10},
        {"alpha": 0.3, "solver": "sag"},  # any solver: the exact answer
    ],
)
@pytest.mark.parametrize("weighting", ["none", "array", "scalar"])
def test_ridge_equals_numpy(client, diabetes, penalty_factor, params, weighting):
    X, y, weights = diabetes
    weights = {"none": None, "array": weights, "scalar": 2.5}[weighting]
    estimator = Ridge(penalty_factor=penalty_factor, **params)
    expected = numpy_fit(estimator, X, y, weights)
    found = estimator.fit(*chunked(X, y, weights))
    assert_same_fit(found, expected)
    assert found.solver_ == ("lbfgs" if estimator.positive else "cholesky")


@pytest.mark.parametrize("cv", [None, 5, KFold(3)])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"fit_intercept": False},
        {"penalty_factor": "with a zero"},
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_cv_equals_numpy(client, diabetes, penalty_factor, cv, params, weighted):
    X, y, weights = diabetes
    weights = weights if weighted else None
    if "penalty_factor" in params:
        params = {"penalty_factor": penalty_factor}
    estimator = RidgeCV(alphas=ALPHAS, cv=cv, **params)
    expected = numpy_fit(estimator, X, y, weights)
    found = estimator.fit(*chunked(X, y, weights, rows=45))
    assert found.alpha_ == expected["alpha_"]
    assert_same_fit(found, expected)


def test_ridge_cv_scoring_mse_over_folds(client, diabetes):
    X, y, weights = diabetes
    estimator = RidgeCV(alphas=ALPHAS, cv=4, scoring="neg_mean_squared_error")
    expected = numpy_fit(estimator, X, y, weights)
    assert_same_fit(estimator.fit(*chunked(X, y, weights)), expected)


def test_leave_one_out_results_stored(client, diabetes, penalty_factor):
    X, y, weights = diabetes
    estimator = RidgeCV(
        alphas=ALPHAS, penalty_factor=penalty_factor, store_cv_results=True
    )
    expected = numpy_fit(estimator, X, y, weights)
    found = estimator.fit(*chunked(X, y, weights))
    assert isinstance(found.cv_results_, np.ndarray)
    assert found.cv_results_.shape == (len(y), ALPHAS.size)
    assert_close(found.cv_results_, expected["cv_results_"])


def test_leave_one_out_is_a_second_pass_on_the_workers(client, diabetes, monkeypatch):
    """Two computations, each bringing back a few numbers (never X); the
    second is the leverages' layer, whose tasks ran on the workers."""
    from distributed import get_task_stream

    X, y, weights = diabetes
    Xd, yd, wd = chunked(X, y, weights)
    layers, sizes = [], []
    compute = dask.compute

    def recording(*collections, **kwargs):
        layers.append({name for c in collections for name in c.__dask_graph__().layers})
        results = compute(*collections, **kwargs)
        sizes.append(max(np.size(np.asarray(r, dtype=object)) for r in results))
        return results

    def refuse(*args, **kwargs):
        raise AssertionError("a dask array was brought to the client")

    monkeypatch.setattr(dask, "compute", recording)
    monkeypatch.setattr(da.Array, "compute", refuse)
    monkeypatch.setattr(da.Array, "__array__", refuse)
    with get_task_stream(client) as stream:
        model = RidgeCV(alphas=ALPHAS).fit(Xd, yd, sample_weight=wd)
    monkeypatch.undo()
    assert len(layers) == 2  # the moments, then the LOO errors
    assert max(sizes) < X.shape[0]  # per-fold moments and n_alphas sums: no rows
    assert any(name.startswith("_block_loo_squared_errors") for name in layers[1])
    assert not any(name.startswith("_block_loo") for name in layers[0])
    # the leverages are fused with their sum: one task per block of X
    second = [
        task
        for task in stream.data
        if (task["key"][0] if isinstance(task["key"], tuple) else task["key"])
        in layers[1]
        and task["key"][0].startswith("sum")
    ]
    assert len(second) >= len(Xd.chunks[0])
    workers = client.scheduler_info()["workers"]
    assert all(task["worker"] in workers for task in second)
    expected = RidgeCV(alphas=ALPHAS).fit(X, y, sample_weight=weights)
    assert model.alpha_ == expected.alpha_
    assert model.best_score_ == pytest.approx(expected.best_score_, rel=1e-8)


def test_dataframes_feature_names_and_lazy_predict(client, diabetes, penalty_factor):
    X, y, weights = diabetes
    Xd, yd = dd.from_pandas(X, npartitions=3), dd.from_pandas(y, npartitions=3)
    for estimator in (
        Ridge(alpha=0.5, penalty_factor=penalty_factor),
        RidgeCV(alphas=ALPHAS, penalty_factor=penalty_factor),
        RidgeCV(alphas=ALPHAS, cv=3),
    ):
        expected = numpy_fit(estimator, X, y, None)
        model = estimator.fit(Xd, yd)
        assert_same_fit(model, expected)
        assert list(model.feature_names_in_) == list(X.columns)
        assert model.n_features_in_ == X.shape[1]
        prediction = model.predict(Xd)
        assert isinstance(prediction, da.Array)
        assert_allclose(prediction.compute(), model.predict(X), rtol=1e-12)


@pytest.mark.parametrize(
    "estimator",
    [Ridge(alpha=0.3, explain=True), RidgeCV(alphas=ALPHAS, cv=3, explain=True)],
)
def test_explanation_from_statistics(client, diabetes, penalty_factor, estimator):
    X, y, weights = diabetes
    estimator.set_params(penalty_factor=penalty_factor)
    expected = estimator.fit(X, y, sample_weight=weights).explanation_
    Xd, yd = dd.from_pandas(X, npartitions=4), dd.from_pandas(y, npartitions=4)
    found = estimator.fit(Xd, yd, sample_weight=weights).explanation_
    assert found.feature_names == expected.feature_names == list(X.columns)
    assert_close(found.singular_values, expected.singular_values)
    assert_close(found.coef, estimator.coef_)
    assert_close(found.coef_path, expected.coef_path)
    assert_close(found.ols_coef, expected.ols_coef)
    assert found.dof == pytest.approx(expected.dof, rel=1e-8)
    assert found.why("bmi").coefficient == pytest.approx(
        expected.why("bmi").coefficient, rel=1e-8
    )
    assert "bmi" in str(found.report())


def test_clear_errors(client, diabetes):
    X, y, _ = diabetes
    Xd, yd, _ = chunked(X, y)
    with pytest.raises(ValueError, match="int or an unshuffled KFold"):
        RidgeCV(cv=ShuffleSplit(3)).fit(Xd, yd)
    with pytest.raises(ValueError, match="scoring"):
        RidgeCV(scoring="r2").fit(Xd, yd)
    with pytest.raises(ValueError, match="scoring"):
        RidgeCV(cv=3, scoring="neg_mean_absolute_error").fit(Xd, yd)
    with pytest.raises(ValueError, match="store_cv_results"):
        RidgeCV(cv=3, store_cv_results=True).fit(Xd, yd)
    with pytest.raises(ValueError, match="positive"):
        Ridge(positive=True, solver="svd").fit(Xd, yd)
    with pytest.raises(ValueError, match="penalty_factor"):
        Ridge(penalty_factor=[1.0, -1.0]).fit(Xd, yd)
    with pytest.raises(ValueError, match="sample_weight"):
        Ridge().fit(Xd, yd, sample_weight=np.inf)
