"""Path driver: from a design to coefficients along a grid of alphas.

The driver warm-starts each alpha from the previous solution and solves on a
working set: the features that are nonzero or unpenalized, and those the
sequential strong rule expects to enter; it then checks the
KKT conditions on every other feature and grows the working set with the
violators until there are none, so the returned duality gap certifies the full
problem. The check computes a dot product only for features whose bound
cannot rule a violation out. That loop runs compiled, one call for a block
of alphas (:mod:`skreg._kernels.working_set`): blocks grow while the calls stay
short, so that a small path costs a few calls and Ctrl-C still stops a long
one between blocks. Scales: see :mod:`skreg._path.design`.
"""

import time
import warnings
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from .._kernels import kkt, working_set
from .._kernels.coordinate_descent import Data
from .._kernels.working_set import Settings
from .gram_rows import NO_SOURCE, GramRows
from .grid import _finite_factors


class PathResult(NamedTuple):
    """Solutions along a grid of alphas, as :func:`solve_path` returns them.

    Attributes
    ----------
    coefs : ndarray of shape (n_features, n_alphas), float64
    dual_gaps : ndarray of shape (n_alphas,)
        On the estimators' scale (divided by ``n_samples``); 0 where the
        start was already optimal.
    n_iters : list of int
        Epochs run at each alpha.
    """

    coefs: np.ndarray
    dual_gaps: np.ndarray
    n_iters: list


def _kernel_data(design, gram, target):
    """The design as the compiled solve reads it (:class:`Data`).

    The Gram matrix or dense ``X`` in ``X``, or a CSC matrix's arrays in the
    CSC slots; the unused slots get small placeholders of the types the
    compiled code expects. ``target`` is ``y``, or ``Z'y`` with the Gram matrix.
    """
    X = design.X
    if gram is not None:
        X_parts = (gram, np.empty(0), np.empty(0, np.int32), np.zeros(1, np.int32))
    elif design.is_sparse:
        X_parts = (np.empty((0, 0), dtype=X.dtype), X.data, X.indices, X.indptr)
    else:
        X_parts = (
            X,
            np.empty(0, X.dtype),
            np.empty(0, np.int32),
            np.zeros(1, np.int32),
        )
    return Data(
        *X_parts, target, design.v, design.means, design.column_v, design.norms2
    )


def _shadow_pays(design, n_alphas):
    """Whether the KKT checks should read a float32 copy of dense ``X``.

    Along a path on wide dense float64 ``X``, most of the time goes to full
    passes ``Z' R`` that stream ``X`` from memory; a float32 copy halves their
    bytes, and its rounding error is added to the bounds. The copy costs more
    than one pass and half of ``X`` in memory: a single fit does without it,
    and so does tall ``X``, whose few full passes it does not repay (the
    timings are in ``benchmarks/README.md``).
    """
    if design.is_sparse or design.X.dtype != np.float64 or n_alphas < 2:
        return False
    n_samples, n_features = design.X.shape
    return n_features > n_samples


# Alphas per compiled call along a path: as many as take about this long, the
# count growing at most _BLOCK_GROWTH-fold from one call to the next. Python
# sees Ctrl-C only between calls, so a long path stops within about a block,
# as scikit-learn's stops between alphas; a small path still takes a handful
# of calls (a call from Python per alpha would be most of a small problem's
# solve).
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
        ``Z'Z`` (an array, or :class:`~skreg._path.gram_rows.GramRows`
        whose rows the solve fills as it needs them) and ``Z'y``; switches
        to the Gram kernel.
    warn : bool
        Whether to raise a ConvergenceWarning for an unconverged alpha.
    check_warm_start : bool
        Whether ``coef_init`` is checked before the first epoch, and returned
        as it is when its gap already meets ``tol`` (as in scikit-learn).

    Returns
    -------
    PathResult
        ``(coefs, dual_gaps, n_iters)``.
    """
    n_features = design.n_features
    alphas = np.ascontiguousarray(alphas, dtype=np.float64)
    w = np.zeros(n_features) if coef_init is None else np.array(coef_init, float)
    usable = np.isfinite(penalty_factor) & design.nonconstant
    w[~usable] = 0.0
    unpenalized = usable & (penalty_factor == 0)
    yy = design.yy
    if gram is not None:
        rows, Zy = gram
        if not isinstance(rows, GramRows):
            rows = GramRows.complete(rows)
        gram_matrix, source = rows.matrix, rows.source
        solve_alphas = working_set.solve_alphas_gram
        # the kernel's state: H = Z'R instead of the residual
        state, target = Zy - rows.times(w), Zy
        bounds = kkt.new_bounds(1, n_features, design.norms2)
    else:
        design._need_rows("Coordinate descent without a Gram matrix")
        gram_matrix, source = None, NO_SOURCE
        solve_alphas = (
            working_set.solve_alphas_sparse
            if design.is_sparse
            else working_set.solve_alphas_dense
        )
        state, target = design.residual_part(w), design.y
        bounds = kkt.new_bounds(design.y.shape[0], n_features, design.norms2)
        if _shadow_pays(design, alphas.size):
            bounds = kkt.with_shadow(bounds, design.X)
        if not w.any():
            # At w = 0 the residual is y, whose correlations are known.
            kkt.start_from(bounds, design.y, design.Zy)
    data = _kernel_data(design, gram_matrix, target)
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
    settings = Settings(
        factors, float(design.n_samples), float(l1_ratio), usable, unpenalized,
        bool(positive), int(max_iter), float(tol), float(gap_tol),
        selection == "random", seed,
    )  # fmt: skip
    scratch = (ws_correlations, residual_stats)
    start, block, previous_alpha = 0, 1, 0.0
    while start < alphas.size:
        stop = min(start + block, alphas.size)
        began = time.perf_counter()
        check_first = start == 0 and coef_init is not None and check_warm_start
        grid = (alphas[start:stop], float(previous_alpha), check_first)
        results = (
            coefs[start:stop], gaps[start:stop], epochs[start:stop],
            n_screened[start:stop],
        )  # fmt: skip
        solve_alphas(
            w, state, data, yy, grid, settings, bounds, scratch, results, source
        )
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
    return PathResult(coefs.T, dual_gaps, epochs.tolist())
