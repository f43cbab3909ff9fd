"""Build, cross-validate and fit the command line's model on a :class:`Table`.

Every model is fitted the same way: alpha is the user's, or the one chosen
by cross-validation (the model's CV estimator), and the final fit is the
single-alpha estimator at that alpha with ``explain=True`` (where the
estimator has it), inside a pipeline that standardizes the features first
unless asked not to.
"""

import math
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numba.core import event as numba_event

from .errors import InputError, UsageError
from .reading import suggestion

#: the models of ``--model``, as the output names them
MODELS = {
    "lasso": "Lasso",
    "enet": "Elastic net",
    "adaptive": "Adaptive lasso",
    "ridge": "Ridge",
}

#: fewer rows than this cannot choose alpha by 5-fold cross-validation
MIN_CV_ROWS = 5

COMPILE_NOTICE = "compiling skreg's kernels (first run only, ~20-30 s)..."

#: seconds of compiling before the command line says that it compiles
NOTICE_AFTER = 1.0


@dataclass
class Fit:
    """A fitted model and what the output shows of it.

    Attributes
    ----------
    model : str
        A key of :data:`MODELS`.
    estimator : object
        The fitted pipeline (scaler and model) or, unstandardized, the model:
        what the Displays draw.
    names : list of str
        Feature names, in the table's order.
    alpha : float
        The penalty of the final fit.
    how : str
        How alpha was chosen, as a phrase.
    coef : ndarray of shape (n_features,)
        Coefficients as fitted (per standard deviation when standardized).
    coef_per_unit : ndarray of shape (n_features,) or None
        Coefficients in the features' own units, when standardized.
    intercept : float
        The intercept in the features' own units.
    intercept_as_fitted : float
        The intercept as fitted (on standardized features, the target's mean).
    penalty_factor : ndarray of shape (n_features,)
        The penalty factors of the fit (for the adaptive lasso, its weights).
    entry_alpha : ndarray of shape (n_features,) or None
        The largest alpha at which each feature is nonzero (L1 models).
    explanation : object or None
        The final model's ``explanation_``, when it has one.
    l1_ratio : float or None
        The elastic net's mix of L1 and L2.
    standardized : bool
        Whether the features were standardized before the fit.
    warnings : list of str
        The distinct warnings of the fit, one line each.
    """

    model: str
    estimator: object
    names: list
    alpha: float
    how: str
    coef: np.ndarray
    coef_per_unit: object
    intercept: float
    intercept_as_fitted: float
    penalty_factor: np.ndarray
    entry_alpha: object
    explanation: object
    l1_ratio: object
    standardized: bool
    warnings: list


def parse_penalty_factors(specs):
    """``["a=0", "b=inf"]`` -> ``[("a", 0.0), ("b", inf)]``, or a UsageError."""
    pairs = []
    for spec in specs:
        name, equals, value = spec.rpartition("=")
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not equals or not name or not number >= 0:
            raise UsageError(
                f"--penalty-factor {spec}: expected NAME=VALUE with VALUE a number "
                ">= 0 (0: unpenalized, inf: left out)."
            )
        pairs.append((name, number))
    return pairs


def penalty_factor_vector(pairs, names, groups, target):
    """The penalty factor of every feature (1 unless ``pairs`` says otherwise).

    A name of a one-hot encoded column sets the factor of all its 0/1
    columns; later pairs override earlier ones.
    """
    factors = np.ones(len(names))
    position = {name: j for j, name in enumerate(names)}
    for name, value in pairs:
        if name in position:
            factors[position[name]] = value
        elif name in groups:
            factors[[position[dummy] for dummy in groups[name]]] = value
        elif name == target:
            raise UsageError(f"--penalty-factor {name}: that is the target column.")
        else:
            raise InputError(
                f"--penalty-factor {name}: no such feature"
                f"{suggestion(name, [*names, *groups])}"
            )
    return factors


