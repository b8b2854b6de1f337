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
