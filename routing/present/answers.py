"""A routing decision as JSON, and as lines for the terminal: what /api/route, /search and ``routing ask`` show.

``reason`` is for people: a sentence, no rule ids or matched stems. What a
program needs to know about how the answer was reached (the rule, the words
that matched, the confidence) is under ``explanation``.

Every wording field is in the current language (``language`` says which); the
decision's own sentences were made in it, and the directory's words are read
in it here. Ids, enums and ``explanation`` (for programs and logs) never change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from routing.core import i18n, wording
from routing.core.i18n import _, localized
from routing.core.model import Contact, Directory, Topic
from routing.core.rules import Decision
from routing.present.json import contact_json, contact_view
from routing.present.recent import Recent


def decision_json(decision: Decision, directory: Directory) -> dict[str, Any]:
    return _decision(decision, directory, _card_dict)


def decision_body(decision: Decision, directory: Directory) -> bytes:
    """``decision_json`` as JSON bytes (what ``json.dumps`` would write, compact), for /api/route.

    Contact cards are most of an answer and depend only on the contact, the
    directory version and the instant, so each is encoded once per those and
    spliced in as it is (``orjson.Fragment``) rather than built and encoded
    again for every new question.
    """
    return orjson.dumps(_decision(decision, directory, _card_fragment), option=orjson.OPT_NON_STR_KEYS)


# How a card goes into an answer: (contact, directory, instant, with the page's badge, its matched topic or _ALONE) -> the card.
_Card = Callable[[Contact, Directory, datetime, bool, object], Any]
_ALONE = object()  # the answer's own contact: no "matched_topic"


def _decision(decision: Decision, directory: Directory, card: _Card) -> dict[str, Any]:
    at = decision.at
    return {
        "query": decision.query,
        "language": i18n.current(),
        "channel": decision.channel,
        "at": at.astimezone(_zone(directory)).isoformat(),
        "contact": card(decision.contact, directory, at, False, _ALONE),
        "alternatives": [card(c, directory, at, False, _topic_json(_matched_topic(decision, c))) for c in decision.alternatives],
        "reason": decision.reason,
        "confidence": decision.confidence,
        "confident": decision.confident,
        "fallback": decision.fallback,
        "safety": decision.safety,
        "off_topic": decision.offtopic,
        "rule": decision.rule.id if decision.rule else None,
        "topic": {"id": decision.topic.id, "title": localized(decision.topic, "title")} if decision.topic else None,
        "matched": list(decision.matched),
        "notes": list(decision.notes),
        "self_service": _self_service_json(decision),
        "corrections": [{"typed": typed, "understood": meant} for typed, meant in decision.corrections],
        "handled_by": _handled_by(decision),
        "shared_subject": decision.shared_subject or None,
        "shared_with": [card(h.contact, directory, at, True, _topic_json(h.topic)) for h in decision.shared],
        "offer_first": "self_service" if decision.self_service_first else "contact",
        "send": _send_json(decision),
        **_understanding_json(decision, directory),
        "explanation": explanation(decision),
    }


def _card_dict(contact: Contact, directory: Directory, at: datetime, view: bool, matched: object) -> dict[str, Any]:
    card = contact_view(contact, directory, at) if view else contact_json(contact, directory, at)
    if matched is not _ALONE:
        card["matched_topic"] = matched
    return _with_email_advice(card)


_ENCODED_INSTANTS = 4  # as many as present.json keeps statuses for
_encoded: Recent[datetime, tuple[str, str, str, bool], bytes] = Recent(_ENCODED_INSTANTS)


def _card_fragment(contact: Contact, directory: Directory, at: datetime, view: bool, matched: object) -> orjson.Fragment:
    key = (directory.version, i18n.current(), contact.id, view)  # a card's words are in the request's language
    encoded = _encoded.get(at, key)
    if encoded is None:
        encoded = _encoded.put(at, key, orjson.dumps(_card_dict(contact, directory, at, view, _ALONE), option=orjson.OPT_NON_STR_KEYS))
    if matched is not _ALONE:
        # "matched_topic" is the card's last key, as _card_dict adds it: the same bytes as encoding the whole card.
        encoded = encoded[:-1] + b',"matched_topic":' + orjson.dumps(matched) + b"}"
    return orjson.Fragment(encoded)


def _understanding_json(decision: Decision, directory: Directory) -> dict[str, Any]:
    """A second need with its own contact and reason, the question that decides between two teams, an hours question."""
    at = decision.at
    clarify = decision.clarify
    return {
        "also_needed": [
            {"contact": _with_email_advice(contact_view(a.contact, directory, at)), "reason": a.reason, "topic": _topic_json(a.topic), "said": a.said}
            for a in decision.also_needed
        ],
        "clarify": [
            {"contact_id": c.id, "name": localized(c, "name"), "topic": _topic_json(t)} for c, t in zip(clarify.contacts, clarify.topics, strict=True)
        ] if clarify else [],
        "clarify_question": clarify.question if clarify else None,
        "hours_question": decision.hours_question,
    }


def explanation(decision: Decision) -> dict[str, Any]:
    """How the answer was reached, for programs and logs: never shown to employers as it is."""
    if decision.safety:
        decided_by = "safety_rule"
    elif decision.offtopic:
        decided_by = "off_topic"
    elif decision.fallback:
        decided_by = "fallback"
    elif decision.rule is not None and not decision.rule.prefer:
        decided_by = "rule"
    elif decision.example:
        decided_by = "examples"
    else:
        decided_by = "search"
    return {
        "decided_by": decided_by,
        "rule": decision.rule.id if decision.rule else None,
        "rule_description": decision.rule.description if decision.rule else None,
        "rule_matched": list(decision.rule_matched),
        "matched": list(decision.matched),
        "topic": decision.topic.id if decision.topic else None,
        "topics": list(decision.topics),
        "confidence": decision.confidence,
        "example": decision.example or None,
    }


def answer_lines(answer: dict[str, Any]) -> list[str]:
    """A decision as text for the terminal: contact, reason, how to reach it, alternatives."""
    contact = answer["contact"]
    # The id is what --contact and the API take; how sure the router was is said in words, and only when it was not.
    if answer["confident"] or answer["fallback"]:  # a fallback's reason says so itself
        heading = _("%(name)s  (%(id)s)")
    else:
        heading = _("%(name)s  (%(id)s, the closest match, not a sure one)")
    lines = [heading % contact, f"  {answer['reason']}"]
    if not (answer["safety"] and contact["kind"] == "emergency_line"):  # the emergency line's reason already says it
        lines += [f"  {note}" for note in answer["notes"]]
    if answer["send"]:
        lines += [f"  {sentence}" for sentence in answer["send"]["sentences"]]
    lines += _reach_lines(contact, indent="  ")
    for equal in answer["shared_with"]:
        lines.append(_("And: %(name)s  (%(id)s)") % equal)
        lines += _reach_lines(equal, indent="  ")
    for alternative in answer["alternatives"]:
        lines.append(_("Also: %(name)s  (%(id)s)") % alternative)
        lines += _reach_lines(alternative, indent="  ")
    return lines


def _reach_lines(card: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}{card['status_line']}"]
    lines += [f"{indent}{phone['instructions']}" for phone in card["phones"]]
    for email in card["emails"]:
        about = " · ".join(filter(None, (email["purpose"], email["advice"])))
        lines.append(indent + _("email %(address)s: %(about)s") % {"address": email["address"], "about": about})
    lines += [indent + _("fax %(display)s: %(purpose)s") % fax for fax in card["faxes"]]
    lines += [f"{indent}{link['url']}" for link in card["links"] if link.get("url")]
    lines += [f"{indent}{way['sentence']}" for way in card["other_ways"]]
    return lines


def _matched_topic(decision: Decision, contact: Contact) -> Topic | None:
    """The alternative's own topic that fits the question: the do-it-yourself task, or its best search hit."""
    if decision.self_service is not None and decision.self_service.contact.id == contact.id:
        return decision.self_service.topic
    ids = {t.id: t for t in contact.topics}
    return next((ids[t] for t in decision.topics if t in ids), None)


