"""``Ridge`` and ``RidgeCV`` on dask data: statistics from the cluster, the
solve on the client.

Ridge's loss is a sum (scikit-learn's scale, no ``1/n``) and its sample
weights are used as given, so the system is built from the raw-weight
moments of one pass (:func:`~skreg._dask.reduction.fold_moments`):
``(Z'Z + alpha diag(pf)) b = Z'y`` with ``Z`` the weighted, centred columns
(raw products without an intercept), then ``b_0 = y_mean - x_mean'b``. It is
solved exactly whatever ``solver`` names (a Cholesky solve, the minimum-norm
solution when singular): on rows the solvers differ in how they touch X, and
here X is not touched. ``positive=True`` runs L-BFGS-B on the same statistics.

``RidgeCV``:

- ``cv`` an int or an unshuffled ``KFold``: each fold's training statistics
  are the totals less its own, from the same pass; each fold's test error
  along the alphas is a quadratic form in its statistics, scored as
  ``GridSearchCV`` scores ``Ridge`` (weighted R^2 by default).
- ``cv=None``, scikit-learn's efficient leave-one-out: the spectral factors
  of the hat matrix come from the totals (p x p, on the client), and a second
  pass over the blocks of X on the cluster gives each row its leverage
  ``h_i(alpha)`` and LOO residual ``e_i / (1 - h_i)``; only the sums of the
  squared LOO errors (``n_alphas`` numbers per block) come back, or every
  row's with ``store_cv_results``. That is the eigen route whatever
  ``gcv_mode`` says (exact either way); ``scoring`` must be None, and
  ``alpha_per_target`` changes nothing (dask y is one target).

The client never holds a row of X.
"""

from dataclasses import dataclass

import numpy as np

from .._path.ridge_solvers import _solve_psd
from .._validation import check_penalty_factor
from .fits import fold_boundaries
from .inputs import dask_inputs, is_dask
from .moments import design_of, held_out_mse, merge, without
from .reduction import fold_moments

# Scorers a fold's statistics can give: (weighted) R^2 and mean squared error.
_FOLD_SCORINGS = (None, "r2", "neg_mean_squared_error")


# --- the statistics -----------------------------------------------------------


def _inputs(estimator, X, y, sample_weight):
    """``dask_inputs`` and the common factor of a scalar ``sample_weight``.

    ``dask_inputs`` drops a scalar weight, which changes nothing for the
    estimators whose loss is a mean; ridge's is a sum, so the factor scales
    the moments (:func:`_scaled`).
    """
    factor = 1.0
    if np.ndim(sample_weight) == 0 and sample_weight is not None:
        if not is_dask(sample_weight):
            factor = float(sample_weight)
            if not np.isfinite(factor):
                raise ValueError(
                    f"sample_weight must be finite (no NaN or inf), got {factor}."
                )
    data = dask_inputs(estimator, X, y, sample_weight)
    return data, factor


def _scaled(moments, factor):
    """The moments of the same rows with every weight multiplied by ``factor``."""
    if factor == 1.0:
        return moments
    return moments._replace(
        weight=moments.weight * factor,
        xx=moments.xx * factor,
        xy=moments.xy * factor,
        yy=moments.yy * factor,
    )


def _ridge_design(moments, fit_intercept):
    """The statistics design of ``moments`` on ridge's scale (raw weights).

    ``design_of`` rescales the weights to sum to ``rows``; with ``rows`` set
    to their sum the scale is exactly 1, as ``check_sample_weight(...,
    rescale=False)`` keeps them for a ridge fit on rows.
    """
    return design_of(moments._replace(rows=moments.weight), fit_intercept)


def _solve(design, alpha, penalty_factor):
    """``(Z'Z + alpha diag(pf))^-1 Z'y`` and the degrees of freedom.

    As :func:`skreg._path.ridge_solvers.solve_primal`: unpenalized
    coefficients exact, the minimum-norm solution of a singular system.
    """
    G = design.XtX
    n_features = G.shape[0]
    H = G.copy()
    H.flat[:: n_features + 1] += alpha * penalty_factor
    solution, inv_diag, H_pinv = _solve_psd(H, design.Zy[:, np.newaxis])
    if H_pinv is None:
        dof = n_features - np.sum(alpha * penalty_factor * inv_diag)
    else:
        dof = np.sum(H_pinv * G)
    return solution[:, 0], float(dof)


