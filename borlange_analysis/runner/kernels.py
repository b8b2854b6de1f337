"""Workers with warm kernels: each worker process keeps one Jupyter kernel and runs reports on it.

A notebook is parameterised with papermill (``parameterize_notebook``) and executed with nbclient
on the worker's kernel, after a reset cell that clears the namespace (modules and the library's
table caches stay warm). The kernel is restarted after a failure. The page's key data (title, key
line, key figures) arrive as display data of :data:`borlange_analysis.reporting.page.KEY_MIME`
and are taken out of the notebook. The HTML is exported without code by one nbconvert exporter per
worker ("basic" template: no scripts) and wrapped by :mod:`.html`.

A worker only writes into the job's staging folder; the main process publishes.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import config
from .html import build_time, wrap_page

KEY_MIME = config.KEY_DATA_MIME
RESET_CELL = "%reset -f"
_STATE: dict[str, Any] = {}


@dataclass
class Outcome:
    """What a worker reports back for one job."""

    name: str
    status: str  # built, failed
    seconds: float = 0.0
    error: str = ""
    files: list[str] = field(default_factory=list)
    key: dict[str, Any] = field(default_factory=dict)
    failed_notebook: str = ""


def worker_init(env: dict[str, str]) -> None:
    """Process initialiser: the environment of the run, a clean state, the kernel stopped at exit."""
    import atexit

    os.environ.update(env)
    _STATE.clear()
    atexit.register(stop_kernel)


def start_kernel() -> None:
    import nbformat
    from nbclient import NotebookClient

    client = NotebookClient(
        nbformat.v4.new_notebook(),
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(config.project_root())}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    client.km = client.create_kernel_manager()
    client.start_new_kernel(cwd=str(config.project_root()))
    client.start_new_kernel_client()
    _STATE["client"] = client


def stop_kernel() -> None:
    client = _STATE.pop("client", None)
    if client is not None:
        try:
            client._cleanup_kernel()
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass


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


def run_job(job: dict[str, Any], formats: tuple[str, ...], stage: str) -> dict[str, Any]:
    """Execute one report on this worker's warm kernel, writing its files into ``stage``."""
    import nbformat
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    t0 = time.perf_counter()
    stage_dir = Path(stage)
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    tables = stage_dir / "tables" / job["name"]
    stage_dir.mkdir(parents=True)
    nb = load_notebook_node(str(config.notebooks_dir() / job["notebook_file"]))
    nb = parameterize_notebook(
        nb, {**job["params"], "tables_dir": str(tables)}, kernel_name="python3", language="python"
    )
    reset = nbformat.v4.new_code_cell(RESET_CELL)
    nb.cells.insert(0, reset)
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
    try:
        runner.execute()
    except Exception as exc:  # noqa: BLE001 - any failure fails only this report
        nb.cells.pop(0)
        failed = stage_dir / f"{job['name']}.failed.ipynb"
        nbformat.write(nb, failed)
        stop_kernel()  # a fresh kernel for the next report
        lines = [line for line in str(exc).strip().splitlines() if line.strip()]
        short = lines[-1] if lines else type(exc).__name__
        return asdict(
            Outcome(job["name"], "failed", time.perf_counter() - t0, short[:300], failed_notebook=str(failed))
        )
    nb.cells.pop(0)
    key = _take_key_data(nb)
    _stable_ids(nb)
    files = []
    if "ipynb" in formats:
        (stage_dir / f"{job['name']}.ipynb").write_text(nbformat.v4.writes(nb), encoding="utf-8")
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
        (stage_dir / f"{job['name']}.html").write_text(page, encoding="utf-8")
        files.append(f"{job['name']}.html")
    return asdict(Outcome(job["name"], "built", time.perf_counter() - t0, files=files, key=key))


def describe(outcome: dict[str, Any]) -> str:
    return json.dumps(outcome, ensure_ascii=False, default=str)
