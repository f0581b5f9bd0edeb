"""The directory's Spanish: beside each English item, checked like every other fact, and complete.

Every item a user reads (contacts, topics, phones' labels, emails' and faxes'
purposes, links' notes, other ways, rules' reasons and notes, other domains,
holidays, hours' notes, the group ID format) carries an ``es:`` key, and
``routing check`` fails while one lacks it. Facts are never in it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from routing.cli.main import main
from routing.core import i18n
from routing.core.directory import DirectoryError, loads
from routing.core.model import Directory
from routing.settings import ROOT

SOURCE = (ROOT / "directory.yaml").read_text(encoding="utf-8")


def _items(directory: Directory) -> list[tuple[str, object, tuple[str, ...]]]:
    """(what, item, the fields it must have in Spanish) for everything a user reads."""
    found: list[tuple[str, object, tuple[str, ...]]] = []
    for contact in directory.contacts:
        found.append((f"contact {contact.id}", contact, ("name", "summary") + (("named",) if contact.kind.value in ("team", "help_line") else ())))
        found += [(f"topic {t.id}", t, ("title", "words")) for t in contact.topics]
        found += [(f"phone {p.display} of {contact.id}", p, ("label",)) for p in contact.phones if p.label]
        found += [(f"email {e.address} of {contact.id}", e, ("purpose", "include") if e.include else ("purpose",)) for e in contact.emails]
        found += [(f"fax {f.display} of {contact.id}", f, ("purpose",)) for f in contact.faxes]
        found += [(f"link {link.title}", link, ("note",)) for link in contact.links if link.note]
        found += [(f"other way {w.name}", w, ("name", "how", "purpose")) for w in contact.other_ways]
        if contact.hours.note:
            found.append((f"hours of {contact.id}", contact.hours, ("note",)))
    for rule in directory.rules:
        found.append((f"rule {rule.id}", rule, ("note",) if rule.note else ()))
        if not rule.prefer:
            found.append((f"rule {rule.id}", rule, ("description",)))
    found += [(f"other domain {d.name}", d, ("name",)) for d in directory.other_domains]
    found += [(f"holiday {h.name}", h, ("name",)) for h in directory.holidays.rules]
    found.append(("group id", directory.group_id, ("description",)))
    return found


def test_every_item_a_user_reads_has_its_spanish(directory: Directory) -> None:
    assert directory.languages == {"es": {"name": "Español", "translated_by": "product"}}
    assert directory.untranslated == ()
    items = _items(directory)
    assert len(items) > 90
    missing = [f"{what}: {field}" for what, item, fields in items for field in fields if not item.translations.get("es", {}).get(field)]  # type: ignore[attr-defined]
    assert missing == []
    assert set(directory.source_translations) == set(directory.sources)
    # The Spanish topic words are a list of phrases, as the English ones are.
    assert all(isinstance(t.translations["es"]["words"], tuple) and t.translations["es"]["words"] for c in directory.contacts for t in c.topics)


def test_no_fact_is_repeated_in_the_spanish(directory: Directory) -> None:
    # Numbers, emails and addresses stay with the English: the translation holds wording only.
    facts = re.compile(r"\+1\d{10}|\d-\d{3}-\d{3}-\d{4}|\(\d{3}\) \d{3}-\d{4}|[\w.-]+@[\w.-]+|https?://")
    for what, item, _fields in _items(directory):
        for field, value in item.translations.get("es", {}).items():  # type: ignore[attr-defined]
            for text in value if isinstance(value, tuple) else (value,):
                # The emergency number is part of what the emergency wording says ("llame al 911").
                assert not facts.search(text), f"{what}.{field}: {text!r}"


def test_the_spanish_reads_where_the_english_would() -> None:
    directory = loads(SOURCE)
    cobra = directory.topic("cobra")[1]
    with i18n.speaking("es"):
        assert i18n.localized(cobra, "title") == "Consultas sobre COBRA"
    assert i18n.localized(cobra, "title") == "COBRA inquiries"


def _without_one_spanish_title() -> str:
    spanish = '          title: "Consultas sobre COBRA"\n'
    assert SOURCE.count(spanish) == 1
    return SOURCE.replace(spanish, "")


def test_a_topic_without_its_spanish_title_is_reported_at_its_line() -> None:
    text = _without_one_spanish_title()
    directory = loads(text, "directory.yaml")  # it still loads: the English is shown instead
    line = text.splitlines().index("      - id: cobra") + 1
    assert directory.untranslated == (f"directory.yaml:{line}: topic 'cobra' has no 'es' translation of title; add it under 'es:'.",)
    with i18n.speaking("es"):
        assert i18n.localized(directory.topic("cobra")[1], "title") == "COBRA inquiries"


def test_routing_check_fails_while_an_item_lacks_its_spanish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "directory.yaml"
    path.write_text(_without_one_spanish_title(), encoding="utf-8")
    assert main(["check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "topic 'cobra' has no 'es' translation of title" in err
    assert "1 items lack a translation into es" in err
    path.write_text(SOURCE, encoding="utf-8")
    assert main(["check", str(path)]) == 0


def test_a_source_written_as_plain_text_lacks_its_spanish() -> None:
    old = 'seed-004: {description: "Small business contact page", es: {description: "Página de contacto para pequeñas empresas"}}'
    assert old in SOURCE
    text = SOURCE.replace(old, 'seed-004: "Small business contact page"')
    directory = loads(text, "directory.yaml")
    assert directory.sources["seed-004"] == "Small business contact page"
    assert [line.split(": ", 1)[1] for line in directory.untranslated] == [
        "source 'seed-004' (write it as {description: ..., es: {description: ...}}) has no 'es' translation of description; add it under 'es:'."
    ]


def test_the_real_directory_passes_the_check() -> None:
    done = subprocess.run([sys.executable, "-m", "routing", "check", "directory.yaml"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert ": OK — " in done.stdout


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        # A key that is not wording (a fact, or a typo) is refused at its line, like any unknown key.
        ('es: {label: "Emergencia"}', 'es: {label: "Emergencia", number: "911"}', "unknown key 'number' in 'es'"),
        ('es: {name: "bienes raíces"}', 'es: {nombre: "bienes raíces"}', "unknown key 'nombre' in 'es'"),
        # Words are a list of phrases.
        ('          words: ["cobra", "exempleado"', '          words: "cobra"\n          other: ["exempleado"', "'words' should be a list"),
        ("languages:\n  es: {name: Español, translated_by: product}", "languages:\n  fr: {name: Français, translated_by: product}", "language 'fr' is not one the help desk speaks"),
        ("languages:\n  es: {name: Español, translated_by: product}", "languages:\n  es: {name: Español}", "'es' needs 'translated_by'"),
        ('es: {name: "Navidad"}', 'es: "Navidad"', "'es' should be a mapping"),
    ],
)
def test_a_wrong_translation_is_refused_at_file_and_line(old: str, new: str, words: str) -> None:
    assert old in SOURCE
    text = SOURCE.replace(old, new, 1)
    with pytest.raises(DirectoryError) as refused:
        loads(text, "directory.yaml")
    at = text[: text.index(new)].count("\n") + 1
    found = [(p.line, p.message) for p in refused.value.problems]
    assert any(words in message and abs(line - at) <= 1 for line, message in found), found


def test_a_directory_that_names_no_languages_needs_no_translations() -> None:
    # Test and small directories without a languages: block check clean, and show English in every language.
    text = SOURCE.replace("languages:\n  es: {name: Español, translated_by: product}\n", "")
    text = re.sub(r"^( *)es:\n(\1  .*\n)+", "", text, flags=re.MULTILINE)
    text = re.sub(r", es: \{[^{}]*\}\}", "}", text)
    text = re.sub(r"^ *es: \{.*\}\n", "", text, flags=re.MULTILINE)
    assert not re.search(r"^ *es:|, es: ", text, flags=re.MULTILINE)
    directory = loads(text)
    assert directory.languages == {} and directory.untranslated == ()
    with i18n.speaking("es"):
        assert i18n.localized(directory.topic("cobra")[1], "title") == "COBRA inquiries"
