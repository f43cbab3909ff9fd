"""LassoCV and ElasticNetCV against scikit-learn's, and with penalty factors."""

from functools import partial

import numpy as np
import pytest
from _problems import as_storage, relative_error, sparse_signal_problem
from numpy.testing import assert_allclose
from sklearn import linear_model as sk
from sklearn.model_selection import KFold, LeaveOneGroupOut

from skreg import AdaptiveLassoCV, ElasticNetCV, Lasso, LassoCV, Ridge

TIGHT = {"tol": 1e-10, "max_iter": 100_000}


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
def test_lasso_cv_matches_scikit_learn(storage, weighted):
    X, y = sparse_signal_problem(n_samples=80, n_features=15)
    sample_weight = (
        np.random.RandomState(2).uniform(0.5, 2.0, len(y)) if weighted else None
    )
    cv = KFold(4, shuffle=True, random_state=0)
    ours = LassoCV(cv=cv, alphas=20, **TIGHT)
    ours.fit(as_storage(X, storage), y, sample_weight=sample_weight)
    reference = sk.LassoCV(cv=cv, alphas=20, **TIGHT).fit(
        X, y, sample_weight=sample_weight
    )
    np.testing.assert_allclose(ours.alphas_, reference.alphas_, rtol=1e-10)
    np.testing.assert_allclose(ours.mse_path_, reference.mse_path_, rtol=1e-6)
    assert ours.alpha_ == pytest.approx(reference.alpha_, rel=1e-12)
    assert relative_error(ours.coef_, reference.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(reference.intercept_, rel=1e-6)


def test_elastic_net_cv_matches_scikit_learn_over_l1_ratios():
    X, y = sparse_signal_problem(n_samples=80, n_features=15)
    # Mostly-ridge paths are flat near the optimum: a gap of tol * ||y||^2
    # still allows coefficient differences of order sqrt(tol), so both solvers
    # are driven further here.
    params = dict(
        l1_ratio=[0.2, 0.7, 1.0], cv=3, alphas=15, tol=1e-13, max_iter=100_000
    )
    ours = ElasticNetCV(**params).fit(X, y)
    reference = sk.ElasticNetCV(**params).fit(X, y)
    assert ours.mse_path_.shape == (3, 15, 3)
    np.testing.assert_allclose(ours.alphas_, reference.alphas_, rtol=1e-10)
    np.testing.assert_allclose(ours.mse_path_, reference.mse_path_, rtol=1e-6)
    assert ours.l1_ratio_ == reference.l1_ratio_
    assert ours.alpha_ == pytest.approx(reference.alpha_, rel=1e-12)
    assert relative_error(ours.coef_, reference.coef_) < 1e-6


def test_parallel_folds_give_identical_results():
    X, y = sparse_signal_problem(n_samples=80, n_features=15)
    serial = LassoCV(cv=4, alphas=10, **TIGHT).fit(X, y)
    parallel = LassoCV(cv=4, alphas=10, n_jobs=2, **TIGHT).fit(X, y)
    np.testing.assert_array_equal(serial.mse_path_, parallel.mse_path_)
    np.testing.assert_array_equal(serial.coef_, parallel.coef_)


def test_lasso_cv_with_penalty_factor_uses_the_weighted_problem():
    X, y = sparse_signal_problem(n_samples=80, n_features=15)
    factors = np.random.RandomState(4).uniform(0.3, 3.0, X.shape[1])
    ours = LassoCV(cv=3, alphas=12, penalty_factor=factors, **TIGHT).fit(X, y)
    # Same problem in scikit-learn: columns divided by their factors.
    reference = sk.LassoCV(cv=3, alphas=12, **TIGHT).fit(X / factors, y)
    np.testing.assert_allclose(ours.alphas_, reference.alphas_, rtol=1e-10)
    np.testing.assert_allclose(ours.mse_path_, reference.mse_path_, rtol=1e-6)
    assert relative_error(ours.coef_, reference.coef_ / factors) < 1e-6
    refit = Lasso(alpha=ours.alpha_, penalty_factor=factors, **TIGHT).fit(X, y)
    np.testing.assert_allclose(ours.coef_, refit.coef_, rtol=1e-8, atol=1e-12)


def test_cv_rejects_multi_target_y():
    X, y = sparse_signal_problem()
    with pytest.raises(ValueError, match="one target"):
        LassoCV().fit(X, np.column_stack([y, y]))


@pytest.mark.parametrize(
    "make_model",
    [
        lambda: LassoCV(cv=3),
        lambda: ElasticNetCV(l1_ratio=[0.3, 0.9], cv=3),
        lambda: AdaptiveLassoCV(cv=3, gammas=[0.5, 1.0], alphas=10),
    ],
)
def test_cyclic_cross_validation_leaves_the_global_random_state_alone(make_model):
    # With cyclic updates no seed is needed: drawing one from NumPy's global
    # generator (random_state=None) would shift every later draw of the
    # caller's program.
    X, y = sparse_signal_problem(n_samples=40, n_features=8)
    # the legacy global generator is what random_state=None draws from
    np.random.seed(7)  # noqa: NPY002
    make_model().fit(X, y)
    next_draw = np.random.randint(2**31)  # noqa: NPY002
    assert next_draw == np.random.RandomState(7).randint(2**31)


def test_random_selection_in_cross_validation_is_seeded_by_random_state():
    X, y = sparse_signal_problem(n_samples=40, n_features=8)
    fits = [
        LassoCV(cv=3, selection="random", random_state=seed, tol=1e-3).fit(X, y)
        for seed in (0, 0, 1)
    ]
    np.testing.assert_array_equal(fits[0].coef_, fits[1].coef_)
    np.testing.assert_array_equal(fits[0].mse_path_, fits[1].mse_path_)
    assert not np.array_equal(fits[0].mse_path_, fits[2].mse_path_)


@pytest.mark.parametrize(
    "Estimator",
    [
        LassoCV,
        ElasticNetCV,
        # a fixed-penalty initial ridge: the default RidgeCV's leave-one-out
        # differs by nature (leaving out one of several repeated rows leaves
        # its copies in)
        partial(AdaptiveLassoCV, initial_estimator=Ridge(alpha=1.0), gammas=(1.0,)),
    ],
)
@pytest.mark.parametrize("storage", ["dense", "csc"])
def test_weights_equal_repeated_rows_with_matching_folds(Estimator, storage):
    # scikit-learn's check_sample_weight_equivalence data: integer weights
    # (zeros included) in one fold, the repeated rows in the same fold.
    rng = np.random.RandomState(42)
    X = rng.rand(15, 30)
    y = rng.randint(0, 3, size=15).astype(float)
    weights = rng.randint(0, 5, size=15)
    others = [np.vstack([X, X]), np.hstack([y, y])]
    X_weighted = np.vstack([X, others[0]])
    y_weighted = np.hstack([y, others[1]])
    X_repeated = np.vstack([X.repeat(weights, axis=0), others[0]])
    y_repeated = np.hstack([y.repeat(weights), others[1]])

    def folds(n_first):
        groups = np.repeat([0, 1, 2], [n_first, 15, 15])
        return list(LeaveOneGroupOut().split(groups, groups=groups))

    settings = dict(tol=1e-12, max_iter=100_000)
    weighted = Estimator(cv=folds(15), **settings).fit(
        as_storage(X_weighted, storage),
        y_weighted,
        sample_weight=np.hstack([weights, np.ones(30)]),
    )
    repeated = Estimator(cv=folds(weights.sum()), **settings).fit(
        as_storage(X_repeated, storage), y_repeated
    )
    assert weighted.alpha_ == pytest.approx(repeated.alpha_, rel=1e-12)
    assert_allclose(weighted.mse_path_, repeated.mse_path_, rtol=1e-7)
    assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-7)


def test_given_alphas_are_one_grid_for_every_l1_ratio():
    X, y = sparse_signal_problem()
    model = ElasticNetCV(alphas=[0.1, 0.5, 0.01], l1_ratio=[0.5, 0.9], cv=3)
    model.fit(X, y)
    np.testing.assert_array_equal(model.alphas_, [0.5, 0.1, 0.01])
    assert model.mse_path_.shape == (2, 3, 3)
    computed = ElasticNetCV(alphas=5, l1_ratio=[0.5, 0.9], cv=3).fit(X, y)
    assert computed.alphas_.shape == (2, 5)


def test_float32_cross_validation_gives_float32_results():
    X, y = sparse_signal_problem()
    model = LassoCV(cv=3).fit(X.astype(np.float32), y.astype(np.float32))
    assert model.mse_path_.dtype == model.dual_gap_.dtype == np.float32
    assert model.coef_.dtype == np.float32
