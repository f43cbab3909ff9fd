"""Lasso: the elastic net with l1_ratio=1."""

from .elastic_net import ElasticNet


class Lasso(ElasticNet):
    """Linear model with an L1 prior and a per-coefficient penalty (the lasso).

    A drop-in replacement for :class:`sklearn.linear_model.Lasso` that also
    accepts ``penalty_factor``. It minimizes

    .. math::

        \\frac{1}{2 n_{\\rm samples}} \\|y - X w\\|_2^2
        + \\alpha \\sum_j pf_j |w_j|

    A coefficient is exactly zero precisely when its feature's correlation
    with the residual of the others, :math:`|x_j^\\top r| / n`, is at most its
    penalty :math:`\\alpha \\, pf_j` (the KKT conditions).

    Parameters
    ----------
    alpha : float, default=1.0
        Constant that multiplies the L1 term.
    fit_intercept : bool, default=True
        Whether to fit an intercept (X and y are centred implicitly).
    precompute : "auto", bool or array-like of shape (n_features, n_features), \
            default=False
        Whether to use a precomputed Gram matrix ``X'X`` (``"auto"``: as in
        :class:`ElasticNet`).
    copy_X : bool, default=True
        Kept for compatibility with scikit-learn: skreg never modifies X.
    max_iter : int, default=1000
        Maximum number of passes over the features.
    tol : float, default=1e-4
        The solver stops when the duality gap is at most
        ``tol * ||y||^2 / n_samples``.
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
        unpenalized, ``np.inf`` excludes its feature. Not rescaled (glmnet
        rescales its factors to sum to ``n_features``; skreg does not).
    explain : bool, default=False
        Also record the regularization path from ``alpha_max`` down to
        ``alpha``: which feature entered or left at which alpha, and the KKT
        numbers that decided it (``explanation_``). The knots are exact (a lasso
        homotopy). Costs nothing
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
        Duality gap at the solution.
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
    ElasticNet : Adds an L2 part to the penalty.
    LassoCV : Chooses ``alpha`` by cross-validation.
    lasso_path : The whole regularization path.
    sklearn.linear_model.Lasso : scikit-learn's estimator.

    Examples
    --------
    >>> from skreg import Lasso
    >>> reg = Lasso(alpha=0.1).fit([[0, 0], [1, 1], [2, 2]], [0, 1, 2])
    >>> reg.coef_.round(4)
    array([0.85, 0.  ])
    >>> round(float(reg.intercept_), 4)
    0.15

    Leaving the second feature unpenalized moves the weight onto it:

    >>> Lasso(alpha=0.1, penalty_factor=[1, 0]).fit(
    ...     [[0, 0], [1, 1], [2, 2]], [0, 1, 2]).coef_.round(4)
    array([0., 1.])
    """

    _parameter_constraints: dict = {
        key: value
        for key, value in ElasticNet._parameter_constraints.items()
        if key != "l1_ratio"
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        precompute=False,
        copy_X=True,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
        penalty_factor=None,
        explain=False,
    ):
        super().__init__(
            alpha=alpha,
            l1_ratio=1.0,
            fit_intercept=fit_intercept,
            precompute=precompute,
            copy_X=copy_X,
            max_iter=max_iter,
            tol=tol,
            warm_start=warm_start,
            positive=positive,
            random_state=random_state,
            selection=selection,
            penalty_factor=penalty_factor,
            explain=explain,
        )
