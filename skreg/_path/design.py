"""The one design of a regression problem: data prepared once for every solver.

This is the one place where scales are converted. The estimators' objective

.. math::

    \\frac{1}{2 \\sum_i s_i} \\sum_i s_i (y_i - b - x_i^\\top w)^2
    + \\alpha \\sum_j pf_j \\left(\\rho |w_j| + \\tfrac{1 - \\rho}{2} w_j^2\\right)

(``rho = l1_ratio``, sample weights ``s`` rescaled to sum to ``n_samples``) is
handed to the kernels of :mod:`skreg._kernels` in *sum units*: rows scaled by
``sqrt(s)``, columns centred implicitly (never copied to do so), and
``l1_j = n * alpha * rho * pf_j``, ``l2_j = n * alpha * (1 - rho) * pf_j``;
their duality gap is divided by ``n`` on the way out.

A :class:`Design` is built once per fit by :func:`make_design`; the solvers,
the cross-validation folds and the explanation of the fit all read it. Only
arrays cross this module's borders: no estimator objects, no pandas.

A design can also stand on sufficient statistics alone, without rows
(:func:`skreg._path.statistics.design_from_statistics`: ``n``, means,
``Z'Z``, ``Z'y``, ``y'y``), as a reduction over data too large for one
process gives them. The Gram-mode path solver, the alpha grid, the
unpenalized fit and the exact homotopy read such a design; what needs rows
(the dense and sparse kernels, residual vectors, cross-validation folds)
says so with an error.
"""

from dataclasses import dataclass, replace

import numpy as np
from scipy import linalg, optimize, sparse
from scipy.sparse import linalg as sp_linalg
from sklearn.utils import assert_all_finite

from .._kernels import columns as column_kernels
from .._kernels import correlations as correlation_kernels
from .._kernels import gram as gram_kernels
from . import products

# Below this ratio of centred to raw squared norm, a column norm computed from
# sums has lost more than half of its digits and is recomputed directly.
_CANCELLATION = 1e-6
# Below this ratio of centred to raw squared norm, a column is constant up to
# rounding: centring leaves only its rounding error, which must not enter a
# model (at a small alpha it would).
_CONSTANT_COLUMN = 1e-12


