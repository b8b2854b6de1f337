"""The tables and series that the sector, partner, budget, sinks and peers notebooks show.

Each function takes a checked :class:`~borlange_analysis.report.Context` and returns a tidy table
(units in column names) so the notebooks stay one call per cell.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import data, reference
from .. import partners as prt
from ..analysis import budget as bud
from ..analysis import sinks as snk
from ..analysis.trends import pathway_years, pathways
from ..errors import UnknownValueError
from ..names import SECTOR_TOTAL
from .report import Context, all_indicators, sector_emissions, total_emissions
from .statements import sector_label

# --- sector -------------------------------------------------------------------------------------


def sector_series(ctx: Context) -> pd.DataFrame:
    return data.load_emissions(ctx.kommun_code, release=ctx.release, level="sector", sector=ctx.sector)


def sector_share(ctx: Context) -> pd.DataFrame:
    """The sector's share of the kommun's total per year (%)."""
    s = sector_series(ctx).set_index("year")["t_co2e"]
    t = total_emissions(ctx).set_index("year")["t_co2e"]
    return pd.DataFrame(
        {
            "year": s.index,
            "sector_t_co2e": s.to_numpy(),
            "total_t_co2e": t.reindex(s.index).to_numpy(),
            "share_pct": (100 * s / t.reindex(s.index)).to_numpy(),
        }
    )


def subsectors(ctx: Context) -> tuple[str | None, pd.DataFrame]:
    """Sub-sector emissions of the sector in the chosen release, or the newest release that has
    them (then a note says so). Returns (note key or None, table year x sub-sector)."""
    with_sub = data.releases_with_subsectors()
    rel = ctx.release if ctx.release in with_sub else (with_sub[-1] if with_sub else None)
    if rel is None:
        return "none", pd.DataFrame()
    sub = data.load_emissions(ctx.kommun_code, release=rel, level="subsector", sector=ctx.sector)
    note = None if rel == ctx.release else rel
    if sub.empty:
        return note, pd.DataFrame()
    wide = sub.pivot_table(index="subsector", columns="year", values="t_co2e").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    return note, wide


def sector_pathway(ctx: Context) -> pd.DataFrame:
    return pathway_years(sector_series(ctx), current_year=ctx.current_year)


@lru_cache(maxsize=1)
def peer_names() -> list[str]:
    return reference.table("peers.csv")["kommun"].tolist()


def peer_codes(ctx: Context) -> pd.DataFrame:
    """The 23 Klimatneutrala städer 2030 cities and the kommuner of the chosen kommun's län."""
    k = data.load_kommuner()
    knc = {data.kommun_code(n) for n in peer_names()}
    k["group"] = np.where(k["kommun_code"].isin(knc), "Klimatneutrala städer 2030", "")
    k.loc[k["lan_code"] == ctx.lan_code, "group"] = np.where(
        k.loc[k["lan_code"] == ctx.lan_code, "group"] == "",
        ctx.lan,
        k.loc[k["lan_code"] == ctx.lan_code, "group"] + " + " + ctx.lan,
    )
    return k[k["group"] != ""].reset_index(drop=True)


def peer_table(ctx: Context, sector: str = SECTOR_TOTAL) -> pd.DataFrame:
    """Per capita emissions (last year), trend slope in % of the last value, change since 1990, for
    the peers of :func:`peer_codes`."""
    ind = all_indicators(ctx)
    ind = ind[ind["sector"] == sector]
    peers = peer_codes(ctx)
    t = ind.merge(peers[["kommun_code", "group"]], on="kommun_code")
    pop = ind[ind["sector"] == SECTOR_TOTAL][["kommun_code", "population"]] if sector != SECTOR_TOTAL else None
    if pop is not None:
        t = t.drop(columns="population").merge(pop, on="kommun_code")
    out = pd.DataFrame(
        {
            "kommun": t["kommun"],
            "group": t["group"],
            "last_year": t["last_year"],
            "t_co2e": t["last_value"],
            "t_co2e_per_capita": t["last_value"] / t["population"],
            "trend_pct_per_yr": 100 * t["trend_slope"] / t["last_value"].where(t["last_value"] != 0),
            "change_since_1990_pct": t["change_since_1990_pct"],
            "on_track": t["on_track"],
        }
    )
    return out.sort_values("t_co2e_per_capita", ascending=False).reset_index(drop=True)


