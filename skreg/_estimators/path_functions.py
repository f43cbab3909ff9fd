"""Drop-in ``lasso_path`` and ``enet_path`` with a per-coefficient penalty."""

import sys
import warnings
from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import (
    Hidden,
    Interval,
    StrOptions,
    validate_params,
)

from .._dask.inputs import is_dask
from .._path.driver import solve_path
from .._path.gram import prepare
from .._path.grid import alpha_grid
from .._path.multitask import multitask_path
from .._validation import (
    check_coef_init,
    check_float_input,
    check_penalty_factor,
    check_sample_weight,
)

_PATH_CONSTRAINTS = {
    "X": ["array-like", "sparse matrix"],
    "y": ["array-like", "sparse matrix"],
    "eps": [Interval(Real, 0, None, closed="neither")],
    "n_alphas": [
        Interval(Integral, 1, None, closed="left"),
        Hidden(StrOptions({"deprecated"})),
    ],
    "alphas": [
        Interval(Integral, 1, None, closed="left"),
        "array-like",
        None,
        Hidden(StrOptions({"warn"})),
    ],
    "precompute": [StrOptions({"auto"}), "boolean", "array-like"],
    "Xy": ["array-like", None],
    "copy_X": ["boolean"],
    "coef_init": ["array-like", None],
    "verbose": ["verbose"],
    "return_n_iter": ["boolean"],
    "positive": ["boolean"],
    "penalty_factor": ["array-like", None],
}

_SOLVER_PARAMS = {
    "tol": 1e-4,
    "max_iter": 1000,
    "random_state": None,
    "selection": "cyclic",
    "sample_weight": None,
    "X_offset": None,
    "X_scale": None,
    "do_screening": True,
}


def _resolve_alphas(n_alphas, alphas):
    """scikit-learn 1.9's handling of ``n_alphas`` (deprecated) and ``alphas``."""
    resolved = 100
    if n_alphas != "deprecated":
        warnings.warn(
            "'n_alphas' was deprecated in 1.9 and will be removed in 1.11. "
            "'alphas' now accepts an integer value which removes the need to "
            "pass 'n_alphas'. Pass an explicit value to 'alphas' and leave "
            "'n_alphas' to its default value to silence this warning.",
            FutureWarning,
            stacklevel=3,
        )
        resolved = n_alphas
    if isinstance(alphas, str) and alphas == "warn":
        return resolved
    if alphas is None:
        warnings.warn(
            "'alphas=None' is deprecated and will be removed in 1.11, at which "
            "point the default value will be set to 100. Set 'alphas=100' to "
            "silence this warning.",
            FutureWarning,
            stacklevel=3,
        )
        return resolved
    return alphas


