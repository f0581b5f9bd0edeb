"""Every confirmation says what is true at that moment: kept here, queued, sent or failed; the page and the API agree.

And a request no listed mailbox covers is not sent at all: the employer gets
the team's phone line, with its keys, and the nearest mailbox that fits.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from channels.web.test_contact_form import BROKER, _form, _form_data, outbox_counts, wait_done
from smtp_fixture import SmtpServer, unused_server
from starlette.testclient import TestClient

from routing.app import create_app
from routing.core.model import Directory
from routing.core.wording import phone_instructions
from routing.settings import Settings

PRIVATE = (BROKER["message"], BROKER["email"], BROKER["group_name"], BROKER["phone"], BROKER["name"])


@pytest.fixture
def smtp_settings(make_settings: Callable[..., Settings], smtp_server: SmtpServer) -> Callable[..., Settings]:
    def build(server: SmtpServer = smtp_server, **more: object) -> Settings:
        values: dict[str, object] = {
            "smtp_host": server.host, "smtp_port": server.port, "smtp_timeout": 2.0, "mail_from": "help-desk@desk.example",
            "retry_base_seconds": 0.05, "retry_max_seconds": 0.2, "forward_rate_limit": 1000,
        }
        return make_settings(**(values | more))

    return build


@pytest.fixture
def mail_client(smtp_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    with TestClient(create_app(smtp_settings())) as client:
        yield client


def page_text(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"  # Back shows the state now, not a stale copy
    return html.unescape(re.sub(r"\s+", " ", response.text))


def submit(client: TestClient, values: dict[str, str] = BROKER) -> str:
    """The form as a browser sends it; returns the confirmation's path after the 303."""
    response = client.post("/contact", data=_form_data(client, values), follow_redirects=False)
    assert response.status_code == 303, response.text
    location: str = response.headers["location"]
    assert re.fullmatch(r"/contact/sent/FW-[0-9A-Z]{8}", location)
    return location


def agree(client: TestClient, ref: str) -> dict[str, Any]:
    """The API's state, checked word for word against the confirmation and the status page."""
    body: dict[str, Any] = client.get(f"/api/forward/{ref}").json()
    for path in (f"/contact/sent/{ref}", body["status_url"]):
        assert body["summary"] in page_text(client, path), (path, body["summary"])
    # The status page is as public as the API, so its steps are the same, word for word.
    status_page = page_text(client, body["status_url"])
    assert all(step in status_page for step in body["next_steps"]), body["next_steps"]
    return body


def call(directory: Directory, contact_id: str) -> str:
    contact = directory.contact(contact_id)
    return phone_instructions(next(p for p in contact.phones if p.keys))


# --- the four states ---------------------------------------------------------------------


def test_with_no_mail_server_every_answer_says_kept_here_from_the_first_moment(make_settings: Callable[..., Settings]) -> None:
    with TestClient(create_app(make_settings())) as client:
        accepted = client.post("/api/forward", json=BROKER).json()
        # The row is still queued for the file writer, but it will never be emailed: the answer says so now.
        assert (accepted["status"], accepted["state"]) == ("queued", "kept_here")
        assert accepted["summary"].startswith("Not emailed: this help desk has no mail server set up")
        location = submit(client, BROKER | {"group_id": "604214"})
        first = page_text(client, location)
        assert "Request kept here, not emailed" in first
        assert "The Account Management Support Team has not received it yet." in first
        for untrue in ("on its way", "Request sent", "We keep trying"):
            assert untrue not in first
        ref = location.rsplit("/", 1)[1]
        done = wait_done(client, ref)
        assert (done["status"], done["state"]) == ("written", "kept_here")
        again = agree(client, ref)  # a reload after the file is written says the same
        assert again["summary"] in first
        assert accepted["summary"] == again["summary"]  # the same words before and after the file exists


def test_queued_while_the_mail_server_is_down_and_tried_again(smtp_settings: Callable[..., Settings], directory: Directory) -> None:
    down = unused_server()
    # A long wait before the second try, so the state stands still while the pages are read.
    with TestClient(create_app(smtp_settings(down, max_attempts=1000, retry_base_seconds=60, retry_max_seconds=60))) as client:
        accepted = client.post("/api/forward", json=BROKER).json()
        assert accepted["state"] == "queued"
        assert "waiting to be emailed to the Account Management Support Team at amt@kp.org. It has not been delivered yet." in accepted["summary"]
        deadline = time.monotonic() + 10
        while (body := client.get(f"/api/forward/{accepted['id']}").json())["status"] != "queued" or not body["attempts"]:
            assert time.monotonic() < deadline, body
            time.sleep(0.02)
        body = agree(client, accepted["id"])
        assert body["state"] == "queued"
        assert body["summary"].startswith("Queued to try again: the last attempt to email the Account Management Support Team")
        assert f"If it is urgent, {call(directory, 'account-management-support')} and mention reference {accepted['id']}." in body["next_steps"]
        assert "Request received" in page_text(client, body["status_url"])


