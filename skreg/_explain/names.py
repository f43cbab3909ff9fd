"""Which column a user means by a name."""

import difflib


def _index_of_name(name, labels):
    """The column of ``name``: a label the explanation shows (``x3`` without
    names), or the one label ending in ``__name`` (a ColumnTransformer's
    ``num__Hits`` for ``Hits``); else an error suggesting near matches."""
    if name in labels:
        return labels.index(name)
    suffixed = [j for j, label in enumerate(labels) if label.endswith("__" + name)]
    if len(suffixed) == 1:
        return suffixed[0]
    close = difflib.get_close_matches(name, labels, n=3, cutoff=0.6)
    close += [labels[j] for j in suffixed if labels[j] not in close]
    hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
    shown = ", ".join(map(repr, labels[:5])) + (", ..." if len(labels) > 5 else "")
    raise ValueError(
        f"feature {name!r} is not one of the {len(labels)} features "
        f"({shown}); pass a name or a column index.{hint}"
    )
