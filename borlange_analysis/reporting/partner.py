"""The partner page: what is known about one partner's emissions in its kommun.

Public facts with sources (and what is still missing), the SMHI sectors where the partner's
emissions land (the whole kommun's sector figures, said as such), EU ETS facility data and their
share of the sector, the partner's own activity data by scope when it has supplied them, a pathway
from its verified emissions to the kommun's target, and its levers: its measures in the kommun's
portfolio with their computed effects and its plant's pathway under them
(:func:`borlange_analysis.reporting.measures.partner_section`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import i18n, partners
from ..analysis import facilities, ghg_accounting, targets
from ..i18n import fmt
from ..params import Checked
from . import charts, common
from .page import Page
from .tables import Column, Table

#: The kommun target the partner pathway is drawn against (reference/targets.csv).
PATHWAY_TARGET = "kommun_neutral_2030"


def partner_text(partner: dict[str, Any], kind: str, item_id: str, language: str, inline: str = "") -> str:
    """A registry text (name, fact, missing, lever) from the catalogues, or the registry's own text
    for a user-supplied registry without catalogue entries."""
    key = f"partner.{partner['id']}.name" if kind == "name" else f"partner.{partner['id']}.{kind}.{item_id}"
    return i18n.t_or(key, language, inline or item_id)


def partner_name(partner: dict[str, Any], language: str) -> str:
    return partner_text(partner, "name", "", language, partner.get("name", partner["id"]))


def profile_frame(partner: dict[str, Any], language: str) -> pd.DataFrame:
    """Public facts: fact id, text in the page's language, source."""
    rows = [
        (
            f.get("id", str(i)),
            partner_text(partner, "fact", f.get("id", str(i)), language, f.get("text", "")),
            f["source"],
        )
        for i, f in enumerate(partner["facts"])
    ]
    return pd.DataFrame(rows, columns=["fact", "text", "source"])


def sector_frame(p: Checked, partner: dict[str, Any]) -> pd.DataFrame:
    """The SMHI sectors where the partner's emissions land: the whole kommun's emissions in each
    sector in the last year (t CO2e) and their share of the kommun's total."""
    em = common.sector_emissions(p)
    cols = ["sector", "year", "t_co2e", "share"]
    if not partner["sectors"] or em.empty:
        return pd.DataFrame(columns=cols)
    last = int(em["year"].max())
    cur = em[em["year"] == last]
    total = cur["t_co2e"].sum()
    mine = cur[cur["sector"].isin(partner["sectors"])]
    return pd.DataFrame(
        {
            "sector": mine["sector"].to_numpy(),
            "year": last,
            "t_co2e": mine["t_co2e"].to_numpy(),
            "share": mine["t_co2e"].to_numpy() / total,
        }
    )[cols]


def facility_frame(partner: dict[str, Any]) -> pd.DataFrame:
    """Verified emissions per installation and year (t CO2e, EUTL), in year order."""
    fac = facilities.facility_series(partner)
    return fac.sort_values(["year", "installation_id"], kind="stable").reset_index(drop=True)


def pathway_frame(facility: pd.DataFrame, *, reduction: float, target_year: int, current_year: int) -> pd.DataFrame:
    return facilities.partner_pathway(facility, target_year=target_year, reduction=reduction, current_year=current_year)


def _kommun_target() -> pd.Series:
    tab = targets.targets()
    return tab.set_index("target_id").loc[PATHWAY_TARGET]


