"""Efficient leave-one-out errors of ridge, for every alpha at once (RidgeCV)."""

import numpy as np

from .ridge_solvers import _split_penalized, _unpenalized_coef


class LeaveOneOut:
    """Spectral factors of the ridge hat matrix for all alphas at once.

    ``F`` (n, k) and ``w`` (k,) are such that the penalized part of the hat
    matrix is ``F diag(1 / (w + alpha)) F'`` (covariance mode, ``F = A V``) or
    ``F diag(w / (w + alpha)) F'`` (gram and svd modes, ``F`` orthonormal). In
    gram mode ``F`` is a complete basis of the complement of the unpenalized
    directions, so ``I - H = F diag(alpha / (w + alpha)) F'`` without
    cancellation: the leave-one-out residual is then ``c_i / d_i`` with
    ``c = F diag(1/(w + alpha)) F' y`` and ``d = diag(F diag(1/(w + alpha)) F')``.
    """

    def __init__(self, design, Y, penalty_factor, intercept_direction, mode):
        n_samples = design.shape[0]
        parts = _split_penalized(design, 1.0, penalty_factor)
        self.penalized, self.unpenalized, self.scale, self.scaled, self.z_basis = parts
        Q = self.z_basis[0]
        self.Y = Y
        self.QQY = Q @ (Q.T @ Y)
        fixed = Q if intercept_direction is None else np.c_[intercept_direction, Q]
        leverage = np.sum(fixed**2, axis=1)
        n_penalized = self.penalized.size
        if n_penalized == 0:
            mode = "svd"
        elif mode in ("auto", "eigen", None) or design.is_sparse:
            mode = "cov" if n_samples > n_penalized else "gram"
        self.mode = mode
        self.rank_unpenalized = Q.shape[1]
        W = self.scaled.rmatmat(Q).T  # Q' X_P D^-1/2, shape (rank, n_penalized)
        if n_penalized == 0:
            F = np.zeros((n_samples, 0))
            self.w = np.zeros(0)
        elif mode == "cov":
            C = self.scaled.gram_matrix() - W.T @ W
            w, V = np.linalg.eigh(C)
            self.w = np.maximum(w, 0.0)
            self.V = V
            F = self.scaled.matmat(V) - Q @ (W @ V)
        elif mode == "gram":
            K = self.scaled.kernel_matrix()
            if fixed.shape[1]:
                basis = np.linalg.qr(fixed, mode="complete")[0]
                N = basis[:, fixed.shape[1] :]
                K = N.T @ K @ N
            w, U = np.linalg.eigh(K)
            self.w = np.maximum(w, 0.0)
            F = U if not fixed.shape[1] else N @ U
        else:  # "svd", dense only
            A = self.scaled.toarray() - Q @ W
            U, s, _ = np.linalg.svd(A, full_matrices=False)
            self.w = s**2
            F = U
        self.F = F
        self.F_squared = F**2
        self.FtY = F.T @ Y
        if mode == "cov":
            self.leverage = leverage
        elif mode == "svd":
            # parts of I - H that do not depend on alpha
            self.rest_diag = 1.0 - leverage - self.F_squared.sum(axis=1)
            self.rest_Y = Y - self.QQY - F @ self.FtY

    def errors(self, alpha):
        """LOO residuals (n_samples, n_targets) on the rescaled scale, and dof."""
        inv = 1.0 / (self.w + alpha)
        dof = self.rank_unpenalized + float(np.sum(self.w * inv))
        if self.mode == "cov":
            hat_diag = self.leverage + self.F_squared @ inv
            residual = self.Y - self.QQY - self.F @ (inv[:, None] * self.FtY)
            return residual / (1.0 - hat_diag)[:, None], dof
        if self.mode == "gram":
            c = self.F @ (inv[:, None] * self.FtY)
            return c / (self.F_squared @ inv)[:, None], dof
        one_minus_h = self.rest_diag + alpha * (self.F_squared @ inv)
        residual = self.rest_Y + alpha * (self.F @ (inv[:, None] * self.FtY))
        return residual / one_minus_h[:, None], dof

    def coef(self, alpha, targets):
        """Coefficients (n_targets, n_features) for one alpha."""
        Y = self.Y[:, targets]
        n_features = self.scaled.shape[1]
        coef = np.zeros((Y.shape[1], n_features))
        if self.mode == "cov":
            c = self.V @ (self.FtY[:, targets] / (self.w + alpha)[:, None])
        else:
            Q = self.z_basis[0]
            MY = Y - self.QQY[:, targets]
            # (A A' + alpha I)^-1 M y, up to a part in null(A') that A' removes
            a = self.F @ ((self.F.T @ MY) / (self.w + alpha)[:, None])
            c = self.scaled.rmatmat(a - Q @ (Q.T @ a))
        coef[:] = (c * self.scale[:, None]).T
        if self.unpenalized.size:
            residual = Y - self.scaled.matmat(c)
            coef[:, self.unpenalized] = _unpenalized_coef(self.z_basis, residual).T
        return coef
