"""skreg: regularized linear regression you can tune per coefficient and understand.

Every estimator solves one weighted elastic-net problem with a per-coefficient
penalty (``penalty_factor``) on a numba coordinate-descent core.
"""

from ._numba_cache import ensure_cache_location

# before any kernel is defined: numba refuses cache=True without a location
ensure_cache_location()

from ._estimators.adaptive import AdaptiveLasso
from ._estimators.adaptive_cv import AdaptiveLassoCV
from ._estimators.cv import ElasticNetCV, LassoCV
from ._estimators.elastic_net import ElasticNet
from ._estimators.lasso import Lasso
from ._estimators.path_functions import enet_path, lasso_path
from ._estimators.ridge import Ridge
from ._estimators.ridge_cv import RidgeCV
from ._explain.explanation import PathExplanation
from ._explain.lasso_path import explain_lasso_path

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
