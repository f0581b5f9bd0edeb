"""What an answer says, on /search and in /api/route: plain reasons, whole answers, and cards that do not repeat themselves."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from routing.core.model import Directory

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
MONDAY_7PM = "2026-11-23T19:00:00-08:00"
SATURDAY = "2026-11-28T10:00:00-08:00"


def api(client: TestClient, q: str, at: str = MONDAY_10AM) -> dict:
    response = client.get("/api/route", params={"q": q, "at": at})
    assert response.status_code == 200
    return response.json()


def page(client: TestClient, q: str, at: str = MONDAY_10AM) -> str:
    response = client.get("/search", params={"q": q, "at": at})
    assert response.status_code == 200
    return response.text


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, css_class: str) -> str:
    found = re.search(rf'<section class="{css_class}[^"]*".*?</section>', html, re.S)
    return found.group(0) if found else ""


# -- 7. reasons for people, details for programs ----------------------------------------------------


def test_a_reason_reads_like_a_person_and_the_details_are_under_explanation(client: TestClient) -> None:
    answer = api(client, "who do i call to change our broker")
    assert answer["reason"] == "Broker of record changes are handled by the Account Management Support Team."
    explanation = answer["explanation"]
    assert explanation["rule"] == "asks-for-a-person" and explanation["decided_by"] == "search"
    assert {"who do i", "call"} <= set(explanation["rule_matched"])
    assert explanation["confidence"] == answer["confidence"] and explanation["topic"] == "broker-of-record"


@pytest.mark.parametrize(
    "q",
    ["order id cards", "who do i call to change our broker", "we need a payment plan", "reconciliation of our invoices", "what's the weather",
     "how do I pay my car insurance bill", "chest pain", "where do I fax enrollment forms", "eligibility", "renewal"],
)
def test_no_rule_ids_tokens_or_quoted_matches_reach_people(client: TestClient, q: str) -> None:
    answer = api(client, q)
    shown = text(section(page(client, q), "answer"))
    rule_ids = {"asks-for-a-person", "payment-arrangement", "medical-emergency", "does-it-online"}
    for words in (answer["reason"], shown):
        assert "rule “" not in words and "matched “" not in words and "“" not in answer["reason"]
        assert not any(rule in words for rule in rule_ids)
        assert "idcard" not in words and "reconcil " not in words


def test_a_rule_decision_keeps_its_rule_for_programs(client: TestClient) -> None:
    answer = api(client, "we need a payment plan")
    assert answer["rule"] == answer["explanation"]["rule"] == "payment-arrangement"
    assert answer["explanation"]["decided_by"] == "rule" and answer["explanation"]["rule_matched"] == ["payment arrangement"]


# -- 2. renewal: the team and the website at any hour -----------------------------------------------


@pytest.mark.parametrize("q", ["renewal", "plan change", "we want to change plans at renewal"])
def test_renewal_is_the_team_and_the_website_and_the_hours_only_order_them(client: TestClient, q: str) -> None:
    by_hour = {at: api(client, q, at) for at in (MONDAY_10AM, MONDAY_7PM, SATURDAY)}
    assert {a["contact"]["id"] for a in by_hour.values()} == {"account-management-support"}
    assert {a["self_service"]["contact_id"] for a in by_hour.values()} == {"account-kp-org"}
    assert {a["reason"] for a in by_hour.values()} == {by_hour[MONDAY_10AM]["reason"]}
    assert [a["offer_first"] for a in by_hour.values()] == ["contact", "self_service", "self_service"]
    for at, answer in by_hour.items():
        html = section(page(client, q, at), "answer")
        card, online = html.index('id="account-management-support"'), html.index("Do it yourself, any time")
        assert (online < card) is (answer["offer_first"] == "self_service"), at
    assert "closed now" in text(section(page(client, q, SATURDAY), "answer"))


# -- 3. how to send it ----------------------------------------------------------------------------


def test_faxing_enrollment_forms_says_they_go_by_email_and_what_the_fax_is_for(client: TestClient, directory: Directory) -> None:
    center = directory.contact("california-service-center")
    email, fax = center.emails[0], center.faxes[0]
    send = api(client, "where do I fax enrollment forms")["send"]
    assert send["asked"] == "fax" and send["lead"] == "Send this by email, not by fax."
    assert [(w["kind"], w["address"], w["fits"]) for w in send["ways"]] == [("email", email.address, True), ("fax", fax.display, False)]
    shown = text(section(page(client, "where do I fax enrollment forms"), "answer"))
    how = shown[shown.index("How to send it"):]
    assert how.index(email.address) < how.index(fax.display)
    assert f"Fax {fax.display} for {fax.purpose.lower()}." in how


# -- 4. two teams for one subject ---------------------------------------------------------------------


def test_eligibility_shows_both_teams_as_equals_with_what_each_handles(client: TestClient) -> None:
    answer = api(client, "eligibility")
    ids = [h["contact_id"] for h in answer["handled_by"]]
    assert set(ids) == {"california-service-center", "client-services-unit"}
    assert all("eligibility" in h["handles"].lower() for h in answer["handled_by"])
    assert [c["id"] for c in answer["shared_with"]] == ids[1:]
    assert not set(ids) & {c["id"] for c in answer["alternatives"]}
    html = page(client, "eligibility")
    answer_part = section(html, "answer")
    assert all(f'id="{i}"' in answer_part for i in ids)
    assert "Also worth knowing" not in html or not any(f'id="{i}"' in section(html, "alternatives") for i in ids)
    for h in answer["handled_by"]:
        assert h["handles"] in text(answer_part)


def test_a_single_team_answer_names_one_handler(client: TestClient) -> None:
    answer = api(client, "we are changing our broker of record")
    assert [h["contact_id"] for h in answer["handled_by"]] == ["account-management-support"]
    assert answer["shared_with"] == [] and answer["shared_subject"] is None


# -- 9. a website answer leads with the task that matched -------------------------------------------------


def test_a_website_answer_leads_with_the_matching_task_and_folds_the_rest(client: TestClient, directory: Directory) -> None:
    site = directory.contact("account-kp-org")
    task = next(t for t in site.topics if t.id == "order-id-cards")
    html = section(page(client, "order id cards"), "answer")
    shown = text(html)
    assert "Contact account.kp.org (employer self-service)" not in shown
    lead = shown.index("For your question")
    assert shown.index(task.title, lead) < shown.index("Everything it handles")
    assert f"(under {task.where})" in shown[lead:shown.index("Everything it handles")]
    folded = re.search(r"<details[^>]*>.*?</details>", html, re.S)
    assert folded is not None
    assert all(t.title.replace("'", "&#39;") in folded.group(0) for t in site.topics)
    assert sum(t.title.replace("'", "&#39;") in html.replace(folded.group(0), "") for t in site.topics) == 1


# -- 8. cards that do not repeat themselves -----------------------------------------------------------------


def test_a_card_says_each_thing_once(client: TestClient) -> None:
    services = text(client.get("/contacts/member-services").text)
    assert services.count("Hours not listed") == 1
    site = text(client.get("/contacts/account-kp-org").text)
    assert site.count("Always open") + site.count("Open 24/7") == 1
    assert "(on account.kp.org)" not in site and "under account.kp.org" not in site


def test_the_self_service_note_never_names_the_site_twice(client: TestClient) -> None:
    note = api(client, "renewal")["self_service"]["note"]
    assert note.count("account.kp.org") == 1


def test_cards_leave_source_notes_to_the_api(client: TestClient, directory: Directory) -> None:
    line = directory.contact("online-self-service-help")
    assert line.hours.note  # the directory keeps it, for staff and programs
    assert line.hours.note not in client.get("/contacts/online-self-service-help").text
    assert line.hours.note not in client.get("/").text
    assert client.get("/api/contacts/online-self-service-help").json()["hours"]["note"] == line.hours.note


# -- 13. the broker, where the source names it ---------------------------------------------------------------


def test_the_broker_is_offered_where_the_source_names_it(client: TestClient, directory: Directory) -> None:
    site = directory.contact("account-kp-org")
    way = site.other_ways[0]
    beside = directory.contact(way.or_contact)
    card = client.get("/api/contacts/account-kp-org").json()["other_ways"][0]
    assert card["name"] == way.name and way.how.lower() in card["sentence"].lower()
    assert beside.emails[0].address in card["sentence"]
    shown = text(section(page(client, "order id cards"), "answer"))
    assert "contact your broker" in shown and beside.emails[0].address in shown


def test_the_technical_detail_goes_to_the_log(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="routing.ask"):
        api(client, "we need a payment plan")
    logged = [r.getMessage() for r in caplog.records if r.name == "routing.ask"]
    assert any("payment-arrangement" in line and "california-service-center" in line for line in logged)


def test_an_answer_the_examples_gave_says_so_and_names_the_example_for_programs(client: TestClient) -> None:
    answer = api(client, "I'm sick of mailing you a paper check every single month.")
    explanation = answer["explanation"]
    assert explanation["decided_by"] == "examples" and explanation["example"]
    # The example quoted to the employer is the one named (a long one is cut short, with an ellipsis).
    quoted = answer["reason"].split("“", 1)[1].rsplit("”", 1)[0]
    assert len(quoted) > 20 and explanation["example"].startswith(quoted.removesuffix("…"))
    assert api(client, "we need a payment plan")["explanation"]["example"] is None
