"""The teacher notes quote the library's numbers for each exercise: recompute them, so the notes fail
a test when the calculation or its defaults change."""

from pathlib import Path

import pytest

from borlange_analysis.analysis import food_waste as fw
from borlange_analysis.i18n import fmt

NOTES = Path(__file__).resolve().parents[2] / "docs" / "workshop-teacher-notes.md"


def _text():
    return " ".join(NOTES.read_text(encoding="utf-8").split())


def _r(**kw):
    return fw.school_kitchen_scenario(**kw).iloc[0]


def n(value, decimals=0):
    return fmt.number(value, "en", decimals)


def _expected():
    base = _r()
    r30 = _r(school_kitchens=30)
    lo, hi = _r(rescuable_share=0.2), _r(rescuable_share=0.8)
    ev = _r(evenings_per_year=100)
    ex3 = _r(meal_price_sek=45, evenings_per_year=100)
    one, five = _r(school_kitchens=1), _r(school_kitchens=5)
    d = fw.defaults()
    per_evening_t = 20 * d["extra_meals_per_kitchen_evening"] * d["ef_meal_kg_co2e_per_meal"] / 1000
    return {
        "default meals": f"| Meals in all | {n(base.meals_total)} |",
        "default revenue": f"| Revenue | {n(base.revenue_sek_per_yr / 1e6, 1)} |",
        "default avoided": f"| Avoided emissions from food not wasted | {n(base.avoided_t_co2e_per_yr)} |",
        "default jobs": f"| Jobs | {n(base.jobs_full_time)} |",
        "default serving": f"= {base.serving_waste_t_per_yr:.2f} t serving waste",
        "default revenue exact": f"{n(base.revenue_sek_per_yr)} SEK",
        "ex1 meals": f"Meals in all {n(r30.meals_total)} ({n(r30.meals_total - base.meals_total)} more)",
        "ex1 avoided": f"avoided emissions {n(r30.avoided_t_co2e_per_yr)} t CO2e a year "
        f"({n(r30.avoided_t_co2e_per_yr - base.avoided_t_co2e_per_yr, 1)} t more",
        "ex1 revenue": f"revenue {n(r30.revenue_sek_per_yr / 1e6, 1)} million SEK; {n(r30.jobs_full_time)} jobs",
        "ex2 low": f"gives {n(lo.avoided_t_co2e_per_yr, 1)} t CO2e a year avoided ({n(lo.meals_total)} meals)",
        "ex2 high": f"gives {n(hi.avoided_t_co2e_per_yr)} t CO2e ({n(hi.meals_total)} meals)",
        "ex2 evenings": f"the meals fall to {n(ev.meals_total)}, the revenue to {n(ev.revenue_sek_per_yr / 1e6, 1)}"
        f" million SEK and the jobs to {n(ev.jobs_full_time)}, but the avoided emissions stay at "
        f"{n(ev.avoided_t_co2e_per_yr)} t",
        "ex3": f"{n(ex3.meals_total)} meals, revenue {n(ex3.revenue_sek_per_yr / 1e6, 1)} million SEK a year "
        f"({n(ex3.revenue_sek_per_yr)}), {n(ex3.jobs_full_time)} jobs ({ex3.jobs_full_time:.2f})",
        "ex3 per job": f"SEK {n(ex3.revenue_sek_per_yr / ex3.jobs_full_time)} a year "
        f"(SEK {n(base.revenue_sek_per_yr / base.jobs_full_time)} with the defaults)",
        "ex4 one": f"One kitchen gives {n(one.meals_total)} meals, {n(one.revenue_sek_per_yr / 1e6, 1)} million SEK, "
        f"{n(one.avoided_t_co2e_per_yr, 1)} t CO2e avoided, a net cut of {n(one.net_t_co2e_per_yr, 1)} t CO2e and "
        f"{n(one.jobs_full_time, 1)} jobs",
        "ex4 five": f"five kitchens {n(five.meals_total)} meals, {n(five.revenue_sek_per_yr / 1e6, 1)} million SEK, "
        f"{n(five.avoided_t_co2e_per_yr, 1)} t CO2e avoided, a net cut of {n(five.net_t_co2e_per_yr)} t CO2e and "
        f"{n(five.jobs_full_time, 1)} jobs",
        "ex6": f"({n(base.rescued_food_t_per_yr * 1000)} ÷ 74 = {n(base.rescued_food_t_per_yr * 1000 / 74)})",
        "default net": f"| Net cut (a negative number is an increase) | {n(base.net_t_co2e_per_yr)} |",
        "default inside": "| of which inside the kommun's border | "
        f"{n(base.avoided_inside_territory_t_co2e_per_yr, 1)} |",
        "default extra": f"| Emissions of the freshly cooked evening meals | {n(base.extra_meals_t_co2e_per_yr)} |",
        "default net exact": f"21.36 − 140 = {base.net_t_co2e_per_yr:.2f} t CO2e".replace("-", "−"),
        "ex1 net": f"from {n(base.net_t_co2e_per_yr)} to {n(r30.net_t_co2e_per_yr)} t CO2e",
        "ex2 net": f"goes from {n(base.net_t_co2e_per_yr)} to {n(ev.net_t_co2e_per_yr)} t CO2e "
        f"({n(ev.net_t_co2e_per_yr, 2)})",
        "ex7 extra": f"add {n(base.extra_meals_t_co2e_per_yr)} t CO2e a year ({n(base.extra_evening_meals)} meals × "
        f"{n(d['ef_meal_kg_co2e_per_meal'], 1)} kg CO2e)",
        "ex7 all displaced": f"the net is +{n(_r(displaced_meal_share=1.0).net_t_co2e_per_yr)} t",
        "ex7 share": f"more than about {n(100 * (1 - base.avoided_t_co2e_per_yr / base.extra_meals_t_co2e_per_yr))} %",
        "ex7 evenings": f"at most about {n(base.avoided_t_co2e_per_yr / per_evening_t)} evenings",
        "ex7 inside": f"only {n(base.avoided_inside_territory_t_co2e_per_yr, 1)} t (the handling of the waste, "
        f"{n(100 * d['territorial_share_of_avoided'])} %",
    }


@pytest.mark.parametrize("what", list(_expected()))
def test_the_notes_quote_the_librarys_numbers(what):
    assert _expected()[what] in _text(), what


def test_the_national_figure_quoted_is_the_reference_tables():
    nat = fw.national_context().set_index("parameter")["value"]
    per_person = nat["sweden_household_food_waste_kg_per_person_2014"]
    assert f"Households threw away {n(per_person)} kg of food per person in 2014" in _text()
    assert f"about {n(per_person / 52, 1)} kg a week" in _text()
