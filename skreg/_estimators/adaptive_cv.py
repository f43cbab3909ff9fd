"""AdaptiveLassoCV: alpha and gamma chosen by cross-validation."""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import _fit_context
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.parallel import Parallel, delayed

from .._dask.inputs import is_dask
from .._path.cv_choice import choose_alpha
from .._path.design import make_design
from .._path.folds import held_out_mse, training_weights
from .._path.gram import prepare
from .._path.grid import alpha_grid
from .._validation import (
    check_alphas,
    check_nonnegative,
    check_sample_weight,
    validate_single_target,
)
from .adaptive import (
    _AdaptiveBase,
    _raw_weight,
    adaptive_weights,
    fit_initial_coef,
)
from .elastic_net import fit_weighted_enet


def _fold_design(X, y, sample_weight, raw_weight, train, initial_estimator, settings):
    """Fit the initial estimator on one training fold; prepare its path."""
    X_train, y_train = X[train], y[train]
    raw_train = None if raw_weight is None else raw_weight[train]
    if sparse.issparse(X_train):
        X_train = X_train.tocsc()
    else:
        X_train = np.asfortranarray(X_train)
    initial_coef = fit_initial_coef(
        initial_estimator, X_train, y_train, raw_train, settings["fit_intercept"]
    )
    design, gram = prepare(
        X_train,
        y_train,
        training_weights(sample_weight, train),
        settings["fit_intercept"],
        settings["precompute"],
        n_alphas=settings["n_alphas"],
    )
    return initial_coef, design, gram


def _fold_gamma_mse(X, y, sample_weight, test, fold, gamma, alphas, settings):
    """Test mean squared error along one gamma's path fitted on one fold."""
    initial_coef, design, gram = fold
    return held_out_mse(
        design,
        gram,
        X[test],
        y[test],
        None if sample_weight is None else sample_weight[test],
        alphas,
        adaptive_weights(initial_coef, gamma),
        l1_ratio=1.0,
        positive=settings["positive"],
        tol=settings["tol"],
        max_iter=settings["max_iter"],
    )


