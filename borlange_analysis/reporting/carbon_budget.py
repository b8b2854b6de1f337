"""The carbon-budget page: the kommun's share of Sweden's carbon budget on carbon dioxide (CO2),
under each allocation principle, with and without large point sources, the pathway that keeps to
it, the kommun's own budget drawn on CO2, and Klimatkollen's 2024 figures for comparison.

Every figure comes from :func:`borlange_analysis.analysis.budget.budget_status` rows computed
under the page's parameters; the sentences are built from the same rows.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import data, i18n
from ..analysis import budget, trends
from ..i18n import fmt
from ..params import Checked
from . import charts, common
from .page import Page
from .tables import Column, Table

REGIMES = ("grandfathering", "per_capita", "blend")


def excluded_installations(p: Checked) -> tuple[list[str], str]:
    """The point sources the page leaves out and why: 'auto' takes those of the kommun's own
    budget (``reference/kommun_budgets.csv``), 'none' none, else the ids given."""
    spec = str(p.exclude)
    if spec == "none":
        return [], "none"
    if spec == "auto":
        adopted = budget.adopted_budget(p.kommun_code)
        ids = list(adopted["excluded_installations"]) if adopted else []
        return ids, "auto" if ids else "none"
    return [s for s in spec.split(",") if s], "given"


def installation_names(ids: list[str]) -> str:
    names = data.load_ets_installations().set_index("installation_id")["name"]
    return ", ".join(f"{names.get(i, i)} ({i})" for i in ids)


def regime_label(regime: str, weight: float, language: str) -> str:
    return i18n.t(f"page.carbon_budget.regime.{regime}", language, weight=fmt.percent(100 * weight, language))


def status_rows(p: Checked, ids: list[str]) -> pd.DataFrame:
    """Budget status of the kommun under each allocation principle, with all emissions and (when
    point sources are left out) without them."""
    rows = []
    scopes: list[tuple[str, dict[str, list[str]] | None]] = [("all", None)]
    if ids:
        scopes.append(("excluding", {p.kommun_code: ids}))
    for scope, excl in scopes:
        for regime in REGIMES:
            st = common.budget_status(
                p.kommun_code,
                preset_name=p.preset,
                regime=regime,
                weight=p.blend_weight,
                exclude=excl,
                current_year=p.current_year,
            )
            rows.append(st.iloc[0].to_dict() | {"scope": scope, "regime_code": regime})
    return pd.DataFrame(rows)


def runs_out_text(row: Any, language: str) -> str:
    status = row["budget_status"]
    if status == "holds":
        return i18n.t("value.holds", language)
    if status == "exhausted":
        return i18n.t("value.exhausted", language)
    return fmt.month_year(row["budget_runs_out"], language)


def with_status_texts(status: pd.DataFrame, language: str) -> pd.DataFrame:
    """Budget status rows with the texts a table shows: when the budget runs out ("februari 2032",
    "räcker", "förbrukad") and the required yearly cut ("16,7 %", or "förbrukad")."""
    out = status.copy()
    out["runs_out_text"] = [runs_out_text(r, language) for _, r in out.iterrows()]
    out["rate_text"] = [
        i18n.t("value.exhausted", language)
        if r["budget_status"] == "exhausted"
        else fmt.percent(r["required_rate_pct"], language, 1)
        for _, r in out.iterrows()
    ]
    return out


def status_columns(*, spent: bool) -> list[Column]:
    """The columns of a budget status table (after the scope and regime): budget, spent (when
    ``spent``), left, the required yearly cut and when it runs out."""
    cols = [Column("budget_t", "tonnes", unit="t_co2", label="page.carbon_budget.col.budget")]
    if spent:
        cols.append(Column("spent_t", "tonnes", unit="t_co2", label="page.carbon_budget.col.spent"))
    return cols + [
        Column("remaining_budget_t", "tonnes", unit="t_co2", label="page.carbon_budget.col.remaining"),
        Column(
            "required_rate_pct",
            "percent",
            decimals=1,
            unit="pct_per_yr",
            label="page.carbon_budget.col.required_rate",
            display="rate_text",
        ),
        Column("budget_runs_out", "text", label="page.carbon_budget.col.runs_out", display="runs_out_text"),
    ]


def statement(row: Any, *, kommun: str, scope_text: str, regime_text: str, language: str) -> str:
    fields = {
        "regime": regime_text,
        "scope": scope_text,
        "kommun": kommun,
        "budget": fmt.number(row["budget_t"], language),
        "start_year": int(row["start_year"]),
        "spent": fmt.number(row["spent_t"], language),
        "current_year": int(row["current_year"]),
        "remaining": fmt.number(row["remaining_budget_t"], language),
        "rate": fmt.percent(row["required_rate_pct"], language, 1),
        "date": fmt.month_year(row["budget_runs_out"], language) if row["budget_status"] == "runs_out" else "",
    }
    return i18n.t(f"page.carbon_budget.statement_{row['budget_status']}", language, **fields)


def build(p: Checked) -> Page:
    """Everything the budget page shows, for the checked parameters ``p``."""
    page = common.new_page(p, "carbon_budget")
    lang = p.language
    ids, why = excluded_installations(p)
    st = status_rows(p, ids)
    main = st[(st["regime_code"] == "grandfathering") & (st["scope"] == ("excluding" if ids else "all"))].iloc[0]
    page.subtitle = page.t(
        "subtitle",
        release=main["release"],
        first_year=int(main["data_first_year"]),
        last_year=int(main["data_last_year"]),
        current_year=p.current_year,
    )
    page.prose("intro", page.t("intro", kommun=p.kommun))
    page.prose("method", page.t("method", preset=i18n.t(f"page.carbon_budget.preset.{p.preset}", lang)), note=True)

    presets = budget.budget_presets().reset_index()
    page.add(
        Table(
            "presets",
            presets,
            [
                Column(
                    "preset", "label", label="page.carbon_budget.col.preset", label_prefix="page.carbon_budget.preset."
                ),
                Column("national_budget_t", "tonnes", unit="t_co2", label="page.carbon_budget.col.national_budget"),
                Column("start_year", "year", label="page.carbon_budget.col.start_year"),
                Column("reserved_t", "tonnes", unit="t_co2", label="page.carbon_budget.col.reserved"),
                Column("probability", "share", label="page.carbon_budget.col.probability"),
                Column("warming_c", "number", decimals=1, label="page.carbon_budget.col.warming"),
            ],
            source=page.t("presets_source"),
        )
    )

    # allocation principles side by side
    names = installation_names(ids) if ids else ""
    scope_text = {
        "all": i18n.t("page.carbon_budget.scope.all", lang),
        "excluding": i18n.t("page.carbon_budget.scope.excluding", lang, installations=names),
    }
    st["scope_text"] = st["scope"].map(scope_text)
    st["regime_text"] = [regime_label(r, p.blend_weight, lang) for r in st["regime_code"]]
    st = with_status_texts(st, lang)
    page.add(
        Table(
            "allocation",
            st,
            [
                Column("scope", "text", label="page.carbon_budget.col.scope", display="scope_text"),
                Column("regime_code", "text", label="page.carbon_budget.col.regime", display="regime_text"),
                *status_columns(spent=True),
            ],
        )
    )
    if ids:
        years = main["excluded_estimated_years"] or "–"
        page.prose("exclusion", page.t(f"exclusion_{why}", installations=names, years=years.replace(",", ", ")))
    else:
        page.prose("exclusion", page.t("exclusion_none"))
    page.sentences(
        "statements",
        [
            statement(r, kommun=p.kommun, scope_text=r["scope_text"], regime_text=r["regime_text"], language=lang)
            for _, r in st[st["regime_code"] == "grandfathering"].iterrows()
        ],
    )

    # the chart: the CO2 series (without the excluded point sources), trend, Carbon Law, budget pathway
    co2 = data.load_emissions(p.kommun_code, release=str(main["release"]), level="total")
    series_data = co2
    estimated_years: list[int] = []
    if ids:
        series_data = budget.exclude_point_sources(co2, ids, ets_emissions=data.load_ets_emissions(), fill="nearest")
        estimated_years = series_data.loc[series_data["excluded_basis"] == "estimated", "year"].astype(int).tolist()
        series_data = series_data.drop(columns=[c for c in series_data.columns if c.startswith("excluded_")])
    path = trends.pathway_years(series_data, current_year=p.current_year)
    obs = path[path["kind"] == "observed"].sort_values("year")
    lines = [
        charts.Line(page.t("series.observed"), obs["year"].tolist(), obs["t_co2e"].tolist(), "observed", markers=True)
    ]
    for kind, style in (("estimated", "trend"), ("trend", "trend"), ("carbon_law", "carbon_law")):
        d = path[path["kind"] == kind].sort_values("year")
        lines.append(
            charts.Line(
                i18n.t(f"series.{kind}", lang),
                d["year"].tolist(),
                d["t_co2e"].tolist(),
                style,
                dashed=kind != "carbon_law",
            )
        )
    bp = budget.budget_pathway(
        float(main["current_value"]), float(main["remaining_budget_t"]), current_year=p.current_year
    )
    if len(bp):
        lines.append(
            charts.Line(i18n.t("series.budget_path", lang), bp["year"].tolist(), bp["t_co2"].tolist(), "budget")
        )
    adopted = budget.adopted_budget(p.kommun_code)
    adopted_path = budget.adopted_pathway(p.kommun_code) if adopted else None
    if adopted_path is not None:
        ap = adopted_path[adopted_path["kind"] == "adopted_pathway"].sort_values("year")
        lines.append(
            charts.Line(
                i18n.t("series.adopted_path", lang), ap["year"].tolist(), ap["t_co2"].tolist(), "adopted", dashed=True
            )
        )
    if estimated_years:
        est = obs[obs["year"].isin(estimated_years)]
        lines.append(
            charts.Line(
                page.t("series.estimated_points"),
                est["year"].tolist(),
                est["t_co2e"].tolist(),
                "other",
                markers=True,
                points_only=True,
            )
        )
    scope_now = scope_text["excluding" if ids else "all"]
    fig = charts.lines(
        lines,
        language=lang,
        title=page.t("chart.title", kommun=p.kommun),
        ylabel=page.t("chart.ylabel"),
        xlabel=page.t("chart.xlabel"),
        mark_year=p.current_year,
        source=page.t("chart.source", release=main["release"]),
    )
    alt = page.t(
        "chart.alt",
        kommun=p.kommun,
        scope=scope_now,
        first_year=int(obs["year"].min()),
        last_year=int(obs["year"].max()),
        remaining=fmt.number(main["remaining_budget_t"], lang),
        current_year=p.current_year,
    )
    page.add(charts.render(fig, name="pathway_chart", alt=alt))

    if adopted is not None:
        made_by = i18n.t_or(f"kommun_budget.{p.kommun_code}.made_by", lang, str(adopted["made_by"]))
        excl_names = installation_names(list(adopted["excluded_installations"])) or "–"
        lines_adopted = [
            page.t(
                "adopted",
                year=int(adopted["delivered_year"]),
                made_by=made_by,
                cut=fmt.percent(100 * float(adopted["annual_cut"]), lang, 1),
                start=int(adopted["start_year"]),
                end=int(adopted["end_year"]),
                excluded=excl_names,
            )
        ]
        if adopted_path is not None and (adopted_path["basis"] == "estimated").any():
            lines_adopted.append(page.t("adopted_estimated", excluded=excl_names))
        page.sentences("adopted", lines_adopted)

    kk = common.budget_status(p.kommun_code, method="klimatkollen-2024").iloc[0]
    page.sentences(
        "klimatkollen",
        [
            page.t(
                "klimatkollen",
                kommun=p.kommun,
                budget=fmt.number(kk["budget_t"], lang),
                runs_out=runs_out_text(kk, lang),
                rate=fmt.percent(kk["required_rate_pct"], lang, 1),
            )
        ],
    )

    regime_text = regime_label("grandfathering", p.blend_weight, lang)
    key = {"runs_out": "key_line", "holds": "key_line_holds", "exhausted": "key_line_exhausted"}[main["budget_status"]]
    page.key_line = page.t(
        key,
        remaining=fmt.number(main["remaining_budget_t"], lang),
        current_year=p.current_year,
        regime=regime_text,
        scope=scope_now,
        runs_out=runs_out_text(main, lang),
    )
    page.key_figures = {
        "budget_method": main["budget_method"],
        "gas": main["gas"],
        "release": main["release"],
        "preset": main["preset"],
        "regime": "grandfathering",
        "excluded": list(ids),
        "budget_t": float(main["budget_t"]),
        "remaining_budget_t": float(main["remaining_budget_t"]),
        "budget_status": main["budget_status"],
        "budget_runs_out": main["budget_runs_out"],
        "required_rate_pct": None if fmt.is_missing(main["required_rate_pct"]) else float(main["required_rate_pct"]),
    }
    return page
