"""Ridge regression with a per-coefficient penalty (the estimator layer).

:class:`Ridge` validates its input, turns ``alpha`` and ``penalty_factor`` into
the diagonal penalty ``D = alpha * diag(penalty_factor)`` (the one place where
the scale is set), wraps the centred, weighted data in a design of
:class:`skreg._path.design.Design` (centred implicitly, never copied unless
weighted) and hands it to a solver of :mod:`skreg._path.ridge_solvers`.
:class:`RidgeCV` lives in :mod:`skreg._estimators.ridge_cv`.
"""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.linear_model._base import LinearModel
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import validate_data

from .._dask.inputs import is_dask
from .._dask.predict import DaskPredictMixin
from .._explain.ridge import explain_ridge
from .._path.ridge_solvers import (
    _DOF_MAX_DIM,
    centre_data,
    solve_cg,
    solve_dual,
    solve_lbfgs,
    solve_lsqr,
    solve_primal,
    solve_svd,
)
from .._validation import (
    check_nonnegative,
    check_penalty_factor,
    check_sample_weight,
)

_SKLEARN_SOLVERS = {"auto", "svd", "cholesky", "lsqr", "sparse_cg", "sag", "saga"}


def _resolve_solver(solver, *, positive, is_sparse, shape):
    """Map a scikit-learn solver name to the skreg solver that runs.

    Returns one of ``"cholesky"``, ``"svd"``, ``"sparse_cg"``, ``"lsqr"``,
    ``"lbfgs"``.
    """
    if positive:
        if solver not in ("auto", "lbfgs"):
            raise ValueError(
                f"solver={solver!r} does not support positive=True; set solver to "
                "'auto' or 'lbfgs', or set positive=False."
            )
        return "lbfgs"
    if solver in ("auto", "sag", "saga"):
        # skreg has no stochastic solver. Exact whenever the Gram (or kernel)
        # matrix of the smaller side is affordable; CG for large sparse X.
        if is_sparse and min(shape) > _DOF_MAX_DIM:
            return "sparse_cg"
        return "cholesky"
    if solver == "svd" and is_sparse:
        # An SVD of a sparse X would densify it; the exact Gram/kernel route
        # gives the same solution.
        return "cholesky"
    return solver


def _check_alpha(alpha, n_targets, dtype_name="alpha"):
    """Return alpha as a float64 array of shape (n_targets,)."""
    alphas = check_nonnegative(alpha, dtype_name)
    if alphas.shape[0] not in (1, n_targets):
        raise ValueError(
            "Number of targets and number of penalties do not correspond: "
            f"{alphas.shape[0]} != {n_targets} ({dtype_name} must be a scalar "
            "or have one entry per target)."
        )
    return np.broadcast_to(alphas, (n_targets,)).copy()


def _fit_ridge(design, Y, alphas, penalty_factor, *, solver, tol, max_iter, positive):
    """Run one solver; return ``coef`` (t, p), ``n_iter`` (t,), ``dof`` (t,)."""
    n_samples, n_features = design.shape
    n_targets = Y.shape[1]
    if solver in ("cholesky", "svd"):
        if solver == "svd":
            coef, dof = solve_svd(design, Y, alphas, penalty_factor)
        elif n_features > n_samples:
            coef, dof = solve_dual(design, Y, alphas, penalty_factor)
        else:
            coef, dof = solve_primal(design, Y, alphas, penalty_factor)
        return coef, None, dof
    iterative = {"sparse_cg": solve_cg, "lsqr": solve_lsqr}
    if solver == "lbfgs":
        coef, n_iter = solve_lbfgs(
            design,
            Y,
            alphas,
            penalty_factor,
            tol=tol,
            max_iter=max_iter,
            positive=positive,
        )
    else:
        coef, n_iter = iterative[solver](
            design, Y, alphas, penalty_factor, tol=tol, max_iter=max_iter
        )
    if min(n_samples, n_features) <= _DOF_MAX_DIM:
        no_target = np.zeros((n_samples, n_targets))
        if n_features > n_samples:
            _, dof = solve_dual(design, no_target, alphas, penalty_factor)
        else:
            _, dof = solve_primal(design, no_target, alphas, penalty_factor)
    else:
        dof = np.full(n_targets, np.nan)
    return coef, n_iter, dof


