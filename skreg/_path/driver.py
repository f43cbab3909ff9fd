"""Path driver: from validated arrays to coefficients along a grid of alphas.

This is the one place where scales are converted. The estimators' objective

.. math::

    \\frac{1}{2 \\sum_i s_i} \\sum_i s_i (y_i - b - x_i^\\top w)^2
    + \\alpha \\sum_j pf_j \\left(\\rho |w_j| + \\tfrac{1 - \\rho}{2} w_j^2\\right)

(``rho = l1_ratio``, sample weights ``s`` rescaled to sum to ``n_samples``) is
handed to the kernels of :mod:`skreg._cd_kernels` in sum units: rows scaled by
``sqrt(s)``, ``l1_j = n * alpha * rho * pf_j`` and ``l2_j = n * alpha *
(1 - rho) * pf_j``; their duality gap is divided by ``n`` on the way out.

The driver warm-starts each alpha from the previous solution and solves on a
working set: the features that are nonzero or unpenalized, and those the
sequential strong rule expects to enter; it then checks the
KKT conditions on every other feature and grows the working set with the
violators until there are none, so the returned duality gap certifies the full
problem. The check computes a dot product only for features whose bound
cannot rule a violation out. That loop runs compiled, one call for a block
of alphas (:mod:`skreg._working_set`): blocks grow while the calls stay
short, so that a small path costs a few calls and Ctrl-C still stops a long
one between blocks. Only arrays cross this module's borders: no estimator
objects, no pandas.
"""

import time
import warnings
from dataclasses import dataclass, replace

import numpy as np
from scipy import linalg, optimize, sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import assert_all_finite, check_random_state

from .._kernels import columns as column_kernels
from .._kernels import gram as gram_kernels
from .._kernels import working_set

# Below this ratio of centred to raw squared norm, a column norm computed from
# sums has lost more than half of its digits and is recomputed directly.
_CANCELLATION = 1e-6


