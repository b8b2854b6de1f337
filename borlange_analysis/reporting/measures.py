"""The measures page: what a portfolio of measures would change in a kommun.

A wedge chart (baseline, each measure's avoided emissions stacked between it and the scenario, the
Carbon Law; below it the carbon dioxide series against the budget pathway), a waterfall of the
neutrality balance in 2030 (effects outside the border and the existing sink beside it), the
measures with their sources and assumption labels, the budget under each allocation principle with
point sources in or out, the targets, and the partners' measures. Every number comes from
:mod:`borlange_analysis.analysis.scenario` and :mod:`~borlange_analysis.analysis.scenario_metrics`
under the page's parameters; the sentences are built from the same rows.

Also here: the short sections of the overview (:func:`overview_section`) and partner pages
(:func:`partner_section`), and :func:`sector_levers` for the sector page.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import data, i18n, partners
from ..analysis import budget, scenario_metrics, sinks
from ..analysis import measures as msr
from ..analysis import scenario as sc
from ..i18n import fmt
from ..params import Checked
from . import charts, common
from .page import Page, Prose, Sentences
from .tables import Column, Table

REGIMES = ("grandfathering", "per_capita", "blend")
#: Paul Tol's "light" scheme (colour-blind safe) for the measures' wedges; the last is "other".
WEDGE_COLOURS = ("#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33", "#AAAA00")
OTHER_COLOUR = "#DDDDDD"
NEUTRALITY_TARGET = "kommun_neutral_2030"
PAGE_LINK = "measures.html"


def code_html(text: str) -> str:
    """Escaped text whose parts in backticks (file paths) are set as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))


class CodeSentences(Sentences):
    """Statements whose file paths (in backticks in the catalogue) are shown as code."""

    def html(self) -> str:
        items = "".join(f"<li>{code_html(s)}</li>" for s in self.lines)
        return f'<ul class="statements">{items}</ul>'


class LinkedProse(Prose):
    """A paragraph (escaped) followed by a link to another page of the report set."""

    def __init__(self, name: str, text: str, *, href: str, link_text: str):
        super().__init__(name, text)
        self.href = href
        self.link_text = link_text

    def html(self) -> str:
        body = html.escape(self.text)
        link = f'<a href="{html.escape(self.href)}">{html.escape(self.link_text)}</a>'
        return f"<p>{body} {link}</p>"


# --- computing everything once ---------------------------------------------------------------------------


@dataclass
class Computed:
    """Everything the page shows for one set of parameters."""

    result: sc.ScenarioResult
    result_excluding: sc.ScenarioResult | None
    excluded: list[str]
    year: int
    totals: pd.DataFrame
    carbon_law: dict[str, Any]
    balance: pd.DataFrame
    balance_row: pd.Series
    waterfall: pd.DataFrame
    budget: pd.DataFrame
    targets: pd.DataFrame
    ranking: pd.DataFrame
    base_1990: float


def waterfall_year(current_year: int) -> int:
    """The year of the balance: the kommun's neutrality target year (2030), or the analysis year
    when that is later."""
    from ..analysis.targets import targets

    year = int(targets().set_index("target_id").loc[NEUTRALITY_TARGET, "target_year"])
    return max(year, int(current_year))


def excluded_ids(kommun_code: str, exclude: str) -> list[str]:
    """The point sources taken out of the budget: 'auto' = those of the kommun's own budget."""
    if exclude == "none":
        return []
    if exclude == "auto":
        adopted = budget.adopted_budget(kommun_code)
        return list(adopted["excluded_installations"]) if adopted else []
    return [s for s in str(exclude).split(",") if s]


def _existing_sinks(kommun_code: str) -> dict[str, tuple[float, float, float]]:
    try:
        est = sinks.sink_estimates(kommun_code)
    except Exception:  # a kommun without productive forest: no estimate to show
        return {}
    return {r.method: (float(r.low_t_co2), float(r.central_t_co2), float(r.high_t_co2)) for r in est.itertuples()}


@dataclass
class Core:
    """The scenario of one kommun and what every page that shows it needs: the result, the year of
    the balance, the totals, the balance and its waterfall, the measures ranked."""

    result: sc.ScenarioResult
    year: int
    totals: pd.DataFrame
    balance: pd.DataFrame
    balance_row: pd.Series
    waterfall: pd.DataFrame
    ranking: pd.DataFrame
    base_1990: float


@lru_cache(maxsize=16)
def _core(
    kommun_code: str, release: str, current_year: int, portfolio: str, off: tuple[str, ...], include: tuple[str, ...]
) -> Core:
    cat = msr.load_portfolio(portfolio, kommun=kommun_code)
    base = _baseline(kommun_code, release, current_year)
    result = sc.build(
        kommun_code,
        catalogue=cat,
        release=release,
        current_year=current_year,
        off=off,
        include_confidential=include,
        baseline=base,
    )
    year = waterfall_year(current_year)
    tot = data.load_emissions(kommun_code, release=release, level="total").set_index("year")["t_co2e"]
    base_1990 = float(tot.get(1990, np.nan))
    bal = scenario_metrics.balance(
        result, kommun_code, base_value=base_1990, existing_sinks=_existing_sinks(kommun_code), target_year=year
    )
    row = bal[bal["year"] == year].iloc[0]
    return Core(
        result=result,
        year=year,
        totals=scenario_metrics.totals(result, kommun_code),
        balance=bal,
        balance_row=row,
        waterfall=scenario_metrics.waterfall(result, kommun_code, year=year, balance_row=row),
        ranking=scenario_metrics.ranking(result, kommun_code, year=year),
        base_1990=base_1990,
    )


def _baseline(kommun_code: str, release: str, current_year: int) -> sc.Baseline:
    return common.scenario_baseline(kommun_code, release, current_year)


