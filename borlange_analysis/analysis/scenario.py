"""Scenario pathways: the sector baseline with its nowcast, measures resolved to tonnes, and the engine.

**Baseline** (:func:`sector_baseline`). For every kommun and SMHI main sector, Klimatkollen's trend
(:func:`borlange_analysis.analysis.trends.pathways`: median regression from 2015, shifted through
the last observed value, floored at 0) from the last SMHI year through the analysis year (the
nowcast) to ``end_year`` (2050). The sectors are then scaled, year by year, so that they add up to
the trend of the kommun's total: ``baseline_s(t) = trend_s(t) * trend_total(t) / sum_s trend_s(t)``
(where every sector trend is 0 but the total's is not, the total is shared by the sectors' last
observed shares). The baseline's total is therefore the overview's trend, and in the last SMHI year
it equals the observed total (e.g. Borlänge 2024: 423,795.8 t CO2e in release 2026).

**Measures** (:mod:`borlange_analysis.analysis.measures`) are resolved to yearly effects per kommun
(:func:`resolve`): a share (relative cuts, plant measures) or tonnes (absolute cuts, fuel switches,
sinks, removals), times a linear ramp ``clip((t - start + 1) / (full - start + 1), 0, 1)`` that is 0
before the start year and in the observed years, and 1 from the full-effect year. A measure applies
in the kommun its row, its owner (a partner) or its plant (an EU ETS installation) belongs to;
measures with none of them apply anywhere. A plant's baseline is its verified EU ETS emissions where
they exist and after them an estimate, its share of its sector in the last year both exist times the
sector's baseline (``basis`` ``estimated_share_of_sector``).

**Engine** (:func:`apply_cuts`, pure numpy over kommuner x sectors x years x measures): per sector
and year, the product of ``(1 - r)`` over the relative cuts of the sector, then all absolute cuts
together capped at what remains, then a floor at 0. Measures on one plant combine like relative cuts
of the plant (an absolute amount counts as its share of the plant's baseline, at most 1) and the
plant's cut enters its sector as an absolute cut. Each measure's avoided emissions (its wedge) are
the sector's total cut times its stand-alone effect (what it alone would cut) over the sum of the
stand-alone effects of the sector's measures, so the wedges add up to baseline minus scenario.
Additional sinks and technical removals are added up per year (they never change emissions);
effects outside the border are kept apart (avoided emissions elsewhere).

**Bounds**: ``central``, ``low`` and ``high`` run the engine with every measure at its central, low
or high effect: a span of the catalogue's assumptions, not a probability range.

Units: emissions and cuts t CO2e/yr (GWP100 AR5, as SMHI), sinks and removals t CO2/yr (positive =
uptake). Metrics against the goals are in :mod:`borlange_analysis.analysis.scenario_metrics`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataFileError, ParameterError
from ..names import SECTOR_TOTAL, sector_names
from . import measures as msr
from .trends import END_YEAR, FIRST_YEAR, pathways, trend_value

BOUNDS = ("central", "low", "high")
_EFFECT_COLUMN = {"central": "effect", "low": "effect_low", "high": "effect_high"}
#: Status codes of a measure in a kommun (column ``status``).
COUNTED = "counted"
SWITCHED_OFF = "switched_off"
NEEDS_ACTIVITY_DATA = "needs_activity_data"
OTHER_KOMMUN = "other_kommun"
EXCLUDED_POINT_SOURCE = "excluded_point_source"
STATUSES = (COUNTED, SWITCHED_OFF, NEEDS_ACTIVITY_DATA, OTHER_KOMMUN, EXCLUDED_POINT_SOURCE)
#: Facility baseline basis codes.
VERIFIED = "verified"
ESTIMATED_SHARE = "estimated_share_of_sector"
ESTIMATED_LAST = "estimated_last_verified"


# --- the baseline ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Baseline:
    """The sector baseline of many kommuner: ``values[k, s, y]`` t CO2e/yr for kommun ``k`` (row of
    ``kommuner``), sector ``sectors[s]`` and year ``years[y]`` (last SMHI year .. end year)."""

    kommuner: pd.DataFrame
    sectors: tuple[str, ...]
    years: np.ndarray
    values: np.ndarray
    total: np.ndarray
    last_year: np.ndarray
    current_year: int
    end_year: int
    release: str
    gas: str

    def index(self, kommun_code: str) -> int:
        codes = self.kommuner["kommun_code"].tolist()
        if kommun_code not in codes:
            raise ParameterError(f"kommun {kommun_code} is not in the baseline ({len(codes)} kommuner)")
        return codes.index(kommun_code)

    def select(self, kommun_codes: Sequence[str]) -> Baseline:
        """The baseline of some of its kommuner, as :func:`sector_baseline` computes it for them
        alone (each kommun's fit is its own; the years run from the earliest last year among them):
        a page computes the baseline of all 290 once and takes each kommun's from it."""
        idx = [self.index(str(c)) for c in kommun_codes]
        last = self.last_year[idx]
        first = int(last.min())
        cols = self.years >= first
        return Baseline(
            kommuner=self.kommuner.iloc[idx].reset_index(drop=True),
            sectors=self.sectors,
            years=self.years[cols],
            values=self.values[idx][:, :, cols],
            total=self.total[idx][:, cols],
            last_year=last,
            current_year=self.current_year,
            end_year=self.end_year,
            release=self.release,
            gas=self.gas,
        )

    def year_kind(self) -> np.ndarray:
        """[kommun x year]: 'observed' (the last SMHI year), 'estimated' (the nowcast up to the
        analysis year) or 'projected'."""
        y = self.years[None, :]
        last = self.last_year[:, None]
        return np.where(y <= last, "observed", np.where(y < self.current_year, "estimated", "projected"))


def _keys_of(frame: pd.DataFrame) -> pd.DataFrame:
    cols = [c for c in ("kommun_code", "kommun") if c in frame.columns]
    return frame[cols].drop_duplicates("kommun_code").sort_values("kommun_code").reset_index(drop=True)


def sector_baseline(
    sector_emissions: pd.DataFrame,
    total_emissions: pd.DataFrame,
    *,
    current_year: int,
    end_year: int = END_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
) -> Baseline:
    """The sector baseline with its nowcast (module docstring): one release of SMHI's main sectors
    and totals for one or many kommuner (t CO2e/yr), the trend per sector scaled to the total's."""
    if end_year < current_year:
        raise ParameterError(f"end_year {end_year} is before current_year {current_year}")
    sec = sector_emissions[sector_emissions["sector"] != SECTOR_TOTAL]
    if sec.empty:
        raise ParameterError("the emissions have no sector rows: the scenario needs a release with sectors")
    fit_t = pathways(
        total_emissions, current_year=current_year, end_year=end_year, first_year=first_year, method=method
    )
    fit_s = pathways(sec, current_year=current_year, end_year=end_year, first_year=first_year, method=method)
    fit_t = fit_t.sort_values("kommun_code").reset_index(drop=True)
    kommuner = fit_t[["kommun_code", "kommun"]].reset_index(drop=True)
    names = tuple(sector_names())
    last = fit_t["last_year"].to_numpy(dtype=int)
    years = np.arange(int(last.min()), end_year + 1)
    total = trend_value(fit_t, years)
    k_of = {c: i for i, c in enumerate(kommuner["kommun_code"])}
    s_of = {s: i for i, s in enumerate(names)}
    unknown = sorted(set(fit_s["sector"]) - set(s_of))
    if unknown:
        raise ParameterError(f"unknown sectors in the emissions: {unknown}")
    ks = fit_s["kommun_code"].map(k_of)
    fit_s = fit_s[ks.notna()].reset_index(drop=True)
    ki = fit_s["kommun_code"].map(k_of).to_numpy(dtype=int)
    si = fit_s["sector"].map(s_of).to_numpy(dtype=int)
    raw = np.zeros((len(kommuner), len(names), len(years)))
    raw[ki, si, :] = trend_value(fit_s, years)
    lastshare = np.zeros((len(kommuner), len(names)))
    lastshare[ki, si] = np.maximum(fit_s["last_value"].to_numpy(dtype=float), 0.0)
    values = scale_to_total(raw, total, lastshare)
    gas = ", ".join(sorted({str(g) for g in total_emissions["gas"].unique()})) if "gas" in total_emissions else "CO2e"
    rel = (
        ", ".join(sorted({str(r) for r in total_emissions["release"].unique()})) if "release" in total_emissions else ""
    )
    return Baseline(
        kommuner=kommuner,
        sectors=names,
        years=years,
        values=values,
        total=total,
        last_year=last,
        current_year=int(current_year),
        end_year=int(end_year),
        release=rel,
        gas=gas,
    )


def scale_to_total(raw: np.ndarray, total: np.ndarray, last_share: np.ndarray) -> np.ndarray:
    """Scale sector values ``raw[k, s, y]`` so that they add up to ``total[k, y]`` every year; where
    the sectors are all 0 and the total is not, share the total by ``last_share[k, s]`` (the last
    observed values), or equally when those are 0 too."""
    sums = raw.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(sums > 0, total / sums, 0.0)
    out = raw * factor[:, None, :]
    empty = (sums <= 0) & (total > 0)
    if empty.any():
        w = last_share.copy()
        none = w.sum(axis=1) <= 0
        w[none] = 1.0
        w = w / w.sum(axis=1, keepdims=True)
        out = np.where(empty[:, None, :], w[:, :, None] * total[:, None, :], out)
    return out


# --- plant baselines ---------------------------------------------------------------------------------


def facility_baseline(
    verified: pd.DataFrame, sector: pd.DataFrame, *, years: Iterable[int] | None = None
) -> pd.DataFrame:
    """A plant's baseline, t CO2e/yr: its verified emissions (``verified``: year, verified_t_co2e) in
    their years, and after the last verified year an estimate: its share of its sector
    (``sector``: year, t_co2e, observed and baseline values) in the last year both exist, times the
    sector's value (basis ``estimated_share_of_sector``), or, without a common year, the last
    verified value (``estimated_last_verified``). Columns: year, t_co2e, basis, share, share_year,
    last_verified_year."""
    v = verified.dropna(subset=["verified_t_co2e"]).groupby("year")["verified_t_co2e"].sum()
    if v.empty:
        raise ParameterError("the plant has no verified emissions")
    s = sector.groupby("year")["t_co2e"].sum()
    want = sorted(set(int(y) for y in (years if years is not None else s.index)) | set(int(y) for y in v.index))
    common = sorted(set(v.index) & set(s.index[s > 0]))
    last_v = int(v.index.max())
    share, share_year = (np.nan, np.nan)
    if common:
        share_year = common[-1]
        share = float(v[share_year] / s[share_year])
    rows = []
    for y in want:
        if y in v.index:
            rows.append((y, float(v[y]), VERIFIED))
        elif y > last_v and common and y in s.index:
            rows.append((y, share * float(s[y]), ESTIMATED_SHARE))
        elif y > last_v:
            rows.append((y, float(v[last_v]), ESTIMATED_LAST))
    out = pd.DataFrame(rows, columns=["year", "t_co2e", "basis"])
    out["share"] = share
    out["share_year"] = share_year
    out["last_verified_year"] = last_v
    return out


# --- inputs from the data -------------------------------------------------------------------------------


@dataclass
class Inputs:
    """What resolving measures needs from the data, loaded once (:func:`load_inputs`):

    ``facility_kommun`` installation -> kommun code; ``verified`` installation -> (year,
    verified_t_co2e); ``observed`` the sector emissions of the kommuner with plants (year, sector,
    kommun_code, t_co2e); ``biogenic`` installation -> (low, central, high) biogenic share of the
    plant's flue-gas CO2 with its basis; ``activity`` (partner, activity) -> (t CO2e a year, year)
    from the partner's own activity data; ``forest_ha`` kommun code -> productive forest (ha)."""

    facility_kommun: dict[str, str] = field(default_factory=dict)
    verified: dict[str, pd.DataFrame] = field(default_factory=dict)
    observed: pd.DataFrame = field(default_factory=pd.DataFrame)
    biogenic: dict[str, tuple[float, float, float, str]] = field(default_factory=dict)
    activity: dict[tuple[str, str], tuple[float, int]] = field(default_factory=dict)
    forest_ha: dict[str, float] = field(default_factory=dict)


def activity_emissions(activity: pd.DataFrame, factors: pd.DataFrame) -> dict[str, tuple[float, int]]:
    """A partner's emissions per activity in its latest year (t CO2e/yr): scope 1 for fuels, the
    location-based scope 2 for purchased energy, scope 3 otherwise
    (:func:`borlange_analysis.analysis.ghg_accounting.scope_emissions`)."""
    from .ghg_accounting import scope_emissions

    rows = scope_emissions(activity, factors)
    rows = rows[rows["t_co2e"].notna()]
    if "basis" in rows.columns:
        rows = rows[~rows["basis"].isin(["contract", "market", "supplier", "residual_mix"])]
    out: dict[str, tuple[float, int]] = {}
    for act, grp in rows.groupby("activity"):
        y = int(grp["year"].max())
        out[str(act)] = (float(grp.loc[grp["year"] == y, "t_co2e"].sum()), y)
    return out


def load_inputs(catalogue: pd.DataFrame, *, release: str, exclude: Mapping[str, Sequence[str]] | None = None) -> Inputs:
    """Load what the catalogue's measures need from the processed data and the partners' files
    (``exclude``: the point sources taken out, whose baselines are needed too). Refuses a plant
    without verified emissions with the file, row and column of the measure."""
    from .. import data, partners
    from ..errors import UnknownValueError
    from .facilities import plant_biogenic_share
    from .sinks import forest_share

    inp = Inputs()
    excluded = sorted({f for ids in (exclude or {}).values() for f in ids})
    plants = sorted({f for f in catalogue["facility"] if f} | set(excluded))
    if plants:
        inst = data.load_ets_installations()
        ets = data.load_ets_emissions(plants)
        have = set(ets.dropna(subset=["verified_t_co2e"])["installation_id"])
        for r in catalogue[catalogue["facility"] != ""].itertuples(index=False):
            if r.facility not in have:
                raise DataFileError(
                    f"{r.file}: row {r.row}, column 'facility': EU ETS installation {r.facility!r} has no verified "
                    "emissions in the EUTL data"
                )
        for f in excluded:
            if f not in have:
                raise UnknownValueError(
                    "EU ETS installation with verified emissions", f, sorted(inst["installation_id"])
                )
        kom = inst.set_index("installation_id")["kommun_code"]
        inp.facility_kommun = {p: str(kom.get(p, "") or "") for p in plants}
        inp.verified = {p: g[["year", "verified_t_co2e"]] for p, g in ets.groupby("installation_id")}
        codes = sorted({c for c in inp.facility_kommun.values() if c})
        if codes:
            obs = data.load_emissions(codes, release=release, level="sector")
            inp.observed = obs[["kommun_code", "sector", "year", "t_co2e"]]
        for p in sorted(set(catalogue.loc[catalogue["method"] == "bio_ccs", "facility"])):
            s = plant_biogenic_share(p)
            inp.biogenic[p] = (
                float(s["biogenic_share_low"]),
                float(s["biogenic_share"]),
                float(s["biogenic_share_high"]),
                str(s["basis"]),
            )
    for owner in sorted(set(catalogue.loc[catalogue["kind"] == msr.FUEL_SWITCH, "owner"])):
        act, fac = partners.partner_activity(owner)
        if act is None:
            continue
        for a, v in activity_emissions(act, fac).items():
            inp.activity[(owner, a)] = v
    if (catalogue["method"] == "felling_cut").any():
        f = forest_share(data.load_land_use())
        inp.forest_ha = dict(zip(f["kommun_code"], f["productive_forest_ha"].astype(float), strict=True))
    return inp


# --- resolving measures to yearly effects ------------------------------------------------------------


def ramp(start: np.ndarray, full: np.ndarray, years: np.ndarray, last_year: np.ndarray | int) -> np.ndarray:
    """[measure x year] linear ramp: 0 before ``start`` and in the observed years (up to
    ``last_year``), ``(t - start + 1) / (full - start + 1)`` between, 1 from ``full``."""
    s = np.asarray(start, dtype=float)[:, None]
    f = np.asarray(full, dtype=float)[:, None]
    y = np.asarray(years, dtype=float)[None, :]
    r = np.clip((y - s + 1) / (f - s + 1), 0.0, 1.0)
    return np.where(y > np.max(last_year), r, 0.0)


@dataclass
class Resolved:
    """Measures resolved for a baseline: the cut measures as engine arrays and the sinks, removals
    and outside effects as yearly tonnes, for each bound; ``status`` per kommun and measure."""

    cut_ids: list[str]
    cut_sector: np.ndarray
    cut_relative: np.ndarray
    cut_group: np.ndarray
    groups: list[str]
    group_sector: np.ndarray
    group_base: np.ndarray
    cut_effect: dict[str, np.ndarray]
    sink_ids: list[str]
    sinks: dict[str, np.ndarray]
    removal_ids: list[str]
    removals: dict[str, np.ndarray]
    outside_ids: list[str]
    outside: dict[str, np.ndarray]
    status: pd.DataFrame
    facilities: pd.DataFrame
    excluded_base: np.ndarray


def _applies(catalogue: pd.DataFrame, codes: list[str], inputs: Inputs) -> np.ndarray:
    """[kommun x measure]: the measure applies in the kommun (its row's kommun, or its plant's)."""
    k = np.asarray(codes)[:, None]
    own = catalogue["kommun_code"].to_numpy(dtype=str)[None, :]
    ok = (own == "") | (own == k)
    plant = np.array([inputs.facility_kommun.get(f, "") if f else "" for f in catalogue["facility"]], dtype=str)
    return ok & ((plant[None, :] == "") | (plant[None, :] == k))


def _food_waste(kitchens: float, location: str) -> float:
    from .food_waste import school_kitchen_scenario

    r = school_kitchen_scenario(school_kitchens=kitchens).iloc[0]
    inside = float(r["avoided_inside_territory_t_co2e_per_yr"])
    return inside if location == msr.INSIDE else float(r["net_t_co2e_per_yr"]) - inside


def _sink_series(row: Any, value: float, years: np.ndarray, forest_ha: float) -> np.ndarray:
    """Yearly t CO2 of an additional sink or technical removal at full effect (before the ramp),
    from the sinks module (:func:`borlange_analysis.analysis.sinks.run_scenario`)."""
    from . import sinks

    m = row.method
    if m == "given":
        return np.full(len(years), value)
    start, end = int(row.start_year), int(max(years.max(), row.start_year))
    if m == "set_aside":
        frame = sinks.run_scenario("set_aside", area_ha=value, start_year=start, end_year=end)
    elif m == "afforestation":
        frame = sinks.run_scenario("afforestation", area_ha=value, start_year=start, end_year=end)
    elif m == "rewetting":
        frame = sinks.run_scenario("rewetting", area_ha=value, start_year=start, end_year=end)
        frame = frame[frame["kind"] == sinks.ADDITIONAL_SINK]
    elif m == "felling_cut":
        frame = sinks.run_scenario(
            "harvest_change", forest_ha=forest_ha, change_share=-value, start_year=start, end_year=end
        )
    elif m == "biochar":
        frame = sinks.run_scenario("biochar", biochar_t_per_yr=value, start_year=start, end_year=end)
    else:  # pragma: no cover - the catalogue validates methods
        raise ParameterError(f"no sink computation for method {m!r}")
    per_year = frame.groupby("year")["t_co2e"].sum()
    return per_year.reindex(years).bfill().fillna(0.0).to_numpy(dtype=float)


def _rewetting_n2o_per_ha() -> float:
    from . import sinks

    per = sinks.rewetting_per_ha(dict(sinks.sink_parameters().set_index("parameter")["value"]))
    return float(per.loc[per["component"] == "n2o_soil", "t_co2e_per_ha"].iloc[0])


def resolve(
    catalogue: pd.DataFrame,
    baseline: Baseline,
    inputs: Inputs,
    *,
    off: Iterable[str] = (),
    exclude: Mapping[str, Sequence[str]] | None = None,
) -> Resolved:
    """Turn the catalogue's measures into yearly effects for every kommun of the baseline and every
    bound (module docstring). ``off`` lists measure ids switched off; ``exclude`` maps kommun codes
    to EU ETS installations taken out of their sector (point sources accounted nationally): their
    baseline is subtracted from the sector and the measures on them are not counted."""
    cat = catalogue.reset_index(drop=True)
    codes = baseline.kommuner["kommun_code"].tolist()
    K, Y = len(codes), len(baseline.years)
    s_of = {s: i for i, s in enumerate(baseline.sectors)}
    applies = _applies(cat, codes, inputs)
    off_set = set(off)
    excluded = {(k, f) for k, ids in (exclude or {}).items() for f in ids}
    status = np.full(applies.shape, COUNTED, dtype=object)
    status[~applies] = OTHER_KOMMUN
    r = ramp(cat["start_year"].to_numpy(), cat["full_year"].to_numpy(), baseline.years, baseline.last_year)

    # plants: one group per installation, its baseline in the kommun it stands in
    plant_sector: dict[str, str] = {}
    for row in cat.itertuples(index=False):
        if row.facility:
            if row.facility in plant_sector and plant_sector[row.facility] != row.sector:
                raise DataFileError(
                    f"{row.file}: row {row.row}, column 'sector': plant {row.facility} is in "
                    f"{plant_sector[row.facility]!r} in another row"
                )
            plant_sector[row.facility] = row.sector
    for ids in (exclude or {}).values():
        for f in ids:
            plant_sector.setdefault(f, _industry())
    groups = sorted(plant_sector)
    group_base = np.zeros((K, len(groups), Y))
    fac_rows = []
    obs = inputs.observed
    for g, plant in enumerate(groups):
        kc = inputs.facility_kommun.get(plant, "")
        if kc not in codes:
            continue
        k, s = codes.index(kc), s_of[plant_sector[plant]]
        mine = obs[(obs["kommun_code"] == kc) & (obs["sector"] == plant_sector[plant])] if len(obs) else obs
        series = pd.concat(
            [
                mine[mine["year"] < baseline.years[0]][["year", "t_co2e"]] if len(mine) else None,
                pd.DataFrame({"year": baseline.years, "t_co2e": baseline.values[k, s]}),
            ]
        )
        fb = facility_baseline(inputs.verified[plant], series)
        yb = fb.set_index("year")["t_co2e"].reindex(baseline.years).to_numpy(dtype=float)
        group_base[k, g] = np.nan_to_num(yb)
        fac_rows.append(fb.assign(facility=plant, kommun_code=kc, sector=plant_sector[plant]))
    facilities = pd.concat(fac_rows, ignore_index=True) if fac_rows else pd.DataFrame()
    base_for_excl = np.zeros((K, len(baseline.sectors), Y))
    for k, f in excluded:
        if f in groups and k in codes:
            base_for_excl[codes.index(k), s_of[plant_sector[f]]] += group_base[codes.index(k), groups.index(f)]

    n2o_per_ha = _rewetting_n2o_per_ha() if (cat["method"] == "rewetting_n2o").any() else 0.0
    cut_idx = [
        i
        for i, row in enumerate(cat.itertuples(index=False))
        if row.kind in msr.CUT_KINDS and row.location == msr.INSIDE
    ]
    sink_idx = [
        i
        for i, row in enumerate(cat.itertuples(index=False))
        if row.kind == msr.ADDITIONAL_SINK and row.location == msr.INSIDE
    ]
    rem_idx = [
        i
        for i, row in enumerate(cat.itertuples(index=False))
        if row.kind == msr.TECHNICAL_REMOVAL and row.location == msr.INSIDE
    ]
    out_idx = [i for i, row in enumerate(cat.itertuples(index=False)) if row.location == msr.OUTSIDE]

    for i, row in enumerate(cat.itertuples(index=False)):
        if row.id in off_set:
            status[applies[:, i], i] = SWITCHED_OFF
        if row.facility:
            for k, kc in enumerate(codes):
                if (kc, row.facility) in excluded and applies[k, i]:
                    status[k, i] = EXCLUDED_POINT_SOURCE
        if row.kind == msr.FUEL_SWITCH and (row.owner, row.activity) not in inputs.activity:
            status[applies[:, i] & (status[:, i] == COUNTED), i] = NEEDS_ACTIVITY_DATA
    counted = status == COUNTED  # [kommun x measure]

    def amount(row: Any, value: float) -> float:
        """t/yr (or a share) at full effect for one row and one bound value."""
        if row.kind == msr.FUEL_SWITCH:
            return value * inputs.activity.get((row.owner, row.activity), (0.0, 0))[0]
        if row.method == "food_waste":
            return _food_waste(value, row.location)
        if row.method == "rewetting_n2o":
            return value * n2o_per_ha
        return value

    cut_effect, sinks_out, removals_out, outside_out = {}, {}, {}, {}
    for bound in BOUNDS:
        col = _EFFECT_COLUMN[bound]
        eff = np.zeros((K, len(cut_idx), Y))
        for j, i in enumerate(cut_idx):
            row = cat.iloc[i]
            eff[:, j, :] = amount(row, float(row[col])) * r[i][None, :] * counted[:, i][:, None]
        cut_effect[bound] = eff
        sk = np.zeros((K, len(sink_idx), Y))
        for j, i in enumerate(sink_idx):
            row = cat.iloc[i]
            for k, kc in enumerate(codes):
                if counted[k, i]:
                    sk[k, j] = _sink_series(row, float(row[col]), baseline.years, inputs.forest_ha.get(kc, 0.0)) * r[i]
        sinks_out[bound] = sk
        rm = np.zeros((K, len(rem_idx), Y))
        for j, i in enumerate(rem_idx):
            row = cat.iloc[i]
            if row.method == "bio_ccs":
                g = groups.index(row.facility)
                lo, c, hi, _ = inputs.biogenic[row.facility]
                b = {"central": c, "low": lo, "high": hi}[bound]
                rm[:, j] = float(row[col]) * group_base[:, g] * b / (1 - b) * r[i][None, :] * counted[:, i][:, None]
            else:
                for k in range(K):
                    if counted[k, i]:
                        rm[k, j] = _sink_series(row, float(row[col]), baseline.years, 0.0) * r[i]
        removals_out[bound] = rm
        ou = np.zeros((K, len(out_idx), Y))
        for j, i in enumerate(out_idx):
            row = cat.iloc[i]
            ou[:, j, :] = amount(row, float(row[col])) * r[i][None, :] * counted[:, i][:, None]
        outside_out[bound] = ou

    cut_rows = cat.iloc[cut_idx]
    stat = pd.DataFrame(
        {
            "kommun_code": np.repeat(codes, len(cat)),
            "id": np.tile(cat["id"].to_numpy(), K),
            "status": status.reshape(-1),
        }
    )
    res = Resolved(
        cut_ids=cut_rows["id"].tolist(),
        cut_sector=np.array([s_of[s] for s in cut_rows["sector"]], dtype=int),
        cut_relative=(cut_rows["kind"] == msr.RELATIVE_CUT).to_numpy(),
        cut_group=np.array([groups.index(f) if f else -1 for f in cut_rows["facility"]], dtype=int),
        groups=groups,
        group_sector=np.array([s_of[plant_sector[g]] for g in groups], dtype=int),
        group_base=group_base,
        cut_effect=cut_effect,
        sink_ids=cat.iloc[sink_idx]["id"].tolist(),
        sinks=sinks_out,
        removal_ids=cat.iloc[rem_idx]["id"].tolist(),
        removals=removals_out,
        outside_ids=cat.iloc[out_idx]["id"].tolist(),
        outside=outside_out,
        status=stat,
        facilities=facilities,
        excluded_base=base_for_excl,
    )
    return res


def _industry() -> str:
    from ..names import industry_sector

    return industry_sector()


# --- the engine ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cuts:
    """What :func:`apply_cuts` returns: the scenario [kommun x sector x year], each measure's wedge
    and stand-alone effect [kommun x measure x year] and each plant's cut [kommun x plant x year]."""

    scenario: np.ndarray
    wedge: np.ndarray
    standalone: np.ndarray
    group_cut: np.ndarray


def apply_cuts(
    base: np.ndarray,
    *,
    sector: np.ndarray,
    relative: np.ndarray,
    effect: np.ndarray,
    group: np.ndarray | None = None,
    group_base: np.ndarray | None = None,
    group_sector: np.ndarray | None = None,
) -> Cuts:
    """The engine (module docstring), pure and vectorised.

    ``base`` [kommun x sector x year] t CO2e/yr; per measure: ``sector`` index, ``relative`` (the
    effect is a share of the sector or plant, else t/yr) and ``effect`` [kommun x measure x year]
    (ramped, 0 where the measure does not apply); plants: ``group`` index per measure (-1 none),
    ``group_base`` [kommun x plant x year] and ``group_sector`` [plant]."""
    base = np.maximum(np.asarray(base, dtype=float), 0.0)
    K, S, Y = base.shape
    sector = np.asarray(sector, dtype=int)
    relative = np.asarray(relative, dtype=bool)
    M = len(sector)
    eff = np.maximum(np.asarray(effect, dtype=float), 0.0).reshape(K, M, Y)
    group = np.full(M, -1, dtype=int) if group is None else np.asarray(group, dtype=int)
    gbase = np.zeros((K, 0, Y)) if group_base is None else np.maximum(np.asarray(group_base, dtype=float), 0.0)
    gsec = np.zeros(0, dtype=int) if group_sector is None else np.asarray(group_sector, dtype=int)
    G = gbase.shape[1]
    in_group = group >= 0
    sec_base = base[:, sector, :]  # [K x M x Y]
    plant = gbase[:, np.maximum(group, 0), :] if G else np.zeros((K, M, Y))
    share_rel = np.minimum(eff, 1.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share_abs = np.where(plant > 0, np.minimum(eff / np.where(plant > 0, plant, 1.0), 1.0), 0.0)
    share = np.where(relative[None, :, None], share_rel, share_abs)  # of the plant, for plant measures
    standalone = np.where(
        in_group[None, :, None],
        np.minimum(plant * share, sec_base),
        np.where(relative[None, :, None], sec_base * share_rel, np.minimum(eff, sec_base)),
    )
    factor = np.ones((K, S, Y))
    absolute = np.zeros((K, S, Y))
    for s in np.unique(sector):
        rel_s = (sector == s) & relative & ~in_group
        if rel_s.any():
            factor[:, s, :] = np.prod(1.0 - share_rel[:, rel_s, :], axis=1)
        abs_s = (sector == s) & ~relative & ~in_group
        if abs_s.any():
            absolute[:, s, :] += eff[:, abs_s, :].sum(axis=1)
    group_cut = np.zeros((K, G, Y))
    for g in range(G):
        mine = group == g
        if mine.any():
            group_cut[:, g, :] = gbase[:, g, :] * (1.0 - np.prod(1.0 - share[:, mine, :], axis=1))
            absolute[:, gsec[g], :] += group_cut[:, g, :]
    after_rel = base * factor
    scenario = np.maximum(after_rel - np.minimum(absolute, after_rel), 0.0)
    cut = base - scenario
    onehot = (sector[:, None] == np.arange(S)[None, :]).astype(float)  # [M x S]
    denom = np.einsum("kmy,ms->ksy", standalone, onehot)
    d_m = denom[:, sector, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        wedge = np.where(d_m > 0, cut[:, sector, :] * standalone / np.where(d_m > 0, d_m, 1.0), 0.0)
    return Cuts(scenario=scenario, wedge=wedge, standalone=standalone, group_cut=group_cut)


# --- the result ---------------------------------------------------------------------------------------------


@dataclass
class ScenarioResult:
    """A scenario for one or many kommuner: the baseline, the catalogue it used (confidential
    partners' measures already left out), the resolved measures and, per bound, the engine's cuts
    and the sinks, removals and outside effects. Tidy views: :meth:`pathways`, :meth:`effects`,
    :meth:`measure_table`, :meth:`wide`."""

    baseline: Baseline
    catalogue: pd.DataFrame
    resolved: Resolved
    cuts: dict[str, Cuts]
    base_values: np.ndarray
    left_out_confidential: pd.DataFrame
    inputs: Inputs = field(default_factory=Inputs)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    off: tuple[str, ...] = ()

    @property
    def years(self) -> np.ndarray:
        return self.baseline.years

    def pathways(self) -> pd.DataFrame:
        """Per kommun, sector (and ``Alla`` for the total) and year: kind (observed, estimated,
        projected), baseline_t_co2e, scenario_t_co2e, scenario_low_effect_t_co2e (every measure at
        its low effect: the highest emissions), scenario_high_effect_t_co2e."""
        b = self.baseline
        K, S, Y = self.base_values.shape
        names = [*b.sectors, SECTOR_TOTAL]

        def with_total(a: np.ndarray) -> np.ndarray:
            return np.concatenate([a, a.sum(axis=1, keepdims=True)], axis=1)

        base = with_total(self.base_values)
        out = pd.DataFrame(
            {
                "kommun_code": np.repeat(b.kommuner["kommun_code"].to_numpy(), (S + 1) * Y),
                "kommun": np.repeat(b.kommuner["kommun"].to_numpy(), (S + 1) * Y),
                "sector": np.tile(np.repeat(names, Y), K),
                "year": np.tile(b.years, K * (S + 1)),
                "kind": np.tile(b.year_kind()[:, None, :], (1, S + 1, 1)).reshape(-1),
                "baseline_t_co2e": base.reshape(-1),
                "scenario_t_co2e": with_total(self.cuts["central"].scenario).reshape(-1),
                "scenario_low_effect_t_co2e": with_total(self.cuts["low"].scenario).reshape(-1),
                "scenario_high_effect_t_co2e": with_total(self.cuts["high"].scenario).reshape(-1),
            }
        )
        return out

    def effects(self) -> pd.DataFrame:
        """Per kommun, measure and year: kind, location, sector, t (avoided t CO2e of a cut, its
        wedge; t CO2 of a sink or removal; avoided t CO2e elsewhere for a measure outside the border),
        t_low, t_high (every measure at its low / high effect). Only counted measures."""
        b, r = self.baseline, self.resolved
        parts = []
        for ids, getter in (
            (r.cut_ids, lambda bd: self.cuts[bd].wedge),
            (r.sink_ids, lambda bd: r.sinks[bd]),
            (r.removal_ids, lambda bd: r.removals[bd]),
            (r.outside_ids, lambda bd: r.outside[bd]),
        ):
            if not ids:
                continue
            K, M, Y = getter("central").shape
            parts.append(
                pd.DataFrame(
                    {
                        "kommun_code": np.repeat(b.kommuner["kommun_code"].to_numpy(), M * Y),
                        "id": np.tile(np.repeat(ids, Y), K),
                        "year": np.tile(b.years, K * M),
                        "t": getter("central").reshape(-1),
                        "t_low": getter("low").reshape(-1),
                        "t_high": getter("high").reshape(-1),
                    }
                )
            )
        cols = ["kommun_code", "id", "year", "t", "t_low", "t_high"]
        out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)
        st = r.status
        out = out.merge(st, on=["kommun_code", "id"], how="left")
        out = out[out["status"] == COUNTED].drop(columns="status")
        meta = self.catalogue[["id", "kind", "location", "sector"]]
        return out.merge(meta, on="id", how="left").reset_index(drop=True)

    def status(self, kommun_code: str) -> pd.DataFrame:
        """The catalogue's measures that belong to the kommun (not other kommuner's), with their
        status code (:data:`STATUSES`)."""
        st = self.resolved.status
        mine = st[(st["kommun_code"] == kommun_code) & (st["status"] != OTHER_KOMMUN)]
        return self.catalogue.merge(mine[["id", "status"]], on="id", how="inner")

    def left_out(self, kommun_code: str) -> int:
        """How many measures of confidential partners were left out for the kommun."""
        lo = self.left_out_confidential
        return int(((lo["kommun_code"] == "") | (lo["kommun_code"] == kommun_code)).sum()) if len(lo) else 0

    def wide(self) -> pd.DataFrame:
        """Per kommun, sector (and the total ``Alla``) and year: baseline_t_co2e, scenario_t_co2e,
        one column ``measure_<id>_t_co2e`` per measure (its avoided emissions on its sector's rows
        and the total; sinks, removals and outside effects on the total rows), additional_sinks_t_co2
        and technical_removals_t_co2 (total rows)."""
        pw = self.pathways()
        eff = self.effects()
        out = pw.copy()
        key = ["kommun_code", "sector", "year"]
        ids = self.catalogue["id"].tolist()
        if len(eff):
            cut = eff[eff["kind"].isin(msr.CUT_KINDS) & (eff["location"] == msr.INSIDE)]
            by_sector = cut.pivot_table(index=key, columns="id", values="t", aggfunc="sum")
            total = eff.assign(sector=SECTOR_TOTAL).pivot_table(index=key, columns="id", values="t", aggfunc="sum")
            both = pd.concat([by_sector, total]).reset_index()
            out = out.merge(both, on=key, how="left")
        for i in ids:
            col = f"measure_{i}_t_co2e"
            out[col] = out[i].fillna(0.0) if i in out.columns else 0.0
        out = out.drop(columns=[i for i in ids if i in out.columns])
        is_total = out["sector"] == SECTOR_TOTAL
        for kind, col in (
            (msr.ADDITIONAL_SINK, "additional_sinks_t_co2"),
            (msr.TECHNICAL_REMOVAL, "technical_removals_t_co2"),
        ):
            sel = eff[(eff["kind"] == kind) & (eff["location"] == msr.INSIDE)] if len(eff) else eff
            per = sel.groupby(["kommun_code", "year"], as_index=False)["t"].sum().rename(columns={"t": col})
            out = out.merge(per, on=["kommun_code", "year"], how="left") if len(per) else out.assign(**{col: 0.0})
            out[col] = out[col].fillna(0.0).where(is_total)
        return out


def run(
    catalogue: pd.DataFrame,
    baseline: Baseline,
    inputs: Inputs,
    *,
    off: Iterable[str] = (),
    exclude: Mapping[str, Sequence[str]] | None = None,
    include_confidential: Iterable[str] = (),
    confidential: Iterable[str] = (),
) -> ScenarioResult:
    """The scenario (pure, given the loaded ``inputs``): confidential partners' measures left out
    (``confidential`` owner ids) unless their owner is in ``include_confidential`` (a partner's own
    confidential report), the measures resolved and the engine run for every bound."""
    conf = set(confidential) - set(include_confidential)
    hidden = catalogue["owner"].isin(conf)
    cat = catalogue[~hidden].reset_index(drop=True)
    left = catalogue.loc[hidden, ["id", "owner", "kommun_code"]].reset_index(drop=True)
    res = resolve(cat, baseline, inputs, off=off, exclude=exclude)
    base = np.maximum(baseline.values - res.excluded_base, 0.0)
    cuts = {
        bound: apply_cuts(
            base,
            sector=res.cut_sector,
            relative=res.cut_relative,
            effect=res.cut_effect[bound],
            group=res.cut_group,
            group_base=res.group_base,
            group_sector=res.group_sector,
        )
        for bound in BOUNDS
    }
    return ScenarioResult(
        baseline=baseline,
        catalogue=cat,
        resolved=res,
        cuts=cuts,
        base_values=base,
        left_out_confidential=left,
        inputs=inputs,
        excluded={k: list(v) for k, v in (exclude or {}).items()},
        off=tuple(off),
    )


# --- loading and running ---------------------------------------------------------------------------------


def load_baseline(
    kommun: str | int | Sequence[str | int] | None = None, *, release: str = "latest", current_year: int
) -> Baseline:
    """:func:`sector_baseline` of one release (``latest``: the newest of all greenhouse gases) for
    the kommuner asked for (default all 290)."""
    from .. import data

    rel = data.resolve_release(release)
    if rel not in data.releases_with_sectors():
        raise ParameterError(
            f"release {rel} has no sectors; the scenario needs one of {', '.join(data.releases_with_sectors())}"
        )
    codes = data.kommun_codes(kommun)
    sec = data.load_emissions(codes, release=rel, level="sector")
    tot = data.load_emissions(codes, release=rel, level="total")
    return sector_baseline(sec, tot, current_year=current_year)


def build(
    kommun: str | int | Sequence[str | int] | None,
    *,
    portfolio: str | Sequence[str] = msr.AUTO,
    catalogue: pd.DataFrame | None = None,
    release: str = "latest",
    current_year: int,
    off: Iterable[str] = (),
    exclude: Mapping[str, Sequence[str]] | None = None,
    include_confidential: Iterable[str] = (),
    baseline: Baseline | None = None,
) -> ScenarioResult:
    """Load the data and run the scenario for one kommun (name or code), several, or all (``None``)
    with a portfolio spec (:func:`borlange_analysis.analysis.measures.load_portfolio`) or a loaded
    ``catalogue``. ``off``: measure ids switched off (unknown ids refused); ``exclude``: kommun ->
    EU ETS installations taken out (point sources accounted nationally); ``include_confidential``:
    owners whose confidential measures are kept (a partner's own report)."""
    from .. import data

    codes = data.kommun_codes(kommun)
    one = codes[0] if codes is not None and len(codes) == 1 else None
    cat = catalogue if catalogue is not None else msr.load_portfolio(portfolio, kommun=one)
    off = msr.check_ids(cat, off)
    excl = {data.kommun_code(k): list(v) for k, v in (exclude or {}).items()}
    base = baseline if baseline is not None else load_baseline(codes, release=release, current_year=current_year)
    inputs = load_inputs(cat, release=data.resolve_release(release), exclude=excl)
    return run(
        cat,
        base,
        inputs,
        off=off,
        exclude=excl,
        include_confidential=include_confidential,
        confidential=msr.confidential_owners(),
    )
