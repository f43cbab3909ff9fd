"""Numba coordinate-descent kernels for the weighted elastic net.

Every kernel solves, over the features listed in ``working_set``,

.. math::

    P(w) = \\tfrac12 \\|y - Z w\\|_2^2
           + \\sum_j l1_j |w_j| + \\tfrac12 l2_j w_j^2
           \\quad (\\text{and } w_j \\ge 0 \\text{ if positive})

in *sum units*: the path driver (:mod:`skreg._path`) has already multiplied the
penalties by ``n_samples`` and the rows of ``X`` and ``y`` by the square roots
of the sample weights. Column ``j`` of ``Z`` is the centred column
``z_j = x_j - mean_j * v`` where ``x_j`` is the stored column, ``v`` the vector
of square-root sample weights (ones without weights) and ``mean_j`` the weighted
column mean (0 without intercept). ``Z`` is never formed: dense and sparse ``X``
are used as stored, which is what keeps sparse input sparse and avoids a copy of
dense input.

The residual ``R = y - Z w`` is kept as ``R = Q + t v`` with ``Q = y - X w`` and
the scalar ``t = mean . w``, so that updating coordinate ``j`` touches only the
stored entries of ``x_j`` (``Q -= delta * x_j``), never a dense centred column.

Convergence is certified by the duality gap (as in scikit-learn): after an epoch
whose largest coefficient change is at most ``tol_dw`` times the largest
coefficient, the gap is computed and the solve stops when it is at most
``gap_tol``; after a gap that is still too large, the next one waits for a
share of the epochs that the gap's linear decrease predicts are needed. The
dual point is the residual rescaled to be feasible for the features with a
pure L1 penalty; features with an L2 part enter through their Fenchel
conjugate, so ``l1_ratio=0`` (ridge) is certified too.

In-place contract: ``w`` and ``Q`` (or ``H`` for the Gram kernel) are updated in
place and describe the returned solution; nothing else is written.
Kernels return ``(gap, n_epochs, evaluated)``; their arguments come bundled in
the named tuples :class:`Data` (the stored design) and :class:`Options`.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from .digest import source_digest
from .gaps import (
    _FAST,
    _SPARSE_FAST,
    _centring_sums,
    _incoming_sums,
    _next_gap_epoch,
    _residual_into,
    duality_gap,
)
from .small_solves import _anderson_extrapolation
from .sweeps import (
    _ANDERSON_MARGIN,
    _anderson_backoff,
    _extrapolated_penalty,
    _keep_if_lower,
    _members,
    _next_sweep_is_full,
    _nonzero_into,
    _passes,
    _penalty_value,
    _refit_unpenalized,
    _refit_unpenalized_gram,
    _sweep_cost,
    _sweep_dense,
    _sweep_gram,
    _sweep_sparse,
    block_of,
    subtract_column,
)

# Anderson acceleration combines this many consecutive epochs' iterates.
_ANDERSON_DEPTH = 5

# How the design is stored (closure constants of the compiled kernels).
_DENSE, _SPARSE, _GRAM = 0, 1, 2

Data = namedtuple(
    "Data", ["X", "X_data", "X_indices", "X_indptr", "y", "v", "means", "column_v",
             "norms2"]
)  # fmt: skip
Data.__doc__ = """The stored design, as the kernels read it.

