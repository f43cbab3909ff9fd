"""The cross-validation curve of a CV estimator (shown as skreg.plotting.CVDisplay)."""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support


class CVDisplay:
    """Cross-validation error along the alpha grid, with the chosen alpha.

    The mean test error over the folds at each alpha, a band of one standard
    deviation over the folds around it, a vertical line at ``alpha_`` and,
    for the one-standard-error rule, a line at ``alpha_1se_`` and the level it
    is read at (the minimum plus one standard error).
    For an estimator with several grids (``ElasticNetCV`` with several
    ``l1_ratio``, ``AdaptiveLassoCV`` with several ``gammas``) the curve is
    that of the chosen grid. Build it with :meth:`from_estimator`.

    Parameters
    ----------
    alphas : ndarray of shape (n_alphas,)
        The alpha grid.
    mse_path : ndarray of shape (n_alphas, n_folds)
        Test mean squared error of each fold at each alpha.
    alpha : float
        The alpha chosen by cross-validation.
    label : str, default=None
        What the grid is, e.g. ``"l1_ratio = 0.9"``; in the title.
    alpha_1se : float, default=None
        The alpha of the one-standard-error rule; not drawn when None.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The mean error.
    band_ : matplotlib PolyCollection
        Mean plus and minus one standard deviation over the folds.
    alpha_line_ : matplotlib Line2D
        The vertical line at the chosen alpha.
    alpha_1se_line_ : matplotlib Line2D or None
        The vertical line at ``alpha_1se``.
    threshold_line_ : matplotlib Line2D or None
        The level of the one-standard-error rule: the smallest mean error
        plus its standard error (``std / sqrt(n_folds)``).
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    """

    def __init__(self, *, alphas, mse_path, alpha, label=None, alpha_1se=None):
        self.alphas = alphas
        self.mse_path = mse_path
        self.alpha = alpha
        self.label = label
        self.alpha_1se = alpha_1se

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Plot the CV curve of a fitted ``LassoCV``, ``ElasticNetCV`` or
        ``AdaptiveLassoCV`` (or of a Pipeline ending in one).

        Parameters
        ----------
        estimator : fitted CV estimator or Pipeline
            It has ``mse_path_``, ``alphas_`` and ``alpha_``.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : CVDisplay
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        if not all(hasattr(estimator, a) for a in ("mse_path_", "alphas_", "alpha_")):
            raise ValueError(
                f"{type(estimator).__name__} has no cross-validation curve: pass a "
                "fitted LassoCV, ElasticNetCV or AdaptiveLassoCV."
            )
        mse = np.asarray(estimator.mse_path_, dtype=np.float64)
        alphas = np.asarray(estimator.alphas_, dtype=np.float64)
        label = None
        alpha_1se = getattr(estimator, "alpha_1se_", None)
        if mse.ndim == 3:
            # the chosen grid: the one holding the smallest mean error
            chosen = int(np.argmin(mse.mean(axis=2).min(axis=1)))
            mse = mse[chosen]
            alphas = alphas[chosen] if alphas.ndim == 2 else alphas
            if alpha_1se is not None:
                alpha_1se = np.atleast_1d(alpha_1se)[chosen]
            for name in ("l1_ratio_", "gamma_"):
                if hasattr(estimator, name):
                    label = f"{name[:-1]} = {getattr(estimator, name):g}"
        display = cls(
            alphas=alphas,
            mse_path=mse,
            alpha=float(estimator.alpha_),
            label=label,
            alpha_1se=None if alpha_1se is None else float(alpha_1se),
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None):
        """Draw the curve, its band and the chosen alpha.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        self : CVDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 5))
        shown = self.alphas > 0  # alpha = 0 has no place on a log axis
        alphas = self.alphas[shown]
        mean = self.mse_path[shown].mean(axis=1)
        spread = self.mse_path[shown].std(axis=1)
        (self.line_,) = ax.plot(alphas, mean, color="C0", linewidth=1.8,
                                label="mean over folds")  # fmt: skip
        self.band_ = ax.fill_between(
            alphas, mean - spread, mean + spread, color="C0", alpha=0.2,
            label="± one standard deviation over folds",
        )  # fmt: skip
        self.alpha_line_ = ax.axvline(
            self.alpha, color="black", linestyle="--", linewidth=1.0,
            label=f"chosen alpha_ = {self.alpha:.4g}",
        )  # fmt: skip
        self.alpha_1se_line_ = self.threshold_line_ = None
        if self.alpha_1se is not None and alphas.size:
            best = np.argmin(mean)
            level = mean[best] + spread[best] / np.sqrt(self.mse_path.shape[1])
            self.threshold_line_ = ax.axhline(
                level, color="C3", linestyle=":", linewidth=1.0,
                label="smallest mean + one standard error",
            )  # fmt: skip
            self.alpha_1se_line_ = ax.axvline(
                self.alpha_1se, color="C3", linestyle="-.", linewidth=1.0,
                label=f"alpha_1se_ = {self.alpha_1se:.4g} (one-SE rule)",
            )  # fmt: skip
        ax.set_xscale("log")
        if alphas.size:
            ax.set_xlim(alphas.max() * 1.3, alphas.min() / 1.3)  # strong left
        ax.set_xlabel("alpha (log scale; the penalty weakens to the right)")
        ax.set_ylabel("test mean squared error")
        title = "Cross-validation error along the path"
        ax.set_title(title + (f" ({self.label})" if self.label else ""))
        ax.legend(fontsize=9)
        self.ax_, self.figure_ = ax, ax.figure
        return self
