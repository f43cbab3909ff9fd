"""What an explanation shows: the lines of its report, and how it appears.

Python's REPL prints ``repr()``, IPython calls ``_repr_pretty_`` and Jupyter
``_repr_html_``. The explanation's objects answer all three with what they
say in words, so that ``model.explanation_``, ``explanation.why("bmi")`` and
``explanation.report()`` read as text wherever they are shown, and a
notebook shows the events as a table.
"""

import html

import numpy as np


class ShownAsText:
    """Mixin: a REPL, IPython and Jupyter show the object as its ``str()``."""

    __slots__ = ()

    def __repr__(self):
        return str(self)

    def _repr_pretty_(self, printer, cycle):
        printer.text(str(self))

    def _repr_html_(self):
        return preformatted(self)


class Text(ShownAsText, str):
    """A ``str`` that a REPL or notebook shows as its text, not as a literal.

    Returned by :meth:`PathExplanation.report`: ``print()`` is not needed to
    read it, and it is still a ``str`` for everything else.
    """

    __slots__ = ()

    def __str__(self):
        return str.__str__(self)


def preformatted(text):
    """``text`` as an HTML ``<pre>`` block (escaped)."""
    return f"<pre>{html.escape(str(text))}</pre>"


def events_table(explanation, max_rows=30):
    """HTML table of an explanation's events, its summary line above.

    Parameters
    ----------
    explanation : PathExplanation
    max_rows : int, default=30
        Events shown at most; a last row says how many more there are.

    Returns
    -------
    html : str
    """
    header = "".join(
        f"<th>{name}</th>"
        for name in ("#", "alpha", "feature", "event", "|x'r|/n", "penalty")
    )
    rows = []
    for number, event in enumerate(explanation.events[:max_rows], start=1):
        cells = (
            number,
            f"{event.alpha:.6g}",
            html.escape(str(event.feature)),
            event.event,
            f"{abs(event.correlation):.6g}",
            f"{event.penalty:.6g}",
        )
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    hidden = len(explanation.events) - max_rows
    if hidden > 0:
        rows.append(
            f'<tr><td colspan="6">... {hidden} more events: '
            "<code>to_frame()</code> has them all</td></tr>"
        )
    summary = html.escape(summary_line(explanation))
    final = html.escape(final_state(explanation))
    table = (
        f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        if rows
        else ""
    )
    return f"<div><p>{summary}</p>{table}<p>{final}</p></div>"


def summary_line(explanation):
    """The first line of a report: events, alpha range, method."""
    if explanation.alphas_.size == 1:  # told at the fitted alpha alone
        return (
            f"Regularization path at alpha = {explanation.alphas_[0]:.6g} alone: "
            f"no event (method: {explanation.method})."
        )
    return (
        f"Regularization path, {len(explanation.events)} events from alpha = "
        f"{explanation.alphas_[0]:.6g} down to alpha = {explanation.alphas_[-1]:.6g} "
        f"(method: {explanation.method})."
    )


def event_sentence(explanation, event, j):
    """One event in words: which feature entered or left, and why."""
    name, alpha = explanation.label(j), f"{event.alpha:.6g}"
    if event.event == "enter" and event.penalty == 0:
        return f"at alpha = {alpha}, {name} is in from the start (pf = 0)."
    # at an event the two are equal (that is what makes it one): say it once
    kkt = f"|x'r|/n = alpha*pf = {event.penalty:.6g}"
    if event.event == "enter":
        sign = "+" if event.sign > 0 else "-"
        return (
            f"at alpha = {alpha}, {name} entered ({sign}): its correlation with "
            f"the residual reached its penalty, {kkt}."
        )
    return (
        f"at alpha = {alpha}, {name} left: its coefficient shrank to zero at "
        f"{kkt}; below, its correlation stays under its penalty."
    )


def final_state(explanation):
    """The last line of a report: the features in the model at the end."""
    active = np.flatnonzero(explanation.coef_path[:, -1])
    names = ", ".join(explanation.label(j) for j in active) or "none"
    return (
        f"At alpha = {explanation.alphas_[-1]:.6g}, {active.size} of "
        f"{explanation.coef_path.shape[0]} features are in the model: {names}."
    )


