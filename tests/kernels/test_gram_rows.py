"""Gram rows filled as a solve needs them (glmnet's covariance mode)."""

import numpy as np
import pytest
from _problems import relative_error, sparse_signal_problem

from skreg import ElasticNet, lasso_path
from skreg._kernels import gram as gram_kernels
from skreg._path.driver import solve_path
from skreg._path.gram import forms_gram, prepare, resolve_gram
from skreg._path.gram_rows import GramRows, can_fill_rows

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


def _design(n_samples=700, n_features=37, weighted=False, seed=1):
    X, y = sparse_signal_problem(n_samples, n_features, seed=seed)
    weights = None
    if weighted:
        weights = np.random.RandomState(seed).uniform(0.2, 3, n_samples)
        weights *= n_samples / weights.sum()
    design, gram = prepare(np.asfortranarray(X), y, weights, True, True)
    return design, gram


def _centred_gram(design):
    Z = design.X - np.outer(design.v, design.means)
    return Z.T @ Z


@pytest.mark.parametrize("weighted", [False, True])
# Batches of every remainder modulo the block sizes (4 rows, 6 columns), in
# any order, each after rows that are filled already (copied by symmetry).
@pytest.mark.parametrize(
    "batches", [[[0]], [[5, 3], [0, 1, 2, 4]], [[36, 1, 7, 30, 12], list(range(37))]]
)
def test_filled_rows_equal_the_centred_gram_matrix(weighted, batches):
    design, (rows, _) = _design(weighted=weighted)
    expected = _centred_gram(design)
    done = set()
    for batch in batches:
        rows.fill(batch)
        done |= set(batch)
        filled = sorted(done)
        assert np.flatnonzero(rows.filled).tolist() == filled
        assert relative_error(rows.matrix[filled], expected[filled]) < 1e-13
    untouched = np.setdiff1d(np.arange(37), filled)
    off_diagonal = rows.matrix[untouched] - np.diag(design.norms2)[untouched]
    assert not off_diagonal.any()
    np.testing.assert_array_equal(np.diag(rows.matrix), design.norms2)


def test_a_batch_takes_the_likeliest_features_next():
    design, (rows, Zy) = _design()
    data_l1 = np.full(37, 10.0)
    data_l1[4] = 1.0  # |H_4| / l1_4 the largest of the others
    H = Zy.copy()
    usable = np.ones(37, dtype=bool)
    from skreg._path.driver import _kernel_data

    data = _kernel_data(design, rows.matrix, Zy)
    working_set = np.array([0, 1])
    X, filled = rows.source
    gram_kernels.fill_working_rows(working_set, H, data_l1, usable, X, filled, data)
    assert rows.filled.sum() == gram_kernels.ROW_BATCH
    assert rows.filled[[0, 1, 4]].all()
    # the others are the top of |H| / l1 among the rest
    score = np.abs(H) / data_l1
    score[[0, 1, 4]] = np.inf
    top = np.argsort(-score, kind="stable")[: gram_kernels.ROW_BATCH]
    assert set(np.flatnonzero(rows.filled)) == set(top)
    # a set whose rows are all there fills none
    before = rows.matrix.copy()
    gram_kernels.fill_working_rows(working_set, H, data_l1, usable, X, filled, data)
    np.testing.assert_array_equal(rows.matrix, before)
    assert relative_error(rows.matrix[filled], _centred_gram(design)[filled]) < 1e-13


def test_batches_grow_with_the_rows_filled():
    design, (rows, Zy) = _design(n_features=100, seed=3)
    from skreg._path.driver import _kernel_data

    data = _kernel_data(design, rows.matrix, Zy)
    X, filled = rows.source
    rows.fill(np.arange(60))
    gram_kernels.fill_working_rows(
        np.array([99]), Zy, np.ones(100), np.ones(100, dtype=bool), X, filled, data
    )
    assert rows.filled.sum() == 60 + 30  # half as many as were filled


