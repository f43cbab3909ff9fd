"""skreg: regularized linear regression you can tune per coefficient and understand.

Every estimator solves one weighted elastic-net problem with a per-coefficient
penalty (``penalty_factor``) on a numba coordinate-descent core.
"""

__version__ = "0.1.0.dev0"

__all__ = []
