"""Staff triage forwards only to a mailbox listed for the request; otherwise staff see the phone line, its keys and why."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest
from channels.staff.test_console import PASSWORD, WEDNESDAY, act, post_email, sign_in
from smtp_fixture import SmtpServer
from starlette.testclient import TestClient

from routing.app import create_app
from routing.core.model import Directory
from routing.core.wording import phone_instructions
from routing.settings import Settings


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROUTING_NOW", WEDNESDAY)


@pytest.fixture
def staff(make_settings: Callable[..., Settings], smtp_server: SmtpServer) -> Iterator[TestClient]:
    settings = make_settings(smtp_host=smtp_server.host, smtp_port=smtp_server.port, smtp_timeout=2.0, staff_password=PASSWORD)
    with TestClient(create_app(settings)) as client:
        sign_in(client)
        yield client


def mail(subject: str, body: str) -> bytes:
    return (
        f"From: Ana Ortiz <ana@example.com>\nTo: inbox@example.com\nSubject: {subject}\nMessage-ID: <{abs(hash(body))}@example.com>\n"
        f"Content-Type: text/plain; charset=utf-8\n\n{body}\n\nGroup name: Ortiz Landscaping LLC\nGroup ID: 604213\n\nAna Ortiz\n"
    ).encode()


def console_text(client: TestClient, record_id: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", client.get(f"/staff/messages/{record_id}").text))


def test_a_billing_email_is_not_forwarded_and_staff_see_the_service_centers_line(
    staff: TestClient, smtp_server: SmtpServer, directory: Directory
) -> None:
    record = post_email(staff, mail("Our bill is wrong", "We were charged twice for the same employee on this month's bill. Can you fix it?")).json()
    csc = directory.contact("california-service-center")
    line = next(p for p in csc.phones if p.keys)
    assert record["action"] == "review"
    assert record["forward_to"] is None  # no listed mailbox fits, and csc-sd-sba@kp.org is only for forms
    assert f"California Service Center handles “Reconcile your bill” by phone: {phone_instructions(line)}." in record["reason"]
    assert f"{csc.emails[0].address} is listed only for enrollment applications, member terminations and account changes" in record["reason"]
    page = console_text(staff, record["id"])
    assert record["reason"] in page and "Needs a person" in page
    refused = act(staff, record["id"], "forward")
    assert refused.status_code == 409
    assert smtp_server.messages == []


def test_feedback_gets_member_services_line_and_no_self_contradicting_forward(staff: TestClient, directory: Directory) -> None:
    record = post_email(staff, mail("Feedback", "I want to share feedback: the nurse was so helpful to our employee, please let someone know.")).json()
    phone = directory.contact("member-services").phones[0]
    assert record["action"] == "review"
    assert record["contact"]["id"] == "member-services"
    assert f"Member Services Center handles “{directory.topic('plan-feedback')[1].title}” by phone: {phone_instructions(phone)}." in record["reason"]
    assert "Member Services Center takes no email." in record["reason"]
    assert not record["reason"].startswith("Forward to")
    assert record["forward_to"] is None or record["forward_to"]["address"] in record["reason"]  # only a nearest fit named as one


def test_a_request_a_mailbox_is_listed_for_is_forwarded_with_a_reason_that_agrees(staff: TestClient, smtp_server: SmtpServer) -> None:
    record = post_email(staff, mail("Broker of record change", "We are changing our broker of record to Pacific Benefits as of January 1.")).json()
    assert record["action"] == "forward"
    assert record["forward_to"]["address"] == "amt@kp.org"
    assert record["reason"].startswith("Forward to Account Management Support Team: “Broker of record changes” goes to Account Management Support Team at amt@kp.org")
    assert "handled by" not in record["reason"]
    act(staff, record["id"], "forward")
    [received] = smtp_server.wait_for(1)
    assert received.rcpt_tos == ("amt@kp.org",)
