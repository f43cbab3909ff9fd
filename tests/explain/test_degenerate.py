"""Paths on which nothing can enter: one correct story, and figures that say so."""

import warnings

import numpy as np
import pytest

from skreg import ElasticNet, Lasso

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from skreg.plotting import KKTDisplay, PathDisplay  # noqa: E402

_RNG = np.random.RandomState(0)
_X = _RNG.randn(30, 4)
_Y = _X @ [1.0, 2.0, 0.0, 0.0] + _RNG.randn(30)

CASES = {
    "constant y": (_X, np.ones(30), {}, "because y is constant"),
    "constant X": (np.ones((30, 4)), _Y, {}, "every column is constant"),
    "all excluded": (_X, _Y, {"penalty_factor": [np.inf] * 4}, "or excluded"),
    "all unpenalized": (
        _X,
        _Y,
        {"penalty_factor": [0.0] * 4},
        "unpenalized (penalty_factor = 0): the fit is least squares",
    ),
    "one sample": (_X[:1], _Y[:1], {}, "every column is constant"),
    "exact fit by the unpenalized": (
        _X,
        2.0 * _X[:, 0] + 1.0,
        {"penalty_factor": [0.0, 1.0, 1.0, 1.0]},
        "the unpenalized features fit y exactly",
    ),
    "positive, no positive correlation": (
        _X,
        -_X[:, 0] - _X[:, 1],
        {"positive": True},
        "no feature correlates positively",
    ),
}


def _fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return estimator.fit(X, y)


@pytest.mark.parametrize("case", list(CASES))
def test_nothing_enters_and_the_explanation_says_why(case):
    X, y, options, reason = CASES[case]
    model = _fit(Lasso(alpha=0.1, explain=True, **options), X, y)
    explanation = model.explanation_
    assert reason in explanation.note and reason in explanation.degenerate
    assert reason in explanation.report()
    # told at the fitted alpha, not at alpha = 0
    np.testing.assert_allclose(explanation.alphas_, [0.1])
    assert explanation.events == []
    np.testing.assert_allclose(explanation.coef_path[:, -1], model.coef_, atol=1e-12)
    n_in = np.count_nonzero(model.coef_)
    assert f"{n_in} of 4 features are in the model" in explanation.report()
    story = explanation.why(0)
    assert story.alpha == 0.1 and story.penalty == 0.1 * story.penalty_factor


@pytest.mark.parametrize("case", list(CASES))
def test_the_figures_of_a_degenerate_path_say_why(case):
    import matplotlib.pyplot as plt

    X, y, options, reason = CASES[case]
    model = _fit(Lasso(alpha=0.1, explain=True, **options), X, y)
    for display in (
        PathDisplay.from_estimator(model),
        KKTDisplay.from_estimator(model),
        model.explanation_.plot(),
    ):
        texts = " ".join(text.get_text() for text in display.ax_.texts)
        assert reason.split(":")[0][:25] in texts.replace("\n", " ")
        plt.close(display.figure_)


def test_an_elastic_net_on_a_constant_target_says_the_same():
    model = _fit(ElasticNet(alpha=0.1, explain=True), _X, np.full(30, 3.0))
    assert "because y is constant" in model.explanation_.note
    np.testing.assert_allclose(model.explanation_.alphas_, [0.1])


def test_a_normal_path_is_not_degenerate():
    explanation = _fit(Lasso(alpha=0.1, explain=True), _X, _Y).explanation_
    assert explanation.degenerate is None and len(explanation.events) >= 2
