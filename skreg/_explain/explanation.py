"""Explain mode: which feature entered or left the lasso path at which alpha, and why.

The answer is the KKT conditions of the lasso. With ``r`` the residual and ``n``
the sum of the sample weights (the number of samples when unweighted), on
centred data, at penalty ``alpha``

.. math::

    \\frac{|x_j^\\top r|}{n} \\le \\alpha \\, pf_j \\text{ for every } j,
    \\qquad
    \\frac{x_j^\\top r}{n} = \\alpha \\, pf_j \\operatorname{sign}(\\beta_j)
    \\text{ when } \\beta_j \\ne 0.

A coefficient is zero exactly while its feature's correlation with the residual
stays below its penalty. :class:`PathExplanation` records, along the path, the
moments where a correlation reaches its penalty (the feature *enters*) or a
coefficient shrinks back to zero (it *exits*), and answers questions about them.
"""

import html
import numbers

import numpy as np

from .._path.design import make_design
from .._path.homotopy import PathEvent
from .._path.ties import TieGroup
from .._validation import check_explanation_data, check_path_arrays
from .display import events_table, final_state, report_text, summary_line
from .names import _index_of_name
from .story import FeatureStory, _penalty
from .tied import at_fit_report, final_state_at_fit, tie_story

COORDINATE_DESCENT_METHOD = "coordinate descent (events located by bisection)"
_METHODS = ("homotopy", COORDINATE_DESCENT_METHOD)


