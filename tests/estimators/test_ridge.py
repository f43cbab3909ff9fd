"""Ridge and RidgeCV against scikit-learn, closed forms and brute-force LOO."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import nnls
from sklearn import linear_model
from sklearn.datasets import load_diabetes
from sklearn.model_selection import GridSearchCV, KFold

from skreg import Ridge, RidgeCV

ALPHAS = np.logspace(-3, 3, 13)


def make_data(n_samples, n_features, n_targets=None, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features) + rng.uniform(-2, 2, n_features)
    coef = rng.randn(n_features, n_targets or 1)
    Y = X @ coef + 0.5 * rng.randn(n_samples, n_targets or 1) + 3.0
    y = Y.ravel() if n_targets is None else Y
    sample_weight = rng.uniform(0.2, 3.0, n_samples)
    return X, y, sample_weight


def closed_form(X, y, alpha, penalty_factor, sample_weight=None, fit_intercept=True):
    """(X'WX + D)^-1 X'Wy on weighted-centred data, and the intercept."""
    X = np.asarray(X, dtype=float)
    n_samples, n_features = X.shape
    sw = np.ones(n_samples) if sample_weight is None else sample_weight
    if fit_intercept:
        x_mean = sw @ X / sw.sum()
        y_mean = sw @ y / sw.sum()
    else:
        x_mean, y_mean = np.zeros(n_features), 0.0
    Xc, yc = X - x_mean, y - y_mean
    D = np.diag(alpha * np.asarray(penalty_factor, dtype=float))
    coef = np.linalg.solve(Xc.T @ (sw[:, None] * Xc) + D, Xc.T @ (sw * yc))
    return coef, y_mean - x_mean @ coef


def hat_trace(X, alpha, penalty_factor, sample_weight=None, fit_intercept=True):
    """trace(W^1/2 Xc (Xc'WXc + D)^-1 Xc' W^1/2), computed directly."""
    n_samples = X.shape[0]
    sw = np.ones(n_samples) if sample_weight is None else sample_weight
    Xc = X - (sw @ X / sw.sum() if fit_intercept else 0.0)
    Xs = np.sqrt(sw)[:, None] * Xc
    D = np.diag(alpha * np.asarray(penalty_factor, dtype=float))
    H = Xs @ np.linalg.solve(Xs.T @ Xs + D, Xs.T)
    return np.trace(H)


def rel_err(actual, desired):
    return np.max(np.abs(actual - desired)) / np.max(np.abs(desired))


# --- Ridge ------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(40, 8), (12, 30)])
@pytest.mark.parametrize("fmt", ["dense", "csr", "csc"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n_targets", [None, 3])
def test_ridge_matches_sklearn(shape, fmt, weighted, fit_intercept, n_targets):
    X, y, sw = make_data(*shape, n_targets=n_targets)
    sw = sw if weighted else None
    alpha = 2.5 if n_targets is None else [0.5, 2.5, 7.0]
    reference = linear_model.Ridge(alpha, fit_intercept=fit_intercept, solver="svd")
    reference.fit(X, y, sample_weight=sw)
    Xf = X if fmt == "dense" else getattr(sp, f"{fmt}_matrix")(X)
    for solver, tol in [("auto", 1e-4), ("sparse_cg", 1e-13), ("lsqr", 1e-14)]:
        reg = Ridge(alpha, fit_intercept=fit_intercept, solver=solver, tol=tol)
        reg.fit(Xf, y, sample_weight=sw)
        assert rel_err(reg.coef_, reference.coef_) < 1e-8, solver
        assert_allclose(reg.intercept_, reference.intercept_, rtol=1e-8, atol=1e-10)
        assert reg.coef_.shape == reference.coef_.shape


@pytest.mark.parametrize("shape", [(40, 8), (12, 30)])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd", "sparse_cg", "lsqr"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_penalty_factor_closed_form(shape, fmt, solver, fit_intercept):
    X, y, sw = make_data(*shape, seed=1)
    n_features = shape[1]
    pf = np.linspace(0.2, 3.0, n_features)
    pf[[0, 3]] = 0.0  # two unpenalized coefficients
    coef, intercept = closed_form(X, y, 1.7, pf, sw, fit_intercept)
    Xf = X if fmt == "dense" else sp.csr_matrix(X)
    reg = Ridge(
        1.7, penalty_factor=pf, fit_intercept=fit_intercept, solver=solver, tol=1e-13
    )
    reg.fit(Xf, y, sample_weight=sw)
    assert rel_err(reg.coef_, coef) < 1e-8
    assert_allclose(reg.intercept_, intercept, rtol=1e-8, atol=1e-10)
    expected_dof = hat_trace(X, 1.7, pf, sw, fit_intercept)
    assert_allclose(reg.dof_, expected_dof, rtol=1e-8)


def test_ridge_solver_regimes():
    """Dense 'auto' uses the primal form when n >= p and the dual when p > n."""
    for shape in [(40, 8), (12, 30)]:
        X, y, _ = make_data(*shape)
        pf = np.r_[0.0, np.ones(shape[1] - 1)]
        reg = Ridge(3.0, penalty_factor=pf).fit(X, y)
        assert reg.solver_ == "cholesky"
        assert reg.n_iter_ is None  # a direct solve, as in scikit-learn
        assert rel_err(reg.coef_, closed_form(X, y, 3.0, pf)[0]) < 1e-10


def test_ridge_per_target_alpha_with_penalty_factor():
    X, Y, sw = make_data(15, 25, n_targets=3, seed=2)
    pf = np.r_[0.0, np.linspace(0.5, 2.0, 24)]
    alphas = [0.3, 3.0, 0.3]
    reg = Ridge(alphas, penalty_factor=pf).fit(X, Y, sample_weight=sw)
    for k, alpha in enumerate(alphas):
        coef, intercept = closed_form(X, Y[:, k], alpha, pf, sw)
        assert rel_err(reg.coef_[k], coef) < 1e-8
        assert_allclose(reg.intercept_[k], intercept, rtol=1e-8)
        assert_allclose(reg.dof_[k], hat_trace(X, alpha, pf, sw), rtol=1e-8)


def test_ridge_dof_diabetes():
    X, y = load_diabetes(return_X_y=True)
    pf = np.linspace(0.1, 1.0, 10)
    reg = Ridge(alpha=1.0, penalty_factor=pf).fit(X, y)
    Xc = X - X.mean(axis=0)
    hat = Xc @ np.linalg.inv(Xc.T @ Xc + np.diag(pf)) @ Xc.T
    assert_allclose(reg.dof_, np.trace(hat), rtol=1e-10)
    assert 0 < reg.dof_ < 10
    # every solver reports the same degrees of freedom
    for solver in ["svd", "sparse_cg", "lsqr"]:
        other = Ridge(alpha=1.0, penalty_factor=pf, solver=solver).fit(X, y)
        assert_allclose(other.dof_, reg.dof_, rtol=1e-10)


def test_ridge_alpha_zero_and_unpenalized():
    """alpha = 0 or all factors 0 is least squares (minimum norm when p > n)."""
    X, y, _ = make_data(30, 5)
    ols = linear_model.LinearRegression().fit(X, y)
    for reg in [Ridge(0.0), Ridge(5.0, penalty_factor=np.zeros(5))]:
        reg.fit(X, y)
        assert rel_err(reg.coef_, ols.coef_) < 1e-10
        assert_allclose(reg.dof_, 5.0, rtol=1e-10)
    X, y, _ = make_data(8, 20)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    min_norm = np.linalg.pinv(Xc) @ yc
    for solver in ["cholesky", "svd"]:
        reg = Ridge(0.0, solver=solver).fit(X, y)
        assert rel_err(reg.coef_, min_norm) < 1e-8
        assert_allclose(reg.dof_, 7.0, rtol=1e-8)


def test_ridge_positive_matches_nnls():
    X, y, _ = make_data(50, 6, seed=3)
    y = y - 4 * X[:, 1]
    pf = np.array([0.0, 1.0, 2.0, 0.5, 1.0, 1.0])
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    augmented = np.vstack([Xc, np.diag(np.sqrt(2.0 * pf))])
    expected = nnls(augmented, np.r_[yc, np.zeros(6)])[0]
    assert expected[1] == 0.0  # the bound is active
    reg = Ridge(2.0, penalty_factor=pf, positive=True, tol=1e-12).fit(X, y)
    assert reg.solver_ == "lbfgs"
    assert_allclose(reg.coef_, expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="solver='cholesky' does not support"):
        Ridge(positive=True, solver="cholesky").fit(X, y)


@pytest.mark.parametrize(
    "solver, dense_solver, sparse_solver",
    [
        ("auto", "cholesky", "cholesky"),
        ("sag", "cholesky", "cholesky"),
        ("saga", "cholesky", "cholesky"),
        ("svd", "svd", "cholesky"),
        ("cholesky", "cholesky", "cholesky"),
        ("sparse_cg", "sparse_cg", "sparse_cg"),
        ("lsqr", "lsqr", "lsqr"),
        ("lbfgs", "lbfgs", "lbfgs"),
    ],
)
def test_ridge_solver_mapping(solver, dense_solver, sparse_solver):
    X, y, _ = make_data(30, 4)
    assert Ridge(solver=solver).fit(X, y).solver_ == dense_solver
    assert Ridge(solver=solver).fit(sp.csr_matrix(X), y).solver_ == sparse_solver


def test_ridge_float32_preserved():
    X, y, _ = make_data(40, 6)
    pf = np.r_[0.0, np.ones(5)]
    reg64 = Ridge(1.0, penalty_factor=pf).fit(X, y)
    for fmt in [np.asarray, sp.csr_matrix]:
        reg32 = Ridge(1.0, penalty_factor=pf).fit(fmt(X.astype(np.float32)), y)
        assert reg32.coef_.dtype == np.float32
        assert_allclose(reg32.coef_, reg64.coef_, rtol=1e-4)
        assert reg32.predict(X.astype(np.float32)).dtype == np.float32


@pytest.mark.parametrize("Estimator", [Ridge, RidgeCV])
@pytest.mark.parametrize("fmt", [np.asarray, sp.csr_matrix])
def test_inputs_not_modified_and_deterministic(Estimator, fmt):
    X, y, sw = make_data(20, 5)
    pf = [0.0, 1.0, 2.0, 1.0, 1.0]
    Xf = fmt(X)
    copies = [X.copy(), y.copy(), sw.copy(), list(pf)]
    first = Estimator(penalty_factor=pf).fit(Xf, y, sample_weight=sw)
    second = Estimator(penalty_factor=pf).fit(Xf, y, sample_weight=sw)
    Xd = Xf.toarray() if sp.issparse(Xf) else Xf
    for actual, original in zip([Xd, y, sw, pf], copies):
        assert_array_equal(actual, original)
    assert_array_equal(first.coef_, second.coef_)


@pytest.mark.parametrize("Estimator", [Ridge, RidgeCV])
@pytest.mark.parametrize(
    "penalty_factor, message",
    [
        (np.ones(4), "penalty_factor has 4 entries"),
        (np.r_[1.0, -1.0, 1.0, 1.0, 1.0], "penalty_factor must be non-negative"),
        (np.r_[1.0, np.nan, 1.0, 1.0, 1.0], "penalty_factor must not contain NaN"),
        (np.ones((5, 1)), "penalty_factor must be a 1-D array"),
        (np.r_[np.inf, np.ones(4)], "penalty_factor must be finite"),
    ],
)
def test_bad_penalty_factor(Estimator, penalty_factor, message):
    X, y, _ = make_data(20, 5)
    with pytest.raises(ValueError, match=message):
        Estimator(penalty_factor=penalty_factor).fit(X, y)
    if Estimator is RidgeCV:
        with pytest.raises(ValueError, match=message):
            RidgeCV(penalty_factor=penalty_factor, cv=3).fit(X, y)


def test_bad_alpha():
    X, Y, _ = make_data(20, 5, n_targets=2)
    with pytest.raises(
        ValueError, match="number of penalties do not correspond: 3 != 2"
    ):
        Ridge([1.0, 2.0, 3.0]).fit(X, Y)
    with pytest.raises(ValueError, match=r"alpha\[1\] == -2.0, must be >= 0.0"):
        Ridge([1.0, -2.0]).fit(X, Y)
    with pytest.raises(ValueError, match=r"alphas\[1\] == 0.0, must be > 0.0"):
        RidgeCV(alphas=[1.0, 0.0]).fit(X, Y)


# --- RidgeCV ----------------------------------------------------------------


@pytest.mark.parametrize("shape", [(40, 8), (12, 30)])
@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(
    "n_targets, alpha_per_target", [(None, False), (3, False), (3, True)]
)
@pytest.mark.parametrize("scoring", [None, "r2"])
def test_ridgecv_matches_sklearn(
    shape, fmt, weighted, n_targets, alpha_per_target, scoring
):
    X, y, sw = make_data(*shape, n_targets=n_targets, seed=4)
    sw = sw if weighted else None
    params = dict(
        alphas=ALPHAS,
        scoring=scoring,
        alpha_per_target=alpha_per_target,
        store_cv_results=True,
    )
    reference = linear_model.RidgeCV(**params).fit(X, y, sample_weight=sw)
    Xf = X if fmt == "dense" else sp.csr_matrix(X)
    reg = RidgeCV(**params).fit(Xf, y, sample_weight=sw)
    assert_array_equal(reg.alpha_, reference.alpha_)
    assert type(reg.alpha_) is type(reference.alpha_)
    assert rel_err(reg.coef_, reference.coef_) < 1e-8
    assert_allclose(reg.intercept_, reference.intercept_, rtol=1e-8)
    assert_allclose(reg.best_score_, reference.best_score_, rtol=1e-6)
    assert reg.cv_results_.shape == reference.cv_results_.shape
    assert_allclose(reg.cv_results_, reference.cv_results_, rtol=1e-6, atol=1e-10)


def brute_force_loo(X, y, sw, alphas, pf, fit_intercept):
    """Weighted squared leave-one-out errors from n closed-form refits."""
    n_samples = X.shape[0]
    errors = np.empty((n_samples, len(alphas)))
    for j, alpha in enumerate(alphas):
        for i in range(n_samples):
            keep = np.arange(n_samples) != i
            coef, intercept = closed_form(
                X[keep], y[keep], alpha, pf, sw[keep], fit_intercept
            )
            errors[i, j] = sw[i] * (y[i] - X[i] @ coef - intercept) ** 2
    return errors


@pytest.mark.parametrize("shape", [(30, 6), (10, 18)])
@pytest.mark.parametrize("gcv_mode", [None, "svd"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridgecv_loo_equals_brute_force(shape, gcv_mode, fit_intercept):
    X, y, sw = make_data(*shape, seed=5)
    pf = np.linspace(0.3, 2.0, shape[1])
    pf[[1, 4]] = 0.0
    alphas = [0.01, 1.0, 30.0]
    expected = brute_force_loo(X, y, sw, alphas, pf, fit_intercept)
    for Xf in [X, sp.csr_matrix(X)] if gcv_mode is None else [X]:
        reg = RidgeCV(
            alphas=alphas,
            penalty_factor=pf,
            fit_intercept=fit_intercept,
            gcv_mode=gcv_mode,
            store_cv_results=True,
        ).fit(Xf, y, sample_weight=sw)
        assert_allclose(reg.cv_results_, expected, rtol=1e-8)
        best = int(np.argmax(-expected.mean(axis=0)))
        assert reg.alpha_ == alphas[best]
        assert_allclose(reg.best_score_, -expected[:, best].mean(), rtol=1e-8)
        coef, intercept = closed_form(X, y, alphas[best], pf, sw, fit_intercept)
        assert rel_err(reg.coef_, coef) < 1e-8
        assert_allclose(reg.intercept_, intercept, rtol=1e-8, atol=1e-12)
        dof = hat_trace(X, alphas[best], pf, sw, fit_intercept)
        assert_allclose(reg.dof_, dof, rtol=1e-8)


def test_ridgecv_with_cv_is_a_grid_search():
    X, y, sw = make_data(60, 7, seed=6)
    pf = np.r_[0.0, np.linspace(0.5, 2.0, 6)]
    cv = KFold(4, shuffle=True, random_state=0)
    reg = RidgeCV(alphas=ALPHAS, penalty_factor=pf, cv=cv).fit(X, y, sample_weight=sw)
    search = GridSearchCV(Ridge(penalty_factor=pf), {"alpha": ALPHAS}, cv=cv)
    search.fit(X, y, sample_weight=sw)
    assert reg.alpha_ == search.best_params_["alpha"]
    assert_allclose(reg.best_score_, search.best_score_, rtol=1e-12)
    assert_allclose(reg.coef_, search.best_estimator_.coef_, rtol=1e-12)
    # without factors it is scikit-learn's RidgeCV
    reference = linear_model.RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y)
    plain = RidgeCV(alphas=ALPHAS, cv=cv).fit(X, y)
    assert plain.alpha_ == reference.alpha_
    assert rel_err(plain.coef_, reference.coef_) < 1e-8
    with pytest.raises(ValueError, match="store_cv_results=True are incompatible"):
        RidgeCV(cv=3, store_cv_results=True).fit(X, y)


def test_ridgecv_float32_and_all_unpenalized():
    X, y, _ = make_data(30, 5)
    reg = RidgeCV(alphas=ALPHAS, penalty_factor=[1.0, 0, 2, 1, 1])
    reg.fit(X.astype(np.float32), y)
    assert reg.coef_.dtype == np.float32
    # with no penalized column every alpha gives least squares
    reg = RidgeCV(alphas=ALPHAS, penalty_factor=np.zeros(5)).fit(X, y)
    ols = linear_model.LinearRegression().fit(X, y)
    assert rel_err(reg.coef_, ols.coef_) < 1e-10
    assert reg.alpha_ == ALPHAS[0]


def test_ridge_large_sparse_uses_cg_without_densifying(monkeypatch):
    """Sparse X with both sides > 2000: 'auto' is CG on matrix-vector products."""
    from scipy.sparse.linalg import spsolve

    X = sp.random(2600, 2100, density=0.002, format="csr", random_state=0)
    rng = np.random.RandomState(0)
    y = X @ rng.randn(2100) + rng.randn(2600)
    pf = np.r_[0.0, np.full(2099, 0.5)]
    # exact reference without intercept: the normal equations stay sparse
    expected = spsolve((X.T @ X + sp.diags(0.5 * pf)).tocsc(), X.T @ y)

    def refuse(*args, **kwargs):
        raise AssertionError("the iterative solver formed a dense matrix")

    from skreg._path.design import Design

    for method in ["toarray", "gram_matrix", "kernel_matrix"]:
        monkeypatch.setattr(Design, method, refuse)
    fits = {}
    for fit_intercept in [False, True]:
        reg = Ridge(0.5, penalty_factor=pf, tol=1e-12, fit_intercept=fit_intercept)
        fits[fit_intercept] = reg.fit(X, y)
        assert reg.solver_ == "sparse_cg"
        assert reg.n_iter_ is None  # scikit-learn does not count CG's either
        assert np.isnan(reg.dof_)
    assert rel_err(fits[False].coef_, expected) < 1e-8
    # with the intercept (implicit centring), CG and LSQR agree
    lsqr = Ridge(0.5, penalty_factor=pf, solver="lsqr", tol=1e-14).fit(X, y)
    assert rel_err(fits[True].coef_, lsqr.coef_) < 1e-7
    assert_allclose(fits[True].intercept_, lsqr.intercept_, rtol=1e-7)


@pytest.mark.parametrize("fmt", ["dense", "csr"])
@pytest.mark.parametrize("fit_intercept", [False, True])
@pytest.mark.parametrize("alpha", [0.0, 0.7])
def test_sparse_cg_on_wide_data_is_exact(fmt, fit_intercept, alpha):
    # It used to solve the singular primal system with a preconditioner:
    # coefficients off by percents and the intercept by tens. The dual system
    # gives the least-squares solution of least (pf-weighted) norm at alpha=0.
    X, y, _ = make_data(15, 40)
    pf = np.linspace(0.5, 2.0, 40)
    X_fit = sp.csr_matrix(X) if fmt == "csr" else X
    cg = Ridge(alpha, penalty_factor=pf, solver="sparse_cg", tol=1e-12)
    cg.fit(X_fit, y)
    exact = Ridge(
        alpha, penalty_factor=pf, solver="cholesky", fit_intercept=fit_intercept
    )
    exact.fit(X, y)
    if alpha > 0:
        cg.set_params(fit_intercept=fit_intercept).fit(X_fit, y)
        assert rel_err(cg.coef_, exact.coef_) < 1e-8
        assert cg.intercept_ == pytest.approx(exact.intercept_, rel=1e-8, abs=1e-8)
    else:
        cg.set_params(fit_intercept=fit_intercept).fit(X_fit, y)
        Xc = X - X.mean(0) if fit_intercept else X
        yc = y - y.mean() if fit_intercept else y
        # min sum_j pf_j b_j^2 subject to Xc b = yc
        scaled = Xc / np.sqrt(pf)
        expected = np.linalg.pinv(scaled) @ yc / np.sqrt(pf)
        assert rel_err(cg.coef_, expected) < 1e-8
        assert_allclose(Xc @ cg.coef_, yc, atol=1e-8 * np.abs(yc).max())


def test_ridgecv_svd_mode_on_sparse_warns_as_scikit_learn():
    X, y, _ = make_data(30, 5)
    with pytest.warns(FutureWarning, match="The 'svd' mode is not supported"):
        sparse_fit = RidgeCV(alphas=ALPHAS, gcv_mode="svd").fit(sp.csr_matrix(X), y)
    dense_fit = RidgeCV(alphas=ALPHAS, gcv_mode="svd").fit(X, y)
    assert sparse_fit.alpha_ == dense_fit.alpha_
    assert rel_err(sparse_fit.coef_, dense_fit.coef_) < 1e-10


def test_float32_ridge_results_stay_float32():
    X, y, _ = make_data(30, 5)
    X, y = X.astype(np.float32), y.astype(np.float32)
    for model in (RidgeCV(alphas=ALPHAS), Ridge(), RidgeCV(alphas=ALPHAS, cv=3)):
        model.fit(X, y)
        assert model.coef_.dtype == np.float32
        assert np.asarray(model.intercept_).dtype == np.float32, model


def test_direct_solvers_report_no_iterations_as_scikit_learn():
    X, y, _ = make_data(30, 5)
    for solver in ("cholesky", "svd", "sparse_cg"):
        assert Ridge(solver=solver).fit(X, y).n_iter_ is None
    assert Ridge(solver="lsqr").fit(X, y).n_iter_[0] >= 1
