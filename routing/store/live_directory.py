"""The directory the app is serving right now, and its live reload.

A new file replaces the old one only when it validates; until then the last
good directory keeps answering, and its problems are reported at /healthz.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from routing.core.model import Directory
from routing.errors import DirectoryError
from routing.logs import Phase
from routing.store.memory import give_back_freed_memory
from routing.store.model_cache import open_directory
from routing.store.search_index import SearchIndex

log = logging.getLogger("routing.store")


@dataclass(frozen=True)
class Snapshot:
    directory: Directory
    index: SearchIndex
    loaded_at: datetime


@dataclass
class LiveDirectory:
    path: Path
    index_dir: Path
    _snapshot: Snapshot | None = None
    errors: list[str] = field(default_factory=list)
    _seen_hash: str = ""
    _task: asyncio.Task[None] | None = None

    @property
    def current(self) -> Snapshot:
        if self._snapshot is None:
            raise RuntimeError("the directory store was used before it was loaded")
        return self._snapshot

    @property
    def loaded(self) -> Snapshot | None:
        return self._snapshot

    def load(self) -> Snapshot:
        """First load: a bad directory at start is fatal, since there is nothing good to serve."""
        with Phase(log, "directory loaded") as phase:
            loaded = open_directory(self.path, self.index_dir)
            directory, index = loaded.directory, loaded.index
            phase.detail = f"version {directory.version}, {len(directory.contacts)} contacts"
        # The index is opened inside the load above, so its time is in that line; said apart for whoever reads the log.
        how = "opened from the start-up cache" if loaded.cached else "built" if index.built else "opened"
        log.info("search index ready: %s in %s (timed with the directory)", how, self.index_dir)
        self._install(directory, loaded.digest, index)
        return self.current

    def reload(self) -> bool:
        """Pick up a changed file. Returns True when a new version went live."""
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            self._refuse([f"{self.path}: cannot read the directory file ({exc.strerror})."], "")
            return False
        digest = hashlib.sha256(raw).hexdigest()
        if digest == self._seen_hash:
            return False
        try:
            loaded = open_directory(self.path, self.index_dir)
        except DirectoryError as exc:
            self._refuse([str(p) for p in exc.problems], digest)
            return False
        self._install(loaded.directory, loaded.digest, loaded.index)
        log.info("directory reloaded: version %s", loaded.directory.version)
        return True

    def _install(self, directory: Directory, digest: str, index: SearchIndex) -> None:
        self._snapshot = Snapshot(directory=directory, index=index, loaded_at=datetime.now(UTC))
        self._seen_hash = digest
        self.errors = []
        # The load's garbage (and, on a reload, the directory just replaced) is freed by now; let the pages go.
        give_back_freed_memory()

    def _refuse(self, problems: list[str], digest: str) -> None:
        # Remember the bad version so the log is not flooded every interval.
        self._seen_hash = digest
        self.errors = problems
        for problem in problems:
            log.error("directory change refused: %s", problem)

    async def watch(self, interval: float) -> None:
        loop = asyncio.get_running_loop()
        # No signals off the main thread or on Windows; the interval still works.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, self._reload_soon)
        while interval > 0:
            await asyncio.sleep(interval)
            await asyncio.to_thread(self.reload)

    def _reload_soon(self) -> None:
        asyncio.get_running_loop().run_in_executor(None, self.reload)

    def health(self) -> dict[str, object]:
        snapshot = self._snapshot
        return {
            "status": "ok" if not self.errors else "degraded",
            "directory": {
                "version": snapshot.directory.version if snapshot else None,
                "loaded_at": snapshot.loaded_at.isoformat() if snapshot else None,
                "path": str(self.path),
            },
            "errors": list(self.errors),
        }
