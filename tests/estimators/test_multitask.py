"""The multi-task path (2-D y in the path functions) against scikit-learn, KKT."""

import numpy as np
import pytest
from _problems import as_storage, relative_error
from sklearn import linear_model as sk

from skreg import enet_path, lasso_path

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


def _problem(seed=0, n_samples=50, n_features=20, n_targets=3):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    Y = X[:, :5] @ rng.randn(5, n_targets) + 0.5 * rng.randn(n_samples, n_targets)
    return X - X.mean(0), Y - Y.mean(0)


@pytest.mark.parametrize("path", [lasso_path, enet_path])
@pytest.mark.parametrize("storage", ["dense", "csc", "csr"])
@pytest.mark.parametrize("weighted", [False, True])
def test_multitask_path_matches_scikit_learn(path, storage, weighted):
    X, Y = _problem()
    theirs = getattr(sk, path.__name__)(X, Y, alphas=20, **TIGHT)
    weights = None
    if weighted:
        # Checked against rows scaled by the weights' square roots, the same
        # problem without weights (scikit-learn's own weighted multi-task
        # path solves another one).
        weights = np.random.RandomState(1).uniform(0.5, 2, size=50)
        weights *= 50 / weights.sum()
        root = np.sqrt(weights)[:, np.newaxis]
        theirs = getattr(sk, path.__name__)(
            X * root, Y * root, alphas=theirs[0], **TIGHT
        )
    ours = path(
        as_storage(X, storage), Y, alphas=theirs[0], sample_weight=weights, **TIGHT
    )
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    assert ours[1].shape == (3, 20, 20)
    assert relative_error(ours[1], theirs[1]) < 1e-8
    weights = np.ones(50) if weights is None else weights
    assert np.all(ours[2] <= 1e-12 * (weights @ Y**2).sum() / 50)


def test_one_column_y_gives_the_multitask_shape():
    X, Y = _problem(n_targets=1)
    alphas, coefs, _ = lasso_path(X, Y, alphas=5, **TIGHT)
    assert coefs.shape == (1, 20, 5)
    _, single, _ = lasso_path(X, Y[:, 0], alphas=alphas, **TIGHT)
    assert relative_error(coefs[0], single) < 1e-8


def test_kkt_conditions_of_the_rows_hold_with_penalty_factors():
    X, Y = _problem(2)
    factors = np.linspace(0.5, 2.0, 20)
    factors[3] = 0.0  # unpenalized
    factors[7] = np.inf  # excluded
    alphas, coefs, _ = lasso_path(X, Y, alphas=8, penalty_factor=factors, **TIGHT)
    n = X.shape[0]
    for k, alpha in enumerate(alphas):
        W = coefs[:, :, k]
        pulls = np.linalg.norm(X.T @ (Y - X @ W.T), axis=1) / n
        norms = np.linalg.norm(W, axis=0)
        assert norms[7] == 0.0
        assert pulls[3] < 1e-8  # least squares on the unpenalized feature
        penalized = np.isfinite(factors) & (factors > 0)
        active = penalized & (norms > 0)
        np.testing.assert_allclose(pulls[active], alpha * factors[active], rtol=1e-6)
        assert np.all(
            pulls[penalized & ~active]
            <= alpha * factors[penalized & ~active] * (1 + 1e-8)
        )
    # at alpha_max every penalized row is zero and one is about to enter
    W0 = coefs[:, :, 0]
    assert not np.linalg.norm(W0, axis=0)[np.isfinite(factors) & (factors > 0)].any()


def test_penalty_factor_equals_rescaled_columns():
    X, Y = _problem(3)
    factors = np.random.RandomState(0).uniform(0.5, 3, size=20)
    alphas = np.geomspace(1.0, 0.01, 6)
    _, weighted, _ = lasso_path(X, Y, alphas=alphas, penalty_factor=factors, **TIGHT)
    _, rescaled, _ = sk.lasso_path(X / factors, Y, alphas=alphas, **TIGHT)
    assert relative_error(weighted, rescaled / factors[:, np.newaxis]) < 1e-7


def test_warm_start_from_the_optimum_costs_no_epoch():
    X, Y = _problem(4)
    _, coefs, _, n_iters = enet_path(X, Y, alphas=[0.1], return_n_iter=True, **TIGHT)
    assert n_iters[0] > 0
    _, again, _, n_iters = enet_path(
        X, Y, alphas=[0.1], coef_init=coefs[:, :, 0], return_n_iter=True, **TIGHT
    )
    assert n_iters == [0]
    np.testing.assert_array_equal(again, coefs)


def test_multitask_rejects_positive_and_wrong_coef_init():
    X, Y = _problem()
    with pytest.raises(ValueError, match="positive=True is not allowed"):
        lasso_path(X, Y, positive=True)
    with pytest.raises(ValueError, match=r"coef_init must have shape \(3, 20\)"):
        lasso_path(X, Y, coef_init=np.zeros(20))
