"""The KKT pass ``x_j' R`` over most columns: one column at a time or four.

Question behind ``_SHORT_COLUMN_BYTES`` in ``skreg/_kernels/correlations.py``:
for a pass over the columns of dense X (float64, or the float32 shadow of the
KKT checks), which loop order reads them faster? Four interleaved columns
share each read of R, which matters once R no longer stays in cache; one
column at a time makes the pass one sequential stream. Each shape is timed
from memory (a 64 MB buffer is written between calls, as the coordinate
descent between two KKT checks of a path evicts X) and from cache (calls back
to back), the median of 25 calls, one thread.

Run: ``python benchmarks/bench_column_passes.py``
"""

import time

import numpy as np
from numba import njit

from skreg._kernels.correlations import _FAST

SHAPES = [(100, 20000), (500, 5000), (1000, 5000), (2000, 3000), (3000, 2000),
          (5000, 1500), (20000, 500)]  # fmt: skip


@njit(nogil=True, fastmath=_FAST)
def one_at_a_time(X, R, out):
    for j in range(X.shape[1]):
        dot = 0.0
        for i in range(X.shape[0]):
            dot += X[i, j] * R[i]
        out[j] = dot


@njit(nogil=True, fastmath=_FAST)
def four_at_a_time(X, R, out):
    j = 0
    while j + 4 <= X.shape[1]:
        d0 = d1 = d2 = d3 = 0.0
        for i in range(X.shape[0]):
            r = R[i]
            d0 += X[i, j] * r
            d1 += X[i, j + 1] * r
            d2 += X[i, j + 2] * r
            d3 += X[i, j + 3] * r
        out[j], out[j + 1], out[j + 2], out[j + 3] = d0, d1, d2, d3
        j += 4
    for k in range(j, X.shape[1]):
        dot = 0.0
        for i in range(X.shape[0]):
            dot += X[i, k] * R[i]
        out[k] = dot


def median_ms(kernel, X, R, evict, buffer, calls=25):
    out = np.empty(X.shape[1])
    kernel(X, R, out)
    times = []
    for _ in range(calls):
        if evict:
            buffer[::8] += 1.0
        start = time.perf_counter()
        kernel(X, R, out)
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def main():
    rng = np.random.default_rng(0)
    buffer = np.ones(8_000_000)
    print("| X | dtype | column bytes | from memory: 1 / 4 at a time (ms) "
          "| from cache: 1 / 4 at a time (ms) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for n_samples, n_features in SHAPES:
        X64 = np.asfortranarray(rng.standard_normal((n_samples, n_features)))
        R = rng.standard_normal(n_samples)
        for X in (X64.astype(np.float32, order="F"), X64):
            cells = [
                f"{median_ms(one_at_a_time, X, R, evict, buffer):.2f} / "
                f"{median_ms(four_at_a_time, X, R, evict, buffer):.2f}"
                for evict in (True, False)
            ]
            print(f"| {n_samples} x {n_features} | {X.dtype} | "
                  f"{n_samples * X.itemsize} | {cells[0]} | {cells[1]} |")  # fmt: skip


if __name__ == "__main__":
    main()
