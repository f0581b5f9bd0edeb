"""A routing decision as JSON, and as lines for the terminal: what /api/route, /search and ``routing ask`` show.

``reason`` is for people: a sentence, no rule ids or matched stems. What a
program needs to know about how the answer was reached (the rule, the words
that matched, the confidence) is under ``explanation``.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from routing.core import wording
from routing.core.model import Contact, Directory, Topic
from routing.core.rules import Decision
from routing.present.json import contact_json, contact_view


def decision_json(decision: Decision, directory: Directory) -> dict[str, Any]:
    at = decision.at
    return {
        "query": decision.query,
        "channel": decision.channel,
        "at": at.astimezone(_zone(directory)).isoformat(),
        "contact": _with_email_advice(contact_json(decision.contact, directory, at)),
        "alternatives": [_alternative_json(decision, c, directory) for c in decision.alternatives],
        "reason": decision.reason,
        "confidence": decision.confidence,
        "confident": decision.confident,
        "fallback": decision.fallback,
        "safety": decision.safety,
        "off_topic": decision.offtopic,
        "rule": decision.rule.id if decision.rule else None,
        "topic": {"id": decision.topic.id, "title": decision.topic.title} if decision.topic else None,
        "matched": list(decision.matched),
        "notes": list(decision.notes),
        "self_service": _self_service_json(decision),
        "corrections": [{"typed": typed, "understood": meant} for typed, meant in decision.corrections],
        "handled_by": _handled_by(decision),
        "shared_subject": decision.shared_subject or None,
        "shared_with": [_with_email_advice({**contact_view(h.contact, directory, at), "matched_topic": _topic_json(h.topic)}) for h in decision.shared],
        "offer_first": "self_service" if decision.self_service_first else "contact",
        "send": _send_json(decision),
        **_understanding_json(decision, directory),
        "explanation": explanation(decision),
    }


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
            {"contact_id": c.id, "name": c.name, "topic": _topic_json(t)} for c, t in zip(clarify.contacts, clarify.topics, strict=True)
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
    }


def answer_lines(answer: dict[str, Any]) -> list[str]:
    """A decision as text for the terminal: contact, reason, how to reach it, alternatives."""
    contact = answer["contact"]
    # The id is what --contact and the API take; how sure the router was is said in words, and only when it was not.
    doubt = "" if answer["confident"] or answer["fallback"] else ", the closest match, not a sure one"  # a fallback's reason says so itself
    lines = [f"{contact['name']}  ({contact['id']}{doubt})", f"  {answer['reason']}"]
    if not (answer["safety"] and contact["kind"] == "emergency_line"):  # the emergency line's reason already says it
        lines += [f"  {note}" for note in answer["notes"]]
    if answer["send"]:
        lines += [f"  {sentence}" for sentence in answer["send"]["sentences"]]
    lines += _reach_lines(contact, indent="  ")
    for equal in answer["shared_with"]:
        lines.append(f"And: {equal['name']}  ({equal['id']})")
        lines += _reach_lines(equal, indent="  ")
    for alternative in answer["alternatives"]:
        lines.append(f"Also: {alternative['name']}  ({alternative['id']})")
        lines += _reach_lines(alternative, indent="  ")
    return lines


def _reach_lines(card: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}{card['status_line']}"]
    lines += [f"{indent}{phone['instructions']}" for phone in card["phones"]]
    lines += [f"{indent}email {email['address']}: " + " · ".join(filter(None, (email["purpose"], email["advice"]))) for email in card["emails"]]
    lines += [f"{indent}fax {fax['display']}: {fax['purpose']}" for fax in card["faxes"]]
    lines += [f"{indent}{link['url']}" for link in card["links"] if link.get("url")]
    lines += [f"{indent}{way['sentence']}" for way in card["other_ways"]]
    return lines


def _alternative_json(decision: Decision, contact: Contact, directory: Directory) -> dict[str, Any]:
    card = _with_email_advice(contact_json(contact, directory, decision.at))
    card["matched_topic"] = _topic_json(_matched_topic(decision, contact))
    return card


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
    return [{"contact_id": c.id, "name": c.name, "topic": _topic_json(t), "handles": t.title if t else c.summary} for c, t in found]


def _send_json(decision: Decision) -> dict[str, Any] | None:
    sending = decision.sending
    if sending is None:
        return None
    return {
        "asked": sending.asked or None,
        "lead": sending.lead,
        "ways": [{"kind": w.kind, "address": w.address, "purpose": w.purpose, "fits": w.fits, "sentence": w.sentence} for w in sending.ways],
        "sentences": list(sending.sentences),
    }


def _topic_json(topic: Topic | None) -> dict[str, str] | None:
    return {"id": topic.id, "title": topic.title, "where": topic.where} if topic else None


def _with_email_advice(card: dict[str, Any]) -> dict[str, Any]:
    # The seeds ask employers to include their group name and ID when they write.
    for email in card.get("emails", []):
        include = email.get("include") or []
        email["advice"] = f"Include your {' and '.join(include)}." if include else ""
    return card


def _self_service_json(decision: Decision) -> dict[str, Any] | None:
    found = decision.self_service
    if found is None:
        return None
    return {
        "contact_id": found.contact.id,
        "title": found.topic.title,
        "where": found.topic.where,
        "section": found.where,
        "url": found.contact.url,
        "note": found.note,
        # Said when the website is offered before the team: why the order changed.
        "lead": wording.closed_first(decision.contact) if decision.self_service_first else "",
    }


def _zone(directory: Directory) -> ZoneInfo:
    return ZoneInfo(directory.timezone)
