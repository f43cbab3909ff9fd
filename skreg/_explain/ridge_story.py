"""A ridge fit in words: one coefficient's story, and the report of the fit.

The numbers come from :class:`skreg._explain.ridge.RidgeExplanation`; this
module only turns them into text.
"""

import textwrap

import numpy as np

from .display import ShownAsText

# Directions a story lists, features and directions a report names at most.
_TOP_DIRECTIONS = 4
_MAX_NAMED = 8


class RidgeFeatureStory(ShownAsText):
    """One ridge coefficient's story at one alpha, as numbers and as text.

    ``str(story)`` is the text. The numbers add up:
    ``coefficient == unpenalized_part + contributions.sum()`` and
    ``contributions == ols_parts * kept_fraction``.

    Attributes
    ----------
    feature : str
    alpha : float
    coefficient : float
        Its coefficient at ``alpha``.
    ols_coefficient : float
        Its least-squares coefficient (the limit as alpha -> 0).
    unpenalized_part : float
        For an unpenalized feature (``pf = 0``), its coefficient in the fit of
        the unpenalized features alone (the limit as alpha -> inf); else 0.
    ols_parts : ndarray of shape (n_directions,)
        Each direction's part of ``ols_coefficient``.
    kept_fraction : ndarray of shape (n_directions,)
        :math:`d_k^2 / (d_k^2 + \\alpha)`.
    contributions : ndarray of shape (n_directions,)
        Each direction's part of ``coefficient``.
    singular_values : ndarray of shape (n_directions,)
    limit : float
        :math:`\\lim \\alpha\\, w_j(\\alpha)` (NaN when unpenalized).
    penalty_factor : float
    sign_changes : ndarray
        The alphas at which the coefficient changes sign along the path.
    """

    def __init__(self, **numbers):
        self.__dict__.update(numbers)

    @property
    def shrink(self):
        """``coefficient / ols_coefficient`` (NaN when the latter is 0)."""
        if self.ols_coefficient == 0:
            return np.nan
        return self.coefficient / self.ols_coefficient

    def __str__(self):
        name, alpha = self.feature, self.alpha
        lines = [f"{name} at alpha = {alpha:.6g}: coefficient {self.coefficient:+.6g}."]
        if not np.any(self.ols_parts) and self.unpenalized_part == 0:
            lines.append(
                "  It is 0 at every alpha: its column is constant, excluded, or a "
                "combination of the unpenalized columns."
            )
            return "\n".join(lines)
        lines += [
            "  Along each principal direction k (singular value d_k) ridge keeps the",
            "  fraction d_k^2 / (d_k^2 + alpha) of the least-squares fit; the "
            "coefficient is",
            "  the sum over directions of (least-squares part) x (kept fraction):",
            f"  {'direction':>9}  {'d_k':>9}  {'kept':>7}  {'least sq.':>11}"
            f"  {'at alpha':>11}",
        ]
        if self.unpenalized_part:
            lines.append(
                f"  {'unpenalized features alone':<29}  "
                f"{self.unpenalized_part:+11.5g}  {self.unpenalized_part:+11.5g}"
            )
        order = np.argsort(-np.abs(self.contributions), kind="stable")
        for k in order[:_TOP_DIRECTIONS]:
            lines.append(
                f"  {k + 1:>9}  {self.singular_values[k]:9.4g}  "
                f"{self.kept_fraction[k]:7.3f}  {self.ols_parts[k]:+11.5g}  "
                f"{self.contributions[k]:+11.5g}"
            )
        rest = order[_TOP_DIRECTIONS:]
        if rest.size:
            label = f"and {rest.size} more direction{'s' if rest.size > 1 else ''}"
            lines.append(
                f"  {label:<29}  {self.ols_parts[rest].sum():+11.5g}  "
                f"{self.contributions[rest].sum():+11.5g}"
            )
        lines.append(
            f"  {'sum':<29}  {self.ols_coefficient:+11.5g}  {self.coefficient:+11.5g}"
        )
        lines.append(_wrap(self._ols_sentence(), "  "))
        lines.append(_wrap(self._limit_sentence(), "  "))
        lines.append(_wrap(self._sign_sentence(), "  "))
        return "\n".join(lines)

    def _ols_sentence(self):
        ols = f"Least squares (alpha -> 0): {self.ols_coefficient:+.6g}"
        if self.shrink > 0:
            return f"{ols}; at this alpha it keeps {self.shrink:.1%} of it."
        if self.shrink < 0:
            return f"{ols}, of the opposite sign: on the way the path crossed 0."
        return f"{ols}."

    def _limit_sentence(self):
        if self.penalty_factor == 0:
            return (
                "Unpenalized (pf = 0): as alpha grows it tends to its fit with the "
                f"unpenalized features alone, {self.unpenalized_part:+.6g}, not to 0."
            )
        return (
            f"As alpha -> inf it behaves like c / alpha with c = {self.limit:+.6g} "
            f"(pf = {self.penalty_factor:g}): it tends to 0 but is never exactly 0 "
            "on an interval of alphas, as a lasso coefficient is."
        )

    def _sign_sentence(self):
        changes = self.sign_changes
        if changes.size == 0:
            return "Its sign never changes along the path."
        where = ", ".join(f"{a:.4g}" for a in changes[:_MAX_NAMED])
        return (
            f"Its sign changes at alpha = {where} (exactly 0 only there): the "
            "path is not monotone."
        )


