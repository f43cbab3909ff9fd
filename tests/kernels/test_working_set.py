"""The compiled working-set solve along a path: screening and the float32 shadow."""

import numpy as np
import pytest

from skreg._kernels import kkt
from skreg._kernels import working_set as ws


def test_screening_happens_along_a_path_and_the_gaps_stay_certificates(monkeypatch):
    # A path on which the gap-safe test screens features: each reported gap
    # must still bound the suboptimality against a far tighter solve.
    from sklearn.linear_model import lasso_path as sklearn_lasso_path

    from skreg import lasso_path
    from skreg._path import driver as _path

    screened = []
    entry = ws.solve_alphas_dense

    def recording(*args):
        entry(*args)
        screened.extend(args[-2][3])  # screened_run: newly screened, per alpha

    monkeypatch.setattr(_path.working_set, "solve_alphas_dense", recording)
    rng = np.random.RandomState(5)
    n = 200
    X = np.asfortranarray(rng.randn(n, 2000))
    y = X[:, :8] @ rng.randn(8) + 0.3 * rng.randn(n)
    tol = 1e-6
    alphas, coefs, gaps = lasso_path(X, y, alphas=50, tol=tol)
    assert len(screened) == 50 and sum(screened) > 0
    _, reference, _ = sklearn_lasso_path(X, y, alphas=alphas, tol=1e-14,
                                         max_iter=100000)  # fmt: skip

    def objective(w, alpha):
        R = y[:, np.newaxis] - X @ w
        return (R**2).sum(axis=0) / (2 * n) + alpha * np.abs(w).sum(axis=0)

    excess = objective(coefs, alphas) - objective(reference, alphas)
    assert np.all(gaps <= tol * (y @ y) / n)
    assert np.all(excess <= gaps + 1e-12)


@pytest.mark.parametrize("positive", [False, True])
def test_path_on_the_float32_shadow_matches_scikit_learn(monkeypatch, positive):
    # A path on wide dense X reads the float32 shadow in its full KKT passes:
    # the solutions must be those of the exact passes and of scikit-learn,
    # and every gap must still certify its alpha.
    from sklearn.linear_model import enet_path as sklearn_enet_path

    from skreg import enet_path
    from skreg._path import driver as _path

    rng = np.random.RandomState(11)
    n = 100
    X = np.asfortranarray(rng.randn(n, 600) * rng.uniform(0.5, 20.0, 600) + 3.0)
    y = X[:, :6] @ rng.randn(6) + 0.5 * rng.randn(n)
    options = {"alphas": 30, "l1_ratio": 0.8, "tol": 1e-10, "positive": positive}
    shadows = []
    with_shadow = kkt.with_shadow

    def recording(bounds, X):
        shadows.append(X.shape)
        return with_shadow(bounds, X)

    monkeypatch.setattr(kkt, "with_shadow", recording)
    alphas, coefs, gaps = enet_path(X, y, **options)
    assert shadows == [X.shape]
    monkeypatch.setattr(_path, "_shadow_pays", lambda design, n_alphas: False)
    _, exact_coefs, _ = enet_path(X, y, **options)
    assert len(shadows) == 1
    _, reference, _ = sklearn_enet_path(X, y, alphas=alphas, l1_ratio=0.8,
                                        positive=positive, tol=1e-14,
                                        max_iter=100000)  # fmt: skip
    assert np.abs(coefs - exact_coefs).max() <= 1e-6 * np.abs(reference).max()

    def objective(w, alpha):
        R = y[:, np.newaxis] - X @ w
        penalty = 0.8 * np.abs(w).sum(axis=0) + 0.1 * (w**2).sum(axis=0)
        return (R**2).sum(axis=0) / (2 * n) + alpha * penalty

    excess = objective(coefs, alphas) - objective(reference, alphas)
    assert np.all(excess <= gaps + 1e-12)
    assert np.all(gaps <= 1e-10 * (y @ y) / n)
