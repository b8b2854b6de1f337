"""Sinks: cited parameters, hand-computed gain-loss and scenarios, sign codes, the neutrality
balance's accounting rule, properties and bad parameters."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borlange_analysis import reference
from borlange_analysis.analysis import sinks
from borlange_analysis.errors import ParameterError, UnknownValueError

# Each IPCC-cited parameter pinned to the table it cites: (table, value, low, high). A change of a
# value, range or citation in reference/sink_parameters.csv must change this list too.
PINNED = {
    "basic_density_spruce": ("IPCC 2006 Vol. 4 Ch. 4 Table 4.14", 0.40, 0.35, 0.45),
    "basic_density_pine": ("IPCC 2006 Vol. 4 Ch. 4 Table 4.14", 0.42, 0.37, 0.47),
    "basic_density_broadleaf": ("IPCC 2006 Vol. 4 Ch. 4 Table 4.14", 0.51, 0.46, 0.56),
    "carbon_fraction_conifer": ("IPCC 2006 Vol. 4 Ch. 4 Table 4.3", 0.51, 0.47, 0.55),
    "carbon_fraction_broadleaf": ("IPCC 2006 Vol. 4 Ch. 4 Table 4.3", 0.48, 0.46, 0.50),
    "bef_increment_conifer": ("IPCC 2003 GPG-LULUCF Table 3A.1.10", 1.15, 1.0, 1.3),
    "bef_increment_broadleaf": ("IPCC 2003 GPG-LULUCF Table 3A.1.10", 1.10, 1.0, 1.3),
    "bef_stock_conifer": ("IPCC 2003 GPG-LULUCF Table 3A.1.10", 1.35, 1.15, 1.5),
    "bef_stock_broadleaf": ("IPCC 2003 GPG-LULUCF Table 3A.1.10", 1.30, 1.15, 1.5),
    "root_shoot_below_75": ("IPCC 2006 Vol. 4 Ch. 4 Table 4.4", 0.39, 0.23, 0.96),
    "root_shoot_above_75": ("IPCC 2006 Vol. 4 Ch. 4 Table 4.4", 0.24, 0.15, 0.37),
    "ef_co2_drained_organic_cropland": ("IPCC 2013 Wetlands Supplement Table 2.1", 7.9, 6.5, 9.4),
    "ef_co2_rewetted_temperate_rich": ("IPCC 2013 Wetlands Supplement Table 3.1", 0.50, -0.71, 1.71),
    "ef_ch4_rewetted_temperate_rich": ("IPCC 2013 Wetlands Supplement Table 3.3", 216, 0, 856),
    "ef_ch4_drained_organic_cropland": ("IPCC 2013 Wetlands Supplement Table 2.3", 0, -2.8, 2.8),
    "ef_ch4_ditch_cropland": ("IPCC 2013 Wetlands Supplement Table 2.4", 1165, 335, 1995),
    "frac_ditch_cropland": ("IPCC 2013 Wetlands Supplement Table 2.4", 0.05, 0.02, 0.08),
    "ef_doc_drained_temperate": ("IPCC 2013 Wetlands Supplement Table 2.2", 0.31, 0.19, 0.46),
    "ef_doc_rewetted_temperate": ("IPCC 2013 Wetlands Supplement Table 3.2", 0.24, 0.17, 0.31),
    "ef_n2o_drained_organic_cropland": ("IPCC 2013 Wetlands Supplement Table 2.5", 13, 8.2, 18),
    "ef_n2o_rewetted": ("IPCC 2013 Wetlands Supplement Table 3.5", 0, 0, 0),
    "biochar_carbon_content": ("IPCC 2019 Refinement Vol. 4 Ch. 2 Appendix 4 Table 4A.1", 0.77, 0.65, 0.85),
    "biochar_permanence_low_temperature": ("IPCC 2019 Refinement Vol. 4 Ch. 2 Appendix 4 Table 4A.2", 0.65, 0.55, 0.75),
    "biochar_permanence_medium_temperature": (
        "IPCC 2019 Refinement Vol. 4 Ch. 2 Appendix 4 Table 4A.2",
        0.80,
        0.71,
        0.89,
    ),
    "biochar_permanence_high_temperature": ("IPCC 2019 Refinement Vol. 4 Ch. 2 Appendix 4 Table 4A.2", 0.89, 0.77, 1.0),
}


def test_parameter_values_pinned_to_their_cited_tables():
    tab = sinks.sink_parameters().set_index("parameter")
    cited = tab[tab["status"].str.startswith("ipcc_default")]
    assert set(cited.index) == set(PINNED), "every IPCC-cited parameter is pinned, and only those"
    for name, (table, value, low, high) in PINNED.items():
        row = tab.loc[name]
        assert (row.reference, row.value, row.low, row.high) == (table, value, low, high), name
        number = table.rsplit("Table ", 1)[1]
        assert f"Table {number}" in row.source, f"{name}: the source names its table"
    for name, row in tab.iterrows():
        if row.status == "ipcc_default_to_check":
            assert "to be checked" in row.source, name
        assert row.source.strip(), name


def test_conifer_carbon_fraction_and_sweden_difference_stated():
    tab = sinks.sink_parameters().set_index("parameter")
    assert tab.loc["carbon_fraction_conifer", "value"] == 0.51
    assert "0.50" in tab.loc["carbon_fraction_conifer", "source"]  # Sweden's inventory value, stated
    assert "0.47" not in set(tab["value"].astype(str))  # the generic default is gone


def test_biochar_permanence_classes_are_labelled():
    tab = sinks.sink_parameters().set_index("parameter")
    assert "medium-temperature" in tab.loc["biochar_permanence_medium_temperature", "source"]
    assert "not the high one" in tab.loc["biochar_permanence_medium_temperature", "source"]
    assert not any("biochar_permanence" == p for p in tab.index)


def test_stem_volumes_are_m3sk():
    tab = sinks.sink_parameters().set_index("parameter")
    for name in ("standing_volume", "gross_increment", "natural_mortality", "harvest_rate"):
        assert tab.loc[name, "unit"].startswith("m3sk"), name
    assert "m3fub" in tab.loc["harvest_rate", "source"]  # the unit trap is documented


def _fixed(**extra):
    """Pin every parameter to its central value (no range) for hand computation."""
    tab = sinks.sink_parameters()
    return {r.parameter: float(r.value) for r in tab.itertuples()} | extra


SPRUCE_ONLY = dict(
    share_spruce=1.0,
    share_pine=0.0,
    share_broadleaf=0.0,
    basic_density_spruce=0.40,
    carbon_fraction_conifer=0.51,
    bef_increment_conifer=1.15,
    bef_stock_conifer=1.35,
    standing_volume=100.0,
    co2_per_c=44 / 12,
)


def test_gain_loss_hand_computed():
    """1 ha spruce, increment 5, fellings 3, mortality 0.5 m3sk: gain with BEF_I 1.15, losses with
    BEF_S 1.35; AGB = 100 x 0.4 x 1.35 = 54 t/ha < 75, so R = 0.39."""
    o = _fixed(**SPRUCE_ONLY, gross_increment=5.0, harvest_rate=3.0, natural_mortality=0.5)
    r = sinks.gain_loss_sink(1.0, overrides=o).iloc[0]
    k = 0.4 * 0.51 * 1.39 * 44 / 12
    gain, loss = 5 * k * 1.15, 3.5 * k * 1.35
    assert r.gross_uptake_t_co2 == pytest.approx(gain)
    assert r.harvest_loss_t_co2 == pytest.approx(3 * k * 1.35)
    assert r.mortality_loss_t_co2 == pytest.approx(0.5 * k * 1.35)
    assert r.sink_t_co2 == pytest.approx(gain - loss) and r.root_shoot_ratio == 0.39
    assert r.conversion_gain_t_co2_per_m3sk == pytest.approx(k * 1.15)
    assert r.conversion_loss_t_co2_per_m3sk == pytest.approx(k * 1.35)
    # no range on any parameter: the range collapses onto the central value
    assert r.sink_low_t_co2 == pytest.approx(r.sink_t_co2) == r.sink_high_t_co2
    assert r.method == "gain_loss" and r.volume_unit == "m3sk" and r.coverage == "forest_living_biomass"


def test_same_volume_in_and_out_is_a_loss_with_increment_factor():
    """Equal increment and drain in m3sk: the increment factor (1.15) is below the stock factor
    (1.35), so living biomass falls; with the old stock factor for both it would be zero."""
    o = _fixed(**SPRUCE_ONLY, gross_increment=4.0, harvest_rate=3.7, natural_mortality=0.3)
    assert sinks.gain_loss_sink(1.0, overrides=o).sink_t_co2.iloc[0] < 0


def test_root_shoot_switches_above_75_t_per_ha():
    o = _fixed(standing_volume=200.0)  # 200 m3 x ~0.42 x ~1.35 > 75 t/ha
    assert sinks.gain_loss_sink(1.0, overrides=o).root_shoot_ratio.iloc[0] == 0.24


@pytest.mark.parametrize(
    "low, high, code",
    [(1.0, 2.0, "net_sink"), (-2.0, -1.0, "net_source"), (-1.0, 1.0, "sign_uncertain"), (0.0, 1.0, "sign_uncertain")],
)
def test_sign_code(low, high, code):
    assert sinks.sign_code(low, high) == code


def test_gain_loss_range_including_zero_is_flagged():
    o = _fixed(**SPRUCE_ONLY, gross_increment={"value": 4.0, "low": 2.0, "high": 6.0}, harvest_rate=3.0)
    r = sinks.gain_loss_sink(1000.0, overrides=o).iloc[0]
    assert r.sink_low_t_co2 < 0 < r.sink_high_t_co2
    assert r.sign_code == "sign_uncertain" and bool(r.sign_uncertain)


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 1e5), st.floats(0, 1e5))
def test_larger_area_never_smaller_gross_uptake(a, b):
    small, large = sorted((a, b))
    r = sinks.gain_loss_sink([small, large])
    assert r.gross_uptake_t_co2.iloc[1] >= r.gross_uptake_t_co2.iloc[0]


@settings(max_examples=30, deadline=None)
@given(st.floats(0, 1e5), st.integers(0, 2**31))
def test_range_contains_central(area, seed):
    r = sinks.gain_loss_sink(area, seed=seed, n=500).iloc[0]
    assert r.sink_low_t_co2 <= r.sink_t_co2 <= r.sink_high_t_co2
    assert r.sign_code == sinks.sign_code(r.sink_low_t_co2, r.sink_high_t_co2)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(area_ha=-1), "non-negative"),
        (dict(area_ha=10, overrides={"carbon_fraction_conifer": 1.2}), "cannot exceed 1"),
        (dict(area_ha=10, overrides={"nope": 1}), "Unknown sink parameter"),
        (dict(area_ha=10, overrides={"harvest_rate": -1}), "negative"),
        (dict(area_ha=10, overrides={"share_pine": 0.9}), "sum to 1"),
        (dict(area_ha=10, n=10), "at least 100 draws"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises((ParameterError, UnknownValueError), match=match):
        sinks.gain_loss_sink(kwargs.pop("area_ha"), **kwargs)


def test_top_down_is_an_area_share_of_the_national_net_flux():
    forest = pd.DataFrame(
        {
            "kommun_code": ["0001", "0002"],
            "kommun": ["A", "B"],
            "productive_forest_ha": [1.0, 3.0],
            "forest_share": [0.25, 0.75],
        }
    )
    lul = pd.DataFrame({"year": [2022, 2023, 2024], "t_co2": [-40.0, -50.0, -60.0]})
    td = sinks.top_down_sink(forest, lul, window=2).set_index("kommun")
    assert td.loc["A", "sink_t_co2"] == 15 and td.loc["A", "allocated_flux_t_co2"] == -15
    assert (td.loc["A", "sink_low_t_co2"], td.loc["A", "sink_high_t_co2"]) == (12.5, 15)
    assert (td["method"] == "lulucf_area_share").all() and (
        td["coverage"] == "national_net_lulucf_all_categories"
    ).all()
    assert (td["sign_code"] == "net_sink").all() and "forest uptake" not in td["source"].iloc[0]


def test_unknown_scenario_and_parameter():
    with pytest.raises(UnknownValueError, match="Unknown scenario 'planting'.*afforestation"):
        sinks.run_scenario("planting", area_ha=1)
    with pytest.raises(ParameterError, match="unknown parameter 'hectares'"):
        sinks.run_scenario("set_aside", hectares=1)


def _one(frame, component=None):
    f = frame if component is None else frame[frame.component == component]
    assert f.year.nunique() == len(f)
    return f.iloc[0]


def test_forest_scenarios_are_additional_sinks_hand_computed():
    p = _fixed()
    out = sinks.gain_loss_sink(1.0, overrides=p).iloc[0]
    gain_c, loss_c = out.conversion_gain_t_co2_per_m3sk, out.conversion_loss_t_co2_per_m3sk
    sa = sinks.run_scenario("set_aside", area_ha=100, start_year=2026, end_year=2030)
    assert len(sa) == 5 and _one(sa).t_co2e == pytest.approx(100 * p["harvest_rate"] * loss_c)
    hc = sinks.run_scenario("harvest_change", forest_ha=1000, change_share=-0.1)
    assert _one(hc).t_co2e == pytest.approx(0.1 * p["harvest_rate"] * 1000 * loss_c)
    af = sinks.run_scenario("afforestation", area_ha=10, maturity_years=10, start_year=2026, end_year=2040)
    assert af.t_co2e.iloc[0] == pytest.approx(10 * p["gross_increment"] * gain_c / 10)
    assert af.t_co2e.iloc[-1] == pytest.approx(10 * p["gross_increment"] * gain_c)
    for s in (sa, hc, af):
        assert (s.kind == "additional_sink").all() and (s.inventory == "lulucf").all()
        assert list(s.columns[: len(sinks.SCENARIO_COLUMNS)]) == sinks.SCENARIO_COLUMNS


def test_rewetting_factors():
    """Temperate nutrient-rich factors of the 2013 Wetlands Supplement, AR5 GWP100 (CH4 28, N2O 265),
    per hectare: CO2 (7.9 - 0.5) t C, DOC (0.31 - 0.24) t C, CH4 216 kg C rewetted minus 0 drained,
    ditch CH4 0.05 x 1165 kg avoided, N2O 13 kg N avoided."""
    rw = sinks.run_scenario("rewetting", area_ha=10, start_year=2030, end_year=2030).set_index("component")
    c = 44 / 12
    assert rw.loc["co2_soil", "t_co2e"] == pytest.approx(10 * (7.9 - 0.5) * c, rel=1e-4)
    assert rw.loc["co2_doc", "t_co2e"] == pytest.approx(10 * (0.31 - 0.24) * c, rel=1e-4)
    assert rw.loc["ch4_soil", "t_co2e"] == pytest.approx(-10 * 216 * 16 / 12 / 1000 * 28)
    assert rw.loc["ch4_ditch", "t_co2e"] == pytest.approx(10 * 0.05 * 1165 / 1000 * 28)
    assert rw.loc["n2o_soil", "t_co2e"] == pytest.approx(10 * 13 * 44 / 28 / 1000 * 265)
    # CO2 and CH4 lie in LULUCF (not in SMHI's kommun totals); the avoided N2O is a cut of Jordbruk
    lulucf = rw[rw.inventory == "lulucf"]
    assert set(lulucf.index) == {"co2_soil", "co2_doc", "ch4_soil", "ch4_ditch"}
    assert (lulucf.kind == "additional_sink").all()
    assert rw.loc["n2o_soil", "kind"] == "emission_cut" and rw.loc["n2o_soil", "sector"] == "Jordbruk"
    assert not (rw.kind == "technical_removal").any()  # a soil measure is never also a removal


def test_rewetting_ch4_is_temperate_not_boreal():
    per_ha = sinks.rewetting_per_ha(_fixed()).set_index("component")
    assert per_ha.loc["ch4_soil", "t_co2e_per_ha"] == pytest.approx(-216 * 16 / 12 / 1000 * 28)
    assert per_ha.loc["ch4_soil", "t_co2e_per_ha"] != pytest.approx(-41 * 16 / 12 / 1000 * 28)


def test_ccs_fossil_is_an_emission_cut_biogenic_a_removal():
    ccs = sinks.run_scenario("ccs", fossil_t_co2=40000, biogenic_share=0.6, capture_rate=0.9, end_year=2030)
    f, b = _one(ccs, "fossil_co2_captured"), _one(ccs, "biogenic_co2_captured")
    assert (f.kind, f.sector, f.inventory, f.t_co2e) == ("emission_cut", "El och fjärrvärme", "smhi_territorial", 36000)
    assert (b.kind, b.sector, b.t_co2e) == ("technical_removal", "", pytest.approx(0.9 * 60000))
    assert f.biogenic_share_basis == "user"
    default = sinks.run_scenario("ccs", fossil_t_co2=100, end_year=2030)
    assert (default.biogenic_share_basis == "assumption_waste_biogenic_share").all()
    with pytest.raises(ParameterError):
        sinks.run_scenario("ccs", fossil_t_co2=1, biogenic_share=1.0)
    with pytest.raises(UnknownValueError):
        sinks.run_scenario("ccs", fossil_t_co2=1, sector="Skogen")


def test_biochar_technical_removal_by_permanence_class():
    bc = sinks.run_scenario("biochar", biochar_t_per_yr=100, end_year=2030)
    r = _one(bc)
    assert r.t_co2e == pytest.approx(100 * 0.77 * 0.80 * 3.6667)
    assert (r.kind, r.permanence_class, r.permanence) == ("technical_removal", "medium_temperature", 0.80)
    high = _one(sinks.run_scenario("biochar", biochar_t_per_yr=100, permanence_class="high_temperature"))
    assert high.permanence == 0.89
    with pytest.raises(UnknownValueError, match="medium_temperature"):
        sinks.run_scenario("biochar", biochar_t_per_yr=1, permanence_class="high")


PATH = pd.DataFrame(
    {
        "year": [2030, 2030, 2030],
        "sector": ["El och fjärrvärme", "Transporter", "Jordbruk"],
        "t_co2e": [50.0, 40.0, 10.0],
    }
)


def test_balance_adds_up_and_never_subtracts_the_existing_sink():
    b = sinks.neutrality_balance(PATH, base_value=500, existing_sinks={"gain_loss": (-30, -5, 20)}, reduction=0.8)
    r = b.iloc[0]
    assert r.baseline_t_co2e == 100 and r.residual_emissions_t_co2e == 100
    assert r.net_emissions_t_co2e == 100 and r.neutrality_gap_t_co2e == 100  # the existing sink is not subtracted
    assert r.existing_sink_gain_loss_t_co2 == -5 and r.existing_sink_gain_loss_sign == "sign_uncertain"
    assert r.residual_allowed_t_co2e == pytest.approx(100) and r.cut_gap_t_co2e == pytest.approx(0, abs=1e-9)
    assert r.rule == "existing_sink_not_subtracted"


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 1e6), min_size=1, max_size=9),
    st.floats(-1e6, 1e6),
    st.floats(0, 1e6),
    st.floats(0, 1e6),
)
def test_balance_property_existing_sink_never_changes_the_gap(values, sink, additional, removal):
    path = pd.DataFrame({"year": 2030, "sector": [f"S{i}" for i in range(len(values))], "t_co2e": values})
    m = pd.DataFrame(
        {"year": [2030, 2030], "kind": ["additional_sink", "technical_removal"], "t_co2e": [additional, removal]}
    )
    lo, hi = sorted((sink, sink * 0.5))
    with_sink = sinks.neutrality_balance(
        path, base_value=1e6, existing_sinks={"m": (lo, (lo + hi) / 2, hi)}, measures=m
    ).iloc[0]
    without = sinks.neutrality_balance(path, base_value=1e6, measures=m).iloc[0]
    assert with_sink.neutrality_gap_t_co2e == without.neutrality_gap_t_co2e
    assert with_sink.net_emissions_t_co2e == pytest.approx(sum(values) - additional - removal)
    assert with_sink.neutrality_gap_t_co2e == pytest.approx(max(0.0, sum(values) - additional - removal))


def test_ccs_on_a_fossil_source_changes_emissions_not_sinks():
    ccs = sinks.run_scenario(
        "ccs", fossil_t_co2=40, biogenic_share=0.0, capture_rate=0.5, start_year=2030, end_year=2030
    )
    b = sinks.neutrality_balance(PATH, base_value=500, measures=ccs).iloc[0]
    assert b.emission_cuts_t_co2e == 20 and b.residual_emissions_t_co2e == 80
    assert b.additional_sinks_t_co2e == 0 and b.technical_removals_t_co2e == 0
    assert b["El och fjärrvärme"] == 50  # the sector column stays the baseline
    # with a biogenic share the biogenic part is a technical removal, the fossil part still a cut
    bio = sinks.run_scenario(
        "ccs", fossil_t_co2=40, biogenic_share=0.5, capture_rate=0.5, start_year=2030, end_year=2030
    )
    b2 = sinks.neutrality_balance(PATH, base_value=500, measures=bio).iloc[0]
    assert b2.emission_cuts_t_co2e == 20 and b2.technical_removals_t_co2e == 20 and b2.additional_sinks_t_co2e == 0
    assert b2.net_emissions_t_co2e == 60


def test_emission_cut_is_capped_at_its_sector():
    cut = pd.DataFrame({"year": [2030], "kind": ["emission_cut"], "sector": ["Jordbruk"], "t_co2e": [25.0]})
    b = sinks.neutrality_balance(PATH, base_value=500, measures=cut).iloc[0]
    assert b.emission_cuts_t_co2e == 10 and b.residual_emissions_t_co2e == 90


def test_balance_bad_measures():
    with pytest.raises(UnknownValueError, match="Unknown measure kind 'sink'"):
        sinks.neutrality_balance(
            PATH, base_value=1, measures=pd.DataFrame({"year": [2030], "kind": ["sink"], "t_co2e": [1.0]})
        )
    bad_sector = pd.DataFrame({"year": [2030], "kind": ["emission_cut"], "sector": ["Skog"], "t_co2e": [1.0]})
    with pytest.raises(UnknownValueError, match="sector of an emission cut"):
        sinks.neutrality_balance(PATH, base_value=1, measures=bad_sector)
    with pytest.raises(ParameterError, match="lacks columns"):
        sinks.neutrality_balance(PATH, base_value=1, measures=pd.DataFrame({"year": [2030]}))


def test_measures_by_kind():
    m = pd.concat(
        [
            sinks.run_scenario(
                "ccs", fossil_t_co2=10, biogenic_share=0.5, capture_rate=1.0, start_year=2030, end_year=2031
            ),
            sinks.run_scenario("set_aside", area_ha=1, start_year=2031, end_year=2031),
        ]
    )
    k = sinks.measures_by_kind(m).set_index("year")
    assert k.loc[2030, "emission_cut_t_co2e"] == 10 and k.loc[2030, "technical_removal_t_co2e"] == 10
    assert k.loc[2030, "additional_sink_t_co2e"] == 0 and k.loc[2031, "additional_sink_t_co2e"] > 0


def test_reference_table_has_a_source_and_status_per_row():
    tab = reference.table("sink_parameters.csv")
    assert (
        tab["source"].notna().all()
        and tab["status"].isin(["ipcc_default", "ipcc_default_to_check", "assumption", "constant"]).all()
    )
    assert np.isfinite(tab[["value", "low", "high"]].to_numpy()).all()
