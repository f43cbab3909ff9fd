"""The exact merge of centred co-moments (Chan et al.), without a cluster."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skreg._dask.moments import block_moments, held_out_mse, merge, without


def data(seed=0, n=300, p=4, offset=0.0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p) + offset
    return X, X @ rng.randn(p) + rng.randn(n) + offset, rng.uniform(0, 2, n)


@pytest.mark.parametrize(
    "offset", [0.0, 30.0, 1e6]
)  # raw products, both sides of the limit
@pytest.mark.parametrize("weighted", [True, False])
def test_merged_blocks_are_the_moments_of_the_whole(offset, weighted):
    X, y, w = data(offset=offset)
    if not weighted:
        w = np.ones_like(w)  # given as None: the raw-products path
    whole = block_moments(X, y, w)
    merged = block_moments(X[:7], y[:7], w[:7] if weighted else None)
    for start, stop in [(7, 100), (100, 101), (101, 300)]:
        merged = merge(
            merged, block_moments(X[start:stop], y[start:stop], w[start:stop])
        )
    assert merged.rows == 300 and merged.weight == pytest.approx(w.sum())
    assert_allclose(merged.x_mean, whole.x_mean, rtol=1e-14)
    # centred co-moments stay accurate far from the origin
    Xc = X - np.average(X, axis=0, weights=w)
    reference = Xc.T @ (w[:, None] * Xc)
    scale = np.abs(reference).max()
    assert np.abs(merged.xx - reference).max() <= 1e-9 * scale
    assert_allclose(merged.xy, whole.xy, rtol=1e-7)
    assert merged.yy == pytest.approx(whole.yy, rel=1e-9)
    if offset > 1e3:
        # a naive sum of raw products loses the digits that the offset takes
        naive = X.T @ (w[:, None] * X) - w.sum() * np.outer(
            merged.x_mean, merged.x_mean
        )
        assert (
            np.abs(naive - reference).max() > 1e3 * np.abs(merged.xx - reference).max()
        )


def test_without_undoes_merge_and_the_held_out_error_is_a_quadratic_form():
    X, y, w = data(1)
    first, rest = (
        block_moments(X[:90], y[:90], w[:90]),
        block_moments(X[90:], y[90:], w[90:]),
    )
    total = merge(first, rest)
    back = without(total, first)
    assert_allclose(back.xx, rest.xx, rtol=1e-10)
    assert_allclose(back.x_mean, rest.x_mean, rtol=1e-12)
    assert back.rows == rest.rows
    coefs = np.random.RandomState(2).randn(4, 3)
    intercepts = np.array([0.0, 1.0, -2.0])
    errors = y[:90, None] - X[:90] @ coefs - intercepts
    expected = np.average(errors**2, axis=0, weights=w[:90])
    assert_allclose(held_out_mse(first, coefs, intercepts), expected, rtol=1e-10)


def test_bad_values_are_named():
    X, y, w = data()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        block_moments(X, y, w)
    X[3, 1] = 0.0
    w[0] = -1.0
    with pytest.raises(ValueError, match="sample_weight"):
        block_moments(X, y, w)
