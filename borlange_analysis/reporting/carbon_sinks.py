"""The carbon-sinks page: the existing sink (two estimates with ranges), the parameters and their
sources, measures that add sinks and technical removals, and the climate-neutrality balance under
Sweden's climate framework (the existing sink is shown, never subtracted).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .. import data, i18n
from ..analysis import sinks
from ..analysis.trends import pathways, trend_value
from ..i18n import fmt
from ..params import Checked
from . import charts, common
from .page import Page
from .tables import Column, Table


def _unit_key(unit: str) -> str:
    return "sinkunit." + re.sub(r"[^a-z0-9]+", "_", str(unit).lower()).strip("_")


def sector_trend_path(sector_emissions: pd.DataFrame, *, current_year: int, target_year: int) -> pd.DataFrame:
    """year, sector, t_co2e: each main sector on its Klimatkollen trend (floored at 0) from the
    analysis year to the target year."""
    fit = pathways(sector_emissions, current_year=current_year)
    years = np.arange(current_year, target_year + 1)
    vals = trend_value(fit, years)
    return pd.DataFrame(
        {
            "year": np.tile(years, len(fit)),
            "sector": np.repeat(fit["sector"].to_numpy(), len(years)),
            "t_co2e": vals.reshape(-1),
        }
    )


def scenario_measures(p: Checked, *, forest_ha: float) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """The page's scenarios (long table of ``sinks.run_scenario`` rows from the analysis year to
    2050) and, per scenario, its label in the page's language."""
    lang = p.language
    start, end = p.current_year, 2050
    runs: list[tuple[str, dict[str, Any], str]] = [
        (
            "set_aside",
            {"area_ha": p.set_aside_ha},
            i18n.t("page.carbon_sinks.scenario.set_aside", lang, area=fmt.number(p.set_aside_ha, lang)),
        ),
        (
            "afforestation",
            {"area_ha": p.afforestation_ha},
            i18n.t("page.carbon_sinks.scenario.afforestation", lang, area=fmt.number(p.afforestation_ha, lang)),
        ),
        (
            "rewetting",
            {"area_ha": p.rewetting_ha},
            i18n.t("page.carbon_sinks.scenario.rewetting", lang, area=fmt.number(p.rewetting_ha, lang)),
        ),
        (
            "harvest_change",
            {"forest_ha": forest_ha, "change_share": p.harvest_change},
            i18n.t(
                "page.carbon_sinks.scenario.harvest_change", lang, pct=fmt.signed_percent(100 * p.harvest_change, lang)
            ),
        ),
        (
            "biochar",
            {"biochar_t_per_yr": p.biochar_t},
            i18n.t("page.carbon_sinks.scenario.biochar", lang, mass=fmt.number(p.biochar_t, lang)),
        ),
    ]
    frames, labels = [], []
    for name, kw, label in runs:
        frames.append(sinks.run_scenario(name, start_year=start, end_year=end, **kw).assign(measure=name))
        labels.append((name, label))
    inst = p.ccs_installation
    if inst and inst in set(data.load_ets_installations(p.kommun_code)["installation_id"]):
        names = data.load_ets_installations().set_index("installation_id")["name"]
        frames.append(
            sinks.run_scenario(
                "ccs_installation", installation_id=inst, start_year=max(start, 2030), end_year=end
            ).assign(measure="ccs")
        )
        labels.append(("ccs", i18n.t("page.carbon_sinks.scenario.ccs", lang, installation=f"{names[inst]} ({inst})")))
    cols = ["year", "measure", "component", "kind", "sector", "inventory", "t_co2e"]
    out = pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)
    return out, labels


