"""The API described as OpenAPI 3.0: ``/openapi.json`` for programs, ``/docs`` for people.

The description is built from the directory in service, so the group ID
pattern, the teams that take email and every example come from
``directory.yaml`` like every other fact. Each status listed is one the
handler can really return; ``tests/test_openapi.py`` fuzzes the running app
against it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from routing.channels.web.openapi.docs import docs_view
from routing.channels.web.openapi.schemas import Schema, array, instant, nullable, obj, ref, schemas, string
from routing.core.i18n import LANGUAGES
from routing.core.instants import FIRST_YEAR, LAST_YEAR
from routing.core.model import CHANNELS, Directory
from routing.core.text import MAX_QUERY_CHARS
from routing.core.written_request import FIELDS, MAX_CHARS, writable
from routing.services import services

JSON = "application/json"
TWIML = "text/xml"


# --- operations ------------------------------------------------------------------------


def json_body(description: str, schema: Schema, **extra: Any) -> Schema:
    return {"description": description, "content": {JSON: {"schema": schema}}, **extra}


def problem(description: str) -> Schema:
    return json_body(description, ref("Error"))


def query(name: str, schema: Schema, description: str, *, required: bool = False, example: Any = None) -> Schema:
    parameter: Schema = {"name": name, "in": "query", "required": required, "description": description, "schema": schema}
    if example is not None:
        parameter["example"] = example
    return parameter


def path_id(description: str, example: str) -> Schema:
    return {"name": "id", "in": "path", "required": True, "description": description, "schema": string(minLength=1), "example": example}


def operation(operation_id: str, tag: str, summary: str, description: str, responses: dict[str, Schema], **extra: Any) -> Schema:
    return {"operationId": operation_id, "tags": [tag], "summary": summary, "description": description, "responses": responses, **extra}


# What format: date-time cannot say: the years parse_instant accepts, FIRST_YEAR to LAST_YEAR.
YEARS = "^(19[0-9][0-9]|2[0-9][0-9][0-9])-"
# The question is trimmed (str.strip) before its length is checked: what strip
# removes, then 1 to MAX_QUERY_CHARS characters that start and end with another.
SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
QUESTION = f"^[{SPACE}]*[^{SPACE}]([\\s\\S]{{0,{MAX_QUERY_CHARS - 2}}}[^{SPACE}])?[{SPACE}]*$"
AT = f"Evaluate hours at this instant instead of now: ISO-8601 with an offset, in the years {FIRST_YEAR} to {LAST_YEAR}. Empty means now."
BAD_AT = "`at` is not a date and time with a UTC offset, or is outside the years it can be."
LANG = (
    f"The language of the wording fields: one of {', '.join(LANGUAGES)}. Without it (or with another value) a question "
    "written in Spanish is answered in Spanish; otherwise the `lang` cookie, then Accept-Language, then English decide. "
    "The answer says which in `language`; ids, enums, numbers, emails and addresses are the same in every language."
)
NOT_STARTED = "The service is still starting; try again in a minute."
NEEDS_STAFF = "No staff session and no valid `Authorization: Bearer <STAFF_PASSWORD>`."
TOO_MANY_GUESSES = "More than STAFF_LOGIN_RATE_LIMIT wrong passwords or tokens a minute from this address; every token is refused until the minute is over."
STAFF_ONLY: list[Schema] = [{"staffPassword": []}, {"staffSession": []}]


def _contacts(directory: Directory) -> dict[str, Schema]:
    moment = instant() | {"pattern": YEARS}
    at = {**query("at", moment, AT, example="2026-11-23T10:00:00-08:00"), "allowEmptyValue": True}
    first = directory.contacts[0].id
    lang = {**query("lang", string(), LANG, example="es"), "allowEmptyValue": True}
    return {
        "/api/contacts": {"get": operation(
            "listContacts", "Contacts", "Every contact",
            "Every contact in the directory, with hours as data and words, and whether each is open now.",
            {"200": json_body("Every contact, in directory order.", array(ref("Contact"))), "400": problem(BAD_AT)},
            parameters=[at, lang],
        )},
        "/api/contacts/{id}": {"get": operation(
            "getContact", "Contacts", "One contact",
            "One contact by its id.",
            {"200": json_body("The contact.", ref("Contact")), "400": problem(BAD_AT), "404": problem("No contact has this id.")},
            parameters=[path_id("The contact's id, as listed by GET /api/contacts.", first), at, lang],
        )},
        "/api/route": {"get": operation(
            "routeQuestion", "Routing", "Whom to contact about a question",
            "Runs the rules engine on a question in the employer's words and answers with the contact, the reason, "
            "alternatives and any self-service page. Emergency wording is always routed to the emergency line.",
            {"200": json_body("The answer.", ref("Decision")),
             "400": problem("`q` is missing, blank or too long, `channel` is unknown, or `at` is not a date and time in the years it can be.")},
            parameters=[
                query("q", string(pattern=QUESTION),
                      f"The question: up to {MAX_QUERY_CHARS} characters, not counting spaces around it, and not only spaces.",
                      required=True, example="change our broker of record"),
                {**query("channel", string(enum=list(CHANNELS), default="web"),
                         "Where the question was asked; some rules apply to one channel only. Empty means web."),
                 "allowEmptyValue": True},
                at,
                lang,
            ],
        )},
        "/api/ivr": {"get": operation(
            "phoneTree", "Contacts", "The phone tree",
            "Every number, what each key on it leads to with its hours and whether it is open, "
            "the phone menu, and for each contact how to call it.",
            {"200": json_body("The phone tree.", ref("PhoneTree")), "400": problem(BAD_AT)},
            parameters=[at],
        )},
    }


def _forward(directory: Directory) -> dict[str, Schema]:
    group = directory.group_id
    teams = [contact.id for contact in writable(directory)]
    descriptions = {
        "group_name": "The employer's group (company) name.",
        "group_id": f"The group ID: {group.description}.",
        "name": "Who is writing, optional.",
        "email": "Where the team should reply.",
        "phone": "A phone number, optional.",
        "subject": "Optional; the topic found by the router is used when empty.",
        "message": "The request. Emergency wording is refused with the emergency line.",
        "contact_id": "Optional: a team that takes email. Empty lets the rules engine choose.",
    }
    required = ("group_name", "group_id", "email", "message")
    properties: dict[str, Schema] = {}
    for name in FIELDS:
        field = string(descriptions[name], maxLength=MAX_CHARS[name])
        # null reads as empty, so an optional field may be null.
        properties[name] = field | {"minLength": 1} if name in required else nullable(field)
    properties["group_id"]["pattern"] = group.pattern
    properties["email"]["format"] = "email"
    properties["contact_id"]["enum"] = ["", *teams, None]
    body = obj(properties, "Field names outside this list are refused, so a typo is never silently dropped.",
               optional=[name for name in FIELDS if name not in required])
    example = {
        "group_name": "Ortiz Landscaping LLC", "group_id": group.example, "name": "Maria Ortiz",
        "email": "maria.ortiz@example.net", "subject": "", "message": "We are changing our broker of record.",
    }
    return {
        "/api/forward": {"post": operation(
            "forwardRequest", "Forwarding", "Send a written request to the right team",
            "Checks the request, routes it on the email channel (or to the team chosen in contact_id), records it "
            "in the outbox and only then answers. The address always comes from the directory.",
            {
                "202": json_body("Recorded; `state` says what is true now (kept_here when no mail server is configured).", ref("ForwardAccepted"), headers={
                    "Location": {"description": "Where to read its status.", "schema": string()},
                }),
                "400": problem("The body is not valid JSON, or the Idempotency-Key header is not up to 200 printable characters."),
                "413": problem("The body is larger than MAX_MESSAGE_BYTES."),
                "415": problem("The Content-Type is not application/json."),
                "422": problem("The body is not one JSON object, a field is missing or invalid (see `fields`), the "
                               "wording is an emergency, no team could be chosen (name one in contact_id), or no listed mailbox "
                               "covers the request: the message gives the team's phone line and keys, and `fields.contact_id` "
                               "the nearest team whose mailbox fits, if any."),
                "429": problem("More than FORWARD_RATE_LIMIT requests a minute from this address."),
                "503": problem(NOT_STARTED),
            },
            parameters=[{
                "name": "Idempotency-Key", "in": "header", "required": False,
                "description": "Send a different key to send the same words twice in one day; a retry sends the same key.",
                "schema": string(maxLength=200),
            }],
            requestBody={"required": True, "content": {JSON: {"schema": body, "example": example}}},
        )},
        "/api/forward/{id}": {"get": operation(
            "forwardStatus", "Forwarding", "Delivery status of a forwarded request",
            "The request's state now (kept_here, queued, sent or failed), in the same words as its status page.",
            {"200": json_body("Its delivery status.", ref("ForwardStatus")),
             "404": problem("No request has this reference."), "503": problem(NOT_STARTED)},
            parameters=[path_id("The reference from the 202 answer (letters are read case-insensitively).", "FW-7K3M9QZX")],
        )},
    }


def _triage() -> dict[str, Schema]:
    return {
        "/api/triage": {"post": operation(
            "triageEmail", "Staff triage", "Triage a raw email",
            "Reads an email, names the team, pulls out the group ID and name, and suggests one action "
            "(forward, ask_sender, review or ignore). The result is stored for the staff console. "
            "Any input gets an answer; empty or binary input is `review`.",
            {"200": json_body("The triage.", ref("Triage")), "401": problem(NEEDS_STAFF), "429": problem(TOO_MANY_GUESSES),
             "413": problem("The email is larger than MAX_MESSAGE_BYTES."),
             "415": problem("The Content-Type is not message/rfc822."), "503": problem(NOT_STARTED)},
            security=STAFF_ONLY,
            requestBody={"required": True, "content": {"message/rfc822": {"schema": string("The email with its headers.", format="binary")}}},
        )},
        "/api/triage/{id}": {"get": operation(
            "getTriage", "Staff triage", "A stored triage",
            "A triage stored by POST /api/triage, the staff console or the SMTP listener, with its current status.",
            {"200": json_body("The triage.", ref("Triage")), "401": problem(NEEDS_STAFF), "429": problem(TOO_MANY_GUESSES),
             "404": problem("No triaged email has this id."), "503": problem(NOT_STARTED)},
            security=STAFF_ONLY,
            parameters=[path_id("The id from the triage answer.", "TR-3K9QZX7M")],
        )},
    }


def _service() -> dict[str, Schema]:
    return {
        "/healthz": {"get": operation(
            "health", "Service", "Health and directory version",
            "The directory version in service, when it was loaded, and any refused reload. "
            "Always 200 while serving: the last good directory keeps answering.",
            {"200": json_body("The service's health.", ref("Health"))},
        )},
        "/readyz": {"get": operation(
            "readiness", "Service", "Ready to take traffic",
            "200 when the directory is loaded, the store accepts a write and the background sender is running, "
            "so a forward accepted here will be delivered; 503 with the reasons otherwise. For load balancers.",
            {"200": json_body("Ready.", ref("Readiness")), "503": json_body("Not ready, and why.", ref("Readiness"))},
        )},
        "/metrics": {"get": operation(
            "metrics", "Service", "Prometheus metrics",
            "Requests by route and status, route decisions, outbox depth and oldest waiting age, deliveries by outcome, "
            "triage actions and IVR calls, in Prometheus' text format. Served to loopback, or with `Authorization: Bearer <METRICS_TOKEN>`.",
            {"200": {"description": "Prometheus text exposition format.", "content": {"text/plain": {"schema": string()}}},
             "403": problem("Not from this machine, and no valid METRICS_TOKEN.")},
        )},
        "/openapi.json": {"get": operation(
            "openapi", "Service", "This description",
            "The API as OpenAPI 3.0. /docs shows it as a page.",
            {"200": json_body("An OpenAPI 3.0 document.", {"type": "object"})},
        )},
    }


def _twilio() -> dict[str, Schema]:
    form = {"type": "object", "properties": {
        "CallSid": string("Twilio's id of the call."),
        "From": string("The caller's number."),
        "Digits": string("The keys pressed."),
        "SpeechResult": string("What the caller said."),
    }}
    # Read leniently (a value that is not a count reads as 0, a large one is capped), so a
    # mangled callback URL still ends the call cleanly; hence strings, not integers.
    counts = [
        query("failures", string(), "Failed tries so far, as the app wrote it into the previous answer.", example="0"),
        query("turn", string(), "Turns so far, as the app wrote it into the previous answer.", example="0"),
    ]
    hooks = {
        "/ivr/voice": ("callIncoming", "A call comes in", "Twilio's voice webhook: answers with the greeting and menu.", []),
        "/ivr/menu": ("callMenu", "Replay the menu", "Where a Redirect goes after silence.", counts),
        "/ivr/gather": ("callAnswered", "A key or words", "The Gather action: routes the key pressed or the words said.", counts),
        "/ivr/transfer": ("callTransfer", "Accept an offered team", "Puts the caller through to the team named in `to`.",
                          [query("to", string(), "The contact id offered to the caller.")]),
        "/ivr/choose": ("callChoose", "Answer an either/or", "The either/or prompt's action: 1 or the first team's words, 2 or the second's; anything else the first.",
                        [*counts, query("choice", string(), "The two topic ids offered, best first, as the app wrote them.", example="benefit-inquiries,bill-copies")]),
    }
    paths: dict[str, Schema] = {}
    for path, (operation_id, summary, description, parameters) in hooks.items():
        paths[path] = {"post": operation(
            operation_id, "Phone (Twilio webhooks)", summary,
            f"{description} Answers with TwiML. Must carry a valid X-Twilio-Signature when TWILIO_AUTH_TOKEN is set.",
            {
                "200": {"description": "TwiML for Twilio to play. A failure inside still answers with TwiML that puts the caller through.",
                        "content": {TWIML: {"schema": string()}}},
                "400": {"description": "The body is not a form (a multipart body without its boundary); Twilio never sends one.",
                        "content": {"text/html": {"schema": string()}}},
                "403": {"description": "The request is not signed by Twilio.", "content": {"text/plain": {"schema": string()}}},
            },
            parameters=parameters,
            security=[{"twilioSignature": []}, {}],
            requestBody={"required": False, "content": {"application/x-www-form-urlencoded": {"schema": form}}},
        )}
    return paths


def spec(directory: Directory) -> dict[str, Any]:
    """The OpenAPI 3.0 document for the directory in service."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Small-business support routing",
            "version": directory.version,
            "description": (
                "Whom a small-business employer should contact, as JSON. Every error is "
                '`{"error": {"status", "message", "fields"}}`: a sentence saying what to do next, and for invalid '
                "input one sentence per field. Any other method on these paths gets 405 in the same shape, with "
                "an `Allow` header, and an unknown `/api/` path 404. The version is the directory's version."
            ),
        },
        "tags": [
            {"name": "Contacts", "description": "The directory: contacts, hours, phone tree."},
            {"name": "Routing", "description": "The rules engine."},
            {"name": "Forwarding", "description": "Written requests emailed to the right team."},
            {"name": "Staff triage", "description": "Staff only: triage of emails from the shared inbox."},
            {"name": "Service", "description": "Health and this description."},
            {"name": "Phone (Twilio webhooks)", "description": "Called by Twilio, not by people; they answer TwiML."},
        ],
        "paths": {**_contacts(directory), **_forward(directory), **_triage(), **_service(), **_twilio()},
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "staffPassword": {"type": "http", "scheme": "bearer", "description": "`Authorization: Bearer <STAFF_PASSWORD>`"},
                "staffSession": {"type": "apiKey", "in": "cookie", "name": "session", "description": "a signed-in staff console session (its cookie)"},
                "twilioSignature": {"type": "apiKey", "in": "header", "name": "X-Twilio-Signature",
                                    "description": "Twilio's `X-Twilio-Signature` header"},
            },
        },
    }


# --- routes ----------------------------------------------------------------------------


async def openapi_json(request: Request) -> Response:
    return JSONResponse(spec(services(request).snapshot.directory))


async def docs_page(request: Request) -> Response:
    svc = services(request)
    view = docs_view(spec(svc.snapshot.directory))
    return svc.templates.TemplateResponse(request, "docs.html", {"api": view})


def routes() -> list[Route]:
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs_page, methods=["GET"]),
    ]
