"""Ridge with a per-coefficient penalty, alpha chosen by cross-validation.

With ``cv=None`` the leave-one-out (LOO) errors for every alpha come from one
decomposition. Write the centred, sample-weighted problem as unpenalized
columns ``Z`` (their orthonormal basis ``Q``; the intercept direction
``q = sqrt(s) / ||sqrt(s)||`` when ``fit_intercept``) and penalized columns
rescaled by ``1 / sqrt(pf_j)``, projected off ``span(Z)``: ``A = M X_P D^-1/2``
with ``M = I - Q Q'``. The hat matrix of the ridge fit with penalty alpha is

.. math::

    H(\\alpha) = q q^\\top + Q Q^\\top + A (A^\\top A + \\alpha I)^{-1} A^\\top,

and one eigendecomposition of ``A'A`` (n > p) or ``A A'`` (n <= p), or one SVD
of ``A``, gives ``diag(H)`` and ``H y`` for every alpha in O(n k) each. The LOO
residual of sample ``i`` is ``(y_i - (H y)_i) / (1 - H_ii)``, exact for linear
smoothers, with the intercept and the unpenalized coefficients refitted in each
fold.
"""

import numbers
import warnings

import numpy as np
from scipy import sparse
from sklearn.base import MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.linear_model._base import LinearModel
from sklearn.linear_model._ridge import _IdentityRegressor
from sklearn.metrics import check_scoring, get_scorer, get_scorer_names
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _manual_routing,
    _raise_for_params,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.validation import validate_data

from .._dask.inputs import is_dask
from .._dask.predict import DaskPredictMixin
from .._explain.ridge import explain_ridge
from .._path.ridge_loo import LeaveOneOut
from .._path.ridge_solvers import centre_data
from .._validation import (
    check_nonnegative,
    check_penalty_factor,
    check_sample_weight,
)
from .ridge import Ridge, _check_explainable


