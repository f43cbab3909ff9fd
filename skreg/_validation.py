"""Input checks shared by every skreg estimator.

scikit-learn's own validation (``validate_data``, ``_check_sample_weight``,
``_parameter_constraints``) does the generic work; this module only adds what is
specific to skreg: the per-coefficient ``penalty_factor``, sample weights on
skreg's scales, warm starts.
"""

import numbers
from numbers import Real

import numpy as np
from sklearn.utils import check_scalar, column_or_1d
from sklearn.utils.validation import (
    _check_sample_weight,
    _get_feature_names,
    check_array,
    check_consistent_length,
    validate_data,
)


def check_sample_weight(sample_weight, X, *, rescale):
    """Validate ``sample_weight`` for ``X``; return float64 weights or None.

    Parameters
    ----------
    sample_weight : float, array-like of shape (n_samples,) or None
        Non-negative, finite weights with a positive sum; a scalar gives
        every sample that weight.
    X : array-like of shape (n_samples, n_features)
        The data the weights go with.
    rescale : bool
        Rescale the weights to sum to ``n_samples`` (the coordinate-descent
        estimators' objective is invariant to a common factor, and this makes
        ``alpha`` mean what it means without weights); a scalar is then
        returned as None, no weights. Without ``rescale`` (ridge, whose
        penalty is not divided by the weights' sum), they are kept as given.

    Returns
    -------
    sample_weight : ndarray of shape (n_samples,) or None

    Raises
    ------
    ValueError
        For a NaN, infinite or negative weight, a zero sum, or a wrong length.
    """
    if sample_weight is None:
        return None
    scalar = isinstance(sample_weight, numbers.Number)
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=np.float64, ensure_non_negative=True
    )
    if not np.isfinite(sample_weight).all():
        raise ValueError("sample_weight must be finite (no NaN or inf).")
    total = sample_weight.sum()
    if not total > 0:
        raise ValueError("sample_weight must have a positive sum.")
    if not rescale:
        return sample_weight
    if scalar:
        return None
    return sample_weight * (X.shape[0] / total)


def check_coef_init(coef_init, shape):
    """Validate a warm start: an array of ``shape`` with finite entries."""
    coef_init = np.array(coef_init, dtype=np.float64)
    if coef_init.size == int(np.prod(shape)) and len(shape) == 1:
        coef_init = coef_init.ravel()
    if coef_init.shape != tuple(shape):
        raise ValueError(
            f"coef_init must have shape {tuple(shape)}, got {coef_init.shape}."
        )
    if not np.isfinite(coef_init).all():
        raise ValueError("coef_init must be finite (no NaN or inf).")
    return coef_init


def check_float_input(X, y):
    """With ``check_input=False``: the float arrays the solvers need, or an error.

    Only the dtype is checked (no pass over the data): anything else would
    silently give a wrong answer, such as integer coefficients.
    """
    for name, array in (("X", X), ("y", y)):
        dtype = getattr(array, "dtype", None)
        if dtype not in (np.float32, np.float64):
            raise ValueError(
                f"check_input=False needs {name} as a float32 or float64 array; "
                f"got {dtype if dtype is not None else type(array).__name__}. "
                "Pass check_input=True to convert it."
            )


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


def check_nonnegative(values, name, *, strictly=False):
    """Validate a number or a list of numbers (alphas, gammas); the one checker.

    Parameters
    ----------
    values : float or array-like of float
        The numbers, each ``>= 0`` (``> 0`` with ``strictly``), finite.
    name : str
        The parameter's name; an entry is named ``name[i]`` in errors.
    strictly : bool, default=False
        Whether 0 is excluded.

    Returns
    -------
    values : ndarray of shape (n_values,), float64

    Raises
    ------
    TypeError, ValueError
        Naming the parameter (or the entry) and what was expected.
    """
    raw = np.ravel(np.asarray(values, dtype=object))
    if raw.size == 0:
        raise ValueError(f"{name} must not be empty.")
    names = (
        [name] if np.ndim(values) == 0 else [f"{name}[{i}]" for i in range(raw.size)]
    )
    bound = "neither" if strictly else "left"
    checked = np.array(
        [
            check_scalar(value, entry, Real, min_val=0.0, include_boundaries=bound)
            for value, entry in zip(raw, names)
        ],
        dtype=np.float64,
    )
    bad = ~np.isfinite(checked)
    if bad.any():
        entry = names[int(np.flatnonzero(bad)[0])]
        raise ValueError(f"{entry} must be a finite number, got {raw[bad][0]!r}.")
    return checked


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
    alphas = check_nonnegative(alphas, "alphas")
    return np.tile(np.sort(alphas)[::-1], (n_grids, 1))


def validate_single_target(estimator, X, y, *, order=None, ensure_all_finite=True):
    """``validate_data`` for estimators that fit one target.

    X becomes float32/float64, dense (in ``order``) or CSC; y a 1-D array of
    X's dtype. A y with several columns gets a ValueError naming the estimator.

    Returns
    -------
    X, y : validated arrays
    """
    X, y = validate_data(
        estimator,
        X,
        y,
        validate_separately=(
            {
                "accept_sparse": "csc",
                "dtype": [np.float64, np.float32],
                "order": order,
                "accept_large_sparse": False,
                "ensure_all_finite": ensure_all_finite,
            },
            {"dtype": [np.float64, np.float32], "ensure_2d": False},
        ),
    )
    check_consistent_length(X, y)
    if y.ndim > 1 and y.shape[1] > 1:
        raise ValueError(
            f"{type(estimator).__name__} fits one target; y has shape {y.shape}. "
            "Fit one estimator per target instead."
        )
    return X, column_or_1d(y, warn=True).astype(X.dtype, copy=False)


def check_path_arrays(alphas, coef_path, n_features):
    """A path given by the user: decreasing alphas >= 0, one column each."""
    alphas = np.asarray(alphas, dtype=np.float64).ravel()
    coef_path = np.asarray(coef_path, dtype=np.float64)
    if alphas.size == 0 or np.any(np.diff(alphas) > 0) or np.any(alphas < 0):
        raise ValueError("alphas must be a non-empty, decreasing array of alphas >= 0.")
    if coef_path.shape != (n_features, alphas.size):
        raise ValueError(
            f"coef_path must have shape (n_features, n_alphas) = "
            f"({n_features}, {alphas.size}), got {coef_path.shape}."
        )
    return alphas, coef_path


def check_explanation_data(X, y, sample_weight, penalty_factor, feature_names):
    """The data an explanation is built from (feature names taken from X)."""
    if feature_names is None:
        feature_names = _get_feature_names(X)
    X = check_array(X, accept_sparse=("csr", "csc"), dtype=np.float64, input_name="X")
    y = column_or_1d(check_array(y, ensure_2d=False, dtype=np.float64, input_name="y"))
    check_consistent_length(X, y)
    sample_weight = check_sample_weight(sample_weight, X, rescale=True)
    penalty_factor = check_penalty_factor(penalty_factor, X.shape[1])
    if feature_names is not None:
        feature_names = np.asarray(feature_names, dtype=object)
        if feature_names.shape != (X.shape[1],):
            raise ValueError(
                f"feature_names must have one name per column of X ({X.shape[1]}), "
                f"got shape {feature_names.shape}."
            )
    return X, y, sample_weight, penalty_factor, feature_names
