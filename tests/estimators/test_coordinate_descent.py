"""Lasso and ElasticNet against scikit-learn, closed forms and the KKT conditions."""

import numpy as np
import pytest
from _problems import as_storage, relative_error, sparse_signal_problem
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning

from skreg import ElasticNet, Lasso

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


def _reference(name, X, y, sample_weight=None, **params):
    """scikit-learn's estimator fitted in float64 (its most accurate setting)."""
    X64 = X.astype(np.float64)
    estimator = getattr(sk, name)(**params, **TIGHT)
    return estimator.fit(X64, y.astype(np.float64), sample_weight=sample_weight)


@pytest.mark.parametrize(
    "name, params", [("Lasso", {}), ("ElasticNet", {"l1_ratio": 0.3})]
)
@pytest.mark.parametrize("storage", ["dense", "dense_c", "csc", "csr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_agrees_with_scikit_learn(
    name, params, storage, fit_intercept, positive, weighted, dtype
):
    X, y = sparse_signal_problem()
    X = as_storage(X, storage, dtype)
    y = y.astype(dtype)
    sample_weight = (
        np.random.RandomState(1).uniform(0.2, 3.0, len(y)) if weighted else None
    )
    settings = dict(alpha=0.1, fit_intercept=fit_intercept, positive=positive, **params)
    ours = {"Lasso": Lasso, "ElasticNet": ElasticNet}[name](**settings, **TIGHT)
    ours.fit(X, y, sample_weight=sample_weight)
    reference = _reference(name, X, y, sample_weight, **settings)

    assert ours.coef_.dtype == dtype
    assert relative_error(ours.coef_, reference.coef_) < 1e-6
    assert abs(ours.intercept_ - reference.intercept_) < 1e-6 * max(
        1.0, abs(reference.intercept_)
    )
    # The certificate: duality gap <= tol * ||y||^2 / n on the solver's scale.
    weights = np.ones(len(y)) if sample_weight is None else sample_weight
    y64 = y.astype(np.float64)
    offset = np.average(y64, weights=weights) if fit_intercept else 0.0
    gap_tol = TIGHT["tol"] * np.average((y64 - offset) ** 2, weights=weights)
    rounding = 1e-14 * np.average(y64**2, weights=weights)  # gap is a difference
    assert -rounding <= ours.dual_gap_ <= gap_tol


def test_multi_target_y_fits_each_column():
    X, y = sparse_signal_problem()
    Y = np.column_stack([y, -2 * y + 1, X[:, 7]])
    ours = Lasso(alpha=0.2, **TIGHT).fit(X, Y)
    reference = sk.Lasso(alpha=0.2, **TIGHT).fit(X, Y)
    assert ours.coef_.shape == (3, X.shape[1])
    assert relative_error(ours.coef_, reference.coef_) < 1e-6
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, rtol=1e-6)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-6)
    assert len(ours.n_iter_) == 3 and ours.dual_gap_.shape == (3,)


@pytest.mark.parametrize("precompute", [True, "array"])
def test_gram_mode_matches_direct_solve(precompute):
    X, y = sparse_signal_problem(n_samples=200, n_features=10)
    Xc = X - X.mean(axis=0)
    gram = Xc.T @ Xc if precompute == "array" else True
    ours = Lasso(alpha=0.05, fit_intercept=False, precompute=gram, **TIGHT)
    ours.fit(Xc, y - y.mean())
    reference = sk.Lasso(alpha=0.05, fit_intercept=False, **TIGHT).fit(Xc, y - y.mean())
    assert relative_error(ours.coef_, reference.coef_) < 1e-8


def test_gram_array_with_uncentred_data_warns_and_recomputes():
    X, y = sparse_signal_problem()
    with pytest.warns(UserWarning, match="recomputing Gram"):
        ours = Lasso(alpha=0.1, precompute=X.T @ X, **TIGHT).fit(X, y)
    reference = sk.Lasso(alpha=0.1, **TIGHT).fit(X, y)
    assert relative_error(ours.coef_, reference.coef_) < 1e-8


