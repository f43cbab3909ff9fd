r"""
==================================================================
How does regularization know which coefficients to shrink or zero?
==================================================================

Add a penalty to the least-squares cost and some coefficients shrink, some
become exactly zero. Which ones, and why? This tutorial answers with numbers
computed by skreg's explain mode on real data (scikit-learn's diabetes data:
442 patients, 10 measurements, and a measure of disease progression one year
later). The answer has no magic in it: **each coefficient is pulled by the
data and held by the penalty**, and a coefficient is zero exactly while the
pull is weaker than the hold.

Every figure below is produced by this script; run it with
``python examples/plot_tutorial_which_coefficients.py`` after
``pip install -e ".[plot,pandas]"``.
"""

# %%
# The cost function
# -----------------
#
# The lasso chooses the coefficients :math:`\beta` that minimize
#
# .. math::
#
#     J(\beta) = \frac{1}{2n} \sum_{i=1}^n (y_i - x_i^\top \beta)^2
#                + \lambda \sum_j |\beta_j| ,
#
# and ridge regression uses :math:`\lambda \sum_j \beta_j^2` instead. (skreg,
# like scikit-learn, calls :math:`\lambda` ``alpha``; data are centred, so the
# intercept plays no role.)
#
# Look at one coefficient :math:`\beta_j` with the others held fixed. The
# first term changes with :math:`\beta_j` at the rate
# :math:`-x_j^\top r / n`, where :math:`r = y - X\beta` is the residual: the
# **pull** of the data is the feature's correlation with what the model does
# not yet explain. The penalty resists with a force of exactly :math:`\lambda`
# (the slope of :math:`\lambda|\beta_j|`) in whichever direction
# :math:`\beta_j` moves away from zero: the **hold**. So
#
# * if :math:`|x_j^\top r| / n \le \lambda`, moving :math:`\beta_j` away from 0
#   costs more penalty than it saves in squared error: :math:`\beta_j = 0`;
# * otherwise :math:`\beta_j` moves until the pull has dropped to exactly
#   :math:`\lambda`: at the solution :math:`x_j^\top r / n = \lambda\,
#   \mathrm{sign}(\beta_j)`.
#
# These are the KKT conditions of the lasso. With one feature, it is all in
# one picture: the cost of :math:`\beta_j` for a weak pull (0.6) and a strong
# one (1.5), with :math:`\lambda = 1`. The lasso's cost has a kink at zero; a
# weak pull cannot get over it. Ridge's penalty :math:`\lambda\beta_j^2` has
# slope :math:`2\lambda\beta_j`, which vanishes at zero: any pull, however
# weak, moves the coefficient off zero, and ridge shrinks without zeroing.

import matplotlib.pyplot as plt
import numpy as np

beta = np.linspace(-0.6, 1.8, 400)
lam = 1.0
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, (name, penalty) in zip(
    axes, [("lasso", lam * np.abs(beta)), ("ridge", lam * beta**2)]
):
    for pull, color in [(0.6, "tab:blue"), (1.5, "tab:orange")]:
        # One feature with x'x/n = 1: the squared error is (beta - pull)^2 / 2
        # up to a constant, and its slope at beta = 0 is -pull.
        cost = 0.5 * (beta - pull) ** 2 + penalty
        ax.plot(beta, cost, color=color, label=f"pull x'y/n = {pull}")
        ax.plot(beta[np.argmin(cost)], cost.min(), "o", color=color)
    ax.axvline(0, color="gray", lw=0.8)
    ax.set_title(f"{name}, lambda = {lam:g}")
    ax.set_xlabel("coefficient beta_j")
axes[0].set_ylabel("cost J(beta_j)")
axes[0].legend()
fig.tight_layout()