class Ridge(DaskPredictMixin, MultiOutputMixin, RegressorMixin, LinearModel):
    """Linear least squares with a per-coefficient l2 penalty.

    Minimizes the objective function

    .. math::

        \\sum_i s_i (y_i - b_0 - x_i^\\top b)^2
        + \\alpha \\sum_j \\mathrm{pf}_j \\, b_j^2

    where :math:`s` are the sample weights (1 by default), :math:`b_0` the
    intercept (unpenalized) and :math:`\\mathrm{pf}` the ``penalty_factor``.
    This is scikit-learn's :class:`~sklearn.linear_model.Ridge` scale (no
    :math:`1/n`): with ``penalty_factor=None`` both estimators fit the same model.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Strength of the penalty, non-negative. An array gives one alpha per
        target. ``alpha = 0`` is ordinary least squares (minimum-norm solution
        when it is not unique).

    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative, finite multiplier of ``alpha`` for each coefficient: the
        penalty on :math:`b_j` is ``alpha * penalty_factor[j]``. ``0`` leaves the
        coefficient unpenalized (handled exactly, not by a small epsilon).
        ``None`` means 1 for every coefficient. The factors are used as given
        (glmnet rescales them to sum to ``n_features``; skreg does not).

    fit_intercept : bool, default=True
        Whether to fit an (unpenalized) intercept. If False, the data are
        expected to be centred.

    copy_X : bool, default=True
        Accepted for compatibility with scikit-learn: X is never modified. It
        is centred implicitly in every product; with sample weights its rows
        are rescaled into a copy.

    max_iter : int, default=None
        Maximum number of iterations of the iterative solvers ('sparse_cg',
        'lsqr', 'lbfgs'); ``None`` lets scipy decide. The exact solvers ignore it.

    tol : float, default=1e-4
        Precision of the iterative solvers: relative residual of the normal
        equations ('sparse_cg'), ``atol``/``btol`` of
        :func:`scipy.sparse.linalg.lsqr` ('lsqr'), ``tol`` of
        :func:`scipy.optimize.minimize` ('lbfgs'). The exact solvers ignore it.

    solver : {'auto', 'svd', 'cholesky', 'lsqr', 'sparse_cg', 'sag', 'saga', \
'lbfgs'}, default='auto'
        scikit-learn's solver names, mapped to skreg's solvers (``solver_`` says
        which one ran):

        - 'auto': 'lbfgs' if ``positive``; else 'cholesky' (exact), except
          'sparse_cg' for a sparse X with ``min(n_samples, n_features) >
          2000`` (scikit-learn uses 'sparse_cg' for every sparse X).
        - 'cholesky': exact. When ``n_samples >= n_features``, a Cholesky solve
          of :math:`X_c^\\top X_c + D`; otherwise the dual (kernel) form through
          :math:`X_c D^{-1} X_c^\\top` with the unpenalized columns projected out
          exactly. A sparse X is centred implicitly: only its Gram (p x p) or
          kernel (n x n) matrix is formed.
        - 'svd': exact, an SVD of the design rescaled by
          :math:`1/\\sqrt{\\mathrm{pf}_j}` after projecting out the unpenalized
          columns; for sparse X it is replaced by 'cholesky'.
        - 'sparse_cg': Jacobi-preconditioned conjugate gradient on the normal
          equations with implicit centring; never densifies X.
        - 'lsqr': :func:`scipy.sparse.linalg.lsqr` on the augmented system
          :math:`[X_c; D^{1/2}] b = [y_c; 0]`; never densifies X.
        - 'sag', 'saga': skreg has no stochastic solver; treated as 'auto'.
        - 'lbfgs': L-BFGS-B (:func:`scipy.optimize.minimize`), with bounds
          when ``positive``; allowed without ``positive`` too.

    positive : bool, default=False
        When True, forces the coefficients to be non-negative (solver 'lbfgs'
        only, as in scikit-learn).

    random_state : int, RandomState instance or None, default=None
        Accepted for compatibility with scikit-learn; every skreg solver is
        deterministic, so it is not used.

    explain : bool, default=False
        Also explain the fit (``explanation_``, a ``RidgeExplanation``): the
        fraction of the least-squares fit kept along each principal direction,
        the effective degrees of freedom, every coefficient's path over alpha
        and its large-alpha limit, ``why(feature)`` in numbers that add up, and
        ``plot()``. Computed after the fit from one SVD of its design (an
        eigendecomposition for sparse X, which needs ``min(n_samples,
        n_features) <= 2000``); ``coef_`` is the same as with False. One target
        only, and not with ``positive=True`` (the story is the closed form of
        the unconstrained ridge).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weight vector(s), in the dtype of X (float32 stays float32).

    intercept_ : float or ndarray of shape (n_targets,)
        Independent term; 0.0 if ``fit_intercept=False``.

    n_iter_ : None or ndarray of shape (n_targets,)
        Iterations per target of the 'lsqr' and 'lbfgs' solvers; None for the
        exact solvers and for 'sparse_cg', as in scikit-learn.

    solver_ : str
        The skreg solver that ran: 'cholesky', 'svd', 'sparse_cg', 'lsqr' or
        'lbfgs'.

    dof_ : float or ndarray of shape (n_targets,)
        Effective degrees of freedom
        :math:`\\mathrm{tr}\\big(X_c (X_c^\\top X_c + D)^{-1} X_c^\\top\\big)`
        on the centred, sample-weighted data, where
        :math:`D = \\alpha\\,\\mathrm{diag}(\\mathrm{pf})`. The intercept is
        **not** counted: add 1 when ``fit_intercept=True`` for the total. It
        is the trace of the unconstrained ridge hat matrix even when
        ``positive=True``. A float for 1-D ``y``, else one value per target.
        The iterative solvers compute it exactly when
        ``min(n_samples, n_features) <= 2000`` and report NaN otherwise.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column
        names.

    explanation_ : RidgeExplanation
        Only with ``explain=True``: why each coefficient is shrunk as it is,
        with ``report()``, ``why(feature)``, ``to_frame()`` and ``plot()``.

    See Also
    --------
    RidgeCV : Ridge with built-in (leave-one-out) cross-validation of alpha.
    sklearn.linear_model.Ridge : The same model with one penalty for all.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import Ridge
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(20, 3)
    >>> y = X @ np.array([1.0, 2.0, 3.0]) + 0.1 * rng.randn(20)
    >>> reg = Ridge(alpha=10.0, penalty_factor=[0.0, 1.0, 1.0]).fit(X, y)
    >>> reg.coef_.round(2).tolist()
    [1.05, 1.46, 2.0]
    >>> round(reg.dof_, 2)
    2.31
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
        "penalty_factor": ["array-like", None],
        "fit_intercept": ["boolean"],
        "copy_X": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "solver": [StrOptions(_SKLEARN_SOLVERS | {"lbfgs"})],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "explain": ["boolean"],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        penalty_factor=None,
        fit_intercept=True,
        copy_X=True,
        max_iter=None,
        tol=1e-4,
        solver="auto",
        positive=False,
        random_state=None,
        explain=False,
    ):
        self.alpha = alpha
        self.penalty_factor = penalty_factor
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.positive = positive
        self.random_state = random_state
        self.explain = explain

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the ridge model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array or DataFrame} of shape \
                (n_samples, n_features)
            Training data. A row-chunked dask array or DataFrame is reduced in one pass
            on the cluster (see "Scaling out with Dask" in the user guide). There the
            system is solved exactly on the statistics whatever ``solver`` names.

        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.

        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; a float gives every sample that
            weight.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask(X, y, sample_weight):
            from .._dask.ridge import fit_ridge

            return fit_ridge(self, X, y, sample_weight)
        if self.explain:
            _check_explainable(y, self.positive)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc", "coo"],
            dtype=[np.float64, np.float32],
            force_writeable=True,
            # explain mode takes one target (see __sklearn_tags__)
            multi_output=not self.explain,
            y_numeric=True,
        )
        penalty_factor = check_penalty_factor(
            self.penalty_factor, X.shape[1], allow_inf=False
        )
        sample_weight = check_sample_weight(sample_weight, X, rescale=False)
        if sample_weight is not None:
            sample_weight = sample_weight.astype(X.dtype, copy=False)
        solver = _resolve_solver(
            self.solver,
            positive=self.positive,
            is_sparse=sparse.issparse(X),
            shape=X.shape,
        )
        n_targets = 1 if y.ndim == 1 else y.shape[1]
        alphas = _check_alpha(self.alpha, n_targets)

        design, Y, X_offset, y_offset, X_scale, _ = centre_data(
            X, y, sample_weight, fit_intercept=self.fit_intercept
        )
        coef, n_iter, dof = _fit_ridge(
            design,
            Y,
            alphas,
            penalty_factor,
            solver=solver,
            tol=self.tol,
            max_iter=self.max_iter,
            positive=self.positive,
        )
        self.coef_ = coef.astype(X.dtype, copy=False)
        if n_targets == 1:
            self.coef_ = self.coef_.ravel()
        # as in scikit-learn: the iterations of 'lsqr' and 'lbfgs' (and of
        # 'sag'/'saga'), None for the direct solvers and 'sparse_cg'
        self.n_iter_ = None if solver == "sparse_cg" else n_iter
        self.solver_ = solver
        self.dof_ = float(dof[0]) if y.ndim == 1 else dof
        self._set_intercept(X_offset, y_offset, X_scale)
        if self.explain:
            self.explanation_ = explain_ridge(
                design,
                Y[:, 0],
                alpha=float(alphas[0]),
                penalty_factor=penalty_factor,
                feature_names=getattr(self, "feature_names_in_", None),
            )
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # explain mode tells the story of one target
        tags.target_tags.multi_output = not self.explain
        return tags


def _check_explainable(y, positive):
    """``explain=True`` explains one target of the unconstrained ridge."""
    y_shape = getattr(y, "shape", ())
    if len(y_shape) == 2 and y_shape[1] > 1:
        raise ValueError(
            f"explain=True explains one target; y has shape {y_shape}. Fit one "
            "estimator per target to explain each."
        )
    if positive:
        raise ValueError(
            "explain=True does not support positive=True: the explanation is the "
            "closed form of the unconstrained ridge. Set positive=False or "
            "explain=False."
        )
