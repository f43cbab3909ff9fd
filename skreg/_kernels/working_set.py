"""The working-set solves along a grid of alphas, compiled (dense, sparse or Gram).

:func:`solve_alphas_dense`, :func:`solve_alphas_sparse` or
:func:`solve_alphas_gram` solves the alphas of a grid (or of a block of it,
see :func:`skreg._path.driver.solve_path`) in one call, each warm-started from
the previous solution, and at each alpha runs this loop without returning to
Python:

1. the working set is the features already in the model (nonzero or
   unpenalized), plus, along a path, those the sequential strong rule expects
   to enter (:func:`skreg._kernels.kkt.add_strong`); the kernel of
   :mod:`skreg._kernels.coordinate_descent` solves on it, first for a few
   epochs only (``_EARLY_EPOCHS`` along a path, ``_COLD_EPOCHS`` where no
   strong rule seeded the set);
2. the KKT conditions of every other feature are checked
   (:mod:`skreg._kernels.kkt`): violators join the working set and the loop
   repeats; without violators the working set is solved for
   ``_CHECK_GROWTH - 1`` times the epochs run so far before the next check,
   so that a tol out of the budget's reach never spends it on a stale set;
3. between rounds, when the kernel's last duality gap was taken at the
   current coefficients, the gap-safe test
   (:func:`skreg._kernels.screening._screen_gap_safe`) proves features zero
   at the optimum of this alpha: they leave the working set and every later
   check at this alpha;
4. when the solve has converged and nobody violates, the duality gap
   certifies the solution (that of the problem without the screened
   features, whose optimum is the same).

With the Gram matrix, ``Z' R`` is kept up to date by the kernel and the check
reads it; the matrix's rows are filled as features start to move. The
arguments come bundled: the stored design in
:class:`~skreg._kernels.coordinate_descent.Data` (for the Gram storage, the
Gram matrix in ``X`` and ``Z'y`` in ``y``), the settings in :class:`Settings`,
the KKT state in :class:`~skreg._kernels.kkt.Bounds`.
"""

from collections import namedtuple

import numpy as np
from numba import njit

from . import coordinate_descent as kernels
from . import correlations, gaps, gram, kkt, screening, small_solves, sweeps
from .coordinate_descent import _DENSE, _GRAM, _SPARSE, Options
from .correlations import _residual
from .digest import source_digest
from .gaps import dual_scale, duality_gap
from .gram import fill_working_rows
from .kkt import (
    _KKT_SLACK,
    add_strong,
    add_strong_gram,
    gram_violators,
    kkt_check,
    violators,
)
from .screening import (
    _ball_can_screen,
    _candidate_pull_bounds,
    _gap_inputs,
    _screen_gap_safe,
)
from .sweeps import _members

# Epochs on a new working set before the first KKT check: features that must
# join are found early instead of after a full solve. On a path, where the
# strong rule has seeded the working set and violators are its few misses,
# five; without the rule (a single fit, a path's first alpha), the working set
# is the violators at the start, most of whose coefficients are far from their
# values: two, then the check finds the rest sooner (the measurements are in
# benchmarks/README.md).
_EARLY_EPOCHS = 5
_COLD_EPOCHS = 2
# Without violators, the working set is solved for this many times the epochs
# run so far at the alpha before the KKT conditions are checked again.
_CHECK_GROWTH = 4

Settings = namedtuple(
    "Settings",
    ["factors", "n_samples", "l1_ratio", "usable", "unpenalized", "positive",
     "max_iter", "tol_dw", "gap_tol", "random", "seed"],
)  # fmt: skip
Settings.__doc__ = """How a path is solved.

The penalties at ``alpha`` are ``n_samples * alpha * l1_ratio * factors``
(L1) and ``n_samples * alpha * (1 - l1_ratio) * factors`` (L2); ``usable``
(features that can be nonzero) and ``unpenalized`` masks; ``positive``;
``max_iter`` (epochs per alpha); ``tol_dw`` and ``gap_tol`` (see
:class:`~skreg._kernels.coordinate_descent.Options`); ``random`` and
``seed``.
"""