# %%
# The dots are the minima. For the lasso the weak pull leaves the coefficient
# at exactly zero, and the strong one moves it to :math:`1.5 - \lambda = 0.5`
# (soft-thresholding). For ridge both move, to :math:`\text{pull} / (1 +
# 2\lambda)`: shrunk, never zero.
#
# The whole path on real data
# ---------------------------
#
# With many features the pulls interact: as soon as one coefficient moves, the
# residual changes, and so does every other feature's pull. skreg's explain
# mode follows this exactly. ``Lasso(explain=True)`` computes the path from the
# :math:`\lambda` at which every coefficient is zero down to the one we ask
# for, and records each moment a feature enters (its pull reaches
# :math:`\lambda`) or leaves (its coefficient shrinks back to zero).

from sklearn.datasets import load_diabetes

from skreg import Lasso

data = load_diabetes(as_frame=True)
X, y = data.data, data.target
model = Lasso(alpha=0.01, explain=True).fit(X, y)
explanation = model.explanation_
print(explanation.report())

# %%
# Nothing enters above :math:`\lambda \approx 2.15`: that is the largest pull
# of any feature on :math:`y` itself (``bmi``'s), so above it every pull is
# below the hold. Below it features enter one at a time, each exactly when its
# pull reaches :math:`\lambda`.
#
# :class:`~skreg.plotting.KKTDisplay` draws the pulls: each feature's
# :math:`|x_j^\top r| / n` along the path as a share of the hold
# :math:`\lambda`, against one line at 1 (dashed). A feature out of the model
# stays *under* the line; it enters where it reaches it, and from then on it
# *rides* the line (thick): its coefficient grows just enough to keep its
# pull equal to :math:`\lambda`.
# :class:`~skreg.plotting.PathDisplay` draws the coefficients themselves.

from skreg.plotting import KKTDisplay, PathDisplay

fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 11))
KKTDisplay.from_estimator(model, ax=top)
PathDisplay.from_estimator(model, ax=bottom)
top.set_title("pull |x_j'r|/n as a share of the hold lambda")
bottom.set_title("coefficients along the path")
fig.tight_layout()

# %%
# Pull below the hold: the coefficient stays at zero
# ---------------------------------------------------
#
# Freeze the path at :math:`\lambda = 0.5` and compare every feature's pull
# with the hold. Four features are in the model, and their pulls equal
# :math:`\lambda` exactly; the six others are below it, so their coefficients
# are zero.

lam = 0.5
pull = np.abs(explanation.correlation_path([lam])[:, 0])
coef = Lasso(alpha=lam).fit(X, y).coef_
for name, p, c in zip(X.columns, pull, coef):
    print(
        f"{name:>4}: pull {p:6.3f}  {'=' if c else '<'} lambda = {lam}   coef {c:8.2f}"
    )

fig, ax = plt.subplots(figsize=(8, 3.6))
ax.bar(X.columns, pull, color=["tab:orange" if c else "tab:gray" for c in coef])
ax.axhline(lam, color="k", ls="--", label=f"lambda = {lam}")
ax.set_ylabel("pull |x_j'r| / n")
ax.set_title(
    "at lambda = 0.5: in the model (orange) pull = lambda; out (gray) pull < lambda"
)
ax.legend()
fig.tight_layout()

# %%
# ``why()`` tells one feature's story in numbers. ``s6`` (blood sugar) is
# correlated with the target, but at :math:`\lambda = 0.5` its pull is 80% of
# the hold:

print(explanation.why("s6", alpha=0.5))

# %%
# Correlated features compete
# ---------------------------
#
# Raw correlation with the target does not decide who enters. ``s4`` (total
# cholesterol / HDL) is *more* correlated with the target than ``s3`` (HDL),
# yet ``s3`` enters at :math:`\lambda \approx 0.72` and ``s4`` only at
# :math:`\lambda \approx 0.045`, long after it would matter. The reason is in
# ``why()``: the pull that counts is the correlation with the **residual**,
# and ``s4`` is strongly correlated with ``s5`` and ``bmi``, which are already
# in the model and account for three quarters of its correlation with
# :math:`y`. What ``s4`` could explain is already explained.

print(X.corrwith(y).round(2).to_string())
print()
print(explanation.why("s4", alpha=0.5))

