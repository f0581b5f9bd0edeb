"""The HTML pages: the home page with every contact, one contact's page, and the site's icon."""

from __future__ import annotations

from urllib.parse import unquote_plus

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from routing.channels.http import LANGUAGE_COOKIE, SWITCH_PATH, find_contact, render, requested_instant, with_language, without_language
from routing.channels.web.ask import as_typed, example_questions
from routing.core import i18n
from routing.core.email.language import question_language
from routing.core.i18n import N_
from routing.core.text import MAX_QUERY_CHARS
from routing.present.json import contact_view
from routing.services import services
from routing.settings import ROOT

ICON = ROOT / "static" / "favicon.svg"
HINT_EXAMPLES = 3
HOME_LISTING = N_("the home page")
YEAR = 365 * 24 * 3600


async def home(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    directory = svc.snapshot.directory
    cards = [contact_view(c, directory, instant) for c in directory.contacts]
    examples = [as_typed(e) for e in example_questions(svc.snapshot, instant)][:HINT_EXAMPLES]
    return render(request, "home.html", {"contacts": cards, "examples": examples, "max_query": MAX_QUERY_CHARS})


async def contact_page(request: Request) -> Response:
    svc = services(request)
    instant = requested_instant(request.query_params)
    directory = svc.snapshot.directory
    contact = find_contact(directory, request.path_params["id"], HOME_LISTING)
    return render(request, "contact.html", {"contact": contact_view(contact, directory, instant)})


def _local_page(target: str) -> str:
    """Where the switch sends the reader back to: a page of this site, never another site (``//evil``, ``/\\evil``)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or any(c in target for c in "\r\n"):
        return "/"
    return target


async def switch_language(request: Request) -> Response:
    """The "Español / English" switch: remembers the choice in the ``lang`` cookie and goes back to the same page.

    The page comes back with the same query. In a language other than the source its address also
    says ``lang=``, so a link copied from the address bar opens in that language for whoever gets it.
    """
    language = request.query_params.get("to", "").strip().lower()
    if language not in i18n.LANGUAGES:
        language = i18n.current()
    path, _mark, query = _local_page(request.query_params.get("next", "/")).partition("?")
    query = without_language(query)
    back = with_language(path + (f"?{query}" if query else ""), language)
    asked = next((unquote_plus(value) for key, _eq, value in (part.partition("=") for part in query.split("&")) if key == "q"), "")
    if language == i18n.SOURCE and asked and question_language(asked[:MAX_QUERY_CHARS]) != i18n.SOURCE:
        # A question written in Spanish is answered in Spanish unless the address says otherwise (see
        # ask.answer_language): English for it has to be asked for in the address.
        back = f"{back}{'&' if '?' in back else '?'}{LANGUAGE_COOKIE}={language}"
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=YEAR, path="/", samesite="lax")
    return response


async def favicon(request: Request) -> Response:
    # Browsers ask for /favicon.ico whatever the page links; they read the SVG by its content type.
    return FileResponse(ICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


def routes() -> list[Route]:
    return [
        Route("/", home, methods=["GET"]),
        Route("/contacts/{id}", contact_page, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route(SWITCH_PATH, switch_language, methods=["GET"]),
    ]
