"""PathExplanation: events, report, why() and its identity, frames, validation."""

import builtins
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import sparse
from sklearn.datasets import load_diabetes

from skreg import PathExplanation, explain_lasso_path
from skreg._explain.explanation import COORDINATE_DESCENT_METHOD, PathEvent


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(as_frame=True)


@pytest.fixture(scope="module")
def explanation(diabetes):
    return explain_lasso_path(diabetes.data, diabetes.target)


def test_events_use_column_names_in_path_order(explanation):
    names = [(e.feature, e.event) for e in explanation.events]
    assert names[:10] == [
        (name, "enter")
        for name in ["bmi", "s5", "bp", "s3", "sex", "s6", "s1", "s4", "s2", "age"]
    ]
    assert names[10:] == [("s3", "exit"), ("s3", "enter")]
    assert explanation.method == "homotopy" and explanation.safe
    assert np.all(np.diff(explanation.alphas_) < 0)
    assert explanation.alphas is explanation.alphas_


def test_entry_alpha_is_first_entry(explanation, diabetes):
    by_name = dict(zip(diabetes.data.columns, explanation.entry_alpha))
    assert by_name["bmi"] == explanation.alphas_[0]
    assert by_name["s3"] == pytest.approx(explanation.events[3].alpha)


def test_unpenalized_and_excluded_entry_alpha(diabetes):
    factors = np.ones(10)
    factors[0], factors[1] = 0.0, np.inf
    explanation = explain_lasso_path(
        diabetes.data, diabetes.target, penalty_factor=factors
    )
    assert explanation.entry_alpha[0] == np.inf
    assert explanation.entry_alpha[1] == 0.0
    assert "is in from the start (pf = 0)" in explanation.report()
    assert explanation.alphas_[-1] == 0.0
    # At alpha = 0, alpha * pf is nan for pf = inf: the story says inf.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        story = explanation.why("sex")
    assert story.penalty == np.inf
    assert "Excluded" in str(story) and "nan" not in str(story)


def test_to_frame_has_event_columns(explanation):
    frame = explanation.to_frame()
    assert list(frame.columns) == [
        "alpha",
        "feature",
        "event",
        "sign",
        "penalty_factor",
        "correlation",
    ]
    # no two columns say the same: at an event the correlation is the penalty
    assert_allclose(frame["correlation"], frame["alpha"] * frame["penalty_factor"])
    assert len(frame) == 12
    assert frame.loc[10, "event"] == "exit" and frame.loc[10, "feature"] == "s3"


def test_to_frame_without_pandas_says_how_to_install(explanation, monkeypatch):
    real_import = builtins.__import__

    def no_pandas(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="pip install pandas"):
        explanation.to_frame()


def test_report_has_one_line_per_event_with_kkt_numbers(explanation):
    text = explanation.report()
    lines = [line for line in text.splitlines() if "at alpha = " in line]
    assert len(lines) == 12
    assert "bmi entered (+)" in lines[0]
    # equal at the event by definition: the number is said once
    assert "|x'r|/n = alpha*pf = 2.14804" in lines[0]
    assert lines[0].count("2.14804") == 2  # the alpha, and the KKT value
    assert "s3 left" in lines[10]
    assert "10 of 10 features are in the model" in text


@pytest.mark.parametrize("feature", ["bmi", "s3", "age", 4])
@pytest.mark.parametrize("alpha", [None, 0.004, 0.5, 5.0])
def test_why_numbers_add_up(explanation, feature, alpha):
    story = explanation.why(feature, alpha=alpha)
    total = story.explained_by_active + story.residual_correlation
    scale = abs(story.raw_correlation) + abs(story.explained_by_active)
    assert story.raw_correlation == pytest.approx(total, abs=1e-12 * scale)
    assert sum(story.contributions.values()) == pytest.approx(
        story.explained_by_active, abs=1e-12 * scale
    )
    # KKT: equality when active, inequality otherwise.
    if story.active:
        signed = story.penalty * np.sign(story.coefficient)
        assert story.residual_correlation == pytest.approx(signed, rel=1e-9)
    else:
        assert abs(story.residual_correlation) <= story.penalty * (1 + 1e-9)
    assert str(story).count("\n") >= 5


def test_why_tells_exit_and_return(explanation):
    story = explanation.why("s3", alpha=0.004)
    assert not story.active
    assert list(story.contributions)[0] == "s5"
    text = str(story)
    assert "entered at alpha = 0.715098, then left at alpha = 0.00493726" in text
    assert "it enters at alpha = 0.0029648" in text


def test_why_raw_correlation_is_covariance_with_y(explanation, diabetes):
    X, y = diabetes.data.to_numpy(), diabetes.target.to_numpy()
    story = explanation.why("bmi", alpha=1.0)
    expected = (X[:, 2] - X[:, 2].mean()) @ (y - y.mean()) / len(y)
    assert story.raw_correlation == pytest.approx(expected, rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.booleans(), st.booleans(), st.booleans())
