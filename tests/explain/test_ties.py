"""Exactly tied features in explain mode (issue 19, item 3).

A duplicated, negated, or proportional column (with its penalty factor in
proportion) ties with the original: the lasso fixes only a combination of
their coefficients. The path walks the group as one feature: the events are
those of the problem without the copy, one per group, none for rounding
noise, and the report says which features are tied and how the fit split
them.
"""

import re
import warnings

import numpy as np
import pytest
from _problems import DIABETES_EVENTS, sparse_signal_problem
from scipy import sparse
from sklearn.datasets import load_diabetes
from sklearn.exceptions import ConvergenceWarning

from skreg import (
    AdaptiveLasso,
    ElasticNet,
    Lasso,
    LassoCV,
    LassoIC,
    explain_lasso_path,
)
from skreg._explain.fit import explain_fit
from skreg._path.design import make_design
from skreg._path.statistics import design_from_statistics
from skreg._path.ties import find_ties


@pytest.fixture(scope="module")
def diabetes():
    data = load_diabetes(as_frame=True)
    return data.data, data.target


def with_copy(X, kind):
    """Diabetes with a copy of bmi as an 11th column, and its penalty factors."""
    X = X.copy()
    factors = np.ones(X.shape[1] + 1)
    bmi = X["bmi"]
    if kind == "duplicated":
        X["bmi_copy"] = bmi
    elif kind == "negated":
        X["bmi_copy"] = -bmi
    elif kind == "scaled_with_pf":
        X["bmi_copy"] = 2.0 * bmi
        factors[-1] = 2.0
    elif kind == "shifted":  # identical once centred
        X["bmi_copy"] = bmi + 5.0
    return X, factors


KINDS = ["duplicated", "negated", "scaled_with_pf", "shifted"]


def wired_explanation(model, X, y, sample_weight=None):
    """The explanation as an estimator passing its ``coef_`` builds it."""
    data = np.asfortranarray(np.asarray(X, dtype=np.float64))
    design = make_design(data, np.asarray(y, dtype=np.float64), sample_weight, True)
    factors = model.penalty_factor
    return explain_fit(
        design,
        alpha=model.alpha,
        l1_ratio=getattr(model, "l1_ratio", 1.0),
        penalty_factor=(
            np.ones(data.shape[1]) if factors is None else np.asarray(factors, float)
        ),
        positive=model.positive,
        feature_names=(
            np.array(X.columns, dtype=object) if hasattr(X, "columns") else None
        ),
        coef=model.coef_,
    )


def in_the_model(text):
    return re.search(r"(\d+) of (\d+) features are in the model", text).groups()


def assert_kkt(explanation, rtol=1e-8):
    """Along the path, |x'r|/n <= alpha pf, with equality for nonzero ones."""
    correlations = explanation.correlation_path()
    penalties = explanation.alphas_ * explanation.penalty_factor[:, np.newaxis]
    scale = rtol * explanation.alphas_[0] * explanation.penalty_factor.max()
    assert np.all(np.abs(correlations) <= penalties + scale)
    active = explanation.coef_path != 0
    np.testing.assert_allclose(
        correlations[active],
        (np.sign(explanation.coef_path) * penalties)[active],
        atol=scale,
    )


# --- the path: one feature per tie group ------------------------------------


def test_duplicated_bmi_gives_the_events_of_diabetes(diabetes):
    X, y = diabetes
    original = explain_lasso_path(X, y)
    tied = explain_lasso_path(with_copy(X, "duplicated")[0], y)
    assert tied.method == "homotopy" and tied.safe
    assert [(e.feature, e.event) for e in tied.events] == DIABETES_EVENTS
    assert len(tied.events) == len(original.events)
    np.testing.assert_allclose(
        [e.alpha for e in tied.events],
        [e.alpha for e in original.events],
        rtol=1e-10,
    )
    assert tied.ties[0].features == ("bmi", "bmi_copy")
    assert tied.ties[0].kind == "identical columns"
    # the whole coefficient of the group on bmi; the rest is the original path
    np.testing.assert_array_equal(tied.coef_path[10], 0.0)
    np.testing.assert_allclose(
        tied.coef_path[:10],
        original.coef_path,
        atol=1e-9 * abs(original.coef_path).max(),
    )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("alpha", [0.1, 0.001])
def test_a_tied_copy_adds_no_event(diabetes, kind, alpha):
    X, y = diabetes
    original = Lasso(alpha=alpha, explain=True).fit(X, y).explanation_
    X_tied, factors = with_copy(X, kind)
    model = Lasso(alpha=alpha, penalty_factor=factors, explain=True).fit(X_tied, y)
    explanation = model.explanation_
    assert explanation.method == "homotopy" and explanation.safe
    assert [(e.feature, e.event) for e in explanation.events] == [
        (e.feature, e.event) for e in original.events
    ]
    np.testing.assert_allclose(
        [e.alpha for e in explanation.events],
        [e.alpha for e in original.events],
        rtol=1e-10,
    )
    assert [group.features for group in explanation.ties] == [("bmi", "bmi_copy")]
    assert_kkt(explanation)


