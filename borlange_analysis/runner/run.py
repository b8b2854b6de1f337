"""Running planned jobs: skip what is current, build the rest on a pool of warm-kernel workers,
publish each report as it finishes, then compose each set's index and summary from disk.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import config
from . import publish
from .catalog import CATALOG, Catalog
from .kernels import run_job, worker_init
from .plan import Job


@dataclass
class Result:
    """How one job ended in this run."""

    name: str
    status: str  # built, skipped, failed
    seconds: float = 0.0
    error: str = ""
    failed_notebook: str = ""
    out_dir: str = ""


def _env() -> dict[str, str]:
    return {
        "BORLANGE_HOME": str(config.project_root()),
        "MPLBACKEND": "Agg",
        "PYTHONWARNINGS": "ignore",
        "BORLANGE_NOTEBOOKS": str(config.notebooks_dir()),
        "BORLANGE_PARTNERS_DIR": str(config.partners_data_dir()),
        **({"SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"]} if "SOURCE_DATE_EPOCH" in os.environ else {}),
    }


def run(
    jobs: Sequence[Job],
    *,
    n_jobs: int = 2,
    formats: tuple[str, ...] = ("html", "ipynb"),
    force: bool = False,
    progress: Callable[[Result], None] | None = None,
    catalog: Catalog = CATALOG,
) -> list[Result]:
    """Build the jobs (skipping current ones unless ``force``); returns one :class:`Result` per job."""
    run_id = uuid.uuid4().hex[:12]
    results: dict[str, Result] = {}
    todo: list[Job] = []
    for j in jobs:
        key = f"{j.out_dir}/{j.name}"
        if not force and publish.is_current(j, formats):
            results[key] = Result(j.name, "skipped", out_dir=j.out_dir)
            if progress:
                progress(results[key])
        else:
            todo.append(j)
    stages = {f"{j.out_dir}/{j.name}": Path(j.out_dir) / ".staging" / run_id / j.name for j in todo}
    if todo:
        workers = min(n_jobs, len(todo))
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=mp.get_context("spawn"), initializer=worker_init, initargs=(_env(),)
        ) as pool:
            futures = {
                pool.submit(run_job, asdict(j), tuple(formats), str(stages[f"{j.out_dir}/{j.name}"])): j for j in todo
            }
            for fut in as_completed(futures):
                j = futures[fut]
                key = f"{j.out_dir}/{j.name}"
                stage = stages[key]
                try:
                    outcome = fut.result()
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails its report only
                    outcome = {"name": j.name, "status": "failed", "error": f"worker crashed: {exc}", "files": []}
                if outcome["status"] == "built":
                    publish.publish(j, outcome, stage)
                    results[key] = Result(j.name, "built", outcome.get("seconds", 0.0), out_dir=j.out_dir)
                else:
                    kept = publish.record_failure(j, outcome, stage)
                    results[key] = Result(
                        j.name,
                        "failed",
                        outcome.get("seconds", 0.0),
                        outcome.get("error", ""),
                        str(kept or ""),
                        out_dir=j.out_dir,
                    )
                if progress:
                    progress(results[key])
    for folder in sorted({j.out_dir for j in jobs}):
        shutil.rmtree(Path(folder) / ".staging" / run_id, ignore_errors=True)
        staging = Path(folder) / ".staging"
        if staging.is_dir() and not any(staging.iterdir()):
            staging.rmdir()
        publish.compose_set(Path(folder), notebook_order=catalog.names())
    return [results[f"{j.out_dir}/{j.name}"] for j in jobs]
