"""Information criteria along a lasso path, and the noise variance they need.

Arrays in, arrays out. With a Gaussian likelihood of known noise variance
:math:`\\sigma^2`, ``-2 log L = n log(2 pi sigma^2) + RSS / sigma^2``; AIC adds
``2 df``, BIC ``log(n) df`` and the extended BIC of Chen & Chen (2008)
``log(n) df + 2 gamma log C(p, df)``, with ``df`` the number of nonzero
coefficients, an unbiased estimate of the lasso's degrees of freedom (Zou,
Hastie & Tibshirani 2007). This is scikit-learn's ``LassoLarsIC`` formula.
"""

import numpy as np
from scipy.special import gammaln


def residual_sums_of_squares(X, y, sample_weight, coefs, intercepts):
    """Weighted residual sum of squares at each point of a path.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    sample_weight : ndarray of shape (n_samples,) or None
    coefs : ndarray of shape (n_features, n_points)
    intercepts : ndarray of shape (n_points,)

    Returns
    -------
    rss : ndarray of shape (n_points,)
        ``sum_i s_i (y_i - b - x_i' beta)^2`` at each point.
    """
    residuals = y[:, np.newaxis] - X @ coefs - intercepts[np.newaxis, :]
    squares = residuals**2
    if sample_weight is not None:
        squares *= sample_weight[:, np.newaxis]
    return squares.sum(axis=0)


def information_criterion(rss, df, *, n_samples, n_candidates, noise_variance, kind,
                          ebic_gamma=1.0):  # fmt: skip
    """The criterion at each point of a path.

    Parameters
    ----------
    rss : ndarray of shape (n_points,)
        Weighted residual sums of squares (weights summing to ``n_samples``).
    df : ndarray of int of shape (n_points,)
        Number of nonzero coefficients.
    n_samples : int
    n_candidates : int
        ``p`` of the extended BIC: the number of features that could enter.
    noise_variance : float
        :math:`\\sigma^2`, positive.
    kind : {"aic", "bic", "ebic"}
    ebic_gamma : float, default=1.0
        The extended BIC's :math:`\\gamma` in [0, 1] (0 is the BIC).

    Returns
    -------
    criterion : ndarray of shape (n_points,)
    """
    fit = n_samples * np.log(2 * np.pi * noise_variance) + rss / noise_variance
    if kind == "aic":
        return fit + 2.0 * df
    complexity = np.log(n_samples) * df
    if kind == "ebic":
        # log of the binomial coefficient C(p, df): the number of models of
        # that size, whose log the BIC's flat prior over models ignores
        log_models = (
            gammaln(n_candidates + 1) - gammaln(df + 1) - gammaln(n_candidates - df + 1)
        )
        complexity = complexity + 2.0 * ebic_gamma * log_models
    return fit + complexity
