"""Carbon sinks inside the kommun border, sink and removal scenarios, and the climate-neutrality balance.

No official land-use (LULUCF) inventory exists below national level: every kommun sink here is an
**estimate**. Two independent estimates of the **existing sink** (method codes in ``method``):

1. ``lulucf_area_share`` (:func:`top_down_sink`): Sweden's whole net LULUCF flux (Naturvårdsverket,
   t CO2/yr; it holds forest land *and* harvested wood products, cropland and grassland soils,
   wetlands and settlements) times the kommun's share of Sweden's productive forest **area** (SCB
   land use 2015). It is an area share of a national flux, not a measurement of the kommun's forests.
   Range: the lowest and highest allocated flux over the last ``window`` years.
2. ``gain_loss`` (:func:`gain_loss_sink`): the IPCC 2006 gain-loss method for living biomass on
   forest land (Vol. 4 Ch. 2 Eq. 2.7-2.14, Ch. 4): gross increment converted with an
   increment-specific expansion factor, minus fellings and natural mortality converted with the
   stock expansion factor; volumes in m³sk (over bark, stem; unit code ``m3sk``). Every parameter
   is in ``reference/sink_parameters.csv`` with value, low, high, unit, status, the exact table and a
   source (:func:`sink_parameters`). The low/high range is the 5th-95th percentile of a Monte Carlo
   over the parameter ranges (IPCC 2006 Vol. 1 Ch. 3, Approach 2).

Each estimate carries ``sign_code``: ``net_sink`` (the whole range is uptake), ``net_source`` (the
whole range is emission) or ``sign_uncertain`` (the range includes zero).

**Accounting rule** (Sweden's climate framework, Prop. 2016/17:146, and the glossary): the existing
sink is shown but never subtracted from emissions. Measures come in three kinds (``kind``):
``emission_cut`` (lowers a sector's emissions; CCS on fossil CO2 is one), ``additional_sink`` (a
forest or soil measure that adds uptake beyond the existing sink) and ``technical_removal`` (bio-CCS
on biogenic CO2, biochar). The neutrality gap is residual emissions minus additional sinks minus
technical removals (:func:`neutrality_balance`).

Sign convention: sinks and removals are **positive** t CO2/yr (uptake); emissions positive t CO2e;
a measure's ``t_co2e`` is positive when it lowers net emissions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .. import reference
from ..errors import ParameterError, UnknownValueError
from ..names import SECTOR_TOTAL

PRODUCTIVE_FOREST = "skogsmark, produktiv"
ORGANIC_SOIL_SUBSECTOR = "Odling av organogena jordar"

# method codes of the existing-sink estimates
METHOD_LULUCF_AREA_SHARE = "lulucf_area_share"
METHOD_GAIN_LOSS = "gain_loss"
# what each estimate covers
COVERAGE = {
    METHOD_LULUCF_AREA_SHARE: "national_net_lulucf_all_categories",
    METHOD_GAIN_LOSS: "forest_living_biomass",
}
# sign codes
SIGN_SINK = "net_sink"
SIGN_SOURCE = "net_source"
SIGN_UNCERTAIN = "sign_uncertain"
# measure kinds
EMISSION_CUT = "emission_cut"
ADDITIONAL_SINK = "additional_sink"
TECHNICAL_REMOVAL = "technical_removal"
KINDS = (EMISSION_CUT, ADDITIONAL_SINK, TECHNICAL_REMOVAL)
# where a measure's effect is booked
INVENTORY_SMHI = "smhi_territorial"  # changes SMHI's kommun emission totals
INVENTORY_LULUCF = "lulucf"  # land-use sector: not in SMHI's kommun totals
INVENTORY_BECCS = "captured_biogenic_co2"  # stored biogenic CO2: not in SMHI's kommun totals
# volume unit code of every stem volume (pages: "m³sk" in Swedish, "m³ over bark (stem)" in English)
VOLUME_UNIT = "m3sk"

SCENARIO_COLUMNS = ["year", "scenario", "component", "kind", "sector", "inventory", "gas", "t_co2e"]

_SHARES = (
    "share_spruce",
    "share_pine",
    "share_broadleaf",
    "carbon_fraction_conifer",
    "carbon_fraction_broadleaf",
    "ccs_capture_rate",
    "waste_biogenic_share",
    "frac_ditch_cropland",
    "biochar_carbon_content",
    "biochar_permanence_low_temperature",
    "biochar_permanence_medium_temperature",
    "biochar_permanence_high_temperature",
)
# IPCC ranges that reach below zero (a rewetted soil may take up CO2; a drained one CH4)
_MAY_BE_NEGATIVE = ("ef_co2_rewetted_temperate_rich", "ef_ch4_drained_organic_cropland")
BIOCHAR_CLASSES = ("low_temperature", "medium_temperature", "high_temperature")


@lru_cache(maxsize=1)
def _parameter_table() -> pd.DataFrame:
    return reference.table("sink_parameters.csv").set_index("parameter")


def sink_parameters(overrides: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Every sink parameter: value, low, high, unit, method, status, reference (the exact table),
    source.

    ``status``: ``ipcc_default`` (value as printed in the cited table), ``ipcc_default_to_check``
    (recalled, to be checked against the printed table), ``assumption`` or ``constant``. Stem
    volumes are in m³sk (code ``m3sk`` in ``unit``). ``overrides`` maps a parameter to a number
    (sets value, low and high) or to a dict with any of value/low/high/source; overridden rows get
    status ``user``. Raises on unknown parameters and on values outside physical bounds.
    """
    if not overrides:
        return _checked_parameters().copy()
    tab = _parameter_table().copy()
    tab["reference"] = tab["reference"].fillna("")
    for name, new in overrides.items():
        if name not in tab.index:
            raise UnknownValueError("sink parameter", name, list(tab.index))
        if isinstance(new, Mapping):
            for k in ("value", "low", "high"):
                if k in new:
                    tab.loc[name, k] = float(new[k])
            tab.loc[name, "source"] = str(new.get("source", "user-supplied value"))
        else:
            tab.loc[name, ["value", "low", "high"]] = float(new)
            tab.loc[name, "source"] = "user-supplied value"
        tab.loc[name, "status"] = "user"
    _validate_parameters(tab)
    return tab.reset_index()


