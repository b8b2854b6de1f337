"""Partners: registry validation, facility shares on real data, scope accounting, confidentiality."""

import re

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


# --- registry ids and texts (issue 14) ---------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["../../evil", "a/b", "Evil", "_x", "x" * 65, "a b", "<script>", ""])
def test_registry_refuses_an_id_that_is_not_a_slug(tmp_path, bad_id):
    text = GOOD + GOOD.replace('id = "a"', f"id = {bad_id!r}".replace("'", '"')).replace('name = "A"', 'name = "Evil"')
    with pytest.raises(DataFileError) as exc_info:
        partners.partners(_reg(tmp_path, text))
    msg = str(exc_info.value)
    assert "partner #2" in msg and "\n" not in msg
    if bad_id:
        assert f"partner id {bad_id!r} is not valid" in msg and "^[a-z0-9][a-z0-9_-]{0,63}$" in msg


def test_registry_keeps_html_in_texts_as_written(tmp_path):
    """Texts are data: stored exactly as given; escaping them is the pages' work."""
    text = (
        '[[partner]]\nid = "acme-1"\nname = "<script>alert(1)</script> AB"\nkind = "company"\nkommun = "2081"\n'
        'facts = [{ text = "<img src=x onerror=alert(2)>", source = "<b>press</b> & co" }]\n'
        'missing = ["</td><td>"]\n'
    )
    p = partners.partners(_reg(tmp_path, text))[0]
    assert p["name"] == "<script>alert(1)</script> AB"
    assert p["facts"][0] == {"text": "<img src=x onerror=alert(2)>", "source": "<b>press</b> & co"}
    table = partners.profile_table(p)
    assert table.text.tolist() == ["<img src=x onerror=alert(2)>", "</td><td>"]


@pytest.mark.parametrize(
    "change, message",
    [
        (('kommun = "2081"', 'kommun = "9999"'), "partner #1 (id 'a'): 'kommun' must be a kommun's 4-digit SCB code"),
        (('name = "A"', "name = 42"), "partner #1 (id 'a'): 'name' must be text, found 42"),
        (('sectors = ["Jordbruk"]', 'sectors = "Jordbruk"'), "'sectors' must be a list of texts"),
        (('sectors = ["Jordbruk"]', 'levers = [{ id = "../x" }]'), "partner #1 (id 'a'): lever id '../x' is not valid"),
        (('sectors = ["Jordbruk"]', 'facts = [{ text = "t" }]'), "partner #1 (id 'a'): a fact needs a 'source'"),
        (('sectors = ["Jordbruk"]', 'facts = [{ source = "s" }]'), "a fact needs an 'id' (its text in the catalogues)"),
        (('sectors = ["Jordbruk"]', 'facts = [{ id = "../f", source = "s" }]'), "fact id '../f' is not valid"),
        (('sectors = ["Jordbruk"]', 'confidential = "no"'), "'confidential' must be true or false"),
    ],
)
def test_registry_entries_are_checked_and_named(tmp_path, change, message):
    with pytest.raises(DataFileError, match=re.escape(message)):
        partners.partners(_reg(tmp_path, GOOD.replace(*change)))


def test_partner_folder_never_leaves_the_partners_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BORLANGE_PARTNERS_DIR", str(tmp_path))
    assert partners.partner_folder("ssab") == tmp_path / "ssab"
    for bad in ("../../evil", "/etc", "ssab/../../x"):
        with pytest.raises(DataFileError, match="is not valid"):
            partners.partner_folder(bad)
        with pytest.raises(DataFileError, match="is not valid"):
            partners.check_partner_files(bad)


# --- activity files: every error names file, row and column --------------------------------------

HEADER = "partner_id,year,activity,amount,unit,note\n"
USE_HEADER = "partner_id,year,activity,amount,unit,use,note\n"


