"""The run loop against a fake executor (no kernels, no data): retry once on a fresh worker after
a crash, stop cleanly on a signal, stop on a write error, compose the site in every case."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
from runner_fakes import RecordingUI, plan_offline

from borlange_analysis.runner import run
from borlange_analysis.runner.executor import Event, Task


class FakeExecutor:
    """Executes tasks at once: writes the staged page, or 'crashes' / fails as told."""

    crashes: dict[str, int] = {}
    signal_on: str = ""
    errno_on: str = ""
    instances: list[FakeExecutor] = []

    def __init__(self, slots: int, env: dict[str, str]):
        self.slots = slots
        self.pending: list[Task] = []
        self.fresh: list[Task] = []
        self.killed = None
        FakeExecutor.instances.append(self)

    def free_slots(self) -> int:
        return self.slots - len(self.pending)

    def submit(self, task: Task) -> None:
        self.pending.append(task)

    def poll(self, timeout: float) -> list[Event]:
        events = []
        for task in self.pending:
            name = task.job["name"]
            events.append(Event("started", task))
            if name == self.signal_on:
                os.kill(os.getpid(), signal.SIGTERM)
                continue
            if task.attempt > 1:
                self.fresh.append(task)
            if self.crashes.get(name, 0) >= task.attempt:
                events.append(Event("crashed", task, detail="worker process was killed (SIGKILL)"))
                continue
            if name == self.errno_on:
                events.append(Event("done", task, {"name": name, "status": "failed", "error": "disk", "errno": 28}))
                continue
            stage = Path(task.stage)
            stage.mkdir(parents=True, exist_ok=True)
            (stage / f"{name}.html").write_text(f"<p>{name}</p>", encoding="utf-8")
            outcome = {"name": name, "status": "built", "seconds": 0.1, "files": [f"{name}.html"], "key": {}}
            events.append(Event("done", task, outcome))
        self.pending = [t for t in self.pending if t.job["name"] == self.signal_on]
        return events

    def shutdown(self, *, kill: bool) -> None:
        self.killed = kill


@pytest.fixture
def loop(monkeypatch, tmp_path):
    plan_offline(monkeypatch, tmp_path)
    FakeExecutor.crashes, FakeExecutor.signal_on, FakeExecutor.errno_on = {}, "", ""
    FakeExecutor.instances = []

    def go(*partners: str, force: bool = True) -> tuple[run.Summary, RecordingUI]:
        ui = RecordingUI()
        opts = run.Options(
            notebooks=["partner"],
            partners=list(partners),
            current_year=2026,
            output=tmp_path / "reports",
            force=force,
            min_free="0",
            formats="html",
        )
        return run.main(opts, ui, executor=FakeExecutor), ui

    return go


def _set(tmp_path: Path) -> Path:
    return tmp_path / "reports" / "Borlänge" / "2026" / "sv"


def test_crashed_task_is_retried_once_on_a_fresh_worker_then_failed(loop, tmp_path):
    FakeExecutor.crashes = {"partner-ssab": 2, "partner-ikea": 1}
    summary, ui = loop("ssab", "ikea", "tunabyggen")
    assert summary.exit_code == 1
    status = {r.name: (r.status, r.attempts) for r in summary.results}
    assert status == {"partner-ssab": ("failed", 2), "partner-ikea": ("built", 2), "partner-tunabyggen": ("built", 1)}
    assert sorted(t.job["name"] for t in FakeExecutor.instances[0].fresh) == ["partner-ikea", "partner-ssab"]
    assert "partner-ssab: worker process was killed (SIGKILL); retrying once on a fresh worker" in ui.lines
    failed = _set(tmp_path) / "_failed" / "partner-ssab.ipynb"
    assert "attempt 2 of 2" in failed.read_text(encoding="utf-8")
    summary_json = json.loads((_set(tmp_path) / "summary.json").read_text(encoding="utf-8"))
    assert {e["name"]: e["status"] for e in summary_json["reports"]}["partner-ssab"] == "failed"
    assert FakeExecutor.instances[0].killed is False


def test_signal_stops_handing_out_work_and_the_site_is_composed(loop, tmp_path):
    FakeExecutor.signal_on = "partner-ikea"
    summary, _ = loop("ssab", "ikea", "tunabyggen")
    assert summary.exit_code == 143 and summary.signal == "SIGTERM"
    status = {r.name: r.status for r in summary.results}
    assert status["partner-ssab"] == "built" and status["partner-ikea"] == "interrupted"
    assert FakeExecutor.instances[0].killed is True
    last = json.loads((tmp_path / "reports" / "last-run.json").read_text(encoding="utf-8"))
    assert last["status"] == "interrupted" and last["counts"]["built"] == 1
    assert (_set(tmp_path) / "index.html").is_file() and not list(tmp_path.rglob(".staging"))


def test_write_error_in_a_worker_stops_the_run_with_73(loop, tmp_path):
    FakeExecutor.errno_on = "partner-ssab"
    summary, _ = loop("ssab", "ikea")
    assert summary.exit_code == 73 and summary.error == "disk"
    last = json.loads((tmp_path / "reports" / "last-run.json").read_text(encoding="utf-8"))
    assert last["status"] == "error" and last["exit_code"] == 73


def test_current_reports_are_skipped_and_nothing_started(loop, tmp_path):
    loop("ssab")
    summary, ui = loop("ssab", force=False)
    assert [r.status for r in summary.results] == ["skipped"] and summary.exit_code == 0
    assert len(FakeExecutor.instances) == 1, "no executor is started when everything is current"
    assert "start 1 0" in ui.lines
