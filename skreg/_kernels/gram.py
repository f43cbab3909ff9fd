"""Numba kernel forming the Gram matrix of a dense design in one pass.

``X'X`` costs ``n p^2 / 2`` multiply-adds: for tall ``X`` (``n >> p``) it is
most of a Gram-mode path. The kernel reads ``X`` once, in chunks of rows that
stay in the L2 cache, and within a chunk computes blocks of 4 x 6 entries at a
time: 24 running sums that LLVM keeps in vector registers, so that each value
loaded from the chunk feeds four or six multiply-adds. Only the upper
triangle is computed (the diagonal blocks' with 21 sums), then mirrored. It
also accumulates ``X'v`` and ``X'y`` on the chunk while it is in cache, which
spares the separate pass of
:func:`skreg._kernels.columns.column_statistics_dense`.

Sums are accumulated in float64, also for float32 ``X``. The kernel is
compiled for the host's vector instructions (AVX-512 where present), which a
BLAS built for older processors may not use, and runs on one thread. Wider
than :data:`MAX_FEATURES`, a chunk of rows no longer fits in L2 and BLAS is
faster; callers use it there. The timings against OpenBLAS's ``syrk`` behind
both choices are in ``benchmarks/README.md`` ("Measurements behind the
code's constants").
"""

import numpy as np
from numba import njit

# Reassociation lets LLVM vectorize the sums over rows; NaN/inf semantics are kept.
_FAST = {"reassoc", "contract"}

# Rows per chunk: a chunk of 100 float64 columns is 400 KB, within a
# core's L2 cache. Each block's 24 sums are reduced across
# vector lanes once per chunk; shorter chunks spend more time on that.
_CHUNK_ROWS = 512

# Up to this many features the kernel beats single-threaded OpenBLAS
# (benchmarks/README.md).
MAX_FEATURES = 2000


@njit(cache=True, nogil=True, fastmath=_FAST)
def gram_statistics_dense(X, v, y):
    """``X'X``, ``X'v`` and ``X'y`` of Fortran-ordered ``X``, in one pass.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), Fortran-ordered
        float32 or float64.
    v, y : ndarray of shape (n_samples,), float64

    Returns
    -------
    gram : ndarray of shape (n_features, n_features), float64, C-ordered
        ``X'X``, exactly symmetric.
    Xv, Xy : ndarray of shape (n_features,), float64
    """
    n_samples, n_features = X.shape
    p = np.uintp(n_features)
    gram = np.zeros((n_features, n_features))
    Xv = np.zeros(n_features)
    Xy = np.zeros(n_features)
    if n_features == 0:
        return gram, Xv, Xy
    for start in range(0, n_samples, _CHUNK_ROWS):
        # Unsigned row and column indices: with signed ones numba guards
        # every load against a negative index and LLVM falls back to gathers.
        r0 = np.uintp(start)
        r1 = np.uintp(min(start + _CHUNK_ROWS, n_samples))
        for j0 in range(np.uintp(0), p, np.uintp(6)):
            # Columns j0..j0+5: blocks of four rows above them, two more rows
            # when j0 is not a multiple of four, their own triangle, then
            # x_j' v and x_j' y. Their first reads from memory come with many
            # multiply-adds each, which hides the memory's latency (a
            # separate statistics loop would expose it).
            # Columns past the last are clamped to it: computed, not stored.
            above = j0 - j0 % np.uintp(4)
            four = np.uintp(4)
            for i0 in range(np.uintp(0), above, four):
                _add_block_4x6(X, gram, r0, r1, i0, four, j0, p)
            if above < j0:
                _add_block_4x6(X, gram, r0, r1, above, j0 - above, j0, p)
            _add_triangle_6(X, gram, r0, r1, j0, p)
            _add_statistics_6(X, v, y, Xv, Xy, r0, r1, j0, p)
    for i in range(p):
        for j in range(i):
            gram[i, j] = gram[j, i]
    return gram, Xv, Xy


