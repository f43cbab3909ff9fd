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
