"""Every sentence a user reads goes through the catalog, in every module of ``routing``.

A string literal that reads like a sentence must be the argument of ``_``,
``N_``, ``ngettext`` or ``pgettext``. Log lines and docstrings are not shown
to users, so they are skipped. What is left is either wording for employers,
callers or staff (translated), or wording for the people who run and develop
the desk, which stays English: those modules are listed in ``EXEMPT`` with
the reason, and the few single strings in ``KNOWN``. A new module is scanned
as soon as it exists, so an English sentence added where users read it fails
here until it is translated or its module is exempted with a reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "routing"
SENTENCE = re.compile(r"\b[A-Za-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}")
GETTEXT = {"_", "N_", "ngettext", "pgettext", "gettext"}
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}
PATTERNS = {"compile"}  # a regular expression's words are what it matches, not a sentence anyone reads

# Modules whose sentences are for operators and developers, never for employers, callers or staff at work.
EXEMPT = {
    "app.py": "the generated staff password, printed once on the server's console for whoever starts it",
    "settings.py": "settings errors, for whoever configures the server",
    "metrics.py": "Prometheus help texts, for whoever scrapes /metrics",
    "channels/ops.py": "/readyz reasons and the metrics' help, for operators and their monitoring",
    "channels/inbound_smtp.py": "SMTP replies to the sending mail server (protocol text), not to a person",
    "channels/imap_fetch.py": "the stand-in email written once into the triage store for a message that could not be fetched: a stored record",
    "channels/web/openapi/docs.py": "the API reference, written for developers in English",
    "channels/web/openapi/schemas.py": "OpenAPI schema descriptions, for developers",
    "channels/web/openapi/spec.py": "OpenAPI operation descriptions, for developers",
    "cli/fetch.py": "the command line, for operators",
    "cli/main.py": "the command line, for operators",
    "cli/outbox.py": "the command line, for operators",
    "cli/staff.py": "the command line, for operators",
    "cli/triage.py": "the command line, for operators",
    "core/directory/__init__.py": "the directory checker's problems, for whoever edits directory.yaml",
    "core/directory/checker.py": "the directory checker's problems, for whoever edits directory.yaml",
    "core/directory/contacts.py": "the directory reader's problems, for whoever edits directory.yaml",
    "core/directory/hours.py": "the directory reader's problems, for whoever edits directory.yaml",
    "core/directory/reader.py": "the directory reader's problems, for whoever edits directory.yaml",
    "core/yaml_source.py": "YAML problems in the directory file, for whoever edits it",
    "delivery/transport.py": "the mail server's answer as the outbox records it, for operators (the status page words a refusal itself)",
    "delivery/sender.py": "the outbox row's own note, written once when a send gives up, for operators",
    "present/email.py": "the team's email, which stays English whatever the employer wrote in (its one note on the language is in the catalog)",
    "store/audit.py": "database internals",
    "store/catalogs.py": "a missing catalog file, for whoever deploys",
    "store/database.py": "database internals",
    "store/live_directory.py": "directory loading problems, for operators",
    "store/model_cache.py": "cache internals",
    "store/outbox.py": "the outbox row's own note, for operators",
    "store/search_index.py": "search index internals",
    "store/staff_accounts.py": "staff accounts are made with the command line (routing staff add), for operators",
    "store/stores.py": "database internals",
}

# Single strings in otherwise translated modules that are not a user's wording.
KNOWN = {
    # What staff corrected, written once into the audit trail: a stored record, read back as it was written.
    ("channels/staff/console.py", "the team to "),
    ("channels/staff/console.py", "the group ID to "),
    ("channels/staff/console.py", "the group name to "),
    ("channels/staff/console.py", "back to the triage's own reading"),
    # The command line's summary of a broken directory file, for whoever runs the server.
    ("errors.py", " in the directory file; fix "),
    ("errors.py", " and run again."),
    # A field's detail in a JSON error, for programs, beside the translated message.
    ("errors.py", "not ISO-8601 with an offset"),
    # The transport's English notes, matched to word a refusal in the reader's language.
    ("present/deliveries.py", "The mail server refused the recipient: "),
    ("present/deliveries.py", "The mail server refused the message: "),
    # The phone tree as plain text, for the command line (``routing ivr``).
    ("present/phone_tree.py", "Phone menu on "),
    ("present/phone_tree.py", ": hear the options again"),
    ("present/phone_tree.py", "  or say in a few words what you need"),
}


def module(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def untranslated(path: Path, name: str = "") -> list[str]:
    """The sentence-like literals of ``path`` outside the catalog calls, log calls and docstrings."""
    name = name or path.name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skipped.add(id(body[0].value))  # a docstring
        if isinstance(node, ast.Call):
            called = node.func.id if isinstance(node.func, ast.Name) else node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if called in GETTEXT or called in LOGGING or called in PATTERNS:
                skipped.update(id(inner) for inner in ast.walk(node))
    return [
        f"{name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and SENTENCE.search(node.value)
        and (name, node.value) not in KNOWN
    ]


def scanned() -> list[Path]:
    return [p for p in sorted(PACKAGE.rglob("*.py")) if module(p) not in EXEMPT]


def test_no_sentence_a_user_reads_is_outside_the_catalog() -> None:
    paths = scanned()
    assert len(paths) > 50  # the whole package, not an empty glob
    assert [line for path in paths for line in untranslated(path, module(path))] == []


def test_every_listed_module_exists_and_still_needs_its_listing() -> None:
    """A module renamed, deleted or translated leaves no stale entry behind to hide a new one."""
    for name in EXEMPT:
        path = PACKAGE / name
        assert path.is_file(), name
        assert untranslated(path, name), f"{name} has no English sentence left: remove its listing"
    for name, text in KNOWN:
        assert text in (PACKAGE / name).read_text(encoding="utf-8"), (name, text)


def test_an_english_sentence_added_to_a_handler_is_caught(tmp_path: Path) -> None:
    handler = tmp_path / "handler.py"
    handler.write_text('from routing.errors import RequestError\n\ndef f():\n    raise RequestError(404, "There is nothing at this address.")\n')
    assert untranslated(handler) == ["handler.py:4: 'There is nothing at this address.'"]
    handler.write_text('from routing.core.i18n import _\n\ndef f():\n    """A docstring is not shown."""\n    return _("There is nothing at this address.")\n')
    assert untranslated(handler) == []
    handler.write_text('import logging\n\nlog = logging.getLogger("x")\nlog.warning("The sender gave up after %s tries.", 3)\n')
    assert untranslated(handler) == []
