"""
=================================================
Explain a lasso on real data with 22 features
=================================================

Baseball salaries (``Hitters.csv``, from *An Introduction to Statistical
Learning*): 19 columns, three of them categorical, and 59 players without a
salary. The steps a user takes on real data, with explain mode reading the
result: drop the rows without a target, one-hot encode the categories and
standardize the numbers inside a :class:`~sklearn.pipeline.Pipeline`,
cross-validate the lasso, and ask *which features did it keep, and why were
the others zeroed?*
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skreg import LassoCV
from skreg.plotting import CVDisplay, KKTDisplay, PathDisplay

# Hitters.csv lies next to this script; sphinx-gallery runs it from there.
places = [Path("Hitters.csv"), Path("examples", "Hitters.csv")]
if "__file__" in globals():
    places.insert(0, Path(__file__).resolve().parent / "Hitters.csv")
data = pd.read_csv(next(place for place in places if place.exists()))
missing = data["Salary"].isna()
print(f"{missing.sum()} of {len(data)} players have no salary: dropped.")
data = data[~missing]
y = np.log(data.pop("Salary"))  # salaries are skewed: model log(salary)
categorical = ["League", "Division", "NewLeague"]

# %%
# One-hot encoding of the three two-level categories (both levels kept, as
# glmnet does, so that the penalty treats them alike), standardization of the
# 16 counts (the penalty treats every coefficient alike, so the features must
# share a scale), and a cross-validated lasso with ``explain=True``: it
# explains its final refit at ``alpha_``. ``set_output(transform="pandas")``
# carries the column names through the pipeline, so the explanation speaks of
# ``Hits``, not of ``x1``.

encode = ColumnTransformer(
    [("category", OneHotEncoder(sparse_output=False), categorical)],
    remainder=StandardScaler(),
    verbose_feature_names_out=False,
).set_output(transform="pandas")
model = make_pipeline(encode, LassoCV(cv=10, explain=True, random_state=0))
model.fit(data, y)
lasso = model[-1]
print(f"{lasso.n_features_in_} features; alpha_ = {lasso.alpha_:.4g}")
print(lasso.explanation_.report())

# %%
# Keeping both levels of a two-level category makes two *tied* columns:
# ``League_A = 1 - League_N``, so once centred one is minus the other and
# every residual correlates with both alike. The lasso cannot tell them
# apart: the report walks each pair as one feature (one event, "entered
# together"), and its "Tied:" lines say that only the difference of the two
# coefficients is fixed, and how ``coef_`` happens to split it (coordinate
# descent puts it on the first column it updates; what is left on the other
# is rounding).

# %%
# The cross-validation curve: the mean test error over the 10 folds with a
# band of one standard deviation, and the chosen ``alpha_``. The curve is
# flat over a decade of alpha: many models predict about equally well.

CVDisplay.from_estimator(lasso)

# %%
# The path of the refit, read left to right: the strongest penalty keeps
# every coefficient at zero, features enter (dots) one at a time as it
# weakens. Only the first features to enter and the largest coefficients at
# ``alpha_`` are named; the top axis counts the nonzero coefficients.

PathDisplay.from_estimator(model)

# %%
# Why were the others zeroed? The KKT picture draws each feature's
# correlation with the residual as a share of its penalty. A coefficient
# stays zero while its share is under 1 and enters where it reaches 1; at the
# right end, the zero features closest to entering are named with their
# share.

KKTDisplay.from_estimator(model)

# %%
# One zeroed feature in numbers: runs batted in (``RBI``) entered early and
# left again. On its own it is correlated with salary, but the features in
# the model at ``alpha_`` account for most of that correlation; what is left
# in the residual stays under the penalty, so its coefficient is zero.

print(lasso.explanation_.why("RBI"))

# %%
# The events as a table (pandas): each entry or exit with its alpha, sign,
# penalty factor and the correlation that decided it.

print(lasso.explanation_.to_frame().round(4).to_string())
plt.show()
