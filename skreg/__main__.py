"""``python -m skreg``: fit a cross-validated lasso and say what it kept and why.

Runs on scikit-learn's diabetes data by default, or on a CSV file::

    python -m skreg                       # diabetes data
    python -m skreg data.csv --target y   # a CSV with a numeric target column
"""

import argparse
import sys

import numpy as np


def _load(path, target):
    """Features, target and feature names from scikit-learn's data or a CSV."""
    if path is None:
        from sklearn.datasets import load_diabetes

        data = load_diabetes()
        return data.data, data.target, list(data.feature_names), "diabetes"
    import csv

    try:
        with open(path, newline="") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise SystemExit(f"skreg: cannot read {path}: {exc.strerror}") from None
    if len(rows) < 3:
        raise SystemExit(f"skreg: {path} needs a header line and at least 2 rows.")
    header, body = rows[0], rows[1:]
    if target is None:
        raise SystemExit("skreg: name the target column with --target COLUMN.")
    if target not in header:
        raise SystemExit(
            f"skreg: target column {target!r} not found in {path}; "
            f"columns are: {', '.join(header)}."
        )
    try:
        values = np.array(body, dtype=np.float64)
    except ValueError:
        raise SystemExit(
            f"skreg: {path} has non-numeric values; skreg needs numbers in "
            "every column (encode categories first)."
        ) from None
    column = header.index(target)
    names = [name for k, name in enumerate(header) if k != column]
    return np.delete(values, column, axis=1), values[:, column], names, path


def main(argv=None):
    """Entry point of ``python -m skreg``; returns the exit status."""
    from skreg import Lasso, LassoCV

    parser = argparse.ArgumentParser(
        prog="python -m skreg",
        description="Fit a lasso, choose alpha by cross-validation, and show "
        "which features it kept and why (the KKT conditions).",
    )
    parser.add_argument("csv", nargs="?", help="CSV file (default: diabetes)")
    parser.add_argument("--target", help="name of the target column in the CSV")
    parser.add_argument("--alpha", type=float, help="penalty (default: by CV)")
    args = parser.parse_args(argv)

    X, y, names, source = _load(args.csv, args.target)
    # Standardize so that one alpha treats every feature alike.
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    Xs = (X - X.mean(axis=0)) / scale
    if args.alpha is None:
        alpha = LassoCV(cv=5).fit(Xs, y).alpha_
        how = "chosen by 5-fold cross-validation"
    else:
        alpha = args.alpha
        how = "given"
    model = Lasso(alpha=alpha, tol=1e-8).fit(Xs, y)
    residual = y - model.predict(Xs)
    pull = np.abs(Xs.T @ residual) / len(y)

    print(f"Lasso on {source}: {X.shape[0]} samples, {X.shape[1]} features")
    print(f"alpha = {alpha:.4g} ({how}); duality gap {model.dual_gap_:.2e}")
    print()
    print("A coefficient is zero exactly when |x_j' r| / n <= alpha:")
    print(f"{'feature':>12} {'coef':>10} {'|x_j.r|/n':>10}  verdict")
    for name, coef, p in zip(names, model.coef_, pull):
        verdict = "kept (pull = alpha)" if coef != 0 else "zeroed (pull < alpha)"
        print(f"{name:>12} {coef:>10.4f} {p:>10.4f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
