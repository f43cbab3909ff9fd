"""Solvers for ridge regression with a per-coefficient penalty.

Every function here solves, for one or several targets,

.. math::

    \\min_b \\; \\|y_c - X_c b\\|_2^2 + \\sum_j d_j b_j^2,
    \\qquad d_j = \\alpha \\, \\mathrm{pf}_j \\ge 0,

where ``X_c`` and ``y_c`` are the centred, sample-weighted data
``sqrt(s) * (X - mean_s(X))`` built once by the estimator (scikit-learn's
``_preprocess_data``). ``X_c`` is held by :class:`_CentredDesign`, which centres
sparse matrices implicitly: a sparse ``X`` is never densified, only its Gram
matrix ``X_c' X_c`` (p x p) or kernel ``X_c X_c'`` (n x n) when an exact solver
asks for one.

Unpenalized columns (``d_j = 0``) are handled exactly: the primal system
``X_c' X_c + D`` keeps a zero on their diagonal, and the dual and SVD forms
project them out (``M = I - Q Q'`` with ``Q`` an orthonormal basis of the
unpenalized columns) before working on the penalized columns rescaled by
``1 / sqrt(pf_j)``.

All solvers return ``coef`` of shape (n_targets, n_features) in float64 and
never modify their inputs.
"""

import warnings

import numpy as np
from scipy import optimize, sparse
from scipy.sparse import linalg as sp_linalg
from sklearn.exceptions import ConvergenceWarning

# Above this size of the smaller Gram side, iterative solvers do not compute the
# exact ``dof_`` (it would cost as much as an exact solve) and report NaN.
_DOF_MAX_DIM = 2000


def _symmetric_product(A, *, transpose):
    """Return ``A' A`` (``transpose=True``) or ``A A'`` as float64.

    NumPy recognises the product of a matrix with its own transpose and calls
    BLAS syrk; staying in NumPy's BLAS (as scikit-learn does) also avoids two
    BLAS thread pools competing for the cores.
    """
    G = A.T @ A if transpose else A @ A.T
    return np.asarray(G, dtype=np.float64)


def _solve_psd(H, B):
    """Solve ``H x = B`` for symmetric positive semi-definite ``H``.

    Cholesky when ``H`` is positive definite; otherwise the minimum-norm
    solution from an eigendecomposition (eigenvalues below a relative
    tolerance are treated as zero). Returns ``(x, inv_diag, H_pinv)``:
    ``inv_diag`` is the diagonal of the (pseudo-)inverse of ``H`` (for the
    degrees of freedom) and ``H_pinv`` the pseudo-inverse when ``H`` was
    singular, else None.
    """
    # NumPy's LAPACK rather than SciPy's: the Gram matrix came from NumPy's
    # BLAS, and switching thread pools costs more than this p^3 step.
    try:
        L = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        L = None
    if L is not None:
        # H^-1 = L^-T L^-1: its diagonal is the column norms of L^-1
        L_inv = np.linalg.inv(L)
        x = L_inv.T @ (L_inv @ B)
        return x, np.einsum("ij,ij->j", L_inv, L_inv), None
    w, V = np.linalg.eigh(H)
    tol = max(w.max(initial=0.0), 0.0) * H.shape[0] * np.finfo(np.float64).eps
    inv_w = np.zeros_like(w)
    keep = w > tol
    inv_w[keep] = 1.0 / w[keep]
    H_pinv = (V * inv_w) @ V.T
    return H_pinv @ B, np.diag(H_pinv).copy(), H_pinv


def _orthonormal_basis(Z):
    """Thin SVD of ``Z`` truncated to its numerical rank: ``Z = U diag(s) Vt``."""
    if Z.shape[1] == 0:
        n = Z.shape[0]
        return np.zeros((n, 0)), np.zeros(0), np.zeros((0, 0))
    U, s, Vt = np.linalg.svd(Z, full_matrices=False)
    tol = s.max(initial=0.0) * max(Z.shape) * np.finfo(np.float64).eps
    rank = int(np.sum(s > tol))
    return U[:, :rank], s[:rank], Vt[:rank]