class RidgeCV(DaskPredictMixin, MultiOutputMixin, RegressorMixin, LinearModel):
    """Ridge with a per-coefficient penalty and built-in cross-validation of alpha.

    For each candidate ``alpha`` the model minimizes

    .. math::

        \\sum_i s_i (y_i - b_0 - x_i^\\top b)^2
        + \\alpha \\sum_j \\mathrm{pf}_j \\, b_j^2

    (scikit-learn's :class:`~sklearn.linear_model.RidgeCV` scale; :math:`s` are
    the sample weights, :math:`\\mathrm{pf}` the ``penalty_factor``) and keeps
    the alpha with the best cross-validated score. By default (``cv=None``) that
    is the exact leave-one-out error, computed for every alpha from a single
    eigendecomposition (or SVD) of the rescaled problem, in which the penalized
    columns are scaled by :math:`1/\\sqrt{\\mathrm{pf}_j}` and the unpenalized
    ones (and the intercept) are projected out exactly, rather than from
    ``n_samples`` refits.

    Parameters
    ----------
    alphas : array-like of shape (n_alphas,), default=(0.1, 1.0, 10.0)
        Alpha values to try; strictly positive with ``cv=None``, non-negative
        otherwise.

    penalty_factor : array-like of shape (n_features,), default=None
        Non-negative, finite multiplier of alpha for each coefficient; 0 leaves
        the coefficient unpenalized. ``None`` means 1 everywhere. Not rescaled.

    fit_intercept : bool, default=True
        Whether to fit an (unpenalized) intercept.

    scoring : str, callable or None, default=None
        Scorer. ``None`` means the negative mean squared error (on the
        sample-weighted scale ``s_i e_i^2``) with ``cv=None`` and
        :math:`R^2` otherwise, as in scikit-learn.

    cv : int, cross-validation generator, iterable or None, default=None
        ``None`` for the efficient leave-one-out; otherwise a grid search over
        ``alphas`` with :class:`~sklearn.model_selection.GridSearchCV` and
        :class:`Ridge` (with the same ``penalty_factor``).

    gcv_mode : {'auto', 'svd', 'eigen'}, default=None
        Decomposition used with ``cv=None``. 'auto', 'eigen' and ``None``: the
        eigendecomposition of :math:`A^\\top A` when ``n_samples`` exceeds the
        number of penalized features, else of :math:`A A^\\top`. 'svd': an SVD
        of :math:`A` (dense X only; sparse X uses 'eigen').

    store_cv_results : bool, default=False
        Whether to keep the leave-one-out values in ``cv_results_`` (only with
        ``cv=None``).

    alpha_per_target : bool, default=False
        Whether to choose alpha separately for each target (only with
        ``cv=None``).

    explain : bool, default=False
        Also explain the final fit at ``alpha_`` (``explanation_``, a
        ``RidgeExplanation``, as ``Ridge(explain=True)`` gives): kept fraction
        per principal direction, degrees of freedom, each coefficient's path
        over alpha, ``why(feature)`` and ``plot()``. ``coef_`` is the same as
        with False. One target only.

    Attributes
    ----------
    cv_results_ : ndarray of shape (n_samples, n_alphas) or \
(n_samples, n_targets, n_alphas)
        Leave-one-out squared errors (``scoring=None``, on the sample-weighted
        scale) or predictions (otherwise), when ``store_cv_results=True``.

    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Weight vector(s).

    intercept_ : float or ndarray of shape (n_targets,)
        Independent term; 0.0 if ``fit_intercept=False``.

    alpha_ : float or ndarray of shape (n_targets,)
        The chosen alpha (one per target if ``alpha_per_target``).

    best_score_ : float or ndarray of shape (n_targets,)
        Score of the chosen alpha.

    dof_ : float or ndarray of shape (n_targets,)
        Effective degrees of freedom of the chosen model, as ``Ridge.dof_``
        (intercept not counted: add 1 when ``fit_intercept=True``).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column
        names.

    explanation_ : RidgeExplanation
        Only with ``explain=True``: the explanation of the fit at ``alpha_``.

    See Also
    --------
    Ridge : Ridge with a per-coefficient penalty and a fixed alpha.
    sklearn.linear_model.RidgeCV : The same with one penalty for all.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import RidgeCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> pf = np.linspace(0.1, 1.0, 10)
    >>> reg = RidgeCV(alphas=np.logspace(-3, 3, 13), penalty_factor=pf).fit(X, y)
    >>> float(reg.alpha_)
    0.01
    >>> round(reg.score(X, y), 4)
    0.5171
    >>> round(reg.dof_, 2)
    9.45
    """

    _parameter_constraints: dict = {
        "alphas": ["array-like", Interval(numbers.Real, 0, None, closed="neither")],
        "penalty_factor": ["array-like", None],
        "fit_intercept": ["boolean"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "cv": ["cv_object"],
        "gcv_mode": [StrOptions({"auto", "svd", "eigen"}), None],
        "store_cv_results": ["boolean"],
        "alpha_per_target": ["boolean"],
        "explain": ["boolean"],
    }

    def __init__(
        self,
        alphas=(0.1, 1.0, 10.0),
        *,
        penalty_factor=None,
        fit_intercept=True,
        scoring=None,
        cv=None,
        gcv_mode=None,
        store_cv_results=False,
        alpha_per_target=False,
        explain=False,
    ):
        self.alphas = alphas
        self.penalty_factor = penalty_factor
        self.fit_intercept = fit_intercept
        self.scoring = scoring
        self.cv = cv
        self.gcv_mode = gcv_mode
        self.store_cv_results = store_cv_results
        self.alpha_per_target = alpha_per_target
        self.explain = explain

    def _checked_alphas(self):
        """Alphas as a float64 array, each checked (> 0 for LOO, >= 0 else)."""
        return check_nonnegative(self.alphas, "alphas", strictly=self.cv is None)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the ridge model, choosing alpha by cross-validation.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array or DataFrame} of shape \
                (n_samples, n_features)
            Training data. A row-chunked dask array or DataFrame is reduced in one pass
            on the cluster (see "Scaling out with Dask" in the user guide). ``cv`` must
            then be None (leave-one-out, from a second pass of leverages on the workers,
            with ``scoring=None``), an int or an unshuffled ``KFold``.

        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.

        sample_weight : float or array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        **params : dict
            Parameters for the scorer (and, with ``cv``, the splitter), routed
            when ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        _raise_for_params(params, self, "fit")
        if is_dask(X, y, sample_weight):
            from .._dask.ridge import fit_ridge_cv

            return fit_ridge_cv(self, X, y, sample_weight, **params)
        if self.explain:
            _check_explainable(y, positive=False)
        alphas = self._checked_alphas()
        scorer = self._get_scorer()
        if self.cv is not None:
            return self._fit_grid_search(X, y, sample_weight, alphas, scorer, params)

        if _routing_enabled():
            if sample_weight is not None:
                params["sample_weight"] = sample_weight
            score_params = process_routing(self, "fit", **params).scorer.score
        else:
            sw = {} if sample_weight is None else {"sample_weight": sample_weight}
            score_params = _manual_routing({"scorer": {"score": sw}}).scorer.score
        if self.scoring is None:
            scorer = None

        original_dtype = (
            getattr(getattr(X, "dtype", None), "kind", None) == "f" and X.dtype
        )
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc", "coo"],
            dtype=np.float64,
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
        unscaled_y = y
        design, Y, X_offset, y_offset, X_scale, sqrt_sw = centre_data(
            X, y, sample_weight, fit_intercept=self.fit_intercept
        )
        n_samples, n_targets = Y.shape
        if sqrt_sw is None:
            sqrt_sw = np.ones(n_samples)
        y = Y.reshape(y.shape)
        intercept_direction = None
        if self.fit_intercept:
            intercept_direction = sqrt_sw / np.linalg.norm(sqrt_sw)
        mode = self.gcv_mode
        if mode == "svd" and sparse.issparse(X):
            # scikit-learn's message and category, word for word
            warnings.warn(
                "The 'svd' mode is not supported for sparse X, we fallback to "
                "`gcv_mode='eigen'`. Passing `gcv_mode='svd'` on sparse X will "
                "raise an error in 1.11, use the default or pass "
                "`gcv_mode='eigen'` to suppress this warning.",
                FutureWarning,
                stacklevel=3,
            )
            mode = "eigen"
        loo = LeaveOneOut(design, Y, penalty_factor, intercept_direction, mode)

        per_target = self.alpha_per_target and n_targets > 1
        if self.store_cv_results:
            cv_results = np.empty((n_samples * n_targets, alphas.size))
        best_score = best_alpha = best_dof = None
        for i, alpha in enumerate(alphas.tolist()):
            looe, dof = loo.errors(alpha)
            looe = looe.reshape(y.shape)
            if scorer is None:
                squared_errors = looe**2
                if self.alpha_per_target:
                    score = np.mean(-squared_errors, axis=0)
                else:
                    score = np.mean(-squared_errors)
                values = squared_errors
            else:
                predictions = y - looe
                predictions /= sqrt_sw if y.ndim == 1 else sqrt_sw[:, None]
                predictions += y_offset
                values = predictions
                if self.alpha_per_target:
                    score = np.asarray(
                        [
                            scorer(
                                _IdentityRegressor(),
                                predictions[:, j],
                                unscaled_y[:, j],
                                **score_params,
                            )
                            for j in range(n_targets)
                        ]
                        if y.ndim == 2
                        else scorer(
                            _IdentityRegressor(),
                            predictions,
                            unscaled_y,
                            **score_params,
                        )
                    )
                else:
                    score = scorer(
                        _IdentityRegressor(), predictions, unscaled_y, **score_params
                    )
            if self.store_cv_results:
                cv_results[:, i] = np.ravel(values)
            if best_score is None:
                if per_target:
                    best_score = np.reshape(score, -1).astype(np.float64)
                    best_alpha = np.full(n_targets, alpha)
                else:
                    best_score, best_alpha = score, alpha
                best_dof = dof
            elif per_target:
                better = score > best_score
                best_score[better] = score[better]
                best_alpha[better] = alpha
            elif score > best_score:
                best_score, best_alpha, best_dof = score, alpha, dof

        target_alphas = np.broadcast_to(best_alpha, (n_targets,))
        coef = np.empty((n_targets, X.shape[1]))
        dofs = np.empty(n_targets)
        for alpha in np.unique(target_alphas):
            targets = target_alphas == alpha
            coef[targets] = loo.coef(alpha, targets)
            dofs[targets] = loo.errors(alpha)[1] if per_target else best_dof
        self.alpha_ = best_alpha
        self.best_score_ = best_score
        self.coef_ = coef.ravel() if n_targets == 1 else coef
        self.dof_ = float(dofs[0]) if not per_target else dofs
        self._set_intercept(X_offset, y_offset, X_scale)
        if self.store_cv_results:
            shape = (
                (n_samples, alphas.size)
                if y.ndim == 1
                else (n_samples, n_targets, alphas.size)
            )
            self.cv_results_ = cv_results.reshape(shape)
        if original_dtype:
            self.coef_ = self.coef_.astype(original_dtype, copy=False)
            if self.fit_intercept:
                # a NumPy scalar (np.float64 passes for a float) or an array
                self.intercept_ = np.asarray(self.intercept_).astype(original_dtype)[()]
            if self.store_cv_results:
                self.cv_results_ = self.cv_results_.astype(original_dtype, copy=False)
        if self.explain:
            self._set_explanation(design, Y, penalty_factor)
        return self

    def _set_explanation(self, design, Y, penalty_factor):
        """The explanation of the fit at ``alpha_`` (one target)."""
        self.explanation_ = explain_ridge(
            design,
            Y[:, 0],
            alpha=float(np.ravel(self.alpha_)[0]),
            penalty_factor=penalty_factor,
            feature_names=getattr(self, "feature_names_in_", None),
        )

    def _fit_grid_search(self, X, y, sample_weight, alphas, scorer, params):
        """``cv`` given: grid search over alphas with skreg's Ridge."""
        if self.store_cv_results:
            raise ValueError("cv!=None and store_cv_results=True are incompatible")
        if self.alpha_per_target:
            raise ValueError("cv!=None and alpha_per_target=True are incompatible")
        # Validate here so that a bad penalty_factor fails loudly, not per fold.
        X_checked, y_checked = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc", "coo"],
            dtype=[np.float64, np.float32],
            multi_output=not self.explain,
            y_numeric=True,
        )
        penalty_factor = check_penalty_factor(
            self.penalty_factor, X_checked.shape[1], allow_inf=False
        )
        if self.explain:
            # one target, as validated (a column vector y is ravelled)
            y = y_checked
        if sample_weight is not None:
            params["sample_weight"] = sample_weight
        estimator = Ridge(
            penalty_factor=self.penalty_factor,
            fit_intercept=self.fit_intercept,
            solver="auto",
        )
        if _routing_enabled():
            estimator.set_fit_request(sample_weight=True)
        grid_search = GridSearchCV(
            estimator, {"alpha": alphas}, cv=self.cv, scoring=scorer
        )
        grid_search.fit(X, y, **params)
        best = grid_search.best_estimator_
        self.alpha_ = best.alpha
        self.best_score_ = grid_search.best_score_
        self.coef_ = best.coef_
        self.intercept_ = best.intercept_
        self.dof_ = best.dof_
        self.n_features_in_ = best.n_features_in_
        if hasattr(best, "feature_names_in_"):
            self.feature_names_in_ = best.feature_names_in_
        if self.explain:
            weights = check_sample_weight(sample_weight, X_checked, rescale=False)
            design, Y, *_ = centre_data(
                X_checked, y_checked, weights, fit_intercept=self.fit_intercept
            )
            self._set_explanation(design, Y, penalty_factor)
        return self

    def get_metadata_routing(self):
        """Get the metadata routing of this object (scorer and splitter).

        Returns
        -------
        routing : MetadataRouter
            Routing of ``fit`` parameters to the scorer's ``score`` and the
            splitter's ``split``.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                scorer=self._get_scorer(),
                method_mapping=MethodMapping().add(caller="fit", callee="score"),
            )
            .add(
                splitter=self.cv,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )

    def _get_scorer(self):
        if _routing_enabled() and self.scoring is None:
            return get_scorer("r2").set_score_request(sample_weight=True)
        return check_scoring(estimator=self, scoring=self.scoring, allow_none=True)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        # explain mode tells the story of one target
        tags.target_tags.multi_output = not self.explain
        return tags
