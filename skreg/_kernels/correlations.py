"""Correlations ``Z' R`` of the implicitly centred design with a residual.

``z_j' R = x_j' R - mean_j v' R`` for the stored column ``x_j``: the design is
never centred in memory (see :mod:`skreg._kernels.coordinate_descent`).
"""

import numpy as np
from numba import njit

from .gaps import _FAST, _SPARSE_FAST


@njit(cache=True, nogil=True, fastmath=_FAST)
def _dot(a, b):
    """``a' b`` for contiguous vectors, vectorized (reassociated).

    The sums over ``n_samples`` of this module go through here or carry
    ``_FAST`` themselves: without reassociation each waits on one chain of
    additions, about 4 cycles per sample.
    """
    total = 0.0
    for i in range(a.shape[0]):
        total += a[i] * b[i]
    return total


# Short columns (this many bytes at most) are read one at a time when most of
# them are listed: the pass is then one sequential stream, which the hardware
# prefetcher follows, and R stays in cache anyway. Four interleaved short
# streams run at about half that speed from memory (500 x 5000: 1.27 against
# 0.59 ms for the float32 shadow, 1.71 against 0.92 ms for float64; the
# timings are in benchmarks/README.md, bench_column_passes.py).
_SHORT_COLUMN_BYTES = 8192


@njit(cache=True, nogil=True, fastmath=_FAST)
def _column_dots_dense(X, R, features, out):
    """``out[k] = x_j' R`` for ``j = features[k]``, four columns per read of R.

    For tall ``X``, ``R`` does not stay in cache: one read per column would
    double the memory traffic of the pass. Short columns, when most of ``X``
    is listed, are read one at a time instead (see ``_SHORT_COLUMN_BYTES``).
    """
    n_samples = X.shape[0]
    count = features.shape[0]
    if n_samples * X.itemsize <= _SHORT_COLUMN_BYTES and 2 * count >= X.shape[1]:
        for k in range(count):
            j = features[k]
            dot = 0.0
            for i in range(n_samples):
                dot += X[i, j] * R[i]
            out[k] = dot
        return
    k = 0
    while k + 4 <= count:
        j0, j1, j2, j3 = features[k], features[k + 1], features[k + 2], features[k + 3]
        d0 = d1 = d2 = d3 = 0.0
        for i in range(n_samples):
            r = R[i]
            d0 += X[i, j0] * r
            d1 += X[i, j1] * r
            d2 += X[i, j2] * r
            d3 += X[i, j3] * r
        out[k], out[k + 1], out[k + 2], out[k + 3] = d0, d1, d2, d3
        k += 4
    remainder = k
    for k in range(remainder, count):
        j = features[k]
        dot = 0.0
        for i in range(n_samples):
            dot += X[i, j] * R[i]
        out[k] = dot


@njit(cache=True, nogil=True, fastmath=_FAST)
def centred_correlations_dense(X, R, v, means):
    """``z_j' R = x_j' R - mean_j v' R`` for every column of dense ``X``."""
    n_features = X.shape[1]
    vR = _dot(v, R)
    out = np.empty(n_features)
    _column_dots_dense(X, R, np.arange(n_features), out)
    for j in range(n_features):
        out[j] -= means[j] * vR
    return out


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def centred_correlations_sparse(X_data, X_indices, X_indptr, R, v, means):
    """``z_j' R`` for every column of CSC ``X``."""
    n_features = X_indptr.shape[0] - 1
    vR = _dot(v, R)
    out = np.empty(n_features)
    for j in range(n_features):
        dot = 0.0
        for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
            dot += X_data[p] * R[np.uintp(X_indices[p])]
        out[j] = dot - means[j] * vR
    return out


@njit(cache=True, nogil=True, fastmath=_FAST)
def centred_correlations_subset_dense(X, R, v, means, features):
    """``z_j' R`` for the listed columns of dense ``X`` only."""
    vR = _dot(v, R)
    out = np.empty(features.shape[0])
    _column_dots_dense(X, R, features, out)
    for k in range(features.shape[0]):
        out[k] -= means[features[k]] * vR
    return out


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def centred_correlations_subset_sparse(
    X_data, X_indices, X_indptr, R, v, means, features
):
    """``z_j' R`` for the listed columns of CSC ``X`` only."""
    vR = _dot(v, R)
    out = np.empty(features.shape[0])
    for k in range(features.shape[0]):
        j = features[k]
        dot = 0.0
        for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
            dot += X_data[p] * R[np.uintp(X_indices[p])]
        out[k] = dot - means[j] * vR
    return out


@njit(cache=True, nogil=True)
def _copy_into(out, values):
    """``out[:] = values`` for 1-D arrays of equal length, as a plain loop
    (numba's slice assignment compiles a shape check with string formatting
    that costs seconds on a cold cache)."""
    for i in range(out.shape[0]):
        out[i] = values[i]


@njit(cache=True, nogil=True)
def _residual(Q, w, means, v, R):
    """``R = Q + (means . w) v``: the residual of the implicitly centred design."""
    t = _dot(means, w)
    for i in range(Q.shape[0]):
        R[i] = Q[i] + t * v[i]


@njit(cache=True, nogil=True)
def correlations_of(is_sparse, data, R, features):
    """``z_j' R`` for the listed ``features`` of the stored design ``data``."""
    if is_sparse:
        return centred_correlations_subset_sparse(
            data.X_data, data.X_indices, data.X_indptr, R, data.v, data.means,
            features,
        )  # fmt: skip
    return centred_correlations_subset_dense(data.X, R, data.v, data.means, features)


@njit(cache=True, nogil=True)
def all_correlations(is_sparse, data, R):
    """``z_j' R`` for every feature of the stored design ``data``."""
    if is_sparse:
        return centred_correlations_sparse(
            data.X_data, data.X_indices, data.X_indptr, R, data.v, data.means
        )
    return centred_correlations_dense(data.X, R, data.v, data.means)
