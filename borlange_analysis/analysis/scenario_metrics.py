"""Metrics of a scenario against the goals: the Carbon Law, the climate-neutrality balance, the
carbon budget (on CO2), the national targets, the measures ranked, and a partner's plant pathway.

Pure functions of a :class:`borlange_analysis.analysis.scenario.ScenarioResult` (and the few rows
they compare with: budget status rows, target rows, existing-sink estimates); they return numbers
and codes, never sentences. ``docs/methods.md``, "Measures and scenarios", states every rule.

- **Carbon Law** (:func:`carbon_law`): on the total (t CO2e, as the overview): the Carbon Law path
  from the baseline's analysis-year value (the nowcast), ``E0 * (1 - 0.1172) ** (t - t0)``; the
  scenario is on track when its emissions from the analysis year to 2050 add up to no more than the
  path's.
- **Balance** (:func:`balance`): Sweden's climate framework rule of Methods II,
  :func:`borlange_analysis.analysis.sinks.neutrality_balance`: gap = residual emissions minus
  additional sinks minus technical removals; the existing sink is shown apart, never subtracted.
- **Budget** (:func:`budget_metrics`): a carbon budget is CO2, so the scenario is applied to the CO2
  series the budget uses (the budget's own trend from its status row): each year the CO2 series
  falls by the share of the baseline's CO2 that the measures cut, with each sector's t CO2e
  converted by its CO2 share (``reference/sector_co2_shares.csv``, :func:`co2_cut_share`): never a
  CO2e total against a CO2 budget. Per allocation principle and with point sources in or out: cumulative CO2
  from the analysis year to 2050, the year the budget runs out, and the extra yearly cut still
  required (:func:`extra_cut`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .. import reference
from ..errors import ParameterError
from ..names import ets_sectors
from . import measures as msr
from .scenario import COUNTED, ScenarioResult, run
from .trends import CARBON_LAW_RATE, carbon_law_path, fractional_year_to_date

#: Status codes of a budget under a scenario (``scenario_budget_status``).
RUNS_OUT, HOLDS_TO_END, EXHAUSTED = "runs_out", "holds_to_end", "exhausted"


def _k(result: ScenarioResult, kommun_code: str) -> int:
    return result.baseline.index(kommun_code)


def _from(result: ScenarioResult) -> np.ndarray:
    """Mask of the years from the analysis year on."""
    return result.years >= result.baseline.current_year


def totals(result: ScenarioResult, kommun_code: str) -> pd.DataFrame:
    """Per year: baseline_t_co2e, scenario_t_co2e, scenario_low_effect_t_co2e,
    scenario_high_effect_t_co2e (the totals), avoided_t_co2e, additional_sinks_t_co2,
    technical_removals_t_co2, outside_t_co2e (avoided elsewhere), kind."""
    k = _k(result, kommun_code)
    r = result.resolved
    out = pd.DataFrame(
        {
            "year": result.years,
            "kind": result.baseline.year_kind()[k],
            "baseline_t_co2e": result.base_values[k].sum(axis=0),
            "scenario_t_co2e": result.cuts["central"].scenario[k].sum(axis=0),
            "scenario_low_effect_t_co2e": result.cuts["low"].scenario[k].sum(axis=0),
            "scenario_high_effect_t_co2e": result.cuts["high"].scenario[k].sum(axis=0),
            "additional_sinks_t_co2": r.sinks["central"][k].sum(axis=0),
            "technical_removals_t_co2": r.removals["central"][k].sum(axis=0),
            "outside_t_co2e": r.outside["central"][k].sum(axis=0),
        }
    )
    out["avoided_t_co2e"] = out["baseline_t_co2e"] - out["scenario_t_co2e"]
    return out


# --- the Carbon Law ------------------------------------------------------------------------------------------


def carbon_law(result: ScenarioResult, kommun_code: str, *, rate: float = CARBON_LAW_RATE) -> dict[str, Any]:
    """The Carbon Law check of the baseline and the scenario (t CO2e, analysis year .. end year):
    current_value (E0, the baseline's analysis-year value), total_baseline_t, total_scenario_t,
    total_carbon_law_t, on_track_baseline, on_track_scenario, ratio_scenario (scenario / law),
    first_year_below_law (the first year the scenario is at or below the path; None if never),
    years, path (the law's yearly values)."""
    t = totals(result, kommun_code)
    sel = _from(result)
    years = result.years[sel]
    e0 = float(t.loc[sel, "baseline_t_co2e"].iloc[0])
    law = carbon_law_path(e0, years, current_year=result.baseline.current_year, rate=rate)[0]
    base = t.loc[sel, "baseline_t_co2e"].to_numpy()
    scen = t.loc[sel, "scenario_t_co2e"].to_numpy()
    below = np.flatnonzero(scen <= law + 1e-9)
    return {
        "current_value": e0,
        "total_baseline_t": float(base.sum()),
        "total_scenario_t": float(scen.sum()),
        "total_carbon_law_t": float(law.sum()),
        "on_track_baseline": bool(base.sum() <= law.sum()),
        "on_track_scenario": bool(scen.sum() <= law.sum()),
        "ratio_scenario": float(scen.sum() / law.sum()) if law.sum() > 0 else np.inf,
        "first_year_below_law": int(years[below[0]]) if len(below) else None,
        "years": years,
        "path": law,
        "rate": rate,
    }


# --- the climate-neutrality balance ------------------------------------------------------------------------


def measures_long(result: ScenarioResult, kommun_code: str) -> pd.DataFrame:
    """The scenario's effects in the kommun as the long table of the sinks module (year, kind,
    sector, t_co2e, id): each cut measure's avoided emissions as an ``emission_cut`` of its sector
    (already capped by the engine), sinks as ``additional_sink``, removals as ``technical_removal``."""
    from . import sinks

    eff = result.effects()
    eff = eff[(eff["kommun_code"] == kommun_code) & (eff["location"] == msr.INSIDE)]
    kind = np.where(
        eff["kind"] == msr.ADDITIONAL_SINK,
        sinks.ADDITIONAL_SINK,
        np.where(eff["kind"] == msr.TECHNICAL_REMOVAL, sinks.TECHNICAL_REMOVAL, sinks.EMISSION_CUT),
    )
    return pd.DataFrame(
        {
            "year": eff["year"].to_numpy(),
            "kind": kind,
            "sector": np.where(kind == sinks.EMISSION_CUT, eff["sector"].to_numpy(), ""),
            "t_co2e": eff["t"].to_numpy(),
            "id": eff["id"].to_numpy(),
        }
    )


def balance(
    result: ScenarioResult,
    kommun_code: str,
    *,
    base_value: float,
    existing_sinks: Mapping[str, tuple[float, float, float]] | None = None,
    reduction: float = 0.80,
    target_year: int = 2030,
) -> pd.DataFrame:
    """The neutrality balance of the scenario per year (from the analysis year):
    :func:`borlange_analysis.analysis.sinks.neutrality_balance` on the baseline's sectors with the
    scenario's effects, plus ``outside_t_co2e`` (avoided elsewhere, beside the balance)."""
    from .sinks import neutrality_balance

    k = _k(result, kommun_code)
    sel = _from(result)
    years = result.years[sel]
    S = len(result.baseline.sectors)
    path = pd.DataFrame(
        {
            "year": np.tile(years, S),
            "sector": np.repeat(result.baseline.sectors, len(years)),
            "t_co2e": result.base_values[k][:, sel].reshape(-1),
        }
    )
    m = measures_long(result, kommun_code)
    bal = neutrality_balance(
        path,
        base_value=base_value,
        existing_sinks=existing_sinks,
        measures=m[m["year"].isin(years)],
        reduction=reduction,
        target_year=target_year,
    )
    t = totals(result, kommun_code).set_index("year")
    bal["outside_t_co2e"] = bal["year"].map(t["outside_t_co2e"])
    return bal


def waterfall(result: ScenarioResult, kommun_code: str, *, year: int, balance_row: Mapping[str, Any]) -> pd.DataFrame:
    """The items of the waterfall in ``year``: item (``baseline``, ``measure``, ``residual``,
    ``additional_sinks``, ``technical_removals``, ``gap``, beside them ``outside`` per measure and
    ``existing_<method>``), id (the measure's), t_co2e (the bar: positive for levels, negative for
    cuts, sinks and removals), bottom/top (where the bar sits), group (``balance``, ``outside``,
    ``existing``). The bars of the balance add up: baseline - cuts = residual; residual - sinks -
    removals = net, gap = max(0, net)."""
    eff = result.effects()
    eff = eff[(eff["kommun_code"] == kommun_code) & (eff["year"] == year)]
    cuts = eff[eff["kind"].isin(msr.CUT_KINDS) & (eff["location"] == msr.INSIDE) & (eff["t"] > 0)]
    cuts = cuts.sort_values("t", ascending=False, kind="stable")
    rows: list[dict[str, Any]] = []
    level = float(balance_row["baseline_t_co2e"])
    rows.append({"item": "baseline", "id": "", "t_co2e": level, "bottom": 0.0, "top": level, "group": "balance"})
    for r in cuts.itertuples(index=False):
        rows.append(
            {"item": "measure", "id": r.id, "t_co2e": -r.t, "bottom": level - r.t, "top": level, "group": "balance"}
        )
        level -= r.t
    residual = float(balance_row["residual_emissions_t_co2e"])
    rows.append({"item": "residual", "id": "", "t_co2e": residual, "bottom": 0.0, "top": residual, "group": "balance"})
    level = residual
    for item in ("additional_sinks", "technical_removals"):
        v = float(balance_row[f"{item}_t_co2e"])
        rows.append({"item": item, "id": "", "t_co2e": -v, "bottom": level - v, "top": level, "group": "balance"})
        level -= v
    gap = float(balance_row["neutrality_gap_t_co2e"])
    rows.append({"item": "gap", "id": "", "t_co2e": gap, "bottom": 0.0, "top": gap, "group": "balance"})
    for r in eff[eff["location"] == msr.OUTSIDE].itertuples(index=False):
        rows.append(
            {
                "item": "outside",
                "id": r.id,
                "t_co2e": r.t,
                "bottom": min(0.0, r.t),
                "top": max(0.0, r.t),
                "group": "outside",
            }
        )
    for col, v in balance_row.items():
        name = str(col)
        if (
            name.startswith("existing_sink_")
            and name.endswith("_t_co2")
            and "_low_" not in name
            and "_high_" not in name
        ):
            method = name[len("existing_sink_") : -len("_t_co2")]
            rows.append(
                {
                    "item": f"existing_{method}",
                    "id": "",
                    "t_co2e": float(v),
                    "bottom": min(0.0, float(v)),
                    "top": max(0.0, float(v)),
                    "group": "existing",
                }
            )
    return pd.DataFrame(rows)


# --- the carbon budget, on CO2 -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def co2_shares() -> pd.DataFrame:
    """The CO2 share of each main sector's CO2e (``reference/sector_co2_shares.csv``: co2_share,
    low, high, basis ``computed`` or ``assumption``, source), indexed by the Swedish sector name."""
    tab = reference.table("sector_co2_shares.csv").set_index("sector")
    bad = tab[
        (tab["co2_share"] < 0)
        | (tab["co2_share"] > 1)
        | (tab["low"] > tab["co2_share"])
        | (tab["co2_share"] > tab["high"])
    ]
    if len(bad):
        raise ParameterError(
            f"reference/sector_co2_shares.csv: shares must be 0-1 with low <= share <= high: {list(bad.index)}"
        )
    return tab


def co2_cut_share(result: ScenarioResult, kommun_code: str, *, bound: str = "central") -> np.ndarray:
    """Per year, the share of the baseline's CO2 that the scenario cuts: each sector's cut and
    baseline (t CO2e) times the sector's CO2 share, ``sum_s c_s cut_s / sum_s c_s base_s`` (0 where
    the baseline has no CO2)."""
    k = _k(result, kommun_code)
    shares = co2_shares()["co2_share"].reindex(list(result.baseline.sectors))
    if shares.isna().any():
        raise ParameterError(f"no CO2 share for sectors {list(shares[shares.isna()].index)}")
    c = shares.to_numpy()[:, None]
    base = result.base_values[k]
    cut = base - result.cuts[bound].scenario[k]
    num, den = (cut * c).sum(axis=0), (base * c).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, np.clip(num / np.where(den > 0, den, 1.0), 0.0, 1.0), 0.0)


def crossing(values: np.ndarray, years: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Fractional year where the cumulative sum of yearly values (each accruing evenly over its
    year, rows of ``values``) reaches ``budget``; NaN when it does not within ``years``."""
    vals = np.atleast_2d(np.nan_to_num(values))
    budget = np.atleast_1d(np.asarray(budget, dtype=float))
    cum = np.cumsum(vals, axis=1)
    hit = cum >= budget[:, None]
    idx = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
    rows = np.arange(len(budget))
    safe = np.maximum(idx, 0)
    before = cum[rows, safe] - vals[rows, safe]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(vals[rows, safe] > 0, (budget - before) / vals[rows, safe], 0.0)
    return np.where(idx >= 0, years[safe] + np.clip(frac, 0.0, 1.0), np.nan)


def extra_cut(values: np.ndarray, budget: np.ndarray, *, iterations: int = 80) -> np.ndarray:
    """The extra yearly cut ``r`` (a share) on top of a pathway that keeps its emissions within
    ``budget``: every yearly value ``S(t)`` (rows of ``values``, from the analysis year t0 to the end
    year) becomes ``S(t) * (1 - r) ** (t - t0 + 1)``, and after the end year the last value goes on
    falling by ``r`` a year, so the total is ``sum S(t) (1-r)^(t-t0+1) + S(end) (1-r)^(n+1) / r``
    (``n`` years drawn). 0 when the pathway already ends at 0 within the budget; NaN when no budget
    is left. Solved by bisection (the total falls as ``r`` grows)."""
    vals = np.atleast_2d(np.maximum(np.asarray(values, dtype=float), 0.0))
    b = np.atleast_1d(np.asarray(budget, dtype=float))
    n = vals.shape[1]
    power = np.arange(1, n + 1)[None, :]
    last = vals[:, -1]

    def total(r: np.ndarray) -> np.ndarray:
        q = (1 - r)[:, None] ** power
        with np.errstate(divide="ignore", invalid="ignore"):
            tail = np.where(last > 0, last * (1 - r) ** (n + 1) / np.where(r > 0, r, 1.0), 0.0)
        tail = np.where((r <= 0) & (last > 0), np.inf, tail)
        return (vals * q).sum(axis=1) + tail

    zero_ok = (last <= 0) & (vals.sum(axis=1) <= b)
    lo, hi = np.zeros(len(b)), np.ones(len(b))
    for _ in range(iterations):
        mid = (lo + hi) / 2
        over = total(mid) > b
        lo = np.where(over, mid, lo)
        hi = np.where(over, hi, mid)
    return np.where(b <= 0, np.nan, np.where(zero_ok, 0.0, hi))


def budget_metrics(status: pd.DataFrame, scenarios: Mapping[str, ScenarioResult], kommun_code: str) -> pd.DataFrame:
    """The budget under the scenario, one row per budget status row (``status``: rows of
    :func:`borlange_analysis.analysis.budget.budget_status` for the kommun, with a ``scope`` column,
    ``all`` or ``excluding``, naming the scenario of ``scenarios`` computed with the same point sources
    left out). Added columns (t CO2): co2_baseline_total_t and co2_scenario_total_t (analysis year
    to the end year), co2_cut_t (their difference), share_used_baseline / share_used_scenario (of the
    remaining budget), scenario_budget_status (``runs_out``, ``holds_to_end``, ``exhausted``),
    scenario_runs_out_year / scenario_runs_out (ISO date or empty), extra_cut_baseline /
    extra_cut_scenario (shares a year, :func:`extra_cut`), co2_2030_scenario_t."""
    rows = []
    for _, st in status.iterrows():
        res = scenarios[str(st["scope"])]
        sel = _from(res)
        years = res.years[sel]
        t0 = int(res.baseline.current_year)
        if int(st["current_year"]) != t0:
            raise ParameterError(f"budget status for {st['current_year']} but the scenario's analysis year is {t0}")
        base = np.maximum(float(st["current_value"]) + float(st["slope"]) * (years - t0), 0.0)
        scen = base * (1.0 - co2_cut_share(res, kommun_code)[sel])
        remaining = float(st["remaining_budget_t"])
        runs = crossing(scen, years, np.array([remaining]))[0] if remaining > 0 else np.nan
        state = EXHAUSTED if remaining <= 0 else (RUNS_OUT if np.isfinite(runs) else HOLDS_TO_END)
        extra = extra_cut(np.vstack([base, scen]), np.array([remaining, remaining]))
        at2030 = scen[years == 2030]
        rows.append(
            {
                **st.to_dict(),
                "co2_baseline_total_t": float(base.sum()),
                "co2_scenario_total_t": float(scen.sum()),
                "co2_cut_t": float(base.sum() - scen.sum()),
                "share_used_baseline": float(base.sum() / remaining) if remaining > 0 else np.nan,
                "share_used_scenario": float(scen.sum() / remaining) if remaining > 0 else np.nan,
                "scenario_budget_status": state,
                "scenario_runs_out_year": runs,
                "scenario_runs_out": (fractional_year_to_date(runs) or "") if np.isfinite(runs) else "",
                "extra_cut_baseline": float(extra[0]),
                "extra_cut_scenario": float(extra[1]),
                "co2_2030_scenario_t": float(at2030[0]) if len(at2030) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def co2_pathways(status_row: Mapping[str, Any], result: ScenarioResult, kommun_code: str) -> pd.DataFrame:
    """year, co2_baseline_t, co2_scenario_t (t CO2, analysis year .. end year) for the chart."""
    sel = _from(result)
    years = result.years[sel]
    t0 = int(result.baseline.current_year)
    base = np.maximum(float(status_row["current_value"]) + float(status_row["slope"]) * (years - t0), 0.0)
    scen = base * (1.0 - co2_cut_share(result, kommun_code)[sel])
    return pd.DataFrame({"year": years, "co2_baseline_t": base, "co2_scenario_t": scen})


# --- the national targets -------------------------------------------------------------------------------


def target_metrics(result: ScenarioResult, kommun_code: str, progress: pd.DataFrame) -> pd.DataFrame:
    """The targets of ``reference/targets.csv`` under the scenario: ``progress`` is
    :func:`borlange_analysis.analysis.targets.target_progress` for the kommun (the trend of each
    target's scope). Added columns (t CO2e): cut_in_target_year (the scenario's cuts in the scope's
    sectors; for ``non_ets`` the sectors outside ``names.ets_sectors()``), scenario_in_target_year
    (max(0, trend - cut)), gap_scenario_t (scenario - target level), on_track_scenario, and for
    targets whose rest is covered by sinks and removals, sinks_and_removals_t (the scenario's in the
    target year) and net_in_target_year."""
    k = _k(result, kommun_code)
    years = list(result.years)
    cut = result.base_values[k] - result.cuts["central"].scenario[k]
    names = list(result.baseline.sectors)
    rm = result.resolved.removals["central"][k].sum(axis=0) + result.resolved.sinks["central"][k].sum(axis=0)
    from .targets import targets

    out = progress[progress["kommun_code"] == kommun_code].copy()
    sectors_of = dict(zip(targets()["target_id"], targets()["sectors"], strict=True))
    cuts: list[float] = []
    sr: list[float] = []
    for t in out.itertuples(index=False):
        y = int(t.target_year)
        if y not in years:
            cuts.append(np.nan)
            sr.append(np.nan)
            continue
        j = years.index(y)
        if t.scope == "total":
            mask = [True] * len(names)
        elif t.scope == "non_ets":
            mask = [s not in ets_sectors() for s in names]
        else:
            wanted = {x for x in str(sectors_of.get(t.target_id, "")).split(";") if x}
            mask = [s in wanted for s in names]
        cuts.append(float(cut[np.array(mask), j].sum()))
        sr.append(float(rm[j]))
    out["cut_in_target_year"] = cuts
    out["scenario_in_target_year"] = np.maximum(out["trend_in_target_year"] - out["cut_in_target_year"], 0.0)
    out["gap_scenario_t"] = out["scenario_in_target_year"] - out["target_value"]
    out["on_track_scenario"] = out["gap_scenario_t"] <= 0
    out["sinks_and_removals_t"] = np.where(out["residual_by_sinks"], sr, np.nan)
    out["net_in_target_year"] = np.where(
        out["residual_by_sinks"], np.maximum(out["scenario_in_target_year"] - np.asarray(sr), 0.0), np.nan
    )
    return out.reset_index(drop=True)


# --- the measures ranked ---------------------------------------------------------------------------------


def ranking(result: ScenarioResult, kommun_code: str, *, year: int) -> pd.DataFrame:
    """Every measure of the kommun with its status and effects: effect_year_t (avoided t CO2e, or t
    CO2 of a sink or removal, in ``year``), effect_year_low_t / _high_t, total_t (analysis year to
    the end year), rank_year and rank_total (1 = largest, among the counted measures inside the
    border; outside the border and uncounted measures have no rank)."""
    cat = result.status(kommun_code)
    eff = result.effects()
    eff = eff[eff["kommun_code"] == kommun_code]
    at = eff[eff["year"] == year].set_index("id")
    tot = eff[eff["year"] >= result.baseline.current_year].groupby("id")["t"].sum()
    out = cat.copy()
    out["effect_year_t"] = out["id"].map(at["t"]) if len(at) else np.nan
    out["effect_year_low_t"] = out["id"].map(at["t_low"]) if len(at) else np.nan
    out["effect_year_high_t"] = out["id"].map(at["t_high"]) if len(at) else np.nan
    out["total_t"] = out["id"].map(tot) if len(tot) else np.nan
    ranked = (out["status"] == COUNTED) & (out["location"] == msr.INSIDE)
    out["rank_year"] = out["effect_year_t"].where(ranked).rank(ascending=False, method="min")
    out["rank_total"] = out["total_t"].where(ranked).rank(ascending=False, method="min")
    out["year"] = year
    return out.sort_values(["rank_year", "id"], na_position="last", kind="stable").reset_index(drop=True)


# --- a partner's plants ------------------------------------------------------------------------------------


def partner_pathway(result: ScenarioResult, partner_id: str, kommun_code: str) -> pd.DataFrame:
    """The plant pathway of a partner under its own measures: for each EU ETS installation the
    partner's measures act on, per year: facility, year, baseline_t_co2e (verified, then estimated:
    ``basis``), scenario_t_co2e (the baseline minus the cut of the partner's own measures on the
    plant, from the scenario's first projected year), basis, share, share_year. Empty when the
    partner has no plant measures counted in the kommun."""
    cat = result.catalogue
    own = cat[(cat["owner"] == partner_id) & (cat["facility"] != "")]
    st = result.resolved.status
    ok = set(st[(st["kommun_code"] == kommun_code) & (st["status"] == COUNTED)]["id"])
    own = own[own["id"].isin(ok)]
    cols = ["facility", "year", "baseline_t_co2e", "scenario_t_co2e", "basis", "share", "share_year"]
    if own.empty:
        return pd.DataFrame(columns=cols)
    sub = run(
        own,
        result.baseline,
        result.inputs,
        off=[i for i in result.off if i in set(own["id"])],
        include_confidential=[partner_id],
        confidential=[],
    )
    k = _k(sub, kommun_code)
    fac = sub.resolved.facilities
    parts = []
    for g, plant in enumerate(sub.resolved.groups):
        f = fac[(fac["facility"] == plant) & (fac["kommun_code"] == kommun_code)].sort_values("year")
        if f.empty:
            continue
        cut = pd.Series(sub.cuts["central"].group_cut[k, g], index=sub.years)
        out = f.rename(columns={"t_co2e": "baseline_t_co2e"})
        out["scenario_t_co2e"] = out["baseline_t_co2e"] - out["year"].map(cut).fillna(0.0)
        parts.append(out[cols])
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def left_out_count(results: Sequence[ScenarioResult], kommun_code: str) -> int:
    """Measures of confidential partners left out of the kommun's public outputs."""
    return max((r.left_out(kommun_code) for r in results), default=0)


# --- scenario columns for the indicators table ---------------------------------------------------------------

#: The columns :func:`scenario_indicators` adds (``docs/data-dictionary.md``).
INDICATOR_COLUMNS = (
    "scenario_portfolio",
    "scenario_measures_counted",
    "scenario_measures_left_out_confidential",
    "scenario_year",
    "scenario_baseline_year_t_co2e",
    "scenario_year_t_co2e",
    "scenario_avoided_year_t_co2e",
    "scenario_additional_sinks_year_t_co2",
    "scenario_technical_removals_year_t_co2",
    "scenario_neutrality_gap_year_t_co2e",
    "scenario_outside_year_t_co2e",
    "scenario_total_t_co2e",
    "scenario_total_carbon_law_t_co2e",
    "scenario_on_track",
)


def indicator_frame(
    result: ScenarioResult, *, year: int, portfolio: str, rate: float = CARBON_LAW_RATE
) -> pd.DataFrame:
    """The scenario's indicators of every kommun of ``result``, vectorised: one row per kommun and
    sector plus the total (``sector`` ``Alla``), with :data:`INDICATOR_COLUMNS` (sector rows hold
    the baseline, scenario and avoided emissions in ``year``; the other columns are on the total rows).
    The neutrality gap is the balance's rule (residual minus additional sinks minus technical
    removals, at least 0; the existing sink is not subtracted); the Carbon Law total is the path from
    each kommun's baseline in the analysis year, summed to the end year."""
    b = result.baseline
    years = list(result.years)
    if year not in years:
        raise ParameterError(f"year {year} is outside the scenario's years {years[0]}-{years[-1]}")
    j = years.index(year)
    K, S, _ = result.base_values.shape
    base = result.base_values[:, :, j]
    scen = result.cuts["central"].scenario[:, :, j]
    sinks_y = result.resolved.sinks["central"][:, :, j].sum(axis=1)
    rem_y = result.resolved.removals["central"][:, :, j].sum(axis=1)
    out_y = result.resolved.outside["central"][:, :, j].sum(axis=1)
    sel = _from(result)
    e0 = result.base_values[:, :, sel][:, :, 0].sum(axis=1)
    n = np.arange(int(sel.sum()))
    law = e0 * ((1 - rate) ** n).sum()
    total = result.cuts["central"].scenario[:, :, sel].sum(axis=(1, 2))
    st = result.resolved.status
    counted = st[st["status"] == COUNTED].groupby("kommun_code")["id"].nunique()
    codes = b.kommuner["kommun_code"].to_numpy()
    sector_rows = pd.DataFrame(
        {
            "kommun_code": np.repeat(codes, S),
            "sector": np.tile(b.sectors, K),
            "scenario_baseline_year_t_co2e": base.reshape(-1),
            "scenario_year_t_co2e": scen.reshape(-1),
        }
    )
    tot_scen = scen.sum(axis=1)
    total_rows = pd.DataFrame(
        {
            "kommun_code": codes,
            "sector": "Alla",
            "scenario_baseline_year_t_co2e": base.sum(axis=1),
            "scenario_year_t_co2e": tot_scen,
            "scenario_additional_sinks_year_t_co2": sinks_y,
            "scenario_technical_removals_year_t_co2": rem_y,
            "scenario_neutrality_gap_year_t_co2e": np.maximum(tot_scen - sinks_y - rem_y, 0.0),
            "scenario_outside_year_t_co2e": out_y,
            "scenario_total_t_co2e": total,
            "scenario_total_carbon_law_t_co2e": law,
            "scenario_on_track": total <= law,
            "scenario_measures_counted": [int(counted.get(c, 0)) for c in codes],
            "scenario_measures_left_out_confidential": [result.left_out(c) for c in codes],
        }
    )
    out = pd.concat([sector_rows, total_rows], ignore_index=True)
    out["scenario_avoided_year_t_co2e"] = out["scenario_baseline_year_t_co2e"] - out["scenario_year_t_co2e"]
    out["scenario_year"] = year
    out["scenario_portfolio"] = portfolio
    return out[["kommun_code", "sector", *INDICATOR_COLUMNS]]
