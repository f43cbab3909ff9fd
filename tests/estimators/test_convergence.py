"""More accuracy asked for never gives less: tol, max_iter and the reported gap.

The references are scikit-learn's coordinate descent at the same budget and a
duality gap computed here from the returned coefficients alone.
"""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sklearn_linear_model
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning

from skreg import ElasticNet, Lasso


def _wide_problem(seed=0):
    """The issue's problem: Gaussian 50 x 200, y from ten features and noise."""
    rng = np.random.RandomState(seed)
    X = rng.randn(50, 200)
    y = X[:, :10] @ rng.randn(10) + rng.randn(50)
    return X, y


def _correlated_problem(seed, n_samples, n_features):
    """Gaussian design whose odd columns lean on the even ones."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    X[:, 1::2] += 0.8 * X[:, ::2]
    y = X[:, :10] @ rng.randn(10) + rng.randn(n_samples)
    return X, y


def lasso_gap(X, y, coef, alpha):
    """Duality gap of the lasso with intercept at ``coef``, from scratch."""
    X = np.asarray(X.toarray() if sparse.issparse(X) else X)
    n_samples = X.shape[0]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    R = yc - Xc @ coef
    primal = R @ R / (2 * n_samples) + alpha * np.abs(coef).sum()
    theta = R / max(1.0, np.abs(Xc.T @ R).max() / (n_samples * alpha))
    dual = theta @ yc / n_samples - theta @ theta / (2 * n_samples)
    return primal - dual


def objective(X, y, model, l1_ratio=1.0):
    """The elastic-net objective of a fitted model (intercept included)."""
    R = y - X @ model.coef_ - model.intercept_
    penalty = l1_ratio * np.abs(model.coef_).sum()
    penalty += 0.5 * (1 - l1_ratio) * model.coef_ @ model.coef_
    return R @ R / (2 * X.shape[0]) + model.alpha * penalty


def unconverged(estimator, X, y):
    """Fit, ignoring the ConvergenceWarning a small budget is expected to give."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y)


@pytest.mark.parametrize("storage", ["dense", "sparse", "gram"])
def test_an_unreachable_tol_gets_as_far_as_scikit_learn(storage):
    # Lasso(alpha=0.01, tol=1e-12, max_iter=1000) used to stop at a gap of
    # 4e-2 (scikit-learn: 4e-10): the working set stopped being checked.
    X, y = _wide_problem()
    X_fit = sparse.csc_matrix(X) if storage == "sparse" else X
    precompute = storage == "gram"
    ours = unconverged(
        Lasso(alpha=0.01, tol=1e-12, max_iter=1000, precompute=precompute), X_fit, y
    )
    theirs = unconverged(
        sklearn_linear_model.Lasso(alpha=0.01, tol=1e-12, max_iter=1000), X, y
    )
    assert lasso_gap(X, y, ours.coef_, 0.01) <= lasso_gap(X, y, theirs.coef_, 0.01)
    assert lasso_gap(X, y, ours.coef_, 0.01) < 1e-9


@pytest.mark.parametrize("tol", [1e-12, 0.0])
def test_more_iterations_lower_the_gap(tol):
    X, y = _wide_problem()
    gaps, converged = [], []
    for max_iter in (30, 100, 300, 1000, 3000):
        model = unconverged(Lasso(alpha=0.01, tol=tol, max_iter=max_iter), X, y)
        gaps.append(lasso_gap(X, y, model.coef_, 0.01))
        converged.append(model.n_iter_ < max_iter)
    # strictly lower until the fit converges or the gap reaches rounding
    # level (y'y / n is 25 here)
    floor = 1e-13
    for k in range(1, len(gaps)):
        assert gaps[k] < gaps[k - 1] or converged[k] or gaps[k] < floor
    assert gaps[-1] < max(floor, tol * 25)


def test_tol_zero_reaches_rounding_level_and_stays_there():
    # tol=0 with a large budget used to end at a gap of 4e-2; the rounding of
    # the sums behind the implicit centring built up over a long solve.
    X, y = _wide_problem()
    model = unconverged(Lasso(alpha=0.01, tol=0.0, max_iter=10_000), X, y)
    assert model.n_iter_ == 10_000
    assert lasso_gap(X, y, model.coef_, 0.01) < 1e-13
    assert abs(model.dual_gap_) < 1e-13


@pytest.mark.parametrize("Estimator, l1_ratio", [(Lasso, 1.0), (ElasticNet, 0.5)])
@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("shape", [(50, 200), (100, 1000), (200, 50)])
def test_a_small_budget_is_used_at_least_as_well_as_by_scikit_learn(
    Estimator, l1_ratio, seed, shape
):
    X, y = _correlated_problem(seed, *shape)
    alpha_max = np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / X.shape[0]
    alpha = 0.05 * alpha_max
    reference = Estimator(alpha=alpha, tol=1e-14, max_iter=200_000).fit(X, y)
    best = objective(X, y, reference, l1_ratio)
    scale = y.var() / 2
    for max_iter in (30, 100, 300):
        ours = unconverged(Estimator(alpha=alpha, tol=0.0, max_iter=max_iter), X, y)
        theirs = unconverged(
            getattr(sklearn_linear_model, Estimator.__name__)(
                alpha=alpha, tol=0.0, max_iter=max_iter
            ),
            X,
            y,
        )
        our_excess = (objective(X, y, ours, l1_ratio) - best) / scale
        their_excess = (objective(X, y, theirs, l1_ratio) - best) / scale
        assert our_excess <= max(their_excess, 1e-12), max_iter


def test_suboptimality_never_grows_with_the_budget():
    X, y = _correlated_problem(1, 100, 1000)
    alpha = 0.01 * np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / 100
    values = [
        objective(X, y, unconverged(Lasso(alpha=alpha, tol=0.0, max_iter=m), X, y))
        for m in (1, 2, 5, 10, 20, 50, 100, 200, 500)
    ]
    assert all(np.diff(values) <= 1e-15 * values[0])


def test_tighter_tol_is_never_worse():
    X, y = _correlated_problem(2, 50, 200)
    alpha = 0.02 * np.abs((X - X.mean(0)).T @ (y - y.mean())).max() / 50
    gaps = [
        lasso_gap(
            X, y, Lasso(alpha=alpha, tol=tol, max_iter=100_000).fit(X, y).coef_, alpha
        )
        for tol in (1e-2, 1e-4, 1e-6, 1e-8, 1e-10)
    ]
    assert all(after <= before for before, after in zip(gaps, gaps[1:]))
    assert gaps[-1] <= 1e-10 * (y - y.mean()) @ (y - y.mean()) / 50


@pytest.mark.parametrize("storage", ["dense", "sparse", "gram"])
def test_convergence_warning_reports_the_true_gap(storage):
    X, y = _wide_problem(1)
    X_fit = sparse.csc_matrix(X) if storage == "sparse" else X
    model = Lasso(alpha=0.005, tol=1e-10, max_iter=20, precompute=storage == "gram")
    with pytest.warns(ConvergenceWarning, match="Duality gap") as record:
        model.fit(X_fit, y)
    true_gap = lasso_gap(X, y, model.coef_, 0.005)
    reported = float(str(record[0].message).split("Duality gap: ")[1].split(",")[0])
    assert reported == pytest.approx(true_gap, rel=1e-3)
    assert model.dual_gap_ == pytest.approx(true_gap, rel=1e-6)
