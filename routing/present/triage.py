"""A triaged email as JSON: what the API answers, the console shows and the triage log keeps."""

from __future__ import annotations

from typing import Any

from routing.core.email.group_fields import GROUP_ID, GROUP_NAME
from routing.core.email.parse import Attachment
from routing.core.email.triage import Triage
from routing.core.i18n import N_
from routing.core.model import Contact, Email


def triage_json(result: Triage) -> dict[str, Any]:
    parsed = result.email
    decision = result.decision
    return {
        "contact": _contact_json(result.contact, result.team, result.address),
        "forward_to": None if result.team is None or result.address is None else {"id": result.team.id, "name": result.team.name, "address": result.address.address},
        "group_id": result.group_id.value if result.group_id else None,
        "group_name": result.group_name.value if result.group_name else None,
        "missing": list(result.missing),
        "action": result.action,
        "reason": result.reason,
        "confidence": result.confidence,
        "message_id": parsed.message_id or None,
        "from": parsed.from_address or None,
        "from_name": parsed.from_name or None,
        "reply_to": parsed.reply_to or None,
        "subject": parsed.subject,
        "date": parsed.date or None,
        "attachments": [attachment_json(a) for a in parsed.attachments],
        "loop_signals": list(parsed.loop_signals),
        "sources": {GROUP_ID: result.group_id.source if result.group_id else None, GROUP_NAME: result.group_name.source if result.group_name else None},
        "notes": list(result.notes),
        "routing": None if decision is None else {
            "reason": decision.reason,
            "confidence": decision.confidence,
            "rule": decision.rule.id if decision.rule else None,
            "topic": decision.topic.id if decision.topic else None,
            "alternatives": [c.id for c in decision.alternatives],
            "read": result.routed_on,
        },
        "forwarded": parsed.is_forward,
        "reply": parsed.is_reply,
        "problems": list(parsed.problems),
        "corrected": result.corrected.as_json() or None,
        # What the sender wrote in ("en", "es"), apart from the language an answer is given in: the reply asking them uses it.
        "sender_language": result.language,
    }


def _contact_json(contact: Contact | None, team: Contact | None, address: Email | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    email = address.address if address is not None and team is not None and team.id == contact.id else None
    return {"id": contact.id, "name": contact.name, "kind": contact.kind.value, "email": email}


def attachment_json(attachment: Attachment) -> dict[str, object]:
    return {"filename": attachment.filename, "content_type": attachment.content_type, "size": attachment.size}


# What each stored status means, for the staff pages (the API keeps the status names for programs).
STATUS_WORDS = {
    "new": N_("New"),
    "forwarded": N_("Forwarded"),
    "asked": N_("Waiting for the sender"),
    "ignored": N_("Ignored"),
    "corrected": N_("Corrected, not sent"),
}
