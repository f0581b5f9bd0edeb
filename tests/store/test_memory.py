"""The pages a load frees go back to the operating system, so a server is as large as what it keeps."""

from __future__ import annotations

import platform

import pytest

from routing.store.memory import give_back_freed_memory

pytestmark = pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")


def rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS in /proc/self/status")


def test_freed_small_allocations_leave_the_process() -> None:
    # 40 MB in 1 KiB buffers, one in 64 kept: the freed runs sit between live buffers, where glibc keeps them mapped.
    buffers = [bytearray(1024) for _ in range(40_000)]
    kept = buffers[::64]
    del buffers
    before = rss_kb()
    assert give_back_freed_memory() is True
    after = rss_kb()
    assert before - after > 10_000, f"RSS went from {before} KB to {after} KB: the ~39 MB freed was not given back"
    assert len(kept) == 625