class AdaptiveLassoCV(_AdaptiveBase):
    """Adaptive lasso with ``alpha`` and ``gamma`` chosen by cross-validation.

    For every ``gamma`` the model is the :class:`AdaptiveLasso` objective

    .. math::

        \\frac{1}{2 n_{\\rm samples}} \\|y - b - X \\beta\\|_2^2
        + \\alpha \\sum_j \\frac{|\\beta_j|}{|\\hat\\beta^{\\rm init}_j|^\\gamma}

    Inside each training fold the initial estimator is refitted *on that
    fold only* (weights computed with the validation data would leak it and
    make the cross-validated error optimistic); its coefficients give the
    fold's weights for every gamma, and a warm-started lasso path is run per
    gamma. The (alpha, gamma) with the smallest mean test error is refitted on
    all the data.

    Parameters
    ----------
    alphas : int or array-like, default=100
        Number of alphas on each gamma's grid, or the alphas themselves (then
        shared by every gamma). The automatic grid of a gamma runs from the
        smallest alpha that zeroes every coefficient *with the full data's
        weights* down to ``eps`` times that; the folds use the same grid, so
        the errors are comparable across folds.
    eps : float, default=1e-3
        Length of the path: ``alpha_min / alpha_max = eps``.
    gammas : array-like of float, default=(0.5, 1.0, 2.0)
        Exponents of the weights to cross-validate (each ``>= 0``).
    initial_estimator : regressor or None, default=None
        As in :class:`AdaptiveLasso` (``None``: a ridge tuned by efficient
        leave-one-out); refitted on every training fold and on all the data.
        On dask data it is refitted from each fold's training statistics, so
        it must be one that the statistics determine (see
        :class:`AdaptiveLasso`): ``None`` raises, as its leave-one-out tuning
        would need a pass over each fold's rows.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : "auto", bool or array-like, default="auto"
        Whether to use the Gram matrix in the folds (``"auto"``: when
        ``n_samples > n_features`` and the grid of gammas and alphas has at
        least one point per eight features, where forming ``X'X`` costs less
        than the passes over ``X`` it spares).
    max_iter : int, default=1000
        Maximum number of passes over the features per alpha.
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * ||y||^2 / n_samples``.
    cv : int, cross-validation generator or iterable, default=None
        Splitting strategy, as in :func:`sklearn.model_selection.check_cv`
        (None: 5-fold). On dask data an int or an unshuffled ``KFold``: the
        folds' statistics come out of the same pass (contiguous rows).
    n_jobs : int, default=None
        Number of (fold, gamma) paths fitted in parallel (threads; the
        kernels release the GIL).
    positive : bool, default=False
        Force the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Kept for symmetry with :class:`LassoCV`: the updates are cyclic, so
        the result does not depend on it. It does not seed the initial
        estimator or the splitter (set those on the objects you pass).
    explain : bool, default=False
        Explain the final refit: its path from ``alpha_max`` down to
        ``alpha_`` with the chosen ``gamma_``'s adaptive weights as penalty
        factors (``explanation_``, as ``AdaptiveLasso(explain=True)``).
    alpha_rule : {"min", "1se"}, default="min"
        Which alpha is refitted: ``"min"``, the alpha of the smallest mean
        test error, or ``"1se"``, ``alpha_1se_`` of the chosen ``gamma_``: the
        largest alpha whose mean error is within one standard error of the
        minimum (glmnet's ``lambda.1se``).

    Attributes
    ----------
    alpha_ : float
        The penalty chosen by cross-validation and refitted (see
        ``alpha_rule``).
    alpha_1se_ : ndarray of shape (n_gammas,)
        Per gamma, the largest alpha whose mean test error is at most that
        gamma's minimum plus one standard error (the standard deviation of
        the folds' errors at the minimum, ``ddof=0``, over
        ``sqrt(n_folds)``).
    gamma_ : float
        The exponent chosen by cross-validation.
    alphas_ : ndarray of shape (n_gammas, n_alphas)
        The grid of alphas of each gamma.
    mse_path_ : ndarray of shape (n_gammas, n_alphas, n_folds)
        Test mean squared error of each fold along each gamma's path.
    coef_ : ndarray of shape (n_features,)
        Coefficients refitted on all data at ``(alpha_, gamma_)``.
    intercept_ : float
        Independent term.
    weights_ : ndarray of shape (n_features,)
        The full-data adaptive weights for ``gamma_``.
    initial_coef_ : ndarray of shape (n_features,)
        Coefficients of the initial estimator fitted on all the data.
    dual_gap_ : float
        Duality gap of the refitted model.
    n_iter_ : int
        Passes over the features of the refitted model (at least 1, as in
        :class:`AdaptiveLasso`).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    explanation_ : PathExplanation
        Only with ``explain=True``: the path of the refit down to ``alpha_``.

    See Also
    --------
    AdaptiveLasso : The estimator at one (alpha, gamma).
    LassoCV : The lasso with fixed penalty factors.

    Notes
    -----
    Only one target is supported.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import AdaptiveLassoCV
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(60, 6)
    >>> y = X @ np.array([3.0, 1.5, 0.0, 0.0, 2.0, 0.0]) + rng.randn(60)
    >>> reg = AdaptiveLassoCV(cv=3).fit(X, y)
    >>> reg.mse_path_.shape
    (3, 100, 3)
    >>> np.flatnonzero(reg.coef_)
    array([0, 1, 4])
    """

    _parameter_constraints: dict = {
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "eps": [Interval(Real, 0, None, closed="neither")],
        "gammas": ["array-like"],
        "explain": ["boolean"],
        "initial_estimator": [HasMethods(["fit"]), None],
        "fit_intercept": ["boolean"],
        "precompute": [StrOptions({"auto"}), "array-like", "boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "cv": ["cv_object"],
        "n_jobs": [Integral, None],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "alpha_rule": [StrOptions({"min", "1se"})],
    }

    def __init__(
        self,
        *,
        alphas=100,
        eps=1e-3,
        gammas=(0.5, 1.0, 2.0),
        initial_estimator=None,
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-4,
        cv=None,
        n_jobs=None,
        positive=False,
        random_state=None,
        explain=False,
        alpha_rule="min",
    ):
        self.alphas = alphas
        self.eps = eps
        self.gammas = gammas
        self.initial_estimator = initial_estimator
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.explain = explain
        self.alpha_rule = alpha_rule

    def _check_gammas(self):
        if np.ndim(self.gammas) != 1:
            raise ValueError(
                f"gammas must be a non-empty 1-D list of floats, got {self.gammas!r}."
            )
        return check_nonnegative(self.gammas, "gammas")

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the model on a cross-validated grid of alphas and gammas.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array or DataFrame} of shape \
                (n_samples, n_features)
            Training data. A row-chunked dask collection is reduced in one
            pass to the statistics of every fold; the folds' paths and the
            refit run on them on the client (fitted attributes NumPy).
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights, used in the fits and in each fold's weighted mean
            squared error.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask(X, y, sample_weight):
            from .._dask.adaptive import fit_adaptive_lasso_cv

            return fit_adaptive_lasso_cv(self, X, y, sample_weight)
        X, y = validate_single_target(self, X, y, order="F")
        gammas = self._check_gammas()
        raw_weight = _raw_weight(sample_weight, X)
        sample_weight = check_sample_weight(sample_weight, X, rescale=True)
        initial_coef = fit_initial_coef(
            self.initial_estimator, X, y, raw_weight, self.fit_intercept
        )
        weights = np.array([adaptive_weights(initial_coef, g) for g in gammas])

        # the design of the whole data: its alpha grids, and the refit
        design = make_design(X, y, sample_weight, self.fit_intercept)
        alphas = self._alpha_grids(design, weights)

        folds = list(check_cv(self.cv).split(X, y))
        rng = check_random_state(self.random_state)
        settings = {
            "fit_intercept": self.fit_intercept,
            "positive": self.positive,
            "tol": self.tol,
            "max_iter": self.max_iter,
            "precompute": self.precompute,
            # every fold's design serves the whole grid of gammas and alphas
            "n_alphas": alphas.size,
        }
        # Numba kernels (and BLAS) release the GIL, so threads run in parallel.
        parallel = Parallel(n_jobs=self.n_jobs, prefer="threads")
        fold_designs = parallel(
            delayed(_fold_design)(
                X, y, sample_weight, raw_weight, train, self.initial_estimator, settings
            )
            for train, _ in folds
        )
        mse = parallel(
            delayed(_fold_gamma_mse)(
                X, y, sample_weight, test, fold, gamma, these_alphas, settings
            )
            for gamma, these_alphas in zip(gammas, alphas)
            for (_, test), fold in zip(folds, fold_designs)
        )
        del fold_designs
        mse_paths = np.reshape(mse, (len(gammas), len(folds), -1))
        grid = self._set_choice(alphas, mse_paths, gammas)

        fitted = fit_weighted_enet(
            X,
            y,
            alpha=self.alpha_,
            l1_ratio=1.0,
            penalty_factor=weights[grid],
            sample_weight=sample_weight,
            fit_intercept=self.fit_intercept,
            precompute=False if isinstance(self.precompute, str) else self.precompute,
            max_iter=self.max_iter,
            tol=self.tol,
            positive=self.positive,
            random_state=rng,
            design=design,
        )
        self._set_fit(initial_coef, weights[grid], fitted, X.dtype, self.alpha_)
        return self

    def _alpha_grids(self, design, weights):
        """One grid of alphas per gamma (its ``weights`` row): computed on
        ``design``, the whole data's, or the given ones."""
        if not isinstance(self.alphas, Integral):
            return check_alphas(self.alphas, len(weights))
        return np.array(
            [
                alpha_grid(design, w, 1.0, self.eps, self.alphas, self.positive)
                for w in weights
            ]
        )

    def _set_choice(self, alphas, mse_paths, gammas):
        """Choose (alpha, gamma) from ``mse_paths`` (gammas, folds, alphas);
        return the index of the chosen gamma."""
        choice = choose_alpha(alphas, mse_paths, self.alpha_rule)
        self.gamma_ = float(gammas[choice.grid])
        self.alpha_ = choice.alpha
        self.alpha_1se_ = choice.alpha_1se
        self.alphas_ = alphas
        self.mse_path_ = np.moveaxis(mse_paths, 2, 1)
        return choice.grid
