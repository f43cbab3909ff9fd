"""The centred, sample-weighted design matrix of a ridge problem.

Every ridge solver works with

.. math::

    X_c = \\mathrm{diag}(\\sqrt{s}) \\, (X - 1 m') \\, \\mathrm{diag}(c),

the design centred at the weighted column means ``m``, weighted by the square
roots of the sample weights ``s`` and with columns rescaled by ``c`` (the dual
and SVD forms use ``c_j = 1/sqrt(pf_j)``). Two classes hold it without always
forming it:

- :class:`CentredDesign`: ``X`` as scikit-learn's ``_preprocess_data`` returns
  it, explicitly centred when dense, implicitly centred when sparse (a sparse
  ``X`` is never densified);
- :class:`RawDenseDesign`: the user's dense ``X``, untouched. Centring,
  weighting and column scale are applied on the fly, and the Gram matrix
  ``X_c' X_c`` or kernel ``X_c X_c'`` is accumulated one block at a time, so a
  dense fit makes no copy of ``X``.

Both offer the same operations: products with ``X_c`` and ``X_c'``, the Gram
matrix and kernel in float64, column selection and rescaling.
"""

import numpy as np
from scipy import sparse
from scipy.sparse import linalg as sp_linalg
from sklearn.linear_model._base import _preprocess_data

# Size of one block of the centred design formed at a time by RawDenseDesign
# (e.g. 2048 rows x 500 columns of float64).
_BLOCK_BYTES = 8 * 2**20

# Centring a product of the raw X by a rank-two correction loses about
# log10(raw / centred) digits of its diagonal. Up to this ratio (two digits,
# e.g. column means within 10 standard deviations of zero) the correction is
# used; beyond it the product is formed from centred blocks.
_MAX_CENTRING_RATIO = 1e2


def _cancellation_is_small(raw_diagonal, centred_diagonal):
    """Whether centring by correction kept all but two digits of the diagonal."""
    return bool(np.all(raw_diagonal <= _MAX_CENTRING_RATIO * centred_diagonal))


def _symmetric_product(A, *, transpose):
    """Return ``A' A`` (``transpose=True``) or ``A A'`` as float64.

    NumPy recognises the product of a matrix with its own transpose and calls
    BLAS syrk; staying in NumPy's BLAS (as scikit-learn does) also avoids two
    BLAS thread pools competing for the cores.
    """
    G = A.T @ A if transpose else A @ A.T
    return np.asarray(G, dtype=np.float64)


class _Design:
    """What both designs share: the shape and a LinearOperator view."""

    is_sparse = False

    def operator(self):
        """``X_c`` as a float64 :class:`scipy.sparse.linalg.LinearOperator`."""
        return sp_linalg.LinearOperator(
            self.shape,
            matvec=self.matmat,
            rmatvec=self.rmatmat,
            matmat=self.matmat,
            rmatmat=self.rmatmat,
            dtype=np.float64,
        )


