"""The command line's output: text, JSON or CSV, and the figures as PNG files.

- text: what was done to the data, the model and its alpha, the report of
  the path (which feature entered or left at which alpha, and why), the
  coefficient table and where the figures are;
- json: the same numbers for a program (infinite numbers as ``null``);
- csv: the coefficient table alone.

The coefficient table lists every feature, largest coefficient first (on
the scale that was fitted), zeros included as zeros.
"""

import csv
import io
import json
import math
import os

import numpy as np

from .errors import InputError, optional
from .fitting import MODELS

FORMATS = ("text", "json", "csv")


def coefficient_order(fit):
    """Feature indices, largest |coefficient| first; ties keep the file's order."""
    return sorted(range(len(fit.names)), key=lambda j: -abs(fit.coef[j]))


def render(fmt, table, fit, figures):
    """The output in format ``fmt`` (a key of :data:`FORMATS`), as one string."""
    if fmt == "json":
        return render_json(table, fit, figures)
    if fmt == "csv":
        return render_csv(fit)
    return render_text(table, fit, figures)


def describe_model(fit):
    """``Lasso`` or ``Elastic net (l1_ratio = 0.5)``."""
    name = MODELS[fit.model]
    return name if fit.l1_ratio is None else f"{name} (l1_ratio = {fit.l1_ratio:g})"


def render_text(table, fit, figures):
    """What was done, the report of the path, the coefficients, the figures."""
    lines = [note[0].upper() + note[1:] for note in table.notes]
    scaled = (
        "features standardized to mean 0 and variance 1 (--no-standardize to fit "
        "them in their own units)"
        if fit.standardized
        else "features in their own units (not standardized)"
    )
    lines += [
        f"{describe_model(fit)} on {table.source}: {len(table.y)} samples, "
        f"{len(fit.names)} features, target {table.target}; {scaled}.",
        f"alpha = {fit.alpha:.6g} ({fit.how}).",
        "",
    ]
    report = getattr(fit.explanation, "report", None)
    if report is not None:
        lines += [str(report()), ""]
    elif fit.model == "ridge":
        lines += [
            "Ridge shrinks every coefficient towards zero and sets none to zero: "
            "its path has no entries or exits to explain.",
            "",
        ]
    lines += _coefficient_table(table, fit)
    if figures:
        lines += ["", "Figures written: " + ", ".join(figures)]
    return "\n".join(lines)


def _coefficient_table(table, fit):
    """The coefficient table as aligned text lines."""
    header = ["feature"]
    if fit.standardized:
        header += ["per sd", "per unit"]
    else:
        header += ["coefficient"]
    weighted = not np.all(fit.penalty_factor == 1)
    if weighted:
        header.append("weight" if fit.model == "adaptive" else "penalty factor")
    if fit.entry_alpha is not None:
        header.append("enters at alpha")
    rows = []
    for j in coefficient_order(fit):
        row = [fit.names[j], _number(fit.coef[j])]
        if fit.standardized:
            row.append(_number(fit.coef_per_unit[j]))
        if weighted:
            row.append(_number(fit.penalty_factor[j]))
        if fit.entry_alpha is not None:
            row.append(_entry(fit.entry_alpha[j], fit.penalty_factor[j]))
        rows.append(row)
    widths = [max(len(row[k]) for row in [header, *rows]) for k in range(len(header))]

    def aligned(row):
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        return "  " + "  ".join(cells).rstrip()

    if fit.standardized:
        scale = (
            "per sd: per standard deviation of the feature, the scale the penalty "
            "acts on; per unit: in the feature's own units"
        )
    else:
        scale = "in the features' own units"
    lines = [f"Coefficients at alpha = {fit.alpha:.6g}, largest first ({scale}):"]
    lines += [aligned(header), *map(aligned, rows)]
    lines.append(
        f"  intercept = {fit.intercept:.6g} (in {table.target}'s units, for the "
        "features in their own units)"
    )
    return lines


def _number(value):
    return "0" if value == 0 else f"{value:.6g}"


def _entry(alpha, factor):
    """The entry alpha of one feature, in words where it is not a number."""
    if math.isinf(factor):
        return "left out"
    if math.isinf(alpha):
        return "unpenalized"
    return "never" if alpha == 0 else f"{alpha:.6g}"


