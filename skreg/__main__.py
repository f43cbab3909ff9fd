"""``python -m skreg``: explain a regularized regression, feature by feature.

Runs on scikit-learn's diabetes data by default, or on a CSV file::

    python -m skreg
    python -m skreg data.csv --target COLUMN [--model {lasso,enet,adaptive,ridge}]
        [--alpha A] [--penalty-factor NAME=VALUE] [--format {text,json,csv}]
        [--out DIR | --no-plot]

``python -m skreg --help`` lists every option. The command line lives in
``skreg/_cli/`` (reading the CSV, fitting, output); this module is its entry
point.
"""

import sys

from skreg._cli.main import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
