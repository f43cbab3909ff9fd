"""Results are equivariant to rescaling y and the penalty factors.

An absolute floor on alpha_max (scikit-learn's grid takes every alpha_max
below float resolution for 0) used to turn a target of 1e-12, an adaptive
lasso with gamma=2 on a target of 1e-6, or factors of 1e16 into all-zero
models.
"""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from skreg import AdaptiveLassoCV, ElasticNetCV, LassoCV, lasso_path


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def _relative(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


@pytest.mark.parametrize("scale", [1e-12, 1e-6, 1e6])
def test_cv_fits_scale_with_y(diabetes, scale):
    # (Not the elastic net: its L2 term scales as alpha w^2, unlike the loss.)
    X, y = diabetes
    for make, power in [
        (lambda: LassoCV(cv=3), 1),
        (lambda: AdaptiveLassoCV(cv=3, gammas=(2.0,)), 3),  # alpha ~ y^(1+gamma)
    ]:
        reference = make().fit(X, y)
        scaled = make().fit(X, y * scale)
        assert np.count_nonzero(scaled.coef_) == np.count_nonzero(reference.coef_)
        assert _relative(scaled.coef_ / scale, reference.coef_) < 1e-6
        assert scaled.alpha_ == pytest.approx(reference.alpha_ * scale**power, rel=1e-9)


@pytest.mark.parametrize("factor", [1e-10, 1e16])
def test_cv_fits_scale_with_the_penalty_factors(diabetes, factor):
    X, y = diabetes
    factors = np.full(X.shape[1], factor)
    for Estimator in (LassoCV, ElasticNetCV):
        reference = Estimator(cv=3).fit(X, y)
        scaled = Estimator(cv=3, penalty_factor=factors).fit(X, y)
        assert _relative(scaled.coef_, reference.coef_) < 1e-6
        assert scaled.alpha_ == pytest.approx(reference.alpha_ / factor, rel=1e-9)


def test_path_grid_scales_and_zero_target_keeps_the_fallback(diabetes):
    X, y = diabetes
    Xc, yc = X - X.mean(0), y - y.mean()
    alphas, _, _ = lasso_path(Xc, yc, alphas=5)
    tiny, _, _ = lasso_path(Xc, yc * 1e-14, alphas=5)
    np.testing.assert_allclose(tiny, alphas * 1e-14, rtol=1e-12)
    # nothing to fit: scikit-learn's grid at float resolution
    zero, coefs, _ = lasso_path(Xc, np.zeros_like(yc), alphas=5)
    np.testing.assert_array_equal(zero, np.finfo(np.float64).resolution)
    assert not coefs.any()
