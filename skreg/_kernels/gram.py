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
    all_columns = np.arange(n_features)
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
            _add_upper_group(X, gram, r0, r1, all_columns, j0)
            _add_statistics_6(X, v, y, Xv, Xy, r0, r1, j0, p)
    for i in range(p):
        for j in range(i):
            gram[i, j] = gram[j, i]
    return gram, Xv, Xy


@njit(cache=True, nogil=True, fastmath=_FAST)
def fill_rows(X, features, v, means, column_v, norms2, gram, filled):
    """Rows ``features`` of ``Z'Z`` into ``gram``, from Fortran-ordered ``X``.

    Row ``j`` is ``z_j' Z`` over every column, ``z`` the implicitly centred
    columns (``x_j - means_j v``); its diagonal entry is set to ``norms2[j]``,
    the norm the design computed (exactly, where centring cancels digits).
    Entries in the columns of rows already filled are copied from them (the
    matrix is symmetric); the others are computed in one pass over ``X``, in
    chunks of rows as in :func:`gram_statistics_dense`: each chunk is read
    from memory once, while the batch's columns stay in cache. ``filled[j]``
    is set for each row.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), Fortran-ordered
    features : ndarray of int
        Distinct features whose rows are filled (none filled yet).
    v, means, column_v, norms2 : ndarray
        ``v`` the square roots of the sample weights (shape (n_samples,)),
        and per feature the column means, ``x_j' v`` and ``||z_j||^2``.
    gram : ndarray of shape (n_features, n_features), C-ordered
        Written in the rows ``features``.
    filled : ndarray of bool of shape (n_features,)
    """
    n_samples, n_features = X.shape
    batch = np.uintp(features.shape[0])
    if batch == 0:
        return
    in_batch = np.zeros(n_features, dtype=np.bool_)
    for k in range(batch):
        in_batch[features[k]] = True
    # the unfilled columns outside the batch: a rectangle of blocks
    others = np.flatnonzero(~filled & ~in_batch)
    n_others = np.uintp(others.shape[0])
    for k in range(batch):
        j = features[k]
        for m in range(n_features):
            gram[j, m] = gram[m, j] if filled[m] else 0.0
    four = np.uintp(4)
    six = np.uintp(6)
    for start in range(0, n_samples, _CHUNK_ROWS):
        r0 = np.uintp(start)
        r1 = np.uintp(min(start + _CHUNK_ROWS, n_samples))
        for c in range(np.uintp(0), n_others, six):
            columns = _gathered_6(others, c, n_others)
            n_columns = min(six, n_others - c)
            for g in range(np.uintp(0), batch, four):
                rows = _gathered_4(features, g, min(four, batch - g))
                n_rows = min(four, batch - g)
                _add_block_4x6(X, gram, r0, r1, rows, n_rows, columns, n_columns)
        # within the batch, the upper triangle only (mirrored below)
        for j0 in range(np.uintp(0), batch, six):
            _add_upper_group(X, gram, r0, r1, features, j0)
    for a in range(batch):
        for b in range(a):
            gram[features[a], features[b]] = gram[features[b], features[a]]
    computed = np.flatnonzero(~filled)
    n_computed = computed.shape[0]
    vv = 0.0
    for i in range(n_samples):
        vv += v[i] * v[i]
    for k in range(batch):
        j = features[k]
        for c in range(n_computed):
            m = computed[c]
            cross = column_v[j] * means[m] + means[j] * column_v[m]
            gram[j, m] += vv * means[j] * means[m] - cross
        gram[j, j] = norms2[j]
    for k in range(batch):
        filled[features[k]] = True


# Rows of the Gram matrix filled per pass over X when the working set needs
# some (the rest of the batch are the likeliest features to enter next): at
# least ROW_BATCH, and half as many as are filled already, so that a solve
# that comes to need most rows fills them in a few passes. A pass reads all
# of X from memory whatever the batch; 16 rows cost about as much arithmetic
# as that read (benchmarks/README.md).
ROW_BATCH = 16


