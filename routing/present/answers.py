"""A routing decision as JSON, and as lines for the terminal: what /api/route, /search and ``routing ask`` show."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from routing.core.model import Directory
from routing.core.rules import Decision
from routing.present.json import contact_json


def decision_json(decision: Decision, directory: Directory) -> dict[str, Any]:
    at = decision.at
    return {
        "query": decision.query,
        "channel": decision.channel,
        "at": at.astimezone(_zone(directory)).isoformat(),
        "contact": _with_email_advice(contact_json(decision.contact, directory, at)),
        "alternatives": [_with_email_advice(contact_json(c, directory, at)) for c in decision.alternatives],
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
    }


def answer_lines(answer: dict[str, Any]) -> list[str]:
    """A decision as text for the terminal: contact, reason, how to reach it, alternatives."""
    contact = answer["contact"]
    lines = [f"{contact['name']}  ({contact['id']}, confidence {answer['confidence']:.2f})", f"  {answer['reason']}"]
    lines += [f"  {note}" for note in answer["notes"]]
    lines += _reach_lines(contact, indent="  ")
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
    return lines


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
    return {"contact_id": found.contact.id, "title": found.topic.title, "where": found.topic.where, "url": found.contact.url, "note": found.note}


def _zone(directory: Directory) -> ZoneInfo:
    return ZoneInfo(directory.timezone)
