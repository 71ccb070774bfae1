"""The C allocator's policy for a searching process: memory freed is kept for the next array.

A search allocates and frees arrays as long as the index has rows (2.5-5 MB each on 4× zh-laws's
643,220 rows, dozens a query). glibc maps every allocation above its mmap threshold afresh and
unmaps it when freed, and gives memory freed at the heap's top back to the system above its trim
threshold, so the pages of each such array fault in again, at a cost this machine puts at
~1 µs a page: 的 took 35 ms warm, 8 of them system time for 6,751 page faults, and 16 ms with
none (tests/benchmarks/results-speed.md, "Page faults").
"""

from __future__ import annotations

import ctypes
import os
import sys

_M_TRIM_THRESHOLD = -1  # mallopt's parameter numbers, from glibc's malloc.h
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 << 20  # the largest glibc takes: arrays above it are still mapped apart
_TRIM_THRESHOLD = 256 << 20  # free memory kept at the heap's top before it is given back
# Set by the user, these win: glibc read them at start-up, and mallopt would override them.
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds for this process; whether it did (not on other
    systems or C libraries, nor when the user tuned the allocator)."""
    if not sys.platform.startswith("linux") or any(name in os.environ for name in _USER_SETTINGS):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    )
