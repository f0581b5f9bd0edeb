"""One error base for the whole product, so each front end needs one ``except``.

Every problem a person can act on is a ``RoutingError``: a sentence saying
what to do next, an HTTP status for the web side, and an exit code for the
command line. The web's one handler (``routing.channels.http.handle_error``)
and the CLI's one handler (``routing.cli.main.main``) render them.
Subclasses that are also a builtin (``ValueError``) keep working where code
catches the builtin, as aiosmtplib's ``SMTPTimeoutError(TimeoutError)`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType


def N_(message: str) -> str:
    """Marks a message for the catalog (``routing.core.i18n.N_``; this layer is below the core and imports nothing).

    Web channels translate an error's ``template`` where they show it (``routing.channels.http.said``).
    """
    return message


class RoutingError(Exception):
    """A problem the user can act on: a sentence, an HTTP status and a CLI exit code."""

    status: int = 400
    exit_code: int = 2
    template: str = ""  # the English sentence with %(name)s places, when the message was made from one
    params: Mapping[str, object] = MappingProxyType({})

    def __init__(self, message: str, *, status: int | None = None, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.fields = dict(fields or {})

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"status": self.status, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}

    def lines(self) -> list[str]:
        """What the command line prints, one line each."""
        return [f"error: {self.message}"]


class RequestError(RoutingError):
    """A web request that cannot be served as sent; ``status`` says how (400, 404, 422, 429…)."""

    def __init__(self, status: int, message: str, fields: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message, status=status, fields=fields)
        self.headers = dict(headers or {})


class UsageError(RoutingError):
    """A command was given something it cannot use (exit 2)."""


class SettingsError(RoutingError, ValueError):
    """A setting has a value the app cannot use; the message names it."""

    status = 500


class BadInstant(RoutingError, ValueError):
    """An instant that is not ISO-8601 with an offset, or outside the years the hours engine handles."""

    def __init__(self, message: str) -> None:
        super().__init__(message, fields={"at": "not ISO-8601 with an offset"})


class DirectoryError(RoutingError):
    """The directory file cannot be used; ``problems`` says why, one ``file:line: message`` each (exit 1)."""

    status = 500
    exit_code = 1

    def __init__(self, problems: Sequence[object]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = list(problems)
        self.consequence = ""

    def stopping(self, consequence: str) -> DirectoryError:
        """The same problems, with what they stopped from happening (printed last)."""
        self.consequence = consequence
        return self

    def lines(self) -> list[str]:
        count = len(self.problems)
        summary = f"{count} problem{'s' if count != 1 else ''} in the directory file; fix {'them' if count != 1 else 'it'} and run again."
        return [str(p) for p in self.problems] + [self.consequence or summary]


class UnsafeHeaders(RoutingError, ValueError):
    """A built message would not carry exactly the headers that were set; it is never sent."""

    status = 422


class Unsendable(RoutingError, ValueError):
    """A message cannot be built (an address the mail library refuses); the text says why."""

    status = 422


class RateLimited(RequestError):
    """A client has had its share for now; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        template = N_("Too many requests from this address. Please wait %(seconds)s seconds and try again.")
        super().__init__(429, template % {"seconds": retry_after}, headers={"Retry-After": str(retry_after)})
        self.template = template
        self.params = {"seconds": retry_after}
        self.retry_after = retry_after


class StoreUnavailable(RoutingError, ConnectionError):
    """The database did not answer (down, unreachable, or locked too long); nothing was written."""

    status = 503
    exit_code = 3

    def __init__(self, detail: str = "") -> None:
        super().__init__(N_("The help desk cannot save or read anything just now: its database is not answering. Nothing was saved; please try again in a few minutes."))
        self.detail = detail  # for the log, never shown
