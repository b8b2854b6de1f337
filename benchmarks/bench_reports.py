"""Time many reports three ways in one run: the report runner's local pool, a papermill process
pool, and the compute floor.

1. ``local``: ``borlange-analysis reports --jobs N --force`` (warm kernels, one per worker, HTML
   exported by one exporter per worker, published with build records and the site composed);
2. ``papermill``: a pool of N processes, each job run through papermill's Python API
   (``papermill.execute_notebook``: a fresh kernel per notebook) and exported to HTML without code
   by nbconvert, which is how a notebook report is usually built;
3. ``floor``: the same notebook code cells, with the same parameters, executed by N plain Python
   processes (no kernel, no HTML; each process keeps its imports and caches, as a warm kernel does).
   Nothing can build the reports faster than this.

Peak memory: the largest resident set of each worker process together with its kernel (sampled
every 0.2 s), and of each floor process.

Usage (prepared data needed; writes into a temporary folder)::

    python benchmarks/bench_reports.py --kommuner all --notebook overview --jobs 2
    python benchmarks/bench_reports.py --kommuner 20 --modes local,floor --repeat 3
    python benchmarks/bench_reports.py --national 6   # the whole default set for 6 kommuner

``--kommuner``: ``all`` or a number of kommuner drawn with a fixed seed (``--seed``).
Prints one line per run and a JSON summary (medians over ``--repeat`` runs, ratios, memory).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
YEAR = 2026


# --- jobs ---------------------------------------------------------------------------------------------


def choose(kommuner: str, seed: int) -> list[str]:
    from borlange_analysis.names import kommun_resolver

    codes = sorted(kommun_resolver().by_code)
    if kommuner == "all":
        return codes
    return sorted(random.Random(seed).sample(codes, int(kommuner)))


def plan_jobs(codes: list[str], notebooks: list[str] | None, out: Path) -> list[dict[str, Any]]:
    from borlange_analysis.runner import plan

    jobs = plan.plan(kommuner=codes, notebooks=notebooks, current_year=YEAR, output=out)
    return [asdict(j) for j in jobs]


# --- memory ------------------------------------------------------------------------------------------


class PeakMemory:
    """Samples the resident memory of each child of ``pid`` together with its own children (a
    worker and its kernel), keeping the peak of each."""

    def __init__(self, pid: int, *, interval: float = 0.2):
        self.pid = pid
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                for child in psutil.Process(self.pid).children():
                    try:
                        tree = [child, *child.children(recursive=True)]
                        rss = sum(p.memory_info().rss for p in tree)
                    except psutil.Error:
                        continue
                    self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), rss)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def worst_mib(self) -> float:
        return max(self.peaks.values(), default=0) / 2**20


# --- the three ways ---------------------------------------------------------------------------------------


def run_local(codes: list[str], notebooks: list[str] | None, out: Path, jobs: int) -> dict[str, Any]:
    args = [str(BIN / "borlange-analysis"), "reports", "--output", str(out), "--jobs", str(jobs), "--force"]
    args += ["--current-year", str(YEAR), "--min-free", "0"]
    for c in codes:
        args += ["--kommun", c]
    for nb in notebooks or []:
        args += ["--notebook", nb]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakMemory(proc.pid) as mem:
        stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1: some reports failed (timed all the same, and listed)
        raise SystemExit(f"reports failed ({proc.returncode}):\n{stdout[-2000:]}\n{stderr[-2000:]}")
    last = json.loads((out / "last-run.json").read_text(encoding="utf-8"))
    per_report = [r["seconds"] for r in last["reports"] if r["status"] == "built"]
    failed = [ln for ln in (stdout + stderr).splitlines() if ln.startswith("failed: ")]
    for line in failed:
        print(line, flush=True)
    return {
        "seconds": seconds,
        "reports": len(per_report),
        "failed": len(failed),
        "median_report_s": statistics.median(per_report) if per_report else None,
        "peak_worker_mib": mem.worst_mib(),
        "summary_line": next((ln for ln in stdout.splitlines() if ln.startswith("built ")), ""),
    }


def _papermill_one(task: tuple[dict[str, Any], str]) -> float:
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    from borlange_analysis import config

    job, out = task
    t0 = time.perf_counter()
    folder = Path(out) / job["kommun"] / job["language"]
    folder.mkdir(parents=True, exist_ok=True)
    nb_out = folder / f"{job['name']}.ipynb"
    params = {**job["params"], "tables_dir": str(folder / "tables" / job["name"])}
    papermill.execute_notebook(
        str(config.notebooks_dir() / job["notebook_file"]),
        str(nb_out),
        parameters=params,
        kernel_name="python3",
        progress_bar=False,
        log_output=False,
        cwd=str(config.project_root()),
    )
    body, _ = HTMLExporter(template_name="basic", exclude_input=True).from_notebook_node(nbformat.read(nb_out, 4))
    (folder / f"{job['name']}.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - t0


def _floor_init() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")


def _floor_one(task: tuple[dict[str, Any], str]) -> float:
    """Execute the notebook's code cells in this process (a fresh namespace per report); a cell's
    last expression is evaluated and its HTML representation taken, as the kernel does."""
    from borlange_analysis.runner.kernels import parameterised

    job, out = task
    tables = Path(out) / job["kommun"] / job["language"] / "tables" / job["name"]
    nb = parameterised(job, tables)
    t0 = time.perf_counter()
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            tree = ast.parse(cell.source)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            exec(compile(tree, f"<{job['name']}>", "exec"), namespace)
            if last is not None:
                value = eval(compile(ast.Expression(last.value), f"<{job['name']}>", "eval"), namespace)
                if hasattr(value, "_repr_html_"):
                    value._repr_html_()
    return time.perf_counter() - t0


def run_pool(kind: str, jobs: list[dict[str, Any]], out: Path, n: int) -> dict[str, Any]:
    fn = _papermill_one if kind == "papermill" else _floor_one
    ctx = mp.get_context("spawn")
    t0 = time.perf_counter()
    with ctx.Pool(n, initializer=_floor_init) as pool, PeakMemory(os.getpid()) as mem:
        per_report = list(pool.imap_unordered(fn, [(j, str(out)) for j in jobs], chunksize=1))
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "reports": len(per_report),
        "median_report_s": statistics.median(per_report),
        "peak_worker_mib": mem.worst_mib(),
    }


# --- main ---------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kommuner", default="20", help="'all' or a number of kommuner (random, fixed seed)")
    ap.add_argument("--notebook", action="append", help="notebooks (repeatable; default: overview)")
    ap.add_argument("--national", type=int, default=0, help="time the whole default set for this many kommuner")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--modes", default="floor,local,papermill")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each mode (medians are quoted)")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    notebooks = None if args.national else (args.notebook or ["overview"])
    codes = choose(str(args.national) if args.national else args.kommuner, args.seed)
    print(f"load before: {os.getloadavg()}", flush=True)
    results: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        jobs = plan_jobs(codes, notebooks, Path(tmp) / "plan")
        print(f"{len(codes)} kommuner, {len(jobs)} reports, {args.jobs} workers, modes {modes}", flush=True)
        for i in range(args.repeat):
            for mode in modes:
                out = Path(tmp) / f"{mode}-{i}"
                if mode == "local":
                    res = run_local(codes, notebooks, out, args.jobs)
                else:
                    res = run_pool(mode, jobs, out, args.jobs)
                results[mode].append(res)
                line = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in res.items()}
                print(f"run {i + 1} {mode}: {json.dumps(line, ensure_ascii=False)}", flush=True)
    med = {m: statistics.median(r["seconds"] for r in rs) for m, rs in results.items() if rs}
    summary: dict[str, Any] = {
        "kommuner": len(codes),
        "reports": len(jobs),
        "jobs": args.jobs,
        "repeat": args.repeat,
        "median_seconds": {m: round(v, 1) for m, v in med.items()},
        "reports_per_second": {m: round(len(jobs) / v, 2) for m, v in med.items()},
        "peak_worker_mib": {m: round(max(r["peak_worker_mib"] for r in rs)) for m, rs in results.items() if rs},
        "median_report_s": {
            m: round(statistics.median(r["median_report_s"] for r in rs), 3) for m, rs in results.items() if rs
        },
        "load_after": os.getloadavg(),
    }
    if "local" in med and "papermill" in med:
        summary["papermill_over_local"] = round(med["papermill"] / med["local"], 2)
    if "local" in med and "floor" in med:
        summary["local_over_floor"] = round(med["local"] / med["floor"], 2)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
