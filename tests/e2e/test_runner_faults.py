"""Disk full and read-only output folders: ``OSError(ENOSPC)`` and ``OSError(EROFS)`` injected at
every write point of a run through the one atomic-write helper, and the real thing on a small
tmpfs and a read-only mount. Each run ends with exit code 73 and one clear line, leaves the
published set consistent, and the next run cleans up and completes (running the real command)."""

from __future__ import annotations

import contextlib
import json
import subprocess
from pathlib import Path

import pytest
from runner_support import (
    SECRET_ID,
    SET,
    assert_consistent,
    base_set,
    copy_env,
    leftovers,
    published,
    records,
    tree,
)

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]
RUN = ("--notebook", "partner", "--partner", "ssab", "--force")

#: (suffix of the path written, the kind of run that reaches it): every write of a run, in run order.
#: "start": refused before anything starts; "build": a forced build; "compose": a run with nothing to
#: build (the site is composed all the same); "national": the same with the national table to update;
#: "fail": a failing report; "secret": a confidential partner.
WRITE_POINTS = [
    (".write-probe", "start"),  # the check before anything starts
    (".borlange-run.json", "start"),  # the lock's holder file
    ("scopes.csv", "build"),  # a table written by the kernel
    ("partner-ssab/partner-ssab.ipynb", "build"),  # staged notebook (worker)
    ("partner-ssab/partner-ssab.html", "build"),  # staged page (worker)
    ("partner-ssab.failed.ipynb", "fail"),  # a failed report's notebook (worker)
    ("partner-ssab.build.json", "build"),  # the build record (main)
    ("sv/index.html", "compose"),  # the set's index
    ("sv/summary.json", "compose"),  # the set's summary
    ("reports/national_summary.csv", "national"),  # the national table (when its inputs changed)
    ("reports/national_summary.csv.meta.json", "national"),
    ("reports/index.html", "compose"),  # the top-level index
    ("reports/index.en.html", "compose"),
    ("latest/index.html", "compose"),
    ("latest/sv/index.html", "compose"),
    ("reports/last-run.json", "compose"),
    ("reports-confidential/.borlange-run.json", "secret"),  # the confidential root's lock
    ("reports-confidential/last-run.json", "secret"),
    ("reports-confidential/withdrawals.json", "secret"),
    (f"partner-{SECRET_ID}.build.json", "secret"),  # a confidential report's record
]
BEFORE_ANYTHING = {".write-probe", ".borlange-run.json", "reports-confidential/.borlange-run.json"}


