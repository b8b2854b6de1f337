"""Stand-ins the runner's unit tests share."""

from __future__ import annotations


class RecordingUI:
    """The report runner's UI, recording every line (start, result, notice, error) in ``lines``."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def start(self, *, total: int, to_build: int) -> None:
        self.lines.append(f"start {total} {to_build}")

    def result(self, result) -> None:
        self.lines.append(f"{result.status} {result.name}")

    def notice(self, text: str) -> None:
        self.lines.append(text)

    def error(self, text: str) -> None:
        self.lines.append(f"error: {text}")


def plan_offline(monkeypatch, tmp_path) -> None:
    """Let the runner plan without data: nothing to prepare, a fingerprint per job name, and an
    empty partners folder under ``tmp_path``."""
    from borlange_analysis import data
    from borlange_analysis.runner import plan

    monkeypatch.setattr(data, "ensure_prepared", lambda: False)

    def fingerprint(jobs, **kw):
        for j in jobs:
            j.input_hash = f"hash-{j.name}"

    monkeypatch.setattr(plan, "fingerprint_jobs", fingerprint)
    monkeypatch.setenv("BORLANGE_PARTNERS_DIR", str(tmp_path / "partners"))