def test_wrong_gram_matrix_is_rejected():
    X, y = sparse_signal_problem()
    with pytest.raises(ValueError, match="Gram matrix passed in via 'precompute'"):
        Lasso(alpha=0.1, fit_intercept=False, precompute=np.eye(X.shape[1])).fit(X, y)


@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_penalty_factor_equals_lasso_on_rescaled_columns(storage):
    # alpha * w_j * |b_j| with column x_j is the plain lasso on x_j / w_j with
    # coefficient b_j * w_j: the defining identity of a penalty factor.
    X, y = sparse_signal_problem()
    factors = np.random.RandomState(3).uniform(0.2, 4.0, X.shape[1])
    ours = Lasso(alpha=0.15, penalty_factor=factors, **TIGHT)
    ours.fit(as_storage(X, storage), y)
    reference = sk.Lasso(alpha=0.15, **TIGHT).fit(X / factors, y)
    assert relative_error(ours.coef_, reference.coef_ / factors) < 1e-6
    assert ours.intercept_ == pytest.approx(reference.intercept_, rel=1e-6)


def test_zero_penalty_factor_leaves_coefficient_unpenalized():
    X, y = sparse_signal_problem()
    factors = np.ones(X.shape[1])
    factors[[1, 10]] = 0.0
    # At a huge alpha every penalized coefficient is zero and the
    # unpenalized ones are the least-squares fit on their own columns.
    model = Lasso(alpha=1e4, penalty_factor=factors, **TIGHT).fit(X, y)
    ols = sk.LinearRegression().fit(X[:, [1, 10]], y)
    np.testing.assert_allclose(model.coef_[[1, 10]], ols.coef_, rtol=1e-8)
    assert np.count_nonzero(model.coef_) == 2
    # At a moderate alpha, their KKT condition is a zero gradient.
    model = Lasso(alpha=0.3, penalty_factor=factors, **TIGHT).fit(X, y)
    residual = y - model.predict(X)
    gradient = (X - X.mean(axis=0)).T @ residual / len(y)
    np.testing.assert_allclose(gradient[[1, 10]], 0.0, atol=1e-8)


def test_infinite_penalty_factor_excludes_feature():
    X, y = sparse_signal_problem()
    factors = np.ones(X.shape[1])
    factors[0] = np.inf  # the strongest true feature
    model = Lasso(alpha=0.01, penalty_factor=factors, **TIGHT).fit(X, y)
    assert model.coef_[0] == 0.0
    reference = sk.Lasso(alpha=0.01, **TIGHT).fit(X[:, 1:], y)
    assert relative_error(model.coef_[1:], reference.coef_) < 1e-8


@pytest.mark.parametrize("Estimator", [Lasso, ElasticNet])
def test_kkt_conditions_hold_at_the_solution(Estimator):
    X, y = sparse_signal_problem(n_features=40)
    factors = np.random.RandomState(0).uniform(0.5, 2.0, X.shape[1])
    model = Estimator(alpha=0.2, penalty_factor=factors, **TIGHT).fit(X, y)
    l1_ratio = model.l1_ratio
    residual = y - model.predict(X)
    gradient = (X - X.mean(axis=0)).T @ residual / len(y)
    gradient -= 0.2 * (1 - l1_ratio) * factors * model.coef_
    l1 = 0.2 * l1_ratio * factors
    active = model.coef_ != 0
    assert active.any() and not active.all()
    np.testing.assert_allclose(
        gradient[active], l1[active] * np.sign(model.coef_[active]), rtol=1e-6
    )
    assert np.all(np.abs(gradient[~active]) <= l1[~active] * (1 + 1e-8))


