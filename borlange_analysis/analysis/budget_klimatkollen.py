"""Klimatkollen's carbon-budget method of 2024, exact (budget method ``"klimatkollen-2024"``).

Klimatkollen (Klimatbyrån's municipal climate dashboard) showed these budgets in 2024. The rules,
with every parameter in ``reference/budget_methods.csv`` and the cement figures in
``reference/cement_process_emissions.csv`` (each row with its source):

1. Data: SMHI's CO2-only series, release "2024" (data 1990-2022), totals per kommun.
2. Cement: the process emissions of the cement plants in Gotland (Slite), Skövde and Mörbylånga
   (Degerhamn) are deducted year by year (Naturvårdsverket's facility figures).
3. National budget: 80 Mt CO2 from 2024 (1.5 °C, CEMUS) less an overhead of 80 x 55/285 Mt.
4. Shares by grandfathering on each kommun's sum of 2015-2022.
5. Trend: an ordinary least-squares line of emissions on the calendar year over 2015-2022, not
   shifted through the last value, floored at 0; it gives 2023-2024 and the trend from the 2024
   line value to 2050. Trend total: the trapezoid rule over the yearly values 2024-2050.
6. Pathway ``e0 * exp(-e0/B * (t - 2024))`` with ``e0`` the line value of 2024 and ``B`` the
   kommun's budget; required cut: the path's relative drop from 2025 to 2026, in percent.
7. Net zero where the line crosses zero (a fractional calendar year ``T``), dated
   ``1 January 2023 + 365 * (T - 2023)`` days; "never" when the slope is not negative.
8. The budget runs out where the line's integral from 2025 uses up the budget less the trapezoid
   of 2024-2025 (``B' = B - (L(2024) + L(2025)) / 2``): ``L(2025) * tau + slope * tau**2 / 2 = B'``,
   dated ``1 January 2025 + 365 * tau`` days; "holds" when the floored line never uses it up.
   (When ``B'`` is negative the same equation gives a date in 2024.)

Dates are whole days, rounded down. Borlänge: budget 669,971 t, runs out 2026-01-15, required
cut 39.681 %/yr, net zero 2057-12-10, trend total 5,435,412 t (Klimatkollen's published figures).
This method differs from the project's own ("cemus", :mod:`borlange_analysis.analysis.budget`):
OLS instead of median regression, a line not shifted through the last value, trapezoid totals
and 365-day dates; it is kept as published so the figures can be checked against Klimatkollen.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .. import reference
from ..errors import DataFileError, ParameterError
from .budget import BUDGET_GAS, HOLDS, NEVER, STATUS_COLUMNS, UNIT, require_co2
from .series import to_matrix
from .trends import iso_date_from_ordinal

METHOD = "klimatkollen-2024"
_INT_PARAMS = ("budget_year", "first_year", "last_year", "end_year", "days_per_year")
_FLOAT_PARAMS = ("national_budget_t", "overhead_numerator", "overhead_denominator")


@lru_cache(maxsize=1)
def parameters() -> dict[str, Any]:
    """The method's fixed parameters (``reference/budget_methods.csv``): release, national_budget_t,
    overhead_numerator / _denominator, budget_year, first_year, last_year, end_year,
    net_zero_epoch, runs_out_epoch (ISO dates), days_per_year, gas."""
    tab = reference.table("budget_methods.csv", as_text=True)
    rows = tab[tab["method"] == METHOD].set_index("parameter")["value"].to_dict()
    out: dict[str, Any] = dict(rows)
    try:
        for k in _INT_PARAMS:
            out[k] = int(rows[k])
        for k in _FLOAT_PARAMS:
            out[k] = float(rows[k])
        for k in ("net_zero_epoch", "runs_out_epoch"):
            out[k] = _dt.date.fromisoformat(rows[k])
    except (KeyError, ValueError) as exc:
        raise DataFileError(f"reference/budget_methods.csv: method {METHOD}: bad or missing parameter ({exc})") from exc
    return out


def source() -> str:
    """One line naming the method and its sources (for the ``source`` column)."""
    return (
        "Klimatkollen (Klimatbyrån), carbon-budget method of 2024: SMHI CO2 release 2024, cement process "
        "emissions deducted (Naturvårdsverket), 80 Mt CO2 from 2024 less 80 x 55/285 Mt (Uppsala University / "
        "CEMUS), grandfathering 2015-2022, OLS trend 2015-2022"
    )


@lru_cache(maxsize=1)
def _cement() -> pd.DataFrame:
    tab = reference.table("cement_process_emissions.csv", as_text=True)
    tab["year"] = tab["year"].astype(int)
    tab["t_co2"] = tab["t_co2"].astype(float)
    return tab


def cement_process_emissions() -> pd.DataFrame:
    """The cement plants' process emissions Klimatkollen deducted: kommun_code, kommun, facility,
    year, t_co2, source (``reference/cement_process_emissions.csv``)."""
    return _cement().copy()


def deduct_cement(totals: pd.DataFrame, cement: pd.DataFrame | None = None) -> pd.DataFrame:
    """Subtract the cement plants' process emissions (t CO2) from the totals of their kommuner for
    the method's years (2015-2022); adds ``cement_deducted_t``. Refuses a year of the method
    without a cement figure for a kommun that has a plant."""
    p = parameters()
    cem = cement if cement is not None else _cement()
    per = cem.groupby(["kommun_code", "year"])["t_co2"].sum()
    out = totals.copy()
    years = range(p["first_year"], p["last_year"] + 1)
    for code in sorted(set(cem["kommun_code"])):
        lacking = [y for y in years if (code, y) not in per.index]
        if lacking:
            raise DataFileError(
                f"reference/cement_process_emissions.csv: no figure for kommun {code} in {', '.join(map(str, lacking))}"
            )
    idx = pd.MultiIndex.from_arrays([out["kommun_code"].astype(str), out["year"].astype(int)])
    ded = per.reindex(idx).fillna(0.0).to_numpy()
    out["cement_deducted_t"] = ded
    out["t_co2e"] = out["t_co2e"].to_numpy(dtype=float) - ded
    return out


def _dates(epoch: _dt.date, years: np.ndarray, days_per_year: int, code: str) -> list[str]:
    base = epoch.toordinal()
    return [
        code if not np.isfinite(v) else iso_date_from_ordinal(base + int(np.floor(v * days_per_year))) for v in years
    ]


def klimatkollen_2024(totals: pd.DataFrame, *, cement: pd.DataFrame | None = None) -> pd.DataFrame:
    """Klimatkollen's 2024 budget of every kommun (see the module docstring for the rules).

    ``totals``: tidy total CO2 emissions of all 290 kommuner, SMHI release "2024" (``gas`` "CO2"),
    with every year 2015-2022. Returns the series keys and
    :data:`borlange_analysis.analysis.budget.STATUS_COLUMNS`: budget_t, required_rate_pct,
    budget_runs_out (ISO date or "holds"), net_zero (ISO date or "never"), total_trend_t, ... .
    """
    require_co2(totals)
    p = parameters()
    if "release" in totals.columns:
        rel = sorted({str(r) for r in totals["release"].unique()})
        if rel != [p["release"]]:
            raise ParameterError(
                f"Budget method {METHOD!r} is defined on SMHI's CO2 release {p['release']!r} (data to "
                f"{p['last_year']}); got release {', '.join(rel)}."
            )
    levels = set(totals["level"].unique()) if "level" in totals.columns else {"total"}
    if levels - {"total"}:
        raise ParameterError(f"{METHOD} needs total emissions (level='total'), got levels {sorted(levels)}")
    first, last, t0 = p["first_year"], p["last_year"], p["budget_year"]
    used = deduct_cement(totals[(totals["year"] >= first) & (totals["year"] <= last)], cement)
    keys, years, values = to_matrix(used)
    if len(years) != last - first + 1 or np.isnan(values).any():
        raise ParameterError(f"{METHOD} needs every year {first}-{last} for every kommun; the data have {list(years)}")
    data_first = int(totals.loc[totals["t_co2e"].notna(), "year"].min())
    # 3-4. national budget less the overhead, shared by grandfathering on the sum of first..last
    net = p["national_budget_t"] * (1 - p["overhead_numerator"] / p["overhead_denominator"])
    sums = values.sum(1)
    share = sums / sums.sum()
    budget = share * net
    # 5. OLS line over first..last on the calendar year (computed centred, the same line)
    x = years.astype(float)
    xm = x.mean()
    ym = values.mean(1)
    slope = ((x - xm)[None, :] * (values - ym[:, None])).sum(1) / ((x - xm) ** 2).sum()

    def line(t):
        return np.maximum(ym[:, None] + slope[:, None] * (np.atleast_1d(t)[None, :] - xm), 0.0)

    trend_years = np.arange(t0, p["end_year"] + 1)
    trend = line(trend_years)
    total_trend = np.trapezoid(trend, trend_years, axis=1)
    l_now, l_next = trend[:, 0], trend[:, 1]
    # 6. the path e0 * exp(-e0/B (t - t0)) and its drop from t0+1 to t0+2
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(budget > 0, l_now / budget, np.inf)
    rate = -np.expm1(-k)
    # 7. net zero where the (unfloored) line crosses zero
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = np.where(slope < 0, xm - ym / slope, np.nan)
    nz_epoch = p["net_zero_epoch"]
    net_zero_years = crossing - nz_epoch.year
    # 8. the budget less the trapezoid t0..t0+1, used up by the line's integral from t0+1
    rest = budget - (l_now + l_next) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        capacity = np.where(slope < 0, l_next**2 / (2 * -slope), np.where((l_next > 0) | (slope > 0), np.inf, 0.0))
        disc = np.sqrt(np.maximum(l_next**2 + 2 * slope * rest, 0.0))
        tau = np.where(slope == 0, rest / l_next, (disc - l_next) / np.where(slope == 0, 1.0, slope))
    holds = rest > capacity
    tau = np.where(holds, np.nan, tau)
    out = keys.drop(columns=[c for c in keys.columns if c in STATUS_COLUMNS])
    out["budget_method"] = METHOD
    out["gas"] = BUDGET_GAS
    out["release"] = p["release"]
    out["data_first_year"] = data_first
    out["data_last_year"] = last
    out["preset"] = None
    out["regime"] = "grandfathering"
    out["national_budget_t"] = p["national_budget_t"]
    out["reserved_t"] = p["national_budget_t"] - net
    out["start_year"] = t0
    out["current_year"] = t0
    out["end_year"] = p["end_year"]
    out["budget_share"] = share
    out["budget_t"] = budget
    out["spent_t"] = 0.0
    out["remaining_budget_t"] = budget
    out["current_value"] = l_now
    out["slope"] = slope
    out["trend_method"] = f"ordinary least squares {first}-{last}, not shifted"
    out["required_rate"] = rate
    out["required_rate_pct"] = 100 * rate
    out["budget_status"] = np.where(holds, "holds", "runs_out")
    out["budget_runs_out_year"] = p["runs_out_epoch"].year + tau
    out["budget_runs_out"] = _dates(p["runs_out_epoch"], tau, p["days_per_year"], HOLDS)
    out["net_zero_year"] = crossing
    out["net_zero"] = _dates(nz_epoch, net_zero_years, p["days_per_year"], NEVER)
    out["total_trend_t"] = total_trend
    out["source"] = source()
    out["unit"] = UNIT
    return out[[c for c in keys.columns if c not in STATUS_COLUMNS] + list(STATUS_COLUMNS)]
