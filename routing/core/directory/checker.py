"""The whole document: contacts, synonyms, rules, the group ID format and the phone menu, checked together."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from routing.core import i18n
from routing.core.directory.contacts import ContactChecks
from routing.core.directory.reader import TRANSLATED
from routing.core.model import (
    CHANNELS,
    OFF_TOPIC,
    Contact,
    ContactKind,
    Directory,
    Example,
    GroupIdFormat,
    IvrConfig,
    IvrLanguage,
    OtherDomain,
    Rule,
    RuleCondition,
    Translations,
)
from routing.core.text import MAX_QUERY_CHARS
from routing.core.yaml_source import Path as YPath


class Checker(ContactChecks):
    def directory(self) -> Directory | None:
        doc = self.mapping(
            self.src.data,
            (),
            {"timezone", "sources", "group_id", "fallback", "holidays", "synonyms", "contacts", "rules", "ivr", "other_domains", "plan_words", "languages",
             "examples"},
            required=("timezone", "contacts", "fallback", "group_id", "ivr"),
        )
        timezone = self.timezone(doc.get("timezone"), ("timezone",)) or "America/Los_Angeles"
        languages = self.language_list(doc.get("languages"), ("languages",))
        self.languages = tuple(languages)
        sources = doc.get("sources") or {}
        if not isinstance(sources, dict):
            self.problem(("sources",), "'sources' should map a source id to its description.")
            sources = {}
        self.source_ids = {str(k) for k in sources}
        described = {str(k): self.source(v, ("sources", str(k))) for k, v in sources.items()}
        contacts = tuple(self.contact(item, p, timezone) for p, item in self.items(doc.get("contacts"), ("contacts",)))
        self.unique([(("contacts", i, "id"), c.id) for i, c in enumerate(contacts)], "contact id")
        self.unique(
            [(("contacts", i), t.id) for i, c in enumerate(contacts) for t in c.topics], "topic id"
        )
        self.contact_ids = {c.id for c in contacts}
        self.emergency_ids = {c.id for c in contacts if c.kind is ContactKind.EMERGENCY_LINE}
        self.topic_ids = {t.id for c in contacts for t in c.topics}
        self.check_topic_links(contacts)
        self.check_email_covers(contacts)
        self.check_other_ways(contacts)
        self.check_keys(contacts)
        fallback = self.text(doc.get("fallback"), ("fallback",))
        if fallback and fallback not in self.contact_ids:
            self.problem(("fallback",), f"fallback names '{fallback}', which is not a contact id.")
        rules = tuple(self.rule(item, p) for p, item in self.items(doc.get("rules"), ("rules",)))
        self.unique([(("rules", i, "id"), r.id) for i, r in enumerate(rules)], "rule id")
        synonyms = self.synonyms(doc.get("synonyms"), ("synonyms",))
        other_domains = tuple(self.other_domain(v, p) for p, v in self.items(doc.get("other_domains") or [], ("other_domains",)))
        self.domains_apart_from_synonyms(other_domains, synonyms)
        self.unless_apart_from_concepts(rules, synonyms)
        self.concepts_apart(rules, synonyms)
        directory = Directory(
            version=self.version,
            source=self.src.file,
            timezone=timezone,
            contacts=contacts,
            rules=tuple(sorted(rules, key=lambda r: not r.safety)),
            synonyms=synonyms,
            other_domains=other_domains,
            plan_words=tuple(p.lower() for p in self.texts(doc.get("plan_words"), ("plan_words",))),
            examples=self.examples(doc.get("examples"), ("examples",)),
            holidays=self.holidays(doc.get("holidays"), ("holidays",)),
            group_id=self.group_id(doc.get("group_id"), ("group_id",)),
            fallback=fallback,
            ivr=self.ivr(doc.get("ivr"), ("ivr",), contacts),
            sources={k: english for k, (english, _) in described.items()},
            source_translations={k: translations for k, (_, translations) in described.items() if translations},
            languages=languages,
            untranslated=tuple(str(p) for p in sorted(self.untranslated, key=lambda p: p.line)),
        )
        return directory

    def examples(self, value: Any, path: YPath) -> tuple[Example, ...]:
        """`examples:` maps a contact id (or off-topic) to questions it answers; one question belongs to one contact."""
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.problem(path, f"examples should map a contact id (or {OFF_TOPIC}) to the questions it answers.")
            return ()
        found: list[Example] = []
        seen: dict[str, str] = {}
        for contact_id, questions in value.items():
            where = path + (str(contact_id),)
            if contact_id != OFF_TOPIC and contact_id not in self.contact_ids:
                self.problem(where, f"examples name '{contact_id}', which is not a contact id (nor {OFF_TOPIC}).")
                continue
            if contact_id in self.emergency_ids:
                # An example answers without the safety notice or the phone's 911 sentence: only the safety rules decide an emergency.
                self.problem(where, f"'{contact_id}' is the emergency line; emergencies are decided by the safety rules, never by examples.")
                continue
            for number, text in enumerate(self.texts(questions, where)):
                key = " ".join(text.lower().split())
                if not key or len(text) > MAX_QUERY_CHARS:
                    self.problem(where + (number,), f"an example is a question of 1 to {MAX_QUERY_CHARS} characters.")
                elif key in seen and seen[key] != contact_id:
                    self.problem(where + (number,), f"this example is also listed under '{seen[key]}'; one question has one answer.")
                elif key not in seen:
                    seen[key] = str(contact_id)
                    found.append(Example(text, str(contact_id)))
        return tuple(found)

    def synonyms(self, value: Any, path: YPath) -> tuple[tuple[str, tuple[str, ...]], ...]:
        if value is None:
            return ()
        if not isinstance(value, dict):
            self.problem(path, "synonyms should map a word to the list of words that mean it.")
            return ()
        result = []
        for canonical, variants in value.items():
            words = self.texts(variants, path + (str(canonical),))
            result.append((str(canonical).lower(), tuple(w.lower() for w in words)))
        return tuple(result)

    def domains_apart_from_synonyms(self, domains: tuple[OtherDomain, ...], synonyms: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        """Refuse another domain's phrase that a synonym rewrites into a word of the plan's.

        Synonyms are applied before phrases are matched, so "plumber" listed under `employee` reads as
        "employee": as another domain's phrase it would set aside every question that says "employee".
        """
        phrases = {p: (i, n) for i, domain in enumerate(domains) for n, p in enumerate(domain.phrases)}
        for canonical, variants in synonyms:
            if canonical in phrases:
                continue  # the domain's own word, with its other spellings ("car insurance": "seguro de carro")
            for variant in variants:
                if variant in phrases:
                    i, n = phrases[variant]
                    self.problem(("other_domains", i, "phrases", n),
                                 f"'{variant}' is also a synonym of '{canonical}', so it reads as '{canonical}' and would set aside every question "
                                 f"that says '{canonical}'. Take it out of one of the two lists.")

    def unless_apart_from_concepts(self, rules: tuple[Rule, ...], synonyms: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        """Refuse a rule whose `unless` phrase reads as one of its own phrases once synonyms are applied.

        "refill" and "pills" both read as "prescription": a rule that needs "pills" and is cancelled by
        "refill" is cancelled by the very word it matched, so it could never match on it.
        """
        reads_as = _reads_as(synonyms)
        for number, rule in enumerate(rules):
            own = {reads_as[p]: p for group in (*rule.when.concepts, *rule.when.signs) for p in group if p in reads_as}
            own.update({reads_as[p]: p for p in rule.when.phrases if p in reads_as})
            for unless in rule.when.unless:
                meaning = reads_as.get(unless)
                if meaning is not None and meaning in own and own[meaning] != unless:
                    self.problem(("rules", number, "when", "unless"),
                                 f"rule '{rule.id}': unless '{unless}' reads as '{meaning}', like its own phrase '{own[meaning]}', "
                                 "so the rule would cancel itself whenever that phrase is said. Use a longer unless phrase.")

    def concepts_apart(self, rules: tuple[Rule, ...], synonyms: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        """Refuse a rule two of whose concept groups hold phrases that read the same once synonyms are applied.

        "our broker" and "new broker" both read as "broker of record": a rule that needs an agent and what
        became of them would match "our broker wants a list" on the one phrase, as if both were said.
        """
        reads_as = _reads_as(synonyms)
        for number, rule in enumerate(rules):
            by_meaning: dict[str, list[tuple[int, str]]] = {}
            for group_number, group in enumerate(rule.when.concepts):
                for phrase in group:
                    meaning = reads_as.get(phrase)
                    if meaning is None:
                        continue
                    # The same phrase in two groups is meant: it alone is enough ("reconcile").
                    clash = next((other for g, other in by_meaning.get(meaning, []) if g != group_number and other != phrase), None)
                    if clash is not None:
                        self.problem(("rules", number, "when", "concepts", group_number),
                                     f"rule '{rule.id}': '{phrase}' reads as '{meaning}', like '{clash}' in another of its concept groups, "
                                     "so saying either would count for both. Take it out of one of the groups.")
                    by_meaning.setdefault(meaning, []).append((group_number, phrase))

    def source(self, value: Any, path: YPath) -> tuple[str, Translations]:
        """A source's description, shown to people: a text, or {description, es: {description}} with its translation."""
        if not isinstance(value, dict):
            what = f"source '{path[-1]}' (write it as {{description: ..., es: {{description: ...}}}})"
            return str(value), self.translations({}, path, what, {"description": str(value)})
        doc = self.mapping(value, path, {"description", *TRANSLATED}, required=("description",))
        description = self.text(doc.get("description"), path + ("description",))
        return description, self.translations(doc, path, f"source '{path[-1]}'", {"description": description})

    def language_list(self, value: Any, path: YPath) -> dict[str, dict[str, str]]:
        """The `languages:` block: each language the directory's wording is translated into, and by whom."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(path, "'languages' should map a language code (es) to its name and who translated it.")
            return {}
        found: dict[str, dict[str, str]] = {}
        for code, about in value.items():
            where = path + (str(code),)
            if code not in TRANSLATED:
                self.problem(where, f"language '{code}' is not one the help desk speaks; use one of: {', '.join(TRANSLATED)}.")
                continue
            doc = self.mapping(about, where, {"name", "translated_by"}, required=("name", "translated_by"))
            found[str(code)] = {key: self.text(doc.get(key), where + (key,)) for key in ("name", "translated_by")}
        return found

    def other_domain(self, value: Any, path: YPath) -> OtherDomain:
        doc = self.mapping(value, path, {"name", "phrases", *TRANSLATED}, required=("name", "phrases"))
        name = self.text(doc.get("name"), path + ("name",))
        return OtherDomain(
            name=name,
            phrases=tuple(p.lower() for p in self.texts(doc.get("phrases"), path + ("phrases",))),
            translations=self.translations(doc, path, f"other domain '{name}'", {"name": name}),
        )

    def concepts(self, value: Any, path: YPath) -> tuple[tuple[str, ...], ...]:
        groups = []
        for group_path, group in self.items(value or [], path):
            phrases = tuple(p.lower() for p in self.texts(group, group_path))
            if not phrases:
                self.problem(group_path, "each concept group should list at least one phrase.")
            groups.append(phrases)
        return tuple(groups)

    def rule(self, value: Any, path: YPath) -> Rule:
        doc = self.mapping(value, path, {"id", "description", "when", "route", "prefer", "alternatives", "note", "safety", *TRANSLATED}, required=("id", "description", "when"))
        rule_id = self.text(doc.get("id"), path + ("id",))
        when = self.mapping(doc.get("when") or {}, path + ("when",), {"phrases", "all_words", "topics", "channels", "open_now", "concepts", "unless", "alone", "signs", "signs_needed"})
        if not any(when.get(k) for k in ("phrases", "all_words", "topics", "concepts", "alone", "signs")):
            self.problem(path + ("when",), f"rule '{rule_id}' needs phrases, all_words, concepts, alone, signs or topics, or it would match every question.")
        signs = self.concepts(when.get("signs"), path + ("when", "signs"))
        needed = when.get("signs_needed", 2)
        if signs and (not isinstance(needed, int) or isinstance(needed, bool) or not 1 <= needed <= len(signs)):
            self.problem(path + ("when", "signs_needed"), f"rule '{rule_id}': signs_needed should be a whole number from 1 to {len(signs)}, the number of sign groups.")
            needed = 2
        channels = self.texts(when.get("channels"), path + ("when", "channels"))
        for i, channel in enumerate(channels):
            if channel not in CHANNELS:
                self.problem(path + ("when", "channels", i), f"channel '{channel}' is not one of: {', '.join(CHANNELS)}.")
        topics = self.texts(when.get("topics"), path + ("when", "topics"))
        for i, topic in enumerate(topics):
            if topic not in self.topic_ids:
                self.problem(path + ("when", "topics", i), f"rule '{rule_id}' names topic '{topic}', which no contact has.")
        open_now: list[tuple[str, bool]] = []
        raw_open = when.get("open_now") or {}
        if not isinstance(raw_open, dict):
            self.problem(path + ("when", "open_now"), "open_now should map a contact id to true or false.")
            raw_open = {}
        for contact_id, wanted in raw_open.items():
            self.known_contact(str(contact_id), path + ("when", "open_now", str(contact_id)), rule_id)
            if not isinstance(wanted, bool):
                self.problem(path + ("when", "open_now", str(contact_id)), "open_now values should be true or false.")
            open_now.append((str(contact_id), bool(wanted)))
        route = self.text(doc.get("route"), path + ("route",), required=False)
        kinds = {k.value: k for k in ContactKind}
        prefer: list[ContactKind] = []
        for i, kind in enumerate(self.texts(doc.get("prefer"), path + ("prefer",))):
            if kind in kinds:
                prefer.append(kinds[kind])
            else:
                self.problem(path + ("prefer", i), f"prefer names kind '{kind}'; use one of: {', '.join(kinds)}.")
        if route and prefer:
            self.problem(path + ("prefer",), f"rule '{rule_id}' has both route and prefer; keep one.")
        alternatives = self.texts(doc.get("alternatives"), path + ("alternatives",))
        note = self.text(doc.get("note"), path + ("note",), required=False)
        if not (route or prefer or alternatives or note):
            self.problem(path, f"rule '{rule_id}' does nothing; give it route, prefer, alternatives or note.")
        if route:
            self.known_contact(route, path + ("route",), rule_id)
        for i, alt in enumerate(alternatives):
            self.known_contact(alt, path + ("alternatives", i), rule_id)
        safety = doc.get("safety", False)
        if not isinstance(safety, bool):
            self.problem(path + ("safety",), "safety should be true or false.")
        description = self.text(doc.get("description"), path + ("description",))
        # A rule that decides gives its description as the answer's reason: wording people read, like its note.
        # A rule that only reorders search (prefer) never shows its description, so its translation is optional.
        english = {"description": "" if prefer else description, "note": note}
        translations = self.translations(doc, path, f"rule '{rule_id}'", english)
        return Rule(
            id=rule_id,
            description=description,
            translations=translations,
            when=RuleCondition(
                phrases=tuple(p.lower() for p in self.texts(when.get("phrases"), path + ("when", "phrases"))),
                all_words=tuple(w.lower() for w in self.texts(when.get("all_words"), path + ("when", "all_words"))),
                topics=topics,
                channels=channels,
                open_now=tuple(open_now),
                concepts=self.concepts(when.get("concepts"), path + ("when", "concepts")),
                unless=tuple(p.lower() for p in self.texts(_flat(when.get("unless")), path + ("when", "unless"))),
                alone=tuple(p.lower() for p in self.texts(when.get("alone"), path + ("when", "alone"))),
                signs=signs,
                signs_needed=needed if isinstance(needed, int) else 2,
            ),
            route=route,
            prefer=tuple(prefer),
            alternatives=alternatives,
            note=note,
            safety=safety is True,
        )

    def known_contact(self, contact_id: str, path: YPath, rule_id: str) -> None:
        if contact_id not in self.contact_ids:
            self.problem(path, f"rule '{rule_id}' names contact '{contact_id}', which is not in the directory.")

    def group_id(self, value: Any, path: YPath) -> GroupIdFormat:
        doc = self.mapping(value, path, {"pattern", "description", "example", *TRANSLATED}, required=("pattern", "description", "example"))
        pattern = self.text(doc.get("pattern"), path + ("pattern",)) or r"^\d+$"
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            self.problem(path + ("pattern",), f"group_id pattern is not a valid regular expression ({exc}).")
            compiled = re.compile(r"^\d+$")
        example = self.text(doc.get("example"), path + ("example",))
        if example and not compiled.match(example):
            self.problem(path + ("example",), f"the example group ID '{example}' does not match the pattern.")
        description = self.text(doc.get("description"), path + ("description",))
        translations = self.translations(doc, path, "the group ID format", {"description": description})
        return GroupIdFormat(pattern=pattern, description=description, example=example, translations=translations)

    IVR_LINES = ("greeting", "menu_intro", "goodbye", "not_understood", "emergency")

    def ivr(self, value: Any, path: YPath, contacts: tuple[Contact, ...]) -> IvrConfig:
        fields = ("line", "greeting", "menu_intro", "repeat_key", "language", "goodbye", "not_understood", "emergency")
        spoken_in = {language for language in i18n.LANGUAGES if language != i18n.SOURCE}
        doc = self.mapping(value, path, set(fields) | {"max_failures", "languages", "menu"} | spoken_in, required=fields)
        values: dict[str, Callable[..., Any] | str] = {f: self.text(doc.get(f), path + (f,)) for f in fields}
        line = str(values["line"])
        used = {p.keys for c in contacts for p in c.phones if p.number == line and p.keys}
        if line and not used:
            self.problem(path + ("line",), f"no contact has a key option on {line}, so the phone menu would be empty.")
        if values["repeat_key"] in used:
            self.problem(path + ("repeat_key",), f"repeat_key {values['repeat_key']} is already a team's key on {line}.")
        max_failures = doc.get("max_failures", 2)
        if not isinstance(max_failures, int) or not 1 <= max_failures <= 5:
            self.problem(path + ("max_failures",), "max_failures should be a number from 1 to 5.")
            max_failures = 2
        on_menu = {c.id for c in contacts for p in c.phones if p.number == line and p.keys}
        languages = self.ivr_languages(doc.get("languages"), path + ("languages",), used | {str(values["repeat_key"])})
        menu = self.ivr_menu(doc.get("menu"), path + ("menu",), on_menu, required=False)
        translations: dict[str, Mapping[str, Any]] = {}
        for language in sorted(spoken_in & (set(languages) | set(doc))):
            where = path + (language,)
            if language not in doc:
                self.problem(where, f"the phone menu offers '{language}' but has no '{language}:' wording; add its {', '.join(self.IVR_LINES)} and menu lines.")
                continue
            wording = self.mapping(doc.get(language), where, {*self.IVR_LINES, "menu"}, required=self.IVR_LINES)
            translated: dict[str, Any] = {f: self.text(wording.get(f), where + (f,)) for f in self.IVR_LINES if f in wording}
            translated["menu"] = (self.ivr_menu(wording.get("menu"), where + ("menu",), on_menu, required=True))
            translations[language] = translated
            if language not in languages:
                self.problem(where, f"there is '{language}:' wording but no key under 'languages' to choose it.")
        return IvrConfig(
            max_failures=max_failures,
            # Plain dicts, read only: the directory is pickled into the index cache, and a mappingproxy cannot be.
            languages=languages,
            menu=menu,
            translations=translations,
            **values,  # type: ignore[arg-type]
        )

    def ivr_languages(self, value: Any, path: YPath, taken: set[str]) -> dict[str, IvrLanguage]:
        """The languages a caller can choose by key; a key that is already a team's or the repeat key is refused."""
        if value is None:
            return {}
        offered = {language for language in i18n.LANGUAGES if language != i18n.SOURCE}
        doc = self.mapping(value, path, offered)
        languages: dict[str, IvrLanguage] = {}
        for language, item in doc.items():
            where = path + (language,)
            entry = self.mapping(item, where, {"key", "voice", "offer"}, required=("key", "voice", "offer"))
            key, offer = self.text(entry.get("key"), where + ("key",)), self.text(entry.get("offer"), where + ("offer",))
            if key and (len(key) != 1 or key not in "0123456789*#"):
                self.problem(where + ("key",), f"key '{key}' should be one key on a phone: a digit, * or #.")
            elif key in taken:
                self.problem(where + ("key",), f"key {key} for '{language}' is already the repeat key or a team's key on the menu; choose a free one.")
            if key and offer and key not in offer:
                self.problem(where + ("offer",), f"the offer does not say its key {key}, so a caller would not know what to press.")
            taken.add(key)
            languages[str(language)] = IvrLanguage(key=key, voice=self.text(entry.get("voice"), where + ("voice",)), offer=offer)
        return languages

    def ivr_menu(self, value: Any, path: YPath, on_menu: set[str], required: bool) -> dict[str, str]:
        """How the menu describes each team, by contact id: every team on the menu when ``required``."""
        doc = self.mapping(value, path, on_menu) if value is not None else {}
        lines = {str(contact_id): self.text(text, path + (contact_id,)) for contact_id, text in doc.items()}
        if required:
            for missing in sorted(on_menu - set(lines)):
                self.problem(path, f"the menu line for '{missing}' is not translated; add '{missing}: ...' here.")
        return lines


def _flat(value: Any) -> Any:
    """An `unless` list may hold named lists (YAML aliases: `[*past, *hypothetical]`); their phrases count as its own."""
    if not isinstance(value, list):
        return value
    return [phrase for item in value for phrase in (_flat(item) if isinstance(item, list) else [item])]


def _reads_as(synonyms: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, str]:
    """What each synonym (and each canonical word) reads as once synonyms are applied."""
    reads_as = {variant: canonical for canonical, variants in synonyms for variant in variants}
    reads_as.update({canonical: canonical for canonical, _ in synonyms})
    return reads_as
