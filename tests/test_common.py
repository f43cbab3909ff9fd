"""scikit-learn's estimator checks on every public estimator, none skipped.

Each estimator runs in its default configuration (``cv=3`` for the CV ones,
to keep the suite short), in explain mode where it has one, and in the
configurations whose code paths differ (a list of ``l1_ratio``, one gamma).
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg import (
    AdaptiveLasso,
    AdaptiveLassoCV,
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LassoIC,
    RelaxedLasso,
    RelaxedLassoCV,
    Ridge,
    RidgeCV,
    StabilitySelection,
)

ESTIMATORS = [
    Lasso(),
    ElasticNet(),
    AdaptiveLasso(),
    Lasso(explain=True),
    ElasticNet(explain=True),
    AdaptiveLasso(explain=True),
    LassoCV(cv=3),
    LassoCV(cv=3, alphas=10, explain=True),
    ElasticNetCV(cv=3),
    ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3),
    AdaptiveLassoCV(cv=3),
    AdaptiveLassoCV(cv=3, gammas=(1.0,), alphas=10),
    LassoIC(),
    LassoIC(criterion="ebic", explain=True),
    RelaxedLasso(),
    RelaxedLassoCV(cv=3),
    Ridge(),
    RidgeCV(),
    Ridge(explain=True),
    RidgeCV(explain=True),
    StabilitySelection(),
    StabilitySelection(ElasticNet(), n_resamples=10, complementary_pairs=False),
]

# The check fits 15 distinct rows and 30 features, repeated or weighted, and
# compares the predictions to rtol=1e-7. Cross-validation there picks an
# alpha near the end of the default grid (about 1e-4) where the refit needs
# about 2000 passes (scikit-learn's LassoCV about 5000, and it fails this
# check too): both fits stop at max_iter=1000, unconverged, and two
# unconverged fits agree to their duality gap only, or exactly when their
# trajectories happen to coincide (then the check passes: the mark is not
# strict). tests/estimators/test_cv.py shows that the weights are honoured: weights and
# repeated rows, with matching folds and a converged solve, give the same
# model.
_UNCONVERGED_WEIGHT_CHECK = (
    "the refit at the alpha the check's folds choose does not converge within "
    "max_iter=1000 (nor does scikit-learn's); converged, weights equal "
    "repetitions (tests/estimators/test_cv.py)"
)


# scikit-learn's own Ridge fails this check and marks it so: its n_iter_ is
# None for the direct solvers and 'sparse_cg', and skreg's Ridge keeps that
# meaning (scikit-learn's test_ridge.py::test_n_iter asserts it), so the
# default 'cholesky' reports None where the check wants a count >= 1.
_RIDGE_N_ITER = "n_iter_ is None for the direct solvers, as in scikit-learn's Ridge"


def expected_failed_checks(estimator):
    if isinstance(estimator, Ridge):
        return {"check_non_transformer_estimators_n_iter": _RIDGE_N_ITER}
    if isinstance(estimator, (LassoCV, ElasticNetCV, AdaptiveLassoCV)):
        return {
            "check_sample_weight_equivalence_on_dense_data": _UNCONVERGED_WEIGHT_CHECK,
            "check_sample_weight_equivalence_on_sparse_data": _UNCONVERGED_WEIGHT_CHECK,
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