def test_what_the_lasso_fixes_is_the_original_coefficient(diabetes):
    X, y = diabetes
    original = explain_lasso_path(X, y, alpha_min=0.01)
    for kind, weights in [("duplicated", 1), ("negated", -1), ("scaled_with_pf", 2)]:
        X_tied, factors = with_copy(X, kind)
        tied = explain_lasso_path(X_tied, y, alpha_min=0.01, penalty_factor=factors)
        combined = tied.coef_path[2] + weights * tied.coef_path[10]
        np.testing.assert_allclose(combined, original.coef_path[2], rtol=1e-9)


def test_three_tied_columns_are_one_group(diabetes):
    X, y = diabetes
    X = X.copy()
    X["bmi_neg"] = -X["bmi"]
    X["bmi_x3"] = 3.0 * X["bmi"]
    factors = np.r_[np.ones(11), 3.0]
    explanation = explain_lasso_path(X, y, penalty_factor=factors)
    assert explanation.safe
    assert [(e.feature, e.event) for e in explanation.events] == DIABETES_EVENTS
    (group,) = explanation.ties
    assert group.features == ("bmi", "bmi_neg", "bmi_x3")
    np.testing.assert_allclose(group.ratios, [1.0, -1.0, 3.0], rtol=1e-12)
    assert "bmi, bmi_neg and bmi_x3 (tied" in explanation.report()


def test_a_scaled_copy_without_its_penalty_is_no_tie(diabetes):
    # 2 * bmi with the same penalty factor: its correlation is always twice
    # bmi's, so it enters and bmi never does; nothing is tied.
    X, y = diabetes
    X_scaled, _ = with_copy(X, "scaled_with_pf")
    explanation = Lasso(alpha=0.01, explain=True).fit(X_scaled, y).explanation_
    assert explanation.ties == [] and explanation.method == "homotopy"
    assert explanation.events[0].feature == "bmi_copy"
    assert "bmi" not in [e.feature for e in explanation.events]
    assert_kkt(explanation)


def test_a_near_tie_stays_two_features():
    # correlation 0.999999: distinct columns, walked exactly
    rng = np.random.RandomState(0)
    X = rng.randn(100, 5)
    noise = rng.randn(100)
    noise -= noise.mean() + (noise @ X[:, 0]) / (X[:, 0] @ X[:, 0]) * X[:, 0]
    near = X[:, 0] + np.sqrt(2e-6) * np.linalg.norm(X[:, 0]) * noise / np.linalg.norm(
        noise
    )
    X = np.column_stack([X, near])
    assert 1 - np.corrcoef(X[:, 0], X[:, 5])[0, 1] == pytest.approx(1e-6, rel=0.05)
    y = X[:, 0] + 0.5 * X[:, 1] + 0.1 * rng.randn(100)
    explanation = explain_lasso_path(X, y, alpha_min=1e-4)
    assert explanation.ties == []
    assert explanation.method == "homotopy" and explanation.safe
    assert 5 in [e.feature for e in explanation.events]
    assert_kkt(explanation, rtol=1e-7)


def test_the_bisection_fallback_walks_tie_groups_too(diabetes):
    # A tie at alpha_max between non-collinear features (equal correlation
    # with y) stops the homotopy; the coordinate-descent fallback then still
    # records one event per tie group, and none for rounding noise.
    X, y = diabetes
    X_tied, _ = with_copy(X, "duplicated")
    centred = y.to_numpy() - y.mean()
    other = np.random.RandomState(0).randn(len(y))
    other -= other.mean()
    other -= (other @ centred) / (centred @ centred) * centred
    X_tied["bmi_twin"] = X["bmi"] + 0.02 * other
    model = Lasso(alpha=0.01, explain=True).fit(X_tied, y)
    explanation = model.explanation_
    assert explanation.method.startswith("coordinate descent")
    assert [group.features for group in explanation.ties] == [("bmi", "bmi_copy")]
    assert "bmi_copy" not in [e.feature for e in explanation.events]
    # the estimator's explanation splits the group as coef_ does, all along
    members = explanation.coef_path[[2, 10]]
    share = model.coef_[10] / model.coef_[[2, 10]].sum()
    moving = members.sum(axis=0) != 0
    np.testing.assert_allclose(
        members[1, moving] / members.sum(axis=0)[moving], share, rtol=1e-9
    )
    np.testing.assert_allclose(members[:, -1], model.coef_[[2, 10]], rtol=1e-4)


# --- the elastic net: the ridge part splits tied columns equally -------------


