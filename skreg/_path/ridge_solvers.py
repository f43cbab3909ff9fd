"""Solvers for ridge regression with a per-coefficient penalty.

Every function here solves, for one or several targets,

.. math::

    \\min_b \\; \\|y_c - X_c b\\|_2^2 + \\sum_j d_j b_j^2,
    \\qquad d_j = \\alpha \\, \\mathrm{pf}_j \\ge 0,

where ``X_c`` and ``y_c`` are the centred, sample-weighted data
``sqrt(s) * (X - mean_s(X))``. ``X_c`` is held by a design object of
:mod:`skreg._path.products`, which may centre implicitly: a sparse ``X`` is never
densified and a dense one never copied, only their Gram matrix ``X_c' X_c``
(p x p) or kernel ``X_c X_c'`` (n x n) formed when an exact solver asks for one.

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
from scipy import optimize
from scipy.linalg import lapack
from scipy.sparse import linalg as sp_linalg
from sklearn.exceptions import ConvergenceWarning

from .design import make_design


def centre_data(X, y, sample_weight, *, fit_intercept):
    """The design of a ridge problem and its centred, weighted targets.

    The :class:`~skreg._path.design.Design` of the coordinate-descent
    estimators, with raw sample weights (ridge's penalty is not divided by
    their sum) and dense ``X`` in its own memory order: it is never copied
    unless weighted, and centred implicitly in every product.

    Returns
    -------
    design : Design
    Y : ndarray of shape (n_samples, n_targets)
        Centred targets multiplied by ``sqrt(sample_weight)``, float64.
    X_offset, y_offset, X_scale
        For ``LinearModel._set_intercept``, in the dtype of ``X``.
    sqrt_sw : ndarray of shape (n_samples,) or None
    """
    Y = np.asarray(y, dtype=np.float64).reshape(X.shape[0], -1)
    design = make_design(
        X, Y[:, 0], sample_weight, fit_intercept=fit_intercept, keep_layout=True
    )
    if fit_intercept:
        Y_offset = np.average(Y, axis=0, weights=sample_weight)
    else:
        Y_offset = np.zeros(Y.shape[1])
    Y = (Y - Y_offset) * design.v[:, np.newaxis]
    y_offset = Y_offset if np.ndim(y) > 1 else Y_offset[0]
    sqrt_sw = None if sample_weight is None else design.v
    return (
        design,
        Y,
        design.X_offset.astype(X.dtype),
        # scikit-learn casts y to the dtype of X: intercept_ and predictions
        np.asarray(y_offset, dtype=X.dtype),
        np.ones(X.shape[1], dtype=X.dtype),
        sqrt_sw,
    )


# Above this size of the smaller Gram side, iterative solvers do not compute the
# exact ``dof_`` (it would cost as much as an exact solve) and report NaN.
_DOF_MAX_DIM = 2000


def _solve_psd(H, B):
    """Solve ``H x = B`` for symmetric positive semi-definite ``H``.

    Cholesky when ``H`` is positive definite; otherwise the minimum-norm
    solution from an eigendecomposition (eigenvalues below a relative
    tolerance are treated as zero). Returns ``(x, inv_diag, H_pinv)``:
    ``inv_diag`` is the diagonal of the (pseudo-)inverse of ``H`` (for the
    degrees of freedom) and ``H_pinv`` the pseudo-inverse when ``H`` was
    singular, else None.
    """
    try:
        L = np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        L = None
    if L is not None:
        # H^-1 = L^-T L^-1: its diagonal is the column norms of L^-1. LAPACK's
        # triangular inverse costs a third of a general inverse of L.
        L_inv, info = lapack.dtrtri(L, lower=1)
        if info == 0:  # (L_inv is lower triangular: NumPy zeroes L above)
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
    G = design.gram_matrix()
    XtY = design.rmatmat(Y)
    n_features = G.shape[0]
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


def _split_penalized(design, alpha, penalty_factor):
    """Split the design into rescaled penalized and unpenalized columns.

    Returns ``penalized`` and ``unpenalized`` column indices, ``scale`` of shape
    (n_features,) (``1/sqrt(pf_j)`` on penalized columns, 0 on unpenalized
    ones), the full-width design with columns multiplied by ``scale`` (so the
    unpenalized ones are zero and no column selection copies X), and the thin
    SVD ``(Q, s, Vt)`` of the unpenalized columns.
    """
    mask = alpha * penalty_factor > 0
    penalized = np.flatnonzero(mask)
    unpenalized = np.flatnonzero(~mask)
    scale = np.zeros(penalty_factor.shape[0])
    scale[mask] = 1.0 / np.sqrt(penalty_factor[mask])
    Z = design.toarray(unpenalized)
    scaled = design.scaled(scale)
    Q, z_sv, z_Vt = _orthonormal_basis(Z)
    return penalized, unpenalized, scale, scaled, (Q, z_sv, z_Vt)


def _unpenalized_coef(z_basis, residual):
    """Minimum-norm least-squares coefficients of the unpenalized columns."""
    Q, z_sv, z_Vt = z_basis
    return z_Vt.T @ ((Q.T @ residual) / z_sv[:, None])


def solve_dual(design, Y, alphas, penalty_factor):
    """Dual (kernel) solve through ``X_c D^-1 X_c'`` (best when p > n).

    With ``P`` the penalized and ``U`` the unpenalized columns, ``M`` the
    projection off ``span(X_U)`` and ``K = X_P D_P^-1 X_P'``, the penalized
    coefficients are ``b_P = D_P^-1 X_P' a`` with ``(M K M + I) a = M y``; then
    ``b_U`` is the least-squares fit of ``y - X_P b_P`` on ``X_U``.

    Returns ``coef`` (n_targets, n_features) and ``dof`` (n_targets,).
    """
    n_samples, n_features = design.shape
    coef = np.zeros((Y.shape[1], n_features))
    dof = np.empty(Y.shape[1])
    cache = {}
    for alpha, targets in _alpha_groups(alphas):
        has_penalty = bool(np.any(alpha * penalty_factor > 0))
        if has_penalty not in cache:
            if has_penalty:
                parts = _split_penalized(design, 1.0, penalty_factor)
                Q = parts[4][0]
                K_scaled = parts[3].kernel_matrix()
                K = K_scaled
                if Q.shape[1]:
                    KQ = K @ Q
                    K = K - KQ @ Q.T - Q @ KQ.T + Q @ (Q.T @ KQ) @ Q.T
                    K = 0.5 * (K + K.T)
                cache[has_penalty] = (parts, K, K_scaled)
            else:
                cache[has_penalty] = (None, design.kernel_matrix(), None)
        parts, K, K_scaled = cache[has_penalty]
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
            # X_P D_P^-1/2 c = K_scaled a / alpha, without another pass over X
            residual = Yt - K_scaled @ a / alpha
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


def _cg(A, b, *, tol, max_iter, M=None):
    """:func:`scipy.sparse.linalg.cg` from 0; the solution and iterations."""
    counter = [0]

    def count(_):
        counter[0] += 1

    x, info = sp_linalg.cg(A, b, rtol=tol, maxiter=max_iter, M=M, callback=count)
    if info > 0:
        warnings.warn(
            f"Ridge solver 'sparse_cg' did not converge in {info} iterations "
            f"(tol={tol}); increase max_iter or tol.",
            ConvergenceWarning,
            stacklevel=5,
        )
    return x, max(counter[0], 1)


def _solve_cg_dual(design, Y, alphas, penalty_factor, *, tol, max_iter):
    """Conjugate gradient on the dual system, for wide ``X`` (p > n).

    With ``D = alpha P`` (``P = diag(pf)``, every factor positive),
    ``b = P^-1 X_c' u`` where ``(X_c P^-1 X_c' + alpha I) u = y_c``: an n x n
    system, well posed even at ``alpha = 0``, where it gives the least-squares
    solution of smallest ``P``-norm (scikit-learn's dual CG, with ``P = I``).
    The primal system is singular there, and CG on it from a preconditioned
    start does not find that solution.
    """
    n_samples, n_features = design.shape
    op = design.operator()
    inverse_factors = 1.0 / penalty_factor
    coef = np.empty((Y.shape[1], n_features))
    n_iter = np.zeros(Y.shape[1], dtype=np.int32)
    for k in range(Y.shape[1]):
        alpha = alphas[k]

        def kernel_matvec(u, alpha=alpha):
            return op.matvec(inverse_factors * op.rmatvec(u)) + alpha * u

        K = sp_linalg.LinearOperator(
            (n_samples, n_samples), matvec=kernel_matvec, dtype=np.float64
        )
        u, n_iter[k] = _cg(K, Y[:, k], tol=tol, max_iter=max_iter)
        coef[k] = inverse_factors * op.rmatvec(u)
    return coef, n_iter


def solve_cg(design, Y, alphas, penalty_factor, *, tol, max_iter):
    """Jacobi-preconditioned conjugate gradient on ``(X_c' X_c + D) b = X_c' y``.

    Works through matrix-vector products only: a sparse ``X`` is never
    densified. Stops when ``||residual|| <= tol * ||X_c' y||``. For wide ``X``
    with positive factors, the dual system instead (:func:`_solve_cg_dual`).

    Returns ``coef`` (n_targets, n_features) and ``n_iter`` (n_targets,).
    """
    n_samples, n_features = design.shape
    if n_features > n_samples and np.all(penalty_factor > 0):
        return _solve_cg_dual(
            design, Y, alphas, penalty_factor, tol=tol, max_iter=max_iter
        )
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
        coef[k], n_iter[k] = _cg(A, XtY[:, k], tol=tol, max_iter=max_iter, M=M)
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
                "The lbfgs solver did not converge. Try increasing max_iter "
                f"or tol. Currently: max_iter={max_iter} and tol={tol} "
                f"({result.message})",
                ConvergenceWarning,
                stacklevel=4,
            )
        coef[k] = result.x
        n_iter[k] = max(int(result.nit), 1)
    return coef, n_iter
