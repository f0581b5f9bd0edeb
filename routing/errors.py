"""The one error type every channel raises and the one handler renders."""

from __future__ import annotations

from typing import Mapping


class AppError(Exception):
    """A problem the user can act on: an HTTP status and a sentence saying what to do."""

    def __init__(self, status: int, message: str, fields: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"status": self.status, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}
