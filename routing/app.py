"""The ASGI app: builds the services, mounts each channel's routes, and owns the lifespan.

Everything a handler can reach is made here, by name, in ``build_services``;
channels only export ``routes()``. The one error handler is
``routing.channels.http.handle_error``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from routing.channels import http, ops
from routing.channels.ivr import webhooks as ivr
from routing.channels.staff import api as staff_api
from routing.channels.staff import console as staff
from routing.channels.web import ask, contact_form, contacts, pages
from routing.channels.web.openapi import spec as openapi
from routing.core import i18n
from routing.delivery.enqueue import Mailroom
from routing.delivery.sender import Sender
from routing.delivery.transport import transport_for
from routing.errors import RoutingError
from routing.logs import Phase
from routing.present.json import after_badge
from routing.present.triage import STATUS_WORDS
from routing.services import Services
from routing.settings import ROOT, Settings
from routing.store import catalogs
from routing.store.answer_cache import AnswerCache
from routing.store.live_directory import LiveDirectory
from routing.store.rate_limits import RateLimiter
from routing.store.stores import open_stores

if TYPE_CHECKING:
    from routing.channels.imap_fetch import Fetcher

log = logging.getLogger("routing")

# Staff is linked from the footer: the public navigation is for employers.
# The labels are translated where base.html shows them, in the request's language.
NAV = [("/", i18n.N_("Find a contact")), ("/ivr", i18n.N_("Phone menu")), ("/contact", i18n.N_("Send a request"))]


def build_services(settings: Settings) -> Services:
    """Every shared object, opened and wired; ``create_app``'s lifespan starts and closes them."""
    directory = LiveDirectory(path=settings.directory_path, index_dir=settings.index_dir)
    directory.load()
    templates = Jinja2Templates(directory=str(ROOT / "templates"), context_processors=[http.page_context])
    templates.env.globals["nav"] = NAV
    templates.env.globals["status_words"] = STATUS_WORDS
    templates.env.filters["after_badge"] = after_badge
    catalogs.install_all()
    # {% trans %} and _() in templates look up the request's language at render time (routing.core.i18n).
    templates.env.add_extension("jinja2.ext.i18n")
    templates.env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)  # type: ignore[attr-defined]
    with Phase(log, "store opened") as phase:
        stores = open_stores(settings)
        phase.detail = stores.where
    outbox = stores.outbox
    sender = Sender(outbox, transport_for(settings), settings)
    return Services(
        settings=settings,
        directory=directory,
        templates=templates,
        outbox=outbox,
        sender=sender,
        mailroom=Mailroom(outbox, sender, settings.mail_from),
        stores=stores,
        triage_log=stores.triage_log,
        forward_limit=RateLimiter(settings.forward_rate_limit, stores.rate_limits, "forward"),
        staff_logins=RateLimiter(settings.staff_login_rate_limit, stores.rate_limits, "staff-login"),
        staff_sessions=stores.staff_sessions,
        staff_accounts=stores.staff_accounts,
        audit=stores.audit,
        answers=AnswerCache(),
    )


def routes() -> list[BaseRoute]:
    return [
        *contacts.routes(),
        *pages.routes(),
        *ask.routes(),
        *contact_form.routes(),
        *ivr.routes(),
        *staff.routes(),
        *staff_api.routes(),
        *openapi.routes(),
        *ops.routes(),
        Mount("/static", StaticFiles(directory=str(ROOT / "static")), name="static"),
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    svc = build_services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        _warn_about(settings)
        watcher = asyncio.create_task(svc.directory.watch(settings.reload_interval))
        await svc.sender.start()
        log.info("sender started: %d delivery tasks, %s", svc.sender.workers, "SMTP to " + settings.smtp_host if settings.delivers_by_smtp else "writing .eml files")
        fetcher, fetching = _start_fetcher(svc)
        try:
            yield
        finally:
            if fetcher is not None and fetching is not None:
                fetcher.stop()
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(fetching, timeout=30)
            await svc.sender.stop()
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            svc.stores.close()

    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        middleware=[
            Middleware(ops.RequestIds, headers=http.SECURITY_HEADERS),
            Middleware(http.Language),
            # Secure cookies when the public address is https; a staff sign-in lasts a working day.
            Middleware(
                http.Sessions,
                secret_key=settings.session_secret,
                same_site="strict",
                https_only=settings.public_base_url.startswith("https://"),
                max_age=12 * 3600,
            ),
        ],
        exception_handlers={RoutingError: http.handle_error, HTTPException: http.handle_error, Exception: http.handle_error},
    )
    app.state.services = svc
    return app


def show_new_password(settings: Settings) -> None:
    """Print a staff password generated by this very start, once, so a fresh machine can sign in (later starts only say where it is kept)."""
    if settings.new_staff_password:
        print(f"Staff console password (generated, set STAFF_PASSWORD to choose one): {settings.staff_password}", flush=True)


def _start_fetcher(svc: Services) -> tuple[Fetcher | None, asyncio.Task[None] | None]:
    """The IMAP fetcher, when IMAP_HOST is set: it takes mail in through the same intake, and sends through the app's mailroom."""
    settings = svc.settings
    if not settings.fetches_imap:
        return None, None
    # Imported only here: the IMAP client library is 1.5 MB a server without IMAP_HOST never needs.
    from routing.channels import imap_fetch

    take = imap_fetch.intake(settings, svc.triage_log, svc.directory, svc.mailroom)
    fetcher = imap_fetch.Fetcher(settings, svc.stores.mailbox_state, take)
    log.info("IMAP fetcher started: %s; processed mail is %s", imap_fetch.where(settings), imap_fetch.done_words(settings))
    return fetcher, asyncio.create_task(fetcher.run(), name="imap-fetcher")


def _warn_about(settings: Settings) -> None:
    if settings.generated_staff_password:
        show_new_password(settings)
        log.info("the generated staff password is kept in %s (set STAFF_PASSWORD to choose one)", settings.data_dir / "secrets" / "staff_password")
        if settings.database_url:
            log.warning("STAFF_PASSWORD and SESSION_SECRET are generated per data directory: with DATABASE_URL shared by several machines, set both, the same everywhere, or sign-ins will not carry across.")
    if not settings.twilio_auth_token:
        log.warning("TWILIO_AUTH_TOKEN is not set: Twilio signature checks are OFF. Use this only for local development.")
    if not settings.delivers_by_smtp:
        log.warning("SMTP_HOST is not set: forwarded requests are saved as .eml files in %s, not emailed.", settings.data_dir / "outbox-eml")
