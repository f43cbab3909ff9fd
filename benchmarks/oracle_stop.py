"""How many epochs a path needs if each alpha stops as soon as it may.

Question behind the next step of issue 22: skreg stops each alpha on its
duality gap, which on the hard regimes is orders of magnitude above the
suboptimality (``bench_hard.py`` logs both). How many epochs would an oracle
stop need, one that ends each alpha at the first epoch whose relative
suboptimality is <= 1e-6? Each alpha is solved from the oracle solution of the
previous one by ``Lasso(max_iter=k, tol=1e-14, warm_start=True)`` for k = 1,
2, ... (P* from skreg at tol=1e-14); the total is compared with the epochs of
skreg's path at a given tol. A bound on what a tighter gap (e.g. dual
extrapolation) could save, not a solver.

Run: ``python benchmarks/oracle_stop.py [--regime dense] [--pf no] [--tol 1e-4]``
"""

import argparse
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _criteria import null_objective, weighted_primal_objectives  # noqa: E402
from _timing import TARGET  # noqa: E402
from bench_hard import pf_alpha_max, regime  # noqa: E402

import skreg  # noqa: E402


def oracle_epochs(X, y, pf, alphas, optimal, most=200):
    """Epochs per alpha of the oracle stop (see the module docstring)."""
    w = np.zeros(X.shape[1])
    epochs = []
    for alpha, best in zip(alphas, optimal):
        for k in range(1, most + 1):
            model = skreg.Lasso(
                alpha=alpha, fit_intercept=False, tol=1e-14, max_iter=k,
                penalty_factor=pf, warm_start=True,
            )  # fmt: skip
            model.coef_ = w.copy()
            model.fit(X, y)
            primal = weighted_primal_objectives(
                X, y, model.coef_[:, None], np.array([alpha]), pf
            )[0]
            if (primal - best) / null_objective(y) <= TARGET:
                break
        w = model.coef_.copy()
        epochs.append(k)
    return np.array(epochs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regime", default="dense")
    parser.add_argument("--pf", default="no", choices=["no", "yes"])
    parser.add_argument("--tol", type=float, default=1e-4)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    _, X, y, pf = regime(args.regime)
    if args.pf == "no":
        pf = np.ones(X.shape[1])
    top = pf_alpha_max(X, y, pf)
    alphas = np.geomspace(top, top / 100, 100)
    _, reference, _ = skreg.lasso_path(
        X, y, alphas=alphas, tol=1e-14, penalty_factor=pf
    )
    optimal = weighted_primal_objectives(X, y, reference, alphas, pf)
    _, coefs, _, n_iter = skreg.lasso_path(
        X, y, alphas=alphas, tol=args.tol, penalty_factor=pf, return_n_iter=True
    )
    sub = (weighted_primal_objectives(X, y, coefs, alphas, pf) - optimal) / (
        null_objective(y)
    )
    oracle = oracle_epochs(X, y, pf, alphas, optimal)
    path = np.asarray(n_iter)
    print(f"{args.regime}, pf={args.pf}: oracle {oracle.sum()} epochs; path at "
          f"tol={args.tol:.0e} {path.sum()} epochs, relative suboptimality "
          f"median {np.median(sub):.1e}, worst {sub.max():.1e}")  # fmt: skip
    print("epochs per 10 alphas, oracle:", [int(oracle[k : k + 10].sum())
                                            for k in range(0, 100, 10)])  # fmt: skip
    print("epochs per 10 alphas, path:  ", [int(path[k : k + 10].sum())
                                            for k in range(0, 100, 10)])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
