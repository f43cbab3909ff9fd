"""Where numba caches skreg's compiled kernels, when it cannot choose itself.

The kernels are compiled with ``cache=True``; numba stores them next to the
package (``__pycache__``) or in the user's cache folder, and refuses to
define a cached function when it can write to neither ("cannot cache
function ...: no locator available"): a read-only install run by a user with
no writable home, as in many containers. Then the cache goes to a folder of
the system's temporary directory instead, and skreg says so once.
"""

import os
import tempfile
import warnings


def _probe():
    """A function of this package's folder, to ask numba where it would cache."""


def ensure_cache_location():
    """Give numba a writable cache folder if it has none for skreg's files.

    Returns
    -------
    path : str or None
        The folder chosen, or None when numba's own choice works (or when
        the user set ``NUMBA_CACHE_DIR``).
    """
    from numba.core import caching, config

    if config.CACHE_DIR:
        return None
    try:
        caching.CompileResultCacheImpl(_probe)
        return None
    except RuntimeError:
        pass
    user = getattr(os, "getuid", lambda: "user")()
    path = os.path.join(tempfile.gettempdir(), f"skreg-numba-cache-{user}")
    config.CACHE_DIR = path
    warnings.warn(
        "numba cannot cache skreg's compiled kernels next to the package nor "
        f"in your home folder; they are cached in {path} instead (set "
        "NUMBA_CACHE_DIR to choose another folder).",
        UserWarning,
        stacklevel=3,
    )
    return path