def _one_error_line(stderr: str, *words: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


ERRORS = [("ENOSPC", "No space left on device"), ("EROFS", "Read-only file system")]


@pytest.mark.parametrize("errno_name, text", ERRORS)
@pytest.mark.parametrize("suffix, case", WRITE_POINTS, ids=[w[0] for w in WRITE_POINTS])
def test_injected_oserror_at_every_write_point(tmp_path_factory, tmp_path, suffix, case, errno_name, text):
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    args = ["--notebook", "partner", "--partner", "ssab"]
    extra = {"BORLANGE_INJECT_OSERROR": f"{errno_name}:{suffix}"}
    if case in ("build", "fail"):
        args.append("--force")
    if case == "fail":
        extra["RUNNER_TEST_FAIL"] = "ssab"
    if case == "secret":
        (env.partners / SECRET_ID / "CONFIDENTIAL").write_text("", encoding="utf-8")
        args[-1] = SECRET_ID
    if case == "national":
        (env.out / "national_summary.csv").unlink()
    before = tree(env.out)
    res = env.run(*args, **extra)
    assert res.returncode == 73, res.stdout + res.stderr
    _one_error_line(res.stderr, text, f"({errno_name})")
    if suffix in BEFORE_ANYTHING:
        assert tree(env.out) == before, "stopped before anything was written"
        assert "reports:" not in res.stdout, "no kernel started"
    assert not [p for p in leftovers(env.out, env.secret) if ".tmp-" in p], "the helper removes its temporaries"
    assert_consistent(env.out)
    if errno_name != "ENOSPC":
        return  # the code path does not depend on the errno: one recovery run per write point is enough
    # the next run, with the disk fine again, cleans up and completes
    res = env.run(*[a for a in args if a != "--force"])
    assert res.returncode == 0, res.stdout + res.stderr
    assert not leftovers(env.out, env.secret)
    assert_consistent(env.out)
    assert records(env.out / SET)["partner-ssab"]["status"] == "built"
    last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
    assert last["status"] == "ok"


# --- the real thing: a small tmpfs and a read-only mount (root only) ---------------------------------


@contextlib.contextmanager
def _tmpfs(path: Path, size: str):
    path.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if res.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {res.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _remount(path: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(path)], check=True, capture_output=True)


def _mounted_env(tmp_path_factory, mnt: Path):
    """The base set's public root on the mount; partners' files and the pause file off it."""
    import shutil

    from runner_support import Env

    base = base_set(tmp_path_factory)
    shutil.copytree(base / "reports", mnt / "reports")
    env = Env(base, mnt)
    env.partners = mnt.parent / "partners"
    shutil.copytree(base / "partners", env.partners)
    env.pause_file = mnt.parent / "pause"
    return env


def _fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` up to the last byte."""
    import os

    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def test_disk_full_on_a_small_tmpfs(tmp_path_factory, tmp_path):
    with _tmpfs(tmp_path / "mnt", "8m") as mnt:
        env = _mounted_env(tmp_path_factory, mnt)
        before = published(env.out)
        # too little free space for --min-free: refused before any kernel starts
        res = env.run(*RUN, "--min-free", "100M")
        assert res.returncode == 73, res.stdout + res.stderr
        _one_error_line(res.stderr, "--min-free asks for 100.0 MB")
        # the disk fills up while the kernels run
        proc = env.spawn(*RUN, "--min-free", "0", BORLANGE_TEST_PAUSE_AT="kernels")
        env.wait_for_pause(proc)
        filler = _fill(env.work)
        env.release_pause()
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 73, out + err
        _one_error_line(err, "No space left on device")
        assert published(env.out) == before, "nothing half-published; the last good set stays"
        assert_consistent(env.out)
        filler.unlink()
        res = env.run(*RUN[:-1], "--min-free", "1M")
        assert res.returncode == 0, res.stdout + res.stderr
        assert not leftovers(env.out)
        assert_consistent(env.out)
        env.assert_no_orphans()


def test_read_only_mount(tmp_path_factory, tmp_path):
    with _tmpfs(tmp_path / "mnt", "16m") as mnt:
        env = _mounted_env(tmp_path_factory, mnt)
        before = tree(env.out)
        _remount(mnt, "ro")
        res = env.run(*RUN, "--min-free", "0")
        assert res.returncode == 73, res.stdout + res.stderr
        _one_error_line(res.stderr, f"output folder {env.out} is not writable", "Read-only file system (EROFS)")
        assert tree(env.out) == before
        _remount(mnt, "rw")
        # the set's folder turns read-only while the kernels run (a read-only bind mount over it:
        # the file system itself cannot be remounted read-only while the run holds its lock file)
        folder = env.out / SET
        proc = env.spawn(*RUN, "--min-free", "0", BORLANGE_TEST_PAUSE_AT="kernels")
        env.wait_for_pause(proc)
        subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True, capture_output=True)
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True, capture_output=True)
            env.release_pause()
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 73, out + err
            _one_error_line(err, "Read-only file system")
            assert_consistent(env.out)
            assert leftovers(env.out), "the staging folder could not be removed from a read-only folder"
        finally:
            subprocess.run(["umount", str(folder)], capture_output=True)
        res = env.run(*RUN[:-1], "--min-free", "0")
        assert res.returncode == 0, res.stdout + res.stderr
        assert "cleaned up in" in res.stdout
        assert not leftovers(env.out)
        assert_consistent(env.out)
        env.assert_no_orphans()
