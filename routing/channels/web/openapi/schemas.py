"""The shapes of the API's answers, as OpenAPI 3.0 schemas built from small helpers.

``openapi.py`` puts them under ``components/schemas``; each one mirrors the
function that builds that JSON (``present.contact_json``, ``ask.decision_json``,
``Triage.as_json``...), and the fuzzing in ``tests/test_openapi.py`` checks
every answer against them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from routing.core.email.triage import ASK_SENDER, FORWARD, IGNORE, REVIEW
from routing.core.i18n import LANGUAGES
from routing.core.model import CHANNELS, WEEKDAYS, ContactKind, HoursKind
from routing.present.deliveries import STATES as DELIVERY_STATES
from routing.store.outbox import STATUSES as FORWARD_STATUSES
from routing.store.triage_log import STATUSES as TRIAGE_STATUSES

Schema = dict[str, Any]


# --- schema helpers ----------------------------------------------------------------


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def string(description: str = "", **keywords: Any) -> Schema:
    return _described({"type": "string", **keywords}, description)


def integer(description: str = "", **keywords: Any) -> Schema:
    return _described({"type": "integer", **keywords}, description)


def number(description: str = "", **keywords: Any) -> Schema:
    return _described({"type": "number", **keywords}, description)


def boolean(description: str = "") -> Schema:
    return _described({"type": "boolean"}, description)


def instant(description: str = "") -> Schema:
    return string(description, format="date-time")


def one_of(values: Iterable[str], description: str = "") -> Schema:
    return string(description, enum=list(values))


def array(items: Schema, description: str = "", **keywords: Any) -> Schema:
    return _described({"type": "array", "items": items, **keywords}, description)


def obj(properties: dict[str, Schema], description: str = "", *, optional: Iterable[str] = ()) -> Schema:
    """An object with exactly these keys; all of them are required unless named in ``optional``."""
    skip = set(optional)
    schema: Schema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [name for name in properties if name not in skip]
    if required:
        schema["required"] = required
    return _described(schema, description)


def mapping(values: Schema, description: str = "") -> Schema:
    return _described({"type": "object", "additionalProperties": values}, description)


def nullable(schema: Schema) -> Schema:
    # OpenAPI 3.0 cannot put "nullable" next to a $ref, hence the allOf.
    if "$ref" in schema:
        return {"allOf": [schema], "nullable": True}
    return {**schema, "nullable": True}


def _described(schema: Schema, description: str) -> Schema:
    return {**schema, "description": description} if description else schema


# --- the shapes the API answers with ---------------------------------------------------


def _status_fields() -> dict[str, Schema]:
    return {
        "open_now": nullable(boolean("Whether it is open at the requested instant; null when its hours are not listed.")),
        "closes_at": nullable(instant("When it next closes, if open.")),
        "next_open": nullable(instant("When it next opens, if closed.")),
        "closed_for": nullable(string("The holiday that explains a closure or early close.")),
        "status_line": string("The same as one sentence, such as “Open until 5 PM Pacific”."),
    }


def schemas() -> dict[str, Schema]:
    """Every component schema, by name: one function per family of answers."""
    return {
        **_contact_schemas(),
        "Decision": _decision_schema(),
        **_forward_schemas(),
        "Triage": _triage_schema(),
        "PhoneTree": _phone_tree_schema(),
        **_service_schemas(),
    }


KINDS = [kind.value for kind in ContactKind]
LANGUAGE = one_of(
    LANGUAGES,
    "The language of every wording field (names, titles, reasons, hours in words); ids, enums and numbers never change with it.",
)


def _contact_schemas() -> dict[str, Schema]:
    clock = string(pattern="^([01][0-9]|2[0-4]):[0-5][0-9]$")
    opening = array(clock, "A range [start, end] in local time; an end of 24:00 is midnight.", minItems=2, maxItems=2)
    hours = obj({
        "kind": one_of([kind.value for kind in HoursKind]),
        "timezone": string("IANA time zone the hours are written in."),
        "text": string("The week's hours in words."),
        "weekly": nullable(obj({day: array(opening) for day in WEEKDAYS}, "Each weekday's ranges; null unless kind is weekly.")),
        "observes_holidays": boolean(),
        "note": string("How the source gives these hours, for staff and programs; the pages do not show it."),
    })
    phone = obj({
        "number": string("E.164, or a three-digit code such as an emergency number."),
        "display": string(),
        "keys": string("What to press after the call connects; empty for none."),
        "label": string(),
        "tel": string("A tel: link with the keys as post-dial digits."),
        "instructions": string("How to call, in words."),
        "hours": obj({**hours["properties"], **_status_fields()}, "This line's own hours, when they differ from the contact's."),
    }, optional=["hours"])
    email = obj({
        "address": string(format="email"),
        "purpose": string(),
        "include": array(string(), "What the team asks writers to include."),
        "mailto": string(),
        "advice": string("The include list as a sentence (in /api/route answers only)."),
    }, optional=["advice"])
    contact = obj({
        "id": string(),
        "language": LANGUAGE,
        "name": string(),
        "named": string("The name as a sentence puts it after a verb: in Spanish with its article (“el Centro de Servicio de California”), in English the name itself."),
        "kind": one_of(KINDS),
        "kind_label": string(),
        "summary": string(),
        "url": string("Its main web address; empty when it has none."),
        "topics": array(obj({"id": string(), "title": string(), "where": string("Where on the site, for self-service tasks.")})),
        "phones": array(ref("Phone")),
        "emails": array(ref("Email")),
        "faxes": array(obj({"number": string(), "display": string(), "purpose": string()})),
        "links": array(obj({"title": string(), "url": string(), "note": string()})),
        "hours": ref("Hours"),
        **_status_fields(),
        "sources": array(obj({"id": string(), "description": string()}), "The source pages these facts come from."),
        "other_ways": array(obj({
            "name": string("Who, as the source names it: “Your broker”."),
            "how": string("The source's words for it."),
            "purpose": string("What it is for."),
            "or_contact_id": string("The contact the source offers beside it; empty for none."),
            "sentence": string("All of it as one sentence, as the pages show it."),
        }), "Ways to get help that are not contacts here, such as your broker, where the source names them."),
        "badge": obj({"state": one_of(["open", "closed", "unknown"]), "label": string()},
                     "The open/closed badge's words (in /api/route answers, on shared_with cards only)."),
        "matched_topic": nullable(obj({"id": string(), "title": string(), "where": string()},
                                      "This contact's topic that fits the question (in /api/route answers only).")),
    }, optional=["badge", "matched_topic"])
    return {"Contact": contact, "Phone": phone, "Email": email, "Hours": hours}


def _decision_schema() -> Schema:
    return obj({
        "query": string("The question as asked."),
        "language": LANGUAGE,
        "channel": one_of(CHANNELS),
        "at": instant("The instant the hours were evaluated at, in the directory's time zone."),
        "contact": ref("Contact"),
        "alternatives": array(ref("Contact")),
        "reason": string("Why this contact, in one or two sentences for people: no rule ids or matched words (see explanation)."),
        "confidence": number(minimum=0, maximum=1),
        "confident": boolean("Whether confidence is high enough to act on without asking."),
        "fallback": boolean("True when nothing matched and the general line was chosen."),
        "safety": boolean("True for emergency wording: the contact is the emergency line."),
        "off_topic": boolean("True when the question is about something this help desk does not handle (car insurance, phones, pets…); the general line is offered."),
        "rule": nullable(string("The id of the directory rule that decided, if any.")),
        "topic": nullable(obj({"id": string(), "title": string()})),
        "matched": array(string(), "The words of the question that decided it."),
        "notes": array(string()),
        "self_service": nullable(obj({
            "contact_id": string(), "title": string(), "where": string("As the directory gives it."),
            "section": string("The section of the site to go to; empty when the directory names only the site."),
            "url": string(), "note": string("Where to do it, as a sentence."),
            "lead": string("Why the website comes first, when offer_first is self_service; otherwise empty."),
        }, "A way to do it alone on a website, when there is one.")),
        "corrections": array(obj({"typed": string(), "understood": string()}), "Misspellings that were corrected."),
        "handled_by": array(obj({
            "contact_id": string(), "name": string(), "topic": nullable(obj({"id": string(), "title": string(), "where": string()})),
            "handles": string("Its part of the subject, in the directory's words."),
        }), "Every contact that handles what was asked, the contact first: more than one when the directory lists the "
            "subject under several teams, each an equal answer with its own part. Empty for a fallback."),
        "shared_subject": nullable(string("The subject the teams in handled_by share, such as “eligibility”; null when one team handles it.")),
        "shared_with": array(ref("Contact"), "The other teams in handled_by, as cards: equals of contact, not alternatives."),
        "offer_first": one_of(["contact", "self_service"],
                              "Which way to offer first: the website while the team is closed and the website open, else the contact."),
        "send": nullable(obj({
            "asked": nullable(string("The way the question named, email or fax; null when it only said send or submit.")),
            "lead": string("Said when the way asked about is for other things: “Send this by email, not by fax.”"),
            "ways": array(obj({
                "kind": one_of(["email", "fax"]), "address": string("The address, or the fax number as written."),
                "purpose": string(), "fits": boolean("Its purpose covers what the question is about."),
                "sentence": string(),
            }), "The contact's email and fax, those whose purpose fits first."),
            "sentences": array(string(), "lead and the ways, in order, as the page shows them."),
        }, "When the question asks how to send something: which way the directory gives for it.")),
        "also_needed": array(obj({
            "contact": ref("Contact"), "reason": string("Why this contact, for the second need, as a sentence."),
            "topic": nullable(obj({"id": string(), "title": string(), "where": string()})),
            "said": string("The part of the question that asks for it."),
        }), "A second need the question names (“…, and also …”), each with its own contact and reason; the first need is contact."),
        "clarify": array(obj({
            "contact_id": string(), "name": string(), "topic": nullable(obj({"id": string(), "title": string(), "where": string()})),
        }), "When two teams fit about equally: both (contact first); empty otherwise."),
        "clarify_question": nullable(string("The question whose answer decides between the two teams in clarify; null when none.")),
        "hours_question": boolean("True when the question asks when a contact is open: the reason states its hours from the directory."),
        "explanation": obj({
            "decided_by": one_of(["safety_rule", "rule", "search", "examples", "fallback", "off_topic"]),
            "rule": nullable(string("The id of the rule that decided or reordered the answer.")),
            "rule_description": nullable(string()),
            "rule_matched": array(string(), "The rule's phrases the question said."),
            "matched": array(string(), "The question's words that matched the topic (or the other domain's phrase)."),
            "topic": nullable(string()),
            "topics": array(string(), "Every topic id search found, best first."),
            "confidence": number(minimum=0, maximum=1),
            "example": nullable(string("The example question whose nearest neighbours decided the answer, when examples did (also when they said off-topic).")),
        }, "How the answer was reached, for programs and logs."),
    })


def _forward_schemas() -> dict[str, Schema]:
    # The same fields as the confirmation and status pages (present.deliveries.request_json).
    fields: dict[str, Schema] = {
        "id": string("The reference number; GET /api/forward/{id} reports on it."),
        "state": one_of(DELIVERY_STATES, "What is true now: kept_here (no mail server is configured, so it is not emailed), "
                        "queued (waiting to be emailed or tried again), sent, or failed."),
        "summary": string("The state in one or two sentences, as the status page says it."),
        "next_steps": array(string(), "What happens next and what the employer can do, such as the team's phone line."),
        "team": string("The team it is addressed to."),
        "status_url": string("The lasting status page for people: the state and the times, nothing private."),
        "status": one_of(FORWARD_STATUSES, "The outbox row's own status, for programs: queued, sending, sent, failed, or written (an .eml file)."),
        "attempts": integer(minimum=0),
        "last_error": nullable(string()),
        "to": string("The team's address, from the directory.", format="email"),
        "contact_id": string(),
        "created_at": nullable(instant()),
        "sent_at": nullable(instant()),
        "next_attempt_at": nullable(instant("When a retry is due, for a queued request that has been tried.")),
    }
    accepted = obj(
        {**fields, "duplicate": boolean("Present and true when the same request was already accepted today.")},
        optional=["duplicate"],
    )
    return {"ForwardAccepted": accepted, "ForwardStatus": obj(fields)}


def _triage_schema() -> Schema:
    found_or_null = nullable(string())
    return obj({
        "id": string(),
        "status": one_of(TRIAGE_STATUSES),
        "url": string("The message's page in the staff console."),
        "duplicate": boolean("Present and true when the same email was triaged before."),
        "contact": nullable(obj({"id": string(), "name": string(), "kind": one_of(KINDS), "email": found_or_null})),
        "forward_to": nullable(obj({"id": string(), "name": string(), "address": string()})),
        "group_id": found_or_null,
        "group_name": found_or_null,
        "missing": array(one_of(["group_id", "group_name"])),
        "action": one_of([FORWARD, ASK_SENDER, REVIEW, IGNORE]),
        "reason": string(),
        "confidence": number(minimum=0, maximum=1),
        "message_id": found_or_null,
        "from": found_or_null,
        "from_name": found_or_null,
        "reply_to": found_or_null,
        "subject": string(),
        "date": nullable(string("The Date header in ISO-8601, when it parses.")),
        "attachments": array(obj({"filename": string(), "content_type": string(), "size": integer(minimum=0)})),
        "loop_signals": array(string(), "Why the email looks automatic; such mail is never answered."),
        "sources": obj({"group_id": found_or_null, "group_name": found_or_null}, "Where in the email each group field was found."),
        "notes": array(string()),
        "routing": nullable(obj({
            "reason": string(), "confidence": number(), "rule": found_or_null, "topic": found_or_null,
            "alternatives": array(string()), "read": string("What the router read, in words."),
        })),
        "forwarded": boolean(),
        "reply": boolean(),
        "problems": array(string()),
        "corrected": nullable(obj({"contact_id": string(), "group_id": string(), "group_name": string()},
                                  optional=["contact_id", "group_id", "group_name"])),
        "sender_language": string("The language the sender wrote in, as a code (en, es); the reply asking them for details is written in it."),
    }, optional=["duplicate", "sender_language"])


def _phone_tree_schema() -> Schema:
    status_then = _status_fields()
    badge = obj({"state": one_of(["open", "closed", "unknown"]), "label": string()}, "What a page shows for the hours: the words carry the meaning, the state picks the style.")
    option = obj({
        "keys": string(),
        "contact": obj({"id": string(), "name": string(), "kind": one_of(KINDS)}),
        "hours": ref("Hours"),
        **status_then,
        "badge": badge,
    })
    named = obj({"id": string(), "name": string()})
    return obj({
        "at": instant(),
        "language": string("The language of the wording fields (en, es); ids, keys and numbers are the same in every language."),
        "ivr": obj({
            "number": string(), "display": string(), "language": string(), "repeat_key": string(),
            "speech": boolean(), "max_failures": integer(minimum=0),
            "options": array(obj({"key": string(), "contact": named, "handles": string("What the team handles, in a few words from its topics.")})),
            "languages": array(
                obj({"code": string(), "key": string(), "voice": string(), "offer": string("Said in that language at every English prompt.")}),
                "The other languages a caller can choose by key; after it, the whole call is in that language.",
            ),
            "fallback": obj({**named["properties"], "named": string("The name as a sentence puts it, as on Contact.")}),
        }, "The phone menu callers hear."),
        "numbers": array(obj({"number": string(), "display": string(), "label": string(), "options": array(option)})),
        "contacts": array(obj({
            "id": string(), "name": string(), "kind": one_of(KINDS),
            "calls": array(obj({"number": string(), "display": string(), "keys": string(), "instructions": string(), "tel": string()})),
            "hours": ref("Hours"),
            **status_then,
            "badge": badge,
        })),
    })


def _service_schemas() -> dict[str, Schema]:
    health = obj({
        "status": one_of(["ok", "degraded"], "degraded when a changed directory file was refused; the last good one still serves."),
        "directory": obj({"version": nullable(string()), "loaded_at": nullable(instant()), "file": string("The directory file's name (not its path).")}),
        "errors": array(string(), "Why the last change was refused, one problem per line."),
    })
    error = obj({
        "error": obj({
            "status": integer("The HTTP status, repeated."),
            "message": string("What went wrong and what to do next, as a sentence."),
            "fields": mapping(string(), "For invalid input: one sentence per field."),
        }, optional=["fields"]),
    })
    readiness = obj({
        "status": one_of(["ready", "not ready"]),
        "problems": array(string(), "Why this instance should not take traffic now, one sentence each."),
    }, optional=["problems"])
    return {"Health": health, "Readiness": readiness, "Error": error}
