"""Overview reports on a Dask LocalCluster against the local warm-kernel pool, in the same run.

Each mode runs the real command with ``--force`` into a fresh folder: the local pool
(``reports --jobs N``) and a LocalCluster started and closed by the command
(``reports --cluster local:N``), N = 2 by default. The wall time includes everything the command
does (Python's start, planning, starting the cluster or the workers, kernels, publishing, the site).
Rounds alternate the order of the two modes. The pages of both modes are compared (with the same
SOURCE_DATE_EPOCH they must be byte-identical).

Usage:
    python benchmarks/bench_dask.py                 # a sample of 20 kommuner (develop, check)
    python benchmarks/bench_dask.py --all           # all 290 kommuner (the issue's comparison)
    python benchmarks/bench_dask.py --kommuner 40 --rounds 2 --workers 2

Needs prepared data. Writes into a temporary folder. Prints one line per run and a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EPOCH = "1767225600"  # 2026-01-01: equal build-date lines in both modes


def kommuner(n: int | None) -> list[str]:
    """All 290 kommuner (by SCB code), or ``n`` of them spread evenly over the list."""
    from borlange_analysis.names import kommun_resolver

    res = kommun_resolver()
    names = [res.by_code[c] for c in sorted(res.by_code)]
    if n is None or n >= len(names):
        return names
    step = len(names) / n
    return [names[int(i * step)] for i in range(n)]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class PeakMemory:
    """Samples the command's process tree every 0.5 s: the peak resident memory of each worker
    (a direct child of the command, with its kernel and any other descendants), in MiB."""

    def __init__(self, pid: int):
        import threading

        self.pid = pid
        self.peak: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        import psutil

        while not self.stop.wait(0.5):
            try:
                kids = psutil.Process(self.pid).children()
            except psutil.Error:
                return
            for kid in kids:
                try:
                    tree = [kid, *kid.children(recursive=True)]
                    rss = sum(p.memory_info().rss for p in tree) / 2**20
                except psutil.Error:
                    continue
                self.peak[kid.pid] = max(self.peak.get(kid.pid, 0.0), rss)

    def worker_peak_mib(self) -> float:
        self.stop.set()
        self.thread.join()
        return round(max(self.peak.values(), default=0.0), 0)


def run_mode(mode: str, names: list[str], out: Path, workers: int) -> dict[str, object]:
    args = [str(BIN / "borlange-analysis"), "reports", "--notebook", "overview", "--output", str(out)]
    args += ["--force", "--current-year", "2026", "--min-free", "0", "--format", "html,ipynb"]
    args += ["--jobs", str(workers)] if mode == "pool" else ["--cluster", f"local:{workers}"]
    for name in names:
        args += ["--kommun", name]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    memory = PeakMemory(proc.pid)
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    peak = memory.worker_peak_mib()
    res = subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)
    if res.returncode != 0:
        raise SystemExit(f"{mode} failed (exit {res.returncode}):\n{res.stdout[-3000:]}\n{res.stderr[-3000:]}")
    last = json.loads((out / "last-run.json").read_text(encoding="utf-8"))
    built = int(last["counts"]["built"])
    if built != len(names):
        raise SystemExit(f"{mode}: built {built} of {len(names)}")
    report_s = [float(r["seconds"]) for r in last["reports"]]
    return {
        "mode": mode,
        "wall_s": round(seconds, 1),
        "reports": built,
        "per_report_s": round(seconds / built, 3),
        "median_report_s": round(statistics.median(report_s), 2),
        "peak_worker_mib": peak,
    }


def pages(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("overview.html"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kommuner", type=int, default=20, help="sample size (default 20)")
    ap.add_argument("--all", action="store_true", help="all 290 kommuner")
    ap.add_argument("--workers", type=int, default=2, help="local pool workers = LocalCluster workers (default 2)")
    ap.add_argument("--rounds", type=int, default=1, help="rounds, alternating the order of the modes")
    args = ap.parse_args()
    names = kommuner(None if args.all else args.kommuner)
    print(f"{len(names)} overview reports, {args.workers} workers, load at start {load()}", flush=True)
    runs: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
        for r in range(args.rounds):
            order = ("pool", "dask") if r % 2 == 0 else ("dask", "pool")
            for mode in order:
                out = Path(tmp) / f"{mode}-{r}"
                result = run_mode(mode, names, out, args.workers)
                result["round"] = r + 1
                result["load_after"] = load()
                runs.append(result)
                print(
                    f"round {r + 1} {mode:<4}: {result['wall_s']:.1f} s wall, "
                    f"{result['per_report_s']:.3f} s per report (median report {result['median_report_s']:.2f} s, "
                    f"peak worker + kernel {result['peak_worker_mib']:.0f} MiB); load {result['load_after']}",
                    flush=True,
                )
            a, b = pages(Path(tmp) / f"pool-{r}"), pages(Path(tmp) / f"dask-{r}")
            if a != b:
                raise SystemExit(f"round {r + 1}: the pages differ between the modes")
    pool = statistics.median(float(x["wall_s"]) for x in runs if x["mode"] == "pool")  # type: ignore[arg-type]
    dask = statistics.median(float(x["wall_s"]) for x in runs if x["mode"] == "dask")  # type: ignore[arg-type]
    summary = {
        "reports": len(names),
        "workers": args.workers,
        "rounds": args.rounds,
        "pool_s": round(pool, 1),
        "dask_s": round(dask, 1),
        "ratio_dask_over_pool": round(dask / pool, 3),
        "target": 1.2,
        "pages_identical": True,
        "runs": runs,
    }
    print(f"LocalCluster / local pool: {dask:.1f} s / {pool:.1f} s = {dask / pool:.2f}x (target: within 1.2x)")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
