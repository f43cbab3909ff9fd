"""CVDisplay draws the CV error of the chosen grid, its spread and alpha_."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes

from skreg import AdaptiveLassoCV, ElasticNetCV, Lasso, LassoCV

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from skreg.plotting import CVDisplay  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return load_diabetes(return_X_y=True)


def test_the_curve_is_the_mean_error_with_alpha_marked(data):
    model = LassoCV(cv=3).fit(*data)
    display = CVDisplay.from_estimator(model)
    x, y = display.line_.get_data()
    assert_allclose(x, model.alphas_)
    assert_allclose(y, model.mse_path_.mean(axis=1))
    assert_allclose(display.alpha_line_.get_xdata(), [model.alpha_] * 2)
    # the band spans mean -/+ std at every alpha
    vertices = display.band_.get_paths()[0].vertices
    spread = model.mse_path_.std(axis=1)
    assert np.isclose(vertices[:, 1].max(), (y + spread).max())
    assert np.isclose(vertices[:, 1].min(), (y - spread).min())
    assert display.ax_.get_xlim()[0] > display.ax_.get_xlim()[1]  # strong left
    plt.close(display.figure_)


@pytest.mark.parametrize(
    "estimator, name",
    [
        (ElasticNetCV(l1_ratio=[0.2, 0.9], cv=3), "l1_ratio"),
        (AdaptiveLassoCV(cv=3, alphas=20, gammas=(0.5, 2.0)), "gamma"),
    ],
)
def test_several_grids_show_the_chosen_one(data, estimator, name):
    model = estimator.fit(*data)
    display = CVDisplay.from_estimator(model)
    chosen = getattr(model, name + "_")
    index = list(getattr(model, name if name == "l1_ratio" else "gammas")).index(chosen)
    assert_allclose(display.line_.get_xdata(), np.asarray(model.alphas_)[index])
    assert_allclose(
        display.line_.get_ydata(), np.asarray(model.mse_path_)[index].mean(axis=1)
    )
    assert f"{name} = {chosen:g}" in display.ax_.get_title()
    plt.close(display.figure_)


def test_a_pipeline_and_a_clear_error(data):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipeline = make_pipeline(StandardScaler(), LassoCV(cv=3)).fit(*data)
    display = CVDisplay.from_estimator(pipeline)
    assert display.alpha == pipeline[-1].alpha_
    plt.close(display.figure_)
    with pytest.raises(ValueError, match="no cross-validation curve"):
        CVDisplay.from_estimator(Lasso().fit(*data))
