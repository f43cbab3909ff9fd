"""What the Displays share: a feature's colour, names written without overlap,
the explanation of an estimator or Pipeline, a verdict across the axes.
"""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support


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


# Vertical offsets (points) tried in turn for a name, nearest first.
_ENTRY_OFFSETS = (12, -12, 24, -24, 36, -36)


_END_OFFSETS = (0, 7, -7, 14, -14)


class _Labels:
    """Names written on an axes without overlapping each other or its edges.

    ``place(make, offsets)`` calls ``make(offset)`` for each offset in turn
    and keeps the first annotation whose box lies inside the axes and clear
    of every name kept so far; none is kept if no offset works. The axes'
    limits must be final (boxes are measured in display space).
    """

    def __init__(self, ax):
        self.renderer = ax.figure.canvas.get_renderer()
        self.frame = ax.get_window_extent(self.renderer)
        self.boxes = []

    def place(self, make, offsets):
        for offset in offsets:
            text = make(offset)
            box = text.get_window_extent(self.renderer).expanded(1.05, 1.1)
            inside = (
                box.x0 >= self.frame.x0
                and box.x1 <= self.frame.x1
                and box.y0 >= self.frame.y0
                and box.y1 <= self.frame.y1
            )
            if inside and not any(box.overlaps(kept) for kept in self.boxes):
                self.boxes.append(box)
                return [text]
            text.remove()
        return []


def _line_width(n_lines):
    """Thinner curves when there are many, so that they stay distinct."""
    return 1.6 if n_lines <= 20 else (1.0 if n_lines <= 60 else 0.6)