def point_sources(ctx: Context) -> pd.DataFrame:
    """EU ETS installations in the kommun with their latest verified emissions; the SMHI sector is
    taken from the partner registry where known (EUTL does not give it)."""
    inst = data.load_ets_installations(ctx.kommun_code)
    em = data.load_ets_emissions()
    last = em.sort_values("year").groupby("installation_id").tail(1)
    t = inst.merge(last[["installation_id", "year", "verified_t_co2e"]], on="installation_id", how="left")
    sector_of = {}
    for p in prt.partners():
        for i in p["ets_installations"]:
            sector_of[i] = p["sectors"][0] if p["sectors"] else ""
    t["sector"] = t["installation_id"].map(sector_of).fillna("")
    out = t[["installation_id", "name", "sector", "year", "verified_t_co2e", "match"]]
    if ctx.sector:
        from ..names import sectors

        ets_relevant = sectors().set_index("sector").loc[ctx.sector, "ets_relevant"] == "true"
        # installations whose sector is unknown are listed only under the sectors EU ETS covers
        out = out[(out["sector"] == ctx.sector) | ((out["sector"] == "") & ets_relevant)]
        out = out.assign(sector=out["sector"].replace("", "okänd / unknown (EUTL gives none)"))
    return out.sort_values("verified_t_co2e", ascending=False).reset_index(drop=True)


def sector_levers(ctx: Context) -> pd.DataFrame:
    lev = reference.table("sector_levers.csv")
    col = "text_sv" if ctx.language == "sv" else "text_en"
    out = lev[lev["sector"] == ctx.sector][[col, "source"]].rename(columns={col: "lever"})
    for p in prt.partners():
        if ctx.sector in p["sectors"] and p["kommun"] == ctx.kommun_code:
            for lv in p["levers"]:
                out.loc[len(out)] = [f"{p['name']}: {lv.get(col, lv['id'])}", "partner registry"]
    return out.reset_index(drop=True)


# --- partner --------------------------------------------------------------------------------------


def partner(ctx: Context) -> dict:
    return prt.get_partner(ctx.partner)


def partner_sectors(ctx: Context) -> pd.DataFrame:
    """The partner's SMHI sectors in the kommun: last year's emissions and share of the total."""
    p = partner(ctx)
    if not p["sectors"]:
        return pd.DataFrame(columns=["sector", "year", "t_co2e", "share_of_total_pct"])
    em = sector_emissions(ctx)
    last = int(em["year"].max())
    tot = em[em["year"] == last]["t_co2e"].sum()
    cur = em[(em["year"] == last) & em["sector"].isin(p["sectors"])]
    return pd.DataFrame(
        {
            "sector": [sector_label(s, ctx.language) for s in cur["sector"]],
            "year": last,
            "t_co2e": cur["t_co2e"].to_numpy(),
            "share_of_total_pct": 100 * cur["t_co2e"].to_numpy() / tot,
        }
    )


def partner_activity(ctx: Context, use_example: bool = False):
    """(activity, factors, illustrative) from data/partners/<id>/, or the shipped example when
    ``use_example`` (then illustrative is True). (None, None, False) when there is nothing."""
    act, fac = prt.partner_activity(ctx.partner)
    if act is not None:
        return act, fac, prt.is_illustrative(act)
    if use_example:
        act, fac = prt.example_activity()
        return act.assign(partner_id=ctx.partner), fac, True
    return None, None, False


# --- budget ---------------------------------------------------------------------------------------


def excluded_installations(ctx: Context, spec: str = "auto") -> list[str]:
    """Which point sources to exclude: 'auto' (the EU ETS installations of the kommun's partners in
    'Industri (energi + processer)', else the kommun's adopted budget's list, else the largest EU ETS
    installation in the kommun), 'none', or comma-separated installation ids."""
    if spec in ("", "none"):
        return []
    inst = data.load_ets_installations(ctx.kommun_code)
    if spec != "auto":
        ids = [s.strip() for s in spec.split(",") if s.strip()]
        for i in ids:
            if i not in set(inst["installation_id"]):
                raise UnknownValueError(f"EU ETS installation in {ctx.kommun}", i, sorted(inst["installation_id"]))
        return ids
    adopted = adopted_budget(ctx)
    if adopted is not None and adopted["excluded_installations"]:
        return list(adopted["excluded_installations"])
    ids = [
        i
        for p in prt.partners()
        if p["kommun"] == ctx.kommun_code and "Industri (energi + processer)" in p["sectors"]
        for i in p["ets_installations"]
    ]
    if ids:
        return ids
    if inst.empty:
        return []
    em = data.load_ets_emissions(inst["installation_id"])
    return [em.sort_values(["year", "verified_t_co2e"]).iloc[-1]["installation_id"]] if len(em) else []


