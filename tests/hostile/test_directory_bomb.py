"""A hostile directory.yaml is refused quickly, in little memory, with a file:line sentence."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from routing.core.directory import loads
from routing.errors import DirectoryError


def alias_bomb(levels: int = 8, width: int = 9) -> str:
    lines = ['a: &a [' + ", ".join(['"lol"'] * width) + "]"]
    for level in range(1, levels + 1):
        name, previous = chr(97 + level), chr(96 + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * width) + "]")
    return "\n".join(lines) + "\n"


def refused(text: str) -> tuple[DirectoryError, float, float]:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(DirectoryError) as caught:
            loads(text)
        return caught.value, time.perf_counter() - started, tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def test_a_billion_laughs_file_is_refused_at_once() -> None:
    error, seconds, peak_mb = refused(alias_bomb())
    assert "aliases" in str(error) and "directory.yaml:" in str(error)
    assert seconds < 2 and peak_mb < 50  # 9**8 values if expanded: gigabytes and many seconds


def test_a_wide_expansion_under_the_alias_count_is_capped_by_values() -> None:
    # Few aliases, each repeating a long list: caught by the value cap instead.
    big = "a: &a [" + ", ".join(["x"] * 12_000) + "]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    error, _, peak_mb = refused(big)
    assert "repeat more than" in str(error) and "directory.yaml:" in str(error)
    assert peak_mb < 200


def test_an_oversized_file_is_refused_before_parsing() -> None:
    error, seconds, _ = refused("# " + "x" * 33_000_000 + "\n")
    assert "characters long" in str(error)
    assert seconds < 1
