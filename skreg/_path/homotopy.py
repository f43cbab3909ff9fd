"""Exact lasso homotopy (LARS-lasso) with per-feature penalty factors.

The lasso solution is piecewise linear in ``alpha``: between two *knots* the set
of nonzero coefficients (the active set ``A``) and their signs do not change, and
the coefficients move along a straight line. This module walks that path exactly,
knot by knot, from ``alpha_max`` (where every penalized coefficient is zero) down
to ``alpha_min``, and records at each knot which feature entered or left the
active set and the KKT numbers that decided it.

Problem (scikit-learn's ``Lasso`` scale, ``s`` the sample weights)::

    minimize  1 / (2 sum(s)) sum_i s_i (y_i - b - x_i . beta)^2
              + alpha sum_j pf_j |beta_j|

The walk reads the fit's :class:`~skreg._path.design.Design` (centred,
weighted, in sum units) divided by ``n = sum(s)``: ``c = Z' r / n`` are the
correlations with the residual and ``G = Z' Z / n`` the Gram matrix, of which
it only forms the columns of the features that enter. The KKT conditions read

    |c_j| <= alpha pf_j for every j,   c_j = alpha pf_j sign(beta_j) if beta_j != 0.

On a segment the active coefficients follow ``beta_A(alpha - t) = beta_A + t d``
with ``G_AA d = pf_A * sign_A``, and every correlation moves linearly,
``c(alpha - t) = c - t a`` with ``a = G_A d``. The segment ends at
the first ``t`` where an inactive correlation reaches its moving bound
``(alpha - t) pf_j`` (the feature *enters*) or an active coefficient reaches zero
(the feature *exits*). With ``c = Z'y / n - G_A beta_A`` and ``a = G_A d``,
a step costs ``O(n_features |A|)``, and the walk needs from the data only
``Z'y`` and a Gram column per entering feature: it runs on sufficient
statistics as well as on X.
"""

from typing import NamedTuple

import numpy as np
from scipy.linalg import get_lapack_funcs

# A new active column whose part outside the span of the active columns has a
# squared norm below this fraction of its own is treated as collinear with them.
_COLLINEAR_TOLERANCE = 1e-10
# Two events closer than this (relative to alpha_max) are a tie the one-at-a-time
# homotopy cannot resolve.
_TIE_TOLERANCE = 1e-10
# A residual this small relative to y is zero up to rounding.
_ZERO_RESIDUAL_TOLERANCE = 1e-12
# Knot cap, as a multiple of the largest possible active set.
_KNOTS_PER_ACTIVE_FEATURE = 8
# LAPACK called directly: scipy.linalg's wrappers cost more than the solves
# themselves at the sizes of an active set, once per knot.
_solve_cholesky, _solve_triangular = get_lapack_funcs(
    ("potrs", "trtrs"), dtype=np.float64
)


class PathEvent(NamedTuple):
    """One feature entering or leaving the active set.

    The one event type of skreg: the homotopy and the bisection of the path
    layer produce them with ``feature`` a column index; an explanation shows
    them with the feature's name.

    Attributes
    ----------
    alpha : float
        The knot's penalty strength.
    feature : int or str
        Column index of the feature (its name in an explanation).
    event : {"enter", "exit"}
        "enter": its correlation with the residual reached its penalty, so its
        coefficient becomes nonzero below ``alpha``. "exit": its coefficient
        reached zero and stays zero just below ``alpha``.
    sign : int
        +1 or -1: the sign of the coefficient after entering, or before exiting.
    correlation : float
        ``|x_j' r| / n`` at ``alpha``, on the centred weighted scale.
    penalty : float
        ``alpha * pf_j``. Equal to ``correlation`` at every event (KKT).
    """

    alpha: float
    feature: object
    event: str
    sign: int
    correlation: float
    penalty: float


class HomotopyResult(NamedTuple):
    """The exact lasso path returned by :func:`lasso_homotopy`.

    Attributes
    ----------
    alphas : ndarray of shape (n_knots,)
        Knots, decreasing. The last one is ``alpha_min`` when the walk reached it.
    coefs : ndarray of shape (n_features, n_knots)
        Coefficients at each knot; linear interpolation between knots is exact.
    intercepts : ndarray of shape (n_knots,)
        Intercept at each knot (zeros when ``fit_intercept=False``).
    events : list of PathEvent
        Entries and exits, in path order.
    gram : ndarray of shape (n_features, n_entered)
        ``Z' Z / n`` for the features that entered somewhere on the path, in
        order of first entry (``gram_features``): what an explanation needs
        to tell any feature's story along the path.
    gram_features : ndarray of int of shape (n_entered,)
    safe : bool
        False when the walk stopped because it became numerically unsafe; the
        path up to the last knot is still exact, but does not reach
        ``alpha_min``: a caller should fall back to a coordinate-descent path.
    reason : str
        Why the walk is unsafe; empty when ``safe``.
    """

    alphas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    events: list
    safe: bool
    reason: str
    gram: np.ndarray
    gram_features: np.ndarray