def budget_title(ctx: Context, exclude: str = "auto") -> str:
    """Chart title naming the excluded point sources, e.g. 'Koldioxidbudget utan SSAB Tunnplåt i Borlänge'."""
    from .report import text

    ids = excluded_installations(ctx, exclude)
    if not ids:
        return f"{text('h.budget', ctx.language)}: {ctx.kommun}"
    inst = data.load_ets_installations().set_index("installation_id")
    names = ", ".join(f"{inst.loc[i, 'name']} ({i})" for i in ids)
    return f"{text('h.budget', ctx.language)}: {ctx.kommun} {'utan' if ctx.language == 'sv' else 'without'} {names}"


def adopted_budget(ctx: Context) -> dict | None:
    return bud.adopted_budget(ctx.kommun_code)


def _co2_excluding(ctx: Context, ids: list[str]) -> pd.DataFrame:
    """The kommun's CO2 totals (newest CO2 release) without the excluded point sources (years
    without verified data estimated from the nearest verified year and marked)."""
    own = data.load_emissions(ctx.kommun_code, release=bud.co2_release(), level="total")
    if not ids:
        return own
    return bud.exclude_point_sources(own, ids, ets_emissions=data.load_ets_emissions())


def budget_regimes(
    ctx: Context, *, preset: str = "cemus_1.7C", exclude: str = "auto", weight: float = 0.5
) -> pd.DataFrame:
    """Budget status under each regime (grandfathering, per capita, blend), with and without the
    excluded point sources. t CO2 budget vs t CO2 emissions (the newest CO2 release)."""
    ids = excluded_installations(ctx, exclude)
    rows = []
    for label, excl in (
        ("all emissions", None),
        (f"excluding {', '.join(ids)}" if ids else "excluding nothing", {ctx.kommun_code: ids} if ids else None),
    ):
        for regime in bud.REGIMES:
            r = bud.budget_status(
                ctx.kommun_code,
                preset_name=preset,
                regime=regime,
                weight=weight,
                exclude=excl,
                current_year=ctx.current_year,
            ).iloc[0]
            rows.append(
                {
                    "scope": label,
                    "regime": r["regime"],
                    "budget_t": r["budget_t"],
                    "spent_t": r["spent_t"],
                    "remaining_t": r["remaining_budget_t"],
                    "current_value_t": r["current_value"],
                    "required_rate_pct_per_yr": r["required_rate_pct"],
                    "status": r["budget_status"],
                    "runs_out": r["budget_runs_out"],
                }
            )
        if not ids:
            break
    return pd.DataFrame(rows)


def budget_paths(ctx: Context, *, preset: str = "cemus_1.7C", exclude: str = "auto") -> tuple[pd.DataFrame, dict]:
    """Year table (observed, trend, Carbon Law) for the CO2 emissions without the excluded point
    sources, and extra lines: the pathway that spends exactly the remaining budget and, if the
    kommun had a budget made for itself, its own pathway (on CO2)."""
    ids = excluded_installations(ctx, exclude)
    own = _co2_excluding(ctx, ids)
    r = bud.budget_status(
        ctx.kommun_code,
        preset_name=preset,
        exclude={ctx.kommun_code: ids} if ids else None,
        current_year=ctx.current_year,
    ).iloc[0]
    path = bud.budget_pathway(r["current_value"], r["remaining_budget_t"], current_year=ctx.current_year)
    from .report import text

    extra = {text("budget_path", ctx.language): (path["year"], path["t_co2"])}
    adopted = adopted_budget(ctx)
    if adopted is not None:
        ap = bud.adopted_pathway(ctx.kommun_code)
        ap = ap[ap["kind"] == "adopted_pathway"]
        extra[
            text("adopted_path", ctx.language)
            + f" ({adopted['delivered_year']}, −{100 * adopted['annual_cut']:.1f} %/år)"
        ] = (ap["year"].to_numpy(), ap["t_co2"].to_numpy())
    return pathway_years(own.drop(columns=[c for c in own.columns if c.startswith("excluded_")]), current_year=ctx.current_year), extra


