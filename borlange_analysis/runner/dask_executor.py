"""Reports on a Dask cluster: the local pool's jobs, executed by :mod:`dask.distributed`.

``reports --cluster local:N`` starts a ``LocalCluster`` of N worker processes for the run and
closes it at the end; ``reports --scheduler tcp://HOST:8786`` uses the workers of a running
``dask scheduler`` (on other machines too, see ``docs/dask.md``). Either way the run loop
(:mod:`.run`) stays in charge of everything but the execution: planning, the lock, the skip check,
the retry of a crashed report, publishing, the site and signals. :class:`DaskExecutor` implements
the :class:`.executor.Executor` interface:

- **One warm kernel per Dask worker.** A worker plugin (:class:`KernelPlugin`, one per run) is
  registered on every worker, also on workers that join later; the first report of the run on a
  worker starts a Jupyter kernel there, the next ones reuse it (:func:`.kernels.run_job`), and the
  plugin's teardown stops it when the run ends. Each report is a future **pinned to one idle
  worker**, so a worker runs one report at a time whatever its thread count, and a lost worker
  costs exactly the report it was running.
- **Workers only compute.** A worker of a running scheduler executes the report into a temporary
  folder of its own and sends the files back with the outcome; the client writes them into the
  run's staging folder and the run loop publishes them. Such workers need no access to the output
  folder, only read access to the processed tables, notebooks and partner files (a path they
  share). A LocalCluster's workers share the client's disk and write into the staging folder
  directly, as the local pool's workers do.
- **A worker that dies** (killed, out of memory, its machine gone) is reported to the run loop as a
  ``crashed`` event (the scheduler's ``remove-worker`` event or a ``KilledWorker`` error, whichever
  comes first); the run loop retries the report once, here on another worker with a fresh kernel,
  then fails it with its notebook in ``_failed/``. A ``LocalCluster``'s nannies start a replacement
  worker, which is checked like the first ones before it gets work.
- **The start-up check** (:func:`probe`, :func:`odd_worker`): every worker must see the same data
  manifest, package version, code fingerprint, notebooks, partner files and measures files as the
  client; otherwise the run stops with one line naming the odd worker (exit code 2). A worker that
  joins later with different files gets no reports (one warning line).
- **Stopping**: on SIGINT/SIGTERM the run loop calls :meth:`DaskExecutor.shutdown` with
  ``kill=True``: the futures are cancelled, this run's kernels are killed on every worker, the
  plugin is removed and a ``LocalCluster`` is closed (and whatever of its processes is still alive
  is killed). Worker processes of a ``LocalCluster`` ignore SIGINT (Ctrl-C reaches the whole process
  group; the run loop decides); workers of a running scheduler belong to their operator and keep
  their own signal handling.

Exit codes of its own: 2 when a worker does not match (or the forms of ``--scheduler`` and
``--cluster`` are wrong), 69 when the scheduler cannot be reached or no worker is there.
"""

from __future__ import annotations

import contextlib
import errno as _errno
import logging
import os
import platform
import queue
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from distributed.diagnostics.plugin import WorkerPlugin

from .. import __version__, config
from .._io import atomic_write_bytes
from ..errors import BorlangeError, ParameterError
from . import hooks, kernels
from . import signals as _signals
from .disk import describe_oserror
from .executor import Event, Task

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 69
SCHEMES = ("tcp", "tls")
MAX_LOCAL_WORKERS = 256
#: Variables of the client's run that workers take over (paths come from each worker's own environment).
FORWARDED_ENV = ("SOURCE_DATE_EPOCH", "MPLBACKEND", "PYTHONWARNINGS")
TOPIC = "borlange-runner"
CONNECT_TIMEOUT_S = 10.0
#: How long a run waits for a worker (at start, and when all workers are gone): ``$BORLANGE_DASK_WAIT``.
WAIT_ENV = "BORLANGE_DASK_WAIT"
DEFAULT_WAIT_S = 60.0
REFRESH_S = 2.0
SCHEDULER_FORM = "tcp://HOST:PORT (a running `dask scheduler`, e.g. tcp://10.0.0.5:8786; tls://HOST:PORT with TLS)"
CLUSTER_FORM = "local:N (a LocalCluster of N worker processes started for this run, e.g. local:2)"


