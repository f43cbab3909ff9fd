"""Building explanations: the exact lasso path of data, or of a fit's design."""

import numbers

import numpy as np

from .._path.design import make_design
from .._path.homotopy import lasso_homotopy
from .._path.ties import carriers_only, find_ties, split_ties, tie_shares
from .._validation import check_explanation_data
from .explanation import PathExplanation


def explain_lasso_path(
    X,
    y,
    *,
    alpha_min=0.0,
    penalty_factor=None,
    sample_weight=None,
    fit_intercept=True,
    positive=False,
    feature_names=None,
):
    """Compute the exact lasso path with its events and explain it.

    Walks the path of

    .. math::

        \\min_{b, \\beta} \\frac{1}{2 \\sum_i s_i} \\sum_i s_i
        (y_i - b - x_i^\\top \\beta)^2 + \\alpha \\sum_j pf_j |\\beta_j|

    knot by knot (LARS-lasso homotopy) from ``alpha_max``, where every
    penalized coefficient is zero, down to ``alpha_min``, recording which
    feature entered or left at each knot and the KKT numbers that decided it.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training data. Sparse matrices are never densified: centering is
        implicit in every product.
    y : array-like of shape (n_samples,)
        Target.
    alpha_min : float, default=0.0
        Smallest alpha of the path (0: the whole path).
    penalty_factor : array-like of shape (n_features,), default=None
        ``pf_j``: 1 for every feature if None; 0 leaves a feature unpenalized
        (in the model from the start); ``np.inf`` excludes it.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights.
    fit_intercept : bool, default=True
        Whether to fit an intercept (the data are then centred, with weights).
    positive : bool, default=False
        Constrain every coefficient to be non-negative.
    feature_names : array-like of str, default=None
        Column names; taken from X when it is a DataFrame.

    Returns
    -------
    explanation : PathExplanation
        With ``method="homotopy"``. If the homotopy became numerically unsafe
        (tied events from collinear features, an entering feature collinear with
        the active ones, too many knots), ``explanation.safe`` is False, the
        path stops at the last exact knot and ``explanation.note`` says why:
        the caller should then compute a coordinate-descent path instead.
        Exactly tied columns (duplicated, negated, or proportional with
        penalty factors in proportion) are walked as one feature and named
        in ``explanation.ties``: the path puts each group's coefficient on
        its first column.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import explain_lasso_path
    >>> data = load_diabetes(as_frame=True)
    >>> explanation = explain_lasso_path(data.data, data.target)
    >>> print(explanation.report().splitlines()[6])
     1. at alpha = 2.14804, bmi entered (+): its correlation with the ...
    """
    X, y, sample_weight, penalty_factor, feature_names = check_explanation_data(
        X, y, sample_weight, penalty_factor, feature_names
    )
    if not (isinstance(alpha_min, numbers.Real) and 0 <= alpha_min < np.inf):
        raise ValueError(f"alpha_min must be a finite number >= 0, got {alpha_min!r}.")
    design = make_design(X, y, sample_weight, fit_intercept)
    return homotopy_explanation(
        design,
        penalty_factor,
        alpha_min=float(alpha_min),
        positive=positive,
        feature_names=feature_names,
    )


def homotopy_explanation(
    design, penalty_factor, *, alpha_min, positive, feature_names, coef=None, ties=None
):
    """The explanation of the exact lasso path on ``design`` (validated input).

    The estimators call it with the design of their own fit; the result says,
    in ``safe`` and ``note``, whether the homotopy reached ``alpha_min``.

    Tied columns (:func:`skreg._path.ties.find_ties`) are walked as one
    feature, their group's *carrier*, the others excluded: one event per
    change of the group and no stall at the tie. The path then splits each
    group's coefficient in the shares of ``coef`` (the fit's ``coef_``, so
    that the path ends where the fit did), or puts it all on the group's
    first column when ``coef`` is None. Every such split is optimal.
    ``ties``, when the caller has found them already, spares finding them.
    """
    if ties is None:
        ties = find_ties(design, penalty_factor, positive)
    shares, carriers = tie_shares(ties, coef)
    walk_factors = carriers_only(penalty_factor, ties, carriers)
    result = lasso_homotopy(
        design,
        walk_factors if ties else penalty_factor,
        alpha_min=alpha_min,
        positive=positive,
    )
    note = None
    if not result.safe:
        note = (
            f"the homotopy stopped at alpha = {result.alphas[-1]:.6g}, before "
            f"alpha_min, because {result.reason}."
        )
    return PathExplanation._from_design(
        design,
        alphas=result.alphas,
        coef_path=split_ties(result.coefs, ties, shares, carriers),
        events=result.events,
        # the members' own means give the intercept of a split path
        intercepts=None if ties else result.intercepts,
        penalty_factor=penalty_factor,
        positive=positive,
        feature_names=feature_names,
        method="homotopy",
        note=note,
        safe=result.safe,
        gram=result.gram,
        gram_features=result.gram_features,
        ties=ties,
        carriers=carriers,
        fitted_coef=coef,
    )
