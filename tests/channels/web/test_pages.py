"""The home page, one contact's page, and the error page."""

from __future__ import annotations

import re

import pytest

MONDAY_10AM = "2026-11-23T10:00:00-08:00"
SATURDAY_NOON = "2026-11-28T12:00:00-08:00"


@pytest.fixture
def home(client) -> str:
    response = client.get("/", params={"at": MONDAY_10AM})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def card(page: str, contact_id: str) -> str:
    match = re.search(rf'<article class="card[^"]*" id="{contact_id}".*?</article>', page, re.S)
    assert match, contact_id
    return match.group(0)


def test_home_shows_every_contact(home, directory):
    for contact in directory.contacts:
        assert f'id="{contact.id}"' in home
        assert f">{contact.name}<" in home


def test_a_tel_link_per_phone_with_the_key_spelled_out(home, directory):
    for contact in directory.contacts:
        html = card(home, contact.id)
        for phone in contact.phones:
            assert f'href="{phone.tel_uri}"' in html
            if phone.keys:
                assert f"{phone.display}, press {phone.keys}</a>" in html
    assert 'href="tel:+18007904661,3">Call 1-800-790-4661, press 3</a>' in card(home, "account-management-support")


def test_mailto_links_with_their_purpose(home, directory):
    for contact in directory.contacts:
        html = card(home, contact.id)
        for email in contact.emails:
            assert f'<a href="mailto:{email.address}">{email.address}</a>' in html
            assert email.purpose in html


def test_fax_numbers_with_their_purpose(home, directory):
    for contact in directory.contacts:
        html = card(home, contact.id)
        for fax in contact.faxes:
            assert fax.display in html and fax.purpose in html
            assert f"tel:{fax.number}" not in html  # a fax is not something to call


def test_what_each_contact_handles(home, directory):
    for contact in directory.contacts:
        html = card(home, contact.id)
        for topic in contact.topics:
            assert topic.title.replace("'", "&#39;") in html


def test_links_only_where_there_is_an_address(home):
    html = card(home, "account-kp-org")
    assert '<a href="https://account.kp.org">account.kp.org</a>' in html
    assert "Manage Members" in html and 'href=""' not in html


def test_badges_say_open_or_closed_in_words(client):
    monday = client.get("/", params={"at": MONDAY_10AM}).text
    saturday = client.get("/", params={"at": SATURDAY_NOON}).text
    assert '<span class="badge badge-open">Open</span>' in card(monday, "california-service-center")
    assert '<span class="badge badge-closed">Closed</span>' in card(saturday, "california-service-center")
    assert '<span class="badge badge-unknown">Hours not listed</span>' in card(monday, "member-services")
    assert '<span class="badge badge-open">Always open</span>' in card(saturday, "account-kp-org")
    assert re.search(r'class="status-line">Open[^<]+</span>', card(monday, "california-service-center"))
    assert re.search(r'class="status-line">Closed[^<]+</span>', card(saturday, "california-service-center"))


def test_the_search_box_is_a_labelled_get_form(home):
    form = re.search(r'<form class="search" action="/search" method="get".*?</form>', home, re.S)
    assert form
    assert '<label for="q">' in form.group(0)
    assert 'id="q" name="q"' in form.group(0)


def test_page_layout_is_accessible_and_has_no_inline_code(client, home, directory):
    assert '<a class="skip-link" href="#main">' in home and '<main id="main"' in home
    assert '<html lang="en">' in home and 'name="viewport"' in home
    assert directory.version in home  # the footer names the directory version
    assert "<script" not in home and "style=" not in home and "<style" not in home
    assert client.get("/static/site.css").status_code == 200


def test_one_contact_page(client):
    response = client.get("/contacts/account-management-support", params={"at": MONDAY_10AM})
    assert response.status_code == 200
    assert '<h1 class="card-name" id="account-management-support-name">Account Management Support Team</h1>' in response.text
    assert "press 3" in response.text


def test_unknown_contact_is_a_404_page_with_a_sentence(client):
    response = client.get("/contacts/nope")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "No contact has the id &#39;nope&#39;. See the home page for the list." in response.text
    assert '<a href="/">' in response.text
    assert "Traceback" not in response.text


def test_an_unknown_address_is_a_404_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address" in response.text


@pytest.mark.parametrize(
    "typed",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>'],
)
def test_the_error_page_escapes_what_the_user_typed(client, typed):
    response = client.get(f"/contacts/{typed}")
    assert response.status_code == 404
    assert typed not in response.text
    assert "<script>" not in response.text and "<img" not in response.text and "<svg" not in response.text
    assert "Traceback" not in response.text


def test_the_echoed_id_is_escaped_not_dropped(client):
    response = client.get("/contacts/<b>bold")  # no "/" in it, so it reaches the contact route
    assert "No contact has the id &#39;&lt;b&gt;bold&#39;." in response.text


def test_a_bad_at_on_a_page_is_a_400_page_with_the_format(client):
    response = client.get("/", params={"at": "next tuesday"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "2026-11-23T08:00:00-08:00" in response.text


def test_pages_send_a_content_security_policy(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "style-src 'self'" in headers["content-security-policy"]
