"""Time every indicator for all 290 kommuner x (total + 9 sectors), and compare in the same run
with a straightforward per-kommun loop that calls statsmodels' QuantReg (the way the public
dashboard computes its trends) for the same series.

Usage: python benchmarks/bench_indicators.py [--repeat N]
"""

import argparse
import statistics
import time
import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm

from borlange_analysis import data
from borlange_analysis.analysis import budget, indicators
from borlange_analysis.analysis import trends as pathways


def loop_reference(frame: pd.DataFrame, current_year=2026, end_year=2050, rate=0.1172) -> pd.DataFrame:
    """Per-series loop: QuantReg fit, estimates, total_trend, Carbon Law, net zero (as the dashboard)."""
    out = []
    for keys, g in frame[frame.year >= 2015].groupby(["kommun_code", "sector"]):
        g = g.sort_values("year")
        t_last, e_last = g.year.iloc[-1], g.t_co2e.iloc[-1]
        x = g.year.to_numpy(float) - t_last
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            slope = sm.QuantReg(g.t_co2e.to_numpy(), sm.add_constant(x, has_constant="add")).fit(q=0.5).params[1]
        years = np.arange(current_year, end_year + 1)
        trend = np.maximum(e_last + slope * (years - t_last), 0)
        law = trend[0] * (1 - rate) ** (years - current_year)
        out.append((*keys, slope, trend.sum(), law.sum(), t_last - e_last / slope if slope < 0 else np.nan))
    return pd.DataFrame(out, columns=["kommun_code", "sector", "slope", "total_trend", "total_carbon_law", "net_zero"])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sec = data.load_emissions(None, level="sector")
    tot = data.load_emissions(None, level="total")
    pop, area = data.load_population(), data.load_land_area()
    co2 = data.load_emissions(None, release=budget.co2_release(), level="total")  # budgets are on CO2
    both = pd.concat([sec, tot], ignore_index=True)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        table = indicators.compute_indicators(
            sec, tot, population=pop, land_area=area, budget_totals=co2, per_sector=True
        )
        times.append(time.perf_counter() - t0)
    t_all = statistics.median(times)
    t0 = time.perf_counter()
    ours = pathways.pathways(both)
    t_trend = time.perf_counter() - t0
    t0 = time.perf_counter()
    ref = loop_reference(both)
    t_loop = time.perf_counter() - t0
    m = ours.merge(ref, on=["kommun_code", "sector"], suffixes=("", "_ref"))
    agree = np.allclose(m.slope, m.slope_ref, rtol=1e-7, atol=1e-6)
    print(f"series: {len(ours)} (290 kommuner x total + 9 sectors); indicator rows: {len(table)}")
    print(
        f"all indicators (trend, Carbon Law, budget, targets, descriptives), vectorised: median {t_all:.3f} s "
        f"over {args.repeat} runs"
    )
    print(f"trend + Carbon Law only, vectorised: {t_trend:.3f} s")
    print(f"per-series statsmodels QuantReg loop (trend + Carbon Law only): {t_loop:.2f} s")
    print(f"speed-up on the same work: {t_loop / t_trend:.0f}x; whole indicator set vs loop: {t_loop / t_all:.0f}x")
    print(f"slopes agree with statsmodels (rtol 1e-7): {agree}")


if __name__ == "__main__":
    main()
