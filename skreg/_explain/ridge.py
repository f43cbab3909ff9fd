"""Why ridge shrinks what it shrinks: the SVD story of a ridge fit.

Write the centred, sample-weighted problem (rows multiplied by ``sqrt(s)``) as
unpenalized columns ``Z`` (``pf_j = 0``, with an orthonormal basis ``Q``) and
penalized columns rescaled by ``1 / sqrt(pf_j)`` and projected off
``span(Z)``, exactly as the intercept is: ``A = M X_P diag(pf_P)^-1/2`` with
``M = I - Q Q'``. One SVD ``A = U diag(d) V'`` then gives every coefficient at
every alpha in closed form,

.. math::

    w_j(\\alpha) = w^U_j + \\sum_k G_{jk}\\,
        \\frac{d_k}{d_k^2 + \\alpha}\\, (u_k^\\top y),

with ``G = diag(pf)^-1/2 V`` on the penalized rows, ``G = -Z^+ X_P
diag(pf_P)^-1/2 V`` and ``w^U = Z^+ y`` (the fit of the unpenalized features
alone) on the unpenalized rows. Each direction's least-squares part is
multiplied by its *kept fraction* ``d_k^2 / (d_k^2 + alpha)``. A dense X gets
the SVD of ``A``; a sparse one the eigendecomposition of ``A'A`` or ``AA'``
(whichever is smaller), so it is never densified.
"""

import numbers

import numpy as np
from scipy import optimize

from .._path.ridge_solvers import _DOF_MAX_DIM, _split_penalized, _unpenalized_coef
from .display import ShownAsText, Text
from .names import _index_of_name
from .ridge_story import RidgeFeatureStory, _report_text

# Points of the path kept for coef_path and plotting; per decade for the fine
# grid on which sign changes and the shrinkage alpha are looked for.
_N_ALPHAS = 100
_POINTS_PER_DECADE = 24


def explain_ridge(design, y, *, alpha, penalty_factor, feature_names=None):
    """The :class:`RidgeExplanation` of a ridge fit, from the fit's own design.

    Parameters
    ----------
    design : Design
        The fit's design (:func:`skreg._path.ridge_solvers.centre_data`), or
        a design on sufficient statistics alone (dask data), whose ``Z'Z``
        and ``Z'y`` are enough.
    y : ndarray of shape (n_samples,) or None
        The centred target multiplied by ``sqrt(sample_weight)``; None for a
        design without rows.
    alpha : float
        The fitted penalty.
    penalty_factor : ndarray of shape (n_features,)
        Validated factors; ``inf`` (not accepted by ``Ridge``) excludes a
        feature: its coefficient is 0 at every alpha.
    feature_names : array-like of str, default=None
        Column names.

    Returns
    -------
    RidgeExplanation
    """
    if not design.has_rows:
        return RidgeExplanation(
            alpha=float(alpha),
            penalty_factor=np.array(penalty_factor, dtype=np.float64),
            feature_names=feature_names,
            n_samples=int(design.statistics[1]),
            **_statistics_spectrum(design, penalty_factor),
        )
    n_samples, n_features = design.shape
    n_penalized = int(np.count_nonzero(penalty_factor > 0))
    if design.is_sparse and min(n_samples, n_penalized) > _DOF_MAX_DIM:
        raise ValueError(
            f"explain=True on a sparse X needs min(n_samples, n_penalized_features)"
            f" <= {_DOF_MAX_DIM}, got {min(n_samples, n_penalized)}: its spectrum "
            "would cost as much as a dense decomposition. Set explain=False, or "
            "explain a fit on fewer samples or features."
        )
    spectrum = _spectrum(design, np.asarray(y, dtype=np.float64), penalty_factor)
    return RidgeExplanation(
        alpha=float(alpha),
        penalty_factor=np.array(penalty_factor, dtype=np.float64),
        feature_names=feature_names,
        n_samples=n_samples,
        **spectrum,
    )


