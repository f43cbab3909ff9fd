"""The ridge path and its principal directions (skreg.plotting.RidgePathDisplay)."""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support

# Features named at most when there are more than this many; up to it, all.
_MAX_LABELS = 8
_ALL_LABELS_UP_TO = 10
# Directions drawn in the lower panel at most (evenly chosen over d_k).
_MAX_DIRECTIONS = 40


class RidgePathDisplay:
    """Coefficients along the ridge path, and what alpha keeps of each direction.

    The upper panel draws every coefficient against alpha on a log axis, from
    the strongest penalty (left) to the weakest (right), with the fitted alpha
    dotted and the effective degrees of freedom on the top axis: every curve
    tends to 0 on the left, none reaches it. Only the largest coefficients at
    the fitted alpha are coloured and named (all of them up to 10 features),
    the others are drawn in grey. The lower panel draws, for each principal
    direction :math:`k`, the kept fraction :math:`d_k^2 / (d_k^2 + \\alpha)`:
    directions of small :math:`d_k` are shrunk first. Build it with
    :meth:`from_estimator` or :meth:`from_explanation`.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        Decreasing penalty strengths.
    coef_path : ndarray of shape (n_features, n_alphas)
        Coefficients at ``alphas``.
    alpha : float
        The fitted alpha.
    feature_names : list of str
        One label per feature.
    singular_values : ndarray of shape (n_directions,)
        :math:`d_k` of the (rescaled, projected) design.
    n_unpenalized : int, default=0
        Directions of the unpenalized features, counted in the degrees of
        freedom.
    penalty_factor : ndarray of shape (n_features,), default=None
        The fit's factors: unpenalized features (``pf = 0``), which do not
        tend to 0, are drawn dashed and named with ``(pf = 0)``.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One coefficient curve per feature.
    texts_ : list of matplotlib Text
        The names of the labelled features, at the right edge.
    alpha_line_ : matplotlib Line2D
        The dotted vertical line at the fitted alpha (upper panel).
    dof_axis_ : matplotlib Axes
        The top axis: effective degrees of freedom along the path.
    kept_lines_ : list of matplotlib Line2D
        One kept-fraction curve per drawn direction (empty without the lower
        panel).
    kept_ax_ : matplotlib Axes or None
        The lower panel.
    ax_ : matplotlib Axes
        The upper panel.
    figure_ : matplotlib Figure

    See Also
    --------
    PathDisplay : The lasso's path, with its events.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import Ridge
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> model = Ridge(alpha=0.1, explain=True).fit(X, y)
    >>> display = model.explanation_.plot()  # RidgePathDisplay.from_estimator(model)
    >>> len(display.lines_), len(display.kept_lines_)
    (10, 10)
    """

    def __init__(
        self,
        *,
        alphas,
        coef_path,
        alpha,
        feature_names,
        singular_values,
        n_unpenalized=0,
        penalty_factor=None,
    ):
        self.alphas = alphas
        self.coef_path = coef_path
        self.alpha = alpha
        self.feature_names = feature_names
        self.singular_values = singular_values
        self.n_unpenalized = n_unpenalized
        self.penalty_factor = penalty_factor

    @classmethod
    def from_explanation(cls, explanation, *, ax=None, **kwargs):
        """Plot a ``RidgeExplanation``.

        Parameters
        ----------
        explanation : RidgeExplanation
        ax : matplotlib Axes, default=None
            Axes for the coefficient paths; a new figure of two panels when
            None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : RidgePathDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_explanation")
        display = cls(
            alphas=explanation.alphas,
            coef_path=explanation.coef_path,
            alpha=explanation.alpha,
            feature_names=list(explanation.feature_names),
            singular_values=explanation.singular_values,
            n_unpenalized=explanation._rank_unpenalized,
            penalty_factor=explanation.penalty_factor,
        )
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Plot a ``Ridge`` or ``RidgeCV`` fitted with ``explain=True``.

        Parameters
        ----------
        estimator : fitted Ridge, RidgeCV or Pipeline
            Fitted with ``explain=True``; a Pipeline's last step is used.
        ax : matplotlib Axes, default=None
            Axes for the coefficient paths; a new figure of two panels when
            None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : RidgePathDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        explanation = getattr(estimator, "explanation_", None)
        if explanation is None or not hasattr(explanation, "kept_fraction"):
            raise ValueError(
                f"{type(estimator).__name__} has no ridge explanation_: fit a "
                "skreg Ridge or RidgeCV with explain=True to plot its path."
            )
        return cls.from_explanation(explanation, ax=ax, **kwargs)

    def plot(self, ax=None, *, kept_ax=None, n_labels=None):
        """Draw the paths and, on a second axes, the kept fractions.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes for the coefficient paths. When None, a new figure with both
            panels; when given, the kept fractions are drawn only on
            ``kept_ax``.
        kept_ax : matplotlib Axes, default=None
            Axes for the kept fraction of each direction.
        n_labels : int, default=None
            How many of the largest coefficients (at the fitted alpha) to
            colour and name; None: all up to 10 features, else 8.

        Returns
        -------
        self : RidgePathDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            figure, (ax, kept_ax) = plt.subplots(
                2, 1, figsize=(9, 7.5), sharex=True, height_ratios=(3, 1.7)
            )
            figure.subplots_adjust(hspace=0.08, right=0.86, top=0.88)
        self._draw_paths(ax, n_labels)
        self.kept_lines_, self.kept_ax_ = [], kept_ax
        if kept_ax is not None:
            self._draw_kept(kept_ax)
        else:
            ax.set_xlabel("alpha (log scale; the penalty weakens to the right)")
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _draw_paths(self, ax, n_labels):
        n_features = self.coef_path.shape[0]
        if n_labels is None:
            n_labels = n_features if n_features <= _ALL_LABELS_UP_TO else _MAX_LABELS
        at_fit = self.coef_path[:, int(np.argmin(np.abs(self.alphas - self.alpha)))]
        labelled = np.argsort(-np.abs(at_fit), kind="stable")[:n_labels]
        labelled = labelled[np.abs(at_fit[labelled]) > 0]
        import matplotlib as mpl

        # tab10 without its grey (the colour of the unlabelled lines), then black
        palette = [mpl.colormaps["tab10"](i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)]
        palette.append("black")
        colors = {j: palette[rank % 10] for rank, j in enumerate(labelled)}
        unpenalized = np.zeros(n_features, dtype=bool)
        if self.penalty_factor is not None:
            unpenalized = np.asarray(self.penalty_factor) == 0
        names = [
            f"{name} (pf = 0)" if free else name
            for name, free in zip(self.feature_names, unpenalized)
        ]
        self.lines_ = []
        for j in range(n_features):
            strong = j in colors
            (line,) = ax.plot(
                self.alphas,
                self.coef_path[j],
                color=colors.get(j, "0.72"),
                linewidth=1.7 if strong else 0.7,
                linestyle="--" if unpenalized[j] else "-",
                alpha=1.0 if strong else 0.7,
                zorder=3 if strong else 2,
            )
            self.lines_.append(line)
        ax.axhline(0.0, color="0.4", linewidth=0.8, zorder=1)
        ax.set_xscale("log")
        left, right = self.alphas.max() * 1.3, self.alphas.min() / 1.3
        ax.set_xlim(left, right)  # strong penalty on the left
        self.alpha_line_ = ax.axvline(
            self.alpha, color="0.2", linestyle=":", linewidth=1.2, zorder=4
        )
        ax.set_ylabel("coefficient")
        self.texts_ = _label_ends(
            ax, right, self.coef_path[:, -1], labelled, names, colors
        )
        self.dof_axis_ = self._dof_axis(ax)
        grey = n_features - len(labelled)
        ax.set_title(
            "Ridge path: every coefficient shrinks toward 0, none is exactly 0\n"
            f"dotted: fitted alpha = {self.alpha:.3g}"
            + (f"; {grey} smaller coefficients in grey" if grey else ""),
            fontsize=11,
        )

    def _dof_axis(self, ax):
        """A top axis giving the degrees of freedom, at round values."""
        top = ax.twiny()
        top.set_xscale("log")
        top.set_xlim(ax.get_xlim())
        d2 = self.singular_values**2
        dof = self.n_unpenalized + (d2 / (d2 + self.alphas[:, None])).sum(axis=1)
        if d2.size:
            low, high = dof.min(), dof.max()
            step = _nice_step((high - low) / 7)
            targets = np.arange(np.ceil(low / step), np.floor(high / step) + 1) * step
            # dof increases as alpha decreases: interpolate alpha in log
            ticks = np.exp(np.interp(targets, dof, np.log(self.alphas)))
            top.set_xticks(ticks)
            top.set_xticklabels([f"{t:g}" for t in targets])
        top.minorticks_off()
        top.set_xlabel("effective degrees of freedom", fontsize=9)
        return top

    def _draw_kept(self, ax):
        import matplotlib as mpl

        d = self.singular_values
        drawn = np.unique(np.linspace(0, d.size - 1, min(d.size, _MAX_DIRECTIONS)))
        drawn = drawn.astype(int) if d.size else np.zeros(0, dtype=int)
        cmap = mpl.colormaps["viridis"]
        for rank, k in enumerate(drawn):
            kept = d[k] ** 2 / (d[k] ** 2 + self.alphas)
            shade = rank / max(drawn.size - 1, 1)
            label = None
            if k == drawn[0] or k == drawn[-1]:
                label = f"direction {k + 1}, d = {d[k]:.3g}"
            (line,) = ax.plot(
                self.alphas, kept, color=cmap(0.9 * shade), linewidth=1.1, label=label
            )
            self.kept_lines_.append(line)
        self.kept_alpha_line_ = ax.axvline(
            self.alpha, color="0.2", linestyle=":", linewidth=1.2
        )
        ax.set_xscale("log")
        ax.set_ylim(-0.03, 1.03)
        ax.set_ylabel("kept fraction\nd_k² / (d_k² + alpha)")
        ax.set_xlabel("alpha (log scale; the penalty weakens to the right)")
        if self.kept_lines_:
            more = d.size - drawn.size
            title = f"{d.size} principal directions" + (
                f" ({drawn.size} drawn)" if more else ""
            )
            ax.legend(fontsize=8, loc="upper left", title=title, title_fontsize=8)


def _nice_step(size):
    """The smallest of 1, 2, 5, 10, 20, 50, ... at least ``size``."""
    for magnitude in 10.0 ** np.arange(0, 7):
        for base in (1, 2, 5):
            if base * magnitude >= size:
                return base * magnitude
    return 10.0**7


def _label_ends(ax, x, ends, labelled, names, colors):
    """Names beside the right edge, pushed apart to 4% of the height at least."""
    order = labelled[np.argsort(ends[labelled])]
    gap = 0.045 * np.ptp(ax.get_ylim())
    positions = np.array(ends[order], dtype=float)
    for i in range(1, positions.size):
        positions[i] = max(positions[i], positions[i - 1] + gap)
    return [
        ax.annotate(
            names[j],
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
