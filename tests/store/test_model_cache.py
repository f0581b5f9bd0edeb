"""The start-up cache: an unchanged directory.yaml is read back in one step, and a changed or damaged one never is."""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path

import pytest

from routing.core.text import analyze
from routing.settings import ROOT
from routing.store import model_cache
from routing.store.live_directory import LiveDirectory
from routing.store.model_cache import FILE, open_directory

TEAM = "california-service-center"
SAID = "and other non-medical concerns."


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    path = tmp_path / "directory.yaml"
    shutil.copyfile(ROOT / "directory.yaml", path)
    return path


def test_an_unchanged_file_is_read_back_from_the_cache_exactly_as_loaded(copy: Path, tmp_path: Path) -> None:
    full = open_directory(copy, tmp_path / "index")
    again = open_directory(copy, tmp_path / "index")
    assert not full.cached and again.cached
    assert again.directory == full.directory
    assert again.index.vocab == full.index.vocab
    assert again.index.postings() == full.index.postings()
    for question in ("brokr of recrod", "order replacement ID cards", "cobra for a former employee"):
        terms = analyze(question, again.index.vocab).terms
        assert again.index.search(terms) == full.index.search(terms)
    assert again.index._opened is None, "a cached start should not need to open Whoosh at all"


def test_one_changed_character_is_a_full_load_and_the_new_fact_is_served(copy: Path, tmp_path: Path) -> None:
    first = open_directory(copy, tmp_path / "index")
    assert first.directory.contact(TEAM).summary.endswith(SAID)
    text = copy.read_text()
    assert text.count(SAID) == 1
    copy.write_text(text.replace(SAID, SAID[:-1] + "!"))
    changed = open_directory(copy, tmp_path / "index")
    assert not changed.cached
    assert changed.directory.version != first.directory.version
    assert changed.directory.contact(TEAM).summary.endswith("concerns!")


def test_the_live_directory_reload_serves_the_edit_not_the_cache(copy: Path, tmp_path: Path) -> None:
    open_directory(copy, tmp_path / "index")  # a cache on disk for the original
    live = LiveDirectory(path=copy, index_dir=tmp_path / "index")
    live.load()
    assert live.current.directory.contact(TEAM).summary.endswith(SAID)
    copy.write_text(copy.read_text().replace(SAID, SAID[:-1] + "!"))
    assert live.reload()
    assert live.current.directory.contact(TEAM).summary.endswith("concerns!")


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "garbage"])
def test_a_damaged_cache_falls_back_to_a_full_load_and_is_written_again(
    copy: Path, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    first = open_directory(copy, tmp_path / "index")
    cache = tmp_path / "index" / first.directory.version / FILE
    data = bytearray(cache.read_bytes())
    if damage == "flip":
        middle = len(data) // 2
        data[middle : middle + 64] = bytes(b ^ 0x5A for b in data[middle : middle + 64])
    elif damage == "truncate":
        data = data[: len(data) // 3]
    elif damage == "empty":
        data = bytearray()
    else:
        header_end = data.index(b"\n", len(model_cache.MAGIC)) + 1
        data = data[:header_end] + b"not a pickle at all"
    cache.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="routing.store"):
        fallback = open_directory(copy, tmp_path / "index")
    assert not fallback.cached
    assert fallback.directory == first.directory
    assert fallback.directory.contact(TEAM).summary.endswith(SAID)
    if damage in ("flip", "truncate", "garbage"):
        assert "unreadable" in caplog.text
    assert open_directory(copy, tmp_path / "index").cached, "the full load should have written a good cache"


@pytest.mark.parametrize("at", [0.1, 0.5, 0.9, 0.999])
def test_one_changed_byte_anywhere_in_the_cache_is_a_full_load(copy: Path, tmp_path: Path, at: float) -> None:
    # A byte inside an example's text or a contact's summary still unpickles; the cache must notice anyway.
    first = open_directory(copy, tmp_path / "index")
    cache = tmp_path / "index" / first.directory.version / FILE
    data = bytearray(cache.read_bytes())
    data[int(len(data) * at)] ^= 0x01
    cache.write_bytes(bytes(data))
    assert not open_directory(copy, tmp_path / "index").cached


def test_a_cache_from_other_code_is_not_used(copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    open_directory(copy, tmp_path / "index")
    monkeypatch.setattr(model_cache, "code_fingerprint", lambda: "another release")
    assert not open_directory(copy, tmp_path / "index").cached


def test_workers_starting_together_load_in_full_once(copy: Path, tmp_path: Path) -> None:
    results: list[model_cache.Loaded] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            results.append(open_directory(copy, tmp_path / "index"))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(r.cached for r in results) == [False, True, True, True]
    assert all(r.directory == results[0].directory for r in results)
    leftovers = [p.name for p in (tmp_path / "index" / results[0].directory.version).iterdir() if p.name.startswith(f".{FILE}")]
    assert leftovers == [], "no temporary cache file is left behind"
