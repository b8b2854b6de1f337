"""Partners: registry validation, facility shares on real data, scope accounting, confidentiality."""

import pandas as pd
import pytest

from borlange_analysis import partners
from borlange_analysis.analysis import food_waste, ghg_accounting
from borlange_analysis.errors import DataFileError, ParameterError, UnknownValueError


def _reg(tmp_path, text):
    f = tmp_path / "p.toml"
    f.write_text(text, encoding="utf-8")
    return f


GOOD = '[[partner]]\nid = "a"\nname = "A"\nkind = "company"\nkommun = "2081"\nsectors = ["Jordbruk"]\n'


def test_registry_validation(tmp_path):
    assert partners.partners(_reg(tmp_path, GOOD), check_installations=False)[0]["id"] == "a"
    with pytest.raises(DataFileError, match="duplicate partner id 'a'"):
        partners.partners(_reg(tmp_path, GOOD + GOOD), check_installations=False)
    with pytest.raises(UnknownValueError, match="Unknown sector .*'Jordbruket'"):
        partners.partners(_reg(tmp_path, GOOD.replace('"Jordbruk"', '"Jordbruket"')), check_installations=False)
    with pytest.raises(UnknownValueError, match="Unknown partner kind"):
        partners.partners(_reg(tmp_path, GOOD.replace("company", "firm")), check_installations=False)
    with pytest.raises(UnknownValueError, match="Unknown EU ETS installation .*'SE_999999'"):
        partners.validate_registry(
            [{"id": "a", "name": "A", "kind": "company", "kommun": "2081", "ets_installations": ["SE_999999"]}],
            installations={"SE_386"},
        )


def test_shipped_registry_has_the_ten_partners():
    ids = [p["id"] for p in partners.partners()]
    assert len(ids) == 10 and {"ssab", "borlange_energi", "hushagen", "tunabyggen", "maserfrakt"} <= set(ids)
    hushagen = partners.get_partner("hushagen")
    assert not hushagen["facts"] and hushagen["missing"] == ["everything"]
    with pytest.raises(UnknownValueError, match="Did you mean 'ssab'"):
        partners.get_partner("sab")


def _activity(rows, use=None):
    frame = pd.DataFrame(rows, columns=["partner_id", "year", "activity", "amount", "unit", "note"])
    if use is not None:
        frame["use"] = use
    return frame.assign(_row=range(2, 2 + len(rows)))


NO_BIO = pd.DataFrame(
    {"activity": ["diesel"], "basis": ["bio_share"], "factor": [0.0], "factor_unit": ["share"], "source": ["test"]}
)


def test_diesel_10_m3_is_26_8_t_co2():
    sc = ghg_accounting.scope_emissions(_activity([("x", 2024, "diesel", 10, "m3", "")], use="road"), NO_BIO)
    co2 = sc[sc.gas == "CO2"].t_gas.iloc[0]
    assert co2 == pytest.approx(8.4 * 43.0 * 74.1 / 1000) and round(co2, 1) == 26.8
    assert (sc.scope == 1).all() and sc.gwp_set.iloc[0] == "AR5GWP100"
    assert sc[sc.gas == "CH4"].gwp.iloc[0] == 28


@pytest.mark.parametrize(
    "amount, unit",
    [(10, "m3"), (10, "m³"), (10000, "litre"), (8.4, "t"), (8400, "kg"), (361.2, "GJ"), (100.333333, "MWh")],
)
def test_unit_conversions_agree(amount, unit):
    sc = ghg_accounting.scope_emissions(_activity([("x", 2024, "diesel", amount, unit, "")], use="off_road"), NO_BIO)
    assert sc[sc.gas == "CO2"].t_gas.iloc[0] == pytest.approx(26.76, abs=0.01)


def test_scope2_needs_factor_and_location_market():
    act = _activity([("x", 2024, "electricity", 1000, "MWh", "")])
    with pytest.raises(ParameterError, match="row 2 .*no emission factor for 'electricity'"):
        ghg_accounting.scope_emissions(act)
    f = pd.DataFrame(
        {
            "activity": ["electricity", "electricity"],
            "basis": ["location", "market"],
            "factor": [40, 0],
            "factor_unit": ["kg/MWh", "t/MWh"],
            "source": ["s", "s"],
        }
    )
    summ = ghg_accounting.scope_summary(ghg_accounting.scope_emissions(act, f))
    assert summ.scope_2_location.iloc[0] == pytest.approx(40) and summ.scope_2_market.iloc[0] == 0