class _CentredDesign:
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
        return _CentredDesign(X, mean, self.sqrt_sw)

    def scale_columns(self, scale, *, overwrite=False):
        """Design with column ``j`` multiplied by ``scale[j]`` (no selection)."""
        if np.all(scale == 1.0):
            return self
        if self.is_sparse:
            X = self.X @ sparse.diags(scale.astype(self.X.dtype, copy=False))
            mean = None if self.mean is None else self.mean * scale
            return _CentredDesign(sparse.csr_matrix(X), mean, self.sqrt_sw)
        if overwrite:
            self.X *= scale.astype(self.X.dtype, copy=False)
            return _CentredDesign(self.X)
        return _CentredDesign(self.X * scale.astype(self.X.dtype, copy=False))

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


def _alpha_groups(alphas):
    """Yield ``(alpha, target_mask)`` for each distinct alpha."""
    for alpha in np.unique(alphas):
        yield float(alpha), alphas == alpha


def solve_primal(design, Y, alphas, penalty_factor):
    """Cholesky solve of ``(X_c' X_c + D) b = X_c' y_c`` (best when n >= p).

    Zero entries of ``D`` stay zero: unpenalized coefficients are exact. A
    singular system (e.g. collinear unpenalized columns, or ``alpha = 0`` with a
    rank-deficient ``X``) gets the minimum-norm solution.

    Returns
    -------
    coef : ndarray of shape (n_targets, n_features)
    dof : ndarray of shape (n_targets,)
        ``trace(X_c (X_c' X_c + D)^-1 X_c')``.
    """
    n_features = design.shape[1]
    G = design.gram()
    XtY = design.rmatmat(Y)
    coef = np.empty((Y.shape[1], n_features))
    dof = np.empty(Y.shape[1])
    for alpha, targets in _alpha_groups(alphas):
        H = G.copy()
        H.flat[:: n_features + 1] += alpha * penalty_factor
        solution, inv_diag, H_pinv = _solve_psd(H, XtY[:, targets])
        coef[targets] = solution.T
        if H_pinv is None:
            # trace(H^-1 G) = trace(I - H^-1 D)
            dof[targets] = n_features - np.sum(alpha * penalty_factor * inv_diag)
        else:
            dof[targets] = np.sum(H_pinv * G)
    return coef, dof


def _split_penalized(design, alpha, penalty_factor, *, overwrite=False):
    """Split the design into rescaled penalized and unpenalized columns.

    Returns ``penalized`` and ``unpenalized`` column indices, ``scale`` of shape
    (n_features,) (``1/sqrt(pf_j)`` on penalized columns, 0 on unpenalized
    ones), the full-width design with columns multiplied by ``scale`` (so the
    unpenalized ones are zero and no column selection copies X), and the thin
    SVD ``(Q, s, Vt)`` of the unpenalized columns. With ``overwrite``, a dense
    ``design`` is rescaled in place and must not be used afterwards.
    """
    mask = alpha * penalty_factor > 0
    penalized = np.flatnonzero(mask)
    unpenalized = np.flatnonzero(~mask)
    scale = np.zeros(penalty_factor.shape[0])
    scale[mask] = 1.0 / np.sqrt(penalty_factor[mask])
    Z = design.take(unpenalized).toarray()
    scaled = design.scale_columns(scale, overwrite=overwrite)
    Q, z_sv, z_Vt = _orthonormal_basis(Z)
    return penalized, unpenalized, scale, scaled, (Q, z_sv, z_Vt)


def _unpenalized_coef(z_basis, residual):
    """Minimum-norm least-squares coefficients of the unpenalized columns."""
    Q, z_sv, z_Vt = z_basis
    return z_Vt.T @ ((Q.T @ residual) / z_sv[:, None])


