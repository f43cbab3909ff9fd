"""explain=True on Lasso, ElasticNet and AdaptiveLasso."""

import pickle

import numpy as np
import pytest
from _problems import DIABETES_EVENTS
from numpy.testing import assert_allclose
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes

from skreg import AdaptiveLasso, ElasticNet, Lasso
from skreg._explain.explanation import COORDINATE_DESCENT_METHOD


@pytest.fixture(scope="module")
def diabetes():
    data = load_diabetes(as_frame=True)
    return data.data, data.target.to_numpy()


def _lars_knots(X, y):
    """scikit-learn's exact lasso knots on centred data (lars_path has no intercept)."""
    Xc = np.asarray(X) - np.asarray(X).mean(axis=0)
    alphas, _, coefs = sk.lars_path(Xc, y - y.mean(), method="lasso")
    return alphas, coefs


def test_lasso_explains_the_diabetes_path_like_lars(diabetes):
    X, y = diabetes
    ref_alphas, ref_coefs = _lars_knots(X, y)
    smallest = ref_alphas[-2] * 0.5  # past the last event
    model = Lasso(alpha=smallest, explain=True, tol=1e-10).fit(X, y)
    events = [(e.feature, e.event) for e in model.explanation_.events]
    assert events == DIABETES_EVENTS
    knots = model.alphas_[:-1]  # the last point is the fitted alpha
    np.testing.assert_allclose(knots, ref_alphas[: knots.size], rtol=1e-8)
    np.testing.assert_allclose(
        model.coef_path_[:, :-1], ref_coefs[:, : knots.size], rtol=1e-8, atol=1e-8
    )
    # The path ends at the fitted model.
    np.testing.assert_allclose(model.coef_path_[:, -1], model.coef_, rtol=1e-6)
    assert model.entry_alpha_[list(X.columns).index("bmi")] == pytest.approx(
        ref_alphas[0], rel=1e-10
    )


def test_lasso_explain_with_penalty_factors_matches_lars_on_rescaled_columns(
    diabetes,
):
    X, y = diabetes
    factors = np.linspace(0.5, 2.0, X.shape[1])
    ref_alphas, _ = _lars_knots(X / factors, y)
    model = Lasso(alpha=ref_alphas[5] * 0.999, penalty_factor=factors, explain=True)
    model.fit(X, y)
    knots = model.alphas_[:-1]
    np.testing.assert_allclose(knots, ref_alphas[: knots.size], rtol=1e-8)
    for event in model.explanation_.events:
        assert event.correlation == pytest.approx(event.penalty, rel=1e-8)


def test_elastic_net_events_are_located_to_1e_6(diabetes):
    X, y = diabetes
    alpha, l1_ratio = 0.05, 0.6
    model = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, explain=True).fit(X, y)
    explanation = model.explanation_
    assert explanation.method == COORDINATE_DESCENT_METHOD
    assert len(explanation.events) >= 8
    names = list(X.columns)
    for event in explanation.events:
        j = names.index(event.feature)
        # Independent fits just above and just below the located alpha.
        above = (
            ElasticNet(
                alpha=event.alpha * (1 + 2e-6),
                l1_ratio=l1_ratio,
                tol=1e-14,
                max_iter=100_000,
            )
            .fit(X, y)
            .coef_[j]
        )
        below = (
            ElasticNet(
                alpha=event.alpha * (1 - 2e-6),
                l1_ratio=l1_ratio,
                tol=1e-14,
                max_iter=100_000,
            )
            .fit(X, y)
            .coef_[j]
        )
        if event.event == "enter":
            assert above == 0 and below != 0
        else:
            assert above != 0 and below == 0
        # KKT at the event: the correlation with the residual equals the L1 penalty.
        assert event.correlation == pytest.approx(event.penalty, rel=1e-4)


def test_adaptive_lasso_explains_with_its_weights(diabetes):
    X, y = diabetes
    model = AdaptiveLasso(alpha=0.5, explain=True).fit(X, y)
    ref_alphas, _ = _lars_knots(X / model.weights_, y)
    knots = model.alphas_[:-1]
    np.testing.assert_allclose(knots, ref_alphas[: knots.size], rtol=1e-8)
    assert model.entry_alpha_.shape == (X.shape[1],)


