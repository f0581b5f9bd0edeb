"""Every fixed message has its Spanish translation, and the catalog is up to date with the code.

The catalog is extracted afresh from the code and templates (as ``make messages``
does) and compared with routing/locale/es/LC_MESSAGES/messages.po: a message
that is new in the code, or present with an empty or fuzzy translation, fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from routing.settings import ROOT
from routing.store import catalogs

EXTRACT = ["-F", "babel.cfg", "-k", "N_", "-k", "pgettext:1c,2", "--no-location", "--omit-header"]


def _extracted(tmp_path: Path) -> Catalog:
    pot = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", *EXTRACT, "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as source:
        return read_po(source)


def _spanish() -> Catalog:
    with catalogs.catalog_file("es", ".po").open("rb") as source:
        return read_po(source, locale="es")


def test_every_message_in_the_code_and_templates_has_a_spanish_translation(tmp_path: Path) -> None:
    spanish = _spanish()
    missing = []
    for message in _extracted(tmp_path):
        if not message.id:
            continue
        found = spanish.get(message.id, message.context)
        strings = found.string if found is not None else None
        if found is None or found.fuzzy or not strings or (isinstance(strings, tuple) and not all(strings)):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert not missing, f"{len(missing)} messages lack a Spanish translation (run `make messages`, then translate): {missing[:20]}"


def test_the_spanish_catalog_compiles_and_translates() -> None:
    spanish = catalogs.load("es")
    for message in _spanish():
        if message.id and isinstance(message.id, str) and message.string and not message.context:
            assert spanish.gettext(message.id) == message.string
