"""Start-up time of the command line: `borlange-analysis --help` against the same process importing
every analytics and page module eagerly (what `import borlange_analysis` did before it became lazy),
side by side in the same run. Target: --help under 0.3 s.

Usage: python benchmarks/bench_cli_start.py [--runs N]
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
EAGER = (
    "import borlange_analysis.cli, borlange_analysis.data, borlange_analysis.analysis.indicators, "
    "borlange_analysis.analysis.sinks, borlange_analysis.analysis.budget, borlange_analysis.partners"
)


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    cases = {
        "borlange-analysis --help": [str(BIN / "borlange-analysis"), "--help"],
        "eager import of the analytics": [sys.executable, "-c", EAGER],
    }
    times: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        for name, cmd in cases.items():
            times[name].append(timed(cmd))
    for name, ts in times.items():
        print(
            f"{name:32s} median {statistics.median(ts):.3f} s  (min {min(ts):.3f}, max {max(ts):.3f}, {len(ts)} runs)"
        )
    ratio = statistics.median(times["eager import of the analytics"]) / statistics.median(
        times["borlange-analysis --help"]
    )
    print(f"eager / lazy: {ratio:.1f}x")


if __name__ == "__main__":
    main()
