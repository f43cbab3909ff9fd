"""Numba kernels that read whole columns once: statistics and norms.

Leaf functions over arrays, called from Python only (never from another
kernel), so that numba's on-disk cache of each is independent of the others.
Centring is implicit, as in :mod:`skreg._kernels.coordinate_descent`: column
``j`` stands for ``z_j = x_j - mean_j * v``.
"""

import numpy as np
from numba import njit

# Reassociation lets LLVM vectorize the dot products; NaN/inf semantics are kept.
_FAST = {"reassoc", "contract"}
# Not for loops over a sparse column's entries: vectorized, their short
# gathers are slower than the scalar loop (see benchmarks/README.md). Those
# loops index with unsigned positions and row indices (np.uintp): with signed
# ones, numba checks every access for a negative index.
_SPARSE_FAST = {"contract"}


@njit(cache=True, nogil=True, fastmath=_FAST)
def centred_column_norms_dense(X, v, means):
    """``||x_j - mean_j v||^2`` for every column, without copying ``X``."""
    n_samples, n_features = X.shape
    norms2 = np.empty(n_features)
    for j in range(n_features):
        total = 0.0
        for i in range(n_samples):
            centred = X[i, j] - means[j] * v[i]
            total += centred * centred
        norms2[j] = total
    return norms2


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def centred_column_norms_sparse(X_data, X_indices, X_indptr, v, means):
    """``||x_j - mean_j v||^2`` for every CSC column, touching stored entries."""
    n_features = X_indptr.shape[0] - 1
    vv = 0.0
    for i in range(v.shape[0]):
        vv += v[i] * v[i]
    norms2 = np.empty(n_features)
    for j in range(n_features):
        m = means[j]
        # Start from the all-zero column, then correct the stored rows.
        total = m * m * vv
        for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
            vi = v[np.uintp(X_indices[p])]
            centred = X_data[p] - m * vi
            total += centred * centred - m * m * vi * vi
        norms2[j] = max(total, 0.0)
    return norms2


@njit(cache=True, nogil=True, fastmath=_FAST)
def column_statistics_dense(X, v, y):
    """``x_j' v``, ``x_j' x_j`` and ``x_j' y`` for every column, in one pass.

    Four columns share each read of ``v`` and ``y``: for tall ``X`` these do
    not stay in cache, and reading them once per column would cost twice the
    memory traffic of ``X`` itself.
    """
    n_samples, n_features = X.shape
    Xv = np.empty(n_features)
    XX = np.empty(n_features)
    Xy = np.empty(n_features)
    j = 0
    while j + 4 <= n_features:
        v0 = v1 = v2 = v3 = 0.0
        s0 = s1 = s2 = s3 = 0.0
        y0 = y1 = y2 = y3 = 0.0
        for i in range(n_samples):
            vi = v[i]
            yi = y[i]
            x0 = X[i, j]
            x1 = X[i, j + 1]
            x2 = X[i, j + 2]
            x3 = X[i, j + 3]
            v0 += x0 * vi
            v1 += x1 * vi
            v2 += x2 * vi
            v3 += x3 * vi
            s0 += x0 * x0
            s1 += x1 * x1
            s2 += x2 * x2
            s3 += x3 * x3
            y0 += x0 * yi
            y1 += x1 * yi
            y2 += x2 * yi
            y3 += x3 * yi
        Xv[j], Xv[j + 1], Xv[j + 2], Xv[j + 3] = v0, v1, v2, v3
        XX[j], XX[j + 1], XX[j + 2], XX[j + 3] = s0, s1, s2, s3
        Xy[j], Xy[j + 1], Xy[j + 2], Xy[j + 3] = y0, y1, y2, y3
        j += 4
    remainder = j
    for j in range(remainder, n_features):
        sv = 0.0
        ss = 0.0
        sy = 0.0
        for i in range(n_samples):
            x = X[i, j]
            sv += x * v[i]
            ss += x * x
            sy += x * y[i]
        Xv[j] = sv
        XX[j] = ss
        Xy[j] = sy
    return Xv, XX, Xy


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def column_statistics_sparse(X_data, X_indices, X_indptr, v, y, unit_weights):
    """``x_j' v``, ``x_j' x_j`` and ``x_j' y`` for every CSC column, in one pass.

    With ``unit_weights`` (``v`` all ones), ``x_j' v`` is the column sum and
    ``v`` is not read: one gather per stored entry fewer.
    """
    n_features = X_indptr.shape[0] - 1
    Xv = np.empty(n_features)
    XX = np.empty(n_features)
    Xy = np.empty(n_features)
    for j in range(n_features):
        sv = 0.0
        ss = 0.0
        sy = 0.0
        for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
            x = X_data[p]
            i = np.uintp(X_indices[p])
            sv += x if unit_weights else x * v[i]
            ss += x * x
            sy += x * y[i]
        Xv[j] = sv
        XX[j] = ss
        Xy[j] = sy
    return Xv, XX, Xy


@njit(cache=True, nogil=True, fastmath=_FAST)
def float32_shadow(X):
    """A float32 copy of dense ``X`` (flattened column by column) and its error.

    Returns ``(shadow, errors)``: ``shadow[j * n_samples + i]`` is ``X[i, j]``
    rounded to float32, and ``errors[j]`` bounds ``||x_j - fl32(x_j)||``
    (the exact norm, with 1 % to spare for the rounding of its own sum). The
    KKT check's full passes read the shadow, half the bytes of ``X``, and add
    ``errors[j] ||R||`` to the bound of each correlation they compute.
    """
    n_samples, n_features = X.shape
    shadow = np.empty(n_samples * n_features, dtype=np.float32)
    errors = np.empty(n_features)
    for j in range(n_features):
        base = j * n_samples
        total = 0.0
        for i in range(n_samples):
            rounded = np.float32(X[i, j])
            shadow[base + i] = rounded
            difference = X[i, j] - np.float64(rounded)
            total += difference * difference
        errors[j] = 1.01 * np.sqrt(total)
    return shadow, errors
