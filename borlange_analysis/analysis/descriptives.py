"""Descriptive statistics of tidy emissions tables (t CO2e/yr, SMHI, GWP100 AR5).

All functions take the tidy table of :func:`borlange_analysis.data.load_emissions` (one or many
kommuner, totals or sectors, one release) and return tidy tables; results do not depend on the
order of the input rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError, UnknownValueError
from .series import UNIT, series_keys

_ID = ["release", "kommun_code", "kommun"]


def _ids(frame: pd.DataFrame) -> list[str]:
    return [c for c in _ID if c in frame.columns]


def _check_years(frame: pd.DataFrame, *years: int) -> None:
    have = sorted(frame["year"].unique().tolist())
    for y in years:
        if y not in have:
            raise UnknownValueError("year", y, have)


def totals_and_shares(sector_emissions: pd.DataFrame) -> pd.DataFrame:
    """Per kommun and year: each sector's emissions (t CO2e), the total, and the sector's share
    of the total (0-1)."""
    ids = _ids(sector_emissions)
    out = sector_emissions[ids + ["sector", "year", "t_co2e"]].copy()
    total = out.groupby(ids + ["year"])["t_co2e"].transform("sum")
    out["total_t_co2e"] = total
    out["share"] = np.where(total != 0, out["t_co2e"] / total.where(total != 0, 1), np.nan)
    out["unit"] = UNIT
    return out.sort_values(ids + ["year", "sector"]).reset_index(drop=True)


def per_capita(emissions: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Emissions per inhabitant (t CO2e/person/yr). ``population`` has kommun_code, year,
    population (SCB); years without population data use the nearest year (``population_year``)."""
    pop = population[["kommun_code", "year", "population"]]
    out = []
    for code, g in emissions.groupby("kommun_code"):
        p = pop[pop["kommun_code"] == code]
        if p.empty:
            raise ParameterError(f"no population data for kommun {code}")
        near = p["year"].to_numpy()[np.abs(g["year"].to_numpy()[:, None] - p["year"].to_numpy()[None, :]).argmin(1)]
        vals = p.set_index("year")["population"].reindex(near).to_numpy()
        out.append(g.assign(population=vals, population_year=near))
    res = pd.concat(out, ignore_index=True)
    res["t_co2e_per_capita"] = res["t_co2e"] / res["population"]
    res["unit"] = "t CO2e per person"
    return res


def per_km2(emissions: pd.DataFrame, land_area: pd.DataFrame) -> pd.DataFrame:
    """Emissions per km² of land (t CO2e/km²/yr), using SCB land area of the nearest year."""
    latest = land_area.sort_values("year").groupby("kommun_code").tail(1)[["kommun_code", "land_km2", "year"]]
    res = emissions.merge(latest.rename(columns={"year": "area_year"}), on="kommun_code", how="left")
    if res["land_km2"].isna().any():
        raise ParameterError("land area missing for some kommuner")
    res["t_co2e_per_km2"] = res["t_co2e"] / res["land_km2"]
    res["unit"] = "t CO2e per km2"
    return res


def change_since(emissions: pd.DataFrame, base_year: int, year: int | None = None) -> pd.DataFrame:
    """Change from ``base_year`` to ``year`` (default: the last year of each series), per series:
    base_value, value (t CO2e), change_t, change_pct (%)."""
    keys = series_keys(emissions)
    _check_years(emissions, base_year)
    if year is not None:
        _check_years(emissions, year)
    base = emissions[emissions["year"] == base_year].set_index(keys)["t_co2e"]
    if year is None:
        last = emissions.sort_values("year").groupby(keys).tail(1).set_index(keys)
        value, yr = last["t_co2e"], last["year"]
    else:
        cur = emissions[emissions["year"] == year].set_index(keys)
        value, yr = cur["t_co2e"], cur["year"]
    out = pd.DataFrame({"base_year": base_year, "base_value": base, "year": yr, "value": value}).reset_index()
    out["change_t"] = out["value"] - out["base_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change_pct"] = np.where(out["base_value"] != 0, 100 * out["change_t"] / out["base_value"], np.nan)
    out["unit"] = UNIT
    return out


def annual_rate(emissions: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Compound annual rate of change between two years (share per year; -0.03 = 3 % cut/yr)."""
    if end <= start:
        raise ParameterError(f"end year {end} must be after start year {start}")
    ch = change_since(emissions, start, end)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (ch["base_value"] > 0) & (ch["value"] >= 0)
        ch["annual_rate"] = np.where(ok, (ch["value"] / ch["base_value"]) ** (1 / (end - start)) - 1, np.nan)
    return ch


def sector_decomposition(sector_emissions: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Which sector contributed how many tonnes to the change of the total between two years.
    Contributions sum exactly to the change of the total. Columns: ids, sector, start_value,
    end_value, contribution_t, contribution_share (of the total change)."""
    _check_years(sector_emissions, start, end)
    ids = _ids(sector_emissions)
    a = sector_emissions[sector_emissions["year"] == start].set_index(ids + ["sector"])["t_co2e"]
    b = sector_emissions[sector_emissions["year"] == end].set_index(ids + ["sector"])["t_co2e"]
    out = pd.DataFrame({"start_value": a, "end_value": b}).fillna(0.0).reset_index()
    out["contribution_t"] = out["end_value"] - out["start_value"]
    total = out.groupby(ids)["contribution_t"].transform("sum")
    out["contribution_share"] = np.where(total != 0, out["contribution_t"] / total.where(total != 0, 1), np.nan)
    out["start_year"], out["end_year"], out["unit"] = start, end, UNIT
    return out


def population_split(e0: float, e1: float, p0: float, p1: float) -> dict:
    """Split a change of total emissions into a population effect and a per-capita effect
    (symmetric/Shapley split: the two effects sum exactly to ``e1 - e0``; t CO2e)."""
    if p0 <= 0 or p1 <= 0:
        raise ParameterError(f"population must be positive, got {p0} and {p1}")
    c0, c1 = e0 / p0, e1 / p1
    pop_effect = (p1 - p0) * (c0 + c1) / 2
    pc_effect = (c1 - c0) * (p0 + p1) / 2
    return {
        "change_t": e1 - e0,
        "population_effect_t": pop_effect,
        "per_capita_effect_t": pc_effect,
        "per_capita_start": c0,
        "per_capita_end": c1,
        "unit": UNIT,
    }
