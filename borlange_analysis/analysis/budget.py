"""Paris carbon budgets for kommuner (Uppsala University / CEMUS method, as Klimatkollen used
before 2025).

A national budget from a start year (preset table ``data/budget_presets.csv``, each row with its
source) minus a reserve (international transport and cement) is shared between the 290 kommuner:

- ``grandfathering``: by each kommun's share of the emissions of all kommuner over the reference
  years (default: every observed year from 2020 to the last observed year of the release);
- ``per_capita``: by share of population (SCB, the year nearest the budget's start year);
- ``blend``: ``weight * grandfathering + (1 - weight) * per_capita``.

From the kommun's budget, emissions already spent since the start year are subtracted (trapezoid
rule over the yearly values from the start year to ``current_year``: observed where they exist,
else the trend estimates of :mod:`borlange_analysis.pathways`). Outputs per kommun: the budget and
the remaining budget (t CO2e), the exponential pathway that spends exactly the remaining budget,
``E(t) = E0 * exp(-(E0/B) * (t - t0))``, its required yearly cut ``1 - exp(-E0/B)``, and the
date the remaining budget runs out if emissions follow the current trend (where the integral of
the trend line reaches B; "never" if the trend reaches zero first).

Caveat stated in every report: the CEMUS budget is for CO2, the SMHI series are all greenhouse
gases in CO2e; like Klimatkollen, the CO2e series are set against the CO2 budget.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import config, reference
from ..errors import ParameterError, UnknownValueError
from ..names import SECTOR_TOTAL, industry_sector
from .series import UNIT, to_matrix
from .trends import CURRENT_YEAR, _fractional_year_to_date, pathways, trend_value

REGIMES = ("grandfathering", "per_capita", "blend")
DEFAULT_PRESET = config.DEFAULTS.budget_preset


@lru_cache(maxsize=1)
def budget_presets() -> pd.DataFrame:
    """The national budget presets with their sources."""
    return reference.table("budget_presets.csv").set_index("preset")


def preset(name: str) -> dict:
    tab = budget_presets()
    if name not in tab.index:
        raise UnknownValueError("budget preset", name, list(tab.index))
    return {"preset": name, **tab.loc[name].to_dict()}


def allocate_budget(
    totals: pd.DataFrame,
    *,
    national_budget_t: float,
    reserved_t: float = 0.0,
    regime: str = "grandfathering",
    reference_years: list[int] | None = None,
    population: pd.DataFrame | None = None,
    weight: float = 0.5,
) -> pd.DataFrame:
    """Share a national budget (t CO2) between the kommuner in ``totals``.

    ``totals`` is the tidy *total* emissions of all kommuner (one release); ``reference_years``
    default to every observed year from 2020 on (the last three years for older releases).
    ``population`` has
    kommun_code and population (needed for per_capita and blend). Returns kommun_code,
    share, budget_t, regime.
    """
    if regime not in REGIMES:
        raise UnknownValueError("budget regime", regime, REGIMES)
    if national_budget_t is None or not np.isfinite(national_budget_t) or national_budget_t <= 0:
        raise ParameterError(f"The national budget must be a positive number of tonnes, got {national_budget_t}")
    if reserved_t < 0 or reserved_t >= national_budget_t:
        raise ParameterError(f"The reserve ({reserved_t} t) must be >= 0 and below the budget ({national_budget_t} t)")
    if not 0 <= weight <= 1:
        raise ParameterError(f"The blend weight must be between 0 and 1, got {weight}")
    net = national_budget_t - reserved_t
    codes = sorted(totals["kommun_code"].unique())
    out = pd.DataFrame({"kommun_code": codes})
    if regime in ("grandfathering", "blend"):
        have = sorted(totals["year"].unique())
        # default reference period: every observed year from 2020 on; a release that ends before
        # 2020 uses its last three observed years
        ref = reference_years or [y for y in have if y >= 2020] or have[-3:]
        bad = [y for y in ref if y not in have]
        if bad:
            raise UnknownValueError("reference year", bad[0], have)
        sub = totals[totals["year"].isin(ref)].groupby("kommun_code")["t_co2e"].sum()
        gf = (sub / sub.sum()).reindex(codes).fillna(0.0).to_numpy()
    if regime in ("per_capita", "blend"):
        if population is None:
            raise ParameterError(f"regime {regime!r} needs a population table (kommun_code, population)")
        pop = population.set_index("kommun_code")["population"].reindex(codes)
        if pop.isna().any():
            raise ParameterError(f"population missing for kommuner {list(pop[pop.isna()].index[:5])}")
        pc = (pop / pop.sum()).to_numpy()
    share = gf if regime == "grandfathering" else pc if regime == "per_capita" else weight * gf + (1 - weight) * pc
    out["share"] = share
    out["budget_t"] = share * net
    out["regime"] = regime if regime != "blend" else f"blend (weight {weight:g} grandfathering)"
    return out


def spent_since(values: np.ndarray, years: np.ndarray, start_year: float, current_year: float) -> np.ndarray:
    """Trapezoid integral (t) of yearly values from ``start_year`` to ``current_year``, per row."""
    sel = (years >= start_year) & (years <= current_year)
    if sel.sum() < 2:
        return np.zeros(values.shape[0])
    return np.trapezoid(values[:, sel], years[sel], axis=1)


def _runs_out(
    e0: np.ndarray,
    slope: np.ndarray,
    remaining: np.ndarray,
    t0: float,
    yearly: np.ndarray,
    years: np.ndarray,
    start_year: int,
) -> np.ndarray:
    """Fractional year when cumulative emissions since start_year reach the budget, following the
    yearly values up to t0 and the linear trend after it; NaN = never."""
    out = np.full(e0.shape, np.nan)
    ahead = remaining > 0
    s = slope
    with np.errstate(divide="ignore", invalid="ignore"):
        # after t0: integral of max(0, e0 + s*u) du = remaining
        capacity = np.where(s < 0, e0**2 / (2 * -s), np.inf)
        reach = ahead & (e0 > 0) & (capacity >= remaining)
        disc = np.sqrt(np.maximum(e0**2 + 2 * s * remaining, 0.0))
        tau = np.where(s == 0, remaining / e0, (disc - e0) / s)
        out = np.where(reach, t0 + tau, out)
    # already spent before t0: find the crossing inside the trapezoids
    used = ~ahead
    if used.any():
        sel = (years >= start_year) & (years <= t0)
        ys, vals = years[sel], yearly[:, sel]
        budget = remaining + spent_since(yearly, years, start_year, t0)
        for i in np.flatnonzero(used):
            cum = 0.0
            for k in range(len(ys) - 1):
                a, b = vals[i, k], vals[i, k + 1]
                seg = (a + b) / 2
                if cum + seg >= budget[i]:
                    need = budget[i] - cum
                    d = b - a
                    x = need / a if abs(d) < 1e-12 else (-a + np.sqrt(max(a * a + 2 * d * need, 0))) / d
                    out[i] = ys[k] + x
                    break
                cum += seg
            else:
                out[i] = start_year if budget[i] <= 0 else np.nan
    return out


def carbon_budget(
    emissions: pd.DataFrame,
    *,
    all_totals: pd.DataFrame | None = None,
    preset_name: str = DEFAULT_PRESET,
    national_budget_t: float | None = None,
    reserved_t: float | None = None,
    start_year: int | None = None,
    regime: str = "grandfathering",
    reference_years: list[int] | None = None,
    population: pd.DataFrame | None = None,
    weight: float = 0.5,
    current_year: int = CURRENT_YEAR,
    first_year: int = 2015,
    method: str = "median",
    summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Budget status for every kommun in ``emissions`` (tidy *total* emissions, one release).

    ``all_totals`` are the totals of all 290 kommuner used to share the national budget (default:
    ``emissions`` itself, which then must hold all kommuner). Budget figures override the preset.
    ``summary`` may pass the result of :func:`pathways` for the same table to avoid refitting.
    Returns one row per kommun: budget_t, spent_t, remaining_budget_t, current_value, required_rate
    (share per year), budget_runs_out (fractional year, NaN = never), budget_runs_out_date,
    preset, regime, start_year, current_year, source, unit.
    """
    p = preset(preset_name)
    nb = float(national_budget_t if national_budget_t is not None else p["national_budget_t"])
    if national_budget_t is not None and reserved_t is None:
        reserved = nb * float(p["reserved_t"]) / float(p["national_budget_t"])
    else:
        reserved = float(reserved_t if reserved_t is not None else p["reserved_t"])
    start = int(start_year if start_year is not None else p["start_year"])
    if nb <= 0:
        raise ParameterError(f"The national budget must be positive, got {nb} t")
    if current_year < start:
        raise ParameterError(f"current_year {current_year} is before the budget's start year {start}")
    levels = set(emissions.get("level", pd.Series(["total"])).unique())
    if levels - {"total"}:
        raise ParameterError(f"carbon_budget needs total emissions (level='total'), got levels {sorted(levels)}")
    alloc = allocate_budget(
        all_totals if all_totals is not None else emissions,
        national_budget_t=nb,
        reserved_t=reserved,
        regime=regime,
        reference_years=reference_years,
        population=population,
        weight=weight,
    )
    summ = (
        summary
        if summary is not None
        else pathways(emissions, current_year=current_year, first_year=first_year, method=method)
    )
    keys, years, values = to_matrix(emissions)
    # yearly values from start_year to current_year: observed, else the trend estimate
    grid = np.arange(min(start, int(years.min())), current_year + 1)
    yearly = np.full((len(keys), len(grid)), np.nan)
    obs_pos = np.searchsorted(grid, years)
    inside = (years >= grid[0]) & (years <= grid[-1])
    yearly[:, obs_pos[inside]] = values[:, inside]
    est = trend_value(summ, grid)
    after_last = grid[None, :] > summ["last_year"].to_numpy()[:, None]
    yearly = np.where(np.isnan(yearly) & after_last, est, yearly)
    yearly = pd.DataFrame(yearly).interpolate(axis=1, limit_area="inside").to_numpy()
    spent = spent_since(yearly, grid, start, current_year)
    merged = summ.merge(alloc, on="kommun_code", how="left")
    if merged["budget_t"].isna().any():
        missing = merged.loc[merged["budget_t"].isna(), "kommun"].tolist()[:5]
        raise ParameterError(f"No budget share for {missing}: pass all_totals with every kommun")
    budget = merged["budget_t"].to_numpy()
    remaining = budget - spent
    e0 = merged["current_value"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(remaining > 0, 1 - np.exp(-e0 / remaining), 1.0)
    runs = _runs_out(e0, merged["slope"].to_numpy(), remaining, float(current_year), yearly, grid, start)
    out = merged[list(keys.columns) + ["current_value", "slope", "last_year"]].copy()
    out["budget_share"] = merged["share"]
    out["budget_t"] = budget
    out["spent_t"] = spent
    out["remaining_budget_t"] = remaining
    out["required_rate"] = rate
    out["budget_runs_out"] = runs
    out["budget_runs_out_date"] = [_fractional_year_to_date(v) for v in runs]
    out["preset"] = preset_name
    out["national_budget_t"] = nb
    out["reserved_t"] = reserved
    out["regime"] = merged["regime"]
    out["start_year"] = start
    out["current_year"] = current_year
    out["source"] = p["source"]
    out["unit"] = "t CO2 budget vs t CO2e emissions"
    return out


def budget_pathway(
    current_value: float, remaining_t: float, *, current_year: int = CURRENT_YEAR, end_year: int = 2050
) -> pd.DataFrame:
    """The exponential pathway that spends exactly ``remaining_t``: year, t_co2e.

    ``E(t) = E0 * exp(-(E0/B) * (t - t0))``; its integral from t0 to infinity equals B.
    """
    if current_value < 0:
        raise ParameterError(f"current emissions must be >= 0 t, got {current_value}")
    years = np.arange(current_year, end_year + 1)
    if remaining_t <= 0:
        vals = np.where(years == current_year, 0.0, 0.0)
    else:
        vals = current_value * np.exp(-(current_value / remaining_t) * (years - current_year))
    return pd.DataFrame({"year": years, "t_co2e": vals, "kind": "budget_pathway", "unit": UNIT})


def exclude_point_sources(
    emissions: pd.DataFrame,
    installation_ids: list[str],
    *,
    ets_emissions: pd.DataFrame,
    sector: str | None = None,
    fill: str = "nearest",
) -> pd.DataFrame:
    """Remove named point sources (EU ETS installations) from a sector of a kommun's emissions.

    Verified emissions (t CO2e, EUTL, 2013-2020 in the mirror) are subtracted from ``sector`` year
    by year; for years without verified data, ``fill='nearest'`` uses the nearest year's verified
    value (an assumption, stated in ``source``), ``fill='none'`` leaves those years unchanged. The
    sector is floored at 0. Works on sector-level or total-level tables (for totals the
    installation is subtracted from the total).
    """
    if fill not in ("nearest", "none"):
        raise UnknownValueError("fill method", fill, ["nearest", "none"])
    ets = ets_emissions[ets_emissions["installation_id"].isin(installation_ids)]
    missing = sorted(set(installation_ids) - set(ets["installation_id"]))
    if missing:
        raise UnknownValueError(
            "EU ETS installation with verified emissions",
            missing[0],
            sorted(ets_emissions["installation_id"].unique())[:50],
        )
    per_year = ets.groupby("year")["verified_t_co2e"].sum()
    out = emissions.copy()
    is_total = "level" in out.columns and (out["level"] == "total").all()
    target = out["sector"] == (SECTOR_TOTAL if is_total else (sector or industry_sector()))
    yrs = out.loc[target, "year"].to_numpy()
    have = per_year.index.to_numpy()
    if fill == "nearest":
        nearest = have[np.abs(yrs[:, None] - have[None, :]).argmin(1)]
        sub = per_year.reindex(nearest).to_numpy()
    else:
        sub = per_year.reindex(yrs).fillna(0.0).to_numpy()
    out.loc[target, "t_co2e"] = np.maximum(out.loc[target, "t_co2e"].to_numpy() - sub, 0.0)
    out.loc[target, "source"] = out.loc[target, "source"].astype(str) + (
        f"; minus EU ETS verified emissions of {', '.join(installation_ids)} (EUTL"
        + (", nearest year's value where a year has no verified data)" if fill == "nearest" else ")")
    )
    return out
