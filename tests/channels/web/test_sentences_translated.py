"""The web channels' own sentences (errors, notices, labels) go through the catalog.

Every string literal that reads like a sentence in the web, staff and shared
HTTP code must be the argument of ``_``, ``N_`` or ``ngettext``; log lines
(for operators) and docstrings are not shown to users. The few exceptions
say why.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted(
    [*(ROOT / "routing/channels/web").glob("*.py"), *(ROOT / "routing/channels/staff").glob("*.py"), ROOT / "routing/channels/http.py", ROOT / "routing/errors.py"]
)
SENTENCE = re.compile(r"\b[A-Za-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}")
GETTEXT = {"_", "N_", "ngettext", "pgettext", "gettext"}
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}
# Not shown to a user as the page's wording:
KNOWN = {
    # What staff corrected, written once into the audit trail: a stored record, read back as it was written.
    ("console.py", "the team to "),
    ("console.py", "the group ID to "),
    ("console.py", "the group name to "),
    ("console.py", "back to the triage's own reading"),
    # The command line's summary of a broken directory file, for whoever runs the server.
    ("errors.py", " in the directory file; fix "),
    ("errors.py", " and run again."),
    # A field's detail in a JSON error, for programs, beside the translated message.
    ("errors.py", "not ISO-8601 with an offset"),
}


def untranslated(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skipped.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call):
            called = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if called in GETTEXT or called in LOGGING:
                skipped.update(id(inner) for inner in ast.walk(node))
    return [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and SENTENCE.search(node.value)
        and (path.name, node.value) not in KNOWN
    ]


def test_the_web_channels_have_no_sentence_outside_the_catalog() -> None:
    assert FILES
    assert [line for path in FILES for line in untranslated(path)] == []


def test_an_english_sentence_added_to_a_handler_is_caught(tmp_path: Path) -> None:
    handler = tmp_path / "handler.py"
    handler.write_text('from routing.errors import RequestError\n\ndef f():\n    raise RequestError(404, "There is nothing at this address.")\n')
    assert untranslated(handler) == ["handler.py:4: 'There is nothing at this address.'"]
    handler.write_text('from routing.core.i18n import _\n\ndef f():\n    """A docstring is not shown."""\n    return _("There is nothing at this address.")\n')
    assert untranslated(handler) == []
