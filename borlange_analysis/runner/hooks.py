"""Test hooks: fixed points where a test can stop a run, read only from the environment.

Tests must hit the same moment every time (a signal while kernels run, while a report is being
published, while an index is written) without guessing with ``sleep``. When
``BORLANGE_TEST_PAUSE_AT`` names a point, the run writes the file ``BORLANGE_TEST_PAUSE_FILE`` (its
pid) on reaching that point the first time, then waits until a stop signal arrives, a file
``<pause file>.continue`` appears, or ``BORLANGE_TEST_PAUSE_SECONDS`` (default 60) pass.

Points: ``planning`` (jobs planned, nothing written), ``kernels`` (a worker has started a report),
``publishing`` (a report's files moved into place, its record not yet final), ``indexing`` (a set's
``index.html`` written, its ``summary.json`` not yet).

``BORLANGE_TEST_KILL_WORKER=<report name>[:<attempts>]`` makes the worker running that report kill
itself (SIGKILL, like the out-of-memory killer) shortly after its kernel starts executing, on every
attempt or only on the first ``<attempts>``.

Nothing here does anything unless those variables are set.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Protocol

PAUSE_AT = "BORLANGE_TEST_PAUSE_AT"
PAUSE_FILE = "BORLANGE_TEST_PAUSE_FILE"
PAUSE_SECONDS = "BORLANGE_TEST_PAUSE_SECONDS"
KILL_WORKER = "BORLANGE_TEST_KILL_WORKER"
POINTS = ("planning", "kernels", "publishing", "indexing")
_reached: set[str] = set()
_counts: dict[str, int] = {}
_watched: list[_Stoppable] = []


class _Stoppable(Protocol):
    @property
    def stopped(self) -> bool: ...


def watch(trap: _Stoppable | None) -> None:
    """The run's signal trap: a pause ends as soon as a stop signal arrives."""
    _watched[:] = [trap] if trap is not None else []


def pause(point: str, trap: _Stoppable | None = None) -> None:
    """Wait here if a test asked to (see the module docstring). ``<point>:<n>`` pauses the n-th
    time the point is reached (e.g. ``kernels:2``: when the second report starts)."""
    wanted, _, nth = os.environ.get(PAUSE_AT, "").partition(":")
    if wanted != point or point in _reached:
        return
    _counts[point] = _counts.get(point, 0) + 1
    if _counts[point] < (int(nth) if nth.isdigit() else 1):
        return
    _reached.add(point)
    marker = os.environ.get(PAUSE_FILE)
    if marker:
        from .._io import atomic_write_text

        atomic_write_text(marker, f"{os.getpid()} {point}\n")
    cont = Path(f"{marker}.continue") if marker else None
    deadline = time.monotonic() + float(os.environ.get(PAUSE_SECONDS, "60"))
    trap = trap or (_watched[0] if _watched else None)
    while time.monotonic() < deadline:
        if trap is not None and trap.stopped:
            return
        if cont is not None and cont.exists():
            return
        time.sleep(0.02)


def kill_worker_attempts(name: str) -> int | None:
    """How many attempts of report ``name`` should kill their worker (None: none; 0: every one)."""
    spec = os.environ.get(KILL_WORKER, "")
    for item in spec.split(","):
        target, _, attempts = item.strip().partition(":")
        if target and target == name:
            return int(attempts) if attempts.strip().isdigit() else 0
    return None