def test_collinear_features_fall_back_to_bisection():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 4)
    y = X[:, 0] * 2 + X[:, 1] + 0.1 * rng.randn(40)
    # as correlated with y as column 0 but not collinear with it: two events
    # tie at alpha_max (an exact duplicate would be a tie group, walked as one)
    centred = y - y.mean()
    other = rng.randn(40)
    other -= other.mean()
    other -= (other @ centred) / (centred @ centred) * centred
    X = np.column_stack([X, X[:, 0] + 0.3 * other])
    model = Lasso(alpha=0.05, explain=True).fit(X, y)
    explanation = model.explanation_
    assert explanation.method == COORDINATE_DESCENT_METHOD
    assert "homotopy was not used" in explanation.note
    for event in explanation.events:
        assert event.correlation == pytest.approx(event.penalty, rel=1e-4)


def test_explain_false_records_nothing_and_multi_target_is_rejected(diabetes):
    X, y = diabetes
    model = Lasso(alpha=1.0).fit(X, y)
    assert not hasattr(model, "explanation_")
    with pytest.raises(ValueError, match="explain=True explains one target"):
        Lasso(alpha=1.0, explain=True).fit(X, np.column_stack([y, y]))


def test_why_numbers_add_up_on_a_fitted_estimator(diabetes):
    X, y = diabetes
    model = Lasso(alpha=0.3, explain=True).fit(X, y)
    story = model.explanation_.why("s3")
    assert story.raw_correlation == pytest.approx(
        story.explained_by_active + story.residual_correlation, abs=1e-9
    )


@pytest.mark.parametrize("Estimator", [Lasso, ElasticNet, AdaptiveLasso])
def test_a_fitted_explanation_keeps_no_copy_of_x(Estimator):
    # It keeps the path, Z'y / n and the Gram columns of the features that
    # enter: a pickled Lasso(explain=True) used to be 1.07x the bytes of X,
    # an ElasticNet 1.5x.
    rng = np.random.RandomState(0)
    X = rng.randn(2000, 50)
    y = X @ rng.randn(50) + rng.randn(2000)
    model = Estimator(alpha=0.1, explain=True).fit(X, y)
    assert len(pickle.dumps(model)) <= 0.2 * X.nbytes
    # and it still answers at any alpha of the path, as from the data
    explanation = model.explanation_
    story = explanation.why(3, alpha=explanation.alphas_[-1])
    residual = y - X @ explanation.coef_path[:, -1] - explanation.intercepts[-1]
    centred = X[:, 3] - X[:, 3].mean()
    assert story.residual_correlation == pytest.approx(
        centred @ residual / len(y), rel=1e-6, abs=1e-9
    )


def test_explain_reads_the_design_of_the_fit(diabetes, monkeypatch):
    # no second validation of X, no second design
    from skreg._explain import explanation
    from skreg._path import design, gram

    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return design.make_design(*args, **kwargs)

    def refuse(*args, **kwargs):
        raise AssertionError("the explanation validated X again")

    monkeypatch.setattr(gram, "make_design", counting)
    monkeypatch.setattr(explanation, "make_design", counting)
    monkeypatch.setattr(explanation, "check_explanation_data", refuse)
    X, y = diabetes
    Lasso(alpha=0.5, explain=True).fit(X, y)
    ElasticNet(alpha=0.05, explain=True).fit(X, y)
    assert len(calls) == 2  # one design per fit, explanation included


@pytest.mark.parametrize(
    "estimator",
    [
        Lasso(alpha=1e6, explain=True),
        ElasticNet(alpha=1e6, l1_ratio=0.5, explain=True),
        AdaptiveLasso(alpha=1e6, explain=True),
        Lasso(alpha=1e6, penalty_factor=[0.0] + [1.0] * 9, explain=True),
    ],
    ids=["lasso", "enet", "adaptive", "lasso-unpenalized"],
)
def test_a_fit_above_alpha_max_is_explained_at_its_own_alpha(diabetes, estimator):
    # Above alpha_max every penalized coefficient is zero: the story is told
    # at the fitted alpha (not at alpha_max), with no event and a note that
    # says why; the numbers still add up at that alpha.
    X, y = diabetes
    model = estimator.fit(X, y)
    explanation = model.explanation_
    assert_allclose(explanation.alphas_, [1e6])
    assert_allclose(model.alphas_, [1e6])
    assert explanation.events == []
    assert "alpha_max" in explanation.note and "1e+06" in explanation.report()
    assert_allclose(explanation.coef_path[:, -1], model.coef_, atol=1e-10)
    assert_allclose(explanation.intercepts[-1], model.intercept_, rtol=1e-10)
    assert not np.any(model.entry_alpha_[np.asarray(model.coef_) == 0])
    story = explanation.why(2)
    assert story.alpha == 1e6 and story.coefficient == 0.0 and not story.active
    assert abs(story.residual_correlation) < story.penalty
    assert_allclose(
        story.raw_correlation,
        story.explained_by_active + story.residual_correlation,
        rtol=1e-12,
    )
    n_in = np.count_nonzero(model.coef_)
    assert f"{n_in} of 10 features are in the model" in explanation.report()


