"""Progress against named targets (``reference/targets.csv``: each with source and base year).

For each target and kommun: base-year emissions, target level, current value (E0, observed or
estimated), the value the current trend reaches in the target year, the gap in tonnes (trend minus
target level; positive = short of the target), the required yearly rate from now
``1 - (target / E0) ** (1 / (target_year - current_year))``, and on track or not. Each target also
states its **allowance for supplementary measures** (``supplementary_allowance``, a share of the
base year, with ``supplementary_source``: Prop. 2016/17:146 allows at most 8 percentage points of
the 2030 non-ETS target and 2 of the 2040 one; the net-zero 2045 target leaves at most 15 %).

Scopes: ``total`` (all sectors), ``sector`` (the listed SMHI main sectors) and ``non_ets``
(:func:`non_ets_emissions`): SMHI does not split kommun emissions by EU ETS status, so non-ETS is
the total minus the verified EU ETS emissions of the kommun's installations in the years they report
(method ``total_minus_verified_ets``), and elsewhere the sector proxy, all sectors but the ETS
sectors (``names.ets_sectors()``), by default scaled to the kommun's ETS-based level in the years
both exist (``sector_proxy_scaled``; ``sector_proxy`` unscaled) so that the series has no break
where the method changes.
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
    return tab.assign(
        sectors=tab["sectors"].fillna("").astype(str),
        supplementary_counts=tab["supplementary_counts"].fillna("").astype(str),
    )


def _allowance(value: float, reduction: float, residual_by_sinks: bool) -> float:
    """The allowance for supplementary measures (share of the base year); blank in the table means
    'the rest' (1 - reduction) for targets whose rest is covered by sinks and removals, else 0."""
    if pd.notna(value):
        return float(value)
    return 1 - float(reduction) if residual_by_sinks else 0.0


def targets(kommun_reduction: float | None = None) -> pd.DataFrame:
    """The targets table; ``kommun_reduction`` overrides the climate-neutral-2030 reduction share."""
    tab = _targets_table().copy()
    if kommun_reduction is not None:
        if not 0 < kommun_reduction <= 1:
            raise ParameterError(f"kommun_reduction must be a share between 0 and 1, got {kommun_reduction}")
        tab.loc[tab["target_id"] == "kommun_neutral_2030", "reduction"] = kommun_reduction
    return tab


METHOD_ETS = "total_minus_verified_ets"
METHOD_PROXY = "sector_proxy"
METHOD_PROXY_SCALED = "sector_proxy_scaled"
PROXY_CHOICES = ("scaled", "plain")


def _keys(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("release", "kommun_code", "kommun") if c in frame.columns]


def _sector_rows(sector_emissions: pd.DataFrame) -> pd.DataFrame:
    sec = sector_emissions["sector"] != SECTOR_TOTAL
    return sector_emissions[sec] if sec.any() else sector_emissions


def non_ets_emissions(
    sector_emissions: pd.DataFrame, *, ets: pd.DataFrame | None = None, proxy: str = "scaled"
) -> pd.DataFrame:
    """Emissions outside the EU ETS per kommun and year (t CO2e/yr), with the method per row.

    ``sector_emissions``: SMHI main sectors (one release); ``ets``: verified emissions per kommun and
    year (kommun_code, year, verified_t_co2e) as from
    :func:`~borlange_analysis.analysis.facilities.kommun_verified_ets`; ``None`` reads the EUTL
    tables; an empty frame uses the proxy everywhere. Where the kommun's installations report and the
    difference is not negative: total minus verified (``total_minus_verified_ets``). Elsewhere the
    proxy, all sectors but ``names.ets_sectors()``: with ``proxy="scaled"`` multiplied by the kommun's
    median ratio of (total - verified) to the proxy over the years both exist
    (``sector_proxy_scaled``), with ``"plain"`` or without such years unscaled (``sector_proxy``).

    Columns: the keys (release, kommun_code, kommun), year, t_co2e, method, total_t_co2e,
    ets_verified_t_co2e (NaN without data), sector_proxy_t_co2e, proxy_scale, level, sector, unit.
    """
    if proxy not in PROXY_CHOICES:
        raise UnknownValueError("non-ETS proxy", proxy, list(PROXY_CHOICES))
    rows = _sector_rows(sector_emissions)
    keys = _keys(rows)
    is_ets = rows["sector"].isin(ets_sectors())
    tot = rows.groupby(keys + ["year"], as_index=False)["t_co2e"].sum().rename(columns={"t_co2e": "total_t_co2e"})
    ets_sec = rows[is_ets].groupby(keys + ["year"])["t_co2e"].sum().rename("ets_sectors_t")
    out = tot.merge(ets_sec.reset_index(), on=keys + ["year"], how="left").fillna({"ets_sectors_t": 0.0})
    out["sector_proxy_t_co2e"] = out["total_t_co2e"] - out["ets_sectors_t"]
    if ets is None:
        from .. import data
        from .facilities import kommun_verified_ets

        ets = kommun_verified_ets(data.load_ets_emissions(), data.load_ets_installations())
    v = ets[["kommun_code", "year", "verified_t_co2e"]] if len(ets) else pd.DataFrame(columns=["kommun_code", "year"])
    v = v.rename(columns={"verified_t_co2e": "ets_verified_t_co2e"})
    out = out.merge(v, on=["kommun_code", "year"], how="left") if len(v) else out.assign(ets_verified_t_co2e=np.nan)
    out["ets_verified_t_co2e"] = out["ets_verified_t_co2e"].astype(float)
    diff = out["total_t_co2e"] - out["ets_verified_t_co2e"]
    use_ets = out["ets_verified_t_co2e"].notna() & (diff >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (diff / out["sector_proxy_t_co2e"]).where(use_ets & (out["sector_proxy_t_co2e"] > 0))
    scale = ratio.groupby([out[k] for k in keys if k != "kommun"]).transform("median")
    if proxy == "plain":
        scale = pd.Series(np.nan, index=out.index)
    scaled = scale.notna()
    out["proxy_scale"] = scale
    out["t_co2e"] = np.where(
        use_ets, diff, np.where(scaled, out["sector_proxy_t_co2e"] * scale, out["sector_proxy_t_co2e"])
    )
    out["method"] = np.where(use_ets, METHOD_ETS, np.where(scaled, METHOD_PROXY_SCALED, METHOD_PROXY))
    out["level"] = "total"
    out["sector"] = SECTOR_TOTAL
    out["unit"] = "t CO2e"
    return out.drop(columns="ets_sectors_t")


def scope_emissions(
    sector_emissions: pd.DataFrame,
    scope: str,
    sectors: str = "",
    *,
    ets: pd.DataFrame | None = None,
    non_ets_proxy: str = "scaled",
) -> pd.DataFrame:
    """Sum sector-level emissions to the scope of a target: one series per kommun (t CO2e/yr),
    with a ``method`` column (``sum_of_sectors``, or the non-ETS method per row)."""
    sector_emissions = _sector_rows(sector_emissions)
    if scope == "non_ets":
        return non_ets_emissions(sector_emissions, ets=ets, proxy=non_ets_proxy)
    if scope == "total":
        sel = sector_emissions
    elif scope == "sector":
        wanted = [s for s in sectors.split(";") if s]
        sel = sector_emissions[sector_emissions["sector"].isin(wanted)]
    else:
        raise UnknownValueError("target scope", scope, ["total", "non_ets", "sector"])
    keys = _keys(sel)
    out = sel.groupby(keys + ["year"], as_index=False)["t_co2e"].sum()
    out["level"] = "total"
    out["sector"] = SECTOR_TOTAL
    out["method"] = "sum_of_sectors"
    return out


def target_progress(
    sector_emissions: pd.DataFrame,
    *,
    target_ids: list[str] | None = None,
    current_year: int = CURRENT_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
    kommun_reduction: float | None = None,
    ets: pd.DataFrame | None = None,
    non_ets_proxy: str = "scaled",
) -> pd.DataFrame:
    """Progress of every kommun in ``sector_emissions`` (sector-level, one release) on each target.

    ``ets`` and ``non_ets_proxy`` go to :func:`non_ets_emissions` (``None`` reads the EUTL tables).
    Returns one row per kommun and target: kommun_code, kommun, target_id, scope,
    base_year, base_value, target_year, reduction, target_value, current_value,
    trend_in_target_year, gap_t, required_rate, on_track, residual_by_sinks,
    supplementary_allowance (share of the base year), supplementary_allowance_t,
    domestic_target_value (the highest level domestic cuts may leave: with the whole allowance used,
    base x (1 - reduction + allowance); for targets whose rest is covered by sinks and removals
    (``residual_by_sinks``) the target level itself, the allowance then covering the rest to net
    zero), supplementary_counts (codes), supplementary_source, scope_method_base and
    scope_method_last (how the scope was computed in the base year and the last observed year:
    ``sum_of_sectors``, ``total_minus_verified_ets``, ``sector_proxy_scaled``, ``sector_proxy``),
    current_year, source, unit (t CO2e).
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
            em = scope_emissions(sector_emissions, t.scope, t.sectors, ets=ets, non_ets_proxy=non_ets_proxy)
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
        allowance = _allowance(t.supplementary_allowance, t.reduction, bool(t.residual_by_sinks))
        methods = em.set_index(["kommun_code", "year"])["method"]
        base_method = methods.reindex(list(zip(fit["kommun_code"], [t.base_year] * len(fit), strict=True)))
        last_method = methods.reindex(list(zip(fit["kommun_code"], fit["last_year"], strict=True)))
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
                    "supplementary_allowance": allowance,
                    "supplementary_allowance_t": b * allowance,
                    "domestic_target_value": target_value if t.residual_by_sinks else b * (1 - t.reduction + allowance),
                    "supplementary_counts": t.supplementary_counts,
                    "supplementary_source": t.supplementary_source,
                    "scope_method_base": base_method.to_numpy(),
                    "scope_method_last": last_method.to_numpy(),
                    "current_year": current_year,
                    "source": t.source,
                    "unit": "t CO2e",
                }
            )
        )
    return pd.concat(rows, ignore_index=True)
