"""StabilitySelection: the features a lasso selects on most random halves."""

import math
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, _fit_context
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from .._explain.stability_report import stability_report
from .._path.design import make_design
from .._path.grid import alpha_max, grid_below
from .._path.stability import false_selection_bound, path_support
from .._validation import check_alphas, check_penalty_factor, validate_single_target
from .adaptive import AdaptiveLasso, adaptive_weights, fit_initial_coef
from .elastic_net import ElasticNet

# The automatic grid: as LassoCV's, from alpha_max down to 1e-3 alpha_max; the
# region actually used is its top part, chosen by the error bound.
_N_ALPHAS = 100
_EPS = 1e-3
# The expected number of false selections the automatic region allows (as R's
# stabs with PFER = 1).
_PFER = 1.0
# A subsample's homotopy first walks this many knots beyond the q features the
# region can hold on average (q + 10: most reach the region's end within q
# knots); the walks that stop above where the region may end walk again, four
# times longer each time. Further down the path is never used.
_FIRST_WALK_EXTRA = 10
_LONGER_WALK = 4


def _selector_settings(estimator, n_features):
    """What the paths need from the estimator: l1_ratio, factors, options."""
    if estimator is None:
        from .lasso import Lasso

        estimator = Lasso()
    if not isinstance(estimator, (ElasticNet, AdaptiveLasso)):
        raise TypeError(
            "estimator must be a skreg Lasso, ElasticNet or AdaptiveLasso (or "
            f"None for a Lasso), got {type(estimator).__name__}."
        )
    adaptive = isinstance(estimator, AdaptiveLasso)
    factors = (
        None
        if adaptive
        else check_penalty_factor(
            getattr(estimator, "penalty_factor", None), n_features
        )
    )
    return {
        "estimator": estimator,
        "adaptive": adaptive,
        "l1_ratio": 1.0 if adaptive else float(estimator.l1_ratio),
        "penalty_factor": factors,
        "fit_intercept": estimator.fit_intercept,
        "positive": estimator.positive,
        "tol": estimator.tol,
        "max_iter": estimator.max_iter,
    }


def _factors(settings, X, y):
    """The penalty factors of a fit on ``X, y``: the estimator's, or the
    adaptive weights of its initial estimator refitted there."""
    if not settings["adaptive"]:
        return settings["penalty_factor"]
    estimator = settings["estimator"]
    initial = fit_initial_coef(
        estimator.initial_estimator, X, y, None, settings["fit_intercept"]
    )
    return adaptive_weights(initial, estimator.gamma)


def _subsample_support(X, y, rows, alphas, settings, max_knots):
    """The features selected at each alpha on the rows ``rows``."""
    X_sub, y_sub = X[rows], y[rows]
    if sparse.issparse(X_sub):
        X_sub = X_sub.tocsc()
    factors = _factors(settings, X_sub, y_sub)
    design = make_design(X_sub, y_sub, None, settings["fit_intercept"])
    return path_support(
        design,
        factors,
        alphas,
        l1_ratio=settings["l1_ratio"],
        positive=settings["positive"],
        tol=settings["tol"],
        max_iter=settings["max_iter"],
        max_knots=max_knots,
    )


def _union_sizes(supports):
    """Per subsample, the number of features selected somewhere in
    ``[alphas[k], alphas[0]]`` for each k (the union down the grid).

    Counted from each feature's first selection, without forming the
    cumulative union of the (subsamples, features, alphas) array.
    """
    n_subsamples, _, n_alphas = supports.shape
    first = np.where(supports.any(axis=2), supports.argmax(axis=2), n_alphas)
    offsets = np.arange(n_subsamples)[:, np.newaxis] * (n_alphas + 1)
    counts = np.bincount(
        (first + offsets).ravel(), minlength=n_subsamples * (n_alphas + 1)
    ).reshape(n_subsamples, n_alphas + 1)[:, :n_alphas]
    return counts.cumsum(axis=1)


def _subsamples(n_samples, n_resamples, sample_fraction, complementary_pairs, rng):
    """Row indices of each subsample, drawn in the main thread (so that the
    result does not depend on ``n_jobs``)."""
    size = int(math.floor(sample_fraction * n_samples))
    samples = []
    if complementary_pairs:
        for _ in range(math.ceil(n_resamples / 2)):
            order = rng.permutation(n_samples)
            samples += [np.sort(order[:size]), np.sort(order[size : 2 * size])]
    else:
        for _ in range(n_resamples):
            samples.append(np.sort(rng.choice(n_samples, size, replace=False)))
    return samples


