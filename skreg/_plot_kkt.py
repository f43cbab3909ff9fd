"""The KKT conditions along the path (shown as skreg.plotting.KKTDisplay)."""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._plot_common import (
    _END_OFFSETS,
    _ENTRY_OFFSETS,
    _ExplanationDisplay,
    _feature_colors,
    _Labels,
    _labels,
    _line_width,
    _positive_part,
    _say,
)

# Points per segment between consecutive knots: the correlations are linear in
# alpha there, but the log axes bend them. Long paths get fewer per segment
# (every knot is kept): a figure is a few hundred pixels wide.
_POINTS_PER_SEGMENT = 12
_MAX_POINTS = 1200


class KKTDisplay(_ExplanationDisplay):
    """How close each feature is to its penalty: the KKT conditions, drawn.

    A coefficient is zero at alpha exactly while its correlation with the
    residual, ``|x_j' r(alpha)| / n``, stays within its penalty
    ``alpha * pf_j``. This display draws, for every penalized feature, the
    share of its penalty that the correlation reaches,
    ``|x_j' r(alpha)| / (n * alpha * pf_j)``, against alpha on a log axis.
    One threshold line at 1 holds for every feature whatever its penalty
    factor or adaptive weight: a feature below it is zero (thin curve), a
    feature in the model sits on it (thick; above it for the elastic net, whose
    ridge part adds to the penalty). A feature enters where its curve
    reaches the line (a dot).

    Parameters
    ----------
    alphas : ndarray of shape (n_points,)
        Positive, decreasing alphas at which the correlations are given.
    correlations : ndarray of shape (n_features, n_points)
        ``x_j' r(alpha) / n`` (signed; plotted in absolute value).
    active : ndarray of bool of shape (n_features, n_points)
        Whether each coefficient is nonzero at each alpha.
    penalty_factor : ndarray of shape (n_features,)
        ``pf_j``; features with 0 (unpenalized: no condition) or inf (always
        zero) are not drawn.
    feature_names : list of str
        One label per feature.
    entries : list of (float, int), default=()
        ``(alpha, feature index)`` of each entry, marked on the threshold.
    message : str, default=None
        A sentence written across the axes (why nothing enters, for a
        degenerate path).

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        Two per feature in the model somewhere on the path: its share of the
        penalty while zero (thin) and while in the model (thick).
    inactive_lines_ : matplotlib LineCollection
        Beyond 10 features, the shares of the features never in the model,
        thin, in one artist (up to 10, each has its pair in ``lines_``).
    threshold_line_ : matplotlib Line2D
        The line at 1: the penalty reached.
    alpha_line_ : matplotlib Line2D
        The vertical line at the smallest alpha: the fitted alpha of an
        estimator's explanation.
    markers_ : list of matplotlib Line2D
        Entry points on the threshold.
    texts_ : list of matplotlib Text
        Names of the first entering features and, at the right end, of the
        zero features closest to entering.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    PathDisplay : Coefficients along the path.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import explain_lasso_path
    >>> from skreg.plotting import KKTDisplay
    >>> data = load_diabetes(as_frame=True)
    >>> explanation = explain_lasso_path(data.data, data.target)
    >>> display = KKTDisplay.from_explanation(explanation)
    """

    def __init__(
        self,
        *,
        alphas,
        correlations,
        active,
        penalty_factor,
        feature_names,
        entries=(),
        message=None,
    ):
        self.alphas = alphas
        self.correlations = correlations
        self.active = active
        self.penalty_factor = penalty_factor
        self.feature_names = feature_names
        self.entries = entries
        self.message = message

    @classmethod
    def from_explanation(cls, explanation, *, ax=None, **kwargs):
        """Plot the KKT picture of a :class:`~skreg.PathExplanation`.

        Parameters
        ----------
        explanation : PathExplanation
        ax : matplotlib Axes, default=None
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : KKTDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_explanation")
        alphas = _dense_alpha_grid(explanation.alphas_)
        coefs = np.column_stack([explanation._coef_at(a) for a in alphas])
        display = cls(
            alphas=alphas,
            correlations=explanation.correlation_path(alphas),
            active=coefs != 0,
            penalty_factor=explanation.penalty_factor,
            feature_names=_labels(explanation),
            entries=[
                (event.alpha, j)
                for event, j in zip(explanation.events, explanation._event_indices)
                if event.event == "enter" and event.penalty > 0
            ],
            message=getattr(explanation, "degenerate", None),
        )
        return display.plot(ax=ax, **kwargs)

    def shares(self):
        """Return each feature's share of its penalty along the alphas.

        Returns
        -------
        shares : ndarray of shape (n_features, n_points)
            ``|x_j' r| / (n * alpha * pf_j)``; NaN for features with no
            condition to draw (``pf_j`` 0 or inf).
        """
        drawn = np.isfinite(self.penalty_factor) & (self.penalty_factor > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            shares = np.abs(self.correlations) / (
                np.asarray(self.alphas)[np.newaxis, :]
                * np.asarray(self.penalty_factor, dtype=float)[:, np.newaxis]
            )
        shares[~drawn] = np.nan
        return shares

    def plot(self, ax=None, *, legend="auto", max_labels=8):
        """Draw each feature's share of its penalty and the threshold at 1.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        legend : bool or "auto", default="auto"
            Show a legend of the features; "auto" shows it for at most 10
            drawn features (beyond that names are written on the curves).
        max_labels : int, default=8
            At most this many names of entering features (the earliest first)
            and of zero features closest to their penalty at the last alpha.
            A name that would overlap one already written is left out.

        Returns
        -------
        self : KKTDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 5.5))
        colors = _feature_colors(len(self.feature_names))
        shares = self.shares()
        drawn = np.flatnonzero(~np.all(np.isnan(shares), axis=1))
        width = _line_width(drawn.size)
        self.lines_ = []
        # Features never in the model: one collection of thin curves, not an
        # artist each (thousands of features stay quick to draw).
        # (beyond the legend's 10 features: up to there each has its entry).
        ever = self.active[drawn].any(axis=1) | (drawn.size <= 10)
        never = drawn[~ever]
        self.inactive_lines_ = _curves(ax, self.alphas, shares[never], colors, never,
                                       width)  # fmt: skip
        for j in drawn[ever]:
            inactive = np.where(self.active[j], np.nan, shares[j])
            riding = np.where(_with_ends(self.active[j]), shares[j], np.nan)
            self.lines_.append(
                ax.plot(
                    self.alphas, inactive, color=colors[j], linewidth=width, alpha=0.8
                )[0]
            )
            self.lines_.append(
                ax.plot(
                    self.alphas,
                    riding,
                    color=colors[j],
                    linewidth=2.4 * width,
                    label=self.feature_names[j],
                )[0]
            )
        self.threshold_line_ = ax.axhline(
            1.0, linestyle="--", color="black", linewidth=1.0, zorder=2
        )
        self.markers_ = [
            ax.plot(
                alpha,
                1.0,
                "o",
                color=colors[j],
                markeredgecolor="black",
                markeredgewidth=0.6,
                zorder=3,
            )[0]
            for alpha, j in self.entries
        ]
        ax.set_xscale("log")
        if self.alphas.size:
            high, low = self.alphas.max() * 1.3, self.alphas.min()
            ax.set_xlim(high, low / (high / low) ** 0.2)
        if not drawn.size and self.message is None:
            self.message = "No penalized feature: there is no KKT condition to draw."
        top = np.nanmax(shares[drawn]) if drawn.size else 1.0
        ax.set_ylim(0.0, max(1.12, min(top, 3.0) * 1.05))
        ax.set_xlabel("alpha (log scale; the penalty weakens to the right)")
        ax.set_ylabel("|x_j' r| / (n alpha pf_j): share of the penalty reached")
        ax.set_title(
            "KKT conditions: a coefficient is zero while its correlation with the\n"
            "residual stays under its penalty (1, dashed), nonzero on it (thick)"
        )
        fitted = self.alphas.min() if self.alphas.size else np.nan
        self.alpha_line_ = ax.axvline(
            fitted, color="0.3", linestyle=":", linewidth=1.0, zorder=1
        )
        self.texts_ = []
        if self.alphas.size:
            self.texts_ = self._names(ax, shares, drawn, colors, max_labels)
        if self.lines_ and (legend is True or (legend == "auto" and drawn.size <= 10)):
            ax.legend(fontsize=8, ncol=2, loc="lower left", framealpha=0.9)
        self.message_ = _say(ax, self.message)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _names(self, ax, shares, drawn, colors, max_labels):
        # The first features to enter, at their entry on the threshold; then
        # the zero features closest to it at the last alpha, at the right end.
        labels = _Labels(ax)
        texts = []
        first = []
        for alpha, j in self.entries:
            if j not in {k for _, k in first}:
                first.append((alpha, j))
        for number, (alpha, j) in enumerate(first[:max_labels]):
            texts += labels.place(
                lambda dy, a=alpha, j=j: ax.annotate(
                    self.feature_names[j],
                    xy=(a, 1.0),
                    xytext=(0, dy),
                    textcoords="offset points",
                    ha="center",
                    va="bottom" if dy > 0 else "top",
                    fontsize=9,
                    fontweight="bold",
                    color=colors[j],
                ),
                _ENTRY_OFFSETS if number % 2 == 0 else _ENTRY_OFFSETS[1:],
            )
        last = shares[:, -1]
        zero = [j for j in drawn if not self.active[j, -1] and np.isfinite(last[j])]
        closest = sorted(zero, key=lambda j: -last[j])[:max_labels]
        for j in closest:
            texts += labels.place(
                lambda dy, j=j: ax.annotate(
                    # floored: a zero feature is short of its penalty
                    f"{self.feature_names[j]} {np.floor(100 * last[j]):.0f}%",
                    xy=(self.alphas[-1], last[j]),
                    xytext=(5, dy),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                    color=colors[j],
                ),
                _END_OFFSETS,
            )
        return texts