def _spectrum(design, y, penalty_factor):
    """Singular values, loadings ``G``, projections ``U'y`` and ``w^U``."""
    n_samples, n_features = design.shape
    _, unpenalized, scale, scaled, z_basis = _split_penalized(
        design, 1.0, penalty_factor
    )
    Q = z_basis[0]
    W = scaled.rmatmat(Q).T  # Q' X_P D^-1/2 (zero on unpenalized columns)
    eps = np.finfo(np.float64).eps * max(n_samples, n_features)
    if not design.is_sparse:
        A = scaled.toarray() - Q @ W
        U, d, Vt = np.linalg.svd(A, full_matrices=False)
        keep = d > d.max(initial=0.0) * eps
        d, V = d[keep], Vt[keep].T
        projections = U[:, keep].T @ y
    elif n_samples >= n_features:
        w, V = np.linalg.eigh(scaled.gram_matrix() - W.T @ W)
        keep = w > w.max(initial=0.0) * eps
        d, V = np.sqrt(w[keep])[::-1], V[:, keep][:, ::-1]
        # u_k' y = v_k' A' y / d_k, and A' y = X_P' D^-1/2 M y
        projections = V.T @ (scaled.rmatmat(y) - W.T @ (Q.T @ y)) / d
    else:
        K = scaled.kernel_matrix()
        if Q.shape[1]:
            KQ = K @ Q
            K = K - KQ @ Q.T - Q @ KQ.T + Q @ (Q.T @ KQ) @ Q.T
        w, U = np.linalg.eigh(0.5 * (K + K.T))
        keep = w > w.max(initial=0.0) * eps
        d, U = np.sqrt(w[keep])[::-1], U[:, keep][:, ::-1]
        V = (scaled.rmatmat(U) - W.T @ (Q.T @ U)) / d
        projections = U.T @ y
    loadings = scale[:, np.newaxis] * V
    if design.nonconstant is not None:
        # a constant column (zero once centred) has only rounding in V: its
        # coefficient is 0 at every alpha, exactly
        loadings[~design.nonconstant] = 0.0
    base = np.zeros(n_features)
    if unpenalized.size:
        # w_U = Z^+ (y - X_P w_P): Z^+ y, less Z^+ X_P D^-1/2 V per direction
        Qz, z_sv, z_Vt = z_basis
        loadings[unpenalized] = -z_Vt.T @ ((W @ V) / z_sv[:, np.newaxis])
        base[unpenalized] = _unpenalized_coef(z_basis, y[:, np.newaxis])[:, 0]
    return {
        "singular_values": d,
        "_loadings": loadings,
        "_projections": projections,
        "_base": base,
        "_rank_unpenalized": Q.shape[1],
    }


def _statistics_spectrum(design, penalty_factor):
    """:func:`_spectrum` from ``Z'Z`` and ``Z'y`` alone (a design without rows).

    The sparse eigendecomposition route, with the basis ``Q`` of the
    unpenalized columns entering only through ``Q'X`` and ``Q'y``: ``Q = Z_U
    V_z / s_z`` from the eigendecomposition of ``Z_U'Z_U``.
    """
    G, Zy = design.XtX, design.Zy
    n_features = G.shape[0]
    # _split_penalized's columns and scale, without its rows
    penalized = penalty_factor > 0
    unpenalized = np.flatnonzero(~penalized)
    scale = np.zeros(n_features)
    scale[penalized] = 1.0 / np.sqrt(penalty_factor[penalized])
    # the rank rule of Design.unpenalized_fit, for the same reason (eigenvalues)
    z_w, z_V = np.linalg.eigh(G[np.ix_(unpenalized, unpenalized)])
    z_keep = z_w > z_w.max(initial=0.0) * unpenalized.size * 1e-15
    z_sv, z_Vt = np.sqrt(z_w[z_keep]), z_V[:, z_keep].T
    W = (z_Vt @ G[unpenalized]) / z_sv[:, np.newaxis] * scale  # Q' X_P D^-1/2
    Qy = (z_Vt @ Zy[unpenalized]) / z_sv
    n_rows = int(design.statistics[1])
    eps = np.finfo(np.float64).eps * max(n_rows, n_features)
    w, V = np.linalg.eigh(scale[:, np.newaxis] * G * scale - W.T @ W)
    keep = w > w.max(initial=0.0) * eps
    d, V = np.sqrt(w[keep])[::-1], V[:, keep][:, ::-1]
    projections = V.T @ (scale * Zy - W.T @ Qy) / d
    loadings = scale[:, np.newaxis] * V
    loadings[~design.nonconstant] = 0.0
    base = np.zeros(n_features)
    if unpenalized.size:
        loadings[unpenalized] = -z_Vt.T @ ((W @ V) / z_sv[:, np.newaxis])
        base[unpenalized] = z_Vt.T @ (Qy / z_sv)
    return {
        "singular_values": d,
        "_loadings": loadings,
        "_projections": projections,
        "_base": base,
        "_rank_unpenalized": z_sv.size,
    }


