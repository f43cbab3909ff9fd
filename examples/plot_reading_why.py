"""
==========================================
Reading why() for one feature
==========================================

:meth:`skreg.PathExplanation.why` answers "why is this coefficient zero (or
not) at this alpha?" with the KKT conditions, in numbers. This example reads
its answer for one feature, ``s4`` of the diabetes data, line by line, checks
that the numbers add up, and follows them along the path.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes

from skreg import Lasso

data = load_diabetes(as_frame=True)
X, y = data.data, data.target
explanation = Lasso(alpha=0.01, explain=True).fit(X, y).explanation_
story = explanation.why("s4", alpha=0.5)
print(story)

# %%
# The lines, top to bottom:
#
# 1. ``x'y/n``: the feature's correlation with the (centred) target, before
#    any feature is in the model. This is its pull at the start of the path.
# 2. ``x'Xb/n``: the part of that correlation the features already in the
#    model account for, then the largest contributions, feature by feature:
#    ``x_j' x_k b_k / n`` for each active ``k``.
# 3. ``x'r/n``: what is left, the correlation with the residual. It is line 1
#    minus line 2, and it is the pull that counts.
# 4. ``alpha * pf``: the penalty. The coefficient is nonzero only if
#    ``|x'r/n|`` reaches it.
#
# The numbers are attributes of the story, and they add up exactly:

print(f"raw correlation      {story.raw_correlation:+.6f}")
print(f"explained by active  {story.explained_by_active:+.6f}")
print(f"residual correlation {story.residual_correlation:+.6f}")
left_over = (
    story.raw_correlation - story.explained_by_active - story.residual_correlation
)
print(f"raw - explained - residual = {left_over:.1e}")
print("sum of contributions =", round(sum(story.contributions.values()), 6))
print(
    "active:",
    story.active,
    "| penalty:",
    story.penalty,
    "| enters at",
    story.entry_alpha,
)

# %%
# Along the path: the residual correlation of ``s4`` is smaller than the
# penalty (dashed) until ``alpha`` ~ 0.045, where they meet and it enters.
# The gap between its raw correlation and its residual correlation is what
# ``s5``, ``bmi`` and the other active features explain.

alphas = np.geomspace(explanation.alphas_[0], 0.02, 80)
stories = [explanation.why("s4", alpha=a) for a in alphas]
fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(alphas, [s.raw_correlation for s in stories], label="x'y/n (raw)")
ax.plot(alphas, [s.residual_correlation for s in stories], label="x'r/n (residual)")
ax.plot(alphas, alphas, "k--", label="penalty alpha")
ax.axvline(story.entry_alpha, color="gray", ls=":", label="s4 enters")
ax.set_xscale("log")
ax.invert_xaxis()
ax.set_xlabel("alpha")
ax.set_ylabel("correlation / n")
ax.set_title("s4: pulled by the residual, held by the penalty")
ax.legend()
fig.tight_layout()
