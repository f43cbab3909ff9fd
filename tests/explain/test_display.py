"""Explanations read as text in a REPL and as tables in a notebook."""

import html

import pytest
from sklearn.datasets import load_diabetes

from skreg import Lasso
from skreg._explain.display import Text


@pytest.fixture(scope="module")
def explanation():
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    return Lasso(alpha=0.05, explain=True).fit(X, y).explanation_


class _Printer:
    """What IPython hands to ``_repr_pretty_``: text goes to ``text()``."""

    def __init__(self):
        self.parts = []

    def text(self, value):
        self.parts.append(value)


def test_the_explanation_shows_its_summary_not_an_address(explanation):
    shown = repr(explanation)
    assert "object at 0x" not in shown
    assert shown.startswith("PathExplanation: Regularization path, ")
    assert f"{len(explanation.events)} events" in shown
    assert "features are in the model: " in shown and "why(feature)" in shown
    printer = _Printer()
    explanation._repr_pretty_(printer, cycle=False)
    assert printer.parts == [shown]


def test_a_story_shows_its_numbers(explanation):
    story = explanation.why("bmi")
    assert repr(story) == str(story)
    assert "correlation with y" in repr(story) and "penalty" in repr(story)
    printer = _Printer()
    story._repr_pretty_(printer, cycle=False)
    assert printer.parts == [str(story)]
    assert story._repr_html_() == f"<pre>{html.escape(str(story))}</pre>"


def test_the_report_shows_as_text_and_is_still_a_string(explanation):
    report = explanation.report()
    assert isinstance(report, str) and isinstance(report, Text)
    assert repr(report) == str(report)  # lines, not a literal with \n
    assert "\\n" not in repr(report) and "\n" in repr(report)
    assert report.splitlines()[0] == repr(explanation).splitlines()[0][17:]


def test_a_notebook_shows_the_events_as_a_table(explanation):
    table = explanation._repr_html_()
    assert table.count("<tr>") == 1 + len(explanation.events)
    first = explanation.events[0]
    assert f"<td>{first.feature}</td><td>{first.event}</td>" in table
    assert "features are in the model" in table


def test_a_long_table_says_how_many_events_it_leaves_out(explanation):
    from skreg._explain.display import events_table

    table = events_table(explanation, max_rows=3)
    hidden = len(explanation.events) - 3
    assert hidden > 0
    assert table.count("<tr>") == 1 + 3 + 1
    assert f"... {hidden} more events" in table


def test_names_are_escaped_in_html():
    import numpy as np
    import pandas as pd

    rng = np.random.RandomState(0)
    X = pd.DataFrame(rng.randn(40, 3), columns=["<b>", "a&b", "c"])
    y = X.to_numpy() @ [1.0, -1.0, 0.5] + 0.1 * rng.randn(40)
    table = Lasso(alpha=0.01, explain=True).fit(X, y).explanation_._repr_html_()
    assert "<td><b></td>" not in table and "&lt;b&gt;" in table
    assert "a&amp;b" in table


def test_the_report_names_the_zero_features_closest_first(explanation):
    # The learner's question is why a feature was zeroed: the report names
    # every penalized zero with |x'r|/n as a share of its penalty, and the
    # shares are those why() measures.
    import re

    from skreg import Lasso as _Lasso

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    model = _Lasso(alpha=0.5, explain=True).fit(X, y)
    line = model.explanation_.report().splitlines()[-1]
    assert line.startswith("At zero, with |x'r|/n as a share of its penalty")
    named = re.findall(r"(\w+) \(([\d.]+)%\)", line)
    zeros = [name for name, c in zip(X.columns, model.coef_) if c == 0]
    assert sorted(name for name, _ in named) == sorted(zeros)
    shares = [float(share) for _, share in named]
    assert shares == sorted(shares, reverse=True)
    for name, share in named:
        story = model.explanation_.why(name)
        measured = 100 * abs(story.residual_correlation) / story.penalty
        assert f"{measured:.3g}" == share  # three digits


def test_why_says_how_many_contributions_it_does_not_list():
    from skreg import Lasso as _Lasso

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    story = _Lasso(alpha=0.5, explain=True).fit(X, y).explanation_.why("s4")
    assert len(story.contributions) == 4
    text = str(story)
    assert text.count("of which via") == 3
    rest = list(story.contributions.values())[3]
    assert f"and via 1 more active feature: {rest:+.6g}" in text


def test_unscaled_columns_get_a_word_about_units():
    from skreg import Lasso as _Lasso

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    scaled = _Lasso(alpha=0.5, explain=True).fit(X, y).explanation_.report()
    assert "very different scales" not in scaled
    X = X.copy()
    X["bmi"] *= 1000.0
    unscaled = _Lasso(alpha=0.5, explain=True).fit(X, y).explanation_.report()
    assert "very different scales" in unscaled and "StandardScaler" in unscaled


def test_why_accepts_the_names_the_explanation_shows():
    # Without column names the events read x0, x1...: why() takes those too.
    import numpy as np

    from skreg import Lasso as _Lasso

    X, y = load_diabetes(return_X_y=True)
    explanation = _Lasso(alpha=0.5, explain=True).fit(X, y).explanation_
    assert explanation.events[0].feature == 2
    assert "x2 entered" in explanation.report()
    story = explanation.why("x2")
    assert story.raw_correlation == explanation.why(2).raw_correlation
    with pytest.raises(ValueError, match=r"not one of the 10 features \('x0'"):
        explanation.why("bmi")
    assert np.isfinite(story.penalty)


def test_why_finds_a_column_transformer_name_and_suggests_near_ones():
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from skreg import Lasso as _Lasso

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    X = X.assign(group=pd.cut(X["age"], 3, labels=["young", "mid", "old"]))
    transform = ColumnTransformer(
        [
            ("num", StandardScaler(), list(X.columns[:10])),
            ("cat", OneHotEncoder(sparse_output=False), ["group"]),
        ]
    ).set_output(transform="pandas")
    model = make_pipeline(transform, _Lasso(alpha=0.5, explain=True)).fit(X, y)
    explanation = model[-1].explanation_
    assert explanation.why("bmi").feature == "num__bmi"  # the one *__bmi
    with pytest.raises(ValueError, match="Did you mean 'num__bmi'"):
        explanation.why("num__bim")
    assert explanation.why("group_young").feature == "cat__group_young"
    with pytest.raises(ValueError, match="Did you mean 'cat__group_young'"):
        explanation.why("group_yung")


def test_a_fit_above_alpha_max_reads_as_one_point_with_small_shares():
    from skreg import Lasso as _Lasso

    X, y = load_diabetes(return_X_y=True, as_frame=True)
    report = _Lasso(alpha=1e4, explain=True).fit(X, y).explanation_.report()
    first, last = report.splitlines()[0], report.splitlines()[-1]
    assert first == (
        "Regularization path at alpha = 10000 alone: no event (method: homotopy)."
    )
    # bmi's |x'y|/n = 2.14804 is 0.0215% of alpha = 1e4: not rounded to 0%
    assert "bmi (0.0215%)" in last
