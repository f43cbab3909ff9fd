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
    labels = texts_of(display)
    assert labels[:3] == ["bmi", "s5", "bp"]
    # Every name at the right end belongs to a feature nonzero at the smallest
    # shown alpha (s3, re-entering exactly there, is still zero).
    n_entries = sum(1 for text in display.texts_ if text.arrow_patch is not None)
    assert set(labels[n_entries:]) <= set(explanation.feature_names) - {"s3"}
    assert "bmi" in labels[n_entries:]
    assert display.ax_.get_xscale() == "log"
    low, high = display.ax_.get_xlim()
    assert low > high  # strongest penalty on the left
    assert "alpha" in display.ax_.get_xlabel()
    assert display.ax_.get_ylabel() == "coefficient"
    display.figure_.savefig(tmp_path / "path.png")
    assert (tmp_path / "path.png").stat().st_size > 10_000


def test_kkt_display_draws_shares_of_the_penalty_against_one_line(
    explanation, tmp_path
):
    display = KKTDisplay.from_explanation(explanation)
    assert len(display.lines_) == 20  # a thin and a thick part per feature
    assert list(display.threshold_line_.get_ydata()) == [1.0, 1.0]
    assert len(display.markers_) == 11
    assert all(list(m.get_ydata()) == [1.0] for m in display.markers_)
    assert texts_of(display)[:2] == ["bmi", "s5"]
    assert display.ax_.get_xscale() == "log" and display.ax_.get_yscale() == "linear"
    assert display.ax_.get_legend() is not None  # 10 features: a legend
    # An active feature rides the threshold; an inactive one stays under it.
    shares = display.lines_[2 * 2 + 1].get_ydata()
    riding = np.isfinite(shares) & display.active[2]
    np.testing.assert_allclose(shares[riding], 1.0, rtol=1e-9)
    below = display.lines_[2 * 2].get_ydata()
    assert np.nanmax(below) <= 1.0 + 1e-9
    display.figure_.savefig(tmp_path / "kkt.png")
    assert (tmp_path / "kkt.png").stat().st_size > 10_000


def test_penalty_factors_need_no_extra_lines():
    # Features with penalty factors 1 and 2 (and an adaptive lasso's weights)
    # all enter where their share reaches 1: one threshold line, no legend of
    # penalty lines.
    from skreg import AdaptiveLasso

    data = load_diabetes(as_frame=True)
    factors = np.where(np.arange(10) < 5, 1.0, 2.0)
    explanation = explain_lasso_path(data.data, data.target, penalty_factor=factors)
    display = KKTDisplay.from_explanation(explanation)
    lines = [line for line in display.ax_.get_lines() if line.get_linestyle() == "--"]
    assert lines == [display.threshold_line_]
    entered = display.markers_
    assert entered and all(list(m.get_ydata()) == [1.0] for m in entered)
    adaptive = AdaptiveLasso(alpha=0.1, explain=True).fit(data.data, data.target)
    display = KKTDisplay.from_estimator(adaptive)
    lines = [line for line in display.ax_.get_lines() if line.get_linestyle() == "--"]
    assert lines == [display.threshold_line_]
    assert list(display.alpha_line_.get_xdata()) == [0.1, 0.1]


def wide_fit(n_features=200, n_samples=100, seed=0):
    from skreg import Lasso

    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    coef = np.zeros(n_features)
    coef[:30] = 3 * rng.randn(30)
    y = X @ coef + 3 * rng.randn(n_samples)
    return Lasso(alpha=0.2, explain=True).fit(X, y)


def boxes_of(display):
    renderer = display.figure_.canvas.get_renderer()
    return [text.get_window_extent(renderer) for text in display.texts_]


@pytest.mark.parametrize("Display", [PathDisplay, KKTDisplay])
def test_names_never_overlap_and_stay_inside_the_axes(Display):
    model = wide_fit()
    assert len(model.explanation_.events) > 60
    display = Display.from_estimator(model)
    boxes = boxes_of(display)
    assert 8 <= len(boxes) <= 20  # capped: the strongest names only
    for i, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[:i])
    frame = display.ax_.get_window_extent(display.figure_.canvas.get_renderer())
    for box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1
        assert frame.y0 <= box.y0 and box.y1 <= frame.y1
    assert display.ax_.get_legend() is None  # 200 features: names, no legend


def test_the_kkt_display_names_the_zero_features_closest_to_entering():
    model = wide_fit()
    display = KKTDisplay.from_estimator(model, max_labels=3)
    ends = [text.get_text() for text in display.texts_ if "%" in text.get_text()]
    shares = display.shares()[:, -1]
    zero = np.flatnonzero(model.coef_ == 0)
    closest = zero[np.argsort(-shares[zero])][: len(ends)]
    assert len(ends) >= 2
    for text, j in zip(ends, closest):
        name, percent = text.split()
        assert name == f"x{j}"
        assert int(percent[:-1]) == int(np.floor(100 * shares[j]))
        assert shares[j] < 1.0


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


def test_the_top_axis_counts_coef_at_the_fitted_alpha():
    # A duplicated column: the path walks the pair as one feature and splits
    # it as coef_ does; the last count is coef_'s, as in the report.
    from skreg import Lasso

    data = load_diabetes(as_frame=True)
    X = data.data.assign(bmi_copy=data.data["bmi"])
    model = Lasso(alpha=0.1, explain=True).fit(X, data.target)
    display = PathDisplay.from_estimator(model)
    labels = [label.get_text() for label in display.nonzeros_axis_.get_xticklabels()]
    assert labels[-1] == str(np.count_nonzero(model.coef_)) == "8"
    assert len(model.explanation_.events) == 7  # one event for the tied pair