def _solve_positive(design, alpha, penalty_factor, *, tol, max_iter):
    """L-BFGS-B with ``b >= 0`` on the statistics, as ``solve_lbfgs`` on rows.

    The objective is the one on rows, ``0.5 ||y - Zb||^2 + 0.5 b'Db``, written
    in the statistics (``y'y`` included, so that scipy's relative stopping
    rule sees the same values).
    """
    import warnings

    from scipy import optimize
    from sklearn.exceptions import ConvergenceWarning

    G, Zy, yy = design.XtX, design.Zy, design.yy
    d = alpha * penalty_factor

    def objective(b):
        Gb = G @ b
        value = 0.5 * (yy - 2.0 * b @ Zy + b @ Gb) + 0.5 * (d * b) @ b
        return value, Gb - Zy + d * b

    result = optimize.minimize(
        objective,
        np.zeros(G.shape[0]),
        method="L-BFGS-B",
        jac=True,
        tol=tol,
        bounds=[(0, np.inf)] * G.shape[0],
        options={} if max_iter is None else {"maxiter": max_iter},
    )
    if not result.success:
        warnings.warn(
            "The lbfgs solver did not converge. Try increasing max_iter or tol. "
            f"Currently: max_iter={max_iter} and tol={tol} ({result.message})",
            ConvergenceWarning,
            stacklevel=5,
        )
    return result.x, max(int(result.nit), 1)


def _dtype(data):
    """float32 X keeps float32 coefficients, as ``Ridge`` does on rows."""
    return np.float32 if data.X.dtype == np.float32 else np.float64


def _explain(estimator, design, alpha, penalty_factor):
    from .._explain.ridge import explain_ridge

    estimator.explanation_ = explain_ridge(
        design,
        None,
        alpha=float(alpha),
        penalty_factor=penalty_factor,
        feature_names=getattr(estimator, "feature_names_in_", None),
    )


# --- Ridge ----------------------------------------------------------------------


def fit_ridge(estimator, X, y, sample_weight):
    """``Ridge.fit`` on dask data: one pass, then the exact solve."""
    from .._estimators.ridge import _check_alpha, _check_explainable, _resolve_solver

    if estimator.explain:
        _check_explainable(y, estimator.positive)
    data, factor = _inputs(estimator, X, y, sample_weight)
    n_features = data.X.shape[1]
    # the same errors as on rows (e.g. positive with 'svd'); the name is not
    # used further: every solver's answer is the exact one
    _resolve_solver(
        estimator.solver,
        positive=estimator.positive,
        is_sparse=False,
        shape=data.X.shape,
    )
    penalty_factor = check_penalty_factor(
        estimator.penalty_factor, n_features, allow_inf=False
    )
    alpha = float(_check_alpha(estimator.alpha, 1)[0])
    (moments,) = fold_moments(data.X, data.y, data.sample_weight, [0, data.n_samples])
    design = _ridge_design(_scaled(moments, factor), estimator.fit_intercept)
    coef, dof = _solve(design, alpha, penalty_factor)
    n_iter = None
    if estimator.positive:
        coef, iterations = _solve_positive(
            design,
            alpha,
            penalty_factor,
            tol=estimator.tol,
            max_iter=estimator.max_iter,
        )
        n_iter = np.array([iterations], dtype=np.int32)
    dtype = _dtype(data)
    estimator.coef_ = coef.astype(dtype)
    estimator.n_iter_ = n_iter
    estimator.solver_ = "lbfgs" if estimator.positive else "cholesky"
    estimator.dof_ = dof
    estimator._set_intercept(
        design.X_offset.astype(dtype),
        np.asarray(design.y_offset, dtype=dtype),
        np.ones(n_features, dtype=dtype),
    )
    if estimator.explain:
        _explain(estimator, design, alpha, penalty_factor)
    return estimator


# --- RidgeCV ---------------------------------------------------------------------


