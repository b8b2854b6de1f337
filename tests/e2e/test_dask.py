"""Reports on a Dask cluster, running the real ``reports`` command: a LocalCluster gives the same
pages and CSVs as the local pool; a Dask worker killed mid-report is retried once, then failed with
its notebook in ``_failed/``; SIGINT/SIGTERM stop the run cleanly; a worker with different data is
refused with one line naming it; a running ``dask scheduler`` with ``dask worker`` processes
(started here on the loopback address) builds reports, sending the files back to the command, and
retries a report whose worker died; an unreachable scheduler exits 69."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from runner_support import ROOT, SET, Env, assert_consistent, leftovers, records, stop, write_notebooks

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]
DASK = str(Path(sys.executable).parent / "dask")
#: 2026-01-01: the pages' build-date line is the same in every run
EPOCH = "1767225600"
KOMMUNER = ("--kommun", "Borlänge", "--kommun", "Falun", "--kommun", "Ludvika")
PARTNERS = ("--notebook", "partner", "--partner", "ssab", "--partner", "hushagen", "--partner", "ikea")
_TABLES_DIR = re.compile(r"tables_dir[^\n]*")


def _env(tmp_path: Path, name: str = "run") -> Env:
    notebooks = tmp_path / "notebooks"
    if not notebooks.is_dir():
        write_notebooks(notebooks)
    return Env(tmp_path, tmp_path / name, notebooks=notebooks)


def _comparable(root: Path) -> dict[str, object]:
    """Every published file of a root, with what differs between two equal runs taken out: the
    build's duration in its record and the staging path injected as the notebook's tables_dir."""
    out: dict[str, object] = {}
    for f in sorted(root.rglob("*")):
        rel = f.relative_to(root).as_posix()
        if not f.is_file() or rel.startswith(".borlange-run") or rel == "last-run.json":
            continue
        if f.name.endswith(".build.json"):
            rec = json.loads(f.read_text(encoding="utf-8"))
            rec.pop("seconds", None)
            out[rel] = rec
        elif f.suffix == ".ipynb":
            out[rel] = _TABLES_DIR.sub("tables_dir", f.read_text(encoding="utf-8"))
        else:
            out[rel] = f.read_bytes()
    return out


def test_local_cluster_gives_the_same_pages_and_csvs_as_the_local_pool(tmp_path):
    pool = _env(tmp_path, "pool")
    res = pool.run("--notebook", "overview", *KOMMUNER, "--jobs", "2", SOURCE_DATE_EPOCH=EPOCH)
    assert res.returncode == 0, res.stdout + res.stderr
    dask = _env(tmp_path, "dask")
    res = dask.run("--notebook", "overview", *KOMMUNER, "--cluster", "local:2", SOURCE_DATE_EPOCH=EPOCH)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "built 3, skipped 0, failed 0" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr
    a, b = _comparable(pool.out), _comparable(dask.out)
    assert sorted(a) == sorted(b)
    csvs = [k for k in a if k.endswith(".csv")]
    pages = [k for k in a if k.endswith("overview.html")]
    assert len(pages) == 3 and len(csvs) >= 3 * 3, "pages and tables of every kommun"
    differ = [k for k in a if a[k] != b[k]]
    assert differ == [], differ
    last = json.loads((dask.out / "last-run.json").read_text(encoding="utf-8"))
    assert last["status"] == "ok" and last["counts"]["built"] == 3
    assert_consistent(dask.out)
    assert not leftovers(dask.out)
    dask.assert_no_orphans()
    # nothing changed: a second run on the cluster skips everything without starting one
    res = dask.run("--notebook", "overview", *KOMMUNER, "--cluster", "local:2", SOURCE_DATE_EPOCH=EPOCH)
    assert res.returncode == 0 and "built 0, skipped 3, failed 0" in res.stdout, res.stdout + res.stderr


def test_a_killed_dask_worker_is_retried_once_then_failed_and_the_run_completes(tmp_path):
    env = _env(tmp_path)
    res = env.run(
        *PARTNERS,
        "--cluster",
        "local:2",
        BORLANGE_TEST_KILL_WORKER="partner-ssab:1,partner-hushagen",  # ssab: first attempt; hushagen: every one
    )
    out = res.stdout
    assert res.returncode == 1, out + res.stderr
    assert re.search(r"partner-ssab: Dask worker \S+ \(tcp://127\.0\.0\.1:\d+\) died; retrying once on a fresh", out)
    assert re.search(r"partner-hushagen: Dask worker .* died; retrying once on a fresh worker", out)
    assert "built 2, skipped 0, failed 1" in out
    assert "Traceback" not in out + res.stderr
    folder = env.out / SET
    failed = folder / "_failed" / "partner-hushagen.ipynb"
    assert failed.is_file() and "died (attempt 2 of 2)" in failed.read_text(encoding="utf-8")
    recs = records(folder)
    assert recs["partner-ssab"]["status"] == recs["partner-ikea"]["status"] == "built"
    assert recs["partner-hushagen"]["status"] == "failed"
    last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
    attempts = {r["name"]: (r["status"], r["attempts"]) for r in last["reports"]}
    assert attempts == {"partner-ssab": ("built", 2), "partner-hushagen": ("failed", 2), "partner-ikea": ("built", 1)}
    env.assert_no_orphans()
    assert_consistent(env.out)
    assert not leftovers(env.out)


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_a_signal_cancels_the_futures_and_closes_the_local_cluster(tmp_path, signame):
    env = _env(tmp_path)
    proc = env.spawn(*PARTNERS, "--cluster", "local:2", BORLANGE_TEST_PAUSE_AT="kernels", RUNNER_TEST_SLEEP="30")
    env.wait_for_pause(proc)
    signum = getattr(signal, signame)
    t0 = time.monotonic()
    code, out, err = stop(proc, signum)
    assert code == 128 + signum, out + err
    assert time.monotonic() - t0 < 30, "stopped without waiting for the reports"
    assert "Traceback" not in out + err
    m = re.search(r"interrupted: (\d+) built, (\d+) not started, (\d+) stopped while building", out)
    assert m and int(m.group(1)) == 0 and int(m.group(3)) >= 1, out
    assert not (env.out / SET / "_failed").exists(), "stopped reports are not failures"
    env.assert_no_orphans()
    last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
    assert last["status"] == "interrupted" and last["signal"] == signame
    assert_consistent(env.out)
    assert not leftovers(env.out)


# --- a running scheduler and its workers ----------------------------------------------------------------


def _odd_home(tmp_path: Path) -> Path:
    """A BORLANGE_HOME whose data manifest differs from the real one in one input's checksum."""
    manifest = json.loads((ROOT / "data" / "processed" / "manifest.json").read_text(encoding="utf-8"))
    first = sorted(manifest["inputs"])[0]
    manifest["inputs"][first]["sha256"] = "0" * 64
    home = tmp_path / "odd-home"
    (home / "data" / "processed").mkdir(parents=True)
    (home / "data" / "processed" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return home


class _Cluster:
    """``dask scheduler`` and ``dask worker`` processes on 127.0.0.1 (each in its own session)."""

    def __init__(self, env: Env, tmp_path: Path):
        self.env = env
        self.file = tmp_path / "scheduler.json"
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.logs = tmp_path / "dask-logs"
        self.logs.mkdir()

    def _start(self, name: str, args: list[str], **extra: str) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            args, env=self.env.env(**extra), stdout=log, stderr=log, cwd=self.logs, start_new_session=True
        )

    def scheduler(self) -> str:
        self._start("scheduler", [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(self.file)])  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.file.is_file():
                try:
                    return str(json.loads(self.file.read_text(encoding="utf-8"))["address"])
                except (ValueError, KeyError):
                    pass
            time.sleep(0.2)
        raise AssertionError("the scheduler did not start")

    def worker(self, name: str, address: str, **extra: str) -> None:
        self._start(name, [DASK, "worker", address, "--nthreads", "1", "--name", name, "--no-dashboard"], **extra)

    def wait_for(self, address: str, names: set[str]) -> None:
        from distributed import Client

        with Client(address, timeout=60) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                seen = {str(w["name"]) for w in client.scheduler_info(n_workers=-1)["workers"].values()}
                if seen == names:
                    return
                time.sleep(0.2)
        logs = "\n".join(f.read_text(encoding="utf-8", errors="replace")[-2000:] for f in self.logs.iterdir())
        raise AssertionError(f"workers {names} did not join:\n{logs}")

    def stop(self, name: str) -> None:
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)

    def close(self) -> None:
        for name in [n for n in self.procs if n != "scheduler"] + (["scheduler"] if "scheduler" in self.procs else []):
            self.stop(name)


