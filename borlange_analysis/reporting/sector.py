"""The sector page: one of SMHI's nine main sectors in a kommun.

Its emissions by year and share of the kommun's total, sub-sectors (from the newest release that
has them), the trend against the Carbon Law, the kommun against its peers in the sector, the EU ETS
point sources of the sector and the levers (general ones from ``reference/sector_levers.csv`` and
those the kommun's partners registered, never a confidential partner's).

The statements and key figures come from the sector's row of the indicators table
(``analysis.indicators``, the page's release and analysis year), so the sentences, the key-figure
table, the index line and ``summary.json`` agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import config, data, i18n, reference
from .. import partners as prt
from ..errors import fold
from ..i18n import fmt
from ..names import SECTOR_TOTAL, ets_sectors, kommun_resolver, sector_id
from ..params import Checked
from . import charts, common, peers, statements
from .page import Page, Prose
from .tables import Column, Table

# --- sub-sectors --------------------------------------------------------------------------------


def subsector_key(name: str) -> str:
    """The catalogue key of an SMHI sub-sector: a slug of SMHI's Swedish name, accents folded
    ('Slitage fran däck och bromsar' -> 'slitage_fran_dack_och_bromsar'), so the key stays the
    same when SMHI corrects its spelling of 'från' or 'Hästgödsel'."""
    text = "".join(c if c.isalnum() else "_" for c in fold(name))
    return "_".join(part for part in text.split("_") if part)


def subsector_label(name: str, language: str) -> str:
    """An SMHI sub-sector's name in the page's language (``i18n/*/subsectors.toml``); SMHI's own
    name when the catalogue does not know it (a sub-sector of a later release)."""
    return i18n.t_or(f"subsector.{subsector_key(name)}", language, str(name))


def subsector_release(release: str, with_subsectors: Sequence[str]) -> str | None:
    """The release whose sub-sectors the page shows: the page's own when it has them, else the
    newest that has them (None when none has)."""
    if release in with_subsectors:
        return release
    return with_subsectors[-1] if with_subsectors else None


def zero_subsectors(sub: pd.DataFrame) -> list[str]:
    """The sub-sectors of ``sub`` with 0 t in every year (SMHI lists them for every kommun), sorted."""
    if sub.empty:
        return []
    nonzero = sub.groupby("subsector")["t_co2e"].apply(lambda v: bool((v.abs() > 0).any()))
    return sorted(nonzero.index[~nonzero.to_numpy(dtype=bool)].tolist())


def subsector_table(sub: pd.DataFrame) -> pd.DataFrame:
    """Per sub-sector in the last year of ``sub`` (one kommun, one sector, tidy: subsector, year,
    t_co2e): t CO2e, share of the sector's sum of sub-sectors (0-1) and change since 1990 (%),
    largest first. Sub-sectors with 0 t in every year are left out (:func:`zero_subsectors`)."""
    sub = sub[~sub["subsector"].isin(zero_subsectors(sub))] if len(sub) else sub
    if sub.empty:
        return pd.DataFrame(columns=["subsector", "year", "t_co2e", "share_of_sector", "change_since_1990_pct"])
    last = int(sub["year"].max())
    cur = sub[sub["year"] == last].groupby("subsector")["t_co2e"].sum()
    base = sub[sub["year"] == 1990].groupby("subsector")["t_co2e"].sum().reindex(cur.index)
    total = float(cur.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        change = 100 * (cur / base.where(base > 0) - 1)
    out = pd.DataFrame(
        {
            "subsector": cur.index,
            "year": last,
            "t_co2e": cur.to_numpy(dtype=float),
            "share_of_sector": (cur / total).to_numpy(dtype=float) if total > 0 else np.nan,
            "change_since_1990_pct": change.to_numpy(dtype=float),
        }
    )
    return out.sort_values(["t_co2e", "subsector"], ascending=[False, True], kind="stable").reset_index(drop=True)


def subsector_chart_data(sub: pd.DataFrame) -> pd.DataFrame:
    """year, key (sub-sector key), value (t CO2e) for the stacked chart, sorted by year then key;
    sub-sectors with no emissions in any year are left out."""
    if sub.empty:
        return pd.DataFrame(columns=["year", "key", "value"])
    d = sub.assign(key=sub["subsector"].map(subsector_key))
    d = d.groupby(["year", "key"], as_index=False)["t_co2e"].sum().rename(columns={"t_co2e": "value"})
    keep = d.groupby("key")["value"].transform(lambda v: (v.abs() > 0).any())
    return d[keep].sort_values(["year", "key"], kind="stable").reset_index(drop=True)


# --- the sector's series ----------------------------------------------------------------------------


def emissions_chart_data(series: pd.DataFrame) -> pd.DataFrame:
    """year, value (t CO2e) of one sector, sorted by year: the bar chart's data."""
    d = series.groupby("year", as_index=False)["t_co2e"].sum().rename(columns={"t_co2e": "value"})
    return d.sort_values("year", kind="stable").reset_index(drop=True)


def share_table(series: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    """year, t_co2e (the sector), total_t_co2e (the kommun), share (0-1; empty when the total is
    not positive), sorted by year."""
    s = series.groupby("year")["t_co2e"].sum()
    t = totals.groupby("year")["t_co2e"].sum().reindex(s.index)
    share = s / t.where(t > 0)
    out = pd.DataFrame(
        {"year": s.index.astype(int), "t_co2e": s.to_numpy(), "total_t_co2e": t.to_numpy(), "share": share.to_numpy()}
    )
    return out.sort_values("year", kind="stable").reset_index(drop=True)


# --- EU ETS point sources -----------------------------------------------------------------------------


def installation_sectors(registry: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """The SMHI main sector of each EU ETS installation a partner operates (EUTL gives none): the
    partner's first sector that EU ETS covers, else its first sector."""
    covered = set(ets_sectors())
    out: dict[str, str] = {}
    for p in registry:
        secs = list(p.get("sectors") or [])
        pick = next((s for s in secs if s in covered), secs[0] if secs else "")
        for inst in p.get("ets_installations") or []:
            if pick:
                out[str(inst)] = pick
    return out


def point_sources(
    installations: pd.DataFrame,
    emissions: pd.DataFrame,
    sector_of: Mapping[str, str],
    *,
    sector: str,
    covered: Iterable[str],
) -> pd.DataFrame:
    """The EU ETS installations of a kommun that belong to ``sector``: installation_id, name,
    sector ('' when unknown), year and verified_t_co2e of the latest verified year, match (how the
    installation was placed in the kommun). An installation whose sector is unknown is listed only
    under the sectors EU ETS covers (``covered``). Largest first."""
    cols = ["installation_id", "name", "sector", "year", "verified_t_co2e", "match"]
    if installations.empty:
        return pd.DataFrame(columns=cols)
    last = emissions.sort_values("year", kind="stable").groupby("installation_id").tail(1)
    t = installations.merge(last[["installation_id", "year", "verified_t_co2e"]], on="installation_id", how="left")
    t["sector"] = t["installation_id"].map(dict(sector_of)).fillna("")
    keep = (t["sector"] == sector) | ((t["sector"] == "") & (sector in set(covered)))
    out = t.loc[keep, cols]
    return out.sort_values(
        ["verified_t_co2e", "installation_id"], ascending=[False, True], na_position="last", kind="stable"
    ).reset_index(drop=True)


# --- levers -------------------------------------------------------------------------------------------


def sector_lever_rows(levers: pd.DataFrame, sector: str) -> pd.DataFrame:
    """The general levers of ``sector`` (``reference/sector_levers.csv``): id, sector, source."""
    return levers[levers["sector"] == sector].reset_index(drop=True)


def partner_lever_rows(
    registry: Iterable[Mapping[str, Any]],
    lever_sectors: pd.DataFrame,
    *,
    sector: str,
    kommun_code: str,
) -> pd.DataFrame:
    """The levers that the kommun's partners registered in ``sector``: partner_id, partner (the
    registry's name), lever_id, text (the registry's own text, for a registry without catalogue
    entries; empty otherwise). A confidential partner's levers are never listed.

    A lever's sectors: ``sectors`` given in the registry entry of the lever, else its rows in
    ``lever_sectors`` (partner, lever, sector; ``reference/partner_lever_sectors.csv``), else the
    partner's sectors."""
    mapped: dict[tuple[str, str], set[str]] = {}
    for r in lever_sectors.itertuples(index=False):
        mapped.setdefault((str(r.partner), str(r.lever)), set()).add(str(r.sector))
    rows = []
    for p in registry:
        if p.get("confidential") or p.get("kommun") != kommun_code:
            continue
        for lever in p.get("levers") or []:
            own = lever.get("sectors")
            secs = set(own) if own else mapped.get((p["id"], lever["id"]), set(p.get("sectors") or []))
            if sector in secs:
                rows.append(
                    {
                        "partner_id": p["id"],
                        "partner": p.get("name", p["id"]),
                        "lever_id": lever["id"],
                        "text": lever.get("text") or "",
                    }
                )
    return pd.DataFrame(rows, columns=["partner_id", "partner", "lever_id", "text"])


def partner_lever_texts(rows: pd.DataFrame, language: str) -> pd.DataFrame:
    """``rows`` of :func:`partner_lever_rows` with the partner's name and the lever's text in the
    page's language (``partner.<id>.name`` and ``partner.<id>.lever.<lever>`` of the catalogues,
    the registry's own texts for a registry without catalogue entries)."""
    from .partner import partner_name, partner_text

    partners = [{"id": i, "name": n} for i, n in zip(rows["partner_id"], rows["partner"], strict=True)]
    return rows.assign(
        partner_text=[partner_name(p, language) for p in partners],
        lever_text=[
            partner_text(p, "lever", lid, language, text)
            for p, lid, text in zip(partners, rows["lever_id"], rows["text"], strict=True)
        ],
    )


# --- the page -----------------------------------------------------------------------------------------


def key_figures(p: Checked, row: pd.Series, *, share: float, rank: peers.Rank) -> dict[str, Any]:
    """Machine-readable key figures of the sector in the kommun (summary.json and the index)."""

    num = common.number_or_none

    return {
        "kommun": p.kommun,
        "kommun_code": p.kommun_code,
        "sector": p.sector,
        "sector_id": sector_id(str(p.sector)),
        "release": p.release,
        "gas": p.gas,
        "current_year": p.current_year,
        **common.trend_figures(row),
        "share_of_total": num(share),
        "peer_rank": rank.rank,
        "peers": rank.n,
    }


def share_text(share: float, language: str) -> str:
    """A share of the total (0-1) as a percentage: whole per cent, one decimal below 1 % so a small
    sector does not read as nothing ('0,4 %'), '0 %' only for nothing."""
    return fmt.share(share, language)


def change_text(pct: float, language: str) -> str:
    """A change in per cent with its sign ('+9 %', '−21 %'), so a rise is not read as a fall."""
    text = fmt.percent(pct, language)
    return "+" + text if not fmt.is_missing(pct) and round(float(pct)) > 0 else text


def is_zero(series: pd.DataFrame) -> bool:
    """True when a sector's series has 0 t in every year (or no rows): SMHI lists every sector for
    every kommun, also where nothing is emitted."""
    return float(series["t_co2e"].abs().sum()) == 0.0


def _key_table(page: Page, row: pd.Series, share: float, *, zero: bool) -> Table:
    lang = page.language
    net_zero = page.t("kf.already_zero") if zero else statements.net_zero_text(row["net_zero_year"], lang)
    first = config.DEFAULTS.first_trend_year
    last_year = int(row["last_year"])
    num = fmt.number
    c1990, c2005 = row["change_since_1990_pct"], row["change_since_2005_pct"]
    rows = [
        ("emissions", page.t("kf.emissions", year=last_year), row["last_value"], num(row["last_value"], lang)),
        ("share", page.t("kf.share", year=last_year), share, share_text(share, lang)),
        ("change_1990", page.t("kf.change_1990"), c1990, change_text(c1990, lang)),
        ("change_2005", page.t("kf.change_2005"), c2005, change_text(c2005, lang)),
        ("trend", page.t("kf.trend", first_year=first), row["trend_slope"], num(row["trend_slope"], lang)),
        ("estimate", page.t("kf.estimate", year=page.p.current_year), row["current_value"],
         num(row["current_value"], lang)),
        ("per_capita", page.t("kf.per_capita", year=last_year), row["per_capita_t"],
         num(row["per_capita_t"], lang, max(2, peers.tick_decimals([row["per_capita_t"]])))),
        ("on_track", page.t("kf.on_track"), float(bool(row["on_track"])), fmt.boolean(row["on_track"], lang)),
        ("net_zero", page.t("kf.net_zero"), row["net_zero_year"], net_zero),
    ]  # fmt: skip
    units = ["t_co2e", "none", "none", "none", "t_co2e_per_yr", "t_co2e", "t_co2e_per_capita", "none", "none"]
    frame = pd.DataFrame(rows, columns=["indicator", "label", "value", "value_text"])
    frame["unit"] = units
    frame["unit_text"] = [i18n.t(f"unit.{u}", lang) for u in units]
    return Table(
        "key_figures",
        frame,
        [
            Column("indicator", "text", display="label", label="col.indicator"),
            Column("value", "number", display="value_text", label="col.value"),
            Column("unit", "text", display="unit_text", label="col.unit"),
        ],
    )


def statement_lines(page: Page, row: pd.Series, series: pd.DataFrame, *, label: str, share: float) -> list[str]:
    """The sector in words, from its indicators row and its series (the same numbers as the key
    figures): share of the total, change since 1990 and 2005, the Carbon Law, net zero."""
    p, lang = page.p, page.language
    last_year = int(row["last_year"])
    by_year = series.groupby("year")["t_co2e"].sum()
    if is_zero(series):
        return [page.t("zero", sector=label, kommun=p.kommun, first_year=int(by_year.index.min()), last_year=last_year)]
    lines = [
        page.t(
            "share_sentence",
            sector=label,
            kommun=p.kommun,
            year=last_year,
            share=share_text(share, lang),
            value=fmt.number(row["last_value"], lang),
        )
    ]
    for base in (1990, 2005):
        base_value = by_year.get(base)
        if base_value is not None and float(base_value) == 0.0:
            lines.append(
                page.t("change_from_zero", base_year=base, year=last_year, value=fmt.number(row["last_value"], lang))
            )
            continue
        lines.append(
            statements.change(
                base_year=base, base_value=base_value, year=last_year, value=row["last_value"], language=lang
            )
        )
    lines.append(
        statements.carbon_law(
            subject=i18n.t("statement.subject_sector", lang, sector=label, kommun=p.kommun),
            on_track=bool(row["on_track"]),
            total_trend=row["total_trend"],
            total_law=row["total_carbon_law"],
            current_year=p.current_year,
            end_year=config.DEFAULTS.end_year,
            language=lang,
        )
    )
    lines.append(
        statements.net_zero(value=row["net_zero_year"], first_year=config.DEFAULTS.first_trend_year, language=lang)
    )
    return lines


def _empty(name: str) -> Prose:
    """An item that shows nothing (a chart that has no data: the table below it says why)."""
    return Prose(name, "")


def _emissions_section(page: Page, series: pd.DataFrame, totals: pd.DataFrame, label: str) -> None:
    p = page.p
    d = emissions_chart_data(series)
    if is_zero(series):
        page.add(_empty("emissions_chart"))  # the statements say there are none; the table shows the zeros
    else:
        _emissions_chart(page, d, label)
    page.add(
        Table(
            "share",
            share_table(series, totals),
            [
                Column("year", "year", label="col.year"),
                Column("t_co2e", "tonnes", unit="t_co2e", label="page.sector.col.sector_emissions"),
                Column("total_t_co2e", "tonnes", unit="t_co2e", label="page.sector.col.total_emissions"),
                Column("share", "share", label="col.share"),
            ],
            source=page.t("chart.source", release=p.release),
        )
    )


def _emissions_chart(page: Page, d: pd.DataFrame, label: str) -> None:
    p, lang = page.p, page.language
    fig = charts.bars_by_year(
        d,
        language=lang,
        title=page.t("chart.emissions_title", sector=label, kommun=p.kommun),
        ylabel=page.t("chart.ylabel"),
        xlabel=page.t("chart.xlabel"),
        source=page.t("chart.source", release=p.release),
        colour=charts.sector_colour(str(p.sector)),
    )
    alt = page.t(
        "chart.emissions_alt",
        sector=label,
        kommun=p.kommun,
        first_year=int(d["year"].iloc[0]),
        last_year=int(d["year"].iloc[-1]),
        first=fmt.number(d["value"].iloc[0], lang),
        last=fmt.number(d["value"].iloc[-1], lang),
        n=len(d),
    )
    page.add(charts.render(fig, name="emissions_chart", alt=alt))


def _subsector_section(page: Page, label: str) -> None:
    p, lang = page.p, page.language
    sub_release = subsector_release(p.release, data.releases_with_subsectors())
    if sub_release is None:
        sub = pd.DataFrame(columns=["subsector", "year", "t_co2e"])
    else:
        sub = data.load_emissions(p.kommun_code, release=sub_release, level="subsector", sector=p.sector)
        sub = sub[sub["subsector"] != SECTOR_TOTAL]
    table = subsector_table(sub)
    years = sorted(int(y) for y in sub["year"].unique())
    fields = {
        "release": p.release,
        "sub_release": sub_release or fmt.MISSING,
        "first_year": years[0] if years else fmt.MISSING,
        "last_year": years[-1] if years else fmt.MISSING,
        "sector": label,
    }
    if sub_release is None:
        empty = "page.sector.subsectors_no_release"
        note = ""
    elif len(sub) and table.empty:
        empty = "page.sector.subsectors_all_zero"
        note = ""
    else:
        empty = "page.sector.subsectors_none"
        note = (
            ""
            if table.empty
            else page.t("subsectors_same_release" if sub_release == p.release else "subsectors_other_release", **fields)
        )
        zero = [subsector_label(s, lang) for s in zero_subsectors(sub)]
        if zero and not table.empty:
            note += "\n\n" + page.t("subsectors_zero", names=", ".join(sorted(zero)), n=len(zero))
    page.prose("subsectors_note", note)
    chart_data = subsector_chart_data(sub)
    if chart_data.empty:
        page.add(_empty("subsectors_chart"))
    else:
        # largest (in the last year) at the bottom; colours by the fixed order of SMHI's names
        keys = [subsector_key(s) for s in table["subsector"] if subsector_key(s) in set(chart_data["key"])]
        names = dict(zip(sub["subsector"].map(subsector_key), sub["subsector"], strict=True))
        top = table.iloc[0]
        fig = charts.stacked_parts(
            chart_data,
            order=keys,
            labels={k: subsector_label(names[k], lang) for k in keys},
            colours=charts.part_colours(sorted(names)),
            language=lang,
            title=page.t("chart.subsectors_title", sector=label, kommun=p.kommun, release=sub_release),
            ylabel=page.t("chart.ylabel"),
            xlabel=page.t("chart.xlabel"),
            source=page.t("chart.source", release=sub_release),
        )
        alt = page.t(
            "chart.subsectors_alt",
            **{**fields, "kommun": p.kommun},
            n=len(keys),
            largest=subsector_label(top["subsector"], lang),
            largest_value=fmt.number(top["t_co2e"], lang),
            largest_share=fmt.percent(top["share_of_sector"], lang, share=True),
        )
        page.add(charts.render(fig, name="subsectors_chart", alt=alt))
    page.add(
        Table(
            "subsectors",
            table,
            [
                Column("subsector", "text", translate=subsector_label, label="page.sector.col.subsector"),
                Column("year", "year", label="col.year"),
                Column("t_co2e", "tonnes", unit="t_co2e", label="col.emissions"),
                Column("share_of_sector", "share", label="page.sector.col.share_of_sector"),
                Column("change_since_1990_pct", "change", label="col.change_since_1990"),
            ],
            source=page.t("chart.source", release=sub_release or p.release),
            empty=empty,
            empty_fields=fields,
        )
    )


def _trend_section(page: Page, series: pd.DataFrame, row: pd.Series, label: str) -> None:
    p, lang = page.p, page.language
    if is_zero(series):
        page.prose("trend_chart", page.t("trend_zero", sector=label, kommun=p.kommun), note=True)
        return
    end = config.DEFAULTS.end_year
    fig = common.trend_chart(page, series, sector=label)
    alt = page.t(
        "chart.trend_alt",
        sector=label,
        kommun=p.kommun,
        first_year=int(series["year"].min()),
        last_year=int(row["last_year"]),
        end_year=end,
        current_year=p.current_year,
        start=fmt.number(row["current_value"], lang),
        on_track=fmt.boolean(row["on_track"], lang),
    )
    page.add(charts.render(fig, name="trend_chart", alt=alt))


def _peer_section(page: Page, label: str) -> peers.Rank:
    p = page.p
    groups = peers.peer_groups(kommun_resolver().codes, peers.peer_codes(), p.lan_code)
    table = peers.peer_table(common.indicators(p), groups, sector=str(p.sector))
    year = int(table["last_year"].max()) if len(table) else p.release_last_year
    decimals = max(2, peers.tick_decimals(table["per_capita_t"]))
    page.sentences(
        "peer_statements",
        peers.rank_lines(
            page, table, first_key="rank_sector", median_key="page.sector.peers_median", decimals=decimals, sector=label
        ),
    )
    page.add(peers.peer_display(page, table, name="peers", decimals=decimals, on_track=False))
    page.add(
        peers.ranked_chart(
            page,
            table,
            name="peers_chart",
            column="per_capita_t",
            title=page.t("chart.peers_title", sector=label, year=year),
            xlabel=page.t("page.peers.chart.xlabel_per_capita", gas=p.gas),
            alt_key="page.sector.chart.peers_alt",
            source=page.t("page.peers.chart.source", release=p.release),
            decimals=decimals,
            sector=label,
            year=year,
        )
    )
    return peers.rank_of(table, p.kommun_code)


def _point_source_section(page: Page, label: str) -> None:
    p, lang = page.p, page.language
    inst = data.load_ets_installations(p.kommun_code)
    em = data.load_ets_emissions(inst["installation_id"]) if len(inst) else data.load_ets_emissions([])
    covered = ets_sectors()
    table = point_sources(inst, em, installation_sectors(prt.partners()), sector=str(p.sector), covered=covered)
    table = table.assign(
        sector_text=[i18n.sector_label(s, lang) if s else page.t("ets_sector_unknown") for s in table["sector"]],
        match_text=[i18n.t_or(f"page.sector.ets_match.{subsector_key(m)}", lang, str(m)) for m in table["match"]],
    )
    last = int(em["year"].max()) if len(em) else None
    names = [i18n.sector_label(s, lang) for s in covered]
    covered_text = page.t("list_and", first=", ".join(names[:-1]), last=names[-1]) if len(names) > 1 else names[0]
    page.add(
        Table(
            "point_sources",
            table,
            [
                Column("name", "text", label="page.sector.col.installation"),
                Column("installation_id", "text", label="page.sector.col.installation_id"),
                Column("sector", "text", display="sector_text", label="col.sector"),
                Column("year", "year", label="col.year"),
                Column("verified_t_co2e", "tonnes", unit="t_co2e", label="page.sector.col.verified"),
                Column("match", "text", display="match_text", label="page.sector.col.located_by"),
            ],
            source=page.t("ets_source", last_year=last if last is not None else fmt.MISSING),
            note=page.t("ets_note", covered=covered_text) if len(table) else "",
            empty="page.sector.ets_none_kommun" if inst.empty else "page.sector.ets_none_sector",
            empty_fields={"kommun": p.kommun, "sector": label, "covered": covered_text},
        )
    )


def _lever_section(page: Page, label: str) -> None:
    p, lang = page.p, page.language
    levers = sector_lever_rows(reference.table("sector_levers.csv", as_text=True), str(p.sector))
    levers = levers.assign(
        text=[i18n.t(f"lever.sector.{i}", lang) for i in levers["id"]],
        source_text=[i18n.t(f"lever.sector_source.{i}", lang) for i in levers["id"]],
    )
    page.add(
        Table(
            "levers",
            levers,
            [
                Column("id", "text", display="text", label="page.sector.col.lever"),
                Column("source", "text", display="source_text", label="page.sector.col.source"),
            ],
            empty="page.sector.levers_none",
            empty_fields={"sector": label},
        )
    )
    rows = partner_lever_rows(
        prt.partners(),
        reference.table("partner_lever_sectors.csv", as_text=True),
        sector=str(p.sector),
        kommun_code=p.kommun_code,
    )
    rows = partner_lever_texts(rows, lang)
    page.add(
        Table(
            "partner_levers",
            rows,
            [
                Column("partner_id", "text", display="partner_text", label="page.sector.col.partner"),
                Column("lever_id", "text", display="lever_text", label="page.sector.col.lever"),
            ],
            source=page.t("partner_levers_source"),
            empty="page.sector.partner_levers_none",
            empty_fields={"kommun": p.kommun, "sector": label},
        )
    )


def build(p: Checked) -> Page:
    """Everything the sector page shows, for the checked parameters ``p`` (``p.sector`` is the
    SMHI main sector's Swedish name)."""
    sector = str(p.sector)
    lang = p.language
    label = i18n.sector_label(sector, lang)
    page = common.new_page(p, "sector", sector=label)
    row = common.indicator_row(p, sector)
    series = common.sector_emissions(p)
    series = series[series["sector"] == sector]
    totals = common.total_emissions(p)
    last_year = int(row["last_year"])
    total_last = float(totals.loc[totals["year"] == last_year, "t_co2e"].sum())
    share = float(row["last_value"]) / total_last if total_last > 0 else float("nan")

    page.prose("intro", page.t("intro", sector=label, kommun=p.kommun) + "\n\n" + page.t(f"about.{sector_id(sector)}"))
    page.add(_key_table(page, row, share, zero=is_zero(series)))
    page.sentences("statements", statement_lines(page, row, series, label=label, share=share))
    _emissions_section(page, series, totals, label)
    _subsector_section(page, label)
    _trend_section(page, series, row, label)
    rank = _peer_section(page, label)
    _point_source_section(page, label)
    _lever_section(page, label)
    from .measures import sector_section

    sector_section(page, str(p.sector))

    page.key_figures = key_figures(p, row, share=share, rank=rank)
    fields = {
        "value": fmt.number(row["last_value"], lang),
        "year": last_year,
        "share": share_text(share, lang),
        "change": change_text(row["change_since_1990_pct"], lang),
    }
    missing = fmt.is_missing(row["change_since_1990_pct"])
    page.key_line = page.t("key_line_no_change" if missing else "key_line", **fields)
    return page