class CentredDesign(_Design):
    """The centred, sample-weighted design ``X_c``, explicit or implicit.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        Dense: already centred and rescaled by ``sqrt(s)``. Sparse: rescaled by
        ``sqrt(s)`` but not centred; ``X_c = X - sqrt_sw[:, None] * X_mean``.
    X_mean : ndarray of shape (n_features,) or None
        Weighted column means of a sparse ``X`` (ignored for dense ``X``).
    sqrt_sw : ndarray of shape (n_samples,) or None
        Square roots of the sample weights (None means all ones).
    """

    def __init__(self, X, X_mean=None, sqrt_sw=None):
        self.X = X
        self.is_sparse = sparse.issparse(X)
        self.shape = X.shape
        if self.is_sparse and X_mean is not None and np.any(X_mean):
            self.mean = np.asarray(X_mean, dtype=np.float64)
            if sqrt_sw is None:
                sqrt_sw = np.ones(X.shape[0])
            self.sqrt_sw = np.asarray(sqrt_sw, dtype=np.float64)
        else:
            self.mean = None
            self.sqrt_sw = None

    def take(self, columns, scale=None):
        """Sub-design of some columns, each multiplied by ``scale``."""
        X = self.X[:, columns]
        mean = None if self.mean is None else self.mean[columns]
        if scale is not None:
            if self.is_sparse:
                X = X @ sparse.diags(scale.astype(X.dtype, copy=False))
            else:
                X = X * scale.astype(X.dtype, copy=False)
            if mean is not None:
                mean = mean * scale
        return CentredDesign(X, mean, self.sqrt_sw)

    def scale_columns(self, scale):
        """Design with column ``j`` multiplied by ``scale[j]`` (no selection)."""
        if np.all(scale == 1.0):
            return self
        if self.is_sparse:
            X = self.X @ sparse.diags(scale.astype(self.X.dtype, copy=False))
            mean = None if self.mean is None else self.mean * scale
            return CentredDesign(sparse.csr_matrix(X), mean, self.sqrt_sw)
        return CentredDesign(self.X * scale.astype(self.X.dtype, copy=False))

    def toarray(self):
        """Explicit float64 array (for the few unpenalized columns only)."""
        if not self.is_sparse:
            return np.asarray(self.X, dtype=np.float64)
        dense = self.X.toarray().astype(np.float64, copy=False)
        if self.mean is not None:
            dense -= np.outer(self.sqrt_sw, self.mean)
        return dense

    def matmat(self, B):
        """``X_c @ B`` for ``B`` of shape (n_features,) or (n_features, k)."""
        out = np.asarray(self.X @ B, dtype=np.float64)
        if self.mean is not None:
            shift = self.mean @ B
            out -= np.multiply.outer(self.sqrt_sw, shift)
        return out

    def rmatmat(self, R):
        """``X_c' @ R`` for ``R`` of shape (n_samples,) or (n_samples, k)."""
        out = np.asarray(self.X.T @ R, dtype=np.float64)
        if self.mean is not None:
            out -= np.multiply.outer(self.mean, self.sqrt_sw @ R)
        return out

    def gram(self):
        """``X_c' X_c`` as a dense float64 array of shape (p, p)."""
        if not self.is_sparse:
            return _symmetric_product(self.X, transpose=True)
        G = (self.X.T @ self.X).toarray().astype(np.float64)
        if self.mean is not None:
            v = np.asarray(self.X.T @ self.sqrt_sw, dtype=np.float64)
            G -= np.outer(self.mean, v) + np.outer(v, self.mean)
            G += (self.sqrt_sw @ self.sqrt_sw) * np.outer(self.mean, self.mean)
        return G

    def kernel(self):
        """``X_c X_c'`` as a dense float64 array of shape (n, n)."""
        if not self.is_sparse:
            return _symmetric_product(self.X, transpose=False)
        K = (self.X @ self.X.T).toarray().astype(np.float64)
        if self.mean is not None:
            v = np.asarray(self.X @ self.mean, dtype=np.float64)
            K -= np.outer(v, self.sqrt_sw) + np.outer(self.sqrt_sw, v)
            K += (self.mean @ self.mean) * np.outer(self.sqrt_sw, self.sqrt_sw)
        return K

    def column_sq_norms(self):
        """Squared norms of the columns of ``X_c``."""
        if self.is_sparse:
            X = self.X.tocsc()
            norms = np.asarray(X.multiply(X).sum(axis=0), dtype=np.float64).ravel()
            if self.mean is not None:
                v = np.asarray(X.T @ self.sqrt_sw, dtype=np.float64)
                norms += -2 * self.mean * v + (self.sqrt_sw @ self.sqrt_sw) * (
                    self.mean**2
                )
            return np.maximum(norms, 0.0)
        return np.einsum("ij,ij->j", self.X, self.X, dtype=np.float64)