@validate_params(
    {**_PATH_CONSTRAINTS, "l1_ratio": [Interval(Real, 0.0, 1.0, closed="both")]},
    prefer_skip_nested_validation=True,
)
def enet_path(
    X,
    y,
    *,
    l1_ratio=0.5,
    eps=1e-3,
    n_alphas="deprecated",
    alphas="warn",
    precompute="auto",
    Xy=None,
    copy_X=True,
    coef_init=None,
    verbose=False,
    return_n_iter=False,
    positive=False,
    check_input=True,
    penalty_factor=None,
    **params,
):
    """Compute the elastic-net path with coordinate descent.

    A drop-in replacement for :func:`sklearn.linear_model.enet_path` with a
    per-coefficient ``penalty_factor``. For each alpha it minimizes

    .. math::

        \\frac{1}{2 n} \\|y - X w\\|_2^2
        + \\alpha \\sum_j pf_j \\left(\\rho |w_j| + \\frac{1-\\rho}{2} w_j^2\\right)

    As in scikit-learn, X and y are taken as given (no intercept): centre
    them first, or pass ``X_offset`` (column means, sparse X) in ``params``.

    Parameters
    ----------
    X : {array-like, sparse matrix, dask array or DataFrame} of shape \
            (n_samples, n_features)
        Training data; Fortran-ordered dense or CSC data avoids a copy. A
        row-chunked dask array or DataFrame (with a 1-D ``y`` and
        ``sample_weight``, dask or NumPy) is reduced in one pass on the
        cluster to ``X'WX``, ``X'Wy`` and ``y'Wy``; the path runs on them
        in Gram mode and returns NumPy arrays. There ``precompute`` must be
        a bool or ``"auto"`` (ignored), ``Xy``, ``X_offset`` and
        ``X_scale`` None, and ``check_input`` is ignored (the pass checks
        for NaN and inf).
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target values. A 2-D ``y`` gives scikit-learn's multi-output path:
        the multi-task elastic net, whose penalty is the L2 norm of each
        feature's row of coefficients (a feature enters for every target at
        once), ``alpha * sum_j pf_j (rho ||W_j|| + (1 - rho)/2 ||W_j||^2)``.
    l1_ratio : float, default=0.5
        Mixing parameter ``rho`` between L1 (1) and L2 (0).
    eps : float, default=1e-3
        Length of the path: ``alpha_min / alpha_max = eps``.
    n_alphas : int, default=100
        Deprecated in scikit-learn 1.9: pass an int to ``alphas``.
    alphas : int or array-like, default=100
        Number of alphas on the automatic grid, or the alphas themselves.
        The grid starts at the smallest alpha where every penalized
        coefficient is zero: ``max_j |x_j' r0| / (n * rho * pf_j)`` over the
        features with ``pf_j > 0``, ``r0`` the residual of the unpenalized
        features' least-squares fit.
    precompute : "auto", bool or array-like of shape (n_features, n_features), \
            default="auto"
        Whether to use the Gram matrix ``X'X``, or the matrix itself.
        ``"auto"`` uses it when ``n_samples > n_features`` and the path has at
        least one alpha per eight features, where forming ``X'X`` costs less
        than the passes over ``X`` it spares (scikit-learn's ``"auto"`` uses
        it whenever ``n_samples > n_features``); the coefficients agree to
        the solver's tolerance either way.
    Xy : array-like of shape (n_features,), default=None
        ``X'y``, used with a precomputed Gram matrix.
    copy_X : bool, default=True
        Kept for compatibility: X is never modified. (On wide dense float64
        X, more features than samples, the KKT checks keep a float32 copy of
        X, half its size, for the duration of the path.)
    coef_init : array-like of shape (n_features,) or (n_targets, n_features), \
            default=None
        Initial coefficients.
    verbose : bool or int, default=False
        Amount of verbosity.
    return_n_iter : bool, default=False
        Whether to return the number of iterations.
    positive : bool, default=False
        Force the coefficients to be non-negative.
    check_input : bool, default=True
        Whether to validate X and y.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multiplier of alpha (0: unpenalized, inf: excluded).
    **params : kwargs
        Solver options as in scikit-learn: ``tol`` (1e-4), ``max_iter``
        (1000), ``random_state``, ``selection`` ("cyclic"),
        ``sample_weight`` (applied to dense and sparse X alike),
        ``X_offset`` and ``X_scale`` (implicit centring of sparse X) and
        ``do_screening`` (accepted; skreg always screens, with working sets
        and gap-safe tests).

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path.
    coefs : ndarray of shape (n_features, n_alphas) or \
            (n_targets, n_features, n_alphas)
        Coefficients along the path.
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gaps at the end of the optimization for each alpha.
    n_iters : list of int
        Passes over the features at each alpha (if ``return_n_iter``).

    See Also
    --------
    lasso_path : The special case ``l1_ratio=1``.
    ElasticNet : The estimator solving one point of this path.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import enet_path
    >>> X = np.array([[1.0, 2.0], [2.0, 0.5], [3.0, 1.0], [4.0, 3.0]])
    >>> y = np.array([1.0, 2.0, 3.0, 4.5])
    >>> alphas, coefs, gaps = enet_path(X - X.mean(0), y - y.mean(), alphas=3)
    >>> coefs.shape
    (2, 3)
    """
    _alphas = _resolve_alphas(n_alphas, alphas)
    unknown = set(params) - set(_SOLVER_PARAMS)
    if unknown:
        raise ValueError("Unexpected parameters in params", unknown)
    options = {**_SOLVER_PARAMS, **params}
    if options["selection"] not in ("random", "cyclic"):
        raise ValueError("selection should be either random or cyclic.")
    if is_dask(X, y, options["sample_weight"]):
        from .._dask.paths import dask_enet_path

        alphas, coefs, dual_gaps, n_iters = dask_enet_path(
            X, y, l1_ratio=l1_ratio, eps=eps, alphas=_alphas,
            precompute=precompute, Xy=Xy, coef_init=coef_init,
            positive=positive, penalty_factor=penalty_factor, options=options,
        )  # fmt: skip
        return _returned(alphas, coefs, dual_gaps, n_iters, verbose, return_n_iter)

    if check_input:
        X = check_array(
            X,
            accept_sparse="csc",
            dtype=[np.float64, np.float32],
            order="F",
            copy=False,
            # Checked during the one pass that prepares the design.
            ensure_all_finite=False,
        )
        y = check_array(y, dtype=X.dtype.type, ensure_2d=False, copy=False)
    else:
        check_float_input(X, y)
    if y.ndim > 2:
        raise ValueError(f"y must be 1-D or 2-D, got y of shape {y.shape}.")
    if y.shape[0] != X.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} samples but y has {y.shape[0]}; they must match."
        )
    n_features = X.shape[1]
    penalty_factor = check_penalty_factor(penalty_factor, n_features)
    # as the estimators' (the objective divides by the weights' sum)
    sample_weight = check_sample_weight(options["sample_weight"], X, rescale=True)
    X_offset = None
    if sparse.issparse(X) and options["X_offset"] is not None:
        X_scale = options["X_scale"]
        X_offset = np.asarray(options["X_offset"], dtype=np.float64)
        if X_scale is not None:
            X_offset = X_offset / np.asarray(X_scale, dtype=np.float64)
    if y.ndim == 2:
        # scikit-learn's multi-output path: the multi-task elastic net
        if positive:
            raise ValueError(
                "positive=True is not allowed for multi-output (y.ndim != 1)"
            )
        if not isinstance(_alphas, Integral):
            _alphas = np.sort(np.asarray(_alphas, dtype=np.float64).ravel())[::-1]
        alphas, coefs, dual_gaps, n_iters = multitask_path(
            X,
            y,
            _alphas,
            penalty_factor,
            l1_ratio=l1_ratio,
            eps=eps,
            sample_weight=sample_weight,
            X_offset=X_offset,
            coef_init=coef_init,
            tol=options["tol"],
            max_iter=options["max_iter"],
            random_state=options["random_state"],
            selection=options["selection"],
        )
        coefs = coefs.astype(X.dtype, copy=False)
        if return_n_iter:
            return alphas, coefs, dual_gaps, n_iters
        return alphas, coefs, dual_gaps
    n_path_alphas = _alphas if isinstance(_alphas, Integral) else np.size(_alphas)
    design, gram = prepare(
        X,
        y,
        sample_weight,
        False,
        precompute,
        n_alphas=n_path_alphas,
        X_offset=X_offset,
        Xy=Xy,
    )

    alphas, coefs, dual_gaps, n_iters = path_on_design(
        design, gram, _alphas, penalty_factor, l1_ratio=l1_ratio, eps=eps,
        positive=positive, coef_init=coef_init, options=options,
    )  # fmt: skip
    coefs = coefs.astype(X.dtype, copy=False)
    return _returned(alphas, coefs, dual_gaps, n_iters, verbose, return_n_iter)


