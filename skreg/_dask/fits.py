"""Estimators' fits on dask data: the one-pass statistics, then the client's solve.

Each function takes a validated estimator (its parameters checked by its own
``fit``) and dask data, reduces the data to :class:`Moments` in one pass on
the cluster, and fits on the statistics design exactly as on rows: the same
alpha grid, the same Gram-mode solver, the same exact homotopy for explain
mode. Fitted attributes are NumPy.
"""

import numpy as np
from sklearn.model_selection import KFold
from sklearn.utils import check_random_state

from .._validation import check_penalty_factor
from .inputs import dask_inputs
from .moments import design_of, held_out_mse, merge, without
from .reduction import fold_moments


def fold_boundaries(cv, n_samples):
    """The first rows of the folds of ``cv`` (and the end), rows in order.

    The folds come out of the same pass as the totals, so they must be
    contiguous runs of rows: ``cv`` an int or an unshuffled ``KFold``.
    """
    if cv is None:
        cv = 5
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        cv = KFold(int(cv))
    if not isinstance(cv, KFold) or cv.shuffle:
        raise ValueError(
            "On dask data cv must be an int or an unshuffled KFold: the folds' "
            "statistics come out of the one pass over X (contiguous rows). "
            f"Got {cv!r}. Shuffle the rows of X beforehand instead (e.g. "
            "dask's X[permutation]), or compute X to use another splitter."
        )
    if cv.n_splits > n_samples:
        raise ValueError(
            f"Cannot have number of splits n_splits={cv.n_splits} greater than "
            f"the number of samples: n_samples={n_samples}."
        )
    sizes = np.full(cv.n_splits, n_samples // cv.n_splits, dtype=int)
    sizes[: n_samples % cv.n_splits] += 1  # KFold's sizes, the first ones larger
    return np.concatenate([[0], np.cumsum(sizes)])


def _total(moments):
    total = moments[0]
    for part in moments[1:]:
        total = merge(total, part)
    return total


def _solve(estimator, design, alpha, l1_ratio, penalty_factor, coef_init=None):
    from .._estimators.elastic_net import fit_on_design

    return fit_on_design(
        design,
        design.gram(),
        alpha=alpha,
        l1_ratio=l1_ratio,
        penalty_factor=penalty_factor,
        coef_init=coef_init,
        max_iter=estimator.max_iter,
        tol=estimator.tol,
        positive=estimator.positive,
        random_state=check_random_state(getattr(estimator, "random_state", None)),
        selection=getattr(estimator, "selection", "cyclic"),
    )


def fit_elastic_net(estimator, X, y, sample_weight):
    """``Lasso`` / ``ElasticNet.fit`` on dask data."""
    data = dask_inputs(estimator, X, y, sample_weight)
    penalty_factor = check_penalty_factor(estimator.penalty_factor, X.shape[1])
    (moments,) = fold_moments(data.X, data.y, data.sample_weight, [0, data.n_samples])
    design = design_of(
        moments, estimator.fit_intercept, weighted=data.sample_weight is not None
    )
    coef_init = None
    if estimator.warm_start and hasattr(estimator, "coef_"):
        coef_init = np.ravel(estimator.coef_)
    coef, intercept, gap, n_iter = _solve(
        estimator,
        design,
        estimator.alpha,
        estimator.l1_ratio,
        penalty_factor,
        coef_init,
    )
    estimator._set_fitted(
        coef[np.newaxis], np.atleast_1d(intercept), np.atleast_1d(gap), [n_iter],
        1, np.float64,
    )  # fmt: skip
    if estimator.explain:
        estimator._set_explanation(design, penalty_factor)
    return estimator


def fit_path_cv(estimator, X, y, sample_weight, **params):
    """``LassoCV`` / ``ElasticNetCV.fit`` on dask data: the folds' statistics
    from the same pass, each fold's test error a quadratic form in them."""
    if params:
        raise ValueError(
            f"On dask data the folds are fixed by cv; got fit parameters "
            f"{sorted(params)} for the splitter."
        )
    data = dask_inputs(estimator, X, y, sample_weight)
    penalty_factor = check_penalty_factor(estimator.penalty_factor, X.shape[1])
    boundaries = fold_boundaries(estimator.cv, data.n_samples)
    folds = fold_moments(data.X, data.y, data.sample_weight, boundaries)
    total = _total(folds)
    design = design_of(
        total, estimator.fit_intercept, weighted=data.sample_weight is not None
    )
    l1_ratios = estimator._l1_ratios()
    alphas = estimator._alpha_grids(design, penalty_factor, l1_ratios)
    mse_paths = np.array(
        [
            [
                _fold_path_mse(estimator, total, fold, grid, l1_ratio, penalty_factor)
                for fold in folds
            ]
            for l1_ratio, grid in zip(l1_ratios, alphas)
        ]
    )
    estimator._set_choice(alphas, mse_paths, l1_ratios, np.float64)
    coef, intercept, gap, n_iter = _solve(
        estimator, design, estimator.alpha_, estimator.l1_ratio_, penalty_factor
    )
    fitted = (coef[np.newaxis], np.atleast_1d(intercept), [gap], [n_iter], design)
    estimator._set_refit(fitted, penalty_factor, np.float64)
    return estimator


def _fold_path_mse(estimator, total, fold, alphas, l1_ratio, penalty_factor):
    """The test error of one fold along the path fitted on the others."""
    from .._path.driver import solve_path

    design = design_of(without(total, fold), estimator.fit_intercept)
    coefs, _, _ = solve_path(
        design,
        alphas,
        penalty_factor,
        l1_ratio=l1_ratio,
        positive=estimator.positive,
        tol=estimator.tol,
        max_iter=estimator.max_iter,
        gram=design.gram(),
    )
    intercepts = design.y_offset - design.X_offset @ coefs
    if not estimator.fit_intercept:
        intercepts = np.zeros(alphas.size)
    return held_out_mse(fold, coefs, intercepts)


def predict(estimator, X):
    """``X @ coef_ + intercept_`` as a lazy dask array (one value per row)."""
    from .inputs import check_dask_features

    X = check_dask_features(estimator, X)
    coef = np.asarray(estimator.coef_, dtype=np.float64)
    return X.astype(np.float64) @ coef + estimator.intercept_
