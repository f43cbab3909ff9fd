"""The one-standard-error rule of LassoCV, ElasticNetCV and AdaptiveLassoCV."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold

from skreg import (
    AdaptiveLasso,
    AdaptiveLassoCV,
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
)

CV = KFold(5, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def data():
    return load_diabetes(return_X_y=True)


def by_hand(alphas, mse_path):
    """glmnet's lambda.1se from a (n_alphas, n_folds) error matrix."""
    mean = mse_path.mean(axis=1)
    se = mse_path.std(axis=1) / np.sqrt(mse_path.shape[1])
    best = np.argmin(mean)
    return alphas[mean <= mean[best] + se[best]].max()


def test_lasso_cv_alpha_1se_from_its_mse_path(data):
    model = LassoCV(cv=CV).fit(*data)
    expected = by_hand(model.alphas_, model.mse_path_)
    assert isinstance(model.alpha_1se_, float)
    assert model.alpha_1se_ == expected
    # the rule keeps a sparser model than the minimum, here strictly
    assert model.alpha_1se_ > model.alpha_
    assert np.isclose(model.alpha_, model.alphas_[model.mse_path_.mean(1).argmin()])


def test_the_1se_rule_refits_at_alpha_1se(data):
    X, y = data
    by_min = LassoCV(cv=CV).fit(X, y)
    by_1se = LassoCV(cv=CV, alpha_rule="1se").fit(X, y)
    assert by_1se.alpha_ == by_min.alpha_1se_ == by_1se.alpha_1se_
    assert_allclose(by_1se.mse_path_, by_min.mse_path_)
    refit = Lasso(alpha=by_1se.alpha_).fit(X, y)
    assert_allclose(by_1se.coef_, refit.coef_, rtol=1e-6, atol=1e-6)
    assert np.count_nonzero(by_1se.coef_) < np.count_nonzero(by_min.coef_)


def test_elastic_net_cv_gives_one_alpha_1se_per_l1_ratio(data):
    X, y = data
    l1_ratios = [0.3, 0.7, 1.0]
    model = ElasticNetCV(l1_ratio=l1_ratios, cv=CV, alpha_rule="1se").fit(X, y)
    assert model.alpha_1se_.shape == (3,)
    for k in range(3):
        assert model.alpha_1se_[k] == by_hand(model.alphas_[k], model.mse_path_[k])
    # the refit: the l1_ratio of the smallest error, at its own alpha_1se
    best = np.unravel_index(model.mse_path_.mean(axis=2).argmin(), (3, 100))[0]
    assert model.l1_ratio_ == l1_ratios[best]
    assert model.alpha_ == model.alpha_1se_[best]
    refit = ElasticNet(alpha=model.alpha_, l1_ratio=model.l1_ratio_).fit(X, y)
    assert_allclose(model.coef_, refit.coef_, rtol=1e-6, atol=1e-6)
    single = ElasticNetCV(l1_ratio=0.7, cv=CV).fit(X, y)
    assert isinstance(single.alpha_1se_, float)
    assert single.alpha_1se_ == by_hand(single.alphas_, single.mse_path_)


def test_adaptive_lasso_cv_gives_one_alpha_1se_per_gamma(data):
    X, y = data
    model = AdaptiveLassoCV(cv=CV, alphas=30, alpha_rule="1se").fit(X, y)
    assert model.alpha_1se_.shape == (3,)
    for k in range(3):
        assert model.alpha_1se_[k] == by_hand(model.alphas_[k], model.mse_path_[k])
    chosen = list(model.gammas).index(model.gamma_)
    assert model.alpha_ == model.alpha_1se_[chosen]
    refit = AdaptiveLasso(alpha=model.alpha_, gamma=model.gamma_).fit(X, y)
    assert_allclose(model.coef_, refit.coef_, rtol=1e-6, atol=1e-6)


def test_explain_tells_the_story_at_the_refitted_alpha(data):
    model = LassoCV(cv=CV, alpha_rule="1se", explain=True).fit(*data)
    assert model.explanation_.alphas_[-1] == model.alpha_1se_
    assert model.explanation_.report().count("features are in the model") == 1


@pytest.mark.parametrize("Estimator", [LassoCV, ElasticNetCV, AdaptiveLassoCV])
def test_a_bad_rule_is_named(data, Estimator):
    with pytest.raises(ValueError, match="alpha_rule"):
        Estimator(alpha_rule="one-se").fit(*data)


def test_cv_display_marks_alpha_1se_and_its_level(data):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import CVDisplay

    model = LassoCV(cv=CV).fit(*data)
    display = CVDisplay.from_estimator(model)
    assert_allclose(display.alpha_1se_line_.get_xdata(), [model.alpha_1se_] * 2)
    mean = model.mse_path_.mean(axis=1)
    best = mean.argmin()
    level = mean[best] + model.mse_path_[best].std() / np.sqrt(5)
    assert_allclose(display.threshold_line_.get_ydata(), [level] * 2)
    plt.close(display.figure_)
