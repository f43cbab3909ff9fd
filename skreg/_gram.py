"""Choosing and checking the precomputed Gram matrix (``precompute``)."""

import warnings

import numpy as np
from sklearn.utils import check_array


def resolve_gram(design, precompute, Xy=None):
    """Turn ``precompute`` into ``(gram, Zy)`` for the Gram kernel, or None.

    Parameters
    ----------
    design : Design
        The prepared problem.
    precompute : bool, "auto" or array-like of shape (n_features, n_features)
        scikit-learn's parameter: ``"auto"`` uses the Gram matrix when
        ``n_samples > n_features``; an array is the user's ``Z'Z`` of the
        centred, sample-weight-scaled design.
    Xy : array-like of shape (n_features,) or None
        The user's ``Z'y``; computed when None.

    Returns
    -------
    tuple (gram, Zy) or None
    """
    if design.is_sparse or precompute is False:
        return None
    if isinstance(precompute, str):  # "auto"
        if design.X.shape[0] <= design.n_features:
            return None
        return design.gram()
    if precompute is True:
        return design.gram()
    gram = check_array(precompute, dtype=np.float64, order="C")
    n_features = design.n_features
    if gram.shape != (n_features, n_features):
        raise ValueError(
            f"precompute must be a Gram matrix of shape ({n_features}, "
            f"{n_features}), got shape {gram.shape}."
        )
    if not np.allclose(design.means, 0.0):
        warnings.warn(
            "Gram matrix was provided but X was centered to fit intercept: "
            "recomputing Gram matrix.",
            UserWarning,
            stacklevel=3,
        )
        return design.gram()
    _check_gram_element(design, gram)
    if Xy is None:
        Zy = design.Zy.copy()
    else:
        Zy = check_array(Xy, dtype=np.float64, ensure_2d=False).ravel()
    return gram, Zy


def _check_gram_element(design, gram):
    """Compare one entry of the user's Gram matrix with the data's."""
    n_features = design.n_features
    first = n_features // 2
    second = min(first + 1, n_features - 1)
    columns = design.X[:, [first, second]]
    columns = columns.toarray() if hasattr(columns, "toarray") else columns
    z = np.asarray(columns, dtype=np.float64) - np.outer(
        design.v, design.means[[first, second]]
    )
    expected = z[:, 0] @ z[:, 1]
    rtol = 1e-4 if design.X.dtype == np.float32 else 1e-7
    if not np.isclose(expected, gram[first, second], rtol=rtol, atol=1e-5):
        raise ValueError(
            "Gram matrix passed in via 'precompute' parameter did not pass "
            "validation when a single element was checked - please check that "
            f"it was computed properly. For element ({first},{second}) we "
            f"computed {expected} but the user-supplied value was "
            f"{gram[first, second]}."
        )
