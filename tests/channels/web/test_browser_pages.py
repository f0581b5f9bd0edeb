"""The pages as a phone and a desktop show them: /ivr, /docs, the home page, the search box,
the staff list and the site's name and icon.

Each test looks at 390 px and 1280 px, checks every page with axe-core (through
check_page) and leaves screenshots in var/screenshots/pages-*.png. The server
and browser fixtures are in conftest.py.
"""

from __future__ import annotations

import re

import pytest
from browser import DESKTOP, PHONE, SCREENSHOT_DIR, LiveServer, Watch, check_page
from paths import FIXTURES
from playwright.sync_api import Locator, Page, expect

from routing.core.model import Directory
from routing.core.text import MAX_QUERY_CHARS

WIDTHS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]
EMAIL_FIXTURE = FIXTURES / "01_bor_change.eml"

# Before issue 16: /docs was 52,187 px tall at 390 px and 25,228 px at 1280 px; now about 3,700 and 2,900.
DOCS_HEIGHT = {390: 6_000, 1280: 4_000}
# A compact home entry (name, status, one sentence, a button per phone and email, a link) is at most
# about 500 px on a phone, against about 900 px for a full card before; add 1,000 px for the header,
# the emergency notice, the search box and the footer. That is 5,500 px for this directory's nine
# contacts (8,784 px before), and the bound grows with the directory rather than being a magic number.
HOME_HEADER_PX = 1_000
HOME_ENTRY_PX = {390: 500, 1280: 250}  # at 1280 px three entries share a row

