"""What users read never points to the specification: field labels and
tooltips, selection labels, messages, menus, views, e-mails and data speak
the user's words, not "SPEC R41" (a document users never see). Comments and
docstrings may keep their references."""

import ast
import pathlib
import re

from lxml import etree

ADDON = pathlib.Path(__file__).resolve().parent.parent / "key_account"
# Rule references: "SPEC", "R41", "R39-R43", "(R79)".
SPEC_REFERENCE = re.compile(r"\bSPEC\b|\bR\d{1,2}\b")
# Attributes holding code or identifiers, never shown.
XML_CODE_ATTRIBUTES = {
    "id",
    "name",
    "model",
    "ref",
    "eval",
    "expr",
    "domain",
    "filter_domain",
    "context",
    "invisible",
    "readonly",
    "required",
    "column_invisible",
    "groups",
    "class",
    "widget",
    "options",
    "action",
    "parent",
    "inherit_id",
    "position",
    "for",
    "src",
    "href",
    "type",
    "mode",
    "web_icon",
}


def _python_files():
    return [
        path
        for path in sorted(ADDON.rglob("*.py"))
        if "tests" not in path.relative_to(ADDON).parts
    ]


def _xml_files():
    return sorted(ADDON.rglob("*.xml"))


def _docstring_ids(tree):
    """Ids of the string constants that are docstrings or bare string
    statements (comments in all but name)."""
    ids = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            ids.add(id(node.value))
    return ids


def python_offences(path):
    """(line, text) of the string constants of ``path`` that reference the
    specification, docstrings excepted."""
    tree = ast.parse(path.read_text(), filename=str(path))
    docstrings = _docstring_ids(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and SPEC_REFERENCE.search(node.value)
    )


def _is_code_attribute(name):
    return (
        name in XML_CODE_ATTRIBUTES
        or name.startswith(("t-", "decoration-"))
        or name.endswith("_id")
    )


def xml_offences(path):
    """(line, text) of the texts and shown attributes of ``path`` that
    reference the specification; comments and Python code (server actions,
    crons) excepted."""
    offences = []
    for element in etree.parse(str(path)).iter():
        if not isinstance(element.tag, str):
            continue  # comment or processing instruction
        texts = [
            value
            for name, value in element.attrib.items()
            if not _is_code_attribute(name)
        ]
        if element.get("name") != "code":
            texts.append(element.text or "")
        texts.append(element.tail or "")
        offences += [
            (element.sourceline, text.strip())
            for text in texts
            if SPEC_REFERENCE.search(text)
        ]
    return offences


def test_the_scanner_sees_both_kinds_of_reference(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text(
        "from odoo import fields\n"
        '"""Module docstring (SPEC R1) is fine."""\n'
        "def f(self):\n"
        '    """So is a docstring (R2)."""\n'
        "    # and a comment (SPEC R3)\n"
        '    raise UserError(self.env._("Overdue (R41)."))\n'
        'x = fields.Integer(help="Days before the end (SPEC R24).")\n'
        'y = fields.Integer(help="Ten days (R2D2 is no rule).")\n'
    )
    assert [line for line, _text in python_offences(source)] == [6, 7]
    view = tmp_path / "sample.xml"
    view.write_text(
        "<odoo><!-- R5 comment -->\n"
        '<record id="r_R1" model="ir.ui.view"><field name="arch" type="xml">\n'
        '<form><field name="x" help="Shown (SPEC R7)"/>\n'
        "<p>R8 in a text</p></form></field></record>\n"
        '<record id="c" model="ir.cron"><field name="code">model._run()  # R9'
        "</field></record></odoo>\n"
    )
    assert [line for line, _text in xml_offences(view)] == [3, 4]


def test_python_strings_do_not_reference_the_spec():
    offences = [
        f"{path.relative_to(ADDON)}:{line}: {text!r}"
        for path in _python_files()
        for line, text in python_offences(path)
    ]
    assert not offences, "\n".join(offences)


def test_xml_strings_do_not_reference_the_spec():
    offences = [
        f"{path.relative_to(ADDON)}:{line}: {text!r}"
        for path in _xml_files()
        for line, text in xml_offences(path)
    ]
    assert not offences, "\n".join(offences)
