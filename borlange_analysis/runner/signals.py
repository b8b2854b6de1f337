"""Stopping a run cleanly on SIGINT (Ctrl-C) and SIGTERM (``timeout``, systemd, ``kill``).

A :class:`Trap` catches both signals for the duration of a run. It has two modes:

- *raising* (planning, waiting for the lock, preparing data): the signal raises
  :class:`Interrupted` at once, so a long step stops without finishing;
- *deferred* (building, publishing, composing the site): the signal only sets a flag that the run
  loop reads between steps, so a report being published or an index being written is finished and
  the published set stays consistent.

The exit code of an interrupted run is ``128 + signal number`` (130 for SIGINT, 143 for SIGTERM).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_active: list[Trap] = []


class Interrupted(BaseException):  # noqa: N818 - a signal, not an error
    """Raised in raising mode when a stop signal arrives (a BaseException: no ``except Exception``
    swallows it)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Trap:
    """Catches SIGINT and SIGTERM while active (a context manager; main thread only)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.raising = True
        self._old: dict[int, Any] = {}

    def __enter__(self) -> Trap:
        if threading.current_thread() is threading.main_thread():
            for s in SIGNALS:
                self._old[s] = signal.signal(s, self._handle)
        _active.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        for s, old in self._old.items():
            signal.signal(s, old)
        self._old.clear()
        if self in _active:
            _active.remove(self)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
        if self.raising:
            raise Interrupted(self.signum)

    @property
    def stopped(self) -> bool:
        """True once a stop signal has arrived."""
        return self.signum is not None

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum or signal.SIGINT)

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name if self.signum else ""

    def check(self) -> None:
        """Raise :class:`Interrupted` if a signal arrived (used when entering raising mode)."""
        if self.signum is not None:
            raise Interrupted(self.signum)

    @contextmanager
    def deferring(self) -> Iterator[None]:
        """Within the block a signal only sets the flag."""
        before = self.raising
        self.raising = False
        try:
            yield
        finally:
            self.raising = before

    @contextmanager
    def raising_mode(self) -> Iterator[None]:
        """Within the block a signal raises :class:`Interrupted` (also one that arrived before)."""
        before = self.raising
        self.raising = True
        try:
            self.check()
            yield
        finally:
            self.raising = before


def active() -> Trap | None:
    """The trap of the run in progress (None outside a run): lets a long step that runs in deferred
    mode, such as connecting to a cluster, stop early once a signal has arrived."""
    return _active[-1] if _active else None
