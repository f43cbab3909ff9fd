"""Displays of the lasso path, of the KKT conditions that shape it, and of CV.

They follow scikit-learn's Display pattern: ``__init__`` stores the data,
``plot(ax=None, ...)`` draws and sets ``ax_`` and ``figure_``, and the class
methods ``from_explanation`` and ``from_estimator`` build the display from a
:class:`~skreg.PathExplanation` (:class:`CVDisplay`: from a fitted CV
estimator). matplotlib is imported only when drawing.
"""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._plot_cv import CVDisplay

__all__ = ["CVDisplay", "KKTDisplay", "PathDisplay"]

# Points per segment between consecutive knots: the correlations are linear in
# alpha there, but the log axes bend them.
_POINTS_PER_SEGMENT = 12


def _feature_colors(n_features):
    """One colour per feature, the same in every display."""
    import matplotlib as mpl

    palette = mpl.colormaps["tab10" if n_features <= 10 else "tab20"]
    return [palette(j % palette.N) for j in range(n_features)]


def _explanation_of(estimator):
    # a fitted Pipeline: the explanation of its last step
    if hasattr(estimator, "steps"):
        estimator = estimator.steps[-1][1]
    explanation = getattr(estimator, "explanation_", None)
    if explanation is None:
        raise ValueError(
            f"{type(estimator).__name__} has no explanation_: fit it with "
            "explain=True (Lasso, ElasticNet, AdaptiveLasso or their CV "
            "versions) to plot its path."
        )
    return explanation


def _labels(explanation):
    return [explanation.label(j) for j in range(explanation.coef_path.shape[0])]


def _positive_part(alphas):
    """Mask of the alphas a log axis can show (alpha = 0 cannot)."""
    return np.asarray(alphas) > 0


