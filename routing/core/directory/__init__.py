"""Load directory.yaml, check every fact, and build the immutable model.

Every problem is collected (not just the first) and carries ``file:line`` and
a sentence saying what to fix, because the people editing this file are
support staff, not programmers. The checks are split by what they read:
``reader`` (typed values), ``hours``, ``contacts`` and ``checker`` (the whole
document).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator
from pathlib import Path

from routing.core.directory.checker import Checker
from routing.core.model import Directory
from routing.core.yaml_source import Problem, YamlSyntaxError, parse
from routing.errors import DirectoryError

__all__ = ["load", "loads", "paused_gc"]


def load(path: str | Path) -> Directory:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DirectoryError([Problem(str(path), 1, f"cannot read the directory file ({exc.strerror}).")]) from None
    return loads(raw, str(path))


def loads(raw: bytes | str, file: str = "directory.yaml") -> Directory:
    data = raw.encode() if isinstance(raw, str) else raw
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DirectoryError([Problem(file, 1, "the file is not UTF-8 text; save it as UTF-8.")]) from None
    with paused_gc():
        try:
            located = parse(text, file)
        except YamlSyntaxError as exc:
            raise DirectoryError([exc.problem]) from None
        checker = Checker(located, version=hashlib.sha256(data).hexdigest()[:16])
        directory = checker.directory()
    if checker.problems:
        problems: list[Problem] = sorted(checker.problems, key=lambda p: p.line)
        raise DirectoryError(problems)
    assert directory is not None
    return directory


# New objects past this many at the end of a pause are a large directory's model (see paused_gc).
FREEZE_AT = 100_000


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a directory is built.

    A load makes hundreds of thousands of objects and frees none of them, so
    each collection the allocations trigger finds nothing: at 10,000 contacts
    they were nearly half the load. Reference counting still frees what it
    always did.

    After a large load the objects are frozen (``gc.freeze``): the collector
    never walks the model again, where the first young collections after the
    load would walk all of it, and each full one again. The model has no
    reference cycles, so a reload that replaces it still frees it; what a
    freeze keeps for good is only cyclic garbage that happened to be waiting
    at that moment, once per large load. A small directory is left to the
    collector as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_count()[0] > FREEZE_AT:
            gc.freeze()
        if was_enabled:
            gc.enable()
