"""The column dot products of the KKT passes, in both of their loop orders."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skreg._kernels.correlations import _SHORT_COLUMN_BYTES, _column_dots_dense


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("short", [True, False])
@pytest.mark.parametrize("share", ["all", "most", "few"])
def test_column_dots_equal_numpy_in_both_loop_orders(dtype, short, share):
    # Short columns listed in bulk are read one at a time, the others four at
    # a time (with a remainder): every case gives x_j' R for the listed j.
    itemsize = np.dtype(dtype).itemsize
    limit = _SHORT_COLUMN_BYTES // itemsize
    n_samples = limit if short else limit + 1
    rng = np.random.RandomState(0)
    X = np.asfortranarray(rng.randn(n_samples, 23).astype(dtype))
    R = rng.randn(n_samples)
    features = {
        "all": np.arange(23),
        "most": np.setdiff1d(np.arange(23), [3, 17]),
        "few": np.array([21, 2, 8, 5, 13]),
    }[share]
    out = np.full(features.shape[0], np.nan)
    _column_dots_dense(X, R, features, out)
    expected = X[:, features].astype(np.float64).T @ R
    assert_allclose(out, expected, rtol=1e-12, atol=1e-10 * np.abs(expected).max())
