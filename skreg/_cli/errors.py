"""The command line's two kinds of error, each reported as one line."""

import importlib


class InputError(Exception):
    """A problem with the data, a file or the environment (exit status 1)."""


class UsageError(Exception):
    """A problem with the command line itself (exit status 2)."""


def optional(name):
    """Import an optional dependency of the command line, or say how to get it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise InputError(
            f"the command line needs {name}; install it with "
            "pip install 'skreg[cli]' (or pip install -e '.[cli]' in a checkout)."
        ) from None