def test_a_worker_with_other_data_is_refused_then_a_running_scheduler_builds_and_retries(tmp_path):
    env = _env(tmp_path)
    cluster = _Cluster(env, tmp_path)
    try:
        address = cluster.scheduler()
        # the good worker kills itself during its first attempt at a report (its nanny starts a new one)
        cluster.worker("good", address, BORLANGE_TEST_KILL_WORKER="overview:1")
        cluster.worker("odd", address, BORLANGE_HOME=str(_odd_home(tmp_path)))
        cluster.wait_for(address, {"good", "odd"})
        res = env.run("--notebook", "overview", "--scheduler", address, SOURCE_DATE_EPOCH=EPOCH)
        assert res.returncode == 2, res.stdout + res.stderr
        errors = [line for line in res.stderr.splitlines() if line.strip()]
        assert len(errors) == 1, res.stderr
        assert re.match(r"error: Dask worker odd \(tcp://127\.0\.0\.1:\d+\) sees a different data manifest", errors[0])
        assert f"BORLANGE_HOME {tmp_path / 'odd-home'}" in errors[0]
        assert "good" not in errors[0]
        assert not records(env.out / SET), "nothing was built"
        last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
        assert last["exit_code"] == 2 and last["status"] == "error"

        cluster.stop("odd")
        cluster.wait_for(address, {"good"})
        res = env.run("--notebook", "overview", "--scheduler", address, SOURCE_DATE_EPOCH=EPOCH)
        assert res.returncode == 0, res.stdout + res.stderr
        assert re.search(r"overview: Dask worker good \(tcp://127\.0\.0\.1:\d+\) died; retrying once", res.stdout)
        assert "built 1, skipped 0, failed 0" in res.stdout
        assert records(env.out / SET)["overview"]["status"] == "built"
        last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
        assert [(r["status"], r["attempts"]) for r in last["reports"]] == [("built", 2)]
        page = (env.out / SET / "overview.html").read_text(encoding="utf-8")
        assert "Byggd 1 januari 2026 kl. 00.00 UTC" in page, "the worker builds with the run's SOURCE_DATE_EPOCH"
        assert_consistent(env.out)
        assert not leftovers(env.out)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            kernels = [p for p in env.processes() if "ipykernel" in " ".join(p.cmdline())]
            if not kernels:
                break
            time.sleep(0.2)
        assert not kernels, "the run's kernel on the worker is stopped when the run ends"
    finally:
        cluster.close()
    env.assert_no_orphans()


def test_an_unreachable_scheduler_exits_69_with_one_line(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _env(tmp_path)
    res = env.run("--notebook", "overview", "--scheduler", f"tcp://127.0.0.1:{port}", timeout=120)
    assert res.returncode == 69, res.stdout + res.stderr
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in res.stderr
    assert "Traceback" not in res.stdout + res.stderr
