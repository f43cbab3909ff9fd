"""The Gram kernel against NumPy, and the designs and fits that use it."""

import numpy as np
import pytest
from _problems import relative_error, sparse_signal_problem
from sklearn import linear_model as sk

from skreg import ElasticNet
from skreg._kernels.gram import gram_statistics_dense
from skreg._path.design import make_design

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


# Every remainder of n_features modulo the block widths (4 rows, 6 columns),
# and row counts on both sides of a chunk boundary (512 rows).
@pytest.mark.parametrize("n_features", [1, 2, 3, 5, 6, 7, 10, 13, 14, 25])
@pytest.mark.parametrize("n_samples", [1, 511, 513, 1100])
def test_gram_statistics_equal_numpy(n_samples, n_features):
    rng = np.random.RandomState(n_samples + 100 * n_features)
    X = np.asfortranarray(
        rng.randn(n_samples, n_features) * rng.uniform(0.1, 9, n_features)
    )
    v = rng.uniform(0.2, 2.0, n_samples)
    y = rng.randn(n_samples)
    before = X.copy()
    gram, Xv, Xy = gram_statistics_dense(X, v, y)
    scale = np.abs(X).max() ** 2 * n_samples
    np.testing.assert_allclose(gram, X.T @ X, rtol=0, atol=1e-14 * scale)
    np.testing.assert_allclose(Xv, X.T @ v, rtol=1e-12, atol=1e-14 * scale)
    np.testing.assert_allclose(Xy, X.T @ y, rtol=1e-12, atol=1e-14 * scale)
    assert np.array_equal(gram, gram.T)
    assert gram.flags.c_contiguous and gram.dtype == np.float64
    assert np.array_equal(X, before)


def test_float32_columns_are_multiplied_in_double_precision():
    rng = np.random.RandomState(0)
    X = np.asfortranarray(rng.randn(5000, 9).astype(np.float32) + 3)
    gram, _, _ = gram_statistics_dense(X, np.ones(5000), np.zeros(5000))
    exact = X.astype(np.float64).T @ X.astype(np.float64)
    assert relative_error(gram, exact) < 1e-13
    # A product accumulated in float32 is about a million times further off.
    assert relative_error(X.T @ X, exact) > 1e-9


def test_no_features_give_empty_statistics():
    gram, Xv, Xy = gram_statistics_dense(
        np.zeros((4, 0), order="F"), np.ones(4), np.ones(4)
    )
    assert gram.shape == (0, 0) and Xv.shape == Xy.shape == (0,)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_design_with_its_gram_matrix_has_the_same_statistics(weighted, dtype):
    X, y = sparse_signal_problem(n_samples=300, n_features=17)
    X = np.asfortranarray(X.astype(dtype) + 2)
    weights = np.random.RandomState(2).uniform(0.2, 3, 300) if weighted else None
    if weights is not None:
        weights *= 300 / weights.sum()
    plain = make_design(X, y, weights, fit_intercept=True)
    fused = make_design(X, y, weights, fit_intercept=True, form_gram=True)
    assert plain.XtX is None and fused.XtX.shape == (17, 17)
    # References in double precision from the stored rows (sqrt(s) x_i, in
    # X's dtype) and v = sqrt(s).
    stored, v = fused.X.astype(np.float64), fused.v
    means = stored.T @ v / fused.n_samples
    Z = stored - np.outer(v, means)
    y_centred = fused.y
    exact = {"means": means, "norms2": (Z**2).sum(axis=0), "Zy": Z.T @ y_centred}
    # The separate statistics pass multiplies float32 values in float32.
    rtol = 1e-10 if dtype == np.float64 else 1e-6
    for name, expected in exact.items():
        assert relative_error(getattr(fused, name), expected) < 1e-10
        assert relative_error(getattr(plain, name), expected) < rtol
    gram, Zy = fused.gram()
    assert relative_error(gram, Z.T @ Z) < 1e-10
    assert relative_error(plain.gram()[0], gram) < 1e-12
    np.testing.assert_array_equal(Zy, fused.Zy)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gram_mode_fit_agrees_with_scikit_learn(fit_intercept, weighted, dtype):
    X, y = sparse_signal_problem(n_samples=400, n_features=23)
    X = np.asfortranarray((X + 1).astype(dtype))
    weights = np.random.RandomState(4).uniform(0.2, 3, 400) if weighted else None
    settings = dict(alpha=0.05, l1_ratio=0.7, fit_intercept=fit_intercept)
    ours = ElasticNet(precompute=True, **settings, **TIGHT)
    ours.fit(X, y.astype(dtype), sample_weight=weights)
    reference = sk.ElasticNet(**settings, **TIGHT)
    reference.fit(X.astype(np.float64), y, sample_weight=weights)
    assert relative_error(ours.coef_, reference.coef_) < 1e-6
    assert abs(ours.intercept_ - reference.intercept_) < 1e-6 * max(
        1.0, abs(reference.intercept_)
    )


def test_wide_designs_form_the_gram_matrix_with_blas(monkeypatch):

    X, y = sparse_signal_problem(n_samples=200, n_features=9)
    X = np.asfortranarray(X)
    kernel = make_design(X, y, fit_intercept=True, form_gram=True)
    from skreg._kernels import gram as _gram_kernels

    monkeypatch.setattr(_gram_kernels, "MAX_FEATURES", 8)
    blas = make_design(X, y, fit_intercept=True, form_gram=True)
    assert relative_error(blas.XtX, kernel.XtX) < 1e-14
    for name in ("column_v", "norms2", "Zy"):
        assert relative_error(getattr(blas, name), getattr(kernel, name)) < 1e-13
    assert relative_error(blas.gram()[0], kernel.gram()[0]) < 1e-12
