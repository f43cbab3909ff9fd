"""Small dense solves, written out: numba's np.linalg wrappers would add many
seconds to the first (uncached) compilation of every kernel.

They serve the unpenalized block of the coordinate-descent kernels (least
squares, non-negative least squares) and Anderson extrapolation.
"""

from collections import namedtuple

import numpy as np
from numba import njit

# Relative size below which a direction is treated as dependent and dropped.
_DEPENDENT = 1e-10
# Reassociation lets LLVM vectorize the sums over rows (see _projections).
_FAST = {"reassoc", "contract"}


@njit(cache=True, nogil=True)
def _solve_psd_small(A, b):
    """Solve ``A x = b`` for a small symmetric positive semi-definite ``A``.

    Cholesky without pivoting; a pivot below ``_DEPENDENT**2`` times the
    largest diagonal entry marks a dependent direction, whose component of
    ``x`` is set to 0 (a solution of the remaining, independent system).
    """
    size = A.shape[0]
    L = np.zeros((size, size))
    largest = 0.0
    for i in range(size):
        largest = max(largest, A[i, i])
    for j in range(size):
        pivot = A[j, j]
        for k in range(j):
            pivot -= L[j, k] * L[j, k]
        if not pivot > _DEPENDENT * _DEPENDENT * largest:
            continue
        L[j, j] = np.sqrt(pivot)
        for i in range(j + 1, size):
            value = A[i, j]
            for k in range(j):
                value -= L[i, k] * L[j, k]
            L[i, j] = value / L[j, j]
    z = np.zeros(size)
    for i in range(size):
        if L[i, i] > 0.0:
            value = b[i]
            for k in range(i):
                value -= L[i, k] * z[k]
            z[i] = value / L[i, i]
    x = np.zeros(size)
    for i in range(size - 1, -1, -1):
        if L[i, i] > 0.0:
            value = z[i]
            for k in range(i + 1, size):
                value -= L[k, i] * x[k]
            x[i] = value / L[i, i]
    return x


@njit(cache=True, nogil=True)
def _thin_qr(block):
    """``block = basis @ upper`` for a thin ``block``, its dependent columns
    dropped: ``(basis, upper, independent)``.

    Modified Gram-Schmidt with one re-orthogonalization (accurate even for
    nearly collinear columns); a column whose remainder is below
    ``_DEPENDENT`` of its norm is dependent (``independent[j]`` False): its
    column of ``basis`` is not normalized and never used.
    """
    n_rows, size = block.shape
    basis = block.copy()
    upper = np.zeros((size, size))
    independent = np.zeros(size, dtype=np.bool_)
    for j in range(size):
        original = 0.0
        for i in range(n_rows):
            original += block[i, j] * block[i, j]
        for _ in range(2):
            for k in range(j):
                if independent[k]:
                    overlap = 0.0
                    for i in range(n_rows):
                        overlap += basis[i, k] * basis[i, j]
                    upper[k, j] += overlap
                    for i in range(n_rows):
                        basis[i, j] -= overlap * basis[i, k]
        remainder = 0.0
        for i in range(n_rows):
            remainder += basis[i, j] * basis[i, j]
        if not remainder > _DEPENDENT * _DEPENDENT * original:
            continue
        independent[j] = True
        upper[j, j] = np.sqrt(remainder)
        for i in range(n_rows):
            basis[i, j] /= upper[j, j]
    return basis, upper, independent


@njit(cache=True, nogil=True, fastmath=_FAST)
def _projections(columns, target):
    """``columns' target`` for a thin C-ordered ``columns``, in one pass.

    Row by row, the products of a row are contiguous and vectorize across
    the columns; a dot product per column reads it with a stride and waits
    on one chain of additions (the refit of 10 unpenalized features after
    each epoch, n = 2000: 24 us that way, 10 us this way).
    """
    n_rows, size = columns.shape
    out = np.zeros(size)
    for i in range(n_rows):
        value = target[i]
        for j in range(size):
            out[j] += columns[i, j] * value
    return out


@njit(cache=True, nogil=True)
def _qr_least_squares(basis, upper, independent, target):
    """A minimizer of ``||target - block @ x||`` from ``_thin_qr(block)``;
    dependent columns get a zero coefficient."""
    size = basis.shape[1]
    projected = _projections(basis, target)
    x = np.zeros(size)
    for j in range(size - 1, -1, -1):
        if independent[j]:
            value = projected[j]
            for k in range(j + 1, size):
                value -= upper[j, k] * x[k]
            x[j] = value / upper[j, j]
    return x


@njit(cache=True, nogil=True)
def _minus(a, b):
    """``a - b`` for 1-D arrays of equal length, as a loop (an array
    expression compiles a broadcasting check that costs seconds cold)."""
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = a[i] - b[i]
    return out


