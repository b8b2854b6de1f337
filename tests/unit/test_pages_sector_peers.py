"""The sector and peers pages' pure functions on tiny literal frames (no data, no network)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borlange_analysis import i18n, reference
from borlange_analysis.i18n import fmt
from borlange_analysis.names import SECTOR_TOTAL, ets_sectors, sector_names
from borlange_analysis.params import Checked
from borlange_analysis.reporting import charts, peers, sector
from borlange_analysis.reporting.page import Page

# --- helpers ------------------------------------------------------------------------------------


def checked(notebook: str, language: str = "sv", **values) -> Checked:
    """A Checked object made by hand (no data needed) for a page in a test."""
    return Checked(
        notebook=notebook,
        kommun="Alfa",
        kommun_code="0001",
        lan="Testlän",
        lan_code="99",
        release="2026",
        gas="CO2e",
        release_last_year=2024,
        language=language,
        current_year=2026,
        tables_dir=None,
        values={"sector": "Transporter", "map_scope": "both", **values},
    )


def series(values: dict[int, float], sector_name: str = "Transporter") -> pd.DataFrame:
    return pd.DataFrame(
        {"kommun_code": "0001", "sector": sector_name, "year": list(values), "t_co2e": list(values.values())}
    )


# --- the sector's series --------------------------------------------------------------------------


def test_emissions_chart_data_is_sorted_by_year_not_by_value():
    shuffled = series({2020: 5.0, 1990: 9.0, 2024: 1.0, 2005: 7.0})
    d = sector.emissions_chart_data(shuffled)
    assert d["year"].tolist() == [1990, 2005, 2020, 2024]
    assert d["value"].tolist() == [9.0, 7.0, 5.0, 1.0]


def test_share_table_by_year_with_shares_between_0_and_1():
    s = series({2024: 20.0, 1990: 30.0, 2005: 0.0})
    totals = series({1990: 100.0, 2005: 0.0, 2024: 80.0}, SECTOR_TOTAL)
    t = sector.share_table(s, totals)
    assert t["year"].tolist() == [1990, 2005, 2024]
    assert t["share"].iloc[0] == pytest.approx(0.30)
    assert math.isnan(t["share"].iloc[1])  # a total of 0 t gives no share, not a division error
    assert t["share"].iloc[2] == pytest.approx(0.25)


# --- sub-sectors --------------------------------------------------------------------------------------


def sub_frame() -> pd.DataFrame:
    rows = [
        ("Personbilar", 1990, 100.0),
        ("Personbilar", 2019, 80.0),
        ("Bussar", 2019, 20.0),
        ("Bussar", 1990, 10.0),
        ("Slitage fran vägbanan", 1990, 0.0),
        ("Slitage fran vägbanan", 2019, 0.0),
    ]
    return pd.DataFrame(rows, columns=["subsector", "year", "t_co2e"])


def test_subsector_table_largest_first_zero_rows_left_out():
    t = sector.subsector_table(sub_frame())
    assert t["subsector"].tolist() == ["Personbilar", "Bussar"]
    assert t["year"].tolist() == [2019, 2019]
    assert t["share_of_sector"].sum() == pytest.approx(1.0)
    assert t["change_since_1990_pct"].tolist() == pytest.approx([-20.0, 100.0])
    assert sector.zero_subsectors(sub_frame()) == ["Slitage fran vägbanan"]


def test_subsector_chart_data_sorted_by_year_without_all_zero_parts():
    d = sector.subsector_chart_data(sub_frame())
    assert d["year"].tolist() == sorted(d["year"].tolist())
    assert set(d["key"]) == {"personbilar", "bussar"}
    assert sector.subsector_chart_data(sub_frame().iloc[0:0]).empty


def test_subsector_release_prefers_the_pages_own():
    assert sector.subsector_release("2021", ["2021"]) == "2021"
    assert sector.subsector_release("2026", ["2019", "2021"]) == "2021"
    assert sector.subsector_release("2026", []) is None


@pytest.mark.parametrize(
    ("smhi", "fixed"),
    [
        ("Slitage fran däck och bromsar", "Slitage från däck och bromsar"),
        ("Hastgödsel (lagring, användning och bete)", "Hästgödsel (lagring, användning och bete)"),
        ("Lustgas fran produktanvändning", "Lustgas från produktanvändning"),
        ("Urea for katalysatorer", "Urea för katalysatorer"),
    ],
)
def test_subsector_keys_survive_smhis_spelling_fixes_and_swedish_pages_fix_them(smhi, fixed):
    assert sector.subsector_key(smhi) == sector.subsector_key(fixed)
    assert sector.subsector_label(smhi, "sv") == fixed


def test_swedish_subsector_names_have_no_smhi_slips_and_english_ones_no_swedish():
    sv = {k: v for k, v in i18n.catalogue("sv").items() if k.startswith("subsector.")}
    en = {k: v for k, v in i18n.catalogue("en").items() if k.startswith("subsector.")}
    assert len(sv) == len(en) == 53
    assert sector.subsector_label("Millitär transport", "sv") == "Militära transporter"
    for text in sv.values():
        assert not any(w in text.split() for w in ("fran", "for", "Hastgödsel", "Millitär")), text
    for text in en.values():
        assert not any(w in text for w in ("och", "från", "ö", "ä", "å")), text


def test_an_unknown_subsector_keeps_smhis_name():
    assert sector.subsector_label("Ny undersektor 2030", "en") == "Ny undersektor 2030"


# --- peers ----------------------------------------------------------------------------------------


KOMMUNER = pd.DataFrame(
    {
        "kommun_code": ["0001", "0002", "0003", "0004", "0005"],
        "kommun": ["Alfa", "Beta", "Gamma", "Delta", "Epsilon"],
        "lan_code": ["99", "99", "98", "98", "97"],
        "lan": ["Testlän", "Testlän", "Annat län", "Annat län", "Tredje län"],
    }
)


def indicators_frame() -> pd.DataFrame:
    """One total row and one row per main sector for four kommuner. The sector rows have no
    population of their own (as when a table holds the sector subset only)."""
    rows = []
    for i, (code, name) in enumerate(zip(KOMMUNER["kommun_code"][:4], KOMMUNER["kommun"][:4], strict=True)):
        pop = 1000.0 * (i + 1)
        rows.append(
            {
                "kommun_code": code,
                "kommun": name,
                "sector": SECTOR_TOTAL,
                "last_year": 2024,
                "last_value": 9000.0 - 1000 * i,
                "trend_slope": -90.0,
                "change_since_1990_pct": -20.0 - i,
                "on_track": i == 0,
                "population": pop,
            }
        )
        for j, s in enumerate(sector_names()):
            rows.append(
                {
                    "kommun_code": code,
                    "kommun": name,
                    "sector": s,
                    "last_year": 2024,
                    "last_value": 100.0 * (j + 1) * (i + 1),
                    "trend_slope": -5.0,
                    "change_since_1990_pct": np.nan if j == 0 else -10.0,
                    "on_track": False,
                    "population": np.nan,
                }
            )
    return pd.DataFrame(rows)


def test_peer_groups_mark_cities_lan_and_both():
    g = peers.peer_groups(KOMMUNER, ["0001", "0003"], "99").set_index("kommun_code")["group"]
    assert g.to_dict() == {"0001": "kns_lan", "0002": "lan", "0003": "kns"}


@pytest.mark.parametrize("sector_name", [SECTOR_TOTAL, *sector_names()])
def test_peer_table_is_non_empty_for_every_sector(sector_name):
    groups = peers.peer_groups(KOMMUNER, ["0001", "0003", "0004"], "99")
    t = peers.peer_table(indicators_frame(), groups, sector=sector_name)
    assert len(t) == 4
    assert t["per_capita_t"].notna().all()
    # per person = the sector's emissions / the kommun's population (from its total row)
    row = t[t["kommun_code"] == "0002"].iloc[0]
    ind = indicators_frame()
    value = ind[(ind["kommun_code"] == "0002") & (ind["sector"] == sector_name)]["last_value"].iloc[0]
    assert row["per_capita_t"] == pytest.approx(value / 2000.0)
    assert row["trend_pct_per_yr"] == pytest.approx(100 * (-90.0 if sector_name == SECTOR_TOTAL else -5.0) / value)
    assert t["rank"].tolist() == sorted(t["rank"].tolist())


def test_peer_table_ranks_lowest_first():
    groups = peers.peer_groups(KOMMUNER, ["0001", "0003", "0004"], "99")
    t = peers.peer_table(indicators_frame(), groups)
    assert t["per_capita_t"].is_monotonic_increasing
    assert t["rank"].tolist() == [1, 2, 3, 4]
    r = peers.rank_of(t, "0001")
    assert (r.rank, r.n) == (4, 4)  # 9 t per person: the highest
    assert peers.rank_of(t, "0001", groups=("lan", "kns_lan")) == peers.Rank(2, 2)
    assert peers.rank_of(t, "0005") == peers.Rank(None, 4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), min_size=1, max_size=12))
def test_rank_is_one_plus_the_number_of_lower_values(values):
    t = pd.DataFrame({"kommun_code": [f"{i:04d}" for i in range(len(values))], "group": "kns", "per_capita_t": values})
    for i, v in enumerate(values):
        r = peers.rank_of(t, f"{i:04d}")
        assert r.n == len(values)
        assert r.rank == 1 + sum(1 for w in values if w < v)


def test_rank_sentences_equal_the_rows_they_describe():
    p = checked("peers", "sv")
    page = Page(p=p, name="peers")
    groups = peers.peer_groups(KOMMUNER, ["0001", "0003", "0004"], "99")
    t = peers.peer_table(indicators_frame(), groups)
    lines = peers.rank_lines(page, t, first_key="rank_all", decimals=1)
    own = t[t["kommun_code"] == "0001"].iloc[0]
    assert fmt.number(own["per_capita_t"], "sv", 1) in lines[0]
    assert "plats 4 av 4" in lines[0]
    assert "plats 3 av 3" in lines[1]  # among the cities 0001, 0003, 0004
    assert "I Testlän: plats 2 av 2" in lines[2]
    assert fmt.number(t["per_capita_t"].median(), "sv", 1) in lines[3]


def test_a_kommun_outside_the_cities_is_told_where_it_would_stand():
    p = checked("peers", "en")
    page = Page(p=p, name="peers")
    groups = peers.peer_groups(KOMMUNER, ["0003", "0004"], "99")
    t = peers.peer_table(indicators_frame(), groups)
    lines = peers.rank_lines(page, t, first_key="rank_all", decimals=1)
    assert "is not one of the 2 cities" in lines[1] and "would rank 3 of 3" in lines[1]


def test_map_scope_decides_the_maps():
    assert peers.map_scopes("sweden") == (True, False)
    assert peers.map_scopes("lan") == (False, True)
    assert peers.map_scopes("both") == (True, True)


def test_colour_cap_at_the_95th_percentile_and_says_when_it_caps():
    top, capped = charts.colour_cap([1.0] * 99 + [137.0])
    assert top < 137.0 and capped
    top, capped = charts.colour_cap([1.0, 2.0, 3.0], quantile=1.0)
    assert top == 3.0 and not capped
    assert charts.colour_cap([np.nan]) == (1.0, False)


def test_tick_decimals_are_the_same_for_a_whole_axis():
    assert peers.tick_decimals([0.2, 13.8]) == 0
    assert peers.tick_decimals([0.2, 4.9]) == 1
    assert peers.tick_decimals([0.01, 0.4]) == 2
    assert peers.tick_decimals([0.001, 0.011]) == 3  # small values per person do not all read 0.00
    assert peers.tick_decimals([0.0000009]) == 4
    assert peers.tick_decimals([0.0, np.nan]) == 2


def test_choropleth_of_a_lan_draws_with_the_kommun_outlined():
    values = pd.DataFrame({"kommun_code": ["2080", "2081", "2082"], "value": [2.0, 8.0, 5.0]})
    fig = charts.choropleth(
        values,
        vmax=6.0,
        language="sv",
        title="t",
        legend="t CO2e per invånare",
        source="s",
        highlight="2081",
        lan_code="20",
        names=True,
    )
    chart = charts.render(fig, name="map", alt="karta")
    assert chart.png.startswith(b"\x89PNG")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert "Borlänge" in labels and len(labels) == 15  # every kommun of Dalarnas län is named


# --- EU ETS point sources -------------------------------------------------------------------------


INSTALLATIONS = pd.DataFrame(
    {
        "installation_id": ["SE_1", "SE_2", "SE_3"],
        "name": ["Verket", "Värmeverket", "Okänt AB"],
        "match": ["city name equals kommun name"] * 3,
    }
)
ETS_EMISSIONS = pd.DataFrame(
    {
        "installation_id": ["SE_1", "SE_1", "SE_2", "SE_3"],
        "year": [2020, 2019, 2020, 2018],
        "verified_t_co2e": [100.0, 120.0, 500.0, 5.0],
    }
)


def test_installation_sectors_take_the_partners_ets_sector():
    reg = [
        {"id": "a", "sectors": ["Avfall (inkl.avlopp)", "El och fjärrvärme"], "ets_installations": ["SE_2"]},
        {"id": "b", "sectors": [], "ets_installations": ["SE_9"]},
        {"id": "c", "sectors": ["Industri (energi + processer)"], "ets_installations": ["SE_1"]},
    ]
    assert sector.installation_sectors(reg) == {"SE_2": "El och fjärrvärme", "SE_1": "Industri (energi + processer)"}


def test_point_sources_unknown_sector_only_under_ets_sectors():
    of = {"SE_1": "Industri (energi + processer)", "SE_2": "El och fjärrvärme"}
    covered = ets_sectors()
    ind = sector.point_sources(
        INSTALLATIONS, ETS_EMISSIONS, of, sector="Industri (energi + processer)", covered=covered
    )
    assert ind["installation_id"].tolist() == ["SE_1", "SE_3"]  # largest first, unknown listed too
    assert ind["year"].tolist() == [2020, 2018] and ind["verified_t_co2e"].tolist() == [100.0, 5.0]
    assert ind["sector"].tolist() == ["Industri (energi + processer)", ""]
    heat = sector.point_sources(INSTALLATIONS, ETS_EMISSIONS, of, sector="El och fjärrvärme", covered=covered)
    assert heat["installation_id"].tolist() == ["SE_2", "SE_3"]
    transport = sector.point_sources(INSTALLATIONS, ETS_EMISSIONS, of, sector="Transporter", covered=covered)
    assert transport.empty
    none = sector.point_sources(INSTALLATIONS.iloc[0:0], ETS_EMISSIONS, of, sector="Transporter", covered=covered)
    assert none.empty and "verified_t_co2e" in none.columns


# --- levers ----------------------------------------------------------------------------------------


REGISTRY = [
    {
        "id": "open",
        "name": "Öppen AB",
        "kommun": "0001",
        "sectors": ["Transporter", "Avfall (inkl.avlopp)"],
        "confidential": False,
        "levers": [
            {"id": "trucks", "text": "Electric trucks"},
            {"id": "kitchens"},
            {"id": "explicit", "sectors": ["Arbetsmaskiner"]},
            {"id": "unmapped"},
        ],
    },
    {
        "id": "secret",
        "name": "Hemlig AB",
        "kommun": "0001",
        "sectors": ["Transporter"],
        "confidential": True,
        "levers": [{"id": "x", "text": "Secret lever"}],
    },
    {
        "id": "elsewhere",
        "name": "Annan AB",
        "kommun": "0002",
        "sectors": ["Transporter"],
        "confidential": False,
        "levers": [{"id": "y", "text": "Other lever"}],
    },
]
LEVER_SECTORS = pd.DataFrame(
    {"partner": ["open", "open"], "lever": ["trucks", "kitchens"], "sector": ["Transporter", "Avfall (inkl.avlopp)"]}
)


def test_partner_levers_never_show_a_confidential_partner():
    rows = sector.partner_lever_rows(REGISTRY, LEVER_SECTORS, sector="Transporter", kommun_code="0001")
    assert rows["partner_id"].tolist() == ["open", "open"]
    assert rows["lever_id"].tolist() == ["trucks", "unmapped"]  # not the school kitchens, not the secret one
    assert "Hemlig" not in " ".join(rows.astype(str).to_numpy().ravel())


def test_partner_lever_sectors_explicit_then_table_then_partner():
    waste = sector.partner_lever_rows(REGISTRY, LEVER_SECTORS, sector="Avfall (inkl.avlopp)", kommun_code="0001")
    assert waste["lever_id"].tolist() == ["kitchens", "unmapped"]
    machinery = sector.partner_lever_rows(REGISTRY, LEVER_SECTORS, sector="Arbetsmaskiner", kommun_code="0001")
    assert machinery["lever_id"].tolist() == ["explicit"]
    assert sector.partner_lever_rows(REGISTRY, LEVER_SECTORS, sector="Jordbruk", kommun_code="0001").empty


def test_partner_names_and_lever_texts_in_the_pages_language():
    rows = pd.DataFrame(
        {
            "partner_id": ["ssab", "borlange_kommun", "new_partner"],
            "partner": ["SSAB (Borlänge works)", "Borlänge kommun (kommunkoncernen)", "Ny AB"],
            "lever_id": ["reheating_lpg", "fleet_diesel", "trucks"],
            "text": ["", "", "Electric trucks"],
        }
    )
    sv = sector.partner_lever_texts(rows, "sv")
    en = sector.partner_lever_texts(rows, "en")
    assert sv["partner_text"].iloc[0] == i18n.t("partner.ssab.name", "sv")
    assert en["partner_text"].iloc[1] == i18n.t("partner.borlange_kommun.name", "en") != sv["partner_text"].iloc[1]
    assert en["lever_text"].iloc[0] == i18n.t("partner.ssab.lever.reheating_lpg", "en")
    assert sv["lever_text"].iloc[1] == i18n.t("partner.borlange_kommun.lever.fleet_diesel", "sv")
    assert en["partner_text"].iloc[2] == "Ny AB" and en["lever_text"].iloc[2] == "Electric trucks"


def test_every_sector_lever_has_texts_and_a_source_in_both_languages():
    lev = reference.table("sector_levers.csv", as_text=True)
    assert lev["id"].is_unique and (lev["source"].str.len() > 0).all()
    assert set(lev["sector"]) == set(sector_names())
    for language in i18n.LANGUAGES:
        for i in lev["id"]:
            assert i18n.has(f"lever.sector.{i}", language)
            assert i18n.has(f"lever.sector_source.{i}", language)
    assert sector.sector_lever_rows(lev, "Transporter")["id"].tolist() == [
        "transport_public_transport",
        "transport_renewable_fuels",
    ]


def test_partner_lever_sector_table_names_real_levers_and_sectors():
    from borlange_analysis.partners import partners

    levers = {(p["id"], lv["id"]) for p in partners() for lv in p["levers"]}
    tab = reference.table("partner_lever_sectors.csv", as_text=True)
    assert (tab["source"].str.len() > 0).all()
    for r in tab.itertuples():
        assert (r.partner, r.lever) in levers
        assert r.sector in sector_names()


def test_every_sector_has_its_description_in_both_languages():
    from borlange_analysis.names import sector_ids

    for language in i18n.LANGUAGES:
        for sid in sector_ids():
            assert i18n.has(f"page.sector.about.{sid}", language)


# --- statements -----------------------------------------------------------------------------------


def indicator_row(**over) -> pd.Series:
    base = {
        "last_year": 2024,
        "last_value": 80.0,
        "change_since_1990_pct": -20.0,
        "change_since_2005_pct": 60.0,
        "trend_slope": -2.0,
        "current_value": 76.0,
        "total_trend": 1500.0,
        "total_carbon_law": 600.0,
        "on_track": False,
        "net_zero_year": 2997.46,
        "per_capita_t": 0.5,
    }
    return pd.Series({**base, **over})


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_sector_statements_equal_the_row_they_describe(language):
    page = Page(p=checked("sector", language), name="sector")
    row = indicator_row()
    s = series({1990: 100.0, 2005: 50.0, 2024: 80.0})
    lines = sector.statement_lines(page, row, s, label="Transport", share=0.25)
    text = " ".join(lines)
    assert fmt.percent(0.25, language, share=True) in lines[0]
    assert fmt.percent(20, language) in lines[1] and fmt.number(100, language) in lines[1]
    assert fmt.percent(60, language) in lines[2]
    assert fmt.number(1500, language) in lines[3] and fmt.number(600, language) in lines[3]
    assert i18n.t("value.after_2100", language) in lines[4] and "2997" not in text


def test_sector_statements_for_a_sector_without_emissions_and_from_zero():
    page = Page(p=checked("sector", "sv"), name="sector")
    zero = sector.statement_lines(
        page, indicator_row(last_value=0.0), series({1990: 0.0, 2024: 0.0}), label="X", share=0
    )
    assert len(zero) == 1 and "inga utsläpp" in zero[0] and "1990–2024" in zero[0]
    from_zero = sector.statement_lines(
        page,
        indicator_row(change_since_1990_pct=np.nan),
        series({1990: 0.0, 2005: 40.0, 2024: 80.0}),
        label="X",
        share=0.1,
    )
    assert "0 t 1990" in from_zero[1] and "kan inte anges i procent" in from_zero[1]


@pytest.mark.parametrize(
    ("gas", "header", "csv"), [("CO2e", "t CO2e per", "per_capita_t_co2e"), ("CO2", "t CO2 per", "per_capita_t_co2")]
)
def test_peer_table_names_the_gas_of_the_release(gas, header, csv):
    import dataclasses

    p = dataclasses.replace(checked("peers", "en"), gas=gas)
    page = Page(p=p, name="peers")
    groups = peers.peer_groups(KOMMUNER, ["0001", "0003"], "99")
    table = peers.peer_display(
        page, peers.peer_table(indicators_frame(), groups), name="peers", decimals=1, on_track=True
    )
    assert header in table.html("en")
    assert csv in table.csv_frame().columns
    assert "On track with the Carbon Law" in table.html("en") and ">no<" in table.html("en")


def test_share_and_change_texts():
    assert sector.share_text(0.004, "sv") == "0,4\u00a0%"
    assert sector.share_text(0.0, "en") == "0%"
    assert sector.share_text(0.186, "en") == "19%"
    assert sector.change_text(9.1, "sv") == "+9\u00a0%"
    assert sector.change_text(-21.4, "en") == "\u221221%"
    assert sector.change_text(0.2, "en") == "0%"
    assert sector.change_text(np.nan, "en") == fmt.MISSING


@pytest.mark.parametrize("value", [40705.3, 111155.0, "+40705-03-01", 2100.99 + 1])
def test_a_net_zero_millennia_away_reads_after_2100(value):
    """A sector whose trend barely falls reaches zero in year 40705 (Heby, Jordbruk, release 2026):
    the pages say 'efter 2100' and the CSV keeps ISO 8601's expanded date, they do not fail."""
    from borlange_analysis.reporting import statements
    from borlange_analysis.reporting.tables import Column

    assert statements.net_zero_text(value, "sv") == i18n.t("value.after_2100", "sv")
    assert "2100" in statements.net_zero(value=value, first_year=2015, language="en")
    assert fmt.to_date(value) is not None and fmt.to_date(value).year > 2100
    if isinstance(value, str):
        assert Column("net_zero", kind="month").csv_value(value) == value


def test_a_net_zero_this_century_reads_as_month_and_year():
    from borlange_analysis.reporting import statements

    assert statements.net_zero_text(2057.94, "sv") == "december 2057"
    assert statements.net_zero_text(float("nan"), "en") == i18n.t("value.never", "en")
