"""The overview page: a kommun's emissions, sectors, trend against the Carbon Law, budget, targets
and, in short, what the measures of its portfolio change (with a link to the measures page).

Every figure and sentence comes from one indicators row (``analysis.indicators``, the page's
release and analysis year), so the key figures, the sentences, the index line and
``summary.json`` agree.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import config, i18n
from ..analysis.descriptives import totals_and_shares
from ..i18n import fmt
from ..params import Checked
from . import charts, common, statements
from .page import Page
from .tables import Column, Table


def sector_chart_data(sector_emissions: pd.DataFrame) -> pd.DataFrame:
    """year, sector, value (t CO2e) sorted by year then sector order: the stacked sector chart."""
    d = sector_emissions[["year", "sector", "t_co2e"]].rename(columns={"t_co2e": "value"})
    return d.sort_values(["year", "sector"], kind="stable").reset_index(drop=True)


def sector_table(sector_emissions: pd.DataFrame) -> pd.DataFrame:
    """Per sector in the last year: t CO2e, share of the total (0-1), change since 1990 (%)."""
    last = int(sector_emissions["year"].max())
    shares = totals_and_shares(sector_emissions)
    cur = shares[shares["year"] == last].set_index("sector")
    base = sector_emissions[sector_emissions["year"] == 1990].set_index("sector")["t_co2e"].reindex(cur.index)
    change = 100 * (cur["t_co2e"] / base.where(base > 0) - 1)
    out = pd.DataFrame(
        {
            "sector": cur.index,
            "year": last,
            "t_co2e": cur["t_co2e"].to_numpy(),
            "share": cur["share"].to_numpy(),
            "change_since_1990": change.to_numpy(),
        }
    )
    return out.sort_values("t_co2e", ascending=False, kind="stable").reset_index(drop=True)


def key_figures(p: Checked, row: pd.Series) -> dict[str, Any]:
    """Machine-readable key figures of the kommun (summary.json and the index use them)."""

    num = common.number_or_none

    return {
        "kommun": p.kommun,
        "kommun_code": p.kommun_code,
        "release": p.release,
        "gas": p.gas,
        "current_year": p.current_year,
        **common.trend_figures(row),
        "budget": {
            "method": row.get("budget_method"),
            "preset": row.get("budget_preset"),
            "regime": row.get("budget_regime"),
            "gas": row.get("budget_gas"),
            "release": row.get("budget_release"),
            "point_sources": "included",
            "budget_t": num(row.get("budget_t")),
            "remaining_budget_t": num(row.get("remaining_budget_t")),
            "status": row.get("budget_status"),
            "runs_out": row.get("budget_runs_out"),
            "required_rate_pct": num(row.get("required_rate_pct")),
        },
        "existing_sink": {
            "method": "lulucf_area_share",
            "year": num(row.get("existing_sink_lulucf_area_share_year")),
            "t_co2": num(row.get("existing_sink_lulucf_area_share_t_co2")),
            "counted_against_emissions": False,
        },
        "neutrality_gap_no_measures_t_co2e": num(row.get("neutrality_gap_no_measures_t_co2e")),
    }


def _key_table(page: Page, row: pd.Series) -> Table:
    lang = page.language
    first = config.DEFAULTS.first_trend_year
    last_year = int(row["last_year"])
    rows = [
        (
            "emissions",
            page.t("kf.emissions", year=last_year),
            row["last_value"],
            fmt.number(row["last_value"], lang),
            "t_co2e",
        ),
        (
            "change_1990",
            page.t("kf.change_1990"),
            row["change_since_1990_pct"],
            fmt.percent(row["change_since_1990_pct"], lang),
            "none",
        ),
        (
            "change_2005",
            page.t("kf.change_2005"),
            row["change_since_2005_pct"],
            fmt.percent(row["change_since_2005_pct"], lang),
            "none",
        ),
        (
            "trend",
            page.t("kf.trend", first_year=first),
            row["trend_slope"],
            fmt.number(row["trend_slope"], lang),
            "t_co2e_per_yr",
        ),
        (
            "estimate",
            page.t("kf.estimate", year=page.p.current_year),
            row["current_value"],
            fmt.number(row["current_value"], lang),
            "t_co2e",
        ),
        (
            "per_capita",
            page.t("kf.per_capita", year=last_year),
            row["per_capita_t"],
            fmt.number(row["per_capita_t"], lang, 1),
            "t_co2e_per_capita",
        ),
        ("on_track", page.t("kf.on_track"), float(bool(row["on_track"])), fmt.boolean(row["on_track"], lang), "none"),
        (
            "net_zero",
            page.t("kf.net_zero"),
            row["net_zero_year"],
            statements.net_zero_text(row["net_zero_year"], lang),
            "none",
        ),
    ]
    frame = pd.DataFrame(rows, columns=["indicator", "label", "value", "value_text", "unit"])
    frame["unit_text"] = [i18n.t(f"unit.{u}", lang) for u in frame["unit"]]
    return Table(
        "key_figures",
        frame,
        [
            Column("indicator", "text", display="label"),
            Column("value", "number", display="value_text"),
            Column("unit", "text", display="unit_text"),
        ],
    )


def _budget_section(page: Page, row: pd.Series) -> None:
    """The budget in short: the project's method on CO2 with all emissions, and without the point
    sources the kommun's own budget leaves out (the same rows as on the budget page)."""
    from ..analysis import budget
    from .carbon_budget import installation_names, status_columns, with_status_texts

    p, lang = page.p, page.language
    adopted = budget.adopted_budget(p.kommun_code)
    ids = list(adopted["excluded_installations"]) if adopted else []
    rows = [common.budget_status(p.kommun_code, current_year=p.current_year).iloc[0].to_dict() | {"scope": "all"}]
    if ids:
        rows.append(
            common.budget_status(p.kommun_code, current_year=p.current_year, exclude={p.kommun_code: ids})
            .iloc[0]
            .to_dict()
            | {"scope": "excluding"}
        )
    st = pd.DataFrame(rows)
    names = installation_names(ids) if ids else ""
    st["scope_text"] = [i18n.t(f"page.carbon_budget.scope.{s}", lang, installations=names) for s in st["scope"]]
    st = with_status_texts(st, lang)
    first = st.iloc[0]
    page.prose(
        "budget_intro",
        page.t(
            "budget_intro",
            release=first["release"],
            last_year=int(first["data_last_year"]),
            preset=i18n.t(f"page.carbon_budget.preset.{first['preset']}", lang),
            regime=i18n.t("page.carbon_budget.regime.grandfathering", lang, weight=""),
        ),
    )
    page.add(
        Table(
            "budget",
            st,
            [
                Column("scope", "text", label="page.carbon_budget.col.scope", display="scope_text"),
                *status_columns(spent=False),
            ],
        )
    )


