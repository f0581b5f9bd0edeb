"""Giving freed memory back to the operating system after a directory load.

A load builds and drops a great many small objects (the parsed YAML, the checker's notes, the unpickled cache's
buffers). CPython returns them to the C allocator, but glibc keeps the freed pages mapped, so the process stays
as large as the load's peak: about 10 MB more than it needs at 10,000 contacts. ``malloc_trim`` hands those
pages back. On a C library without it (musl, macOS) nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError, TypeError):
        return None
    return trim


def give_back_freed_memory() -> bool:
    """Release the allocator's free pages; True when the C library could (glibc), False when it has no way to."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