@lru_cache(maxsize=16)
def _compute(
    kommun_code: str,
    release: str,
    current_year: int,
    portfolio: str,
    off: tuple[str, ...],
    preset: str,
    exclude: str,
    include: tuple[str, ...],
) -> Computed:
    core = _core(kommun_code, release, current_year, portfolio, off, include)
    result = core.result
    ids = excluded_ids(kommun_code, exclude)
    result_x = (
        sc.build(
            kommun_code,
            catalogue=result.catalogue,
            release=release,
            current_year=current_year,
            off=off,
            exclude={kommun_code: ids},
            include_confidential=include,
            baseline=_baseline(kommun_code, release, current_year),
        )
        if ids
        else None
    )
    rows = []
    for scope, excl in (("all", None), ("excluding", {kommun_code: ids})):
        if scope == "excluding" and not ids:
            continue
        for regime in REGIMES:
            st = common.budget_status(
                kommun_code, preset_name=preset, regime=regime, exclude=excl, current_year=current_year
            )
            rows.append(st.assign(scope=scope, regime_code=regime))
    status = pd.concat(rows, ignore_index=True)
    scenarios = {"all": result} | ({"excluding": result_x} if result_x is not None else {})
    bud = scenario_metrics.budget_metrics(status, scenarios, kommun_code)
    tp = common.kommun_target_progress(kommun_code, release, current_year)
    return Computed(
        result=result,
        result_excluding=result_x,
        excluded=ids,
        year=core.year,
        totals=core.totals,
        carbon_law=scenario_metrics.carbon_law(result, kommun_code),
        balance=core.balance,
        balance_row=core.balance_row,
        waterfall=core.waterfall,
        budget=bud,
        targets=scenario_metrics.target_metrics(result, kommun_code, tp),
        ranking=core.ranking,
        base_1990=core.base_1990,
    )


def compute(p: Checked, *, include_confidential: tuple[str, ...] = ()) -> Computed:
    """Everything the page shows for the checked parameters (cached per kernel)."""
    values = p.values
    return _compute(
        p.kommun_code,
        p.release,
        p.current_year,
        str(values.get("portfolio", msr.AUTO)),
        tuple(msr.split_ids(values.get("measures_off", ""))),
        str(values.get("preset", budget.DEFAULT_PRESET)),
        str(values.get("exclude", "auto")),
        include_confidential,
    )


# --- texts -------------------------------------------------------------------------------------------------


def owner_label(owner: str, language: str) -> str:
    if owner in msr.OWNERS:
        return i18n.t(f"page.measures.owner.{owner}", language)
    from .partner import partner_name

    try:
        return partner_name(partners.get_partner(owner), language)
    except Exception:
        return owner


def effect_text(row: Any, language: str, column: str = "effect") -> str:
    """A measure's size as written: '100 %', '500 ha', '20 skolkök', '30 000 t CO2e per år'."""
    v = row[column]
    if row["unit"] == "share":
        return fmt.percent(v, language, 0 if abs(v * 100 - round(v * 100)) < 1e-9 else 1, share=True)
    return i18n.t(f"page.measures.unit.{row['unit']}", language, value=fmt.compact(v, language, 1))


def effect_range_text(row: Any, language: str) -> str:
    """The size with its range: '80–100 %', '200–1 000 ha', '20 skolkök'."""
    if row["effect_low"] == row["effect_high"]:
        return effect_text(row, language)
    lo, hi = row["effect_low"], row["effect_high"]
    if row["unit"] == "share":
        decimals = 0 if float(100 * hi).is_integer() else 1
        return f"{fmt.compact(100 * lo, language, 1)}–{fmt.percent(100 * hi, language, decimals)}"
    value = f"{fmt.compact(lo, language, 1)}–{fmt.compact(hi, language, 1)}"
    return i18n.t(f"page.measures.unit.{row['unit']}", language, value=value)


def tonnes_range(low: Any, high: Any, language: str) -> str:
    """'94 861–118 576', or '−180 – −60' when the range reaches below zero (en dash set apart)."""
    if fmt.is_missing(low) or fmt.is_missing(high):
        return fmt.MISSING
    lo, hi = min(low, high), max(low, high)
    if lo < 0:
        return f"{fmt.number(lo, language)} – {fmt.number(hi, language)}"
    return fmt.number_range(lo, hi, language)


def computed_from(row: Any, language: str) -> str:
    m = row["method"]
    if m == "bio_ccs":
        return i18n.t("page.measures.computed.bio_ccs", language, facility=row["facility"])
    if row["facility"]:
        return i18n.t("page.measures.computed.facility", language, facility=row["facility"])
    if row["kind"] == msr.FUEL_SWITCH:
        act = i18n.t_or(f"activity.{row['activity']}", language, row["activity"])
        return i18n.t("page.measures.computed.activity", language, activity=act)
    if m == "food_waste":
        return i18n.t("page.measures.computed.food_waste", language)
    if m in ("set_aside", "afforestation", "rewetting", "felling_cut", "biochar", "rewetting_n2o"):
        return i18n.t("page.measures.computed.sinks", language)
    if row["kind"] == msr.RELATIVE_CUT:
        return i18n.t("page.measures.computed.sector", language)
    return i18n.t("page.measures.computed.given", language)


def _measure_names(frame: pd.DataFrame, language: str) -> list[str]:
    return [msr.measure_name(r, language) for r in frame.to_dict("records")]


def _fields(c: Computed | Core, p: Checked) -> dict[str, Any]:
    b = c.result.baseline
    return {"kommun": p.kommun, "year": c.year, "current_year": p.current_year, "end_year": b.end_year}


def portfolio_label(p: Checked) -> str:
    """The portfolio as its names ('generic + borlange'): for key data and CSV metadata."""
    spec = str(p.values.get("portfolio", msr.AUTO))
    if spec == msr.AUTO:
        return " + ".join(msr.auto_names(p.kommun)).replace("user:", "")
    return spec


def portfolio_text(p: Checked) -> str:
    """The portfolio as a reader reads it, in the page's language: the common measures, the
    kommun's own catalogue, a user's file."""
    lang = p.language
    sources = msr.resolve(str(p.values.get("portfolio", msr.AUTO)), kommun=p.kommun)
    own = msr.slug(p.kommun)
    parts = []
    for src in sources:
        if src.shipped and src.name == msr.GENERIC:
            parts.append(i18n.t("page.measures.portfolio_name.generic", lang))
        elif src.name == own:
            key = "kommun" if src.shipped else "kommun_file"
            parts.append(i18n.t(f"page.measures.portfolio_name.{key}", lang, kommun=p.kommun, file=src.path.name))
        else:
            parts.append(i18n.t("page.measures.portfolio_name.file", lang, file=src.path.name))
    return ", ".join(parts)


# --- charts ----------------------------------------------------------------------------------------------------


