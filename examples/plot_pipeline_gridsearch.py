"""
=================================================
Tuning skreg estimators in a Pipeline
=================================================

skreg's estimators are scikit-learn estimators: they go into a
:class:`~sklearn.pipeline.Pipeline` and are tuned by
:class:`~sklearn.model_selection.GridSearchCV` like any other. Here an
elastic net on the diabetes data with its squares and pairwise products, with
``alpha`` and ``l1_ratio`` tuned together, and the same alpha grid through
:class:`skreg.LassoCV`'s own (faster, warm-started) path for comparison.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.model_selection import GridSearchCV, KFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skreg import ElasticNet, LassoCV

X, y = load_diabetes(return_X_y=True, as_frame=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

pipeline = make_pipeline(
    PolynomialFeatures(degree=2, include_bias=False),
    StandardScaler(),
    ElasticNet(max_iter=10_000),
)
alphas = np.logspace(-1.5, 1.5, 13)
grid = {"elasticnet__alpha": alphas, "elasticnet__l1_ratio": [0.2, 0.5, 0.9, 1.0]}
folds = KFold(5, shuffle=True, random_state=0)
search = GridSearchCV(pipeline, grid, cv=folds, scoring="neg_mean_squared_error")
search.fit(X_train, y_train)
print("best parameters:", search.best_params_)
print(f"cross-validated MSE: {-search.best_score_:.0f}")
print(f"test MSE:            {np.mean((search.predict(X_test) - y_test) ** 2):.0f}")
best = search.best_estimator_[-1]
print(f"nonzero coefficients: {np.count_nonzero(best.coef_)} of {best.coef_.size}")

# %%
# The same search for the lasso (``l1_ratio = 1``) by :class:`skreg.LassoCV`,
# inside the pipeline: one warm-started path per fold instead of one fit per
# alpha and fold.

lasso_pipeline = make_pipeline(
    PolynomialFeatures(degree=2, include_bias=False),
    StandardScaler(),
    LassoCV(alphas=alphas, cv=folds, max_iter=10_000),
).fit(X_train, y_train)
print(f"LassoCV alpha_ = {lasso_pipeline[-1].alpha_:.3g}")

# %%
# Cross-validated error over the grid, one curve per ``l1_ratio``.

results = search.cv_results_
fig, ax = plt.subplots(figsize=(8, 4))
for l1_ratio in grid["elasticnet__l1_ratio"]:
    rows = np.asarray(results["param_elasticnet__l1_ratio"]) == l1_ratio
    ax.plot(
        np.asarray(results["param_elasticnet__alpha"][rows], dtype=float),
        -results["mean_test_score"][rows],
        marker=".",
        label=f"l1_ratio = {l1_ratio}",
    )
ax.plot(alphas, lasso_pipeline[-1].mse_path_.mean(axis=1), "k:", label="LassoCV")
ax.set_xscale("log")
ax.set_xlabel("alpha")
ax.set_ylabel("cross-validated MSE")
ax.legend()
fig.tight_layout()