@dataclass
class Design:
    """A validated regression problem prepared for the kernels.

    Attributes
    ----------
    X : ndarray (Fortran-ordered) or scipy CSC matrix
        Rows scaled by ``sqrt(sample_weight)``; not centred (centring is
        implicit through ``means``). Without weights, dense ``X`` is the
        caller's array itself.
    y : ndarray of shape (n_samples,)
        Centred target, rows scaled by ``sqrt(sample_weight)``, float64.
    v : ndarray of shape (n_samples,)
        ``sqrt(sample_weight)`` (ones without weights).
    means, column_v, norms2 : ndarray of shape (n_features,)
        Weighted column means (zeros without intercept), ``x_j' v`` and the
        squared norms of the centred columns.
    Zy : ndarray of shape (n_features,)
        ``Z' y``: every feature's correlation with the (centred) target.
    X_offset : ndarray of shape (n_features,)
        Same as ``means``: subtracted from X to compute the intercept.
    y_offset : float
        Weighted mean of y (0 without intercept).
    n_samples : float
        Sum of the (rescaled) sample weights, i.e. the number of samples.
    XtX : ndarray of shape (n_features, n_features) or None
        ``X' X`` of the stored (uncentred) dense ``X``, when
        :func:`make_design` formed it together with the statistics.
    """

    X: object
    y: np.ndarray
    v: np.ndarray
    means: np.ndarray
    column_v: np.ndarray
    norms2: np.ndarray
    Zy: np.ndarray
    X_offset: np.ndarray
    y_offset: float
    n_samples: float
    XtX: np.ndarray = None

    @property
    def is_sparse(self):
        return sparse.issparse(self.X)

    @property
    def n_features(self):
        return self.X.shape[1]

    def with_target(self, y, fit_intercept):
        """The same design with another target (for multi-output y)."""
        y = np.asarray(y, dtype=np.float64)
        y_offset = float(np.average(y, weights=self.v**2)) if fit_intercept else 0.0
        y_design = (y - y_offset) * self.v
        return replace(
            self, y=y_design, y_offset=y_offset, Zy=self.correlations(y_design)
        )

    def correlations(self, R):
        """``Z' R`` for every feature (``Z`` the implicitly centred design)."""
        if self.is_sparse:
            return working_set.centred_correlations_sparse(
                self.X.data, self.X.indices, self.X.indptr, R, self.v, self.means
            )
        return working_set.centred_correlations_dense(self.X, R, self.v, self.means)

    def correlations_of(self, R, features):
        """``Z' R`` for the listed features only."""
        features = np.asarray(features, dtype=np.intp)
        if self.is_sparse:
            return working_set.centred_correlations_subset_sparse(
                self.X.data,
                self.X.indices,
                self.X.indptr,
                R,
                self.v,
                self.means,
                features,
            )
        return working_set.centred_correlations_subset_dense(
            self.X, R, self.v, self.means, features
        )

    def residual_part(self, w):
        """``Q = y - X w`` for the stored (uncentred) ``X``, float64."""
        nonzero = np.flatnonzero(w)
        Q = self.y.copy()
        if nonzero.size:
            columns = self.X[:, nonzero].astype(np.float64)
            Q -= np.asarray(columns @ w[nonzero]).ravel()
        return Q

    def residual(self, w):
        """``R = y - Z w``, the residual of the centred problem."""
        return self.residual_part(w) + (self.means @ w) * self.v

    def gram(self):
        """``Z' Z`` (C-ordered, float64) and ``Z' y`` for the Gram kernel."""
        X = self.X
        if self.XtX is not None:
            gram = self.XtX.copy()
        elif sparse.issparse(X):
            gram = np.asarray((X.T @ X).toarray(), dtype=np.float64)
        else:
            gram = _dense_gram(X, self.v, self.y)[0]
        vv = self.v @ self.v
        gram -= np.outer(self.column_v, self.means)
        gram -= np.outer(self.means, self.column_v)
        gram += vv * np.outer(self.means, self.means)
        return np.ascontiguousarray(gram), self.Zy.copy()


def _dense_gram(X, v, y):
    """``(X'X, X'v, X'y)`` of Fortran-ordered ``X``, float64.

    skreg's kernel up to ``MAX_FEATURES`` columns; BLAS beyond, where float32
    ``X`` gets its float32 product.
    """
    if X.shape[1] > gram_kernels.MAX_FEATURES:
        XtX = np.asarray(X.T @ X, dtype=np.float64)
        return XtX, np.asarray(X.T @ v, np.float64), np.asarray(X.T @ y, np.float64)
    return gram_kernels.gram_statistics_dense(X, v, y)


