"""The food-waste (matsvinn) workshop: real waste series, national context and a scenario
calculator for using the kommun's school kitchens also in the evenings and at weekends.

Every factor is a named parameter in ``reference/food_waste_parameters.csv`` with its source, or
marked ``assumption`` (for discussion in the workshop). Results are per year.

Where the effect happens: the emissions avoided by wasting less food lie mostly **outside** the
kommun's territory (food production: farming, processing and transport elsewhere and abroad); only
the waste-treatment part (``territorial_share_of_avoided``) can fall inside it (SMHI sector Avfall).
The extra evening meals cooked from purchased food have emissions of their own
(``ef_meal_kg_co2e_per_meal``), also mostly outside the territory; the net effect subtracts them,
less the share that only replaces meals the diners would have eaten anyway (``displaced_meal_share``).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .. import reference
from ..errors import ParameterError, UnknownValueError

OUTSIDE = "mostly_outside_territory"
INSIDE = "mostly_inside_territory"


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    return reference.table("food_waste_parameters.csv")


def food_waste_parameters() -> pd.DataFrame:
    """All workshop parameters: value, unit, status ('published' or 'assumption'), source."""
    return _table().copy()


def defaults() -> dict:
    return dict(zip(_table()["parameter"], _table()["value"], strict=True))


def waste_series(indicator: str = "mat- och restavfall") -> pd.DataFrame:
    """Kolada's collected-waste series for Dalarnas län (kg/person/yr); ``indicator`` picks the
    KPI by a part of its name."""
    from .. import data

    w = data.load_table("kolada_waste")
    hit = w[w["indicator"].str.contains(indicator, case=False, regex=False)]
    if hit.empty:
        raise UnknownValueError("waste indicator", indicator, sorted(w["indicator"].unique()))
    return hit.reset_index(drop=True)


def school_kitchen_scenario(**overrides) -> pd.DataFrame:
    """The school-kitchen scenario: one row with each step of the calculation.

    Steps: serving waste per year = kitchens x portions x school days x waste per portion;
    rescued food = that x rescuable share; meals from rescued food = rescued / portion size;
    emissions avoided = rescued food x emission factor; plus extra evening meals, revenue and jobs.
    Keyword arguments override parameters by name (unknown names fail with the list).

    Fields (t CO2e/yr unless named otherwise): avoided_t_co2e_per_yr, split into
    avoided_inside_territory_t_co2e_per_yr and avoided_outside_territory_t_co2e_per_yr;
    saving_location (``mostly_outside_territory`` / ``mostly_inside_territory``);
    extra_meals_t_co2e_per_yr (the extra meals' own emissions), displaced_meals_t_co2e_per_yr
    (emissions of the meals they replace), net_t_co2e_per_yr (avoided - extra meals + displaced;
    positive = net saving), net_effect (``net_saving`` / ``net_increase``),
    net_if_all_displaced_t_co2e_per_yr (the net if every extra meal only replaced another meal).
    """
    p = defaults()
    for k, v in overrides.items():
        if k not in p:
            raise UnknownValueError("food-waste parameter", k, list(p))
        if v is None or float(v) < 0:
            raise ParameterError(f"{k} must be a non-negative number, got {v}")
        p[k] = float(v)
    for share in ("rescuable_share", "territorial_share_of_avoided", "displaced_meal_share"):
        if p[share] > 1:
            raise ParameterError(f"{share} is a share and cannot exceed 1 (got {p[share]})")
    if p["portion_kg"] <= 0:
        raise ParameterError("portion_kg must be positive")
    waste_kg = (
        p["school_kitchens"]
        * p["portions_per_school_day"]
        * p["school_days_per_year"]
        * p["serving_waste_kg_per_portion"]
    )
    rescued_kg = waste_kg * p["rescuable_share"]
    meals_rescued = rescued_kg / p["portion_kg"]
    extra_meals = p["school_kitchens"] * p["extra_meals_per_kitchen_evening"] * p["evenings_per_year"]
    meals = meals_rescued + extra_meals
    avoided = rescued_kg * p["ef_food_kg_co2e_per_kg"] / 1000
    inside = avoided * p["territorial_share_of_avoided"]
    extra_t = extra_meals * p["ef_meal_kg_co2e_per_meal"] / 1000
    displaced_t = extra_t * p["displaced_meal_share"]
    net = avoided - extra_t + displaced_t
    return pd.DataFrame(
        [
            {
                "serving_waste_t_per_yr": waste_kg / 1000,
                "rescued_food_t_per_yr": rescued_kg / 1000,
                "meals_from_rescued_food": meals_rescued,
                "extra_evening_meals": extra_meals,
                "meals_total": meals,
                "revenue_sek_per_yr": meals * p["meal_price_sek"],
                "jobs_full_time": meals / p["meals_per_job"] if p["meals_per_job"] > 0 else float("nan"),
                "avoided_t_co2e_per_yr": avoided,
                "avoided_inside_territory_t_co2e_per_yr": inside,
                "avoided_outside_territory_t_co2e_per_yr": avoided - inside,
                "saving_location": OUTSIDE if inside <= avoided / 2 else INSIDE,
                "extra_meals_t_co2e_per_yr": extra_t,
                "displaced_meals_t_co2e_per_yr": displaced_t,
                "net_t_co2e_per_yr": net,
                "net_effect": "net_saving" if net >= 0 else "net_increase",
                "net_if_all_displaced_t_co2e_per_yr": avoided,
            }
        ]
    )


def national_context() -> pd.DataFrame:
    """Sweden's food waste 2014 (SMED for Naturvårdsverket), with sources."""
    t = _table()
    return t[t["status"] == "published"].reset_index(drop=True)


def kitchen_range(kitchens: list[int], **overrides) -> pd.DataFrame:
    """The school-kitchen scenario for several numbers of kitchens (one row each)."""
    rows = [school_kitchen_scenario(school_kitchens=k, **overrides).assign(school_kitchens=k) for k in kitchens]
    return pd.concat(rows, ignore_index=True)
