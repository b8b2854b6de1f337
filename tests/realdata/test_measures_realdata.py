"""Measures and scenarios on the real data mirror: the baseline, SSAB, Bäckelund, the balance, CO2."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from borlange_analysis import data
from borlange_analysis.analysis import budget, measures, scenario, scenario_metrics, trends
from borlange_analysis.names import industry_sector

pytestmark = pytest.mark.realdata
YEAR = 2026
BORLANGE = "2081"


@lru_cache(maxsize=1)
def borlange() -> scenario.ScenarioResult:
    return scenario.build(BORLANGE, current_year=YEAR)


def one_measure(tmp_path: Path, row: str) -> pd.DataFrame:
    header = (
        "id,name_en,kommun,owner,sector,facility,location,kind,method,start_year,full_year,effect,unit,"
        "effect_basis,source"
    )
    path = tmp_path / "one.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return measures.read_catalogue(path)


def test_borlange_2024_baseline_equals_smhis_total():
    r = borlange()
    pw = r.pathways()
    row = pw[(pw["sector"] == "Alla") & (pw["year"] == 2024)].iloc[0]
    assert row["kind"] == "observed"
    assert row["baseline_t_co2e"] == pytest.approx(423_795.8, abs=0.05)


def test_the_baseline_total_is_the_overviews_trend_every_year():
    r = borlange()
    tot = data.load_emissions(BORLANGE, release="2026", level="total")
    trend = trends.trend_value(trends.pathways(tot, current_year=YEAR), r.years)[0]
    np.testing.assert_allclose(r.base_values[0].sum(axis=0), trend, rtol=1e-12)
    assert r.baseline.year_kind()[0][:3].tolist() == ["observed", "estimated", "projected"]


def test_only_a_fossil_free_ssab_from_year_y_cuts_industri_by_ssabs_baseline(tmp_path):
    """With only a fossil-free SSAB from Y, Industri from Y equals its baseline minus SSAB's plant
    baseline (verified to 2020, estimated after), floored at 0; before Y nothing changes."""
    y = 2030
    cat = one_measure(
        tmp_path,
        f"ssab_only,SSAB only,Borlänge,ssab,industri,SE_386,inside,relative_cut,given,{y},{y},100,pct,published,SSAB",
    )
    r = scenario.build(BORLANGE, catalogue=cat, current_year=YEAR)
    s = r.baseline.sectors.index(industry_sector())
    base, scen = r.base_values[0, s], r.cuts["central"].scenario[0, s]
    plant = r.resolved.facilities.set_index("year")["t_co2e"].reindex(r.years).to_numpy()
    after = r.years >= y
    np.testing.assert_allclose(scen[after], np.maximum(base[after] - plant[after], 0.0), rtol=1e-12)
    np.testing.assert_array_equal(scen[~after], base[~after])
    others = [i for i in range(len(r.baseline.sectors)) if i != s]
    np.testing.assert_array_equal(r.cuts["central"].scenario[0, others], r.base_values[0, others])


def test_ssabs_plant_baseline_is_verified_then_its_2020_share_of_industri():
    fac = borlange().resolved.facilities
    ssab = fac[fac["facility"] == "SE_386"].set_index("year")
    assert ssab.loc[2019, "t_co2e"] == 226_743 and ssab.loc[2019, "basis"] == "verified"
    assert ssab.loc[2020, "t_co2e"] == 214_455
    assert ssab.loc[2024, "basis"] == "estimated_share_of_sector"
    industri_2020 = data.load_emissions(BORLANGE, release="2026", level="sector", sector=industry_sector())
    share = 214_455 / float(industri_2020.set_index("year").loc[2020, "t_co2e"])
    assert ssab.loc[2024, "share"] == pytest.approx(share) == pytest.approx(0.927, abs=0.001)


def test_backelund_bio_ccs_is_a_removal_from_its_plant_baseline_and_biogenic_share():
    r = borlange()
    fac = r.resolved.facilities
    plant = fac[fac["facility"] == "SE_56"].set_index("year")["t_co2e"]
    eff = r.effects().set_index(["id", "year"])
    b = 35_958 / (35_958 + 39_922)  # Klimatbyrån's biogenic CO2 2024 over it plus the 2020 verified fossil CO2
    assert eff.loc[("borlange_energi_bio_ccs", 2035), "t"] == pytest.approx(0.9 * plant[2035] * b / (1 - b))
    assert eff.loc[("borlange_energi_bio_ccs", 2035), "kind"] == "technical_removal"
    # fossil CCS cuts El och fjärrvärme: 90 % of the plant in 2035 (full effect from 2032)
    assert eff.loc[("borlange_energi_ccs_fossil", 2035), "t"] == pytest.approx(0.9 * plant[2035], rel=1e-9)


def test_the_2030_waterfall_adds_up_and_equals_the_balance():
    r = borlange()
    base_1990 = float(
        data.load_emissions(BORLANGE, release="2026", level="total").set_index("year").loc[1990, "t_co2e"]
    )
    bal = scenario_metrics.balance(r, BORLANGE, base_value=base_1990, existing_sinks={"x": (-1.0, 0.0, 1.0)})
    row = bal[bal["year"] == 2030].iloc[0]
    wf = scenario_metrics.waterfall(r, BORLANGE, year=2030, balance_row=row)
    b = wf[wf["group"] == "balance"].set_index("item")
    cuts = wf.loc[wf["item"] == "measure", "t_co2e"].sum()
    assert b.loc["baseline", "t_co2e"] + cuts == pytest.approx(b.loc["residual", "t_co2e"], rel=1e-12)
    net = b.loc["residual", "t_co2e"] + b.loc["additional_sinks", "t_co2e"] + b.loc["technical_removals", "t_co2e"]
    assert b.loc["gap", "t_co2e"] == pytest.approx(max(net, 0.0), rel=1e-12)
    assert row["existing_sink_x_t_co2"] == 0 and row["rule"] == "existing_sink_not_subtracted"
    # the indicators' vectorised gap is the same number
    ind = scenario_metrics.indicator_frame(r, year=2030, portfolio="auto")
    tot = ind[ind["sector"] == "Alla"].iloc[0]
    assert tot["scenario_neutrality_gap_year_t_co2e"] == pytest.approx(row["neutrality_gap_t_co2e"], rel=1e-9)


def test_the_co2_baseline_is_the_budgets_own_trend():
    st = budget.budget_status(BORLANGE, current_year=YEAR).assign(scope="all")
    bm = scenario_metrics.budget_metrics(st, {"all": borlange()}, BORLANGE).iloc[0]
    assert bm["co2_baseline_total_t"] == pytest.approx(st["total_trend_t"].iloc[0], rel=1e-9)
    assert bm["gas"] == "CO2" and bm["co2_scenario_total_t"] < bm["co2_baseline_total_t"]


def test_the_sector_co2_shares_reproduce_smhis_co2_release():
    """Release 2026's sectors times their CO2 shares against SMHI's CO2 release (2024) for 2022."""
    shares = scenario_metrics.co2_shares()["co2_share"]
    sec = data.load_emissions(None, release="2026", level="sector")
    s = sec[sec["year"] == 2022]
    est = (s["t_co2e"] * s["sector"].map(shares)).groupby(s["kommun_code"]).sum()
    co2 = data.load_emissions(None, release="2024", level="total")
    c = co2[co2["year"] == 2022].set_index("kommun_code")["t_co2e"]
    assert est.sum() / c.sum() == pytest.approx(0.992, abs=0.01)
    assert est[BORLANGE] / c[BORLANGE] == pytest.approx(0.985, abs=0.01)
    assert (est / c).median() == pytest.approx(1.0, abs=0.02)


def test_all_290_kommuner_with_the_generic_portfolio():
    cat = measures.load_portfolio("generic", kommun=None)
    r = scenario.build(None, catalogue=cat, current_year=YEAR)
    assert r.base_values.shape[:2] == (290, 9)
    scen = r.cuts["central"].scenario
    assert (scen >= 0).all() and (scen <= r.base_values + 1e-6).all()
    wedges = r.effects().groupby(["kommun_code", "year"])["t"].sum()
    cut = (r.base_values - scen).sum(axis=1)
    codes = r.baseline.kommuner["kommun_code"].tolist()
    got = np.array([[wedges.get((c, y), 0.0) for y in r.years] for c in codes])
    np.testing.assert_allclose(got, cut, atol=1e-6)


def test_borlanges_partner_measures_without_activity_data_wait_for_it():
    st = borlange().status(BORLANGE).set_index("id")["status"]
    assert st["ssab_reheating_lpg"] == "needs_activity_data"
    assert st["ssab_fossil_free_site"] == "counted"
    assert (st == "other_kommun").sum() == 0


def test_a_partners_activity_data_make_its_fuel_switch_count(tmp_path, monkeypatch):
    pdir = tmp_path / "partners" / "maserfrakt"
    pdir.mkdir(parents=True)
    (pdir / "activity.csv").write_text(
        "partner_id,year,activity,amount,unit,use,note\nmaserfrakt,2024,diesel,100,m3,road,\n", encoding="utf-8"
    )
    monkeypatch.setenv("BORLANGE_PARTNERS_DIR", str(tmp_path / "partners"))
    r = scenario.build(BORLANGE, current_year=YEAR)
    st = r.status(BORLANGE).set_index("id")["status"]
    assert st["maserfrakt_hvo_trucks"] == "counted"
    # 100 m3 of road diesel with the 2024 biofuel share: scope 1 of the activity data, all switched from 2028;
    # alone it cuts all of that, in the portfolio its wedge shares Transporter's cut with the EU standards
    from borlange_analysis import partners
    from borlange_analysis.analysis import ghg_accounting

    act, fac = partners.partner_activity("maserfrakt")
    t = ghg_accounting.scope_emissions(act, fac)["t_co2e"].sum()
    j, y = r.resolved.cut_ids.index("maserfrakt_hvo_trucks"), list(r.years).index(2030)
    assert r.cuts["central"].standalone[0, j, y] == pytest.approx(t, rel=1e-9)
    wedge = r.effects().set_index(["id", "year"]).loc[("maserfrakt_hvo_trucks", 2030), "t"]
    assert 0 < wedge <= t


def test_the_sector_section_lists_the_measures_that_cut_the_sector():
    from borlange_analysis import params
    from borlange_analysis.reporting import common
    from borlange_analysis.reporting import measures as page_measures

    p = params.validate("sector", kommun="Borlänge", sector="industri", current_year=YEAR, language="en")
    page = common.new_page(p, "sector", sector="Industry", kommun="Borlänge")
    page_measures.sector_section(page, industry_sector())
    table = page.items["scenario_levers"]
    assert set(table.frame["id"]) == {"ssab_fossil_free_site", "ssab_reheating_lpg"}
    assert "More on the measures page" in str(page.show("scenario_levers_summary"))
