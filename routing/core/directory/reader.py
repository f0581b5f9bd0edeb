"""Reading the YAML tree: typed values, each problem with its file and line, never the first one only."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from routing.core.i18n import LANGUAGES, SOURCE
from routing.core.model import NO_TRANSLATIONS, Hours, Translations
from routing.core.yaml_source import Located, Problem
from routing.core.yaml_source import Path as YPath

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
SHORT_CODE = re.compile(r"^[2-9]11$")  # 911 and its N11 siblings are not E.164
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KEYS = re.compile(r"^[0-9*#]{1,6}$")
CLOCK = re.compile(r"^([01][0-9]|2[0-4]):([0-5][0-9])$")
RANGE = re.compile(r"^\s*(\S+)\s*-\s*(\S+)\s*$")
# What `mapping` counts as a required key left empty.
_EMPTY: tuple[object, ...] = (None, "", [], {})
# The keys an item may carry its product translations under: every language but the source's.
TRANSLATED = tuple(language for language in LANGUAGES if language != SOURCE)


class Reader:
    """Collects every problem; each method returns a usable value even when the input is wrong."""

    def __init__(self, located: Located, version: str) -> None:
        self.src = located
        self.version = version
        self.problems: list[Problem] = list(located.duplicates)
        # Filled in as the document is read, so later sections can refer to earlier ones.
        self.source_ids: set[str] = set()
        self.topic_ids: set[str] = set()
        self.contact_ids: set[str] = set()
        self.shared_hours: dict[object, Hours] = {}  # see HoursChecks.hours
        # The languages the `languages:` block promises, and each item that lacks one of them.
        self.languages: tuple[str, ...] = ()
        self.untranslated: list[Problem] = []

    # -- reporting -----------------------------------------------------------

    def problem(self, path: YPath, message: str) -> None:
        self.problems.append(Problem(self.src.file, self.src.line(path), message))

    def mapping(self, value: Any, path: YPath, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, f"{_describe(path)} should be a mapping of keys to values.")
            return {}
        # A large directory calls this for every item: the messages are worded only when there is a problem.
        allowed = allowed if isinstance(allowed, (set, frozenset)) else set(allowed)
        if not allowed.issuperset(value):
            for key in value:
                if key not in allowed:
                    self.problem(path + (str(key),), f"unknown key '{key}' in {_describe(path)}; expected one of: {', '.join(sorted(allowed))}.")
        for key in required:
            if value.get(key) in _EMPTY:
                self.problem(path, f"{_describe(path)} needs '{key}'.")
        return value

    def text(self, value: Any, path: YPath, required: bool = True) -> str:
        if type(value) is str and value:
            # One string object for each distinct text ("Toll free", a time zone): a large directory repeats them thousands of times.
            return sys.intern(value.strip())
        if value is None or value == "":
            if required:
                self.problem(path, f"{_describe(path)} is empty; give it a value.")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(path, f"{_describe(path)} should be text.")
            return ""
        return sys.intern(str(value).strip())

    def texts(self, value: Any, path: YPath) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem(path, f"{_describe(path)} should be a list.")
            return ()
        return tuple(t for i, item in enumerate(value) if (t := self.text(item, path + (i,))))

    def items(self, value: Any, path: YPath) -> list[tuple[YPath, Any]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"{_describe(path)} should be a list.")
            return []
        return [(path + (i,), item) for i, item in enumerate(value)]

    def translations(
        self,
        doc: dict[str, Any],
        path: YPath,
        what: str,
        english: Mapping[str, str | tuple[str, ...]],
        optional: Iterable[str] = (),
    ) -> Translations:
        """The item's translations, from its ``es:`` (and any other language's) key.

        ``english`` is the item's own wording by field, the fields a translation must give when the
        English has them; ``optional`` may be translated but need not be (a site's section names are
        the site's own, in English). Facts (numbers, addresses, hours) are never among either.
        A missing translation is not a problem for loading (the English is shown instead); it is
        collected in ``untranslated`` for `routing check`.
        """
        allowed = set(english) | set(optional)
        found: dict[str, Mapping[str, Any]] = {}
        for language in TRANSLATED:
            if language not in doc:
                continue
            raw = self.mapping(doc[language], path + (language,), allowed)
            fields: dict[str, Any] = {}
            for key, value in raw.items():
                if key not in allowed:
                    continue
                if isinstance(english.get(key), tuple):
                    fields[key] = self.texts(value, path + (language, key))
                else:
                    fields[key] = self.text(value, path + (language, key))
            found[language] = MappingProxyType(fields)
        for language in self.languages:
            given = found.get(language, {})
            missing = [key for key, value in english.items() if value and not given.get(key)]
            if missing:
                self.untranslated.append(
                    Problem(self.src.file, self.src.line_of(doc, path), f"{what} has no '{language}' translation of {', '.join(missing)}; add it under '{language}:'.")
                )
        return MappingProxyType(found) if found else NO_TRANSLATIONS

    def enum(self, enum_type: Any, value: Any, path: YPath) -> Any:
        name = self.text(value, path)
        try:
            return enum_type(name) if name else None
        except ValueError:
            choices = ", ".join(e.value for e in enum_type)
            self.problem(path, f"'{name}' is not a valid {_describe(path)}; use one of: {choices}.")
            return None


    def unique(self, pairs: list[tuple[YPath, str]], what: str) -> None:
        seen: set[str] = set()
        for path, value in pairs:
            if value and value in seen:
                self.problem(path, f"{what} '{value}' is used twice; each must be unique.")
            seen.add(value)

    def timezone(self, value: Any, path: YPath) -> str:
        name = self.text(value, path)
        if not name:
            return ""
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(path, f"'{name}' is not a time zone; use an IANA name such as America/Los_Angeles.")
            return ""
        return name


def _describe(path: YPath) -> str:
    named = [p for p in path if isinstance(p, str)]
    return f"'{named[-1]}'" if named else "the file"
