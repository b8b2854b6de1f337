"""Time `prepare` for all sources: parse every raw file, validate, write Parquet.

Usage: python benchmarks/bench_prepare.py [--repeat N]
Needs fetched raw data (borlange-analysis fetch [--mirror DIR]).
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from borlange_analysis.ingest import prepare


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            prepare.prepare(out_dir=Path(tmp))
            times.append(time.perf_counter() - t0)
    print(
        f"prepare (all {len(prepare.TABLES)} tables): median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s over {args.repeat} runs"
    )


if __name__ == "__main__":
    main()
