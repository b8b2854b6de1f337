"""Time the full Borlänge report set: `borlange-analysis reports` (warm kernels, 2 workers)
against a plain sequential loop of the `papermill` CLI plus `jupyter nbconvert` over the same
notebooks and parameters; then a re-run with nothing changed.

Usage: python benchmarks/bench_reports.py [--skip-baseline] [--jobs N]
Writes into a temporary folder; needs prepared data.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from borlange_analysis import config
from borlange_analysis.runner import reports

BIN = Path(sys.executable).parent


def baseline(jobs, out: Path) -> float:
    t0 = time.perf_counter()
    for job in jobs:
        nb_out = out / f"{job.name}.ipynb"
        args = [
            str(BIN / "papermill"),
            "--log-level",
            "ERROR",
            str(config.notebooks_dir() / f"{job.notebook}.ipynb"),
            str(nb_out),
        ]
        for k, v in {**job.params, "tables_dir": str(out / "tables" / job.name)}.items():
            args += ["-p", k, str(v)]
        subprocess.run(args, check=True, capture_output=True)
        subprocess.run(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb_out)],
            check=True,
            capture_output=True,
        )
    return time.perf_counter() - t0


def ours(out: Path, n_jobs: int) -> tuple[float, str]:
    t0 = time.perf_counter()
    res = subprocess.run(
        [str(BIN / "borlange-analysis"), "reports", "--output", str(out), "--jobs", str(n_jobs)],
        capture_output=True,
        text=True,
    )
    dt = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(res.stderr[-2000:])
    return dt, res.stderr.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        jobs = reports.plan(output=tmp / "ours")
        t_ours, line = ours(tmp / "ours", args.jobs)
        t_rerun, line2 = ours(tmp / "ours", args.jobs)
        result = {"reports": len(jobs), "ours_s": round(t_ours, 1), "rerun_unchanged_s": round(t_rerun, 1)}
        print(f"borlange-analysis reports ({len(jobs)} reports, --jobs {args.jobs}): {t_ours:.1f} s  [{line}]")
        print(f"re-run with nothing changed: {t_rerun:.1f} s  [{line2}]")
        if not args.skip_baseline:
            (tmp / "base").mkdir()
            t_base = baseline(jobs, tmp / "base")
            result.update(baseline_s=round(t_base, 1), speedup=round(t_base / t_ours, 1))
            print(
                f"sequential papermill CLI + jupyter nbconvert loop: {t_base:.1f} s "
                f"({t_base / len(jobs):.2f} s per report)"
            )
            print(f"speed-up: {t_base / t_ours:.1f}x")
        print(json.dumps(result))


if __name__ == "__main__":
    main()
