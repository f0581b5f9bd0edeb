"""A restart with an unchanged directory.yaml does not redo the load: the validated model, its vocabulary
and the search postings are kept together on disk, keyed by the file's sha256, and read back in one step.

The cache file is ``<SEARCH_INDEX_DIR>/<directory version>/model.cache``, beside
the Whoosh index of the same version, so removing a stale index removes its
cache too. It is used only when everything in its header matches: the format,
the full sha256 of the bytes just read from directory.yaml, a fingerprint of
the code that builds the model, and the Python version. Anything else, a
missing, truncated or corrupt file included, is a full load (parse, check,
index), after which the cache is written again. A changed file has a new
sha256, so it can never be answered from an old cache.

The payload is a pickle. Pickle runs code named in the file it reads, so it
is only ever read from a file this app wrote itself, in its own index folder,
behind this header; never point SEARCH_INDEX_DIR at a folder others can write.

Several workers may start together: the first takes the index's build lock,
loads fully and writes the cache (to a temporary file, renamed into place);
the rest wait on the lock and then read what it wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from routing.core.directory import loads, paused_gc
from routing.core.model import Directory
from routing.core.text import Vocabulary, build_vocabulary
from routing.core.yaml_source import Problem
from routing.errors import DirectoryError
from routing.store.english import english_words
from routing.store.search_index import READY, SearchIndex, build_lock, open_index

log = logging.getLogger("routing.store")

FORMAT = 2  # 2: the payload's own sha256 follows the header
MAGIC = b"routing directory cache\n"
FILE = "model.cache"
_ROUTING = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Loaded:
    directory: Directory
    index: SearchIndex
    digest: str  # sha256 of the bytes the model was built from
    cached: bool  # True when read back from the cache instead of loaded


@cache
def code_fingerprint() -> str:
    """A digest of the code that decides what a load produces: a new release never reads an old release's cache."""
    digest = hashlib.sha256()
    sources = sorted((_ROUTING / "core").rglob("*.py")) + [_ROUTING / "store" / "search_index.py", Path(__file__).resolve()]
    for source in sources:
        digest.update(source.relative_to(_ROUTING).as_posix().encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def open_directory(path: Path, index_dir: Path) -> Loaded:
    """The directory at ``path`` and its index: from the cache when the file is unchanged, else loaded in full.

    Raises ``DirectoryError`` when the file cannot be read or does not validate.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DirectoryError([Problem(str(path), 1, f"cannot read the directory file ({exc.strerror}).")]) from None
    digest = hashlib.sha256(raw).hexdigest()
    found = _read(index_dir, digest, str(path))
    if found is not None:
        return found
    index_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(index_dir):
        found = _read(index_dir, digest, str(path))  # written by the worker we waited for
        if found is not None:
            return found
        directory = loads(raw, str(path))
        with paused_gc():
            vocab = build_vocabulary(directory, english=english_words())
        index = open_index(directory, index_dir, vocab=vocab, locked=True)
        _write(index_dir / directory.version, digest, index)
    return Loaded(directory, index, digest, cached=False)


def _header(digest: str) -> bytes:
    fields = {"format": FORMAT, "sha256": digest, "code": code_fingerprint(), "python": sys.version}
    return MAGIC + json.dumps(fields, sort_keys=True).encode() + b"\n"


def _read(index_dir: Path, digest: str, source: str) -> Loaded | None:
    target = index_dir / digest[:16]
    try:
        with open(target / FILE, "rb") as handle:
            header = _header(digest)
            if handle.read(len(header)) != header or not (target / READY).exists():
                return None
            expected = handle.readline().strip().decode("ascii", "replace")
            payload = handle.read()
        # A flipped bit inside a string still unpickles: only the payload's own digest tells damage from data.
        if hashlib.sha256(payload).hexdigest() != expected:
            raise ValueError("the cache's contents do not match their digest")
        with paused_gc():
            # Only this app's own file, behind a header naming this exact directory and code (see the module's note).
            directory, vocab, postings = pickle.loads(payload)
        del payload
        if not (isinstance(directory, Directory) and isinstance(vocab, Vocabulary) and isinstance(postings, dict)):
            raise TypeError("unexpected objects in the cache")
        if directory.version != digest[:16]:
            raise ValueError("the cache names another directory version")
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or damaged file can fail in many ways; every one means "load in full"
        log.warning("start-up cache %s is unreadable (%s); loading directory.yaml in full", target / FILE, type(exc).__name__)
        return None
    if directory.source != source:  # the same bytes under another name: say the name in use
        directory = replace(directory, source=source)
    vocab = replace(vocab, english=english_words())
    index = SearchIndex(target, directory, vocab, built=False, postings=postings)
    index.warm()  # every stem's postings came with the cache: this only builds the rules' phrase index
    return Loaded(directory, index, digest, cached=True)


def _write(target: Path, digest: str, index: SearchIndex) -> None:
    """Write the cache beside the index, atomically: a reader sees the old file, the new one, or none."""
    vocab = replace(index.vocab, english=frozenset())  # the English word list is the package's, read at start
    try:
        handle = tempfile.NamedTemporaryFile(dir=target, prefix=f".{FILE}-", delete=False)  # noqa: SIM115
        payload = pickle.dumps((index.directory, vocab, index.postings()), protocol=pickle.HIGHEST_PROTOCOL)
        with handle:
            handle.write(_header(digest))
            handle.write(hashlib.sha256(payload).hexdigest().encode() + b"\n")
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, target / FILE)
    except OSError as exc:  # a read-only or full disk costs the next start time, not this one its answers
        log.warning("could not write the start-up cache in %s (%s)", target, exc.strerror)
        with contextlib.suppress(OSError, NameError):
            os.unlink(handle.name)
