"""A digest of kernel sources, part of numba's cache key of compiled closures.

numba's on-disk cache keys a compiled function by its own file only, not by
the files of the functions it calls. Entry points whose callees live in other
modules are built as closures over a digest of those modules' sources: an
edit there changes the digest, which is part of numba's cache key, and forces
a recompilation instead of a stale load. (Closure variables must stay plain
constants: a captured function would change the key every run.)
"""

import hashlib
import pathlib


def source_digest(*modules):
    """SHA-1 of the source files of ``modules``."""
    digest = hashlib.sha1()
    for module in modules:
        digest.update(pathlib.Path(module.__file__).read_bytes())
    return digest.hexdigest()
