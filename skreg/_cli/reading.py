"""Read a CSV file into a numeric table for a regression, saying what was done.

Real CSV files are not all UTF-8, comma-separated and numeric. This module
decodes them (UTF-8 with or without a byte-order mark, UTF-16/32 by their
byte-order mark, else Windows-1252), finds the separator, refuses what it
cannot read sensibly (duplicate column names, a text target, a column of
numbers with a stray word, an identifier column) with a one-line reason, drops
the rows whose target is missing, handles missing features as the user chose
and one-hot encodes text columns. Every change to the data is reported as a
note, so that the output says what was fitted.
"""

import csv
import difflib
import io
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .errors import InputError, UsageError, optional

#: what ``--missing`` can do with missing feature values
MISSING_CHOICES = ("refuse", "drop", "mean", "median")

# separators tried, in this order, when the header line has no comma
_OTHER_SEPARATORS = {";": "';'", "\t": "tabs", "|": "'|'"}

# how many names a message lists before it says "and N more"
_SHOWN = 10


@dataclass
class Table:
    """The numeric data to fit, and what was done to get it.

    Attributes
    ----------
    X : pandas.DataFrame
        The features as float64 columns, text columns one-hot encoded.
    y : ndarray of shape (n_samples,)
        The target, float64.
    source : str
        Where the data came from (the CSV's path, or "diabetes data").
    target : str
        The target's name.
    notes : list of str
        One sentence per change made to the data (encoding, dropped rows,
        imputed values, one-hot encoding), in the order they were made.
    groups : dict
        For every one-hot encoded column, its name -> the names of its 0/1
        columns in ``X`` (so that a penalty factor can name the column).
    """

    X: object
    y: np.ndarray
    source: str
    target: str
    notes: list = field(default_factory=list)
    groups: dict = field(default_factory=dict)


def load_diabetes_table():
    """scikit-learn's diabetes data (the default data of the command line)."""
    from sklearn.datasets import load_diabetes

    data = load_diabetes(as_frame=True)
    return Table(
        data.data,
        data.target.to_numpy(float),
        "diabetes data",
        "disease progression",
    )


def read_table(path, target, *, missing="refuse", na_values=(), drop=()):
    """Read ``path`` and return the :class:`Table` to regress ``target`` on.

    Parameters
    ----------
    path : str
        The CSV file, with a header line of column names.
    target : str
        The name of the target column.
    missing : {"refuse", "drop", "mean", "median"}, default="refuse"
        What to do with missing feature values: refuse to go on (naming the
        columns), drop those rows, or fill numeric cells with their column's
        mean or median (text cells with their most frequent value).
    na_values : sequence of str, default=()
        Cell values that mean "missing" besides pandas' own (empty, NA, NaN,
        n/a, null, ...).
    drop : sequence of str, default=()
        Columns to leave out.

    Returns
    -------
    table : Table

    Raises
    ------
    InputError
        If the file cannot be read or its content cannot be regressed as is.
    """
    pd = optional("pandas")
    text, notes = _read_text(path)
    separator = ","
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for candidate, said in _OTHER_SEPARATORS.items():
            if candidate in first_line:
                separator = candidate
                notes.append(f"{path} is separated by {said}, not commas.")
                break
    header = [
        name.strip()
        for name in next(csv.reader(io.StringIO(text), delimiter=separator))
    ]
    labels = len(header) > 1 and header[0] == ""
    if labels:
        # R's write.csv writes row names as a first column without a name
        notes.append("its first column has no name: read as row labels, not data.")
        header = header[1:]
    _check_header(header, path)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            index_col=0 if labels else None,
            na_values=list(na_values) or None,
            skipinitialspace=True,
            low_memory=False,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown"
        raise InputError(f"cannot parse {path}: {reason}.") from None
    if frame.shape[1] != len(header):
        raise InputError(
            f"the rows of {path} have more fields than its header line has names."
        )
    frame.columns = header
    n_read = len(frame)
    if n_read == 0:
        raise InputError(f"{path} has a header line but no rows of data.")
    notes.insert(0, f"read {path}: {n_read} rows, {len(header)} columns.")

    y = _target(frame, target, path)
    features = frame.drop(columns=[target, *_known(drop, header, "--drop", target)])
    if features.shape[1] == 0:
        raise InputError(f"{path} has no feature column besides {target!r}.")
    text_columns = _classify(features, path)

    keep = ~np.isnan(y)
    if not keep.all():
        notes.append(
            f"dropped {int((~keep).sum())} rows whose target {target} is missing "
            f"({int(keep.sum())} of {n_read} remain)."
        )
        features, y = features[keep], y[keep]
    if len(y) == 0:
        raise InputError(f"{path} has no row with a value of the target {target!r}.")
    features, y = _handle_missing(features, y, missing, text_columns, notes, path)
    X, groups = _encode(features, text_columns, notes, path)
    return Table(X, y, path, target, notes, groups)


