"""The compiled message catalogs, read from ``routing/locale`` at start and installed for the core's ``_``.

``make`` compiles each ``messages.po`` into ``messages.mo`` when it installs
(``make catalogs``). A ``.mo`` that is missing or older than its ``.po`` (a
checkout where someone edited a translation and did not rebuild) is compiled
in memory instead, with a warning, so a stale catalog is never served.
"""

from __future__ import annotations

import io
import logging
from gettext import GNUTranslations
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from routing.core import i18n

log = logging.getLogger("routing")

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"


def catalog_file(language: str, suffix: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def load(language: str, locale_dir: Path = LOCALE_DIR) -> GNUTranslations:
    po, mo = catalog_file(language, ".po", locale_dir), catalog_file(language, ".mo", locale_dir)
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return GNUTranslations(compiled)
    if not po.exists():
        raise FileNotFoundError(f"no message catalog for '{language}' at {po}; run `make messages`")
    log.warning("catalog %s is not compiled or is older than its .po; compiling it in memory (run `make catalogs`)", po)
    with po.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return GNUTranslations(buffer)


def install_all(locale_dir: Path = LOCALE_DIR) -> None:
    """Installs every language's catalog; idempotent, so each worker and test may call it."""
    for language in i18n.LANGUAGES:
        if language != i18n.SOURCE:
            i18n.install(language, load(language, locale_dir))
