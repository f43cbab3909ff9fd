"""RidgePathDisplay: the ridge path, the fitted alpha, the kept fraction per
direction; readable at 200 features."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skreg import Lasso, Ridge, RidgeCV

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from skreg._plot_ridge import RidgePathDisplay  # noqa: E402


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True, as_frame=True)


def _wide(n_samples=300, n_features=200, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features)
    coef = np.zeros(n_features)
    coef[:15] = 3 * rng.randn(15)
    return X, X @ coef + 3 * rng.randn(n_samples)


def test_paths_alpha_and_kept_fractions(diabetes):
    model = Ridge(alpha=0.1, explain=True).fit(*diabetes)
    explanation = model.explanation_
    display = RidgePathDisplay.from_estimator(model)
    assert len(display.lines_) == 10
    for j, line in enumerate(display.lines_):
        x, y = line.get_data()
        assert_allclose(x, explanation.alphas)
        assert_allclose(y, explanation.coef_path[j])
    assert display.alpha_line_.get_linestyle() == ":"
    assert_allclose(display.alpha_line_.get_xdata(), [0.1, 0.1])
    assert_allclose(display.kept_alpha_line_.get_xdata(), [0.1, 0.1])
    # every direction's d^2 / (d^2 + alpha)
    assert len(display.kept_lines_) == 10
    d = explanation.singular_values
    assert_allclose(
        display.kept_lines_[-1].get_ydata(),
        d[-1] ** 2 / (d[-1] ** 2 + explanation.alphas),
    )
    # all ten named, none twice; strong penalty on the left
    assert sorted(t.get_text() for t in display.texts_) == sorted(diabetes[0].columns)
    assert display.ax_.get_xlim()[0] > display.ax_.get_xlim()[1]
    assert display.kept_ax_.figure is display.figure_
    assert display.dof_axis_.get_xlabel() == "effective degrees of freedom"
    plt.close(display.figure_)


def test_dof_ticks_are_at_their_degrees_of_freedom(diabetes):
    explanation = Ridge(alpha=0.1, explain=True).fit(*diabetes).explanation_
    display = explanation.plot()
    ticks = display.dof_axis_.get_xticks()
    labels = [float(t.get_text()) for t in display.dof_axis_.get_xticklabels()]
    assert len(labels) >= 3
    for alpha, dof in zip(ticks, labels):
        assert explanation.dof_at(alpha) == pytest.approx(dof, abs=0.05)
    plt.close(display.figure_)


def test_readable_at_200_features():
    X, y = _wide()
    model = RidgeCV(alphas=np.logspace(-2, 4, 13), explain=True).fit(X, y)
    display = RidgePathDisplay.from_estimator(model)
    assert len(display.lines_) == 200
    assert len(display.texts_) == 8  # the eight largest at alpha_, named
    named = {t.get_text() for t in display.texts_}
    largest = np.argsort(-np.abs(model.coef_))[:8]
    assert named == {f"x{j}" for j in largest}
    assert display.ax_.get_legend() is None  # no 200-entry legend
    assert len(display.kept_lines_) == 40  # of 200 directions
    assert "200 principal directions (40 drawn)" in (
        display.kept_ax_.get_legend().get_title().get_text()
    )
    grey = [line for line in display.lines_ if line.get_color() == "0.72"]
    assert len(grey) == 192
    assert "192 smaller coefficients in grey" in display.ax_.get_title()
    plt.close(display.figure_)


def test_n_labels_and_a_given_axes(diabetes):
    model = Ridge(alpha=1.0, explain=True).fit(*diabetes)
    fig, ax = plt.subplots()
    display = RidgePathDisplay.from_estimator(model, ax=ax, n_labels=3)
    assert display.ax_ is ax and display.figure_ is fig
    assert len(display.texts_) == 3
    assert display.kept_ax_ is None and display.kept_lines_ == []
    plt.close(fig)
    fig, (top, bottom) = plt.subplots(2, 1)
    display = RidgePathDisplay.from_estimator(model, ax=top, kept_ax=bottom)
    assert display.kept_ax_ is bottom and len(display.kept_lines_) == 10
    plt.close(fig)


def test_takes_a_pipeline_and_refuses_what_has_no_ridge_explanation(diabetes):
    model = make_pipeline(StandardScaler(), Ridge(explain=True)).fit(*diabetes)
    display = RidgePathDisplay.from_estimator(model)
    assert len(display.lines_) == 10
    plt.close(display.figure_)
    with pytest.raises(ValueError, match="explain=True"):
        RidgePathDisplay.from_estimator(Ridge().fit(*diabetes))
    with pytest.raises(ValueError, match="ridge explanation_"):
        RidgePathDisplay.from_estimator(Lasso(alpha=1.0, explain=True).fit(*diabetes))


def test_unpenalized_features_are_dashed_and_said(diabetes):
    pf = np.ones(10)
    pf[0] = 0.0
    model = Ridge(alpha=0.05, penalty_factor=pf, explain=True).fit(*diabetes)
    display = RidgePathDisplay.from_estimator(model)
    assert display.lines_[0].get_linestyle() == "--"
    assert {line.get_linestyle() for line in display.lines_[1:]} == {"-"}
    assert "age (pf = 0)" in [t.get_text() for t in display.texts_]
    # 9 penalized directions, the unpenalized one counted in the dof axis
    assert len(display.kept_lines_) == 9
    plt.close(display.figure_)


def test_no_direction_draws_the_flat_paths():
    X, y = _wide(n_samples=1)
    display = Ridge(explain=True).fit(X, y).explanation_.plot()
    assert len(display.lines_) == 200 and display.kept_lines_ == []
    assert display.texts_ == []  # nothing nonzero to name
    plt.close(display.figure_)