# Words split across two lines ("Requir / ed", "R e q ui re d"): each word of a page's text, cut at
# spaces, hyphens and slashes (where a browser may rightly wrap), should sit on one line. Tokens over
# 20 characters (a pattern, a long path) may break; nothing on these pages that short should.
_BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const owner = node.parentElement;
    if (!owner || owner.closest("details:not([open]) > :not(summary)")) continue;
    const style = getComputedStyle(owner);
    if (style.display === "none" || style.visibility === "hidden" || owner.closest(".visually-hidden, caption, thead")) continue;
    const words = /[^\\s\\-\\/]+/g;
    for (let m = words.exec(node.textContent); m; m = words.exec(node.textContent)) {
      if (m[0].length > 20) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""


def height(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


def wider_than_screen(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def photograph(page: Page, name: str) -> None:
    """A full-page screenshot at the current width, for a person to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    width = (page.viewport_size or DESKTOP)["width"]
    page.screenshot(path=str(SCREENSHOT_DIR / f"pages-{name}-{width}.png"), full_page=True)


def in_view_horizontally(page: Page, locator: Locator) -> bool:
    """Whether all of it is on screen from left to right (not scrolled off inside a wide table)."""
    box = locator.bounding_box()
    width = (page.viewport_size or DESKTOP)["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1


def sign_in(page: Page, server: LiveServer) -> None:
    page.goto("/staff")
    page.get_by_label("Staff password").fill(server.staff_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff$"))


# --- 6. /ivr: the plan's phone tree, apart from this product's assistant ---------------------------


@pytest.mark.parametrize("size", WIDTHS)
def test_the_phone_page_keeps_the_real_tree_apart_from_the_assistant(visit: tuple[Page, Watch], directory: Directory, size: dict[str, int]) -> None:
    page, seen = visit
    page.set_viewport_size(size)
    page.goto("/ivr")
    ivr = directory.ivr
    display = next(p.display for c in directory.contacts for p in c.phones if p.number == ivr.line)
    real = page.locator("section", has=page.get_by_role("heading", level=2, name="The plan's phone lines"))
    assistant = page.locator("section", has=page.get_by_role("heading", level=2, name="This help desk's phone assistant"))
    expect(real).to_be_visible()
    expect(assistant).to_be_visible()

    # The plan's line: exactly the keys the directory (from the seeds) lists on it, nothing added.
    listed = sorted(f"Press {p.keys}" for c in directory.contacts for p in c.phones if p.number == ivr.line and p.keys)
    keys = real.get_by_role("table", name=display).locator("tbody tr td:first-child")
    shown = sorted(text for text in keys.all_inner_texts() if text.startswith("Press"))
    assert shown == listed
    expect(real).not_to_contain_text(f"Press {ivr.repeat_key}")
    expect(real).not_to_contain_text("Or say")

    # The assistant: said to be somewhere else, with what it adds, from the ivr: config.
    expect(assistant.locator(".notice")).to_contain_text(f"Not the {display} line.")
    expect(assistant.locator(".notice")).to_contain_text("Twilio number")
    expect(assistant.locator("li", has_text=f"Press {ivr.repeat_key}")).to_contain_text("added by the assistant")
    expect(assistant.locator("li", has_text="Or say")).to_contain_text("added by the assistant")
    expect(assistant).to_contain_text(f"after {ivr.max_failures} tries")
    # The real tree comes first, so nobody reads the assistant's menu as the plan's.
    real_box, assistant_box = real.bounding_box(), assistant.bounding_box()
    assert real_box and assistant_box and real_box["y"] + real_box["height"] <= assistant_box["y"]
    assert wider_than_screen(page) <= 0
    photograph(page, "ivr")
    check_page(page, "pages-ivr", seen)


# --- 10. /docs: folded, short, and no word broken ---------------------------------------------------


@pytest.mark.parametrize("size", WIDTHS)
def test_the_api_reference_is_short_folded_and_readable(visit: tuple[Page, Watch], size: dict[str, int]) -> None:
    page, seen = visit
    page.set_viewport_size(size)
    page.goto("/docs")
    width = size["width"]
    folded = height(page)
    assert folded <= DOCS_HEIGHT[width], f"/docs is {folded}px tall at {width}px"
    sections = page.locator("details.api-op")
    assert sections.count() >= 20  # every endpoint and every schema
    expect(page.locator("details.api-op[open]")).to_have_count(0)
    photograph(page, "docs-folded")

    # Following the contents lands on an endpoint's heading; one tap opens it.
    page.get_by_role("navigation", name="Endpoints").get_by_role("link", name="POST /api/forward").click()
    heading = page.get_by_role("heading", level=3, name=re.compile(r"^POST \/api\/forward "))
    expect(heading).to_be_in_viewport()
    heading.click()
    body_table = page.get_by_role("table", name="Request body of POST /api/forward")
    expect(body_table).to_be_visible()
    # One heading per table: the caption is for table navigation, not shown a second time.
    caption = body_table.locator("caption")
    box = caption.bounding_box()
    assert box is None or box["width"] <= 1

    # Everything open: nothing wider than the screen, no word broken across lines.
    page.evaluate("() => document.querySelectorAll('details.api-op').forEach(d => d.open = true)")
    assert wider_than_screen(page) <= 0, f"/docs is wider than {width}px"
    broken = page.evaluate(_BROKEN_WORDS)
    assert not broken, f"words broken across lines at {width}px: {sorted(set(broken))[:20]}"
    # And no cell's text spills into the next one (a stacked cell may be narrow: "id" needs little room).
    spilled = page.evaluate("() => [...document.querySelectorAll('.api-table tbody td, .api-table tbody th')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim().slice(0, 40))")
    assert not spilled, f"text runs out of its table cell at {width}px: {spilled[:10]}"
    photograph(page, "docs-open")
    check_page(page, "pages-docs", seen)


# --- 11. the home page: compact, details one tap away -------------------------------------------------


@pytest.mark.parametrize("size", WIDTHS)
def test_the_home_page_is_compact_with_call_and_email_buttons(visit: tuple[Page, Watch], directory: Directory, size: dict[str, int]) -> None:
    page, seen = visit
    page.set_viewport_size(size)
    page.goto("/")
    width = size["width"]
    bound = HOME_HEADER_PX + HOME_ENTRY_PX[width] * len(directory.contacts)
    assert height(page) <= bound, f"the home page is {height(page)}px tall at {width}px (bound {bound})"
    photograph(page, "home")

    team = directory.contact("account-management-support")
    entry = page.locator(f"article#{team.id}")
    expect(entry.get_by_role("heading", name=team.name)).to_be_visible()
    expect(entry.locator(".badge")).to_have_text("Open")
    expect(entry).to_contain_text(team.summary)
    call = entry.get_by_role("link", name=re.compile(r"^Call "))
    expect(call).to_have_attribute("href", team.phones[0].tel_uri)
    email = entry.get_by_role("link", name=f"Email {team.emails[0].address}")
    expect(email).to_have_attribute("href", re.compile(rf"^mailto:{re.escape(team.emails[0].address)}"))
    # Buttons big enough to tap.
    for button in (call, email):
        box = button.bounding_box()
        assert box and box["height"] >= 40 and in_view_horizontally(page, button)
    # The details (topics, faxes, hours) are one tap away.
    expect(entry.locator(".topics")).to_have_count(0)
    entry.get_by_role("link", name=re.compile(r"^Hours and every way to reach them")).click()
    page.wait_for_url(f"**/contacts/{team.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    for topic in team.topics:
        expect(page.locator(".topics")).to_contain_text(topic.title)
    for fax in team.faxes:
        expect(page.locator(".faxes")).to_contain_text(fax.display)
    page.go_back()
    check_page(page, "pages-home", seen)


# --- 12. the search box --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", WIDTHS)
def test_an_empty_search_shows_a_hint_and_examples_that_work(visit: tuple[Page, Watch], size: dict[str, int]) -> None:
    page, seen = visit
    page.set_viewport_size(size)
    page.goto("/search?q=")
    expect(page.get_by_role("heading", level=2, name="What do you need help with?")).to_be_visible()
    examples = page.locator("ul.examples a")
    assert examples.count() >= 3
    expect(page.locator("#q")).to_have_attribute("maxlength", str(MAX_QUERY_CHARS))
    photograph(page, "search-empty")
    check_page(page, "pages-search-empty", seen)

    first = examples.first.inner_text()
    examples.first.click()
    page.wait_for_url("**/search?q=*")
    expect(page.get_by_label("Describe what you need in a few words")).to_have_value(first)
    expect(page.locator("#answer-heading")).to_have_text(re.compile(r"^Contact "))
    # No percentage on an answer.
    expect(page.locator("section.answer")).not_to_contain_text("%")
    expect(page.locator("section.answer")).not_to_contain_text("Confidence")


@pytest.mark.parametrize("size", WIDTHS)
def test_the_search_boxes_stop_at_the_server_limit(visit: tuple[Page, Watch], size: dict[str, int]) -> None:
    page, _seen = visit
    page.set_viewport_size(size)
    for path in ("/", "/search?q=COBRA"):
        page.goto(path)
        box = page.get_by_label("Describe what you need in a few words")
        expect(box).to_have_attribute("maxlength", str(MAX_QUERY_CHARS))
        box.fill("")
        box.focus()
        # Pasting a long question: the browser keeps the first MAX_QUERY_CHARS characters, so the
        # question is never refused after submitting.
        page.keyboard.insert_text("b" * (MAX_QUERY_CHARS + 90))
        assert len(box.input_value()) == MAX_QUERY_CHARS
        box.press("b")
        assert len(box.input_value()) == MAX_QUERY_CHARS


@pytest.mark.parametrize("size", WIDTHS)
def test_a_bare_group_id_asks_what_the_group_needs(visit: tuple[Page, Watch], directory: Directory, size: dict[str, int]) -> None:
    page, seen = visit
    page.set_viewport_size(size)
    group_id = directory.group_id.example
    page.goto("/")
    page.get_by_label("Describe what you need in a few words").fill(group_id)
    page.get_by_role("button", name="Find the contact").click()
    page.wait_for_url("**/search?q=*")
    expect(page.get_by_role("heading", level=2, name=f"“{group_id}” looks like a group ID")).to_be_visible()
    expect(page.get_by_text("What does your group need?")).to_be_visible()
    expect(page.locator("#answer-heading")).to_have_count(0)
    expect(page.get_by_label("Describe what you need in a few words")).to_have_value(group_id)
    photograph(page, "search-group-id")
    check_page(page, "pages-search-group-id", seen)

    example = page.locator("ul.examples a").first
    expect(example).to_contain_text(group_id)
    example.click()
    expect(page.locator("#answer-heading")).to_have_text(re.compile(r"^Contact "))
    expect(page.get_by_label("Describe what you need in a few words")).to_have_value(re.compile(rf"^{group_id} "))


# --- 14. staff: out of the public navigation, and the list usable on a phone ---------------------------


@pytest.mark.parametrize("size", WIDTHS)
def test_staff_is_in_the_footer_and_the_list_opens_an_email_on_any_width(
    visit: tuple[Page, Watch], server: LiveServer, size: dict[str, int]
) -> None:
    page, seen = visit
    page.set_viewport_size(size)
    page.goto("/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Staff"))).to_have_count(0)
    footer_link = page.get_by_role("contentinfo").get_by_role("link", name="Staff console")
    expect(footer_link).to_be_visible()
    footer_link.click()
    page.wait_for_url(re.compile(r"/staff/login\?next="))

    sign_in(page, server)
    page.goto("/staff/triage")
    page.get_by_label("The email, as text").fill(EMAIL_FIXTURE.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Triage").click()
    page.wait_for_url(re.compile(r"/staff/messages/[^/]+$"))
    subject = page.get_by_role("heading", level=1).inner_text()

    page.goto("/staff")
    link = page.get_by_role("link", name=subject).first
    expect(link).to_be_visible()
    assert in_view_horizontally(page, link), f"the subject link is off screen at {size['width']}px"
    box = link.bounding_box()
    assert box and box["height"] >= 24
    assert wider_than_screen(page) <= 0
    photograph(page, "staff-list")
    check_page(page, "pages-staff-list", seen)
    link.click()
    page.wait_for_url(re.compile(r"/staff/messages/[^/]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)


# --- 15 and 7: the name, the icon, and no internals in the footer ---------------------------------------


@pytest.mark.parametrize("size", WIDTHS)
def test_the_site_has_a_name_an_icon_and_a_plain_footer(visit: tuple[Page, Watch], server: LiveServer, directory: Directory, size: dict[str, int]) -> None:
    page, seen = visit
    page.set_viewport_size(size)
    page.goto("/")
    brand = page.get_by_role("banner").get_by_role("link", name="Employer Help Desk Directory")
    expect(brand).to_be_visible()
    mark = brand.locator(".brand-mark")
    mark_box = mark.bounding_box()
    assert mark_box and mark_box["width"] >= 16 and mark_box["height"] >= 16
    expect(page).to_have_title(re.compile(r" · Employer Help Desk Directory$"))
    for path in ("/favicon.ico", page.locator('link[rel="icon"]').get_attribute("href") or ""):
        response = page.request.get(f"{server.url}{path}")
        assert response.status == 200, path
        assert response.headers["content-type"].startswith("image/"), path
    footer = page.get_by_role("contentinfo")
    expect(footer).not_to_contain_text(directory.version)
    expect(footer).not_to_contain_text("UTC")
    photograph(page, "header-footer")
    check_page(page, "pages-home-header", seen)
