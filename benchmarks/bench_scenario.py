"""Time the scenario for all 290 kommuner with the generic portfolio, every sector and year to 2050,
in one process, and compare in the same run with a per-kommun loop over the same functions.

What is timed (the tables are loaded once, before the clock starts):

- ``vectorised``: the sector baseline with its nowcast for all 290 kommuner x 9 sectors (trend per
  sector and for the total, scaled), the measures resolved, and the engine for the three bounds
  (central, low, high) -> ``scenario.sector_baseline`` + ``scenario.run``;
- ``engine only``: ``scenario.apply_cuts`` on the resolved arrays (one bound);
- ``per-kommun loop``: the same two calls kommun by kommun (290 baselines and 290 runs).

The results agree (the loop's scenario equals the vectorised one to rtol 1e-9): printed at the end.

Usage: python benchmarks/bench_scenario.py [--repeat N] [--current-year 2026]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from borlange_analysis import data
from borlange_analysis.analysis import measures, scenario


def vectorised(sec, tot, cat, current_year: int) -> scenario.ScenarioResult:
    base = scenario.sector_baseline(sec, tot, current_year=current_year)
    return scenario.run(cat, base, scenario.Inputs())


def per_kommun(sec, tot, cat, current_year: int) -> dict[str, np.ndarray]:
    out = {}
    for code, s in sec.groupby("kommun_code"):
        t = tot[tot["kommun_code"] == code]
        base = scenario.sector_baseline(s, t, current_year=current_year)
        res = scenario.run(cat, base, scenario.Inputs())
        out[str(code)] = res.cuts["central"].scenario[0]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--current-year", type=int, default=2026)
    args = ap.parse_args()
    sec = data.load_emissions(None, level="sector")
    tot = data.load_emissions(None, level="total")
    cat = measures.load_portfolio("generic", kommun=None)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = vectorised(sec, tot, cat, args.current_year)
        times.append(time.perf_counter() - t0)
    r = res.resolved
    engine = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        scenario.apply_cuts(
            res.base_values,
            sector=r.cut_sector,
            relative=r.cut_relative,
            effect=r.cut_effect["central"],
            group=r.cut_group,
            group_base=r.group_base,
            group_sector=r.group_sector,
        )
        engine.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    loop = per_kommun(sec, tot, cat, args.current_year)
    t_loop = time.perf_counter() - t0
    codes = res.baseline.kommuner["kommun_code"].tolist()
    agree = all(
        np.allclose(loop[c], res.cuts["central"].scenario[i], rtol=1e-9, atol=1e-6) for i, c in enumerate(codes)
    )
    K, S, Y = res.base_values.shape
    t_vec = statistics.median(times)
    print(
        f"kommuner: {K}; sectors: {S}; years: {int(res.years[0])}-{int(res.years[-1])} ({Y}); "
        f"generic measures: {len(cat)}; bounds: 3"
    )
    print(f"vectorised (baseline + measures + engine, 3 bounds): median {t_vec:.3f} s over {args.repeat} runs")
    print(f"engine only (one bound): median {statistics.median(engine) * 1000:.1f} ms")
    print(f"per-kommun loop (290 baselines and runs): {t_loop:.2f} s; speed-up {t_loop / t_vec:.0f}x")
    print(f"loop and vectorised agree (rtol 1e-9): {agree}")


if __name__ == "__main__":
    main()