# Features named at most, closest first, in the report's "not in the model".
_MAX_ZERO_NAMED = 10
# A spread of column scales (largest / smallest std) above which the report
# says that correlations and penalties are in the units of each column.
_SCALE_SPREAD = 10.0


def zero_features(explanation):
    """The features at zero at the path's end, and how close each came.

    One line: each penalized zero feature with ``|x'r|/n`` as a share of its
    penalty, closest first (the first to enter below this alpha); excluded
    ones (``pf = inf``) are counted apart.
    """
    if getattr(explanation, "degenerate", None):
        return ""  # nothing can enter at any alpha: the note says why
    alpha = explanation.alphas_[-1]
    coef = explanation.coef_path[:, -1]
    factors = explanation.penalty_factor
    zero = np.flatnonzero((coef == 0) & np.isfinite(factors) & (factors > 0))
    excluded = np.flatnonzero(~np.isfinite(factors))
    if zero.size == 0 and excluded.size == 0:
        return ""
    parts = []
    if zero.size:
        residual = explanation._residual_correlations(coef)[zero]
        shares = np.abs(residual) / (alpha * factors[zero]) if alpha > 0 else None
        order = np.argsort(-shares, kind="stable") if shares is not None else None
        named = zero if order is None else zero[order]
        words = [
            explanation.label(j)
            if shares is None
            else f"{explanation.label(j)} ({_percent(shares[k])})"
            for k, j in zip(order if order is not None else range(zero.size), named)
        ]
        more = len(words) - _MAX_ZERO_NAMED
        text = ", ".join(words[:_MAX_ZERO_NAMED]) + (
            f" and {more} more" if more > 0 else ""
        )
        parts.append(
            f"At zero, with |x'r|/n as a share of its penalty (closest to "
            f"entering first): {text}."
        )
    if excluded.size:
        names = ", ".join(explanation.label(j) for j in excluded[:_MAX_ZERO_NAMED])
        more = excluded.size - _MAX_ZERO_NAMED
        names += f" and {more} more" if more > 0 else ""
        parts.append(f"Excluded (penalty_factor = inf): {names}.")
    return " ".join(parts)


def _percent(share):
    """A share below 1 as a percentage of 3 digits that never rounds up to
    100% (a zero feature is short of its penalty): 0.000215 -> "0.0215%"."""
    text = f"{100 * share:.3g}"
    return ("99.9" if text == "100" else text) + "%"


def scale_note(explanation):
    """A word on units when the columns of X have very different scales."""
    scales = explanation._column_scales
    positive = scales[scales > 0]
    if positive.size < 2 or positive.max() <= _SCALE_SPREAD * positive.min():
        return ""
    return (
        f"The columns of X have very different scales (standard deviation "
        f"from {positive.min():.3g} to {positive.max():.3g}): each |x'r|/n and "
        "penalty is in the units of its own column times those of y, so they "
        "compare within a feature, not across features; standardize X (e.g. "
        "sklearn.preprocessing.StandardScaler) to compare features."
    )


def report_text(explanation):
    """The text of :meth:`PathExplanation.report`: the rule, the events, the end."""
    n = "sum of sample weights" if explanation._is_weighted else "number of samples"
    lines = [
        summary_line(explanation),
        "A coefficient stays at zero while its feature's correlation with the",
        "residual, |x'r|/n, is below its penalty alpha*pf; the feature enters when",
        "the correlation reaches the penalty, and leaves when its coefficient",
        f"shrinks back to zero (n = {n}, on centred data).",
    ]
    if explanation.note:
        lines.append(f"Note: {explanation.note}")
    if scale_note(explanation):
        lines.append(f"Note: {scale_note(explanation)}")
    width = len(str(len(explanation.events)))
    if explanation.events:  # a blank line before and after the list of events
        lines.append("")
    for number, (event, j) in enumerate(
        zip(explanation.events, explanation._event_indices), start=1
    ):
        lines.append(f"{number:>{width}}. {event_sentence(explanation, event, j)}")
    lines += ["", final_state(explanation)]
    if zero_features(explanation):
        lines.append(zero_features(explanation))
    return Text("\n".join(lines))