def test_a_fit_just_below_alpha_max_keeps_its_path(diabetes):
    X, y = diabetes
    Z = X.to_numpy() - X.to_numpy().mean(axis=0)
    top = np.max(np.abs(Z.T @ (y - y.mean()))) / len(y)
    explanation = Lasso(alpha=0.999 * top, explain=True).fit(X, y).explanation_
    assert_allclose(explanation.alphas_, [top, 0.999 * top], rtol=1e-9)
    assert [(e.feature, e.event) for e in explanation.events] == [("bmi", "enter")]
    assert "alpha_max" not in (explanation.note or "")


def test_a_cv_estimator_explains_its_refit(diabetes):
    # LassoCV(explain=True) explains the refit at alpha_: the same path and
    # events as Lasso(alpha=alpha_, explain=True) on the same data.
    from skreg import ElasticNetCV, LassoCV

    X, y = diabetes
    model = LassoCV(cv=5, explain=True).fit(X, y)
    reference = Lasso(alpha=model.alpha_, explain=True).fit(X, y).explanation_
    explanation = model.explanation_
    assert_allclose(explanation.alphas_, reference.alphas_, rtol=1e-12)
    assert [(e.feature, e.event) for e in explanation.events] == [
        (e.feature, e.event) for e in reference.events
    ]
    assert explanation.alphas_[-1] == model.alpha_
    scale = np.abs(model.coef_).max()
    assert_allclose(explanation.coef_path[:, -1], model.coef_, atol=1e-4 * scale)
    assert not hasattr(LassoCV(cv=3).fit(X, y), "explanation_")
    enet = ElasticNetCV(l1_ratio=[0.5, 0.9], cv=3, explain=True).fit(X, y)
    assert enet.explanation_.alphas_[-1] == enet.alpha_
    assert "l1_ratio=" + format(enet.l1_ratio_, "g") in enet.explanation_.note


def test_adaptive_lasso_cv_explains_its_refit(diabetes):
    from skreg import AdaptiveLassoCV

    X, y = diabetes
    model = AdaptiveLassoCV(cv=3, alphas=20, explain=True).fit(X, y)
    explanation = model.explanation_
    assert explanation.alphas_[-1] == model.alpha_
    assert_allclose(explanation.penalty_factor, model.weights_)
    scale = np.abs(model.coef_).max()
    assert_allclose(explanation.coef_path[:, -1], model.coef_, atol=1e-3 * scale)
    assert not hasattr(AdaptiveLassoCV(cv=3, alphas=5).fit(X, y), "explanation_")


def test_displays_take_a_fitted_pipeline(diabetes):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skreg import LassoCV
    from skreg.plotting import KKTDisplay, PathDisplay

    X, y = diabetes
    scaler = StandardScaler().set_output(transform="pandas")
    pipeline = make_pipeline(scaler, LassoCV(cv=3, explain=True)).fit(X, y)
    for display in (
        PathDisplay.from_estimator(pipeline),
        KKTDisplay.from_estimator(pipeline),
    ):
        assert display.lines_
        plt.close(display.figure_)
    with pytest.raises(ValueError, match="fit it with explain=True"):
        PathDisplay.from_estimator(make_pipeline(scaler, LassoCV(cv=3)).fit(X, y))


def test_elastic_net_why_adds_the_ridge_part_to_the_kkt_condition(diabetes):
    # x_j'r/n = alpha l1_ratio pf sign(b) + alpha (1 - l1_ratio) pf b
    X, y = diabetes
    model = ElasticNet(
        alpha=0.01, l1_ratio=0.5, explain=True, tol=1e-12, max_iter=100_000
    ).fit(X, y)
    for feature in ("bmi", "s5", "sex"):
        story = model.explanation_.why(feature)
        assert story.active
        expected = 0.01 * 0.5 * story.coefficient
        assert story.ridge_part == pytest.approx(expected, rel=1e-12)
        sign = np.sign(story.coefficient)
        assert story.residual_correlation == pytest.approx(
            sign * story.penalty + story.ridge_part, rel=1e-6
        )
        assert "plus the ridge part" in str(story)
    lasso = Lasso(alpha=0.5, explain=True).fit(X, y).explanation_.why("bmi")
    assert lasso.ridge_part == 0.0 and "ridge part" not in str(lasso)
