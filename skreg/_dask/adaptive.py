"""AdaptiveLasso and AdaptiveLassoCV on dask data: the initial fit from moments.

The adaptive lasso needs a first estimate before its weighted lasso. On dask
data that first fit must come from the same one-pass statistics as the lasso
(the client never holds X), so only initial estimators whose fit is a
function of the weighted moments are accepted; each is solved here exactly
as its ``fit`` solves on rows. Per cross-validation fold the initial
estimator is refitted on the fold's training moments (``without(total,
fold)``), as the NumPy fit refits it on the training rows.
"""

import numpy as np
from scipy import linalg

from .._validation import check_penalty_factor
from .fits import _fold_path_mse, _solve, _total, fold_boundaries
from .inputs import dask_inputs
from .moments import design_of, without
from .reduction import fold_moments

_FROM_MOMENTS = (
    "skreg.Ridge or sklearn.linear_model.Ridge (one fixed alpha, "
    "positive=False), skreg.Lasso or skreg.ElasticNet, or "
    "sklearn.linear_model.LinearRegression (positive=False)"
)


def _raw_products(moments, fit_intercept):
    """``X'WX`` and ``X'Wy`` on the user's (unrescaled) weights: centred with
    an intercept, raw without one."""
    if fit_intercept:
        return moments.xx, moments.xy
    n = moments.weight
    return (
        moments.xx + n * np.outer(moments.x_mean, moments.x_mean),
        moments.xy + n * moments.x_mean * moments.y_mean,
    )


def _least_squares(gram, xy):
    """The minimum-norm solution of ``gram w = xy`` (``gram`` symmetric).

    Eigenvalues below ``n_features * eps`` of the largest count as zero, the
    cut-off of ``np.linalg.pinv``: a singular ``X'WX`` gives the minimum-norm
    least-squares coefficients, as ``lstsq`` on the rows (the null spaces of
    ``X'WX`` and ``X`` agree), and a regular one its exact solution.
    """
    values, vectors = linalg.eigh(gram, check_finite=False)
    keep = values > gram.shape[0] * np.finfo(np.float64).eps * max(values[-1], 0.0)
    vectors = vectors[:, keep]
    return vectors @ ((vectors.T @ xy) / values[keep])


def _ridge_coef(estimator, moments, n_features):
    from sklearn.linear_model import Ridge as SklearnRidge

    alpha = np.asarray(estimator.alpha, dtype=np.float64)
    if alpha.size != 1 or estimator.positive:
        raise ValueError(
            "On dask data a Ridge initial estimator needs one scalar alpha and "
            f"positive=False (a closed form on the moments); got {estimator!r}."
        )
    if isinstance(estimator, SklearnRidge):
        penalty_factor = np.ones(n_features)
    else:
        penalty_factor = check_penalty_factor(
            estimator.penalty_factor, n_features, allow_inf=False
        )
    # sklearn's ridge scale: ||y - Xw||^2_W + alpha ||w||^2, no 1/n
    gram, xy = _raw_products(moments, estimator.fit_intercept)
    gram = gram + np.diag(float(alpha.ravel()[0]) * penalty_factor)
    return _least_squares(gram, xy)


def _linear_regression_coef(estimator, moments):
    if estimator.positive:
        raise ValueError(
            "On dask data a LinearRegression initial estimator needs "
            "positive=False (least squares on the moments)."
        )
    return _least_squares(*_raw_products(moments, estimator.fit_intercept))


def initial_coef_from_moments(estimator, moments, fit_intercept):
    """The initial estimator's ``coef_`` fitted on the rows of ``moments``.

    Parameters
    ----------
    estimator : regressor or None
        The (unfitted) ``initial_estimator`` of the adaptive lasso; it is not
        modified. One of: skreg's or scikit-learn's ``Ridge`` (a fixed scalar
        alpha: ``(X'WX + alpha diag(pf)) w = X'Wy`` on the user's weights,
        centred with ``fit_intercept``), skreg's ``Lasso`` or ``ElasticNet``
        (the Gram-mode solver on the statistics design, as their own dask
        fit), or scikit-learn's ``LinearRegression`` (least squares, the
        minimum-norm solution when ``X'WX`` is singular). Each uses its own
        ``fit_intercept``.
    moments : Moments
        Of the rows to fit on (all the data, or a fold's training rows).
    fit_intercept : bool
        The adaptive lasso's; unused (kept for the default, which cannot be
        fitted from moments, see Raises).

    Returns
    -------
    coef : ndarray of shape (n_features,), float64

    Raises
    ------
    ValueError
        For ``None`` (the default ridge is tuned by leave-one-out, whose
        per-row leverages the moments do not hold: ``AdaptiveLasso`` fits it
        by RidgeCV's own passes instead, ``AdaptiveLassoCV`` refuses it per
        fold) and for any other estimator; the message lists those that can
        be fitted.
    """
    from sklearn.linear_model import LinearRegression
    from sklearn.linear_model import Ridge as SklearnRidge

    from .._estimators.elastic_net import ElasticNet
    from .._estimators.ridge import Ridge

    n_features = moments.x_mean.size
    if estimator is None:
        raise ValueError(
            "On dask data AdaptiveLassoCV's initial_estimator=None (a ridge "
            "tuned by leave-one-out on every fold's training rows, which needs "
            "each row's leverage: a pass per fold) is not supported; pass an "
            "initial_estimator that can be fitted "
            f"from the one pass's statistics: {_FROM_MOMENTS}. For instance "
            "skreg.Ridge(alpha=1.0)."
        )
    if isinstance(estimator, (Ridge, SklearnRidge)):
        coef = _ridge_coef(estimator, moments, n_features)
    elif isinstance(estimator, ElasticNet):
        design = design_of(moments, estimator.fit_intercept)
        penalty_factor = check_penalty_factor(estimator.penalty_factor, n_features)
        coef = _solve(
            estimator, design, estimator.alpha, estimator.l1_ratio, penalty_factor
        )[0]
    elif type(estimator) is LinearRegression:
        coef = _linear_regression_coef(estimator, moments)
    else:
        raise ValueError(
            "On dask data the initial estimator is fitted from the one pass's "
            f"statistics, so it must be {_FROM_MOMENTS}; got "
            f"{type(estimator).__name__}. Compute X to use another estimator."
        )
    coef = np.asarray(coef, dtype=np.float64).reshape(n_features)
    if not np.isfinite(coef).all():
        raise ValueError(
            "initial_estimator's coef_ contains NaN or inf; adaptive weights "
            "need finite initial coefficients."
        )
    return coef


