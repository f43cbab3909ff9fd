"""scikit-learn tests that fail on skreg, reviewed, each with its reason.

Keys are test ids (``file::test[parameters]``, ``fnmatch`` patterns allowed);
values say why the difference is right or unavoidable.
"""

REVIEWED_WITH = "1.9.1"

EXPECTED_FAILURES = {}