class _ActiveSet:
    """Active features with their Gram columns and the Cholesky factor of G_AA.

    Everything lives in preallocated buffers, in order of entry: adding a
    feature costs one triangular solve, removing one O(k^2) rotations.
    """

    def __init__(self, n_features, capacity):
        self.size = 0
        self.indices = np.zeros(capacity, dtype=np.intp)
        self.signs = np.zeros(capacity)
        self.coefs = np.zeros(capacity)
        # G[:, A]: the Gram columns of the active features
        # Fortran order: the active columns [:, :k] are one contiguous block,
        # which BLAS multiplies in place (a C-ordered slice is copied first)
        self.gram = np.zeros((n_features, capacity), order="F")
        self.factor = np.zeros((capacity, capacity))

    @property
    def features(self):
        """Column indices of the active features, in order of entry."""
        return self.indices[: self.size]

    def add(self, feature, gram_column, sign, coef):
        """Append a feature; return False (and change nothing) if collinear."""
        k = self.size
        cross = gram_column[self.indices[:k]]
        squared_norm = float(gram_column[feature])
        row = (
            _solve_triangular(self.factor[:k, :k], cross, lower=True)[0] if k else cross
        )
        pivot = squared_norm - float(row @ row)
        if pivot <= _COLLINEAR_TOLERANCE * squared_norm:
            return False
        self.indices[k] = feature
        self.signs[k] = sign
        self.coefs[k] = coef
        self.gram[:, k] = gram_column
        self.factor[k, :k] = row
        self.factor[k, k] = np.sqrt(pivot)
        self.size += 1
        return True

    def remove(self, position):
        """Remove the feature at ``position``, updating the factor by rotations.

        Deleting row ``position`` of the factor leaves a lower Hessenberg
        matrix; Givens rotations of neighbouring columns make it triangular
        again with vector operations only (no refactorization).
        """
        k = self.size
        for buffer in (self.indices, self.signs, self.coefs):
            buffer[position : k - 1] = buffer[position + 1 : k]
        self.gram[:, position : k - 1] = self.gram[:, position + 1 : k]
        factor = self.factor
        factor[position : k - 1, :k] = factor[position + 1 : k, :k]
        for j in range(position, k - 1):
            radius = np.hypot(factor[j, j], factor[j, j + 1])
            cos, sin = factor[j, j] / radius, factor[j, j + 1] / radius
            left = factor[j : k - 1, j].copy()
            right = factor[j : k - 1, j + 1]
            factor[j : k - 1, j] = cos * left + sin * right
            factor[j : k - 1, j + 1] = cos * right - sin * left
        factor[: k - 1, k - 1] = 0.0
        self.size -= 1

    def direction(self, penalties):
        """Solve ``G_AA d = pf_A * sign_A``: how beta_A grows as alpha decreases."""
        k = self.size
        rhs = penalties[self.features] * self.signs[:k]
        if not rhs.any():
            return np.zeros(k)
        return _solve_cholesky(self.factor[:k, :k], rhs, lower=True)[0]


