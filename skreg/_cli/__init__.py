"""The command line, ``python -m skreg`` (package-private).

One job per module: :mod:`.reading` turns a CSV file into a numeric table
(encodings, categories, missing values), :mod:`.fitting` chooses and fits the
model, :mod:`.output` renders the result as text, JSON or CSV and draws the
figures, and :mod:`.main` parses the arguments and ties them together.
"""