def build(p: Checked) -> Page:
    """Everything the sinks page shows, for the checked parameters ``p``."""
    page = common.new_page(p, "carbon_sinks")
    lang = p.language
    target_year = int(p.target_year)
    page.prose("intro", page.t("intro", kommun=p.kommun))

    # the existing sink
    est = sinks.sink_estimates(p.kommun_code)
    area = float(est["area_ha"].iloc[0])
    est = est.assign(year_shown=est["year"])
    page.add(
        Table(
            "existing",
            est,
            [
                Column(
                    "method", "label", label="page.carbon_sinks.col.method", label_prefix="page.carbon_sinks.method."
                ),
                Column(
                    "coverage",
                    "label",
                    label="page.carbon_sinks.col.coverage",
                    label_prefix="page.carbon_sinks.coverage.",
                ),
                Column("year_shown", "year", label="col.year"),
                Column("low_t_co2", "tonnes", unit="t_co2_per_yr", label="page.carbon_sinks.col.low"),
                Column("central_t_co2", "tonnes", unit="t_co2_per_yr", label="page.carbon_sinks.col.central"),
                Column("high_t_co2", "tonnes", unit="t_co2_per_yr", label="page.carbon_sinks.col.high"),
                Column(
                    "sign_code", "label", label="page.carbon_sinks.col.sign", label_prefix="page.carbon_sinks.sign."
                ),
            ],
        )
    )
    area_row = est[est["method"] == "lulucf_area_share"].iloc[0]
    gl_row = est[est["method"] == "gain_loss"].iloc[0]
    fields = {"area": fmt.number(area, lang)}
    lines = [
        page.t(
            "existing_area_share",
            **fields,
            central=fmt.number(area_row["central_t_co2"], lang),
            low=fmt.number(area_row["low_t_co2"], lang),
            high=fmt.number(area_row["high_t_co2"], lang),
            year=fmt.year(area_row["year"]),
        )
    ]
    gl_key = {"sign_uncertain": "existing_gain_loss_uncertain", "net_source": "existing_gain_loss_source"}.get(
        gl_row["sign_code"], "existing_gain_loss_sink"
    )
    lines.append(
        page.t(
            gl_key,
            **fields,
            central=fmt.number(gl_row["central_t_co2"], lang),
            central_abs=fmt.number(abs(gl_row["central_t_co2"]), lang),
            low=fmt.number(gl_row["low_t_co2"], lang),
            high=fmt.number(gl_row["high_t_co2"], lang),
        )
    )
    page.sentences("existing_statements", lines)
    labels = [i18n.t(f"page.carbon_sinks.method.{m}", lang) for m in est["method"]]
    fig = charts.ranges(
        labels,
        est["low_t_co2"],
        est["central_t_co2"],
        est["high_t_co2"],
        language=lang,
        title=page.t("chart.title", kommun=p.kommun),
        ylabel=page.t("chart.ylabel"),
        source=page.t("chart.source"),
    )
    alt = page.t(
        "chart.alt",
        area_share=fmt.number(area_row["central_t_co2"], lang),
        area_low=fmt.number(area_row["low_t_co2"], lang),
        area_high=fmt.number(area_row["high_t_co2"], lang),
        gain_loss=fmt.number(gl_row["central_t_co2"], lang),
        gl_low=fmt.number(gl_row["low_t_co2"], lang),
        gl_high=fmt.number(gl_row["high_t_co2"], lang),
    )
    page.add(charts.render(fig, name="existing_chart", alt=alt))

    # parameters
    par = sinks.sink_parameters()
    par = par.assign(
        label=[i18n.t_or(f"sinkparam.{x}", lang, x) for x in par["parameter"]],
        unit_text=[i18n.t_or(_unit_key(u), lang, u) for u in par["unit"]],
        reference=par["reference"].fillna("").astype(str),
    )
    par["value_text"] = [fmt.compact(v, lang) for v in par["value"]]
    par["low_text"] = [fmt.compact(v, lang) for v in par["low"]]
    par["high_text"] = [fmt.compact(v, lang) for v in par["high"]]
    page.add(
        Table(
            "parameters",
            par,
            [
                Column("parameter", "text", label="page.carbon_sinks.col.parameter", display="label"),
                Column("value", "number", decimals=3, display="value_text", label="col.value"),
                Column("low", "number", decimals=3, label="page.carbon_sinks.col.low", display="low_text"),
                Column("high", "number", decimals=3, label="page.carbon_sinks.col.high", display="high_text"),
                Column("unit", "text", label="col.unit", display="unit_text"),
                Column(
                    "status", "label", label="page.carbon_sinks.col.status", label_prefix="page.carbon_sinks.status."
                ),
                Column("source", "text", label="page.carbon_sinks.col.reference", display="reference"),
            ],
            note=page.t("parameters_note"),
        )
    )

    # scenarios
    measures, scen_labels = scenario_measures(p, forest_ha=area)
    label_of = dict(scen_labels)
    at = measures[measures["year"] == target_year].copy()
    at["measure_text"] = at["measure"].map(label_of)
    page.add(
        Table(
            "scenarios",
            at,
            [
                Column("measure", "text", label="page.carbon_sinks.col.measure", display="measure_text"),
                Column(
                    "component",
                    "label",
                    label="page.carbon_sinks.col.component",
                    label_prefix="page.carbon_sinks.component.",
                ),
                Column("kind", "label", label="page.carbon_sinks.col.kind", label_prefix="page.carbon_sinks.kind."),
                Column(
                    "inventory",
                    "label",
                    label="page.carbon_sinks.col.inventory",
                    label_prefix="page.carbon_sinks.inventory.",
                ),
                Column("t_co2e", "tonnes", unit="t_co2e_per_yr", label="page.carbon_sinks.col.effect"),
            ],
            note=page.t("scenarios_note"),
        )
    )
    if p.ccs_installation and "ccs" not in label_of:
        page.prose("ccs_missing", page.t("ccs_missing", installation=p.ccs_installation, kommun=p.kommun))

    # the balance in the target year
    em = common.sector_emissions(p)
    path = sector_trend_path(em, current_year=p.current_year, target_year=target_year)
    base = common.total_emissions(p).set_index("year")["t_co2e"].get(1990, np.nan)
    existing = {r.method: (r.low_t_co2, r.central_t_co2, r.high_t_co2) for r in est.itertuples()}
    bal = sinks.neutrality_balance(
        path,
        base_value=base,
        existing_sinks=existing,
        measures=measures,
        reduction=p.reduction,
        target_year=target_year,
    )
    b = bal[bal["year"] == target_year].iloc[0]
    pct = fmt.percent(100 * p.reduction, lang)
    items = [
        ("baseline", b["baseline_t_co2e"]),
        ("emission_cuts", -b["emission_cuts_t_co2e"]),
        ("residual", b["residual_emissions_t_co2e"]),
        ("additional_sinks", -b["additional_sinks_t_co2e"]),
        ("technical_removals", -b["technical_removals_t_co2e"]),
        ("net", b["net_emissions_t_co2e"]),
        ("gap", b["neutrality_gap_t_co2e"]),
        ("existing_area_share", b["existing_sink_lulucf_area_share_t_co2"]),
        ("existing_gain_loss", b["existing_sink_gain_loss_t_co2"]),
        ("residual_allowed", b["residual_allowed_t_co2e"]),
    ]
    frame = pd.DataFrame(items, columns=["item", "t_co2e"])
    frame["item_text"] = [i18n.t(f"page.carbon_sinks.balance.{k}", lang, pct=pct) for k in frame["item"]]
    page.prose("balance_intro", page.t("balance_intro", year=target_year))
    page.add(
        Table(
            "balance",
            frame,
            [
                Column("item", "text", label="page.carbon_sinks.col.item", display="item_text"),
                Column("t_co2e", "tonnes", unit="t_co2e", label="col.value"),
            ],
        )
    )
    nums = {
        "kommun": p.kommun,
        "year": target_year,
        "gap": fmt.number(b["neutrality_gap_t_co2e"], lang),
        "residual": fmt.number(b["residual_emissions_t_co2e"], lang),
        "additional": fmt.number(b["additional_sinks_t_co2e"], lang),
        "removals": fmt.number(b["technical_removals_t_co2e"], lang),
    }
    lines = [page.t("balance_gap" if b["neutrality_gap_t_co2e"] > 0 else "balance_closed", **nums)]
    over = b["residual_emissions_t_co2e"] - b["residual_allowed_t_co2e"]
    cut_fields = {
        "pct": pct,
        "allowed": fmt.number(b["residual_allowed_t_co2e"], lang),
        "year": target_year,
        "over": fmt.number(over, lang),
    }
    lines.append(page.t("balance_cut" if over > 0 else "balance_cut_met", **cut_fields))
    page.sentences("balance_statements", lines)

    page.key_figures = {
        "existing_sink_lulucf_area_share_t_co2": float(area_row["central_t_co2"]),
        "existing_sink_year": int(area_row["year"]),
        "existing_sink_gain_loss_t_co2": float(gl_row["central_t_co2"]),
        "existing_sink_gain_loss_sign": str(gl_row["sign_code"]),
        "target_year": target_year,
        "neutrality_gap_with_scenarios_t_co2e": float(b["neutrality_gap_t_co2e"]),
    }
    page.key_line = page.t(
        "key_line",
        central=fmt.number(area_row["central_t_co2"], lang),
        year=fmt.year(area_row["year"]),
        target_year=target_year,
        gap=fmt.number(b["neutrality_gap_t_co2e"], lang),
    )
    return page
