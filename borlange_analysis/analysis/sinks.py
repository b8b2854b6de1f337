"""Carbon sinks inside the kommun border and the climate-neutrality balance.

No official land-use (LULUCF) inventory exists below national level: every kommun sink here is an
**estimate**, and the reports say so. Two independent methods:

1. **Top-down** (:func:`top_down_sink`): Sweden's reported LULUCF net flux (Naturvårdsverket,
   1990-2024, t CO2/yr; negative = net uptake) allocated to the kommun by its share of Sweden's
   productive forest land (SCB land use 2015). Central value: the latest year; range: the lowest
   and highest allocated uptake over the last ``window`` years (inter-annual variability).
2. **Bottom-up IPCC gain-loss** (:func:`gain_loss_sink`, IPCC 2006 Guidelines vol. 4 ch. 2 and 4):
   ``uptake = area * NAI * D * BEF * (1 + R) * CF * 44/12`` minus the carbon removed by harvest and
   other losses, converted the same way. Every parameter is in ``data/sink_parameters.csv`` with
   value, low, high, unit and source (:func:`sink_parameters`); the low/high range of the sink
   comes from a Monte Carlo over the parameter ranges (triangular distributions, fixed seed).

Sign convention: sinks and removals are **positive** t CO2/yr (uptake); emissions positive t CO2e.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .. import reference
from ..errors import ParameterError, UnknownValueError
from ..names import SECTOR_TOTAL

PRODUCTIVE_FOREST = "skogsmark, produktiv"
ORGANIC_SOIL_SUBSECTOR = "Odling av organogena jordar"


@lru_cache(maxsize=1)
def _parameter_table() -> pd.DataFrame:
    return reference.table("sink_parameters.csv").set_index("parameter")


def sink_parameters(overrides: dict | None = None) -> pd.DataFrame:
    """Every sink parameter with value, low, high, unit, method and source.

    ``overrides`` maps a parameter to a number (sets value, low and high) or to a dict with any of
    value/low/high/source; overridden rows get their source replaced by "user: ..." text.
    Raises on unknown parameters and on values outside physical bounds.
    """
    tab = _parameter_table().copy()
    for name, new in (overrides or {}).items():
        if name not in tab.index:
            raise UnknownValueError("sink parameter", name, list(tab.index))
        if isinstance(new, dict):
            for k in ("value", "low", "high"):
                if k in new:
                    tab.loc[name, k] = float(new[k])
            tab.loc[name, "source"] = new.get("source", "user-supplied value")
        else:
            tab.loc[name, ["value", "low", "high"]] = float(new)
            tab.loc[name, "source"] = "user-supplied value"
    _validate_parameters(tab)
    return tab.reset_index()


def _validate_parameters(tab: pd.DataFrame) -> None:
    for name, row in tab.iterrows():
        lo, v, hi = row["low"], row["value"], row["high"]
        if not (lo <= v <= hi):
            raise ParameterError(f"sink parameter {name}: value {v} must lie within its range [{lo}, {hi}]")
        if lo < 0:
            raise ParameterError(f"sink parameter {name}: negative values are not allowed (got {lo})")
    for name in (
        "carbon_fraction",
        "ccs_capture_rate",
        "waste_biogenic_share",
        "biochar_carbon_content",
        "biochar_permanence",
        "share_spruce",
        "share_pine",
        "share_broadleaf",
    ):
        if tab.loc[name, "high"] > 1:
            raise ParameterError(f"sink parameter {name} is a share and cannot exceed 1 (got {tab.loc[name, 'high']})")
    shares = tab.loc[["share_spruce", "share_pine", "share_broadleaf"], "value"].sum()
    if abs(shares - 1) > 1e-6:
        raise ParameterError(f"species shares must sum to 1 (got {shares:.3f})")


def _params(overrides: dict | None) -> pd.DataFrame:
    return sink_parameters(overrides).set_index("parameter")


def _check_area(area_ha) -> np.ndarray:
    a = np.asarray(area_ha, dtype=float)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ParameterError(f"forest area must be a non-negative number of hectares, got {area_ha}")
    return a


# --- top-down ------------------------------------------------------------------------------------


def forest_share(land_use: pd.DataFrame) -> pd.DataFrame:
    """Each kommun's productive forest area (ha, SCB 2015) and its share of Sweden's (sum of the
    290 kommuner)."""
    f = land_use[land_use["land_use_class"] == PRODUCTIVE_FOREST][["kommun_code", "kommun", "year", "hectares"]]
    if f.empty:
        raise ParameterError(f"land-use table has no {PRODUCTIVE_FOREST!r} rows")
    total = f["hectares"].sum()
    return f.rename(columns={"hectares": "productive_forest_ha"}).assign(
        sweden_productive_forest_ha=total, forest_share=f["hectares"] / total
    )


def top_down_sink(
    forest: pd.DataFrame, lulucf: pd.DataFrame, *, year: int | None = None, window: int = 10
) -> pd.DataFrame:
    """Allocate Sweden's LULUCF net flux to kommuner by productive-forest share.

    ``forest`` from :func:`forest_share`; ``lulucf`` the national series (year, t_co2, negative =
    uptake). Returns kommun_code, kommun, year, national_flux_t_co2, forest_share,
    allocated_flux_t_co2 (= national flux x share), sink_t_co2 (= -allocated flux, positive = uptake),
    sink_low/high_t_co2 over the last ``window`` years, method, source.
    """
    lul = lulucf.sort_values("year")
    year = int(year if year is not None else lul["year"].max())
    if year not in set(lul["year"]):
        raise UnknownValueError("LULUCF year", year, sorted(lul["year"]))
    flux = float(lul.loc[lul["year"] == year, "t_co2"].iloc[0])
    recent = lul[(lul["year"] > year - window) & (lul["year"] <= year)]["t_co2"].to_numpy()
    out = forest[["kommun_code", "kommun", "productive_forest_ha", "forest_share"]].copy()
    out["year"] = year
    out["national_flux_t_co2"] = flux
    out["allocated_flux_t_co2"] = flux * out["forest_share"]
    out["sink_t_co2"] = -out["allocated_flux_t_co2"]
    out["sink_low_t_co2"] = -recent.max() * out["forest_share"]
    out["sink_high_t_co2"] = -recent.min() * out["forest_share"]
    out["method"] = "top-down: national LULUCF net flux x share of productive forest land"
    out["source"] = (
        "Naturvårdsverket LULUCF net flux (via Klimatbyrån's swedish_emissions.xlsx); "
        "SCB land use 2015 (productive forest land); estimate, no official kommun inventory"
    )
    out["unit"] = "t CO2/yr"
    return out


# --- bottom-up gain-loss -------------------------------------------------------------------------


@dataclass(frozen=True)
class GainLoss:
    """Per-hectare gain-loss result (t CO2/ha/yr) and the conversion used."""

    gain: float
    loss: float
    net: float
    conversion: float  # t CO2 per m3 stem volume
    root_shoot: float


def _conversion(p: dict) -> tuple[float, float]:
    """t CO2 per m³ of stem volume, and the root-to-shoot ratio used (by above-ground biomass)."""
    density = (
        p["share_spruce"] * p["basic_density_spruce"]
        + p["share_pine"] * p["basic_density_pine"]
        + p["share_broadleaf"] * p["basic_density_broadleaf"]
    )
    agb = p["standing_volume"] * density * p["biomass_expansion_factor"]
    r = p["root_shoot_below_75"] if agb < 75 else p["root_shoot_above_75"]
    return density * p["biomass_expansion_factor"] * (1 + r) * p["carbon_fraction"] * p["co2_per_c"], r


def gain_loss_per_ha(p: dict) -> GainLoss:
    """Gain-loss per hectare with the given parameter values (a dict name -> value)."""
    conv, r = _conversion(p)
    gain = p["net_annual_increment"] * conv
    loss = (p["harvest_rate"] + p["other_losses"]) * conv
    return GainLoss(gain=gain, loss=loss, net=gain - loss, conversion=conv, root_shoot=r)


def _monte_carlo(tab: pd.DataFrame, n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    draws = {}
    for name, row in tab.iterrows():
        lo, mode, hi = row["low"], row["value"], row["high"]
        draws[name] = np.full(n, mode) if hi <= lo else rng.triangular(lo, mode, hi, n)
    return draws


def gain_loss_sink(
    area_ha,
    *,
    overrides: dict | None = None,
    n: int = 5000,
    seed: int = 2081,
    quantiles: tuple[float, float] = (0.05, 0.95),
) -> pd.DataFrame:
    """IPCC gain-loss sink of forest land, t CO2/yr, with a Monte Carlo range.

    ``area_ha`` a number or array of productive forest areas (ha). Returns one row per area with
    gross_uptake_t_co2 (gains), harvest_loss_t_co2, sink_t_co2 (central, all parameters at their
    values), sink_low_t_co2 / sink_high_t_co2 (the ``quantiles`` of the Monte Carlo, widened to
    include the central value), conversion_t_co2_per_m3, root_shoot_ratio. Because every term is
    proportional to area, one set of draws serves all areas (common random numbers).
    """
    area = np.atleast_1d(_check_area(area_ha))
    tab = _params(overrides)
    central = gain_loss_per_ha(tab["value"].to_dict())
    draws = _monte_carlo(tab, n, seed)
    # vectorised gain-loss over the draws
    density = (
        draws["share_spruce"] * draws["basic_density_spruce"]
        + draws["share_pine"] * draws["basic_density_pine"]
        + draws["share_broadleaf"] * draws["basic_density_broadleaf"]
    )
    agb = draws["standing_volume"] * density * draws["biomass_expansion_factor"]
    r = np.where(agb < 75, draws["root_shoot_below_75"], draws["root_shoot_above_75"])
    conv = density * draws["biomass_expansion_factor"] * (1 + r) * draws["carbon_fraction"] * draws["co2_per_c"]
    net = (draws["net_annual_increment"] - draws["harvest_rate"] - draws["other_losses"]) * conv
    lo_q, hi_q = np.quantile(net, quantiles)
    lo_q, hi_q = min(lo_q, central.net), max(hi_q, central.net)
    return pd.DataFrame(
        {
            "area_ha": area,
            "gross_uptake_t_co2": area * central.gain,
            "harvest_loss_t_co2": area * central.loss,
            "sink_t_co2": area * central.net,
            "sink_low_t_co2": area * lo_q,
            "sink_high_t_co2": area * hi_q,
            "conversion_t_co2_per_m3": central.conversion,
            "root_shoot_ratio": central.root_shoot,
            "method": "bottom-up: IPCC 2006 gain-loss (vol. 4 ch. 2 and 4), Monte Carlo range "
            f"{int(quantiles[0] * 100)}-{int(quantiles[1] * 100)} %",
            "unit": "t CO2/yr",
        }
    )


# --- scenarios ------------------------------------------------------------------------------------


def _years(start_year: int, end_year: int) -> np.ndarray:
    if end_year < start_year:
        raise ParameterError(f"end_year {end_year} is before start_year {start_year}")
    return np.arange(start_year, end_year + 1)


def scenario_harvest_change(
    *,
    forest_ha: float,
    change_share: float,
    start_year: int = 2026,
    end_year: int = 2050,
    overrides: dict | None = None,
) -> pd.DataFrame:
    """Change the harvest level by ``change_share`` (-0.2 = 20 % less felling) on ``forest_ha``.
    Effect on the sink: ``-change_share * harvest_rate * area * conversion`` t CO2/yr (positive =
    larger sink). Substitution effects of the wood outside the kommun are not counted."""
    _check_area(forest_ha)
    if change_share < -1:
        raise ParameterError(f"change_share cannot cut harvest by more than 100 % (got {change_share})")
    p = _params(overrides)["value"].to_dict()
    eff = -change_share * p["harvest_rate"] * forest_ha * _conversion(p)[0]
    y = _years(start_year, end_year)
    return pd.DataFrame({"year": y, "t_co2": eff, "scenario": "harvest_change"})


def scenario_afforestation(
    *,
    area_ha: float,
    start_year: int = 2026,
    end_year: int = 2050,
    maturity_years: int = 20,
    overrides: dict | None = None,
) -> pd.DataFrame:
    """Afforest ``area_ha`` of open land: uptake rises linearly from 0 to the full net annual
    increment (converted to t CO2) over ``maturity_years`` (an assumption), no harvest."""
    _check_area(area_ha)
    if maturity_years <= 0:
        raise ParameterError(f"maturity_years must be positive, got {maturity_years}")
    p = _params(overrides)["value"].to_dict()
    y = _years(start_year, end_year)
    ramp = np.minimum((y - start_year + 1) / maturity_years, 1.0)
    return pd.DataFrame(
        {
            "year": y,
            "t_co2": area_ha * p["net_annual_increment"] * _conversion(p)[0] * ramp,
            "scenario": "afforestation",
        }
    )


def scenario_set_aside(
    *, area_ha: float, start_year: int = 2026, end_year: int = 2050, overrides: dict | None = None
) -> pd.DataFrame:
    """Set aside ``area_ha`` of productive forest from felling: the harvest removal avoided,
    ``area * harvest_rate * conversion`` t CO2/yr (as long as the stands keep growing)."""
    _check_area(area_ha)
    p = _params(overrides)["value"].to_dict()
    y = _years(start_year, end_year)
    return pd.DataFrame({"year": y, "t_co2": area_ha * p["harvest_rate"] * _conversion(p)[0], "scenario": "set_aside"})


def scenario_rewetting(
    *,
    area_ha: float,
    start_year: int = 2026,
    end_year: int = 2050,
    gwp_set: str = "AR5GWP100",
    overrides: dict | None = None,
) -> pd.DataFrame:
    """Rewet ``area_ha`` of drained organic soils (relates to SMHI's sub-sector 'Odling av
    organogena jordar'): avoided CO2 of the drained soil minus the CH4 of the rewetted soil (CO2e
    with the named GWP set, globalwarmingpotentials)."""
    from ..units import gwp

    _check_area(area_ha)
    p = _params(overrides)["value"].to_dict()
    ch4 = p["ch4_rewetted_organic"] / 1000 * gwp("CH4", gwp_set)
    y = _years(start_year, end_year)
    return pd.DataFrame(
        {"year": y, "t_co2": area_ha * (p["ef_drained_organic_cropland"] - ch4), "scenario": "rewetting"}
    )


def scenario_ccs(
    *,
    fossil_t_co2: float,
    biogenic_share: float | None = None,
    capture_rate: float | None = None,
    start_year: int = 2030,
    end_year: int = 2050,
    overrides: dict | None = None,
) -> pd.DataFrame:
    """Capture CO2 at a combustion plant (e.g. bio-CCS at a waste-fired CHP).

    ``fossil_t_co2`` is the plant's fossil CO2 (e.g. its EU ETS verified emissions). With a
    biogenic share b of all flue-gas CO2, total = fossil / (1 - b). Captured fossil CO2 is an
    avoided emission; captured biogenic CO2 a removal (negative emission). Returns both columns
    and ``t_co2`` = their sum."""
    p = _params(overrides)["value"].to_dict()
    b = p["waste_biogenic_share"] if biogenic_share is None else biogenic_share
    c = p["ccs_capture_rate"] if capture_rate is None else capture_rate
    if not 0 <= b < 1:
        raise ParameterError(f"biogenic_share must be in [0, 1), got {b}")
    if not 0 <= c <= 1:
        raise ParameterError(f"capture_rate must be in [0, 1], got {c}")
    if fossil_t_co2 < 0:
        raise ParameterError(f"fossil_t_co2 must be >= 0, got {fossil_t_co2}")
    total = fossil_t_co2 / (1 - b)
    y = _years(start_year, end_year)
    fossil_captured = c * fossil_t_co2
    bio_captured = c * (total - fossil_t_co2)
    return pd.DataFrame(
        {
            "year": y,
            "avoided_fossil_t_co2": fossil_captured,
            "biogenic_removal_t_co2": bio_captured,
            "t_co2": fossil_captured + bio_captured,
            "scenario": "ccs",
        }
    )


def scenario_biochar(
    *, biochar_t_per_yr: float, start_year: int = 2026, end_year: int = 2050, overrides: dict | None = None
) -> pd.DataFrame:
    """Biochar applied to soil: ``mass * carbon content * 100-yr permanence * 44/12`` t CO2/yr."""
    if biochar_t_per_yr < 0:
        raise ParameterError(f"biochar_t_per_yr must be >= 0, got {biochar_t_per_yr}")
    p = _params(overrides)["value"].to_dict()
    v = biochar_t_per_yr * p["biochar_carbon_content"] * p["biochar_permanence"] * p["co2_per_c"]
    y = _years(start_year, end_year)
    return pd.DataFrame({"year": y, "t_co2": v, "scenario": "biochar"})


SCENARIOS: dict[str, Callable[..., pd.DataFrame]] = {
    "harvest_change": scenario_harvest_change,
    "afforestation": scenario_afforestation,
    "set_aside": scenario_set_aside,
    "rewetting": scenario_rewetting,
    "ccs": scenario_ccs,
    "biochar": scenario_biochar,
}


def run_scenario(name: str, **params) -> pd.DataFrame:
    """Run a named scenario; t CO2/yr by year (positive = larger sink or avoided emission)."""
    if name not in SCENARIOS:
        raise UnknownValueError("scenario", name, list(SCENARIOS))
    try:
        return SCENARIOS[name](**params)
    except TypeError as exc:
        import inspect

        valid = list(inspect.signature(SCENARIOS[name]).parameters)
        raise ParameterError(f"scenario {name!r}: {exc}; its parameters are {valid}") from None


# --- the balance ----------------------------------------------------------------------------------


def neutrality_balance(
    sector_pathway: pd.DataFrame,
    *,
    base_value: float,
    sinks: dict[str, tuple[float, float, float]],
    reduction: float = 0.80,
    target_year: int = 2030,
    scenario_removals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per year: gross territorial emissions by sector, total, sinks per method (low, central,
    high), net emissions and the neutrality gap.

    ``sector_pathway``: year, sector, t_co2e (observed and trend values); ``base_value``: the base
    year's total (t CO2e); ``sinks``: method -> (low, central, high) t CO2/yr; ``scenario_removals``
    optional year, t_co2 added to every sink. Columns: year, <sector>..., total_t_co2e, for each
    method m: sink_<m>_low/central/high, net_<m>_t, plus residual_allowed_t (base x (1 - reduction)),
    cut_gap_t (emissions above the allowed residual) and neutrality_gap_<m>_t (the sink or further
    cut still needed for net zero, max(0, total - sink)).
    """
    if not 0 <= reduction <= 1:
        raise ParameterError(f"reduction must be a share between 0 and 1, got {reduction}")
    wide = sector_pathway.pivot_table(index="year", columns="sector", values="t_co2e", aggfunc="sum").sort_index()
    out = wide.copy()
    out["total_t_co2e"] = wide.sum(axis=1)
    extra = 0.0
    if scenario_removals is not None and len(scenario_removals):
        extra = scenario_removals.groupby("year")["t_co2"].sum().reindex(out.index).fillna(0.0)
    for m, (lo, c, hi) in sinks.items():
        if not lo <= c <= hi:
            raise ParameterError(f"sink {m}: central {c} must lie within [{lo}, {hi}]")
        out[f"sink_{m}_low"] = lo + extra
        out[f"sink_{m}_central"] = c + extra
        out[f"sink_{m}_high"] = hi + extra
        out[f"net_{m}_t"] = out["total_t_co2e"] - out[f"sink_{m}_central"]
        out[f"neutrality_gap_{m}_t"] = np.maximum(out[f"net_{m}_t"], 0.0)
    out["residual_allowed_t"] = base_value * (1 - reduction)
    out["cut_gap_t"] = np.maximum(out["total_t_co2e"] - out["residual_allowed_t"], 0.0)
    out["target_year"] = target_year
    return out.reset_index()