# %%
# The proof is to take the competitor away. Excluding ``s5`` (a penalty
# factor of infinity) leaves its signal to the others, and ``s4`` now enters
# at :math:`\lambda \approx 1.16`, 25 times earlier:

pf = np.ones(X.shape[1])
pf[list(X.columns).index("s5")] = np.inf
without_s5 = Lasso(alpha=0.01, penalty_factor=pf, explain=True).fit(X, y)
s4 = list(X.columns).index("s4")
print(f"s4 enters at lambda = {model.entry_alpha_[s4]:.3f} with s5 in the model,")
print(f"             lambda = {without_s5.entry_alpha_[s4]:.3f} without s5.")
print(without_s5.explanation_.why("s4", alpha=0.5))

# %%
# The same mechanism can *bring in* a feature with almost no correlation with
# the target: ``sex`` has a raw correlation of 0.04, but once ``bmi``, ``bp``
# and ``s5`` are fitted, the residual is negatively correlated with it, and it
# enters at :math:`\lambda \approx 0.29` with a negative coefficient. An
# "important" feature can be zeroed and an "unimportant" one selected: the
# lasso selects features that add something to the others, not features that
# matter on their own.
#
# Why a large lambda drives every coefficient to zero
# ---------------------------------------------------
#
# At :math:`\beta = 0` the residual is :math:`y` itself, so each pull is the
# feature's correlation with :math:`y`, :math:`|x_j^\top y| / n`. Once the
# hold :math:`\lambda` exceeds the largest of these pulls (``alpha_max``)
# no coefficient can move off zero: for the lasso a large :math:`\lambda`
# does not make the coefficients small, it makes them *exactly* zero. Ask
# for :math:`\lambda = 3` and explain mode says so, with every feature's
# pull as a share of the hold:

print(Lasso(alpha=3.0, explain=True).fit(X, y).explanation_.report())

# %%
# Ridge shrinks everything, zeroes nothing
# ----------------------------------------
#
# Ridge's hold on :math:`\beta_j` is :math:`2\lambda\beta_j`: strong on large
# coefficients, vanishing near zero, so no pull is ever too weak to move a
# coefficient off zero. ``Ridge(explain=True)`` tells the rest in numbers.
# Write the centred data as :math:`X = U D V^\top` (principal directions
# :math:`v_k` with singular values :math:`d_k`): along each direction ridge
# keeps the fraction :math:`d_k^2 / (d_k^2 + \lambda)` of the least-squares
# fit (``skreg.Ridge`` has scikit-learn's scale, without :math:`1/n`), so the
# directions in which the data vary least are shrunk first.

from skreg import Ridge

ridge = Ridge(alpha=0.1, explain=True).fit(X, y)
print(ridge.explanation_.report())

# %%
# One coefficient's story adds up: ``why("s1")`` writes it as the sum over
# directions of (least-squares part) x (kept fraction). Most of ``s1``'s
# least-squares value lies in the last direction, the one with the least
# variance, which ridge shrinks to 8% at this :math:`\lambda`: that is why
# ``s1`` keeps only a tenth of its least-squares value.

print(ridge.explanation_.why("s1"))

# %%
# As :math:`\lambda` grows every penalized coefficient behaves like
# :math:`c_j / \lambda` with :math:`c_j = x_j^\top y` (on centred data): it
# tends to 0 and never reaches it. The explanation holds these constants
# (``limit``) and the whole path; the coefficient at a huge :math:`\lambda`
# times :math:`\lambda` is already :math:`c_j`:

explanation = ridge.explanation_
huge = 1e7
for name, c, w in zip(X.columns[:4], explanation.limit, explanation.coef_at(huge)):
    print(f"{name:>4}: c_j = {c:9.3f}   lambda * w_j at lambda = 1e7: {huge * w:9.3f}")
print(
    "every |w_j| is below 1% of its least-squares value from lambda =",
    f"{explanation.shrinkage_alpha(0.01):.4g}; exact zeros on the path:",
    int((explanation.coef_path == 0).sum()),
)

