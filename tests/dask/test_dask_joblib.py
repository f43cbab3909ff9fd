"""Many small fits on in-memory data, distributed by joblib's dask backend.

Under ``joblib.parallel_config(backend="dask")`` scikit-learn's searches and
skreg's own ``n_jobs`` folds run as tasks on the cluster's workers: skreg's
``Parallel(prefer="threads")`` is a hint that an explicitly configured
backend overrides (joblib falls back to threads only when no backend is
configured, or when ``require="sharedmem"``). The results are those of the
default backend.
"""

import re

import joblib
import numpy as np
import pytest
from distributed import get_task_stream
from numpy.testing import assert_allclose
from sklearn.datasets import load_diabetes
from sklearn.model_selection import GridSearchCV, cross_validate

from skreg import AdaptiveLassoCV, ElasticNet, Lasso, LassoCV, Ridge


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


def on_workers(client, fit):
    """Run ``fit`` under the dask backend; return its result and, per function,
    the number of calls the workers ran (joblib batches calls into tasks
    named ``[mixed_]batch_of_<function>_<n>_calls``)."""
    with joblib.parallel_config(backend="dask"), get_task_stream(client) as stream:
        result = fit()
    workers = set(client.scheduler_info()["workers"])
    assert stream.data and {task["worker"] for task in stream.data} <= workers
    calls = {}
    for task in stream.data:
        match = re.search(r"batch_of_(\w+?)_(\d+)_calls", str(task["key"]))
        if match:
            name = match.group(1)
            calls[name] = calls.get(name, 0) + int(match.group(2))
    return result, calls


def test_grid_search_runs_on_the_workers(client, diabetes):
    X, y = diabetes

    def search():
        grid = {"alpha": [0.01, 0.1, 1.0]}
        return GridSearchCV(Lasso(), grid, cv=3, n_jobs=2).fit(X, y)

    expected = search()
    found, calls = on_workers(client, search)
    assert calls["_fit_and_score"] == 9  # 3 alphas x 3 folds
    assert found.best_params_ == expected.best_params_
    assert_allclose(
        found.cv_results_["mean_test_score"],
        expected.cv_results_["mean_test_score"],
        rtol=1e-12,
    )
    assert_allclose(found.best_estimator_.coef_, expected.best_estimator_.coef_)


def test_cross_validate_runs_on_the_workers(client, diabetes):
    X, y = diabetes

    def validate():
        model = ElasticNet(alpha=0.01, l1_ratio=0.5)
        return cross_validate(model, X, y, cv=4, n_jobs=2, return_estimator=True)

    expected = validate()
    found, calls = on_workers(client, validate)
    assert calls["_fit_and_score"] == 4
    assert_allclose(found["test_score"], expected["test_score"], rtol=1e-12)
    for a, b in zip(found["estimator"], expected["estimator"]):
        assert_allclose(a.coef_, b.coef_, rtol=1e-12)


def test_skregs_own_folds_run_on_the_workers_despite_prefer_threads(client, diabetes):
    X, y = diabetes
    expected = LassoCV(cv=5, n_jobs=2).fit(X, y)
    found, calls = on_workers(client, lambda: LassoCV(cv=5, n_jobs=2).fit(X, y))
    # one task per fold, named for skreg's fold function
    assert calls["_fold_mse"] == 5
    assert found.alpha_ == expected.alpha_
    assert_allclose(found.mse_path_, expected.mse_path_, rtol=1e-12)
    assert_allclose(found.coef_, expected.coef_, rtol=1e-12)

    def adaptive():
        model = AdaptiveLassoCV(cv=3, alphas=20, initial_estimator=Ridge(1.0))
        return model.set_params(n_jobs=2).fit(X, y)

    expected = adaptive()
    found, calls = on_workers(client, adaptive)
    # the folds' initial fits, then one path per (gamma, fold)
    assert calls["_fold_design"] == 3
    assert calls["_fold_gamma_mse"] == 9
    assert_allclose(found.mse_path_, expected.mse_path_, rtol=1e-12)
    assert_allclose(found.coef_, expected.coef_, rtol=1e-12)


def test_the_default_backend_keeps_skregs_folds_in_threads(client, diabetes):
    # without parallel_config the dask client is not used
    X, y = diabetes
    with get_task_stream(client) as stream:
        LassoCV(cv=3, n_jobs=2).fit(X, y)
    assert stream.data == []
    assert np.isfinite(LassoCV(cv=3).fit(X, y).alpha_)