class RawDenseDesign(_Design):
    """``X_c = diag(sqrt_sw) (X - 1 X_mean') diag(scale)`` from an untouched dense X.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The user's dense design, float32 or float64, any memory order. Never
        modified and never copied whole: products with ``X_c`` correct ``X``'s
        products for the centring and scales, and the Gram matrix and kernel
        are accumulated from float64 blocks of ``X_c``.
    X_mean : ndarray of shape (n_features,)
        Weighted column means (zeros when no intercept is fitted).
    sqrt_sw : ndarray of shape (n_samples,) or None
        Square roots of the sample weights (None means all ones).
    scale : ndarray of shape (n_features,) or None
        Column scale (None means all ones).
    """

    def __init__(self, X, X_mean, sqrt_sw=None, scale=None):
        self.X = X
        self.shape = X.shape
        self.mean = np.asarray(X_mean, dtype=np.float64)
        self.sqrt_sw = sqrt_sw
        self.scale = scale

    def _block(self, rows=slice(None), columns=slice(None)):
        """``X_c[rows, columns]`` as a new float64 array."""
        block = np.subtract(self.X[rows, columns], self.mean[columns], dtype=np.float64)
        if self.sqrt_sw is not None:
            block *= self.sqrt_sw[rows, None]
        if self.scale is not None:
            block *= self.scale[columns]
        return block

    def take(self, columns, scale=None):
        """Explicit sub-design of some columns, each multiplied by ``scale``."""
        block = self._block(columns=columns)
        if scale is not None:
            block *= scale
        return CentredDesign(block)

    def scale_columns(self, scale):
        """Design with column ``j`` multiplied by ``scale[j]`` (nothing copied)."""
        if np.all(scale == 1.0):
            return self
        if self.scale is not None:
            scale = self.scale * scale
        return RawDenseDesign(self.X, self.mean, self.sqrt_sw, scale)

    def toarray(self):
        """``X_c`` as an explicit float64 array (a copy of ``X``)."""
        return self._block()

    def matmat(self, B):
        """``X_c @ B`` for ``B`` of shape (n_features,) or (n_features, k)."""
        B = np.asarray(B, dtype=np.float64)
        if self.scale is not None:
            B = (self.scale * B.T).T
        out = np.asarray(self.X @ B, dtype=np.float64) - self.mean @ B
        if self.sqrt_sw is not None:
            out = (self.sqrt_sw * out.T).T
        return out

    def rmatmat(self, R):
        """``X_c' @ R`` for ``R`` of shape (n_samples,) or (n_samples, k)."""
        R = np.asarray(R, dtype=np.float64)
        if self.sqrt_sw is not None:
            R = (self.sqrt_sw * R.T).T
        out = np.asarray(self.X.T @ R, dtype=np.float64)
        out -= np.multiply.outer(self.mean, R.sum(axis=0))
        if self.scale is not None:
            out = (self.scale * out.T).T
        return out

    def _uncentred_block(self, rows=slice(None), columns=slice(None)):
        """``B[rows, columns]`` for ``B = diag(sqrt_sw) X diag(scale)``, float64."""
        if self.scale is None:
            block = np.array(self.X[rows, columns], dtype=np.float64)
        else:
            block = np.multiply(self.X[rows, columns], self.scale[columns])
        if self.sqrt_sw is not None:
            block *= self.sqrt_sw[rows, None]
        return block

    def _product(self, *, transpose, centred):
        """``A' A`` (``transpose``) or ``A A'`` for ``A = X_c`` or ``A = B``.

        Formed from float64 blocks (of rows for ``A' A``, of columns for
        ``A A'``) unless ``A`` is ``X`` itself.
        """
        if not centred and self.sqrt_sw is None and self.scale is None:
            return _symmetric_product(self.X, transpose=transpose)
        n_samples, n_features = self.shape
        make_block = self._block if centred else self._uncentred_block
        if transpose:
            step = max(1, _BLOCK_BYTES // (8 * n_features))
            out = np.zeros((n_features, n_features))
            for start in range(0, n_samples, step):
                # one block alive at a time (del), not two
                block = make_block(rows=slice(start, start + step))
                out += _symmetric_product(block, transpose=True)
                del block
        else:
            step = max(1, _BLOCK_BYTES // (8 * n_samples))
            out = np.zeros((n_samples, n_samples))
            for start in range(0, n_features, step):
                block = make_block(columns=slice(start, start + step))
                out += _symmetric_product(block, transpose=False)
                del block
        return out

    def _centring_terms(self):
        """``w`` and ``u`` with ``X_c = B - w u'``, or None if ``u = 0``.

        Also None for float32 ``X``, whose uncentred product would be rounded
        in float32: it is always centred block by block, in float64.
        """
        u = self.mean if self.scale is None else self.mean * self.scale
        if self.X.dtype != np.float64 or not np.any(u):
            return None
        w = np.ones(self.shape[0]) if self.sqrt_sw is None else self.sqrt_sw
        return w, u

    def gram(self):
        """``X_c' X_c`` (p x p, float64).

        ``B' B`` corrected by a rank-two term for the centring when that loses
        few digits, as for sparse ``X`` (one product of ``X`` with itself, no
        copy of it); otherwise accumulated from centred blocks of rows.
        """
        terms = self._centring_terms()
        if terms is None:
            return self._product(transpose=True, centred=self.X.dtype != np.float64)
        w, u = terms
        G = self._product(transpose=True, centred=False)
        # X_mean is the weighted mean, so B' w = (w' w) u and the three
        # correction terms of X_c' X_c = (B - w u')' (B - w u') add up to one.
        centred = G - (w @ w) * np.outer(u, u)
        if _cancellation_is_small(np.diag(G), np.diag(centred)):
            return centred
        return self._product(transpose=True, centred=True)

    def kernel(self):
        """``X_c X_c'`` (n x n, float64); see :meth:`gram` for how."""
        terms = self._centring_terms()
        if terms is None:
            return self._product(transpose=False, centred=self.X.dtype != np.float64)
        w, u = terms
        K = self._product(transpose=False, centred=False)
        t = self._uncentred_matvec(u)  # B u
        centred = K - np.outer(t, w) - np.outer(w, t) + (u @ u) * np.outer(w, w)
        if _cancellation_is_small(np.trace(K), np.trace(centred)):
            return centred
        return self._product(transpose=False, centred=True)

    def _uncentred_matvec(self, b):
        """``B @ b`` for ``B = diag(sqrt_sw) X diag(scale)``."""
        if self.scale is not None:
            b = self.scale * b
        out = np.asarray(self.X @ b, dtype=np.float64)
        if self.sqrt_sw is not None:
            out *= self.sqrt_sw
        return out

    def column_sq_norms(self):
        """Squared norms of the columns of ``X_c``."""
        n_samples, n_features = self.shape
        step = max(1, _BLOCK_BYTES // (8 * n_features))
        norms = np.zeros(n_features)
        for start in range(0, n_samples, step):
            block = self._block(rows=slice(start, start + step))
            norms += np.einsum("ij,ij->j", block, block)
            del block
        return norms


def centre_data(X, y, sample_weight, *, fit_intercept, copy):
    """Centre and weight a ridge problem; return its design and targets.

    Dense ``X`` is left untouched (:class:`RawDenseDesign` centres on the fly);
    sparse ``X`` goes through scikit-learn's ``_preprocess_data`` (rows
    rescaled, never densified) into a :class:`CentredDesign`.

    Returns
    -------
    design : RawDenseDesign or CentredDesign
    Y : ndarray of shape (n_samples, n_targets)
        Centred targets multiplied by ``sqrt_sw``, float64.
    X_offset, y_offset, X_scale
        As returned by ``_preprocess_data`` (for ``_set_intercept``).
    sqrt_sw : ndarray of shape (n_samples,) or None
    """
    if sparse.issparse(X):
        X, y, X_offset, y_offset, X_scale, sqrt_sw = _preprocess_data(
            X,
            y,
            fit_intercept=fit_intercept,
            copy=copy,
            sample_weight=sample_weight,
            rescale_with_sw=True,
        )
        design = CentredDesign(X, X_offset, sqrt_sw)
        Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
        return design, Y, X_offset, y_offset, X_scale, sqrt_sw
    X_offset, y_offset, Y, sqrt_sw = _offsets_and_centred_targets(
        X, y, sample_weight, fit_intercept=fit_intercept
    )
    design = RawDenseDesign(X, X_offset, sqrt_sw)
    X_scale = np.ones(X.shape[1], dtype=X.dtype)
    return design, Y, X_offset.astype(X.dtype, copy=False), y_offset, X_scale, sqrt_sw


def _offsets_and_centred_targets(X, y, sample_weight, *, fit_intercept):
    """Weighted means of ``X`` and ``y`` and the centred, weighted targets.

    What scikit-learn's ``_preprocess_data(..., rescale_with_sw=True)`` computes,
    except that ``X`` itself is left alone (it is centred later, block by block).
    Returns ``X_offset`` (float64), ``y_offset``, ``Y`` of shape
    (n_samples, n_targets) and ``sqrt_sw`` (None without weights).
    """
    Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
    if fit_intercept:
        X_offset = np.average(
            X.astype(np.float64, copy=False), axis=0, weights=sample_weight
        )
        Y_offset = np.average(Y, axis=0, weights=sample_weight)
    else:
        X_offset = np.zeros(X.shape[1])
        Y_offset = np.zeros(Y.shape[1])
    Y = Y - Y_offset
    sqrt_sw = None
    if sample_weight is not None:
        sqrt_sw = np.sqrt(np.asarray(sample_weight, dtype=np.float64))
        Y *= sqrt_sw[:, None]
    y_offset = Y_offset if y.ndim > 1 else Y_offset[0]
    # scikit-learn casts y to the dtype of X: intercept_ and predictions follow
    return X_offset, np.asarray(y_offset, dtype=X.dtype), Y, sqrt_sw
