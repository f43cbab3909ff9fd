"""What an explanation says about tied features, and about the fit's coef_.

Tied columns (:mod:`skreg._path.ties`) are one feature to the lasso: it
fixes only a combination of their coefficients, and every split with the
right signs is optimal. The report names each group once, in its events and
in a paragraph that gives the combination and the split the fit chose; the
features in the model are counted from the fit's ``coef_`` when the
explanation has it (``fitted_coef``), so that the count is the estimator's.
"""

import numpy as np

from .display import Text, event_sentence, final_state, zero_features

# Shares of a ratio this close to 1 print as "bmi", not "1*bmi".
_UNIT = 1e-10


class _AtCoef:
    """The explanation as the report's last lines read it, at ``coef``.

    ``hidden`` features (tied members at zero whose group is in the model)
    are left out of the "at zero" line by giving them no penalty there.
    """

    def __init__(self, explanation, coef, hidden=()):
        self.alphas_ = explanation.alphas_
        self.coef_path = np.asarray(coef, dtype=np.float64)[:, np.newaxis]
        self.label = explanation.label
        self.degenerate = getattr(explanation, "degenerate", None)
        self._residual_correlations = explanation._residual_correlations
        factors = np.array(explanation.penalty_factor, dtype=np.float64)
        factors[list(hidden)] = 0.0
        self.penalty_factor = factors


def _end_coef(explanation):
    """The coefficients the report's last lines describe: coef_, else the path's."""
    if explanation.fitted_coef is not None:
        return explanation.fitted_coef
    return explanation.coef_path[:, -1]


def final_state_at_fit(explanation):
    """The "k of p features are in the model" line, counted on coef_ if known."""
    if explanation.fitted_coef is None:
        return final_state(explanation)
    return final_state(_AtCoef(explanation, explanation.fitted_coef))


def at_fit_report(explanation, text):
    """The report's ``text`` with tie groups named and the end told at coef_."""
    text = str(text)
    width = len(str(len(explanation.events)))
    for number, (event, j) in enumerate(
        zip(explanation.events, explanation._event_indices), start=1
    ):
        group = explanation._group_of(j)
        if group is not None:
            prefix = f"{number:>{width}}. "
            text = text.replace(
                prefix + event_sentence(explanation, event, j),
                prefix + _group_event_sentence(explanation, event, group),
                1,
            )
    head, found, _ = text.rpartition(final_state(explanation))
    if not found:
        return Text(text)
    coef = _end_coef(explanation)
    lines = [final_state_at_fit(explanation)]
    difference = _difference_note(explanation)
    if difference:
        lines.append(f"Note: {difference}")
    for group in explanation._ties:
        lines.append(f"Tied: {_group_paragraph(explanation, group, coef)}")
    zeros = zero_features(_AtCoef(explanation, coef, _hidden(explanation, coef)))
    if zeros:
        lines.append(zeros)
    return Text(head + "\n".join(lines))


def _hidden(explanation, coef):
    """Tied members at zero whose group is in the model (it speaks for them)."""
    hidden = []
    for group, carrier in zip(explanation._ties, explanation._carriers):
        members = list(group.features)
        if np.any(coef[members] != 0):
            hidden += [j for j in members if coef[j] == 0]
        else:
            hidden += [j for j in members if j != carrier]
    return hidden


def _difference_note(explanation):
    """Where coef_ and the path's end differ in which coefficients are zero."""
    if explanation.fitted_coef is None:
        return ""
    fitted, path = explanation.fitted_coef, explanation.coef_path[:, -1]
    differ = np.flatnonzero((fitted != 0) != (path != 0))
    if not differ.size:
        return ""
    alpha = explanation.alphas_[-1]
    parts = [
        f"{explanation.label(j)} is {path[j]:.3g} on the path and "
        f"{fitted[j]:.3g} in coef_"
        for j in differ
    ]
    return (
        f"coef_ (solved by coordinate descent to the estimator's tolerance) and "
        f"the path at alpha = {alpha:.6g} differ in which coefficients are zero: "
        + "; ".join(parts)
        + ". The count above is coef_'s: this close to an event, the "
        "difference is within the solver's tolerance."
    )


def _names(explanation, features):
    labels = [explanation.label(j) for j in features]
    return (
        labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    )


def _combination(explanation, group):
    """``bmi + bmi_copy``, ``bmi - bmi_neg``, ``bmi + 2*bmi_x2``: what is fixed."""
    terms = []
    for k, (j, ratio) in enumerate(zip(group.features, group.ratios)):
        factor = "" if abs(abs(ratio) - 1.0) <= _UNIT else f"{abs(ratio):.6g}*"
        name = f"{factor}{explanation.label(j)}"
        if k == 0:
            terms.append(name if ratio > 0 else f"-{name}")
        else:
            terms.append(("+ " if ratio > 0 else "- ") + name)
    return " ".join(terms)


