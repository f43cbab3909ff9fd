"""Which features a lasso path selects at each alpha of a grid, and the
Meinshausen-Buhlmann bound on false selections. Arrays in, arrays out."""

import numpy as np

from .driver import solve_path
from .homotopy import lasso_homotopy


def support_on_grid(knots, coefs, alphas):
    """The support of an exact lasso path at each alpha of a grid.

    Between two knots the active set is fixed, and a coefficient nonzero at
    either end is nonzero inside (it can change sign only through an exit,
    which is a knot). Above the first knot the path is constant.

    Parameters
    ----------
    knots : ndarray of shape (n_knots,)
        Decreasing knots of the path.
    coefs : ndarray of shape (n_features, n_knots)
        Coefficients at the knots.
    alphas : ndarray of shape (n_alphas,)
        Decreasing grid, at or above the last knot.

    Returns
    -------
    support : ndarray of bool of shape (n_features, n_alphas)
    """
    nonzero = coefs != 0
    # position of each alpha among the decreasing knots: knots[k-1] > a >= knots[k]
    k = np.searchsorted(-knots, -alphas, side="left")
    k = np.clip(k, 0, knots.size - 1)
    exact = knots[k] == alphas
    above = np.maximum(k - 1, 0)
    inside = nonzero[:, above] | nonzero[:, k]
    return np.where(exact | (k == 0), nonzero[:, k], inside)


def path_support(design, penalty_factor, alphas, *, l1_ratio, positive, tol,
                 max_iter, max_knots=None):  # fmt: skip
    """The features a path on ``design`` selects at each of ``alphas``.

    The lasso (``l1_ratio = 1``) walks its exact path once, knot by knot
    (every alpha at once); ``max_knots`` stops it early. The elastic net, and
    a lasso whose homotopy stops on tied or collinear features, solve a
    warm-started coordinate-descent path on the grid.

    Returns
    -------
    support : ndarray of bool of shape (n_features, n_alphas)
    lowest : float
        The smallest alpha of the grid the support is known at (the walk
        stopped at ``max_knots`` above the grid's end): below it the columns
        of ``support`` are not to be read.
    """
    if l1_ratio == 1.0:
        path = lasso_homotopy(
            design,
            penalty_factor,
            alpha_min=float(alphas[-1]),
            positive=positive,
            max_knots=max_knots,
        )
        capped = max_knots is not None and len(path.alphas) >= max_knots
        if path.safe or capped:
            lowest = path.alphas[-1]
            known = alphas >= lowest
            support = np.zeros((design.n_features, alphas.size), dtype=bool)
            support[:, known] = support_on_grid(path.alphas, path.coefs, alphas[known])
            return support, float(alphas[known][-1]) if known.any() else np.inf
    coefs, _, _ = solve_path(
        design,
        alphas,
        penalty_factor,
        l1_ratio=l1_ratio,
        positive=positive,
        tol=tol,
        max_iter=max_iter,
        warn=False,
    )
    return coefs != 0, float(alphas[-1])


def false_selection_bound(average_selected, threshold, n_candidates):
    """Meinshausen & Buhlmann's bound on the expected false selections.

    ``E[V] <= q^2 / ((2 threshold - 1) p)`` (2010, Theorem 1), with ``q``
    the average number of features selected over the region of alphas and
    ``p`` the number of candidate features.
    """
    return average_selected**2 / ((2.0 * threshold - 1.0) * n_candidates)
