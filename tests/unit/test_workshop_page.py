"""The workshop page's tables, sentences and charts, on tiny frames and the reference table (no data)."""

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from borlange_analysis import i18n, params
from borlange_analysis.analysis import food_waste as fw
from borlange_analysis.i18n import fmt
from borlange_analysis.params import ParameterValueError
from borlange_analysis.reporting import workshop as ws

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from rendered_checks import ALLOWED_ON_EN, ENGLISH_ON_SV, SWEDISH_ON_EN, _words_found  # noqa: E402

YEAR = 2026


def _p(**values):
    return params.validate("workshop_food_waste", {"current_year": YEAR, **values})


def _series():
    return pd.DataFrame(
        {
            "region": ["Testlän"] * 4,
            "year": [2015, 2013, 2016, 2014],
            "value": [190.0, 200.0, np.nan, 195.0],
        }
    )


# --- real data ---------------------------------------------------------------------------------------


def test_waste_series_for_the_area_in_year_order():
    frame = ws.waste_for_area(_series(), "Testlän")
    assert frame["year"].tolist() == [2013, 2014, 2015, 2016]
    assert frame["value"].tolist()[:3] == [200.0, 195.0, 190.0]


def test_no_waste_rows_for_another_lan():
    assert ws.waste_for_area(_series(), "Annat län").empty


@pytest.mark.parametrize("language", ["sv", "en"])
def test_waste_sentences_come_from_the_rows(language):
    frame = ws.waste_for_area(_series(), "Testlän")
    lines = ws.waste_statements(frame, area="Testlän", language=language)
    # first and last year with a value: 2013 (200 kg) and 2015 (190 kg), 5 % down; 2016 missing
    assert "2013" in lines[0] and "2015" in lines[0]
    assert fmt.number(200, language) in lines[0] and fmt.number(190, language) in lines[0]
    assert fmt.percent(5, language) in lines[0]
    assert lines[1] == i18n.t("page.workshop.waste.missing_years", language, years="2016")


def test_waste_sentence_says_up_when_waste_grew():
    frame = pd.DataFrame({"year": [2013, 2014], "value": [100.0, 120.0]})
    line = ws.waste_statements(frame, area="X", language="sv")[0]
    assert "ökning med 20" in line


# --- the calculation's tables ------------------------------------------------------------------------


