"""Displays of the lasso path, of the KKT conditions that shape it, of CV, of ridge,
and of stability selection.

They follow scikit-learn's Display pattern: ``__init__`` stores the data,
``plot(ax=None, ...)`` draws and sets ``ax_`` and ``figure_``, and the class
methods ``from_explanation`` and ``from_estimator`` build the display from a
:class:`~skreg.PathExplanation` (:class:`CVDisplay`: from a fitted CV
estimator). matplotlib is imported only when drawing.
"""

from ._plot_cv import CVDisplay
from ._plot_kkt import KKTDisplay
from ._plot_path import PathDisplay
from ._plot_ridge import RidgePathDisplay
from ._plot_stability import StabilityDisplay

__all__ = [
    "CVDisplay",
    "KKTDisplay",
    "PathDisplay",
    "RidgePathDisplay",
    "StabilityDisplay",
]
