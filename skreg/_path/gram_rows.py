"""The Gram matrix of a Gram-mode solve, complete or filled row by row.

A Gram-mode solve (``precompute``) keeps ``H = Z'R`` for every feature and
updates it with row ``j`` of ``Z'Z`` whenever coefficient ``j`` moves, so it
reads only the rows of features that enter a working set. On tall data few
ever do (about 50 of 500 features on the n >> p problem of
``benchmarks/bench_hard.py``): forming all of ``Z'Z`` upfront costs
``n p^2 / 2`` multiply-adds for rows that are never read. :class:`GramRows`
holds the matrix and which of its rows are filled; the compiled solve fills
the rows a working set lacks from the dense design, a batch per pass over
``X`` (:func:`skreg._kernels.gram.fill_working_rows`), as glmnet's
covariance mode computes inner products as variables enter.
"""

import numpy as np

from .._kernels import gram as gram_kernels

# Stands for the design in a complete matrix's rows: never read, since every
# row is filled. Fortran-ordered and not also C-ordered, so that the compiled
# solve has a single signature (numba types a 1 x 1 array as C-ordered).
_NO_DESIGN = np.zeros((2, 2), order="F")
# The ``source`` of a solve that has no Gram matrix (the argument is unused).
NO_SOURCE = (_NO_DESIGN, np.ones(0, dtype=bool))


def can_fill_rows(X):
    """Whether rows of ``Z'Z`` can be filled from the stored design ``X``.

    The row kernel reads dense, Fortran-ordered float64 ``X`` of at most
    :data:`skreg._kernels.gram.MAX_FEATURES` columns (wider, BLAS forms the
    whole matrix faster). Float32 ``X`` forms its Gram matrix in the pass
    over ``X`` that computes the column statistics, which then multiplies in
    double precision (see :func:`skreg._path.design.make_design`).
    """
    return (
        isinstance(X, np.ndarray)
        and X.dtype == np.float64
        and X.flags.f_contiguous
        and X.shape[1] <= gram_kernels.MAX_FEATURES
    )


class GramRows:
    """``Z'Z`` for the Gram kernel, with the rows filled so far.

    Parameters
    ----------
    matrix : ndarray of shape (n_features, n_features), C-ordered float64
        The rows with ``filled`` set hold ``Z'Z``; the others are zero but for
        their diagonal, ``||z_j||^2``.
    filled : ndarray of bool of shape (n_features,)
    design : Design or None
        The design whose rows fill the others (None: the matrix is complete).
    """

    def __init__(self, matrix, filled, design=None):
        self.matrix = matrix
        self.filled = filled
        self.design = design

    @classmethod
    def complete(cls, matrix):
        """A complete matrix (the user's, or one formed upfront)."""
        matrix = np.ascontiguousarray(matrix, dtype=np.float64)
        return cls(matrix, np.ones(matrix.shape[0], dtype=bool))

    @classmethod
    def empty(cls, design):
        """No row filled yet: each is computed from ``design`` when needed."""
        n_features = design.n_features
        matrix = np.zeros((n_features, n_features))
        matrix[np.diag_indices(n_features)] = design.norms2
        return cls(matrix, np.zeros(n_features, dtype=bool), design)

    @property
    def source(self):
        """``(X, filled)``: what the compiled solve fills rows from."""
        X = _NO_DESIGN if self.design is None else self.design.X
        return X, self.filled

    def fill(self, features):
        """Fill the rows of ``features`` not filled yet (one pass over ``X``)."""
        features = np.asarray(features, dtype=np.intp)
        missing = features[~self.filled[features]]
        if missing.size:
            design = self.design
            gram_kernels.fill_rows(
                design.X, np.unique(missing), design.v, design.means,
                design.column_v, design.norms2, self.matrix, self.filled,
            )  # fmt: skip

    def times(self, w):
        """``Z'Z w``, filling the rows of the nonzero entries of ``w``."""
        nonzero = np.flatnonzero(w)
        self.fill(nonzero)
        return w[nonzero] @ self.matrix[nonzero]
