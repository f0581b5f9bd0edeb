"""Checking contacts: their topics, phones and keys, emails, faxes and links."""

from __future__ import annotations

import re
from typing import Any

from routing.core.directory.hours import HoursChecks
from routing.core.directory.reader import E164, ID, KEYS, SHORT_CODE, TRANSLATED
from routing.core.email.addresses import is_email_address
from routing.core.model import (
    Contact,
    ContactKind,
    Email,
    Fax,
    Link,
    OtherWay,
    Phone,
    Topic,
)
from routing.core.yaml_source import Path as YPath


class ContactChecks(HoursChecks):
    def contact(self, value: Any, path: YPath, timezone: str) -> Contact:
        doc = self.mapping(
            value,
            path,
            {"id", "name", "kind", "summary", "hours", "topics", "phones", "emails", "faxes", "links", "sources", "other_ways", *TRANSLATED},
            required=("id", "name", "kind", "hours"),
        )
        contact_id = self.text(doc.get("id"), path + ("id",))
        if contact_id and not ID.match(contact_id):
            self.problem(path + ("id",), f"contact id '{contact_id}' should be lower-case words joined by hyphens.")
        kind = self.enum(ContactKind, doc.get("kind"), path + ("kind",)) or ContactKind.TEAM
        hours = self.hours(doc.get("hours"), path + ("hours",), timezone)
        sources = self.texts(doc.get("sources"), path + ("sources",))
        for i, source in enumerate(sources):
            if self.source_ids and source not in self.source_ids:
                self.problem(path + ("sources", i), f"source '{source}' is not listed under 'sources'.")
        name = self.text(doc.get("name"), path + ("name",))
        summary = self.text(doc.get("summary"), path + ("summary",), required=False)
        # "named": the team as a sentence names it, with its article ("la Unidad de Servicios al Cliente"),
        # which a language with grammatical gender cannot work out from the name.
        named = name if kind in (ContactKind.TEAM, ContactKind.HELP_LINE) else ""
        return Contact(
            id=contact_id,
            name=name,
            kind=kind,
            summary=summary,
            translations=self.translations(doc, path, f"contact '{contact_id}'", {"name": name, "summary": summary, "named": named}),
            hours=hours,
            topics=tuple(self.topic(item, p) for p, item in self.items(doc.get("topics"), path + ("topics",))),
            phones=tuple(self.phone(item, p, timezone) for p, item in self.items(doc.get("phones"), path + ("phones",))),
            emails=tuple(self.email(item, p) for p, item in self.items(doc.get("emails"), path + ("emails",))),
            faxes=tuple(self.fax(item, p) for p, item in self.items(doc.get("faxes"), path + ("faxes",))),
            links=tuple(self.link(item, p) for p, item in self.items(doc.get("links"), path + ("links",))),
            sources=sources,
            other_ways=tuple(self.other_way(item, p) for p, item in self.items(doc.get("other_ways"), path + ("other_ways",))),
        )

    def other_way(self, value: Any, path: YPath) -> OtherWay:
        doc = self.mapping(value, path, {"name", "how", "purpose", "or_contact", *TRANSLATED}, required=("name", "how", "purpose"))
        words = {field: self.text(doc.get(field), path + (field,)) for field in ("name", "how", "purpose")}
        return OtherWay(
            **words,
            or_contact=self.text(doc.get("or_contact"), path + ("or_contact",), required=False),
            translations=self.translations(doc, path, f"other way '{words['name']}'", words),
        )

    def check_other_ways(self, contacts: tuple[Contact, ...]) -> None:
        for i, contact in enumerate(contacts):
            for j, way in enumerate(contact.other_ways):
                if way.or_contact and way.or_contact not in self.contact_ids:
                    self.problem(("contacts", i, "other_ways", j, "or_contact"), f"or_contact names '{way.or_contact}', which is not a contact id.")

    def topic(self, value: Any, path: YPath) -> Topic:
        doc = self.mapping(value, path, {"id", "title", "words", "where", "self_service", *TRANSLATED}, required=("id", "title"))
        topic_id = self.text(doc.get("id"), path + ("id",))
        if topic_id and not ID.match(topic_id):
            self.problem(path + ("id",), f"topic id '{topic_id}' should be lower-case words joined by hyphens.")
        title = self.text(doc.get("title"), path + ("title",))
        words = self.texts(doc.get("words"), path + ("words",))
        return Topic(
            id=topic_id,
            title=title,
            words=words,
            # The Spanish words are what Spanish speakers say for it: searched, and the phone menu's speech hints.
            # ``where`` names a section of the site, which keeps its English name on the English-only site.
            translations=self.translations(doc, path, f"topic '{topic_id}'", {"title": title, "words": words}, optional=("where",)),
            where=self.text(doc.get("where"), path + ("where",), required=False),
            self_service=self.text(doc.get("self_service"), path + ("self_service",), required=False),
        )

    def check_topic_links(self, contacts: tuple[Contact, ...]) -> None:
        for i, contact in enumerate(contacts):
            for j, topic in enumerate(contact.topics):
                if topic.self_service and topic.self_service not in self.topic_ids:
                    self.problem(
                        ("contacts", i, "topics", j, "self_service"),
                        f"self_service names '{topic.self_service}', which is not a topic id.",
                    )

    def check_email_covers(self, contacts: tuple[Contact, ...]) -> None:
        """Each address's ``covers`` names topics that exist: forwarding is decided by it, so a typo would silently stop it."""
        for i, contact in enumerate(contacts):
            for j, email in enumerate(contact.emails):
                for k, topic_id in enumerate(email.covers):
                    if topic_id not in self.topic_ids:
                        self.problem(
                            ("contacts", i, "emails", j, "covers", k),
                            f"{email.address} covers '{topic_id}', which is not a topic id.",
                        )

    def phone(self, value: Any, path: YPath, timezone: str) -> Phone:
        doc = self.mapping(value, path, {"number", "display", "keys", "label", "hours", *TRANSLATED}, required=("number", "display"))
        number = self.text(doc.get("number"), path + ("number",))
        if number and not (E164.match(number) or SHORT_CODE.match(number)):
            self.problem(path + ("number",), f"phone number '{number}' is not in E.164 form; write it like +18007904661.")
        keys = self.text(doc.get("keys"), path + ("keys",), required=False)
        if keys and not KEYS.match(keys):
            self.problem(path + ("keys",), f"keys '{keys}' should be the digits to press, such as 3.")
        display = self.text(doc.get("display"), path + ("display",))
        if number and display and re.sub(r"\D", "", display)[-10:] != re.sub(r"\D", "", number)[-10:]:
            self.problem(path + ("display",), f"display '{display}' does not show the same number as '{number}'.")
        hours = self.hours(doc["hours"], path + ("hours",), timezone) if "hours" in doc else None
        label = self.text(doc.get("label"), path + ("label",), required=False)
        translations = self.translations(doc, path, f"phone {display}", {"label": label})
        return Phone(number=number, display=display, keys=keys, label=label, hours=hours, translations=translations)

    def check_keys(self, contacts: tuple[Contact, ...]) -> None:
        seen: dict[tuple[str, str], str] = {}
        for i, contact in enumerate(contacts):
            for j, phone in enumerate(contact.phones):
                if not phone.keys:
                    continue
                owner = seen.setdefault((phone.number, phone.keys), contact.id)
                if owner != contact.id:
                    self.problem(
                        ("contacts", i, "phones", j, "keys"),
                        f"key {phone.keys} on {phone.display} is already used by '{owner}'; one key press leads to one team.",
                    )

    def email(self, value: Any, path: YPath) -> Email:
        doc = self.mapping(value, path, {"address", "purpose", "include", "covers", *TRANSLATED}, required=("address", "purpose"))
        address = self.text(doc.get("address"), path + ("address",))
        if address and not is_email_address(address):
            self.problem(path + ("address",), f"'{address}' is not an email address.")
        purpose = self.text(doc.get("purpose"), path + ("purpose",))
        include = self.texts(doc.get("include"), path + ("include",))
        return Email(
            address=address,
            purpose=purpose,
            include=include,
            covers=self.texts(doc.get("covers"), path + ("covers",)),
            translations=self.translations(doc, path, f"email {address}", {"purpose": purpose, "include": include}),
        )

    def fax(self, value: Any, path: YPath) -> Fax:
        doc = self.mapping(value, path, {"number", "display", "purpose", *TRANSLATED}, required=("number", "display", "purpose"))
        number = self.text(doc.get("number"), path + ("number",))
        if number and not E164.match(number):
            self.problem(path + ("number",), f"fax number '{number}' is not in E.164 form; write it like +18553555334.")
        display = self.text(doc.get("display"), path + ("display",))
        purpose = self.text(doc.get("purpose"), path + ("purpose",))
        return Fax(number=number, display=display, purpose=purpose, translations=self.translations(doc, path, f"fax {display}", {"purpose": purpose}))

    def link(self, value: Any, path: YPath) -> Link:
        doc = self.mapping(value, path, {"title", "url", "note", *TRANSLATED}, required=("title",))
        url = self.text(doc.get("url"), path + ("url",), required=False)
        if url and not url.startswith("https://"):
            self.problem(path + ("url",), f"link '{url}' should start with https://.")
        title = self.text(doc.get("title"), path + ("title",))
        note = self.text(doc.get("note"), path + ("note",), required=False)
        # The title names a site or one of its sections, as the (English) site shows it: translating it is optional.
        return Link(title=title, url=url, note=note, translations=self.translations(doc, path, f"link '{title}'", {"note": note}, optional=("title",)))
