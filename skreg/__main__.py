"""``python -m skreg``: explain a lasso path, feature by feature.

Runs on scikit-learn's diabetes data by default, or on a CSV file::

    python -m skreg
    python -m skreg data.csv --target COLUMN [--alpha A] [--adaptive] [--out DIR]

It fits a lasso (or an adaptive lasso) with ``explain=True`` at the given
alpha, or at the alpha chosen by 5-fold cross-validation, prints the report
of the path (which feature entered or left at which alpha, and the KKT numbers
that decided it), and writes two figures as PNG: the coefficient path with its
events, and each feature's correlation with the residual against its penalty.
"""

import argparse
import csv
import importlib
import os
import sys

import numpy as np


class InputError(Exception):
    """A problem with the user's input, reported as one line, no traceback."""


def load_data(path, target):
    """Features, target and feature names from the diabetes data or a CSV."""
    if path is None:
        from sklearn.datasets import load_diabetes

        data = load_diabetes()
        return data.data, data.target, list(data.feature_names), "diabetes data"
    if target is None:
        raise InputError("name the target column with --target COLUMN.")
    try:
        with open(path, newline="") as handle:
            rows = [row for row in csv.reader(handle) if row]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}.") from None
    if len(rows) < 3:
        raise InputError(f"{path} needs a header line and at least two rows.")
    header, body = [name.strip() for name in rows[0]], rows[1:]
    if target not in header:
        raise InputError(
            f"target column {target!r} not found in {path}; columns are: "
            f"{', '.join(header)}."
        )
    if any(len(row) != len(header) for row in body):
        raise InputError(f"{path} has rows with a different number of fields.")
    column = header.index(target)
    columns = list(zip(*body))
    values = []
    for name, cells in zip(header, columns):
        try:
            values.append([float(cell) for cell in cells])
        except ValueError:
            role = "target" if name == target else "feature"
            raise InputError(
                f"{role} column {name!r} is not numeric; skreg needs numbers "
                "(encode categories first)."
            ) from None
    values = np.array(values).T
    if not np.isfinite(values).all():
        raise InputError(f"{path} has missing or infinite values; impute them first.")
    names = [name for k, name in enumerate(header) if k != column]
    if not names:
        raise InputError(f"{path} has no feature column besides {target!r}.")
    return np.delete(values, column, axis=1), values[:, column], names, path


def _optional(name):
    """Import an optional dependency of the command line, or say how to get it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise InputError(
            f"the command line needs {name}; install it with "
            "pip install 'skreg[cli]' (or pip install -e '.[cli]' in a checkout)."
        ) from None


def standardize(X):
    """Centre and scale to unit variance, so that one alpha treats all alike."""
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    return (X - X.mean(axis=0)) / scale


def fit_explained(X, y, names, alpha, adaptive):
    """Fit the explained model; return it and how alpha was chosen."""
    pd = _optional("pandas")

    from skreg import AdaptiveLasso, AdaptiveLassoCV, Lasso, LassoCV

    frame = pd.DataFrame(X, columns=names)
    how = "given"
    if alpha is None:
        search = AdaptiveLassoCV(cv=5, gammas=(1.0,)) if adaptive else LassoCV(cv=5)
        alpha = float(search.fit(frame, y).alpha_)
        how = "chosen by 5-fold cross-validation"
    model = (
        AdaptiveLasso(alpha=alpha, explain=True)
        if adaptive
        else Lasso(alpha=alpha, explain=True, tol=1e-8)
    )
    return model.fit(frame, y), how


def write_figures(model, out):
    """Write the path and KKT figures as PNG files into ``out``."""
    matplotlib = _optional("matplotlib")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import KKTDisplay, PathDisplay

    os.makedirs(out, exist_ok=True)
    paths = []
    for name, display in [("path.png", PathDisplay), ("kkt.png", KKTDisplay)]:
        shown = display.from_estimator(model)
        path = os.path.join(out, name)
        shown.figure_.savefig(path, dpi=110, bbox_inches="tight")
        plt.close(shown.figure_)
        paths.append(path)
    return paths


def main(argv=None):
    """Entry point of ``python -m skreg``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m skreg",
        description="Explain a lasso path: which feature entered or left at "
        "which alpha, and the KKT numbers that decided it.",
    )
    parser.add_argument("csv", nargs="?", help="CSV file (default: diabetes data)")
    parser.add_argument("--target", help="name of the target column of the CSV")
    parser.add_argument("--alpha", type=float, help="penalty (default: by CV)")
    parser.add_argument(
        "--adaptive", action="store_true", help="use the adaptive lasso"
    )
    parser.add_argument("--out", default="skreg_output", help="folder for the figures")
    args = parser.parse_args(argv)
    if args.alpha is not None and not (args.alpha > 0 and np.isfinite(args.alpha)):
        print("skreg: --alpha must be a positive number.", file=sys.stderr)
        return 2
    try:
        X, y, names, source = load_data(args.csv, args.target)
    except InputError as error:
        print(f"skreg: {error}", file=sys.stderr)
        return 1

    try:
        model, how = fit_explained(standardize(X), y, names, args.alpha, args.adaptive)
    except InputError as error:
        print(f"skreg: {error}", file=sys.stderr)
        return 1
    kind = "Adaptive lasso" if args.adaptive else "Lasso"
    print(
        f"{kind} on {source}: {X.shape[0]} samples, {X.shape[1]} features "
        "(standardized to unit variance)."
    )
    print(f"alpha = {model.alpha:.6g} ({how}).")
    print()
    print(model.explanation_.report())
    try:
        figures = write_figures(model, args.out)
    except InputError as error:
        print(f"skreg: {error}", file=sys.stderr)
        return 1
    print()
    print("Figures written: " + ", ".join(os.path.abspath(p) for p in figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
