"""RelaxedLasso and RelaxedLassoCV: the lasso's selection, least squares' fit."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.linear_model._base import LinearModel
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.parallel import Parallel, delayed

from .._path.cv_choice import choose_alpha
from .._path.design import make_design
from .._path.driver import solve_path
from .._path.folds import fold_design, training_weights
from .._path.grid import alpha_grid
from .._path.relaxed import least_squares_on, relaxed_path
from .._validation import (
    check_alphas,
    check_nonnegative,
    check_penalty_factor,
    check_sample_weight,
    validate_single_target,
)
from .cv import fold_path_settings
from .elastic_net import fit_weighted_enet


def _relaxed_fit(estimator, X, y, sample_weight, *, alpha, relax, penalty_factor,
                 design=None, precompute=False):  # fmt: skip
    """Set ``lasso_coef_``, ``coef_`` and ``intercept_`` of a relaxed fit."""
    coef, intercept, dual_gaps, n_iters, _ = fit_weighted_enet(
        X,
        y,
        alpha=alpha,
        l1_ratio=1.0,
        penalty_factor=penalty_factor,
        sample_weight=sample_weight,
        fit_intercept=estimator.fit_intercept,
        precompute=precompute,
        max_iter=estimator.max_iter,
        tol=estimator.tol,
        positive=estimator.positive,
        random_state=estimator.random_state,
        selection=estimator.selection,
        design=design,
    )
    lasso_coef, lasso_intercept = coef[0], float(intercept[0])
    ls_coef, ls_intercept = least_squares_on(
        X,
        y,
        sample_weight,
        np.flatnonzero(lasso_coef),
        fit_intercept=estimator.fit_intercept,
        positive=estimator.positive,
    )
    estimator.lasso_coef_ = lasso_coef.astype(X.dtype, copy=False)
    estimator.coef_ = ((1 - relax) * lasso_coef + relax * ls_coef).astype(
        X.dtype, copy=False
    )
    estimator.intercept_ = (
        (1 - relax) * lasso_intercept + relax * ls_intercept
        if estimator.fit_intercept
        else 0.0
    )
    estimator.dual_gap_ = float(dual_gaps[0])
    estimator.n_iter_ = n_iters[0]


_RELAXED_DOC = """
    The relaxed lasso (Meinshausen 2007; glmnet's ``relax=TRUE``, Hastie,
    Tibshirani & Tibshirani 2020) separates the two jobs of the penalty:
    the lasso at ``alpha`` *selects* the active set, and least squares on
    that set *fits* it without shrinkage. The coefficients are

    .. math::

        (1 - \\mathrm{relax}) \\, \\hat\\beta^{\\rm lasso}
        + \\mathrm{relax} \\, \\hat\\beta^{\\rm LS}_{A},

    with :math:`A` the lasso's active set and :math:`\\hat\\beta^{\\rm
    LS}_A` the (weighted, minimum-norm when collinear; non-negative with
    ``positive=True``) least squares on the columns of :math:`A`, 0
    elsewhere. ``relax=0`` is the lasso, ``relax=1`` the fully relaxed
    refit (glmnet's ``gamma`` is ``1 - relax``).
"""


class RelaxedLasso(RegressorMixin, LinearModel):
    __doc__ = (
        """Relaxed lasso: least squares on the lasso's active set, blended.
"""
        + _RELAXED_DOC
        + """
    Parameters
    ----------
    alpha : float, default=1.0
        The lasso's penalty, which chooses the active set.
    relax : float, default=1.0
        Weight of the least-squares refit, in [0, 1].
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multiplier of alpha in the selecting lasso (0:
        unpenalized, hence always in the active set; inf: excluded).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : bool or array-like, default=False
        Whether the lasso uses a Gram matrix.
    max_iter : int, default=1000
        Maximum number of passes of the lasso's coordinate descent.
    tol : float, default=1e-4
        The lasso's tolerance on the duality gap.
    positive : bool, default=False
        Non-negative coefficients (the refit is non-negative least squares).
    random_state : int, RandomState instance or None, default=None
        Seed of the random feature selection when ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        Order of the lasso's coordinate updates.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        The relaxed coefficients.
    intercept_ : float
        The relaxed intercept.
    lasso_coef_ : ndarray of shape (n_features,)
        The selecting lasso's coefficients (``coef_`` at ``relax=0``).
    dual_gap_ : float
        Duality gap of the lasso.
    n_iter_ : int
        Passes of the lasso's coordinate descent.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    RelaxedLassoCV : Cross-validates ``alpha`` and ``relax``.
    Lasso : ``relax=0``.

    References
    ----------
    Meinshausen, N. (2007). Relaxed lasso. *Computational Statistics & Data
    Analysis* 52(1).

    Hastie, T., Tibshirani, R. and Tibshirani, R. (2020). Best subset, forward
    stepwise or lasso? *Statistical Science* 35(4).

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import RelaxedLasso
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(100, 5)
    >>> y = X @ np.array([2.0, -1.0, 0.0, 0.0, 0.0]) + 0.1 * rng.randn(100)
    >>> model = RelaxedLasso(alpha=0.5).fit(X, y)
    >>> np.flatnonzero(model.coef_)
    array([0, 1])
    >>> model.coef_[:2].round(2), model.lasso_coef_[:2].round(2)
    (array([ 2., -1.]), array([ 1.54, -0.48]))
    """
    )

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "relax": [Interval(Real, 0, 1, closed="both")],
        "penalty_factor": ["array-like", None],
        "fit_intercept": ["boolean"],
        "precompute": ["array-like", "boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        relax=1.0,
        penalty_factor=None,
        fit_intercept=True,
        precompute=False,
        max_iter=1000,
        tol=1e-4,
        positive=False,
        random_state=None,
        selection="cyclic",
    ):
        self.alpha = alpha
        self.relax = relax
        self.penalty_factor = penalty_factor
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the lasso at ``alpha``, then least squares on its active set.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, in both stages.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_single_target(self, X, y)
        sample_weight = check_sample_weight(sample_weight, X, rescale=True)
        penalty_factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        _relaxed_fit(
            self,
            X,
            y,
            sample_weight,
            alpha=self.alpha,
            relax=self.relax,
            penalty_factor=penalty_factor,
            precompute=self.precompute,
        )
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _fold_relaxed_mse(X, y, sample_weight, train, test, alphas, relaxes, settings):
    """Each relax's test error along the fold's path, and the refits made."""
    design, gram = fold_design(
        X,
        y,
        sample_weight,
        train,
        fit_intercept=settings["fit_intercept"],
        precompute=settings["precompute"],
        n_alphas=len(alphas),
    )
    coefs, _, _ = solve_path(
        design,
        alphas,
        settings["penalty_factor"],
        gram=gram,
        l1_ratio=1.0,
        positive=settings["positive"],
        tol=settings["tol"],
        max_iter=settings["max_iter"],
        random_state=settings["seed"],
        selection=settings["selection"],
    )
    lasso_intercepts = design.y_offset - design.X_offset @ coefs
    ls_coefs, ls_intercepts, n_refits = relaxed_path(
        X[train],
        y[train],
        training_weights(sample_weight, train),
        coefs,
        fit_intercept=settings["fit_intercept"],
        positive=settings["positive"],
    )
    X_test = X[test]
    lasso = np.asarray(X_test @ coefs) + lasso_intercepts
    refit = np.asarray(X_test @ ls_coefs) + ls_intercepts
    weights = None if sample_weight is None else sample_weight[test]
    errors = [
        np.average(
            ((1 - relax) * lasso + relax * refit - y[test][:, np.newaxis]) ** 2,
            axis=0,
            weights=weights,
        )
        for relax in relaxes
    ]
    return np.array(errors), n_refits


class RelaxedLassoCV(RegressorMixin, LinearModel):
    __doc__ = (
        """Relaxed lasso with ``alpha`` and ``relax`` chosen by cross-validation.
"""
        + _RELAXED_DOC
        + """
    Each fold fits one warm-started lasso path on its training rows and one
    least-squares refit per *distinct* active set along it (the set changes
    only where a feature enters or leaves), then scores every ``relax`` at
    every alpha from those two predictions: the cost over the plain lasso's
    CV is the refits, not a path per ``relax``.

    Parameters
    ----------
    relax : array-like of float, default=(0, 0.25, 0.5, 0.75, 1.0)
        The weights of the refit to cross-validate, each in [0, 1].
    eps : float, default=1e-3
        Length of the path: ``alpha_min / alpha_max = eps``.
    alphas : int or array-like, default=100
        Number of alphas on the automatic grid, or the alphas themselves.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : "auto", bool or array-like, default="auto"
        Whether the folds' lasso paths use a Gram matrix.
    max_iter : int, default=1000
        Maximum number of passes over the features per alpha.
    tol : float, default=1e-4
        The lasso's tolerance on the duality gap.
    cv : int, cross-validation generator or iterable, default=None
        Splitting strategy, as in :func:`sklearn.model_selection.check_cv`
        (None: 5-fold).
    n_jobs : int, default=None
        Number of folds fitted in parallel (threads).
    positive : bool, default=False
        Non-negative coefficients.
    random_state : int, RandomState instance or None, default=None
        Seed of the random feature selection when ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        Order of the coordinate updates.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multiplier of alpha in the selecting lasso.
    alpha_rule : {"min", "1se"}, default="min"
        Refit at the alpha of the smallest mean test error, or at
        ``alpha_1se_`` of the chosen ``relax_`` (see :class:`LassoCV`).

    Attributes
    ----------
    alpha_ : float
        The chosen alpha (see ``alpha_rule``).
    relax_ : float
        The ``relax`` of the smallest mean test error.
    alpha_1se_ : ndarray of shape (n_relax,)
        Per ``relax``, the largest alpha within one standard error of its
        minimum.
    alphas_ : ndarray of shape (n_alphas,)
        The alpha grid (the lasso's, shared by every ``relax``).
    mse_path_ : ndarray of shape (n_relax, n_alphas, n_folds)
        Test mean squared error of each fold, for each ``relax`` and alpha.
    coef_ : ndarray of shape (n_features,)
        The relaxed coefficients refitted on all data at ``(alpha_, relax_)``.
    intercept_ : float
        Independent term.
    lasso_coef_ : ndarray of shape (n_features,)
        The selecting lasso's coefficients at ``alpha_``.
    dual_gap_ : float
        Duality gap of the refitted lasso.
    n_iter_ : int
        Passes of the refitted lasso.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    RelaxedLasso : The estimator at one ``(alpha, relax)``.
    LassoCV : The case ``relax=(0,)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import RelaxedLassoCV
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(100, 20)
    >>> y = X[:, :3] @ np.array([2.0, -1.0, 1.0]) + 0.5 * rng.randn(100)
    >>> model = RelaxedLassoCV(cv=5).fit(X, y)
    >>> model.mse_path_.shape
    (5, 100, 5)
    >>> np.flatnonzero(model.coef_)
    array([0, 1, 2])
    """
    )

    _parameter_constraints: dict = {
        "relax": ["array-like"],
        "eps": [Interval(Real, 0, None, closed="neither")],
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "precompute": [StrOptions({"auto"}), "array-like", "boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
        "penalty_factor": ["array-like", None],
        "alpha_rule": [StrOptions({"min", "1se"})],
    }

    def __init__(
        self,
        *,
        relax=(0.0, 0.25, 0.5, 0.75, 1.0),
        eps=1e-3,
        alphas=100,
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-4,
        cv=None,
        n_jobs=None,
        positive=False,
        random_state=None,
        selection="cyclic",
        penalty_factor=None,
        alpha_rule="min",
    ):
        self.relax = relax
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.alpha_rule = alpha_rule

    def _check_relax(self):
        relaxes = np.asarray(self.relax, dtype=np.float64)
        if relaxes.ndim != 1 or relaxes.size == 0 or np.any(relaxes > 1):
            raise ValueError(
                f"relax must be a non-empty 1-D list of floats in [0, 1], got "
                f"{self.relax!r}."
            )
        return check_nonnegative(relaxes, "relax")

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Cross-validate ``alpha`` and ``relax``, then refit on all data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, in the fits and in each fold's test error.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_single_target(self, X, y)
        relaxes = self._check_relax()
        sample_weight = check_sample_weight(sample_weight, X, rescale=True)
        penalty_factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        design = make_design(X, y, sample_weight, self.fit_intercept)
        if isinstance(self.alphas, Integral):
            alphas = alpha_grid(
                design, penalty_factor, 1.0, self.eps, self.alphas, self.positive
            )
        else:
            alphas = check_alphas(self.alphas, 1)[0]
        folds = list(check_cv(self.cv).split(X, y))
        rng = check_random_state(self.random_state)
        settings = fold_path_settings(self, penalty_factor, rng)
        results = Parallel(n_jobs=self.n_jobs, prefer="threads")(
            delayed(_fold_relaxed_mse)(
                X, y, sample_weight, train, test, alphas, relaxes, settings
            )
            for train, test in folds
        )
        # (n_relax, n_folds, n_alphas), as choose_alpha reads it
        mse_paths = np.stack([errors for errors, _ in results], axis=1)
        self._n_refits = [n for _, n in results]
        grids = np.tile(alphas, (relaxes.size, 1))
        choice = choose_alpha(grids, mse_paths, self.alpha_rule)
        self.relax_ = float(relaxes[choice.grid])
        self.alpha_ = choice.alpha
        self.alpha_1se_ = choice.alpha_1se
        self.alphas_ = alphas
        self.mse_path_ = np.moveaxis(mse_paths, 2, 1)
        _relaxed_fit(
            self,
            X,
            y,
            sample_weight,
            alpha=self.alpha_,
            relax=self.relax_,
            penalty_factor=penalty_factor,
            design=design,
            precompute=False if isinstance(self.precompute, str) else self.precompute,
        )
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
