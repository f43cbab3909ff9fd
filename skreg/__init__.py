"""skreg: regularized linear regression you can tune per coefficient and understand.

Every estimator solves one weighted elastic-net problem with a per-coefficient
penalty (``penalty_factor``) on a numba coordinate-descent core.

The package has four layers; data flows down once, results flow up once:

- ``_estimators/``: the scikit-learn API (Lasso, ElasticNet, their CV
  versions, AdaptiveLasso*, Ridge*, the path functions). Input is validated
  once, by ``_validation``, and one ``Design`` is made per fit.
- ``_path/``: arrays in, arrays out. The ``Design`` (dense, sparse, Gram, or
  sufficient statistics alone), the one unit conversion, the alpha grid, the
  path driver, cross-validation folds, the exact homotopy and ridge's solvers.
- ``_kernels/``: numba ``@njit(cache=True)`` code: the coordinate update, one
  body per storage, duality gaps, KKT checks, screening, the compiled loop
  over alphas.
- ``_explain/``: presentation of results (``PathExplanation``,
  ``FeatureStory``); ``plotting`` holds the Displays.

``doc/architecture.rst`` describes how a fit flows through them and where new
code goes.
"""

from ._numba_cache import ensure_cache_location

# before any kernel is defined: numba refuses cache=True without a location
ensure_cache_location()

from ._estimators.adaptive import AdaptiveLasso
from ._estimators.adaptive_cv import AdaptiveLassoCV
from ._estimators.cv import ElasticNetCV, LassoCV
from ._estimators.elastic_net import ElasticNet
from ._estimators.lasso import Lasso
from ._estimators.lasso_ic import LassoIC
from ._estimators.path_functions import enet_path, lasso_path
from ._estimators.relaxed import RelaxedLasso, RelaxedLassoCV
from ._estimators.ridge import Ridge
from ._estimators.ridge_cv import RidgeCV
from ._estimators.stability import StabilitySelection
from ._explain.explanation import PathExplanation
from ._explain.lasso_path import explain_lasso_path
from ._explain.ridge import RidgeExplanation

__version__ = "0.1.0.dev0"

__all__ = [
    "AdaptiveLasso",
    "AdaptiveLassoCV",
    "ElasticNet",
    "ElasticNetCV",
    "Lasso",
    "LassoCV",
    "LassoIC",
    "PathExplanation",
    "RelaxedLasso",
    "RelaxedLassoCV",
    "Ridge",
    "RidgeCV",
    "RidgeExplanation",
    "StabilitySelection",
    "enet_path",
    "explain_lasso_path",
    "lasso_path",
]
