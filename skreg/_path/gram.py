"""The design of a fit and its Gram matrix: ``precompute`` chosen and checked."""

import warnings

import numpy as np
from scipy import sparse
from sklearn.utils import check_array

from .._kernels import gram as gram_kernels
from .design import make_design
from .gram_rows import GramRows, can_fill_rows

# With precompute="auto", the Gram matrix is formed when the path has at least
# this many alphas per feature (and n_samples > n_features). Forming Z'Z costs
# about n p^2 / 2 multiply-adds at BLAS-3 speed; a solve on dense X costs a
# few passes of n p each per alpha at memory speed, fewer near alpha_max. The
# break-even point moves with the shape; one alpha per eight features is the
# compromise between the measured ones (benchmarks/README.md).
_GRAM_ALPHAS_PER_FEATURE = 0.125


def gram_pays(n_samples, n_features, n_alphas):
    """Whether ``precompute="auto"`` forms the Gram matrix.

    Parameters
    ----------
    n_samples, n_features : int
        Shape of the (dense) design.
    n_alphas : int
        Alphas that will be solved on it.

    Returns
    -------
    bool
        True when ``n_samples > n_features`` and the path is long enough for
        ``Z'Z`` to cost less than the passes over ``X`` it spares.
    """
    return n_samples > n_features and n_alphas >= _GRAM_ALPHAS_PER_FEATURE * n_features


def uses_gram(X, precompute, n_alphas=1):
    """Whether ``precompute`` asks for a Gram-mode solve formed from ``X``.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    precompute : bool, "auto" or array-like
        As for :func:`resolve_gram`. A user's array gives False: it is used
        as given, or re-formed (rarely) when it does not match centred data.
    n_alphas : int
        Alphas that will be solved on this design.

    Returns
    -------
    bool
    """
    if sparse.issparse(X):
        return False
    if isinstance(precompute, str):  # "auto"
        return gram_pays(X.shape[0], X.shape[1], n_alphas)
    return precompute is True


def forms_gram(X, precompute, n_alphas=1, sample_weight=None):
    """Whether :func:`prepare` forms all of ``X'X`` in its pass over ``X``.

    Known before the design is prepared, so that the pass that computes the
    column statistics can form ``X'X`` too. Not where the solve can fill the
    rows it needs from the design instead (:func:`can_fill_rows` of the
    stored design: float64, which weighted ``X`` always is).

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    precompute : bool, "auto" or array-like
    n_alphas : int
    sample_weight : ndarray or None

    Returns
    -------
    bool
    """
    if not uses_gram(X, precompute, n_alphas):
        return False
    stored_in_float64 = X.dtype == np.float64 or sample_weight is not None
    return not (stored_in_float64 and X.shape[1] <= gram_kernels.MAX_FEATURES)


def prepare(
    X,
    y,
    sample_weight,
    fit_intercept,
    precompute,
    *,
    n_alphas=1,
    X_offset=None,
    Xy=None,
):
    """The design of a fit and, when it is used, its Gram matrix.

    :func:`skreg._path.design.make_design` forms ``X'X`` in its pass over the
    data when :func:`resolve_gram` will use it.

    Returns
    -------
    design : Design
    gram : tuple (gram, Zy) or None
        For the Gram kernel; see :func:`resolve_gram`.
    """
    design = make_design(
        X,
        y,
        sample_weight,
        fit_intercept,
        X_offset=X_offset,
        form_gram=forms_gram(X, precompute, n_alphas, sample_weight),
    )
    return design, resolve_gram(design, precompute, Xy, n_alphas=n_alphas)


def resolve_gram(design, precompute, Xy=None, n_alphas=1, rows=None):
    """Turn ``precompute`` into ``(gram, Zy)`` for the Gram kernel, or None.

    Parameters
    ----------
    design : Design
        The prepared problem.
    precompute : bool, "auto" or array-like of shape (n_features, n_features)
        scikit-learn's parameter: ``True`` forms the Gram matrix, ``"auto"``
        when it pays (:func:`gram_pays`); an array is the user's ``Z'Z`` of
        the centred, sample-weight-scaled design.
    Xy : array-like of shape (n_features,) or None
        The user's ``Z'y``; computed when None.
    n_alphas : int
        Alphas that will be solved on this design (for ``"auto"``).
    rows : GramRows, array or None
        The Gram matrix of another target's fit: its rows, when filled from
        the same stored ``X``, are reused (``Z'Z`` does not depend on ``y``).

    Returns
    -------
    tuple (gram, Zy) or None
        ``gram`` is a :class:`~skreg._path.gram_rows.GramRows` when the
        solve fills its rows from the design, else an array.
    """
    if design.is_sparse or precompute is False:
        return None
    if isinstance(precompute, str) or precompute is True:
        if not uses_gram(design.X, precompute, n_alphas):
            return None
        return _formed(design, rows)
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
        return _formed(design, rows)
    _check_gram_element(design, gram)
    if Xy is None:
        Zy = design.Zy.copy()
    else:
        Zy = check_array(Xy, dtype=np.float64, ensure_2d=False).ravel()
    return gram, Zy


def _formed(design, rows=None):
    """``(gram, Zy)`` formed from the design: rows filled as the solve needs
    them where the stored ``X`` allows, else all of ``Z'Z`` now."""
    if not (design.has_rows and can_fill_rows(design.X)):
        return design.gram()
    reusable = isinstance(rows, GramRows) and rows.design is not None
    if not (reusable and rows.design.X is design.X):
        rows = GramRows.empty(design)
    return rows, design.Zy.copy()


def _check_gram_element(design, gram):
    """Compare one entry of the user's Gram matrix with the data's."""
    n_features = design.n_features
    first = n_features // 2
    second = min(first + 1, n_features - 1)
    z = design.columns([first, second])
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
