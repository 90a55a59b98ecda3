"""Check the Simplified Chinese translation of ``key_account`` against its template.

Pure standard library: the .pot/.po files are read with the small gettext
catalogue reader below, so neither Odoo nor polib is needed.
"""

import collections
import pathlib
import re

import pytest

I18N_DIR = pathlib.Path(__file__).resolve().parent.parent / "key_account" / "i18n"
POT_PATH = I18N_DIR / "key_account.pot"
PO_PATH = I18N_DIR / "zh_CN.po"

# printf-style placeholders as used with Python's ``%`` operator and Odoo's
# ``_()``: ``%s``, ``%d``, ``%(name)s``, ``%%``... The "space" flag is left out
# on purpose so that prose such as "100% done" is not read as ``% d``.
PRINTF_RE = re.compile(
    r"%(?:\([^()]*\))?[#0+\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]"
)
# str.format placeholders: ``{}``, ``{0}``, ``{name}``, ``{name!r}``,
# ``{name:>10}``, ``{obj.attr}``; doubled braces are literal and skipped.
BRACE_RE = re.compile(
    r"(?<!\{)\{(?:[A-Za-z_][\w.]*|\d*)(?:![rsa])?(?::[^{}]*)?\}(?!\})"
)

_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}

Entry = collections.namedtuple("Entry", "msgctxt msgid msgid_plural msgstrs flags line")


def _unquote(token, path, lineno):
    token = token.strip()
    if len(token) < 2 or not (token.startswith('"') and token.endswith('"')):
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {token!r}")
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            octal = re.match(r"[0-7]{1,3}", body[i + 1 :])
            if octal:
                out.append(chr(int(octal.group(), 8)))
                i += 1 + len(octal.group())
                continue
            raise ValueError(f"{path}:{lineno}: unknown escape \\{nxt}")
        out.append(char)
        i += 1
    return "".join(out)


def read_catalog(path):  # noqa: C901 - one small state machine
    """Return the active (non-obsolete) entries of a .po/.pot file, header included."""
    entries = []
    current = None  # dict being filled for the entry in progress
    section = None  # key of ``current`` that continuation lines extend

    def finish():
        nonlocal current, section
        if current is not None and current["msgid"] is not None:
            entries.append(
                Entry(
                    current["msgctxt"],
                    current["msgid"],
                    current["msgid_plural"],
                    dict(current["msgstrs"]),
                    frozenset(current["flags"]),
                    current["line"],
                )
            )
        current, section = None, None

    def new_entry(lineno):
        return {
            "msgctxt": None,
            "msgid": None,
            "msgid_plural": None,
            "msgstrs": {},
            "flags": set(),
            "line": lineno,
        }

    lines = path.read_text(encoding="utf-8").splitlines()
    for lineno, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):  # obsolete entry: ignored
            finish()
            continue
        if line.startswith("#"):
            # A comment after msgstr starts a new entry.
            if current is not None and current["msgstrs"]:
                finish()
            if current is None:
                current = new_entry(lineno)
            if line.startswith("#,"):
                current["flags"].update(
                    flag.strip() for flag in line[2:].split(",") if flag.strip()
                )
            section = None
            continue
        if line.startswith('"'):
            if current is None or section is None:
                raise ValueError(
                    f"{path}:{lineno}: string continuation outside a keyword"
                )
            value = _unquote(line, path, lineno)
            if isinstance(section, tuple):
                current["msgstrs"][section[1]] += value
            else:
                current[section] += value
            continue
        keyword, _, rest = line.partition(" ")
        if (
            keyword in ("msgctxt", "msgid")
            and current is not None
            and current["msgstrs"]
        ):
            finish()
        if current is None:
            current = new_entry(lineno)
        value = _unquote(rest, path, lineno)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            current[keyword] = value
            section = keyword
        elif keyword == "msgstr":
            current["msgstrs"][0] = value
            section = ("msgstr", 0)
        elif re.fullmatch(r"msgstr\[\d+\]", keyword):
            index = int(keyword[7:-1])
            current["msgstrs"][index] = value
            section = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{lineno}: unexpected line {raw!r}")
    finish()
    return entries


def placeholders(text):
    return collections.Counter(PRINTF_RE.findall(text) + BRACE_RE.findall(text))


def _key(entry):
    return (entry.msgctxt, entry.msgid)


def _messages(entries):
    return {_key(e): e for e in entries if e.msgid != ""}


@pytest.fixture(scope="module")
def pot_entries():
    return _messages(read_catalog(POT_PATH))


@pytest.fixture(scope="module")
def po_catalog():
    return read_catalog(PO_PATH)


@pytest.fixture(scope="module")
def po_entries(po_catalog):
    return _messages(po_catalog)


def _describe(entry):
    return f"line {entry.line}: {entry.msgid!r}"


def test_template_is_not_empty(pot_entries):
    assert len(pot_entries) > 0


