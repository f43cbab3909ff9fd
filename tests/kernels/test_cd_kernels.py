"""The coordinate-descent kernels: gap schedule, extrapolation back-off, outputs."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from skreg._kernels import coordinate_descent as kernels
from skreg._kernels import gaps, sweeps
from skreg._kernels.coordinate_descent import Options
from skreg._path.design import make_design
from skreg._path.driver import _kernel_data


def test_next_gap_epoch_without_history_is_the_next_epoch():
    assert gaps._next_gap_epoch(7, 1.0, -1, np.inf, 1e-6) == 8
    # a gap that did not decrease predicts nothing
    assert gaps._next_gap_epoch(7, 1.0, 6, 0.5, 1e-6) == 8
    # an infinite gap (unpenalized features not yet optimal) predicts nothing
    assert gaps._next_gap_epoch(7, np.inf, 6, np.inf, 1e-6) == 8


def test_next_gap_epoch_waits_half_the_predicted_epochs():
    # gap halves every epoch: from 1e-2 to 1e-4 takes log2(100) = 6.6 epochs
    assert gaps._next_gap_epoch(10, 1e-2, 9, 2e-2, 1e-4) == 10 + 3
    # decreasing by 10 per 2 epochs: 1e-3 -> 1e-9 takes 12 epochs, wait 6
    assert gaps._next_gap_epoch(20, 1e-3, 18, 1e-2, 1e-9) == 20 + 6
    # very slow decrease: capped
    wait = gaps._next_gap_epoch(5, 0.999, 4, 1.0, 1e-9) - 5
    assert wait == gaps._MAX_GAP_WAIT


def test_anderson_backoff_grows_after_rejections_and_resets():
    backoff, waits = 0, []
    for _ in range(4):
        wait, backoff = sweeps._anderson_backoff(False, backoff)
        waits.append(wait)
    assert sweeps._MAX_ANDERSON_BACKOFF == 3
    assert waits == [1, 3, 3, 3]
    assert sweeps._anderson_backoff(True, backoff) == (0, 0)


def _problem(is_sparse, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(80, 30)
    if is_sparse:
        X = sp.csc_matrix(X * (rng.rand(80, 30) < 0.4))
    y = X @ np.r_[np.linspace(2, -2, 6), np.zeros(24)] + 0.3 * rng.randn(80)
    design = make_design(X, np.asarray(y), fit_intercept=True)
    return X, design


def _run(design, max_epochs, gap_at_end, tol_dw=1e-12, gap_tol=1e-20):
    n_features = design.n_features
    alpha = 0.05 * np.max(np.abs(design.Zy))
    l1 = np.full(n_features, alpha)
    l2 = np.zeros(n_features)
    w = np.zeros(n_features)
    Q = design.y.copy()
    working_set = np.arange(n_features)
    correlations = np.empty(n_features)
    stats = np.empty(2)
    options = Options(False, max_epochs, tol_dw, gap_tol, gap_at_end, False, 0)
    solve = kernels.enet_cd_sparse if design.is_sparse else kernels.enet_cd_dense
    data = _kernel_data(design, None, design.y)
    # no block made beforehand: the kernel makes its own
    prepared = sweeps.unpenalized_block(
        design.is_sparse, data, np.empty(0, np.intp), False
    )
    gap, epochs, evaluated = solve(
        w, Q, data, l1, l2, working_set, options, (correlations, stats), prepared
    )
    return w, l1, gap, epochs, evaluated, correlations, stats


@pytest.mark.parametrize("is_sparse", [False, True])
def test_gap_at_end_describes_the_returned_coefficients(is_sparse):
    # Three epochs cannot reach gap_tol = 1e-20: the kernel stops on its
    # budget. With gap_at_end the gap and the outputs are those of the
    # returned w, computed here independently.
    X, design = _problem(is_sparse)
    w, l1, gap, epochs, evaluated, correlations, stats = _run(design, 3, True)
    assert epochs == 3 and evaluated
    Z = (X.toarray() if is_sparse else X) - design.means
    R = design.y - Z @ w
    assert_allclose(correlations, Z.T @ R, rtol=1e-10, atol=1e-10)
    assert_allclose(stats, [R @ R, R @ design.y], rtol=1e-12)
    scale = min(1.0, np.min(l1 / np.maximum(np.abs(Z.T @ R), 1e-300)))
    primal = 0.5 * R @ R + l1 @ np.abs(w)
    dual = scale * (R @ design.y) - 0.5 * scale**2 * (R @ R)
    assert_allclose(gap, primal - dual, rtol=1e-8)


@pytest.mark.parametrize("is_sparse", [False, True])
def test_without_gap_at_end_an_unfinished_solve_says_so(is_sparse):
    # tol_dw = 0 never lets the coefficients count as settled: no gap is
    # evaluated and the kernel reports that its outputs are not current.
    _, design = _problem(is_sparse)
    *_, evaluated, _, _ = _run(design, 3, False, tol_dw=0.0)
    assert not evaluated


@pytest.mark.parametrize("is_sparse", [False, True])
def test_gap_schedule_reaches_the_same_solution(is_sparse):
    # A converged solve ends on an evaluation (evaluated=True) below gap_tol,
    # and the solution is the one of a run with many more epochs.
    _, design = _problem(is_sparse)
    yy = design.y @ design.y
    w, _, gap, epochs, evaluated, _, _ = _run(design, 10_000, False, 1e-8, 1e-14 * yy)
    assert evaluated and gap <= 1e-14 * yy and epochs < 10_000
    reference, *_ = _run(design, 10_000, False, 1e-12, 1e-24 * yy)
    assert_allclose(w, reference, atol=1e-6 * np.abs(reference).max())


def test_active_set_cycling_alternates_full_and_active_sweeps():
    full = sweeps._next_sweep_is_full
    share = sweeps._ACTIVE_SHARE
    cap = sweeps._MAX_ACTIVE_SWEEPS
    # after a full sweep: active-only sweeps when clearly fewer are nonzero
    assert not full(True, False, 10, 100, 0)
    assert full(True, False, int(share * 100) + 1, 100, 0)
    assert full(True, False, 0, 100, 0)  # nothing active: keep sweeping all
    # after an active-only sweep: a full one once the active ones settle...
    assert not full(False, False, 10, 100, 1)
    assert full(False, True, 10, 100, 1)
    # ... or once the cap of active-only sweeps is reached (a tol too small
    # to settle at must not keep the zeros out for good)
    assert not full(False, False, 10, 100, cap - 1)
    assert full(False, False, 10, 100, cap)


def test_nonzero_into_lists_the_nonzero_coefficients_in_order():
    w = np.array([0.0, 1.0, 0.0, -2.0, 3.0])
    features = np.array([4, 0, 3, 2], dtype=np.intp)
    out = np.empty(4, dtype=np.intp)
    count = sweeps._nonzero_into(w, features, out)
    assert count == 2 and list(out[:count]) == [4, 3]
