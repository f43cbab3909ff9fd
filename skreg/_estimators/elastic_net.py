"""ElasticNet and Lasso: scikit-learn's estimators with a per-coefficient penalty."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.linear_model._base import LinearModel
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import validate_data

from .._dask.inputs import is_dask
from .._dask.predict import DaskPredictMixin
from .._explain.fit import explain_fit
from .._path.driver import solve_path
from .._path.gram import prepare, resolve_gram
from .._validation import (
    check_float_input,
    check_penalty_factor,
    check_sample_weight,
)


def fit_weighted_enet(
    X,
    y,
    *,
    alpha,
    l1_ratio,
    penalty_factor,
    sample_weight=None,
    fit_intercept=True,
    precompute=False,
    coef_init=None,
    max_iter=1000,
    tol=1e-4,
    positive=False,
    random_state=None,
    selection="cyclic",
    design=None,
):
    """Fit every column of ``y`` at one alpha; the shared body of ``fit``.

    ``X``, ``y``, ``sample_weight`` and ``penalty_factor`` must be validated.
    ``design``, the design of ``X`` and of ``y``'s first column, spares making
    it again (a CV estimator's refit).

    Returns
    -------
    coef : ndarray of shape (n_targets, n_features), float64
    intercept : ndarray of shape (n_targets,)
    dual_gaps : ndarray of shape (n_targets,)
    n_iters : list of int
    design : Design
        The design of the last target (the one an explanation reads).
    """
    y = y.reshape(y.shape[0], -1)
    n_targets = y.shape[1]
    n_features = X.shape[1]
    rng = check_random_state(random_state)
    if design is None:
        design, gram = prepare(X, y[:, 0], sample_weight, fit_intercept, precompute)
    else:
        gram = resolve_gram(design, precompute)
    coef = np.zeros((n_targets, n_features))
    intercept = np.zeros(n_targets)
    dual_gaps = np.zeros(n_targets)
    n_iters = []
    for k in range(n_targets):
        if k > 0:
            design = design.with_target(y[:, k], fit_intercept)
            previous = None if gram is None else gram[0]
            gram = resolve_gram(design, precompute, rows=previous)
        coef[k], intercept[k], dual_gaps[k], n_iter = fit_on_design(
            design,
            gram,
            alpha=alpha,
            l1_ratio=l1_ratio,
            penalty_factor=penalty_factor,
            coef_init=None if coef_init is None else coef_init[k],
            max_iter=max_iter,
            tol=tol,
            positive=positive,
            random_state=rng,
            selection=selection,
        )
        n_iters.append(n_iter)
    return coef, intercept, dual_gaps, n_iters, design


def fit_on_design(design, gram, *, alpha, l1_ratio, penalty_factor, coef_init=None,
                  max_iter=1000, tol=1e-4, positive=False, random_state=None,
                  selection="cyclic"):  # fmt: skip
    """One target's fit at one alpha on a prepared design.

    ``gram`` is :func:`skreg._path.gram.resolve_gram`'s (or ``design.gram()``
    for a design on statistics alone).

    Returns
    -------
    coef : ndarray of shape (n_features,)
    intercept : float
    dual_gap : float
    n_iter : int
    """
    coefs, gaps, iters = solve_path(
        design,
        np.array([alpha]),
        penalty_factor,
        l1_ratio=l1_ratio,
        positive=positive,
        coef_init=coef_init,
        tol=tol,
        max_iter=max_iter,
        random_state=random_state,
        selection=selection,
        gram=gram,
    )
    coef = coefs[:, 0]
    return coef, design.y_offset - design.X_offset @ coef, gaps[0], iters[0]


def set_single_target_fit(estimator, fitted, dtype, *, at_least_one_pass=False):
    """Set ``coef_``, ``intercept_``, ``dual_gap_`` and ``n_iter_`` of a fit of
    one target (:func:`fit_weighted_enet`'s result), in the dtype of X."""
    coef, intercept, dual_gaps, n_iters, _ = fitted
    estimator.coef_ = coef[0].astype(dtype, copy=False)
    estimator.intercept_ = (
        intercept[0].astype(dtype) if estimator.fit_intercept else 0.0
    )
    estimator.dual_gap_ = dual_gaps[0].astype(dtype)
    estimator.n_iter_ = max(1, n_iters[0]) if at_least_one_pass else n_iters[0]


class ElasticNet(DaskPredictMixin, MultiOutputMixin, RegressorMixin, LinearModel):
    """Linear regression with combined L1 and L2 priors and per-coefficient penalty.

    A drop-in replacement for :class:`sklearn.linear_model.ElasticNet` that also
    accepts ``penalty_factor``. It minimizes

    .. math::

        \\frac{1}{2 n_{\\rm samples}} \\|y - X w\\|_2^2
        + \\alpha \\sum_j pf_j \\left( \\rho |w_j|
        + \\frac{1 - \\rho}{2} w_j^2 \\right)

    with :math:`\\rho` = ``l1_ratio`` and :math:`pf` = ``penalty_factor``. With
    ``penalty_factor=None`` (all ones) this is scikit-learn's objective and
    scale. With sample weights :math:`s`, the squared error becomes
    :math:`\\frac{1}{2 \\sum_i s_i} \\sum_i s_i (y_i - b - x_i^\\top w)^2`.

    Parameters
    ----------
    alpha : float, default=1.0
        Constant that multiplies the penalty terms. ``alpha = 0`` is ordinary
        least squares, better solved by
        :class:`~sklearn.linear_model.LinearRegression`.
    l1_ratio : float, default=0.5
        The mixing parameter, ``0 <= l1_ratio <= 1``: 1 is the lasso penalty,
        0 the ridge penalty.
    fit_intercept : bool, default=True
        Whether to fit an intercept. X and y are centred implicitly: X is
        never copied or modified to do so.
    precompute : "auto", bool or array-like of shape (n_features, n_features), \
            default=False
        Whether to run coordinate descent on the precomputed Gram matrix
        ``X'X`` (fast when ``n_samples >> n_features``); the matrix itself can
        be passed. ``"auto"`` (a skreg addition) uses it when
        ``n_samples > n_features`` and ``n_features <= 8``: for one alpha,
        forming ``X'X`` costs more than the solve on ``X`` it replaces (see
        :func:`skreg.enet_path`). Ignored for sparse input.
    max_iter : int, default=1000
        Maximum number of passes over the features.
    copy_X : bool, default=True
        Kept for compatibility with scikit-learn: skreg never modifies X.
    tol : float, default=1e-4
        Tolerance of the optimization: the solver stops when the duality gap
        is at most ``tol * ||y||^2 / n_samples`` (checked once the largest
        coefficient update is at most ``tol`` times the largest coefficient).
    warm_start : bool, default=False
        Reuse the solution of the previous call to fit as initialization.
    positive : bool, default=False
        Force the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random feature selection when ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        Update features in order, or pick one at random at each step.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multiplier of ``alpha``: 0 leaves a coefficient
        unpenalized, ``np.inf`` excludes its feature (coefficient exactly 0).
        ``None`` means 1 for every feature. Unlike glmnet, the factors are
        used as given and not rescaled to sum to ``n_features``.
    explain : bool, default=False
        Also record the regularization path from ``alpha_max`` down to
        ``alpha``: which feature entered or left at which alpha, and the KKT
        numbers that decided it (``explanation_``). Exact (homotopy) for the
        lasso; events located by bisection for the elastic net. Costs nothing
        when False. One target only.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Coefficients.
    sparse_coef_ : sparse matrix of shape (1, n_features) or \
            (n_targets, n_features)
        Sparse representation of ``coef_``.
    intercept_ : float or ndarray of shape (n_targets,)
        Independent term.
    n_iter_ : int or list of int
        Passes over the features run by coordinate descent.
    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gap at the solution, on the scale of the objective above.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    explanation_ : PathExplanation
        Only with ``explain=True``: the path's events and their KKT numbers,
        with ``report()``, ``why(feature)``, ``to_frame()`` and ``plot()``.
    entry_alpha_ : ndarray of shape (n_features,)
        Only with ``explain=True``: for each feature the largest alpha at
        which it is nonzero (0 if it never enters before ``alpha``).
    alphas_ : ndarray of shape (n_alphas,)
        Only with ``explain=True``: the alphas of the recorded path.
    coef_path_ : ndarray of shape (n_features, n_alphas)
        Only with ``explain=True``: coefficients at ``alphas_``.

    See Also
    --------
    Lasso : The special case ``l1_ratio=1``.
    ElasticNetCV : Chooses ``alpha`` and ``l1_ratio`` by cross-validation.
    sklearn.linear_model.ElasticNet : scikit-learn's estimator.

    Notes
    -----
    Coordinate descent runs on a working set (nonzero, unpenalized and
    strong-rule features), grown until every feature meets the KKT
    conditions; convergence is certified by the duality gap of the full
    problem. A :class:`~sklearn.exceptions.ConvergenceWarning` is raised
    otherwise.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import ElasticNet
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.5]])
    >>> y = np.array([0.1, 1.1, 2.0, 3.1])
    >>> reg = ElasticNet(alpha=0.1, penalty_factor=[1.0, 5.0]).fit(X, y)
    >>> reg.coef_.round(3)
    array([0.913, 0.   ])
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "precompute": [StrOptions({"auto"}), "boolean", "array-like"],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "copy_X": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
        "penalty_factor": ["array-like", None],
        "explain": ["boolean"],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        precompute=False,
        max_iter=1000,
        copy_X=True,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
        penalty_factor=None,
        explain=False,
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.explain = explain

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, check_input=True):
        """Fit the model with coordinate descent.

        Parameters
        ----------
        X : {ndarray, sparse matrix, dask array or DataFrame} of shape \
                (n_samples, n_features)
            Training data. Fortran-ordered dense or CSC sparse data is used without a
            copy. A row-chunked dask array or DataFrame is reduced in one pass on the
            cluster (see "Scaling out with Dask" in the user guide).
        y : ndarray of shape (n_samples,) or (n_samples, n_targets)
            Target. Cast to X's dtype.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights, rescaled internally to sum to ``n_samples``.
        check_input : bool, default=True
            Allow to bypass input checking; X and y must then be float arrays
            (dense Fortran-ordered or CSC) of the same dtype.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if self.alpha == 0:
            warnings.warn(
                "With alpha=0, this algorithm does not converge well. You are "
                "advised to use the LinearRegression estimator",
                stacklevel=2,
            )
        if is_dask(X, y, sample_weight):
            from .._dask.fits import fit_elastic_net

            return fit_elastic_net(self, X, y, sample_weight)
        y_shape = getattr(y, "shape", ())
        if self.explain and len(y_shape) == 2 and y_shape[1] > 1:
            raise ValueError(
                "explain=True explains one target; y has shape "
                f"{y_shape}. Fit one estimator per target to explain each."
            )
        if check_input:
            X, y = validate_data(
                self,
                X,
                y,
                accept_sparse="csc",
                order="F",
                dtype=[np.float64, np.float32],
                accept_large_sparse=False,
                # explain mode takes one target (see __sklearn_tags__)
                multi_output=not self.explain,
                y_numeric=True,
                # Checked during the one pass that prepares the design.
                ensure_all_finite=False,
            )
            # validate_data has checked y (numeric, finite, right length):
            # only the cast to X's dtype is left, without a second check.
            y = np.asarray(y, dtype=X.dtype)
        else:
            check_float_input(X, y)
        sample_weight = check_sample_weight(sample_weight, X, rescale=True)
        penalty_factor = check_penalty_factor(self.penalty_factor, X.shape[1])

        n_targets = 1 if y.ndim == 1 else y.shape[1]
        coef_init = None
        if self.warm_start and hasattr(self, "coef_"):
            coef_init = np.reshape(self.coef_, (n_targets, X.shape[1]))
        coef, intercept, dual_gaps, n_iters, design = fit_weighted_enet(
            X,
            y,
            alpha=self.alpha,
            l1_ratio=self.l1_ratio,
            penalty_factor=penalty_factor,
            sample_weight=sample_weight,
            fit_intercept=self.fit_intercept,
            precompute=self.precompute,
            coef_init=coef_init,
            max_iter=self.max_iter,
            tol=self.tol,
            positive=self.positive,
            random_state=self.random_state,
            selection=self.selection,
        )
        self._set_fitted(coef, intercept, dual_gaps, n_iters, y.ndim, X.dtype)
        if self.explain:
            self._set_explanation(design, penalty_factor)
        return self

    def _set_explanation(self, design, penalty_factor):
        """Record the path down to ``alpha`` and why each feature moved."""
        explanation = explain_fit(
            design,
            alpha=self.alpha,
            l1_ratio=self.l1_ratio,
            penalty_factor=penalty_factor,
            positive=self.positive,
            feature_names=getattr(self, "feature_names_in_", None),
            coef=self.coef_,
        )
        self.explanation_ = explanation
        self.entry_alpha_ = explanation.entry_alpha
        self.alphas_ = explanation.alphas_
        self.coef_path_ = explanation.coef_path

    def _set_fitted(self, coef, intercept, dual_gaps, n_iters, y_ndim, dtype):
        """Store the solution with scikit-learn's shapes and dtypes."""
        if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
            raise ValueError(
                "Coordinate descent iterations resulted in non-finite parameter"
                " values. The input data may contain large values and need to"
                " be preprocessed."
            )
        coef = coef.astype(dtype, copy=False)
        intercept = intercept.astype(dtype, copy=False)
        # float32 X gives float32 results throughout, as in scikit-learn
        dual_gaps = dual_gaps.astype(dtype, copy=False)
        if y_ndim == 1:
            self.coef_ = coef[0]
            self.intercept_ = intercept[0] if self.fit_intercept else 0.0
            self.dual_gap_ = dual_gaps[0]
            self.n_iter_ = n_iters[0]
        else:
            self.coef_ = coef
            self.intercept_ = intercept if self.fit_intercept else 0.0
            self.dual_gap_ = dual_gaps
            self.n_iter_ = n_iters

    @property
    def sparse_coef_(self):
        """Sparse representation of the fitted ``coef_``."""
        return sparse.csr_matrix(np.atleast_2d(self.coef_))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # explain mode tells the story of one target
        tags.target_tags.multi_output = not self.explain
        return tags
