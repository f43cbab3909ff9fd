"""skreg imports and fits where numba cannot cache next to it nor at home."""

import subprocess
import sys
import textwrap

import numpy as np
from sklearn.linear_model import Lasso

# A read-only install run by a user without a writable home: numba's two
# usual cache locations cannot be written (simulated, since tests may run as
# root, whom file permissions do not stop).
_READ_ONLY = textwrap.dedent(
    """
    import os
    import warnings
    from numba.core import caching

    def refuse(self):
        raise PermissionError("read-only")

    caching.InTreeCacheLocator.ensure_cache_path = refuse
    caching.UserWideCacheLocator.ensure_cache_path = refuse
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import numpy as np
        import skreg
        from numba.core import config

        rng = np.random.RandomState(0)
        X = rng.randn(30, 4)
        model = skreg.Lasso(alpha=0.1, tol=1e-10).fit(X, X @ np.arange(4.0))
    messages = [w for w in caught if "numba cannot cache" in str(w.message)]
    cached = [name for _, _, names in os.walk(config.CACHE_DIR) for name in names]
    print(len(messages), config.CACHE_DIR, any(n.endswith(".nbi") for n in cached))
    print(" ".join(map(repr, model.coef_.tolist())))
    """
)


def test_a_read_only_install_caches_in_the_temporary_folder(tmp_path):
    environment = {"TMPDIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", _READ_ONLY],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    summary, coef = result.stdout.splitlines()
    n_messages, cache_dir, cached = summary.split()
    assert n_messages == "1"  # said once
    assert cache_dir.startswith(str(tmp_path)) and cached == "True"
    rng = np.random.RandomState(0)
    X = rng.randn(30, 4)
    expected = Lasso(alpha=0.1, tol=1e-10).fit(X, X @ np.arange(4.0)).coef_
    np.testing.assert_allclose([float(c) for c in coef.split()], expected, atol=1e-8)
