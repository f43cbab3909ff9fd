"""
==================================================
Choosing alpha, and trusting the selected features
==================================================

Cross-validation picks the alpha that predicts best, and the lasso at that
alpha keeps more features than the truth: noise features that help a little
on this sample. Four ways to decide with more care, on the diabetes data
(442 patients, 10 measurements) to which we add 200 columns of pure noise, so
that we know which selections are false:

* the **one-standard-error rule** (``alpha_rule="1se"``): the sparsest model
  whose cross-validated error is within one standard error of the best;
* an **information criterion** on the exact path (:class:`~skreg.LassoIC`);
* the **relaxed lasso** (:class:`~skreg.RelaxedLassoCV`): the lasso selects,
  least squares fits, so a larger alpha costs less bias;
* **stability selection** (:class:`~skreg.StabilitySelection`): the features
  selected on most random halves of the data, with a bound on the expected
  number of false selections.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.model_selection import KFold
from sklearn.preprocessing import StandardScaler

from skreg import LassoCV, LassoIC, RelaxedLassoCV, StabilitySelection
from skreg.plotting import CVDisplay, StabilityDisplay

data = load_diabetes(as_frame=True)
rng = np.random.RandomState(0)
noise = rng.randn(len(data.target), 200)
names = list(data.feature_names) + [f"noise{j}" for j in range(200)]
X = StandardScaler().fit_transform(np.column_stack([data.data, noise]))
X = pd.DataFrame(X, columns=names)  # the names carry into every report
y = data.target.to_numpy()
cv = KFold(10, shuffle=True, random_state=0)


def describe(name, coef):
    kept = np.flatnonzero(coef)
    false = int((kept >= 10).sum())
    real = [names[j] for j in kept if j < 10]
    print(f"{name:<24} {kept.size:3d} kept, {false:3d} noise: {', '.join(real)}")


# %%
# The minimum and the one-standard-error rule
# -------------------------------------------
#
# ``LassoCV`` refits at the alpha of the smallest mean error (``alpha_``) and
# also reports ``alpha_1se_``, the largest alpha whose mean error is within one
# standard error of it. The curve is flat near its minimum: the 1-SE model is
# much sparser and predicts about as well.

by_min = LassoCV(cv=cv).fit(X, y)
by_1se = LassoCV(cv=cv, alpha_rule="1se").fit(X, y)
print(f"alpha_ = {by_min.alpha_:.3f}, alpha_1se_ = {by_min.alpha_1se_:.3f}")
describe("LassoCV (minimum)", by_min.coef_)
describe("LassoCV (1-SE rule)", by_1se.coef_)
CVDisplay.from_estimator(by_min)

# %%
# Information criteria on the exact path
# --------------------------------------
#
# :class:`~skreg.LassoIC` walks the exact path (every knot) and evaluates
# AIC, BIC or the extended BIC of Chen & Chen (for many features) at each
# knot, with the number of nonzero coefficients as degrees of freedom. No
# cross-validation: one path. ``report()`` says why its alpha won.

for criterion in ("aic", "bic", "ebic"):
    describe(f"LassoIC({criterion!r})", LassoIC(criterion=criterion).fit(X, y).coef_)
print()
print(LassoIC(criterion="ebic").fit(X, y).report())

# %%
# The relaxed lasso
# -----------------
#
# The penalty both selects and shrinks. The relaxed lasso refits least
# squares on the lasso's active set and blends, ``(1 - relax) * lasso +
# relax * least squares``; cross-validating ``relax`` with alpha lets a larger
# alpha select fewer features without shrinking the ones it keeps.

relaxed = RelaxedLassoCV(cv=cv).fit(X, y)
print(f"alpha_ = {relaxed.alpha_:.3f}, relax_ = {relaxed.relax_:g}")
describe("RelaxedLassoCV", relaxed.coef_)

# %%
# Stability selection
# -------------------
#
# The lasso path on 100 random halves of the rows (in complementary pairs):
# a feature is kept when at least 60% of the halves select it somewhere in a
# region of alphas chosen so that the expected number of false selections is
# at most 1 (Meinshausen & Buhlmann's bound). Each half's exact path gives
# every alpha at once.

selector = StabilitySelection(random_state=0).fit(X, y)
describe("StabilitySelection", selector.support_)
print()
print(selector.report())
StabilityDisplay.from_estimator(selector)
plt.show()

# %%
# What to take away: cross-validation's minimum is the right alpha for
# prediction, not for selection. The 1-SE rule, the BIC family and stability
# selection keep the real signal and few or no noise features; stability
# selection also says how many false selections to expect at most.