@dataclass
class Design:
    """A validated regression problem prepared for the kernels.

    Attributes
    ----------
    X : ndarray (Fortran-ordered) or scipy CSC matrix
        Rows scaled by ``sqrt(sample_weight)``; not centred (centring is
        implicit through ``means``). Without weights, dense ``X`` is the
        caller's array itself.
    y : ndarray of shape (n_samples,)
        Centred target, rows scaled by ``sqrt(sample_weight)``, float64.
    v : ndarray of shape (n_samples,)
        ``sqrt(sample_weight)`` (ones without weights).
    means, column_v, norms2 : ndarray of shape (n_features,)
        Weighted column means (zeros without intercept), ``x_j' v`` and the
        squared norms of the centred columns.
    Zy : ndarray of shape (n_features,)
        ``Z' y``: every feature's correlation with the (centred) target.
    X_offset : ndarray of shape (n_features,)
        Same as ``means``: subtracted from X to compute the intercept.
    y_offset : float
        Weighted mean of y (0 without intercept).
    n_samples : float
        Sum of the (rescaled) sample weights, i.e. the number of samples.
    XtX : ndarray of shape (n_features, n_features) or None
        ``X' X`` of the stored (uncentred) dense ``X``, when
        :func:`make_design` formed it together with the statistics.
    nonconstant : ndarray of bool of shape (n_features,)
        The columns that can enter a model: with an intercept, those whose
        centred squared norm is more than ``_CONSTANT_COLUMN`` of their
        second moment (below, the column is constant up to rounding); without
        one, every nonzero column. The one rule for every solver and the
        explanation.
    y_norm2 : float
        Weighted squared norm of the uncentred target.
    fit_intercept : bool
        Whether the columns and the target were centred.
    column_scale : ndarray of shape (n_features,) or None
        A scale of the columns, applied by the exact solvers' products
        (:meth:`scaled`, :mod:`skreg._path.products`); the coordinate-descent
        methods read the unscaled design.
    statistics : tuple (yy, n_rows, weighted) or None
        For a design without rows (``X`` and ``y`` are None, ``XtX`` holds
        ``Z'Z``): the centred target's ``y'y``, the number of rows with a
        positive weight, and whether the rows had sample weights. None for a
        design on rows.
    """

    X: object
    y: np.ndarray
    v: np.ndarray
    means: np.ndarray
    column_v: np.ndarray
    norms2: np.ndarray
    Zy: np.ndarray
    X_offset: np.ndarray
    y_offset: float
    n_samples: float
    XtX: np.ndarray = None
    nonconstant: np.ndarray = None
    y_norm2: float = 0.0
    fit_intercept: bool = True
    column_scale: np.ndarray = None
    statistics: tuple = None

    @property
    def is_sparse(self):
        return sparse.issparse(self.X)

    @property
    def n_features(self):
        return self.means.shape[0]

    @property
    def shape(self):
        return self.X.shape

    @property
    def has_rows(self):
        """Whether the design holds its rows (not only their statistics)."""
        return self.statistics is None

    def _need_rows(self, what):
        if not self.has_rows:
            raise ValueError(
                f"{what} needs the rows of X; this design holds only their "
                "sufficient statistics (use the Gram matrix instead)."
            )

    # --- products for the exact (ridge) solvers, honouring column_scale ---

    def scaled(self, scale):
        """The same design with column ``j`` multiplied by ``scale[j]``."""
        if np.all(scale == 1.0):
            return self
        if self.column_scale is not None:
            scale = self.column_scale * scale
        return replace(self, column_scale=np.asarray(scale, dtype=np.float64))

    def matmat(self, B):
        """``Z @ B`` (``Z`` centred, weighted and column-scaled), float64."""
        return products.matmat(self, B)

    def rmatmat(self, R):
        """``Z' @ R``, float64."""
        return products.rmatmat(self, R)

    def operator(self):
        """``Z`` as a :class:`scipy.sparse.linalg.LinearOperator`."""
        return sp_linalg.LinearOperator(
            self.shape,
            matvec=self.matmat,
            rmatvec=self.rmatmat,
            matmat=self.matmat,
            rmatmat=self.rmatmat,
            dtype=np.float64,
        )

    def toarray(self, columns=slice(None)):
        """``Z[:, columns]`` as a dense float64 array (a copy)."""
        return products.centred_block(self, columns=columns)

    def gram_matrix(self):
        """``Z' Z`` (n_features x n_features, float64)."""
        return products.gram_matrix(self)

    def kernel_matrix(self):
        """``Z Z'`` (n_samples x n_samples, float64)."""
        return products.kernel_matrix(self)

    def column_sq_norms(self):
        """Squared norms of the columns of ``Z``."""
        if self.column_scale is None:
            return self.norms2.copy()
        return self.norms2 * self.column_scale**2

    def with_target(self, y, fit_intercept):
        """The same design with another target (for multi-output y)."""
        y = np.asarray(y, dtype=np.float64)
        y_offset = float(np.average(y, weights=self.v**2)) if fit_intercept else 0.0
        y_design = (y - y_offset) * self.v
        return replace(
            self, y=y_design, y_offset=y_offset, Zy=self.correlations(y_design)
        )

    def correlations(self, R):
        """``Z' R`` for every feature (``Z`` the implicitly centred design)."""
        self._need_rows("A correlation with a residual vector")
        if self.is_sparse:
            return correlation_kernels.centred_correlations_sparse(
                self.X.data, self.X.indices, self.X.indptr, R, self.v, self.means
            )
        return correlation_kernels.centred_correlations_dense(
            self.X, R, self.v, self.means
        )

    def correlations_of(self, R, features):
        """``Z' R`` for the listed features only."""
        features = np.asarray(features, dtype=np.intp)
        if self.is_sparse:
            return correlation_kernels.centred_correlations_subset_sparse(
                self.X.data,
                self.X.indices,
                self.X.indptr,
                R,
                self.v,
                self.means,
                features,
            )
        return correlation_kernels.centred_correlations_subset_dense(
            self.X, R, self.v, self.means, features
        )

    def residual_part(self, w):
        """``Q = y - X w`` for the stored (uncentred) ``X``, float64."""
        self._need_rows("A residual")
        nonzero = np.flatnonzero(w)
        Q = self.y.copy()
        if nonzero.size:
            columns = self.X[:, nonzero].astype(np.float64)
            Q -= np.asarray(columns @ w[nonzero]).ravel()
        return Q

    def residual(self, w):
        """``R = y - Z w``, the residual of the centred problem."""
        return self.residual_part(w) + (self.means @ w) * self.v

    @property
    def is_weighted(self):
        """Whether the rows carry sample weights that are not all equal (or
        some zero): the explanation then speaks of the weights' sum."""
        if not self.has_rows:
            return bool(self.statistics[2])
        weights = self.v
        return bool(np.ptp(weights[weights > 0]) > 0) or bool(np.any(weights == 0))

    @property
    def yy(self):
        """``y' y`` of the centred, weighted target (sum units)."""
        if not self.has_rows:
            return float(self.statistics[0])
        return float(self.y @ self.y)

    @property
    def rank_bound(self):
        """An upper bound on the rank of ``Z``: one degree of freedom goes to
        the intercept."""
        rows = self.statistics[1] if not self.has_rows else np.count_nonzero(self.v)
        rows = int(rows) - int(self.fit_intercept)
        return max(min(rows, self.n_features), 0)

    def unpenalized_fit(self, features, positive=False):
        """Least squares of the target on the listed columns alone.

        Returns
        -------
        coef : ndarray of shape (len(features),)
            Non-negative under ``positive``.
        correlations : ndarray of shape (n_features,)
            ``Z' R`` at the fit's residual ``R`` (``Z'y`` for no features).
        RR : float
            ``R' R``.
        """
        features = np.asarray(features, dtype=np.intp)
        if features.size == 0:
            return np.zeros(0), self.Zy.copy(), self.yy
        if self.has_rows:
            Z_u = self.columns(features)
            if positive:
                coef, _ = optimize.nnls(Z_u, self.y)
            else:
                coef = linalg.lstsq(Z_u, self.y)[0]
            R = self.y - Z_u @ coef
            return coef, self.correlations(R), float(R @ R)
        # From the statistics: the same problem as min ||A c - b||^2 with
        # A'A = G_uu and A'b = Z_u'y (A a square root of G_uu).
        G_u = self.gram_columns(features)
        G_uu, Zy_u = G_u[features], self.Zy[features]
        eigenvalues, vectors = linalg.eigh(G_uu)
        keep = eigenvalues > eigenvalues.max(initial=0.0) * features.size * 1e-15
        A = np.sqrt(eigenvalues[keep])[:, np.newaxis] * vectors[:, keep].T
        b = (vectors[:, keep].T @ Zy_u) / np.sqrt(eigenvalues[keep])
        coef = optimize.nnls(A, b)[0] if positive else linalg.lstsq(A, b)[0]
        RR = self.yy - 2.0 * coef @ Zy_u + coef @ G_uu @ coef
        return coef, self.Zy - G_u @ coef, max(float(RR), 0.0)

    def columns(self, features):
        """Dense centred columns ``Z[:, features]``, float64."""
        features = np.asarray(features, dtype=np.intp)
        columns = self.X[:, features]
        columns = columns.toarray() if sparse.issparse(columns) else columns
        return np.asarray(columns, dtype=np.float64) - np.outer(
            self.v, self.means[features]
        )

    def matvec(self, w):
        """``Z w``: the fitted values of coefficients ``w`` (centred)."""
        return self.y - self.residual(w)

    def gram_columns(self, features):
        """``Z' Z[:, features]``, shape (n_features, len(features)), float64.

        From ``X' X`` when the design holds it; otherwise one pass over ``X``
        per column.
        """
        features = np.asarray(features, dtype=np.intp)
        if self.XtX is not None:
            vv = float(self.v @ self.v)
            return (
                self.XtX[:, features]
                - np.outer(self.column_v, self.means[features])
                - np.outer(self.means, self.column_v[features])
                + vv * np.outer(self.means, self.means[features])
            )
        columns = self.columns(features)
        gram = np.empty((self.n_features, features.size))
        for k in range(features.size):
            gram[:, k] = self.correlations(np.ascontiguousarray(columns[:, k]))
        return gram

    def gram(self):
        """``Z' Z`` (C-ordered, float64) and ``Z' y`` for the Gram kernel."""
        X = self.X
        if self.XtX is not None:
            gram = self.XtX.copy()
        elif sparse.issparse(X):
            gram = np.asarray((X.T @ X).toarray(), dtype=np.float64)
        else:
            gram = _dense_gram(X, self.v, self.y)[0]
        vv = self.v @ self.v
        gram -= np.outer(self.column_v, self.means)
        gram -= np.outer(self.means, self.column_v)
        gram += vv * np.outer(self.means, self.means)
        return np.ascontiguousarray(gram), self.Zy.copy()