def path_on_design(design, gram, alphas, penalty_factor, *, l1_ratio, eps, positive,
                   coef_init, options):  # fmt: skip
    """The grid (an int: its length, from the design's alpha_max; else the
    given alphas, decreasing) and the warm-started path on ``design``: the
    body ``enet_path`` shares with its dask version.

    Returns
    -------
    alphas, coefs, dual_gaps, n_iters
    """
    if isinstance(alphas, Integral):
        alphas = alpha_grid(design, penalty_factor, l1_ratio, eps, alphas, positive)
    else:
        alphas = np.asarray(alphas, dtype=np.float64).ravel()
        if alphas.size > 1:
            alphas = np.sort(alphas)[::-1]
    if coef_init is not None:
        coef_init = check_coef_init(coef_init, (design.n_features,))
    coefs, dual_gaps, n_iters = solve_path(
        design,
        alphas,
        penalty_factor,
        l1_ratio=l1_ratio,
        positive=positive,
        coef_init=coef_init,
        tol=options["tol"],
        max_iter=options["max_iter"],
        random_state=check_random_state(options["random_state"]),
        selection=options["selection"],
        gram=gram,
    )
    return alphas, coefs, dual_gaps, n_iters


def _returned(alphas, coefs, dual_gaps, n_iters, verbose, return_n_iter):
    """The path's return value (and its line of verbosity)."""
    if verbose:
        message = f"enet_path: {alphas.size} alphas, {sum(n_iters)} passes\n"
        sys.stderr.write(message)
    if return_n_iter:
        return alphas, coefs, dual_gaps, n_iters
    return alphas, coefs, dual_gaps


