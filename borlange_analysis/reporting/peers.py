"""The peers page: a kommun against the 23 cities of Klimatneutrala städer 2030 and its own län.

Per-capita emissions, trend and change since 1990 of every peer come from the indicators table
(``analysis.indicators``, the page's release and analysis year), so the table, the ranked charts,
the maps and the rank sentences agree. The peer functions here are used by the sector page as well
(:func:`peer_table` takes the sector).

The peers: the cities of Viable Cities' mission Klimatneutrala städer 2030
(``reference/peers.csv``) and the kommuner of the kommun's län. Rank 1 has the lowest emissions
per person.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import config, i18n, reference
from ..i18n import fmt
from ..names import SECTOR_TOTAL, kommun_resolver
from ..params import Checked
from . import charts, common
from .page import Page
from .tables import Column, Table

#: Peer group codes: a Klimatneutrala städer 2030 city, a kommun of the same län, or both.
GROUPS = ("kns", "lan", "kns_lan")


def peer_codes() -> list[str]:
    """SCB codes of the cities of Klimatneutrala städer 2030 (``reference/peers.csv``)."""
    res = kommun_resolver()
    names = reference.table("peers.csv", as_text=True)["kommun"].tolist()
    return [str(res.code(n)) for n in names]


def peer_groups(kommuner: pd.DataFrame, kns_codes: Iterable[str], lan_code: str) -> pd.DataFrame:
    """The peers among ``kommuner`` (kommun_code, kommun, lan_code, ...): kommun_code, kommun and
    ``group``, one of :data:`GROUPS` (``kns``: a Klimatneutrala städer 2030 city, ``lan``: a
    kommun of the län ``lan_code``, ``kns_lan``: both)."""
    kns = kommuner["kommun_code"].isin(set(kns_codes))
    lan = kommuner["lan_code"] == lan_code
    group = np.select([kns & lan, kns, lan], ["kns_lan", "kns", "lan"], default="")
    out = kommuner.assign(group=group)[["kommun_code", "kommun", "group"]]
    return out[out["group"] != ""].reset_index(drop=True)


def peer_table(indicators: pd.DataFrame, groups: pd.DataFrame, *, sector: str = SECTOR_TOTAL) -> pd.DataFrame:
    """One row per peer for ``sector`` (or the total), ranked by emissions per person (rank 1 the
    lowest; kommuner without a value last, without a rank).

    ``indicators`` has one row per kommun and sector (``analysis.indicators`` with
    ``per_sector=True``); the population is taken from each kommun's total row, so a sector's rows
    need no population of their own. Columns: kommun_code, kommun, group, last_year, t_co2e,
    population, per_capita_t (t CO2e per person), trend_pct_per_yr (the trend slope in % of the
    last observed year's emissions), change_since_1990_pct, on_track, rank.
    """
    pop = indicators.loc[indicators["sector"] == SECTOR_TOTAL, ["kommun_code", "population"]]
    rows = indicators[indicators["sector"] == sector].drop(columns=["population", "kommun"], errors="ignore")
    t = groups.merge(rows, on="kommun_code", how="inner").merge(pop, on="kommun_code", how="left")
    last = t["last_value"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_capita = last / t["population"].astype(float).where(t["population"] > 0)
        trend = 100 * t["trend_slope"].astype(float) / last.where(last != 0)
    out = pd.DataFrame(
        {
            "kommun_code": t["kommun_code"],
            "kommun": t["kommun"],
            "group": t["group"],
            "last_year": t["last_year"],
            "t_co2e": last,
            "population": t["population"],
            "per_capita_t": per_capita,
            "trend_pct_per_yr": trend,
            "change_since_1990_pct": t["change_since_1990_pct"].astype(float),
            "on_track": t["on_track"].astype(bool),
        }
    )
    out["rank"] = out["per_capita_t"].rank(method="min", ascending=True)
    return out.sort_values(["rank", "kommun"], na_position="last", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class Rank:
    """A kommun's place among ``n`` peers (``rank`` None when it has no value)."""

    rank: int | None
    n: int


def rank_of(table: pd.DataFrame, kommun_code: str, *, groups: Sequence[str] = GROUPS) -> Rank:
    """The rank of ``kommun_code`` by emissions per person among the rows of ``table`` whose group
    is one of ``groups`` (ranked again within them: 1 is the lowest)."""
    sub = table[table["group"].isin(groups) & table["per_capita_t"].notna()]
    n = len(sub)
    hit = sub[sub["kommun_code"] == kommun_code]
    if hit.empty:
        return Rank(None, n)
    value = float(hit["per_capita_t"].iloc[0])
    return Rank(int((sub["per_capita_t"] < value).sum()) + 1, n)


def group_label(group: str, language: str, lan: str) -> str:
    """A peer group in the page's language ('Klimatneutrala städer 2030', 'Dalarnas län', both)."""
    return i18n.t(f"page.peers.group.{group}", language, lan=lan)


def peer_display(page: Page, table: pd.DataFrame, *, name: str, decimals: int, on_track: bool) -> Table:
    """The peer table of a page: rank, kommun, group, per person, trend, change since 1990
    (and on track with the Carbon Law when ``on_track``)."""
    lang = page.language
    gas = page.p.gas.lower()
    frame = table.assign(
        group_text=[group_label(g, lang, page.p.lan) for g in table["group"]],
        **{f"per_capita_t_{gas}": table["per_capita_t"]},
    )
    cols = [
        Column("rank", "number", label="page.peers.col.rank"),
        Column("kommun", "text", label="page.peers.col.kommun"),
        Column("group", "text", label="page.peers.col.group", display="group_text"),
        Column(f"per_capita_t_{gas}", "number", decimals=decimals, label=f"page.peers.col.emissions_{gas}"),
        Column("trend_pct_per_yr", "change", unit="pct_per_yr", decimals=1, label="page.peers.col.trend"),
        Column("change_since_1990_pct", "change", label="page.peers.col.change_since_1990"),
    ]
    if on_track:
        cols.append(Column("on_track", "bool", label="page.peers.col.on_track"))
    year = int(table["last_year"].max()) if len(table) else page.p.release_last_year
    return Table(
        name,
        frame,
        cols,
        source=page.t("page.peers.table_source", release=page.p.release, year=year),
        empty="page.peers.empty",
        empty_fields={"lan": page.p.lan},
        note=page.t("page.peers.table_note", first_year=config.DEFAULTS.first_trend_year),
    )


def rank_lines(
    page: Page,
    table: pd.DataFrame,
    *,
    first_key: str,
    decimals: int,
    median_key: str = "page.peers.median",
    **fields: Any,
) -> list[str]:
    """Sentences on the kommun's rank by emissions per person: among all peers (``first_key``,
    filled with kommun, value, year, rank, n and ``fields``), among the Klimatneutrala städer 2030
    cities (where the kommun would stand among them when it is not one), in the län, and the
    peers' median. Every number comes from the rows of ``table``."""
    p, lang = page.p, page.language
    hit = table[table["kommun_code"] == p.kommun_code]
    year = int(table["last_year"].max()) if len(table) else p.release_last_year
    if hit.empty or pd.isna(hit["per_capita_t"].iloc[0]):
        return [page.t("page.peers.rank_missing", kommun=p.kommun, year=year)]
    value = float(hit["per_capita_t"].iloc[0])
    every = rank_of(table, p.kommun_code)
    lines = [
        page.t(
            first_key,
            kommun=p.kommun,
            value=fmt.number(value, lang, decimals),
            year=year,
            rank=every.rank,
            n=every.n,
            gas=p.gas,
            **fields,
        )
    ]
    kns = rank_of(table, p.kommun_code, groups=("kns", "kns_lan"))
    if kns.rank is not None:
        lines.append(page.t("page.peers.rank_kns", rank=kns.rank, n=kns.n))
    else:
        cities = table[table["group"].isin(("kns", "kns_lan")) | (table["kommun_code"] == p.kommun_code)]
        would = rank_of(cities.assign(group="kns"), p.kommun_code, groups=("kns",))
        lines.append(page.t("page.peers.not_kns", kommun=p.kommun, n=kns.n, rank=would.rank, n_with=would.n))
    lan = rank_of(table, p.kommun_code, groups=("lan", "kns_lan"))
    lines.append(page.t("page.peers.rank_lan", rank=lan.rank, n=lan.n, lan=p.lan))
    median = float(table["per_capita_t"].median())
    lines.append(page.t(median_key, n=every.n, median=fmt.number(median, lang, decimals), gas=p.gas))
    return lines


def tick_decimals(values: Iterable[float]) -> int:
    """Decimals for values of one kind (the ticks of one axis, a table column): none when the
    largest reaches 10, one from 1, two from 0.1, and below that enough for two significant digits
    of the largest (at most four), so small sector values per person do not all read '0.00'."""
    top = max((abs(float(v)) for v in values if not fmt.is_missing(v)), default=0.0)
    if top >= 10:
        return 0
    if top >= 1:
        return 1
    if top >= 0.1 or top == 0:
        return 2
    return min(4, math.ceil(-math.log10(top)) + 1)


def ranked_chart(
    page: Page,
    table: pd.DataFrame,
    *,
    name: str,
    column: str,
    title: str,
    xlabel: str,
    alt_key: str,
    source: str,
    decimals: int,
    percent: bool = False,
    **alt_fields: Any,
) -> charts.Chart:
    """Horizontal bars of ``column`` for every peer with a value, the kommun highlighted."""
    p, lang = page.p, page.language
    d = table[table[column].notna()]
    fig = charts.ranked_bars(
        d["kommun"].tolist(),
        d[column].astype(float).tolist(),
        language=lang,
        title=title,
        xlabel=xlabel,
        source=source,
        highlight=p.kommun,
        decimals=tick_decimals(d[column].tolist()),
    )
    ordered = d.sort_values(column, kind="stable")
    hit = d[d["kommun_code"] == p.kommun_code]
    value = float(hit[column].iloc[0]) if len(hit) else float("nan")
    place = int((d[column] < value).sum()) + 1 if len(hit) else None

    def show(v: float) -> str:
        return fmt.percent(v, lang, decimals) if percent else fmt.number(v, lang, decimals)

    alt = page.t(
        alt_key,
        kommun=p.kommun,
        n=len(d),
        value=show(value),
        rank=place if place is not None else fmt.MISSING,
        low_kommun=ordered["kommun"].iloc[0] if len(d) else fmt.MISSING,
        low=show(ordered[column].iloc[0]) if len(d) else fmt.MISSING,
        high_kommun=ordered["kommun"].iloc[-1] if len(d) else fmt.MISSING,
        high=show(ordered[column].iloc[-1]) if len(d) else fmt.MISSING,
        gas=p.gas,
        **alt_fields,
    )
    return charts.render(fig, name=name, alt=alt)


def _empty(name: str) -> Any:
    from .page import Prose

    return Prose(name, "")


def _map(page: Page, values: pd.DataFrame, *, name: str, lan: bool, year: int) -> charts.Chart:
    """A map of Sweden (or of the län) coloured by emissions per person, the kommun outlined."""
    p, lang = page.p, page.language
    shown = values[values["kommun_code"].str[:2] == p.lan_code] if lan else values
    vmax, capped = charts.colour_cap(shown["value"].tolist())
    legend = page.t("chart.map_legend", year=year, gas=p.gas)
    if capped:
        legend += "\n" + page.t("chart.map_capped", value=fmt.number(vmax, lang, 1))
    area = p.lan if lan else page.t("chart.sweden")
    fig = charts.choropleth(
        values,
        vmax=vmax,
        language=lang,
        title=page.t("chart.map_title", area=area, year=year),
        legend=legend,
        source=page.t("chart.map_source", release=p.release),
        highlight=p.kommun_code,
        lan_code=p.lan_code if lan else None,
        decimals=1 if vmax < 50 else 0,
        names=lan,
    )
    d = shown.dropna(subset=["value"]).sort_values("value", kind="stable")
    own = shown.loc[shown["kommun_code"] == p.kommun_code, "value"]
    alt = page.t(
        "chart.map_alt",
        area=area,
        n=len(shown),
        year=year,
        kommun=p.kommun,
        value=fmt.number(own.iloc[0], lang, 1) if len(own) else fmt.MISSING,
        low_kommun=d["kommun"].iloc[0],
        low=fmt.number(d["value"].iloc[0], lang, 1),
        high_kommun=d["kommun"].iloc[-1],
        high=fmt.number(d["value"].iloc[-1], lang, 1),
        cap=page.t("chart.map_capped", value=fmt.number(vmax, lang, 1)) if capped else "",
        gas=p.gas,
    )
    caption = (
        page.t("chart.map_caption_capped", kommun=p.kommun, value=fmt.number(vmax, lang, 1), gas=p.gas)
        if capped
        else page.t("chart.map_caption", kommun=p.kommun)
    )
    return charts.render(fig, name=name, alt=alt.strip(), caption=caption)


def map_scopes(scope: str) -> tuple[bool, bool]:
    """(draw the map of Sweden, draw the map of the län) for the parameter ``map_scope``."""
    return scope in ("sweden", "both"), scope in ("lan", "both")


def key_figures(p: Checked, table: pd.DataFrame) -> dict[str, Any]:
    """Machine-readable key figures of the page (the kommun's rank and value)."""
    hit = table[table["kommun_code"] == p.kommun_code]
    every = rank_of(table, p.kommun_code)
    kns = rank_of(table, p.kommun_code, groups=("kns", "kns_lan"))
    lan = rank_of(table, p.kommun_code, groups=("lan", "kns_lan"))
    value = None if hit.empty or pd.isna(hit["per_capita_t"].iloc[0]) else float(hit["per_capita_t"].iloc[0])
    return {
        "kommun": p.kommun,
        "kommun_code": p.kommun_code,
        "lan": p.lan,
        "release": p.release,
        "current_year": p.current_year,
        "year": int(table["last_year"].max()) if len(table) else None,
        "unit": f"t {p.gas} per person",
        "per_capita_t": value,
        "rank": every.rank,
        "peers": every.n,
        "rank_klimatneutrala_stader": kns.rank,
        "klimatneutrala_stader": kns.n,
        "rank_lan": lan.rank,
        "lan_kommuner": lan.n,
    }


def build(p: Checked) -> Page:
    """Everything the peers page shows, for the checked parameters ``p``."""
    page = common.new_page(p, "peers")
    lang = p.language
    kns_codes = peer_codes()
    page.title = page.t("title_full", kommun=p.kommun, lan=p.lan, n=len(kns_codes))
    page.prose("intro", page.t("intro", kommun=p.kommun, lan=p.lan, n=len(kns_codes)))

    ind = common.indicators(p)
    groups = peer_groups(kommun_resolver().codes, kns_codes, p.lan_code)
    table = peer_table(ind, groups)
    year = int(table["last_year"].max())
    lines = rank_lines(page, table, first_key="rank_all", decimals=1)
    lines.append(
        page.t(
            "carbon_law_count",
            count=int(table["on_track"].sum()),
            n=len(table),
            current_year=p.current_year,
            end_year=config.DEFAULTS.end_year,
        )
    )
    page.sentences("statements", lines)
    page.add(peer_display(page, table, name="peers", decimals=1, on_track=True))
    source = page.t("chart.source", release=p.release)
    page.add(
        ranked_chart(
            page,
            table,
            name="per_capita_chart",
            column="per_capita_t",
            title=page.t("chart.per_capita_title", year=year),
            xlabel=page.t("chart.xlabel_per_capita", gas=p.gas),
            alt_key="page.peers.chart.per_capita_alt",
            source=source,
            decimals=1,
            year=year,
        )
    )
    page.add(
        ranked_chart(
            page,
            table,
            name="trend_chart",
            column="trend_pct_per_yr",
            title=page.t("chart.trend_title", first_year=config.DEFAULTS.first_trend_year),
            xlabel=i18n.t("unit.pct_per_yr", lang),
            alt_key="page.peers.chart.trend_alt",
            source=page.t("chart.trend_source", release=p.release, first_year=config.DEFAULTS.first_trend_year),
            decimals=1,
            percent=True,
        )
    )

    # maps of every kommun's total emissions per person
    totals = ind[ind["sector"] == SECTOR_TOTAL]
    values = pd.DataFrame(
        {
            "kommun_code": totals["kommun_code"],
            "kommun": totals["kommun"],
            "value": totals["per_capita_t"].astype(float),
        }
    )
    sweden, lan = map_scopes(p.map_scope)
    page.add(_map(page, values, name="map_sweden", lan=False, year=year) if sweden else _empty("map_sweden"))
    page.add(_map(page, values, name="map_lan", lan=True, year=year) if lan else _empty("map_lan"))

    page.key_figures = key_figures(p, table)
    kf = page.key_figures
    if kf["rank"] is None:
        page.key_line = page.t("key_line_missing", year=year)
    else:
        page.key_line = page.t(
            "key_line",
            rank=kf["rank"],
            n=kf["peers"],
            value=fmt.number(kf["per_capita_t"], lang, 1),
            year=year,
            gas=p.gas,
        )
    return page
