"""One table for researchers: every indicator for all kommuner (one row per kommun, or per kommun
and sector), from one SMHI release.

Columns (units in names or in ``unit``; emissions t CO2e/yr, SMHI, GWP100 AR5):

==========================  ===================================================================
kommun_code, kommun, lan    SCB code and names
sector                      'Alla' for the total, else the SMHI main sector (per-sector table)
release, method, unit       SMHI release, trend method, unit of the emission columns
last_year, last_value       last observed year and its emissions
trend_slope                 t CO2e/yr, median regression from ``first_year`` (Klimatkollen method)
estimate_<year>             trend estimates for the years after the last observed year
current_value               E0 in ``current_year`` (observed or estimated)
projection_<end_year>       trend value in the end year
total_trend                 sum of the trend, current_year..end_year (t CO2e)
total_carbon_law            sum of the Carbon Law pathway, current_year..end_year (t CO2e)
on_track                    total_trend <= total_carbon_law
net_zero_year, _date        where the trend line crosses zero (empty = never)
change_since_<y>_t / _pct   change from 1990 and 2005 to the last observed year
annual_rate_2015_last       compound annual rate 2015 -> last year (share per year)
population, per_capita_t    SCB population of the last year (nearest available) and t CO2e/person
per_km2_t                   t CO2e per km² of land (SCB)
budget_t, remaining_budget  CEMUS budget share and what is left at current_year (t CO2)
required_rate               yearly cut that spends exactly the remaining budget (share per year)
budget_runs_out(_date)      when the remaining budget runs out at the current trend (empty = never)
gap_<target>_t, on_track_<target>   per target in data/targets.csv (totals only)
==========================  ===================================================================

The sink and balance columns (top-down sink, gain-loss sink low/central/high, net emissions,
neutrality gap) are added by :func:`borlange_analysis.sinks.sink_indicators` when
``with_sinks=True``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import UnknownValueError
from ..names import SECTOR_TOTAL
from .budget import DEFAULT_PRESET, carbon_budget
from .targets import target_progress, targets
from .trends import CARBON_LAW_RATE, CURRENT_YEAR, END_YEAR, FIRST_YEAR, pathways

FORMATS = ("csv", "parquet", "json")


def _value_in(em: pd.DataFrame, rows: pd.DataFrame, year: int) -> np.ndarray:
    """Emissions of each (kommun_code, sector) row of ``rows`` in ``year`` (NaN if absent)."""
    sel = em.loc[em["year"] == year, ["kommun_code", "sector", "t_co2e"]]
    return rows[["kommun_code", "sector"]].merge(sel, on=["kommun_code", "sector"], how="left")["t_co2e"].to_numpy()


def compute_indicators(
    sector_emissions: pd.DataFrame,
    total_emissions: pd.DataFrame,
    *,
    population: pd.DataFrame,
    land_area: pd.DataFrame,
    current_year: int = CURRENT_YEAR,
    end_year: int = END_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
    budget_preset: str = DEFAULT_PRESET,
    carbon_law_rate: float = CARBON_LAW_RATE,
    per_sector: bool = False,
    kommun_reduction: float | None = None,
) -> pd.DataFrame:
    """Pure computation of every indicator from already loaded tables (see module docstring).

    ``sector_emissions`` and ``total_emissions`` are tidy tables of one release for all kommuner;
    ``population`` has kommun_code, year, population; ``land_area`` kommun_code, year, land_km2.
    """
    tot_path = pathways(
        total_emissions,
        current_year=current_year,
        end_year=end_year,
        first_year=first_year,
        method=method,
        carbon_law_rate=carbon_law_rate,
    )
    frames = [(tot_path, total_emissions)]
    if per_sector:
        frames.append(
            (
                pathways(
                    sector_emissions,
                    current_year=current_year,
                    end_year=end_year,
                    first_year=first_year,
                    method=method,
                    carbon_law_rate=carbon_law_rate,
                ),
                sector_emissions,
            )
        )
    rows = []
    for path, em in frames:
        r = path.rename(columns={"slope": "trend_slope"}).drop(
            columns=["intercept", "level", "subsector"], errors="ignore"
        )
        # change from a base year to the last observed year (same as emissions.change_since)
        for base in (1990, 2005):
            b = _value_in(em, r, base)
            r[f"change_since_{base}_t"] = r["last_value"].to_numpy() - b
            with np.errstate(divide="ignore", invalid="ignore"):
                r[f"change_since_{base}_pct"] = np.where(b != 0, 100 * (r["last_value"].to_numpy() - b) / b, np.nan)
        if 2015 in set(em["year"]):
            b = _value_in(em, r, 2015)
            n = (r["last_year"] - 2015).to_numpy()
            with np.errstate(divide="ignore", invalid="ignore"):
                r["annual_rate_2015_last"] = np.where(
                    (b > 0) & (n > 0), (r["last_value"].to_numpy() / b) ** (1 / n) - 1, np.nan
                )
        rows.append(r)
    out = pd.concat(rows, ignore_index=True)
    # per capita and per km² (last observed year, nearest population year)
    pop = population[["kommun_code", "year", "population"]]
    last_year = int(out["last_year"].max())
    near = (
        pop.assign(d=(pop["year"] - last_year).abs())
        .sort_values(["kommun_code", "d", "year"])
        .drop_duplicates("kommun_code")
    )
    out = out.merge(
        near[["kommun_code", "population", "year"]].rename(columns={"year": "population_year"}),
        on="kommun_code",
        how="left",
    )
    out["per_capita_t"] = out["last_value"] / out["population"]
    area = land_area.sort_values("year").drop_duplicates("kommun_code", keep="last")[["kommun_code", "land_km2"]]
    out = out.merge(area, on="kommun_code", how="left")
    out["per_km2_t"] = out["last_value"] / out["land_km2"]
    # carbon budget (totals)
    bud = carbon_budget(
        total_emissions,
        preset_name=budget_preset,
        population=near,
        current_year=current_year,
        first_year=first_year,
        method=method,
        summary=tot_path,
    )
    bud = bud[
        [
            "kommun_code",
            "budget_t",
            "spent_t",
            "remaining_budget_t",
            "required_rate",
            "budget_runs_out",
            "budget_runs_out_date",
        ]
    ].rename(columns={"remaining_budget_t": "remaining_budget"})
    bud["sector"] = SECTOR_TOTAL
    out = out.merge(bud, on=["kommun_code", "sector"], how="left")
    out["budget_preset"] = budget_preset
    # targets (totals)
    tp = target_progress(
        sector_emissions,
        current_year=current_year,
        first_year=first_year,
        method=method,
        kommun_reduction=kommun_reduction,
    )
    wide = tp.pivot(index="kommun_code", columns="target_id", values=["gap_t", "on_track"])
    wide.columns = [f"gap_{t}_t" if k == "gap_t" else f"on_track_{t}" for k, t in wide.columns]
    wide = wide.reset_index()
    for t in targets()["target_id"]:  # same columns whatever the release holds
        for col in (f"gap_{t}_t", f"on_track_{t}"):
            if col not in wide:
                wide[col] = np.nan
    wide["sector"] = SECTOR_TOTAL
    out = out.merge(wide, on=["kommun_code", "sector"], how="left")
    first = [
        "kommun_code",
        "kommun",
        "lan_code",
        "lan",
        "sector",
        "release",
        "method",
        "unit",
        "last_year",
        "last_value",
        "trend_slope",
    ]
    rest = [c for c in out.columns if c not in first]
    out = out[first + rest]
    return out.sort_values(["kommun_code", "sector"]).reset_index(drop=True)


def build_indicators(
    *,
    release: str = "latest",
    kommun=None,
    current_year: int = CURRENT_YEAR,
    method: str = "median",
    budget_preset: str = DEFAULT_PRESET,
    per_sector: bool = False,
    with_sinks: bool = True,
    first_year: int = FIRST_YEAR,
    kommun_reduction: float | None = None,
) -> pd.DataFrame:
    """Load the tables of one release and compute every indicator (all kommuner; ``kommun``
    filters the rows of the result, the budget is always shared among all 290)."""
    from .. import data

    sec = data.load_emissions(None, release=release, level="sector")
    tot = data.load_emissions(None, release=release, level="total")
    if sec.empty:  # a release with totals only (e.g. 2024): no sector rows, no sector targets
        sec = tot.assign(sector=SECTOR_TOTAL)
        per_sector = False
    out = compute_indicators(
        sec,
        tot,
        population=data.load_population(),
        land_area=data.load_land_area(),
        current_year=current_year,
        method=method,
        budget_preset=budget_preset,
        per_sector=per_sector,
        first_year=first_year,
        kommun_reduction=kommun_reduction,
    )
    if with_sinks:
        from .sinks import sink_indicators

        out = sink_indicators(out, kommun_reduction=kommun_reduction, current_year=current_year)
    codes = data.kommun_codes(kommun)
    if codes is not None:
        out = out[out["kommun_code"].isin(codes)].reset_index(drop=True)
    return out


def write_indicators(frame: pd.DataFrame, path, fmt: str | None = None) -> None:
    """Write the indicators table to CSV, Parquet or JSON (records), atomically."""
    import os
    import tempfile
    from pathlib import Path

    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise UnknownValueError("format", fmt, FORMATS)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix="." + fmt)
    os.close(fd)
    try:
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_json(tmp, orient="records", force_ascii=False, indent=1)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
