"""Descriptive statistics of tidy emissions tables (t CO2e/yr, SMHI, GWP100 AR5).

All functions take the tidy table of :func:`borlange_analysis.data.load_emissions` (one or many
kommuner, totals or sectors, one release) and return tidy tables; results do not depend on the
order of the input rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError, UnknownValueError
from .series import UNIT, series_keys, unit_of

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


def nearest_year(
    table: pd.DataFrame,
    wanted: pd.DataFrame,
    *,
    value: str,
    key: str = "kommun_code",
    year_column: str | None = None,
) -> pd.DataFrame:
    """For each (``key``, ``year``) row of ``wanted``, the ``value`` of ``table`` in that year, else in
    the nearest year ``table`` has for that key; on a tie (as far before as after) the earlier year.

    The one nearest-year rule of the package (population, land area, ...). Returns ``wanted``'s
    key and year with ``value`` and ``year_column`` (default ``<value>_year``: the year used).
    Raises :class:`ParameterError` naming the keys ``table`` has no value for.
    """
    year_column = year_column or f"{value}_year"
    want = wanted[[key, "year"]].drop_duplicates().reset_index(drop=True)
    have = table[[key, "year", value]].dropna(subset=[value]).rename(columns={"year": "_have"})
    missing = sorted(set(want[key]) - set(have[key]))
    if missing:
        raise ParameterError(f"no {value} data for {key} {', '.join(map(str, missing[:5]))}")
    pairs = want.merge(have, on=key, how="left")
    pairs["_dist"] = (pairs["_have"] - pairs["year"]).abs()
    pick = pairs.sort_values([key, "year", "_dist", "_have"], kind="mergesort").drop_duplicates([key, "year"])
    out = pick[[key, "year", value, "_have"]].rename(columns={"_have": year_column})
    return want.merge(out, on=[key, "year"], how="left")


def per_capita(emissions: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Emissions per inhabitant (t/person/yr; t CO2e, or t CO2 for a CO2 series). ``population``
    has kommun_code, year, population (SCB); years without population data use the nearest year
    (:func:`nearest_year`, column ``population_year``)."""
    pop = nearest_year(population, emissions, value="population")
    res = emissions.drop(columns=["population", "population_year"], errors="ignore").merge(
        pop, on=["kommun_code", "year"], how="left"
    )
    res["t_co2e_per_capita"] = res["t_co2e"] / res["population"]
    res["unit"] = unit_of(emissions, " per person")
    return res


def per_km2(emissions: pd.DataFrame, land_area: pd.DataFrame) -> pd.DataFrame:
    """Emissions per km² of land (t/km²/yr), using SCB's land area of the nearest year
    (:func:`nearest_year`, column ``area_year``)."""
    area = nearest_year(land_area, emissions, value="land_km2", year_column="area_year")
    res = emissions.drop(columns=["land_km2", "area_year"], errors="ignore").merge(
        area, on=["kommun_code", "year"], how="left"
    )
    res["t_co2e_per_km2"] = res["t_co2e"] / res["land_km2"]
    res["unit"] = unit_of(emissions, " per km2")
    return res


def change_since(emissions: pd.DataFrame, base_year: int, year: int | None = None) -> pd.DataFrame:
    """Change from ``base_year`` to ``year`` (default: the last year of each series), per series:
    base_value, value (t), change_t, change_pct (%; NaN when the base value is 0)."""
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
    out["unit"] = unit_of(emissions)
    return out


def compound_rate(base_value, value, years) -> np.ndarray:
    """The compound annual rate of change (share per year; -0.03 = 3 % cut/yr):
    ``(value / base_value) ** (1 / years) - 1``.

    The one rule of the package: defined when ``base_value > 0``, ``value >= 0`` and ``years > 0``;
    NaN otherwise (a rate from or through zero or negative values has no compound meaning).
    """
    b, v, n = (np.asarray(x, dtype=float) for x in (base_value, value, years))
    ok = (b > 0) & (v >= 0) & (n > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(ok, (np.where(ok, v, 1.0) / np.where(ok, b, 1.0)) ** (1 / np.where(ok, n, 1.0)) - 1, np.nan)


def annual_rate(emissions: pd.DataFrame, start: int, end: int | None = None) -> pd.DataFrame:
    """Compound annual rate of change from ``start`` to ``end`` (default: the last year of each
    series), per series: the :func:`change_since` columns and ``annual_rate`` (share per year,
    :func:`compound_rate`)."""
    if end is not None and end <= start:
        raise ParameterError(f"end year {end} must be after start year {start}")
    ch = change_since(emissions, start, end)
    ch["annual_rate"] = compound_rate(ch["base_value"], ch["value"], ch["year"] - start)
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