@lru_cache(maxsize=1)
def _checked_parameters() -> pd.DataFrame:
    """The shipped parameters, checked once per process (the table ships with the package)."""
    tab = _parameter_table().copy()
    tab["reference"] = tab["reference"].fillna("")
    _validate_parameters(tab)
    return tab.reset_index()


def _validate_parameters(tab: pd.DataFrame) -> None:
    for name, row in tab.iterrows():
        lo, v, hi = row["low"], row["value"], row["high"]
        if not np.isfinite([lo, v, hi]).all():
            raise ParameterError(f"sink parameter {name}: value, low and high must be numbers (got {v}, {lo}, {hi})")
        if not (lo <= v <= hi):
            raise ParameterError(f"sink parameter {name}: value {v} must lie within its range [{lo}, {hi}]")
        if lo < 0 and name not in _MAY_BE_NEGATIVE:
            raise ParameterError(f"sink parameter {name}: negative values are not allowed (got {lo})")
    for name in _SHARES:
        if tab.loc[name, "high"] > 1:
            raise ParameterError(f"sink parameter {name} is a share and cannot exceed 1 (got {tab.loc[name, 'high']})")
    shares = tab.loc[["share_spruce", "share_pine", "share_broadleaf"], "value"].sum()
    if abs(shares - 1) > 1e-6:
        raise ParameterError(f"species shares must sum to 1 (got {shares:.3f})")


def _params(overrides: Mapping[str, Any] | None) -> pd.DataFrame:
    return sink_parameters(overrides).set_index("parameter")


def _values(overrides: Mapping[str, Any] | None) -> dict[str, float]:
    return {k: float(v) for k, v in _params(overrides)["value"].items()}


def _check_area(area_ha: Any, what: str = "forest area") -> np.ndarray:
    a = np.asarray(area_ha, dtype=float)
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ParameterError(f"{what} must be a non-negative number of hectares, got {area_ha}")
    return a


def sign_code(low: Any, high: Any) -> np.ndarray:
    """``net_sink`` where the whole range is uptake (low > 0), ``net_source`` where it is all
    emission (high < 0), else ``sign_uncertain`` (the range includes zero)."""
    lo, hi = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return np.where(lo > 0, SIGN_SINK, np.where(hi < 0, SIGN_SOURCE, SIGN_UNCERTAIN))


# --- existing sink: area share of the national net LULUCF flux -----------------------------------------


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
    """The kommun's productive-forest area share of Sweden's whole net LULUCF flux (method
    ``lulucf_area_share``).

    ``forest`` from :func:`forest_share`; ``lulucf`` the national series (year, t_co2, negative =
    net uptake; all LULUCF categories incl. harvested wood products, cropland, grassland, wetlands
    and settlements). Returns kommun_code, kommun, productive_forest_ha, forest_share, year,
    national_flux_t_co2, allocated_flux_t_co2 (= national flux x share), sink_t_co2 (= -allocated
    flux, positive = net uptake), sink_low_t_co2 / sink_high_t_co2 (lowest and highest over the last
    ``window`` years), sign_code, sign_uncertain, method, coverage, range_method, window_years,
    unit (t CO2/yr), source.
    """
    if window < 1:
        raise ParameterError(f"window must be at least 1 year, got {window}")
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
    out["sign_code"] = sign_code(out["sink_low_t_co2"], out["sink_high_t_co2"])
    out["sign_uncertain"] = out["sign_code"] == SIGN_UNCERTAIN
    out["method"] = METHOD_LULUCF_AREA_SHARE
    out["coverage"] = COVERAGE[METHOD_LULUCF_AREA_SHARE]
    out["range_method"] = "interannual_min_max"
    out["window_years"] = len(recent)
    out["unit"] = "t CO2/yr"
    out["source"] = (
        "Naturvårdsverket, Sweden's net LULUCF flux, all categories (via Klimatbyrån's swedish_emissions.xlsx), "
        "times the kommun's share of Sweden's productive forest area (SCB land use 2015); an area share of a "
        "national flux, no official kommun inventory"
    )
    return out


# --- existing sink: IPCC gain-loss on forest living biomass ---------------------------------------------


