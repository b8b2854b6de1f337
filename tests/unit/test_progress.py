"""Progress of a long run: reports done of all, kommuner complete, reports per second, time left;
one line per report in a log (skipped ones counted, not listed); failures listed at the end."""

from __future__ import annotations

from dataclasses import dataclass

from borlange_analysis.runner.progress import PlainUI, Tracker, duration, print_summary


@dataclass
class R:
    name: str
    set: str
    status: str = "built"
    seconds: float = 1.0
    error: str = ""
    failed_notebook: str = ""
    public: bool = True


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_duration():
    assert [duration(s) for s in (4.4, 65, 3725)] == ["4 s", "1 min 05 s", "1 h 02 min"]
    assert duration(float("inf")) == "?"


def test_tracker_counts_kommuner_rate_and_time_left():
    clock = Clock()
    t = Tracker(clock)
    t.plan({"Borlänge": 2, "Falun": 2, "Gagnef": 1})
    t.start(total=5, to_build=4)
    t.add(R("overview", "Gagnef/2026/sv", status="skipped"))
    assert t.kommuner_done == 1 and t.rate() == 0.0 and t.status() == "kommuner 1/3"
    clock.now += 2.0
    t.add(R("overview", "Borlänge/2026/sv"))
    t.add(R("peers", "Borlänge/2026/sv"))
    assert t.kommuner_done == 2
    assert t.rate() == 1.0, "skipped reports cost nothing: two built in two seconds"
    assert t.time_left() == 2.0 and t.status() == "kommuner 2/3 · 1.00 reports/s · 2 s left"


def test_plain_progress_lines():
    lines: list[str] = []
    ui = PlainUI(out=lines.append, err=lines.append)
    ui.plan({"Borlänge": 2, "Falun": 1})
    ui.start(total=3, to_build=2)
    ui.result(R("overview", "Falun/2026/sv", status="skipped"))
    ui.result(R("overview", "Borlänge/2026/sv", seconds=2.5))
    ui.result(R("peers", "Borlänge/2026/sv", status="failed", error="ValueError: x"))
    assert lines[0] == "reports: 3 planned, 1 up to date, 2 to build"
    assert len(lines) == 3, "a skipped report is counted, not listed"
    assert lines[1].startswith("[2/3] built       overview · Borlänge/2026/sv 2.5 s · kommuner 1/2 · ")
    assert "reports/s" in lines[1] and " left" in lines[1]
    assert lines[2].startswith("[3/3] failed      peers · Borlänge/2026/sv 1.0 s (ValueError: x) · kommuner 2/2")
    assert all("\x1b[" not in line for line in lines), "no terminal control codes in a log"


def test_the_summary_lists_every_failure_with_its_notebook():
    @dataclass
    class Summary:
        results: list
        public_root: str = "/r"
        confidential_root: str = ""

        def count(self, status):
            return sum(r.status == status for r in self.results)

    lines: list[str] = []
    ui = PlainUI(out=lines.append)
    results = [
        R("overview", "Borlänge/2026/sv"),
        R(
            "peers",
            "Falun/2026/sv",
            "failed",
            error="KeyError: 'x'",
            failed_notebook="/r/Falun/2026/sv/_failed/peers.ipynb",
        ),
        R("overview", "Gagnef/2026/sv", "skipped"),
    ]
    print_summary(Summary(results), ui, 10.0)
    assert lines[0] == "built 1, skipped 1, failed 1 in 10.0 s (0.10 reports/s); output: /r"
    assert lines[1] == "failed: peers · Falun/2026/sv: KeyError: 'x'; notebook: /r/Falun/2026/sv/_failed/peers.ipynb"


def test_the_rate_follows_the_latest_reports():
    clock = Clock()
    t = Tracker(clock)
    t.start(total=100, to_build=100)
    clock.now += 20.0  # workers start, kernels warm up
    for _ in range(40):
        clock.now += 0.5
        t.add(R("overview", "X/2026/sv"))
    assert abs(t.rate() - 2.0) < 1e-9, "two reports a second lately, not 40 in 40 s"
    assert abs(t.time_left() - 30.0) < 1e-9