# %%
# :class:`~skreg.plotting.RidgePathDisplay` draws both: every coefficient
# along :math:`\lambda` (the fitted one dotted, the effective degrees of
# freedom on the top axis) and, below, each direction's kept fraction. The
# coefficients bend and even change sign (the report lists where): ridge
# shrinks directions, not features one by one.

explanation.plot()

# %%
# Too much, too little, and the cross-validated choice
# ----------------------------------------------------
#
# A huge :math:`\lambda` holds every coefficient at zero: the model predicts
# the mean for everyone and explains nothing. A tiny one lets every pull win:
# the model fits the noise of the training sample. To see overfitting clearly
# give the lasso more freedom, all 65 squares and pairwise products of the
# measurements, and compare its error on the training data with its
# cross-validated error (``LassoCV``'s ``mse_path_``: the error on each
# held-out fold, for every :math:`\lambda` of the path).

from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skreg import LassoCV, lasso_path

X_wide = PolynomialFeatures(degree=2, include_bias=False).fit_transform(X)
X_wide = StandardScaler().fit_transform(X_wide)
cv_model = LassoCV(cv=5, max_iter=10_000, random_state=0).fit(X_wide, y)
cv_error = cv_model.mse_path_.mean(axis=1)
cv_spread = cv_model.mse_path_.std(axis=1) / np.sqrt(cv_model.mse_path_.shape[1])
_, path_coefs, _ = lasso_path(
    X_wide - X_wide.mean(axis=0), y - y.mean(), alphas=cv_model.alphas_
)
train_error = (
    ((y.to_numpy() - y.mean())[:, None] - (X_wide - X_wide.mean(axis=0)) @ path_coefs)
    ** 2
).mean(axis=0)

fig, ax = plt.subplots(figsize=(8, 4.5))
ax.plot(cv_model.alphas_, train_error, label="training error")
ax.plot(cv_model.alphas_, cv_error, label="cross-validated error (mse_path_)")
ax.fill_between(cv_model.alphas_, cv_error - cv_spread, cv_error + cv_spread, alpha=0.2)
ax.axvline(cv_model.alpha_, color="k", ls="--", label=f"alpha_ = {cv_model.alpha_:.2f}")
ax.axhline(y.var(ddof=0), color="gray", ls=":", label="predicting the mean")
ax.set_xscale("log")
ax.invert_xaxis()
ax.set_xlabel("lambda (alpha), strongest on the left")
ax.set_ylabel("mean squared error")
ax.set_title("too much penalty underfits, too little overfits")
ax.legend()
fig.tight_layout()

n_kept = np.count_nonzero(cv_model.coef_)
print(f"largest lambda: all 65 coefficients zero, error {cv_error[0]:.0f}")
print(
    f"cross-validated lambda = {cv_model.alpha_:.2f}: {n_kept} coefficients, "
    f"error {cv_error.min():.0f}"
)
print(
    f"smallest lambda: training error {train_error[-1]:.0f}, "
    f"cross-validated error {cv_error[-1]:.0f}"
)

# %%
# On the left the model is useless (its error is the variance of :math:`y`).
# Going right, features enter and both errors fall; past the cross-validated
# choice the training error keeps falling while the error on held-out data
# rises again: the extra coefficients fit noise.
#
# Summary
# -------
#
# * A coefficient is pulled by its feature's correlation with the residual,
#   :math:`x_j^\top r / n`, and held by the penalty. The lasso's hold is a
#   constant :math:`\lambda`, so a weak pull leaves it at exactly zero;
#   ridge's hold vanishes at zero, so it shrinks every coefficient and zeroes
#   none, the least informative directions of the data first.
# * The pull is measured against the residual, not against :math:`y`:
#   correlated features compete, and a feature whose signal is already
#   explained stays out however "important" it looks on its own.
# * :math:`\lambda` trades the two errors: cross-validation picks it.
#
# To ask these questions about your own data: ``explain=True``, then
# ``explanation_.report()``, ``explanation_.why(feature, alpha)``, and the
# displays (:doc:`/explain`), or ``python -m skreg data.csv --target COLUMN``.
