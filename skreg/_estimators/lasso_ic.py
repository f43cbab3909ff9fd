"""LassoIC: alpha chosen by AIC, BIC or extended BIC along the exact lasso path."""

from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.linear_model._base import LinearModel
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._explain.fit import explain_fit
from .._explain.ic_report import criterion_report
from .._path.bisection import bisection_path
from .._path.criteria import information_criterion, residual_sums_of_squares
from .._path.design import make_design
from .._path.grid import alpha_max
from .._path.homotopy import lasso_homotopy
from .._validation import (
    check_penalty_factor,
    check_sample_weight,
    validate_single_target,
)

# Where the path stops when the exact homotopy cannot reach alpha = 0 (tied or
# collinear features) and coordinate descent walks it instead.
_FALLBACK_ALPHA_RATIO = 1e-4


class LassoIC(RegressorMixin, LinearModel):
    """Lasso with ``alpha`` chosen by an information criterion on the exact path.

    Computes the exact lasso path (every knot, by homotopy, with penalty
    factors and sample weights) and evaluates at each knot

    .. math::

        n \\log(2 \\pi \\sigma^2) + \\frac{\\mathrm{RSS}}{\\sigma^2}
        + c \\cdot \\mathrm{df},

    with ``df`` the number of nonzero coefficients, an unbiased estimate of
    the lasso's degrees of freedom (Zou, Hastie & Tibshirani 2007), and
    ``c = 2`` (AIC), ``log(n)`` (BIC), or ``log(n)`` plus
    ``2 gamma log C(p, df) / df`` (extended BIC, Chen & Chen 2008, for
    ``p >> n``). Between two knots the active set is fixed and the residual
    sum of squares falls as alpha does, so the minimum over all alphas is at a
    knot: the choice is exact, not on a grid. With ``penalty_factor=None`` and
    ``n > p`` this is :class:`sklearn.linear_model.LassoLarsIC` (same
    formula, same noise estimate, same knots).

    Parameters
    ----------
    criterion : {"bic", "aic", "ebic"}, default="bic"
        The criterion to minimize.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multiplier of alpha (0: unpenalized, inf: excluded).
        Unpenalized features count in ``df``.
    noise_variance : float, default=None
        The noise variance :math:`\\sigma^2`. When None it is estimated:
        with ``n > p + fit_intercept`` by least squares on every feature that
        can enter, ``RSS / (n - p - fit_intercept)`` (as scikit-learn's
        ``LassoLarsIC``); otherwise by the cross-validated lasso,
        ``RSS(alpha_cv) / (n - s - fit_intercept)`` with ``s`` its number of
        nonzero coefficients, the estimator that Reid, Tibshirani & Friedman
        (2016) recommend when ``p >= n``. An estimate of 0 (data fitted
        exactly) is raised to ``eps * var(y)``.
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    positive : bool, default=False
        Force the coefficients to be non-negative.
    ebic_gamma : float, default=1.0
        The extended BIC's :math:`\\gamma` in [0, 1] (0 gives the BIC); 1 is
        consistent whenever ``p`` grows polynomially in ``n`` (Chen & Chen
        2008). Used only with ``criterion="ebic"``.
    cv : int, cross-validation generator or iterable, default=5
        Splitting of the cross-validated lasso that estimates the noise
        variance when ``p >= n`` (unused otherwise).
    explain : bool, default=False
        Also record the path from ``alpha_max`` down to ``alpha_`` with its
        events and KKT numbers (``explanation_``, as ``Lasso(explain=True)``).

    Attributes
    ----------
    alpha_ : float
        The knot of the smallest criterion.
    alphas_ : ndarray of shape (n_knots,)
        The knots of the exact path, decreasing (down to 0 when the path
        reaches least squares).
    criterion_ : ndarray of shape (n_knots,)
        The criterion at each knot.
    noise_variance_ : float
        The noise variance used: ``noise_variance`` or its estimate.
    coef_path_ : ndarray of shape (n_features, n_knots)
        Coefficients at each knot.
    coef_ : ndarray of shape (n_features,)
        Coefficients at ``alpha_``.
    intercept_ : float
        Independent term at ``alpha_``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    explanation_ : PathExplanation
        Only with ``explain=True``: the path down to ``alpha_``.

    See Also
    --------
    LassoCV : Chooses alpha by cross-validation.
    sklearn.linear_model.LassoLarsIC : scikit-learn's estimator.

    References
    ----------
    Zou, H., Hastie, T. and Tibshirani, R. (2007). On the "degrees of freedom"
    of the lasso. *Annals of Statistics* 35(5).

    Chen, J. and Chen, Z. (2008). Extended Bayesian information criteria for
    model selection with large model spaces. *Biometrika* 95(3).

    Reid, S., Tibshirani, R. and Friedman, J. (2016). A study of error variance
    estimation in lasso regression. *Statistica Sinica* 26(1).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import LassoIC
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = LassoIC(criterion="bic").fit(X, y)
    >>> int((model.coef_ != 0).sum())
    7
    """

    _parameter_constraints: dict = {
        "criterion": [StrOptions({"aic", "bic", "ebic"})],
        "penalty_factor": ["array-like", None],
        "noise_variance": [Interval(Real, 0, None, closed="neither"), None],
        "fit_intercept": ["boolean"],
        "positive": ["boolean"],
        "ebic_gamma": [Interval(Real, 0, 1, closed="both")],
        "cv": ["cv_object"],
        "explain": ["boolean"],
    }

    def __init__(
        self,
        criterion="bic",
        *,
        penalty_factor=None,
        noise_variance=None,
        fit_intercept=True,
        positive=False,
        ebic_gamma=1.0,
        cv=5,
        explain=False,
    ):
        self.criterion = criterion
        self.penalty_factor = penalty_factor
        self.noise_variance = noise_variance
        self.fit_intercept = fit_intercept
        self.positive = positive
        self.ebic_gamma = ebic_gamma
        self.cv = cv
        self.explain = explain

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Compute the exact path and choose the knot of the smallest criterion.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, counted as repetitions of the rows (frequency
            weights): the residual sum of squares is weighted and ``n`` is
            their sum, so that a weight of 2 and a repeated row give the
            same model.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_single_target(self, X, y)
        counts = check_sample_weight(sample_weight, X, rescale=False)
        n_samples = X.shape[0] if counts is None else float(counts.sum())
        sample_weight = check_sample_weight(sample_weight, X, rescale=True)
        penalty_factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        design = make_design(X, y, sample_weight, self.fit_intercept)

        alphas, coefs = self._exact_path(design, penalty_factor)
        intercepts = design.y_offset - design.X_offset @ coefs
        if not self.fit_intercept:
            intercepts = np.zeros(alphas.size)

        candidates = np.isfinite(penalty_factor)
        if self.noise_variance is not None:
            self.noise_variance_ = float(self.noise_variance)
            self._noise_source = "given"
        else:
            self.noise_variance_, self._noise_source = self._estimate_noise_variance(
                X, y, counts, n_samples, penalty_factor
            )
        rss = residual_sums_of_squares(X, y, counts, coefs, intercepts)
        df = np.count_nonzero(coefs, axis=0)
        self.criterion_ = information_criterion(
            rss,
            df,
            n_samples=n_samples,
            n_candidates=int(candidates.sum()),
            noise_variance=self.noise_variance_,
            kind=self.criterion,
            ebic_gamma=self.ebic_gamma,
        )
        best = int(np.argmin(self.criterion_))
        self.alphas_ = alphas
        self.alpha_ = float(alphas[best])
        self.coef_path_ = coefs.astype(X.dtype, copy=False)
        self.coef_ = self.coef_path_[:, best].copy()
        self.intercept_ = float(intercepts[best]) if self.fit_intercept else 0.0
        self._rss, self._n_samples = rss, n_samples
        if self.explain:
            self.explanation_ = explain_fit(
                design,
                alpha=self.alpha_,
                l1_ratio=1.0,
                penalty_factor=penalty_factor,
                positive=self.positive,
                feature_names=getattr(self, "feature_names_in_", None),
                coef=self.coef_,
            )
        return self

    def _exact_path(self, design, penalty_factor):
        """Knots and coefficients of the path from alpha_max down to 0."""
        path = lasso_homotopy(design, penalty_factor, positive=self.positive)
        if path.safe:
            return path.alphas, path.coefs
        # Tied or collinear features: coordinate descent, with the events
        # (where df changes) located by bisection, down to a small alpha.
        top = alpha_max(design, penalty_factor, positive=self.positive)
        alphas, coefs, _ = bisection_path(
            design,
            penalty_factor,
            alpha=top * _FALLBACK_ALPHA_RATIO,
            l1_ratio=1.0,
            positive=self.positive,
        )
        return np.asarray(alphas, dtype=np.float64), np.asarray(coefs, np.float64)

    def _estimate_noise_variance(self, X, y, counts, n_samples, penalty_factor):
        from sklearn.linear_model import LinearRegression

        from .cv import LassoCV

        usable = np.flatnonzero(np.isfinite(penalty_factor))
        if n_samples > usable.size + self.fit_intercept:
            model = LinearRegression(
                fit_intercept=self.fit_intercept, positive=self.positive
            ).fit(X[:, usable], y, sample_weight=counts)
            dof = n_samples - usable.size - self.fit_intercept
            source = f"least squares, RSS / {dof:g}"
        else:
            model = LassoCV(
                cv=self.cv,
                penalty_factor=penalty_factor[usable],
                fit_intercept=self.fit_intercept,
                positive=self.positive,
            ).fit(X[:, usable], y, sample_weight=counts)
            dof = n_samples - np.count_nonzero(model.coef_) - self.fit_intercept
            source = (
                f"the cross-validated lasso at alpha = {model.alpha_:.4g}, "
                f"RSS / {max(dof, 1):g} (Reid, Tibshirani & Friedman 2016)"
            )
        rss = residual_sums_of_squares(
            X[:, usable],
            y,
            counts,
            np.asarray(model.coef_, dtype=np.float64)[:, np.newaxis],
            np.atleast_1d(float(model.intercept_)),
        )[0]
        variance = rss / max(dof, 1)
        # Data fitted exactly: the limit sigma^2 -> 0 (the smallest residual
        # wins), kept finite so that every knot has a criterion.
        floor = np.finfo(np.float64).eps * max(float(np.var(y)), 1e-300)
        if variance < floor:
            variance = floor
            source += (
                ", 0 to rounding (the data are fitted exactly), raised to eps * var(y)"
            )
        return float(variance), source

    def report(self):
        """Say in words why ``alpha_`` was chosen, with the numbers.

        Returns
        -------
        report : str
            The criterion's formula with its terms at ``alpha_``, and what
            the knots on either side would gain in fit and pay in ``df``.
        """
        check_is_fitted(self, "criterion_")
        return criterion_report(self)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
