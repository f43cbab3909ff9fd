"""The stability path of a StabilitySelection (shown as
skreg.plotting.StabilityDisplay)."""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._plot_common import _feature_colors, _Labels

# Kept features often share a probability of 1 at the right end: their names
# are stacked, nearest first.
_NAME_OFFSETS = (0,) + tuple(s * 8 * k for k in range(1, 13) for s in (-1, 1))


class StabilityDisplay:
    """Selection probabilities along the region of alphas: the stability path.

    Each feature's selection probability (the fraction of subsamples whose
    path selects it) against alpha on a log axis, strongest penalty on the
    left; the threshold as a dashed line. The kept features are drawn in
    colour and named at the right end (``max_labels`` at most, the most
    stable first, never overlapping); the others thin and grey. Build it
    with :meth:`from_estimator`.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The region of alphas, decreasing.
    probabilities : ndarray of shape (n_features, n_alphas)
        Selection probability of each feature at each alpha.
    support : ndarray of bool of shape (n_features,)
        The kept features.
    threshold : float
        The selection threshold.
    feature_names : list of str
        One label per feature.
    bound : float, default=None
        The bound on the expected number of false selections, in the title.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One curve per kept feature, most stable first.
    others_ : matplotlib LineCollection
        The curves of the features not kept, in one artist.
    threshold_line_ : matplotlib Line2D
        The dashed line at ``threshold``.
    texts_ : list of matplotlib Text
        Names of kept features.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skreg import StabilitySelection
    >>> from skreg.plotting import StabilityDisplay
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(100, 20)
    >>> y = X[:, 0] - X[:, 1] + rng.randn(100)
    >>> selector = StabilitySelection(n_resamples=20, random_state=0).fit(X, y)
    >>> display = StabilityDisplay.from_estimator(selector)
    >>> [text.get_text() for text in display.texts_]
    ['x0', 'x1']
    """

    def __init__(
        self, *, alphas, probabilities, support, threshold, feature_names, bound=None
    ):
        self.alphas = alphas
        self.probabilities = probabilities
        self.support = support
        self.threshold = threshold
        self.feature_names = feature_names
        self.bound = bound

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Plot the stability path of a fitted StabilitySelection.

        Parameters
        ----------
        estimator : fitted StabilitySelection or Pipeline
            A Pipeline's step that is a StabilitySelection is used.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : StabilityDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if hasattr(estimator, "steps"):
            steps = [s for _, s in estimator.steps if hasattr(s, "stability_scores_")]
            estimator = steps[0] if steps else estimator
        if not hasattr(estimator, "selection_probabilities_"):
            raise ValueError(
                f"{type(estimator).__name__} has no stability path: pass a fitted "
                "StabilitySelection (or a Pipeline holding one)."
            )
        names = getattr(estimator, "feature_names_in_", None)
        n_features = estimator.selection_probabilities_.shape[0]
        display = cls(
            alphas=estimator.alphas_,
            probabilities=estimator.selection_probabilities_,
            support=estimator.support_,
            threshold=estimator.threshold,
            feature_names=(
                [str(n) for n in names]
                if names is not None
                else [f"x{j}" for j in range(n_features)]
            ),
            bound=estimator.false_selection_bound_,
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, max_labels=12):
        """Draw the stability path.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        max_labels : int, default=12
            At most this many kept features are named, the most stable first.

        Returns
        -------
        self : StabilityDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt
        from matplotlib.collections import LineCollection

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 5.5))
        alphas, probabilities = self.alphas, self.probabilities
        scores = probabilities.max(axis=1) if alphas.size else np.zeros(0)
        kept = np.flatnonzero(self.support)
        kept = kept[np.argsort(-scores[kept], kind="stable")]
        others = np.flatnonzero(~self.support)
        self.others_ = LineCollection(
            [np.column_stack([alphas, probabilities[j]]) for j in others],
            colors="0.65",
            linewidths=0.7,
            alpha=0.7,
        )
        ax.add_collection(self.others_)
        colors = _feature_colors(max(kept.size, 1))
        self.lines_ = [
            ax.plot(alphas, probabilities[j], color=colors[k], linewidth=2.0)[0]
            for k, j in enumerate(kept)
        ]
        self.threshold_line_ = ax.axhline(
            self.threshold, color="black", linestyle="--", linewidth=1.0
        )
        ax.set_xscale("log")
        if alphas.size:
            high, low = alphas.max() * 1.1, alphas.min()
            ratio = max(high / low, 1.5)
            ax.set_xlim(high, low / ratio**0.25)  # room on the right for names
        ax.set_ylim(-0.02, 1.05)
        ax.set_xlabel("alpha (log scale; the penalty weakens to the right)")
        ax.set_ylabel("selection probability (share of subsamples)")
        bound = "" if self.bound is None else f"; E[false] <= {self.bound:.2g}"
        ax.set_title(
            f"Stability path: {kept.size} features reach the threshold "
            f"{self.threshold:g} (dashed){bound}"
        )
        self.texts_ = []
        if alphas.size:
            labels = _Labels(ax)
            for k, j in enumerate(kept[:max_labels]):
                self.texts_ += labels.place(
                    lambda dy, j=j, k=k: ax.annotate(
                        self.feature_names[j],
                        xy=(alphas[-1], probabilities[j, -1]),
                        xytext=(5, dy),
                        textcoords="offset points",
                        va="center",
                        fontsize=8,
                        color=colors[k],
                    ),
                    _NAME_OFFSETS,
                )
        self.ax_, self.figure_ = ax, ax.figure
        return self