def _relation(group):
    """How their correlations with a residual relate, in words."""
    if all(abs(abs(r) - 1.0) <= _UNIT for r in group.ratios):
        same = "the same correlation with every residual"
        return same + (" (up to sign)" if min(group.ratios) < 0 else "")
    return "correlations with every residual in proportion to their penalty factors"


def _group_sum(group, coef):
    return float(np.asarray(group.ratios) @ np.asarray(coef)[list(group.features)])


def _split(explanation, group, coef):
    pieces = [
        f"{coef[j]:.6g} on {explanation.label(j)}" for j in group.features if coef[j]
    ]
    if len(pieces) == 1:
        return "all of it on " + pieces[0].split(" on ", 1)[1]
    return ", ".join(pieces[:-1]) + " and " + pieces[-1]


def _group_paragraph(explanation, group, coef):
    """One tie group at the end of the path: what is fixed and how it is split."""
    names = _names(explanation, group.features)
    alpha = explanation.alphas_[-1]
    fixed = _combination(explanation, group)
    whose = "coef_" if explanation.fitted_coef is not None else "this path"
    opening = (
        f"{names} ({group.kind}) have {_relation(group)}, so the lasso sees "
        "one feature and fixes only"
    )
    if explanation.l1_ratio < 1.0:
        values = ", ".join(
            f"{explanation.label(j)} = {coef[j]:.6g}" for j in group.features
        )
        return (
            f"{names} ({group.kind}) have {_relation(group)}: the lasso part "
            f"alone would fix only {fixed}, but the ridge part of the elastic "
            "net splits it equally (the same |coefficient| on every member); "
            f"{whose} has {values} at alpha = {alpha:.6g}. Their events above "
            "are the group's."
        )
    # the exact value from the path; the split from coef_
    total = _group_sum(group, explanation.coef_path[:, -1])
    if total == 0 or not np.any(coef[list(group.features)]):
        return (
            f"{opening} {fixed}; at alpha = {alpha:.6g} it is 0 (the group is "
            "out of the model). Their events above are the group's."
        )
    signs = " (opposite for a negated column)" if min(group.ratios) < 0 else ""
    return (
        f"{opening} {fixed} = {total:.6g} at alpha = {alpha:.6g}; any split "
        f"with the same signs{signs} is equally optimal, and {whose} puts "
        f"{_split(explanation, group, coef)}. Their events above are the group's."
    )


def _group_event_sentence(explanation, event, group):
    """A tie group's event: its members entered or left together."""
    names = _names(explanation, group.features)
    alpha = f"{event.alpha:.6g}"
    unit = all(abs(abs(r) - 1.0) <= _UNIT for r in group.ratios)
    kkt = f"|x'r|/n = alpha*pf = {event.penalty:.6g}" + (
        "" if unit else f" for {explanation.label(_carrier(explanation, group))}"
    )
    if event.event == "enter":
        carrier = _carrier(explanation, group)
        carrier_ratio = group.ratios[group.features.index(carrier)]
        signs = [
            "+" if event.sign * ratio * carrier_ratio > 0 else "-"
            for ratio in group.ratios
        ]
        shown = (
            signs[0]
            if len(set(signs)) == 1
            else ", ".join(
                f"{explanation.label(j)} {s}" for j, s in zip(group.features, signs)
            )
        )
        return (
            f"at alpha = {alpha}, {names} (tied: {group.kind}) entered together "
            f"({shown}): their correlation with the residual reached their "
            f"penalty, {kkt}."
        )
    return (
        f"at alpha = {alpha}, {names} (tied: {group.kind}) left together: their "
        f"coefficients shrank to zero at {kkt}; below, their correlation stays "
        "under their penalty."
    )


def _carrier(explanation, group):
    return explanation._carriers[explanation._ties.index(group)]


def tie_story(explanation, j, group, coef, alpha):
    """The sentence of ``why(j)`` for a tied feature, at ``coef`` (alpha)."""
    others = _names(explanation, [k for k in group.features if k != j])
    fixed = _combination(explanation, group)
    opening = (
        f"Tied with {others} ({group.kind}): they have {_relation(group)}, so "
        "the lasso cannot tell them apart"
    )
    if explanation.l1_ratio < 1.0:
        return (
            f"{opening} and would fix only {fixed}; the ridge part of the "
            "elastic net splits it equally (the same |coefficient| on every "
            "member)."
        )
    total = _group_sum(group, coef)
    if total == 0:
        return f"{opening}: it fixes only {fixed}, 0 at alpha = {alpha:.6g}."
    source = " (coef_'s split)" if explanation.fitted_coef is not None else ""
    return (
        f"{opening}: it fixes only {fixed} = {total:.6g} at alpha = {alpha:.6g}, "
        f"and any split with the same signs is equally optimal; this path puts "
        f"{_split(explanation, group, coef)}{source}."
    )
