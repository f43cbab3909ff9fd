"""Test configuration shared by the whole suite."""

import os

# scikit-learn 1.9's estimator checks include an array-API check that skips
# itself unless SciPy's array API support is switched on; switch it on so that
# every check runs (it must be set before SciPy is imported).
os.environ.setdefault("SCIPY_ARRAY_API", "1")

# CI runs the property tests on a fixed sequence of examples (reproducible
# results); local runs keep exploring new ones.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
