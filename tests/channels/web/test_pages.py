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
    """One contact on a page: the home page's compact entry or the full card on its own page."""
    match = re.search(rf'<article class="(?:card|entry)[^"]*" id="{contact_id}".*?</article>', page, re.S)
    assert match, contact_id
    return match.group(0)


@pytest.fixture
def contact_pages(client, directory) -> dict[str, str]:
    """Every contact's own page, where the details the home page leaves out are."""
    pages = {}
    for contact in directory.contacts:
        response = client.get(f"/contacts/{contact.id}", params={"at": MONDAY_10AM})
        assert response.status_code == 200
        pages[contact.id] = card(response.text, contact.id)
    return pages


def test_home_shows_every_contact(home, directory):
    for contact in directory.contacts:
        assert f'id="{contact.id}"' in home
        assert f">{contact.name}<" in home


def test_a_tel_link_per_phone_with_the_key_spelled_out(home, contact_pages, directory):
    for contact in directory.contacts:
        for html in (card(home, contact.id), contact_pages[contact.id]):
            for phone in contact.phones:
                assert f'href="{phone.tel_uri}"' in html
                if phone.keys:
                    assert f"{phone.display}, press {phone.keys}</a>" in html
    assert 'href="tel:+18007904661,3">Call 1-800-790-4661, press 3</a>' in card(home, "account-management-support")


def test_home_entries_are_compact_with_the_details_one_tap_away(home, directory):
    for contact in directory.contacts:
        html = card(home, contact.id)
        assert f'href="/contacts/{contact.id}"' in html  # the name and "Hours and every way to reach them"
        assert "Hours and every way to reach them" in html
        assert contact.summary.replace("'", "&#39;") in html
        # What the contact page has and the home page leaves out: the list of topics, faxes, hours.
        assert 'class="topics"' not in html and 'class="faxes"' not in html
        for fax in contact.faxes:
            assert fax.display not in html


def test_mailto_links_with_their_purpose(home, contact_pages, directory):
    for contact in directory.contacts:
        for email in contact.emails:
            # On the home page a button; either way the mailbox's purpose is beside it, so nobody writes
            # to an address for something it is not listed for.
            assert f'<a class="button" href="mailto:{email.address}">Email {email.address}</a>' in card(home, contact.id)
            assert f'<a href="mailto:{email.address}">{email.address}</a>' in contact_pages[contact.id]
            for html in (card(home, contact.id), contact_pages[contact.id]):
                assert email.purpose in html


def test_fax_numbers_with_their_purpose(contact_pages, directory):
    for contact in directory.contacts:
        html = contact_pages[contact.id]
        for fax in contact.faxes:
            assert fax.display in html and fax.purpose in html
            assert f"tel:{fax.number}" not in html  # a fax is not something to call


def test_what_each_contact_handles(contact_pages, directory):
    for contact in directory.contacts:
        html = contact_pages[contact.id]
        for topic in contact.topics:
            assert topic.title.replace("'", "&#39;") in html


def test_links_only_where_there_is_an_address(home, contact_pages):
    html = contact_pages["account-kp-org"]
    assert '<a href="https://account.kp.org">account.kp.org</a>' in html
    assert "Manage Members" in html and 'href=""' not in html
    assert '<a class="button" href="https://account.kp.org">Open account.kp.org</a>' in card(home, "account-kp-org")
    assert 'href=""' not in home


def test_badges_say_open_or_closed_in_words(client):
    monday = client.get("/", params={"at": MONDAY_10AM}).text
    saturday = client.get("/", params={"at": SATURDAY_NOON}).text
    assert '<span class="badge badge-open">Open</span>' in card(monday, "california-service-center")
    assert '<span class="badge badge-closed">Closed</span>' in card(saturday, "california-service-center")
    assert '<span class="badge badge-unknown">Hours not listed</span>' in card(monday, "member-services")
    assert '<span class="badge badge-open">Always open</span>' in card(saturday, "account-kp-org")
    # Beside the badge the line says only what the badge does not: when it closes or opens, never "Closed Closed".
    assert re.search(r'class="status-line">closes [^<]+</span>', card(monday, "california-service-center"))
    assert re.search(r'class="status-line">opens [^<]+</span>', card(saturday, "california-service-center"))
    for page in (monday, saturday):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
        assert "Closed Closed" not in text and "Open Open now" not in text


def test_each_home_entry_says_its_hours_state_once(client, directory):
    # "Hours not listed" next to "Hours not listed" (or "Always open" next to "Open 24/7") says one thing twice.
    home = client.get("/", params={"at": MONDAY_10AM}).text
    for contact in directory.contacts:
        text = re.sub(r"<[^>]+>", " ", card(home, contact.id))
        assert text.count("Hours not listed") <= 1, contact.id
        assert not ("Always open" in text and "Open 24/7" in text), contact.id


def test_the_search_box_is_a_labelled_get_form(home):
    form = re.search(r'<form class="search" action="/search" method="get".*?</form>', home, re.S)
    assert form
    assert '<label for="q">' in form.group(0)
    assert 'id="q" name="q"' in form.group(0)