class _ExplanationDisplay:
    """``from_estimator`` shared by the displays drawn from an explanation."""

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Plot from an estimator fitted with ``explain=True``.

        Parameters
        ----------
        estimator : fitted skreg estimator or Pipeline
            Fitted with ``explain=True`` (it has ``explanation_``); a
            Pipeline's last step is used.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : the display class
            The display, drawn.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        return cls.from_explanation(_explanation_of(estimator), ax=ax, **kwargs)


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

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One coefficient curve per feature.
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
    ):
        self.alphas = alphas
        self.coef_path = coef_path
        self.events = events
        self.event_features = event_features
        self.feature_names = feature_names
        self.message = message
        self.title = title

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
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, label_events=True):
        """Draw the path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        label_events : bool, default=True
            Write each feature's name at its first entry.

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
        self.lines_ = [
            ax.plot(alphas, coefs[j], color=colors[j], linewidth=1.6)[0]
            for j in range(coefs.shape[0])
        ]
        ax.axhline(0.0, color="0.6", linewidth=0.8, zorder=0)
        self.markers_, self.texts_ = [], []
        labelled = set()
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
            if label_events and entering and j not in labelled:
                labelled.add(j)
                self.texts_.append(self._label_entry(ax, event.alpha, j, colors[j]))
        ax.set_xscale("log")
        ax.set_xlim(alphas.max() * 1.6, alphas.min() / 1.6)  # strong penalty left
        self.texts_ += self._label_ends(ax, alphas.min() / 1.6, coefs[:, -1], colors)
        ax.set_xlabel("alpha (log scale; the penalty weakens to the right)")
        ax.set_ylabel("coefficient")
        self.alpha_line_ = ax.axvline(
            alphas.min(), color="0.3", linestyle=":", linewidth=1.0, zorder=1
        )
        self.nonzeros_axis_ = _nonzeros_axis(ax, alphas, coefs)
        name = self.title or "Lasso path"
        ax.set_title(
            f"{name}: ● a feature enters, ✕ it leaves; "
            f"dotted: alpha = {alphas.min():.3g}"
        )
        self.message_ = _say(ax, self.message)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _label_ends(self, ax, x, ends, colors):
        # Names beside the right edge, pushed apart to at least 4% of the range.
        nonzero = np.flatnonzero(ends)
        order = nonzero[np.argsort(ends[nonzero])]
        gap = 0.04 * np.ptp(ax.get_ylim())
        positions = np.array(ends[order], dtype=float)
        for i in range(1, positions.size):
            positions[i] = max(positions[i], positions[i - 1] + gap)
        return [
            ax.annotate(
                self.feature_names[j],
                xy=(x, y),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=colors[j],
                annotation_clip=False,
            )
            for j, y in zip(order, positions)
        ]

    def _label_entry(self, ax, alpha, j, color):
        # Alternate above and below the zero line, stepping outwards, so that
        # names of features entering at nearby alphas do not sit on each other.
        order = len(self.texts_)
        offset = (14 + 11 * (order // 2 % 3)) * (1 if order % 2 == 0 else -1)
        return ax.annotate(
            self.feature_names[j],
            xy=(alpha, 0.0),
            xytext=(0, offset),
            textcoords="offset points",
            ha="center",
            va="bottom" if offset > 0 else "top",
            fontsize=9,
            color=color,
            fontweight="bold",
            arrowprops={"arrowstyle": "-", "color": color, "linewidth": 0.6},
        )


class KKTDisplay(_ExplanationDisplay):
    """Each feature's correlation with the residual against its penalty.

    The picture of the KKT conditions: on log axes, each feature's
    ``|x_j' r(alpha)| / n`` is drawn against alpha together with its penalty
    line ``alpha * pf_j``. An active feature rides its line (drawn thick); an
    inactive one stays under it (drawn thin) and enters where it touches it.

    Parameters
    ----------
    alphas : ndarray of shape (n_points,)
        Positive, decreasing alphas at which the correlations are given.
    correlations : ndarray of shape (n_features, n_points)
        ``x_j' r(alpha) / n`` (signed; plotted in absolute value).
    active : ndarray of bool of shape (n_features, n_points)
        Whether each coefficient is nonzero at each alpha.
    penalty_factor : ndarray of shape (n_features,)
        ``pf_j``; features with 0 (their correlation is 0) or inf are not drawn.
    feature_names : list of str
        One label per feature.
    entries : list of (float, int), default=()
        ``(alpha, feature index)`` of each entry, marked on the penalty line.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        Correlation curves (thin: inactive part, thick: active part).
    penalty_lines_ : list of matplotlib Line2D
        One dashed line per distinct penalty factor.
    markers_ : list of matplotlib Line2D
        Entry points on the penalty lines.
    texts_ : list of matplotlib Text
        Names of the entering features.
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

    def plot(self, ax=None, *, legend=True):
        """Draw the correlations and the penalty lines.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        legend : bool, default=True
            Show a legend of the features and penalty lines.

        Returns
        -------
        self : KKTDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 5.5))
        colors = _feature_colors(len(self.feature_names))
        magnitudes = np.abs(self.correlations)
        drawn = np.isfinite(self.penalty_factor) & (self.penalty_factor > 0)
        self.lines_ = []
        for j in np.flatnonzero(drawn):
            # Zero cannot be shown on a log axis: leave a gap there.
            curve = np.where(magnitudes[j] > 0, magnitudes[j], np.nan)
            inactive = np.where(self.active[j], np.nan, curve)
            riding = np.where(_with_ends(self.active[j]), curve, np.nan)
            self.lines_.append(
                ax.plot(
                    self.alphas, inactive, color=colors[j], linewidth=1.1, alpha=0.8
                )[0]
            )
            self.lines_.append(
                ax.plot(
                    self.alphas,
                    riding,
                    color=colors[j],
                    linewidth=2.6,
                    label=self.feature_names[j],
                )[0]
            )
        self.penalty_lines_ = [
            ax.plot(
                self.alphas,
                self.alphas * factor,
                linestyle="--",
                color="black",
                linewidth=1.0,
                label=f"penalty alpha * pf (pf = {factor:g})",
            )[0]
            for factor in np.unique(self.penalty_factor[drawn])
        ]
        self.markers_, self.texts_ = [], []
        for number, (alpha, j) in enumerate(self.entries):
            height = alpha * self.penalty_factor[j]
            self.markers_.append(
                ax.plot(
                    alpha,
                    height,
                    "o",
                    color=colors[j],
                    markeredgecolor="black",
                    markeredgewidth=0.6,
                    zorder=3,
                )[0]
            )
            # Above the line for even entries, below it for odd ones.
            below = number % 2
            self.texts_.append(
                ax.annotate(
                    self.feature_names[j],
                    xy=(alpha, height),
                    xytext=(6, -12) if below else (-6, 8),
                    textcoords="offset points",
                    ha="left" if below else "right",
                    fontsize=9,
                    fontweight="bold",
                    color=colors[j],
                )
            )
        ax.set_xscale("log")
        ax.set_yscale("log")
        if self.alphas.size:
            ax.set_xlim(self.alphas.max() * 1.3, self.alphas.min() / 1.3)
        if self.alphas.size and drawn.any():
            floor = np.nanmin(self.alphas * self.penalty_factor[drawn].min()) / 30
            ax.set_ylim(bottom=floor)
        elif self.message is None:
            self.message = "No penalized feature: there is no KKT condition to draw."
        ax.set_xlabel("alpha (log scale; the penalty weakens to the right)")
        ax.set_ylabel("|x_j' r| / n  (correlation with the residual)")
        ax.set_title(
            "KKT conditions: a feature is in the model (thick) exactly when its\n"
            "correlation with the residual reaches its penalty (dashed)"
        )
        if legend and self.lines_:
            ax.legend(fontsize=8, ncol=2, loc="lower left", framealpha=0.9)
        self.message_ = _say(ax, self.message)
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _path_name(explanation):
    """``"Lasso path"``, or the elastic net's with its ``l1_ratio``."""
    l1_ratio = getattr(explanation, "l1_ratio", 1.0)
    if l1_ratio < 1.0:
        return f"Elastic-net path (l1_ratio = {l1_ratio:g})"
    return "Lasso path"


def _nonzeros_axis(ax, alphas, coefs):
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
        top.set_xticklabels([str(np.count_nonzero(coefs[:, k])) for k in picks])
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


def _say(ax, message):
    """Write ``message`` across the middle of ``ax`` (the figure's verdict when
    there is no path to show); returns the Text, or None."""
    if not message:
        return None
    import textwrap

    return ax.text(
        0.5,
        0.5,
        textwrap.fill(message, 60),
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=10,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"},
    )


def _dense_alpha_grid(knots):
    """Positive knots with points spread evenly (in log) inside each segment."""
    knots = knots[_positive_part(knots)]
    if knots.size < 2:
        return knots
    fractions = np.linspace(0.0, 1.0, _POINTS_PER_SEGMENT, endpoint=False)
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