def _dense_gram(X, v, y):
    """``(X'X, X'v, X'y)`` of Fortran-ordered ``X``, float64.

    skreg's kernel up to ``MAX_FEATURES`` columns; BLAS beyond, where float32
    ``X`` gets its float32 product.
    """
    if X.shape[1] > gram_kernels.MAX_FEATURES:
        XtX = np.asarray(X.T @ X, dtype=np.float64)
        return XtX, np.asarray(X.T @ v, np.float64), np.asarray(X.T @ y, np.float64)
    return gram_kernels.gram_statistics_dense(X, v, y)


def make_design(
    X,
    y,
    sample_weight=None,
    fit_intercept=True,
    X_offset=None,
    form_gram=False,
    keep_layout=False,
):
    """Prepare validated ``X`` and ``y`` for the kernels.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features) or scipy CSC matrix
        float32 or float64; dense ``X`` is used in place when it is
        Fortran-ordered and unweighted. It is never modified.
    y : ndarray of shape (n_samples,)
        Target.
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weights, already rescaled to sum to ``n_samples``.
    fit_intercept : bool
        Whether to centre X and y (with weighted means).
    X_offset : ndarray of shape (n_features,) or None
        Column means to remove implicitly instead of computing them; used by
        the scikit-learn compatible path functions.
    form_gram : bool
        Form ``X' X`` of dense ``X`` in the same pass as the statistics (see
        :func:`skreg._path.gram.forms_gram`; a Gram-mode solve on float64
        ``X`` fills the rows it needs instead), kept as ``Design.XtX``.
    keep_layout : bool
        Keep unweighted dense ``X`` in its own memory order (the exact ridge
        solvers read any); the coordinate-descent kernels need it
        Fortran-ordered, which copies a C-ordered ``X``.

    Returns
    -------
    Design
    """
    n_samples, n_features = X.shape
    y = np.asarray(y, dtype=np.float64)
    XtX = None
    if sample_weight is None:
        v = np.ones(n_samples)
        n_total = float(n_samples)
    else:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        v = np.sqrt(sample_weight)
        n_total = float(sample_weight.sum())

    y_offset = 0.0
    if fit_intercept:
        y_offset = float(np.average(y, weights=sample_weight))
    y_design = (y - y_offset) * v
    if sparse.issparse(X):
        X_design = sparse.csc_matrix(X)
        if sample_weight is not None:
            X_design = sparse.csc_matrix(
                (
                    X_design.data * v[X_design.indices],
                    X_design.indices,
                    X_design.indptr,
                ),
                shape=X.shape,
            )
        arrays = (X_design.data, X_design.indices, X_design.indptr)
        column_v, squares, Xy = column_kernels.column_statistics_sparse(
            *arrays, v, y_design, sample_weight is None
        )
    else:
        if sample_weight is None:
            X_design = X if keep_layout else np.asfortranarray(X)
        else:
            # in float64: weighting float32 X in float32 would round it a
            # second time, before the centring that its spread relies on
            X_design = X * v[:, np.newaxis]
            if not keep_layout:
                X_design = np.asfortranarray(X_design)
        if form_gram:
            XtX, column_v, Xy = _dense_gram(X_design, v, y_design)
            squares = np.diag(XtX).copy()
        elif X_design.flags.f_contiguous:
            column_v, squares, Xy = column_kernels.column_statistics_dense(
                X_design, v, y_design
            )
        else:
            # (the kernels, compiled for Fortran order, would compile again)
            column_v, squares, Xy = _column_statistics_numpy(X_design, v, y_design)
    if not (np.isfinite(column_v).all() and np.isfinite(squares).all()):
        # A NaN or inf in X shows in its column sums; name it as scikit-learn
        # does (the estimators skip their own finiteness pass over X).
        assert_all_finite(X.data if sparse.issparse(X) else X, input_name="X")
        # Finite X whose sums overflow: no gap could be trusted.
        overflowing = np.flatnonzero(~np.isfinite(squares) | ~np.isfinite(column_v))
        raise ValueError(
            # scikit-learn's words first, for code that matches them
            "Coordinate descent iterations resulted in non-finite parameter "
            "values: X has columns whose sum of squares overflows float64 "
            f"(columns {overflowing[:10].tolist()}); rescale X, e.g. with "
            "sklearn.preprocessing.StandardScaler."
        )
    with np.errstate(over="ignore"):
        y_overflows = not np.isfinite(y_design @ y_design)
    if y_overflows:
        raise ValueError(
            "y is too large: its sum of squares overflows float64; rescale y."
        )
    # Statistics are accumulated in float64 even for float32 X, so that the
    # implicit centring is exact to double precision.
    means = column_v / n_total if fit_intercept else np.zeros(n_features)
    if X_offset is not None:
        means = np.asarray(X_offset, dtype=np.float64)
    vv = float(v @ v)
    norms2 = squares - 2.0 * means * column_v + means**2 * vv
    if np.any(norms2 <= _CANCELLATION * squares):
        # Columns whose mean dwarfs their spread lose digits in the formula
        # above: recompute every norm directly from the centred values.
        if sparse.issparse(X_design):
            norms2 = column_kernels.centred_column_norms_sparse(*arrays, v, means)
        elif X_design.flags.f_contiguous:
            norms2 = column_kernels.centred_column_norms_dense(X_design, v, means)
        else:
            norms2 = _centred_norms_numpy(X_design, v, means)
    norms2 = np.maximum(norms2, 0.0)
    nonconstant = norms2 > 0
    if fit_intercept:
        nonconstant &= norms2 > _CONSTANT_COLUMN * squares
    Zy = Xy - means * float(v @ y_design)
    return Design(
        X=X_design,
        y=y_design,
        v=v,
        means=means,
        column_v=column_v,
        norms2=norms2,
        Zy=Zy,
        X_offset=means.copy(),
        y_offset=y_offset,
        n_samples=n_total,
        XtX=XtX,
        nonconstant=nonconstant,
        y_norm2=float(v**2 @ y**2),
        fit_intercept=fit_intercept,
    )


def _column_statistics_numpy(X, v, y):
    """``(X'v, squared column norms, X'y)`` of dense ``X`` in any order."""
    squares = np.zeros(X.shape[1])
    step = max(1, products._BLOCK_BYTES // (8 * X.shape[1]))
    for start in range(0, X.shape[0], step):
        block = np.asarray(X[start : start + step], dtype=np.float64)
        squares += np.einsum("ij,ij->j", block, block)
        del block
    column_v = np.asarray(X.T @ v, dtype=np.float64)
    return column_v, squares, np.asarray(X.T @ y, dtype=np.float64)


def _centred_norms_numpy(X, v, means):
    """Squared norms of the centred columns, from float64 blocks of rows."""
    norms = np.zeros(X.shape[1])
    step = max(1, products._BLOCK_BYTES // (8 * X.shape[1]))
    for start in range(0, X.shape[0], step):
        rows = slice(start, start + step)
        block = products._centred(X[rows], v[rows], means)
        norms += np.einsum("ij,ij->j", block, block)
        del block  # one block alive at a time, not two
    return norms