def test_a_tall_path_fills_the_rows_it_needs_only():
    # 5 true features of 200: the path never needs most rows.
    X, y = sparse_signal_problem(n_samples=3000, n_features=200, seed=4)
    design, gram = prepare(np.asfortranarray(X), y, None, True, True)
    rows = gram[0]
    assert isinstance(rows, GramRows) and design.XtX is None
    top = np.max(np.abs(design.Zy)) / design.n_samples
    alphas = np.geomspace(top, top / 100, 30)
    coefs, gaps, _ = solve_path(design, alphas, np.ones(200), tol=1e-10, gram=gram)
    ever = np.count_nonzero((coefs != 0).any(axis=1))
    assert ever <= rows.filled.sum() < 100
    complete = (_centred_gram(design), design.Zy)
    reference, _, _ = solve_path(design, alphas, np.ones(200), tol=1e-10, gram=complete)
    assert relative_error(coefs, reference) < 1e-9


@pytest.mark.parametrize("weighted", [False, True])
def test_lazy_rows_fit_agrees_with_direct_solve(weighted):
    X, y = sparse_signal_problem(n_samples=500, n_features=40, seed=5)
    weights = np.random.RandomState(5).uniform(0.2, 3, 500) if weighted else None
    settings = dict(alpha=0.05, l1_ratio=0.8, penalty_factor=np.linspace(0, 2, 40))
    lazy = ElasticNet(precompute=True, **settings, **TIGHT)
    lazy.fit(X, y, sample_weight=weights)
    direct = ElasticNet(precompute=False, **settings, **TIGHT)
    direct.fit(X, y, sample_weight=weights)
    assert relative_error(lazy.coef_, direct.coef_) < 1e-9
    scale = max(1, abs(direct.intercept_))
    assert abs(lazy.intercept_ - direct.intercept_) < 1e-9 * scale


def test_a_warm_start_fills_the_rows_of_its_nonzeros():
    X, y = sparse_signal_problem(n_samples=400, n_features=30, seed=6)
    alphas, coefs, _ = lasso_path(X, y, alphas=5, precompute=False, **TIGHT)
    design, gram = prepare(np.asfortranarray(X), y, None, False, True)
    start = coefs[:, 2]
    result, _, _ = solve_path(
        design, alphas[3:], np.ones(30), coef_init=start, tol=1e-12, gram=gram
    )
    assert gram[0].filled[start != 0].all()
    assert relative_error(result, coefs[:, 3:]) < 1e-8


def test_other_targets_reuse_the_rows():
    X, y = sparse_signal_problem(n_samples=300, n_features=25, seed=7)
    design, (rows, _) = prepare(np.asfortranarray(X), y, None, True, True)
    rows.fill([0, 3])
    other = design.with_target(-2 * y + 1, True)
    again, Zy = resolve_gram(other, True, rows=rows)
    assert again is rows
    np.testing.assert_array_equal(Zy, other.Zy)
    # a different stored X gets its own rows
    design2, _ = prepare(np.asfortranarray(X + 1), y, None, True, True)
    assert resolve_gram(design2, True, rows=rows)[0] is not rows
    Y = np.column_stack([y, -2 * y + 1])
    both = ElasticNet(alpha=0.1, precompute=True, **TIGHT).fit(X, Y)
    each = [ElasticNet(alpha=0.1, **TIGHT).fit(X, t).coef_ for t in Y.T]
    assert relative_error(both.coef_, np.array(each)) < 1e-9


def test_which_designs_fill_rows():
    X = np.asfortranarray(np.ones((5, 3)))
    assert can_fill_rows(X)
    assert not can_fill_rows(X.astype(np.float32))
    assert not can_fill_rows(np.ascontiguousarray(np.ones((5, 3))))
    # the design pass forms all of X'X only where rows cannot be filled
    assert not forms_gram(X, True)
    assert forms_gram(X.astype(np.float32), True)
    assert not forms_gram(X.astype(np.float32), True, sample_weight=np.ones(5))
    assert not forms_gram(X, False)


