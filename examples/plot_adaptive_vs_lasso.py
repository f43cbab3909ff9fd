r"""
==================================================
Adaptive lasso where the lasso selects wrongly
==================================================

Zou (2006) showed a simple model in which the lasso cannot find the right
features, whatever alpha and however many samples: four correlated features,
the first three with coefficient 5.6, the fourth with 0, and correlations
:math:`\rho(x_j, x_k) = -0.39` among the first three and
:math:`\rho(x_j, x_4) = 0.23` with the fourth ("Model 0").

The fourth feature is correlated with all three true features at once, so its
correlation with :math:`y` is the largest: it enters the lasso path first,
and it never leaves. The adaptive lasso penalizes each coefficient by
:math:`1 / |\hat\beta^{\rm init}_j|`: the least-squares estimate of
:math:`\beta_4` is close to 0, its penalty is huge, and the true model
appears on its path.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skreg import AdaptiveLasso, AdaptiveLassoCV, LassoCV, explain_lasso_path
from skreg.plotting import PathDisplay

rng = np.random.default_rng(0)
correlation = np.full((4, 4), -0.39)
correlation[:, 3] = correlation[3, :] = 0.23
np.fill_diagonal(correlation, 1.0)
names = ["x1", "x2", "x3", "x4"]
X = pd.DataFrame(
    rng.multivariate_normal(np.zeros(4), correlation, size=500), columns=names
)
y = X.to_numpy() @ np.array([5.6, 5.6, 5.6, 0.0]) + rng.normal(size=500)

# %%
# The lasso path (down to alpha = 0.05): ``x4`` enters first and never leaves
# (down to alpha = 0 too). At every alpha the lasso's model is wrong: either
# it contains ``x4``, or it is empty.

lasso = explain_lasso_path(X, y, alpha_min=0.05)
print(lasso.report())
supports = {tuple(int(j) for j in np.flatnonzero(c)) for c in lasso.coef_path.T}
print("supports on the lasso path:", sorted(supports, key=len))
print("is {x1, x2, x3} (indices 0, 1, 2) on it?", (0, 1, 2) in supports)

# %%
# The adaptive lasso (initial estimator: a ridge tuned by leave-one-out, whose
# coefficients are close to least squares here). Its penalty factors are
# ``weights_``: small for the three true features, large for ``x4``.

adaptive = AdaptiveLasso(alpha=0.5, explain=True).fit(X, y)
print("adaptive weights:", adaptive.weights_.round(2))
print(adaptive.explanation_.report())

# %%
# Both paths side by side: on the right ``x4`` stays at zero while the three
# true features enter.

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
PathDisplay.from_explanation(lasso, ax=left)
left.set_title("lasso: x4 enters first")
adaptive.explanation_.plot(ax=right)
right.set_title("adaptive lasso: x4 stays out")
fig.tight_layout()

# %%
# With alpha (and gamma) chosen by cross-validation, the lasso keeps ``x4``
# while the adaptive lasso drops it.

lasso_cv = LassoCV(cv=5).fit(X, y)
adaptive_cv = AdaptiveLassoCV(cv=5).fit(X, y)
print("LassoCV         coef:", lasso_cv.coef_.round(3))
print(
    "AdaptiveLassoCV coef:",
    adaptive_cv.coef_.round(3),
    f"(gamma = {adaptive_cv.gamma_:g})",
)