def _handled_by(decision: Decision) -> list[dict[str, Any]]:
    """Every contact that handles what was asked, each with its part: one, or several equals."""
    if decision.fallback:
        return []
    found = [(decision.contact, decision.topic), *((h.contact, h.topic) for h in decision.shared)]
    return [
        {"contact_id": c.id, "name": localized(c, "name"), "topic": _topic_json(t), "handles": localized(t, "title") if t else localized(c, "summary")}
        for c, t in found
    ]


def _send_json(decision: Decision) -> dict[str, Any] | None:
    sending = decision.sending
    if sending is None:
        return None
    return {
        "asked": sending.asked or None,
        "lead": sending.lead,
        "ways": [{"kind": w.kind, "address": w.address, "purpose": _way_purpose(decision.contact, w.kind, w.address, w.purpose), "fits": w.fits, "sentence": w.sentence} for w in sending.ways],
        "sentences": list(sending.sentences),
    }


def _way_purpose(contact: Contact, kind: str, address: str, purpose: str) -> str:
    """A written way's purpose in the current language: the decision keeps the directory's English, to match on."""
    found = [e for e in contact.emails if e.address == address] if kind == "email" else [f for f in contact.faxes if f.display == address]
    return str(localized(found[0], "purpose")) if found else purpose


def _topic_json(topic: Topic | None) -> dict[str, str] | None:
    return {"id": topic.id, "title": localized(topic, "title"), "where": localized(topic, "where")} if topic else None


def _with_email_advice(card: dict[str, Any]) -> dict[str, Any]:
    # The seeds ask employers to include their group name and ID when they write.
    for email in card.get("emails", []):
        email["advice"] = wording.include_items(email.get("include") or [])
    return card


def _self_service_json(decision: Decision) -> dict[str, Any] | None:
    found = decision.self_service
    if found is None:
        return None
    return {
        "contact_id": found.contact.id,
        "title": localized(found.topic, "title"),
        "where": localized(found.topic, "where"),
        "section": found.where,
        "url": found.contact.url,
        "note": found.note,
        # Said when the website is offered before the team: why the order changed.
        "lead": wording.closed_first(decision.contact) if decision.self_service_first else "",
    }


def _zone(directory: Directory) -> ZoneInfo:
    return ZoneInfo(directory.timezone)
