"""Progress of a run on the command line: one bar over all jobs, or one line per report in a log.

Both forms say how many reports are done of how many, how many kommuner are complete, how many
reports a second are being built and how long the rest should take (from the reports built so far
in this run: skipped ones cost nothing and are left out of the rate). :class:`PlainUI` writes one
line per report that was built, failed or stopped (standard output is not a terminal: cron, logs);
:class:`TerminalUI` draws a bar. At the end :func:`print_summary` lists the counts and every failed
report with its error and the notebook kept in ``_failed/``.
"""

from __future__ import annotations

import math
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

#: At most this many reports in the end-of-run table on a terminal (the rest: last-run.json).
TABLE_ROWS = 40
#: The build rate (and the time left) is taken over this many of the latest reports.
WINDOW = 30


def duration(seconds: float) -> str:
    """'45 s', '3 min 05 s', '1 h 02 min'."""
    if not math.isfinite(seconds):
        return "?"
    s = int(round(max(0.0, seconds)))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d} min"


class Tracker:
    """Counts of a run: reports done of all planned, kommuner complete, the build rate and the
    time left."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.total = 0
        self.to_build = 0
        self.done = 0
        self.finished = 0  # built, failed or stopped in this run (what the rate counts)
        self.per_kommun: dict[str, int] = {}
        self.left: dict[str, int] = {}
        self.started: float | None = None
        self.recent: deque[float] = deque(maxlen=WINDOW)

    def plan(self, per_kommun: Mapping[str, int]) -> None:
        self.per_kommun = dict(per_kommun)
        self.left = dict(per_kommun)

    def start(self, *, total: int, to_build: int) -> None:
        self.total, self.to_build = total, to_build
        self.started = self.clock()

    def add(self, result: Any) -> None:
        self.done += 1
        if result.status != "skipped":
            self.finished += 1
            self.recent.append(self.clock())
        kommun = str(getattr(result, "set", "")).split("/")[0]
        if kommun in self.left:
            self.left[kommun] -= 1

    @property
    def kommuner_done(self) -> int:
        return sum(1 for n in self.left.values() if n <= 0)

    @property
    def kommuner(self) -> int:
        return len(self.per_kommun)

    def rate(self) -> float:
        """Reports finished per second in this run (0 before the first): over the last
        :data:`WINDOW` reports once there are that many (the first reports of a run also start the
        workers and warm their kernels), else since the start."""
        if self.started is None or self.finished == 0:
            return 0.0
        if len(self.recent) >= WINDOW:
            return (len(self.recent) - 1) / max(self.recent[-1] - self.recent[0], 1e-9)
        return self.finished / max(self.clock() - self.started, 1e-9)

    def time_left(self) -> float:
        r = self.rate()
        remaining = self.total - self.done
        return remaining / r if r > 0 else (0.0 if remaining == 0 else math.inf)

    def status(self) -> str:
        """'kommuner 3/290 · 1.4 reports/s · 2 min 10 s left'."""
        parts = [f"kommuner {self.kommuner_done}/{self.kommuner}"] if self.kommuner else []
        r = self.rate()
        if r > 0:
            parts.append(f"{r:.2f} reports/s")
            parts.append(f"{duration(self.time_left())} left")
        return " · ".join(parts)


class PlainUI:
    """Line-based progress for logs and cron (standard output is not a terminal)."""

    def __init__(self, out: Callable[[str], None] | None = None, err: Callable[[str], None] | None = None) -> None:
        self.track = Tracker()
        self._out = out or (lambda text: print(text, flush=True))
        self._err = err or (lambda text: print(text, file=sys.stderr, flush=True))

    @property
    def total(self) -> int:
        return self.track.total

    def _print(self, text: str) -> None:
        self._out(text)

    def plan(self, per_kommun: Mapping[str, int]) -> None:
        self.track.plan(per_kommun)

    def start(self, *, total: int, to_build: int) -> None:
        self.track.start(total=total, to_build=to_build)
        self._print(f"reports: {total} planned, {total - to_build} up to date, {to_build} to build")

    def result(self, result: Any) -> None:
        self.track.add(result)
        if result.status == "skipped":
            return  # counted: the first line said how many are up to date
        width = len(str(self.track.total))
        seconds = f" {result.seconds:.1f} s" if result.status in ("built", "failed") else ""
        note = f" ({result.error})" if result.error else ""
        count = f"[{self.track.done:>{width}}/{self.track.total}]"
        status = self.track.status()
        tail = f" · {status}" if status else ""
        self._print(f"{count} {result.status:<11} {result.name} · {result.set}{seconds}{note}{tail}")

    def notice(self, text: str) -> None:
        self._print(text)

    def error(self, text: str) -> None:
        self._err(f"error: {text}")

    def close(self) -> None:
        return None


class TerminalUI(PlainUI):
    """One progress bar over all jobs when standard output is a terminal."""

    def __init__(self, console: Any, err: Callable[[str], None] | None = None) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        super().__init__(err=err)
        self.console = console
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.task: Any = None

    def _print(self, text: str) -> None:
        self.console.print(text, soft_wrap=True, highlight=False, markup=False)

    def start(self, *, total: int, to_build: int) -> None:
        self.track.start(total=total, to_build=to_build)
        self.bar.start()
        self.task = self.bar.add_task("reports", total=total, status=self.track.status())

    def result(self, result: Any) -> None:
        self.track.add(result)
        if self.task is None:
            return
        if result.status == "failed":
            self._print(f"failed: {result.name} · {result.set} ({result.error})")
        self.bar.update(self.task, completed=self.track.done, status=self.track.status())

    def close(self) -> None:
        if self.task is not None:
            self.bar.update(self.task, completed=self.track.done, status=self.track.status())
        self.bar.stop()


def print_summary(summary: Any, ui: PlainUI, seconds: float, *, console: Any = None) -> None:
    """The end of a run: on a terminal a table of the reports (at most :data:`TABLE_ROWS`, failed
    first), then the counts and every failed report with its error and its notebook in ``_failed/``."""
    results = summary.results
    if isinstance(ui, TerminalUI) and console is not None:
        from rich.table import Table

        shown = sorted(
            (r for r in results if r.status != "skipped"), key=lambda r: (r.status != "failed", r.set, r.name)
        )
        table = Table(title="borlange-analysis reports")
        for col in ("report", "set", "status", "seconds", "note"):
            table.add_column(col)
        colors = {"built": "green", "skipped": "cyan", "failed": "red"}
        for r in shown[:TABLE_ROWS]:
            color = colors.get(r.status, "yellow")
            table.add_row(r.name, r.set, f"[{color}]{r.status}[/]", f"{r.seconds:.1f}", r.error)
        if shown:
            console.print(table)
        if len(shown) > TABLE_ROWS:
            ui.notice(f"... and {len(shown) - TABLE_ROWS} more (every report: last-run.json)")
    counts = {s: summary.count(s) for s in ("built", "skipped", "failed")}
    secret = sum(not r.public for r in results)
    where = summary.public_root + (f" (confidential: {summary.confidential_root})" if secret else "")
    rate = counts["built"] / seconds if seconds > 0 and counts["built"] else 0.0
    speed = f" ({rate:.2f} reports/s)" if rate else ""
    ui.notice(
        f"built {counts['built']}, skipped {counts['skipped']}, failed {counts['failed']} "
        f"in {seconds:.1f} s{speed}; output: {where}"
    )
    failed = [r for r in results if r.status == "failed"]
    for r in failed:
        kept = f"; notebook: {r.failed_notebook}" if r.failed_notebook else ""
        ui.notice(f"failed: {r.name} · {r.set}: {r.error or 'see the notebook'}{kept}")
