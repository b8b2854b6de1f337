"""The output root's checks and lock: sizes, writability, leftovers, one run at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borlange_analysis.errors import ParameterError
from borlange_analysis.runner import disk
from borlange_analysis.runner.lock import INFO_FILE, Busy, OutputLock, read_holder


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", 0),
        ("512", 512),
        ("200M", 200 * 1024**2),
        ("1.5G", int(1.5 * 1024**3)),
        ("10k", 10240),
        ("2GiB", 2 * 1024**3),
    ],
)
def test_parse_size(text, expected):
    """Sizes with an optional unit (powers of 1024)."""
    assert disk.parse_size(text) == expected


@pytest.mark.parametrize("text", ["", "lots", "-5M", "5X", "M"])
def test_parse_size_refuses_what_is_not_a_size(text):
    """A bad --min-free names the value and the form expected."""
    with pytest.raises(ParameterError, match="--min-free"):
        disk.parse_size(text)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["", "K", "M", "G"]))
def test_parse_size_scales_by_unit(n, unit):
    """The unit multiplies the number by a power of 1024."""
    assert disk.parse_size(f"{n}{unit}") == n * {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}[unit]


def test_check_writable_creates_the_root_and_leaves_no_probe(tmp_path):
    """The check writes and removes a probe file."""
    root = tmp_path / "new" / "reports"
    disk.check_writable(root, min_free=0)
    assert root.is_dir() and list(root.iterdir()) == []


def test_clean_leftovers_spares_the_probe_of_a_run_still_checking(tmp_path):
    """A run holding the lock does not remove the probe another run is writing right now (that
    run would then fail its writability check); a dead process's probe is removed."""
    live = tmp_path / f".tmp-abc-.{os.getpid()}{disk.PROBE}"
    dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tmp_path / f".{int(dead_pid.stdout)}{disk.PROBE}"
    live.write_text("x")
    dead.write_text("x")
    disk.clean_leftovers(tmp_path, keep_run="thisrun")
    assert live.exists() and not dead.exists()


def test_check_writable_refuses_too_little_space(tmp_path):
    """Free space below --min-free is refused with both figures."""
    with pytest.raises(disk.OutputError, match="--min-free asks for"):
        disk.check_writable(tmp_path, min_free=1 << 62)


@pytest.mark.parametrize("code, text", [("ENOSPC", "No space left on device"), ("EROFS", "Read-only file system")])
def test_check_writable_reports_a_failed_write(tmp_path, monkeypatch, code, text):
    """A write that fails is one line naming the folder and the error."""
    monkeypatch.setenv("BORLANGE_INJECT_OSERROR", f"{code}:{disk.PROBE}")
    with pytest.raises(disk.OutputError, match="is not writable") as err:
        disk.check_writable(tmp_path, min_free=0)
    assert text in str(err.value) and f"({code})" in str(err.value) and "\n" not in str(err.value)


def test_clean_leftovers_removes_other_runs_staging_and_temporaries(tmp_path):
    """Staging folders of other runs and atomic-write temporaries go; the current run's stay."""
    folder = tmp_path / "Borlänge" / "2026" / "sv"
    (folder / ".staging" / "oldrun" / "overview").mkdir(parents=True)
    (folder / ".staging" / "thisrun" / "overview").mkdir(parents=True)
    (folder / ".tmp-abc-index.html").write_text("half")
    (folder / "index.html").write_text("good")
    (tmp_path / ".tmp-x-last-run.json").write_text("{")
    cleaned = disk.clean_leftovers(tmp_path, keep_run="thisrun")
    assert (cleaned.staging, cleaned.temporaries) == (1, 2)
    assert not (folder / ".staging" / "oldrun").exists() and (folder / ".staging" / "thisrun").is_dir()
    assert (folder / "index.html").read_text() == "good"
    assert not disk.clean_leftovers(tmp_path, keep_run="thisrun")
    disk.clean_leftovers(tmp_path)
    assert not (folder / ".staging").exists()


HOLD = """
import sys, time
from pathlib import Path
from borlange_analysis.runner.lock import OutputLock
lock = OutputLock(Path(sys.argv[1]), "holder")
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def _holder(root: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_second_lock_is_busy_and_names_the_holder(tmp_path):
    """While another process holds the lock: Busy, naming its pid and start time."""
    proc = _holder(tmp_path)
    try:
        with pytest.raises(Busy) as err:
            OutputLock(tmp_path, "second").acquire()
        holder = read_holder(tmp_path)
        assert holder is not None and holder.pid == proc.pid
        assert f"another run (pid {proc.pid}, started {holder.started}) is writing to {tmp_path}" in str(err.value)
        t0 = time.monotonic()
        with pytest.raises(Busy):
            OutputLock(tmp_path, "third").acquire(wait=0.5)
        assert 0.4 < time.monotonic() - t0 < 10
    finally:
        proc.kill()
        proc.wait()


def test_lock_left_by_a_killed_process_is_taken_over(tmp_path):
    """The OS drops a killed holder's lock; its holder file tells the next run whom it replaces."""
    proc = _holder(tmp_path)
    proc.kill()
    proc.wait()
    lock = OutputLock(tmp_path, "next")
    left = lock.acquire()
    try:
        assert left is not None and left.pid == proc.pid
        assert read_holder(tmp_path).pid == os.getpid()
    finally:
        lock.release()
    assert not (tmp_path / INFO_FILE).exists()
    again = OutputLock(tmp_path, "after")
    assert again.acquire() is None, "a cleanly released lock leaves nothing to take over"
    again.release()


def test_waiting_lock_gets_it_when_the_holder_ends(tmp_path):
    """--wait: the lock is taken as soon as the holder ends."""
    proc = _holder(tmp_path)
    waits = []
    lock = OutputLock(tmp_path, "waiter")
    import threading

    threading.Timer(1.0, proc.kill).start()
    lock.acquire(wait=30, on_wait=lambda root, holder: waits.append(holder.pid))
    try:
        assert waits == [proc.pid]
    finally:
        lock.release()
        proc.wait()


def test_holder_file_of_a_live_run_is_respected(tmp_path):
    """On a file system where the OS lock does not exclude, a live holder still wins."""
    (tmp_path / INFO_FILE).write_text(
        json.dumps({"pid": os.getppid(), "started": "now", "run_id": "other", "create_time": 0})
    )
    with pytest.raises(Busy):
        OutputLock(tmp_path, "mine").acquire()