def _named(items, limit=_MAX_NAMED):
    """``a, b, c and N more``."""
    shown = ", ".join(items[:limit])
    more = len(items) - limit
    return shown + (f" and {more} more" if more > 0 else "")


# A space the wrapping does not break at ("10: 0.0789" stays on one line).
_KEEP = "\x00"


def _unbroken(phrase):
    """``phrase`` kept on one line by :func:`_wrap`."""
    return phrase.replace(" ", _KEEP)


def _wrap(text, indent="", hang="  "):
    """``text`` as lines of at most 88 characters, continued with ``indent``
    and ``hang``."""
    return textwrap.fill(
        text, width=88, subsequent_indent=indent + hang, initial_indent=indent,
        break_on_hyphens=False,
    ).replace(_KEEP, " ")  # fmt: skip


def _limit_words(explanation):
    if explanation._rank_unpenalized:
        return "x_j'My / pf_j, M projecting out the unpenalized columns"
    return "x_j'y / pf_j on centred data"


def _report_text(explanation):
    e = explanation
    d, kept = e.singular_values, e.kept_fraction
    n_features = len(e.feature_names)
    factors = e.penalty_factor
    pf_words = (
        "all 1"
        if np.all(factors == 1)
        else f"from {factors.min():g} to {factors.max():g}"
        + (f", {int(e._unpenalized.sum())} unpenalized" if e._unpenalized.any() else "")
    )
    prose = [
        f"Ridge fit at alpha = {e.alpha:.6g}: {n_features} features, "
        f"{e.n_samples} samples, penalty factors {pf_words}.",
        "It minimizes ||y - b - Xw||^2 + alpha * sum_j pf_j w_j^2 (intercept b "
        "unpenalized). Along each principal direction k of the centred data "
        f"(singular value d_k of {_unbroken('X / sqrt(pf)')}, the unpenalized "
        "columns projected out) it keeps the fraction "
        f"{_unbroken('d_k^2 / (d_k^2 + alpha)')} of the least-squares "
        "fit: the directions in which X varies least are shrunk first.",
    ]
    lists = []  # wrapped with a hanging indent
    if d.size:
        shown = [f"{k + 1}:{_KEEP}{kept[k]:.3g}" for k in range(d.size)]
        if d.size > 10:  # the first and the last five
            shown = shown[:5] + [f"...{_KEEP}({d.size - 10} more)"] + shown[-5:]
        half = int(np.count_nonzero(kept > 0.5))
        lists.append(
            f"Kept fraction per direction (d_k from {d[0]:.4g} down to "
            f"{d[-1]:.4g}): " + ", ".join(shown) + f"; {half}{_KEEP}of{_KEEP}"
            f"{d.size} keep more than half (d_k^2 > alpha)."
        )
    unpenalized = e._rank_unpenalized
    lists.append(
        "Effective degrees of freedom: dof = "
        + (f"{unpenalized} unpenalized + " if unpenalized else "")
        + f"sum of kept fractions = {e.dof:.4g} of {unpenalized + d.size} "
        "(intercept not counted)."
    )
    order = np.argsort(-np.abs(e.coef), kind="stable")
    top = [_coef_words(e, j).replace(" ", _KEEP) for j in order]
    lists.append("Largest coefficients: " + _named(top, 5) + ".")
    ending = [
        f"As alpha -> inf every penalized w_j ~ c_j / alpha -> 0, c_j = "
        f"{_limit_words(e)} (in `limit`): none is exactly 0 at a finite alpha "
        "except where it changes sign."
    ]
    flips = [
        f"{e.feature_names[j]}{_KEEP}at{_KEEP}alpha{_KEEP}={_KEEP}"
        + ", ".join(f"{a:.3g}" for a in e.sign_changes[j][:3])
        for j in range(n_features)
        if e.sign_changes[j].size
    ]
    if flips:
        many = len(flips) > 1
        ending.append(
            f"The path is not monotone: {len(flips)} coefficient"
            f"{'s change' if many else ' changes'} sign along it: "
            + _named(flips, 6)
            + "."
        )
    else:
        ending.append("No coefficient changes sign along the path.")
    alpha_small = e.shrinkage_alpha(0.01)
    if np.isfinite(alpha_small):
        times = (
            f" ({alpha_small / e.alpha:.3g} times the fitted alpha)" if e.alpha else ""
        )
        ending.append(
            "Every penalized |w_j| stays below 1% of its least-squares value for "
            f"alpha >= {alpha_small:.4g}{times}."
        )
    ending.append("why(feature) splits one coefficient into its directions' parts.")
    return "\n".join(
        [_wrap(text, hang="") for text in prose]
        + [""]
        + [_wrap(text) for text in lists]
        + [_wrap(text, hang="  " if "monotone" in text else "") for text in ending]
    )


def _coef_words(e, j):
    """``bmi +489.7 (94% of least squares)``."""
    coef, ols = e.coef[j], e.ols_coef[j]
    if ols == 0 or coef == 0:
        return f"{e.feature_names[j]} {coef:+.4g}"
    if coef / ols < 0:
        return f"{e.feature_names[j]} {coef:+.4g} (least squares {ols:+.4g})"
    return f"{e.feature_names[j]} {coef:+.4g} ({coef / ols:.0%} of least squares)"