``X`` is the dense, Fortran-ordered design (an empty 2-D array for CSC
storage), ``X_data``, ``X_indices``, ``X_indptr`` the CSC arrays (empty for
dense storage); ``y`` the centred, weighted target; ``v`` the square roots of
the sample weights; ``means``, ``column_v`` (``x_j' v``) and ``norms2``
(``||z_j||^2``) one entry per feature.
"""

Options = namedtuple(
    "Options", ["positive", "max_epochs", "tol_dw", "gap_tol", "gap_at_end",
                "random", "seed"]
)  # fmt: skip
Options.__doc__ = """How a kernel solves.

``positive`` (constrain the coefficients to be non-negative); ``max_epochs``
(passes over the working set at most: a sweep over the nonzero coefficients
only counts as its share of one, so that a budget buys at least the
coordinate updates of as many full passes); ``tol_dw`` (relative coefficient
change below which the gap is checked); ``gap_tol`` (duality gap, sum units,
at which the solve stops); ``gap_at_end`` (evaluate the gap after the last
epoch even when the coefficients have not settled: the caller then gets a
gap describing the returned ``w``); ``random`` and ``seed`` (random feature
order, and its seed).
"""


@njit(cache=True, nogil=True, fastmath=_FAST)
def _column_dot_dense(X, j, R):
    total = 0.0
    for i in range(R.shape[0]):
        total += X[i, j] * R[i]
    return total


@njit(cache=True, nogil=True, fastmath=_SPARSE_FAST)
def _column_dot_sparse(X_data, X_indices, X_indptr, j, R):
    total = 0.0
    for p in range(np.uintp(X_indptr[j]), np.uintp(X_indptr[j + 1])):
        total += X_data[p] * R[np.uintp(X_indices[p])]
    return total


@njit(cache=True, nogil=True)
def _anderson_candidate(epoch, w, working_set, history, candidate, wait, positive):
    """Record this epoch's iterate; every ``_ANDERSON_DEPTH + 1`` epochs, the
    extrapolated point of the last ones (Anderson acceleration) into
    ``candidate``, unless ``wait`` opportunities are still to be skipped.

    Returns ``(proposed, wait)``: whether ``candidate`` holds a point to try
    (clipped at zero under ``positive``), and the updated wait.
    """
    n_working = working_set.shape[0]
    slot = epoch % (_ANDERSON_DEPTH + 1)
    for k in range(n_working):
        history[slot, k] = w[working_set[k]]
    if slot != _ANDERSON_DEPTH or n_working <= 1:
        return False, wait
    if wait > 0:
        return False, wait - 1
    if not _anderson_extrapolation(history, candidate):
        return False, wait
    if positive:
        for k in range(n_working):
            candidate[k] = max(candidate[k], 0.0)
    return True, wait


def _build(storage_kind, digest):
    """Compile the coordinate-descent kernel of one storage (dense or CSC).

    One body for both: ``storage_kind`` is a closure constant, so numba keeps
    only its own storage's branches. ``digest`` (of the modules it calls,
    whose edits numba's cache would not see) is only referenced, to be part
    of the cache key.
    """
    is_sparse = storage_kind == _SPARSE

    @njit(cache=True, nogil=True, fastmath=_SPARSE_FAST if is_sparse else _FAST)
    def enet_cd(w, Q, data, l1, l2, working_set, options, outputs, prepared):
        """Coordinate descent on the ``working_set`` of the stored design.

        Parameters
        ----------
        w : ndarray of shape (n_features,)
            Coefficients, updated in place (warm start in, solution out).
        Q : ndarray of shape (n_samples,)
            ``y - X w`` for the incoming ``w``; updated in place.
        data : Data
            The stored design.
        l1, l2 : ndarray of shape (n_features,)
            Penalties in sum units.
        working_set : ndarray of int
            Features to update; each must have ``norms2 > 0`` and finite
            ``l1``.
        options : Options
        outputs : tuple (correlations, residual_stats)
            Written: ``z_j' R`` for the working set at the returned ``w``
            (entry ``k`` for ``working_set[k]``) and ``(R'R, R'y)``, from the
            last duality-gap evaluation.
        prepared : tuple
            The unpenalized block the caller made once for its path
            (:func:`~skreg._kernels.sweeps.unpenalized_block`); used when it
            is that of the working set's unpenalized features, else remade.

        Returns
        -------
        gap : float
            Duality gap of the working-set problem at the last evaluation.
        n_epochs : int
            Passes over the working set run (see :class:`Options`).
        evaluated : bool
            Whether that evaluation was at the returned ``w``, so that
            ``gap`` and ``outputs`` describe it (always when the solve
            converged, or when ``gap_at_end`` is set).

        Notes
        -----
        The gap is evaluated once the largest coefficient change is at most
        ``tol_dw`` times the largest coefficient, and after a failed
        evaluation on the schedule of :func:`_next_gap_epoch`. Every
        ``_ANDERSON_DEPTH + 1`` epochs the last iterates are extrapolated
        (Anderson acceleration) and the extrapolated point replaces ``w``
        when it lowers the objective. Unpenalized features form one block,
        re-fitted by (non-negative) least squares given the others after
        every epoch, so that their dual constraint holds, as the duality gap
        requires.
        """
        digest  # noqa: B018 (part of numba's cache key)
        positive, max_epochs, tol_dw, gap_tol, gap_at_end, random, seed = options
        X, X_data, X_indices, X_indptr, y, v, means, column_v, norms2 = data
        correlations, residual_stats = outputs
        n_samples = Q.shape[0]
        n_working = working_set.shape[0]
        vv, vQ, yy, t = _incoming_sums(w, Q, y, v, means)
        if random:
            np.random.seed(seed)
        # The unpenalized features form one block, solved exactly after each
        # epoch (least squares, non-negative under ``positive``); coordinate
        # updates cover the penalized ones.
        unpenalized = _members(working_set, l1, l2, np.bool_(True))
        block = unpenalized.shape[0] > 0
        swept = _members(working_set, l1, l2, np.bool_(False)) if block else working_set
        prepared = block_of(is_sparse, data, unpenalized, positive, prepared)
        R = np.empty(n_samples)
        history = np.empty((_ANDERSON_DEPTH + 1, n_working))
        candidate = np.empty(n_working)
        gap = np.inf
        # gap schedule (see _next_gap_epoch): next check, last evaluation
        next_gap, gap_epoch, last_gap = 0, np.int64(-1), np.inf
        # extrapolation opportunities to skip, and the current skip length
        anderson_wait, anderson_backoff = np.int64(0), np.int64(0)
        active = np.empty(swept.shape[0], dtype=swept.dtype)
        n_active, active_sweeps = np.int64(0), 0
        full_sweep = np.bool_(True)
        # Work done, in passes over the working set: a sweep over the nonzero
        # coefficients only counts as its share of a pass.
        work = 0.0
        epoch = -1
        while work + _sweep_cost(full_sweep, n_active, swept.shape[0]) <= max_epochs:
            epoch += 1
            features = swept if full_sweep else active[:n_active]
            if is_sparse:
                t, vQ, w_max, dw_max = _sweep_sparse(
                    w, Q, data, l1, l2, features, positive, random, t, vQ, vv
                )
            else:
                t, vQ, w_max, dw_max = _sweep_dense(
                    w, Q, data, l1, l2, features, positive, random, t, vQ, vv
                )
            was_full = full_sweep
            work += _sweep_cost(was_full, n_active, swept.shape[0])
            if was_full:
                n_active = _nonzero_into(w, swept, active)
                active_sweeps = 0
                # The sums t and v'Q are updated with every step; recomputed
                # now and then, their rounding cannot build up over a long
                # solve (the gradients, hence the fixed point, depend on them).
                t, vQ = _centring_sums(w, Q, v, means, working_set)
            else:
                active_sweeps += 1
            proposed, anderson_wait = _anderson_candidate(
                epoch, w, working_set, history, candidate, anderson_wait, positive
            )
            if proposed:
                # Evaluate the extrapolated point in R (as its Q part); keep
                # it only if it lowers the objective.
                shift = 0.0
                for i in range(n_samples):
                    R[i] = Q[i]
                for k in range(n_working):
                    j = working_set[k]
                    delta = candidate[k] - w[j]
                    if delta != 0.0:
                        subtract_column(is_sparse, data, j, delta, R)
                        shift += delta * means[j]
                t, vQ, kept = _keep_if_lower(
                    w, Q, R, t, vQ, shift, v, candidate, l1, l2, working_set
                )
                anderson_wait, anderson_backoff = _anderson_backoff(
                    kept, anderson_backoff
                )
            if block:
                t, vQ = _refit_unpenalized(
                    is_sparse, w, Q, data, unpenalized, prepared, t, positive
                )
            settled = w_max == 0.0 or dw_max <= tol_dw * w_max
            full_sweep = _next_sweep_is_full(
                was_full, settled, n_active, swept.shape[0], active_sweeps
            )
            next_cost = _sweep_cost(full_sweep, n_active, swept.shape[0])
            last = work + next_cost > max_epochs
            if (settled and was_full and epoch >= next_gap) or (last and gap_at_end):
                RR, Ry, vR = _residual_into(Q, t, v, y, R)
                for k in range(n_working):
                    j = working_set[k]
                    if is_sparse:
                        dot = _column_dot_sparse(X_data, X_indices, X_indptr, j, R)
                    else:
                        dot = _column_dot_dense(X, j, R)
                    correlations[k] = dot - means[j] * vR
                residual_stats[0] = RR
                residual_stats[1] = Ry
                gap = duality_gap(
                    correlations, w, l1, l2, norms2, working_set, positive, RR,
                    Ry, yy,
                )  # fmt: skip
                if gap <= gap_tol:
                    return gap, _passes(work), True
                next_gap = _next_gap_epoch(epoch, gap, gap_epoch, last_gap, gap_tol)
                gap_epoch, last_gap = epoch, gap
        # the last gap describes the returned w iff it was evaluated last epoch
        return gap, _passes(work), gap_epoch >= 0 and gap_epoch == epoch

    return enet_cd


@njit(cache=True, nogil=True, fastmath=_FAST)
def enet_cd_gram(w, H, gram, Zy, yy, l1, l2, working_set, options, filled, wanting):
    """Coordinate descent on the precomputed Gram matrix ``Z'Z`` (for n >> p).

    Parameters
    ----------
    w : ndarray of shape (n_features,)
        Coefficients, updated in place.
    H : ndarray of shape (n_features,)
        ``Z' R = Zy - gram @ w`` for the incoming ``w``; updated in place.
    gram : ndarray of shape (n_features, n_features), C-ordered
        ``Z' Z`` (centred, sample-weighted).
    Zy : ndarray of shape (n_features,)
        ``Z' y``.
    yy : float
        ``y' y``.
    filled : ndarray of bool of shape (n_features,)
        The rows of ``gram`` that are filled; every unpenalized feature of
        the working set must have its row.
    wanting : ndarray of bool of shape (n_features,)
        Written: the features that would move but have no row. The solve
        stops after the epoch that finds one, so that the caller fills their
        rows (see :func:`skreg._kernels.gram.fill_working_rows`); it then
        returns ``evaluated`` False.

    Other parameters and the return value are as in the dense and sparse
    kernels (:func:`_build`).
    """
    positive, max_epochs, tol_dw, gap_tol, gap_at_end, random, seed = options
    n_features = w.shape[0]
    n_working = working_set.shape[0]
    if random:
        np.random.seed(seed)
    norms2 = np.empty(n_features)
    for m in range(n_features):
        norms2[m] = gram[m, m]
    # The unpenalized features form one block, solved exactly after each epoch
    # (least squares, non-negative under ``positive``); coordinate updates
    # cover the penalized ones.
    unpenalized = _members(working_set, l1, l2, np.bool_(True))
    block = unpenalized.shape[0] > 0
    swept = _members(working_set, l1, l2, np.bool_(False)) if block else working_set
    correlations = np.empty(n_working)
    history = np.empty((_ANDERSON_DEPTH + 1, n_working))
    candidate = np.empty(n_working)
    shifted = np.empty(n_features)
    gap = np.inf
    # gap schedule (see _next_gap_epoch): next check, last evaluation
    next_gap, gap_epoch, last_gap = 0, np.int64(-1), np.inf
    # extrapolation opportunities to skip, and the current skip length
    anderson_wait, anderson_backoff = np.int64(0), np.int64(0)
    for epoch in range(max_epochs):
        w_max, dw_max, n_wanting = _sweep_gram(
            w, H, gram, l1, l2, swept, positive, random, filled, wanting
        )
        if n_wanting:
            return np.inf, epoch + 1, False
        proposed, anderson_wait = _anderson_candidate(
            epoch, w, working_set, history, candidate, anderson_wait, positive
        )
        if proposed:
            # H at the extrapolated point, then both objectives from
            # R'R = y'y - w'Zy - w'H (see below).
            for m in range(n_features):
                shifted[m] = H[m]
            for k in range(n_working):
                j = working_set[k]
                delta = candidate[k] - w[j]
                if delta != 0.0:
                    for m in range(n_features):
                        shifted[m] -= delta * gram[j, m]
            now = _penalty_value(w, l1, l2, working_set)
            extrapolated = _extrapolated_penalty(candidate, l1, l2, working_set)
            for m in range(n_features):
                now += 0.5 * (-w[m] * Zy[m] - w[m] * H[m])
            for k in range(n_working):
                j = working_set[k]
                extrapolated += 0.5 * (
                    -candidate[k] * Zy[j] - candidate[k] * shifted[j]
                )
            kept = extrapolated < now - _ANDERSON_MARGIN * (abs(now) + 0.5 * yy)
            if kept:
                for m in range(n_features):
                    H[m] = shifted[m]
                for k in range(n_working):
                    w[working_set[k]] = candidate[k]
            anderson_wait, anderson_backoff = _anderson_backoff(kept, anderson_backoff)
        if block:
            _refit_unpenalized_gram(w, H, gram, unpenalized, positive)
        settled = w_max == 0.0 or dw_max <= tol_dw * w_max
        last = epoch == max_epochs - 1
        if (settled and epoch >= next_gap) or (last and gap_at_end):
            wZy = 0.0
            wH = 0.0
            for m in range(n_features):
                wZy += w[m] * Zy[m]
                wH += w[m] * H[m]
            # R'R = y'y - 2 w'Z'y + w'Z'Zw and Z'Zw = Zy - H.
            RR = max(yy - wZy - wH, 0.0)
            Ry = yy - wZy
            for k in range(n_working):
                correlations[k] = H[working_set[k]]
            gap = duality_gap(
                correlations, w, l1, l2, norms2, working_set, positive, RR, Ry, yy
            )
            if gap <= gap_tol:
                return gap, epoch + 1, True
            next_gap = _next_gap_epoch(epoch, gap, gap_epoch, last_gap, gap_tol)
            gap_epoch, last_gap = epoch, gap
    # the last gap describes the returned w iff it was evaluated last epoch
    return gap, max_epochs, max_epochs > 0 and gap_epoch == max_epochs - 1


def _dependencies():
    """The modules the kernels call (see :func:`_build`)."""
    from . import correlations, gaps, small_solves, sweeps

    return correlations, gaps, small_solves, sweeps


_DIGEST = source_digest(*_dependencies())
enet_cd_dense = _build(_DENSE, _DIGEST)
enet_cd_sparse = _build(_SPARSE, _DIGEST)
