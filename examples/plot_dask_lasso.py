"""
=====================================
A cross-validated lasso on a cluster
=====================================

X stays on the workers of a Dask cluster; ``LassoCV`` reduces it, in one
pass, to the statistics of each cross-validation fold, then solves on the
client. The result equals the fit on the computed arrays. See
:doc:`/dask`.
"""

import dask.array as da
import numpy as np
from distributed import Client, LocalCluster

from skreg import LassoCV

# Two workers in this process (``processes=False``) so that the script runs
# anywhere, the documentation's build included; on a real cluster, connect
# ``Client("scheduler-address:8786")`` instead: nothing else changes.
cluster = LocalCluster(
    n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
)
client = Client(cluster)

# %%
# 400,000 rows x 30 features, generated on the workers in blocks of 50,000
# rows: three of the features matter.

rng = da.random.RandomState(0)
X = rng.standard_normal((400_000, 30), chunks=(50_000, 30))
y = 2.0 * X[:, 0] - 1.5 * X[:, 1] + 0.5 * X[:, 2]
y = y + rng.standard_normal(400_000, chunks=50_000)

# With 400,000 rows the cross-validated error keeps falling to the end of the
# path, where noise features get tiny coefficients; the one-standard-error
# rule keeps the three that matter. Its folds come out of the same pass.
model = LassoCV(cv=5, alpha_rule="1se", explain=True).fit(X, y)
print(
    f"smallest error at alpha = {model.alphas_[model.mse_path_.mean(1).argmin()]:.4g}"
)
print(f"alpha_1se_ = {model.alpha_1se_:.4g}; nonzero: {np.flatnonzero(model.coef_)}")
print(model.coef_[:4].round(3))

# %%
# Explain mode works the same: the exact path runs on X'X and X'y.

print(model.explanation_.report().splitlines()[0])
print(model.explanation_.why("x0"))

# %%
# ``predict`` on dask X is lazy; compute what you need.

prediction = model.predict(X)
print(type(prediction).__name__, prediction[:3].compute().round(3))

client.close()
cluster.close()