def make_design(
    X, y, sample_weight=None, fit_intercept=True, X_offset=None, form_gram=False
):
    """Prepare validated ``X`` and ``y`` for the kernels.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features) or scipy CSC matrix
        float32 or float64; dense ``X`` is used in place when it is
        Fortran-ordered and unweighted. It is never modified.
    y : ndarray of shape (n_samples,)
        Target.
    sample_weight : ndarray of shape (n_samples,) or None
        Non-negative weights, already rescaled to sum to ``n_samples``.
    fit_intercept : bool
        Whether to centre X and y (with weighted means).
    X_offset : ndarray of shape (n_features,) or None
        Column means to remove implicitly instead of computing them; used by
        the scikit-learn compatible path functions.
    form_gram : bool
        Form ``X' X`` of dense ``X`` in the same pass as the statistics (see
        :func:`skreg._gram.forms_gram`), kept as ``Design.XtX``.

    Returns
    -------
    Design
    """
    n_samples, n_features = X.shape
    y = np.asarray(y, dtype=np.float64)
    XtX = None
    if sample_weight is None:
        v = np.ones(n_samples)
        n_total = float(n_samples)
    else:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        v = np.sqrt(sample_weight)
        n_total = float(sample_weight.sum())

    y_offset = 0.0
    if fit_intercept:
        y_offset = float(np.average(y, weights=sample_weight))
    y_design = (y - y_offset) * v
    if sparse.issparse(X):
        X_design = sparse.csc_matrix(X)
        if sample_weight is not None:
            X_design = sparse.csc_matrix(
                (
                    X_design.data * v[X_design.indices],
                    X_design.indices,
                    X_design.indptr,
                ),
                shape=X.shape,
            )
        arrays = (X_design.data, X_design.indices, X_design.indptr)
        column_v, squares, Xy = column_kernels.column_statistics_sparse(
            *arrays, v, y_design, sample_weight is None
        )
    else:
        if sample_weight is None:
            X_design = np.asfortranarray(X)
        else:
            X_design = np.asfortranarray(X * v[:, np.newaxis].astype(X.dtype))
        if form_gram:
            XtX, column_v, Xy = _dense_gram(X_design, v, y_design)
            squares = np.diag(XtX).copy()
        else:
            column_v, squares, Xy = column_kernels.column_statistics_dense(
                X_design, v, y_design
            )
    if not (np.isfinite(column_v).all() and np.isfinite(squares).all()):
        # A NaN or inf in X shows in its column sums; name it as scikit-learn
        # does (the estimators skip their own finiteness pass over X).
        assert_all_finite(X.data if sparse.issparse(X) else X, input_name="X")
        # Finite X whose sums overflow: no gap could be trusted.
        overflowing = np.flatnonzero(~np.isfinite(squares) | ~np.isfinite(column_v))
        raise ValueError(
            # scikit-learn's words first, for code that matches them
            "Coordinate descent iterations resulted in non-finite parameter "
            "values: X has columns whose sum of squares overflows float64 "
            f"(columns {overflowing[:10].tolist()}); rescale X, e.g. with "
            "sklearn.preprocessing.StandardScaler."
        )
    with np.errstate(over="ignore"):
        y_overflows = not np.isfinite(y_design @ y_design)
    if y_overflows:
        raise ValueError(
            "y is too large: its sum of squares overflows float64; rescale y."
        )
    # Statistics are accumulated in float64 even for float32 X, so that the
    # implicit centring is exact to double precision.
    means = column_v / n_total if fit_intercept else np.zeros(n_features)
    if X_offset is not None:
        means = np.asarray(X_offset, dtype=np.float64)
    vv = float(v @ v)
    norms2 = squares - 2.0 * means * column_v + means**2 * vv
    if np.any(norms2 <= _CANCELLATION * squares):
        # Columns whose mean dwarfs their spread lose digits in the formula
        # above: recompute every norm directly from the centred values.
        if sparse.issparse(X_design):
            norms2 = column_kernels.centred_column_norms_sparse(*arrays, v, means)
        else:
            norms2 = column_kernels.centred_column_norms_dense(X_design, v, means)
    norms2 = np.maximum(norms2, 0.0)
    Zy = Xy - means * float(v @ y_design)
    return Design(
        X=X_design,
        y=y_design,
        v=v,
        means=means,
        column_v=column_v,
        norms2=norms2,
        Zy=Zy,
        X_offset=means.copy(),
        y_offset=y_offset,
        n_samples=n_total,
        XtX=XtX,
    )


def unpenalized_residual(design, unpenalized, positive=False):
    """Residual of the least-squares fit of y on the unpenalized features.

    At ``alpha_max`` every penalized coefficient is zero but the unpenalized
    ones are not: they hold the least-squares fit on their own columns.

    Returns
    -------
    R : ndarray of shape (n_samples,)
    coef : ndarray of shape (len(unpenalized),)
    """
    if unpenalized.size == 0:
        return design.y.copy(), np.zeros(0)
    columns = design.X[:, unpenalized]
    columns = columns.toarray() if sparse.issparse(columns) else columns
    Z_u = np.asarray(columns, dtype=np.float64) - np.outer(
        design.v, design.means[unpenalized]
    )
    if positive:
        coef, _ = optimize.nnls(Z_u, design.y)
    else:
        coef = linalg.lstsq(Z_u, design.y)[0]
    return design.y - Z_u @ coef, coef


