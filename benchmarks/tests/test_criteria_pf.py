"""The penalty-factor criteria of issue 22 (benchmarks/_criteria.py)."""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _criteria import (  # noqa: E402
    primal_objectives,
    relative_gaps,
    weighted_primal_objectives,
    weighted_relative_gaps,
    weighted_relative_suboptimality,
)


def _data():
    rng = np.random.default_rng(0)
    X = np.asfortranarray(rng.standard_normal((60, 30)))
    y = X[:, :4] @ (3 * rng.standard_normal(4)) + rng.standard_normal(60)
    pf = rng.uniform(0.25, 4, 30)
    pf[:3] = 0
    return X, y, pf, np.geomspace(1.0, 0.01, 8)


def test_unit_factors_give_the_plain_criteria():
    X, y, _, alphas = _data()
    coefs = np.random.default_rng(1).standard_normal((30, alphas.size)) * 0.1
    ones = np.ones(30)
    np.testing.assert_allclose(
        weighted_primal_objectives(X, y, coefs, alphas, ones),
        primal_objectives(X, y, coefs, alphas),
    )
    np.testing.assert_allclose(
        weighted_relative_gaps(X, y, coefs, alphas, ones),
        relative_gaps(X, y, coefs, alphas),
    )


def test_tight_solution_has_zero_gap_and_perturbation_is_bounded():
    import skreg

    X, y, pf, alphas = _data()
    _, coefs, _ = skreg.lasso_path(
        X, y, alphas=alphas, tol=1e-14, max_iter=100_000, penalty_factor=pf
    )
    gaps = weighted_relative_gaps(X, y, coefs, alphas, pf)
    assert np.all(np.abs(gaps) < 1e-10)
    optimal = weighted_primal_objectives(X, y, coefs, alphas, pf)
    perturbed = coefs + 1e-2 * np.random.default_rng(2).standard_normal(coefs.shape)
    sub = weighted_relative_suboptimality(X, y, perturbed, alphas, pf, optimal)
    gap = weighted_relative_gaps(X, y, perturbed, alphas, pf)
    assert np.all(sub > 0) and np.all(gap >= sub - 1e-12)


def test_sparse_X_gives_the_dense_criteria():
    # The sparse regime of bench_hard.py passes CSC X (the unpenalized
    # columns' least squares densify their block only).
    from scipy import sparse

    X, y, pf, alphas = _data()
    X[np.abs(X) < 1.0] = 0.0
    coefs = np.random.default_rng(2).standard_normal((30, alphas.size)) * 0.1
    for criterion in (weighted_primal_objectives, weighted_relative_gaps):
        dense = criterion(X, y, coefs, alphas, pf)
        np.testing.assert_allclose(
            criterion(sparse.csc_matrix(X), y, coefs, alphas, pf), dense, rtol=1e-12
        )
