"""Weighted centred co-moments of row blocks, merged and split exactly.

A block of rows reduces to its :class:`Moments`: the number of rows, the sum
of the weights, the weighted means and the weighted *centred* co-moments
``sum w (x - mean)(x - mean)'``. Two blocks merge by the pairwise update of
Chan, Golub & LeVeque (1979), in float64: no naive sum of raw products, whose
cancellation loses the digits of data far from the origin. The statistics of
a cross-validation fold's training rows are the totals minus the fold's own,
by the same update run backwards. NumPy only: the dask graph is built in
:mod:`skreg._dask.reduction`.
"""

from typing import NamedTuple

import numpy as np


class Moments(NamedTuple):
    """Sufficient statistics of a set of rows for a weighted linear model.

    Attributes
    ----------
    rows : int
        Number of rows (zero weights included, as ``make_design`` counts them).
    positive_rows : int
        Rows with a positive weight.
    weight : float
        Sum of the weights.
    x_mean : ndarray of shape (n_features,)
    y_mean : float
    xx : ndarray of shape (n_features, n_features)
        ``sum w (x - x_mean)(x - x_mean)'``.
    xy : ndarray of shape (n_features,)
        ``sum w (x - x_mean)(y - y_mean)``.
    yy : float
        ``sum w (y - y_mean)^2``.
    """

    rows: int
    positive_rows: int
    weight: float
    x_mean: np.ndarray
    y_mean: float
    xx: np.ndarray
    xy: np.ndarray
    yy: float


def empty_moments(n_features):
    """The moments of no rows: the neutral element of :func:`merge`."""
    return Moments(
        0, 0, 0.0, np.zeros(n_features), 0.0,
        np.zeros((n_features, n_features)), np.zeros(n_features), 0.0,
    )  # fmt: skip


