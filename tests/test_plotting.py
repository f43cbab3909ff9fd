"""PathDisplay and KKTDisplay render with Agg and hold the expected artists."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from skreg import explain_lasso_path
from skreg.plotting import KKTDisplay, PathDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(scope="module")
def explanation():
    data = load_diabetes(as_frame=True)
    return explain_lasso_path(data.data, data.target)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class FittedWithExplanation:
    def __init__(self, explanation):
        self.explanation_ = explanation


def texts_of(display):
    return [text.get_text() for text in display.texts_]


def test_path_display_draws_curves_events_and_labels(explanation, tmp_path):
    display = PathDisplay.from_explanation(explanation)
    assert len(display.lines_) == 10
    assert len(display.markers_) == 12  # every event has a positive alpha
    exit_markers = [m for m in display.markers_ if m.get_marker() == "X"]
    assert len(exit_markers) == 1
    entry_labels = texts_of(display)[:10]
    assert entry_labels[:3] == ["bmi", "s5", "bp"]
    # Names at the right end: the features nonzero at the smallest shown alpha
    # (s3, re-entering exactly there, is still zero).
    ends = set(explanation.feature_names) - {"s3"}
    assert set(texts_of(display)[10:]) == ends
    assert display.ax_.get_xscale() == "log"
    low, high = display.ax_.get_xlim()
    assert low > high  # strongest penalty on the left
    assert "alpha" in display.ax_.get_xlabel()
    assert display.ax_.get_ylabel() == "coefficient"
    display.figure_.savefig(tmp_path / "path.png")
    assert (tmp_path / "path.png").stat().st_size > 10_000


def test_kkt_display_draws_correlations_and_penalty_line(explanation, tmp_path):
    display = KKTDisplay.from_explanation(explanation)
    assert len(display.lines_) == 20  # a thin and a thick part per feature
    assert len(display.penalty_lines_) == 1
    assert "pf = 1" in display.penalty_lines_[0].get_label()
    assert len(display.markers_) == 11
    assert texts_of(display)[:2] == ["bmi", "s5"]
    assert display.ax_.get_xscale() == "log" and display.ax_.get_yscale() == "log"
    assert display.ax_.get_legend() is not None
    # Active features ride their line: the thick part lies on alpha * pf.
    penalty = display.alphas * display.penalty_factor[2]
    thick = display.lines_[2 * 2 + 1].get_ydata()
    riding = np.isfinite(thick) & display.active[2]
    np.testing.assert_allclose(thick[riding], penalty[riding], rtol=1e-9)
    display.figure_.savefig(tmp_path / "kkt.png")
    assert (tmp_path / "kkt.png").stat().st_size > 10_000


def test_penalty_factors_give_one_line_per_factor():
    data = load_diabetes(as_frame=True)
    factors = np.where(np.arange(10) < 5, 1.0, 2.0)
    explanation = explain_lasso_path(data.data, data.target, penalty_factor=factors)
    display = KKTDisplay.from_explanation(explanation)
    assert len(display.penalty_lines_) == 2


def test_from_estimator_and_plot_use_an_existing_axes(explanation):
    _, ax = plt.subplots()
    display = PathDisplay.from_estimator(FittedWithExplanation(explanation), ax=ax)
    assert display.ax_ is ax
    kkt = KKTDisplay.from_estimator(FittedWithExplanation(explanation), legend=False)
    assert kkt.ax_.get_legend() is None
    assert explanation.plot().ax_.get_xscale() == "log"


def test_from_estimator_without_explanation_says_how_to_get_one():
    with pytest.raises(ValueError, match="explain=True"):
        PathDisplay.from_estimator(object())
    with pytest.raises(ValueError, match="explain=True"):
        KKTDisplay.from_estimator(object())


def test_the_path_marks_its_alpha_counts_nonzeros_and_names_the_model():
    import numpy as np
    from sklearn.datasets import load_diabetes

    from skreg import ElasticNet, Lasso

    X, y = load_diabetes(return_X_y=True)
    lasso = Lasso(alpha=0.5, explain=True).fit(X, y)
    display = PathDisplay.from_estimator(lasso)
    assert display.ax_.get_title().startswith("Lasso path")
    assert list(display.alpha_line_.get_xdata()) == [0.5, 0.5]
    top = display.nonzeros_axis_
    ticks = top.get_xticks()
    labels = [label.get_text() for label in top.get_xticklabels()]
    coef_path, alphas = lasso.explanation_.coef_path, lasso.explanation_.alphas_
    for alpha, label in zip(ticks, labels):
        k = int(np.argmin(np.abs(alphas - alpha)))
        assert label == str(np.count_nonzero(coef_path[:, k]))
    assert labels[-1] == str(np.count_nonzero(lasso.coef_))
    plt.close(display.figure_)
    enet = ElasticNet(alpha=0.05, l1_ratio=0.5, explain=True).fit(X, y)
    display = PathDisplay.from_estimator(enet)
    assert display.ax_.get_title().startswith("Elastic-net path (l1_ratio = 0.5)")
    plt.close(display.figure_)
