"""Products with the implicitly centred design equal the explicit ones."""

import tracemalloc

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn import linear_model

from skreg import Ridge, RidgeCV
from skreg._path.design import Design
from skreg._path.ridge_solvers import centre_data

ALPHAS = np.logspace(-3, 3, 13)


def explicit(X, sample_weight, scale, fit_intercept=True):
    """``diag(sqrt(s)) (X - mean_s(X)) diag(scale)`` formed directly."""
    X = np.asarray(X, dtype=np.float64)
    sw = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    mean = sw @ X / sw.sum() if fit_intercept else np.zeros(X.shape[1])
    Xc = np.sqrt(sw)[:, None] * (X - mean)
    return Xc if scale is None else Xc * scale


def raw_design(X, sample_weight, scale, fit_intercept=True):
    y = np.zeros(X.shape[0])
    design = centre_data(X, y, sample_weight, fit_intercept=fit_intercept)[0]
    assert isinstance(design, Design) and not design.is_sparse
    return design if scale is None else design.scaled(scale)


@pytest.mark.parametrize("shape", [(60, 7), (7, 60)])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scaled", [False, True])
@pytest.mark.parametrize("offset", [0.0, 3.0, 1e6])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_raw_dense_design_products(shape, weighted, scaled, offset, dtype):
    # offset 1e6 with unit spread: a rank-two centring correction of X'X would
    # keep no correct digit, so the products must come from centred blocks
    rng = np.random.RandomState(0)
    X = (rng.randn(*shape) + offset).astype(dtype)
    X_before = X.copy()
    sw = rng.uniform(0.2, 3.0, shape[0]) if weighted else None
    scale = rng.uniform(0.5, 2.0, shape[1]) if scaled else None
    Xc = explicit(X, sw, scale)
    design = raw_design(X, sw, scale)
    B = rng.randn(shape[1], 3)
    R = rng.randn(shape[0], 3)
    tol = 1e-9 if dtype == np.float64 else 1e-5
    assert_allclose(
        design.gram_matrix(), Xc.T @ Xc, rtol=tol, atol=tol * np.abs(Xc).max() ** 2
    )
    assert_allclose(
        design.kernel_matrix(), Xc @ Xc.T, rtol=tol, atol=tol * np.abs(Xc).max() ** 2
    )
    assert_allclose(design.toarray(), Xc, rtol=tol, atol=tol)
    assert_allclose(design.column_sq_norms(), np.sum(Xc**2, axis=0), rtol=tol)
    if offset < 1e6 or dtype == np.float64:
        # products with X_c correct X's products: exact up to the offset's digits
        ptol = tol * (1 + offset)
        assert_allclose(design.matmat(B), Xc @ B, rtol=ptol, atol=ptol)
        assert_allclose(design.rmatmat(R), Xc.T @ R, rtol=ptol, atol=ptol)
    columns = np.array([1, 4])
    assert_allclose(design.toarray(columns), Xc[:, columns], rtol=tol, atol=tol)
    assert np.array_equal(X, X_before)


def test_raw_dense_design_constant_column_is_exactly_centred():
    # a constant column's centred Gram row must be 0, not rounding noise:
    # with pf = 0 that column would otherwise get a huge coefficient
    rng = np.random.RandomState(1)
    X = rng.randn(50, 4)
    X[:, 2] = 7.0
    G = raw_design(X, None, None).gram_matrix()
    assert np.all(G[2] == 0.0)
    reg = Ridge(1.0, penalty_factor=[1.0, 1.0, 0.0, 1.0]).fit(X, rng.randn(50))
    assert reg.coef_[2] == 0.0


def test_sparse_input_gets_the_implicitly_centred_design():
    X = sp.random(30, 8, density=0.3, format="csr", random_state=0)
    design = centre_data(X, np.ones(30), None, fit_intercept=True)[0]
    assert isinstance(design, Design) and design.is_sparse
    assert_allclose(
        design.gram_matrix(),
        explicit(X.toarray(), None, None).T @ explicit(X.toarray(), None, None),
        atol=1e-12,
    )


@pytest.mark.parametrize("offset", [0.5, 1e6])
def test_far_from_zero_means_agree_with_scikit_learn(offset):
    # e.g. timestamps: mean 1e6, spread 1
    rng = np.random.RandomState(2)
    X = rng.randn(300, 20) + offset
    y = (X - offset) @ rng.randn(20) + rng.randn(300)
    ours = Ridge(0.1).fit(X, y)
    ref = linear_model.Ridge(0.1).fit(X, y)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-8)
    assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8)
    X_wide = rng.randn(20, 300) + offset
    y_wide = rng.randn(20)
    ours = Ridge(0.1).fit(X_wide, y_wide)
    ref = linear_model.Ridge(0.1).fit(X_wide, y_wide)
    assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-10)
    for X_, y_ in [(X, y), (X_wide, y_wide)]:
        ours = RidgeCV(alphas=ALPHAS).fit(X_, y_)
        ref = linear_model.RidgeCV(alphas=ALPHAS).fit(X_, y_)
        assert ours.alpha_ == ref.alpha_
        assert_allclose(ours.coef_, ref.coef_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("shape", [(40000, 100), (100, 40000)])
@pytest.mark.parametrize("offset", [0.5, 1e6])
@pytest.mark.parametrize("penalty_factor", [None, "varied"])
def test_dense_ridge_fit_makes_no_copy_of_X(shape, offset, penalty_factor):
    # scikit-learn's Ridge copies X to centre it; skreg's centres on the fly
    # (the fallback for far-from-zero means holds one block of 8 MB at a time).
    rng = np.random.RandomState(3)
    X = rng.randn(*shape) + offset  # 32 MB
    y = rng.randn(shape[0])
    if penalty_factor is not None:
        penalty_factor = np.r_[0.0, rng.uniform(0.5, 2.0, shape[1] - 1)]
    tracemalloc.start()
    Ridge(1.0, penalty_factor=penalty_factor).fit(X, y)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 0.5 * X.nbytes
