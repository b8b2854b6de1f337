"""Partners, facility shares, the food-waste series and sinks on the real data mirror."""

import pytest

from borlange_analysis import data, partners
from borlange_analysis.analysis import facilities, food_waste, sinks

pytestmark = pytest.mark.realdata


def test_ssab_share_of_industri_2019():
    share = facilities.facility_share(partners.get_partner("ssab"), release="2021").set_index("year")
    assert share.loc[2019, "verified_t_co2e"] == 226_743
    assert share.loc[2019, "share"] == pytest.approx(0.914, abs=0.002)
    assert share.loc[2019, "remainder_t_co2e"] == pytest.approx(248_015.08 - 226_743, abs=1)
    assert (share.basis == "eutl_verified_over_smhi_sector").all() and (share.release == "2021").all()


def test_food_waste_series_real():
    s = food_waste.waste_series()
    assert s.year.min() == 2013 and (s.unit == "kg/person").all()


def test_top_down_on_real_data():
    forest = sinks.forest_share(data.load_land_use())
    b = forest.set_index("kommun").loc["Borlänge"]
    assert b.productive_forest_ha == 35_950
    td = sinks.top_down_sink(forest, data.load_lulucf_national(), year=2024).set_index("kommun").loc["Borlänge"]
    assert td.allocated_flux_t_co2 == pytest.approx(td.national_flux_t_co2 * 35_950 / b.sweden_productive_forest_ha)
    assert td.sink_low_t_co2 <= td.sink_t_co2 <= td.sink_high_t_co2


def test_indicators_gain_sink_columns():
    from borlange_analysis.analysis import indicators

    ind = indicators.build_indicators()
    for col in (
        "existing_sink_lulucf_area_share_t_co2",
        "existing_sink_gain_loss_low_t_co2",
        "existing_sink_gain_loss_t_co2",
        "existing_sink_gain_loss_high_t_co2",
        "existing_sink_gain_loss_sign",
        "emissions_in_target_year_t_co2e",
        "residual_allowed_t_co2e",
        "neutrality_gap_no_measures_t_co2e",
    ):
        assert col in ind.columns and ind[col].notna().all(), col
    assert (ind.existing_sink_gain_loss_low_t_co2 <= ind.existing_sink_gain_loss_t_co2).all()
    # the existing sink is never subtracted: the gap without measures is the trend in the target year
    assert (ind.neutrality_gap_no_measures_t_co2e == ind.emissions_in_target_year_t_co2e).all()
    assert "net_emissions_t" not in ind.columns


def test_registry_installations_exist_in_the_eutl_extract():
    entries = partners.partners(check_installations=True)
    assert {i for p in entries for i in p["ets_installations"]} == {"SE_386", "SE_56"}


def test_reference_kommuner_equal_scb_code_list():
    """reference/kommuner.csv (used to check parameters before any data are prepared) is SCB's list."""
    from borlange_analysis import reference

    ref = reference.table("kommuner.csv", as_text=True).drop(columns="source")
    assert ref.equals(data.load_table("kommuner")[ref.columns].reset_index(drop=True))
