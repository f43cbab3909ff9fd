"""``lasso_path`` and ``enet_path`` on dask data: one pass, the path on the client.

The path functions fit no intercept (X and y are taken as given), so the one
pass gives the raw weighted products ``X'WX``, ``X'Wy`` and ``y'Wy``; the
alpha grid and the warm-started Gram-mode path then run on the statistics
design exactly as on rows. The returned arrays are NumPy.
"""

from types import SimpleNamespace

import numpy as np

from .._validation import check_penalty_factor
from .inputs import dask_inputs
from .moments import design_of
from .reduction import fold_moments


def _check_options(precompute, Xy, options):
    """Refuse what only applies to data in memory, naming the parameter."""
    if not isinstance(precompute, (bool, str, np.bool_)):
        raise ValueError(
            "On dask data X'X comes out of the one pass: precompute must be a "
            "bool or 'auto' (both give the Gram-mode path), not a Gram matrix."
        )
    if Xy is not None:
        raise ValueError("On dask data X'y comes out of the one pass: Xy must be None.")
    if options["X_offset"] is not None or options["X_scale"] is not None:
        raise ValueError(
            "X_offset and X_scale centre sparse X implicitly; dask X is dense: "
            "centre it lazily instead (X - X.mean(axis=0)) and leave them None."
        )


def dask_enet_path(
    X, y, *, l1_ratio, eps, alphas, precompute, Xy, coef_init, positive,
    penalty_factor, options,
):  # fmt: skip
    """``enet_path`` on dask ``X`` (and ``y``, ``sample_weight``).

    Parameters
    ----------
    X : dask array or DataFrame of shape (n_samples, n_features)
        Chunked along rows (columns are rechunked to one block).
    y : dask or NumPy array of shape (n_samples,)
        One target (the multi-task path needs the rows).
    l1_ratio, eps, positive, penalty_factor, coef_init
        As in :func:`skreg.enet_path`.
    alphas : int or array-like
        Resolved by ``enet_path`` (an int is the length of the grid).
    precompute, Xy
        Only a bool / ``"auto"`` and None: the Gram matrix and ``X'y`` come
        out of the pass.
    options : dict
        The solver options of ``**params`` with their defaults
        (``sample_weight`` may be dask; ``X_offset``, ``X_scale`` must be
        None).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
    coefs : ndarray of shape (n_features, n_alphas)
        In X's dtype when it is float32, float64 otherwise (as ``check_array``
        casts NumPy X).
    dual_gaps : ndarray of shape (n_alphas,)
    n_iters : list of int
    """
    from .._estimators.path_functions import path_on_design

    _check_options(precompute, Xy, options)
    shape = getattr(y, "shape", np.shape(y))
    if len(shape) == 2 and shape[1] != 1:
        raise ValueError(
            "On dask data y must be 1-D (one target): the multi-task path is "
            f"fitted on rows; got y of shape {shape}. Compute X, or run one "
            "path per target."
        )
    data = dask_inputs(SimpleNamespace(), X, y, options["sample_weight"])
    n_features = data.X.shape[1]
    penalty_factor = check_penalty_factor(penalty_factor, n_features)
    (moments,) = fold_moments(data.X, data.y, data.sample_weight, [0, data.n_samples])
    design = design_of(moments, fit_intercept=False)
    alphas, coefs, dual_gaps, n_iters = path_on_design(
        design, design.gram(), alphas, penalty_factor, l1_ratio=l1_ratio,
        eps=eps, positive=positive, coef_init=coef_init, options=options,
    )  # fmt: skip
    dtype = np.float32 if data.X.dtype == np.float32 else np.float64
    return alphas, coefs.astype(dtype, copy=False), dual_gaps, n_iters