def _finite_factors(penalty_factor):
    """Penalty factors with ``inf`` (excluded features) replaced by 0.

    Times ``n_samples * alpha * l1_ratio`` (or ``(1 - l1_ratio)``) they are the
    per-feature ``l1``/``l2`` penalties in the kernels' sum units; the driver
    keeps excluded features out of every working set.
    """
    return np.where(np.isfinite(penalty_factor), penalty_factor, 0.0)


def alpha_max(design, penalty_factor, l1_ratio=1.0, positive=False):
    """Smallest alpha at which every penalized coefficient is zero.

    ``alpha_max = max_j |z_j' r0| / (n * l1_ratio * pf_j)`` over the penalized
    features, where ``r0`` is the residual after fitting the unpenalized
    features (just ``y`` when every feature is penalized, which is
    scikit-learn's formula).
    """
    penalized = np.isfinite(penalty_factor) & (penalty_factor > 0)
    unpenalized = np.flatnonzero(penalty_factor == 0)
    if not penalized.any():
        penalized = np.isfinite(penalty_factor)
        factors = np.ones_like(penalty_factor)
    else:
        factors = penalty_factor
    if unpenalized.size:
        R0, _ = unpenalized_residual(design, unpenalized, positive)
        correlations = design.correlations(R0)
    else:
        correlations = design.Zy
    pulls = correlations if positive else np.abs(correlations)
    if not penalized.any():
        return 0.0
    ratio = pulls[penalized] / factors[penalized]
    return max(0.0, float(np.max(ratio))) / (design.n_samples * l1_ratio)


def alpha_grid(
    design, penalty_factor, l1_ratio=1.0, eps=1e-3, n_alphas=100, positive=False
):
    """Geometric grid from ``alpha_max`` down to ``eps * alpha_max``.

    Mirrors scikit-learn's ``_alpha_grid``, with penalty factors. Where
    ``alpha_max`` is 0 (nothing to fit) the grid is scikit-learn's fallback,
    every alpha at float resolution; a small positive ``alpha_max`` (a target
    of 1e-12, or factors of 1e16) keeps its grid, unlike scikit-learn's,
    which takes every ``alpha_max`` below 2.2e-16 for 0: the grid scales
    with ``y`` and with ``1 / penalty_factor``, and so do the fits.
    """
    check_grid_l1_ratio(l1_ratio)
    top = alpha_max(design, penalty_factor, l1_ratio, positive)
    return grid_below(top, eps, n_alphas)


def check_grid_l1_ratio(l1_ratio):
    """An automatic grid needs an L1 part (scikit-learn's error otherwise)."""
    if l1_ratio == 0:
        raise ValueError(
            "Automatic alpha grid generation is not supported for l1_ratio=0. "
            "Please supply a grid by providing your estimator with the "
            "appropriate `alphas=` argument."
        )


def grid_below(top, eps, n_alphas):
    """``n_alphas`` geometric from ``top`` to ``eps * top`` (see alpha_grid)."""
    if not top > 0:
        return np.full(n_alphas, np.finfo(np.float64).resolution)
    return np.geomspace(top, top * eps, num=n_alphas)


def _storage_arguments(design, gram):
    """The design's storage as the four arrays the compiled solve takes.

    ``(X, X_data, X_indices, X_indptr)``: the Gram matrix or dense ``X`` in
    the first slot, or a CSC matrix's arrays in the other three; the unused
    slots get small placeholders of the types the compiled code expects.
    """
    if gram is not None:
        return gram, np.empty(0), np.empty(0, np.int32), np.zeros(1, np.int32)
    if design.is_sparse:
        X = design.X
        placeholder = np.empty((0, 0), dtype=X.dtype)
        return placeholder, X.data, X.indices, X.indptr
    X = design.X
    return X, np.empty(0, X.dtype), np.empty(0, np.int32), np.zeros(1, np.int32)