@njit(cache=True, nogil=True)
def _nnls_small(G, c):
    """Minimize ``x'Gx / 2 - c'x`` over ``x >= 0`` (small, PSD ``G``).

    Lawson and Hanson's active-set method in normal-equation form: add the
    feature with the largest positive gradient, solve on the free set, and
    step back to the boundary whenever a free coefficient would turn negative.
    """
    size = c.shape[0]
    x = np.zeros(size)
    free = np.zeros(size, dtype=np.bool_)
    scale = 0.0
    for k in range(size):
        scale = max(scale, abs(c[k]))
    threshold = 1e-12 * max(scale, 1e-300)
    for _ in range(3 * size + 1):
        best = -1
        best_value = threshold
        for k in range(size):
            if not free[k]:
                value = c[k]
                for m in range(size):
                    value -= G[k, m] * x[m]
                if value > best_value:
                    best, best_value = k, value
        if best < 0:
            break
        free[best] = True
        for _ in range(3 * size + 1):
            members = np.flatnonzero(free)
            sub = np.empty((members.shape[0], members.shape[0]))
            rhs = np.empty(members.shape[0])
            for a in range(members.shape[0]):
                rhs[a] = c[members[a]]
                for b in range(members.shape[0]):
                    sub[a, b] = G[members[a], members[b]]
            solution = _solve_psd_small(sub, rhs)
            all_positive = True
            for a in range(members.shape[0]):
                all_positive = all_positive and solution[a] > 0.0
            if all_positive:
                for a in range(members.shape[0]):
                    x[members[a]] = solution[a]
                break
            # Step from x toward the solution until a coefficient hits 0.
            fraction = 1.0
            for a in range(members.shape[0]):
                if solution[a] <= 0.0:
                    k = members[a]
                    fraction = min(fraction, x[k] / (x[k] - solution[a]))
            for a in range(members.shape[0]):
                k = members[a]
                x[k] += fraction * (solution[a] - x[k])
                if x[k] <= 0.0:
                    x[k] = 0.0
                    free[k] = False
    return x


BlockFactor = namedtuple("BlockFactor", ["basis", "upper", "independent", "gram"])
BlockFactor.__doc__ = """What the steps of one unpenalized block reuse.

Without ``positive``, the thin QR factors of the block (``basis``, ``upper``,
``independent``, see :func:`_thin_qr`); under ``positive``, its Gram matrix
``gram`` for the non-negative least squares. The unused fields are empty.
"""


@njit(cache=True, nogil=True)
def block_factor(block, positive):
    """The :class:`BlockFactor` of an unpenalized ``block`` (its columns).

    The block does not change during a solve: factored once, each step costs
    one product with it instead of a new factorization.
    """
    n_rows, size = block.shape
    if not positive:
        basis, upper, independent = _thin_qr(block)
        return BlockFactor(basis, upper, independent, np.empty((0, 0)))
    G = np.empty((size, size))
    for a in range(size):
        for b in range(size):
            total = 0.0
            for i in range(n_rows):
                total += block[i, a] * block[i, b]
            G[a, b] = total
    return BlockFactor(
        np.empty((0, 0)), np.empty((0, 0)), np.empty(0, dtype=np.bool_), G
    )


@njit(cache=True, nogil=True)
def _block_step(block, factor, residual, current, positive):
    """Step of the unpenalized coefficients that minimizes ``||residual - block
    step||`` (subject to ``current + step >= 0`` when ``positive``);
    ``factor`` is ``block_factor(block, positive)``."""
    if not positive:
        return _qr_least_squares(
            factor.basis, factor.upper, factor.independent, residual
        )
    size = block.shape[1]
    G = factor.gram
    c = _projections(block, residual)
    # Normal equations for the new values x = current + step.
    for a in range(size):
        for b in range(size):
            c[a] += G[a, b] * current[b]
    return _minus(_nnls_small(G, c), current)


@njit(cache=True, nogil=True)
def _anderson_extrapolation(history, out):
    """Extrapolate coefficients from consecutive iterates (Anderson mixing).

    ``history`` holds ``depth + 1`` iterates (oldest first). The weights
    ``c`` (summing to 1) minimize ``||sum_k c_k (w_{k+1} - w_k)||``: the
    combination whose next step is smallest. Writes the extrapolated point
    into ``out``; returns False when the iterates are degenerate.
    """
    depth = history.shape[0] - 1
    width = history.shape[1]
    gram = np.empty((depth, depth))
    for a in range(depth):
        for b in range(a, depth):
            total = 0.0
            for k in range(width):
                total += (history[a + 1, k] - history[a, k]) * (
                    history[b + 1, k] - history[b, k]
                )
            gram[a, b] = total
            gram[b, a] = total
    trace = 0.0
    for k in range(depth):
        trace += gram[k, k]
    if not trace > 0.0:
        return False
    # Near convergence the steps are almost collinear; the ridge keeps the
    # weights a smooth function of the iterates, so that two formulations of
    # one problem that differ by rounding stay on the same trajectory.
    for k in range(depth):
        gram[k, k] += 1e-6 * trace
    weights = _solve_psd_small(gram, np.ones(depth))
    total = 0.0
    for k in range(depth):
        total += weights[k]
    if not (np.isfinite(total) and total != 0.0):
        return False
    for i in range(width):
        value = 0.0
        for k in range(depth):
            value += weights[k] * history[k + 1, i]
        out[i] = value / total
    return True
