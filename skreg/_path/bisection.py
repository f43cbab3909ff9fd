"""The path of the elastic net, with its events located by bisection.

The elastic-net path is not piecewise linear, and the lasso homotopy
(:mod:`skreg._path.homotopy`) can become numerically unsafe (ties between
collinear features). Then the path is computed by coordinate descent on a
geometric grid, and every change of the active set between two grid points
is located by bisection on alpha, to a relative precision of
``_BISECTION_RTOL``, with the KKT numbers measured at the located alpha.

A group of tied columns (:mod:`skreg._path.ties`) changes state as one: it
is in the model while any member is nonzero, and its events are recorded
under one member. Otherwise the split among its members, which the lasso
leaves free and coordinate descent settles by the order of its updates,
would show as events of coefficients that are rounding noise.
"""

import numpy as np

from .driver import solve_path
from .grid import alpha_max
from .homotopy import PathEvent

_GRID_POINTS = 100
_BISECTION_RTOL = 1e-6
_SOLVER_TOL = 1e-12
_MAX_EPOCHS = 100_000


class _PathSolver:
    """Solutions of the weighted elastic net at any alpha, warm-started."""

    def __init__(self, design, penalty_factor, l1_ratio, positive):
        self.design = design
        self.penalty_factor = penalty_factor
        self.l1_ratio = l1_ratio
        self.positive = positive

    def solve(self, alphas, coef_init=None):
        coefs, _, _ = solve_path(
            self.design,
            np.atleast_1d(alphas),
            self.penalty_factor,
            l1_ratio=self.l1_ratio,
            positive=self.positive,
            coef_init=coef_init,
            tol=_SOLVER_TOL,
            max_iter=_MAX_EPOCHS,
            # The bisection tells zero from nonzero by the coefficients: a
            # warm start within tol still gets its epochs, which settle
            # coefficients too small for the gap to resolve.
            check_warm_start=False,
        )
        return coefs

    def correlations(self, coef):
        """``|z_j' r| / n`` for every feature at ``coef``."""
        residual = self.design.residual(coef)
        return self.design.correlations(residual) / self.design.n_samples


def bisection_path(design, penalty_factor, *, alpha, l1_ratio, positive, ties=()):
    """The path from ``alpha_max`` down to ``alpha`` and its located events.

    Parameters
    ----------
    design : Design
    penalty_factor : ndarray of shape (n_features,)
    alpha, l1_ratio : float
    positive : bool
    ties : sequence of (carrier, members, ratios), default=()
        Groups of tied columns that change state together: one event per
        change of the group (any member nonzero), recorded under
        ``carrier`` with its KKT numbers; ``z_j = ratios[k] z_carrier`` for
        ``j = members[k]`` gives the group's sign.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The grid and the located alphas, decreasing.
    coef_path : ndarray of shape (n_features, n_alphas)
    events : list of PathEvent
        In path order; ``penalty`` includes ``l1_ratio``.
    """
    solver = _PathSolver(design, penalty_factor, l1_ratio, positive)
    top = max(alpha_max(design, penalty_factor, l1_ratio, positive), alpha)
    grid = (
        np.geomspace(top, alpha, _GRID_POINTS)
        if top > alpha > 0
        else np.array([top, alpha])
    )
    grid = np.unique(grid)[::-1]
    coefs = solver.solve(grid)
    points = {a: coefs[:, k] for k, a in enumerate(grid)}
    state = _State(design.n_features, ties)
    events = []
    for k in range(1, grid.size):
        before, after = state(coefs[:, k - 1]), state(coefs[:, k])
        for j in np.flatnonzero(before != after):
            events.append(
                _locate(solver, j, grid[k - 1], grid[k], coefs[:, k - 1], points, state)
            )
    events.sort(key=lambda event: -event.alpha)
    # The path keeps the grid and the located alphas; the other bisection
    # points only served the search (they would make an explanation
    # several times larger).
    kept = set(grid.tolist()) | {event.alpha for event in events}
    alphas = np.array(sorted(kept, reverse=True))
    coef_path = np.column_stack([points[a] for a in alphas])
    return alphas, coef_path, events


class _State:
    """Which features are in the model at a solution, tie groups as one.

    Called on a coefficient vector, returns a boolean vector: for a feature
    outside any group, ``coef != 0``; for a group, whether any member is
    nonzero, on its carrier only (the other members are always False).
    """

    def __init__(self, n_features, ties):
        self.groups = {
            int(carrier): (np.asarray(members, dtype=np.intp), np.asarray(ratios))
            for carrier, members, ratios in ties
        }
        self.silent = np.zeros(n_features, dtype=bool)
        for carrier, (members, _) in self.groups.items():
            self.silent[members] = True
            self.silent[carrier] = False

    def __call__(self, coef):
        active = coef != 0
        if self.groups:
            for carrier, (members, _) in self.groups.items():
                active[carrier] = active[members].any()
            active[self.silent] = False
        return active

    def sign(self, coef, feature):
        """The sign of ``feature``'s coefficient, of its group's for a carrier."""
        if feature in self.groups:
            members, ratios = self.groups[feature]
            return int(np.sign(ratios @ coef[members])) or 1
        return int(np.sign(coef[feature])) or 1


def _locate(solver, feature, high, low, coef_high, points, state):
    """Bisect ``[low, high]`` for the alpha where ``feature`` changes state.

    Returns the :class:`PathEvent`, with the KKT numbers measured at the
    located alpha.
    """
    was_active = state(coef_high)[feature]
    warm = coef_high
    # An interval ending at alpha = 0 (least squares) is not bisected.
    while low > 0 and (high - low) > _BISECTION_RTOL * high:
        middle = np.sqrt(high * low)
        coef_middle = solver.solve(middle, coef_init=warm)[:, 0]
        points[middle] = coef_middle
        if state(coef_middle)[feature] == was_active:
            high, warm = middle, coef_middle
        else:
            low = middle
    located = np.sqrt(high * low)
    coef = solver.solve(located, coef_init=warm)[:, 0]
    points[located] = coef
    side = points[high] if was_active else points[low]
    return PathEvent(
        alpha=located,
        feature=int(feature),
        event="exit" if was_active else "enter",
        sign=state.sign(side, feature),
        correlation=float(abs(solver.correlations(coef)[feature])),
        penalty=float(located * solver.l1_ratio * solver.penalty_factor[feature]),
    )