def _read_text(path):
    """The file's text and a note on its encoding when it is not UTF-8."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}.") from None
    text, encoding = None, None
    for bom, name in [
        ((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"), "UTF-32"),
        ((b"\xff\xfe", b"\xfe\xff"), "UTF-16"),
    ]:
        if raw.startswith(bom):
            try:
                text, encoding = raw.decode(name.lower().replace("-", "")), name
            except UnicodeDecodeError:
                raise InputError(
                    f"{path} starts like {name} text but does not decode as "
                    f"{name}; save it as UTF-8."
                ) from None
            break
    if text is None:
        try:
            # utf-8-sig drops the byte-order mark Excel writes before the header
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            # not UTF-8: most likely Excel's Windows-1252 (which extends Latin-1)
            try:
                text, encoding = raw.decode("cp1252"), "Windows-1252"
            except UnicodeDecodeError:
                text, encoding = raw.decode("latin-1"), "Latin-1"
    if "\x00" in text:
        raise InputError(
            f"{path} contains NUL bytes: it is not a text CSV file (or is UTF-16 "
            "without a byte-order mark); save it as a UTF-8 CSV."
        )
    if not text.strip():
        raise InputError(f"{path} is empty.")
    notes = []
    if encoding is not None:
        notes.append(f"{path} is not UTF-8: read it as {encoding}.")
    return text, notes


def _check_header(header, path):
    """Refuse unnamed and duplicate column names (pandas would rename them)."""
    for position, name in enumerate(header, start=1):
        if not name:
            raise InputError(
                f"column {position} of {path} has no name in the header line; name it."
            )
    counts = Counter(header)
    duplicates = [
        f"{name!r} ({counts[name]} times)" for name in counts if counts[name] > 1
    ]
    if duplicates:
        raise InputError(
            f"{path} has duplicate column names: {_listed(duplicates)}; give "
            "each column its own name."
        )


def _listed(items, shown=_SHOWN):
    """``a, b, c`` or ``a, b, ... and 12 more``."""
    items = list(items)
    if len(items) <= shown:
        return ", ".join(items)
    return ", ".join(items[:shown]) + f" and {len(items) - shown} more"


def suggestion(name, names):
    """``; did you mean 'x'?`` for the closest of ``names``, or ``""``."""
    folded = {str(n).casefold(): n for n in names}
    close = [folded[name.casefold()]] if name.casefold() in folded else []
    close = close or difflib.get_close_matches(name, [str(n) for n in names], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _known(names, header, option, target):
    """Check that the columns ``names`` (of ``option``) exist and are features."""
    for name in names:
        if name == target:
            raise UsageError(f"{option} {name}: that is the target column.")
        if name not in header:
            raise InputError(
                f"{option} {name}: no such column{suggestion(name, header)}"
            )
    return list(dict.fromkeys(names))


def _target(frame, target, path):
    """The target column as float64 (NaN where missing), or a reason why not."""
    pd = optional("pandas")
    columns = list(frame.columns)
    if target not in columns:
        raise InputError(
            f"target column {target!r} not found in {path}"
            f"{suggestion(target, columns) or ';'} columns are: "
            f"{_listed(columns)}."
        )
    column = frame[target]
    values = pd.to_numeric(column, errors="coerce").astype(float)
    bad = np.flatnonzero(column.notna().to_numpy() & values.isna().to_numpy())
    if bad.size:
        raise InputError(
            f"target column {target!r} is not numeric ({column.iloc[bad[0]]!r} on "
            f"line {bad[0] + 2}); skreg fits a numeric target."
        )
    values = values.to_numpy()
    if np.isinf(values).any():
        line = int(np.flatnonzero(np.isinf(values))[0]) + 2
        raise InputError(f"target column {target!r} is infinite on line {line}.")
    return values


def _classify(features, path):
    """The text columns of ``features``; refuse the columns no encoding fits."""
    pd = optional("pandas")
    text_columns = []
    for name in features.columns:
        column = features[name]
        if column.isna().all():
            raise InputError(
                f"column {name!r} of {path} is empty; leave it out with --drop {name}."
            )
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            values = column.to_numpy(dtype=float, na_value=np.nan)
            if np.isinf(values).any():
                line = int(np.flatnonzero(np.isinf(values))[0]) + 2
                raise InputError(
                    f"column {name!r} of {path} is infinite on line {line}."
                )
            continue
        numbers = pd.to_numeric(column, errors="coerce")
        words = np.flatnonzero(column.notna().to_numpy() & numbers.isna().to_numpy())
        if numbers.notna().sum() >= words.size:
            # mostly numbers: a stray word marks missing values, not categories
            word = column.iloc[words[0]]
            raise InputError(
                f"column {name!r} holds numbers except for {words.size} cell(s) "
                f"like {word!r} (line {words[0] + 2}); if that means missing, "
                f"say so with --na-values {word!r}."
            )
        text_columns.append(name)
    return text_columns


def _handle_missing(features, y, missing, text_columns, notes, path):
    """Refuse, drop or fill missing feature values, as ``missing`` says."""
    counts = features.isna().sum()
    counts = counts[counts > 0]
    if counts.empty:
        return features, y
    told = _listed(
        f"{name} ({count} row{'s' if count > 1 else ''})"
        for name, count in counts.items()
    )
    if missing == "refuse":
        raise InputError(
            f"missing values in feature columns of {path}: {told}; fill them in, "
            "or pass --missing drop (leave those rows out), --missing mean or "
            "--missing median (fill numbers with their column's mean or median, "
            "text with its most frequent value)."
        )
    if missing == "drop":
        complete = features.notna().all(axis=1).to_numpy()
        notes.append(
            f"dropped {int((~complete).sum())} rows with a missing feature value "
            f"({told}; {int(complete.sum())} rows remain)."
        )
        if not complete.any():
            raise InputError(f"no row of {path} has a value in every feature column.")
        return features[complete], y[complete]
    filled = features.copy()
    for name in counts.index:
        column = features[name]
        if name in text_columns:
            filled[name] = column.fillna(column.mode().sort_values().iloc[0])
        else:
            average = column.mean() if missing == "mean" else column.median()
            filled[name] = column.astype(float).fillna(average)
    how = "the mean" if missing == "mean" else "the median"
    notes.append(
        f"filled missing feature values ({told}) with {how} of their column "
        "(text: its most frequent value)."
    )
    return filled, y


def _encode(features, text_columns, notes, path):
    """Float64 features, each text column as 0/1 columns for its levels.

    The first level (in sorted order) is the reference and gets no column, as
    R's ``model.matrix`` (and so ISLR's glmnet labs) does: a column per level
    would make a two-level column's pair exact mirror images after
    centring, between which the lasso's choice is arbitrary, and the exact
    homotopy would stop at their tie.
    """
    pd = optional("pandas")
    n_rows = len(features)
    names, columns, groups, told, constant = [], [], {}, [], []
    for name in features.columns:
        column = features[name]
        if name not in text_columns:
            names.append(name)
            columns.append(column.to_numpy(dtype=float, na_value=np.nan))
            continue
        values = column.astype(str).str.strip()
        levels = sorted(values.unique())
        if len(levels) > max(20, n_rows / 2):
            raise InputError(
                f"column {name!r} of {path} has {len(levels)} different text values "
                f"in {n_rows} rows: an identifier or free text, not categories; "
                f"leave it out with --drop {name}."
            )
        if len(levels) == 1:
            constant.append(name)
            continue
        dummies = [f"{name}_{level}" for level in levels[1:]]
        for level in levels[1:]:
            columns.append((values == level).to_numpy(dtype=float))
        names.extend(dummies)
        groups[name] = dummies
        shown = ", ".join(dummies[:3]) + (", ..." if len(dummies) > 3 else "")
        told.append(f"{name} -> {shown} (reference {levels[0]})")
    if told:
        notes.append(
            f"one-hot encoded {len(told)} text column{'s' if len(told) > 1 else ''}"
            f", a 0/1 column per level but the first: {_listed(told)}."
        )
    if constant:
        notes.append(f"left out {_listed(constant)}: a single value in every row.")
    counts = Counter(names)
    clashes = [name for name in counts if counts[name] > 1]
    if clashes:
        raise InputError(
            f"one-hot encoding {path} makes columns named like existing ones: "
            f"{_listed(clashes)}; rename them."
        )
    if not names:
        raise InputError(f"{path} has no feature column that varies.")
    values = np.column_stack(columns) if columns else np.empty((n_rows, 0))
    return pd.DataFrame(values, columns=names), groups