def lasso_homotopy(
    design,
    penalty_factor,
    *,
    alpha_min=0.0,
    positive=False,
    max_knots=None,
):
    """Compute the exact lasso path with penalty factors, knot by knot.

    Solves, for every ``alpha`` from ``alpha_max`` down to ``alpha_min``,

    .. math::

        \\min_{b, \\beta} \\frac{1}{2 \\sum_i s_i} \\sum_i s_i
        (y_i - b - x_i^\\top \\beta)^2 + \\alpha \\sum_j pf_j |\\beta_j|

    and records every knot where a feature enters or leaves the active set. At
    each knot the KKT conditions hold with equality for the feature concerned:
    :math:`|x_j^\\top r| / \\sum_i s_i = \\alpha \\, pf_j`.

    Parameters
    ----------
    design : Design
        The fit's design (:func:`skreg._path.design.make_design`).
    penalty_factor : ndarray of shape (n_features,)
        Validated non-negative factors. 0: unpenalized (fitted by least squares
        at ``alpha_max`` and active from the start, or by non-negative least
        squares when ``positive``); ``np.inf``: excluded (coefficient always 0).
    alpha_min : float, default=0.0
        Where to stop. When positive, the last knot is ``alpha_min`` itself (the
        path interpolated there), as in scikit-learn's ``lars_path``.
    positive : bool, default=False
        Restrict every coefficient to be non-negative.
    max_knots : int, default=None
        Stop (as unsafe) after this many knots. Default: 8 times the largest
        possible active set, plus 1.

    Returns
    -------
    result : HomotopyResult
        Knots, coefficients, intercepts, events, and the ``safe`` flag. The walk
        stops early, unsafe, when two events tie (collinear features), when an
        entering feature is collinear with the active ones, or when the knot cap
        is reached. It stops early, safe, when the active set reaches the rank of
        the data: then only exits remain possible and the walk continues to
        ``alpha_min`` with them. Exactly tied columns (duplicated, negated)
        tie at every event: callers walk one column per tie group
        (:mod:`skreg._path.ties`), as explain mode does.
    """
    walker = _HomotopyWalk(design, penalty_factor, positive)
    if max_knots is None:
        max_knots = _KNOTS_PER_ACTIVE_FEATURE * max(walker.rank_limit, 1) + 1
    walker.start()
    while walker.safe and walker.alpha > alpha_min:
        if len(walker.alphas) >= max_knots:
            walker.stop_unsafe(f"the path has more than {max_knots} knots")
            break
        walker.step(alpha_min)
    coefs = np.column_stack(walker.coefs)
    entered = list(walker.entered)
    return HomotopyResult(
        alphas=np.array(walker.alphas),
        coefs=coefs,
        intercepts=np.atleast_1d(design.y_offset - design.X_offset @ coefs),
        events=walker.events,
        safe=walker.safe,
        reason=walker.reason,
        gram=(
            np.column_stack([walker.entered[j] for j in entered])
            if entered
            else np.zeros((design.n_features, 0))
        ),
        gram_features=np.array(entered, dtype=np.intp),
    )