def fit_ridge_cv(estimator, X, y, sample_weight, **params):
    """``RidgeCV.fit`` on dask data: k-fold from one pass, or the efficient
    leave-one-out in two."""
    from .._estimators.ridge import _check_explainable

    if params:
        raise ValueError(
            "On dask data RidgeCV takes no fit parameters for the scorer or the "
            f"splitter (the folds are fixed by cv); got {sorted(params)}."
        )
    if estimator.explain:
        _check_explainable(y, positive=False)
    alphas = estimator._checked_alphas()
    if estimator.cv is None:
        if estimator.scoring is not None:
            raise ValueError(
                "On dask data RidgeCV(cv=None) scores by the mean squared "
                "leave-one-out error (scoring=None): the rows' predictions stay "
                f"on the cluster. Got scoring={estimator.scoring!r}; use "
                "scoring=None or cv=<int>."
            )
    else:
        if estimator.store_cv_results:
            raise ValueError("cv!=None and store_cv_results=True are incompatible")
        if estimator.alpha_per_target:
            raise ValueError("cv!=None and alpha_per_target=True are incompatible")
        if estimator.scoring not in _FOLD_SCORINGS:
            raise ValueError(
                "On dask data RidgeCV(cv=...) scores each fold from its "
                "statistics: scoring must be one of None (R^2, as Ridge.score), "
                f"'r2' or 'neg_mean_squared_error'; got {estimator.scoring!r}."
            )
    data, factor = _inputs(estimator, X, y, sample_weight)
    penalty_factor = check_penalty_factor(
        estimator.penalty_factor, data.X.shape[1], allow_inf=False
    )
    if estimator.cv is None:
        (moments,) = fold_moments(
            data.X, data.y, data.sample_weight, [0, data.n_samples]
        )
        design = _ridge_design(_scaled(moments, factor), estimator.fit_intercept)
        _choose_by_leave_one_out(
            estimator, data, factor, design, alphas, penalty_factor
        )
    else:
        boundaries = fold_boundaries(estimator.cv, data.n_samples)
        folds = [
            _scaled(fold, factor)
            for fold in fold_moments(data.X, data.y, data.sample_weight, boundaries)
        ]
        total = folds[0]
        for fold in folds[1:]:
            total = merge(total, fold)
        design = _ridge_design(total, estimator.fit_intercept)
        _choose_by_folds(estimator, total, folds, alphas, penalty_factor)
    coef, dof = _solve(design, estimator.alpha_, penalty_factor)
    dtype = _dtype(data)
    estimator.coef_ = coef.astype(dtype)
    estimator.dof_ = dof
    estimator._set_intercept(
        design.X_offset.astype(dtype),
        np.asarray(design.y_offset, dtype=dtype),
        np.ones(data.X.shape[1], dtype=dtype),
    )
    if estimator.explain:
        _explain(estimator, design, estimator.alpha_, penalty_factor)
    return estimator


def _choose_by_folds(estimator, total, folds, alphas, penalty_factor):
    """``alpha_`` and ``best_score_`` as ``GridSearchCV`` over ``Ridge`` finds
    them: each fold's score (weighted as its rows are) averaged over folds."""
    scores = np.empty((len(folds), alphas.size))
    for k, fold in enumerate(folds):
        design = _ridge_design(without(total, fold), estimator.fit_intercept)
        coefs = np.column_stack(
            [_solve(design, alpha, penalty_factor)[0] for alpha in alphas]
        )
        intercepts = design.y_offset - design.X_offset @ coefs
        mse = held_out_mse(fold, coefs, intercepts)
        if estimator.scoring == "neg_mean_squared_error":
            scores[k] = -mse
        elif fold.yy > 0:  # R^2 about the fold's own (weighted) mean
            scores[k] = 1.0 - mse * fold.weight / fold.yy
        else:  # a constant target: r2_score's finite convention
            scores[k] = np.where(mse == 0.0, 1.0, 0.0)
    mean_scores = scores.mean(axis=0)
    best = int(np.argmax(mean_scores))  # the first of equal scores, as rank 1
    estimator.alpha_ = alphas[best]
    estimator.best_score_ = mean_scores[best]


# --- leave-one-out: the second pass ----------------------------------------------


@dataclass(frozen=True)
class _LeaveOneOutFactors:
    """What every block needs to score its rows: O(p^2) numbers, no rows.

    In the notation of :mod:`skreg._estimators.ridge_cv`: the rows of the
    basis ``Q`` of the unpenalized columns are ``Z_U @ z_map``, those of the
    spectral factor ``F = A V`` are ``(Z * scale) @ V - Q @ WV``; ``QtY`` and
    ``FtY`` are ``Q'y`` and ``F'y``; ``inv[a] = 1 / (w + alphas[a])``.
    (A dataclass: dask passes it to the tasks as it is, not as a tuple.)
    """

    x_offset: np.ndarray
    y_offset: float
    weight_factor: float
    total_weight: float
    fit_intercept: bool
    unpenalized: np.ndarray
    z_map: np.ndarray
    scale: np.ndarray
    V: np.ndarray
    WV: np.ndarray
    QtY: np.ndarray
    FtY: np.ndarray
    inv: np.ndarray