def sink_indicators(
    indicators: pd.DataFrame,
    *,
    kommun_reduction: float | None = None,
    current_year: int = 2026,
    overrides: dict | None = None,
) -> pd.DataFrame:
    """Add the sink and balance columns to an indicators table (all kommuner):
    productive_forest_ha, sink_top_down_t (+ _low/_high), sink_gain_loss_low/central/high_t,
    net_emissions_t (last value - top-down sink), residual_2030_t (base 1990 x (1 - reduction)),
    neutrality_gap_t (trend in 2030 - top-down sink, floored at 0)."""
    from .. import data
    from .targets import targets

    red = float(targets(kommun_reduction).set_index("target_id").loc["kommun_neutral_2030", "reduction"])
    forest = forest_share(data.load_land_use())
    td = top_down_sink(forest, data.load_lulucf_national())
    gl = gain_loss_sink(forest["productive_forest_ha"].to_numpy(), overrides=overrides)
    s = pd.DataFrame(
        {
            "kommun_code": forest["kommun_code"].to_numpy(),
            "productive_forest_ha": forest["productive_forest_ha"].to_numpy(),
            "sink_top_down_t": td["sink_t_co2"].to_numpy(),
            "sink_top_down_low_t": td["sink_low_t_co2"].to_numpy(),
            "sink_top_down_high_t": td["sink_high_t_co2"].to_numpy(),
            "sink_gain_loss_low_t": gl["sink_low_t_co2"].to_numpy(),
            "sink_gain_loss_central_t": gl["sink_t_co2"].to_numpy(),
            "sink_gain_loss_high_t": gl["sink_high_t_co2"].to_numpy(),
        }
    )
    out = indicators.merge(s, on="kommun_code", how="left")
    is_total = out["sector"] == SECTOR_TOTAL
    for col in s.columns[1:]:
        out.loc[~is_total, col] = np.nan
    out["net_emissions_t"] = np.where(is_total, out["last_value"] - out["sink_top_down_t"], np.nan)
    if "change_since_1990_t" in out:
        base1990 = out["last_value"] - out["change_since_1990_t"]
        out["residual_2030_t"] = np.where(is_total, base1990 * (1 - red), np.nan)
    trend2030 = np.maximum(out["last_value"] + out["trend_slope"] * (2030 - out["last_year"]), 0)
    out["neutrality_gap_t"] = np.where(is_total, np.maximum(trend2030 - out["sink_top_down_t"], 0), np.nan)
    return out
