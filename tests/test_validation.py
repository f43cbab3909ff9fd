"""Bad input gets a clear error naming the parameter; input is never modified."""

import numpy as np
import pytest
from _problems import as_storage, sparse_signal_problem

from skreg import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    Ridge,
    RidgeCV,
    enet_path,
    lasso_path,
)

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


# --- found by fuzzing: each a clear error naming the input -------------------


@pytest.mark.parametrize("path", [lasso_path, enet_path])
@pytest.mark.parametrize(
    "weights, message",
    [
        (np.r_[np.nan, np.ones(19)], "NaN"),
        (np.r_[np.inf, np.ones(19)], "infinity"),
        (np.r_[-1.0, np.ones(19)], "Negative values"),
        (np.zeros(20), "non-zero"),
        (np.ones(5), r"sample_weight.shape == \(5,\)"),
    ],
)
def test_path_functions_validate_sample_weight(path, weights, message):
    X, y = sparse_signal_problem(n_samples=20, n_features=6)
    with pytest.raises(ValueError, match=message):
        path(X, y, sample_weight=weights)


@pytest.mark.parametrize("Estimator", [Lasso, ElasticNet, Ridge, RidgeCV, LassoCV])
@pytest.mark.parametrize("weight", [np.nan, np.inf, -1.0, 0.0])
def test_a_bad_scalar_sample_weight_is_rejected(Estimator, weight):
    X, y = sparse_signal_problem(n_samples=20, n_features=6)
    with pytest.raises(ValueError, match="(?i)sample.weight"):
        Estimator().fit(X, y, sample_weight=weight)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_coef_init_is_rejected(bad):
    X, y = sparse_signal_problem(n_samples=20, n_features=6)
    with pytest.raises(ValueError, match="coef_init must be finite"):
        lasso_path(X, y, coef_init=np.r_[bad, np.zeros(5)])
    with pytest.raises(ValueError, match="coef_init must be finite"):
        lasso_path(X, np.c_[y, y], coef_init=np.full((2, 6), bad))


@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_columns_whose_squares_overflow_are_an_error_not_a_zero_model(storage):
    # used to give coef_ = 0 with dual_gap_ = 0.0 and RuntimeWarnings
    X, y = sparse_signal_problem(n_samples=20, n_features=6)
    X = as_storage(X * 1e160, storage)
    with pytest.raises(ValueError, match="overflows float64"):
        Lasso(alpha=0.1).fit(X, y)
    with pytest.raises(ValueError, match="y is too large"):
        Lasso(alpha=0.1).fit(X / 1e160, y * 1e160)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, object])
def test_check_input_false_with_integer_x_is_an_error(dtype):
    # used to return int64 zeros
    X, y = sparse_signal_problem(n_samples=20, n_features=6)
    X = np.asfortranarray((10 * X).astype(dtype))
    with pytest.raises(ValueError, match="check_input=False needs X as a float"):
        Lasso(alpha=0.01).fit(X, y, check_input=False)
    with pytest.raises(ValueError, match="check_input=False needs X as a float"):
        lasso_path(X, y, check_input=False)
