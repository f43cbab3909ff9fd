"""The timed problems of issue 7: data, alpha grid and which solvers run.

Every problem is a lasso without intercept (X and y as generated, nothing
centred), so that one objective and one duality-gap formula fit every solver.
Data are reproducible (fixed seeds); dense X is Fortran-ordered, sparse X CSC,
which is what every solver wants, so no solver pays for a layout conversion.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse


@dataclass
class Task:
    """One timed question: a path (warm starts) or a single fit."""

    key: str
    title: str
    X: object
    y: np.ndarray
    alphas: np.ndarray
    mode: str  # "path" or "fit"
    solvers: list = field(default_factory=list)

    @property
    def shape(self):
        return self.X.shape


def _response(X, rng, n_true=20, noise=1.0):
    n_features = X.shape[1]
    coef = np.zeros(n_features)
    support = rng.choice(n_features, n_true, replace=False)
    coef[support] = rng.standard_normal(n_true) * 3
    y = X @ coef + noise * rng.standard_normal(X.shape[0])
    return np.asarray(y, dtype=np.float64)


def gaussian_design(n_samples, n_features, seed=0):
    """Dense i.i.d. Gaussian X (Fortran order) and y from 20 true features."""
    rng = np.random.default_rng(seed)
    X = np.asfortranarray(rng.standard_normal((n_samples, n_features)))
    return X, _response(X, rng)


def toeplitz_design(n_samples, n_features, rho=0.9, seed=0):
    """Rows with covariance rho^|i - j| by the AR(1) recursion over columns.

    x_j = rho * x_{j-1} + sqrt(1 - rho^2) * e_j with x_0 ~ N(0, 1) keeps unit
    variance and gives corr(x_i, x_j) = rho^|i - j| (no p x p Cholesky).
    """
    rng = np.random.default_rng(seed)
    X = np.empty((n_samples, n_features), order="F")
    X[:, 0] = rng.standard_normal(n_samples)
    innovation = np.sqrt(1 - rho**2)
    for j in range(1, n_features):
        X[:, j] = rho * X[:, j - 1] + innovation * rng.standard_normal(n_samples)
    return X, _response(X, rng)


def sparse_design(n_samples, n_features, density, seed=0):
    """Sparse CSC X with Gaussian nonzeros and y from 20 true features."""
    rng = np.random.default_rng(seed)
    X = sparse.random(
        n_samples,
        n_features,
        density=density,
        format="csc",
        random_state=rng,
        data_rvs=rng.standard_normal,
    )
    X.sort_indices()
    return X, _response(X, rng)


def alpha_max(X, y):
    """Smallest alpha at which the lasso solution is zero."""
    return float(np.max(np.abs(X.T @ y))) / X.shape[0]


def path_alphas(X, y, n_alphas, ratio=100.0):
    top = alpha_max(X, y)
    return np.geomspace(top, top / ratio, n_alphas)


def fit_alpha(X, y, ratio=20.0):
    return np.array([alpha_max(X, y) / ratio])


PATH_PEERS = ["skreg", "scikit-learn", "skglm", "celer", "glmnet"]
FIT_PEERS = ["skreg", "scikit-learn", "skglm", "celer", "glmnet"]
# Problem 5: the skreg row is its default (precompute="auto" chooses: direct
# for one fit, the Gram matrix for the 50-alpha path); the forced other mode
# is shown beside it.
GRAM_FIT = [
    "skreg",
    "skreg (Gram)",
    "scikit-learn",
    "scikit-learn (precompute=True)",
    "skglm",
    "celer",
    "glmnet",
]
GRAM_PATH = [
    "skreg",
    "skreg (precompute=False)",
    "scikit-learn",
    "skglm",
    "celer",
    "glmnet",
]


# Rows left out of --quick: the extra variants of problem 5, and celer there
# (about 9 s per fit and 30 s per path on 100000 x 100 on the reference machine).
QUICK_SKIP = {
    "5a": {"scikit-learn (precompute=True)", "celer"},
    "5b": {"skreg (precompute=False)", "celer"},
}


def make_tasks(problems, quick=False):
    """Build the tasks of the timed problems (1-5) in ``problems``.

    The first solver of each task is the skreg row the ratios refer to.
    """
    tasks = _make_tasks(problems)
    if quick:
        for task in tasks:
            skip = QUICK_SKIP.get(task.key, set())
            task.solvers = [name for name in task.solvers if name not in skip]
    return tasks


def _make_tasks(problems):
    tasks = []
    if 1 in problems or 4 in problems:
        n_samples, n_features = 500, 5000
    if 1 in problems:
        X, y = gaussian_design(n_samples, n_features)
        tasks.append(
            Task(
                "1",
                "(1) lasso path, dense Gaussian 500 x 5000, 100 alphas "
                "alpha_max -> alpha_max/100",
                X,
                y,
                path_alphas(X, y, 100),
                "path",
                list(PATH_PEERS),
            )
        )
    if 2 in problems:
        X, y = gaussian_design(10_000, 1000, seed=1)
        tasks.append(
            Task(
                "2",
                "(2) one fit at alpha_max/20, dense Gaussian 10000 x 1000",
                X,
                y,
                fit_alpha(X, y),
                "fit",
                list(FIT_PEERS),
            )
        )
    if 3 in problems:
        X, y = sparse_design(20_000, 20_000, 1e-3, seed=2)
        tasks.append(
            Task(
                "3a",
                "(3a) one fit at alpha_max/20, sparse CSC 20000 x 20000, density 1e-3",
                X,
                y,
                fit_alpha(X, y),
                "fit",
                list(FIT_PEERS),
            )
        )
        tasks.append(
            Task(
                "3b",
                "(3b) lasso path, same sparse X, 50 alphas alpha_max -> alpha_max/100",
                X,
                y,
                path_alphas(X, y, 50),
                "path",
                list(PATH_PEERS),
            )
        )
    if 4 in problems:
        X, y = toeplitz_design(n_samples, n_features, rho=0.9, seed=3)
        tasks.append(
            Task(
                "4",
                "(4) lasso path, correlated design (Toeplitz rho=0.9) 500 x 5000, "
                "100 alphas alpha_max -> alpha_max/100",
                X,
                y,
                path_alphas(X, y, 100),
                "path",
                list(PATH_PEERS),
            )
        )
    if 5 in problems:
        X, y = gaussian_design(100_000, 100, seed=4)
        tasks.append(
            Task(
                "5a",
                "(5a) n >> p: one fit at alpha_max/20, dense 100000 x 100",
                X,
                y,
                fit_alpha(X, y),
                "fit",
                list(GRAM_FIT),
            )
        )
        tasks.append(
            Task(
                "5b",
                "(5b) n >> p: lasso path, dense 100000 x 100, 50 alphas "
                "alpha_max -> alpha_max/100",
                X,
                y,
                path_alphas(X, y, 50),
                "path",
                list(GRAM_PATH),
            )
        )
    return tasks
