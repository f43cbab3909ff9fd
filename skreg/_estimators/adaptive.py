"""AdaptiveLasso and AdaptiveLassoCV: the lasso with data-driven penalty factors.

The adaptive lasso (Zou 2006, "The Adaptive Lasso and Its Oracle Properties",
JASA 101:1418) is a lasso whose penalty factors are ``1 / |beta_init_j|^gamma``
for a first estimate ``beta_init``. This module only builds those factors; the
fits are skreg's weighted lasso (``fit_weighted_enet``) and warm-started path
(``solve_path``).
"""

import inspect
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import RegressorMixin, _fit_context, clone
from sklearn.linear_model import RidgeCV
from sklearn.linear_model._base import LinearModel
from sklearn.utils._param_validation import HasMethods, Interval

from .._dask.inputs import is_dask
from .._dask.predict import DaskPredictMixin
from .._explain.fit import explain_fit
from .._validation import (
    check_sample_weight,
    validate_single_target,
)
from .elastic_net import fit_weighted_enet, set_single_target_fit

DEFAULT_RIDGE_ALPHAS = np.logspace(-6, 6, 25)


def _default_initial_estimator(fit_intercept, X):
    """Ridge with its penalty chosen by efficient leave-one-out.

    On dense X the leave-one-out errors of all 25 alphas come from one SVD
    (``gcv_mode="svd"``); scikit-learn's default for ``n > p`` recomputes an
    ``n p^2`` diagonal per alpha, for the same result.
    """
    gcv_mode = None if sparse.issparse(X) else "svd"
    return RidgeCV(
        alphas=DEFAULT_RIDGE_ALPHAS, fit_intercept=fit_intercept, gcv_mode=gcv_mode
    )


def fit_initial_coef(initial_estimator, X, y, sample_weight, fit_intercept):
    """Clone and fit the initial estimator; return its ``coef_`` (float64).

    ``sample_weight`` is passed only when it is not None; an estimator whose
    ``fit`` does not accept it raises a ``TypeError``.
    """
    if initial_estimator is None:
        estimator = _default_initial_estimator(fit_intercept, X)
    else:
        if not callable(getattr(initial_estimator, "fit", None)):
            raise TypeError(
                "initial_estimator must be a regressor with a fit method that "
                f"exposes coef_ after fit; got {initial_estimator!r}."
            )
        estimator = clone(initial_estimator)
    if sample_weight is None:
        estimator.fit(X, y)
    else:
        if "sample_weight" not in inspect.signature(estimator.fit).parameters:
            raise TypeError(
                "sample_weight was given but initial_estimator "
                f"{type(estimator).__name__}.fit does not accept sample_weight; "
                "pass an initial_estimator that supports sample weights."
            )
        estimator.fit(X, y, sample_weight=sample_weight)
    coef = getattr(estimator, "coef_", None)
    n_features = X.shape[1]
    if coef is None:
        raise ValueError(
            f"initial_estimator {type(estimator).__name__} has no coef_ after "
            "fit; pass a linear regressor that exposes coef_."
        )
    if sparse.issparse(coef):
        coef = coef.toarray()
    coef = np.asarray(coef, dtype=np.float64)
    if coef.size != n_features:
        raise ValueError(
            f"initial_estimator's coef_ has shape {coef.shape}; expected "
            f"{n_features} coefficients (one per feature, one target)."
        )
    coef = coef.reshape(n_features)
    if not np.isfinite(coef).all():
        raise ValueError(
            "initial_estimator's coef_ contains NaN or inf; adaptive weights "
            "need finite initial coefficients."
        )
    return coef


def adaptive_weights(initial_coef, gamma):
    """Penalty factors ``1 / |initial_coef|^gamma``, ``inf`` where it is 0.

    ``gamma = 0`` gives factors of 1 where the initial coefficient is nonzero
    (the lasso on the initially selected features). No warning is raised.
    """
    magnitude = np.abs(np.asarray(initial_coef, dtype=np.float64))
    nonzero = magnitude > 0
    weights = np.full(magnitude.shape, np.inf)
    with np.errstate(over="ignore"):
        np.power(magnitude, -float(gamma), out=weights, where=nonzero)
    return weights


def _raw_weight(sample_weight, X):
    """The user's sample weights, not rescaled, for the initial estimator.

    Rescaling would change a ridge's effective penalty, so the initial
    estimator sees the weights exactly as given (after validation).
    """
    return check_sample_weight(sample_weight, X, rescale=False)