def _default_initial_coef(estimator, data):
    """The default initial estimator on dask: the ridge that the NumPy fit
    uses (25 alphas, tuned by efficient leave-one-out), fitted by skreg's
    RidgeCV on dask: two more passes over the data (the statistics, then
    each row's leverage on the workers)."""
    from .._estimators.adaptive import DEFAULT_RIDGE_ALPHAS
    from .._estimators.ridge_cv import RidgeCV

    ridge = RidgeCV(alphas=DEFAULT_RIDGE_ALPHAS, fit_intercept=estimator.fit_intercept)
    ridge.fit(data.X, data.y, sample_weight=data.sample_weight)
    return np.asarray(ridge.coef_, dtype=np.float64)


def _check_precompute(estimator):
    if not isinstance(estimator.precompute, (bool, str, np.bool_)):
        raise ValueError(
            "On dask data X'X comes out of the one pass: precompute must be a "
            "bool (ignored) or 'auto', not a Gram matrix."
        )


def fit_adaptive_lasso(estimator, X, y, sample_weight):
    """``AdaptiveLasso.fit`` on dask data."""
    from .._estimators.adaptive import adaptive_weights

    _check_precompute(estimator)
    data = dask_inputs(estimator, X, y, sample_weight)
    (moments,) = fold_moments(data.X, data.y, data.sample_weight, [0, data.n_samples])
    if estimator.initial_estimator is None:
        initial_coef = _default_initial_coef(estimator, data)
    else:
        initial_coef = initial_coef_from_moments(
            estimator.initial_estimator, moments, estimator.fit_intercept
        )
    weights = adaptive_weights(initial_coef, estimator.gamma)
    design = design_of(
        moments, estimator.fit_intercept, weighted=data.sample_weight is not None
    )
    coef_init = None
    if estimator.warm_start and getattr(estimator, "coef_", np.empty(0)).shape == (
        initial_coef.size,
    ):
        coef_init = np.asarray(estimator.coef_, dtype=np.float64)
    coef, intercept, gap, n_iter = _solve(
        estimator, design, estimator.alpha, 1.0, weights, coef_init
    )
    fitted = (coef[np.newaxis], np.atleast_1d(intercept), [gap], [n_iter], design)
    estimator._set_fit(initial_coef, weights, fitted, np.float64, estimator.alpha)
    return estimator


def fit_adaptive_lasso_cv(estimator, X, y, sample_weight):
    """``AdaptiveLassoCV.fit`` on dask data: every fold's statistics from the
    one pass, its initial estimator refitted on its training moments."""
    from .._estimators.adaptive import adaptive_weights

    _check_precompute(estimator)
    gammas = estimator._check_gammas()
    data = dask_inputs(estimator, X, y, sample_weight)
    boundaries = fold_boundaries(estimator.cv, data.n_samples)
    folds = fold_moments(data.X, data.y, data.sample_weight, boundaries)
    total = _total(folds)
    initial_coef = initial_coef_from_moments(
        estimator.initial_estimator, total, estimator.fit_intercept
    )
    weights = np.array([adaptive_weights(initial_coef, g) for g in gammas])
    design = design_of(
        total, estimator.fit_intercept, weighted=data.sample_weight is not None
    )
    alphas = estimator._alpha_grids(design, weights)
    fold_coefs = [
        initial_coef_from_moments(
            estimator.initial_estimator, without(total, fold), estimator.fit_intercept
        )
        for fold in folds
    ]
    mse_paths = np.array(
        [
            [
                _fold_path_mse(
                    estimator, total, fold, grid, 1.0, adaptive_weights(coef, gamma)
                )
                for fold, coef in zip(folds, fold_coefs)
            ]
            for gamma, grid in zip(gammas, alphas)
        ]
    )
    grid = estimator._set_choice(alphas, mse_paths, gammas)
    coef, intercept, gap, n_iter = _solve(
        estimator, design, estimator.alpha_, 1.0, weights[grid]
    )
    fitted = (coef[np.newaxis], np.atleast_1d(intercept), [gap], [n_iter], design)
    estimator._set_fit(
        initial_coef, weights[grid], fitted, np.float64, estimator.alpha_
    )
    return estimator
