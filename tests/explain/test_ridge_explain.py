"""Ridge(explain=True) and RidgeCV(explain=True): the SVD story of a ridge fit,
checked against closed forms, scikit-learn and skreg's own fits."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg import Ridge, RidgeCV
from skreg._explain import ridge as ridge_explain
from skreg._explain.ridge import RidgeExplanation, explain_ridge
from skreg._path.ridge_solvers import centre_data


@pytest.fixture(scope="module")
def diabetes():
    data = load_diabetes(as_frame=True)
    return data.data, data.target.to_numpy()


def _problem(n_samples=40, n_features=6, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features) @ rng.randn(n_features, n_features)
    X += 3.0  # non-zero means: the centring matters
    y = X @ rng.randn(n_features) + rng.randn(n_samples)
    return X, y


def _centred(X, y, sample_weight=None):
    """sqrt(s) * (X - mean_s X), the same for y: the data ridge really sees."""
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    root = np.sqrt(s)[:, None]
    Xc = (X - np.average(X, axis=0, weights=s)) * root
    yc = (y - np.average(y, weights=s)) * root[:, 0]
    return Xc, yc


def _ridge_solve(Xc, yc, alpha, pf):
    """The normal equations, directly."""
    return np.linalg.solve(Xc.T @ Xc + alpha * np.diag(pf), Xc.T @ yc)


# --- the closed forms -------------------------------------------------------


def test_unit_penalty_is_the_svd_of_the_centred_data(diabetes):
    X, y = diabetes
    explanation = Ridge(alpha=0.1, explain=True).fit(X, y).explanation_
    Xc, yc = _centred(X.to_numpy(), y)
    U, d, Vt = np.linalg.svd(Xc, full_matrices=False)
    assert_allclose(explanation.singular_values, d, rtol=1e-12)
    assert_allclose(explanation.kept_fraction, d**2 / (d**2 + 0.1), rtol=1e-12)
    for alpha in (1e-3, 0.1, 3.0, 1e3):
        closed = Vt.T @ (d / (d**2 + alpha) * (U.T @ yc))
        assert_allclose(explanation.coef_at(alpha), closed, rtol=1e-9)


def test_path_is_skreg_ridge_and_sklearn_ridge_at_every_alpha(diabetes):
    X, y = diabetes
    explanation = Ridge(alpha=0.5, explain=True).fit(X, y).explanation_
    alphas = explanation.alphas
    assert explanation.coef_path.shape == (10, alphas.size)
    assert np.all(np.diff(alphas) < 0)
    assert alphas[0] > 0.5 > alphas[-1] and 0.5 in alphas  # brackets the fit
    for k in range(0, alphas.size, 15):
        mine = Ridge(alpha=alphas[k]).fit(X, y).coef_
        theirs = sk.Ridge(alpha=alphas[k]).fit(X, y).coef_
        assert_allclose(explanation.coef_path[:, k], mine, rtol=1e-8, atol=1e-10)
        assert_allclose(explanation.coef_path[:, k], theirs, rtol=1e-7, atol=1e-9)


def test_dof_is_the_trace_of_the_hat_matrix():
    X, y = _problem()
    pf = np.array([0.0, 0.5, 1.0, 2.0, 1.0, 4.0])
    weights = np.random.RandomState(1).uniform(0.5, 2.0, X.shape[0])
    model = Ridge(alpha=7.0, penalty_factor=pf, explain=True).fit(X, y, weights)
    Xc, _ = _centred(X, y, weights)
    hat = Xc @ np.linalg.solve(Xc.T @ Xc + 7.0 * np.diag(pf), Xc.T)
    assert_allclose(model.explanation_.dof, np.trace(hat), rtol=1e-10)
    assert_allclose(model.explanation_.dof, model.dof_, rtol=1e-10)
    hat_far = Xc @ np.linalg.solve(Xc.T @ Xc + 1e3 * np.diag(pf), Xc.T)
    assert_allclose(model.explanation_.dof_at(1e3), np.trace(hat_far), rtol=1e-10)


def test_large_alpha_limit_is_the_correlation_over_the_factor():
    X, y = _problem()
    pf = np.array([1.0, 0.5, 2.0, 1.0, 3.0, 1.0])
    explanation = Ridge(alpha=1.0, penalty_factor=pf, explain=True).fit(X, y)
    explanation = explanation.explanation_
    Xc, yc = _centred(X, y)
    assert_allclose(explanation.limit, Xc.T @ yc / pf, rtol=1e-10)
    huge = 1e9
    far = Ridge(alpha=huge, penalty_factor=pf).fit(X, y).coef_
    assert_allclose(huge * far, explanation.limit, rtol=1e-5)
    assert np.all(far != 0)  # tiny, but never exactly zero


def test_ols_limit_is_least_squares_and_min_norm_when_p_exceeds_n():
    X, y = _problem()
    explanation = Ridge(alpha=1.0, explain=True).fit(X, y).explanation_
    assert_allclose(
        explanation.ols_coef, sk.LinearRegression().fit(X, y).coef_, rtol=1e-8
    )
    X, y = _problem(n_samples=8, n_features=20, seed=3)
    explanation = Ridge(alpha=1.0, explain=True).fit(X, y).explanation_
    Xc, yc = _centred(X, y)
    assert_allclose(explanation.ols_coef, np.linalg.pinv(Xc) @ yc, rtol=1e-8)
    assert explanation.singular_values.size == 7  # rank after centring
    fit = Ridge(alpha=2.0).fit(X, y).coef_
    assert_allclose(explanation.coef_at(2.0), fit, rtol=1e-8, atol=1e-12)


# --- penalty factors and sample weights --------------------------------------


def test_penalty_factors_tell_the_story_of_the_rescaled_problem():
    X, y = _problem()
    pf = np.array([0.25, 0.5, 1.0, 2.0, 1.0, 4.0])
    explanation = Ridge(alpha=3.0, penalty_factor=pf, explain=True).fit(X, y)
    explanation = explanation.explanation_
    Xc, yc = _centred(X, y)
    d = np.linalg.svd(Xc / np.sqrt(pf), compute_uv=False)
    assert_allclose(explanation.singular_values, d, rtol=1e-10)
    for alpha in (0.1, 3.0, 100.0):
        assert_allclose(
            explanation.coef_at(alpha), _ridge_solve(Xc, yc, alpha, pf), rtol=1e-9
        )


def test_unpenalized_features_are_projected_out_first():
    X, y = _problem()
    pf = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 1.0])
    model = Ridge(alpha=3.0, penalty_factor=pf, explain=True).fit(X, y)
    explanation = model.explanation_
    Xc, yc = _centred(X, y)
    # four penalized directions, of the penalized columns off span(x0, x3)
    Q = np.linalg.qr(Xc[:, pf == 0])[0]
    projected = Xc[:, pf > 0] - Q @ (Q.T @ Xc[:, pf > 0])
    d = np.linalg.svd(projected, compute_uv=False)
    assert_allclose(explanation.singular_values, d, rtol=1e-10)
    assert_allclose(explanation.coef, model.coef_, rtol=1e-9)
    for alpha in (0.01, 3.0, 300.0):
        assert_allclose(
            explanation.coef_at(alpha), _ridge_solve(Xc, yc, alpha, pf), rtol=1e-9
        )
    # as alpha -> inf: the unpenalized fit alone, and the others like c / alpha
    alone = np.linalg.lstsq(Xc[:, pf == 0], yc, rcond=None)[0]
    assert_allclose(explanation.coef_at(1e10)[pf == 0], alone, rtol=1e-6)
    assert np.all(np.isnan(explanation.limit[pf == 0]))
    M = np.eye(X.shape[0]) - Q @ Q.T
    assert_allclose(explanation.limit[pf > 0], (Xc.T @ M @ yc)[pf > 0], rtol=1e-9)
    story = explanation.why("x0")
    assert story.unpenalized_part == pytest.approx(alone[0], rel=1e-9)
    assert story.coefficient == pytest.approx(
        story.unpenalized_part + story.contributions.sum(), rel=1e-12
    )
    assert "Unpenalized (pf = 0)" in str(story)
    assert explanation.dof == pytest.approx(model.dof_, rel=1e-10)


def test_an_infinite_factor_excludes_the_feature():
    # Ridge itself asks for finite factors; the story treats inf as excluded.
    X, y = _problem()
    pf = np.array([1.0, np.inf, 1.0, 1.0, 1.0, 1.0])
    design, Y, *_ = centre_data(X, y, None, fit_intercept=True)
    explanation = explain_ridge(design, Y[:, 0], alpha=2.0, penalty_factor=pf)
    assert np.all(explanation.coef_path[1] == 0)
    kept = np.delete(np.arange(6), 1)
    without = Ridge(alpha=2.0).fit(X[:, kept], y).coef_
    assert_allclose(explanation.coef[kept], without, rtol=1e-9)
    assert "0 at every alpha" in str(explanation.why(1))


def test_sample_weights_weight_the_rows_by_their_square_root():
    X, y = _problem()
    weights = np.array([1, 2, 3, 1] * 10, dtype=float)
    weighted = Ridge(alpha=2.0, explain=True).fit(X, y, sample_weight=weights)
    repeated = Ridge(alpha=2.0, explain=True).fit(
        np.repeat(X, weights.astype(int), axis=0),
        np.repeat(y, weights.astype(int)),
    )
    a, b = weighted.explanation_, repeated.explanation_
    assert_allclose(a.singular_values, b.singular_values, rtol=1e-10)
    assert_allclose(a.coef_path, b.coef_path, rtol=1e-9, atol=1e-12)
    Xc, yc = _centred(X, y, weights)
    assert_allclose(a.coef, _ridge_solve(Xc, yc, 2.0, np.ones(6)), rtol=1e-10)
    assert_allclose(a.coef, weighted.coef_, rtol=1e-10)


@pytest.mark.parametrize("shape", [(50, 6), (8, 20)])
def test_sparse_x_gives_the_dense_story(shape):
    X, y = _problem(*shape, seed=5)
    X[X < 3.0] = 0.0
    pf = np.linspace(0.0, 2.0, shape[1])
    dense = Ridge(alpha=1.5, penalty_factor=pf, explain=True).fit(X, y)
    sparse_fit = Ridge(alpha=1.5, penalty_factor=pf, explain=True).fit(
        sparse.csr_matrix(X), y
    )
    a, b = dense.explanation_, sparse_fit.explanation_
    assert_allclose(b.singular_values, a.singular_values, rtol=1e-7)
    assert_allclose(b.coef_path, a.coef_path, rtol=1e-6, atol=1e-9)
    assert b.dof == pytest.approx(a.dof, rel=1e-8)


def test_a_large_sparse_x_is_refused_clearly(monkeypatch):
    monkeypatch.setattr(ridge_explain, "_DOF_MAX_DIM", 3)
    X, y = _problem()
    with pytest.raises(ValueError, match="explain=True on a sparse X"):
        Ridge(explain=True).fit(sparse.csr_matrix(X), y)


def test_no_intercept():
    X, y = _problem()
    model = Ridge(alpha=2.0, fit_intercept=False, explain=True).fit(X, y)
    explanation = model.explanation_
    assert_allclose(explanation.singular_values, np.linalg.svd(X)[1], rtol=1e-10)
    assert_allclose(explanation.coef, model.coef_, rtol=1e-10)


# --- the estimators -----------------------------------------------------------


@pytest.mark.parametrize("solver", ["auto", "svd", "lsqr"])
@pytest.mark.parametrize("as_sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_explain_does_not_change_the_fit(solver, as_sparse, weighted):
    X, y = _problem()
    X = sparse.csr_matrix(X) if as_sparse else X
    weights = np.linspace(0.5, 2.0, 40) if weighted else None
    params = dict(alpha=2.0, penalty_factor=[0, 1, 2, 1, 1, 0.5], solver=solver)
    plain = Ridge(**params).fit(X, y, sample_weight=weights)
    explained = Ridge(**params, explain=True).fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(explained.coef_, plain.coef_)
    assert explained.intercept_ == plain.intercept_
    assert explained.dof_ == plain.dof_
    assert not hasattr(plain, "explanation_")


def test_explain_does_not_change_ridge_cv_and_explains_alpha_(diabetes):
    X, y = diabetes
    alphas = np.logspace(-3, 2, 11)
    for cv in (None, 3):
        plain = RidgeCV(alphas=alphas, cv=cv).fit(X, y)
        explained = RidgeCV(alphas=alphas, cv=cv, explain=True).fit(X, y)
        np.testing.assert_array_equal(explained.coef_, plain.coef_)
        explanation = explained.explanation_
        assert explanation.alpha == explained.alpha_
        assert_allclose(explanation.coef, explained.coef_, rtol=1e-8)
        assert explanation.feature_names == list(X.columns)
        assert explanation.dof == pytest.approx(explained.dof_, rel=1e-10)


def test_inputs_are_not_modified():
    X, y = _problem()
    weights = np.linspace(0.5, 2.0, 40)
    X0, y0, w0 = X.copy(), y.copy(), weights.copy()
    Ridge(explain=True, penalty_factor=np.ones(6)).fit(X, y, weights)
    RidgeCV(explain=True).fit(X, y, weights)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(weights, w0)


def test_one_target_and_no_positive():
    X, y = _problem()
    with pytest.raises(ValueError, match="explain=True explains one target"):
        Ridge(explain=True).fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="explain=True explains one target"):
        RidgeCV(explain=True).fit(X, np.c_[y, y])
    with pytest.raises(ValueError, match="explain=True does not support positive"):
        Ridge(explain=True, positive=True).fit(X, y)
    with pytest.raises(ValueError, match="explain"):
        Ridge(explain="yes").fit(X, y)


def test_degenerate_fits_are_explained():
    X, y = _problem()
    X[:, 2] = 4.0  # constant: zero after centring
    explanation = Ridge(explain=True).fit(X, y).explanation_
    assert np.all(explanation.coef_path[2] == 0)
    assert "0 at every alpha" in str(explanation.why(2))
    assert explanation.singular_values.size == 5
    one = Ridge(explain=True).fit(X[:1], y[:1]).explanation_
    assert one.singular_values.size == 0 and one.dof == 0
    assert "Ridge fit" in one.report()
    flat = Ridge(explain=True).fit(X, np.full(40, 2.0)).explanation_
    assert np.all(flat.coef_path == 0)
    assert "No coefficient changes sign" in flat.report()


def test_pickles(diabetes):
    X, y = diabetes
    explanation = Ridge(explain=True).fit(X, y).explanation_
    again = pickle.loads(pickle.dumps(explanation))
    np.testing.assert_array_equal(again.coef_path, explanation.coef_path)
    assert str(again.why("bmi")) == str(explanation.why("bmi"))


@parametrize_with_checks(
    [Ridge(explain=True), RidgeCV(explain=True)],
    expected_failed_checks=lambda estimator: (
        # as for Ridge() in tests/test_common.py: n_iter_ is None for the
        # direct solvers, as in scikit-learn's Ridge
        {"check_non_transformer_estimators_n_iter": "n_iter_ is None"}
        if isinstance(estimator, Ridge)
        else {}
    ),
)
def test_sklearn_compatible_in_explain_mode(estimator, check):
    check(estimator)


# --- reading it ----------------------------------------------------------------


def test_why_adds_up_on_diabetes(diabetes):
    X, y = diabetes
    explanation = Ridge(alpha=0.1, explain=True).fit(X, y).explanation_
    for feature in explanation.feature_names:
        story = explanation.why(feature)
        j = explanation.feature_names.index(feature)
        assert story.coefficient == pytest.approx(explanation.coef[j], rel=1e-12)
        assert story.contributions.sum() == pytest.approx(story.coefficient, rel=1e-9)
        assert story.ols_parts.sum() == pytest.approx(story.ols_coefficient, rel=1e-9)
        assert_allclose(story.contributions, story.ols_parts * story.kept_fraction)
        assert_allclose(
            story.contributions, explanation.contributions(feature), rtol=1e-12
        )
    bmi = explanation.why("bmi", alpha=10.0)
    assert bmi.coefficient == pytest.approx(
        sk.Ridge(alpha=10.0).fit(X, y).coef_[2], rel=1e-8
    )
    text = str(bmi)
    assert "and 6 more directions" in text
    assert f"{bmi.coefficient:+.5g}" in text
    assert f"{bmi.ols_coefficient:+.6g}" in text
    assert "never exactly 0" in text
    assert bmi.shrink == pytest.approx(bmi.coefficient / bmi.ols_coefficient)
    assert repr(bmi) == text and bmi._repr_html_().startswith("<pre>")


def test_why_finds_names_and_suggests(diabetes):
    X, y = diabetes
    model = make_pipeline(StandardScaler(), Ridge(explain=True))
    model.set_output(transform="pandas").fit(X, y)
    explanation = model[-1].explanation_
    assert explanation.why(-1).feature == "s6"
    with pytest.raises(ValueError, match="Did you mean 'bmi'"):
        explanation.why("bmj")
    with pytest.raises(ValueError, match="alpha must be"):
        explanation.why("bmi", alpha=-1.0)


def test_sign_changes_are_where_the_fits_change_sign(diabetes):
    X, y = diabetes
    explanation = Ridge(alpha=0.1, explain=True).fit(X, y).explanation_
    changed = {
        explanation.feature_names[j]: alphas
        for j, alphas in enumerate(explanation.sign_changes)
        if alphas.size
    }
    assert {"s1", "s2"} <= set(changed)
    for name, alphas in changed.items():
        j = explanation.feature_names.index(name)
        for alpha in alphas:
            before = sk.Ridge(alpha=alpha * 1.01).fit(X, y).coef_[j]
            after = sk.Ridge(alpha=alpha / 1.01).fit(X, y).coef_[j]
            assert np.sign(before) == -np.sign(after)
    # nowhere else: the closed form on a dense grid agrees on the count
    grid = np.geomspace(1e6, 1e-6, 20000)
    signs = np.sign(explanation.coef_at(grid))
    counts = np.count_nonzero(np.diff(signs, axis=1), axis=1)
    assert counts.tolist() == [a.size for a in explanation.sign_changes]


def test_shrinkage_alpha_is_where_every_coefficient_is_below_one_percent(diabetes):
    X, y = diabetes
    explanation = Ridge(alpha=0.1, explain=True).fit(X, y).explanation_
    alpha = explanation.shrinkage_alpha(0.01)
    ols = np.abs(explanation.ols_coef)

    def worst(a):
        return np.max(np.abs(sk.Ridge(alpha=a).fit(X, y).coef_) / ols)

    assert worst(alpha) == pytest.approx(0.01, rel=1e-6)
    assert worst(alpha * 1.01) < 0.01 < worst(alpha / 1.01)
    for later in np.geomspace(alpha, alpha * 1e4, 9)[1:]:
        assert worst(later) < 0.01
    with pytest.raises(ValueError, match="share"):
        explanation.shrinkage_alpha(1.5)


def test_report_on_diabetes(diabetes):
    X, y = diabetes
    explanation = Ridge(alpha=0.1, explain=True).fit(X, y).explanation_
    text = explanation.report()
    assert repr(text) == str(text)  # shown as text, not as a literal
    assert "||y - b - Xw||^2 + alpha * sum_j pf_j w_j^2" in text
    assert f"{explanation.dof:.4g} of 10" in text
    assert "10: 0.0789" in text  # the last direction's kept fraction
    assert "bmi +489.7 (94% of least squares)" in text
    assert "s1 at alpha = 0.812" in text
    assert f"{explanation.shrinkage_alpha():.4g}" in text
    assert max(len(line) for line in text.splitlines()) <= 88
    assert "dof = 7.642" in str(explanation)


def test_report_stays_short_at_200_features():
    X, y = _problem(n_samples=300, n_features=200, seed=2)
    explanation = Ridge(alpha=50.0, explain=True).fit(X, y).explanation_
    text = explanation.report()
    assert "5: " in text and "... (190 more), 196: " in text  # first and last five
    assert "and 195 more" in text  # five coefficients named
    assert len(text.splitlines()) < 30
    assert max(len(line) for line in text.splitlines()) <= 88


def test_to_frame(diabetes):
    pytest.importorskip("pandas")
    X, y = diabetes
    explanation = Ridge(alpha=0.1, explain=True).fit(X, y).explanation_
    frame = explanation.to_frame()
    assert list(frame.columns) == [
        "penalty_factor",
        "coef",
        "ols_coef",
        "shrink",
        "limit",
        "sign_changes",
    ]
    assert list(frame.index) == list(X.columns)
    assert_allclose(frame["coef"], explanation.coef)
    assert frame.loc["s1", "sign_changes"] == 1


def test_is_shown_as_its_summary(diabetes):
    X, y = diabetes
    explanation = Ridge(explain=True).fit(X, y).explanation_
    assert isinstance(explanation, RidgeExplanation)
    assert repr(explanation).startswith("RidgeExplanation at alpha = 1:")
    assert explanation._repr_html_().startswith("<pre>")