def block_moments(X, y, w):
    """The moments of one block of rows.

    Raises
    ------
    ValueError
        If the block holds a NaN or an infinite value.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    if w is None and X.shape[0]:
        moments = _unweighted_moments(X, y)
        if moments is not None:
            return moments
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("Input X or y contains NaN or infinity.")
    unweighted = w is None
    w = np.ones(X.shape[0]) if unweighted else np.asarray(w, dtype=np.float64).ravel()
    if not (np.isfinite(w).all() and (w >= 0).all()):
        raise ValueError("sample_weight must be finite and non-negative.")
    weight = float(w.sum())
    if weight == 0.0:
        return empty_moments(X.shape[1])._replace(rows=X.shape[0])
    x_mean = (w @ X) / weight
    y_mean = float(w @ y) / weight
    Xc = X - x_mean
    yc = y - y_mean
    wXc = Xc if unweighted else Xc * w[:, np.newaxis]  # no copy without weights
    return Moments(
        rows=X.shape[0],
        positive_rows=int(np.count_nonzero(w > 0)),
        weight=weight,
        x_mean=x_mean,
        y_mean=y_mean,
        xx=Xc.T @ wXc,
        xy=wXc.T @ yc,
        yy=float(w @ (yc * yc)),
    )


# Within one block, the raw products X'X (one symmetric BLAS product, as
# X.T @ X) minus n m m' lose about log10(1 + n m^2 / C) digits to cancellation;
# up to this ratio of the squared mean to the variance (12 of 16 digits kept)
# a block takes that way, beyond it the centred copy of the block.
_RAW_PRODUCTS_MAX_RATIO = 1e4


def _unweighted_moments(X, y):
    """A block's moments from its raw products, or None where they would lose
    too many digits (a column whose mean is far larger than its spread), or
    where the block holds NaN or inf (the caller's checks then say so)."""
    n = X.shape[0]
    x_mean = X.sum(axis=0) / n
    y_mean = float(y.sum()) / n
    xx = X.T @ X  # a symmetric product: half the multiply-adds of a general one
    xx -= n * np.outer(x_mean, x_mean)
    xy = X.T @ y - n * x_mean * y_mean
    yy = float(y @ y) - n * y_mean**2
    spread = np.diag(xx)
    if not (np.isfinite(spread).all() and np.isfinite(yy)):
        return None  # NaN or inf in the block: any makes its column's square so
    if np.any(n * x_mean**2 > _RAW_PRODUCTS_MAX_RATIO * np.maximum(spread, 0.0)):
        return None
    if n * y_mean**2 > _RAW_PRODUCTS_MAX_RATIO * max(yy, 0.0):
        return None
    return Moments(n, n, float(n), x_mean, y_mean, xx, xy, yy)


def merge(a, b):
    """The moments of the union of two disjoint sets of rows (Chan et al.)."""
    if b.weight == 0.0:
        return a._replace(rows=a.rows + b.rows)
    if a.weight == 0.0:
        return b._replace(rows=a.rows + b.rows)
    weight = a.weight + b.weight
    dx = b.x_mean - a.x_mean
    dy = b.y_mean - a.y_mean
    share = a.weight * b.weight / weight
    return Moments(
        rows=a.rows + b.rows,
        positive_rows=a.positive_rows + b.positive_rows,
        weight=weight,
        x_mean=a.x_mean + dx * (b.weight / weight),
        y_mean=a.y_mean + dy * (b.weight / weight),
        xx=a.xx + b.xx + share * np.outer(dx, dx),
        xy=a.xy + b.xy + share * dx * dy,
        yy=a.yy + b.yy + share * dy * dy,
    )


def without(total, part):
    """The moments of ``total``'s rows that are not ``part``'s (merge undone)."""
    weight = total.weight - part.weight
    if part.weight == 0.0:
        return total._replace(rows=total.rows - part.rows)
    if weight <= 0.0:
        return empty_moments(total.x_mean.size)._replace(rows=total.rows - part.rows)
    x_mean = (total.weight * total.x_mean - part.weight * part.x_mean) / weight
    y_mean = (total.weight * total.y_mean - part.weight * part.y_mean) / weight
    dx = part.x_mean - x_mean
    dy = part.y_mean - y_mean
    share = weight * part.weight / total.weight
    return Moments(
        rows=total.rows - part.rows,
        positive_rows=total.positive_rows - part.positive_rows,
        weight=weight,
        x_mean=x_mean,
        y_mean=y_mean,
        xx=total.xx - part.xx - share * np.outer(dx, dx),
        xy=total.xy - part.xy - share * dx * dy,
        yy=total.yy - part.yy - share * dy * dy,
    )


def design_of(moments, fit_intercept, weighted=False):
    """The statistics :class:`~skreg._path.design.Design` of ``moments``.

    The weights are rescaled to sum to the number of rows, as
    :func:`skreg._validation.check_sample_weight` rescales them for a fit on
    rows, so that alpha means the same on both.
    """
    from .._path.statistics import design_from_statistics

    scale = moments.rows / moments.weight
    if fit_intercept:
        xx, xy, yy = moments.xx, moments.xy, moments.yy
    else:  # raw products: the co-moments plus the mean's part
        n = moments.weight
        xx = moments.xx + n * np.outer(moments.x_mean, moments.x_mean)
        xy = moments.xy + n * moments.x_mean * moments.y_mean
        yy = moments.yy + n * moments.y_mean**2
    return design_from_statistics(
        float(moments.rows),
        moments.x_mean,
        moments.y_mean,
        xx * scale,
        xy * scale,
        yy * scale,
        n_rows=moments.positive_rows,
        fit_intercept=fit_intercept,
        weighted=weighted,
    )


def held_out_mse(moments, coefs, intercepts):
    """Weighted mean squared error on the rows of ``moments`` along a path.

    ``sum w (y - b - x'beta)^2`` is a quadratic form in the moments:
    ``yy - 2 beta'xy + beta'xx beta + W (y_mean - b - x_mean'beta)^2``.

    Parameters
    ----------
    moments : Moments
        Of the held-out rows.
    coefs : ndarray of shape (n_features, n_alphas)
    intercepts : ndarray of shape (n_alphas,)

    Returns
    -------
    mse : ndarray of shape (n_alphas,)
    """
    quadratic = np.einsum("ia,ia->a", coefs, moments.xx @ coefs)
    offset = moments.y_mean - intercepts - moments.x_mean @ coefs
    total = (
        moments.yy - 2.0 * (moments.xy @ coefs) + quadratic
        + moments.weight * offset**2
    )  # fmt: skip
    return total / moments.weight
