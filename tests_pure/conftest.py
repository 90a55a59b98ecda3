"""Make ``key_account/tools`` importable as ``key_account_tools`` without Odoo.

``key_account/__init__.py`` imports the Odoo models, so importing
``key_account.tools`` would drag Odoo in. The tools package is pure Python
(it only uses relative imports between its own modules), so it is loaded
directly from its file as a standalone top-level package.
"""

import importlib.util
import pathlib
import sys

from hypothesis.configuration import set_hypothesis_home_dir
import pytest

TOOLS_DIR = pathlib.Path(__file__).resolve().parent.parent / "key_account" / "tools"
PACKAGE = "key_account_tools"


def _load_tools():
    if PACKAGE in sys.modules:
        return sys.modules[PACKAGE]
    spec = importlib.util.spec_from_file_location(
        PACKAGE,
        TOOLS_DIR / "__init__.py",
        submodule_search_locations=[str(TOOLS_DIR)],
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[PACKAGE]
        raise
    return module


_load_tools()

# Keep Hypothesis' files (example database, constants cache) next to these
# tests rather than in whatever directory pytest is run from.
set_hypothesis_home_dir(str(pathlib.Path(__file__).resolve().parent / ".hypothesis"))


# These tests need no database. Should the pytest-odoo plugin be active anyway
# (run without ``-p no:odoo``), neutralise its autouse fixtures that would open
# an Odoo registry.
@pytest.fixture(scope="session", autouse=True)
def load_registry():
    yield


@pytest.fixture(scope="session", autouse=True)
def load_http():
    yield
