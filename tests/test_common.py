"""scikit-learn's estimator checks on every coordinate-descent estimator."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skreg import ElasticNet, ElasticNetCV, Lasso, LassoCV


@parametrize_with_checks(
    [Lasso(), ElasticNet(), LassoCV(cv=3), ElasticNetCV(l1_ratio=[0.5, 1.0], cv=3)]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
