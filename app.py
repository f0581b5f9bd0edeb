"""The ASGI app, built by ``routing.app.create_app``.

``uvicorn app:create_app --factory`` and ``uvicorn app:app`` both work;
``app`` is built on first use rather than at import, so importing this module
(in tests, or for ``create_app`` alone) never loads the directory.
``python app.py`` serves it on HOST:PORT.
"""

from __future__ import annotations

import sys
from typing import Any

from routing.app import create_app

__all__ = ["app", "create_app"]  # noqa: F822 (``app`` comes from the module __getattr__ below)


def __getattr__(name: str) -> Any:
    if name == "app":
        built = create_app()
        globals()["app"] = built
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    from routing.cli.main import main

    sys.exit(main(["serve", *sys.argv[1:]]))
