"""The report of a fitted LassoIC: why the criterion chose its alpha."""

import numpy as np

from .display import Text

_NAMES = {"aic": "AIC", "bic": "BIC", "ebic": "Extended BIC"}


def _cost_per_feature(model, n_samples):
    if model.criterion == "aic":
        return "2", 2.0
    return f"log(n) = {np.log(n_samples):.4g}", np.log(n_samples)


def _names(model, features):
    names = getattr(model, "feature_names_in_", None)
    return [str(names[j]) if names is not None else f"x{j}" for j in features]


def criterion_report(model):
    """The text of ``LassoIC.report()``.

    Parameters
    ----------
    model : fitted LassoIC

    Returns
    -------
    report : Text
        A ``str`` shown as its lines in a notebook or REPL.
    """
    name = _NAMES[model.criterion]
    n_samples = model._n_samples
    sigma2 = model.noise_variance_
    df = np.count_nonzero(model.coef_path_, axis=0)
    fit = model._rss / sigma2
    best = int(np.argmin(model.criterion_))
    label, cost = _cost_per_feature(model, n_samples)
    formula = {
        "aic": "n log(2 pi sigma^2) + RSS / sigma^2 + 2 df",
        "bic": "n log(2 pi sigma^2) + RSS / sigma^2 + log(n) df",
        "ebic": (
            "n log(2 pi sigma^2) + RSS / sigma^2 + log(n) df + "
            f"2 gamma log C(p, df), gamma = {model.ebic_gamma:g}"
        ),
    }[model.criterion]
    kept = np.flatnonzero(model.coef_)
    lines = [
        f"{name} chose alpha = {model.alpha_:.6g}: {kept.size} of "
        f"{model.coef_.size} coefficients nonzero, at knot {best + 1} of the "
        f"{model.alphas_.size} knots of the exact lasso path.",
        "",
        f"{name} = {formula}",
        f"  with n = {n_samples:g}, df = number of nonzero coefficients, and the "
        f"noise variance sigma^2 = {sigma2:.6g} ({model._noise_source}).",
        f"Each nonzero coefficient adds {label} to {name}"
        + (
            " (plus the growth of 2 gamma log C(p, df))"
            if model.criterion == "ebic"
            else ""
        )
        + ": a feature is worth having only if it lowers RSS / sigma^2 by more.",
        "",
        f"At alpha = {model.alpha_:.6g}: RSS / sigma^2 = {fit[best]:.6g}, "
        f"{name} = {model.criterion_[best]:.6g}.",
    ]
    for label_, k in _neighbours(df, best):
        delta_fit = fit[k] - fit[best]
        delta = model.criterion_[k] - model.criterion_[best]
        change = "lower" if delta_fit < 0 else "higher"
        lines.append(
            f"  {label_} knot with {df[k]} nonzero (alpha = {model.alphas_[k]:.6g}): "
            f"RSS / sigma^2 {change} by {abs(delta_fit):.4g} for "
            f"{df[k] - df[best]:+d} df, so {name} is higher by {delta:.4g}."
        )
    if kept.size:
        shown = _names(model, kept[np.argsort(-np.abs(model.coef_[kept]))])
        more = f" and {len(shown) - 10} more" if len(shown) > 10 else ""
        lines.append("")
        lines.append("In the model (largest first): " + ", ".join(shown[:10]) + more)
    return Text("\n".join(lines))


def _neighbours(df, best):
    """The nearest knots before and after ``best`` with a different df."""
    found = []
    for label, steps in (("the sparser", range(best - 1, -1, -1)),
                         ("the denser", range(best + 1, df.size))):  # fmt: skip
        for k in steps:
            if df[k] != df[best]:
                found.append((label, k))
                break
    return found