def _dense_alpha_grid(knots):
    """Positive knots with points spread evenly (in log) inside each segment."""
    knots = knots[_positive_part(knots)]
    if knots.size < 2:
        return knots
    per_segment = max(1, min(_POINTS_PER_SEGMENT, _MAX_POINTS // (knots.size - 1)))
    fractions = np.linspace(0.0, 1.0, per_segment, endpoint=False)
    logs = np.log(knots)
    inner = logs[:-1, np.newaxis] + fractions * np.diff(logs)[:, np.newaxis]
    return np.append(np.exp(inner.ravel()), knots[-1])


def _with_ends(active):
    """Extend an activity mask by one point on each side, so thick segments meet
    the thin curve where the feature enters or leaves."""
    extended = active.copy()
    extended[1:] |= active[:-1]
    extended[:-1] |= active[1:]
    return extended


def _curves(ax, alphas, values, colors, features, width):
    """Thin curves of ``values`` against ``alphas`` as one LineCollection."""
    from matplotlib.collections import LineCollection

    segments = [np.column_stack([alphas, row]) for row in values]
    collection = LineCollection(
        segments,
        colors=[colors[j] for j in features],
        linewidths=width,
        # hundreds of curves make a band: lighter, so that the names show
        alpha=0.8 if len(features) <= 60 else 0.35,
    )
    ax.add_collection(collection)
    return collection
