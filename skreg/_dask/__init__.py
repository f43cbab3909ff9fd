"""Fitting on dask collections: one pass to sufficient statistics, then the
same solvers on the client.

``inputs`` recognizes dask data, ``moments`` holds the exact (Chan et al.)
merge of weighted centred co-moments, ``reduction`` builds the one-pass tree
reduction on the cluster, ``fits`` turns the statistics into each
estimator's fit. dask is imported only when the user passed dask data.
"""