def test_page_layout_is_accessible_and_has_no_inline_code(client, home, directory):
    assert '<a class="skip-link" href="#main">' in home and '<main id="main"' in home
    assert '<html lang="en">' in home and 'name="viewport"' in home
    # The directory version is for operators: in a meta tag, never in what people read.
    assert f'<meta name="directory-version" content="{directory.version}">' in home
    visible = re.sub(r"<head>.*?</head>", "", home, flags=re.S)
    assert directory.version not in visible and " UTC" not in visible
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


def nav(page: str) -> str:
    found = re.search(r'<nav aria-label="Main">.*?</nav>', page, re.S)
    assert found
    return found.group(0)


def footer(page: str) -> str:
    found = re.search(r'<footer class="site-footer">.*?</footer>', page, re.S)
    assert found
    return found.group(0)


def test_staff_is_linked_from_the_footer_not_the_public_navigation(client):
    for path in ("/", "/ivr", "/contact", "/docs", "/no-such-page"):
        page = client.get(path).text
        assert 'href="/staff"' not in nav(page), path
        assert '<a href="/staff">Staff console</a>' in footer(page), path
    assert 'href="/ivr"' in nav(client.get("/").text)


def test_every_page_names_the_product_and_has_an_icon(client):
    for path in ("/", "/search", "/no-such-page"):
        page = client.get(path).text
        assert re.search(r"<title>[^<]+ · Employer Help Desk Directory</title>", page), path
        assert '<a class="brand" href="/"><span class="brand-mark" aria-hidden="true"></span>Employer Help Desk Directory</a>' in page
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


@pytest.mark.parametrize("path", ["/favicon.ico", "/static/favicon.svg"])
def test_the_icon_is_served_as_an_image(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.lstrip().startswith("<svg") and "<script" not in response.text


# -- /ivr: the plan's real phone tree, apart from this product's assistant ----------------------


def section(page: str, heading_id: str) -> str:
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert found, heading_id
    return found.group(0)


def test_the_real_phone_tree_lists_only_the_keys_the_directory_gives(client, directory):
    page = client.get("/ivr", params={"at": MONDAY_10AM}).text
    real = section(page, "lines-heading")
    line = directory.ivr.line
    listed = sorted(p.keys for c in directory.contacts for p in c.phones if p.number == line and p.keys)
    table = re.search(rf'<table class="tree" aria-labelledby="line-{line.lstrip("+")}">.*?</table>', real, re.S)
    assert table
    assert sorted(re.findall(r"<td>Press ([0-9*#]+)</td>", table.group(0))) == listed
    # What only the assistant does is not presented as part of the plan's line.
    assert f"Press {directory.ivr.repeat_key}" not in real and "Or say" not in real and "tries" not in real


def test_the_assistant_is_described_apart_and_from_the_ivr_config(make_settings, tmp_path):
    from starlette.testclient import TestClient

    from routing.app import create_app
    from routing.settings import ROOT

    # Another repeat key (not 8: that key chooses Spanish) and another number of tries: the page must follow the directory, not a template.
    text = (ROOT / "directory.yaml").read_text(encoding="utf-8")
    assert 'repeat_key: "9"' in text and "max_failures: 2" in text
    edited = tmp_path / "directory.yaml"
    edited.write_text(text.replace('repeat_key: "9"', 'repeat_key: "7"').replace("max_failures: 2", "max_failures: 3"), encoding="utf-8")
    with TestClient(create_app(make_settings(directory_path=edited))) as client:
        page = client.get("/ivr", params={"at": MONDAY_10AM}).text
    assistant = section(page, "assistant-heading")
    assert "This help desk's phone assistant" in assistant
    assert "<strong>Not the 1-800-790-4661 line.</strong>" in assistant
    assert '<span class="key">Press 7</span> to hear the options again' in assistant
    assert "Press 9" not in page
    assert "after 3 tries" in assistant
    assert "Or say" in assistant


def test_each_phone_tree_row_says_its_hours_state_once(client):
    page = client.get("/ivr", params={"at": MONDAY_10AM}).text
    rows = re.findall(r"<tr>.*?</tr>", page, re.S)
    assert rows
    for row in rows:
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        if not cells:
            continue  # the header row
        now = re.sub(r"<[^>]+>", " ", cells[-1])  # the "Now" column: the badge, and the status only when it adds to it
        assert now.count("Hours not listed") <= 1 and not ("Always open" in now and "Open 24/7" in now), row


def test_a_holiday_closure_says_which_holiday_and_the_footer_says_the_holidays_are_a_default(client) -> None:
    thanksgiving = client.get("/", params={"at": "2026-11-26T10:00:00-08:00"}).text
    entry = card(thanksgiving, "california-service-center")
    assert "Closed for Thanksgiving Day" in entry and "opens Mon 8:00 AM PT" in entry
    assert "Those pages list no holidays, so closures on the usual US holidays are this site's default." in thanksgiving
    # On an ordinary closed evening the badge alone says "Closed" and the line only when it opens.
    evening = card(client.get("/", params={"at": "2026-11-25T17:30:00-08:00"}).text, "california-service-center")
    assert "Closed · opens" not in evening and "opens Mon 8:00 AM PT" in evening