def test_every_msgid_is_translated(pot_entries, po_entries):
    problems = []
    for key, pot_entry in pot_entries.items():
        po_entry = po_entries.get(key)
        if po_entry is None:
            problems.append(f"missing from zh_CN.po: {pot_entry.msgid!r}")
        elif not po_entry.msgstrs or any(not s for s in po_entry.msgstrs.values()):
            problems.append(f"empty msgstr: {_describe(po_entry)}")
    assert not problems, "\n".join(problems)


def test_po_has_no_entries_outside_the_template(pot_entries, po_entries):
    extra = sorted(repr(e.msgid) for k, e in po_entries.items() if k not in pot_entries)
    assert not extra, "not in key_account.pot:\n" + "\n".join(extra)


def test_placeholders_are_kept(pot_entries, po_entries):
    problems = []
    for key in pot_entries.keys() & po_entries.keys():
        entry = po_entries[key]
        for index, msgstr in entry.msgstrs.items():
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            expected, found = placeholders(source), placeholders(msgstr)
            if expected != found:
                problems.append(
                    f"{_describe(entry)} -> {msgstr!r}: expected "
                    f"{sorted(expected.elements())}, found {sorted(found.elements())}"
                )
    assert not problems, "\n".join(problems)


def test_msgstr_differs_from_msgid_when_it_has_letters(pot_entries, po_entries):
    problems = []
    for key in pot_entries.keys() & po_entries.keys():
        entry = po_entries[key]
        words = re.sub(r"\{\{.*?\}\}|\{.*?\}", "", entry.msgid)
        if not re.search(r"[a-z]", words, re.IGNORECASE):
            continue  # codes, symbols and bare placeholders may stay as they are
        for msgstr in entry.msgstrs.values():
            if msgstr == entry.msgid:
                problems.append(f"untranslated: {_describe(entry)}")
    assert not problems, "\n".join(problems)


def test_po_has_no_fuzzy_entries(po_catalog):
    fuzzy = [_describe(e) for e in po_catalog if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy entries:\n" + "\n".join(fuzzy)


def test_header_declares_simplified_chinese(po_catalog):
    headers = [e for e in po_catalog if e.msgid == "" and e.msgctxt is None]
    assert len(headers) == 1
    fields = dict(
        line.split(":", 1) for line in headers[0].msgstrs[0].splitlines() if ":" in line
    )
    fields = {name.strip(): value.strip() for name, value in fields.items()}
    assert fields.get("Language") == "zh_CN"
    assert fields.get("Plural-Forms") == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in fields.get("Content-Type", "")


# Sanity checks of the helpers themselves, so a parser bug cannot make the
# checks above pass vacuously.


def test_reader_handles_multiline_and_flags(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_CN\\n"\n\n'
        "#. module: x\n#: code:addons/x.py:0\n#, fuzzy, python-format\n"
        'msgid ""\n"%(a)s line one\\n"\n"line \\"two\\""\n'
        'msgstr ""\n"\u7b2c\u4e00\u884c\\n"\n"%(a)s"\n\n'
        '#~ msgid "old"\n#~ msgstr "\u65e7"\n',
        encoding="utf-8",
    )
    header, entry = read_catalog(sample)
    assert header.msgid == "" and header.msgstrs[0] == "Language: zh_CN\n"
    assert entry.msgid == '%(a)s line one\nline "two"'
    assert entry.msgstrs[0] == "\u7b2c\u4e00\u884c\n%(a)s"
    assert entry.flags == {"fuzzy", "python-format"}


def test_placeholder_extraction():
    found = placeholders("%s %d %(name)s %%s {x} {0} {} {{literal}} (%) 100% done")
    assert found == collections.Counter(
        ["%s", "%d", "%(name)s", "%%", "{x}", "{0}", "{}"]
    )


def _code_messages():
    """(file, line, message, has_fstring) of each ``_("...")`` and
    ``self.env._("...")`` call in the addon's Python code."""
    import ast

    addon = I18N_DIR.parent
    for path in sorted(addon.rglob("*.py")):
        if "tests" in path.relative_to(addon).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            func = getattr(node, "func", None)
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if not isinstance(node, ast.Call) or name != "_" or not node.args:
                continue
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                arguments = [*node.args, *(k.value for k in node.keywords)]
                fstring = any(
                    isinstance(n, ast.JoinedStr)
                    for argument in arguments
                    for n in ast.walk(argument)
                )
                yield path.name, node.lineno, first.value, fstring


def test_every_code_message_is_in_the_template(pot_entries):
    """Odoo's extractor (Babel) reads the literal messages of ``_()``: a
    message missing from the template is shown untranslated; an f-string
    among the call's arguments makes the extractor give up on the rest of
    its file."""
    msgids = {msgid for _ctx, msgid in pot_entries}
    problems = [
        f"{name}:{line}: " + ("f-string in the call" if fstring else repr(message))
        for name, line, message, fstring in _code_messages()
        if fstring or message not in msgids
    ]
    assert not problems, "\n".join(problems)