def _leave_one_out_factors(design, factor, alphas, penalty_factor):
    """The hat matrix's factors from the totals alone (``LeaveOneOut``'s
    covariance mode, its row-space products rewritten in ``Z'Z`` and
    ``Z'y``)."""
    G, Zy = design.XtX, design.Zy
    penalized = penalty_factor > 0
    unpenalized = np.flatnonzero(~penalized)
    scale = np.zeros(penalty_factor.size)
    scale[penalized] = 1.0 / np.sqrt(penalty_factor[penalized])
    # Q = Z_U V_z / s_z from the eigendecomposition of Z_U'Z_U, truncated to
    # its numerical rank as Design.unpenalized_fit truncates it
    eigenvalues, vectors = np.linalg.eigh(G[np.ix_(unpenalized, unpenalized)])
    keep = eigenvalues > eigenvalues.max(initial=0.0) * unpenalized.size * 1e-15
    z_map = vectors[:, keep] / np.sqrt(eigenvalues[keep])
    W = (z_map.T @ G[unpenalized]) * scale  # Q' X_P D^-1/2
    QtY = z_map.T @ Zy[unpenalized]
    C = scale[:, np.newaxis] * G * scale - W.T @ W
    w, V = np.linalg.eigh(C)
    w = np.maximum(w, 0.0)
    WV = W @ V
    return _LeaveOneOutFactors(
        x_offset=design.X_offset,
        y_offset=design.y_offset,
        weight_factor=factor,
        total_weight=design.n_samples,
        fit_intercept=design.fit_intercept,
        unpenalized=unpenalized,
        z_map=z_map,
        scale=scale,
        V=V,
        WV=WV,
        QtY=QtY,
        FtY=V.T @ (scale * Zy) - WV.T @ QtY,
        inv=1.0 / (w[np.newaxis, :] + alphas[:, np.newaxis]),
    )


def _block_loo_squared_errors(X, y, w, factors):
    """Squared LOO residuals of one block's rows, shape (rows, n_alphas).

    On the weighted scale of ``RidgeCV``'s scoring: ``(sqrt(s_i) e_i / (1 -
    h_i))^2`` with the leverage ``h_i = q_i^2 + |Q_i|^2 + sum_k F_ik^2 /
    (w_k + alpha)`` (``q`` the intercept direction).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    s = np.full(y.size, factors.weight_factor)
    if w is not None:
        s *= np.asarray(w, dtype=np.float64).ravel()
    root = np.sqrt(s)
    Z = (X - factors.x_offset) * root[:, np.newaxis]
    Yc = (y - factors.y_offset) * root
    Q = Z[:, factors.unpenalized] @ factors.z_map
    F = (Z * factors.scale) @ factors.V - Q @ factors.WV
    leverage = np.sum(Q**2, axis=1)
    if factors.fit_intercept:
        leverage += s / factors.total_weight
    hat = leverage[:, np.newaxis] + (F**2) @ factors.inv.T
    residual = (Yc - Q @ factors.QtY)[:, np.newaxis] - F @ (factors.inv * factors.FtY).T
    return (residual / (1.0 - hat)) ** 2


def leave_one_out_squared_errors(data, factors):
    """The squared LOO errors of every row, lazily: (n_samples, n_alphas).

    One task per block of X, on the cluster.
    """
    import dask.array as da

    w = None if data.sample_weight is None else data.sample_weight[:, np.newaxis]
    return da.map_blocks(
        _block_loo_squared_errors,
        data.X,
        data.y[:, np.newaxis],
        w,
        factors,
        chunks=(data.X.chunks[0], (factors.inv.shape[0],)),
        dtype=np.float64,
    )


def _choose_by_leave_one_out(estimator, data, factor, design, alphas, penalty_factor):
    """Pass 2: the mean squared LOO error per alpha (and, if asked, every
    row's), the smallest chosen as ``RidgeCV`` chooses it."""
    import dask

    factors = _leave_one_out_factors(design, factor, alphas, penalty_factor)
    squared = leave_one_out_squared_errors(data, factors)
    if estimator.store_cv_results:
        sums, values = dask.compute(squared.sum(axis=0), squared)
        estimator.cv_results_ = values
    else:
        (sums,) = dask.compute(squared.sum(axis=0))
    scores = -sums / data.n_samples
    best = int(np.argmax(scores))  # the first of equal scores
    estimator.alpha_ = float(alphas[best])
    estimator.best_score_ = scores[best]