def test_unknown_activity_and_unit_name_the_row():
    with pytest.raises(UnknownValueError, match="Unknown activity .*row 2.*'kerosene'"):
        ghg_accounting.scope_emissions(_activity([("x", 2024, "kerosene", 1, "t", "")]))
    with pytest.raises(UnknownValueError, match="Unknown unit 'flaskor'"):
        ghg_accounting.scope_emissions(_activity([("x", 2024, "diesel", 1, "flaskor", "")], use="road"))
    with pytest.raises(ParameterError, match="not a mass, volume or energy"):
        ghg_accounting.scope_emissions(_activity([("x", 2024, "diesel", 1, "km", "")], use="road"))


def test_example_data_is_labelled_illustrative():
    act, fac = partners.example_activity()
    assert partners.is_illustrative(act)
    assert fac.source.str.contains("ILLUSTRATIVE").all()


def test_read_activity_errors(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("partner_id,year,activity,amount,unit,note\nx,2024,diesel,ten,m3,\n")
    with pytest.raises(DataFileError, match="row 2, column 'amount': value 'ten'"):
        partners.read_activity(f)


def test_food_waste_scenario_hand_computed():
    r = food_waste.school_kitchen_scenario(
        school_kitchens=10,
        portions_per_school_day=100,
        school_days_per_year=200,
        serving_waste_kg_per_portion=0.02,
        rescuable_share=0.5,
        portion_kg=0.4,
        ef_food_kg_co2e_per_kg=2.0,
    ).iloc[0]
    assert r.serving_waste_t_per_yr == pytest.approx(4.0)
    assert r.meals_from_rescued_food == pytest.approx(2000 / 0.4)
    assert r.avoided_t_co2e_per_yr == pytest.approx(4.0)
    with pytest.raises(UnknownValueError):
        food_waste.school_kitchen_scenario(kitchens=3)
    with pytest.raises(ParameterError):
        food_waste.school_kitchen_scenario(rescuable_share=2)


def test_food_waste_says_where_and_counts_the_extra_meals():
    """10 kitchens, 100 evenings, 20 extra meals each = 20,000 meals x 0.5 kg CO2e = 10 t; rescued
    food 2 t x 2 kg CO2e/kg = 4 t avoided, 10 % of it inside the territory."""
    kw = dict(
        school_kitchens=10,
        portions_per_school_day=100,
        school_days_per_year=200,
        serving_waste_kg_per_portion=0.02,
        rescuable_share=0.5,
        portion_kg=0.4,
        ef_food_kg_co2e_per_kg=2.0,
        extra_meals_per_kitchen_evening=20,
        evenings_per_year=100,
        ef_meal_kg_co2e_per_meal=0.5,
        territorial_share_of_avoided=0.1,
        displaced_meal_share=0.0,
    )
    r = food_waste.school_kitchen_scenario(**kw).iloc[0]
    assert r.avoided_t_co2e_per_yr == pytest.approx(4.0)
    assert r.avoided_inside_territory_t_co2e_per_yr == pytest.approx(0.4)
    assert r.avoided_outside_territory_t_co2e_per_yr == pytest.approx(3.6)
    assert r.saving_location == "mostly_outside_territory"
    assert r.extra_meals_t_co2e_per_yr == pytest.approx(10.0) and r.net_t_co2e_per_yr == pytest.approx(-6.0)
    assert r.net_effect == "net_increase" and r.net_if_all_displaced_t_co2e_per_yr == pytest.approx(4.0)
    half = food_waste.school_kitchen_scenario(**(kw | {"displaced_meal_share": 0.5})).iloc[0]
    assert half.displaced_meals_t_co2e_per_yr == pytest.approx(5.0) and half.net_t_co2e_per_yr == pytest.approx(-1.0)
    with pytest.raises(ParameterError, match="displaced_meal_share"):
        food_waste.school_kitchen_scenario(displaced_meal_share=1.5)
    p = food_waste.food_waste_parameters().set_index("parameter")
    assert p.loc["ef_meal_kg_co2e_per_meal", "status"] == "assumption"