def _conversions(p: Mapping[str, Any]) -> tuple[Any, Any, Any]:
    """t CO2 per m³sk of increment (gain) and of fellings/mortality (loss), and the root-to-shoot
    ratio, for scalar parameters or arrays of Monte Carlo draws (IPCC 2006 Vol. 4 Eq. 2.9 with
    BCEF = D x BEF, Eq. 2.12 and 2.14)."""
    con = p["share_spruce"] * p["basic_density_spruce"] + p["share_pine"] * p["basic_density_pine"]
    brd = p["share_broadleaf"] * p["basic_density_broadleaf"]
    agb_stock = p["standing_volume"] * (con * p["bef_stock_conifer"] + brd * p["bef_stock_broadleaf"])
    r = np.where(agb_stock < 75, p["root_shoot_below_75"], p["root_shoot_above_75"])
    k = (1 + r) * p["co2_per_c"]
    gain = (
        con * p["bef_increment_conifer"] * p["carbon_fraction_conifer"]
        + brd * p["bef_increment_broadleaf"] * p["carbon_fraction_broadleaf"]
    ) * k
    loss = (
        con * p["bef_stock_conifer"] * p["carbon_fraction_conifer"]
        + brd * p["bef_stock_broadleaf"] * p["carbon_fraction_broadleaf"]
    ) * k
    return gain, loss, r


def gain_loss_per_ha(p: Mapping[str, Any]) -> dict[str, Any]:
    """Gain-loss per hectare (t CO2/ha/yr) with the given parameter values (name -> value or array):
    gain, harvest_loss, mortality_loss, net, conversion_gain, conversion_loss (t CO2/m³sk),
    root_shoot."""
    gain_c, loss_c, r = _conversions(p)
    gain = p["gross_increment"] * gain_c
    harvest = p["harvest_rate"] * loss_c
    mortality = p["natural_mortality"] * loss_c
    return {
        "gain": gain,
        "harvest_loss": harvest,
        "mortality_loss": mortality,
        "net": gain - harvest - mortality,
        "conversion_gain": gain_c,
        "conversion_loss": loss_c,
        "root_shoot": r,
    }