@pytest.mark.parametrize("kind", ["duplicated", "negated", "scaled_with_pf"])
def test_elastic_net_splits_tied_columns_equally(diabetes, kind):
    X, y = diabetes
    X_tied, factors = with_copy(X, kind)
    model = ElasticNet(
        alpha=0.01, l1_ratio=0.5, penalty_factor=factors, tol=1e-12, max_iter=100_000
    ).fit(X_tied, y)
    ratio = {"duplicated": 1.0, "negated": -1.0, "scaled_with_pf": 1.0}[kind]
    # sign(ratio) * beta_j equal on every member, whatever the penalty factors
    assert model.coef_[10] == pytest.approx(ratio * model.coef_[2], rel=1e-8)
    explanation = wired_explanation(model, X_tied, y)
    assert [(e.feature, e.event) for e in explanation.events if "bmi" in e.feature] == [
        ("bmi", "enter")
    ]
    assert explanation.events[0].feature == "bmi"
    text = explanation.report()
    assert "ridge part of the elastic net splits it equally" in text
    assert in_the_model(text) == (str(np.count_nonzero(model.coef_)), "11")


def test_elastic_net_events_of_a_tied_group_are_the_group_entry(diabetes):
    X, y = diabetes
    X_tied, _ = with_copy(X, "duplicated")
    explanation = (
        ElasticNet(alpha=0.01, l1_ratio=0.5, explain=True).fit(X_tied, y).explanation_
    )
    entries = [e for e in explanation.events if e.feature in ("bmi", "bmi_copy")]
    assert len(entries) == 1 and entries[0].event == "enter"
    assert "bmi and bmi_copy (tied: identical columns) entered together" in (
        explanation.report()
    )


# --- the report, why() and to_frame() ----------------------------------------


def test_report_names_the_group_and_the_split_of_coef(diabetes):
    X, y = diabetes
    X_tied, _ = with_copy(X, "duplicated")
    model = Lasso(alpha=0.1).fit(X_tied, y)
    explanation = wired_explanation(model, X_tied, y)
    text = explanation.report()
    assert (
        "1. at alpha = 2.14804, bmi and bmi_copy (tied: identical columns) "
        "entered together (+)"
    ) in text
    assert "fixes only bmi + bmi_copy = 517.216 at alpha = 0.1" in text
    assert f"coef_ puts {model.coef_[2]:.6g} on bmi and {model.coef_[10]:.6g}" in text
    assert "any split with the same signs is equally optimal" in text
    assert in_the_model(text) == (str(np.count_nonzero(model.coef_)), "11")
    # the path ends at the fit's split: exact in the group's sum, coef_'s shares
    end = explanation.coef_path[:, -1]
    assert end[10] / end[2] == pytest.approx(model.coef_[10] / model.coef_[2])


def test_report_of_a_negated_copy_gives_the_signs(diabetes):
    X, y = diabetes
    X_tied, _ = with_copy(X, "negated")
    text = Lasso(alpha=0.1, explain=True).fit(X_tied, y).explanation_.report()
    assert "entered together (bmi +, bmi_copy -)" in text
    assert "fixes only bmi - bmi_copy = 517.216" in text
    assert "coef_ puts 515.875 on bmi and -1.34049 on bmi_copy" in text
    # the path alone (no coef_ to follow) puts all of it on the first column
    alone = explain_lasso_path(X_tied, y, alpha_min=0.1).report()
    assert "this path puts all of it on bmi" in alone


def test_why_says_a_feature_is_tied_and_with_what(diabetes):
    X, y = diabetes
    X_tied, factors = with_copy(X, "scaled_with_pf")
    explanation = (
        Lasso(alpha=0.1, penalty_factor=factors, explain=True)
        .fit(X_tied, y)
        .explanation_
    )
    story = explanation.why("bmi_copy")
    assert story.tied_with == ("bmi",)
    text = str(story)
    assert "Tied with bmi (proportional columns, penalty factors in proportion)" in text
    assert "fixes only bmi + 2*bmi_copy = 517.216" in text
    assert "this path puts 515.828 on bmi and 0.693946 on bmi_copy" in text
    path_alone = explain_lasso_path(X_tied, y, penalty_factor=factors, alpha_min=0.1)
    assert "At zero on this path, but tied" in str(path_alone.why("bmi_copy"))
    assert "Its tie group entered at alpha = 2.14804" in text
    assert explanation.why("s5").tied_with == ()
    assert "Tied" not in str(explanation.why("s5"))


def test_to_frame_names_the_other_members(diabetes):
    pytest.importorskip("pandas")
    X, y = diabetes
    explanation = explain_lasso_path(with_copy(X, "duplicated")[0], y)
    frame = explanation.to_frame()
    assert frame["tied_with"].tolist()[:2] == ["bmi_copy", ""]
    assert len(frame) == len(DIABETES_EVENTS)


