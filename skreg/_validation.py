"""Input checks shared by every skreg estimator.

scikit-learn's own validation (``validate_data``, ``_check_sample_weight``,
``_parameter_constraints``) does the generic work; this module only adds what is
specific to skreg: the per-coefficient ``penalty_factor``.
"""

import numbers
from numbers import Real

import numpy as np
from sklearn.utils import check_scalar


def check_penalty_factor(penalty_factor, n_features, *, allow_inf=True):
    """Validate ``penalty_factor`` and return it as a new float64 array.

    Parameters
    ----------
    penalty_factor : array-like of shape (n_features,) or None
        Non-negative multiplier of the penalty for each coefficient. ``None``
        means 1 for every coefficient. 0 leaves a coefficient unpenalized;
        ``np.inf`` (when ``allow_inf``) excludes its feature from the model.
    n_features : int
        Number of features the factors must match.
    allow_inf : bool, default=True
        Whether ``np.inf`` entries are accepted.

    Returns
    -------
    penalty_factor : ndarray of shape (n_features,), dtype float64
        A fresh array: the caller's input is never aliased or modified.

    Raises
    ------
    TypeError
        If ``penalty_factor`` is not numeric.
    ValueError
        If it has the wrong shape or a NaN, negative or (when not allowed)
        infinite entry.
    """
    if penalty_factor is None:
        return np.ones(n_features, dtype=np.float64)
    if isinstance(penalty_factor, (str, bytes)) or isinstance(
        penalty_factor, numbers.Number
    ):
        raise TypeError(
            "penalty_factor must be an array-like of shape (n_features,) = "
            f"({n_features},) with non-negative numbers, got {penalty_factor!r}."
        )
    try:
        factors = np.array(penalty_factor, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "penalty_factor must contain numbers only; could not convert "
            f"{penalty_factor!r} to float."
        ) from exc
    if factors.ndim != 1:
        raise ValueError(
            "penalty_factor must be a 1-D array of shape (n_features,) = "
            f"({n_features},), got an array of shape {factors.shape}."
        )
    if factors.shape[0] != n_features:
        raise ValueError(
            f"penalty_factor has {factors.shape[0]} entries but X has "
            f"{n_features} features; pass one factor per feature."
        )
    if np.isnan(factors).any():
        raise ValueError("penalty_factor must not contain NaN.")
    if (factors < 0).any():
        raise ValueError(
            "penalty_factor must be non-negative; got negative entries at "
            f"positions {np.flatnonzero(factors < 0).tolist()}."
        )
    if not allow_inf and np.isinf(factors).any():
        raise ValueError("penalty_factor must be finite for this estimator.")
    return factors


def check_alphas(alphas, n_grids):
    """Validate a user-given list of alphas; return it sorted, one row per grid.

    Parameters
    ----------
    alphas : array-like of float
        Non-negative penalty strengths.
    n_grids : int
        Number of grids sharing these alphas (one per ``l1_ratio`` or
        ``gamma``).

    Returns
    -------
    alphas : ndarray of shape (n_grids, n_alphas)
        Decreasing alphas, repeated for every grid.
    """
    for index, alpha in enumerate(alphas):
        check_scalar(
            alpha, f"alphas[{index}]", Real, min_val=0.0, include_boundaries="left"
        )
    return np.tile(np.sort(alphas)[::-1], (n_grids, 1))
