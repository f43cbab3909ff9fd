"""
=====================================
Explain the lasso path of diabetes
=====================================

``python -m skreg`` in a script: choose alpha by cross-validation, refit with
``explain=True``, and read the path: which feature entered the model at which
alpha, with the numbers that decided it, as text, as a table and as the two
figures of :mod:`skreg.plotting`.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes

from skreg import Lasso, LassoCV
from skreg.plotting import KKTDisplay, PathDisplay

data = load_diabetes(as_frame=True)
X, y = data.data, data.target

alpha = LassoCV(cv=5).fit(X, y).alpha_
model = Lasso(alpha=alpha, explain=True).fit(X, y)
print(f"alpha chosen by 5-fold cross-validation: {alpha:.4g}")
print(model.explanation_.report())

# %%
# The same events as a table (pandas), and each feature's entry alpha:
# the largest alpha at which its coefficient is nonzero.

print(model.explanation_.to_frame().round(4).to_string())
print(dict(zip(X.columns, model.entry_alpha_.round(4))))

# %%
# Above: every feature's correlation with the residual as a share of its
# penalty ``alpha`` (the dashed line at 1). A feature enters where its curve
# reaches the line, then stays on it. Below: the coefficients along the same
# path, entries marked.

fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 11))
KKTDisplay.from_estimator(model, ax=top)
PathDisplay.from_estimator(model, ax=bottom)
fig.tight_layout()