class ClusterError(BorlangeError):
    """The cluster cannot run the reports: unreachable, no workers, or a worker that does not match.
    ``exit_code`` is the command's exit code (2 or 69)."""

    def __init__(self, message: str, exit_code: int = EXIT_UNAVAILABLE):
        super().__init__(message)
        self.exit_code = exit_code


# --- the command line's forms ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterSpec:
    """Where the reports run: ``kind`` "local" (a LocalCluster of ``workers`` processes) or
    "scheduler" (the workers of the scheduler at ``address``)."""

    kind: str
    address: str = ""
    workers: int = 0

    def describe(self) -> str:
        if self.kind == "local":
            return f"a LocalCluster of {self.workers} worker processes"
        return f"the Dask scheduler at {self.address}"

    def executor(self, slots: int, env: dict[str, str]) -> DaskExecutor:
        """The run loop's executor factory (``run.main(..., executor=spec.executor)``)."""
        return DaskExecutor(slots, env, spec=self)


def parse_scheduler(text: str) -> str:
    """``tcp://HOST:PORT`` (or ``tls://``) checked and normalised; anything else is refused."""
    parts = None
    port = None
    with contextlib.suppress(ValueError):
        parts = urlsplit(text.strip())
        port = parts.port
    if (
        parts is None
        or parts.scheme not in SCHEMES
        or not parts.hostname
        or port is None
        or not 0 < port < 65536
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username is not None
    ):
        raise ParameterError(f"--scheduler {text!r} is not a scheduler address: use {SCHEDULER_FORM}")
    return f"{parts.scheme}://{parts.netloc}"


def parse_cluster(text: str) -> int:
    """``local:N`` -> N (1 to 256 worker processes); anything else is refused."""
    m = re.fullmatch(r"local:(\d+)", text.strip())
    n = int(m.group(1)) if m else 0
    if not m or not 1 <= n <= MAX_LOCAL_WORKERS:
        raise ParameterError(
            f"--cluster {text!r} is not a cluster: use {CLUSTER_FORM}, N from 1 to {MAX_LOCAL_WORKERS}; "
            "for a running scheduler use --scheduler tcp://HOST:8786"
        )
    return n


def cluster_spec(*, scheduler: str | None, cluster: str | None, jobs: int | None) -> ClusterSpec | None:
    """The ``reports`` command's ``--scheduler``/``--cluster``/``--jobs`` checked together (before
    any work). None: the local warm-kernel pool."""
    if scheduler is not None and cluster is not None:
        raise ParameterError(
            "--scheduler and --cluster cannot be used together: use --scheduler tcp://HOST:PORT for a running "
            "Dask scheduler, or --cluster local:N for a LocalCluster started by this command"
        )
    if cluster is not None:
        if jobs is not None:
            n = jobs if jobs >= 1 else 2
            raise ParameterError(
                f"--cluster and --jobs cannot be used together: --cluster local:N sets the number of workers "
                f"(use --cluster local:{n} instead of --jobs {jobs}); --jobs is for the local pool (without --cluster)"
            )
        return ClusterSpec("local", workers=parse_cluster(cluster))
    if scheduler is not None:
        return ClusterSpec("scheduler", address=parse_scheduler(scheduler))
    return None


