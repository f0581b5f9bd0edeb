"""One logging setup for the app, the CLI and uvicorn: readable lines on a terminal, JSON lines for machines.

``configure`` sets the root logger once; ``uvicorn_config`` hands uvicorn the
same formatter, so its lines look like ours instead of going their own way.
Each request's id sits in a context variable that every line logged while
handling it carries.
"""

from __future__ import annotations

import json
import logging
import logging.config
import time
from contextvars import ContextVar
from typing import Any

request_id: ContextVar[str] = ContextVar("request_id", default="")


# The attributes every LogRecord has; anything else on a record came from ``extra=`` and is worth printing.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id", "color_message"}


class _RequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class TextFormatter(logging.Formatter):
    """``2026-12-03 07:50:01 INFO routing.store: directory loaded (0.21 s) [req 3f2a…]``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        # A phase's seconds are already in its sentence; the JSON form keeps them as a field.
        extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD and k != "seconds"}
        if extra:
            line += " " + " ".join(f"{k}={v}" for k, v in extra.items())
        rid = getattr(record, "request_id", "")
        return f"{line} [req {rid}]" if rid else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "")
        if rid:
            entry["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _formatter_class(fmt: str) -> str:
    return f"{__name__}.{'JsonFormatter' if fmt == 'json' else 'TextFormatter'}"


def uvicorn_config(fmt: str = "text", level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for uvicorn and the app alike (uvicorn applies it in every worker)."""
    handler = {"class": "logging.StreamHandler", "formatter": "main", "filters": ["request_id"], "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}._RequestId"}},
        "formatters": {"main": {"()": _formatter_class(fmt)}},
        "handlers": {"main": handler},
        "loggers": {
            "": {"handlers": ["main"], "level": level.upper()},
            # uvicorn's loggers go through the root handler, once each.
            "uvicorn": {"handlers": [], "level": level.upper(), "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level.upper(), "propagate": True},
            "uvicorn.access": {"handlers": [], "level": level.upper(), "propagate": True},
        },
    }


def configure(fmt: str = "text", level: str = "info") -> None:
    logging.config.dictConfig(uvicorn_config(fmt, level))
    logging.captureWarnings(True)


class Phase:
    """Times one start-up step and logs it as one line: ``directory loaded (0.21 s)``."""

    def __init__(self, logger: logging.Logger, done: str) -> None:
        self.logger, self.done = logger, done

    def __enter__(self) -> Phase:
        self.started = time.perf_counter()
        self.detail = ""
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if kind is None:
            seconds = time.perf_counter() - self.started
            self.logger.info("%s%s (%.2f s)", self.done, f": {self.detail}" if self.detail else "", seconds, extra={"seconds": round(seconds, 3)})
