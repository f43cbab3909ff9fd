"""skreg on a Dask cluster: one pass, against one ``X.T @ X`` and against dask-ml.

On a ``LocalCluster`` (2 worker processes, 1 thread each), X is generated on
the workers (never on the client) as standard normal blocks of rows, and
``y = X[:, :10] @ beta + noise``. Measured:

1. ``LassoCV(cv=5)`` (100 alphas) on n x p, as a ratio to the time of one
   ``(X.T @ X).compute()`` on the same cluster: the pass over the data is the
   cost, the solve on the client does not grow with n. The client's peak RSS
   during the fit, above its RSS before, against the bytes of X.
2. dask-ml's ``LinearRegression(penalty="l1")`` (ADMM, its defaults) at skreg's
   ``alpha_`` on the same data (persisted on the workers, so that its many
   passes do not regenerate X): time, and the relative suboptimality of each
   answer on skreg's objective ``||y - Xb - c||^2 / (2n) + alpha |b|_1``
   against a tight skreg solve.
3. How the cost grows with n and with p (``LassoCV(cv=5)`` time, and the rate
   of the pass in rows per second).

Run: ``python benchmarks/bench_dask.py [--quick]`` (``--quick``: small sizes,
for a check that it runs). Prints markdown tables.
"""

import argparse
import threading
import time

import numpy as np

TRUE_FEATURES = 10


def make_data(n_samples, n_features, rows_per_chunk, seed=0):
    """Lazy X and y: nothing is computed until a fit asks for it."""
    import dask.array as da

    rng = da.random.RandomState(seed)
    X = rng.standard_normal(
        (n_samples, n_features), chunks=(rows_per_chunk, n_features)
    )
    beta = np.random.RandomState(seed).uniform(1.0, 2.0, TRUE_FEATURES)
    y = X[:, :TRUE_FEATURES] @ beta + 3.0 * rng.standard_normal(
        n_samples, chunks=rows_per_chunk
    )
    return X, y


class PeakRSS:
    """The client process's peak resident memory while the block runs."""

    def __enter__(self):
        import psutil

        self.process = psutil.Process()
        self.before = self.peak = self.process.memory_info().rss
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self):
        while self.running:
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()

    @property
    def extra(self):
        return self.peak - self.before


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def objective(X, y, coef, intercept, alpha):
    """skreg's lasso objective, computed on the cluster."""
    import dask

    residual = y - X @ coef - intercept
    (loss,) = dask.compute((residual**2).mean() / 2)
    return float(loss) + alpha * np.abs(coef).sum()


def one_pass_against_gram(n_samples, n_features, rows_per_chunk):
    from skreg import LassoCV

    X, y = make_data(n_samples, n_features, rows_per_chunk)
    gram_time, _ = timed(lambda: (X.T @ X).compute())
    with PeakRSS() as memory:
        fit_time, model = timed(lambda: LassoCV(cv=5).fit(X, y))
    return {
        "n": n_samples,
        "p": n_features,
        "X.T @ X (s)": gram_time,
        "LassoCV(cv=5) (s)": fit_time,
        "ratio": fit_time / gram_time,
        "client extra RSS (MB)": memory.extra / 1e6,
        "RSS / bytes of X": memory.extra / (8.0 * n_samples * n_features),
        "rows/s of the pass": n_samples / fit_time,
        "model": model,
    }


def against_dask_ml(n_samples, n_features, rows_per_chunk, client):
    from dask_ml.linear_model import LinearRegression

    from skreg import Lasso, LassoCV

    X, y = make_data(n_samples, n_features, rows_per_chunk, seed=1)
    X, y = client.persist([X, y])
    alpha = LassoCV(cv=5).fit(X, y).alpha_
    skreg_time, ours = timed(lambda: Lasso(alpha=alpha).fit(X, y))
    best = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
    # dask-glm minimizes sum (y - Xb)^2 + lambda |b|_1 with lambda = 1 / C:
    # skreg's objective times 2n, so lambda = 2 n alpha
    theirs_model = LinearRegression(penalty="l1", C=1.0 / (2 * n_samples * alpha))
    dask_ml_time, theirs = timed(lambda: theirs_model.fit(X, y))
    optimum = objective(X, y, best.coef_, best.intercept_, alpha)
    rows = []
    for name, seconds, model in [
        ("skreg Lasso (tol 1e-4)", skreg_time, ours),
        ("dask-ml LinearRegression(penalty='l1')", dask_ml_time, theirs),
    ]:
        value = objective(X, y, np.asarray(model.coef_), float(model.intercept_), alpha)
        rows.append(
            {
                "solver": name,
                "time (s)": seconds,
                "relative suboptimality": (value - optimum) / optimum,
                "nonzeros": int(np.count_nonzero(np.abs(model.coef_) > 1e-10)),
            }
        )
    return alpha, rows


def table(rows, columns):
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = []
        for column in columns:
            value = row[column]
            cells.append(f"{value:.3g}" if isinstance(value, float) else str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    options = parser.parse_args()
    from distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    if options.quick:
        main_shape, rows = (200_000, 50), 50_000
        growth = [(100_000, 50), (200_000, 50), (50_000, 200)]
        dask_ml_shape = (50_000, 50)
    else:
        main_shape, rows = (10_000_000, 100), 250_000
        growth = [(1_000_000, 100), (100_000, 1000), (100_000, 3000)]
        dask_ml_shape = (1_000_000, 100)
    columns = ["n", "p", "X.T @ X (s)", "LassoCV(cv=5) (s)", "ratio",
               "client extra RSS (MB)", "RSS / bytes of X",
               "rows/s of the pass"]  # fmt: skip
    # warm up: workers' imports, numba's cache on the client
    one_pass_against_gram(20_000, 10, 5_000)
    first = one_pass_against_gram(*main_shape, rows)
    print("## One pass against one X.T @ X\n")
    print(table([first], columns))
    print("\n## How the cost grows\n")
    grown = [first] + [
        one_pass_against_gram(n, p, min(rows, max(10_000, 2_000_000 // p)))
        for n, p in growth
    ]
    print(table(grown, columns))
    rate = first["rows/s of the pass"]
    print(
        f"\nAt the measured pass rate ({rate:.3g} rows/s at p = {main_shape[1]}), "
        f"n = 1e8 would take about {1e8 / rate:.0f} s on this cluster."
    )
    alpha, rows_ml = against_dask_ml(*dask_ml_shape, rows, client)
    print(f"\n## Against dask-ml at alpha = {alpha:.4g} (n, p = {dask_ml_shape})\n")
    print(table(rows_ml, ["solver", "time (s)", "relative suboptimality", "nonzeros"]))
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
