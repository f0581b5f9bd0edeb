"""Forwarding a request end to end: the form and the API, the outbox, a real SMTP server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from smtp_fixture import SmtpServer, unused_server
from starlette.applications import Starlette
from starlette.testclient import TestClient

from routing.app import create_app
from routing.core.model import Directory
from routing.core.wording import phone_instructions
from routing.settings import Settings
from routing.store.outbox import DONE, Outbox, outbox_path

BROKER = {
    "group_name": "Ortiz Landscaping LLC",
    "group_id": "604213",
    "name": "Ana Ortiz",
    "email": "ana@ortiz-landscaping.example",
    "phone": "(555) 201-4477",
    "subject": "Broker of record change",
    "message": "We are changing our broker of record to Pacific Benefits as of January 1. What do you need from us?",
}


def team_address(directory: Directory, contact_id: str) -> str:
    return directory.contact(contact_id).emails[0].address


@pytest.fixture
def smtp_settings(make_settings: Callable[..., Settings], smtp_server: SmtpServer) -> Callable[..., Settings]:
    def build(server: SmtpServer = smtp_server, **more: object) -> Settings:
        values: dict[str, object] = {
            "smtp_host": server.host, "smtp_port": server.port, "smtp_timeout": 2.0, "mail_from": "help-desk@desk.example",
            "retry_base_seconds": 0.05, "retry_max_seconds": 0.2, "forward_rate_limit": 1000,
        }
        values.update(more)
        return make_settings(**values)

    return build


@pytest.fixture
def mail_client(smtp_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    with TestClient(create_app(smtp_settings())) as client:
        yield client


def wait_done(client: TestClient | httpx.Client, ref: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/api/forward/{ref}").json()
        if body["status"] in DONE or time.monotonic() > deadline:
            return body
        time.sleep(0.02)


def outbox_counts(client: TestClient) -> dict[str, int]:
    box: Outbox = client.app.state.services.outbox  # type: ignore[attr-defined]
    return box.counts()


# --- the API and the delivered email -------------------------------------------


def test_a_request_is_accepted_and_delivered_to_the_team(mail_client: TestClient, smtp_server: SmtpServer, directory: Directory) -> None:
    response = mail_client.post("/api/forward", json=BROKER)
    assert response.status_code == 202
    body = response.json()
    amt = team_address(directory, "account-management-support")
    assert (body["state"], body["status"], body["to"], body["contact_id"]) == ("queued", "queued", amt, "account-management-support")
    assert body["summary"].startswith(f"Queued: your request is saved here and waiting to be emailed to the Account Management Support Team at {amt}.")
    assert body["status_url"] == f"/requests/{body['id']}"
    assert response.headers["location"] == f"/api/forward/{body['id']}"

    [received] = smtp_server.wait_for(1)
    msg = received.message
    assert received.rcpt_tos == (amt,)
    assert msg["To"].addresses[0].addr_spec == amt
    assert msg["Reply-To"].addresses[0].addr_spec == "ana@ortiz-landscaping.example"
    assert msg["From"].addresses[0].addr_spec == "help-desk@desk.example"
    assert msg["Subject"] == "[Group 604213] Ortiz Landscaping LLC: Broker of record change"
    assert msg["Message-ID"] == f"<{body['id'].lower()}.forward@desk.example>"
    text = _plain(msg)
    for value in BROKER.values():
        assert value in text
    assert "Broker of record changes" in text  # the routing reason names the topic
    assert "PST" in text or "PDT" in text

    status = wait_done(mail_client, body["id"])
    assert (status["status"], status["attempts"], status["last_error"]) == ("sent", 1, None)


def _plain(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_the_rules_engine_picks_the_mailbox_listed_for_the_topic(mail_client: TestClient, smtp_server: SmtpServer, directory: Directory) -> None:
    # Paying online is the self-service site's job, and the site takes no
    # email. The account.kp.org page sends questions about it to amt@kp.org,
    # not to the California Service Center, whose mailbox is only for forms.
    response = mail_client.post("/api/forward", json=BROKER | {"subject": "", "message": "Where do I pay our bill online?"})
    assert response.status_code == 202
    assert response.json()["contact_id"] == "account-management-support"
    [received] = smtp_server.wait_for(1)
    address = team_address(directory, "account-management-support")
    assert received.rcpt_tos == (address,)
    assert directory.contact("account-management-support").emails[0].covers_topic("view-pay-bills")
    text = _plain(received.message)
    assert f"goes to Account Management Support Team at {address}, the mailbox listed for" in text
    assert received.message["Subject"].startswith("[Group 604213] Ortiz Landscaping LLC: ")


def test_a_chosen_team_gets_it_whatever_the_message_says(mail_client: TestClient, smtp_server: SmtpServer, directory: Directory) -> None:
    response = mail_client.post("/api/forward", json=BROKER | {"contact_id": "client-services-unit"})
    assert response.json()["to"] == team_address(directory, "client-services-unit")
    [received] = smtp_server.wait_for(1)
    assert "The employer chose Client Services Unit on the form." in _plain(received.message)


def test_a_team_without_email_cannot_be_chosen(mail_client: TestClient) -> None:
    response = mail_client.post("/api/forward", json=BROKER | {"contact_id": "member-services"})
    assert response.status_code == 422
    problem = response.json()["error"]["fields"]["contact_id"]
    assert problem.startswith("Member Services Center does not take written requests. Choose one of ")
    assert "Account Management Support Team (account-management-support)" in problem
    assert outbox_counts(mail_client)["queued"] == 0


def test_an_emergency_is_refused_and_sent_to_the_emergency_line(mail_client: TestClient, smtp_server: SmtpServer, directory: Directory) -> None:
    response = mail_client.post("/api/forward", json=BROKER | {"message": "An employee collapsed at work and has chest pain"})
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert phone_instructions(directory.contact("emergency").phones[0]) in message
    assert "wrong way to get urgent help" in message
    assert sum(outbox_counts(mail_client).values()) == 0
    assert smtp_server.messages == []


def test_a_message_no_team_matches_asks_to_choose_one(mail_client: TestClient) -> None:
    response = mail_client.post("/api/forward", json=BROKER | {"subject": "", "message": "Hello there"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["contact_id"].startswith("We could not tell from your message which team")


def test_the_same_request_twice_is_accepted_once(mail_client: TestClient, smtp_server: SmtpServer) -> None:
    first = mail_client.post("/api/forward", json=BROKER).json()
    again = mail_client.post("/api/forward", json=BROKER)
    assert again.status_code == 202
    assert again.json()["id"] == first["id"] and again.json()["duplicate"] is True
    other = mail_client.post("/api/forward", json=BROKER, headers={"Idempotency-Key": "second-letter"})
    assert other.json()["id"] != first["id"]
    wait_done(mail_client, other.json()["id"])
    wait_done(mail_client, first["id"])
    assert len(smtp_server.messages) == 2


def test_an_unknown_reference_is_a_json_404(mail_client: TestClient) -> None:
    response = mail_client.get("/api/forward/FW-NOPE1234")
    assert response.status_code == 404
    assert response.json()["error"]["message"].startswith("There is no request with the reference FW-NOPE1234.")


def test_a_550_is_shown_as_failed_with_the_servers_reason(mail_client: TestClient, smtp_server: SmtpServer) -> None:
    smtp_server.fail_next("550 5.1.1 <amt> Mailbox unavailable")
    ref = mail_client.post("/api/forward", json=BROKER).json()["id"]
    status = wait_done(mail_client, ref)
    assert (status["status"], status["attempts"]) == ("failed", 1)
    assert "550 5.1.1 <amt> Mailbox unavailable" in status["last_error"]
    page = mail_client.get(f"/contact/sent/{ref}")
    assert "Request not delivered" in page.text and "550 5.1.1" in page.text
    assert status["state"] == "failed" and "550 5.1.1" in status["summary"]


def test_421_then_451_are_retried_and_the_status_shows_the_attempts(mail_client: TestClient, smtp_server: SmtpServer) -> None:
    smtp_server.fail_next("421 4.7.0 Try again later", "451 4.3.0 Mail server temporarily rejected message")
    ref = mail_client.post("/api/forward", json=BROKER).json()["id"]
    status = wait_done(mail_client, ref)
    assert (status["status"], status["attempts"]) == ("sent", 3)
    assert status["last_error"] is None  # a sent request no longer shows the error of an earlier try
    assert len(smtp_server.wait_for(1)) == 1


# --- bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, field, expected",
    [
        ({"group_name": "  "}, "group_name", "Enter your group name"),
        ({"group_id": ""}, "group_id", "Enter your group ID: "),
        ({"group_id": "ABC-12"}, "group_id", "“ABC-12” is not a group ID. A group ID is "),
        ({"group_id": 604213}, "group_id", "Send this field as text."),
        ({"email": ""}, "email", "Enter the email address where the team should reply."),
        ({"email": "ana at ortiz"}, "email", "“ana at ortiz” does not look like an email address."),
        ({"email": "ana@localhost"}, "email", "does not look like an email address"),
        ({"phone": "call me maybe"}, "phone", "Enter a phone number with digits"),
        ({"message": ""}, "message", "Write your request, so the team knows what you need."),
        ({"message": "x" * 10_001}, "message", "Shorten this to 10,000 characters or fewer (it has 10,001)."),
        ({"subject": "s" * 201}, "subject", "Shorten this to 200 characters or fewer"),
        ({"contact_id": "no-such-team"}, "contact_id", "There is no team “no-such-team”."),
        ({"to": "someone@elsewhere.example"}, "to", "Recipients always come from the directory."),
        ({"bcc": "someone@elsewhere.example"}, "bcc", "Recipients always come from the directory."),
        ({"colour": "blue"}, "colour", "This field is not accepted"),
    ],
)
def test_each_bad_field_gets_its_own_sentence(
    change: dict[str, object], field: str, expected: str, mail_client: TestClient, directory: Directory
) -> None:
    response = mail_client.post("/api/forward", json=BROKER | change)
    assert response.status_code == 422
    error = response.json()["error"]
    # A program has no page: the message names the field instead of pointing "below".
    assert error["message"] == f"Please correct “{field}” and send the request again; “fields” says what is wrong with it."
    assert list(error["fields"]) == [field]
    assert expected in error["fields"][field]
    if field == "group_id" and "is not" in expected:
        assert directory.group_id.description in error["fields"][field]
    assert sum(outbox_counts(mail_client).values()) == 0


def test_every_problem_is_reported_at_once(mail_client: TestClient) -> None:
    response = mail_client.post("/api/forward", json={"message": "hi"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"group_name", "group_id", "email"}


@pytest.mark.parametrize("field", ["group_name", "group_id", "name", "email", "phone", "subject"])
@pytest.mark.parametrize("breaker", ["\r\nBcc: victim@elsewhere.example", "\nX-Injected: yes", "\r"])
def test_line_breaks_in_header_fields_are_refused(field: str, breaker: str, mail_client: TestClient, smtp_server: SmtpServer) -> None:
    # In the middle: leading and trailing whitespace is trimmed, which is harmless.
    value = BROKER[field][:3] + breaker + BROKER[field][3:]
    response = mail_client.post("/api/forward", json=BROKER | {field: value})
    assert response.status_code == 422
    assert response.json()["error"]["fields"][field].startswith("Keep this to a single line")
    assert sum(outbox_counts(mail_client).values()) == 0


@pytest.mark.parametrize("field", ["group_name", "name", "subject"])
def test_encoded_words_that_would_decode_to_line_breaks_are_refused(field: str, mail_client: TestClient) -> None:
    # Python's mail library decodes =?…?= when it writes a header, so typed
    # plain text like this would become a real Bcc line (CVE-2024-6923).
    response = mail_client.post("/api/forward", json=BROKER | {field: "Acme =?utf-8?q?a=0D=0ABcc:_x@y.example?="})
    assert response.status_code == 422
    assert "encoded words" in response.json()["error"]["fields"][field]
    assert sum(outbox_counts(mail_client).values()) == 0


def test_deeply_nested_json_is_a_400_not_a_crash(mail_client: TestClient) -> None:
    response = mail_client.post("/api/forward", content=b"[" * 5000 + b"]" * 5000, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "nests too deeply" in response.json()["error"]["message"]


def test_line_breaks_in_the_message_itself_are_kept(mail_client: TestClient, smtp_server: SmtpServer) -> None:
    mail_client.post("/api/forward", json=BROKER | {"message": "Line one\r\nLine two\x00"})
    [received] = smtp_server.wait_for(1)
    assert "Line one\nLine two\n" in _plain(received.message)


def test_an_oversized_request_is_refused_before_it_is_read(smtp_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(smtp_settings(max_message_bytes=4_000))) as client:
        response = client.post("/api/forward", json=BROKER | {"message": "x" * 5_000})
        assert response.status_code == 413
        assert "larger than the 4,000 bytes we accept" in response.json()["error"]["message"]
        # Without a Content-Length (chunked), the limit still holds while reading.
        chunks = iter([b'{"message": "', b"x" * 3_000, b"x" * 3_000, b'"}'])
        streamed = client.post("/api/forward", content=chunks, headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert sum(outbox_counts(client).values()) == 0


def test_the_api_only_reads_json(mail_client: TestClient) -> None:
    response = mail_client.post("/api/forward", data=BROKER)
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.json()["error"]["message"]
    broken = mail_client.post("/api/forward", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]["message"]


def test_too_many_requests_from_one_client_get_a_429(smtp_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(smtp_settings(forward_rate_limit=3))) as client:
        codes = [client.post("/api/forward", json=BROKER | {"group_id": f"60421{n}"}).status_code for n in range(3)]
        assert codes == [202, 202, 202]
        refused = client.post("/api/forward", json=BROKER)
        assert refused.status_code == 429
        assert refused.json()["error"]["message"].startswith("Too many requests from this address. Please wait")
        page = client.post("/contact", data=_form_data(client, BROKER))
        assert page.status_code == 429
        assert "Too many requests" in page.text and _form(page.text).inputs["group_name"] == BROKER["group_name"]


# --- durability -------------------------------------------------------------------


def test_a_server_that_is_down_then_comes_up_gets_the_message_exactly_once(smtp_settings: Callable[..., Settings]) -> None:
    down = unused_server()
    with TestClient(create_app(smtp_settings(down, max_attempts=1000))) as client:
        accepted = client.post("/api/forward", json=BROKER)
        assert accepted.status_code == 202
        ref = accepted.json()["id"]
        deadline = time.monotonic() + 10
        # Wait for the state, not for time: between tries the row is queued again; during one it is sending.
        while time.monotonic() < deadline:
            status = client.get(f"/api/forward/{ref}").json()
            if status["status"] == "queued" and status["attempts"] >= 2:
                break
            time.sleep(0.02)
        assert status["status"] == "queued" and status["attempts"] >= 2
        assert status["last_error"]  # the connection failure, in words
        down.start()
        try:
            assert wait_done(client, ref)["status"] == "sent"
            # "sent" is final: no sender claims the row again, so one message is all there will ever be.
            assert [m.message["Subject"] for m in down.messages] == ["[Group 604213] Ortiz Landscaping LLC: Broker of record change"]
        finally:
            down.stop()


def test_queued_requests_are_delivered_after_a_restart(smtp_settings: Callable[..., Settings], directory: Directory) -> None:
    down = unused_server()
    settings = smtp_settings(down, max_attempts=1000)
    with TestClient(create_app(settings)) as client:
        refs = [client.post("/api/forward", json=BROKER | {"group_id": f"70000{n}"}).json()["id"] for n in range(3)]
        time.sleep(0.1)
        assert {client.get(f"/api/forward/{r}").json()["status"] for r in refs} <= {"queued", "sending"}
    # A sender that died mid-send leaves a lease behind; the next start must send that one too.
    time.sleep(0.25)  # past the last retry delay, so every row is due
    box = Outbox(outbox_path(settings.data_dir))
    crashed = box.claim("crashed-process", lease_seconds=-60)  # a lease that ran out a minute ago
    box.close()
    assert crashed is not None and crashed.status == "sending"
    down.start()
    try:
        with TestClient(create_app(smtp_settings(down))) as client:
            statuses = [wait_done(client, r)["status"] for r in refs]
        assert statuses == ["sent"] * 3
        subjects = sorted(m.message["Subject"] for m in down.messages)
        assert subjects == [f"[Group 70000{n}] Ortiz Landscaping LLC: Broker of record change" for n in range(3)]
    finally:
        down.stop()


async def test_a_hundred_concurrent_requests_make_a_hundred_messages(
    smtp_settings: Callable[..., Settings], smtp_server: SmtpServer
) -> None:
    app: Starlette = create_app(smtp_settings())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk.test") as client:
            responses = await asyncio.gather(
                *(client.post("/api/forward", json=BROKER | {"group_id": f"{800000 + n}"}) for n in range(100))
            )
            assert [r.status_code for r in responses] == [202] * 100
            await smtp_server.await_for(100)
            await asyncio.sleep(0.2)  # time for a wrong extra send to arrive
    received = smtp_server.messages
    assert len(received) == 100
    assert len({m.message["Message-ID"] for m in received}) == 100
    assert {m.message["Subject"].split("]")[0] for m in received} == {f"[Group {800000 + n}" for n in range(100)}
    assert len({r.json()["id"] for r in responses}) == 100


# --- the .eml default -------------------------------------------------------------


def test_without_smtp_host_requests_become_eml_files(make_settings: Callable[..., Settings], tmp_path: Path) -> None:
    settings = make_settings()
    assert not settings.smtp_host
    with TestClient(create_app(settings)) as client:
        ref = client.post("/api/forward", json=BROKER).json()["id"]
        status = wait_done(client, ref)
        page = client.get(f"/contact/sent/{ref}")
    assert (status["status"], status["state"]) == ("written", "kept_here")
    # The public answer says what it means, never the setting or the file path behind it (those are in `routing outbox`).
    assert "status_message" not in status and "SMTP_HOST" not in str(status) and "outbox-eml" not in str(status)
    assert status["sent_at"] is None  # written to a file, never sent
    eml = settings.data_dir / "outbox-eml" / f"{ref}.eml"
    assert b"Subject: [Group 604213] Ortiz Landscaping LLC: Broker of record change" in eml.read_bytes()
    assert "Not emailed: this help desk has no mail server set up" in page.text


# --- the form -----------------------------------------------------------------------


class _Form(HTMLParser):
    """The form's fields as a browser would submit them, and the messages shown."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self.alert = ""
        self._in: tuple[str, str] | None = None
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name"):
            self.inputs[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._in = ("textarea", a["name"])
            self.inputs[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.inputs.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.inputs[self._select] = a.get("value", "")
        elif a.get("id", "").endswith("-error"):
            self._in = ("error", a["id"][: -len("-error")])
        elif a.get("role") == "alert":
            self._in = ("alert", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = ""
        if tag in ("textarea", "p") and self._in and self._in[0] != "alert":
            self._in = None
        if tag == "div" and self._in and self._in[0] == "alert":
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in is None:
            return
        kind, name = self._in
        if kind == "textarea":
            self.inputs[name] += data
        elif kind == "error":
            self.errors[name] = self.errors.get(name, "") + data
        else:
            self.alert += data


def _form(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    return parser


def _form_data(client: TestClient, values: dict[str, str], url: str = "/contact") -> dict[str, str]:
    fields = _form(client.get(url).text).inputs
    return fields | values


def test_the_form_is_prefilled_from_a_contact_card_or_an_answer(mail_client: TestClient) -> None:
    page = mail_client.get("/contact", params={"contact": "account-management-support", "q": "change our broker"})
    assert page.status_code == 200
    form = _form(page.text)
    assert form.inputs["contact_id"] == "account-management-support"
    assert form.inputs["message"] == "change our broker"
    assert form.inputs["csrf_token"]
    home = mail_client.get("/")
    assert 'href="/contact?contact=account-management-support"' in home.text


def test_a_team_without_email_on_the_link_is_explained(mail_client: TestClient) -> None:
    page = mail_client.get("/contact", params={"contact": "member-services"})
    assert "Member Services Center does not take written requests" in page.text
    assert _form(page.text).inputs["contact_id"] == ""


def test_sending_the_form_shows_the_reference_and_what_happens_next(
    mail_client: TestClient, smtp_server: SmtpServer, directory: Directory
) -> None:
    response = mail_client.post("/contact", data=_form_data(mail_client, BROKER), follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    ref = location.rsplit("/", 1)[1]
    assert location == f"/contact/sent/{ref}"
    smtp_server.wait_for(1)
    wait_done(mail_client, ref)
    page = mail_client.get(location)
    assert page.status_code == 200
    assert f"Your reference number is <strong>{ref}</strong>" in page.text
    assert "Account Management Support Team" in page.text
    amt = team_address(directory, "account-management-support")
    assert f"Sent: your request was emailed to the Account Management Support Team at {amt} on " in page.text
    assert "Account Management Support Team will answer you at ana@ortiz-landscaping.example" in page.text
    assert "Ortiz Landscaping LLC" in page.text
    # Someone else with only the reference sees the status, not the employer's details.
    mail_client.cookies.clear()
    stranger = mail_client.get(location)
    assert stranger.status_code == 200 and ref in stranger.text
    assert "ana@ortiz-landscaping.example" not in stranger.text and "Ortiz Landscaping LLC" not in stranger.text


def test_a_form_with_mistakes_comes_back_with_messages_and_everything_typed(mail_client: TestClient) -> None:
    typed = BROKER | {"group_id": "12", "email": "ana@", "message": "Line one\nLine <two> & three"}
    response = mail_client.post("/contact", data=_form_data(mail_client, typed))
    assert response.status_code == 422
    form = _form(response.text)
    assert set(form.errors) == {"group_id", "email"}
    assert "is not a group ID" in form.errors["group_id"]
    assert "Please correct the 2 fields marked below" in form.alert
    for name in ("group_name", "group_id", "name", "email", "phone", "subject", "message"):
        assert form.inputs[name].replace("\r\n", "\n") == typed[name]
    assert sum(outbox_counts(mail_client).values()) == 0


def test_the_form_refuses_a_post_without_its_csrf_token(mail_client: TestClient) -> None:
    data = _form_data(mail_client, BROKER)
    del data["csrf_token"]
    response = mail_client.post("/contact", data=data)
    assert response.status_code == 403
    form = _form(response.text)
    assert "did not come from this site" in form.alert
    assert form.inputs["message"] == BROKER["message"]  # nothing typed is lost
    forged = mail_client.post("/contact", data=data | {"csrf_token": "forged"})
    assert forged.status_code == 403
    assert sum(outbox_counts(mail_client).values()) == 0


def test_an_emergency_on_the_form_says_to_call(mail_client: TestClient, directory: Directory) -> None:
    response = mail_client.post("/contact", data=_form_data(mail_client, BROKER | {"message": "my employee is not breathing"}))
    assert response.status_code == 422
    assert phone_instructions(directory.contact("emergency").phones[0]) in _form(response.text).alert
