"""The addon's layout: Odoo's section order inside every model and wizard
file, no field declared after a method, each extension of a core model in a
file of its own concern, under 400 lines."""

import ast
import pathlib
import re

import pytest

ADDON = pathlib.Path(__file__).resolve().parent.parent / "key_account"
FILES = sorted((ADDON / "models").glob("*.py")) + sorted(
    (ADDON / "wizards").glob("*.py")
)
# Odoo's order (sale/models/sale_order.py).
SECTIONS = [
    "FIELDS",
    "COMPUTE METHODS",
    "CONSTRAINT METHODS",
    "ONCHANGE METHODS",
    "CRUD METHODS",
    "ACTION METHODS",
    "BUSINESS METHODS",
]
BANNER = re.compile(r"^    # === ([A-Z ]+) === #$")
FIELD = re.compile(r"^    \w+ = fields\.")
CORE_EXTENSION_LIMIT = 400


def _classes(path):
    return [
        node
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.ClassDef)
    ]


def _is_field(node):
    """``name = fields.X(...)``."""
    return (
        isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and isinstance(node.value.func.value, ast.Name)
        and node.value.func.value.id == "fields"
    )


def _inherits_core(cls):
    """The core model a class extends without a ``_name`` of its own."""
    names = {}
    for node in cls.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, ast.Constant):
                names[node.targets[0].id] = node.value.value
    inherit = names.get("_inherit")
    if "_name" in names or not isinstance(inherit, str):
        return None
    return None if inherit.startswith("key_account.") else inherit


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_field_after_a_method(path):
    for cls in _classes(path):
        method = None
        for node in cls.body:
            if isinstance(node, ast.FunctionDef):
                method = method or node.name
            elif method and _is_field(node):
                pytest.fail(
                    f"{path.name}: {cls.name}.{node.targets[0].id} is declared "
                    f"after the method {method}"
                )


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_sections_in_odoo_order(path):
    lines = path.read_text().splitlines()
    classes = _classes(path)
    for index, cls in enumerate(classes):
        end = classes[index + 1].lineno - 1 if index + 1 < len(classes) else None
        body = lines[cls.lineno : end]
        banners = [match[1] for line in body if (match := BANNER.match(line))]
        section = None
        for line in body:
            if match := BANNER.match(line):
                section = match[1]
            elif FIELD.match(line) and section not in (None, "FIELDS"):
                pytest.fail(f"{path.name}: field under {section}: {line.strip()}")
        unknown = [banner for banner in banners if banner not in SECTIONS]
        assert not unknown, f"{path.name}: unknown sections {unknown}"
        order = [SECTIONS.index(banner) for banner in banners]
        assert order == sorted(set(order)), (
            f"{path.name}: {cls.name} sections {banners} are not in Odoo's order "
            f"{SECTIONS}"
        )
        has_methods = any(isinstance(node, ast.FunctionDef) for node in cls.body)
        has_fields = any(_is_field(node) for node in cls.body)
        if has_fields and has_methods:
            assert "FIELDS" in banners, f"{path.name}: {cls.name} has no FIELDS banner"


def test_core_extensions_one_concern_per_file():
    """A file extending a core model holds one class, of one concern, under
    the size limit."""
    too_long = []
    for path in FILES:
        classes = _classes(path)
        if any(_inherits_core(cls) for cls in classes):
            assert len(classes) == 1, f"{path.name}: one class per file"
            if len(path.read_text().splitlines()) > CORE_EXTENSION_LIMIT:
                too_long.append(path.name)
    assert not too_long, f"over {CORE_EXTENSION_LIMIT} lines: {too_long}"
