"""The Dask executor's pure parts (no cluster, no data): the forms of --scheduler and --cluster,
their checks together with --jobs, the start-up check's comparison, staging a worker's files, and
the run loop stopping with the executor's exit code when the cluster cannot start."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runner_fakes import RecordingUI, plan_offline
from typer.testing import CliRunner

from borlange_analysis.cli import app
from borlange_analysis.errors import ParameterError
from borlange_analysis.runner import dask_executor as dx
from borlange_analysis.runner import run
from borlange_analysis.runner.executor import Task


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
        (" tcp://hda-node-3.du.se:8786/ ", "tcp://hda-node-3.du.se:8786"),
        ("tls://scheduler:8786", "tls://scheduler:8786"),
        ("tcp://[::1]:8786", "tcp://[::1]:8786"),
    ],
)
def test_scheduler_addresses(text, expected):
    assert dx.parse_scheduler(text) == expected


@pytest.mark.parametrize(
    "text",
    ["10.0.0.5:8786", "http://10.0.0.5:8786", "tcp://10.0.0.5", "tcp://:8786", "tcp://host:0", "tcp://host:99999",
     "tcp://host:8786/path", "tcp://user@host:8786", "tcp://host:port", ""],
)  # fmt: skip
def test_bad_scheduler_addresses_are_refused_with_the_form(text):
    with pytest.raises(ParameterError, match=r"is not a scheduler address: use tcp://HOST:PORT"):
        dx.parse_scheduler(text)


@pytest.mark.parametrize("text, n", [("local:1", 1), ("local:2", 2), (" local:16 ", 16)])
def test_cluster_forms(text, n):
    assert dx.parse_cluster(text) == n


@pytest.mark.parametrize("text", ["local", "local:0", "local:-1", "local:x", "slurm:4", "2", "local:257", "LOCAL:2"])
def test_bad_cluster_forms_are_refused_with_the_form(text):
    with pytest.raises(ParameterError, match=r"is not a cluster: use local:N"):
        dx.parse_cluster(text)


def test_cluster_spec_combinations():
    assert dx.cluster_spec(scheduler=None, cluster=None, jobs=None) is None
    assert dx.cluster_spec(scheduler=None, cluster=None, jobs=3) is None
    assert dx.cluster_spec(scheduler=None, cluster="local:3", jobs=None) == dx.ClusterSpec("local", workers=3)
    spec = dx.cluster_spec(scheduler="tcp://h:8786", cluster=None, jobs=4)
    assert spec == dx.ClusterSpec("scheduler", address="tcp://h:8786")
    with pytest.raises(ParameterError, match=r"use --cluster local:3 instead of --jobs 3"):
        dx.cluster_spec(scheduler=None, cluster="local:2", jobs=3)
    with pytest.raises(ParameterError, match=r"--scheduler and --cluster cannot be used together"):
        dx.cluster_spec(scheduler="tcp://h:8786", cluster="local:2", jobs=None)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--cluster", "local:2", "--jobs", "2"], "--cluster and --jobs cannot be used together"),
        (["--cluster", "local:2", "-j", "4"], "use --cluster local:4 instead of --jobs 4"),
        (["--cluster", "two"], "is not a cluster: use local:N"),
        (["--scheduler", "localhost:8786"], "is not a scheduler address"),
        (["--scheduler", "tcp://h:8786", "--cluster", "local:2"], "cannot be used together"),
        (["--scheduler", "tcp://h:8786", "--jobs", "0"], "--jobs must be at least 1"),
        (["--cluster", "local:2", "--kommun", "Atlantis"], "Unknown kommun"),
    ],
)
def test_bad_dask_options_exit_2_and_write_nothing(tmp_path, args, message):
    res = CliRunner().invoke(app, ["reports", "--output", str(tmp_path / "out"), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "out").exists()


# --- the start-up check ---------------------------------------------------------------------------


REFERENCE = {
    "version": "0.1.0",
    "code": "c" * 16,
    "data": "d" * 64,
    "notebooks": "n" * 16,
    "partners": "(missing)",
    "measures": "(empty)",
    "home": "/shared/borlange",
    "host": "client",
    "python": "3.11.9",
}


def test_matching_workers_pass_whatever_their_paths_and_python():
    same = {**REFERENCE, "home": "/mnt/borlange", "host": "node-1", "python": "3.11.2"}
    assert dx.odd_worker(REFERENCE, {"tcp://a:1": dict(REFERENCE), "tcp://b:1": same}) is None


@pytest.mark.parametrize(
    "key, label",
    [("version", "package version"), ("code", "code fingerprint"), ("data", "data manifest"),
     ("notebooks", "notebooks"), ("partners", "partner files"), ("measures", "measures files")],
)  # fmt: skip
def test_the_odd_worker_is_named_in_one_line(key, label):
    odd = {**REFERENCE, key: "e" * 64, "home": "/tmp/other", "host": "node-2"}
    line = dx.odd_worker(REFERENCE, {"tcp://a:1": dict(REFERENCE), "tcp://b:2": odd}, {"tcp://b:2": "node-2-w0"})
    assert line is not None and "\n" not in line
    assert line.startswith("Dask worker node-2-w0 (tcp://b:2) sees a different " + label)
    assert "eeeeeeeeeeee there" in line and "BORLANGE_HOME /tmp/other on host node-2" in line
    assert "docs/dask.md" in line


def test_a_worker_that_cannot_run_the_check_is_named():
    line = dx.odd_worker(REFERENCE, {"tcp://a:1": ModuleNotFoundError("No module named 'borlange_analysis'")})
    assert line is not None
    assert line.startswith("Dask worker tcp://a:1 cannot run the report code: ModuleNotFoundError")


def test_probe_sees_what_this_process_sees(tmp_path, monkeypatch):
    monkeypatch.setenv("BORLANGE_NOTEBOOKS", str(tmp_path / "nb"))
    monkeypatch.setenv("BORLANGE_PARTNERS_DIR", str(tmp_path / "partners"))
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "a.ipynb").write_text("{}", encoding="utf-8")
    first = dx.probe()
    assert first["partners"] == "(missing)" and len(first["notebooks"]) == 16
    assert first == dx.probe()
    (tmp_path / "nb" / "a.ipynb").write_text('{"changed": 1}', encoding="utf-8")
    assert dx.probe()["notebooks"] != first["notebooks"]
    (tmp_path / "nb" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "nb" / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    assert dx.probe()["notebooks"] == dx.probe()["notebooks"]


# --- a worker's files staged by the client -------------------------------------------------------------


def _task(tmp_path: Path) -> Task:
    return Task("k", {"name": "overview"}, ("html",), str(tmp_path / "stage" / "overview"))


def test_worker_files_are_written_into_the_stage(tmp_path):
    task = _task(tmp_path)
    Path(task.stage).mkdir(parents=True)
    (Path(task.stage) / "stale.html").write_text("old", encoding="utf-8")
    payload = {
        "outcome": {"name": "overview", "status": "built", "files": ["overview.html"], "seconds": 1.5},
        "files": {"overview.html": b"<p>hi</p>", "tables/overview/a.csv": b"x\n1\n"},
    }
    outcome = dx.stage_files(task, payload)
    assert outcome["status"] == "built"
    stage = Path(task.stage)
    assert (stage / "overview.html").read_bytes() == b"<p>hi</p>"
    assert (stage / "tables" / "overview" / "a.csv").read_bytes() == b"x\n1\n"
    assert not (stage / "stale.html").exists()


def test_a_failed_notebook_path_points_into_the_stage(tmp_path):
    task = _task(tmp_path)
    payload = {
        "outcome": {"name": "overview", "status": "failed", "files": [], "failed_notebook": "overview.failed.ipynb"},
        "files": {"overview.failed.ipynb": b"{}"},
    }
    outcome = dx.stage_files(task, payload)
    assert outcome["failed_notebook"] == str(Path(task.stage) / "overview.failed.ipynb")
    assert Path(outcome["failed_notebook"]).read_bytes() == b"{}"


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "a/../../b"])
def test_a_path_outside_the_stage_is_refused(tmp_path, bad):
    task = _task(tmp_path)
    outcome = dx.stage_files(task, {"outcome": {"status": "built", "files": []}, "files": {bad: b"x"}})
    assert outcome["status"] == "failed" and outcome["errno"]
    assert not (tmp_path / "escape.html").exists()


def test_a_write_error_fails_the_report_with_its_errno(tmp_path, monkeypatch):
    monkeypatch.setenv("BORLANGE_INJECT_OSERROR", "ENOSPC:overview.html")
    task = _task(tmp_path)
    payload = {"outcome": {"status": "built", "files": ["overview.html"]}, "files": {"overview.html": b"x"}}
    outcome = dx.stage_files(task, payload)
    assert outcome["status"] == "failed" and outcome["errno"] == 28
    assert "No space left on device" in outcome["error"]


# --- the run loop and an executor that cannot start -----------------------------------------------------


class _Unreachable:
    def __init__(self, slots: int, env: dict[str, str]):
        raise dx.ClusterError("cannot reach the Dask scheduler at tcp://h:8786: timed out", dx.EXIT_UNAVAILABLE)


def test_an_executor_that_cannot_start_stops_the_run_with_its_exit_code(tmp_path, monkeypatch):
    plan_offline(monkeypatch, tmp_path)
    ui = RecordingUI()
    opts = run.Options(
        notebooks=["partner"],
        partners=["ssab", "ikea"],
        current_year=2026,
        output=tmp_path / "reports",
        force=True,
        min_free="0",
        formats="html",
    )
    summary = run.main(opts, ui, executor=_Unreachable)
    assert summary.exit_code == 69
    assert summary.error.startswith("cannot reach the Dask scheduler")
    assert ui.lines == ["start 2 2"], "no report is announced as not started one by one"
    assert [r.status for r in summary.results] == ["not_started", "not_started"]
    last = json.loads((tmp_path / "reports" / "last-run.json").read_text(encoding="utf-8"))
    assert last["status"] == "error" and last["exit_code"] == 69
    assert last["counts"]["not_started"] == 2


# --- the executor's bookkeeping against a fake Dask client ---------------------------------------------


class KilledWorker(Exception):  # the name is what counts (distributed.scheduler.KilledWorker)
    def __init__(self, address: str):
        super().__init__(f"worker {address} died")
        self.last_worker = type("WS", (), {"address": address})()


class FakeFuture:
    def __init__(self, key: str, args: tuple):
        self.key, self.args = key, args
        self.status = "pending"
        self._result: object = None
        self._exc: BaseException | None = None
        self.callbacks: list = []
        self.released = False

    def add_done_callback(self, cb) -> None:
        self.callbacks.append(cb)

    def _done(self) -> None:
        for cb in self.callbacks:
            cb(self)

    def finish(self, payload: object) -> None:
        self.status, self._result = "finished", payload
        self._done()

    def fail(self, exc: BaseException) -> None:
        self.status, self._exc = "error", exc
        self._done()

    def cancel(self) -> None:
        self.status = "cancelled"
        self._done()

    def result(self) -> object:
        return self._result

    def exception(self) -> BaseException | None:
        return self._exc

    def release(self) -> None:
        self.released = True


class FakeClient:
    def __init__(self, workers: dict[str, str], reference: dict[str, str]):
        self.workers = dict(workers)  # address -> name
        self.probes: dict[str, object] = {}
        self.reference = reference
        self.futures: list[FakeFuture] = []
        self.info_fails = False
        self.closed = False

    def scheduler_info(self, n_workers: int = -1) -> dict:
        if self.info_fails:
            raise OSError("connection reset")
        return {"workers": {a: {"name": n} for a, n in self.workers.items()}}

    def run(self, fn, *args, workers=None, on_error="raise"):
        return {a: self.probes.get(a, dict(self.reference)) for a in (workers or self.workers)}

    def submit(self, fn, *args, key, workers, allow_other_workers, pure):
        assert workers and not allow_other_workers and not pure
        fut = FakeFuture(key, args)
        fut.worker = workers[0]
        self.futures.append(fut)
        return fut

    def cancel(self, futures, force=False) -> None:
        for f in futures:
            f.status = "cancelled"

    def unregister_worker_plugin(self, name) -> None: ...

    def unsubscribe_topic(self, topic) -> None: ...

    def close(self, timeout=None) -> None:
        self.closed = True


@pytest.fixture
def executor(monkeypatch, tmp_path):
    reference = dx.probe()

    def start(self) -> None:
        self.client = FakeClient({"tcp://a:1": "w0", "tcp://b:1": "w1"}, reference)
        self._refresh(first=True)

    monkeypatch.setattr(dx.DaskExecutor, "_start", start)
    monkeypatch.setenv(dx.WAIT_ENV, "60")
    return dx.DaskExecutor(
        4, {"SOURCE_DATE_EPOCH": "1", "BORLANGE_HOME": "/x"}, spec=dx.ClusterSpec("local", workers=2)
    )


def _t(name: str, tmp_path: Path, attempt: int = 1) -> Task:
    return Task(name, {"name": name}, ("html",), str(tmp_path / name), attempt)


def _built(name: str) -> dict:
    return {"outcome": {"name": name, "status": "built", "files": []}, "files": None, "direct": True}


def test_one_report_per_worker_and_only_the_run_s_variables_are_forwarded(executor, tmp_path):
    assert executor.slots == 2 and executor.free_slots() == 2
    executor.submit(_t("a", tmp_path))
    executor.submit(_t("b", tmp_path))
    assert executor.free_slots() == 0
    with pytest.raises(RuntimeError):
        executor.submit(_t("c", tmp_path))
    futures = executor.client.futures
    assert {f.worker for f in futures} == {"tcp://a:1", "tcp://b:1"}
    task, _key, _token, env, fresh, direct = futures[0].args
    assert env == {"SOURCE_DATE_EPOCH": "1"} and fresh is False and direct is True


def test_a_finished_report_frees_its_worker(executor, tmp_path):
    executor.submit(_t("a", tmp_path))
    fut = executor.client.futures[0]
    executor.inbox.put(("started", {"key": fut.key}))
    assert [e.kind for e in executor.poll(0.01)] == ["started"]
    fut.finish(_built("a"))
    events = executor.poll(0.01)
    assert [(e.kind, e.outcome.get("status")) for e in events] == [("done", "built")]
    assert fut.released and executor.free_slots() == 2


def test_a_lost_worker_crashes_only_its_report_once(executor, tmp_path):
    executor.submit(_t("a", tmp_path))
    executor.submit(_t("b", tmp_path))
    fa, fb = executor.client.futures
    executor.inbox.put(("cluster", {"action": "remove-worker", "worker": fb.worker}))
    del executor.client.workers[fb.worker]
    events = executor.poll(0.01)
    assert [(e.kind, e.task.key) for e in events] == [("started", "b"), ("crashed", "b")]
    assert events[1].detail == "Dask worker w1 (tcp://b:1) died"
    assert fb.status == "cancelled"
    assert executor.poll(0.01) == [], "the cancelled future's callback adds nothing"
    assert executor.slots == 1 and executor.free_slots() == 0
    fa.fail(KilledWorker(fa.worker))  # the scheduler gave up on the other one
    events = executor.poll(0.01)
    assert [(e.kind, e.detail) for e in events] == [("started", ""), ("crashed", "Dask worker w0 (tcp://a:1) died")]


def test_a_retry_goes_to_another_worker_with_a_fresh_kernel(executor, tmp_path):
    executor.submit(_t("a", tmp_path))
    first = executor.client.futures[0]
    first.fail(KilledWorker(first.worker))
    del executor.client.workers[first.worker]
    executor.poll(0.01)
    executor.client.workers["tcp://c:1"] = "w0"  # its nanny started a new one
    executor._refreshed = 0.0
    assert executor.free_slots() == 2
    executor.submit(_t("a", tmp_path, attempt=2))
    retry = executor.client.futures[1]
    assert retry.worker != first.worker and retry.args[4] is True


def test_a_scheduler_that_does_not_answer_for_a_moment_loses_no_report(executor, tmp_path):
    executor.submit(_t("a", tmp_path))
    executor.client.info_fails = True
    executor._refreshed = 0.0
    assert executor.poll(0.01) == []
    assert executor.free_slots() == 1 and executor.slots == 2


def test_a_late_worker_with_other_files_gets_no_reports(executor, tmp_path, capsys):
    executor.client.workers["tcp://c:1"] = "late"
    executor.client.probes["tcp://c:1"] = {**executor.reference, "data": "f" * 64}
    executor._refreshed = 0.0
    assert executor.free_slots() == 2
    err = capsys.readouterr().err
    assert err.startswith("warning: Dask worker late (tcp://c:1) sees a different data manifest")
    assert "it gets no reports in this run" in err


def test_odd_worker_at_the_start_stops_with_exit_2(monkeypatch):
    reference = dx.probe()

    def start(self) -> None:
        self.client = FakeClient({"tcp://a:1": "w0", "tcp://b:1": "odd"}, reference)
        self.client.probes["tcp://b:1"] = {**reference, "version": "0.0.9"}
        self._refresh(first=True)

    monkeypatch.setattr(dx.DaskExecutor, "_start", start)
    with pytest.raises(dx.ClusterError, match=r"^Dask worker odd \(tcp://b:1\) sees a different package version") as e:
        dx.DaskExecutor(2, {}, spec=dx.ClusterSpec("scheduler", address="tcp://s:8786"))
    assert e.value.exit_code == 2


def test_no_usable_worker_for_the_wait_stops_with_69(executor, tmp_path, monkeypatch):
    executor.client.workers.clear()
    executor.wait_s = 0.0
    executor._refreshed = 0.0
    with pytest.raises(dx.ClusterError, match="no usable Dask worker") as e:
        executor.poll(0.01)
    assert e.value.exit_code == 69
