"""Methods II on the real data mirror: Borlänge's sink estimates, non-ETS, Bäckelund's CCS."""

import pytest

from borlange_analysis import data
from borlange_analysis.analysis import facilities, sinks, targets

pytestmark = pytest.mark.realdata


def test_borlange_gain_loss_range_includes_zero_and_says_the_sign_is_uncertain():
    est = sinks.sink_estimates("Borlänge").set_index("method")
    gl = est.loc["gain_loss"]
    assert gl.area_ha == 35_950
    assert gl.low_t_co2 < 0 < gl.high_t_co2
    assert gl.sign_code == "sign_uncertain" and bool(gl.sign_uncertain)
    assert gl.range_method == "monte_carlo_p05_p95" and gl.coverage == "forest_living_biomass"


def test_borlange_lulucf_area_share_2024():
    est = sinks.sink_estimates("Borlänge").set_index("method")
    td = est.loc["lulucf_area_share"]
    # Sweden's net LULUCF flux 2024 (-54.24 Mt) x Borlänge's share of productive forest area
    assert td.central_t_co2 == pytest.approx(89_592, abs=1) and td.year == 2024
    assert td.coverage == "national_net_lulucf_all_categories" and td.sign_code == "net_sink"
    assert td.sink_kind == "existing_sink"


def test_borlange_non_ets_2019_is_total_minus_verified_ets():
    sec = data.load_emissions(None, release="2021", level="sector")
    ne = targets.non_ets_emissions(sec).set_index(["kommun", "year"])
    r = ne.loc[("Borlänge", 2019)]
    # SMHI total 415,053.7 minus the verified emissions of Borlänge's installations (SSAB 226,743,
    # Stora Enso Kvarnsveden 14,326, Bäckelund 38,399, FVC Kvarnsveden 7, FVC Dala Emballage 0)
    assert r.method == "total_minus_verified_ets" and r.ets_verified_t_co2e == 279_475
    assert r.t_co2e == pytest.approx(415_053.65 - 279_475, abs=1)
    # the old proxy (all sectors but Industri and El och fjärrvärme) is about 9 % lower
    assert r.sector_proxy_t_co2e / r.t_co2e == pytest.approx(0.913, abs=0.005)
    assert ne.loc[("Borlänge", 1990), "method"] == "sector_proxy_scaled"


def test_backelund_biogenic_share_and_ccs():
    s = facilities.plant_biogenic_share("SE_56")
    assert s["fossil_t_co2"] == 39_922 and s["fossil_year"] == 2020
    assert s["biogenic_t_co2"] == 35_958 and s["biogenic_year"] == 2024
    assert s["biogenic_share"] == pytest.approx(35_958 / (35_958 + 39_922))
    assert s["basis"] == "kommun_biogenic_co2_attributed_to_plant" and "years_differ" in s["caveats"]
    ccs = sinks.ccs_at_installation("SE_56", start_year=2030, end_year=2030).set_index("component")
    assert ccs.loc["fossil_co2_captured", "kind"] == "emission_cut"
    assert ccs.loc["fossil_co2_captured", "sector"] == "El och fjärrvärme"
    assert ccs.loc["fossil_co2_captured", "t_co2e"] == pytest.approx(0.9 * 39_922)
    assert ccs.loc["biogenic_co2_captured", "kind"] == "technical_removal"
    assert ccs.loc["biogenic_co2_captured", "t_co2e"] == pytest.approx(0.9 * 35_958)


def test_rewetting_n2o_is_a_cut_of_borlange_jordbruk_subsector():
    sub = data.load_emissions("Borlänge", release="2021", level="subsector")
    organic = sub[(sub.subsector == sinks.ORGANIC_SOIL_SUBSECTOR) & (sub.year == 2019)]
    assert organic.sector.iloc[0] == "Jordbruk" and organic.t_co2e.iloc[0] == pytest.approx(3_427.9, abs=0.1)