def wait_seconds() -> float:
    """``$BORLANGE_DASK_WAIT`` (seconds a run waits for a Dask worker), default 60."""
    raw = os.environ.get(WAIT_ENV, "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_WAIT_S
    except ValueError:
        value = DEFAULT_WAIT_S
    return value if value >= 0 else DEFAULT_WAIT_S


# --- the start-up check ---------------------------------------------------------------------------------

#: What every worker must share with the client, in the order they are compared.
PROBE_FIELDS = (
    ("version", "package version"),
    ("code", "code fingerprint"),
    ("data", "data manifest"),
    ("notebooks", "notebooks"),
    ("partners", "partner files"),
    ("measures", "measures files"),
)


def _folder_fingerprint(folder: Path, pattern: str) -> str:
    """Fingerprint of the (non-hidden) files matching ``pattern`` under ``folder``."""
    if not folder.is_dir():
        return "(missing)"
    files = [
        p
        for p in folder.rglob(pattern)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]
    return config.fingerprint_files(files, root=folder) if files else "(empty)"


def probe() -> dict[str, str]:
    """What this process sees: package version, code fingerprint (the kernel side), data manifest
    (sha256 of the processed tables' inputs), notebooks, partner and measures files, where from."""
    from .. import data
    from .plan import kernel_fingerprint

    try:
        manifest = data.data_sha256()
    except BorlangeError:
        manifest = "(missing)"
    return {
        "version": __version__,
        "code": kernel_fingerprint(),
        "data": manifest,
        "notebooks": _folder_fingerprint(config.notebooks_dir(), "*.ipynb"),
        "partners": _folder_fingerprint(config.partners_data_dir(), "*"),
        "measures": _folder_fingerprint(config.measures_data_dir(), "*"),
        "home": str(config.project_root()),
        "host": socket.gethostname(),
        "python": platform.python_version(),
    }


def _short(value: str) -> str:
    return value[:12] if re.fullmatch(r"[0-9a-f]{13,}", value) else value


def worker_label(address: str, name: object = None) -> str:
    """'tcp://10.0.0.5:40331' or 'hda-node-3 (tcp://10.0.0.5:40331)' when the worker has a name."""
    shown = str(name) if name is not None else ""
    return f"{shown} ({address})" if shown and shown != address else address


def odd_worker(reference: dict[str, str], probes: dict[str, Any], names: dict[str, object] | None = None) -> str | None:
    """One line naming the first worker (by address) that differs from ``reference`` and how, or None
    when every worker matches. A probe that is an exception (the worker could not run the check) is
    a difference too."""
    names = names or {}
    for address in sorted(probes):
        got = probes[address]
        who = f"Dask worker {worker_label(address, names.get(address))}"
        if isinstance(got, BaseException) or not isinstance(got, dict):
            detail = f"{type(got).__name__}: {got}" if isinstance(got, BaseException) else repr(got)
            return f"{who} cannot run the report code: {detail} (every worker needs the same package; docs/dask.md)"
        for key, label in PROBE_FIELDS:
            if got.get(key) != reference.get(key):
                there, here = _short(str(got.get(key))), _short(str(reference.get(key)))
                return (
                    f"{who} sees a different {label} ({there} there, {here} here; BORLANGE_HOME {got.get('home')} "
                    f"on host {got.get('host')}): every worker must read the same processed tables, notebooks and "
                    "partner files and run the same package (docs/dask.md)"
                )
    return None


# --- the worker side ------------------------------------------------------------------------------------

_LOCK = threading.Lock()  # one report at a time in a worker process, whatever its thread count
_OWNER: dict[str, str] = {"token": ""}  # the run whose kernel is warm in this process


def _kernel_pid() -> int | None:
    client = kernels._STATE.get("client")
    provisioner = getattr(getattr(client, "km", None), "provisioner", None)
    pid = getattr(provisioner, "pid", None)
    return int(pid) if pid else None


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(procs, timeout=3)


def release_kernel(token: str, now: bool = False) -> bool:
    """Stop this run's kernel in this worker process: gracefully when no report is running on it,
    else (or with ``now``) by killing the kernel process, which ends the running report at once.
    Returns True when there was a kernel of ``token``."""
    if _OWNER["token"] != token:
        return False
    if now or not _LOCK.acquire(blocking=False):
        pid = _kernel_pid()
        if pid:
            _kill_tree(pid)
        return True
    try:
        kernels.stop_kernel()
        _OWNER["token"] = ""
    finally:
        _LOCK.release()
    return True


def _apply_env(env: dict[str, str]) -> None:
    for key in FORWARDED_ENV:
        if key in env:
            os.environ[key] = env[key]
        elif key == "SOURCE_DATE_EPOCH":
            os.environ.pop(key, None)


class KernelPlugin(WorkerPlugin):
    """Registered on every worker for one run: keeps that run's warm kernel and stops it at the end.

    ``local``: the worker is a process of a LocalCluster started by the command (it then ignores
    SIGINT, like the local pool's workers: Ctrl-C reaches the whole process group)."""

    def __init__(self, token: str, env: dict[str, str], local: bool):
        self.token = token
        self.env = dict(env)
        self.local = local
        self._saved: dict[str, str | None] = {}

    def setup(self, worker: Any) -> None:
        if self.local and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        self._saved = {k: os.environ.get(k) for k in FORWARDED_ENV}

    def teardown(self, worker: Any) -> None:
        release_kernel(self.token)
        if not self.local and not _LOCK.locked():
            for key, value in self._saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _collect(stage: Path) -> dict[str, bytes]:
    """Every file the report wrote (relative POSIX path -> bytes), temporaries left out."""
    out: dict[str, bytes] = {}
    if not stage.is_dir():
        return out
    for p in sorted(stage.rglob("*")):
        if p.is_file() and not p.name.startswith(".tmp-"):
            out[p.relative_to(stage).as_posix()] = p.read_bytes()
    return out


def run_report(task: Task, run_key: str, token: str, env: dict[str, str], fresh: bool, direct: bool) -> dict[str, Any]:
    """A Dask task: one report on this worker's warm kernel (a fresh kernel when ``fresh`` or when
    the kernel belongs to another run). With ``direct`` (a LocalCluster: the client's disk) the
    report is written into the task's staging folder, as the local pool's workers do; otherwise into
    a temporary folder of the worker, whose files are sent back as bytes."""
    from distributed import get_worker

    worker = get_worker()
    with _LOCK:
        _apply_env(env)
        if fresh or _OWNER["token"] != token:
            kernels.stop_kernel()
            _OWNER["token"] = token
        worker.log_event(TOPIC, {"event": "started", "key": run_key, "worker": worker.address})
        kill_after = hooks.kill_worker_attempts(task.job["name"])
        if kill_after is not None and (kill_after == 0 or task.attempt <= kill_after):
            kernels._kill_self_soon()  # test hook: this worker process dies as if killed by the OOM killer
        if direct:
            outcome = kernels.run_job(task.job, task.formats, task.stage)
            return {"outcome": outcome, "files": None, "direct": True, "worker": worker.address}
        tmp = Path(tempfile.mkdtemp(prefix="borlange-report-", dir=worker.local_directory))
        stage = tmp / "stage"
        try:
            outcome = kernels.run_job(task.job, task.formats, str(stage))
            if outcome.get("failed_notebook"):
                outcome["failed_notebook"] = Path(outcome["failed_notebook"]).relative_to(stage).as_posix()
            files = _collect(stage)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return {"outcome": outcome, "files": files, "direct": False, "worker": worker.address}


# --- the client side ------------------------------------------------------------------------------------


@dataclass
class _Worker:
    address: str
    name: object = None
    usable: bool = False
    run_key: str = ""

    @property
    def label(self) -> str:
        return worker_label(self.address, self.name)


@dataclass
class _Submission:
    key: str
    task: Task
    future: Any
    worker: str
    started: bool = False


@dataclass
class _State:
    workers: dict[str, _Worker] = field(default_factory=dict)
    running: dict[str, _Submission] = field(default_factory=dict)
    tried: dict[str, set[str]] = field(default_factory=dict)
    refused: set[str] = field(default_factory=set)


def _quiet() -> None:
    """Dask's own log lines (restarting workers, lost workers) stay out of the run's output: the run
    reports what happened to each report itself."""
    for name in ("distributed", "tornado", "bokeh"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _check_stop() -> None:
    trap = _signals.active()
    if trap is not None and trap.signum is not None:
        raise _signals.Interrupted(trap.signum)


class DaskExecutor:
    """Reports as futures on a Dask cluster (see the module docstring). ``slots`` from the run loop
    caps the reports at once; each worker runs one at a time."""

    def __init__(self, slots: int, env: dict[str, str], *, spec: ClusterSpec):
        self.spec = spec
        self.cap = max(1, int(slots))
        self.slots = 0
        self.token = uuid.uuid4().hex[:12]
        self.env = {k: v for k, v in env.items() if k in FORWARDED_ENV}
        self.local_env = dict(env)
        self.plugin_name = f"borlange-kernel-{self.token}"
        self.cluster: Any = None
        self.client: Any = None
        self.state = _State()
        self.inbox: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.pending: list[Event] = []  # events found outside poll (a worker gone when counting slots)
        self.reference = probe()
        self.wait_s = wait_seconds()
        self._count = 0
        self._refreshed = 0.0
        self._last_worker = time.monotonic()
        self._created = time.time()
        self._closed = False
        try:
            self._start()
        except (ClusterError, _signals.Interrupted):
            self.shutdown(kill=True)
            raise
        except Exception as exc:  # Dask's own errors (a worker process that cannot start, ...): one line
            self.shutdown(kill=True)
            raise ClusterError(f"could not start the reports on {spec.describe()}: {_one_line(exc)}") from None
        except BaseException:
            self.shutdown(kill=True)
            raise

    # -- starting -----------------------------------------------------------------------------------------

    def _start(self) -> None:
        import dask
        from distributed import Client, LocalCluster

        _quiet()
        if self.spec.kind == "local":
            n = max(1, min(self.spec.workers, self.cap))
            with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
                self.cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                    env=self.local_env,
                )
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(self.spec.address, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError) as exc:
                raise ClusterError(f"cannot reach the Dask scheduler at {self.spec.address}: {exc}") from None
        _quiet()
        self.client.subscribe_topic(TOPIC, lambda event: self.inbox.put(("started", event[1])))
        self.client.subscribe_topic("all", lambda event: self.inbox.put(("cluster", event[1])))
        self._wait_for_workers()
        self.client.register_plugin(KernelPlugin(self.token, self.env, self.spec.kind == "local"), self.plugin_name)
        self._refresh(first=True)

    def _wait_for_workers(self) -> None:
        deadline = time.monotonic() + self.wait_s
        while True:
            _check_stop()
            if self._scheduler_workers():
                return
            if time.monotonic() >= deadline:
                raise ClusterError(
                    f"no Dask worker joined {self.spec.describe()} within {self.wait_s:g} s "
                    f"(start workers with `dask worker {self.spec.address or 'ADDRESS'}`; ${WAIT_ENV} sets the wait)"
                )
            time.sleep(0.5)

    def _scheduler_workers(self) -> dict[str, Any] | None:
        """The scheduler's workers (address -> info), or None when it could not be asked just now."""
        try:
            try:
                info = self.client.scheduler_info(n_workers=-1)  # every worker (newer versions list a few by default)
            except TypeError:
                info = self.client.scheduler_info()
        except Exception:  # noqa: BLE001 - a lost connection: ask again later
            return None
        return dict(info.get("workers", {}))

    def _refresh(self, *, first: bool = False) -> None:
        """Take in new workers (after the start-up check) and forget gone ones."""
        self._refreshed = time.monotonic()
        seen = self._scheduler_workers()
        if seen is None:
            if first:
                raise ClusterError(f"lost the connection to {self.spec.describe()} while starting")
            return  # lost workers are also reported by the scheduler's events; look again later
        for address in list(self.state.workers):
            if address not in seen:
                self._worker_gone(address, "died")  # gone from the scheduler before its event arrived
        new = [a for a in seen if a not in self.state.workers and a not in self.state.refused]
        if new:
            names = {a: seen[a].get("name") for a in new}
            try:
                probes = self.client.run(probe, workers=new, on_error="return")
            except Exception as exc:  # noqa: BLE001 - workers that left meanwhile, a lost scheduler
                if first:
                    raise ClusterError(
                        f"the workers of {self.spec.describe()} did not answer: {_one_line(exc)}"
                    ) from None
                return  # look again later
            if first:
                line = odd_worker(self.reference, probes, names)
                if line:
                    raise ClusterError(line, EXIT_USAGE)
            for address in new:
                got = probes.get(address)
                if got is None or _is_comm_error(got):
                    continue  # gone before it answered, or not reachable just now: asked again later
                line = odd_worker(self.reference, {address: got}, names)
                if line:
                    self.state.refused.add(address)
                    print(f"warning: {line}; it gets no reports in this run", file=sys.stderr, flush=True)
                    continue
                self.state.workers[address] = _Worker(address, names[address], usable=True)
        self._count_slots()

    def _count_slots(self) -> None:
        usable = sum(w.usable for w in self.state.workers.values())
        self.slots = min(self.cap, usable)
        if usable:
            self._last_worker = time.monotonic()

    # -- the interface --------------------------------------------------------------------------------------

    def free_slots(self) -> int:
        if time.monotonic() - self._refreshed > REFRESH_S:
            self._refresh()
        idle = sum(w.usable and not w.run_key for w in self.state.workers.values())
        return max(0, min(idle, self.cap - len(self.state.running)))

    def submit(self, task: Task) -> None:
        idle = [w for w in self.state.workers.values() if w.usable and not w.run_key]
        if not idle:
            raise RuntimeError("no free worker slot")
        tried = self.state.tried.setdefault(task.key, set())
        worker = next((w for w in idle if w.address not in tried), idle[0])
        self._count += 1
        key = f"borlange-report-{self.token}-{self._count}"
        future = self.client.submit(
            run_report,
            task,
            key,
            self.token,
            self.env,
            task.attempt > 1,
            self.spec.kind == "local",
            key=key,
            workers=[worker.address],
            allow_other_workers=False,
            pure=False,
        )
        worker.run_key = key
        tried.add(worker.address)
        self.state.running[key] = _Submission(key, task, future, worker.address)
        future.add_done_callback(lambda _f, k=key: self.inbox.put(("done", k)))

    def poll(self, timeout: float) -> list[Event]:
        items: list[tuple[str, Any]] = []
        with contextlib.suppress(queue.Empty):
            items.append(self.inbox.get(timeout=timeout))
        while True:
            try:
                items.append(self.inbox.get_nowait())
            except queue.Empty:
                break
        events, self.pending = self.pending, []
        for kind, msg in items:
            if kind == "started":
                sub = self.state.running.get(str(msg.get("key", "")))
                if sub is not None and not sub.started:
                    sub.started = True
                    events.append(Event("started", sub.task))
            elif kind == "done":
                self._finished(str(msg), events)
            elif kind == "cluster" and isinstance(msg, dict):
                if msg.get("action") == "remove-worker" and msg.get("worker"):
                    self._worker_gone(str(msg["worker"]), "left the cluster" if msg.get("expected") else "died")
                elif msg.get("action") == "add-worker":
                    self._refreshed = 0.0
        if time.monotonic() - self._refreshed > REFRESH_S:
            self._refresh()
        events += self.pending
        self.pending = []
        self._check_alive()
        return events

    def shutdown(self, *, kill: bool) -> None:
        """Cancel what runs, stop this run's kernels (killed with ``kill``), remove the plugin, close
        the client and a LocalCluster; no process of a LocalCluster outlives this call."""
        if self._closed:
            return
        self._closed = True
        client = self.client
        futures = [s.future for s in self.state.running.values()]
        self.state.running.clear()
        if client is not None:
            with contextlib.suppress(Exception):
                if futures:
                    client.cancel(futures, force=True)
            if kill:
                with contextlib.suppress(Exception):
                    client.run(release_kernel, self.token, True, on_error="ignore")
            with contextlib.suppress(Exception):
                client.unregister_worker_plugin(self.plugin_name)
            for topic in (TOPIC, "all"):
                with contextlib.suppress(Exception):
                    client.unsubscribe_topic(topic)
            with contextlib.suppress(Exception):
                client.close(timeout=10)
        if self.cluster is not None:
            procs = self._cluster_processes()
            with contextlib.suppress(Exception):
                self.cluster.close(timeout=10)
            _kill_all(procs)

    # -- events ------------------------------------------------------------------------------------------------

    def _finished(self, key: str, events: list[Event]) -> None:
        sub = self.state.running.pop(key, None)
        if sub is None:
            return  # handled already (its worker was lost) or cancelled by this run
        self._free(sub.worker, key)
        if not sub.started:
            events.append(Event("started", sub.task))
        future = sub.future
        try:
            if future.status == "finished":
                payload = future.result()
                events.append(Event("done", sub.task, outcome=stage_files(sub.task, payload)))
                return
            exc = future.exception() if future.status == "error" else None
        except Exception as got:  # noqa: BLE001 - the result could not be fetched: its worker went away
            exc = got
        finally:
            with contextlib.suppress(Exception):
                future.release()
        killed = future.status == "cancelled" or type(exc).__name__ in (
            "KilledWorker",
            "CommClosedError",
            "FutureCancelledError",
            "CancelledError",
        )
        if killed:
            last = getattr(getattr(exc, "last_worker", None), "address", None) or sub.worker
            label = self.state.workers[last].label if last in self.state.workers else last
            self._forget(last)
            events.append(Event("crashed", sub.task, detail=f"Dask worker {label} died"))
            return
        note = f"Dask could not run the report: {type(exc).__name__}: {exc}"[:300]
        events.append(Event("done", sub.task, outcome=self._failed(sub.task, note)))

    def _worker_gone(self, address: str, how: str) -> None:
        worker = self.state.workers.get(address)
        self._forget(address)
        if worker is None or not worker.run_key:
            return
        sub = self.state.running.pop(worker.run_key, None)
        if sub is None:
            return
        with contextlib.suppress(Exception):
            sub.future.cancel()
        if not sub.started:
            self.pending.append(Event("started", sub.task))
        self.pending.append(Event("crashed", sub.task, detail=f"Dask worker {worker.label} {how}"))

    def _forget(self, address: str) -> None:
        self.state.workers.pop(address, None)
        self._count_slots()

    def _free(self, address: str, key: str) -> None:
        worker = self.state.workers.get(address)
        if worker is not None and worker.run_key == key:
            worker.run_key = ""

    def _check_alive(self) -> None:
        if self.slots or self.state.running:
            self._last_worker = time.monotonic()
            return
        if time.monotonic() - self._last_worker > self.wait_s:
            raise ClusterError(
                f"no usable Dask worker in {self.spec.describe()} for {self.wait_s:g} s; the run stopped "
                f"(${WAIT_ENV} sets the wait)"
            )

    # -- files -------------------------------------------------------------------------------------------------

    def _failed(self, task: Task, note: str) -> dict[str, Any]:
        """A report Dask could not run (not a lost worker): failed, with its notebook for ``_failed/``."""
        outcome: dict[str, Any] = {"name": task.job["name"], "status": "failed", "error": note, "files": []}
        try:
            outcome["failed_notebook"] = str(kernels.crash_notebook(task.job, Path(task.stage), note))
        except OSError as exc:
            outcome["errno"] = exc.errno or _errno.EIO
            outcome["error"] = describe_oserror(exc)
        return outcome

    def _cluster_processes(self) -> list[Any]:
        """This process's children started since the cluster (its workers and their kernels)."""
        import psutil

        try:
            kids = psutil.Process().children(recursive=True)
        except psutil.Error:
            return []
        out = []
        for p in kids:
            with contextlib.suppress(psutil.Error):
                if p.create_time() >= self._created - 1:
                    out.append(p)
        return out


def stage_files(task: Task, payload: dict[str, Any]) -> dict[str, Any]:
    """Write the files a worker sent into the task's staging folder (the run loop publishes
    them from there). A write error fails the report with its errno (the run stops, exit 73)."""
    outcome = dict(payload.get("outcome") or {})
    if payload.get("direct"):
        return outcome  # a LocalCluster's worker wrote into the staging folder itself
    stage = Path(task.stage)
    try:
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir(parents=True, exist_ok=True)
        for rel, data in dict(payload.get("files") or {}).items():
            target = _inside(stage, rel)
            atomic_write_bytes(target, data)
    except OSError as exc:
        return {
            "name": task.job["name"],
            "status": "failed",
            "seconds": float(outcome.get("seconds", 0.0)),
            "error": describe_oserror(exc),
            "files": [],
            "errno": exc.errno or _errno.EIO,
        }
    if outcome.get("failed_notebook"):
        outcome["failed_notebook"] = str(_inside(stage, str(outcome["failed_notebook"])))
    return outcome


def _one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the last line of its message (the cause's when empty)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if not lines and exc.__cause__ is not None:
        return _one_line(exc.__cause__)
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}".rstrip(": ")[:300]


def _inside(stage: Path, rel: str) -> Path:
    """``stage / rel``, refusing a path that leaves the staging folder."""
    parts = Path(rel).parts
    if not parts or Path(rel).is_absolute() or ".." in parts:
        raise OSError(_errno.EINVAL, "a worker sent a file outside the staging folder", rel)
    return stage.joinpath(*parts)


def _is_comm_error(exc: object) -> bool:
    """A lost connection (not a property of the report or the worker's files)."""
    if isinstance(exc, (OSError, TimeoutError)):
        return True
    return type(exc).__name__ in ("CommClosedError", "FutureCancelledError", "CancelledError")


def _kill_all(procs: list[Any]) -> None:
    import psutil

    alive = []
    for p in procs:
        with contextlib.suppress(psutil.Error):
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                p.kill()
                alive.append(p)
    psutil.wait_procs(alive, timeout=5)
