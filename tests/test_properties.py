"""Property tests: every solution meets the KKT conditions and its gap bound."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from skreg import ElasticNet

TOL = 1e-10


@st.composite
def problems(draw):
    """A random weighted elastic-net problem with penalty factors."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.RandomState(seed)
    n_samples = draw(st.integers(5, 40))
    n_features = draw(st.integers(1, 30))
    X = rng.randn(n_samples, n_features) * rng.uniform(0.1, 5.0, n_features)
    if draw(st.booleans()):
        X[rng.rand(n_samples, n_features) < 0.6] = 0.0
        X = sparse.csc_matrix(X)
    y = rng.randn(n_samples) * 3 + 1
    factors = rng.uniform(0.0, 3.0, n_features)
    factors[rng.rand(n_features) < 0.15] = 0.0
    factors[rng.rand(n_features) < 0.1] = np.inf
    params = {
        "alpha": draw(st.floats(1e-3, 2.0)),
        "l1_ratio": draw(st.sampled_from([1.0, 0.5, 0.1])),
        "fit_intercept": draw(st.booleans()),
        "positive": draw(st.booleans()),
        "penalty_factor": factors,
    }
    weights = rng.uniform(0.1, 3.0, n_samples) if draw(st.booleans()) else None
    return X, y, weights, params


@settings(max_examples=60, deadline=None)
@given(problems())
def test_solution_satisfies_kkt_and_gap(problem):
    X, y, weights, params = problem
    # Coordinate descent converges linearly, slowly when as many features are
    # active as there are samples and X_A is ill-conditioned: such examples
    # found by hypothesis need 330000-380000 epochs to reach TOL.
    model = ElasticNet(tol=TOL, max_iter=1_000_000, **params)
    model.fit(X, y, sample_weight=weights)
    n = X.shape[0]
    s = np.ones(n) if weights is None else weights * n / weights.sum()
    Xd = X.toarray() if sparse.issparse(X) else X
    residual = y - Xd @ model.coef_ - model.intercept_
    if params["fit_intercept"]:
        # The intercept makes the weighted residual sum to zero.
        assert abs(s @ residual) <= 1e-6 * (np.abs(s * residual).sum() + 1)
        Xd = Xd - np.average(Xd, axis=0, weights=s)
    alpha, rho, pf = params["alpha"], params["l1_ratio"], params["penalty_factor"]
    finite = np.isfinite(pf)
    l1 = alpha * rho * np.where(finite, pf, 0)
    l2 = alpha * (1 - rho) * np.where(finite, pf, 0)
    gradient = Xd.T @ (s * residual) / n - l2 * model.coef_
    scale = np.sqrt(np.mean(s * (y - y.mean()) ** 2) * np.mean(Xd**2, axis=0)) + 1e-12
    slack = 1e-4 * scale  # gap <= tol ||y||^2 bounds the KKT error loosely
    coef = model.coef_
    assert np.all(coef[~finite] == 0)
    active = (coef != 0) & finite
    target = l1[active] * np.sign(coef[active])
    assert np.all(np.abs(gradient[active] - target) <= slack[active])
    inactive = (coef == 0) & finite
    pulls = gradient if params["positive"] else np.abs(gradient)
    assert np.all(pulls[inactive] <= l1[inactive] + slack[inactive])
    if params["positive"]:
        assert np.all(coef >= 0)
    offset = np.average(y, weights=s) if params["fit_intercept"] else 0.0
    y_scale = np.average((y - offset) ** 2, weights=s)
    assert model.dual_gap_ <= TOL * y_scale + 1e-13 * (1 + y_scale)
