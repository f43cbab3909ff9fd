"""Sphinx configuration of skreg's documentation.

Build (offline; warnings are errors, internal references must resolve)::

    pip install -e ".[doc]"
    python -m sphinx -W --keep-going -n -b html doc doc/_build/html

sphinx-gallery runs every ``examples/plot_*.py`` during the build, so a broken
example breaks the build. Math is rendered by a MathJax copy shipped with the
``sphinx-mathjax-offline`` package: the built site needs no network.
"""

import os
import sys
import warnings

import skreg

sys.path.insert(0, os.path.abspath("tools"))

project = "skreg"
author = "The skreg developers"
copyright = "The skreg developers"  # noqa: A001
version = release = skreg.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    # A local MathJax 3 (copied to _static/mathjax): formulas render offline.
    "sphinx-mathjax-offline",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "_includes", "tools", "**.ipynb_checkpoints"]
root_doc = "index"
default_role = "literal"

# The build is offline: no inventories are fetched. External names (numpy,
# scipy, scikit-learn, matplotlib, pandas types in the docstrings) therefore
# cannot resolve and are ignored below; every internal reference must resolve.
intersphinx_mapping = {}

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Parameter types stay text: offline there are no inventories to link Python,
# numpy or scikit-learn types to.
numpydoc_xref_param_type = False

# Names from outside skreg that docstrings mention (no intersphinx offline).
nitpick_ignore_regex = [
    ("py:.*", r"(numpy|np|scipy|sklearn|matplotlib|pandas|pd|joblib)(\..*)?"),
    ("py:.*", r"(array-like|array_like|sparse matrix|ndarray|ndarrays|dtype)"),
    ("py:.*", r"(int|float|bool|str|dict|list|tuple|callable|iterable|object)"),
    ("py:.*", r"(Axes|Figure|Line2D|Text|DataFrame|Series|Generator)"),
    ("py:.*", r"(cross-validation generator|CV splitter|RandomState|.* instance)"),
    ("py:.*", r"(BaseEstimator|RegressorMixin|MultiOutputMixin|LinearModel)"),
    ("py:.*", r"(MetadataRequest|MetadataRouter|Tags|numbers\..*|NamedTuple)"),
    ("py:.*", r"(matplotlib Axes|matplotlib Figure|matplotlib Line2D|matplotlib Text)"),
    # scikit-learn's glossary (:term:`fit` in docstrings written as sklearn's).
    ("std:term", r"fit|predict|transform|cross-validation estimator"),
]

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("skreg",),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {"skreg": None},
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "show_memory": False,
}

# Examples run headless; matplotlib's Agg backend needs no display.
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings(
    "ignore",
    category=UserWarning,
    message="FigureCanvasAgg is non-interactive, and thus cannot be shown",
)

html_theme = "pydata_sphinx_theme"
html_title = f"skreg {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": [],
}
# No left sidebar: the pages are long single documents, the figures need width.
html_sidebars = {"**": []}
html_static_path = []
html_show_sourcelink = False


_SKIPPED_MEMBERS = ("get_metadata_routing", "__sklearn_tags__")


def _skip_member(app, what, name, obj, skip, options):
    """Leave scikit-learn's metadata-routing plumbing out of the API pages."""
    if name in _SKIPPED_MEMBERS or (
        name.startswith("set_") and name.endswith("_request")
    ):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
