"""lasso_path and enet_path on dask data: the NumPy path of the computed arrays."""

import dask.array as da
import dask.dataframe as dd
import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes

from skreg import enet_path, lasso_path

TIGHT = {"tol": 1e-12, "max_iter": 100_000}


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    weights = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    return X, y, weights


def assert_same_path(found, expected):
    assert all(isinstance(array, np.ndarray) for array in found[:3])
    assert_allclose(found[0], expected[0], rtol=1e-10)
    scale = np.abs(expected[1]).max()
    assert_allclose(found[1], expected[1], rtol=1e-8, atol=1e-8 * scale)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.4])
def test_paths_equal_numpy(client, diabetes, weighted, l1_ratio):
    X, y, weights = diabetes
    X, y = X.to_numpy(), y.to_numpy() - y.mean()  # no intercept: centre y
    pf = np.linspace(0.5, 2.0, X.shape[1])
    pf[2] = 0.0
    options = {"penalty_factor": pf, "alphas": 20, "positive": l1_ratio < 1, **TIGHT}
    Xd, yd = da.from_array(X, chunks=(70, 5)), da.from_array(y, chunks=70)
    if weighted:
        options_np = {**options, "sample_weight": weights}
        options_dask = {**options, "sample_weight": da.from_array(weights, chunks=70)}
    else:
        options_np = options_dask = options
    expected = enet_path(X, y, l1_ratio=l1_ratio, **options_np)
    found = enet_path(Xd, yd, l1_ratio=l1_ratio, **options_dask)
    assert_same_path(found, expected)


def test_lasso_path_of_a_dataframe_with_given_alphas(client, diabetes):
    X, y, _ = diabetes
    alphas = [0.5, 0.05, 2.0]
    expected = lasso_path(X, y, alphas=alphas, return_n_iter=True, **TIGHT)
    Xd, yd = dd.from_pandas(X, npartitions=3), dd.from_pandas(y, npartitions=3)
    found = lasso_path(Xd, yd, alphas=alphas, return_n_iter=True, **TIGHT)
    assert len(found) == 4 and len(found[3]) == 3
    assert_same_path(found, expected)
    # a warm start from the computed path's last point
    coef_init = expected[1][:, -1]
    warm = lasso_path(Xd, yd, alphas=[0.04], coef_init=coef_init, **TIGHT)
    cold = lasso_path(X, y, alphas=[0.04], **TIGHT)
    assert_same_path(warm, cold)


def test_float32_dask_x_gives_float32_coefficients(client, diabetes):
    X, y, _ = diabetes
    X32 = da.from_array(X.to_numpy(np.float32), chunks=(100, 10))
    _, coefs, _ = lasso_path(X32, y.to_numpy(np.float32), alphas=5)
    assert coefs.dtype == np.float32


def test_what_only_applies_in_memory_is_refused(client, diabetes):
    X, y, _ = diabetes
    Xd, yd = da.from_array(X.to_numpy(), chunks=(100, 10)), y.to_numpy()
    with pytest.raises(ValueError, match="Xy must be None"):
        lasso_path(Xd, yd, Xy=np.zeros(10))
    with pytest.raises(ValueError, match="precompute must be a bool"):
        enet_path(Xd, yd, precompute=np.eye(10))
    with pytest.raises(ValueError, match="X_offset and X_scale"):
        lasso_path(Xd, yd, X_offset=np.zeros(10))
    with pytest.raises(ValueError, match="y must be 1-D \\(one target\\)"):
        lasso_path(Xd, np.c_[yd, yd])
