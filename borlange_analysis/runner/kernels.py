"""Workers with warm kernels: each worker process keeps one Jupyter kernel and runs reports on it.

A notebook is parameterised with papermill (``parameterize_notebook``) and executed with nbclient
on the worker's kernel, after a reset cell that clears the namespace (modules and the library's
table caches stay warm; what survives is frozen for the garbage collector, :mod:`.kernelside`).
The kernel is restarted after a failure. The page's key data (title, key line, key figures)
arrive as display data of :data:`borlange_analysis.config.KEY_DATA_MIME` and are taken out of the
notebook. The HTML is exported without code by one nbconvert exporter per
worker ("basic" template: no scripts) and wrapped by :mod:`.html`.

A worker only writes into the job's staging folder (through the atomic-write helper); the main
process publishes. :func:`worker_main` is the worker process: it ignores SIGINT (Ctrl-C reaches
the whole process group; the main process decides), and on SIGTERM, or when its parent process is
gone, it kills its kernel and exits at once, so no kernel outlives a run.
"""

from __future__ import annotations

import errno as _errno
import json
import os
import re
import shutil
import signal
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import config
from .._io import atomic_write_text
from . import hooks, kernelside
from .disk import describe_oserror
from .html import build_time, wrap_page

KEY_MIME = config.KEY_DATA_MIME
RESET_CELL = kernelside.RESET_CELL
_STATE: dict[str, Any] = {}
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ERRNO = re.compile(r"\[Errno (\d+)\]")


@dataclass
class Outcome:
    """What a worker reports back for one job. ``errno`` is set when the job failed because a file
    could not be written (disk full, read-only folder, ...): the run stops then."""

    name: str
    status: str  # built, failed
    seconds: float = 0.0
    error: str = ""
    files: list[str] = field(default_factory=list)
    key: dict[str, Any] = field(default_factory=dict)
    failed_notebook: str = ""
    errno: int = 0


# --- the worker process --------------------------------------------------------------------------


def _kill_children() -> None:
    """Kill this process's children (the kernel) at once."""
    try:
        import psutil

        kids = psutil.Process().children(recursive=True)
        for k in kids:
            try:
                k.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(kids, timeout=3)
    except Exception:  # noqa: BLE001 - best effort while dying
        pass


def _on_term(signum: int, frame: object) -> None:
    _kill_children()
    _close_kernel_log(keep=False)
    os._exit(128 + signum)


def _watch_parent(parent: int) -> None:
    """End this worker (and its kernel) as soon as the main process is gone (e.g. SIGKILL)."""
    while True:
        time.sleep(0.25)
        if os.getppid() != parent:
            _kill_children()
            _close_kernel_log(keep=False)
            os._exit(1)


def _keep_signals_to_ourselves() -> None:
    """nbclient adds SIGINT and SIGTERM handlers to the event loop while it executes a notebook
    (they shut the kernel down gracefully, while it may still be answering) and leaves Python's
    defaults behind, so after one report a worker would turn Ctrl-C into a KeyboardInterrupt and
    ignore its SIGTERM handler. Event loops of this process refuse signal handlers instead (as
    loops outside the main thread do, which nbclient expects), so the worker's own handling holds."""
    import asyncio

    if os.name != "posix":
        return

    class _Loop(asyncio.SelectorEventLoop):
        def add_signal_handler(self, sig: int, callback: Any, *args: Any) -> None:  # type: ignore[override]
            raise RuntimeError("the report worker handles signals itself")

        def remove_signal_handler(self, sig: int) -> bool:
            raise RuntimeError("the report worker handles signals itself")

    class _Policy(asyncio.DefaultEventLoopPolicy):
        _loop_factory = _Loop

    asyncio.set_event_loop_policy(_Policy())


