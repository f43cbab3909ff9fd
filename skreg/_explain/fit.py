"""Explain mode of the estimators: homotopy when it is exact, else bisection.

The explanation is a product of the fit: it reads the fit's own design (no
second validation, no copy of X) and the path layer's events.
"""

import numpy as np

from .._path.bisection import _BISECTION_RTOL, bisection_path
from .._path.grid import alpha_max
from .._path.ties import carriers_only, find_ties, split_ties, tie_shares
from .explanation import COORDINATE_DESCENT_METHOD, PathExplanation
from .lasso_path import homotopy_explanation


def explain_fit(
    design, *, alpha, l1_ratio, penalty_factor, positive, feature_names, coef=None
):
    """The :class:`PathExplanation` of a fit, from alpha_max down to ``alpha``.

    Parameters
    ----------
    design : Design
        The design of the fit (:func:`skreg._path.design.make_design`).
    alpha : float
        The fitted penalty: where the explained path ends.
    l1_ratio : float
        1 for the lasso (exact homotopy); below 1, coordinate descent with
        events located by bisection.
    penalty_factor : ndarray of shape (n_features,)
        Validated per-feature factors.
    positive : bool
        As in the estimator.
    feature_names : array-like of str or None
        Column names, used in the explanation's text.
    coef : ndarray of shape (n_features,), default=None
        The fit's ``coef_``. The report then counts the features in the
        model from it (``fitted_coef``), and the path splits tied columns
        as it does.

    Returns
    -------
    PathExplanation
        Its path ends at ``alpha``. A fit at or above ``alpha_max`` (every
        penalized coefficient zero) is explained at ``alpha`` itself: one
        point, no event, and a note that says why.
    """
    if coef is not None:
        coef = np.asarray(coef, dtype=np.float64).reshape(-1)
    explanation = _explain_path(
        design,
        alpha=alpha,
        l1_ratio=l1_ratio,
        penalty_factor=penalty_factor,
        positive=positive,
        feature_names=feature_names,
        coef=coef,
    )
    explanation.l1_ratio = float(l1_ratio)
    top = alpha_max(design, penalty_factor, l1_ratio=l1_ratio, positive=positive)
    reason = _why_nothing_enters(design, penalty_factor, positive, top)
    if reason is not None:
        explanation._told_at_the_fitted_alpha(float(alpha), reason, degenerate=True)
    elif alpha >= top:
        explanation._told_at_the_fitted_alpha(
            float(alpha),
            f"alpha = {alpha:.6g} is at or above alpha_max = {top:.6g}, the "
            "largest alpha at which a penalized feature's correlation with the "
            "residual can reach its penalty: every penalized coefficient is "
            "zero, as at any larger alpha.",
        )
    return explanation


def _why_nothing_enters(design, penalty_factor, positive, top):
    """Why no penalized feature enters at any alpha, or None when one can.

    ``alpha_max`` (``top``) alone cannot tell: where nothing can enter it is
    often rounding noise (1e-16) rather than 0.
    """
    usable = np.isfinite(penalty_factor) & design.nonconstant
    penalized = usable & (penalty_factor > 0)
    if usable.any() and not penalized.any():
        return (
            "Every feature that can enter is unpenalized (penalty_factor = 0): "
            "the fit is least squares at every alpha, and no penalty decides "
            "anything."
        )
    if not penalized.any():
        return (
            "Every coefficient is zero at every alpha because no feature can "
            "enter: every column is constant"
            + (" (after centring)" if design.fit_intercept else "")
            + " or excluded (penalty_factor = inf)."
        )
    if design.yy == 0.0:
        return (
            "Every coefficient is zero at every alpha because y is constant"
            + (" (after centring)" if design.fit_intercept else "")
            + ": there is nothing to explain."
        )
    unpenalized = np.flatnonzero(usable & (penalty_factor == 0))
    _, correlations, RR = design.unpenalized_fit(unpenalized, positive)
    if unpenalized.size and RR <= 1e-20 * design.yy:
        return (
            "Every penalized coefficient is zero at every alpha because the "
            "unpenalized features fit y exactly: nothing is left for the others "
            "to explain."
        )
    if positive and np.all(correlations[penalized] <= 0):
        return (
            "Every coefficient is zero at every alpha because positive=True and "
            "no feature correlates positively with the residual: a coefficient "
            "could only enter with a negative sign."
        )
    if top == 0.0:
        return "Every penalized coefficient is zero at every alpha (alpha_max = 0)."
    return None


def _explain_path(
    design, *, alpha, l1_ratio, penalty_factor, positive, feature_names, coef
):
    """The path from alpha_max down to ``alpha``: homotopy, else bisection.

    Tied columns (:mod:`skreg._path.ties`) change state as one group. For
    the lasso only the group's carrier is solved for and the path splits it
    afterwards, as the homotopy does; the elastic net's ridge part decides
    the split itself, so its path is solved on every column.
    """
    ties = find_ties(design, penalty_factor, positive)
    if l1_ratio == 1.0:
        explanation = homotopy_explanation(
            design,
            penalty_factor,
            alpha_min=float(alpha),
            positive=positive,
            feature_names=feature_names,
            coef=coef,
            ties=ties,
        )
        if explanation.safe:
            return explanation
        note = (
            f"The exact homotopy was not used: {explanation.note} The path was "
            "computed by coordinate descent instead, with events located by "
            f"bisection to a relative precision of {_BISECTION_RTOL:g}."
        )
        shares, carriers = tie_shares(ties, coef)
        solved_factors = carriers_only(penalty_factor, ties, carriers)
        groups = ()
    else:
        note = (
            f"Elastic net (l1_ratio={l1_ratio:g}): the path is not piecewise "
            "linear, so events were located by bisection on coordinate-descent "
            f"solutions to a relative precision of {_BISECTION_RTOL:g}. A "
            "coefficient is zero while |x_j' r| / n <= alpha * l1_ratio * pf_j; "
            "the penalty column and `penalty_factor` here include l1_ratio."
        )
        shares, carriers = None, [group.features[0] for group in ties]
        solved_factors = penalty_factor
        groups = [(group.features[0], group.features, group.ratios) for group in ties]
    alphas, coef_path, events = bisection_path(
        design,
        solved_factors,
        alpha=alpha,
        l1_ratio=l1_ratio,
        positive=positive,
        ties=groups,
    )
    if shares is not None:
        coef_path = split_ties(coef_path, ties, shares, carriers)
    factors = np.where(np.isfinite(penalty_factor), penalty_factor * l1_ratio, np.inf)
    return PathExplanation._from_design(
        design,
        alphas=alphas,
        coef_path=coef_path,
        events=events,
        penalty_factor=factors,
        positive=positive,
        feature_names=feature_names,
        method=COORDINATE_DESCENT_METHOD,
        note=note,
        safe=True,
        ties=ties,
        carriers=carriers,
        fitted_coef=coef,
    )
