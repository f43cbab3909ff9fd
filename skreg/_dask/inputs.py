"""Recognizing dask inputs and bringing them to row-chunked dask arrays.

dask is an optional dependency: nothing here imports it unless the user
passed a dask collection, which means dask is already imported.
"""

import sys
from typing import NamedTuple

import numpy as np


def is_dask(*values):
    """Whether any of ``values`` is a dask collection (array, DataFrame, ...)."""
    if "dask" not in sys.modules:
        return False
    from dask import is_dask_collection

    return any(is_dask_collection(value) for value in values)


class DaskData(NamedTuple):
    """X, y and the weights as dask arrays chunked along the same rows."""

    X: object
    y: object
    sample_weight: object
    n_samples: int
    feature_names: object


def _as_array(value, name, lengths=True):
    """A dask array of ``value``; ``lengths`` as dask's ``to_dask_array``
    (True computes unknown partition lengths, None leaves them unknown)."""
    import dask.array as da
    import dask.dataframe as dd

    if isinstance(value, (dd.DataFrame, dd.Series)):
        return value.to_dask_array(lengths=lengths)
    if isinstance(value, da.Array):
        return value
    raise TypeError(
        f"{name} must be a dask array or DataFrame (or NumPy for y and "
        f"sample_weight), got {type(value).__name__}."
    )


def _along(value, rows, name, n_samples):
    """``value`` (NumPy or dask, 1-D) chunked as the rows of X."""
    import dask.array as da

    if is_dask(value):
        value = _as_array(value, name)
    else:
        value = np.asarray(value, dtype=np.float64)
    if value.ndim == 2 and value.shape[1] == 1:
        value = value[:, 0]
    if value.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D on dask data (one target), got shape {value.shape}."
        )
    if value.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {value.shape[0]} rows, X has {n_samples}: they must match."
        )
    if isinstance(value, np.ndarray):
        return da.from_array(value, chunks=(rows,))
    return value.rechunk({0: rows})


def dask_inputs(estimator, X, y, sample_weight=None):
    """Check dask ``X`` (and ``y``, ``sample_weight``) and record the features.

    Sets ``n_features_in_`` and, for a DataFrame with string column names,
    ``feature_names_in_`` on the estimator, as ``validate_data`` does.

    Returns
    -------
    DaskData
    """
    import dask.dataframe as dd

    names = None
    if isinstance(X, dd.DataFrame):
        from pandas.api.types import is_bool_dtype, is_numeric_dtype

        numeric = [is_numeric_dtype(t) and not is_bool_dtype(t) for t in X.dtypes]
        if not all(numeric):
            raise ValueError(
                "X has non-numeric columns: encode them first (e.g. "
                "dask_ml.preprocessing.DummyEncoder or a categorize + "
                "get_dummies)."
            )
        columns = list(X.columns)
        if all(isinstance(column, str) for column in columns):
            names = np.asarray(columns, dtype=object)
    X = _as_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D, got shape {X.shape}.")
    if not np.issubdtype(X.dtype, np.number):
        raise ValueError(f"X must be numeric, got dtype {X.dtype}.")
    X = X.rechunk({1: -1})  # whole rows in each block
    n_samples, n_features = X.shape
    rows = X.chunks[0]
    y = _along(y, rows, "y", n_samples)
    if np.ndim(sample_weight) == 0 and not is_dask(sample_weight):
        if sample_weight is not None and not float(sample_weight) > 0:
            raise ValueError(f"sample_weight must be positive, got {sample_weight!r}.")
        sample_weight = None  # a common weight changes nothing
    if sample_weight is not None:
        sample_weight = _along(sample_weight, rows, "sample_weight", n_samples)
    estimator.n_features_in_ = n_features
    if names is not None:
        estimator.feature_names_in_ = names
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return DaskData(X, y, sample_weight, n_samples, names)


def check_dask_features(estimator, X):
    """``X`` at predict time: the features the estimator was fitted on."""
    import dask.dataframe as dd

    if isinstance(X, dd.DataFrame):
        names = getattr(estimator, "feature_names_in_", None)
        if names is not None and list(X.columns) != list(names):
            raise ValueError(
                "The feature names should match those that were passed during fit."
            )
    X = _as_array(X, "X", lengths=None).rechunk({1: -1})
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )
    return X
