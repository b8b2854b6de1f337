"""Where reports are executed: an interface, and the local pool of warm-kernel worker processes.

The run loop (:mod:`.run`) talks to an :class:`Executor` only: it submits :class:`Task` objects and
polls for :class:`Event` objects ("started", "done" with the worker's outcome, "crashed" when the
worker died). Retrying a crashed task once, publishing and signals stay in the run loop, so another
backend (a Dask cluster, say) only has to implement these five members:

``slots`` (tasks it can run at once), ``free_slots()``, ``submit(task)``, ``poll(timeout)`` and
``shutdown(kill=...)``. A task with ``attempt > 1`` must run on a fresh worker.

:class:`LocalExecutor` runs one worker process per slot (spawned, not forked), each keeping one
warm Jupyter kernel (:func:`.kernels.worker_main`). It talks to each worker over its own pipe and
watches its process sentinel, so a worker killed by the operating system is noticed at once and
only its task is affected. :meth:`LocalExecutor.shutdown` with ``kill=True`` terminates the workers
(their kernels first) and then kills whatever of their process trees is still alive: no orphans.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import time
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from . import kernels


@dataclass(frozen=True)
class Task:
    """One report to execute (the job as a plain dict, so any backend can ship it)."""

    key: str
    job: dict[str, Any]
    formats: tuple[str, ...]
    stage: str
    attempt: int = 1

    def retry(self) -> Task:
        return replace(self, attempt=self.attempt + 1)


@dataclass
class Event:
    """What happened to a task: ``started``, ``done`` (``outcome`` holds the worker's result) or
    ``crashed`` (the worker died; ``detail`` says how)."""

    kind: str
    task: Task
    outcome: dict[str, Any] = field(default_factory=dict)
    detail: str = ""


class Executor(Protocol):
    """A pool that executes report tasks (see the module docstring)."""

    slots: int

    def free_slots(self) -> int: ...

    def submit(self, task: Task) -> None: ...

    def poll(self, timeout: float) -> list[Event]: ...

    def shutdown(self, *, kill: bool) -> None: ...


@dataclass
class _Worker:
    proc: Any  # multiprocessing.Process (spawn context)
    conn: Connection
    task: Task | None = None
    dead: bool = False


def _how_it_died(exitcode: int | None) -> str:
    if exitcode is None:
        return "worker process died"
    if exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"worker process was killed ({name})"
    return f"worker process exited with code {exitcode}"


class LocalExecutor:
    """Worker processes on this machine, one warm kernel each."""

    def __init__(self, slots: int, env: dict[str, str]):
        self.slots = max(1, int(slots))
        self.env = dict(env)
        self.ctx = mp.get_context("spawn")
        self.workers: list[_Worker] = []

    # -- the interface ------------------------------------------------------------------------

    def free_slots(self) -> int:
        return self.slots - sum(1 for w in self.workers if w.task is not None)

    def submit(self, task: Task) -> None:
        worker = None
        if task.attempt == 1:
            worker = next((w for w in self.workers if w.task is None and not w.dead), None)
        if worker is None:
            if len(self.workers) >= self.slots:
                idle = next((w for w in self.workers if w.task is None), None)
                if idle is None:
                    raise RuntimeError("no free worker slot")
                self._retire(idle)
            worker = self._spawn()
        worker.conn.send(task)
        worker.task = task

    def poll(self, timeout: float) -> list[Event]:
        if not self.workers:
            time.sleep(min(timeout, 0.05))
            return []
        waitables: list[Any] = [w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers]
        ready = wait(waitables, timeout)
        events: list[Event] = []
        for w in list(self.workers):
            if w.conn in ready:
                self._drain(w, events)
            if w.dead or w.proc.sentinel in ready or not w.proc.is_alive():
                self._drain(w, events)
                w.proc.join(timeout=1)
                if w.task is not None:
                    events.append(Event("crashed", w.task, detail=_how_it_died(w.proc.exitcode)))
                    w.task = None
                self._forget(w)
        return events

    def shutdown(self, *, kill: bool) -> None:
        """Stop every worker: politely (finish, stop the kernel) or, with ``kill``, at once."""
        import psutil

        trees: list[psutil.Process] = []
        for w in self.workers:
            try:
                p = psutil.Process(w.proc.pid)
                trees += [p, *p.children(recursive=True)]
            except (psutil.NoSuchProcess, ValueError, TypeError):
                pass
        for w in self.workers:
            if kill:
                if w.proc.is_alive():
                    w.proc.terminate()  # SIGTERM: the worker kills its kernel and exits
            else:
                try:
                    w.conn.send(None)
                except (OSError, ValueError):
                    pass
        deadline = time.monotonic() + (5.0 if kill else 30.0)
        for w in self.workers:
            w.proc.join(timeout=max(0.0, deadline - time.monotonic()))
        for w in self.workers:
            try:
                p = psutil.Process(w.proc.pid)
                trees += p.children(recursive=True)
            except (psutil.NoSuchProcess, ValueError, TypeError):
                pass
        alive = [p for p in trees if _running(p)]
        for p in alive:
            try:
                p.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(alive, timeout=5)
        for w in list(self.workers):
            w.proc.join(timeout=1)
            self._forget(w)

    # -- workers --------------------------------------------------------------------------------

    def _spawn(self) -> _Worker:
        import os

        mine, theirs = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(
            target=kernels.worker_main,
            args=(theirs, self.env, os.getpid()),
            name="borlange-report-worker",
            daemon=True,
        )
        proc.start()
        theirs.close()
        worker = _Worker(proc, mine)
        self.workers.append(worker)
        return worker

    def _drain(self, w: _Worker, events: list[Event]) -> None:
        try:
            while not w.dead and w.conn.poll():
                msg = w.conn.recv()
                kind, key = msg[0], msg[1]
                if w.task is None or w.task.key != key:
                    continue
                if kind == "started":
                    events.append(Event("started", w.task))
                elif kind == "done":
                    events.append(Event("done", w.task, outcome=dict(msg[2])))
                    w.task = None
        except (EOFError, OSError):
            w.dead = True

    def _retire(self, w: _Worker) -> None:
        try:
            w.conn.send(None)
        except (OSError, ValueError):
            pass
        w.proc.join(timeout=30)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join(timeout=5)
        self._forget(w)

    def _forget(self, w: _Worker) -> None:
        if w in self.workers:
            self.workers.remove(w)
        try:
            w.conn.close()
        except OSError:
            pass


def _running(p: Any) -> bool:
    import psutil

    try:
        return bool(p.is_running() and p.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False
