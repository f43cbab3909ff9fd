"""Alpha grids: ``alpha_max`` with penalty factors, and the geometric grid below it."""

import numpy as np


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
    usable = np.isfinite(penalty_factor) & design.nonconstant
    penalized = usable & (penalty_factor > 0)
    unpenalized = np.flatnonzero(usable & (penalty_factor == 0))
    if not penalized.any():
        penalized = usable
        factors = np.ones_like(penalty_factor)
    else:
        factors = penalty_factor
    _, correlations, _ = design.unpenalized_fit(unpenalized, positive)
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
