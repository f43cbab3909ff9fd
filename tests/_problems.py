"""Small regression problems shared by the tests."""

import numpy as np
from scipy import sparse

# The lasso path of scikit-learn's diabetes data (exact, as LARS finds it):
# (feature, event) in path order.
DIABETES_EVENTS = [
    ("bmi", "enter"),
    ("s5", "enter"),
    ("bp", "enter"),
    ("s3", "enter"),
    ("sex", "enter"),
    ("s6", "enter"),
    ("s1", "enter"),
    ("s4", "enter"),
    ("s2", "enter"),
    ("age", "enter"),
    ("s3", "exit"),
    ("s3", "enter"),
]


def sparse_signal_problem(n_samples=60, n_features=20, seed=0, offset=2.0):
    """Gaussian design with an offset, five true features and noise."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features) + offset
    coef = np.zeros(n_features)
    coef[:5] = [3.0, -2.0, 1.5, 0.5, 4.0]
    y = X @ coef + rng.randn(n_samples)
    return X, y


def as_storage(X, storage, dtype=np.float64):
    """X as dense Fortran, dense C, CSC or CSR, in ``dtype``."""
    X = np.asarray(X, dtype=dtype)
    return {
        "dense": np.asfortranarray(X),
        "dense_c": np.ascontiguousarray(X),
        "csc": sparse.csc_matrix(X),
        "csr": sparse.csr_matrix(X),
    }[storage]


def relative_error(actual, expected):
    """Largest absolute difference relative to the largest coefficient."""
    expected = np.asarray(expected, dtype=np.float64)
    scale = max(np.abs(expected).max(), 1e-300)
    return np.abs(np.asarray(actual, dtype=np.float64) - expected).max() / scale
