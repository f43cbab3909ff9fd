"""StabilitySelection: known truth, the bound by hand, n_jobs, pipelines."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils import check_random_state

from skreg import AdaptiveLasso, ElasticNet, Lasso, StabilitySelection
from skreg._estimators.stability import _subsamples


def simulation(seed=0, n=200, p=500, k=5):
    # p large enough for the bound: at threshold 0.6 the automatic region
    # holds q <= sqrt(0.2 p) features a subsample, 10 here for 5 true ones
    rng = np.random.RandomState(seed)
    X = rng.randn(n, p)
    coef = np.zeros(p)
    coef[:k] = rng.choice([-1.0, 1.0], k) * rng.uniform(1.0, 2.0, k)
    return X, X @ coef + rng.randn(n), set(range(k))


def test_recovers_the_true_support_with_few_false_selections():
    X, y, truth = simulation()
    selector = StabilitySelection(random_state=0).fit(X, y)
    assert set(selector.get_support(indices=True)) == truth
    assert selector.false_selection_bound_ <= 1.0
    # the automatic region stops before noise features are selected often
    noise = np.delete(selector.stability_scores_, list(truth))
    assert noise.max() < selector.threshold


def test_probabilities_and_the_bound_by_hand():
    X, y, _ = simulation(1, n=120, p=30)
    alphas = np.geomspace(1.0, 0.1, 7)
    selector = StabilitySelection(n_resamples=10, alphas=alphas, random_state=3)
    selector.fit(X, y)
    rows = _subsamples(120, 10, 0.5, True, check_random_state(3))
    supports = np.array(
        [
            [Lasso(alpha=a, tol=1e-12, max_iter=100_000).fit(X[r], y[r]).coef_ != 0
             for a in alphas]
            for r in rows
        ]
    )  # fmt: skip
    expected = supports.mean(axis=0).T  # (n_features, n_alphas)
    np.testing.assert_allclose(selector.selection_probabilities_, expected)
    q = supports.any(axis=1).sum(axis=1).mean()
    assert selector.average_selected_ == pytest.approx(q)
    assert selector.false_selection_bound_ == pytest.approx(q**2 / (0.2 * 30))
    assert_array_equal(selector.alphas_, alphas)


def test_complementary_pairs_are_disjoint_halves():
    rows = _subsamples(101, 7, 0.5, True, check_random_state(0))
    assert len(rows) == 8  # rounded up to pairs
    for first, second in zip(rows[::2], rows[1::2]):
        assert len(first) == len(second) == 50
        assert not set(first) & set(second)
    plain = _subsamples(101, 7, 0.3, False, check_random_state(0))
    assert len(plain) == 7 and all(len(r) == 30 for r in plain)


def test_reproducible_and_independent_of_n_jobs():
    X, y, _ = simulation(2)
    one = StabilitySelection(n_resamples=20, random_state=5, n_jobs=1).fit(X, y)
    two = StabilitySelection(n_resamples=20, random_state=5, n_jobs=2).fit(X, y)
    assert_array_equal(one.selection_probabilities_, two.selection_probabilities_)
    assert_array_equal(one.alphas_, two.alphas_)
    other = StabilitySelection(n_resamples=20, random_state=6).fit(X, y)
    assert not np.array_equal(
        one.selection_probabilities_[:, -1], other.selection_probabilities_[:, -1]
    )


def test_penalty_factors_elastic_net_and_adaptive_lasso():
    X, y, truth = simulation(3, p=400)
    pf = np.ones(400)
    pf[30], pf[0] = 0.0, np.inf  # a noise feature forced in, a true one out
    selector = StabilitySelection(Lasso(penalty_factor=pf), random_state=0)
    selector.fit(X, y)
    support = set(selector.get_support(indices=True))
    assert 30 in support and 0 not in support
    assert support - {30} == truth - {0}
    assert selector.n_candidates_ == 398
    assert np.all(selector.selection_probabilities_[0] == 0)
    for estimator in (ElasticNet(l1_ratio=0.7), AdaptiveLasso()):
        found = StabilitySelection(estimator, n_resamples=30, random_state=0)
        assert set(found.fit(X, y).get_support(indices=True)) == truth


def test_in_a_pipeline_before_a_model():
    X, y, truth = simulation(4)
    model = make_pipeline(
        StabilitySelection(n_resamples=30, random_state=0), LinearRegression()
    ).fit(X, y)
    assert model[-1].coef_.shape == (len(truth),)
    assert model[0].transform(X).shape == (200, len(truth))


def test_the_report_says_why_with_the_numbers():
    X, y, truth = simulation()
    selector = StabilitySelection(random_state=0).fit(X, y)
    report = selector.report()
    q, p = selector.average_selected_, selector.n_candidates_
    assert f"{len(truth)} of 500 features kept" in report
    assert f"q = {q:.3g} of the p = {p}" in report
    assert f"= {selector.false_selection_bound_:.3g} (Meinshausen" in report
    assert "x0 (1.00)" in report


def test_bad_parameters_are_named():
    X, y, _ = simulation()
    with pytest.raises(TypeError, match="estimator"):
        StabilitySelection(LinearRegression()).fit(X, y)
    with pytest.raises(ValueError, match="sample_fraction"):
        StabilitySelection(sample_fraction=0.8).fit(X, y)
    with pytest.raises(ValueError, match="threshold"):
        StabilitySelection(threshold=0.4).fit(X, y)


def test_the_stability_display():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import StabilityDisplay

    X, y, truth = simulation()
    selector = StabilitySelection(random_state=0).fit(X, y)
    display = StabilityDisplay.from_estimator(selector)
    assert list(display.threshold_line_.get_ydata()) == [0.6, 0.6]
    assert len(display.lines_) == len(truth)
    assert len(display.others_.get_segments()) == 500 - len(truth)
    names = {text.get_text() for text in display.texts_}
    assert names == {f"x{j}" for j in truth}
    renderer = display.figure_.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in display.texts_]
    for i, box in enumerate(boxes):
        assert not any(box.overlaps(other) for other in boxes[:i])
    plt.close(display.figure_)
    with pytest.raises(ValueError, match="StabilitySelection"):
        StabilityDisplay.from_estimator(Lasso())