def _finite(value):
    """A float for JSON: infinite or NaN numbers become None (``null``)."""
    value = float(value)
    return value if math.isfinite(value) else None


def _by_name(fit, values):
    if values is None:
        return None
    return {name: _finite(value) for name, value in zip(fit.names, values)}


def render_json(table, fit, figures):
    """The fit as a JSON object (see ``python -m skreg --help``)."""
    events = [
        {
            "alpha": _finite(event.alpha),
            "feature": str(event.feature),
            "event": str(event.event),
            "sign": int(event.sign),
            "correlation": _finite(event.correlation),
            "penalty": _finite(event.penalty),
        }
        for event in getattr(fit.explanation, "events", None) or []
    ]
    document = {
        "source": table.source,
        "target": table.target,
        "model": fit.model,
        "l1_ratio": fit.l1_ratio,
        "n_samples": len(table.y),
        "n_features": len(fit.names),
        "standardized": fit.standardized,
        "alpha": fit.alpha,
        "alpha_choice": fit.how,
        "intercept": _finite(fit.intercept),
        "coefficients": _by_name(fit, fit.coef),
        "coefficients_per_unit": _by_name(fit, fit.coef_per_unit),
        "penalty_factor": _by_name(fit, fit.penalty_factor),
        "entry_alpha": _by_name(fit, fit.entry_alpha),
        "events": events,
        "figures": list(figures),
        "notes": list(table.notes),
        "warnings": list(fit.warnings),
    }
    return json.dumps(document, indent=2, allow_nan=False)


def render_csv(fit):
    """The coefficient table as CSV, the intercept first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "feature",
            "coefficient",
            "coefficient_per_unit",
            "penalty_factor",
            "entry_alpha",
        ]
    )
    per_unit = fit.coef_per_unit if fit.standardized else fit.coef
    writer.writerow(
        ["(intercept)", repr(fit.intercept_as_fitted), repr(fit.intercept), "", ""]
    )
    for j in coefficient_order(fit):
        entry = "" if fit.entry_alpha is None else repr(float(fit.entry_alpha[j]))
        writer.writerow(
            [
                fit.names[j],
                repr(float(fit.coef[j])),
                repr(float(per_unit[j])),
                repr(float(fit.penalty_factor[j])),
                entry,
            ]
        )
    return buffer.getvalue().rstrip("\n")


def prepare_folder(out):
    """Create the figures' folder ``out``, or say in one line why it cannot be."""
    if os.path.exists(out) and not os.path.isdir(out):
        raise InputError(
            f"--out {out} is a file, not a folder; choose another folder, or pass "
            "--no-plot."
        )
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"cannot create the folder {out} for the figures: {exc.strerror}; "
            "choose another with --out, or pass --no-plot."
        ) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(
            f"cannot write the figures into {out}: permission denied; choose "
            "another folder with --out, or pass --no-plot."
        )


def write_figures(fit, out):
    """Write the fit's figures as PNG files into ``out``; return their paths.

    L1 models: the coefficient path with its events (``path.png``) and each
    feature's correlation with the residual against its penalty
    (``kkt.png``). Ridge: its explanation's coefficient paths and kept
    fractions (``path.png``), when it has an explanation.
    """
    matplotlib = optional("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skreg.plotting import KKTDisplay, PathDisplay

    figures = []
    if fit.model != "ridge":
        for name, display in [("path.png", PathDisplay), ("kkt.png", KKTDisplay)]:
            figures.append((name, display.from_estimator(fit.estimator).figure_))
    elif hasattr(fit.explanation, "plot"):
        drawn = fit.explanation.plot()
        figure = getattr(drawn, "figure_", None) or getattr(drawn, "figure", None)
        figures.append(("path.png", figure or plt.gcf()))
    paths = []
    for name, figure in figures:
        path = os.path.abspath(os.path.join(out, name))
        try:
            figure.savefig(path, dpi=110, bbox_inches="tight")
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror}.") from None
        finally:
            plt.close(figure)
        paths.append(path)
    return paths
