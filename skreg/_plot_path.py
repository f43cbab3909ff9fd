"""The coefficients along the path (shown as skreg.plotting.PathDisplay)."""

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


class PathDisplay(_ExplanationDisplay):
    """Coefficients along the lasso path, with the events marked and labelled.

    Each coefficient is drawn against alpha on a log axis that runs from the
    strongest penalty (left) to the weakest (right), so the path reads left to
    right: a feature's curve leaves zero where it enters. Entries are marked
    with a dot and the feature's name, exits with a cross. ``alpha = 0`` (the
    least-squares end of a full path) cannot be shown on a log axis and is
    left out.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        Decreasing penalty strengths of the path.
    coef_path : ndarray of shape (n_features, n_alphas)
        Coefficients at ``alphas``.
    events : list of PathEvent
        Entries and exits (``alpha``, ``event`` and a feature index for each,
        as ``event_features``).
    event_features : list of int
        Column index of each event.
    feature_names : list of str
        One label per feature.
    message : str, default=None
        A sentence written across the axes (why nothing enters, for a
        degenerate path).
    title : str, default=None
        The path's name in the title (``"Lasso path"`` when None).
    fitted_coef : ndarray of shape (n_features,), default=None
        The fit's ``coef_`` at the last alpha: the top axis's last count is
        its number of nonzero coefficients (as the report's), which can
        differ from the exact path's by a coefficient within the solver's
        tolerance of zero.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One coefficient curve per feature nonzero somewhere on the path (in
        column order); the others lie on the zero line.
    alpha_line_ : matplotlib Line2D
        The vertical line at the path's last alpha: the fitted alpha of an
        estimator's explanation.
    nonzeros_axis_ : matplotlib Axes
        The top axis: the number of nonzero coefficients along the path.
    markers_ : list of matplotlib Line2D
        Event markers, one per event shown.
    texts_ : list of matplotlib Text
        Feature names written at their entries.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    KKTDisplay : Correlations with the residual against the penalties.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import explain_lasso_path
    >>> from skreg.plotting import PathDisplay
    >>> data = load_diabetes(as_frame=True)
    >>> explanation = explain_lasso_path(data.data, data.target)
    >>> display = PathDisplay.from_explanation(explanation)
    """

    def __init__(
        self,
        *,
        alphas,
        coef_path,
        events,
        event_features,
        feature_names,
        message=None,
        title=None,
        fitted_coef=None,
    ):
        self.alphas = alphas
        self.coef_path = coef_path
        self.events = events
        self.event_features = event_features
        self.feature_names = feature_names
        self.message = message
        self.title = title
        self.fitted_coef = fitted_coef

    @classmethod
    def from_explanation(cls, explanation, *, ax=None, **kwargs):
        """Plot the path of a :class:`~skreg.PathExplanation`.

        Parameters
        ----------
        explanation : PathExplanation
        ax : matplotlib Axes, default=None
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : PathDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_explanation")
        display = cls(
            alphas=explanation.alphas_,
            coef_path=explanation.coef_path,
            events=explanation.events,
            event_features=list(explanation._event_indices),
            feature_names=_labels(explanation),
            message=getattr(explanation, "degenerate", None),
            title=_path_name(explanation),
            fitted_coef=getattr(explanation, "fitted_coef", None),
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, label_events=True, max_labels=10):
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        label_events : bool, default=True
            Write feature names at their first entries and at the right end.
        max_labels : int, default=10
            At most this many names at the entries (the earliest, i.e. the
            strongest features, first) and at the right end (the largest
            coefficients at the path's last alpha). A name that would overlap
            one already written, or leave the axes, is left out.

        Returns
        -------
        self : PathDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 5.5))
        shown = _positive_part(self.alphas)
        alphas, coefs = self.alphas[shown], self.coef_path[:, shown]
        colors = _feature_colors(coefs.shape[0])
        width = _line_width(coefs.shape[0])
        # A coefficient zero along the whole path lies on the zero line: not
        # drawn, which keeps thousands of features quick to draw.
        self.lines_ = [
            ax.plot(alphas, coefs[j], color=colors[j], linewidth=width)[0]
            for j in np.flatnonzero(np.any(coefs != 0, axis=1))
        ]
        ax.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
        self.markers_ = []
        entries = []
        for event, j in zip(self.events, self.event_features):
            if event.alpha <= 0:
                continue
            entering = event.event == "enter"
            self.markers_.append(
                ax.plot(
                    event.alpha,
                    0.0,
                    "o" if entering else "X",
                    color=colors[j],
                    markersize=7 if entering else 9,
                    markeredgecolor="black",
                    markeredgewidth=0.6,
                    zorder=3,
                )[0]
            )
            if entering and j not in {k for _, k in entries}:
                entries.append((event.alpha, j))
        ax.set_xscale("log")
        if alphas.size:
            # strong penalty on the left; room on the right for the end names
            high, low = alphas.max() * 1.6, alphas.min()
            ax.set_xlim(high, low / (high / low) ** 0.2)
        ax.set_xlabel("alpha (log scale; the penalty weakens to the right)")
        ax.set_ylabel("coefficient")
        ax.set_ylim(ax.get_ylim())  # fixed before names are placed by extent
        self.texts_ = []
        if label_events and alphas.size:
            labels = _Labels(ax)
            for alpha, j in entries[:max_labels]:
                self.texts_ += labels.place(
                    lambda dy, a=alpha, j=j: self._entry_name(ax, a, j, colors[j], dy),
                    _ENTRY_OFFSETS,
                )
            self.texts_ += self._end_names(
                ax, labels, alphas.min(), coefs[:, -1], colors, max_labels
            )
        fitted = alphas.min() if alphas.size else np.nan
        self.alpha_line_ = ax.axvline(
            fitted, color="0.3", linestyle=":", linewidth=1.0, zorder=1
        )
        counts = np.count_nonzero(coefs, axis=0)
        if self.fitted_coef is not None and counts.size:
            counts[-1] = np.count_nonzero(self.fitted_coef)
        self.nonzeros_axis_ = _nonzeros_axis(ax, alphas, counts)
        name = self.title or "Lasso path"
        ax.set_title(
            f"{name}: ● a feature enters, ✕ it leaves; dotted: alpha = {fitted:.3g}"
        )
        self.message_ = _say(ax, self.message)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _end_names(self, ax, labels, x, ends, colors, max_labels):
        # The largest coefficients at the last alpha, named beside the end of
        # their curves, nudged up or down when the place is taken.
        nonzero = np.flatnonzero(ends)
        strongest = nonzero[np.argsort(-np.abs(ends[nonzero]), kind="stable")]
        texts = []
        for j in strongest[:max_labels]:
            texts += labels.place(
                lambda dy, j=j: ax.annotate(
                    self.feature_names[j],
                    xy=(x, ends[j]),
                    xytext=(5, dy),
                    textcoords="offset points",
                    va="center",
                    fontsize=8,
                    color=colors[j],
                ),
                _END_OFFSETS,
            )
        return texts

    def _entry_name(self, ax, alpha, j, color, dy):
        return ax.annotate(
            self.feature_names[j],
            xy=(alpha, 0.0),
            xytext=(0, dy),
            textcoords="offset points",
            ha="center",
            va="bottom" if dy > 0 else "top",
            fontsize=9,
            color=color,
            fontweight="bold",
            arrowprops={"arrowstyle": "-", "color": color, "linewidth": 0.6},
        )


def _path_name(explanation):
    """``"Lasso path"``, or the elastic net's with its ``l1_ratio``."""
    l1_ratio = getattr(explanation, "l1_ratio", 1.0)
    if l1_ratio < 1.0:
        return f"Elastic-net path (l1_ratio = {l1_ratio:g})"
    return "Lasso path"


def _nonzeros_axis(ax, alphas, counts):
    """A top axis giving the number of nonzero coefficients, as glmnet's plot.

    Ticks at alphas of the path at least a tenth of the axis apart (the
    last alpha, the fit's, always).
    """
    top = ax.twiny()
    top.set_xscale("log")
    top.set_xlim(ax.get_xlim())
    if alphas.size:
        picks = _spread_out(np.log(alphas))
        top.set_xticks(alphas[picks])
        top.set_xticklabels([str(counts[k]) for k in picks])
        top.minorticks_off()
    top.set_xlabel("nonzero coefficients", fontsize=9)
    return top


def _spread_out(positions, share=0.1):
    """Indices of ``positions`` (decreasing) kept at least ``share`` of their
    range apart, the last one always kept."""
    gap = share * (positions.max() - positions.min())
    kept = [positions.size - 1]
    for k in range(positions.size - 2, -1, -1):
        if positions[k] - positions[kept[-1]] >= gap:
            kept.append(k)
    return np.array(sorted(kept))