def _partner_file(tmp_path, monkeypatch, activity: str | bytes | None, factors: str | None = None, pid="ssab"):
    monkeypatch.setenv("BORLANGE_PARTNERS_DIR", str(tmp_path))
    folder = tmp_path / pid
    folder.mkdir(exist_ok=True)
    if activity is not None:
        data = activity.encode("utf-8") if isinstance(activity, str) else activity
        (folder / "activity.csv").write_bytes(data)
    if factors is not None:
        (folder / "factors.csv").write_text(factors, encoding="utf-8")
    return folder / "activity.csv", folder / "factors.csv"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", "row 1: the file is empty; expected the header partner_id,year,activity,amount,unit,note"),
        ("# only a comment\n\n", "row 1: the file is empty"),
        ("partner_id,year,activity,amount,note\nssab,2024,gasoline,10,\n", "row 1: missing column(s) 'unit'"),
        (HEADER + "ssab,twenty-24,gasoline,10,m3,\n", "row 2, column 'year': value 'twenty-24' is not a year"),
        (HEADER + "ssab,2024.5,gasoline,10,m3,\n", "row 2, column 'year': value '2024.5' is not a year"),
        (HEADER + "# a comment line\nssab,2024,gasoline,10,xyz,\n", "row 3, column 'unit': Unknown unit 'xyz'"),
        (HEADER + "ssab,2024,gasoline,10,,\n", "row 2, column 'unit': the unit is empty"),
        (HEADER + "ssab,2024,gasoline,ten,m3,\n", "row 2, column 'amount': value 'ten' is not a number"),
        (HEADER + "ssab,2024,gasoline,,m3,\n", "row 2, column 'amount': value '' is not a number"),
        (HEADER + "ssab,2024,gasoline,-5,m3,\n", "row 2, column 'amount': negative amount '-5'"),
        (HEADER + "ssab,2024,kerosine,5,m3,\n", "row 2, column 'activity': Unknown activity 'kerosine'"),
        (
            HEADER + "ssab,2024,gasoline,5,m3,\nborlange_energi,2024,gasoline,5,m3,\n",
            "row 3, column 'partner_id': value 'borlange_energi' is another partner's id; this file belongs to 'ssab'",
        ),
        (HEADER + ",2024,gasoline,5,m3,\n", "row 2, column 'partner_id': the partner id is empty"),
        (HEADER + "ssab,2024,gasoline,5,m3,a,b\n", "row 2: 7 cells but the header (row 1) has 6"),
        (HEADER + "ssab,2024,gasoline,5,km,\n", "row 2, column 'unit': 'km' is not a mass, volume or energy"),
        (USE_HEADER + "ssab,2024,diesel,5,m3,,\n", "row 2, column 'use': fuel 'diesel' needs its use, one of ['road'"),
        (USE_HEADER + "ssab,2024,diesel,5,m3,boat,\n", "row 2, column 'use': Unknown use of 'diesel' 'boat'"),
        (USE_HEADER + "ssab,2024,electricity,5,MWh,road,\n", "row 2, column 'use': only fuels have a use"),
        (HEADER + "ssab,2024,electricity,5,MWh,\n", "row 2, column 'activity': no emission factor for 'electricity'"),
        (
            b"partner_id,year,activity,amount,unit,note\nssab,2024,gasoline,5,m3,Sm\xf6rg\xe5s\n",
            "row 2: not UTF-8 text",
        ),
    ],
)
def test_activity_file_errors_name_file_row_column(tmp_path, monkeypatch, text, expected):
    act, _ = _partner_file(tmp_path, monkeypatch, text)
    with pytest.raises(DataFileError) as exc_info:
        partners.check_partner_files("ssab")
    msg = str(exc_info.value)
    assert msg.startswith(f"{act}: ") and expected in msg and "\n" not in msg, msg


