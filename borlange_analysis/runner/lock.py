"""One lock per output root: only one run writes into a reports folder at a time.

The lock is an operating-system file lock (:mod:`filelock`: ``flock`` on Unix, ``msvcrt`` locking
on Windows) on ``<root>/.borlange-run.lock``. The operating system drops it when the process ends
in any way, so a run killed with SIGKILL never blocks the next one. Beside it, the holder writes
``<root>/.borlange-run.json`` (pid, start time, run id, host): a second run names the holder in its
message, and a run that finds this file left behind by a dead process knows it takes over from a
run that did not finish (and cleans up after it).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .._io import atomic_write_json
from ..errors import BorlangeError

LOCK_FILE = ".borlange-run.lock"
INFO_FILE = ".borlange-run.json"


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) an output root's lock."""

    pid: int
    started: str
    run_id: str
    host: str = ""
    create_time: float = 0.0

    def describe(self) -> str:
        return f"pid {self.pid}, started {self.started}"

    def alive(self) -> bool:
        """True when the process still runs (same pid and the same process start time)."""
        import psutil

        if self.host and self.host != socket.gethostname():
            return True  # another machine: cannot tell, assume it runs
        try:
            proc = psutil.Process(self.pid)
            if proc.status() == psutil.STATUS_ZOMBIE:
                return False
            return not self.create_time or abs(proc.create_time() - self.create_time) < 1.0
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, ValueError):
            return False


class Busy(BorlangeError):
    """Another run holds the lock of an output root (exit code 75)."""

    def __init__(self, root: Path, holder: Holder | None):
        self.root = root
        self.holder = holder
        who = holder.describe() if holder else "pid unknown, started at an unknown time"
        super().__init__(f"another run ({who}) is writing to {root}; try again later, or pass --wait [SECONDS]")


def read_holder(root: Path) -> Holder | None:
    try:
        raw: dict[str, Any] = json.loads((root / INFO_FILE).read_text(encoding="utf-8"))
        return Holder(
            pid=int(raw["pid"]),
            started=str(raw.get("started", "?")),
            run_id=str(raw.get("run_id", "")),
            host=str(raw.get("host", "")),
            create_time=float(raw.get("create_time", 0.0)),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).strftime("%Y-%m-%d %H:%M:%S UTC")


class OutputLock:
    """The lock of one output root; :meth:`acquire` returns the holder of a lock left behind by a
    run that ended without releasing it (None when the last run ended cleanly)."""

    def __init__(self, root: Path, run_id: str):
        import filelock

        self.root = Path(root)
        self.run_id = run_id
        self._lock = filelock.FileLock(self.root / LOCK_FILE, thread_local=False)
        self.held = False

    def acquire(self, wait: float | None = None, *, on_wait: Any = None) -> Holder | None:
        """Take the lock: at once (``wait`` None), or waiting up to ``wait`` seconds (``inf``: for
        as long as it takes). Raises :class:`Busy` when another run holds it."""
        import filelock
        import psutil

        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            holder = self._holder_of_busy_lock()
            if wait is None or wait <= 0:
                raise Busy(self.root, holder) from None
            if on_wait is not None:
                on_wait(self.root, holder)
            try:
                self._lock.acquire(timeout=-1 if wait == float("inf") else wait, poll_interval=0.1)
            except filelock.Timeout:
                raise Busy(self.root, self._holder_of_busy_lock()) from None
        self.held = True
        try:
            left = read_holder(self.root)
            if left is not None and left.run_id != self.run_id and left.alive() and left.pid != os.getpid():
                # the file lock did not exclude it (a file system without working locks): refuse
                self.release(keep_info=True)
                raise Busy(self.root, left)
            me = psutil.Process()
            atomic_write_json(
                self.root / INFO_FILE,
                asdict(
                    Holder(
                        pid=os.getpid(),
                        started=_now(),
                        run_id=self.run_id,
                        host=socket.gethostname(),
                        create_time=me.create_time(),
                    )
                ),
            )
        except BaseException:
            if self.held:
                self.release(keep_info=True)
            raise
        return left if left is not None and left.run_id != self.run_id else None

    def _holder_of_busy_lock(self) -> Holder | None:
        for _ in range(10):  # the holder writes its info file right after taking the lock
            holder = read_holder(self.root)
            if holder is not None:
                return holder
            time.sleep(0.05)
        return None

    def release(self, *, keep_info: bool = False) -> None:
        if not self.held:
            return
        if not keep_info:
            try:
                (self.root / INFO_FILE).unlink(missing_ok=True)
            except OSError:
                pass
        self._lock.release(force=True)
        self.held = False