def _build(storage_kind, digest):
    """Compile the entry point for one storage of the design.

    The entry point ``solve_alphas(w, Q, data, yy, grid, settings, bounds,
    scratch, results, rows)`` solves at each alpha of ``grid = (alphas,
    previous_alpha, check_first)`` in turn, from ``w`` (``Q`` is ``y - X w``,
    or ``H = Z'R`` for the Gram storage; both change in place).
    ``previous_alpha`` is the alpha solved just before the first (0: none),
    whose ratio to it the strong rule needs: a grid solved in several calls
    gives the same results as in one. With ``check_first``, the incoming
    ``w`` (a warm start) is checked before the first alpha's first epoch.
    ``scratch = (ws_correlations, residual_stats)`` receives the kernel's
    outputs; ``results = (coefs, gaps, epochs_run, screened_run)`` gets each
    solution in a row of ``coefs``, and its duality gap, epochs and newly
    screened features. ``rows = (X, filled)`` serves the Gram storage, whose
    matrix may hold only the rows ``filled`` so far: when the kernel finds
    features that would move without their row, it stops, and their rows
    are computed from the dense design ``X``
    (:func:`skreg._kernels.gram.fill_working_rows`), so that only features
    that move cost a row (glmnet's covariance mode). Other storages ignore
    it.

    ``storage_kind`` (``_DENSE``, ``_SPARSE`` or ``_GRAM``) is a closure
    constant, so numba drops the other storages' branches; ``digest`` (of
    the kernel modules, see :mod:`skreg._kernels.digest`) is only referenced,
    to be part of the cache key.
    """
    is_sparse = storage_kind == _SPARSE
    is_gram = storage_kind == _GRAM

    @njit(cache=True, nogil=True)
    def solve_alphas(w, Q, data, yy, grid, settings, bounds, scratch, results, rows):
        digest  # noqa: B018 (part of numba's cache key)
        alphas, previous_alpha, check_first = grid
        factors, n_samples, l1_ratio, usable, unpenalized, positive = settings[:6]
        max_iter, tol_dw, gap_tol, random, seed = settings[6:]
        ws_correlations, residual_stats = scratch
        coefs, gaps, epochs_run, screened_run = results
        v, means = data.v, data.means
        n_features = w.shape[0]
        R = np.empty(Q.shape[0])
        thresholds = np.empty(n_features)
        in_set = np.empty(n_features, dtype=np.bool_)
        candidates = np.empty(n_features, dtype=np.bool_)
        features = np.empty(n_features, dtype=np.intp)
        # upper bounds on each feature's pull at R (exact where known)
        pull_bounds = np.empty(n_features)
        # features proven zero at the current alpha (gap-safe), out of its checks
        screened = np.empty(n_features, dtype=np.bool_)
        # features that would move but lack their Gram row (Gram storage)
        wanting = np.zeros(n_features, dtype=np.bool_)
        # The unpenalized features are in every working set: their block is
        # factored once here, not at every solve (the Gram kernel has none).
        free = np.flatnonzero(usable & unpenalized)
        if is_gram:
            free = free[:0]
        prepared = sweeps.unpenalized_block(is_sparse, data, free, positive)
        for step in range(alphas.shape[0]):
            alpha = alphas[step]
            # previous alpha over this one, for the strong rule (0: none)
            previous = alphas[step - 1] if step > 0 else previous_alpha
            strong_ratio = previous / alpha if previous > 0 and alpha > 0 else 0.0
            l1 = (n_samples * alpha * l1_ratio) * factors
            l2 = (n_samples * alpha * (1.0 - l1_ratio)) * factors
            screened[:] = False
            for j in range(n_features):
                thresholds[j] = l1[j] * (1.0 + _KKT_SLACK)
                in_set[j] = usable[j] and (w[j] != 0.0 or unpenalized[j])
            if 1.0 < strong_ratio < 2.0:
                if is_gram:
                    add_strong_gram(Q, l1, strong_ratio, usable, positive, in_set)
                elif bounds.n_snapshots[0] > 0:
                    _residual(Q, w, means, v, R)
                    add_strong(R, l1, strong_ratio, usable, positive, bounds, in_set)
            n_screened = np.int64(0)
            epochs = 0
            early_epochs = _EARLY_EPOCHS if 1.0 < strong_ratio < 2.0 else _COLD_EPOCHS
            # A warm start is checked before any epoch: from an optimum, the
            # solve costs none (as scikit-learn's, which checks the gap first).
            budget = 0 if step == 0 and check_first else early_epochs
            while True:
                working_set = np.flatnonzero(in_set)
                converged = True
                # whether the kernel's outputs describe this working set at w
                kernel_outputs_current = np.bool_(False)
                if working_set.shape[0] and epochs < max_iter and budget > 0:
                    epochs_left = min(max_iter - epochs, budget)
                    # A gap at the end only when the epochs run out: the final
                    # certificate then needs no extra pass.
                    options = Options(
                        positive, epochs_left, tol_dw, gap_tol,
                        epochs_left == max_iter - epochs, random, seed,
                    )  # fmt: skip
                    if is_gram:
                        rows_X, filled = rows
                        # the block the kernel refits (no L1 nor L2 part, as
                        # every feature at alpha = 0) reads its rows
                        fill_working_rows(
                            _members(working_set, l1, l2, np.bool_(True)), Q, l1,
                            usable, rows_X, filled, data,
                        )  # fmt: skip
                        gap_ws, n_epochs, evaluated = kernels.enet_cd_gram(
                            w, Q, data.X, data.y, yy, l1, l2, working_set, options,
                            filled, wanting,
                        )  # fmt: skip
                        if not evaluated:
                            # the features that stopped the solve to get rows
                            needed = np.flatnonzero(wanting)
                            fill_working_rows(
                                needed, Q, l1, usable, rows_X, filled, data
                            )
                            wanting[needed] = False
                    elif is_sparse:
                        gap_ws, n_epochs, evaluated = kernels.enet_cd_sparse(
                            w, Q, data, l1, l2, working_set, options, scratch, prepared
                        )
                    else:
                        gap_ws, n_epochs, evaluated = kernels.enet_cd_dense(
                            w, Q, data, l1, l2, working_set, options, scratch, prepared
                        )
                    epochs += n_epochs
                    converged = evaluated and gap_ws <= gap_tol
                    kernel_outputs_current = evaluated
                n_outside = 0
                for j in range(n_features):
                    candidates[j] = usable[j] and not in_set[j] and not screened[j]
                    n_outside += candidates[j]
                if is_gram:
                    count = gram_violators(
                        Q, positive, candidates, thresholds, bounds.correlations,
                        features,
                    )  # fmt: skip
                else:
                    _residual(Q, w, means, v, R)
                    # the working set's correlations at R, when the kernel has them
                    n_known = working_set.shape[0] if kernel_outputs_current else 0
                    count = kkt_check(
                        is_sparse, data, R, thresholds, candidates, positive, bounds,
                        features, n_screened, working_set[:n_known],
                        ws_correlations[:n_known],
                    )  # fmt: skip
                n_violators = violators(
                    features, count, bounds.correlations, thresholds, positive,
                    in_set, np.bool_(False),
                )  # fmt: skip
                if budget == 0 and working_set.shape[0]:
                    # The warm start's gap, the violators' dual constraints
                    # included: within tol, w is the answer, violators or not
                    # (a zero may violate its KKT condition by less than tol).
                    relevant, values, _, RR, Ry = _gap_inputs(
                        (is_sparse, is_gram), np.bool_(False), data, w, Q, R, yy,
                        working_set, scratch, features, count, bounds.correlations,
                    )  # fmt: skip
                    gap_start = duality_gap(
                        values, w, l1, l2, data.norms2, relevant, positive, RR,
                        Ry, yy,
                    )  # fmt: skip
                    if gap_start <= gap_tol:
                        break
                    converged = False
                if epochs >= max_iter or (converged and n_violators == 0):
                    break
                if is_gram or kernel_outputs_current:
                    # The gap at w costs no pass here: screen with it.
                    relevant, values, ws_values, RR, Ry = _gap_inputs(
                        (is_sparse, is_gram), kernel_outputs_current, data, w, Q, R, yy,
                        working_set, scratch, features, count, bounds.correlations,
                    )  # fmt: skip
                    gap_now = duality_gap(
                        values, w, l1, l2, data.norms2, relevant, positive, RR,
                        Ry, yy,
                    )  # fmt: skip
                    if gap_now < np.inf and _ball_can_screen(
                        np.sqrt(2.0 * max(gap_now, 0.0)), l1, bounds.norms, usable,
                        unpenalized,
                    ):  # fmt: skip
                        if is_gram:
                            for j in range(n_features):
                                pull_bounds[j] = Q[j] if positive else abs(Q[j])
                        else:
                            _candidate_pull_bounds(
                                R, positive, candidates, bounds, pull_bounds
                            )
                            for k in range(working_set.shape[0]):
                                c = ws_values[k]
                                pull_bounds[working_set[k]] = c if positive else abs(c)
                        n_screened += _screen_gap_safe(
                            gap_now,
                            dual_scale(values, l1, l2, relevant, positive),
                            w, l1, bounds.norms, usable, unpenalized, pull_bounds,
                            screened, in_set,
                        )  # fmt: skip
                if n_violators:
                    violators(features, count, bounds.correlations, thresholds,
                              positive, in_set, np.bool_(True))  # fmt: skip
                    budget = early_epochs
                else:
                    # The working set is right at w: solve on it, but check
                    # again after _CHECK_GROWTH times the epochs run so far,
                    # in case the solve pulls outsiders over their threshold.
                    budget = max(early_epochs, (_CHECK_GROWTH - 1) * epochs)
                    if n_outside == 0:
                        budget = max_iter  # nobody left to check: finish
            # The gap of the problem without the screened features: their zeros
            # are proven, so it bounds the suboptimality of w all the same.
            relevant, values, _, RR, Ry = _gap_inputs(
                (is_sparse, is_gram), kernel_outputs_current, data, w, Q, R, yy,
                working_set, scratch, features, count, bounds.correlations,
            )  # fmt: skip
            gap = duality_gap(
                values, w, l1, l2, data.norms2, relevant, positive, RR, Ry, yy
            )
            for j in range(n_features):
                coefs[step, j] = w[j]
            gaps[step] = gap
            epochs_run[step] = epochs
            screened_run[step] = n_screened

    return solve_alphas


_DIGEST = source_digest(
    kernels, correlations, gaps, gram, kkt, screening, small_solves, sweeps
)
solve_alphas_dense = _build(_DENSE, _DIGEST)
solve_alphas_sparse = _build(_SPARSE, _DIGEST)
solve_alphas_gram = _build(_GRAM, _DIGEST)
