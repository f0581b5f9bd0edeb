"""'Whom should I contact?': GET /api/route, the /search page and `python -m routing ask`."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from routing.cli.main import main
from routing.core.text import MAX_QUERY_CHARS

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
SATURDAY_NOON = "2026-11-28T12:00:00-08:00"


def ask(client, q: str, **params: str):
    return client.get("/api/route", params={"q": q, "at": MONDAY_10AM, **params})


# -- /api/route ------------------------------------------------------------------


def test_api_route_answers_with_contact_reason_confidence_and_how_to_reach(client):
    response = ask(client, "we are changing our broker of record")
    assert response.status_code == 200
    answer = response.json()
    assert answer["query"] == "we are changing our broker of record"
    assert answer["contact"]["id"] == "account-management-support"
    assert answer["contact"]["name"] == "Account Management Support Team"
    assert "Broker of record" in answer["reason"]
    assert answer["confidence"] >= 0.5 and answer["confident"] is True
    assert answer["contact"]["open_now"] is True
    assert answer["contact"]["closes_at"] == "2026-11-23T17:30:00-08:00"
    assert [(p["display"], p["keys"]) for p in answer["contact"]["phones"]] == [("1-800-790-4661", "3")]
    assert answer["contact"]["emails"][0]["advice"] == "Include your group name and group ID."


def test_api_route_says_when_a_closed_team_opens_next(client):
    answer = client.get("/api/route", params={"q": "COBRA question", "at": SATURDAY_NOON}).json()
    assert answer["contact"]["id"] == "client-services-unit"
    assert answer["contact"]["open_now"] is False
    assert answer["contact"]["next_open"] == "2026-11-30T08:30:00-08:00"


def test_api_route_offers_the_self_service_shortcut(client):
    answer = ask(client, "we lost our bill, can we get a copy").json()
    assert answer["contact"]["id"] == "california-service-center"
    assert answer["self_service"]["contact_id"] == "account-kp-org"
    assert answer["self_service"]["url"] == "https://account.kp.org"
    assert answer["alternatives"][0]["id"] == "account-kp-org"


def test_api_route_low_confidence_fallback_is_marked(client):
    answer = ask(client, "what's the weather").json()
    assert answer["contact"]["id"] == "small-business-representative"
    assert answer["fallback"] is True and answer["confidence"] < 0.5


def test_api_route_channel_changes_the_rules_that_apply(client):
    by_email = ask(client, "attached are the account changes for our group", channel="email").json()
    assert by_email["rule"] == "emailed-enrollment-forms"
    assert by_email["channel"] == "email"


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"q": ""}, "q", "Type a question"),
        ({"q": "   "}, "q", "Type a question"),
        ({}, "q", "Type a question"),
        ({"q": "x" * 501}, "q", "keep it under 500"),
        ({"q": "cobra", "at": "next tuesday"}, "at", "ISO-8601"),
        ({"q": "cobra", "channel": "fax"}, "channel", "web, ivr, email"),
    ],
)
def test_api_route_bad_input_gets_a_400_sentence(client, params, field, words):
    response = client.get("/api/route", params=params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert words in error["message"]
    assert field in error["fields"]


@pytest.mark.parametrize(
    "q",
    [
        '"broker of record',
        "(cobra AND (billing OR NOT",
        "bill* ~2 ^3 [a TO z] {x}",
        "AND OR NOT",
        "🦷🧾💸 invoice 🙏",
        "\x00\x1f\u202e\ufeff cobra",
        "".join(chr(c) for c in range(33, 533)),
        "'; DROP TABLE contacts; --",
        "%s %d {0} ${jndi:ldap://x}",
    ],
)
def test_odd_text_always_gets_an_answer(client, q):
    response = ask(client, q[:500])
    assert response.status_code == 200
    assert response.json()["contact"]["id"]


# -- /search ---------------------------------------------------------------------


def test_search_page_shows_answer_reason_status_links_and_alternatives(client):
    response = client.get("/search", params={"q": "we lost our bill, can we get a copy", "at": MONDAY_10AM})
    assert response.status_code == 200
    page = response.text
    assert "Contact California Service Center" in page
    assert "Receive copies of bills" in page  # the reason
    assert ">Open</span>" in page and "closes " in page  # the badge, and beside it when it closes
    assert 'href="tel:+18007904661,1"' in page and "press 1" in page
    assert 'href="mailto:csc-sd-sba@kp.org' in page
    assert "Do it yourself, any time" in page and 'href="https://account.kp.org"' in page
    assert "Also worth knowing" in page
    # The box keeps the question, so the URL can be shared and the question refined.
    assert 'value="we lost our bill, can we get a copy"' in page


def test_search_page_without_a_question_shows_the_box(client):
    page = client.get("/search").text
    assert '<input id="q" name="q"' in page
    assert "Contact " not in page


def test_search_page_escapes_the_question(client):
    q = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = client.get("/search", params={"q": q}).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert html.escape(q, quote=True) in page or "&lt;script&gt;" in page


def test_search_page_too_long_is_a_sentence_not_a_crash(client):
    response = client.get("/search", params={"q": "bill " * 200})
    assert response.status_code == 400
    assert "keep it under 500" in response.text
    assert 'role="alert"' in response.text


def test_search_page_for_an_emergency_leads_with_911(client):
    page = client.get("/search", params={"q": "my employee has chest pain", "at": MONDAY_10AM}).text
    heading = re.search(r'<h2 id="answer-heading">(.*?)</h2>', page, re.S)
    assert heading and heading.group(1).strip() == "Emergency: call 911"  # the line's own name, said once
    assert 'href="tel:911"' in page
    assert 'id="member-services"' not in page
    assert "hang up" not in page  # the phone's wording, and a third 911 sentence, stay off the web answer


def test_search_answer_links_to_the_prefilled_request_form(client):
    page = client.get("/search", params={"q": "COBRA question", "at": MONDAY_10AM}).text
    assert "/contact?contact=client-services-unit&amp;q=COBRA%20question" in page


# A percentage as people read it ("Confidence: 95%"), not a URL escape ("604213%20order").
PERCENT = re.compile(r"\d\s?%(?![0-9A-Fa-f]{2})")


def example_links(page: str) -> list[str]:
    """The questions the page offers to try, as the q of each example link."""
    block = re.search(r'<ul class="examples">(.*?)</ul>', page, re.S)
    assert block, "the page offers no example questions"
    return [parse_qs(urlsplit(html.unescape(href)).query)["q"][0] for href in re.findall(r'href="([^"]+)"', block.group(1))]


@pytest.mark.parametrize("q", ["we lost our bill, can we get a copy", "COBRA question", "what's the weather"])
def test_no_answer_shows_a_confidence_percentage(client, q):
    page = client.get("/search", params={"q": q, "at": MONDAY_10AM}).text
    assert "Confidence" not in page and not PERCENT.search(page), q


def test_the_general_line_fallback_says_so_in_a_sentence(client):
    page = client.get("/search", params={"q": "what's the weather", "at": MONDAY_10AM}).text
    text = re.sub(r"<[^>]+>", " ", page)
    assert "general line" in text and "Try other words" in text
    assert text.count("Nothing in the question") <= 1  # the reason says it once; the hint only says what to try
    confident = client.get("/search", params={"q": "COBRA question", "at": MONDAY_10AM}).text
    assert "general line" not in confident and "closest match" not in confident


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}])
def test_an_empty_search_explains_what_to_type_and_offers_examples(client, params):
    page = client.get("/search", params=params).text
    assert "What do you need help with?" in page
    assert "Type a few words in the box above" in page
    assert len(example_links(page)) >= 3


def test_the_examples_are_directory_topics_that_find_their_team(client, directory):
    titles = {t.title.lower(): c.id for c in directory.contacts for t in c.topics}
    examples = example_links(client.get("/search").text)
    for example in examples:
        assert example.lower() in titles, f"{example!r} is not a topic of the directory"
        answer = ask(client, example).json()
        assert answer["contact"]["id"] == titles[example.lower()] and answer["confident"] and not answer["fallback"], example
    # One per contact, so the examples show the range of what the directory covers.
    assert len({titles[e.lower()] for e in examples}) == len(examples)


def test_both_search_boxes_stop_at_the_server_limit(client):
    for page in (client.get("/").text, client.get("/search").text, client.get("/search", params={"q": "COBRA"}).text):
        box = re.search(r'<input id="q"[^>]*>', page)
        assert box and f'maxlength="{MAX_QUERY_CHARS}"' in box.group(0)
    refused = client.get("/search", params={"q": "b" * (MAX_QUERY_CHARS + 1)})
    assert refused.status_code == 400 and f"keep it under {MAX_QUERY_CHARS}" in refused.text
    assert client.get("/search", params={"q": "b" * MAX_QUERY_CHARS}).status_code == 200


@pytest.mark.parametrize(("q", "group_id"), [("604213", "604213"), (" Group ID: 604213 ", "604213"), ("#772301-0001", "772301-0001")])
def test_a_bare_group_id_is_recognised_and_the_page_asks_what_the_group_needs(client, q, group_id):
    page = client.get("/search", params={"q": q, "at": MONDAY_10AM}).text
    assert f"“{group_id}” looks like a group ID" in page
    assert "What does your group need?" in page
    assert "Contact " not in page and "Not sure" not in page  # no team is guessed from a number
    assert f'value="{html.escape(q)}"' in page  # kept in the box, to add the question to
    examples = example_links(page)
    assert examples and all(e.startswith(f"{group_id} ") for e in examples)
    # Following an example answers it, with the ID still in the question.
    followed = client.get("/search", params={"q": examples[0], "at": MONDAY_10AM}).text
    assert "Contact " in followed and "looks like a group ID" not in followed


@pytest.mark.parametrize("q", ["604213 order ID cards", "12", "group 604213 broker of record change"])
def test_a_group_id_with_a_question_or_a_short_number_is_answered_as_usual(client, q):
    page = client.get("/search", params={"q": q, "at": MONDAY_10AM}).text
    assert "looks like a group ID" not in page
    assert 'id="answer-heading"' in page


# -- python -m routing ask ----------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch, tmp_path):
    monkeypatch.delenv("DIRECTORY_PATH", raising=False)
    monkeypatch.delenv("ROUTING_NOW", raising=False)
    monkeypatch.setenv("SEARCH_INDEX_DIR", str(tmp_path / "index"))


def test_cli_ask_prints_the_contact_the_reason_and_how_to_call(capsys, cli_env):
    assert main(["ask", "we are changing our broker of record", "--at", MONDAY_10AM]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Account Management Support Team  (account-management-support")
    assert "call 1-800-790-4661, press 3" in out
    assert "Open now · closes 5:30 PM PT" in out
    assert "email amt@kp.org" in out


def test_cli_ask_json_is_the_api_answer(capsys, cli_env, client):
    assert main(["ask", "order replacement ID cards", "--at", MONDAY_10AM, "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == ask(client, "order replacement ID cards").json()


@pytest.mark.parametrize(("args", "words"), [(["ask", "  "], "type a question"), (["ask", "cobra", "--at", "soon"], "--at")])
def test_cli_ask_misuse_exits_2_with_a_sentence(capsys, cli_env, args, words):
    assert main(args) == 2
    assert words in capsys.readouterr().err


def test_a_repeated_question_is_answered_alike_until_the_directory_changes(make_settings, tmp_path):
    from starlette.testclient import TestClient

    from routing.app import create_app
    from routing.settings import ROOT

    path = tmp_path / "directory.yaml"
    path.write_text((ROOT / "directory.yaml").read_text())
    app = create_app(make_settings(directory_path=path))
    with TestClient(app) as client:
        first = ask(client, "where do we park for the visit")
        assert first.json()["fallback"] is True
        assert ask(client, "where do we park for the visit").content == first.content
        path.write_text(
            path.read_text().replace(
                "\nrules:\n",
                '\nrules:\n  - id: parking\n    description: "Parking questions go to Member Services."\n'
                '    when: {phrases: ["park"]}\n    route: member-services\n',
                1,
            )
        )
        assert app.state.services.directory.reload()
        again = ask(client, "where do we park for the visit").json()
        assert again["contact"]["id"] == "member-services" and again["rule"] == "parking"


def test_an_off_topic_question_is_told_plainly_on_the_page_and_in_the_api(client: TestClient) -> None:
    answer = client.get("/api/route", params={"q": "how do I pay my car insurance bill"}).json()
    assert answer["off_topic"] is True and answer["confident"] is False
    assert "does not handle" in answer["reason"] and answer["contact"]["id"] == "small-business-representative"
    page = client.get("/search", params={"q": "how do I pay my car insurance bill"})
    assert "This help desk cannot help with that" in page.text
    assert "Low confidence" not in page.text


def test_a_real_word_is_never_repaired_into_a_directory_word(client: TestClient) -> None:
    answer = client.get("/api/route", params={"q": "What is Apple's stock price right now?"}).json()
    assert answer["corrections"] == []
    assert answer["off_topic"] is True