class _CompileNotice(numba_event.Listener):
    """A numba event listener that says once that skreg's kernels compile.

    numba fires ``numba:compile`` only when it compiles, never when it loads
    a function from its on-disk cache, so the notice appears only while the
    wait is for the compiler; and only once compiling skreg's functions has
    taken ``after`` seconds, so that a few small functions compiled in a
    moment (after an upgrade, say) do not announce a wait of 20 s.
    """

    def __init__(self, after):
        super().__init__()
        self.said = False
        self._left = after
        self._depth = 0
        self._started = 0.0
        self._timer = None
        self._lock = threading.Lock()

    def on_start(self, event):
        if self.said or not _is_skreg(event):
            return
        self._depth += 1
        if self._depth > 1:  # a callee compiled within its caller
            return
        if self._left <= 0:
            self._say()
            return
        self._started = time.perf_counter()
        self._timer = threading.Timer(self._left, self._say)
        self._timer.daemon = True
        self._timer.start()

    def on_end(self, event):
        if self.said or not _is_skreg(event) or self._depth == 0:
            return
        self._depth -= 1
        if self._depth == 0:
            self.stop()
            self._left -= time.perf_counter() - self._started

    def stop(self):
        """Cancel a pending notice."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _say(self):
        with self._lock:
            if not self.said:
                self.said = True
                print(COMPILE_NOTICE, file=sys.stderr, flush=True)


def _is_skreg(event):
    """Whether a compile event is about one of skreg's functions."""
    function = getattr(event.data.get("dispatcher"), "py_func", None)
    module = getattr(function, "__module__", None) or ""
    return module == "skreg" or module.startswith("skreg.")


@contextmanager
def compile_notice(after=NOTICE_AFTER):
    """Within the block, say once (on stderr) when skreg's kernels compile.

    Parameters
    ----------
    after : float, default=NOTICE_AFTER
        Seconds of compiling skreg's functions before the notice is shown.
    """
    listener = _CompileNotice(after)
    try:
        with numba_event.install_listener("numba:compile", listener):
            yield listener
    finally:
        listener.stop()


def fit_model(
    table, *, model="lasso", alpha=None, l1_ratio=None, penalty=(), standardize=True
):
    """Fit ``model`` on ``table``; return a :class:`Fit`.

    Parameters
    ----------
    table : Table
        The data (see :func:`~skreg._cli.reading.read_table`).
    model : {"lasso", "enet", "adaptive", "ridge"}, default="lasso"
        The estimator.
    alpha : float or None, default=None
        The penalty; chosen by cross-validation when None.
    l1_ratio : float or None, default=None
        The elastic net's mix (0.5 when None).
    penalty : list of (str, float), default=()
        Penalty factors by feature or one-hot encoded column name.
    standardize : bool, default=True
        Whether to standardize the features (mean 0, variance 1) first.

    Returns
    -------
    fit : Fit
    """
    X, y = table.X, table.y
    names = [str(name) for name in X.columns]
    n_samples = len(y)
    if n_samples < 2:
        raise InputError(f"{table.source} has 1 usable row; a fit needs at least 2.")
    if alpha is None and n_samples < MIN_CV_ROWS:
        raise InputError(
            f"{table.source} has {n_samples} usable rows, too few to choose alpha "
            f"by {MIN_CV_ROWS}-fold cross-validation; give one with --alpha."
        )
    if model == "adaptive" and penalty:
        raise UsageError(
            "--penalty-factor does not apply to --model adaptive, whose penalty "
            "factors are its adaptive weights."
        )
    factors = penalty_factor_vector(penalty, names, table.groups, table.target)
    l1_ratio = (0.5 if l1_ratio is None else l1_ratio) if model == "enet" else None
    # ridge cannot exclude a feature by an infinite penalty: leave it out instead
    kept = np.isfinite(factors) if model == "ridge" else np.ones(len(names), bool)
    if not kept.any():
        raise InputError("--penalty-factor leaves out every feature.")
    X_fit = X.iloc[:, np.flatnonzero(kept)] if not kept.all() else X

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with compile_notice(NOTICE_AFTER):
            how = "given with --alpha"
            if alpha is None:
                search = _search(model, l1_ratio, factors[kept], X_fit)
                alpha = float(_pipeline(search, standardize).fit(X_fit, y)[-1].alpha_)
                how = _how_chosen(model)
            final = _final(model, alpha, l1_ratio, factors[kept])
            fitted = _pipeline(final, standardize).fit(X_fit, y)
    estimator = fitted[-1]

    coef = np.zeros(len(names))
    coef[kept] = estimator.coef_
    intercept = float(estimator.intercept_)
    coef_per_unit = None
    if standardize:
        scaler = fitted[0]
        coef_per_unit = np.zeros(len(names))
        coef_per_unit[kept] = estimator.coef_ / scaler.scale_
        intercept -= float(coef_per_unit[kept] @ scaler.mean_)
    explanation = getattr(estimator, "explanation_", None)
    entry_alpha = None
    if explanation is not None and hasattr(explanation, "entry_alpha"):
        entry_alpha = np.asarray(explanation.entry_alpha, dtype=float)
    if model == "adaptive":
        factors = np.asarray(estimator.weights_, dtype=float)
    return Fit(
        model=model,
        estimator=fitted if standardize else estimator,
        names=names,
        alpha=float(alpha),
        how=how,
        coef=coef,
        coef_per_unit=coef_per_unit,
        intercept=intercept,
        intercept_as_fitted=float(estimator.intercept_),
        penalty_factor=factors,
        entry_alpha=entry_alpha,
        explanation=explanation,
        l1_ratio=l1_ratio,
        standardized=standardize,
        warnings=list(dict.fromkeys(_one_line(w) for w in caught)),
    )


