"""A design on sufficient statistics alone: no rows, the same solvers.

Data too large for one process reaches the solvers as the weighted
sufficient statistics a reduction over its rows gives (``n``, the means,
the centred co-moments ``Z'Z`` and ``Z'y``, and ``y'y``). The
:class:`~skreg._path.design.Design` built here holds no rows: the Gram-mode
path solver, the alpha grid, the unpenalized fit and the exact homotopy read
it as they read a design on rows.
"""

import numpy as np

from .design import _CONSTANT_COLUMN, Design


def design_from_statistics(
    n_samples,
    X_mean,
    y_mean,
    gram,
    Zy,
    yy,
    *,
    n_rows=None,
    fit_intercept=True,
    weighted=False,
):
    """A :class:`Design` on the weighted sufficient statistics of the data.

    Parameters
    ----------
    n_samples : float
        Sum of the sample weights (rescaled, as in :func:`make_design`, to
        sum to the number of samples).
    X_mean : ndarray of shape (n_features,)
        Weighted column means (ignored without intercept).
    y_mean : float
        Weighted mean of the target (ignored without intercept).
    gram : ndarray of shape (n_features, n_features)
        ``Z'Z``: weighted co-moments of the columns, centred with an
        intercept, raw without one.
    Zy : ndarray of shape (n_features,)
        ``Z'y``, centred likewise.
    yy : float
        ``y'y``, centred likewise.
    n_rows : int or None
        Rows with a positive weight (bounds the rank of ``Z``); defaults to
        ``n_samples``.
    fit_intercept : bool
        Whether the statistics are centred.
    weighted : bool
        Whether the rows had sample weights (for the explanation's words).

    Returns
    -------
    Design
        ``X`` and ``y`` are None; ``XtX`` holds ``gram``.
    """
    gram = np.array(gram, dtype=np.float64, order="C")
    n_features = gram.shape[0]
    if fit_intercept:
        means = np.asarray(X_mean, dtype=np.float64).copy()
        y_offset = float(y_mean)
    else:
        means, y_offset = np.zeros(n_features), 0.0
    norms2 = np.maximum(np.diag(gram).copy(), 0.0)
    nonconstant = norms2 > 0
    if fit_intercept:
        squares = norms2 + n_samples * means**2
        nonconstant &= norms2 > _CONSTANT_COLUMN * squares
    rows = n_samples if n_rows is None else n_rows
    return Design(
        X=None,
        y=None,
        # no rows: the centring terms of gram() and gram_columns() vanish
        v=np.empty(0),
        means=means,
        column_v=np.zeros(n_features),
        norms2=norms2,
        Zy=np.asarray(Zy, dtype=np.float64).copy(),
        X_offset=means.copy(),
        y_offset=y_offset,
        n_samples=float(n_samples),
        XtX=gram,
        nonconstant=nonconstant,
        y_norm2=float(yy) + float(n_samples) * y_offset**2,
        fit_intercept=fit_intercept,
        statistics=(float(yy), int(rows), bool(weighted)),
    )
