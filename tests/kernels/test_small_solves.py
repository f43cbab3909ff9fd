"""The unpenalized block's factored steps against numpy's least squares."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import nnls

from skreg._kernels.small_solves import _block_step, block_factor


def _block(rng, n_rows=40, size=5, dependent=False):
    block = rng.standard_normal((n_rows, size))
    if dependent:
        block[:, 3] = block[:, 0] - 2.0 * block[:, 1]
    return block


@pytest.mark.parametrize("dependent", [False, True])
def test_factored_step_is_the_least_squares_step(dependent):
    rng = np.random.default_rng(0)
    block = _block(rng, dependent=dependent)
    factor = block_factor(block, False)
    current = rng.standard_normal(block.shape[1])
    # one factor serves every residual of a solve
    for _ in range(3):
        residual = rng.standard_normal(block.shape[0])
        step = _block_step(block, factor, residual, current, False)
        reference = np.linalg.lstsq(block, residual, rcond=None)[0]
        # the same fit; with a dependent column the solutions differ by a
        # null-space direction, the fitted values do not
        assert_allclose(block @ step, block @ reference, atol=1e-12)
        assert_allclose(block.T @ (residual - block @ step), 0.0, atol=1e-10)
    if dependent:
        assert step[3] == 0.0  # the dependent column gets no step


def test_factored_step_under_positive_is_the_nonnegative_fit():
    rng = np.random.default_rng(1)
    block = _block(rng)
    factor = block_factor(block, True)
    current = np.abs(rng.standard_normal(block.shape[1]))
    for _ in range(3):
        residual = rng.standard_normal(block.shape[0])
        step = _block_step(block, factor, residual, current, True)
        # new values x = current + step minimize ||block current + residual
        # - block x|| over x >= 0
        target = block @ current + residual
        reference = nnls(block, target)[0]
        assert np.all(current + step >= 0.0)
        assert_allclose(current + step, reference, atol=1e-8)


def test_factor_of_an_empty_block_gives_an_empty_step():
    block = np.empty((10, 0))
    for positive in (False, True):
        step = _block_step(
            block, block_factor(block, positive), np.ones(10), np.empty(0), positive
        )
        assert step.shape == (0,)