def _wrap(text: str, width: int = 48) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def wedge_chart(
    c: Computed,
    p: Checked,
    *,
    observed: pd.DataFrame,
    co2: pd.DataFrame,
    budget_path: pd.DataFrame,
    scope_text: str,
    co2_release: str,
) -> Figure:
    """Two panels: t CO2e (observed, baseline, wedges, scenario, Carbon Law) and t CO2 (with and
    without measures, the budget pathway)."""
    lang = p.language
    t = c.totals
    years = t["year"].to_numpy(dtype=float)
    eff = c.result.effects()
    cuts = eff[
        (eff["kommun_code"] == p.kommun_code) & eff["kind"].isin(msr.CUT_KINDS) & (eff["location"] == msr.INSIDE)
    ]
    by = cuts.pivot_table(index="year", columns="id", values="t", aggfunc="sum").reindex(t["year"]).fillna(0.0)
    order = by.sum().sort_values(ascending=False)
    order = order[order > 0]
    named = list(order.index[: len(WEDGE_COLOURS)])
    rest = [i for i in order.index if i not in named]
    cat = c.result.catalogue.set_index("id")
    fig = Figure(figsize=(9, 8.6))
    ax, ax2 = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 2]})
    obs = observed[observed["year"] >= 2010].sort_values("year")
    ax.plot(
        obs["year"],
        obs["t_co2e"],
        "o-",
        color=charts.SERIES_COLOURS["observed"],
        markersize=3,
        linewidth=1.6,
        label=i18n.t("page.measures.chart.observed", lang),
    )
    bottom = t["scenario_t_co2e"].to_numpy(dtype=float)
    for j, mid in enumerate(named):
        vals = by[mid].to_numpy(dtype=float)
        label = _wrap(msr.measure_name({"id": mid, **cat.loc[mid].to_dict()}, lang), 60)
        ax.fill_between(years, bottom, bottom + vals, color=WEDGE_COLOURS[j], alpha=0.9, linewidth=0, label=label)
        bottom = bottom + vals
    if rest:
        vals = by[rest].sum(axis=1).to_numpy(dtype=float)
        label = i18n.t("page.measures.value.other_measures", lang, n=len(rest))
        ax.fill_between(years, bottom, bottom + vals, color=OTHER_COLOUR, alpha=0.9, linewidth=0, label=label)
    ax.plot(
        years,
        t["baseline_t_co2e"],
        "--",
        color=charts.SERIES_COLOURS["trend"],
        linewidth=1.8,
        label=i18n.t("page.measures.chart.baseline", lang),
    )
    ax.plot(
        years,
        t["scenario_t_co2e"],
        "-",
        color=charts.SERIES_COLOURS["scenario"],
        linewidth=2.2,
        label=i18n.t("page.measures.chart.scenario", lang),
    )
    law = c.carbon_law
    ax.plot(
        law["years"],
        law["path"],
        "-",
        color=charts.SERIES_COLOURS["carbon_law"],
        linewidth=1.6,
        label=i18n.t("page.measures.chart.carbon_law", lang),
    )
    ax.axvline(p.current_year, color="0.6", linewidth=0.8)
    ax.set_ylim(bottom=0)
    charts._year_axis(ax, [int(obs["year"].min()) if len(obs) else int(years[0]), int(years[-1])])
    charts._thousands(ax, lang)
    ax.set_ylabel(i18n.t("page.measures.chart.ylabel", lang))
    ax.set_title(
        i18n.t("page.measures.chart.wedges_title", lang, kommun=p.kommun), loc="left", fontsize=12, fontweight="bold"
    )
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    # the CO2 panel
    ax2.plot(
        co2["year"],
        co2["co2_baseline_t"],
        "--",
        color=charts.SERIES_COLOURS["trend"],
        linewidth=1.6,
        label=i18n.t("page.measures.chart.co2_baseline", lang),
    )
    ax2.plot(
        co2["year"],
        co2["co2_scenario_t"],
        "-",
        color=charts.SERIES_COLOURS["scenario"],
        linewidth=2.0,
        label=i18n.t("page.measures.chart.co2_scenario", lang),
    )
    if len(budget_path):
        ax2.plot(
            budget_path["year"],
            budget_path["t_co2"],
            "-",
            color=charts.SERIES_COLOURS["budget"],
            alpha=0.6,
            linewidth=3,
            label=i18n.t("page.measures.chart.budget_path", lang),
        )
    ax2.set_ylim(bottom=0)
    charts._year_axis(ax2, [int(obs["year"].min()) if len(obs) else int(years[0]), int(years[-1])])
    charts._thousands(ax2, lang)
    ax2.set_ylabel(i18n.t("page.measures.chart.ylabel_co2", lang))
    ax2.set_xlabel(i18n.t("page.measures.chart.xlabel", lang))
    ax2.set_title(
        i18n.t("page.measures.chart.co2_title", lang, scope=scope_text), loc="left", fontsize=10, fontweight="bold"
    )
    ax2.grid(axis="y", alpha=0.3)
    ax2.spines[["top", "right"]].set_visible(False)
    ax2.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    source = i18n.t(
        "page.measures.chart.source", lang, release=p.release, co2_release=co2_release, portfolio=portfolio_text(p)
    )
    fig.text(0.01, 0.01, source, fontsize=7, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


_BAR = {
    "baseline": "#555555",
    "measure": "#4477AA",
    "residual": "#555555",
    "additional_sinks": "#228833",
    "technical_removals": "#66CCEE",
    "gap": "#EE6677",
    "outside": "#BBBBBB",
}


def waterfall_labels(wf: pd.DataFrame, catalogue: pd.DataFrame, language: str) -> list[str]:
    cat = catalogue.set_index("id")
    out = []
    for r in wf.itertuples(index=False):
        if r.item in ("measure", "outside"):
            name = msr.measure_name({"id": r.id, **cat.loc[r.id].to_dict()}, language)
            out.append(i18n.t(f"page.measures.item.{r.item}", language, measure=name))
        else:
            out.append(i18n.t(f"page.measures.item.{r.item}", language))
    return out


def waterfall_chart(c: Computed, p: Checked) -> Figure:
    """A horizontal waterfall of the balance in the year, with the items beside it below a rule."""
    lang = p.language
    wf = c.waterfall
    labels = waterfall_labels(wf, c.result.catalogue, lang)
    n = len(wf)
    balance_n = int((wf["group"] == "balance").sum())
    fig = Figure(figsize=(9, 0.56 * (n + 1) + 1.6))
    ax = fig.subplots()
    ys = []
    y = 0.0
    for i in range(n):
        if i == balance_n:
            y += 1.0  # a gap before the items beside the balance
        ys.append(y)
        y += 1.0
    for r, yy in zip(wf.itertuples(index=False), ys, strict=True):
        item = r.item if not r.item.startswith("existing_") else "existing"
        colour = _BAR.get(item, charts.SERIES_COLOURS["sink"])
        hatch = "//" if r.group != "balance" else None
        alpha = 0.45 if r.group == "existing" else 1.0
        ax.barh(
            yy,
            r.top - r.bottom,
            left=r.bottom,
            color=colour,
            alpha=alpha,
            hatch=hatch,
            edgecolor="0.3" if hatch else colour,
            height=0.7,
        )
        x = r.top if r.t_co2e >= 0 or r.group != "balance" else r.bottom
        ax.text(max(x, r.top), yy, " " + fmt.number(r.t_co2e, lang), va="center", ha="left", fontsize=8)
    ax.set_yticks(ys, [_wrap(s, 40) for s in labels], fontsize=8.5)
    ax.invert_yaxis()
    if n > balance_n:
        sep = (ys[balance_n - 1] + ys[balance_n]) / 2
        ax.axhline(sep, color="0.5", linewidth=0.8, linestyle=":")
        ax.text(
            1.0,
            sep,
            i18n.t("page.measures.chart.beside", lang) + " ",
            fontsize=7,
            color="0.35",
            va="bottom",
            ha="right",
            transform=ax.get_yaxis_transform(),
        )
    ax.axvline(0, color="0.5", linewidth=0.8)
    charts._thousands(ax, lang, axis="x")
    ax.set_xlabel(i18n.t("page.measures.chart.waterfall_xlabel", lang))
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    xmax = float(max(wf["top"].max(), 0.0))
    ax.set_xlim(min(float(wf["bottom"].min()), 0.0) * 1.1, xmax * 1.15 if xmax > 0 else 1.0)
    ax.set_title(
        i18n.t("page.measures.chart.waterfall_title", lang, year=c.year, kommun=p.kommun),
        loc="left",
        fontsize=12,
        fontweight="bold",
    )
    source = i18n.t(
        "page.measures.chart.source",
        lang,
        release=p.release,
        co2_release=budget.co2_release(),
        portfolio=portfolio_text(p),
    )
    fig.text(0.01, 0.01, source, fontsize=7, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def facility_chart(path: pd.DataFrame, *, partner: str, language: str, current_year: int, portfolio: str) -> Figure:
    """A partner's plants: verified, estimated baseline and the pathway with its own measures."""
    lang = language
    fig = Figure(figsize=(9, 4.4))
    ax = fig.subplots()
    years: list[int] = []
    for plant, g in path.groupby("facility"):
        g = g.sort_values("year")
        ver = g[g["basis"] == sc.VERIFIED]
        est = g[g["basis"] != sc.VERIFIED]
        ax.plot(
            ver["year"],
            ver["baseline_t_co2e"],
            "o-",
            color=charts.SERIES_COLOURS["observed"],
            markersize=3,
            label=f"{i18n.t('page.measures.chart.facility_verified', lang)} ({plant})",
        )
        joined = pd.concat([ver.tail(1), est])
        ax.plot(
            joined["year"],
            joined["baseline_t_co2e"],
            "--",
            color=charts.SERIES_COLOURS["trend"],
            label=f"{i18n.t('page.measures.chart.facility_estimated', lang)} ({plant})",
        )
        fut = g[g["year"] >= current_year]
        ax.plot(
            fut["year"],
            fut["scenario_t_co2e"],
            "-",
            color=charts.SERIES_COLOURS["scenario"],
            linewidth=2.2,
            label=f"{i18n.t('page.measures.chart.facility_scenario', lang)} ({plant})",
        )
        years += g["year"].astype(int).tolist()
    ax.axvline(current_year, color="0.6", linewidth=0.8)
    ax.set_ylim(bottom=0)
    charts._year_axis(ax, years)
    charts._thousands(ax, lang)
    ax.legend(fontsize=7, frameon=False)
    return charts._finish(
        fig,
        ax,
        title=i18n.t("page.measures.chart.facility_title", lang, partner=partner),
        ylabel=i18n.t("unit.t_co2e_per_yr", lang),
        xlabel=i18n.t("page.measures.chart.xlabel", lang),
        source=i18n.t("page.measures.chart.facility_source", lang, portfolio=portfolio),
    )


# --- tables ---------------------------------------------------------------------------------------------------


def measures_frame(c: Computed | Core, p: Checked) -> pd.DataFrame:
    """The measures of the kommun with their effects, ranks and the texts the page shows."""
    lang = p.language
    rk = c.ranking.copy()
    rk["name"] = _measure_names(rk, lang)
    rk["owner_text"] = [owner_label(o, lang) for o in rk["owner"]]
    rk["where_text"] = [i18n.t(f"page.measures.where.{w}", lang) for w in rk["location"]]
    rk["kind_text"] = [i18n.t(f"page.measures.kind.{k}", lang) for k in rk["kind"]]
    rk["status_text"] = [i18n.t(f"page.measures.status.{s}", lang) for s in rk["status"]]
    rk["basis_text"] = [i18n.t(f"page.measures.basis.{b}", lang) for b in rk["effect_basis"]]
    rk["timing_text"] = [i18n.t(f"page.measures.timing.{b}", lang) for b in rk["timing_basis"]]
    rk["effect_text"] = [effect_range_text(r, lang) for r in rk.to_dict("records")]
    rk["computed_text"] = [computed_from(r, lang) for r in rk.to_dict("records")]
    rk["source_text"] = [s if s else fmt.MISSING for s in rk["source"]]
    rk["range_text"] = [
        tonnes_range(lo, hi, lang) for lo, hi in zip(rk["effect_year_low_t"], rk["effect_year_high_t"], strict=True)
    ]
    rk["status_text"] = [
        i18n.t("page.measures.where.outside", lang) if loc == msr.OUTSIDE and st == sc.COUNTED else text
        for loc, st, text in zip(rk["location"], rk["status"], rk["status_text"], strict=True)
    ]
    rk["basis_both"] = [
        i18n.t("page.measures.basis_both", lang, size=b, timing=t)
        for b, t in zip(rk["basis_text"], rk["timing_text"], strict=True)
    ]
    rk["cost_yr_text"] = [
        fmt.MISSING if fmt.is_missing(v) else i18n.t("page.measures.unit.cost_yr", lang, value=fmt.number(v, lang))
        for v in rk["cost_sek_per_yr"]
    ]
    rk["cost_t_text"] = [
        fmt.MISSING if fmt.is_missing(v) else i18n.t("page.measures.unit.cost_t", lang, value=fmt.number(v, lang))
        for v in rk["cost_sek_per_t"]
    ]
    return rk


@dataclass(frozen=True)
class FieldColumn(Column):
    """A column whose header has fields (``Effekt {year}``), filled the same in both languages."""

    fields: tuple[tuple[str, Any], ...] = ()

    def header(self, language: str) -> str:
        text = i18n.t(self.label or f"col.{self.id}", language, **dict(self.fields))
        if self.unit:
            text += f" ({i18n.t(f'unit.{self.unit}', language)})"
        return text


def _fc(id: str, kind: str, key: str, c: Computed | Core, p: Checked, **kw: Any) -> FieldColumn:
    return FieldColumn(id, kind, label=f"page.measures.col.{key}", fields=tuple(_fields(c, p).items()), **kw)


def measures_table(frame: pd.DataFrame, c: Computed | Core, p: Checked, *, name: str = "measures") -> Table:
    return Table(
        name,
        frame,
        [
            Column("id", "text", label="page.measures.col.measure", display="name"),
            Column("owner", "text", label="page.measures.col.owner", display="owner_text"),
            Column("start_year", "year", label="page.measures.col.start_year"),
            Column("full_year", "year", label="page.measures.col.full_year"),
            _fc("effect_year_t", "tonnes", "effect_year", c, p, unit="t_co2e_per_yr"),
            _fc("effect_year_low_t", "tonnes", "range_year", c, p, display="range_text"),
            _fc("total_t", "tonnes", "total", c, p, unit="t_co2e"),
            _fc("rank_year", "number", "rank", c, p),
            Column("status", "text", label="page.measures.col.status", display="status_text"),
        ],
        note=i18n.t("page.measures.note.measures", p.language),
        empty="page.measures.statement.no_measures",
        empty_fields={"kommun": p.kommun},
    )


def basis_table(frame: pd.DataFrame, p: Checked) -> Table:
    cols = [
        Column("id", "text", label="page.measures.col.measure", display="name"),
        Column("kind", "text", label="page.measures.col.kind", display="kind_text"),
        Column("effect", "number", label="page.measures.col.effect", display="effect_text"),
        Column("effect_basis", "text", label="page.measures.col.basis", display="basis_both"),
        Column("method", "text", label="page.measures.col.computed_from", display="computed_text"),
        Column("source", "text", label="page.measures.col.source", display="source_text"),
    ]
    if frame["cost_sek_per_yr"].notna().any():
        cols.append(Column("cost_sek_per_yr", "number", label="page.measures.col.cost_yr", display="cost_yr_text"))
    if frame["cost_sek_per_t"].notna().any():
        cols.append(Column("cost_sek_per_t", "number", label="page.measures.col.cost_t", display="cost_t_text"))
    return Table(
        "measures_basis",
        frame,
        cols,
        note=i18n.t("page.measures.note.basis", p.language),
        empty="page.measures.statement.no_measures",
        empty_fields={"kommun": p.kommun},
    )


def balance_table(c: Computed, p: Checked) -> Table:
    wf = c.waterfall.copy()
    wf["item_text"] = waterfall_labels(wf, c.result.catalogue, p.language)
    wf["key"] = [f"{i}:{m}" if m else i for i, m in zip(wf["item"], wf["id"], strict=True)]
    return Table(
        "balance",
        wf,
        [
            Column("key", "text", label="page.measures.col.item", display="item_text"),
            Column("t_co2e", "tonnes", unit="t_co2e_per_yr", label="col.value"),
        ],
    )


def _scope_texts(c: Computed, p: Checked) -> dict[str, str]:
    from .carbon_budget import installation_names

    names = installation_names(c.excluded) if c.excluded else ""
    return {
        "all": i18n.t("page.measures.scope.all", p.language),
        "excluding": i18n.t("page.measures.scope.excluding", p.language, installations=names),
    }


def _runs_out(status: str, date: str, language: str, end_year: int) -> str:
    if status in ("holds", "holds_to_end"):
        return (
            i18n.t("value.holds", language)
            if status == "holds"
            else i18n.t("page.measures.value.holds_to_end", language, end_year=end_year)
        )
    if status == "exhausted":
        return i18n.t("page.measures.value.exhausted", language)
    return fmt.month_year(date, language)


def budget_frame(c: Computed, p: Checked) -> pd.DataFrame:
    from .carbon_budget import regime_label

    lang = p.language
    end = c.result.baseline.end_year
    b = c.budget.copy()
    scopes = _scope_texts(c, p)
    b["scope_text"] = b["scope"].map(scopes)
    b["regime_text"] = [regime_label(r, 0.5, lang) for r in b["regime_code"]]
    b["runs_out_base_text"] = [
        _runs_out(s, d, lang, end) for s, d in zip(b["budget_status"], b["budget_runs_out"], strict=True)
    ]
    b["runs_out_scen_text"] = [
        _runs_out(s, d, lang, end) for s, d in zip(b["scenario_budget_status"], b["scenario_runs_out"], strict=True)
    ]
    b["extra_pct"] = 100 * b["extra_cut_scenario"]
    b["extra_text"] = [
        i18n.t("page.measures.value.exhausted", lang) if fmt.is_missing(v) else fmt.percent(v, lang, 1)
        for v in b["extra_pct"]
    ]
    return b


def budget_table(b: pd.DataFrame, c: Computed, p: Checked) -> Table:
    return Table(
        "budget",
        b,
        [
            Column("scope", "text", label="page.measures.col.scope", display="scope_text"),
            Column("regime_code", "text", label="page.measures.col.regime", display="regime_text"),
            _fc("remaining_budget_t", "tonnes", "remaining", c, p, unit="t_co2"),
            _fc("co2_baseline_total_t", "tonnes", "co2_base", c, p, unit="t_co2"),
            _fc("co2_scenario_total_t", "tonnes", "co2_scen", c, p, unit="t_co2"),
            Column("budget_runs_out", "text", label="page.measures.col.runs_out_base", display="runs_out_base_text"),
            Column("scenario_runs_out", "text", label="page.measures.col.runs_out_scen", display="runs_out_scen_text"),
            Column(
                "extra_pct",
                "percent",
                decimals=1,
                unit="pct_per_yr",
                label="page.measures.col.extra",
                display="extra_text",
            ),
        ],
        note=i18n.t("page.measures.note.budget", p.language, end_year=c.result.baseline.end_year),
    )


def budget_statements(b: pd.DataFrame, c: Computed, p: Checked) -> list[str]:
    lang = p.language
    end = c.result.baseline.end_year
    main = b[(b["regime_code"] == "grandfathering") & (b["scope"] == ("excluding" if c.excluded else "all"))].iloc[0]
    fields = {
        "regime": main["regime_text"],
        "scope": main["scope_text"],
        "current_year": p.current_year,
        "end_year": end,
        "date": fmt.month_year(main["scenario_runs_out"], lang) if main["scenario_runs_out"] else "",
        "base_date": _runs_out(main["budget_status"], main["budget_runs_out"], lang, end),
        "used": fmt.percent(main["share_used_scenario"], lang, share=True),
    }
    s = main["scenario_budget_status"]
    if s == scenario_metrics.EXHAUSTED:
        return [i18n.t("page.measures.statement.budget_exhausted", lang, **fields)]
    if s == scenario_metrics.RUNS_OUT:
        key = "budget_runs_out"
    else:
        key = "budget_holds" if main["budget_status"] == "runs_out" else "budget_holds_base"
    lines = [i18n.t(f"page.measures.statement.{key}", lang, **fields)]
    if main["extra_cut_scenario"] > 0:
        lines.append(
            i18n.t(
                "page.measures.statement.extra",
                lang,
                end_year=end,
                extra=fmt.percent(100 * main["extra_cut_scenario"], lang, 1),
                extra_base=fmt.percent(100 * main["extra_cut_baseline"], lang, 1),
            )
        )
    else:
        lines.append(i18n.t("page.measures.statement.extra_none", lang))
    return lines


def targets_table(c: Computed, p: Checked) -> Table:
    lang = p.language
    tg = c.targets.copy()
    tg["target_text"] = [
        i18n.t(f"target.{t}", lang, pct=fmt.percent(100 * r, lang))
        for t, r in zip(tg["target_id"], tg["reduction"], strict=True)
    ]
    return Table(
        "targets",
        tg,
        [
            Column("target_id", "text", label="page.measures.col.target", display="target_text"),
            Column("target_year", "year", label="page.measures.col.target_year"),
            Column("target_value", "tonnes", unit="t_co2e", label="page.measures.col.target_level"),
            Column("trend_in_target_year", "tonnes", unit="t_co2e", label="page.measures.col.trend"),
            Column("scenario_in_target_year", "tonnes", unit="t_co2e", label="page.measures.col.scenario"),
            Column("gap_scenario_t", "tonnes", unit="t_co2e", label="page.measures.col.gap"),
            Column("on_track_scenario", "bool", label="page.measures.col.on_track"),
        ],
        note=i18n.t("page.measures.note.targets", lang),
    )


def left_out_text(n: int, language: str) -> str:
    """'N measures of confidential partners are left out' in the page's language ('' for none)."""
    if n <= 0:
        return ""
    if n == 1:
        return i18n.t("page.measures.confidential_one", language)
    return i18n.t("page.measures.confidential", language, n=n)


def partner_lines(c: Computed, p: Checked) -> list[str]:
    """Which partner measures are missing and how to add them."""
    lang = p.language
    lines = []
    own = [s.name for s in msr.resolve(p.values.get("portfolio", msr.AUTO), kommun=p.kommun) if s.name != msr.GENERIC]
    if not own:
        lines.append(i18n.t("page.measures.no_portfolio", lang, kommun=p.kommun, slug=msr.slug(p.kommun)))
    reg = [x for x in partners.partners() if x["kommun"] == p.kommun_code and not x["confidential"]]
    if not reg:
        lines.append(i18n.t("page.measures.no_partners", lang, kommun=p.kommun))
        return lines
    st = c.result.status(p.kommun_code)
    from .partner import partner_name

    waiting = st[st["status"] == sc.NEEDS_ACTIVITY_DATA]
    if len(waiting):
        lines.append(i18n.t("page.measures.needs_data", lang, items="; ".join(_measure_names(waiting, lang))))
    off = st[st["status"] == sc.SWITCHED_OFF]
    if len(off):
        lines.append(i18n.t("page.measures.switched_off", lang, items="; ".join(_measure_names(off, lang))))
    owners = set(st["owner"])
    without = [partner_name(x, lang) for x in reg if x["id"] not in owners]
    if without:
        lines.append(i18n.t("page.measures.partners_without", lang, kommun=p.kommun, names=", ".join(without)))
    else:
        lines.append(i18n.t("page.measures.partners_all", lang, kommun=p.kommun))
    return lines


# --- the page ----------------------------------------------------------------------------------------------------


def key_statements(c: Computed, p: Checked) -> list[str]:
    lang = p.language
    t = c.totals.set_index("year").loc[c.year]
    law = c.carbon_law
    end = c.result.baseline.end_year
    lines = []
    pct = 100 * t["avoided_t_co2e"] / t["baseline_t_co2e"] if t["baseline_t_co2e"] > 0 else 0.0
    lines.append(
        i18n.t(
            "page.measures.statement.scenario",
            lang,
            kommun=p.kommun,
            year=c.year,
            scenario=fmt.number(t["scenario_t_co2e"], lang),
            avoided=fmt.number(t["avoided_t_co2e"], lang),
            pct=fmt.percent(pct, lang),
            baseline=fmt.number(t["baseline_t_co2e"], lang),
            low=fmt.number(t["scenario_low_effect_t_co2e"], lang),
            high=fmt.number(t["scenario_high_effect_t_co2e"], lang),
        )
    )
    lines.append(
        i18n.t(
            "page.measures.statement." + ("carbon_law_on" if law["on_track_scenario"] else "carbon_law_off"),
            lang,
            kommun=p.kommun,
            total=fmt.number(law["total_scenario_t"], lang),
            law=fmt.number(law["total_carbon_law_t"], lang),
            baseline=fmt.number(law["total_baseline_t"], lang),
            ratio=fmt.number(law["ratio_scenario"], lang, 1),
            current_year=p.current_year,
            end_year=end,
        )
    )
    row = c.balance_row
    gap_fields = {
        "kommun": p.kommun,
        "year": c.year,
        "gap": fmt.number(row["neutrality_gap_t_co2e"], lang),
        "residual": fmt.number(row["residual_emissions_t_co2e"], lang),
        "sinks": fmt.number(row["additional_sinks_t_co2e"], lang),
        "removals": fmt.number(row["technical_removals_t_co2e"], lang),
    }
    key = "gap" if row["neutrality_gap_t_co2e"] > 0 else "gap_closed"
    lines.append(i18n.t(f"page.measures.statement.{key}", lang, **gap_fields))
    ranked = c.ranking[c.ranking["rank_year"] == 1]
    if len(ranked):
        r = ranked.iloc[0].to_dict()
        lines.append(
            i18n.t(
                "page.measures.statement.largest",
                lang,
                year=c.year,
                measure=msr.measure_name(r, lang),
                t=fmt.number(r["effect_year_t"], lang),
            )
        )
    out = c.ranking[(c.ranking["location"] == msr.OUTSIDE) & (c.ranking["status"] == sc.COUNTED)]
    for r in out.to_dict("records"):
        v = r["effect_year_t"]
        if fmt.is_missing(v) or v == 0:
            continue
        key = "outside_saving" if v > 0 else "outside_increase"
        lines.append(
            i18n.t(
                f"page.measures.statement.{key}", lang, measure=msr.measure_name(r, lang), t=fmt.number(abs(v), lang)
            )
        )
    return lines


def build(p: Checked) -> Page:
    """Everything the measures page shows, for the checked parameters ``p``."""
    page = common.new_page(p, "measures", kommun=p.kommun)
    lang = p.language
    c = compute(p)
    b = c.result.baseline
    page.subtitle = page.t(
        "subtitle",
        release=p.release,
        last_year=fmt.year(int(b.last_year.max())),
        current_year=p.current_year,
        portfolio=portfolio_text(p),
    )
    page.prose("intro", page.t("intro", kommun=p.kommun))
    page.prose("method", page.t("method"), note=True)
    n_left = c.result.left_out(p.kommun_code)
    if n_left:
        page.prose("confidential", left_out_text(n_left, lang), note=True)
    page.sentences("statements", key_statements(c, p))

    # wedges
    observed = common.total_emissions(p)
    bud = budget_frame(c, p)
    main = bud[
        (bud["regime_code"] == "grandfathering") & (bud["scope"] == ("excluding" if c.excluded else "all"))
    ].iloc[0]
    res_main = c.result_excluding if c.excluded and c.result_excluding is not None else c.result
    co2 = scenario_metrics.co2_pathways(main, res_main, p.kommun_code)
    bp = budget.budget_pathway(
        float(main["current_value"]),
        float(main["remaining_budget_t"]),
        current_year=p.current_year,
        end_year=b.end_year,
    )
    fig = wedge_chart(
        c,
        p,
        observed=observed,
        co2=co2,
        budget_path=bp,
        scope_text=str(main["scope_text"]),
        co2_release=str(main["release"]),
    )
    t = c.totals.set_index("year").loc[c.year]
    alt = page.t(
        "chart.wedges_alt",
        kommun=p.kommun,
        last_year=int(b.last_year.max()),
        end_year=b.end_year,
        year=c.year,
        baseline=fmt.number(t["baseline_t_co2e"], lang),
        scenario=fmt.number(t["scenario_t_co2e"], lang),
        current_year=p.current_year,
    )
    page.add(charts.render(fig, name="wedges_chart", alt=alt, caption=page.t("chart.wedges_caption")))

    # the balance
    row = c.balance_row
    fig = waterfall_chart(c, p)
    alt = page.t(
        "chart.waterfall_alt",
        year=c.year,
        baseline=fmt.number(row["baseline_t_co2e"], lang),
        residual=fmt.number(row["residual_emissions_t_co2e"], lang),
        sinks=fmt.number(row["additional_sinks_t_co2e"], lang),
        removals=fmt.number(row["technical_removals_t_co2e"], lang),
        gap=fmt.number(row["neutrality_gap_t_co2e"], lang),
    )
    page.add(charts.render(fig, name="waterfall_chart", alt=alt, caption=page.t("chart.waterfall_caption")))
    page.add(balance_table(c, p))

    # the measures
    frame = measures_frame(c, p)
    page.add(measures_table(frame, c, p))
    page.add(basis_table(frame, p))

    # budget and targets
    page.add(budget_table(bud, c, p))
    page.sentences("budget_statements", budget_statements(bud, c, p))
    page.add(targets_table(c, p))

    # partners
    page.add(CodeSentences("partners", [s for s in partner_lines(c, p) if s]))

    counted = int((c.ranking["status"] == sc.COUNTED).sum())
    pct = 100 * t["avoided_t_co2e"] / t["baseline_t_co2e"] if t["baseline_t_co2e"] > 0 else 0.0
    page.key_line = page.t(
        "key_line",
        scenario=fmt.number(t["scenario_t_co2e"], lang),
        year=c.year,
        pct=fmt.percent(pct, lang),
        gap=fmt.number(row["neutrality_gap_t_co2e"], lang),
    )
    page.key_figures = {
        "portfolio": portfolio_label(p),
        "measures_counted": counted,
        "measures_left_out_confidential": n_left,
        "year": c.year,
        "unit": "t CO2e",
        "baseline_t_co2e": float(t["baseline_t_co2e"]),
        "scenario_t_co2e": float(t["scenario_t_co2e"]),
        "scenario_low_effect_t_co2e": float(t["scenario_low_effect_t_co2e"]),
        "scenario_high_effect_t_co2e": float(t["scenario_high_effect_t_co2e"]),
        "additional_sinks_t_co2": float(row["additional_sinks_t_co2e"]),
        "technical_removals_t_co2": float(row["technical_removals_t_co2e"]),
        "neutrality_gap_t_co2e": float(row["neutrality_gap_t_co2e"]),
        "carbon_law_on_track_scenario": bool(c.carbon_law["on_track_scenario"]),
        "budget_status_scenario": str(main["scenario_budget_status"]),
        "budget_runs_out_scenario": str(main["scenario_runs_out"]),
    }
    return page


# --- sections of other pages -----------------------------------------------------------------------------------------


def summary(p: Checked) -> dict[str, Any]:
    """The key result of the kommun's default portfolio (the overview's section): counted measures,
    the year, baseline, scenario, the share avoided and the neutrality gap; ``left_out``."""
    c = _core(p.kommun_code, p.release, p.current_year, msr.AUTO, (), ())
    t = c.totals.set_index("year").loc[c.year]
    return {
        "measures": int((c.ranking["status"] == sc.COUNTED).sum()),
        "year": c.year,
        "baseline_t_co2e": float(t["baseline_t_co2e"]),
        "scenario_t_co2e": float(t["scenario_t_co2e"]),
        "avoided_pct": 100 * float(t["avoided_t_co2e"] / t["baseline_t_co2e"]) if t["baseline_t_co2e"] > 0 else 0.0,
        "gap_t_co2e": float(c.balance_row["neutrality_gap_t_co2e"]),
        "left_out": c.result.left_out(p.kommun_code),
    }


def overview_section(page: Page) -> dict[str, Any]:
    """Add the overview's short section (item ``measures``: the key result and a link to
    measures.html; ``measures_confidential`` when measures of confidential partners are left out).
    Returns the numbers (for the key figures)."""
    p, lang = page.p, page.language
    s = summary(p)
    if s["measures"]:
        text = i18n.t(
            "page.measures.summary.line",
            lang,
            n=s["measures"],
            kommun=p.kommun,
            scenario=fmt.number(s["scenario_t_co2e"], lang),
            year=s["year"],
            pct=fmt.percent(s["avoided_pct"], lang),
            gap=fmt.number(s["gap_t_co2e"], lang),
        )
    else:
        text = i18n.t("page.measures.summary.line_none", lang, kommun=p.kommun)
    if s["left_out"]:
        text += " " + left_out_text(s["left_out"], lang)
    page.add(LinkedProse("measures", text, href=PAGE_LINK, link_text=i18n.t("page.measures.link", lang)))
    return s


def partner_section(page: Page, partner: dict[str, Any]) -> None:
    """The partner page's levers from the catalogue with computed effects (table ``levers``), the
    plant pathway under the partner's own measures (chart ``levers_chart``) and a sentence with a
    link to the measures page (``levers_summary``). A confidential partner's own report shows its
    own measures; nobody else's confidential measures are used."""
    from .partner import partner_name

    p, lang = page.p, page.language
    own = (partner["id"],) if partner["confidential"] else ()
    c = _core(p.kommun_code, p.release, p.current_year, msr.AUTO, (), own)
    frame = measures_frame(c, p)
    mine = frame[frame["owner"] == partner["id"]].reset_index(drop=True)
    name = partner_name(partner, lang)
    if len(mine):
        page.add(measures_table(mine, c, p, name="levers"))
    counted = mine[(mine["status"] == sc.COUNTED) & (mine["location"] == msr.INSIDE)]
    cuts = counted.loc[counted["kind"].isin(msr.CUT_KINDS), "effect_year_t"].sum()
    removals = counted.loc[~counted["kind"].isin(msr.CUT_KINDS), "effect_year_t"].sum()
    if len(mine):
        text = i18n.t(
            "page.measures.summary.partner",
            lang,
            partner=name,
            n=len(mine),
            cut=fmt.number(cuts, lang),
            removals=fmt.number(removals, lang),
            year=c.year,
        )
    else:
        text = i18n.t("page.measures.summary.partner_none", lang, partner=name)
    page.add(LinkedProse("levers_summary", text, href=PAGE_LINK, link_text=i18n.t("page.measures.link", lang)))
    path = scenario_metrics.partner_pathway(c.result, partner["id"], p.kommun_code)
    if len(path):
        label = " + ".join(msr.auto_names(p.kommun)).replace("user:", "")
        fig = facility_chart(path, partner=name, language=lang, current_year=p.current_year, portfolio=label)
        last = path[path["year"] == c.year]
        ver = path[path["basis"] == sc.VERIFIED]
        alt = i18n.t(
            "page.measures.chart.facility_alt",
            lang,
            facility=", ".join(sorted(set(path["facility"]))),
            first_year=int(path["year"].min()),
            end_year=int(path["year"].max()),
            last_verified=int(ver["year"].max()) if len(ver) else "–",
            scenario=fmt.number(last["scenario_t_co2e"].sum(), lang),
            year=c.year,
        )
        r0 = path.iloc[0]
        note = i18n.t(
            "page.measures.note.facility",
            lang,
            last_verified=int(ver["year"].max()) if len(ver) else "–",
            share=fmt.percent(r0["share"], lang, share=True),
            share_year=fmt.year(r0["share_year"]),
        )
        page.add(charts.render(fig, name="levers_chart", alt=alt, caption=note))


def sector_levers(p: Checked, sector: str) -> pd.DataFrame:
    """For the sector page: the measures of the kommun's default portfolio that cut ``sector``
    (confidential partners' measures left out), with the columns of :func:`measures_frame` (name,
    owner_text, status_text, effect_year_t, total_t, ...) and ``year``; ``attrs['left_out']`` is
    the number of confidential partners' measures left out."""
    c = _core(p.kommun_code, p.release, p.current_year, msr.AUTO, (), ())
    frame = measures_frame(c, p)
    out = frame[frame["sector"] == sector].reset_index(drop=True)
    out.attrs["left_out"] = c.result.left_out(p.kommun_code)
    return out


def sector_section(page: Page, sector: str) -> None:
    """For the sector page: the measures of the kommun's default portfolio that cut ``sector``, with
    their computed effects (table ``scenario_levers``, the columns of the measures page), and a
    sentence with the link to the measures page and, when measures of confidential partners were left
    out, how many (``scenario_levers_summary``)."""
    p, lang = page.p, page.language
    c = _core(p.kommun_code, p.release, p.current_year, msr.AUTO, (), ())
    frame = sector_levers(p, sector)
    if len(frame):
        page.add(measures_table(frame, c, p, name="scenario_levers"))
    counted = frame[frame["status"] == sc.COUNTED]
    text = i18n.t(
        "page.measures.summary.sector",
        lang,
        n=len(frame),
        sector=i18n.sector_label(sector, lang),
        t=fmt.number(counted["effect_year_t"].sum(), lang),
        year=c.year,
    )
    left = left_out_text(int(frame.attrs.get("left_out", 0)), lang)
    page.add(
        LinkedProse(
            "scenario_levers_summary",
            f"{text} {left}".strip(),
            href=PAGE_LINK,
            link_text=i18n.t("page.measures.link", lang),
        )
    )
