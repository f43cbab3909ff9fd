"""Bad input gets a clear error naming the parameter; input is never modified."""

import numpy as np
import pytest
from _problems import as_storage, sparse_signal_problem

from skreg import ElasticNet, ElasticNetCV, Lasso, LassoCV, enet_path, lasso_path

ESTIMATORS = [Lasso, ElasticNet, LassoCV, ElasticNetCV]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "penalty_factor, error, message",
    [
        (np.ones(3), ValueError, "penalty_factor has 3 entries"),
        (-np.ones(20), ValueError, "penalty_factor must be non-negative"),
        (np.full(20, np.nan), ValueError, "penalty_factor must not contain NaN"),
        (np.ones((20, 1)), ValueError, "penalty_factor must be a 1-D array"),
        (["a"] * 20, TypeError, "penalty_factor must contain numbers"),
        (2.0, ValueError, "penalty_factor"),
    ],
)
def test_bad_penalty_factor_is_named(Estimator, penalty_factor, error, message):
    X, y = sparse_signal_problem()
    with pytest.raises((error, ValueError, TypeError), match=message):
        Estimator(penalty_factor=penalty_factor).fit(X, y)


def test_bad_penalty_factor_in_path_function_is_named():
    X, y = sparse_signal_problem()
    with pytest.raises(ValueError, match="penalty_factor has 2 entries"):
        lasso_path(X, y, alphas=3, penalty_factor=[1.0, 2.0])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_x_is_rejected(Estimator, bad):
    X, y = sparse_signal_problem()
    X[3, 2] = bad
    with pytest.raises(ValueError, match="Input X contains"):
        Estimator().fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_non_finite_y_is_rejected(Estimator):
    X, y = sparse_signal_problem()
    y[0] = np.nan
    with pytest.raises(ValueError, match="Input y contains NaN"):
        Estimator().fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_shape_mismatch_empty_and_string_data_are_rejected(Estimator):
    X, y = sparse_signal_problem()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Estimator().fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        Estimator().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="0 feature"):
        Estimator().fit(np.empty((5, 0)), np.ones(5))
    with pytest.raises((ValueError, TypeError)):
        Estimator().fit([["a", "b"], ["c", "d"]], [1.0, 2.0])


@pytest.mark.parametrize(
    "Estimator, params, message",
    [
        (Lasso, {"alpha": -1.0}, "'alpha' parameter"),
        (Lasso, {"max_iter": 0}, "'max_iter' parameter"),
        (ElasticNet, {"l1_ratio": 1.5}, "'l1_ratio' parameter"),
        (Lasso, {"selection": "best"}, "'selection' parameter"),
        (LassoCV, {"eps": 0.0}, "'eps' parameter"),
        (LassoCV, {"alphas": 0}, "'alphas' parameter"),
    ],
)
def test_out_of_range_parameters_are_named(Estimator, params, message):
    X, y = sparse_signal_problem()
    with pytest.raises(ValueError, match=message):
        Estimator(**params).fit(X, y)


def test_negative_sample_weight_is_rejected():
    X, y = sparse_signal_problem()
    weights = np.ones(len(y))
    weights[0] = -1.0
    with pytest.raises(
        ValueError, match="Negative values in data passed to `sample_weight`"
    ):
        Lasso().fit(X, y, sample_weight=weights)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("storage", ["dense", "dense_c", "csc", "csr"])
def test_inputs_are_never_modified(Estimator, storage):
    X, y = sparse_signal_problem()
    X = as_storage(X, storage)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    factors = np.linspace(0.5, 2.0, X.shape[1])
    copies = [x.copy() for x in (X, y, weights, factors)]
    Estimator(penalty_factor=factors).fit(X, y, sample_weight=weights)
    for original, copy in zip((X, y, weights, factors), copies):
        if hasattr(original, "toarray"):
            np.testing.assert_array_equal(original.toarray(), copy.toarray())
        else:
            np.testing.assert_array_equal(original, copy)


def test_results_are_deterministic():
    X, y = sparse_signal_problem()
    first = LassoCV(cv=3, n_jobs=2).fit(X, y)
    second = LassoCV(cv=3, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(first.coef_, second.coef_)
    np.testing.assert_array_equal(first.mse_path_, second.mse_path_)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_non_finite_sparse_x_is_rejected(Estimator):
    X, y = sparse_signal_problem()
    X = as_storage(X, "csc")
    X.data[5] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        Estimator().fit(X, y)


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_x_is_rejected_by_the_path_functions(storage, bad):
    # The path functions skip check_array's finiteness pass: the pass that
    # prepares the design finds non-finite values and names X the same way.
    X, y = sparse_signal_problem()
    X[3, 2] = bad
    X = as_storage(X, storage)
    message = "Input X contains NaN" if np.isnan(bad) else "Input X contains"
    for path in (lasso_path, enet_path):
        with pytest.raises(ValueError, match=message):
            path(X, y, alphas=3)
