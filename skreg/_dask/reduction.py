"""One pass over a row-chunked dask X: the moments of the data and of its folds.

Each row block reduces on its worker to its :class:`~skreg._dask.moments.Moments`
(split by cross-validation fold where a fold boundary crosses it); blocks are
merged pairwise in a tree, on the workers, so the client receives only
``O(n_folds p^2)`` numbers and never a row of X. The reduction runs on
whatever scheduler is active: a ``dask.distributed.Client`` when there is one.
"""

import numpy as np

from .moments import block_moments, empty_moments, merge

# Blocks merged per node of the reduction tree.
_SPLIT_EVERY = 8


def _block_fold_moments(X, y, w, start, boundaries):
    """The moments of a block's rows, one per fold its rows fall in.

    ``boundaries`` are the first rows of the folds (and the end): rows
    ``boundaries[k] <= i < boundaries[k + 1]`` are fold ``k``.
    """
    n_folds = len(boundaries) - 1
    moments = [empty_moments(X.shape[1]) for _ in range(n_folds)]
    stop = start + X.shape[0]
    for k in range(n_folds):
        low, high = max(boundaries[k], start), min(boundaries[k + 1], stop)
        if low < high:
            rows = slice(low - start, high - start)
            moments[k] = block_moments(X[rows], y[rows], None if w is None else w[rows])
    return moments


def _merge_lists(*lists):
    """Merge lists of per-fold moments element by element."""
    merged = list(lists[0])
    for other in lists[1:]:
        merged = [merge(a, b) for a, b in zip(merged, other)]
    return merged


def fold_moments(X, y, sample_weight, boundaries):
    """The moments of each fold of rows, in one pass over the blocks.

    Parameters
    ----------
    X : dask array of shape (n_samples, n_features)
        Chunked along rows only.
    y, sample_weight : dask arrays of shape (n_samples,) or None
        Chunked as X's rows.
    boundaries : sequence of int
        ``[0, end of fold 0, ..., n_samples]``; ``[0, n_samples]`` for no
        folds.

    Returns
    -------
    moments : list of Moments
        One per fold, computed on the active scheduler.
    """
    import dask

    starts = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]]).astype(int)
    x_blocks = X.to_delayed().ravel()
    y_blocks = y.to_delayed().ravel()
    w_blocks = (
        [None] * len(x_blocks)
        if sample_weight is None
        else sample_weight.to_delayed().ravel()
    )
    task = dask.delayed(_block_fold_moments, pure=True)
    nodes = [
        task(xb, yb, wb, int(start), tuple(int(b) for b in boundaries))
        for xb, yb, wb, start in zip(x_blocks, y_blocks, w_blocks, starts)
    ]
    merge_node = dask.delayed(_merge_lists, pure=True)
    while len(nodes) > 1:
        nodes = [
            merge_node(*nodes[i : i + _SPLIT_EVERY])
            for i in range(0, len(nodes), _SPLIT_EVERY)
        ]
    (moments,) = dask.compute(nodes[0])
    return moments