# --- the report's count is coef_'s ---------------------------------------------


def count_problems():
    data = load_diabetes(as_frame=True)
    X, y = data.data, data.target
    X_tied, factors = with_copy(X, "scaled_with_pf")
    Xs, ys = sparse_signal_problem()
    exact = explain_lasso_path(X, y)
    knots = [e.alpha for e in exact.events if e.alpha > 0]
    problems = [
        (Lasso(alpha=0.1), with_copy(X, "duplicated")[0], y),
        (Lasso(alpha=0.001), with_copy(X, "negated")[0], y),
        (Lasso(alpha=0.05, penalty_factor=factors), X_tied, y),
        (ElasticNet(alpha=0.01, l1_ratio=0.5), with_copy(X, "duplicated")[0], y),
        (Lasso(alpha=0.02), Xs, ys),
        (Lasso(alpha=10.0), X, y),  # above alpha_max
        (Lasso(alpha=0.1), X, np.full(len(y), 3.0)),  # degenerate: constant y
    ]
    # just below events: coordinate descent may keep a coefficient at 0 that
    # the exact path has at 1e-9, or the other way round
    problems += [(Lasso(alpha=a * (1 - 1e-6)), X, y) for a in knots[1:8]]
    return problems


@pytest.mark.parametrize("number", range(len(count_problems())))
def test_report_counts_are_those_of_coef(number):
    model, X, y = count_problems()[number]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    explanation = wired_explanation(model, X, y)
    expected = (str(np.count_nonzero(model.coef_)), str(X.shape[1]))
    assert in_the_model(explanation.report()) == expected
    assert in_the_model(repr(explanation)) == expected
    assert in_the_model(explanation._repr_html_()) == expected


@pytest.mark.parametrize("copy", ["duplicated", "negated"])
def test_estimator_report_counts_are_those_of_coef(diabetes, copy):
    X, y = diabetes
    X_tied = with_copy(X, copy)[0]
    for model in (
        Lasso(alpha=0.1, explain=True),
        ElasticNet(alpha=0.01, l1_ratio=0.7, explain=True),
        LassoCV(cv=3, explain=True),
        AdaptiveLasso(alpha=0.1, explain=True),
        LassoIC(explain=True),
    ):
        model.fit(X_tied, y)
        expected = (str(np.count_nonzero(model.coef_)), "11")
        assert in_the_model(model.explanation_.report()) == expected
        assert in_the_model(repr(model.explanation_)) == expected


# --- detection -----------------------------------------------------------------


def tied_design(storage="dense", weights=None):
    X, y = load_diabetes(return_X_y=True)
    X = np.column_stack([X, X[:, 2], -X[:, 5], 4.0 * X[:, 7]])
    X = np.asfortranarray(X)
    if storage == "sparse":
        X = sparse.csc_matrix(X)
    return make_design(X, y, weights, True), X.shape[1]


@pytest.mark.parametrize("storage", ["dense", "sparse"])
def test_find_ties_on_every_storage(storage):
    weights = np.random.RandomState(0).uniform(0.5, 2.0, 442)
    design, p = tied_design(storage, weights)
    factors = np.ones(p)
    factors[12] = 4.0
    ties = find_ties(design, factors)
    assert [group.features for group in ties] == [(2, 10), (5, 11), (7, 12)]
    np.testing.assert_allclose([g.ratios[1] for g in ties], [1.0, -1.0, 4.0])
    # the scaled copy ties only with its penalty factor in proportion
    assert [g.features for g in find_ties(design, np.ones(p))] == [(2, 10), (5, 11)]


def test_find_ties_from_sufficient_statistics():
    design, p = tied_design()
    gram = design.gram()[0]
    statistics = design_from_statistics(
        design.n_samples,
        design.means,
        design.y_offset,
        gram,
        design.Zy,
        design.yy,
        n_rows=442,
    )
    factors = np.ones(p)
    factors[12] = 4.0
    assert [g.features for g in find_ties(statistics, factors)] == [
        (2, 10),
        (5, 11),
        (7, 12),
    ]


def test_what_cannot_tie():
    design, p = tied_design()
    factors = np.ones(p)
    factors[12] = 4.0
    # positive=True: a negated copy cannot enter with the original
    assert [g.features for g in find_ties(design, factors, positive=True)] == [
        (2, 10),
        (7, 12),
    ]
    # unpenalized and excluded columns are no tie
    factors[[2, 5]] = [0.0, np.inf]
    assert [g.features for g in find_ties(design, factors)] == [(7, 12)]
    # a diabetes without copies has no tie
    X, y = load_diabetes(return_X_y=True)
    assert find_ties(make_design(np.asfortranarray(X), y), np.ones(10)) == []
