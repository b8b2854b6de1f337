"""Progress against named targets (``data/targets.csv``: each with source and base year).

For each target and kommun: base-year emissions, target level, current value (E0, observed or
estimated), the value the current trend reaches in the target year, the gap in tonnes (trend minus
target level; positive = short of the target), the required yearly rate from now
``1 - (target / E0) ** (1 / (target_year - current_year))``, and on track or not.

Scopes: ``total`` (all sectors), ``sector`` (the listed SMHI main sectors), ``non_ets``: an
approximation at kommun level, all sectors except 'Industri (energi + processer)' and 'El och
fjärrvärme', where EU ETS installations dominate (SMHI does not split kommun emissions by ETS
status); reports say so.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import reference
from ..errors import ParameterError, UnknownValueError
from ..names import SECTOR_TOTAL, ets_sectors
from .trends import CURRENT_YEAR, FIRST_YEAR, fit_trend, trend_value


@lru_cache(maxsize=1)
def _targets_table() -> pd.DataFrame:
    tab = reference.table("targets.csv")
    return tab.assign(sectors=tab["sectors"].fillna("").astype(str))


def targets(kommun_reduction: float | None = None) -> pd.DataFrame:
    """The targets table; ``kommun_reduction`` overrides the climate-neutral-2030 reduction share."""
    tab = _targets_table().copy()
    if kommun_reduction is not None:
        if not 0 < kommun_reduction <= 1:
            raise ParameterError(f"kommun_reduction must be a share between 0 and 1, got {kommun_reduction}")
        tab.loc[tab["target_id"] == "kommun_neutral_2030", "reduction"] = kommun_reduction
    return tab


def scope_emissions(sector_emissions: pd.DataFrame, scope: str, sectors: str = "") -> pd.DataFrame:
    """Sum sector-level emissions to the scope of a target: one series per kommun (t CO2e/yr)."""
    sector_emissions = (
        sector_emissions[sector_emissions["sector"] != SECTOR_TOTAL]
        if (sector_emissions["sector"] != SECTOR_TOTAL).any()
        else sector_emissions
    )
    if scope == "total":
        sel = sector_emissions
    elif scope == "non_ets":
        sel = sector_emissions[~sector_emissions["sector"].isin(ets_sectors())]
    elif scope == "sector":
        wanted = [s for s in sectors.split(";") if s]
        sel = sector_emissions[sector_emissions["sector"].isin(wanted)]
    else:
        raise UnknownValueError("target scope", scope, ["total", "non_ets", "sector"])
    keys = [c for c in ("release", "kommun_code", "kommun") if c in sel.columns]
    out = sel.groupby(keys + ["year"], as_index=False)["t_co2e"].sum()
    out["level"] = "total"
    out["sector"] = SECTOR_TOTAL
    return out


def target_progress(
    sector_emissions: pd.DataFrame,
    *,
    target_ids: list[str] | None = None,
    current_year: int = CURRENT_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
    kommun_reduction: float | None = None,
) -> pd.DataFrame:
    """Progress of every kommun in ``sector_emissions`` (sector-level, one release) on each target.

    Returns one row per kommun and target: target_id, name_sv, name_en, base_year, base_value,
    target_year, target_value, current_value, trend_in_target_year, gap_t, required_rate,
    on_track, source, unit (t CO2e).
    """
    tab = targets(kommun_reduction)
    if target_ids is not None:
        for t in target_ids:
            if t not in set(tab["target_id"]):
                raise UnknownValueError("target", t, tab["target_id"].tolist())
        tab = tab[tab["target_id"].isin(target_ids)]
    rows = []
    fits: dict[tuple, tuple] = {}
    has_sectors = (sector_emissions["sector"] != SECTOR_TOTAL).any()
    for t in tab.itertuples(index=False):
        if t.scope != "total" and not has_sectors:
            continue  # a release with totals only (e.g. 2024) cannot show sector or non-ETS targets
        key = (t.scope, t.sectors)
        if key not in fits:  # targets with the same scope share one trend fit
            em = scope_emissions(sector_emissions, t.scope, t.sectors)
            fits[key] = (em, fit_trend(em, first_year=first_year, method=method))
        em, fit = fits[key]
        base = em[em["year"] == t.base_year].set_index("kommun_code")["t_co2e"]
        if base.empty:
            raise ParameterError(f"Target {t.target_id}: the data have no base year {t.base_year}")
        if (fit["last_year"] > current_year).any():
            raise ParameterError(
                f"current_year {current_year} is before the last observed year {int(fit['last_year'].max())}"
            )
        e0 = np.where(fit["last_year"] == current_year, fit["last_value"], trend_value(fit, [current_year])[:, 0])
        at_target = trend_value(fit, [t.target_year])[:, 0]
        b = base.reindex(fit["kommun_code"]).to_numpy()
        target_value = b * (1 - t.reduction)
        years_left = t.target_year - current_year
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(
                e0 <= target_value,
                0.0,
                1 - (target_value / e0) ** (1 / max(years_left, 1e-9)) if years_left > 0 else np.nan,
            )
        rows.append(
            pd.DataFrame(
                {
                    "kommun_code": fit["kommun_code"],
                    "kommun": fit["kommun"],
                    "target_id": t.target_id,
                    "name_sv": t.name_sv,
                    "name_en": t.name_en,
                    "scope": t.scope,
                    "base_year": t.base_year,
                    "base_value": b,
                    "target_year": t.target_year,
                    "reduction": t.reduction,
                    "target_value": target_value,
                    "current_value": e0,
                    "trend_in_target_year": at_target,
                    "gap_t": at_target - target_value,
                    "required_rate": rate,
                    "on_track": at_target <= target_value,
                    "residual_by_sinks": bool(t.residual_by_sinks),
                    "current_year": current_year,
                    "source": t.source,
                    "unit": "t CO2e",
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