class PathExplanation:
    """The events of a lasso path and the KKT numbers that decided them.

    Built by :func:`explain_lasso_path` (exact, by homotopy), by the
    estimators' ``explain=True`` from the design of their fit, or, from a path
    computed elsewhere, by this constructor.

    It does not keep the data. To answer questions at any alpha of the path
    (:meth:`why`, :meth:`correlation_path`) it keeps the path itself, each
    feature's correlation with the target ``Z'y / n`` and, for the features
    that are nonzero somewhere on the path, their columns of the Gram matrix
    ``Z'Z / n``: every residual correlation along the path is
    ``Z'y / n - (Z'Z / n) beta``. That is ``n_features x (n_alphas +
    n_entered)`` numbers, a small fraction of X unless most features enter.

    At penalty ``alpha`` a coefficient is zero exactly while its feature's
    correlation with the residual stays below its penalty:

    .. math::

        \\frac{|x_j^\\top r|}{n} \\le \\alpha \\, pf_j, \\qquad
        \\frac{x_j^\\top r}{n} = \\alpha \\, pf_j \\operatorname{sign}(\\beta_j)
        \\text{ if } \\beta_j \\ne 0,

    with ``n`` the sum of sample weights and ``x_j``, ``r`` centred when there
    is an intercept.

    Parameters
    ----------
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The training data of the path. Sparse X is kept sparse.
    y : array-like of shape (n_samples,)
        The target.
    alphas : array-like of shape (n_alphas,)
        Decreasing penalty strengths of the path (knots for the homotopy).
    coef_path : array-like of shape (n_features, n_alphas)
        Coefficients at ``alphas``.
    events : iterable
        Entries and exits in path order, each with attributes or fields
        ``(alpha, feature, event, sign, correlation, penalty)``, ``feature``
        being a column index (a :class:`~skreg._path.homotopy.PathEvent` or
        a tuple in that order).
    intercepts : array-like of shape (n_alphas,), default=None
        Intercepts at ``alphas``; computed from the weighted means if None.
    penalty_factor : array-like of shape (n_features,), default=None
        The ``pf_j`` of the path (1 for every feature if None).
    sample_weight : array-like of shape (n_samples,), default=None
        The sample weights of the path.
    fit_intercept : bool, default=True
        Whether the path was fitted with an intercept.
    positive : bool, default=False
        Whether coefficients were constrained to be non-negative.
    feature_names : array-like of str, default=None
        Column names; taken from X when it is a DataFrame.
    method : {"homotopy", "coordinate descent (events located by bisection)"}
        How the path and its events were computed.
    note : str, default=None
        Why the homotopy was not used, or anything else the reader should know.
    safe : bool, default=True
        False when the path stopped early (the homotopy became numerically
        unsafe); the path is then exact but ends above the requested alpha.

    Attributes
    ----------
    alphas_ : ndarray of shape (n_alphas,)
        The penalty strengths of the path, decreasing (also ``alphas``).
    coef_path : ndarray of shape (n_features, n_alphas)
        Coefficients at ``alphas_``; linear interpolation between homotopy
        knots is exact.
    intercepts : ndarray of shape (n_alphas,)
        Intercepts at ``alphas_``.
    events : list of PathEvent
        Entries and exits in path order.
    entry_alpha : ndarray of shape (n_features,)
        For each feature the largest alpha at which it is nonzero: the alpha of
        its first entry; 0 if it never enters, ``inf`` for unpenalized features
        in the model from the start.
    degenerate : str or None
        Why no penalized coefficient leaves zero at any alpha, when that is
        so (a constant target, constant or excluded columns, ...); else None.
    ties : list of TieGroup
        Groups of exactly tied columns (duplicated, negated, or proportional
        with penalty factors in proportion), by name: the lasso fixes only
        the combination ``sum_k ratios[k] * beta_k`` of each, and every split
        with its signs is optimal. Each group's events are recorded under one
        member. Found by :func:`explain_lasso_path` and ``explain=True``;
        empty for an explanation built by this constructor.
    fitted_coef : ndarray of shape (n_features,) or None
        The fit's ``coef_`` when the explanation comes from a fit: the report
        counts the features in the model from it. None otherwise.
    l1_ratio : float
        The fit's mix of L1 and L2 (1 for a lasso path).
    feature_names : ndarray of str or None
        Column names, when known.
    penalty_factor : ndarray of shape (n_features,)
        The ``pf_j`` of the path.
    method, note, safe, positive, fit_intercept
        As passed.

    See Also
    --------
    explain_lasso_path : Compute the exact path and its explanation.
    skreg.plotting.PathDisplay : Coefficients along the path with its events.
    skreg.plotting.KKTDisplay : Correlations with the residual against penalties.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from skreg import explain_lasso_path
    >>> data = load_diabetes(as_frame=True)
    >>> explanation = explain_lasso_path(data.data, data.target)
    >>> [e.feature for e in explanation.events[:3]]
    ['bmi', 's5', 'bp']
    >>> story = explanation.why("s3", alpha=0.5)
    >>> bool(story.active)
    True
    """

    def __init__(
        self,
        X,
        y,
        *,
        alphas,
        coef_path,
        events,
        intercepts=None,
        penalty_factor=None,
        sample_weight=None,
        fit_intercept=True,
        positive=False,
        feature_names=None,
        method="homotopy",
        note=None,
        safe=True,
    ):
        X, y, sample_weight, penalty_factor, feature_names = check_explanation_data(
            X, y, sample_weight, penalty_factor, feature_names
        )
        self._set_path(
            make_design(X, y, sample_weight, fit_intercept),
            alphas=alphas,
            coef_path=coef_path,
            events=events,
            intercepts=intercepts,
            penalty_factor=penalty_factor,
            positive=positive,
            feature_names=feature_names,
            method=method,
            note=note,
            safe=safe,
        )

    @classmethod
    def _from_design(cls, design, **path):
        """The explanation of a path on ``design`` (validated inputs).

        ``path`` holds the keyword arguments of :meth:`_set_path`.
        """
        explanation = cls.__new__(cls)
        explanation._set_path(design, **path)
        return explanation

    def _set_path(
        self,
        design,
        *,
        alphas,
        coef_path,
        events,
        penalty_factor,
        positive,
        feature_names,
        method,
        note,
        safe,
        intercepts=None,
        gram=None,
        gram_features=None,
        ties=(),
        carriers=None,
        fitted_coef=None,
    ):
        """Keep the path and the statistics that answer questions about it.

        ``gram`` (``Z'Z / n`` for ``gram_features``), when the path's solver
        has it, spares passes over X for those features. ``ties`` (column
        indices) with ``carriers``, the member of each group its events are
        recorded under; ``fitted_coef``, the fit's ``coef_``.
        """
        if method not in _METHODS:
            raise ValueError(f"method must be one of {_METHODS}, got {method!r}.")
        n_features = design.n_features
        self.alphas_, self.coef_path = check_path_arrays(alphas, coef_path, n_features)
        self.intercepts = (
            np.atleast_1d(design.y_offset - design.X_offset @ self.coef_path)
            if intercepts is None
            else np.asarray(intercepts, dtype=np.float64)
        )
        self.fit_intercept = design.fit_intercept
        self._weighted = design.is_weighted
        self._correlations_with_y = design.Zy / design.n_samples
        # weighted standard deviations of the columns, for the report's units
        self._column_scales = np.sqrt(design.norms2 / design.n_samples)
        self._set_gram(design, gram, gram_features)
        self.penalty_factor = penalty_factor
        self.feature_names = feature_names
        self.positive = positive
        self.method = method
        self.note = note
        self.safe = safe
        self._event_indices = [int(_field(e, "feature", 1)) for e in events]
        self.events = [
            PathEvent(
                alpha=float(_field(e, "alpha", 0)),
                feature=self._public_name(j),
                event=str(_field(e, "event", 2)),
                sign=int(_field(e, "sign", 3)),
                correlation=float(_field(e, "correlation", 4)),
                penalty=float(_field(e, "penalty", 5)),
            )
            for e, j in zip(events, self._event_indices)
        ]
        self.entry_alpha = self._entry_alphas()
        self._ties = list(ties)
        self._carriers = (
            [group.features[0] for group in self._ties]
            if carriers is None
            else [int(c) for c in carriers]
        )
        self.ties = [
            TieGroup(
                tuple(self._public_name(j) for j in group.features),
                group.ratios,
                group.kind,
            )
            for group in self._ties
        ]
        self.fitted_coef = (
            None if fitted_coef is None else np.array(fitted_coef, dtype=np.float64)
        )
        # why nothing can enter at any alpha, when that is the case (else None)
        self.degenerate = None
        # the estimator's mix of L1 and L2 (set by explain_fit; 1 = lasso)
        self.l1_ratio = 1.0

    def _told_at_the_fitted_alpha(self, alpha, why, degenerate=False):
        """Explain a fit at ``alpha >= alpha_max``: the path is that one point.

        Above ``alpha_max`` the solution does not change (every penalized
        coefficient is zero, the unpenalized ones hold their least-squares
        fit), so the path's first point describes the fit; the events below
        ``alpha_max`` are not part of it. ``why`` says so in the note; with
        ``degenerate`` (``alpha_max == 0``: nothing enters at any alpha) it
        is also what the figures say.
        """
        self.alphas_ = np.array([alpha])
        self.coef_path = self.coef_path[:, :1].copy()
        self.intercepts = self.intercepts[:1].copy()
        self.events, self._event_indices = [], []
        self.entry_alpha = self._entry_alphas()
        self.note = why if not self.note else f"{why} {self.note}"
        self.degenerate = why if degenerate else None

    def _set_gram(self, design, gram, gram_features):
        """``Z'Z / n`` for the features nonzero somewhere on the path."""
        nonzero = np.flatnonzero(np.any(self.coef_path != 0, axis=1))
        known = {} if gram is None else dict(zip(np.asarray(gram_features), gram.T))
        missing = [j for j in nonzero if j not in known]
        if missing:
            computed = design.gram_columns(missing) / design.n_samples
            known.update(zip(missing, computed.T))
        self._gram_features = nonzero
        self._gram = (
            np.column_stack([known[j] for j in nonzero])
            if nonzero.size
            else np.zeros((design.n_features, 0))
        )
        self._gram_position = {int(j): k for k, j in enumerate(nonzero)}

    def _gram_rows(self, j, features):
        """``z_j' z_k / n`` for the listed features ``k`` (nonzero ones)."""
        return np.array([self._gram[j, self._gram_position[int(k)]] for k in features])

    def _residual_correlations(self, coefs):
        """``Z'r / n`` at coefficients ``coefs`` (n_features,) or (n_features, k)."""
        ever = self._gram_features
        return (
            self._correlations_with_y.reshape((-1,) + (1,) * (coefs.ndim - 1))
            - self._gram @ coefs[ever]
        )

    @property
    def alphas(self):
        """The penalty strengths of the path (same as ``alphas_``)."""
        return self.alphas_

    def to_frame(self):
        """Return the events as a pandas DataFrame, one row per event.

        Returns
        -------
        frame : pandas.DataFrame
            Columns ``alpha, feature, event, sign, penalty_factor`` and
            ``correlation`` (``|x'r|/n``, which at an event equals the
            penalty ``alpha * penalty_factor``). With tied features (``ties``),
            also ``tied_with``: the other members of the event's tie group,
            which changed state with it ("" for an untied feature).
        """
        try:
            import pandas as pd
        except ImportError as exc:
            raise ImportError(
                "pandas is required for to_frame(); pip install pandas"
            ) from exc
        rows = [
            (e.alpha, e.feature, e.event, e.sign, self.penalty_factor[j], e.correlation)
            for e, j in zip(self.events, self._event_indices)
        ]
        columns = ["alpha", "feature", "event", "sign", "penalty_factor"]
        frame = pd.DataFrame(rows, columns=columns + ["correlation"])
        if self._ties:
            frame["tied_with"] = [
                ", ".join(self.label(k) for k in self._group_of(j).features if k != j)
                if self._group_of(j) is not None
                else ""
                for j in self._event_indices
            ]
        return frame

    def report(self):
        """Return a readable summary of the path, one line per event.

        Returns
        -------
        text : str
            Shown as text (not as a string literal) by a REPL or notebook.
        """
        text = report_text(self)
        if not self._ties and self.fitted_coef is None:
            return text
        return at_fit_report(self, text)

    def __repr__(self):
        return "\n".join(
            [
                f"PathExplanation: {summary_line(self)}",
                final_state_at_fit(self),
                "Read it with report(), why(feature), to_frame() or plot().",
            ]
        )

    def _repr_pretty_(self, printer, cycle):
        printer.text(repr(self))

    def _repr_html_(self):
        table = events_table(self)
        at_fit = final_state_at_fit(self)
        if at_fit == final_state(self):
            return table
        return table.replace(html.escape(final_state(self)), html.escape(at_fit))

    def _group_of(self, j):
        """The tie group (column indices) of feature ``j``, or None."""
        for group in self._ties:
            if j in group.features:
                return group
        return None

    def why(self, feature, alpha=None):
        """Tell one feature's story at ``alpha`` in numbers.

        Splits its correlation with the target into the part the active
        features' fit already accounts for and the part left in the residual,
        and compares the latter with its penalty:

        .. math::

            \\underbrace{x_j^\\top y / n}_{\\text{raw}}
            = \\underbrace{\\sum_{k \\in A} x_j^\\top x_k \\beta_k / n}
              _{\\text{explained by active}}
            + \\underbrace{x_j^\\top r / n}_{\\text{residual}}

        Parameters
        ----------
        feature : str or int
            Column name (when feature names are known) or column index.
        alpha : float, default=None
            Penalty strength; the smallest alpha of the path when None.

        Returns
        -------
        story : FeatureStory
            ``str(story)`` is the text; the numbers are its attributes.
        """
        j = self._feature_index(feature)
        alpha = self.alphas_[-1] if alpha is None else self._check_alpha(alpha)
        coef = self._coef_at(alpha)
        active = np.flatnonzero(coef)
        products = self._gram_rows(j, active) * coef[active]
        order = np.argsort(-np.abs(products), kind="stable")
        raw = float(self._correlations_with_y[j])
        group = self._group_of(j)
        if group is not None:
            # its group's events are recorded under the carrier
            carrier = self._carriers[self._ties.index(group)]
            own = [e for e, i in zip(self.events, self._event_indices) if i == carrier]
        else:
            own = [e for e, i in zip(self.events, self._event_indices) if i == j]
        return FeatureStory(
            feature=self._public_name(j),
            alpha=float(alpha),
            coefficient=float(coef[j]),
            active=bool(coef[j] != 0),
            raw_correlation=raw,
            explained_by_active=float(products.sum()),
            contributions={
                self._public_name(active[k]): float(products[k]) for k in order
            },
            residual_correlation=raw - float(products.sum()),
            # An excluded feature's penalty is inf at every alpha, 0 included
            # (where alpha * pf would be nan).
            penalty=_penalty(alpha, self.penalty_factor[j]),
            penalty_factor=float(self.penalty_factor[j]),
            entry_alpha=float(self.entry_alpha[j]),
            events=own,
            tied_with=tuple(
                self._public_name(k)
                for k in (group.features if group else ())
                if k != j
            ),
            tie=tie_story(self, j, group, coef, alpha) if group else "",
            group_active=bool(group and np.any(coef[list(group.features)] != 0)),
            ridge_part=_ridge_part(self, alpha, j, coef[j]),
        )

    def correlation_path(self, alphas=None):
        """Return every feature's correlation with the residual along the path.

        Parameters
        ----------
        alphas : array-like of shape (n_points,), default=None
            Where to evaluate, within the path's range; its alphas when None.
            Coefficients are interpolated linearly between path alphas (exact
            between homotopy knots).

        Returns
        -------
        correlations : ndarray of shape (n_features, n_points)
            ``x_j' r(alpha) / n``, signed, on the centred weighted scale.
        """
        alphas = self.alphas_ if alphas is None else np.atleast_1d(alphas)
        coefs = np.column_stack([self._coef_at(self._check_alpha(a)) for a in alphas])
        return self._residual_correlations(coefs)

    def plot(self, ax=None, **kwargs):
        """Plot the coefficients along the path with the events marked.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        **kwargs : dict
            Passed to :meth:`skreg.plotting.PathDisplay.plot`.

        Returns
        -------
        display : skreg.plotting.PathDisplay
        """
        from ..plotting import PathDisplay

        return PathDisplay.from_explanation(self, ax=ax, **kwargs)

    def label(self, j):
        """Return the display label of column ``j``: its name, else ``"x{j}"``."""
        return str(self.feature_names[j]) if self.feature_names is not None else f"x{j}"

    @property
    def _is_weighted(self):
        return self._weighted

    def _public_name(self, j):
        return str(self.feature_names[j]) if self.feature_names is not None else int(j)

    def _feature_index(self, feature):
        n_features = self.coef_path.shape[0]
        if isinstance(feature, str):
            return _index_of_name(feature, [self.label(j) for j in range(n_features)])
        if (
            isinstance(feature, numbers.Integral)
            and -n_features <= feature < n_features
        ):
            return int(feature) % n_features
        raise ValueError(
            f"feature must be a column name or an index in [0, {n_features}), "
            f"got {feature!r}."
        )

    def _check_alpha(self, alpha):
        if not np.isfinite(alpha) or alpha < self.alphas_[-1]:
            raise ValueError(
                f"alpha must be a number >= {self.alphas_[-1]:.6g}, the smallest "
                f"alpha of the path; got {alpha!r}."
            )
        return float(alpha)

    def _coef_at(self, alpha):
        """Coefficients at ``alpha``, interpolated linearly between path alphas."""
        alphas = self.alphas_
        if alpha >= alphas[0]:
            return self.coef_path[:, 0].copy()  # above alpha_max nothing moves
        # The last path alpha >= alpha, and the next one below it.
        upper = int(np.searchsorted(-alphas, -alpha, side="right")) - 1
        if alphas[upper] == alpha:
            return self.coef_path[:, upper].copy()
        lower = upper + 1
        weight = (alphas[upper] - alpha) / (alphas[upper] - alphas[lower])
        start, end = self.coef_path[:, upper], self.coef_path[:, lower]
        return start + weight * (end - start)

    def _entry_alphas(self):
        entry = np.zeros(self.coef_path.shape[0])
        for j in range(self.coef_path.shape[0]):
            nonzero = np.flatnonzero(self.coef_path[j])
            entry[j] = self.alphas_[nonzero[0]] if nonzero.size else 0.0
        for event, j in zip(self.events, self._event_indices):
            if event.event == "enter":
                entry[j] = max(entry[j], event.alpha)
        unpenalized_from_start = (self.penalty_factor == 0) & (
            self.coef_path[:, 0] != 0
        )
        entry[unpenalized_from_start] = np.inf
        return entry


def _field(record, name, position):
    """An event field, from a record with attributes or a plain tuple."""
    return getattr(record, name) if hasattr(record, name) else record[position]


def _ridge_part(explanation, alpha, j, coefficient):
    """The elastic net's ridge term in a nonzero coefficient's KKT condition.

    ``x_j' r / n = alpha l1_ratio pf_j sign(b_j) + alpha (1 - l1_ratio) pf_j
    b_j``; the explanation's factors already hold ``l1_ratio * pf_j``.
    """
    l1_ratio = getattr(explanation, "l1_ratio", 1.0)
    factor = explanation.penalty_factor[j]
    if l1_ratio >= 1.0 or coefficient == 0 or not np.isfinite(factor):
        return 0.0
    return float(alpha * (1.0 - l1_ratio) * factor / l1_ratio * coefficient)
