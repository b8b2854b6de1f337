"""The workshop page on the real data: the area it shows, year order, and every parameter reaching it."""

import pytest

from borlange_analysis import params
from borlange_analysis.reporting import workshop as ws
from borlange_analysis.reporting.charts import Chart
from borlange_analysis.reporting.tables import Table

pytestmark = pytest.mark.realdata


def _page(**values):
    return ws.build(params.validate("workshop_food_waste", {"current_year": 2026, **values}))


def test_a_kommun_in_dalarna_sees_the_lans_figures_labelled_as_such():
    page = _page(kommun="Borlänge")
    assert "hela Dalarnas län, inte bara Borlänge" in page.items["waste_area"].text
    waste = page.items["waste"]
    assert isinstance(waste, Table) and isinstance(page.items["waste_chart"], Chart)
    assert waste.frame["year"].tolist() == list(range(2013, 2023))
    assert waste.frame["value"].iloc[0] == 193 and waste.frame["value"].iloc[-2] == 174
    assert waste.frame["value"].isna().tolist()[-1]  # 2022: not in the Kolada file
    assert "Dalarnas län" in waste.source and "Borlänge" in waste.source
    lines = page.items["waste_statements"].lines
    assert lines == [
        "Insamlat mat- och restavfall i Dalarnas län: 193 kg per person 2013 och 174 kg 2021, "
        "en minskning med 10\u00a0%.",
        "För 2022 saknas uppgift.",
    ]
    assert page.key_figures["waste_area"] == "Dalarnas län"


def test_a_kommun_elsewhere_is_told_there_are_no_data_for_its_lan():
    page = _page(kommun="Bjurholm", language="en")
    text = page.items["waste_area"].text
    assert "no waste data for Västerbottens län" in text and "Dalarnas län only" in text
    assert "waste" in page.items and not isinstance(page.items["waste"], Table)
    assert not isinstance(page.items["waste_chart"], Chart)
    assert not page.items["national"].is_empty
    assert page.key_figures["waste_area"] is None


def test_every_parameter_reaches_the_tables_chart_and_key_line():
    base = _page()
    changed = _page(school_kitchens=30, rescuable_share=0.8, meal_price_sek=45.0, evenings_per_year=100)
    pb = base.items["parameters"].frame.set_index("parameter")
    pc = changed.items["parameters"].frame.set_index("parameter")
    assert pb.loc[list(ws.KNOBS), "value"].tolist() == [20, 0.5, 60, 200]
    assert pc.loc[list(ws.KNOBS), "value"].tolist() == [30, 0.8, 45, 100]
    rb = base.items["result"].frame.set_index("quantity")["value"]
    rc = changed.items["result"].frame.set_index("quantity")["value"]
    assert rb["meals_total"] == 235600 and rc["meals_total"] == 30 * 400 * 178 * 0.02 * 0.8 / 0.4 + 30 * 50 * 100
    assert rc["revenue_sek_per_yr"] == pytest.approx(rc["meals_total"] * 45)
    assert base.items["kitchens_chart"].png != changed.items["kitchens_chart"].png
    assert base.key_line != changed.key_line
    assert base.key_line.startswith("235\u00a0600 måltider per år med 20 skolkök; 21 t CO2e undviks")
    assert "men netto blir det 119 t CO2e mer per år" in base.key_line