def test_why_identity_on_random_problems(seed, use_sparse, weighted, positive):
    rng = np.random.RandomState(seed)
    X = rng.randn(25, 8) * rng.uniform(0.2, 3.0, 8)
    if use_sparse:
        X[rng.rand(25, 8) < 0.5] = 0.0
        X = sparse.csr_matrix(X)
    y = rng.randn(25) + 3
    weights = rng.uniform(0.1, 2.0, 25) if weighted else None
    explanation = explain_lasso_path(
        X, y, sample_weight=weights, positive=positive, penalty_factor=rng.rand(8) + 0.5
    )
    alpha = explanation.alphas_[0] * rng.uniform(0.001, 1.0)
    correlations = explanation.correlation_path([alpha])[:, 0]
    for j in range(8):
        story = explanation.why(j, alpha=alpha)
        total = story.explained_by_active + story.residual_correlation
        assert story.raw_correlation == pytest.approx(total, abs=1e-10)
        assert story.residual_correlation == pytest.approx(correlations[j], abs=1e-10)


def test_correlation_path_rides_penalties_at_events(explanation):
    correlations = explanation.correlation_path()
    for event, j in zip(explanation.events, explanation._event_indices):
        knot = int(np.flatnonzero(explanation.alphas_ == event.alpha)[0])
        assert abs(correlations[j, knot]) == pytest.approx(event.penalty, rel=1e-9)


def test_integer_feature_labels_without_names(diabetes):
    X, y = diabetes.data.to_numpy(), diabetes.target.to_numpy()
    explanation = explain_lasso_path(X, y, alpha_min=1.0)
    assert [e.feature for e in explanation.events] == [2, 8, 3]
    assert explanation.feature_names is None
    assert explanation.alphas_[-1] == 1.0
    assert "x2 entered" in explanation.report()


def test_constructor_accepts_a_path_computed_elsewhere(diabetes):
    X, y = diabetes.data.to_numpy(), diabetes.target.to_numpy()
    exact = explain_lasso_path(X, y)
    grid = np.geomspace(exact.alphas_[0], 0.01, 30)
    coefs = np.column_stack([exact._coef_at(a) for a in grid])
    events = [
        (e.alpha, j, e.event, e.sign, e.correlation, e.penalty)
        for e, j in zip(exact.events, exact._event_indices)
        if e.alpha >= 0.01
    ]
    explanation = PathExplanation(
        X,
        y,
        alphas=grid,
        coef_path=coefs,
        events=events,
        feature_names=diabetes.data.columns,
        method=COORDINATE_DESCENT_METHOD,
        note="the homotopy was not used",
    )
    assert explanation.events[0] == PathEvent(
        exact.events[0].alpha, "bmi", "enter", 1, *exact.events[0][4:]
    )
    np.testing.assert_allclose(
        explanation.intercepts, y.mean() - X.mean(axis=0) @ coefs, rtol=1e-12
    )
    np.testing.assert_allclose(
        explanation.entry_alpha[[2, 8]], exact.entry_alpha[[2, 8]], rtol=1e-12
    )
    text = explanation.report()
    assert "coordinate descent (events located by bisection)" in text
    assert "Note: the homotopy was not used" in text


def test_unsafe_homotopy_is_reported(diabetes):
    # A column as correlated with y as bmi but not collinear with it: two
    # features tie for entering at alpha_max, which the walk cannot order.
    # (An exact duplicate is a tie group, walked as one feature.)
    y = diabetes.target.to_numpy()
    centred = y - y.mean()
    other = np.random.RandomState(0).randn(len(y))
    other -= other.mean()
    other -= (other @ centred) / (centred @ centred) * centred
    twin = diabetes.data["bmi"].to_numpy() + 0.02 * other
    X = np.column_stack([diabetes.data.to_numpy(), twin])
    explanation = explain_lasso_path(X, y)
    assert not explanation.safe
    assert "the homotopy stopped" in explanation.note
    assert "tie for entering" in explanation.note


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"alpha_min": -1.0}, "alpha_min"),
        ({"penalty_factor": [1.0, 2.0]}, "penalty_factor"),
        ({"sample_weight": -np.ones(442)}, "[Nn]egative"),
        ({"feature_names": ["a", "b"]}, "feature_names"),
    ],
)
def test_bad_input_names_the_parameter(diabetes, kwargs, match):
    X, y = diabetes.data.to_numpy(), diabetes.target.to_numpy()
    with pytest.raises(ValueError, match=match):
        explain_lasso_path(X, y, **kwargs)


def test_bad_questions_name_the_parameter(explanation):
    with pytest.raises(ValueError, match="feature"):
        explanation.why("height")
    with pytest.raises(ValueError, match="feature"):
        explanation.why(10)
    with pytest.raises(ValueError, match="alpha"):
        explanation.why("bmi", alpha=-1.0)


def test_bad_path_names_the_parameter(diabetes):
    X, y = diabetes.data.to_numpy(), diabetes.target.to_numpy()
    with pytest.raises(ValueError, match="coef_path"):
        PathExplanation(X, y, alphas=[1.0, 0.5], coef_path=np.zeros((3, 2)), events=[])
    with pytest.raises(ValueError, match="alphas"):
        PathExplanation(X, y, alphas=[0.5, 1.0], coef_path=np.zeros((10, 2)), events=[])
    with pytest.raises(ValueError, match="method"):
        PathExplanation(
            X, y, alphas=[1.0], coef_path=np.zeros((10, 1)), events=[], method="magic"
        )