def _pipeline(estimator, standardize):
    """``estimator`` after a StandardScaler (keeping column names), or alone."""
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    steps = [("model", estimator)]
    if standardize:
        steps.insert(0, ("standardize", StandardScaler()))
    return Pipeline(steps).set_output(transform="pandas")


def _folds():
    """Shuffled 5-fold CV: CSV rows are often sorted, by date or by the target."""
    from sklearn.model_selection import KFold

    return KFold(n_splits=MIN_CV_ROWS, shuffle=True, random_state=0)


def _how_chosen(model):
    if model == "ridge":
        return "chosen by leave-one-out cross-validation"
    return f"chosen by {MIN_CV_ROWS}-fold cross-validation, rows shuffled with seed 0"


def _search(model, l1_ratio, factors, X):
    """The CV estimator that chooses alpha for ``model``."""
    from skreg import AdaptiveLassoCV, ElasticNetCV, LassoCV, RidgeCV

    if model == "lasso":
        return LassoCV(cv=_folds(), penalty_factor=factors)
    if model == "enet":
        return ElasticNetCV(cv=_folds(), l1_ratio=l1_ratio, penalty_factor=factors)
    if model == "adaptive":
        return AdaptiveLassoCV(cv=_folds(), gammas=(1.0,))
    # ridge's alpha is not divided by n (scikit-learn's scale): a grid around
    # n times the columns' mean variance spans "almost none" to "all shrunk"
    scale = len(X) * float(np.mean(np.var(X.to_numpy(), axis=0))) or 1.0
    return RidgeCV(alphas=scale * np.logspace(-5, 3, 81), penalty_factor=factors)


def _final(model, alpha, l1_ratio, factors):
    """The single-alpha estimator of ``model``, explained where it can be."""
    from skreg import AdaptiveLasso, ElasticNet, Lasso, Ridge

    if model == "lasso":
        return Lasso(alpha=alpha, penalty_factor=factors, tol=1e-8, explain=True)
    if model == "enet":
        return ElasticNet(
            alpha=alpha,
            l1_ratio=l1_ratio,
            penalty_factor=factors,
            tol=1e-8,
            explain=True,
        )
    if model == "adaptive":
        return AdaptiveLasso(alpha=alpha, gamma=1.0, explain=True)
    ridge = Ridge(alpha=alpha, penalty_factor=factors)
    # Ridge's explanation (RidgeExplanation) is newer than the command line
    if "explain" in ridge.get_params():
        ridge.set_params(explain=True)
    return ridge


def _one_line(caught):
    """A caught warning as one line: ``ConvergenceWarning: ...``."""
    text = " ".join(str(caught.message).split())
    return f"{caught.category.__name__}: {text}"
