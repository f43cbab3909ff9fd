"""One feature's story at one alpha: the numbers of the KKT conditions, as text."""

import numpy as np

from .display import ShownAsText

# How many of the largest contributions a story names.
_TOP_CONTRIBUTIONS = 3
_PAST_TENSE = {"enter": "entered", "exit": "left"}
_PRESENT_TENSE = {"enter": "enters", "exit": "leaves"}


class FeatureStory(ShownAsText):
    """One feature's KKT story at one alpha, as numbers and as text.

    ``str(story)`` is the text. Every number is on the centred, weighted scale
    (divided by the sum of sample weights ``n``), and they add up:
    ``raw_correlation == explained_by_active + residual_correlation``.

    Attributes
    ----------
    feature : str or int
        The feature (name when known, else index).
    alpha : float
        Penalty strength of the story.
    coefficient : float
        Its coefficient at ``alpha``.
    active : bool
        Whether the coefficient is nonzero at ``alpha``.
    raw_correlation : float
        ``x_j' y / n``: its correlation with the (centred) target.
    explained_by_active : float
        ``x_j' X_A beta_A / n``: the part of it that the active features'
        fit already accounts for.
    contributions : dict
        ``{feature: x_j' x_k beta_k / n}`` for every active ``k``, largest in
        absolute value first. They sum to ``explained_by_active``.
    residual_correlation : float
        ``x_j' r / n``: what is left for the feature to explain.
    penalty : float
        ``alpha * pf_j``: what ``|residual_correlation|`` must reach for the
        coefficient to be nonzero.
    penalty_factor : float
        ``pf_j``.
    entry_alpha : float
        The largest alpha at which it is nonzero on the path (0 if never,
        ``inf`` if unpenalized).
    events : list of PathEvent
        This feature's own events, in path order; for a tied feature, its
        tie group's.
    tied_with : tuple
        The features it is exactly tied with (empty if none): the lasso
        cannot tell them apart and fixes only a combination of their
        coefficients.
    tie : str
        For a tied feature, what the lasso fixes and how the path splits it;
        else "".
    group_active : bool
        For a tied feature, whether its group is in the model at ``alpha``.
    ridge_part : float
        The elastic net's ``alpha * (1 - l1_ratio) * pf_j * b_j``: what a
        nonzero coefficient's residual correlation holds beyond its L1
        penalty (0 for the lasso).
    """

    def __init__(self, **numbers_and_context):
        self.__dict__.update(numbers_and_context)

    def __str__(self):
        lines = [
            f"{self._name} at alpha = {self.alpha:.6g} "
            f"(all numbers are x'v / n on centred data):",
            f"  correlation with y                x'y/n  = {self.raw_correlation:+.6g}",
            f"  accounted for by active features  x'Xb/n = "
            f"{self.explained_by_active:+.6g}",
        ]
        contributions = list(self.contributions.items())
        for name, value in contributions[:_TOP_CONTRIBUTIONS]:
            lines.append(f"      of which via {_text(name)}: {value:+.6g}")
        rest = contributions[_TOP_CONTRIBUTIONS:]
        if rest:
            others = sum(value for _, value in rest)
            lines.append(
                f"      and via {len(rest)} more active feature"
                f"{'s' if len(rest) > 1 else ''}: {others:+.6g}"
                " (all in `contributions`)"
            )
        lines += [
            f"  left in the residual              x'r/n  = "
            f"{self.residual_correlation:+.6g}",
            f"  penalty                     alpha * pf   = {self.penalty:.6g}"
            f"  (pf = {self.penalty_factor:g})",
            self._verdict(),
            f"  {self.tie}" if getattr(self, "tie", "") else "",
            self._history(),
        ]
        return "\n".join(line for line in lines if line)

    @property
    def _name(self):
        return _text(self.feature)

    def _verdict(self):
        if np.isinf(self.penalty_factor):
            return "  Excluded (penalty_factor = inf): never in the model."
        if self.penalty_factor == 0:
            return (
                "  Unpenalized (penalty_factor = 0): fitted by least squares, its "
                "residual correlation is 0."
            )
        if getattr(self, "tied_with", ()) and self.group_active and not self.active:
            return (
                "  At zero on this path, but tied: its residual correlation "
                "equals its penalty, as a nonzero coefficient's would, so part "
                "of its group's coefficient could be on it at no cost."
            )
        ridge = getattr(self, "ridge_part", 0.0)
        if self.active and ridge:
            l1 = self.residual_correlation - ridge
            return (
                f"  In the model (coefficient {self.coefficient:+.6g}): its "
                f"residual correlation {self.residual_correlation:+.6g} is its L1 "
                f"penalty with the coefficient's sign, {l1:+.6g}, plus the ridge "
                f"part alpha * (1 - l1_ratio) * pf * b = {ridge:+.6g}, as the "
                "elastic net's KKT conditions require of a nonzero coefficient."
            )
        if self.active:
            return (
                f"  In the model (coefficient {self.coefficient:+.6g}): its "
                "residual correlation equals its penalty, with the coefficient's "
                "sign, as the KKT conditions require of a nonzero coefficient."
            )
        share = abs(self.residual_correlation) / self.penalty if self.penalty else 0
        return (
            f"  Not in the model: |x'r|/n is {share:.0%} of its penalty, so the "
            "lasso keeps its coefficient at zero."
        )

    def _history(self):
        subject = "Its tie group" if getattr(self, "tied_with", ()) else "It"
        if not self.events:
            return f"  {subject} does not enter anywhere on this path."
        past = [
            f"{_PAST_TENSE[e.event]} at alpha = {e.alpha:.6g}"
            for e in self.events
            if e.alpha >= self.alpha
        ]
        upcoming = [e for e in self.events if e.alpha < self.alpha]
        told = [f"{subject} " + ", then ".join(past) + "." if past else ""]
        if upcoming:
            told.append(
                f"Further down the path {subject.lower()} "
                f"{_PRESENT_TENSE[upcoming[0].event]} "
                f"at alpha = {upcoming[0].alpha:.6g}."
            )
        return "  " + " ".join(part for part in told if part)


def _text(feature):
    return feature if isinstance(feature, str) else f"x{feature}"


def _penalty(alpha, penalty_factor):
    """``alpha * pf``, and ``inf`` for an excluded feature (``pf = inf``)."""
    if np.isinf(penalty_factor):
        return np.inf
    return float(alpha * penalty_factor)
