"""Products with the implicitly centred design, for the exact (ridge) solvers.

A :class:`~skreg._path.design.Design` stores ``B``, the rows of ``X`` scaled
by ``v = sqrt(s)``, and the column means ``m``: the centred design is
``Z = (B - v m') C``, ``C = diag(c)`` an optional column scale (the dual and
SVD ridge forms use ``c_j = 1 / sqrt(pf_j)``). It is never formed whole:
products with ``Z`` correct ``B``'s products for the centring, and the Gram
matrix ``Z'Z`` or kernel ``ZZ'`` is either ``B``'s corrected by a rank-two
term, when that loses few digits, or accumulated from float64 blocks of
``Z`` (always for float32 ``X``, whose own products would round in float32).
"""

import numpy as np
from scipy import sparse

# Size of one block of the centred design formed at a time (e.g. 2048 rows x
# 500 columns of float64).
_BLOCK_BYTES = 8 * 2**20

# Centring a product of the raw X by a rank-two correction loses about
# log10(raw / centred) digits of its diagonal. Up to this ratio (two digits,
# e.g. column means within 10 standard deviations of zero) the correction is
# used; beyond it the product is formed from centred blocks.
_MAX_CENTRING_RATIO = 1e2


def _symmetric_product(A, *, transpose):
    """Return ``A' A`` (``transpose=True``) or ``A A'`` as float64.

    NumPy recognises the product of a matrix with its own transpose and calls
    BLAS syrk; staying in NumPy's BLAS (as scikit-learn does) also avoids two
    BLAS thread pools competing for the cores.
    """
    if sparse.issparse(A):
        G = (A.T @ A if transpose else A @ A.T).toarray()
    else:
        G = A.T @ A if transpose else A @ A.T
    return np.asarray(G, dtype=np.float64)


def _scale(design, columns=slice(None)):
    """The column scale ``c`` (restricted to ``columns``), or None."""
    if design.column_scale is None:
        return None
    return design.column_scale[columns]


def _centred(stored, v, means):
    """``stored - v means'`` as a new float64 array, with one temporary less
    when unweighted (``v`` all ones), where blocks must stay small."""
    if np.all(v == 1.0):
        return np.subtract(stored, means, dtype=np.float64)
    block = np.array(stored, dtype=np.float64)
    block -= np.outer(v, means)
    return block


def centred_block(design, rows=slice(None), columns=slice(None)):
    """``Z[rows, columns]`` as a new dense float64 array."""
    stored = design.X[rows, columns]
    if sparse.issparse(stored):
        stored = stored.toarray()
    block = _centred(stored, design.v[rows], design.means[columns])
    scale = _scale(design, columns)
    if scale is not None:
        block *= scale
    return block


def matmat(design, B):
    """``Z @ B`` for ``B`` of shape (n_features,) or (n_features, k)."""
    B = np.asarray(B, dtype=np.float64)
    scale = _scale(design)
    if scale is not None:
        B = (scale * B.T).T
    out = np.asarray(design.X @ B, dtype=np.float64)
    return out - np.multiply.outer(design.v, design.means @ B)


def rmatmat(design, R):
    """``Z' @ R`` for ``R`` of shape (n_samples,) or (n_samples, k)."""
    R = np.asarray(R, dtype=np.float64)
    out = np.asarray(design.X.T @ R, dtype=np.float64)
    out -= np.multiply.outer(design.means, design.v @ R)
    scale = _scale(design)
    if scale is not None:
        out = (scale * out.T).T
    return out


def _uncentred_block(design, rows=slice(None), columns=slice(None)):
    """``B[rows, columns] C`` as a float64 array."""
    block = np.array(design.X[rows, columns], dtype=np.float64)
    scale = _scale(design, columns)
    if scale is not None:
        block *= scale
    return block


def _blocked_product(design, *, transpose, centred):
    """``A'A`` (``transpose``) or ``AA'`` for ``A = Z`` (``centred``) or ``BC``.

    Formed from float64 blocks (of rows for ``A'A``, of columns for ``AA'``)
    unless ``A`` is the stored ``X`` itself.
    """
    if sparse.issparse(design.X):
        # never densified: the centring is corrected by gram/kernel_matrix
        scale = _scale(design)
        A = design.X if scale is None else design.X @ sparse.diags(scale)
        return _symmetric_product(A, transpose=transpose)
    plain = not centred and design.column_scale is None
    if plain and design.X.dtype == np.float64:
        return _symmetric_product(design.X, transpose=transpose)
    make_block = centred_block if centred else _uncentred_block
    n_samples, n_features = design.X.shape
    if transpose:
        step = max(1, _BLOCK_BYTES // (8 * n_features))
        out = np.zeros((n_features, n_features))
        for start in range(0, n_samples, step):
            # one block alive at a time (del), not two
            block = make_block(design, rows=slice(start, start + step))
            out += _symmetric_product(block, transpose=True)
            del block
    else:
        step = max(1, _BLOCK_BYTES // (8 * n_samples))
        out = np.zeros((n_samples, n_samples))
        for start in range(0, n_features, step):
            block = make_block(design, columns=slice(start, start + step))
            out += _symmetric_product(block, transpose=False)
            del block
    return out


def _corrected(design):
    """Whether to correct ``BC``'s product for the centring (vs. blocks).

    Not for float32 dense ``X``, whose uncentred product would be rounded in
    float32, nor when there is nothing to correct.
    """
    if not np.any(design.means):
        return False
    return sparse.issparse(design.X) or design.X.dtype == np.float64


def _small_cancellation(raw, centred):
    return bool(np.all(raw <= _MAX_CENTRING_RATIO * centred))


def gram_matrix(design):
    """``Z' Z`` (n_features x n_features, float64).

    ``(BC)'(BC)`` corrected by a rank-two term for the centring when that
    loses few digits (always for sparse ``X``, never densified); otherwise
    accumulated from centred blocks of rows.
    """
    if not _corrected(design):
        return _blocked_product(design, transpose=True, centred=True)
    scale = (
        np.ones(design.n_features)
        if design.column_scale is None
        else (design.column_scale)
    )
    u = design.means * scale
    Bv = design.column_v * scale  # (BC)' v
    G = _blocked_product(design, transpose=True, centred=False)
    vv = float(design.v @ design.v)
    centred = G - np.outer(Bv, u) - np.outer(u, Bv) + vv * np.outer(u, u)
    if sparse.issparse(design.X) or _small_cancellation(np.diag(G), np.diag(centred)):
        return centred
    return _blocked_product(design, transpose=True, centred=True)


def kernel_matrix(design):
    """``Z Z'`` (n_samples x n_samples, float64); see :func:`gram_matrix`."""
    if not _corrected(design):
        return _blocked_product(design, transpose=False, centred=True)
    scale = (
        np.ones(design.n_features)
        if design.column_scale is None
        else (design.column_scale)
    )
    u = design.means * scale
    v = design.v
    K = _blocked_product(design, transpose=False, centred=False)
    t = np.asarray(design.X @ (scale * u), dtype=np.float64)  # (BC) u
    centred = K - np.outer(t, v) - np.outer(v, t) + (u @ u) * np.outer(v, v)
    if sparse.issparse(design.X) or _small_cancellation(np.trace(K), np.trace(centred)):
        return centred
    return _blocked_product(design, transpose=False, centred=True)
