"""scikit-learn's estimator checks for Ridge and RidgeCV, none skipped."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg import Ridge, RidgeCV


@parametrize_with_checks([Ridge(), RidgeCV()])
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
