"""The data lock: ``fetch``, ``prepare`` and the prepare-if-stale step of ``reports``,
``indicators`` and ``scenario`` take one lock on ``data/`` so they never write ``data/raw`` or
``data/processed`` at the same time (two report runs on different output folders, or a nightly
fetch meeting a researcher's prepare).

An operating-system file lock (:mod:`filelock`): a killed process releases it. A second process
waits (saying once who holds it) up to ``BORLANGE_DATA_LOCK_TIMEOUT`` seconds (default 3600), then
stops with :class:`DataBusyError`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import config
from ..errors import BorlangeError

LOCK_NAME = ".borlange-data.lock"
HOLDER_NAME = ".borlange-data.json"
DEFAULT_TIMEOUT_S = 3600.0


class DataBusyError(BorlangeError, RuntimeError):
    """Another process held the data lock longer than the timeout."""


def _timeout() -> float:
    try:
        return float(os.environ.get("BORLANGE_DATA_LOCK_TIMEOUT", DEFAULT_TIMEOUT_S))
    except ValueError:
        return DEFAULT_TIMEOUT_S


def _holder(folder: Path) -> str:
    try:
        info = json.loads((folder / HOLDER_NAME).read_text(encoding="utf-8"))
        return f"pid {info.get('pid')}, {info.get('what')}, started {info.get('started')}"
    except (OSError, ValueError):
        return "another process"


_HELD: dict[str, int] = {}


@contextmanager
def data_lock(what: str, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the data lock while ``what`` ("fetch", "prepare", ...) runs; re-entrant in a process."""
    import filelock

    folder = config.project_root() / "data"
    folder.mkdir(parents=True, exist_ok=True)
    key = str(folder)
    if _HELD.get(key):
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    lock = filelock.FileLock(str(folder / LOCK_NAME), thread_local=False)
    limit = _timeout() if timeout is None else timeout
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        print(f"waiting for the data lock ({_holder(folder)}) ...", file=sys.stderr, flush=True)
        try:
            lock.acquire(timeout=limit)
        except filelock.Timeout:
            raise DataBusyError(
                f"the data in {folder} stayed locked for {limit:g} s by {_holder(folder)}; try again later"
            ) from None
    _HELD[key] = 1
    try:
        info = {"pid": os.getpid(), "what": what, "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
        try:  # who holds the lock, for a waiting process's message only: not data, not published
            (folder / HOLDER_NAME).write_text(json.dumps(info), encoding="utf-8")
        except OSError:
            pass
        yield
    finally:
        _HELD[key] = 0
        (folder / HOLDER_NAME).unlink(missing_ok=True)
        lock.release()