def _targets_section(page: Page) -> None:
    """Progress on the targets of ``reference/targets.csv`` at the current trend."""
    p, lang = page.p, page.language
    em = common.sector_emissions(p)
    if em.empty:
        page.prose("targets_none", page.t("targets_none", release=p.release))
        return
    tp = common.target_progress(p)
    tp["target_text"] = [
        i18n.t(f"target.{t}", lang, pct=fmt.percent(100 * r, lang))
        for t, r in zip(tp["target_id"], tp["reduction"], strict=True)
    ]
    tp["required_rate_pct"] = 100 * tp["required_rate"]
    page.add(
        Table(
            "targets",
            tp,
            [
                Column("target_id", "text", label="col.target", display="target_text"),
                Column("base_year", "year", label="col.base_year"),
                Column("target_year", "year", label="col.target_year"),
                Column("target_value", "tonnes", unit="t_co2e", label="col.target_level"),
                Column("trend_in_target_year", "tonnes", unit="t_co2e", label="col.trend_in_target_year"),
                Column("gap_t", "tonnes", unit="t_co2e", label="col.gap"),
                Column("required_rate_pct", "percent", decimals=1, unit="pct_per_yr", label="col.required_rate"),
                Column("on_track", "bool", label="col.on_track"),
            ],
            note=page.t("targets_note"),
        )
    )