def worker_main(conn: Any, env: dict[str, str], parent: int) -> None:
    """A worker process: receive tasks on ``conn``, run each on the warm kernel, send outcomes.

    Messages to the main process: ``("started", key)`` and ``("done", key, outcome)``. ``None``
    from the main process means: stop the kernel and exit.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_term)
    _keep_signals_to_ourselves()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()
    os.environ.update(env)
    _STATE.clear()
    try:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                break
            if task is None:
                break
            conn.send(("started", task.key))
            kill_after = hooks.kill_worker_attempts(task.job["name"])
            if kill_after is not None and (kill_after == 0 or task.attempt <= kill_after):
                _kill_self_soon()
            outcome = run_job(task.job, task.formats, task.stage)
            conn.send(("done", task.key, outcome))
    finally:
        stop_kernel()


def _kill_self_soon() -> None:
    """Test hook: SIGKILL this worker once its kernel is busy (as the out-of-memory killer would)."""

    def _kill() -> None:
        deadline = time.monotonic() + 60
        while "client" not in _STATE and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))

    threading.Thread(target=_kill, daemon=True).start()


# --- the kernel ------------------------------------------------------------------------------------


def start_kernel() -> None:
    import nbformat
    from nbclient import NotebookClient

    client = NotebookClient(
        nbformat.v4.new_notebook(),
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(config.project_root())}},
        # no input history: a report kernel never needs it, and kernels would share one SQLite file
        extra_arguments=["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
    )
    client.km = client.create_kernel_manager()
    log = _open_kernel_log()
    try:
        client.start_new_kernel(cwd=str(config.project_root()), stderr=log)
        client.start_new_kernel_client()
    except BaseException:
        _close_kernel_log(keep=True)
        raise
    _STATE["client"] = client


def stop_kernel() -> None:
    client = _STATE.pop("client", None)
    if client is not None:
        try:
            client._cleanup_kernel()
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass
        _kill_children()
    _close_kernel_log(keep=False)


def kernel_log_path() -> Path:
    """Where this worker's kernel writes its own output streams (not the notebook's: those are in
    the notebook). A kernel's stderr carries only low-level messages (a crash, a message from its
    messaging layer while it shuts down); they go to this file, not to the terminal of a run, whose
    errors are one line each. The file is removed when the kernel is stopped normally."""
    import tempfile

    return Path(tempfile.gettempdir()) / "borlange-analysis" / f"kernel-{os.getpid()}.log"


def _open_kernel_log() -> Any:
    path = kernel_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed in _close_kernel_log
    except OSError:
        import subprocess

        return subprocess.DEVNULL  # no writable temporary folder: the messages are dropped
    _STATE["kernel_log"] = handle
    return handle


def _close_kernel_log(keep: bool) -> None:
    handle = _STATE.pop("kernel_log", None)
    if handle is None:
        return
    try:
        handle.close()
        if not keep:
            Path(handle.name).unlink(missing_ok=True)
    except OSError:
        pass  # best effort: a temporary file


def kernel_log_tail() -> str:
    """The last line this worker's kernel wrote to its stderr ('' if none): said with a report
    whose kernel died."""
    handle = _STATE.get("kernel_log")
    if handle is None:
        return ""
    try:
        handle.flush()
        lines = [line.strip() for line in Path(handle.name).read_text(encoding="utf-8", errors="replace").splitlines()]
    except OSError:
        return ""
    lines = [line for line in lines if line]
    return _ANSI.sub("", lines[-1])[:200] if lines else ""


def _exporter() -> Any:
    if "exporter" not in _STATE:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        cfg = Config()
        cfg.TagRemovePreprocessor.enabled = True
        cfg.TagRemovePreprocessor.remove_cell_tags = {"hide-in-report"}
        _STATE["exporter"] = HTMLExporter(
            config=cfg, template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
        )
    return _STATE["exporter"]


def _take_key_data(nb: Any) -> dict[str, Any]:
    """Remove the key-data outputs from the executed notebook and return the last one."""
    key: dict[str, Any] = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if KEY_MIME in out.get("data", {}):
                key = dict(out["data"][KEY_MIME])
            elif not (out.get("output_type") == "stream" and out.get("name") == "stderr"):
                kept.append(out)
        cell["outputs"] = kept
    return key


def _stable_ids(nb: Any) -> None:
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
        cell.get("metadata", {}).pop("execution", None)


def parameterised(job: dict[str, Any], tables: Path | None) -> Any:
    """The job's notebook with its parameters injected (papermill), not executed."""
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    nb = load_notebook_node(str(config.notebooks_dir() / job["notebook_file"]))
    values = {**job["params"], "tables_dir": str(tables) if tables is not None else ""}
    return parameterize_notebook(nb, values, kernel_name="python3", language="python")


