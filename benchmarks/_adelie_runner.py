"""Run adelie's lasso path in its own environment (adelie pins numpy<2).

Usage, with the adelie venv's python (see benchmarks/README.md):

    /work/adelie-venv/bin/python benchmarks/_adelie_runner.py IN.npz OUT.npz

IN.npz holds X (n, p; or a CSC matrix as X_data, X_indices, X_indptr and
X_shape), y (n,), pf (p,), alphas (L,) and tol, on skreg's
scale: 1/(2n) ||y - Xw||^2 + alpha sum_j pf_j |w_j|, no intercept. OUT.npz
gets coefs (p, L) and seconds, the time of the ``grpnet`` call alone (import,
data loading and the conversion of the result excluded), and repeats: each
run's seconds when ``repeats`` > 1 in IN.npz (the first run is untimed).

adelie's gaussian loss with its default weights 1/n is 1/(2n) ||y - Xw||^2,
and its lasso penalty is lmda sum_j pf_j |w_j| with pf used as given (not
renormalized: checked against scikit-learn's Lasso, see README), so
lmda = alpha. ``early_exit=False`` solves every alpha of the path.
"""

import sys
import time

import numpy as np


def main(source, target):
    import adelie as ad

    data = np.load(source)
    if "X_data" in data:  # CSC X, viewed by adelie's sparse matrix
        from scipy import sparse

        parts = (data["X_data"], data["X_indices"], data["X_indptr"])
        csc = sparse.csc_matrix(parts, shape=tuple(data["X_shape"]))
        X = ad.matrix.sparse(csc, method="naive", n_threads=1)
        n_features = csc.shape[1]
    else:
        X = np.asfortranarray(data["X"], dtype=np.float64)
        n_features = X.shape[1]
    y = np.asarray(data["y"], dtype=np.float64)
    pf = np.asarray(data["pf"], dtype=np.float64)
    alphas = np.asarray(data["alphas"], dtype=np.float64)
    tol = float(data["tol"])
    repeats = int(data["repeats"]) if "repeats" in data else 1

    def run():
        start = time.perf_counter()
        state = ad.grpnet(
            X=X,
            glm=ad.glm.gaussian(y=y),
            penalty=pf,
            lmda_path=alphas,
            intercept=False,
            early_exit=False,
            tol=tol,
            progress_bar=False,
            n_threads=1,
        )
        return time.perf_counter() - start, state

    times = []
    if repeats > 1:
        run()  # untimed
    for _ in range(repeats):
        seconds, state = run()
        times.append(seconds)
    betas = state.betas
    betas = betas.toarray() if hasattr(betas, "toarray") else np.asarray(betas)
    coefs = np.full((n_features, alphas.size), np.nan)
    solved = np.asarray(state.lmdas)
    coefs[:, : betas.shape[0]] = betas.T
    np.savez(
        target,
        coefs=coefs,
        seconds=float(np.median(times)),
        repeats=np.asarray(times),
        lmdas=solved,
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