@pytest.mark.parametrize(
    "factors, expected",
    [
        ("activity,basis,factor,factor_unit\n", "row 1: missing column(s) 'source'"),
        ("activity,basis,factor,factor_unit,source\nelectricity,,0.04,t/MWh,s\n", "row 2, column 'basis': '' is not a"),
        (
            "activity,basis,factor,factor_unit,source\nfreight,market,1,kg/tkm,s\n",
            "'market' is not a basis for 'freight'",
        ),
        ("activity,basis,factor,factor_unit,source\ndiesel,bio_share,25,%,s\n", "a biofuel share is a factor 0-1"),
        ("activity,basis,factor,factor_unit,source,year\ndiesel,bio_share,0.3,share,s,2O24\n", "column 'year'"),
        ("activity,basis,factor,factor_unit,source\nelectricity,location,x,t/MWh,s\n", "row 2, column 'factor'"),
        ("activity,basis,factor,factor_unit,source\nelectricity,location,0.04,t per MWh,s\n", "column 'factor_unit'"),
        ("activity,basis,factor,factor_unit,source\nelectricity,location,0.04,MWh/t,s\n", "'MWh' is not a mass"),
        ("activity,basis,factor,factor_unit,source\nelectricity,location,0.04,t/MWh,\n", "row 2, column 'source'"),
    ],
)
def test_factor_file_errors_name_file_row_column(tmp_path, monkeypatch, factors, expected):
    _, fac = _partner_file(tmp_path, monkeypatch, HEADER + "ssab,2024,electricity,5,MWh,\n", factors)
    with pytest.raises(DataFileError) as exc_info:
        partners.check_partner_files("ssab")
    msg = str(exc_info.value)
    assert msg.startswith(f"{fac}: ") and expected in msg, msg


def test_unit_that_does_not_fit_the_factor_names_both_files(tmp_path, monkeypatch):
    act, fac = _partner_file(
        tmp_path,
        monkeypatch,
        HEADER + "ssab,2024,electricity,5,t,\n",
        "activity,basis,factor,factor_unit,source\nelectricity,location,0.04,t/MWh,s\n",
    )
    with pytest.raises(DataFileError, match=rf"^{re.escape(str(act))}: row 2, column 'unit': 't' cannot be converted"):
        partners.check_partner_files("ssab")


def test_good_files_pass_and_are_read_with_true_row_numbers(tmp_path, monkeypatch):
    text = (
        "# Borlänge 2024\n"
        + HEADER
        + "# fuels\n"
        + 'ssab,2024,lpg,120,t,"reheating, furnace 2"\n'
        + "\n"
        + 'ssab,2024,gasoline,"1,5",m3,\n'
        + "ssab,2024,electricity,850,MWh,\n"
    )
    factors = "activity,basis,factor,factor_unit,source\nelectricity,location,0.045,t/MWh,Energimyndigheten 2024\n"
    _partner_file(tmp_path, monkeypatch, text, factors)
    assert partners.check_partner_files("ssab") is None
    act, fac = partners.partner_activity("ssab")
    assert act is not None
    assert act._row.tolist() == [4, 6, 7] and act.amount.tolist() == [120.0, 1.5, 850.0]
    assert act.note.iloc[0] == "reheating, furnace 2" and act.year.dtype.kind == "i"
    sc = ghg_accounting.scope_emissions(act, fac)
    assert sc[sc.scope == 2].t_co2e.sum() == pytest.approx(850 * 0.045)


def test_semicolon_csv_from_swedish_excel(tmp_path, monkeypatch):
    text = "partner_id;year;activity;amount;unit;use;note\nssab;2024;diesel;1 234,5;litre;off_road;från Excel\n"
    _partner_file(tmp_path, monkeypatch, text)
    partners.check_partner_files("ssab")
    act, _ = partners.partner_activity("ssab")
    assert act is not None and act.amount.iloc[0] == pytest.approx(1234.5) and act["use"].iloc[0] == "off_road"


def test_absent_files_are_fine_and_example_reads(tmp_path, monkeypatch):
    monkeypatch.setenv("BORLANGE_PARTNERS_DIR", str(tmp_path))
    assert partners.check_partner_files("hushagen") is None
    assert partners.partner_activity("hushagen")[0] is None
    act, fac = partners.example_activity()
    assert len(act) == 6 and len(fac) == 4 and act._row.tolist() == list(range(2, 8))