def build(p: Checked) -> Page:
    """Everything the partner page shows, for the checked parameters ``p``."""
    prt = partners.get_partner(str(p.partner))
    lang = p.language
    name = partner_name(prt, lang)
    page = common.new_page(p, "partner", partner=name)
    if p.kommun in name:  # "Borlänge Energi", not "Borlänge Energi i Borlänge"
        page.title = name
    page.prose("intro", page.t("intro", partner=name, kommun=p.kommun))

    profile = profile_frame(prt, lang)
    page.add(
        Table(
            "profile",
            profile,
            [Column("text", "text", label="page.partner.col.fact"), Column("source", "text", label="col.publisher")],
            empty="page.partner.no_facts",
        )
    )
    missing = [partner_text(prt, "missing", m, lang, m) for m in prt["missing"]]
    page.sentences("missing", [page.t("missing_item", item=m) for m in missing])

    sectors = sector_frame(p, prt)
    page.add(
        Table(
            "sectors",
            sectors,
            [
                Column("sector", "text", translate=i18n.sector_label),
                Column("year", "year"),
                Column("t_co2e", "tonnes", unit="t_co2e", label="page.partner.col.kommun_sector"),
                Column("share", "share", label="page.partner.col.share_of_kommun"),
            ],
            empty="page.partner.no_sectors",
            note=page.t("sectors_note", kommun=p.kommun),
        )
    )

    # EU ETS facility data
    fac = facility_frame(prt)
    if fac.empty:
        page.prose("facility_none", page.t("facility_none"))
    else:
        per_year = (
            fac.groupby("year", as_index=False)["verified_t_co2e"].sum().rename(columns={"verified_t_co2e": "value"})
        )
        first, last = per_year.iloc[0], per_year.iloc[-1]
        fig = charts.bars_by_year(
            per_year,
            language=lang,
            title=page.t("chart.facility_title", partner=name),
            ylabel=i18n.t("unit.t_co2e_per_yr", lang),
            xlabel=page.t("chart.xlabel"),
            source=page.t("chart.facility_source"),
            colour=charts.SERIES_COLOURS["budget"],
        )
        alt = page.t(
            "chart.facility_alt",
            partner=name,
            first_year=int(first["year"]),
            last_year=int(last["year"]),
            first=fmt.number(first["value"], lang),
            last=fmt.number(last["value"], lang),
        )
        page.add(charts.render(fig, name="facility_chart", alt=alt))
        page.add(
            Table(
                "facility",
                fac,
                [
                    Column("name", "text", label="page.partner.col.installation"),
                    Column("installation_id", "text", label="page.partner.col.installation_id"),
                    Column("year", "year"),
                    Column("verified_t_co2e", "tonnes", unit="t_co2e", label="page.partner.col.verified"),
                ],
                source=page.t("chart.facility_source"),
            )
        )
        share = facilities.facility_share(prt, release=p.values["facility_release"])
        page.add(
            Table(
                "facility_share",
                share,
                [
                    Column("year", "year"),
                    Column("verified_t_co2e", "tonnes", unit="t_co2e", label="page.partner.col.verified"),
                    Column("sector_t_co2e", "tonnes", unit="t_co2e", label="page.partner.col.sector_total"),
                    Column("share", "share", decimals=0),
                    Column("remainder_t_co2e", "tonnes", unit="t_co2e", label="page.partner.col.remainder"),
                ],
                empty="page.partner.share_none",
                empty_fields={"release": p.values["facility_release"]},
                note=page.t("share_note", release=p.values["facility_release"]),
            )
        )

    # the partner's own activity data
    act, fac_factors = partners.partner_activity(prt["id"])
    illustrative = False
    if act is None and p.values["use_example_activity"]:
        act, fac_factors = partners.example_activity()
        act = act.assign(partner_id=prt["id"])
        illustrative = True
    elif act is not None:
        illustrative = partners.is_illustrative(act)
    if act is None:
        page.prose("scopes_none", page.t("scopes_none", partner=name, pid=prt["id"]))
    else:
        scopes = ghg_accounting.scope_summary(ghg_accounting.scope_emissions(act, fac_factors))
        if illustrative:
            page.prose("illustrative", page.t("illustrative"), note=True)
        page.add(
            Table(
                "scopes",
                scopes,
                [
                    Column("year", "year"),
                    Column("scope_1", "tonnes", unit="t_co2e", label="page.partner.col.scope_1"),
                    Column("scope_2_location", "tonnes", unit="t_co2e", label="page.partner.col.scope_2_location"),
                    Column("scope_2_market", "tonnes", unit="t_co2e", label="page.partner.col.scope_2_market"),
                    Column("scope_3", "tonnes", unit="t_co2e", label="page.partner.col.scope_3"),
                ],
                note=page.t("scopes_note"),
            )
        )
        lines = []
        for _, row in scopes.iterrows():
            if row.get("scope_2_market_status") in ("missing", "partly_missing"):
                acts = [i18n.t_or(f"activity.{a}", lang, a) for a in str(row["scope_2_market_missing"]).split(";") if a]
                lines.append(page.t("market_missing", year=int(row["year"]), activities=", ".join(acts)))
        page.sentences("scopes_missing", lines)

    # pathway against the kommun's target
    target = _kommun_target()
    reduction, target_year = float(target["reduction"]), int(target["target_year"])
    path = pathway_frame(fac, reduction=reduction, target_year=target_year, current_year=p.current_year)
    if path.empty:
        page.prose("pathway_none", page.t("pathway_none"))
    else:
        verified = path[path["kind"] == "verified"].sort_values("year")
        target_path = path[path["kind"] == "target_path"].sort_values("year")
        series = [
            charts.Line(
                page.t("series.verified"),
                verified["year"].tolist(),
                verified["t_co2e"].tolist(),
                "observed",
                markers=True,
            ),
            charts.Line(
                page.t("series.target_path", pct=fmt.percent(100 * reduction, lang), year=target_year),
                target_path["year"].tolist(),
                target_path["t_co2e"].tolist(),
                "carbon_law",
                dashed=True,
            ),
        ]
        caption = page.t(
            "pathway_caption",
            pct=fmt.percent(100 * reduction, lang),
            year=target_year,
            base_year=int(verified["year"].min()),
        )
        fig = charts.lines(
            series,
            language=lang,
            title=page.t("chart.pathway_title", partner=name),
            ylabel=i18n.t("unit.t_co2e_per_yr", lang),
            xlabel=page.t("chart.xlabel"),
            source=page.t("chart.facility_source"),
        )
        alt = page.t(
            "chart.pathway_alt",
            partner=name,
            first_year=int(verified["year"].min()),
            last_year=int(verified["year"].max()),
            year=target_year,
            target=fmt.number(target_path["t_co2e"].iloc[-1], lang),
        )
        page.add(charts.render(fig, name="pathway_chart", alt=alt, caption=caption))

    # levers: the partner's measures of the catalogue with their computed effects
    from .measures import partner_section

    partner_section(page, prt)

    verified_last = fac.groupby("year")["verified_t_co2e"].sum() if not fac.empty else pd.Series(dtype=float)
    if len(verified_last):
        y = int(verified_last.index.max())
        page.key_line = page.t("key_line_facility", year=y, value=fmt.number(verified_last.loc[y], lang))
        page.key_figures = {"partner": prt["id"], "verified_year": y, "verified_t_co2e": float(verified_last.loc[y])}
    else:
        secs = ", ".join(i18n.sector_label(s, lang) for s in prt["sectors"])
        page.key_line = secs or page.t("key_line_none")
        page.key_figures = {"partner": prt["id"]}
    return page