def short_error(exc: BaseException) -> str:
    """One line for a failed report: the exception's type and message, without colour codes."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
    else:
        lines = [line for line in _ANSI.sub("", str(exc)).strip().splitlines() if line.strip()]
        text = lines[-1] if lines else type(exc).__name__
    return _ANSI.sub("", text).strip()[:300]


def _write_error_text(exc: BaseException, code: int) -> str:
    """'cannot write /x: No space left on device (ENOSPC)' for a failed write in the worker or kernel."""
    if isinstance(exc, OSError):
        return describe_oserror(exc)
    m = re.search(r"\[Errno \d+\] (.*?)(?:: '(.*)')?$", str(getattr(exc, "evalue", "")))
    if not m:
        return short_error(exc)
    return describe_oserror(OSError(code, m.group(1), m.group(2)))


def write_error(exc: BaseException) -> int:
    """The errno of a failure to write a file (OSError in the worker or in the kernel), else 0."""
    if isinstance(exc, OSError) and exc.errno:
        return int(exc.errno)
    if getattr(exc, "ename", "") in ("OSError", "PermissionError", "IOError"):
        m = _ERRNO.search(str(getattr(exc, "evalue", "")))
        if m:
            return int(m.group(1))
    return 0


def run_job(job: dict[str, Any], formats: tuple[str, ...], stage: str) -> dict[str, Any]:
    """Execute one report on this worker's warm kernel, writing its files into ``stage``."""
    t0 = time.perf_counter()
    stage_dir = Path(stage)
    try:
        if stage_dir.exists():
            shutil.rmtree(stage_dir)
        tables = stage_dir / "tables" / job["name"]
        stage_dir.mkdir(parents=True)
    except OSError as exc:
        return asdict(Outcome(job["name"], "failed", 0.0, describe_oserror(exc), errno=exc.errno or _errno.EIO))
    return _execute(job, formats, stage_dir, tables, t0)


def _execute(job: dict[str, Any], formats: tuple[str, ...], stage_dir: Path, tables: Path, t0: float) -> dict[str, Any]:
    import nbformat
    from nbclient import NotebookClient

    nb = parameterised(job, tables)
    reset = nbformat.v4.new_code_cell(RESET_CELL)
    nb.cells.insert(0, reset)
    try:
        if "client" not in _STATE:
            start_kernel()
        client = _STATE["client"]
        runner = NotebookClient(
            nb,
            km=client.km,
            kernel_name="python3",
            timeout=600,
            allow_errors=False,
            record_timing=False,
            resources={"metadata": {"path": str(config.project_root())}},
        )
        runner.kc = client.kc
        runner.execute()
    except Exception as exc:  # noqa: BLE001 - any failure fails only this report
        nb.cells.pop(0)
        code = write_error(exc)
        text = _write_error_text(exc, code) if code else short_error(exc)
        if type(exc).__name__ == "DeadKernelError" and (last := kernel_log_tail()):
            text = f"{text} (the kernel's last message: {last})"
        stop_kernel()  # a fresh kernel for the next report
        failed = stage_dir / f"{job['name']}.failed.ipynb"
        outcome = Outcome(job["name"], "failed", time.perf_counter() - t0, text, errno=code)
        try:
            atomic_write_text(failed, nbformat.writes(nb))
            outcome.failed_notebook = str(failed)
        except OSError as write_exc:
            outcome.errno = outcome.errno or write_exc.errno or _errno.EIO
            outcome.error = describe_oserror(write_exc)
        return asdict(outcome)
    nb.cells.pop(0)
    key = _take_key_data(nb)
    _stable_ids(nb)
    files = []
    try:
        if "ipynb" in formats:
            atomic_write_text(stage_dir / f"{job['name']}.ipynb", nbformat.v4.writes(nb))
            files.append(f"{job['name']}.ipynb")
        if "html" in formats:
            body, _ = _exporter().from_notebook_node(nbformat.from_dict(nb))
            page = wrap_page(
                body,
                title=key.get("title") or job["title"],
                language=job["language"],
                kommun=job["kommun"],
                release=job["release"],
                built=build_time(),
            )
            atomic_write_text(stage_dir / f"{job['name']}.html", page)
            files.append(f"{job['name']}.html")
    except OSError as exc:
        return asdict(
            Outcome(
                job["name"], "failed", time.perf_counter() - t0, describe_oserror(exc), errno=exc.errno or _errno.EIO
            )
        )
    return asdict(Outcome(job["name"], "built", time.perf_counter() - t0, files=files, key=key))


def crash_notebook(job: dict[str, Any], stage: Path, note: str) -> Path:
    """For a report whose worker died: its parameterised notebook (not executed) with a first cell
    saying what happened, written into ``stage`` (by the main process)."""
    import nbformat

    nb = parameterised(job, None)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**This report was not built:** {note}"))
    path = Path(stage) / f"{job['name']}.failed.ipynb"
    atomic_write_text(path, nbformat.writes(nb))
    return path


def describe(outcome: dict[str, Any]) -> str:
    return json.dumps(outcome, ensure_ascii=False, default=str)