@validate_params(_PATH_CONSTRAINTS, prefer_skip_nested_validation=True)
def lasso_path(
    X,
    y,
    *,
    eps=1e-3,
    n_alphas="deprecated",
    alphas="warn",
    precompute="auto",
    Xy=None,
    copy_X=True,
    coef_init=None,
    verbose=False,
    return_n_iter=False,
    positive=False,
    penalty_factor=None,
    **params,
):
    """Compute the lasso path with coordinate descent.

    A drop-in replacement for :func:`sklearn.linear_model.lasso_path` with a
    per-coefficient ``penalty_factor``. For each alpha it minimizes

    .. math::

        \\frac{1}{2 n} \\|y - X w\\|_2^2 + \\alpha \\sum_j pf_j |w_j|

    Parameters
    ----------
    X : {array-like, sparse matrix, dask array or DataFrame} of shape \
            (n_samples, n_features)
        Training data (taken as centred: no intercept is fitted); a
        row-chunked dask array or DataFrame as in :func:`enet_path`.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target values; 2-D for the multi-task lasso path (see
        :func:`skreg.enet_path`).
    eps : float, default=1e-3
        Length of the path: ``alpha_min / alpha_max = eps``.
    n_alphas : int, default=100
        Deprecated in scikit-learn 1.9: pass an int to ``alphas``.
    alphas : int or array-like, default=100
        Number of alphas on the automatic grid, or the alphas themselves.
    precompute : "auto", bool or array-like, default="auto"
        Whether to use the Gram matrix ``X'X``, or the matrix itself
        (``"auto"``: as in :func:`skreg.enet_path`).
    Xy : array-like of shape (n_features,), default=None
        ``X'y``, used with a precomputed Gram matrix.
    copy_X : bool, default=True
        Kept for compatibility: X is never modified. (On wide dense float64
        X, more features than samples, the KKT checks keep a float32 copy of
        X, half its size, for the duration of the path.)
    coef_init : array-like of shape (n_features,) or (n_targets, n_features), \
            default=None
        Initial coefficients.
    verbose : bool or int, default=False
        Amount of verbosity.
    return_n_iter : bool, default=False
        Whether to return the number of iterations.
    positive : bool, default=False
        Force the coefficients to be non-negative.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature multiplier of alpha (0: unpenalized, inf: excluded).
    **params : kwargs
        Solver options, see :func:`enet_path`.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The alphas along the path.
    coefs : ndarray of shape (n_features, n_alphas) or \
            (n_targets, n_features, n_alphas)
        Coefficients along the path.
    dual_gaps : ndarray of shape (n_alphas,)
        Duality gaps at the end of the optimization for each alpha.
    n_iters : list of int
        Passes over the features at each alpha (if ``return_n_iter``).

    See Also
    --------
    enet_path : The elastic-net path.
    Lasso : The estimator solving one point of this path.

    Examples
    --------
    >>> import numpy as np
    >>> from skreg import lasso_path
    >>> X = np.array([[1, 2, 3.1], [2.3, 5.4, 4.3]]).T
    >>> y = np.array([1, 2, 3.1])
    >>> _, coef_path, _ = lasso_path(X, y, alphas=[5.0, 1.0, 0.5], tol=1e-10)
    >>> print(coef_path.round(4))
    [[0.     0.     0.4692]
     [0.2159 0.4426 0.2367]]
    """
    return enet_path(
        X,
        y,
        l1_ratio=1.0,
        eps=eps,
        alphas=_resolve_alphas(n_alphas, alphas),
        precompute=precompute,
        Xy=Xy,
        copy_X=copy_X,
        coef_init=coef_init,
        verbose=verbose,
        return_n_iter=return_n_iter,
        positive=positive,
        penalty_factor=penalty_factor,
        **params,
    )