def test_sent_through_a_real_mail_server(mail_client: TestClient, smtp_server: SmtpServer) -> None:
    ref = submit(mail_client).rsplit("/", 1)[1]
    smtp_server.wait_for(1)
    assert wait_done(mail_client, ref)["status"] == "sent"
    body = agree(mail_client, ref)
    assert body["state"] == "sent"
    assert re.fullmatch(r"Sent: your request was emailed to the Account Management Support Team at amt@kp\.org on \w+day, .+ P[SD]T\.", body["summary"])
    assert "Request sent" in page_text(mail_client, f"/contact/sent/{ref}")


def test_failed_after_a_550_gives_the_teams_phone_line(mail_client: TestClient, smtp_server: SmtpServer, directory: Directory) -> None:
    smtp_server.fail_next("550 5.1.1 <amt> Mailbox unavailable")
    ref = submit(mail_client).rsplit("/", 1)[1]
    assert wait_done(mail_client, ref)["status"] == "failed"
    body = agree(mail_client, ref)
    assert body["state"] == "failed"
    assert body["summary"].startswith("Not delivered: the mail server refused the message: 550 5.1.1 <amt> Mailbox unavailable.")
    assert "The Account Management Support Team has not received your request." in body["summary"]
    assert f"Please {call(directory, 'account-management-support')} instead and mention reference {ref}." in body["next_steps"]
    assert "Request not delivered" in page_text(mail_client, f"/requests/{ref}")


# --- the lasting status link ------------------------------------------------------------------


def test_the_status_link_works_without_the_cookie_and_shows_nothing_private(mail_client: TestClient, smtp_server: SmtpServer) -> None:
    location = submit(mail_client)
    ref = location.rsplit("/", 1)[1]
    smtp_server.wait_for(1)
    wait_done(mail_client, ref)
    mine = page_text(mail_client, location)
    assert BROKER["email"] in mine and f"/requests/{ref}" in mine  # the sender's own browser sees its details and the link
    assert BROKER["email"] not in page_text(mail_client, f"/requests/{ref}")  # the status page never shows them
    mail_client.cookies.clear()  # a new browser session
    for path in (f"/requests/{ref}", location, f"/requests/{ref.lower()}"):
        text = page_text(mail_client, path)
        assert ref in text and "Account Management Support Team" in text and "Request sent" in text
        for private in PRIVATE:
            assert private not in text, (path, private)
    public = mail_client.get(f"/api/forward/{ref}").json()
    assert not any(private in str(public) for private in PRIVATE)


def test_an_unknown_reference_on_the_status_page_says_what_to_do(mail_client: TestClient) -> None:
    response = mail_client.get("/requests/FW-NOPE1234")
    assert response.status_code == 404
    assert "Check the reference number on your confirmation." in html.unescape(response.text)


# --- no listed mailbox covers it: the phone line, never a silent forward -------------------------


def test_a_billing_question_on_the_form_gets_the_phone_line_and_is_not_sent(mail_client: TestClient, directory: Directory) -> None:
    question = BROKER | {"subject": "", "message": "Our bill is wrong, we were charged twice for the same employee."}
    response = mail_client.post("/contact", data=_form_data(mail_client, question))
    assert response.status_code == 422
    text = html.unescape(response.text)
    csc = directory.contact("california-service-center")
    line = next(p for p in csc.phones if p.keys)
    assert "We have not sent your request." in text
    assert f"California Service Center handles “Reconcile your bill” by phone: {phone_instructions(line)}." in text
    assert f"{csc.emails[0].address} is listed only for" in text
    assert f'href="{line.tel_uri}"' in response.text  # one tap to call, with the key after a pause
    assert "No listed mailbox covers it, so there is no address to offer." in text
    assert sum(outbox_counts(mail_client).values()) == 0
    assert _form(response.text).inputs["message"] == question["message"]  # nothing typed is lost


def test_the_nearest_fit_is_offered_by_name_and_sent_only_when_chosen(mail_client: TestClient, smtp_server: SmtpServer) -> None:
    question = BROKER | {"subject": "", "message": "Please send me a copy of our bill."}
    refused = mail_client.post("/contact", data=_form_data(mail_client, question))
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "The nearest fit is amt@kp.org" in text and "It is not California Service Center's own mailbox." in text
    form = _form(refused.text)
    assert form.inputs["contact_id"] == "account-management-support"  # chosen below, so one press sends it there
    assert sum(outbox_counts(mail_client).values()) == 0
    sent = mail_client.post("/contact", data=form.inputs, follow_redirects=False)
    assert sent.status_code == 303
    [received] = smtp_server.wait_for(1)
    assert received.rcpt_tos == ("amt@kp.org",)


def test_the_api_answers_a_feedback_request_with_member_services_line(mail_client: TestClient, directory: Directory) -> None:
    feedback = BROKER | {"subject": "", "message": "I want to share feedback: the nurse at our clinic was so helpful, please let someone know."}
    response = mail_client.post("/api/forward", json=feedback)
    assert response.status_code == 422
    error = response.json()["error"]
    phone = directory.contact("member-services").phones[0]
    assert f"Member Services Center handles “{directory.topic('plan-feedback')[1].title}” by phone: {phone_instructions(phone)}." in error["message"]
    assert "Member Services Center takes no email." in error["message"]
    assert "amt@kp.org" not in error["message"]
    assert error["fields"]["contact_id"] == "No team's mailbox covers this request, so please call instead."
    assert sum(outbox_counts(mail_client).values()) == 0