class _AdaptiveBase(DaskPredictMixin, RegressorMixin, LinearModel):
    """Prediction, tags and fitted attributes shared by AdaptiveLasso and
    AdaptiveLassoCV."""

    def _set_fit(self, initial_coef, weights, fitted, dtype, alpha):
        """Set the attributes of the weighted lasso's fit at ``alpha`` (and
        explain it).

        ``fitted`` is :func:`fit_weighted_enet`'s result; its design (on rows,
        or on statistics for dask data) is the one the explanation reads.
        """
        self.initial_coef_ = initial_coef
        self.weights_ = weights
        set_single_target_fit(self, fitted, dtype, at_least_one_pass=True)
        if self.explain:
            self.explanation_ = explain_fit(
                fitted[-1],
                alpha=alpha,
                l1_ratio=1.0,
                penalty_factor=weights,
                positive=self.positive,
                feature_names=getattr(self, "feature_names_in_", None),
                coef=self.coef_,
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = False
        return tags


class AdaptiveLasso(_AdaptiveBase):
    """Adaptive lasso: a lasso whose penalty factors come from a first fit.

    With :math:`\\hat\\beta^{\\rm init}` the coefficients of
    ``initial_estimator`` fitted on the same data, the adaptive weights are
    :math:`w_j = 1 / |\\hat\\beta^{\\rm init}_j|^\\gamma` and the model
    minimizes

    .. math::

        \\frac{1}{2 n_{\\rm samples}} \\|y - b - X \\beta\\|_2^2
        + \\alpha \\sum_j w_j |\\beta_j|

    (Zou 2006). Strong initial coefficients are penalized little, weak ones
    much; where :math:`\\hat\\beta^{\\rm init}_j = 0` the weight is
    :math:`+\\infty` and the feature is excluded (coefficient exactly 0). The
    fit is :class:`skreg.Lasso` with ``penalty_factor`` set to the weights,
    which equals the lasso on the rescaled columns :math:`x_j / w_j` with the
    coefficients divided back by :math:`w_j`.

    Parameters
    ----------
    alpha : float, default=1.0
        Constant that multiplies the weighted L1 term.
    gamma : float, default=1.0
        Exponent of the weights, ``gamma >= 0`` (0 gives the lasso on the
        features with a nonzero initial coefficient).
    initial_estimator : regressor or None, default=None
        Any regressor exposing ``coef_`` after ``fit`` (one target). It is
        cloned and fitted on the same ``X``, ``y`` and ``sample_weight`` (the
        weights are passed only when given). ``None`` means
        ``sklearn.linear_model.RidgeCV(alphas=np.logspace(-6, 6, 25))``
        (with ``gcv_mode="svd"`` on dense X: one SVD for all alphas): a
        ridge whose penalty is chosen by efficient leave-one-out, close to
        ordinary least squares when data are plentiful, and still defined
        when ``n_features > n_samples`` (where OLS is not).
        On dask data the initial estimator is fitted from the one pass's
        weighted statistics (X never reaches the client), so it must be one
        whose fit is a function of them: :class:`skreg.Ridge` or
        :class:`sklearn.linear_model.Ridge` (one fixed alpha,
        ``positive=False``; the closed form), :class:`skreg.Lasso` or
        :class:`skreg.ElasticNet` (the Gram-mode solver), or
        :class:`sklearn.linear_model.LinearRegression` (``positive=False``;
        least squares, minimum-norm when singular). ``None`` is fitted there
        by :class:`skreg.RidgeCV`'s own two passes (statistics, then each
        row's leverage on the workers), which give the same ridge.
    fit_intercept : bool, default=True
        Whether to fit an intercept (X and y are centred implicitly).
    precompute : bool or array-like of shape (n_features, n_features), \
            default=False
        Whether to use a precomputed Gram matrix ``X'X``.
    copy_X : bool, default=True
        Kept for compatibility: X is never modified.
    max_iter : int, default=1000
        Maximum number of passes over the features.
    tol : float, default=1e-4
        The solver stops when the duality gap is at most
        ``tol * ||y||^2 / n_samples``.
    warm_start : bool, default=False
        Reuse the solution of the previous call to fit as initialization.
    positive : bool, default=False
        Force the coefficients to be non-negative.
    explain : bool, default=False
        Also record the exact path (lasso homotopy with the adaptive weights
        as penalty factors) from ``alpha_max`` down to ``alpha``: which
        feature entered or left at which alpha, and the KKT numbers that
        decided it. Costs nothing when False.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Coefficients of the adaptive lasso.
    intercept_ : float
        Independent term.
    weights_ : ndarray of shape (n_features,)
        The adaptive weights :math:`w_j` (``inf`` for excluded features).
    initial_coef_ : ndarray of shape (n_features,)
        Coefficients of the fitted initial estimator.
    n_iter_ : int
        Passes over the features run by coordinate descent in the adaptive
        fit; at least 1, the pass that checks the KKT conditions (unlike
        :class:`Lasso`, which reports 0 from an optimal start, as
        scikit-learn's does).
    dual_gap_ : float
        Duality gap at the solution.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    explanation_ : PathExplanation
        Only with ``explain=True``: the path's events and their KKT numbers
        (the penalty factors being the adaptive weights).
    entry_alpha_ : ndarray of shape (n_features,)
        Only with ``explain=True``: for each feature the largest alpha at
        which it is nonzero (0 if it never enters before ``alpha``).
    alphas_ : ndarray of shape (n_alphas,)
        Only with ``explain=True``: the knots of the recorded path.
    coef_path_ : ndarray of shape (n_features, n_alphas)
        Only with ``explain=True``: coefficients at ``alphas_``.

    See Also
    --------
    AdaptiveLassoCV : Chooses ``alpha`` and ``gamma`` by cross-validation.
    Lasso : The lasso with fixed penalty factors.

    Notes
    -----
    Only one target is supported: fit one estimator per column of a
    multi-output ``y``.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import AdaptiveLasso
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(50, 4)
    >>> y = X @ np.array([2.0, -1.0, 0.0, 0.0]) + 0.1 * rng.randn(50)
    >>> reg = AdaptiveLasso(alpha=0.05).fit(X, y)
    >>> reg.coef_.round(1)
    array([ 2., -1.,  0.,  0.])
    >>> bool(reg.weights_[2] > reg.weights_[0])
    True
    """

    _parameter_constraints: dict = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "gamma": [Interval(Real, 0, None, closed="left")],
        "initial_estimator": [HasMethods(["fit"]), None],
        "fit_intercept": ["boolean"],
        "precompute": ["boolean", "array-like"],
        "copy_X": ["boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        "explain": ["boolean"],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        gamma=1.0,
        initial_estimator=None,
        fit_intercept=True,
        precompute=False,
        copy_X=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        explain=False,
    ):
        self.alpha = alpha
        self.gamma = gamma
        self.initial_estimator = initial_estimator
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.copy_X = copy_X
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.explain = explain

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the initial estimator, then the weighted lasso.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array or DataFrame} of shape \
                (n_samples, n_features)
            Training data. A row-chunked dask collection (with dask or NumPy
            ``y`` and ``sample_weight``) is reduced in one pass on the
            cluster to its weighted sufficient statistics and fitted in Gram
            mode on the client (see ``initial_estimator``); the fitted
            attributes are NumPy and ``predict`` on dask X is lazy.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights, used by both fits (rescaled to sum to
            ``n_samples`` in the lasso).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if is_dask(X, y, sample_weight):
            from .._dask.adaptive import fit_adaptive_lasso

            return fit_adaptive_lasso(self, X, y, sample_weight)
        X, y = validate_single_target(self, X, y, order="F")
        validated_weight = check_sample_weight(sample_weight, X, rescale=True)
        initial_coef = fit_initial_coef(
            self.initial_estimator,
            X,
            y,
            _raw_weight(sample_weight, X),
            self.fit_intercept,
        )
        weights = adaptive_weights(initial_coef, self.gamma)
        coef_init = None
        if self.warm_start and getattr(self, "coef_", np.empty(0)).shape == (
            X.shape[1],
        ):
            coef_init = np.asarray(self.coef_, dtype=np.float64)[np.newaxis]
        fitted = fit_weighted_enet(
            X,
            y,
            alpha=self.alpha,
            l1_ratio=1.0,
            penalty_factor=weights,
            sample_weight=validated_weight,
            fit_intercept=self.fit_intercept,
            precompute=self.precompute,
            coef_init=coef_init,
            max_iter=self.max_iter,
            tol=self.tol,
            positive=self.positive,
        )
        self._set_fit(initial_coef, weights, fitted, X.dtype, self.alpha)
        return self

    def _set_fit(self, initial_coef, weights, fitted, dtype, alpha):
        super()._set_fit(initial_coef, weights, fitted, dtype, alpha)
        if self.explain:
            self.entry_alpha_ = self.explanation_.entry_alpha
            self.alphas_ = self.explanation_.alphas_
            self.coef_path_ = self.explanation_.coef_path