@njit(cache=True, nogil=True, inline="always")
def _columns(j0, p):
    """Six column indices from ``j0``, those past the last clamped to it."""
    last = p - np.uintp(1)
    return (
        j0,
        min(j0 + np.uintp(1), last),
        min(j0 + np.uintp(2), last),
        min(j0 + np.uintp(3), last),
        min(j0 + np.uintp(4), last),
        min(j0 + np.uintp(5), last),
    )


@njit(cache=True, nogil=True, inline="always")
def _row_of_6(X, r, columns):
    """Row ``r`` of the six ``columns`` of ``X``, as float64 values."""
    c0, c1, c2, c3, c4, c5 = columns
    return (
        np.float64(X[r, c0]),
        np.float64(X[r, c1]),
        np.float64(X[r, c2]),
        np.float64(X[r, c3]),
        np.float64(X[r, c4]),
        np.float64(X[r, c5]),
    )


@njit(cache=True, nogil=True, fastmath=_FAST)
def _add_block_4x6(X, gram, r0, r1, i0, n_rows, j0, p):
    """Add rows ``r0:r1`` of ``x_i' x_j`` for i in i0..i0+n_rows-1, j0..j0+5.

    The 24 sums stay in vector registers: ten loads per row feed them. With
    ``n_rows`` (2 or 4) = 2, the last row is loaded again and not stored.
    Every ``i`` is below ``j0``: the block lies above the diagonal.
    """
    columns = _columns(j0, p)
    last = i0 + n_rows - np.uintp(1)
    i1 = i0 + np.uintp(1)
    i2 = min(i0 + np.uintp(2), last)
    i3 = min(i0 + np.uintp(3), last)
    s00 = s01 = s02 = s03 = s04 = s05 = 0.0
    s10 = s11 = s12 = s13 = s14 = s15 = 0.0
    s20 = s21 = s22 = s23 = s24 = s25 = 0.0
    s30 = s31 = s32 = s33 = s34 = s35 = 0.0
    for r in range(r0, r1):
        x0 = np.float64(X[r, i0])
        x1 = np.float64(X[r, i1])
        x2 = np.float64(X[r, i2])
        x3 = np.float64(X[r, i3])
        z0, z1, z2, z3, z4, z5 = _row_of_6(X, r, columns)
        s00 += x0 * z0
        s01 += x0 * z1
        s02 += x0 * z2
        s03 += x0 * z3
        s04 += x0 * z4
        s05 += x0 * z5
        s10 += x1 * z0
        s11 += x1 * z1
        s12 += x1 * z2
        s13 += x1 * z3
        s14 += x1 * z4
        s15 += x1 * z5
        s20 += x2 * z0
        s21 += x2 * z1
        s22 += x2 * z2
        s23 += x2 * z3
        s24 += x2 * z4
        s25 += x2 * z5
        s30 += x3 * z0
        s31 += x3 * z1
        s32 += x3 * z2
        s33 += x3 * z3
        s34 += x3 * z4
        s35 += x3 * z5
    _add_row(gram, i0, j0, p, s00, s01, s02, s03, s04, s05)
    _add_row(gram, i1, j0, p, s10, s11, s12, s13, s14, s15)
    if n_rows == 4:
        _add_row(gram, i2, j0, p, s20, s21, s22, s23, s24, s25)
        _add_row(gram, i3, j0, p, s30, s31, s32, s33, s34, s35)