@njit(cache=True, nogil=True)
def fill_working_rows(needed, H, l1, usable, X, filled, data):
    """Fill the Gram rows that the features ``needed`` lack, in one batch.

    The solve calls it for the features that would move but have no row
    (:func:`skreg._kernels.coordinate_descent.enet_cd_gram`), and for the
    unpenalized features of a working set, which always move. The batch is
    topped up to :data:`ROW_BATCH` rows, or to half as many as are filled
    already, with the unfilled usable features of largest ``|H_j| / l1_j``:
    closest to their KKT threshold, they are the likeliest to move next,
    whose rows then cost no pass of their own. ``data`` is the Gram
    storage's :class:`~skreg._kernels.coordinate_descent.Data` (``data.X``
    the rows).
    """
    n_features = H.shape[0]
    missing = np.zeros(n_features, dtype=np.bool_)
    n_missing = 0
    for k in range(needed.shape[0]):
        j = needed[k]
        if not filled[j] and not missing[j]:
            missing[j] = True
            n_missing += 1
    if n_missing == 0:
        return
    score = np.full(n_features, -1.0)
    for j in range(n_features):
        if usable[j] and not filled[j] and not missing[j]:
            score[j] = abs(H[j]) / l1[j] if l1[j] > 0.0 else np.inf
    order = np.argsort(-score)
    n_filled = 0
    for j in range(n_features):
        n_filled += filled[j]
    for k in range(min(max(ROW_BATCH, n_filled // 2) - n_missing, n_features)):
        j = order[k]
        if score[j] < 0.0:
            break
        missing[j] = True
    batch = np.flatnonzero(missing)
    fill_rows(X, batch, data.v, data.means, data.column_v, data.norms2, data.X, filled)


@njit(cache=True, nogil=True)
def _add_upper_group(X, gram, r0, r1, index, j0):
    """Add rows ``r0:r1`` of ``x_i' x_j`` for the columns ``j = index[j0:j0+6]``
    and every ``i = index[k]``, ``k <= `` that of ``j``: the blocks above the
    six columns, then their own triangle (of the upper triangle of the matrix
    over ``index``, one group of columns).
    """
    n = np.uintp(index.shape[0])
    four = np.uintp(4)
    columns = _gathered_6(index, j0, n)
    n_columns = min(np.uintp(6), n - j0)
    above = j0 - j0 % four
    for i0 in range(np.uintp(0), above, four):
        rows = _gathered_4(index, i0, four)
        _add_block_4x6(X, gram, r0, r1, rows, four, columns, n_columns)
    if above < j0:
        n_rows = j0 - above
        rows = _gathered_4(index, above, n_rows)
        _add_block_4x6(X, gram, r0, r1, rows, n_rows, columns, n_columns)
    _add_triangle_6(X, gram, r0, r1, columns, n_columns)


@njit(cache=True, nogil=True, inline="always")
def _gathered_6(index, k0, n):
    """``index[k0 .. k0+5]`` as unsigned ints, those past ``n`` the last."""
    slots = _columns(k0, n)
    return (
        np.uintp(index[slots[0]]), np.uintp(index[slots[1]]),
        np.uintp(index[slots[2]]), np.uintp(index[slots[3]]),
        np.uintp(index[slots[4]]), np.uintp(index[slots[5]]),
    )  # fmt: skip


@njit(cache=True, nogil=True, inline="always")
def _gathered_4(index, k0, n_rows):
    """``index[k0 .. k0+n_rows-1]`` and repeats of the last, as unsigned ints."""
    slots = _four_rows(k0, n_rows)
    return (
        np.uintp(index[slots[0]]), np.uintp(index[slots[1]]),
        np.uintp(index[slots[2]]), np.uintp(index[slots[3]]),
    )  # fmt: skip


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


@njit(cache=True, nogil=True, inline="always")
def _four_rows(i0, n_rows):
    """Rows ``i0 .. i0 + n_rows - 1`` of a block, those past the last
    clamped to it (loaded, not stored)."""
    last = i0 + n_rows - np.uintp(1)
    return (
        i0,
        min(i0 + np.uintp(1), last),
        min(i0 + np.uintp(2), last),
        min(i0 + np.uintp(3), last),
    )


@njit(cache=True, nogil=True, fastmath=_FAST)
def _add_block_4x6(X, gram, r0, r1, rows, n_rows, columns, n_columns):
    """Add rows ``r0:r1`` of ``x_i' x_j`` for the four ``rows`` i and the six
    ``columns`` j.

    The 24 sums stay in vector registers: ten loads per row feed them. Only
    the first ``n_rows`` (1 to 4) of ``rows`` and ``n_columns`` (1 to 6) of
    ``columns`` are stored; the others repeat the last of them.
    """
    i0, i1, i2, i3 = rows
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
    _add_at(gram[i0], columns, n_columns, s00, s01, s02, s03, s04, s05)
    if n_rows > 1:
        _add_at(gram[i1], columns, n_columns, s10, s11, s12, s13, s14, s15)
    if n_rows > 2:
        _add_at(gram[i2], columns, n_columns, s20, s21, s22, s23, s24, s25)
    if n_rows > 3:
        _add_at(gram[i3], columns, n_columns, s30, s31, s32, s33, s34, s35)


@njit(cache=True, nogil=True, fastmath=_FAST)
def _add_triangle_6(X, gram, r0, r1, columns, n_columns):
    """Add rows ``r0:r1`` of ``x_i' x_j`` for i, j the first ``n_columns`` of
    the six ``columns``, i at or before j.

    The upper triangle of the diagonal block: 21 sums, six loads per row.
    """
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
    c0, c1, c2, c3, c4, c5 = columns
    k = n_columns
    _add_at(gram[c0], columns, k, s00, s01, s02, s03, s04, s05)
    if n_columns > 1:
        _add_at(gram[c1], columns, k, 0.0, s11, s12, s13, s14, s15)
    if n_columns > 2:
        _add_at(gram[c2], columns, k, 0.0, 0.0, s22, s23, s24, s25)
    if n_columns > 3:
        _add_at(gram[c3], columns, k, 0.0, 0.0, 0.0, s33, s34, s35)
    if n_columns > 4:
        _add_at(gram[c4], columns, k, 0.0, 0.0, 0.0, 0.0, s44, s45)
    if n_columns > 5:
        _add_at(gram[c5], columns, k, 0.0, 0.0, 0.0, 0.0, 0.0, s55)


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
def _add_at(vector, columns, n_columns, s0, s1, s2, s3, s4, s5):
    """Add six sums to ``vector`` at the first ``n_columns`` of ``columns``."""
    vector[columns[0]] += s0
    if n_columns > 1:
        vector[columns[1]] += s1
    if n_columns > 2:
        vector[columns[2]] += s2
    if n_columns > 3:
        vector[columns[3]] += s3
    if n_columns > 4:
        vector[columns[4]] += s4
    if n_columns > 5:
        vector[columns[5]] += s5


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
