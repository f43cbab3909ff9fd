"""``predict`` on dask data: a lazy dask array, as dask-ml's estimators give."""

from .inputs import is_dask


class DaskPredictMixin:
    """Put before ``LinearModel`` in the bases: dask X gets a lazy prediction,
    anything else scikit-learn's ``predict``."""

    def predict(self, X):
        """Predict using the linear model.

        Parameters
        ----------
        X : {array-like, sparse matrix, dask array or DataFrame} of shape \
                (n_samples, n_features)
            Samples; a dask collection gives a lazy dask array.

        Returns
        -------
        y_pred : ndarray or dask array of shape (n_samples,)
            Predicted values.
        """
        if is_dask(X):
            from sklearn.utils.validation import check_is_fitted

            from .fits import predict

            check_is_fitted(self)
            return predict(self, X)
        return super().predict(X)