def solve_dual(design, Y, alphas, penalty_factor, *, overwrite=False):
    """Dual (kernel) solve through ``X_c D^-1 X_c'`` (best when p > n).

    With ``P`` the penalized and ``U`` the unpenalized columns, ``M`` the
    projection off ``span(X_U)`` and ``K = X_P D_P^-1 X_P'``, the penalized
    coefficients are ``b_P = D_P^-1 X_P' a`` with ``(M K M + I) a = M y``; then
    ``b_U`` is the least-squares fit of ``y - X_P b_P`` on ``X_U``.

    With ``overwrite``, a dense ``design`` may be rescaled in place.

    Returns ``coef`` (n_targets, n_features) and ``dof`` (n_targets,).
    """
    n_samples, n_features = design.shape
    coef = np.zeros((Y.shape[1], n_features))
    dof = np.empty(Y.shape[1])
    # the design survives only if no alpha = 0 group needs it after rescaling
    overwrite = overwrite and bool(np.all(alphas > 0))
    cache = {}
    for alpha, targets in _alpha_groups(alphas):
        has_penalty = bool(np.any(alpha * penalty_factor > 0))
        if has_penalty not in cache:
            if has_penalty:
                parts = _split_penalized(
                    design, 1.0, penalty_factor, overwrite=overwrite
                )
                Q = parts[4][0]
                K = parts[3].kernel()
                if Q.shape[1]:
                    KQ = K @ Q
                    K = K - KQ @ Q.T - Q @ KQ.T + Q @ (Q.T @ KQ) @ Q.T
                    K = 0.5 * (K + K.T)
                cache[has_penalty] = (parts, K)
            else:
                cache[has_penalty] = (None, design.kernel())
        parts, K = cache[has_penalty]
        Yt = Y[:, targets]
        if not has_penalty:
            # alpha = 0 or every factor 0: minimum-norm least squares.
            a, _, K_pinv = _solve_psd(K, Yt)
            coef[targets] = design.rmatmat(a).T
            dof[targets] = n_samples if K_pinv is None else np.sum(K_pinv * K)
            continue
        penalized, unpenalized, scale, scaled, z_basis = parts
        Q = z_basis[0]
        MY = Yt - Q @ (Q.T @ Yt)
        H = K / alpha
        H.flat[:: n_samples + 1] += 1.0
        a, inv_diag, _ = _solve_psd(H, MY)
        c = scaled.rmatmat(a) / alpha
        coef[targets] = (c * scale[:, None]).T
        if unpenalized.size:
            residual = Yt - scaled.matmat(c)
            coef[np.ix_(targets, unpenalized)] = _unpenalized_coef(z_basis, residual).T
        dof[targets] = Q.shape[1] + n_samples - np.sum(inv_diag)
    return coef, dof


def solve_svd(design, Y, alphas, penalty_factor):
    """SVD of the rescaled, unpenalized-residualized design (dense only).

    ``A = M X_P D_P^-1/2 = U diag(s) V'``: ``b_P = D_P^-1/2 V diag(s / (s^2 +
    1)) U' y`` for ``D`` = alpha * pf; ``b_U`` as in :func:`solve_dual`.

    Returns ``coef`` (n_targets, n_features) and ``dof`` (n_targets,).
    """
    n_features = design.shape[1]
    coef = np.zeros((Y.shape[1], n_features))
    dof = np.empty(Y.shape[1])
    cache = {}
    for alpha, targets in _alpha_groups(alphas):
        has_penalty = bool(np.any(alpha * penalty_factor > 0))
        Yt = Y[:, targets]
        if not has_penalty:
            # alpha = 0 or every factor 0: minimum-norm least squares.
            z_basis = _orthonormal_basis(design.toarray())
            coef[targets] = _unpenalized_coef(z_basis, Yt).T
            dof[targets] = z_basis[0].shape[1]
            continue
        if has_penalty not in cache:
            parts = _split_penalized(design, 1.0, penalty_factor)
            Q = parts[4][0]
            A = parts[3].toarray()
            W = Q.T @ A
            A = A - Q @ W
            U, s, Vt = np.linalg.svd(A, full_matrices=False)
            tol = s.max(initial=0.0) * max(A.shape) * np.finfo(np.float64).eps
            cache[has_penalty] = (parts, A, W, U, s, Vt, s > tol)
        parts, A, W, U, s, Vt, keep = cache[has_penalty]
        penalized, unpenalized, scale, scaled, z_basis = parts
        Q = z_basis[0]
        shrink = np.zeros_like(s)
        shrink[keep] = s[keep] / (s[keep] ** 2 + alpha)
        c = Vt.T @ (shrink[:, None] * (U.T @ Yt))
        coef[targets] = (c * scale[:, None]).T
        if unpenalized.size:
            residual = Yt - (A @ c + Q @ (W @ c))
            coef[np.ix_(targets, unpenalized)] = _unpenalized_coef(z_basis, residual).T
        s_kept = s[keep]
        dof[targets] = Q.shape[1] + np.sum(s_kept**2 / (s_kept**2 + alpha))
    return coef, dof