class StabilitySelection(SelectorMixin, BaseEstimator):
    """Stability selection: keep the features a lasso selects on most subsamples.

    Fits the estimator's whole path on many random subsamples of the rows
    (halves, by default in complementary pairs) and records, for every
    feature and every alpha of a region, the fraction of subsamples on which
    the feature is selected: its *selection probability*. A feature is kept
    when its probability reaches ``threshold`` somewhere in the region
    (Meinshausen & Buhlmann 2010; complementary pairs: Shah & Samworth 2013).

    For a lasso, each subsample's path is the exact homotopy: one walk gives
    every alpha at once. The expected number of falsely selected features is
    at most :math:`q^2 / ((2\\,\\mathrm{threshold} - 1)\\, p)`, with :math:`q`
    the average number of features a subsample selects somewhere in the
    region and :math:`p` the number of candidates (Meinshausen & Buhlmann,
    Theorem 1). With ``alphas=None`` the region runs from ``alpha_max`` down
    as far as keeps that bound at 1, as R's ``stabs`` does with ``PFER = 1``
    (the whole path would eventually select every noise feature).

    Parameters
    ----------
    estimator : Lasso, ElasticNet or AdaptiveLasso, default=None
        The selecting estimator (unfitted; its ``alpha`` is not used). None
        is ``Lasso()``. Its ``penalty_factor``, ``fit_intercept``,
        ``positive``, ``l1_ratio``, ``tol`` and ``max_iter`` are honoured; an
        ``AdaptiveLasso`` refits its initial estimator on every subsample.
        Features with a penalty factor of 0 are in every model: always
        kept, and not counted among the candidates; those with ``inf`` are
        never selected.
    n_resamples : int, default=100
        Number of subsamples (rounded up to an even number with
        ``complementary_pairs``).
    sample_fraction : float, default=0.5
        Fraction of the rows in each subsample (at most 0.5 with
        complementary pairs).
    complementary_pairs : bool, default=True
        Draw the subsamples as disjoint pairs (a random half and the other
        half), as Shah & Samworth recommend.
    threshold : float, default=0.6
        Selection probability at which a feature is kept, in (0.5, 1].
    alphas : array-like of shape (n_alphas,), default=None
        The region of alphas, on the estimator's own scale; None chooses it
        as described above, on a grid of 100 alphas from ``alpha_max`` of the
        whole data down to ``1e-3 * alpha_max``.
    random_state : int, RandomState instance or None, default=None
        Seed of the subsampling.
    n_jobs : int, default=None
        Subsamples fitted in parallel (joblib threads). The result does not
        depend on it.

    Attributes
    ----------
    alphas_ : ndarray of shape (n_alphas,)
        The region of alphas, decreasing.
    selection_probabilities_ : ndarray of shape (n_features, n_alphas)
        Fraction of the subsamples selecting each feature at each alpha.
    stability_scores_ : ndarray of shape (n_features,)
        Each feature's largest selection probability over the region.
    support_ : ndarray of bool of shape (n_features,)
        The kept features: score at least ``threshold``, or unpenalized.
    average_selected_ : float
        :math:`q`: the average number of candidate features a subsample
        selects somewhere in the region.
    false_selection_bound_ : float
        Meinshausen & Buhlmann's bound on the expected number of falsely
        selected features at ``threshold``: ``q^2 / ((2 threshold - 1) p)``.
    n_candidates_ : int
        :math:`p`: the penalized features that can be selected.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    See Also
    --------
    LassoIC : One alpha, by an information criterion.
    sklearn.feature_selection.SelectFromModel : Selection by one fit.

    References
    ----------
    Meinshausen, N. and Buhlmann, P. (2010). Stability selection. *Journal of
    the Royal Statistical Society B* 72(4).

    Shah, R. D. and Samworth, R. J. (2013). Variable selection with error
    control: another look at stability selection. *Journal of the Royal
    Statistical Society B* 75(1).

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import StabilitySelection
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(200, 50)
    >>> y = X[:, :3] @ np.array([2.0, -2.0, 1.5]) + rng.randn(200)
    >>> selector = StabilitySelection(random_state=0).fit(X, y)
    >>> selector.get_support(indices=True)
    array([0, 1, 2])
    >>> bool(selector.false_selection_bound_ <= 1.0)
    True
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit"]), None],
        "n_resamples": [Interval(Integral, 2, None, closed="left")],
        "sample_fraction": [Interval(Real, 0, 1, closed="neither")],
        "complementary_pairs": ["boolean"],
        "threshold": [Interval(Real, 0.5, 1, closed="right")],
        "alphas": ["array-like", None],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_resamples=100,
        sample_fraction=0.5,
        complementary_pairs=True,
        threshold=0.6,
        alphas=None,
        random_state=None,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.n_resamples = n_resamples
        self.sample_fraction = sample_fraction
        self.complementary_pairs = complementary_pairs
        self.threshold = threshold
        self.alphas = alphas
        self.random_state = random_state
        self.n_jobs = n_jobs

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the paths on the subsamples and select the stable features.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Target values.

        Returns
        -------
        self : object
            Fitted selector.
        """
        X, y = validate_single_target(self, X, y)
        if self.complementary_pairs and self.sample_fraction > 0.5:
            raise ValueError(
                "sample_fraction must be at most 0.5 with complementary_pairs="
                f"True (two disjoint subsamples), got {self.sample_fraction}."
            )
        n_samples, n_features = X.shape
        size = int(math.floor(self.sample_fraction * n_samples))
        if size < 2:
            raise ValueError(
                f"StabilitySelection needs subsamples of at least 2 rows: "
                f"sample_fraction={self.sample_fraction} of n_samples = "
                f"{n_samples} gives {size}."
            )
        settings = _selector_settings(self.estimator, n_features)
        factors = _factors(settings, X, y)
        candidates = np.isfinite(factors) & (factors > 0)
        self.n_candidates_ = int(candidates.sum())
        automatic = self.alphas is None
        if automatic:
            design = make_design(X, y, None, settings["fit_intercept"])
            top = alpha_max(design, factors, settings["l1_ratio"], settings["positive"])
            alphas = grid_below(top, _EPS, _N_ALPHAS)
        else:
            alphas = check_alphas(self.alphas, 1)[0]
        # The region's q may not exceed sqrt(PFER (2 threshold - 1) p).
        q_limit = math.sqrt(_PFER * (2 * self.threshold - 1) * self.n_candidates_)
        rng = check_random_state(self.random_state)
        samples = _subsamples(
            n_samples, self.n_resamples, self.sample_fraction,
            self.complementary_pairs, rng,
        )  # fmt: skip
        parallel = Parallel(n_jobs=self.n_jobs, prefer="threads")

        def walk(indices):
            return parallel(
                delayed(_subsample_support)(
                    X, y, samples[b], alphas, settings, max_knots[b]
                )
                for b in indices
            )

        # each walk's own knot limit, longer only for the walks that need it
        first = int(q_limit) + _FIRST_WALK_EXTRA if automatic else None
        max_knots = [first] * len(samples)
        results = walk(range(len(samples)))
        supports = np.stack([support for support, _ in results])
        lows = np.array([low for _, low in results])
        while True:
            q_path = _union_sizes(supports[:, candidates, :]).mean(axis=0)
            if not automatic:
                end = alphas.size
                break
            known = alphas >= lows.max()  # every walk reached these alphas
            exceeded = np.flatnonzero(known & (q_path > q_limit))
            if exceeded.size:  # the region ends where q first exceeds the limit
                end = max(int(exceeded[0]), 1)
                break
            if known.all():
                end = alphas.size
                break
            # the region may reach below where some walks stopped
            short = np.flatnonzero(lows > alphas[np.argmin(known)])
            for b in short:
                max_knots[b] *= _LONGER_WALK
            for b, (support, low) in zip(short, walk(short)):
                supports[b], lows[b] = support, low
        self.alphas_ = alphas[:end]
        self.selection_probabilities_ = supports[:, :, :end].mean(axis=0)
        self.stability_scores_ = self.selection_probabilities_.max(axis=1)
        self.average_selected_ = float(q_path[end - 1])
        self.false_selection_bound_ = (
            false_selection_bound(
                self.average_selected_, self.threshold, self.n_candidates_
            )
            if self.n_candidates_
            else 0.0
        )
        unpenalized = np.isfinite(factors) & (factors == 0)
        self.support_ = (self.stability_scores_ >= self.threshold) | unpenalized
        self.n_resamples_ = len(samples)
        return self

    def _get_support_mask(self):
        check_is_fitted(self, "support_")
        return self.support_

    def report(self):
        """Say in words why the selected features were selected, with numbers.

        Returns
        -------
        report : str
            The region, the bound on false selections, the kept features
            with their scores, and the features closest to the threshold.
        """
        check_is_fitted(self, "support_")
        return stability_report(self)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.required = True
        return tags