class RidgeExplanation(ShownAsText):
    """Why a ridge fit shrinks each coefficient as it does, in numbers.

    Ridge minimizes :math:`\\|y - b - Xw\\|^2 + \\alpha \\sum_j pf_j w_j^2` (on
    the centred data, rows weighted by :math:`\\sqrt{s_i}`). Along each
    principal direction :math:`k` of the rescaled design (singular value
    :math:`d_k`) it keeps the fraction :math:`d_k^2 / (d_k^2 + \\alpha)` of
    the least-squares fit: directions in which the data vary little are
    shrunk first. Every coefficient is a sum over directions (see
    :meth:`why`), smooth in alpha, and tends to 0 like :math:`c_j / \\alpha`;
    it is zero only at isolated alphas, where its sign changes.

    Made by ``Ridge(explain=True)`` and ``RidgeCV(explain=True)`` as
    ``explanation_``. Penalty factors: the story is that of the rescaled
    problem :math:`X\\,\\mathrm{diag}(pf)^{-1/2}`; unpenalized features
    (``pf = 0``) are projected out first, as the intercept is, and their
    coefficients tend to their least-squares fit alone as alpha grows.

    Attributes
    ----------
    alpha : float
        The fitted alpha (``RidgeCV``: ``alpha_``).
    alphas : ndarray of shape (n_alphas,)
        A decreasing grid for the path: from 100 times the largest
        :math:`d_k^2` (or alpha) down to a tenth of the smallest (or of
        alpha), the fitted alpha included.
    singular_values : ndarray of shape (n_directions,)
        :math:`d_k`, decreasing, of the rescaled design with the unpenalized
        columns projected out; numerically zero ones left out.
    kept_fraction : ndarray of shape (n_directions,)
        :math:`d_k^2 / (d_k^2 + \\alpha)` at the fitted alpha.
    dof : float
        Effective degrees of freedom at alpha: the number of unpenalized
        directions plus ``kept_fraction.sum()``, the trace of the hat matrix
        (the intercept not counted, as ``Ridge.dof_``).
    coef : ndarray of shape (n_features,)
        The coefficients at alpha, in closed form.
    coef_path : ndarray of shape (n_features, n_alphas)
        The coefficients at ``alphas``.
    ols_coef : ndarray of shape (n_features,)
        The limit as alpha -> 0: least squares (when it is not unique, the
        solution of least :math:`\\sum_j pf_j w_j^2`).
    limit : ndarray of shape (n_features,)
        :math:`c_j = \\lim_{\\alpha \\to \\infty} \\alpha\\, w_j(\\alpha)`, for
        penalized features :math:`(X_c^\\top M y)_j / pf_j` (with only the
        intercept unpenalized, :math:`x_j^\\top y / pf_j` on centred data);
        NaN for unpenalized features, which do not tend to 0.
    sign_changes : list of ndarray
        Per feature, the alphas (decreasing) at which its coefficient
        changes sign along the path: the ridge path is not monotone in
        general. At most ``n_directions - 1`` each.
    feature_names : list of str
        The names ``why()`` takes (``x0, x1, ...`` when X had none).
    penalty_factor : ndarray of shape (n_features,)
        The ``pf_j`` of the fit.
    n_samples : int
        Number of samples of the fit.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import Ridge
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> explanation = Ridge(alpha=0.1, explain=True).fit(X, y).explanation_
    >>> round(explanation.dof, 3)
    7.642
    >>> story = explanation.why("s1")  # least squares -792, mostly direction 10
    >>> round(story.ols_coefficient), round(story.coefficient, 3)
    (-792, -83.466)
    >>> round(float(story.contributions.sum()), 3)
    -83.466
    >>> explanation.sign_changes[4].round(3).tolist()  # s1 crosses zero once
    [0.812]
    """

    def __init__(
        self,
        *,
        alpha,
        penalty_factor,
        feature_names,
        n_samples,
        singular_values,
        _loadings,
        _projections,
        _base,
        _rank_unpenalized,
    ):
        self.alpha = alpha
        self.penalty_factor = penalty_factor
        n_features = penalty_factor.shape[0]
        self.feature_names = (
            [str(name) for name in feature_names]
            if feature_names is not None
            else [f"x{j}" for j in range(n_features)]
        )
        self.n_samples = n_samples
        self.singular_values = singular_values
        self._loadings = _loadings
        self._projections = _projections
        self._base = _base
        self._rank_unpenalized = _rank_unpenalized
        self._unpenalized = penalty_factor == 0
        self.alphas = self._grid()
        self.kept_fraction = self.kept_fraction_at(alpha)
        self.dof = self.dof_at(alpha)
        self.coef = self.coef_at(alpha)
        self.coef_path = self.coef_at(self.alphas)
        d, g = singular_values, _projections
        self.ols_coef = _base + _loadings @ (g / d)
        self.limit = np.where(self._unpenalized, np.nan, _loadings @ (g * d))
        self.sign_changes = self._sign_changes()

    # --- closed forms -----------------------------------------------------

    def kept_fraction_at(self, alpha):
        """Return :math:`d_k^2 / (d_k^2 + \\alpha)` for every direction.

        Parameters
        ----------
        alpha : float
            Non-negative penalty strength.

        Returns
        -------
        kept : ndarray of shape (n_directions,)
        """
        d2 = self.singular_values**2
        return d2 / (d2 + self._checked(alpha))

    def dof_at(self, alpha):
        """Return the effective degrees of freedom at ``alpha``.

        Parameters
        ----------
        alpha : float
            Non-negative penalty strength.

        Returns
        -------
        dof : float
            Unpenalized directions plus the sum of the kept fractions.
        """
        return self._rank_unpenalized + float(self.kept_fraction_at(alpha).sum())

    def coef_at(self, alpha):
        """Return the coefficients at ``alpha`` (or at each of several).

        Parameters
        ----------
        alpha : float or array-like of shape (n_points,)
            Non-negative penalty strengths.

        Returns
        -------
        coef : ndarray of shape (n_features,) or (n_features, n_points)
            ``Ridge(alpha).fit(...).coef_`` to rounding (``alpha = 0``: the
            limit ``ols_coef``).
        """
        alphas = np.atleast_1d(np.asarray(alpha, dtype=np.float64))
        for value in alphas:
            self._checked(value)
        d = self.singular_values[:, np.newaxis]
        shrink = d / (d**2 + alphas)  # every kept d_k is > 0
        coef = self._base[:, np.newaxis] + (self._loadings * self._projections) @ shrink
        return coef[:, 0] if np.ndim(alpha) == 0 else coef

    def contributions(self, feature, alpha=None):
        """Return each direction's part of one coefficient at ``alpha``.

        Parameters
        ----------
        feature : str or int
            A name of ``feature_names`` or a column index.
        alpha : float, default=None
            Penalty strength; the fitted alpha when None.

        Returns
        -------
        parts : ndarray of shape (n_directions,)
            :math:`G_{jk}\\, (u_k^\\top y)/d_k \\cdot d_k^2/(d_k^2 + \\alpha)`;
            they sum to ``coef_at(alpha)[j]`` less the unpenalized features'
            own fit (0 for a penalized feature).
        """
        j = self._index(feature)
        alpha = self.alpha if alpha is None else alpha
        d = self.singular_values
        return self._loadings[j] * self._projections * d / (d**2 + self._checked(alpha))

    def shrinkage_alpha(self, share=0.01):
        """Return the alpha from which every penalized coefficient stays small.

        Parameters
        ----------
        share : float, default=0.01
            In (0, 1): the bound on ``|w_j(alpha)| / |ols_coef_j|``.

        Returns
        -------
        alpha : float
            The smallest alpha beyond which every penalized feature with a
            nonzero least-squares coefficient has ``|w_j| <= share *
            |ols_coef_j|`` (located on a fine grid and refined); NaN when no
            feature qualifies.
        """
        if not 0 < share < 1:
            raise ValueError(f"share must be in (0, 1), got {share!r}.")
        ols = np.abs(self.ols_coef)
        eligible = ~self._unpenalized & (ols > 1e-12 * ols.max(initial=0.0))
        if not eligible.any() or self.singular_values.size == 0:
            return np.nan
        # beyond ~10 c_j / (share ols_j) (and d_max^2) the c/alpha tail holds
        tail = np.max(np.abs(self.limit[eligible]) / (share * ols[eligible]))
        grid = self._fine_grid(top=10 * tail)

        def excess(log_alpha):
            coef = self.coef_at(np.exp(log_alpha))[eligible]
            return np.max(np.abs(coef) / ols[eligible]) - share

        ratios = np.abs(self.coef_at(grid)[eligible]) / ols[eligible][:, None]
        above = np.flatnonzero(ratios.max(axis=0) > share)
        if above.size == 0:
            return float(grid[-1])
        k = above[0]  # grid decreasing: the largest alpha still above
        if k == 0:
            return float(grid[0])
        return float(
            np.exp(optimize.brentq(excess, np.log(grid[k]), np.log(grid[k - 1])))
        )

    # --- reading it -------------------------------------------------------

    def why(self, feature, alpha=None):
        """Tell one coefficient's story at ``alpha``, in numbers that add up.

        .. math::

            w_j(\\alpha) = w^U_j + \\sum_k
              \\underbrace{G_{jk}\\,(u_k^\\top y) / d_k}_{\\text{least squares}}
              \\cdot \\underbrace{d_k^2/(d_k^2 + \\alpha)}_{\\text{kept}}

        Parameters
        ----------
        feature : str or int
            A name of ``feature_names`` (or the one ending in ``__name``) or
            a column index.
        alpha : float, default=None
            Penalty strength; the fitted alpha when None.

        Returns
        -------
        story : RidgeFeatureStory
            ``str(story)`` is the text; the numbers are its attributes.
        """
        j = self._index(feature)
        alpha = self.alpha if alpha is None else self._checked(alpha)
        d = self.singular_values
        ols_parts = self._loadings[j] * self._projections / d
        return RidgeFeatureStory(
            feature=self.feature_names[j],
            alpha=float(alpha),
            coefficient=float(self.coef_at(alpha)[j]),
            ols_coefficient=float(self.ols_coef[j]),
            unpenalized_part=float(self._base[j]),
            ols_parts=ols_parts,
            kept_fraction=self.kept_fraction_at(alpha),
            contributions=ols_parts * self.kept_fraction_at(alpha),
            singular_values=d,
            limit=float(self.limit[j]),
            penalty_factor=float(self.penalty_factor[j]),
            sign_changes=self.sign_changes[j],
        )

    def report(self):
        """Return the fit's story: the cost, what alpha does, dof, features.

        Returns
        -------
        text : str
            Shown as text (not as a string literal) by a REPL or notebook.
        """
        return Text(_report_text(self))

    def to_frame(self):
        """Return one row per feature as a pandas DataFrame.

        Returns
        -------
        frame : pandas.DataFrame
            Indexed by feature, columns ``penalty_factor, coef, ols_coef,
            shrink`` (``coef / ols_coef``), ``limit`` and ``sign_changes``
            (their number along the path).
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "pandas is required for to_frame(); pip install pandas"
            ) from exc
        with np.errstate(divide="ignore", invalid="ignore"):
            shrink = self.coef / self.ols_coef
        frame = pd.DataFrame(
            {
                "penalty_factor": self.penalty_factor,
                "coef": self.coef,
                "ols_coef": self.ols_coef,
                "shrink": shrink,
                "limit": self.limit,
                "sign_changes": [len(a) for a in self.sign_changes],
            },
            index=pd.Index(self.feature_names, name="feature"),
        )
        return frame

    def plot(self, ax=None, **kwargs):
        """Plot the coefficient paths and the kept fraction per direction.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes for the paths; a new figure of two panels when None.
        **kwargs : dict
            Passed to ``RidgePathDisplay.plot``.

        Returns
        -------
        display : RidgePathDisplay
        """
        from .._plot_ridge import RidgePathDisplay

        return RidgePathDisplay.from_explanation(self, ax=ax, **kwargs)

    def __str__(self):
        return "\n".join(
            [
                f"RidgeExplanation at alpha = {self.alpha:.6g}: "
                f"{len(self.feature_names)} features, "
                f"{self.singular_values.size} principal directions, "
                f"dof = {self.dof:.4g}.",
                "Read it with report(), why(feature), to_frame() or plot().",
            ]
        )

    # --- helpers ----------------------------------------------------------

    def _index(self, feature):
        n_features = len(self.feature_names)
        if isinstance(feature, str):
            return _index_of_name(feature, self.feature_names)
        if (
            isinstance(feature, numbers.Integral)
            and -n_features <= feature < n_features
        ):
            return int(feature) % n_features
        raise ValueError(
            f"feature must be a column name or an index in [0, {n_features}), "
            f"got {feature!r}."
        )

    @staticmethod
    def _checked(alpha):
        if not (isinstance(alpha, numbers.Real) and np.isfinite(alpha) and alpha >= 0):
            raise ValueError(f"alpha must be a finite number >= 0, got {alpha!r}.")
        return float(alpha)

    def _grid(self):
        d2 = self.singular_values**2
        alpha = self.alpha
        if d2.size:
            high = max(alpha, d2.max()) * 100
            low = min(alpha, d2.min()) / 10 if alpha > 0 else d2.min() / 10
        else:
            high, low = (alpha * 1e3, alpha * 1e-3) if alpha > 0 else (1e3, 1e-3)
        # no more than 12 decades: near-collinear data have d_min ~ 0
        low = max(low, high * 1e-12)
        if alpha > 0:
            low = min(low, alpha / 10)
        grid = np.geomspace(high, low, _N_ALPHAS)
        if alpha > 0:
            grid = np.unique(np.append(grid, alpha))[::-1]
        return grid

    def _fine_grid(self, top=0.0):
        d2 = self.singular_values**2
        high = max(d2.max() * 1e4, top)
        low = max(d2.min(), d2.max() * 1e-16) * 1e-4
        count = int(np.ceil(np.log10(high / low) * _POINTS_PER_DECADE)) + 1
        return np.geomspace(high, low, count)

    def _sign_changes(self):
        n_features = len(self.feature_names)
        if self.singular_values.size < 2:
            return [np.zeros(0) for _ in range(n_features)]
        grid = self._fine_grid()
        values = self.coef_at(grid)
        changes = []
        for j in range(n_features):
            row = values[j]
            # too small to have a sign: rounding around an exact zero
            signs = np.sign(np.where(np.abs(row) > 1e-12 * np.abs(row).max(), row, 0))
            nonzero = np.flatnonzero(signs)
            flips = nonzero[np.flatnonzero(np.diff(signs[nonzero]))]
            alphas = []
            for k in flips:
                following = nonzero[np.searchsorted(nonzero, k) + 1]

                def coef_j(log_alpha, j=j):
                    return self.coef_at(np.exp(log_alpha))[j]

                root = optimize.brentq(
                    coef_j, np.log(grid[following]), np.log(grid[k]), xtol=1e-12
                )
                alphas.append(np.exp(root))
            changes.append(np.array(alphas))
        return changes
