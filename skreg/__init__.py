"""skreg: regularized linear regression you can tune per coefficient and understand.

Every estimator solves one weighted elastic-net problem with a per-coefficient
penalty (``penalty_factor``) on a numba coordinate-descent core.
"""

from ._numba_cache import ensure_cache_location

# before any kernel is defined: numba refuses cache=True without a location
ensure_cache_location()

from ._adaptive import AdaptiveLasso, AdaptiveLassoCV
from ._coordinate_descent import ElasticNet, Lasso
from ._cv import ElasticNetCV, LassoCV
from ._explain import PathExplanation, explain_lasso_path
from ._path_functions import enet_path, lasso_path
from ._ridge_cv import Ridge, RidgeCV

__version__ = "0.1.0.dev0"

__all__ = [
    "AdaptiveLasso",
    "AdaptiveLassoCV",
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "PathExplanation",
    "Ridge",
    "RidgeCV",
    "enet_path",
    "explain_lasso_path",
    "lasso_path",
]
