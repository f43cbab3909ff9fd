"""The digest of kernel sources that keys numba's cache of compiled closures."""

import types

from skreg._kernels import gaps, kkt, screening
from skreg._kernels import working_set as ws
from skreg._kernels.digest import source_digest


def test_source_digest_follows_the_source(tmp_path):
    path = tmp_path / "kernel.py"
    module = types.SimpleNamespace(__file__=str(path))
    path.write_text("x = 1\n")
    first = source_digest(module)
    path.write_text("x = 2\n")
    assert source_digest(module) != first
    path.write_text("x = 1\n")
    assert source_digest(module) == first


def test_entry_points_are_keyed_by_the_kernels_digest():
    # numba's cache key of a closure includes its closure variables: the
    # digest of every kernel module the entry points call must be one of
    # them, and nothing that varies between processes (a captured function
    # would be pickled differently).
    from skreg._kernels import coordinate_descent as cd
    from skreg._kernels import correlations, gram, small_solves, sweeps

    callees = (cd, correlations, gaps, gram, kkt, screening, small_solves, sweeps)
    for entry in (ws.solve_alphas_dense, ws.solve_alphas_sparse, ws.solve_alphas_gram):
        cells = [cell.cell_contents for cell in entry.py_func.__closure__]
        assert source_digest(*callees) in cells
        assert all(isinstance(value, (bool, int, str)) for value in cells)
    callees = (correlations, gaps, small_solves, sweeps)
    for entry in (cd.enet_cd_dense, cd.enet_cd_sparse):
        cells = [cell.cell_contents for cell in entry.py_func.__closure__]
        assert source_digest(*callees) in cells