def test_l1_ratio_zero_is_ridge_and_converges():
    X, y = sparse_signal_problem()
    alpha = 0.5
    with _no_convergence_warning():
        model = ElasticNet(alpha=alpha, l1_ratio=0.0, tol=1e-10, max_iter=100_000)
        model.fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    n = len(y)
    closed_form = np.linalg.solve(
        Xc.T @ Xc / n + alpha * np.eye(X.shape[1]), Xc.T @ yc / n
    )
    assert relative_error(model.coef_, closed_form) < 1e-6


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("precompute", [False, True])
def test_warm_start_from_the_optimum_costs_no_epoch(storage, precompute):
    # scikit-learn checks the gap before its first epoch and reports 0
    X, y = sparse_signal_problem()
    X = as_storage(X, storage)
    model = ElasticNet(alpha=0.1, warm_start=True, precompute=precompute, **TIGHT)
    first = model.fit(X, y).coef_.copy()
    assert model.n_iter_ > 2
    model.fit(X, y)
    assert model.n_iter_ == 0
    np.testing.assert_array_equal(model.coef_, first)
    # a warm start that is not optimal for the new alpha still gets epochs
    model.set_params(alpha=0.05).fit(X, y)
    assert model.n_iter_ > 0
    reference = ElasticNet(alpha=0.05, **TIGHT).fit(X, y)
    assert relative_error(model.coef_, reference.coef_) < 1e-6


def test_zero_optimal_from_the_start_costs_no_epoch():
    X, y = sparse_signal_problem()
    model = Lasso(alpha=1e6).fit(X, y)
    assert model.n_iter_ == 0 and not model.coef_.any()


@pytest.mark.parametrize("Estimator", [Lasso, ElasticNet])
def test_float32_results_stay_float32(Estimator):
    X, y = sparse_signal_problem()
    model = Estimator(alpha=0.1).fit(X.astype(np.float32), y.astype(np.float32))
    assert model.coef_.dtype == model.dual_gap_.dtype == np.float32


def test_random_selection_is_deterministic_and_correct():
    X, y = sparse_signal_problem()
    a = Lasso(alpha=0.1, selection="random", random_state=0, **TIGHT).fit(X, y)
    b = Lasso(alpha=0.1, selection="random", random_state=0, **TIGHT).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    reference = sk.Lasso(alpha=0.1, **TIGHT).fit(X, y)
    assert relative_error(a.coef_, reference.coef_) < 1e-6


def test_non_convergence_warns_with_convergence_warning():
    X, y = sparse_signal_problem(n_features=40)
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        Lasso(alpha=1e-4, max_iter=2, tol=1e-12).fit(X, y)


def test_constant_target_gives_zero_coefficients():
    X, _ = sparse_signal_problem()
    model = Lasso(alpha=0.1).fit(X, np.full(X.shape[0], 3.0))
    np.testing.assert_array_equal(model.coef_, 0.0)
    assert model.intercept_ == pytest.approx(3.0)


def test_sparse_coef_matches_coef():
    X, y = sparse_signal_problem()
    model = Lasso(alpha=0.1).fit(X, y)
    np.testing.assert_array_equal(model.sparse_coef_.toarray().ravel(), model.coef_)
    np.testing.assert_allclose(
        model.predict(as_storage(X, "csr")), model.predict(X), rtol=1e-12
    )


class _no_convergence_warning:
    """Context manager failing the test on any ConvergenceWarning."""

    def __enter__(self):
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("error", ConvergenceWarning)

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_columns_of_every_length_agree_with_scikit_learn(
    fit_intercept, weighted
):
    # Column j stores j % 8 entries (0 to 7, odd and even counts), so every
    # branch of the sparse loops runs: the paired sums and their leftover
    # entry, empty columns, and the unsigned entry positions of long columns.
    rng = np.random.RandomState(7)
    n_samples, n_features = 50, 40
    X = np.zeros((n_samples, n_features))
    for j in range(n_features):
        rows = rng.choice(n_samples, j % 8, replace=False)
        X[rows, j] = rng.randn(rows.size) * 2 + 1
    y = X[:, :12] @ rng.randn(12) + 0.3 * rng.randn(n_samples)
    sample_weight = rng.uniform(0.2, 3.0, n_samples) if weighted else None
    params = {"alpha": 0.02, "l1_ratio": 0.7, "fit_intercept": fit_intercept}
    ours = ElasticNet(**params, **TIGHT)
    ours.fit(as_storage(X, "csc"), y, sample_weight=sample_weight)
    reference = _reference("ElasticNet", X, y, sample_weight, **params)
    assert np.count_nonzero(ours.coef_) > 10
    assert relative_error(ours.coef_, reference.coef_) < 1e-7
    assert ours.intercept_ == pytest.approx(reference.intercept_, abs=1e-7)