def build(p: Checked) -> Page:
    """Everything the overview shows, for the checked parameters ``p``."""
    page = common.new_page(p, "overview")
    lang = p.language
    row = common.indicator_row(p)
    em = common.sector_emissions(p)
    tot = common.total_emissions(p)
    first = config.DEFAULTS.first_trend_year
    end = config.DEFAULTS.end_year

    page.prose("intro", page.t("intro", **page.fields()))
    page.add(_key_table(page, row))
    by_year = tot.set_index("year")["t_co2e"]
    last_year = int(row["last_year"])
    lines = [
        statements.change(
            base_year=b, base_value=by_year.get(b), year=last_year, value=row["last_value"], language=lang
        )
        for b in (1990, 2005)
    ]
    lines.append(
        statements.carbon_law(
            subject=p.kommun,
            on_track=bool(row["on_track"]),
            total_trend=row["total_trend"],
            total_law=row["total_carbon_law"],
            current_year=p.current_year,
            end_year=end,
            language=lang,
        )
    )
    lines.append(statements.net_zero(value=row["net_zero_year"], first_year=first, language=lang))
    page.sentences("statements", lines)

    # sectors
    chart_data = (
        sector_chart_data(em)
        if not em.empty
        else tot.assign(sector="Alla")[["year", "sector", "t_co2e"]].rename(columns={"t_co2e": "value"})
    )
    table = (
        sector_table(em)
        if not em.empty
        else pd.DataFrame(columns=["sector", "year", "t_co2e", "share", "change_since_1990"])
    )
    fig = charts.stacked_sectors(
        chart_data,
        language=lang,
        title=page.t("chart.sectors_title", kommun=p.kommun),
        ylabel=page.t("chart.ylabel"),
        source=page.t("chart.source", release=p.release),
        xlabel=page.t("chart.xlabel"),
    )
    yrs = sorted(chart_data["year"].unique())
    totals = chart_data.groupby("year")["value"].sum()
    largest = table.iloc[0] if len(table) else None
    alt = page.t(
        "chart.sectors_alt",
        kommun=p.kommun,
        first_year=yrs[0],
        last_year=yrs[-1],
        first=fmt.number(totals.iloc[0], lang),
        last=fmt.number(totals.iloc[-1], lang),
        largest=i18n.sector_label(largest["sector"], lang) if largest is not None else "–",
        largest_share=fmt.percent(largest["share"], lang, share=True) if largest is not None else "–",
    )
    page.add(charts.render(fig, name="sectors_chart", alt=alt))
    page.add(
        Table(
            "sectors",
            table,
            [
                Column("sector", "text", translate=i18n.sector_label),
                Column("t_co2e", "tonnes", unit="t_co2e", label="col.emissions"),
                Column("share", "share"),
                Column("change_since_1990", "change"),
            ],
            source=page.t("chart.source", release=p.release),
        )
    )

    # trend and the Carbon Law
    fig = common.trend_chart(page, tot)
    alt = page.t(
        "chart.trend_alt",
        kommun=p.kommun,
        first_year=int(tot["year"].min()),
        last_year=last_year,
        end_year=end,
        current_year=p.current_year,
        start=fmt.number(row["current_value"], lang),
    )
    page.add(charts.render(fig, name="trend_chart", alt=alt))

    _budget_section(page, row)
    _targets_section(page)
    from .measures import overview_section

    scenario = overview_section(page)

    page.key_figures = key_figures(p, row) | {"measures": scenario}
    page.key_line = page.t(
        "key_line",
        value=fmt.number(row["last_value"], lang),
        year=last_year,
        change=fmt.percent(row["change_since_1990_pct"], lang),
    )
    return page
