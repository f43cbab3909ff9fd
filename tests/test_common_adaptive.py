"""scikit-learn's estimator checks on AdaptiveLasso and AdaptiveLassoCV."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg import AdaptiveLasso, AdaptiveLassoCV


@parametrize_with_checks(
    [AdaptiveLasso(), AdaptiveLassoCV(cv=3, gammas=(1.0,), alphas=10)]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