def test_every_parameter_shown_once_with_the_participants_values():
    values = ws.calculation_values({"school_kitchens": 7, "meal_price_sek": 45.0, "evenings_per_year": 120})
    frame = ws.parameter_frame(values, knobs=ws.KNOBS, language="sv")
    assert frame["parameter"].is_unique
    table = fw.food_waste_parameters()
    expected = [k for k in table["parameter"] if not k.startswith(ws.NATIONAL_PREFIX)]
    assert sorted(frame["parameter"]) == sorted(expected)
    assert frame["parameter"].tolist()[:4] == list(ws.KNOBS)
    by = frame.set_index("parameter")
    assert by.loc["school_kitchens", "value"] == 7
    assert by.loc["school_kitchens", "value_text"] == "7 (standard 20)"
    assert by.loc["rescuable_share", "value_text"] == "50\u00a0%"
    assert by.loc["serving_waste_kg_per_portion", "value_text"] == "0,02"
    assert by.loc["school_days_per_year", "status_text"] == "publicerad uppgift"
    assert by["in_notebook"].sum() == 4
    assert not any(re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", str(v)) for v in by["label"])


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_reference_parameter_has_a_label_unit_and_note(language):
    for name in fw.food_waste_parameters()["parameter"]:
        for part in ("label", "unit", "note"):
            assert i18n.has(f"page.workshop.param.{name}.{part}", language), (name, part)


def test_every_scenario_field_has_a_result_row_with_a_label():
    fields = {r.field for r in ws.RESULT_ROWS}
    for name in fw.school_kitchen_scenario().columns:
        assert name in fields, f"add a line for {name!r} to reporting.workshop.RESULT_ROWS"
    for row in ws.RESULT_ROWS:
        for language in ("sv", "en"):
            assert i18n.has(f"page.workshop.result.{row.field}", language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_result_rows_what_value_unit(language):
    values = ws.calculation_values({"school_kitchens": 20})
    result = fw.school_kitchen_scenario(school_kitchens=20).iloc[0]
    frame = ws.result_frame(result, values, language)
    assert frame["quantity"].tolist() == [r.field for r in ws.RESULT_ROWS if r.field in result.index and r.in_table]
    by = frame.set_index("quantity")
    assert by.loc["meals_total", "value"] == pytest.approx(result["meals_total"])
    assert by.loc["meals_total", "value_text"] == fmt.number(result["meals_total"], language)
    assert by.loc["revenue_sek_per_yr", "value_text"] == fmt.number(result["revenue_sek_per_yr"] / 1e6, language, 1)
    assert by.loc["avoided_t_co2e_per_yr", "unit_text"] == i18n.t("page.workshop.unit.t_co2e_per_yr", language)
    # the "how" column shows the numbers the row was computed with
    assert by.loc["serving_waste_t_per_yr", "how"].startswith("20 ")
    assert all(frame["label"].str.len() > 0) and all(frame["how"].str.len() > 0)


def test_a_new_result_field_is_shown_with_one_line(monkeypatch):
    values = ws.calculation_values({})
    result = fw.school_kitchen_scenario().iloc[0].copy()
    result["water_saved_t_per_yr"] = 12.345
    assert "water_saved_t_per_yr" not in set(ws.result_frame(result, values, "sv")["quantity"])
    monkeypatch.setattr(ws, "RESULT_ROWS", (*ws.RESULT_ROWS, ws.Row("water_saved_t_per_yr", "t_per_yr", "t_per_yr")))
    monkeypatch.setattr(i18n, "t_or", lambda key, lang, default, **f: default)
    real_t = i18n.t
    monkeypatch.setattr(
        i18n, "t", lambda key, lang, **f: "Vatten" if key.endswith("water_saved_t_per_yr") else real_t(key, lang, **f)
    )
    row = ws.result_frame(result, values, "sv").set_index("quantity").loc["water_saved_t_per_yr"]
    assert (row["label"], row["value"], row["value_text"], row["unit_text"]) == ("Vatten", 12.345, "12", "t per år")


def test_codes_are_shown_as_words_and_the_net_sentence_from_its_row():
    values = ws.calculation_values({})
    result = fw.school_kitchen_scenario().iloc[0]
    assert "net_effect" not in set(ws.result_frame(result, values, "sv")["quantity"])
    frame = ws.result_frame(result, values, "sv", codes=True).set_index("quantity")
    assert frame.loc["net_effect", "value_text"] == "ökning"
    assert frame.loc["saving_location", "value_text"] == "mest utanför kommunens gränser"
    net = result["net_t_co2e_per_yr"]
    assert net < 0 and frame.loc["net_t_co2e_per_yr", "value_text"] == fmt.number(net, "sv")
    lines = ws.result_statements(result, values, "sv")
    assert lines[4] == i18n.t(
        "page.workshop.statement.net_increase",
        "sv",
        extra=fmt.number(result["extra_meals_t_co2e_per_yr"], "sv"),
        ef_meal="0,7",
        displaced="0\u00a0%",
        net=fmt.number(-net, "sv"),
    )
    saving = fw.school_kitchen_scenario(displaced_meal_share=1.0).iloc[0]
    line = ws.result_statements(saving, ws.calculation_values({"displaced_meal_share": 1.0}), "en")[4]
    assert "Net, emissions still fall by 21 t CO2e a year." in line


@pytest.mark.parametrize("language", ["sv", "en"])
def test_result_sentences_equal_the_rows(language):
    p = _p(evenings_per_year=120, meal_price_sek=45.0, school_kitchens=12, language=language)
    values = ws.calculation_values({k: p.values[k] for k in ws.KNOBS})
    result = fw.school_kitchen_scenario(**{k: p.values[k] for k in ws.KNOBS}).iloc[0]
    rows = ws.result_frame(result, values, language).set_index("quantity")
    text = " ".join(ws.result_statements(result, values, language))
    for field in ("meals_total", "meals_from_rescued_food", "extra_evening_meals", "jobs_full_time"):
        assert rows.loc[field, "value_text"] in text, field
    assert rows.loc["revenue_sek_per_yr", "value_text"] in text
    assert " 120 " in text and " 12 " in text and "45" in text


# --- every parameter reaches the page ----------------------------------------------------------------


def test_evenings_and_price_change_the_result_and_the_kitchens_chart():
    base = _p()
    chart0, table0 = ws._kitchens_items(base, ws.KITCHENS)
    for change in ({"evenings_per_year": 100}, {"meal_price_sek": 45.0}, {"rescuable_share": 0.2}):
        p = _p(**change)
        chart, table = ws._kitchens_items(p, ws.KITCHENS)
        assert chart.png != chart0.png, change
        assert chart.alt != chart0.alt, change
        assert not table.frame["meals_total"].equals(table0.frame["meals_total"]) or not table.frame[
            "revenue_sek_per_yr"
        ].equals(table0.frame["revenue_sek_per_yr"])
    p = _p(evenings_per_year=100, meal_price_sek=45.0)
    frame = ws.kitchens_frame(p, [20])
    expected = fw.school_kitchen_scenario(school_kitchens=20, evenings_per_year=100, meal_price_sek=45.0)
    assert frame["revenue_sek_per_yr"].iloc[0] == pytest.approx(expected["revenue_sek_per_yr"].iloc[0])


def test_kitchens_in_order_with_the_participants_number():
    frame = ws.kitchens_frame(_p(school_kitchens=7), [30, 5, 10])
    assert frame["school_kitchens"].tolist() == [5, 7, 10, 30]


@pytest.mark.parametrize("bad", [[5, "tjugo"], [-1], [2.5], [], "5, 10", [True]])
def test_a_bad_kitchen_list_stops_with_one_line_in_the_notebooks_language(bad):
    with pytest.raises(ParameterValueError, match="Listan med antal kök går inte att använda"):
        ws.check_kitchens(bad, "sv")


# --- the language of the texts -------------------------------------------------------------------------


def test_swedish_texts_have_no_english_words_and_english_texts_no_swedish():
    def text(texts, key):  # the {fields} are filled in later: not words of the page
        return re.sub(r"\{[^}]*\}", " ", texts[key])

    sv, en = i18n.catalogue("sv"), i18n.catalogue("en")
    keys = [k for k in sv if k.startswith("page.workshop.")]
    bad_sv = {k: _words_found(text(sv, k), ENGLISH_ON_SV) for k in keys}
    bad_en = {k: _words_found(text(en, k), SWEDISH_ON_EN, ALLOWED_ON_EN) for k in keys}
    assert {k: v for k, v in bad_sv.items() if v} == {}
    assert {k: v for k, v in bad_en.items() if v} == {}