def _shadow_pays(design, n_alphas):
    """Whether the KKT checks should read a float32 copy of dense ``X``.

    Along a path on wide dense float64 ``X``, most of the time goes to full
    passes ``Z' R`` that stream ``X`` from memory (on 500 x 5000, 16 of 22 ms);
    a float32 copy halves their bytes, and its rounding error is added to the
    bounds (measured: that path 17-19 % faster, the correlated one 7 %). The
    copy costs more than one pass and half of ``X`` in memory: a single fit
    does without it, and so does tall ``X``, whose few full passes it does not
    repay (a 50-alpha path on 10000 x 1000 took 45-55 ms without it, 58-80 ms
    with it).
    """
    if design.is_sparse or design.X.dtype != np.float64 or n_alphas < 2:
        return False
    n_samples, n_features = design.X.shape
    return n_features > n_samples


# Alphas per compiled call along a path: as many as take about this long, the
# count growing at most _BLOCK_GROWTH-fold from one call to the next. Python
# sees Ctrl-C only between calls, so a long path stops within about a block,
# as scikit-learn's stops between alphas; a small path still takes a handful
# of calls (a call from Python per alpha cost about 6 us, most of a small
# problem's solve).
_BLOCK_SECONDS = 0.05
_BLOCK_GROWTH = 4


def _next_block(size, elapsed):
    """Alphas for the next compiled call, after ``size`` took ``elapsed`` s."""
    if elapsed * _BLOCK_GROWTH <= _BLOCK_SECONDS:
        return size * _BLOCK_GROWTH
    return max(1, int(size * _BLOCK_SECONDS / elapsed))


