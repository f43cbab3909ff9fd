"""Explain mode for the estimators: homotopy when it is exact, else bisection.

The lasso path is piecewise linear and the homotopy (:mod:`skreg._homotopy`)
computes its knots exactly. The elastic-net path is not, and the homotopy can
become numerically unsafe (ties between collinear features); then the path is
computed by coordinate descent on a grid and every change of the active set
between two grid points is located by bisection on alpha, to a relative
precision of ``rtol``, with the KKT numbers measured at the located alpha.
"""

import numpy as np

from .._path.design import make_design
from .._path.driver import solve_path
from .._path.grid import alpha_max
from .explanation import COORDINATE_DESCENT_METHOD, PathExplanation, explain_lasso_path

_GRID_POINTS = 100
_BISECTION_RTOL = 1e-6
_SOLVER_TOL = 1e-12
_MAX_EPOCHS = 100_000


def explain_fit(
    X,
    y,
    *,
    alpha,
    l1_ratio,
    penalty_factor,
    sample_weight,
    fit_intercept,
    positive,
    feature_names,
):
    """The :class:`PathExplanation` of a fit, from alpha_max down to ``alpha``.

    Parameters
    ----------
    X, y : validated arrays (dense or CSC sparse ``X``, 1-D ``y``)
        The training data.
    alpha : float
        The fitted penalty: where the explained path ends.
    l1_ratio : float
        1 for the lasso (exact homotopy); below 1, coordinate descent with
        events located by bisection.
    penalty_factor : ndarray of shape (n_features,)
        Validated per-feature factors.
    sample_weight : ndarray of shape (n_samples,) or None
        Sample weights (rescaled to sum to ``n_samples``).
    fit_intercept, positive : bool
        As in the estimator.
    feature_names : array-like of str or None
        Column names, used in the explanation's text.

    Returns
    -------
    PathExplanation
    """
    common = dict(
        penalty_factor=penalty_factor,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        positive=positive,
        feature_names=feature_names,
    )
    if l1_ratio == 1.0:
        explanation = explain_lasso_path(X, y, alpha_min=alpha, **common)
        if explanation.safe:
            return explanation
        note = (
            f"The exact homotopy was not used: {explanation.note} The path was "
            "computed by coordinate descent instead, with events located by "
            f"bisection to a relative precision of {_BISECTION_RTOL:g}."
        )
    else:
        note = (
            f"Elastic net (l1_ratio={l1_ratio:g}): the path is not piecewise "
            "linear, so events were located by bisection on coordinate-descent "
            f"solutions to a relative precision of {_BISECTION_RTOL:g}. A "
            "coefficient is zero while |x_j' r| / n <= alpha * l1_ratio * pf_j; "
            "the penalty column and `penalty_factor` here include l1_ratio."
        )
    return _explain_by_bisection(X, y, alpha, l1_ratio, note=note, **common)


class _PathSolver:
    """Solutions of the weighted elastic net at any alpha, warm-started."""

    def __init__(
        self, X, y, penalty_factor, l1_ratio, sample_weight, fit_intercept, positive
    ):
        self.design = make_design(X, y, sample_weight, fit_intercept)
        self.penalty_factor = penalty_factor
        self.l1_ratio = l1_ratio
        self.positive = positive

    def alpha_max(self):
        return alpha_max(self.design, self.penalty_factor, self.l1_ratio, self.positive)

    def solve(self, alphas, coef_init=None):
        coefs, _, _ = solve_path(
            self.design,
            np.atleast_1d(alphas),
            self.penalty_factor,
            l1_ratio=self.l1_ratio,
            positive=self.positive,
            coef_init=coef_init,
            tol=_SOLVER_TOL,
            max_iter=_MAX_EPOCHS,
            # The bisection tells zero from nonzero by the coefficients: a
            # warm start within tol still gets its epochs, which settle
            # coefficients too small for the gap to resolve.
            check_warm_start=False,
        )
        return coefs

    def correlations(self, coef):
        """``|z_j' r| / n`` for every feature at ``coef``."""
        residual = self.design.residual(coef)
        return self.design.correlations(residual) / self.design.n_samples


def _explain_by_bisection(
    X,
    y,
    alpha,
    l1_ratio,
    *,
    note,
    penalty_factor,
    sample_weight,
    fit_intercept,
    positive,
    feature_names,
):
    solver = _PathSolver(
        X, y, penalty_factor, l1_ratio, sample_weight, fit_intercept, positive
    )
    top = max(solver.alpha_max(), alpha)
    grid = (
        np.geomspace(top, alpha, _GRID_POINTS)
        if top > alpha > 0
        else np.array([top, alpha])
    )
    grid = np.unique(grid)[::-1]
    coefs = solver.solve(grid)
    points = {a: coefs[:, k] for k, a in enumerate(grid)}
    events = []
    for k in range(1, grid.size):
        before, after = coefs[:, k - 1] != 0, coefs[:, k] != 0
        changed = np.flatnonzero(before != after)
        for j in changed:
            events.append(
                _locate(solver, j, grid[k - 1], grid[k], coefs[:, k - 1], points)
            )
    events.sort(key=lambda event: -event[0])
    alphas = np.array(sorted(points, reverse=True))
    coef_path = np.column_stack([points[a] for a in alphas])
    factors = np.where(np.isfinite(penalty_factor), penalty_factor * l1_ratio, np.inf)
    return PathExplanation(
        X,
        y,
        alphas=alphas,
        coef_path=coef_path,
        events=events,
        penalty_factor=factors,
        sample_weight=sample_weight,
        fit_intercept=fit_intercept,
        positive=positive,
        feature_names=feature_names,
        method=COORDINATE_DESCENT_METHOD,
        note=note,
    )


def _locate(solver, feature, high, low, coef_high, points):
    """Bisect ``[low, high]`` for the alpha where ``feature`` changes state.

    Returns the event as ``(alpha, feature, event, sign, correlation, penalty)``
    with the KKT numbers measured at the located alpha.
    """
    was_active = coef_high[feature] != 0
    warm = coef_high
    # An interval ending at alpha = 0 (least squares) is not bisected.
    while low > 0 and (high - low) > _BISECTION_RTOL * high:
        middle = np.sqrt(high * low)
        coef_middle = solver.solve(middle, coef_init=warm)[:, 0]
        points[middle] = coef_middle
        if (coef_middle[feature] != 0) == was_active:
            high, warm = middle, coef_middle
        else:
            low = middle
    located = np.sqrt(high * low)
    coef = solver.solve(located, coef_init=warm)[:, 0]
    points[located] = coef
    side = points[high] if was_active else points[low]
    sign = int(np.sign(side[feature])) or 1
    correlation = abs(solver.correlations(coef)[feature])
    penalty = located * solver.l1_ratio * solver.penalty_factor[feature]
    return (
        located,
        int(feature),
        "exit" if was_active else "enter",
        sign,
        float(correlation),
        float(penalty),
    )
