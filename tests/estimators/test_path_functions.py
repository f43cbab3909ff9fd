"""lasso_path / enet_path against scikit-learn's, and the alpha grid."""

import warnings

import numpy as np
import pytest
from _problems import as_storage, relative_error, sparse_signal_problem
from sklearn import linear_model as sk
from sklearn.exceptions import ConvergenceWarning

from skreg import enet_path, lasso_path


def _centred_problem():
    X, y = sparse_signal_problem(n_samples=50, n_features=30)
    return X - X.mean(axis=0), y - y.mean()


@pytest.mark.parametrize("storage", ["dense", "csc"])
@pytest.mark.parametrize("positive", [False, True])
def test_lasso_path_matches_scikit_learn(storage, positive):
    X, y = _centred_problem()
    alphas, coefs, gaps = lasso_path(
        as_storage(X, storage), y, alphas=30, positive=positive, tol=1e-12
    )
    ref_alphas, ref_coefs, _ = sk.lasso_path(
        X, y, alphas=30, positive=positive, tol=1e-12, max_iter=100_000
    )
    np.testing.assert_allclose(alphas, ref_alphas, rtol=1e-12)
    assert relative_error(coefs, ref_coefs) < 1e-6
    assert gaps.shape == (30,) and np.all(gaps <= 1e-12 * (y @ y) / len(y))


def test_enet_path_matches_scikit_learn_with_given_alphas():
    X, y = _centred_problem()
    grid = [0.01, 1.0, 0.1]  # unsorted on purpose: returned in decreasing order
    alphas, coefs, _, n_iters = enet_path(
        X, y, l1_ratio=0.7, alphas=grid, tol=1e-12, return_n_iter=True
    )
    ref_alphas, ref_coefs, _ = sk.enet_path(
        X, y, l1_ratio=0.7, alphas=grid, tol=1e-12, max_iter=100_000
    )
    np.testing.assert_array_equal(alphas, [1.0, 0.1, 0.01])
    np.testing.assert_array_equal(alphas, ref_alphas)
    assert relative_error(coefs, ref_coefs) < 1e-6
    assert len(n_iters) == 3


def test_sparse_path_centres_implicitly_with_x_offset():
    X, y = sparse_signal_problem(n_samples=50, n_features=30)
    X_sparse = as_storage(X, "csc")
    offset = X.mean(axis=0)
    _, coefs, _ = lasso_path(
        X_sparse,
        y - y.mean(),
        alphas=[0.5, 0.1],
        X_offset=offset,
        X_scale=np.ones(30),
        tol=1e-12,
    )
    _, ref_coefs, _ = sk.lasso_path(
        X - offset, y - y.mean(), alphas=[0.5, 0.1], tol=1e-12, max_iter=100_000
    )
    assert relative_error(coefs, ref_coefs) < 1e-6


def test_alpha_max_with_penalty_factors_zeroes_exactly_the_penalized():
    X, y = _centred_problem()
    factors = np.random.RandomState(0).uniform(0.5, 3.0, X.shape[1])
    alphas, coefs, _ = lasso_path(X, y, alphas=5, penalty_factor=factors, tol=1e-12)
    expected_max = np.max(np.abs(X.T @ y) / (len(y) * factors))
    assert alphas[0] == pytest.approx(expected_max, rel=1e-12)
    assert np.abs(coefs[:, 0]).max() < 1e-12  # zero up to rounding at the knot
    # Just below alpha_max the feature with the largest ratio enters.
    _, below, _ = lasso_path(
        X, y, alphas=[alphas[0] * 0.999], penalty_factor=factors, tol=1e-12
    )
    assert np.flatnonzero(below[:, 0]).tolist() == [
        int(np.argmax(np.abs(X.T @ y) / factors))
    ]


def test_alpha_max_accounts_for_unpenalized_features():
    X, y = _centred_problem()
    factors = np.ones(X.shape[1])
    factors[0] = 0.0
    alphas, coefs, _ = lasso_path(X, y, alphas=3, penalty_factor=factors, tol=1e-12)
    # At alpha_max only the unpenalized feature is active, with its OLS value.
    ols = (X[:, 0] @ y) / (X[:, 0] @ X[:, 0])
    assert np.flatnonzero(coefs[:, 0]).tolist() == [0]
    assert coefs[0, 0] == pytest.approx(ols, rel=1e-8)
    residual = y - X[:, 0] * ols
    expected_max = np.max(np.abs(X[:, 1:].T @ residual)) / len(y)
    assert alphas[0] == pytest.approx(expected_max, rel=1e-10)


def test_precomputed_gram_and_xy_give_the_same_path():
    X, y = _centred_problem()
    grid = np.geomspace(1.0, 0.01, 8)
    _, direct, _ = lasso_path(X, y, alphas=grid, precompute=False, tol=1e-12)
    _, with_gram, _ = lasso_path(
        X, y, alphas=grid, precompute=X.T @ X, Xy=X.T @ y, tol=1e-12
    )
    assert relative_error(with_gram, direct) < 1e-8


def test_deprecated_n_alphas_warns_like_scikit_learn():
    X, y = _centred_problem()
    with pytest.warns(FutureWarning, match="'n_alphas' was deprecated"):
        alphas, _, _ = lasso_path(X, y, n_alphas=7)
    assert alphas.shape == (7,)
    with pytest.warns(FutureWarning, match="'alphas=None' is deprecated"):
        alphas, _, _ = lasso_path(X, y, alphas=None)
    assert alphas.shape == (100,)


def test_unknown_solver_parameter_is_rejected():
    X, y = _centred_problem()
    with pytest.raises(ValueError, match="Unexpected parameters"):
        lasso_path(X, y, alphas=3, learning_rate=0.1)