def _monte_carlo(tab: pd.DataFrame, n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    draws = {}
    for name, row in tab.iterrows():
        lo, mode, hi = row["low"], row["value"], row["high"]
        draws[name] = np.full(n, mode) if hi <= lo else rng.triangular(lo, mode, hi, n)
    return draws


def gain_loss_sink(
    area_ha: Any,
    *,
    overrides: Mapping[str, Any] | None = None,
    n: int = 5000,
    seed: int = 2081,
    quantiles: tuple[float, float] = (0.05, 0.95),
) -> pd.DataFrame:
    """IPCC 2006 gain-loss estimate of the net sink in forest living biomass, t CO2/yr, with a
    Monte Carlo range (method ``gain_loss``).

    ``area_ha`` a number or array of productive forest areas (ha). Per hectare: gain = gross
    increment x D x BEF_increment x CF x (1 + R) x 44/12; losses = (fellings + natural mortality) x
    D x BEF_stock x CF x (1 + R) x 44/12, with volumes in m³sk. Returns one row per area with
    gross_uptake_t_co2, harvest_loss_t_co2, mortality_loss_t_co2, sink_t_co2 (central, every
    parameter at its value), sink_low_t_co2 / sink_high_t_co2 (the ``quantiles`` of ``n`` draws from
    triangular distributions over each parameter's low-value-high, widened to include the central
    value), sign_code, sign_uncertain, conversion_gain_t_co2_per_m3sk,
    conversion_loss_t_co2_per_m3sk, root_shoot_ratio, method, coverage, range_method, volume_unit
    (``m3sk``), unit. Every term is proportional to area, so one set of draws serves all areas.
    """
    if n < 100:
        raise ParameterError(f"the Monte Carlo needs at least 100 draws, got {n}")
    if not 0 < quantiles[0] < quantiles[1] < 1:
        raise ParameterError(f"quantiles must be two shares 0 < low < high < 1, got {quantiles}")
    area = np.atleast_1d(_check_area(area_ha))
    tab = _params(overrides)
    central = gain_loss_per_ha({k: float(v) for k, v in tab["value"].items()})
    net = gain_loss_per_ha(_monte_carlo(tab, n, seed))["net"]
    lo_q, hi_q = np.quantile(net, quantiles)
    lo_q, hi_q = min(lo_q, central["net"]), max(hi_q, central["net"])
    out = pd.DataFrame(
        {
            "area_ha": area,
            "gross_uptake_t_co2": area * central["gain"],
            "harvest_loss_t_co2": area * central["harvest_loss"],
            "mortality_loss_t_co2": area * central["mortality_loss"],
            "sink_t_co2": area * central["net"],
            "sink_low_t_co2": area * lo_q,
            "sink_high_t_co2": area * hi_q,
        }
    )
    out["sign_code"] = sign_code(out["sink_low_t_co2"], out["sink_high_t_co2"])
    out["sign_uncertain"] = out["sign_code"] == SIGN_UNCERTAIN
    out["conversion_gain_t_co2_per_m3sk"] = float(central["conversion_gain"])
    out["conversion_loss_t_co2_per_m3sk"] = float(central["conversion_loss"])
    out["root_shoot_ratio"] = float(central["root_shoot"])
    out["method"] = METHOD_GAIN_LOSS
    out["coverage"] = COVERAGE[METHOD_GAIN_LOSS]
    out["range_method"] = f"monte_carlo_p{round(quantiles[0] * 100):02d}_p{round(quantiles[1] * 100):02d}"
    out["n_draws"] = n
    out["volume_unit"] = VOLUME_UNIT
    out["unit"] = "t CO2/yr"
    out["source"] = (
        "IPCC 2006 Guidelines Vol. 4 Ch. 2 (gain-loss, Eq. 2.7-2.14) and Ch. 4 (Tables 4.3, 4.4, 4.14); "
        "IPCC 2003 GPG-LULUCF Table 3A.1.10 (BEF); parameters in reference/sink_parameters.csv"
    )
    return out


def sink_estimates(
    kommun: str | int,
    *,
    overrides: Mapping[str, Any] | None = None,
    year: int | None = None,
    window: int = 10,
    n: int = 5000,
    seed: int = 2081,
) -> pd.DataFrame:
    """Both existing-sink estimates for one kommun, one row each (t CO2/yr, positive = net uptake).

    Columns: kommun_code, kommun, method (``lulucf_area_share`` / ``gain_loss``), coverage,
    sink_kind (``existing_sink``), low_t_co2, central_t_co2, high_t_co2, sign_code, sign_uncertain,
    range_method, area_ha, year (the LULUCF year; NaN for gain-loss), unit, source. Reads the
    prepared land-use and LULUCF tables.
    """
    from .. import data

    code = data.kommun_code(kommun)
    forest = forest_share(data.load_land_use())
    row = forest[forest["kommun_code"] == code]
    if row.empty:
        raise ParameterError(f"kommun {kommun!r} has no productive forest land in the land-use table")
    td = top_down_sink(forest, data.load_lulucf_national(), year=year, window=window)
    td = td[td["kommun_code"] == code].iloc[0]
    area = float(row["productive_forest_ha"].iloc[0])
    gl = gain_loss_sink(area, overrides=overrides, n=n, seed=seed).iloc[0]
    rows = []
    for r, y in ((td, td["year"]), (gl, np.nan)):
        rows.append(
            {
                "kommun_code": code,
                "kommun": str(td["kommun"]),
                "method": r["method"],
                "coverage": r["coverage"],
                "sink_kind": "existing_sink",
                "low_t_co2": float(r["sink_low_t_co2"]),
                "central_t_co2": float(r["sink_t_co2"]),
                "high_t_co2": float(r["sink_high_t_co2"]),
                "sign_code": r["sign_code"],
                "sign_uncertain": bool(r["sign_uncertain"]),
                "range_method": r["range_method"],
                "area_ha": area,
                "year": y,
                "unit": "t CO2/yr",
                "source": r["source"],
            }
        )
    return pd.DataFrame(rows)


# --- scenarios: each returns the long table of SCENARIO_COLUMNS (+ detail columns) -----------------------


def _years(start_year: int, end_year: int) -> np.ndarray:
    if end_year < start_year:
        raise ParameterError(f"end_year {end_year} is before start_year {start_year}")
    return np.arange(start_year, end_year + 1)


def _frame(years: np.ndarray, scenario: str, components: list[dict[str, Any]]) -> pd.DataFrame:
    """Long scenario table: one row per year and component. Each component dict holds component,
    kind, sector, inventory, gas, t_co2e (a number or one per year) and any detail columns."""
    parts = []
    for c in components:
        if c["kind"] not in KINDS:
            raise UnknownValueError("measure kind", c["kind"], list(KINDS))
        parts.append(pd.DataFrame({"year": years, "scenario": scenario, **c}))
    out = pd.concat(parts, ignore_index=True)
    out["t_co2e"] = out["t_co2e"].astype(float)
    return out[SCENARIO_COLUMNS + [c for c in out.columns if c not in SCENARIO_COLUMNS]]


def _sink(component: str, value: Any, gas: str = "CO2") -> dict[str, Any]:
    return {
        "component": component,
        "kind": ADDITIONAL_SINK,
        "sector": "",
        "inventory": INVENTORY_LULUCF,
        "gas": gas,
        "t_co2e": value,
    }


def scenario_harvest_change(
    *,
    forest_ha: float,
    change_share: float,
    start_year: int = 2026,
    end_year: int = 2050,
    overrides: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Change the felling level by ``change_share`` (-0.2 = 20 % less felling) on ``forest_ha``:
    an additional sink (LULUCF) of ``-change_share x fellings x area x loss conversion`` t CO2/yr
    (negative when felling rises). Substitution effects of the wood outside the kommun are not
    counted."""
    _check_area(forest_ha)
    if change_share < -1:
        raise ParameterError(f"change_share cannot cut harvest by more than 100 % (got {change_share})")
    p = _values(overrides)
    eff = -change_share * p["harvest_rate"] * forest_ha * float(_conversions(p)[1])
    return _frame(_years(start_year, end_year), "harvest_change", [_sink("forest_living_biomass", eff)])


def scenario_afforestation(
    *,
    area_ha: float,
    start_year: int = 2026,
    end_year: int = 2050,
    maturity_years: int = 20,
    overrides: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Afforest ``area_ha`` of open land: an additional sink (LULUCF) rising linearly from 0 to the
    gross increment (converted with the increment factor) over ``maturity_years`` (an assumption),
    no felling or mortality counted."""
    _check_area(area_ha)
    if maturity_years <= 0:
        raise ParameterError(f"maturity_years must be positive, got {maturity_years}")
    p = _values(overrides)
    y = _years(start_year, end_year)
    ramp = np.minimum((y - start_year + 1) / maturity_years, 1.0)
    eff = area_ha * p["gross_increment"] * float(_conversions(p)[0]) * ramp
    return _frame(y, "afforestation", [_sink("forest_living_biomass", eff)])


def scenario_set_aside(
    *, area_ha: float, start_year: int = 2026, end_year: int = 2050, overrides: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """Set aside ``area_ha`` of productive forest from felling: an additional sink (LULUCF) of the
    felling loss avoided, ``area x fellings x loss conversion`` t CO2/yr (while the stands keep
    growing)."""
    _check_area(area_ha)
    p = _values(overrides)
    eff = area_ha * p["harvest_rate"] * float(_conversions(p)[1])
    return _frame(_years(start_year, end_year), "set_aside", [_sink("forest_living_biomass", eff)])


def rewetting_per_ha(p: Mapping[str, float], *, gwp_set: str | None = None) -> pd.DataFrame:
    """Per-hectare effect of rewetting drained nutrient-rich organic cropland (t CO2e/ha/yr,
    positive = lower net emissions), one row per component, from the 2013 Wetlands Supplement:
    ``co2_soil`` (Table 2.1 drained minus Table 3.1 rewetted), ``co2_doc`` (Tables 2.2 and 3.2),
    ``ch4_soil`` (drained Table 2.3 minus rewetted Table 3.3: negative), ``ch4_ditch`` (Table 2.4,
    ditches filled), all LULUCF, and ``n2o_soil`` (Table 2.5 minus Table 3.5), agriculture (SMHI
    sector Jordbruk)."""
    from ..names import resolve_sector
    from ..units import DEFAULT_GWP, gwp

    gset = gwp_set or DEFAULT_GWP
    c = p["co2_per_c"]
    ch4, n2o = gwp("CH4", gset), gwp("N2O", gset)
    ch4_rewet = p["ef_ch4_rewetted_temperate_rich"] * 16 / 12  # kg CH4-C -> kg CH4
    rows = [
        ("co2_soil", "CO2", (p["ef_co2_drained_organic_cropland"] - p["ef_co2_rewetted_temperate_rich"]) * c),
        ("co2_doc", "CO2", (p["ef_doc_drained_temperate"] - p["ef_doc_rewetted_temperate"]) * c),
        ("ch4_soil", "CH4", -(ch4_rewet - p["ef_ch4_drained_organic_cropland"]) / 1000 * ch4),
        ("ch4_ditch", "CH4", p["frac_ditch_cropland"] * p["ef_ch4_ditch_cropland"] / 1000 * ch4),
    ]
    out = pd.DataFrame(
        [
            {
                "component": comp,
                "kind": ADDITIONAL_SINK,
                "sector": "",
                "inventory": INVENTORY_LULUCF,
                "gas": gas,
                "t_co2e_per_ha": v,
            }
            for comp, gas, v in rows
        ]
    )
    n2o_t = (p["ef_n2o_drained_organic_cropland"] - p["ef_n2o_rewetted"]) * 44 / 28 / 1000 * n2o
    agri = resolve_sector("jordbruk")
    n2o_row = {
        "component": "n2o_soil",
        "kind": EMISSION_CUT,
        "sector": agri,
        "inventory": INVENTORY_SMHI,
        "gas": "N2O",
        "t_co2e_per_ha": n2o_t,
    }
    out = pd.concat([out, pd.DataFrame([n2o_row])], ignore_index=True)
    out["gwp_set"] = gset
    return out


def scenario_rewetting(
    *,
    area_ha: float,
    start_year: int = 2026,
    end_year: int = 2050,
    gwp_set: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Rewet ``area_ha`` of drained nutrient-rich organic cropland (SMHI sub-sector 'Odling av
    organogena jordar'), temperate nutrient-rich factors of the 2013 Wetlands Supplement (see
    :func:`rewetting_per_ha`). The CO2 and CH4 components are an additional sink booked in LULUCF
    (not in SMHI's kommun totals); the avoided N2O is an emission cut of Jordbruk (in SMHI's
    totals). CO2e with ``gwp_set`` (default AR5 GWP100)."""
    _check_area(area_ha, "rewetted area")
    per_ha = rewetting_per_ha(_values(overrides), gwp_set=gwp_set)
    comps = [
        {k: r[k] for k in ("component", "kind", "sector", "inventory", "gas", "gwp_set")}
        | {"t_co2e": area_ha * r["t_co2e_per_ha"]}
        for r in per_ha.to_dict("records")
    ]
    return _frame(_years(start_year, end_year), "rewetting", comps)


def scenario_ccs(
    *,
    fossil_t_co2: float,
    biogenic_share: float | None = None,
    biogenic_share_basis: str | None = None,
    capture_rate: float | None = None,
    sector: str = "el_och_fjarrvarme",
    start_year: int = 2030,
    end_year: int = 2050,
    overrides: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Capture CO2 at a combustion plant, e.g. a waste- and biomass-fired CHP.

    ``fossil_t_co2`` is the plant's fossil CO2 (e.g. its EU ETS verified emissions). With a biogenic
    share b of all flue-gas CO2, total = fossil / (1 - b). Two components per year:
    ``fossil_co2_captured`` = capture x fossil, an **emission cut** of ``sector`` (SMHI territorial,
    never a sink), and ``biogenic_co2_captured`` = capture x (total - fossil), a **technical
    removal** (bio-CCS; not in SMHI's kommun totals). ``biogenic_share`` defaults to the labelled
    assumption ``waste_biogenic_share`` (basis ``assumption_waste_biogenic_share``); pass the plant's
    share from :func:`borlange_analysis.analysis.facilities.plant_biogenic_share` with its basis code.
    The energy penalty of capture is not counted."""
    from ..names import resolve_sector

    p = _values(overrides)
    if biogenic_share is None:
        b, basis = p["waste_biogenic_share"], "assumption_waste_biogenic_share"
    else:
        b, basis = float(biogenic_share), biogenic_share_basis or "user"
    c = p["ccs_capture_rate"] if capture_rate is None else float(capture_rate)
    if not 0 <= b < 1:
        raise ParameterError(f"biogenic_share must be in [0, 1), got {b}")
    if not 0 <= c <= 1:
        raise ParameterError(f"capture_rate must be in [0, 1], got {c}")
    if not np.isfinite(fossil_t_co2) or fossil_t_co2 < 0:
        raise ParameterError(f"fossil_t_co2 must be a number >= 0, got {fossil_t_co2}")
    sec = resolve_sector(sector)
    total = fossil_t_co2 / (1 - b)
    detail = {"capture_rate": c, "biogenic_share": b, "biogenic_share_basis": basis, "fossil_t_co2": fossil_t_co2}
    return _frame(
        _years(start_year, end_year),
        "ccs",
        [
            {
                "component": "fossil_co2_captured",
                "kind": EMISSION_CUT,
                "sector": sec,
                "inventory": INVENTORY_SMHI,
                "gas": "CO2",
                "t_co2e": c * fossil_t_co2,
                **detail,
            },
            {
                "component": "biogenic_co2_captured",
                "kind": TECHNICAL_REMOVAL,
                "sector": "",
                "inventory": INVENTORY_BECCS,
                "gas": "CO2",
                "t_co2e": c * (total - fossil_t_co2),
                **detail,
            },
        ],
    )


def ccs_at_installation(
    installation_id: str,
    *,
    capture_rate: float | None = None,
    sector: str = "el_och_fjarrvarme",
    start_year: int = 2030,
    end_year: int = 2050,
    overrides: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """:func:`scenario_ccs` at an EU ETS installation: fossil CO2 = its latest verified emissions,
    biogenic share from :func:`~borlange_analysis.analysis.facilities.plant_biogenic_share` (data
    where they exist, else the labelled assumption). Adds installation_id, fossil_year and
    biogenic_year columns."""
    from .facilities import plant_biogenic_share

    fallback = _params(overrides).loc["waste_biogenic_share"]
    share = plant_biogenic_share(
        installation_id, fallback=(float(fallback["low"]), float(fallback["value"]), float(fallback["high"]))
    )
    out = scenario_ccs(
        fossil_t_co2=float(share["fossil_t_co2"]),
        biogenic_share=float(share["biogenic_share"]),
        biogenic_share_basis=str(share["basis"]),
        capture_rate=capture_rate,
        sector=sector,
        start_year=start_year,
        end_year=end_year,
        overrides=overrides,
    )
    return out.assign(
        installation_id=installation_id,
        fossil_year=share["fossil_year"],
        biogenic_year=share["biogenic_year"],
        biogenic_share_low=share["biogenic_share_low"],
        biogenic_share_high=share["biogenic_share_high"],
    )


def scenario_biochar(
    *,
    biochar_t_per_yr: float,
    permanence_class: str = "medium_temperature",
    start_year: int = 2026,
    end_year: int = 2050,
    overrides: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Biochar applied to soil, a **technical removal**: ``mass x carbon content x F_perm(class) x
    44/12`` t CO2/yr (IPCC 2019 Refinement Vol. 4 Ch. 2 Appendix 4; ``permanence_class`` one of
    low_temperature (350-450 °C), medium_temperature (450-600 °C), high_temperature (> 600 °C)).
    The biomass used is assumed to come from outside the kommun's existing-sink estimate."""
    if not np.isfinite(biochar_t_per_yr) or biochar_t_per_yr < 0:
        raise ParameterError(f"biochar_t_per_yr must be a number >= 0, got {biochar_t_per_yr}")
    if permanence_class not in BIOCHAR_CLASSES:
        raise UnknownValueError("biochar permanence class", permanence_class, list(BIOCHAR_CLASSES))
    p = _values(overrides)
    perm = p[f"biochar_permanence_{permanence_class}"]
    v = biochar_t_per_yr * p["biochar_carbon_content"] * perm * p["co2_per_c"]
    comp = {
        "component": "biochar_carbon_100yr",
        "kind": TECHNICAL_REMOVAL,
        "sector": "",
        "inventory": INVENTORY_LULUCF,
        "gas": "CO2",
        "t_co2e": v,
        "permanence_class": permanence_class,
        "permanence": perm,
    }
    return _frame(_years(start_year, end_year), "biochar", [comp])


SCENARIOS: dict[str, Callable[..., pd.DataFrame]] = {
    "harvest_change": scenario_harvest_change,
    "afforestation": scenario_afforestation,
    "set_aside": scenario_set_aside,
    "rewetting": scenario_rewetting,
    "ccs": scenario_ccs,
    "ccs_installation": ccs_at_installation,
    "biochar": scenario_biochar,
}


def run_scenario(name: str, **params: Any) -> pd.DataFrame:
    """Run a named scenario: the long table (year, scenario, component, kind, sector, inventory,
    gas, t_co2e; positive = lower net emissions) plus the scenario's detail columns."""
    if name not in SCENARIOS:
        raise UnknownValueError("scenario", name, list(SCENARIOS))
    import inspect

    valid = list(inspect.signature(SCENARIOS[name]).parameters)
    unknown = [k for k in params if k not in valid]
    if unknown:
        raise ParameterError(f"scenario {name!r}: unknown parameter {unknown[0]!r}; its parameters are {valid}")
    return SCENARIOS[name](**params)


def measures_by_kind(measures: pd.DataFrame) -> pd.DataFrame:
    """Per year: emission_cut_t_co2e, additional_sink_t_co2e, technical_removal_t_co2e (sums of a
    long scenario table)."""
    _check_measures(measures)
    wide = measures.pivot_table(index="year", columns="kind", values="t_co2e", aggfunc="sum")
    wide = wide.reindex(columns=list(KINDS)).fillna(0.0)
    wide.columns = [f"{k}_t_co2e" for k in KINDS]
    return wide.reset_index()


def _check_measures(measures: pd.DataFrame) -> None:
    missing = [c for c in ("year", "kind", "t_co2e") if c not in measures.columns]
    if missing:
        raise ParameterError(f"measures table lacks columns {missing}; expected year, kind, t_co2e (and sector)")
    bad = sorted(set(measures["kind"]) - set(KINDS))
    if bad:
        raise UnknownValueError("measure kind", bad[0], list(KINDS))


# --- the balance ----------------------------------------------------------------------------------


def neutrality_balance(
    sector_pathway: pd.DataFrame,
    *,
    base_value: float,
    existing_sinks: Mapping[str, tuple[float, float, float]] | None = None,
    measures: pd.DataFrame | None = None,
    reduction: float = 0.80,
    target_year: int = 2030,
) -> pd.DataFrame:
    """The climate-neutrality balance per year under the framework's rule.

    ``sector_pathway``: year, sector, t_co2e (observed and trend values, before measures);
    ``base_value``: the base year's total (t CO2e); ``existing_sinks``: method -> (low, central,
    high) t CO2/yr, **shown, never subtracted**; ``measures``: a long table (year, kind, t_co2e, and
    sector for emission cuts) as returned by the scenarios.

    Emission cuts lower their sector (or the total when ``sector`` is empty), capped at what the
    sector emits. Columns: year, one column per sector (baseline), baseline_t_co2e,
    emission_cuts_t_co2e (applied), residual_emissions_t_co2e, additional_sinks_t_co2e,
    technical_removals_t_co2e, net_emissions_t_co2e (residual - additional sinks - technical
    removals), neutrality_gap_t_co2e (max(0, net)), for each existing-sink method m:
    existing_sink_<m>_t_co2 (central), existing_sink_<m>_low_t_co2 / _high_t_co2 and
    existing_sink_<m>_sign;
    residual_allowed_t_co2e (base x (1 - reduction)), cut_gap_t_co2e (max(0, residual - allowed)),
    target_year, rule (``existing_sink_not_subtracted``).
    """
    if not 0 <= reduction <= 1:
        raise ParameterError(f"reduction must be a share between 0 and 1, got {reduction}")
    wide = sector_pathway.pivot_table(index="year", columns="sector", values="t_co2e", aggfunc="sum").sort_index()
    wide.columns = [str(c) for c in wide.columns]
    base = wide.clip(lower=0)
    residual = base.copy()
    total_cut = pd.Series(0.0, index=wide.index)
    by_kind = {k: pd.Series(0.0, index=wide.index) for k in KINDS}
    if measures is not None and len(measures):
        _check_measures(measures)
        m = measures[measures["year"].isin(wide.index)]
        sector = m["sector"].fillna("").astype(str) if "sector" in m else pd.Series("", index=m.index)
        for k in (ADDITIONAL_SINK, TECHNICAL_REMOVAL):
            by_kind[k] = m[m["kind"] == k].groupby("year")["t_co2e"].sum().reindex(wide.index).fillna(0.0)
        cuts = m[m["kind"] == EMISSION_CUT].assign(sector=sector)
        unknown = sorted(set(cuts["sector"]) - set(wide.columns) - {""})
        if unknown:
            raise UnknownValueError("sector of an emission cut", unknown[0], list(wide.columns))
        for sec, grp in cuts[cuts["sector"] != ""].groupby("sector"):
            cut = grp.groupby("year")["t_co2e"].sum().reindex(wide.index).fillna(0.0)
            residual[sec] = (residual[sec] - cut).clip(lower=0)
        untargeted = cuts[cuts["sector"] == ""].groupby("year")["t_co2e"].sum().reindex(wide.index).fillna(0.0)
        total_cut = untargeted
    out = wide.copy()
    out["baseline_t_co2e"] = base.sum(axis=1)
    residual_total = (residual.sum(axis=1) - total_cut).clip(lower=0)
    out["emission_cuts_t_co2e"] = out["baseline_t_co2e"] - residual_total
    out["residual_emissions_t_co2e"] = residual_total
    out["additional_sinks_t_co2e"] = by_kind[ADDITIONAL_SINK]
    out["technical_removals_t_co2e"] = by_kind[TECHNICAL_REMOVAL]
    out["net_emissions_t_co2e"] = residual_total - out["additional_sinks_t_co2e"] - out["technical_removals_t_co2e"]
    out["neutrality_gap_t_co2e"] = out["net_emissions_t_co2e"].clip(lower=0)
    for name, (lo, c, hi) in (existing_sinks or {}).items():
        if not lo <= c <= hi:
            raise ParameterError(f"existing sink {name}: central {c} must lie within [{lo}, {hi}]")
        out[f"existing_sink_{name}_low_t_co2"] = lo
        out[f"existing_sink_{name}_t_co2"] = c
        out[f"existing_sink_{name}_high_t_co2"] = hi
        out[f"existing_sink_{name}_sign"] = str(sign_code(lo, hi))
    out["residual_allowed_t_co2e"] = base_value * (1 - reduction)
    out["cut_gap_t_co2e"] = (out["residual_emissions_t_co2e"] - out["residual_allowed_t_co2e"]).clip(lower=0)
    out["target_year"] = target_year
    out["rule"] = "existing_sink_not_subtracted"
    return out.rename_axis("year").reset_index()


def sink_indicators(
    indicators: pd.DataFrame,
    *,
    kommun_reduction: float | None = None,
    current_year: int = 2026,
    overrides: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Add the existing-sink and balance columns to an indicators table (all kommuner; filled on
    the total rows only, NaN on sector rows):

    productive_forest_ha; existing_sink_lulucf_area_share_t_co2 (+ _low_t_co2, _high_t_co2,
    _year); existing_sink_gain_loss_t_co2 (+ _low_t_co2, _high_t_co2) and existing_sink_gain_loss_sign
    (sign code); neutrality_target_year (of target ``kommun_neutral_2030``);
    emissions_in_target_year_t_co2e (the total's linear trend, floored at 0); residual_allowed_t_co2e
    (base 1990 x (1 - reduction)); neutrality_gap_no_measures_t_co2e (= the emissions in the target
    year: without additional sinks or technical removals nothing is subtracted, and the existing sink
    never is). ``current_year`` is accepted for the caller's symmetry; the trend sets the values.
    """
    from .. import data
    from .targets import targets

    trow = targets(kommun_reduction).set_index("target_id").loc["kommun_neutral_2030"]
    red, target_year = float(trow["reduction"]), int(trow["target_year"])
    forest = forest_share(data.load_land_use())
    td = top_down_sink(forest, data.load_lulucf_national())
    gl = gain_loss_sink(forest["productive_forest_ha"].to_numpy(), overrides=overrides)
    s = pd.DataFrame(
        {
            "kommun_code": forest["kommun_code"].to_numpy(),
            "productive_forest_ha": forest["productive_forest_ha"].to_numpy(),
            "existing_sink_lulucf_area_share_t_co2": td["sink_t_co2"].to_numpy(),
            "existing_sink_lulucf_area_share_low_t_co2": td["sink_low_t_co2"].to_numpy(),
            "existing_sink_lulucf_area_share_high_t_co2": td["sink_high_t_co2"].to_numpy(),
            "existing_sink_lulucf_area_share_year": td["year"].to_numpy(),
            "existing_sink_gain_loss_t_co2": gl["sink_t_co2"].to_numpy(),
            "existing_sink_gain_loss_low_t_co2": gl["sink_low_t_co2"].to_numpy(),
            "existing_sink_gain_loss_high_t_co2": gl["sink_high_t_co2"].to_numpy(),
            "existing_sink_gain_loss_sign": gl["sign_code"].to_numpy(),
        }
    )
    out = indicators.merge(s, on="kommun_code", how="left")
    is_total = out["sector"] == SECTOR_TOTAL
    for col in s.columns[1:]:
        out[col] = out[col].where(is_total)
    trend = np.maximum(out["last_value"] + out["trend_slope"] * (target_year - out["last_year"]), 0)
    out["neutrality_target_year"] = np.where(is_total, target_year, np.nan)
    out["emissions_in_target_year_t_co2e"] = np.where(is_total, trend, np.nan)
    if "change_since_1990_t" in out:
        base1990 = out["last_value"] - out["change_since_1990_t"]
        out["residual_allowed_t_co2e"] = np.where(is_total, base1990 * (1 - red), np.nan)
    out["neutrality_gap_no_measures_t_co2e"] = np.where(is_total, trend, np.nan)
    return out
