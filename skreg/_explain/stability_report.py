"""The report of a fitted StabilitySelection: why these features were kept."""

import numpy as np

from .display import Text

# Features named at most in each list of the report.
_NAMED = 12


def _names(selector, features):
    names = getattr(selector, "feature_names_in_", None)
    return [str(names[j]) if names is not None else f"x{j}" for j in features]


def _listed(selector, features):
    scores = selector.stability_scores_
    words = [
        f"{name} ({scores[j]:.2f})"
        for name, j in zip(_names(selector, features), features)
    ]
    more = len(words) - _NAMED
    return ", ".join(words[:_NAMED]) + (f" and {more} more" if more > 0 else "")


def stability_report(selector):
    """The text of ``StabilitySelection.report()``.

    Parameters
    ----------
    selector : fitted StabilitySelection

    Returns
    -------
    report : Text
    """
    scores = selector.stability_scores_
    alphas = selector.alphas_
    threshold = selector.threshold
    pairs = " in complementary pairs" if selector.complementary_pairs else ""
    chosen = "given" if selector.alphas is not None else "chosen"
    order = np.argsort(-scores, kind="stable")
    kept = [j for j in order if selector.support_[j]]
    below = [j for j in order if not selector.support_[j] and scores[j] > 0]
    lines = [
        f"Stability selection: {len(kept)} of {scores.size} features kept, "
        f"each selected on at least {threshold:.0%} of {selector.n_resamples_} "
        f"subsamples ({selector.sample_fraction:g} of the rows{pairs}) at some "
        f"alpha from {alphas[0]:.4g} down to {alphas[-1]:.4g} "
        f"({alphas.size} alphas, {chosen}).",
        "",
        f"Why that region: a subsample selects on average q = "
        f"{selector.average_selected_:.3g} of the p = {selector.n_candidates_} "
        "candidate features somewhere in it, so the expected number of falsely "
        "selected features is at most q^2 / ((2 threshold - 1) p) = "
        f"{selector.average_selected_:.3g}^2 / ({2 * threshold - 1:.3g} x "
        f"{selector.n_candidates_}) = {selector.false_selection_bound_:.3g} "
        "(Meinshausen & Buhlmann 2010, Theorem 1).",
    ]
    if selector.alphas is None:
        lines.append(
            "The region stops where that bound would pass 1: further down the "
            "path every subsample selects more features, noise included."
        )
    lines.append("")
    lines.append(
        "Kept (selection probability, the largest over the region): "
        + (_listed(selector, kept) if kept else "none")
        + "."
    )
    if below:
        lines.append(
            f"Not kept, closest to {threshold:.2f} first: "
            + _listed(selector, below)
            + "."
        )
    return Text("\n".join(lines))