def solve_cg(design, Y, alphas, penalty_factor, *, tol, max_iter):
    """Jacobi-preconditioned conjugate gradient on ``(X_c' X_c + D) b = X_c' y``.

    Works through matrix-vector products only: a sparse ``X`` is never
    densified. Stops when ``||residual|| <= tol * ||X_c' y||``.

    Returns ``coef`` (n_targets, n_features) and ``n_iter`` (n_targets,).
    """
    n_features = design.shape[1]
    op = design.operator()
    XtY = design.rmatmat(Y)
    col_norms = design.column_sq_norms()
    coef = np.empty((Y.shape[1], n_features))
    n_iter = np.zeros(Y.shape[1], dtype=np.int32)
    for k in range(Y.shape[1]):
        d = alphas[k] * penalty_factor
        diagonal = col_norms + d
        inv_diag = 1.0 / np.where(diagonal > 0, diagonal, 1.0)

        def normal_matvec(v, d=d):
            return op.rmatvec(op.matvec(v)) + d * v

        A = sp_linalg.LinearOperator(
            (n_features, n_features), matvec=normal_matvec, dtype=np.float64
        )
        M = sp_linalg.LinearOperator(
            (n_features, n_features),
            matvec=lambda v, inv_diag=inv_diag: inv_diag * v,
            dtype=np.float64,
        )
        counter = [0]

        def count(_, counter=counter):
            counter[0] += 1

        coef[k], info = sp_linalg.cg(
            A, XtY[:, k], rtol=tol, maxiter=max_iter, M=M, callback=count
        )
        n_iter[k] = max(counter[0], 1)
        if info > 0:
            warnings.warn(
                f"Ridge solver 'sparse_cg' did not converge in {info} iterations "
                f"(tol={tol}); increase max_iter or tol.",
                ConvergenceWarning,
                stacklevel=4,
            )
    return coef, n_iter


def solve_lsqr(design, Y, alphas, penalty_factor, *, tol, max_iter):
    """LSQR on the augmented least-squares system ``[X_c; D^1/2] b = [y_c; 0]``.

    The per-coefficient penalty enters as extra rows, so zero factors are exact.
    ``tol`` is LSQR's ``atol`` and ``btol``.

    Returns ``coef`` (n_targets, n_features) and ``n_iter`` (n_targets,).
    """
    n_samples, n_features = design.shape
    op = design.operator()
    coef = np.empty((Y.shape[1], n_features))
    n_iter = np.zeros(Y.shape[1], dtype=np.int32)
    for k in range(Y.shape[1]):
        root_d = np.sqrt(alphas[k] * penalty_factor)

        def matvec(v, root_d=root_d):
            return np.concatenate([op.matvec(v), root_d * v])

        def rmatvec(u, root_d=root_d):
            return op.rmatvec(u[:n_samples]) + root_d * u[n_samples:]

        augmented = sp_linalg.LinearOperator(
            (n_samples + n_features, n_features),
            matvec=matvec,
            rmatvec=rmatvec,
            dtype=np.float64,
        )
        rhs = np.concatenate([Y[:, k], np.zeros(n_features)])
        result = sp_linalg.lsqr(augmented, rhs, atol=tol, btol=tol, iter_lim=max_iter)
        coef[k] = result[0]
        n_iter[k] = max(int(result[2]), 1)
    return coef, n_iter


def solve_lbfgs(design, Y, alphas, penalty_factor, *, tol, max_iter, positive):
    """L-BFGS-B on the ridge objective, with bounds ``b >= 0`` if ``positive``.

    Returns ``coef`` (n_targets, n_features) and ``n_iter`` (n_targets,).
    """
    n_features = design.shape[1]
    op = design.operator()
    coef = np.empty((Y.shape[1], n_features))
    n_iter = np.zeros(Y.shape[1], dtype=np.int32)
    options = {} if max_iter is None else {"maxiter": max_iter}
    bounds = [(0, np.inf)] * n_features if positive else None
    for k in range(Y.shape[1]):
        d = alphas[k] * penalty_factor
        y = Y[:, k]

        def objective(b, d=d, y=y):
            residual = op.matvec(b) - y
            value = 0.5 * residual @ residual + 0.5 * (d * b) @ b
            return value, op.rmatvec(residual) + d * b

        result = optimize.minimize(
            objective,
            np.zeros(n_features),
            method="L-BFGS-B",
            jac=True,
            tol=tol,
            bounds=bounds,
            options=options,
        )
        if not result.success:
            warnings.warn(
                f"Ridge solver 'lbfgs' did not converge ({result.message}); "
                f"increase max_iter (now {max_iter}) or tol (now {tol}).",
                ConvergenceWarning,
                stacklevel=4,
            )
        coef[k] = result.x
        n_iter[k] = max(int(result.nit), 1)
    return coef, n_iter