def test_three_dimensional_y_is_rejected_with_a_clear_message():
    # (2-D y is the multi-task path: tests/estimators/test_multitask.py)
    X, y = _centred_problem()
    with pytest.raises(ValueError, match="1-D or 2-D"):
        lasso_path(X, y.reshape(-1, 1, 1), alphas=3, check_input=False)


def test_path_with_l1_ratio_zero_needs_explicit_alphas():
    X, y = _centred_problem()
    with pytest.raises(ValueError, match="l1_ratio=0"):
        enet_path(X, y, l1_ratio=0.0, alphas=5)


def test_auto_precompute_forms_the_gram_matrix_only_where_it_pays(monkeypatch):
    from skreg._path import gram as _gram

    assert _gram.gram_pays(1000, 40, n_alphas=100)
    assert not _gram.gram_pays(1000, 40, n_alphas=1)  # one fit: direct
    assert _gram.gram_pays(1000, 8, n_alphas=1)
    assert not _gram.gram_pays(40, 1000, n_alphas=100)  # p > n: never
    formed = []
    original = _gram._formed
    monkeypatch.setattr(
        _gram, "_formed", lambda *args: formed.append(1) or original(*args)
    )
    rng = np.random.RandomState(0)
    X = np.asfortranarray(rng.randn(300, 20))
    y = X[:, :3] @ [1.0, -2.0, 3.0] + rng.randn(300)
    _, auto_path, _ = lasso_path(X, y, alphas=30, tol=1e-12)
    assert formed == [1]
    _, direct_path, _ = lasso_path(X, y, alphas=30, precompute=False, tol=1e-12)
    assert relative_error(auto_path, direct_path) < 1e-8
    lasso_path(X, y, alphas=2, tol=1e-12)
    assert formed == [1]  # two alphas for 20 features: not formed


@pytest.mark.parametrize("storage", ["dense", "csc", "gram"])
def test_each_alpha_of_a_grid_matches_its_own_solve(storage):
    # The grid is solved in one compiled call that carries the coefficients
    # and the KKT bounds from alpha to alpha: every column must still be the
    # solution at its own alpha, as a separate solve from zero finds it.
    X, y = _centred_problem()
    precompute = storage == "gram"
    X = as_storage(X, "dense" if precompute else storage)
    alphas, coefs, gaps, n_iters = lasso_path(
        X, y, alphas=12, tol=1e-12, precompute=precompute, return_n_iter=True
    )
    for k, alpha in enumerate(alphas):
        _, alone, alone_gap = lasso_path(
            X, y, alphas=[alpha], tol=1e-12, precompute=precompute
        )
        assert relative_error(coefs[:, k], alone[:, 0]) < 1e-9
        assert gaps[k] <= 1e-12 * (y @ y) / len(y) and alone_gap[0] >= 0
    # alpha_max: zero is optimal before any epoch (0, as in scikit-learn)
    assert len(n_iters) == 12 and all(isinstance(n, int) for n in n_iters)
    assert n_iters[0] == 0 and min(n_iters[1:]) >= 1
    assert np.count_nonzero(coefs[:, 0]) <= 1 and np.count_nonzero(coefs[:, -1]) > 5


def test_every_unconverged_alpha_warns_with_its_own_gap():
    X, y = _centred_problem()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, _, gaps = lasso_path(X, y, alphas=10, tol=1e-14, max_iter=1)
    messages = [
        str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)
    ]
    unconverged = gaps[gaps > 1e-14 * (y @ y) / len(y)]
    assert 2 <= len(unconverged) == len(messages)
    for gap, message in zip(unconverged, messages):
        assert f"Duality gap: {gap:.3e}" in message and "max_iter=1)" in message


@pytest.mark.parametrize("storage", ["dense", "csc", "gram"])
def test_a_grid_solved_one_alpha_per_call_gives_the_same_path(monkeypatch, storage):
    # A long path is solved in blocks of alphas (Python sees Ctrl-C only
    # between compiled calls); the strong rule of a block's first alpha reads
    # the alpha before it, so the blocks change nothing.

    X, y = _centred_problem()
    precompute = storage == "gram"
    X = as_storage(X, "dense" if precompute else storage)

    from skreg._path import driver as _path

    def path():
        return lasso_path(
            X, y, alphas=15, tol=1e-8, precompute=precompute, return_n_iter=True
        )

    whole = path()
    entry = {"dense": "solve_alphas_dense", "csc": "solve_alphas_sparse",
             "gram": "solve_alphas_gram"}[storage]  # fmt: skip
    solve = getattr(_path.working_set, entry)
    blocks = []

    def recording(*args):
        blocks.append(args[4][0].size)  # the block's alphas (grid)
        solve(*args)

    monkeypatch.setattr(_path.working_set, entry, recording)
    monkeypatch.setattr(_path, "_BLOCK_SECONDS", 0.0)
    one_by_one = path()
    assert blocks == [1] * 15
    for ours, reference in zip(one_by_one, whole):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(reference))


def test_blocks_grow_while_calls_are_short_and_shrink_when_long():
    from skreg._path.driver import _BLOCK_GROWTH, _BLOCK_SECONDS, _next_block

    assert _next_block(3, 0.0) == 3 * _BLOCK_GROWTH
    assert _next_block(3, _BLOCK_SECONDS / 100) == 3 * _BLOCK_GROWTH
    assert _next_block(8, 2 * _BLOCK_SECONDS) == 4
    assert _next_block(1, 100 * _BLOCK_SECONDS) == 1