# --- sinks ----------------------------------------------------------------------------------------


def sink_estimates(ctx: Context, overrides: dict | None = None) -> pd.DataFrame:
    """Both sink estimates for the kommun (t CO2/yr, positive = uptake) with low/central/high."""
    forest = snk.forest_share(data.load_land_use())
    td = snk.top_down_sink(forest, data.load_lulucf_national())
    td = td[td["kommun_code"] == ctx.kommun_code].iloc[0]
    area = float(forest.loc[forest["kommun_code"] == ctx.kommun_code, "productive_forest_ha"].iloc[0])
    gl = snk.gain_loss_sink(area, overrides=overrides).iloc[0]
    return pd.DataFrame(
        [
            {
                "method": "top-down",
                "label": "Top-down (LULUCF x skogsandel)"
                if ctx.language == "sv"
                else "Top-down (LULUCF x forest share)",
                "low": td["sink_low_t_co2"],
                "central": td["sink_t_co2"],
                "high": td["sink_high_t_co2"],
                "area_ha": area,
                "detail": f"{td['year']}: {td['national_flux_t_co2']:,.0f} t x {td['forest_share']:.5f}",
                "source": td["source"],
            },
            {
                "method": "gain-loss",
                "label": "IPCC gain-loss",
                "low": gl["sink_low_t_co2"],
                "central": gl["sink_t_co2"],
                "high": gl["sink_high_t_co2"],
                "area_ha": area,
                "detail": f"gross uptake {gl['gross_uptake_t_co2']:,.0f} t, harvest {gl['harvest_loss_t_co2']:,.0f} t",
                "source": gl["method"],
            },
        ]
    )


def scenarios(ctx: Context, spec: dict) -> pd.DataFrame:
    """Run the scenarios named in ``spec`` ({name: {param: value}}); 'ccs' with
    ``installation`` uses that EU ETS installation's latest verified emissions as fossil CO2."""
    out = []
    for name, params in spec.items():
        params = dict(params)
        if name == "ccs" and "installation" in params:
            inst = params.pop("installation")
            known = set(data.load_ets_installations(ctx.kommun_code)["installation_id"])
            if inst not in known:
                continue  # the kommun has no such plant: the scenario does not apply
            em = data.load_ets_emissions([inst]).sort_values("year")
            params["fossil_t_co2"] = float(em["verified_t_co2e"].iloc[-1])
        out.append(snk.run_scenario(name, **params)[snk.SCENARIO_COLUMNS])
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=snk.SCENARIO_COLUMNS)


def balance(
    ctx: Context,
    *,
    reduction: float = 0.8,
    target_year: int = 2030,
    scenario_table: pd.DataFrame | None = None,
    overrides: dict | None = None,
) -> pd.DataFrame:
    """The neutrality balance per year from the current year to the target year: sectors on their
    trends, both sink estimates (plus scenario removals), net emissions and the gaps."""
    em = sector_emissions(ctx)
    s = pathways(em, current_year=ctx.current_year)
    from ..analysis.trends import trend_value

    years = np.arange(ctx.current_year, target_year + 1)
    vals = trend_value(s, years)
    path = pd.DataFrame(
        {
            "year": np.tile(years, len(s)),
            "sector": np.repeat(s["sector"].to_numpy(), len(years)),
            "t_co2e": vals.reshape(-1),
        }
    )
    est = sink_estimates(ctx, overrides)
    sinks = {r.method.replace("-", "_"): (r.low, r.central, r.high) for r in est.itertuples()}
    base = total_emissions(ctx).set_index("year")["t_co2e"].get(1990, np.nan)
    return snk.neutrality_balance(
        path,
        base_value=base,
        existing_sinks=sinks,
        reduction=reduction,
        target_year=target_year,
        measures=scenario_table,
    )