@njit(cache=True, nogil=True, fastmath=_FAST)
def _add_triangle_6(X, gram, r0, r1, j0, p):
    """Add rows ``r0:r1`` of ``x_i' x_j`` for j0 <= i <= j < j0 + 6.

    The upper triangle of the diagonal block: 21 sums, six loads per row.
    """
    columns = _columns(j0, p)
    s00 = s01 = s02 = s03 = s04 = s05 = 0.0
    s11 = s12 = s13 = s14 = s15 = 0.0
    s22 = s23 = s24 = s25 = 0.0
    s33 = s34 = s35 = 0.0
    s44 = s45 = 0.0
    s55 = 0.0
    for r in range(r0, r1):
        z0, z1, z2, z3, z4, z5 = _row_of_6(X, r, columns)
        s00 += z0 * z0
        s01 += z0 * z1
        s02 += z0 * z2
        s03 += z0 * z3
        s04 += z0 * z4
        s05 += z0 * z5
        s11 += z1 * z1
        s12 += z1 * z2
        s13 += z1 * z3
        s14 += z1 * z4
        s15 += z1 * z5
        s22 += z2 * z2
        s23 += z2 * z3
        s24 += z2 * z4
        s25 += z2 * z5
        s33 += z3 * z3
        s34 += z3 * z4
        s35 += z3 * z5
        s44 += z4 * z4
        s45 += z4 * z5
        s55 += z5 * z5
    # Entries below the diagonal get zeros: the mirror overwrites them.
    _add_row(gram, j0, j0, p, s00, s01, s02, s03, s04, s05)
    _add_row(gram, j0 + np.uintp(1), j0, p, 0.0, s11, s12, s13, s14, s15)
    _add_row(gram, j0 + np.uintp(2), j0, p, 0.0, 0.0, s22, s23, s24, s25)
    _add_row(gram, j0 + np.uintp(3), j0, p, 0.0, 0.0, 0.0, s33, s34, s35)
    _add_row(gram, j0 + np.uintp(4), j0, p, 0.0, 0.0, 0.0, 0.0, s44, s45)
    _add_row(gram, j0 + np.uintp(5), j0, p, 0.0, 0.0, 0.0, 0.0, 0.0, s55)


@njit(cache=True, nogil=True, fastmath=_FAST)
def _add_statistics_6(X, v, y, Xv, Xy, r0, r1, j0, p):
    """Add rows ``r0:r1`` of ``x_j' v`` and ``x_j' y`` for j in j0..j0+5."""
    columns = _columns(j0, p)
    v0 = v1 = v2 = v3 = v4 = v5 = 0.0
    y0 = y1 = y2 = y3 = y4 = y5 = 0.0
    for r in range(r0, r1):
        vr = v[r]
        yr = y[r]
        z0, z1, z2, z3, z4, z5 = _row_of_6(X, r, columns)
        v0 += z0 * vr
        v1 += z1 * vr
        v2 += z2 * vr
        v3 += z3 * vr
        v4 += z4 * vr
        v5 += z5 * vr
        y0 += z0 * yr
        y1 += z1 * yr
        y2 += z2 * yr
        y3 += z3 * yr
        y4 += z4 * yr
        y5 += z5 * yr
    _add_entries(Xv, j0, p, v0, v1, v2, v3, v4, v5)
    _add_entries(Xy, j0, p, y0, y1, y2, y3, y4, y5)


@njit(cache=True, nogil=True, inline="always")
def _add_row(gram, i, j0, p, s0, s1, s2, s3, s4, s5):
    """Add one block row's six sums to ``gram[i, j0:j0+6]``, inside the matrix."""
    if i < p:
        _add_entries(gram[i], j0, p, s0, s1, s2, s3, s4, s5)


@njit(cache=True, nogil=True, inline="always")
def _add_entries(vector, j0, p, s0, s1, s2, s3, s4, s5):
    """Add six sums to ``vector[j0:j0+6]``, dropping those past ``p``."""
    if j0 + np.uintp(6) <= p:
        vector[j0] += s0
        vector[j0 + np.uintp(1)] += s1
        vector[j0 + np.uintp(2)] += s2
        vector[j0 + np.uintp(3)] += s3
        vector[j0 + np.uintp(4)] += s4
        vector[j0 + np.uintp(5)] += s5
        return
    sums = (s0, s1, s2, s3, s4, s5)
    for k in range(p - j0):
        vector[j0 + k] += sums[k]
