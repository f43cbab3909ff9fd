"""The benchmark's common accuracy formulas (benchmarks/_criteria.py)."""

import os
import sys

import numpy as np
import pytest
from sklearn.linear_model import Lasso

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _criteria import (  # noqa: E402
    null_objective,
    primal_objectives,
    relative_gaps,
    relative_suboptimality,
)


def _problem(n_samples=60, n_features=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    coef = np.zeros(n_features)
    coef[:5] = rng.standard_normal(5) * 2
    y = X @ coef + 0.5 * rng.standard_normal(n_samples)
    alpha_max = np.max(np.abs(X.T @ y)) / n_samples
    return X, y, np.array([alpha_max / 2, alpha_max / 10, alpha_max / 50])


def _tight_sklearn(X, y, alphas):
    coefs = [
        Lasso(alpha=a, fit_intercept=False, tol=1e-14, max_iter=100_000).fit(X, y).coef_
        for a in alphas
    ]
    return np.array(coefs).T


def test_gap_vanishes_at_a_tight_solution():
    X, y, alphas = _problem()
    coefs = _tight_sklearn(X, y, alphas)
    gaps = relative_gaps(X, y, coefs, alphas)
    assert gaps.shape == alphas.shape
    assert np.all(np.abs(gaps) <= 1e-10)


def test_perturbed_point_gap_positive_and_bounds_suboptimality():
    X, y, alphas = _problem(seed=1)
    optimal_coefs = _tight_sklearn(X, y, alphas)
    optimal = primal_objectives(X, y, optimal_coefs, alphas)
    rng = np.random.default_rng(2)
    for scale in (1e-4, 1e-2, 1.0):
        perturbed = optimal_coefs + scale * rng.standard_normal(optimal_coefs.shape)
        gaps = relative_gaps(X, y, perturbed, alphas)
        subopt = relative_suboptimality(X, y, perturbed, alphas, optimal)
        assert np.all(subopt > 0)
        assert np.all(gaps > 0)
        # weak duality: P(w) - D(theta) >= P(w) - P*, up to P*'s own accuracy
        assert np.all(gaps >= subopt - 1e-12)


def test_zero_suboptimality_at_the_reference():
    X, y, alphas = _problem(seed=3)
    coefs = _tight_sklearn(X, y, alphas)
    optimal = primal_objectives(X, y, coefs, alphas)
    assert np.allclose(relative_suboptimality(X, y, coefs, alphas, optimal), 0)


def _orthogonal_problem(n_samples=40, n_features=10, seed=4):
    """X'X = n I, so the lasso solution is soft-thresholding of z = X'y / n."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((n_samples, n_features)))
    X = np.sqrt(n_samples) * Q
    y = X @ rng.standard_normal(n_features) + rng.standard_normal(n_samples)
    z = X.T @ y / n_samples
    return X, y, z


@pytest.mark.parametrize("alpha_fraction", [0.05, 0.3, 0.8])
def test_orthogonal_design_closed_forms(alpha_fraction):
    X, y, z = _orthogonal_problem()
    n_samples = X.shape[0]
    alpha = alpha_fraction * np.max(np.abs(z))
    alphas = np.array([alpha])
    solution = np.sign(z) * np.maximum(np.abs(z) - alpha, 0)
    squared_y = y @ y / (2 * n_samples)

    # P* in closed form: ||y||^2/2n - ||z||^2/2 + sum_j min(z_j^2/2, a|z_j| - a^2/2)
    per_feature = np.where(
        np.abs(z) <= alpha, z**2 / 2, alpha * np.abs(z) - alpha**2 / 2
    )
    closed_optimum = squared_y - z @ z / 2 + per_feature.sum()
    assert primal_objectives(X, y, solution, alphas)[0] == pytest.approx(
        closed_optimum, rel=1e-12
    )
    assert abs(relative_gaps(X, y, solution, alphas)[0]) <= 1e-12

    # w = 0: the dual point is y scaled by s = min(1, alpha / ||z||_inf), and
    # the relative gap is (1 - s)^2.
    scale = min(1.0, alpha / np.max(np.abs(z)))
    zero = np.zeros_like(z)
    assert relative_gaps(X, y, zero, alphas)[0] == pytest.approx(
        (1 - scale) ** 2, rel=1e-10
    )

    # Any w: with X'X = n I everything is a function of z and w.
    w = solution + np.random.default_rng(5).standard_normal(z.shape) * 0.1
    primal = squared_y - z @ w + w @ w / 2 + alpha * np.abs(w).sum()
    scale = min(1.0, alpha / np.max(np.abs(z - w)))
    squared_residual = 2 * squared_y - 2 * z @ w + w @ w  # ||y - Xw||^2 / n
    y_dot_residual = 2 * squared_y - z @ w  # y'(y - Xw) / n
    dual = (
        squared_y
        - (2 * squared_y - 2 * scale * y_dot_residual + scale**2 * squared_residual) / 2
    )
    expected_gap = (primal - dual) / null_objective(y)
    assert relative_gaps(X, y, w, alphas)[0] == pytest.approx(expected_gap, rel=1e-10)
    expected_subopt = (primal - closed_optimum) / null_objective(y)
    assert relative_suboptimality(X, y, w, alphas, [closed_optimum])[
        0
    ] == pytest.approx(expected_subopt, rel=1e-10)
