"""``python -m skreg``: the arguments, and the run from the CSV to the output."""

import argparse
import math
import os
import sys

from .errors import InputError, UsageError, optional
from .fitting import MODELS, fit_model, parse_penalty_factors
from .output import FORMATS, prepare_folder, render, write_figures
from .reading import MISSING_CHOICES, load_diabetes_table, read_table

_DESCRIPTION = """\
Explain a regularized linear regression: which feature entered or left the
model at which alpha, the KKT numbers that decided it, and the coefficients.
Runs on scikit-learn's diabetes data, or on a CSV file with a header line."""

_EPILOG = """\
reading a CSV: UTF-8 (with or without a byte-order mark), UTF-16 or UTF-32
with a byte-order mark, else Windows-1252 (said when used); separated by
commas, or by ';', tabs or '|' when the header has no comma. Rows whose target
is missing are dropped (and counted); missing feature values are refused
unless --missing says what to do. Text columns are one-hot encoded: a 0/1
column per level but the first (the reference), named COLUMN_LEVEL, as R's
model.matrix does; --penalty-factor COLUMN=VALUE sets all of them.

alpha: the given one, else chosen by 5-fold cross-validation on shuffled rows
(seed 0; ridge: leave-one-out), which needs at least 5 rows. Features are
standardized (mean 0, variance 1) before the fit unless --no-standardize; the
coefficient table then gives each coefficient per standard deviation (the
scale the penalty acts on) and per unit of the feature.

output: --format text (default) prints what was done to the data, the report
of the path, the coefficient table and the figures' paths; json prints alpha,
intercept, coefficients, penalty factors and entry alphas by feature name, the
path's events, the figures' paths and the notes (infinite numbers as null);
csv prints the coefficient table alone (notes go to stderr). The figures,
path.png and kkt.png, go into --out unless --no-plot. The first fit after
installing skreg compiles its kernels (~20-30 s), which it says on stderr.

exit status: 0 done, 1 a problem with the data or a file, 2 a problem with
the command line, 3 an unexpected error (please report it; --debug shows it)."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (a UsageError)."""

    def error(self, message):
        raise UsageError(message)


def _parser():
    parser = _Parser(
        prog="python -m skreg",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("csv", nargs="?", help="CSV file (default: diabetes data)")
    parser.add_argument(
        "--target", metavar="COLUMN", help="name of the target column of the CSV"
    )
    parser.add_argument(
        "--model",
        choices=list(MODELS),
        help="lasso (default), elastic net, adaptive lasso or ridge",
    )
    parser.add_argument(
        "--adaptive", action="store_true", help="the same as --model adaptive"
    )
    parser.add_argument(
        "--alpha",
        type=float,
        metavar="A",
        help="penalty strength (default: by cross-validation)",
    )
    parser.add_argument(
        "--l1-ratio",
        type=float,
        metavar="R",
        help="the elastic net's mix, in (0, 1]; 1 is the lasso (default: 0.5)",
    )
    parser.add_argument(
        "--penalty-factor",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="multiply NAME's penalty by VALUE (0: unpenalized, inf: left out); "
        "repeatable",
    )
    parser.add_argument(
        "--missing",
        choices=MISSING_CHOICES,
        default="refuse",
        help="what to do with missing feature values: refuse (default), drop "
        "their rows, or fill them with their column's mean or median (text: its "
        "most frequent value)",
    )
    parser.add_argument(
        "--na-values",
        action="append",
        default=[],
        metavar="TEXT",
        help="a cell value that means missing, besides empty, NA, NaN, n/a, "
        "null...; repeatable",
    )
    parser.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="COLUMN",
        help="leave COLUMN out of the features; repeatable",
    )
    parser.add_argument(
        "--no-standardize",
        dest="standardize",
        action="store_false",
        help="fit the features in their own units",
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="text", help="output format"
    )
    parser.add_argument(
        "--out", default="skreg_output", metavar="DIR", help="folder for the figures"
    )
    parser.add_argument("--no-plot", action="store_true", help="write no figures")
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of unexpected errors"
    )
    return parser


def main(argv=None):
    """Entry point of ``python -m skreg``.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments (``sys.argv[1:]`` when None).

    Returns
    -------
    status : int
        0 done, 1 a problem with the data or a file, 2 a problem with the
        command line, 3 an unexpected error; every error is one line on
        stderr.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return _run(_parser().parse_args(argv))
    except SystemExit as exit:  # --help
        return exit.code if isinstance(exit.code, int) else 0
    except UsageError as error:
        message = str(error).rstrip(".")
        print(f"skreg: {message} (see python -m skreg --help).", file=sys.stderr)
        return 2
    except InputError as error:
        print(f"skreg: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader of stdout left (python -m skreg ... | head): not an error
        # to report, but the rest of the output must not go anywhere
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("skreg: interrupted.", file=sys.stderr)
        return 130
    except Exception as error:
        if "--debug" in argv:
            raise
        message = " ".join(str(error).split())
        print(
            f"skreg: unexpected error, please report it (--debug shows where): "
            f"{type(error).__name__}: {message}",
            file=sys.stderr,
        )
        return 3


def _checked_model(args):
    """The model the arguments ask for, after checking that they agree."""
    if args.adaptive and args.model not in (None, "adaptive"):
        raise UsageError(f"--adaptive contradicts --model {args.model}.")
    model = "adaptive" if args.adaptive else args.model or "lasso"
    if args.alpha is not None and not (args.alpha > 0 and math.isfinite(args.alpha)):
        raise UsageError("--alpha must be a positive number.")
    if args.l1_ratio is not None:
        if model != "enet":
            raise UsageError("--l1-ratio applies to --model enet only.")
        if not 0 < args.l1_ratio <= 1:
            raise UsageError("--l1-ratio must be in (0, 1].")
    if args.csv is None and args.target is not None:
        raise UsageError("--target names a column of a CSV file: give the file too.")
    if args.csv is not None and args.target is None:
        raise UsageError(f"name the target column of {args.csv} with --target COLUMN.")
    return model


def _run(args):
    """Read, fit, draw and print, as ``args`` say; return the exit status."""
    model = _checked_model(args)
    penalty = parse_penalty_factors(args.penalty_factor)
    optional("pandas")
    if not args.no_plot:
        optional("matplotlib")
    if args.csv is None:
        table = load_diabetes_table()
    else:
        table = read_table(
            args.csv,
            args.target,
            missing=args.missing,
            na_values=args.na_values,
            drop=args.drop,
        )
    if not args.no_plot:
        # before the fit: a bad folder should not cost the wait for the fit
        prepare_folder(args.out)
    fit = fit_model(
        table,
        model=model,
        alpha=args.alpha,
        l1_ratio=args.l1_ratio,
        penalty=penalty,
        standardize=args.standardize,
    )
    for warning in fit.warnings:
        print(f"skreg: warning: {warning}", file=sys.stderr)
    figures = [] if args.no_plot else write_figures(fit, args.out)
    if args.format == "csv":
        for note in table.notes:
            print(f"skreg: {note}", file=sys.stderr)
    print(render(args.format, table, fit, figures))
    return 0