def solve_path(
    design,
    alphas,
    penalty_factor,
    *,
    l1_ratio=1.0,
    positive=False,
    coef_init=None,
    tol=1e-4,
    max_iter=1000,
    random_state=None,
    selection="cyclic",
    gram=None,
    warn=True,
    check_warm_start=True,
):
    """Weighted elastic net at each alpha, warm-started down the grid.

    Parameters
    ----------
    design : Design
        The prepared problem (see :func:`make_design`).
    alphas : ndarray of shape (n_alphas,)
        Penalty strengths, in the order to solve them (decreasing is best).
    penalty_factor : ndarray of shape (n_features,)
        Validated per-feature factors (0 = unpenalized, inf = excluded).
    l1_ratio : float
        Mix between L1 (1.0) and L2 (0.0).
    positive : bool
        Constrain coefficients to be non-negative.
    coef_init : ndarray of shape (n_features,) or None
        Warm start for the first alpha.
    tol : float
        scikit-learn's tolerance: stop when the duality gap is at most
        ``tol * ||y||^2`` (sum units).
    max_iter : int
        Maximum number of epochs per alpha.
    random_state : None, int or RandomState
        Source of the seed when ``selection == "random"``; not read (nor
        turned into a generator, which costs tens of microseconds) otherwise.
    selection : {"cyclic", "random"}
        Order of the coordinate updates.
    gram : tuple (gram, Zy) or None
        Precomputed ``Z'Z`` and ``Z'y``; switches to the Gram kernel.
    warn : bool
        Whether to raise a ConvergenceWarning for an unconverged alpha.
    check_warm_start : bool
        Whether ``coef_init`` is checked before the first epoch, and returned
        as it is when its gap already meets ``tol`` (as in scikit-learn).

    Returns
    -------
    coefs : ndarray of shape (n_features, n_alphas), float64
    dual_gaps : ndarray of shape (n_alphas,)
        On the estimators' scale (divided by ``n_samples``).
    n_iters : list of int
        Epochs run at each alpha.
    """
    n_features = design.n_features
    alphas = np.ascontiguousarray(alphas, dtype=np.float64)
    w = np.zeros(n_features) if coef_init is None else np.array(coef_init, float)
    usable = np.isfinite(penalty_factor) & (design.norms2 > 0)
    w[~usable] = 0.0
    unpenalized = usable & (penalty_factor == 0)
    yy = float(design.y @ design.y)
    if gram is not None:
        gram_matrix, Zy = gram
        gram_matrix = np.ascontiguousarray(gram_matrix, dtype=np.float64)
        solve_alphas = working_set.solve_alphas_gram
        # the kernel's state: H = Z'R instead of the residual
        state, target = Zy - gram_matrix @ w, Zy
        bounds = working_set.KKTBounds(1, n_features, design.norms2)
    else:
        gram_matrix = None
        solve_alphas = (
            working_set.solve_alphas_sparse
            if design.is_sparse
            else working_set.solve_alphas_dense
        )
        state, target = design.residual_part(w), design.y
        bounds = working_set.KKTBounds(design.y.shape[0], n_features, design.norms2)
        if _shadow_pays(design, alphas.size):
            bounds.use_shadow(design.X)
        if not w.any():
            # At w = 0 the residual is y, whose correlations are known.
            bounds.start_from(design.y, design.Zy)
    storage = _storage_arguments(design, gram_matrix)
    gap_tol = tol * yy
    seed = 0
    if selection == "random":
        seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    # outputs of the dense and sparse kernels, reused for the final gap
    ws_correlations = np.empty(n_features)
    residual_stats = np.empty(2)
    factors = _finite_factors(penalty_factor)

    # one row per alpha: the rows of a block of alphas are contiguous
    coefs = np.empty((alphas.size, n_features))
    gaps = np.empty(alphas.size)
    epochs = np.empty(alphas.size, dtype=np.int64)
    # features the gap-safe test screened at each alpha: not used here, kept
    # by the compiled solve for diagnostics (the screening tests read it)
    n_screened = np.empty(alphas.size, dtype=np.int64)
    arguments = (
        w, state, *storage, target, yy, design.v, design.means,
        design.column_v, design.norms2,
    )  # fmt: skip
    settings = (
        factors, float(design.n_samples), float(l1_ratio), usable, unpenalized,
        bool(positive), int(max_iter), float(tol), float(gap_tol),
        selection == "random", seed, bounds.norms, bounds.correlations,
        bounds.slack, bounds.snapshot_of, bounds.snapshots, bounds.n_snapshots,
        bounds.shadow, bounds.shadow_errors, ws_correlations, residual_stats,
    )  # fmt: skip
    start, block, previous_alpha = 0, 1, 0.0
    while start < alphas.size:
        stop = min(start + block, alphas.size)
        began = time.perf_counter()
        solve_alphas(
            *arguments, alphas[start:stop], previous_alpha,
            start == 0 and coef_init is not None and check_warm_start, *settings,
            coefs[start:stop], gaps[start:stop], epochs[start:stop],
            n_screened[start:stop],
        )  # fmt: skip
        block = _next_block(stop - start, time.perf_counter() - began)
        start, previous_alpha = stop, alphas[stop - 1]
    if warn:
        # a NaN gap is no certificate either
        for gap in gaps[~(gaps <= gap_tol)]:
            warnings.warn(
                "Objective did not converge. You might want to increase the "
                f"number of iterations (max_iter={max_iter}). Duality gap: "
                f"{gap / design.n_samples:.3e}, tolerance: "
                f"{gap_tol / design.n_samples:.3e}",
                ConvergenceWarning,
                stacklevel=3,
            )
    dual_gaps = gaps / design.n_samples
    # 0 where the start was optimal (all zero, or a warm start), as in
    # scikit-learn, which checks the gap before its first epoch
    return coefs.T, dual_gaps, epochs.tolist()