class _HomotopyWalk:
    """State of the walk along the path; see :func:`lasso_homotopy`."""

    def __init__(self, design, penalty_factor, positive):
        self.design = design
        self.n = design.n_samples
        self.n_features = design.n_features
        self.Zy = design.Zy / self.n
        self.positive = positive
        usable = np.isfinite(penalty_factor) & design.nonconstant
        self.penalties = np.where(usable, penalty_factor, 0.0)
        self.unpenalized = usable & (penalty_factor == 0)
        self.rank_limit = max(min(design.rank_bound, int(usable.sum())), 0)
        # Unpenalized coefficients change sign freely, unless positive.
        may_cross_zero = self.unpenalized & (not positive)
        self.can_exit = usable & ~may_cross_zero
        self.inactive = self.can_exit.copy()
        self.active = _ActiveSet(self.n_features, self.rank_limit + 1)
        self.beta = np.zeros(self.n_features)
        # Gram column of every feature that entered, in order of first entry
        self.entered = {}
        self.alphas, self.coefs, self.events = [], [], []
        self.alpha = 0.0
        self.just_entered = self.just_exited = None
        self.safe, self.reason = True, ""
        self.tie_tolerance = 0.0

    def stop_unsafe(self, reason):
        self.safe, self.reason = False, reason

    def start(self):
        """Fit the unpenalized features, find alpha_max, record the first knot."""
        unpenalized = np.flatnonzero(self.unpenalized)
        coefs, correlations, RR = self.design.unpenalized_fit(
            unpenalized, self.positive
        )
        self.beta[unpenalized] = coefs
        correlations = correlations / self.n
        penalized = self.inactive & ~self.unpenalized
        reachable = correlations if self.positive else np.abs(correlations)
        ratios = np.zeros(self.n_features)
        ratios[penalized] = reachable[penalized] / self.penalties[penalized]
        self.alpha = max(float(ratios.max(initial=0.0)), 0.0)
        zero = _ZERO_RESIDUAL_TOLERANCE**2 * self.design.y_norm2
        if RR <= zero:
            # y is fitted exactly already: correlations are rounding noise.
            self.alpha = 0.0
        self.tie_tolerance = _TIE_TOLERANCE * self.alpha
        self._record_knot()
        for j in unpenalized:
            # Under positive=True, NNLS may leave some at zero: inactive.
            if self.safe and not (self.positive and self.beta[j] == 0):
                self._enter(j, np.sign(self.beta[j]), abs(correlations[j]))
        if self.alpha > 0 and self.safe and self.active.size < self.rank_limit:
            first = int(np.argmax(ratios))
            ratios[first] = 0.0
            if ratios.max() >= self.alpha - self.tie_tolerance:
                self.stop_unsafe("two features tie for entering at alpha_max")
                return
            sign = np.sign(correlations[first])
            self._enter(first, sign, abs(correlations[first]))

    def step(self, alpha_min):
        """Move to the next knot (or to alpha_min) and apply its event."""
        direction = self.active.direction(self.penalties)
        k = self.active.size
        gram = self.active.gram[:, :k]
        correlations = self.Zy - gram @ self.active.coefs[:k]
        slopes = gram @ direction

        # Entries are indexed by feature, then exits by active position.
        steps = np.concatenate(
            [self._entry_steps(correlations, slopes), self._exit_steps(direction)]
        )
        remaining = self.alpha - alpha_min
        first = int(np.argmin(steps))
        if steps[first] >= remaining:
            self._advance(remaining, direction)
            return
        step = float(steps[first])
        steps[first] = np.inf
        if steps.min() - step <= self.tie_tolerance:
            self.stop_unsafe(
                f"two events tie at alpha={self.alpha - step:.6g} "
                "(collinear or symmetric features)"
            )
            return
        self._advance(step, direction)
        moved = correlations - step * slopes
        if first < self.n_features:
            self._enter(first, np.sign(moved[first]), abs(moved[first]))
        else:
            position = first - self.n_features
            self._exit(position, abs(moved[self.active.features[position]]))

    def _entry_steps(self, correlations, slopes):
        """Step t at which each inactive |c_j - t a_j| meets (alpha - t) pf_j."""
        if self.active.size >= self.rank_limit:
            # The active columns span the data: nothing more can enter.
            return np.full(self.n_features, np.inf)
        c, a, w = correlations, slopes, self.penalties
        with np.errstate(divide="ignore", invalid="ignore"):
            up = np.where(
                w - a > 0, np.maximum(self.alpha * w - c, 0.0) / (w - a), np.inf
            )
            down = np.where(
                w + a > 0, np.maximum(self.alpha * w + c, 0.0) / (w + a), np.inf
            )
        if self.just_exited is not None:
            # It left through one bound and moves inside it along this segment
            # (linearly, so it cannot return there); the other bound stays open.
            feature, sign = self.just_exited
            (up if sign > 0 else down)[feature] = np.inf
        steps = up if self.positive else np.minimum(up, down)
        return np.where(self.inactive, steps, np.inf)

    def _exit_steps(self, direction):
        """Step t at which each active coefficient beta_j + t d_j reaches zero."""
        features = self.active.features
        coefs = self.active.coefs[: self.active.size]
        crossing = (
            self.can_exit[features]
            & (features != self.just_entered)
            & (coefs * direction < 0)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(crossing, -coefs / direction, np.inf)

    def _advance(self, step, direction):
        k = self.active.size
        self.alpha = max(self.alpha - step, 0.0)
        self.active.coefs[:k] += step * direction
        self.beta[self.active.features] = self.active.coefs[:k]
        self.just_entered = self.just_exited = None
        self._record_knot()

    def _enter(self, feature, sign, correlation):
        if feature not in self.entered:
            self.entered[feature] = self.design.gram_columns([feature])[:, 0] / self.n
        gram_column = self.entered[feature]
        if not self.active.add(feature, gram_column, sign, self.beta[feature]):
            self.stop_unsafe(
                f"feature {feature} is collinear with the active features at "
                f"alpha={self.alpha:.6g}"
            )
            return
        self.inactive[feature] = False
        self.just_entered = feature
        self._record_event(feature, "enter", sign, correlation)

    def _exit(self, position, correlation):
        feature = int(self.active.features[position])
        sign = self.active.signs[position]
        self.active.remove(position)
        # Exactly zero at the knot, not rounding error away from it.
        self.beta[feature] = self.coefs[-1][feature] = 0.0
        self.inactive[feature] = True
        self.just_exited = (feature, sign)
        self._record_event(feature, "exit", sign, correlation)

    def _record_knot(self):
        self.alphas.append(self.alpha)
        self.coefs.append(self.beta.copy())

    def _record_event(self, feature, event, sign, correlation):
        self.events.append(
            PathEvent(
                alpha=self.alpha,
                feature=int(feature),
                event=event,
                sign=int(sign),
                correlation=float(correlation),
                penalty=float(self.alpha * self.penalties[feature]),
            )
        )
