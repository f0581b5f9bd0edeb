"""What every request handler can reach: settings, the live directory, templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from routing.settings import Settings
from routing.store.live_directory import DirectoryStore, Snapshot


@dataclass
class Services:
    settings: Settings
    store: DirectoryStore
    templates: Jinja2Templates
    # Channel-owned singletons (the outbox, the triage log) register here at start.
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def snapshot(self) -> Snapshot:
        return self.store.current


def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]
