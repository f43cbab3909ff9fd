"""LassoCV and ElasticNetCV: alpha (and l1_ratio) chosen by cross-validated paths."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import MultiOutputMixin, RegressorMixin, _fit_context
from sklearn.linear_model._base import LinearModel
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed

from .._dask.inputs import is_dask
from .._dask.predict import DaskPredictMixin
from .._explain.fit import explain_fit
from .._path.cv_choice import choose_alpha
from .._path.design import make_design
from .._path.folds import fold_design, held_out_mse
from .._path.grid import alpha_grid
from .._validation import (
    check_alphas,
    check_penalty_factor,
    check_sample_weight,
    validate_single_target,
)
from .elastic_net import fit_weighted_enet, set_single_target_fit


def _fold_mse(X, y, sample_weight, train, test, alphas, l1_ratio, settings):
    """Mean squared error on ``test`` of the path fitted on ``train``."""
    design, gram = fold_design(
        X,
        y,
        sample_weight,
        train,
        fit_intercept=settings["fit_intercept"],
        precompute=settings["precompute"],
        n_alphas=len(alphas),
    )
    return held_out_mse(
        design,
        gram,
        X[test],
        y[test],
        None if sample_weight is None else sample_weight[test],
        alphas,
        settings["penalty_factor"],
        l1_ratio=l1_ratio,
        positive=settings["positive"],
        tol=settings["tol"],
        max_iter=settings["max_iter"],
        random_state=settings["seed"],
        selection=settings["selection"],
    )


def fold_path_settings(estimator, penalty_factor, rng):
    """What every fold's path of a cross-validated lasso-type estimator needs.

    One seed serves every fold's path (the cyclic order needs none).
    """
    return {
        "fit_intercept": estimator.fit_intercept,
        "penalty_factor": penalty_factor,
        "positive": estimator.positive,
        "tol": estimator.tol,
        "max_iter": estimator.max_iter,
        "seed": (
            rng.randint(np.iinfo(np.int32).max)
            if estimator.selection == "random"
            else None
        ),
        "selection": estimator.selection,
        "precompute": estimator.precompute,
    }


class _PathCV(DaskPredictMixin, MultiOutputMixin, RegressorMixin, LinearModel):
    """Shared fit of LassoCV and ElasticNetCV (one target, coordinate descent)."""

    _parameter_constraints: dict = {
        "eps": [Interval(Real, 0, None, closed="neither")],
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "fit_intercept": ["boolean"],
        "explain": ["boolean"],
        "precompute": [StrOptions({"auto"}), "array-like", "boolean"],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "copy_X": ["boolean"],
        "cv": ["cv_object"],
        "verbose": ["verbose"],
        "n_jobs": [Integral, None],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
        "penalty_factor": ["array-like", None],
        "alpha_rule": [StrOptions({"min", "1se"})],
    }

    def _l1_ratios(self):
        return np.atleast_1d(getattr(self, "l1_ratio", 1.0)).astype(float)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, **params):
        """Fit the model on a cross-validated grid of alphas.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array or DataFrame} of shape \
                (n_samples, n_features)
            Training data. A row-chunked dask array or DataFrame is reduced in one pass
            on the cluster (see "Scaling out with Dask" in the user guide). The folds
            then come out of the same pass: ``cv`` must be an int or an unshuffled
            ``KFold``.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : float or array-like of shape (n_samples,), default=None
            Sample weights, used in the fits and in each fold's weighted mean
            squared error. The cross-validated error is the unweighted mean of
            the folds' errors (as in scikit-learn).
        **params : dict
            Parameters passed to the CV splitter (with metadata routing
            enabled).

        Returns
        -------
        self : object
            Fitted estimator.
        """
        _raise_for_params(params, self, "fit")
        if is_dask(X, y, sample_weight):
            from .._dask.fits import fit_path_cv

            return fit_path_cv(self, X, y, sample_weight, **params)
        # X's finiteness is checked during the one pass that prepares the design.
        X, y = validate_single_target(self, X, y, ensure_all_finite=False)
        sample_weight = check_sample_weight(sample_weight, X, rescale=True)
        penalty_factor = check_penalty_factor(self.penalty_factor, X.shape[1])
        l1_ratios = self._l1_ratios()

        # the design of the whole data: its alpha grid, and the refit
        design = make_design(X, y, sample_weight, self.fit_intercept)
        alphas = self._alpha_grids(design, penalty_factor, l1_ratios)

        splitter_params = {}
        if _routing_enabled():
            routed = process_routing(self, "fit", sample_weight=sample_weight, **params)
            splitter_params = routed.splitter.split
        folds = list(check_cv(self.cv).split(X, y, **splitter_params))
        rng = check_random_state(self.random_state)
        settings = fold_path_settings(self, penalty_factor, rng)
        # Numba kernels release the GIL, so threads run folds in parallel.
        mse_paths = Parallel(
            n_jobs=self.n_jobs, verbose=self.verbose, prefer="threads"
        )(
            delayed(_fold_mse)(
                X, y, sample_weight, train, test, these_alphas, l1_ratio, settings
            )
            for l1_ratio, these_alphas in zip(l1_ratios, alphas)
            for train, test in folds
        )
        mse_paths = np.reshape(mse_paths, (len(l1_ratios), len(folds), -1))
        self._set_choice(alphas, mse_paths, l1_ratios, X.dtype)
        fitted = fit_weighted_enet(
            X,
            y,
            alpha=self.alpha_,
            l1_ratio=self.l1_ratio_,
            penalty_factor=penalty_factor,
            sample_weight=sample_weight,
            fit_intercept=self.fit_intercept,
            precompute=False if isinstance(self.precompute, str) else self.precompute,
            max_iter=self.max_iter,
            tol=self.tol,
            positive=self.positive,
            random_state=rng,
            selection=self.selection,
            design=design,
        )
        return self._set_refit(fitted, penalty_factor, X.dtype)

    def _alpha_grids(self, design, penalty_factor, l1_ratios):
        """One grid of alphas per l1_ratio: computed, or the given ones."""
        if not isinstance(self.alphas, Integral):
            return check_alphas(self.alphas, len(l1_ratios))
        return np.array(
            [
                alpha_grid(
                    design,
                    penalty_factor,
                    l1_ratio,
                    self.eps,
                    self.alphas,
                    self.positive,
                )
                for l1_ratio in l1_ratios
            ]
        )

    def _set_choice(self, alphas, mse_paths, l1_ratios, dtype):
        """Choose alpha (and l1_ratio) from ``mse_paths`` (grids, folds, alphas)."""
        choice = choose_alpha(alphas, mse_paths, self.alpha_rule)
        self.l1_ratio_ = float(l1_ratios[choice.grid])
        self.alpha_ = choice.alpha
        # one value per l1_ratio when several are cross-validated
        self.alpha_1se_ = (
            choice.alpha_1se if len(l1_ratios) > 1 else float(choice.alpha_1se[0])
        )
        # float32 X gives float32 errors, as in scikit-learn
        self.mse_path_ = np.squeeze(np.moveaxis(mse_paths, 2, 1)).astype(
            dtype, copy=False
        )
        # one grid per l1_ratio when computed; given alphas are one grid
        computed = isinstance(self.alphas, Integral) and len(l1_ratios) > 1
        self.alphas_ = alphas if computed else alphas[0]

    def _set_refit(self, fitted, penalty_factor, dtype):
        """Set the refit's attributes (and its explanation); return self."""
        set_single_target_fit(self, fitted, dtype)
        if self.explain:
            self.explanation_ = explain_fit(
                fitted[4],
                alpha=self.alpha_,
                l1_ratio=self.l1_ratio_,
                penalty_factor=penalty_factor,
                positive=self.positive,
                feature_names=getattr(self, "feature_names_in_", None),
                coef=self.coef_,
            )
        if not hasattr(self, "l1_ratio"):
            del self.l1_ratio_
        return self

    def get_metadata_routing(self):
        """Get metadata routing of this object (routes ``**params`` to the CV).

        Returns
        -------
        routing : MetadataRouter
            The routing information.
        """
        return (
            MetadataRouter(owner=self)
            .add_self_request(self)
            .add(
                splitter=check_cv(self.cv),
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = False
        return tags


_CV_PARAMETERS_DOC = """
    eps : float, default=1e-3
        Length of the path: ``alpha_min / alpha_max = eps``.
    alphas : int or array-like, default=100
        Number of alphas on the automatic grid, or the alphas themselves. The
        grid starts where every penalized coefficient is zero (see
        :func:`skreg.enet_path`).
    fit_intercept : bool, default=True
        Whether to fit an intercept.
    precompute : "auto", bool or array-like, default="auto"
        Whether to use the Gram matrix in the folds (``"auto"``: when
        ``n_samples > n_features`` and the path has at least one alpha per
        eight features, where forming ``X'X`` costs less than the passes over
        ``X`` it spares).
    max_iter : int, default=1000
        Maximum number of passes over the features per alpha.
    tol : float, default=1e-4
        Stop when the duality gap is at most ``tol * ||y||^2 / n_samples``.
    copy_X : bool, default=True
        Kept for compatibility: X is never modified.
    cv : int, cross-validation generator or iterable, default=None
        Splitting strategy, as in :func:`sklearn.model_selection.check_cv`
        (None: 5-fold).
    verbose : bool or int, default=False
        Amount of verbosity.
    n_jobs : int, default=None
        Number of folds fitted in parallel (threads; the kernels release the
        GIL).
    positive : bool, default=False
        Force the coefficients to be non-negative.
    random_state : int, RandomState instance or None, default=None
        Seed of the random feature selection when ``selection="random"``.
    selection : {"cyclic", "random"}, default="cyclic"
        Order of the coordinate updates.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multiplier of alpha (0: unpenalized, inf: excluded; not
        rescaled, unlike glmnet's).
    explain : bool, default=False
        Explain the final refit: record its path from ``alpha_max`` down to
        ``alpha_`` and the KKT numbers of every event (``explanation_``, as
        ``Lasso(explain=True)`` does), from the refit's own design.
    alpha_rule : {"min", "1se"}, default="min"
        Which alpha is refitted: ``"min"``, the alpha of the smallest mean
        test error (scikit-learn's choice), or ``"1se"``, ``alpha_1se_``: the
        largest alpha whose mean error is within one standard error of the
        minimum (glmnet's ``lambda.1se``), a sparser model that predicts
        about as well. With several ``l1_ratio``, the rule applies to the
        one of the smallest error.
"""

_CV_ATTRIBUTES_DOC = """
    alpha_ : float
        The penalty chosen by cross-validation and refitted: the one of the
        smallest mean test error, or ``alpha_1se_`` with ``alpha_rule="1se"``.
    alpha_1se_ : float or ndarray of shape (n_l1_ratio,)
        The largest alpha whose mean test error is at most the minimum plus
        one standard error: the standard deviation of the folds' errors at
        the minimum (NumPy's, ``ddof=0``) divided by ``sqrt(n_folds)``. One
        per ``l1_ratio`` when several are cross-validated (each from its own
        minimum).
    coef_ : ndarray of shape (n_features,)
        Coefficients of the model refitted on all data at ``alpha_``.
    intercept_ : float
        Independent term.
    mse_path_ : ndarray of shape (n_alphas, n_folds) or \
            (n_l1_ratio, n_alphas, n_folds)
        Test mean squared error of each fold along the path.
    alphas_ : ndarray of shape (n_alphas,) or (n_l1_ratio, n_alphas)
        The grid of alphas used: one per ``l1_ratio`` when computed (each
        from its own ``alpha_max``), the given ``alphas`` in decreasing order
        otherwise.
    dual_gap_ : float
        Duality gap of the refitted model.
    n_iter_ : int
        Passes over the features of the refitted model.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.
    explanation_ : PathExplanation
        Only with ``explain=True``: the path of the refit down to ``alpha_``,
        its events and their KKT numbers.
"""


class LassoCV(_PathCV):
    __doc__ = (
        """Lasso with ``alpha`` chosen by cross-validation along the path.

    A drop-in replacement for :class:`sklearn.linear_model.LassoCV` with a
    per-coefficient ``penalty_factor``: each fold fits a warm-started lasso
    path, and the alpha with the smallest mean test error is refitted on all
    the data.

    Parameters
    ----------"""
        + _CV_PARAMETERS_DOC
        + """
    Attributes
    ----------"""
        + _CV_ATTRIBUTES_DOC
        + """
    See Also
    --------
    Lasso : The estimator at one alpha.
    ElasticNetCV : Also cross-validates ``l1_ratio``.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skreg import LassoCV
    >>> X, y = make_regression(n_samples=60, n_features=8, noise=1.0,
    ...                        random_state=0)
    >>> reg = LassoCV(cv=3).fit(X, y)
    >>> bool(reg.score(X, y) > 0.99)
    True
    """
    )

    def __init__(
        self,
        *,
        eps=1e-3,
        alphas=100,
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-4,
        copy_X=True,
        cv=None,
        verbose=False,
        n_jobs=None,
        positive=False,
        random_state=None,
        selection="cyclic",
        penalty_factor=None,
        explain=False,
        alpha_rule="min",
    ):
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.copy_X = copy_X
        self.cv = cv
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.explain = explain
        self.alpha_rule = alpha_rule


class ElasticNetCV(_PathCV):
    __doc__ = (
        """Elastic net with ``alpha`` and ``l1_ratio`` chosen by cross-validation.

    A drop-in replacement for :class:`sklearn.linear_model.ElasticNetCV` with
    a per-coefficient ``penalty_factor``.

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        Mixing parameter(s) between L1 (1) and L2 (0); a list is
        cross-validated along with alpha."""
        + _CV_PARAMETERS_DOC
        + """
    Attributes
    ----------
    l1_ratio_ : float
        The ``l1_ratio`` chosen by cross-validation."""
        + _CV_ATTRIBUTES_DOC
        + """
    See Also
    --------
    ElasticNet : The estimator at one (alpha, l1_ratio).
    LassoCV : The case ``l1_ratio=1``.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skreg import ElasticNetCV
    >>> X, y = make_regression(n_samples=60, n_features=8, noise=1.0,
    ...                        random_state=0)
    >>> reg = ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3).fit(X, y)
    >>> float(reg.l1_ratio_)
    1.0
    """
    )

    _parameter_constraints: dict = {
        **_PathCV._parameter_constraints,
        "l1_ratio": [Interval(Real, 0, 1, closed="both"), "array-like"],
    }

    def __init__(
        self,
        *,
        l1_ratio=0.5,
        eps=1e-3,
        alphas=100,
        fit_intercept=True,
        precompute="auto",
        max_iter=1000,
        tol=1e-4,
        cv=None,
        copy_X=True,
        verbose=0,
        n_jobs=None,
        positive=False,
        random_state=None,
        selection="cyclic",
        penalty_factor=None,
        explain=False,
        alpha_rule="min",
    ):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection
        self.penalty_factor = penalty_factor
        self.explain = explain
        self.alpha_rule = alpha_rule