def test_positive_and_cross_validated_fits_on_filled_rows():
    from skreg import LassoCV

    X, y = sparse_signal_problem(n_samples=600, n_features=60, seed=8)
    for positive in (False, True):
        lazy = ElasticNet(alpha=0.02, positive=positive, precompute=True, **TIGHT)
        direct = ElasticNet(alpha=0.02, positive=positive, precompute=False, **TIGHT)
        lazy.fit(X, y)
        direct.fit(X, y)
        assert relative_error(lazy.coef_, direct.coef_) < 1e-9
        assert positive is False or lazy.coef_.min() >= 0
    # every fold's path in Gram mode, its rows filled from the fold's design
    by_gram = LassoCV(cv=3, precompute=True, tol=1e-10).fit(X, y)
    by_passes = LassoCV(cv=3, precompute=False, tol=1e-10).fit(X, y)
    assert relative_error(by_gram.mse_path_, by_passes.mse_path_) < 1e-7
    assert by_gram.alpha_ == by_passes.alpha_


def test_the_kernel_stops_for_a_feature_that_would_move_without_its_row():
    from skreg._kernels.coordinate_descent import Options, enet_cd_gram

    design, (rows, Zy) = _design(n_samples=500, n_features=12, seed=9)
    l1 = np.full(12, 0.05 * 500)
    l2 = np.zeros(12)
    working_set = np.arange(12)
    gap_tol = 1e-12 * design.yy
    options = Options(False, 1000, 1e-10, gap_tol, True, False, 0)
    rows.fill([0, 1, 2])  # features 0-4 carry the signal: 3 and 4 lack rows
    w, H = np.zeros(12), Zy.copy()
    wanting = np.zeros(12, dtype=bool)
    gap, epochs, evaluated = enet_cd_gram(
        w, H, rows.matrix, Zy, design.yy, l1, l2, working_set, options,
        rows.filled, wanting,
    )  # fmt: skip
    assert not evaluated and epochs == 1 and gap == np.inf
    assert wanting[[3, 4]].all() and not wanting[:3].any()
    assert not w[~rows.filled].any()
    # H stays Z'R of the returned w
    np.testing.assert_allclose(H, Zy - _centred_gram(design) @ w, atol=1e-9)
    rows.fill(np.flatnonzero(wanting))
    wanting[:] = False
    gap, _, evaluated = enet_cd_gram(
        w, H, rows.matrix, Zy, design.yy, l1, l2, working_set, options,
        rows.filled, wanting,
    )  # fmt: skip
    if not evaluated:  # another feature may move now
        rows.fill(np.flatnonzero(wanting))
        wanting[:] = False
        gap, _, evaluated = enet_cd_gram(
            w, H, rows.matrix, Zy, design.yy, l1, l2, working_set, options,
            rows.filled, wanting,
        )  # fmt: skip
    assert evaluated and gap <= gap_tol
    full = np.ones(12, dtype=bool)
    w_ref, H_ref = np.zeros(12), Zy.copy()
    enet_cd_gram(
        w_ref, H_ref, _centred_gram(design), Zy, design.yy, l1, l2, working_set,
        options, full, np.zeros(12, dtype=bool),
    )  # fmt: skip
    assert relative_error(w, w_ref) < 1e-9


def test_alpha_zero_fills_the_rows_of_the_refitted_block():
    # At alpha = 0 every feature is in the kernel's least-squares block,
    # whose refit reads their rows: they must be filled before it.
    import warnings

    from sklearn.linear_model import LinearRegression

    X, y = sparse_signal_problem(n_samples=200, n_features=30, seed=10)
    weights = np.random.RandomState(10).uniform(0.1, 5, 200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fit = ElasticNet(alpha=0, precompute=True, tol=1e-15).fit(
            X, y, sample_weight=weights
        )
    ols = LinearRegression().fit(X, y, sample_weight=weights)
    assert relative_error(fit.coef_, ols.coef_) < 1e-8
