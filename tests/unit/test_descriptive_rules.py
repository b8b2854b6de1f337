"""The one rule of each idea the indicators are built from: the nearest year, the compound annual
rate, change since a year, per capita, per km², the Carbon Law path, dates of fractional years."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borlange_analysis.analysis import descriptives, trends

POP = pd.DataFrame(
    {
        "kommun_code": ["0001", "0001", "0001", "0002"],
        "year": [2020, 2022, 2024, 2010],
        "population": [100.0, 110.0, 130.0, 50.0],
    }
)


@pytest.mark.parametrize(
    ("code", "year", "population", "used"),
    [
        ("0001", 2022, 110.0, 2022),  # the year itself
        ("0001", 2021, 100.0, 2020),  # a tie: the earlier year
        ("0001", 2023, 110.0, 2022),  # a tie again
        ("0001", 2030, 130.0, 2024),  # after the data: the last year
        ("0001", 1990, 100.0, 2020),  # before the data: the first year
        ("0002", 2024, 50.0, 2010),  # one year only
    ],
)
def test_nearest_year(code, year, population, used):
    got = descriptives.nearest_year(POP, pd.DataFrame({"kommun_code": [code], "year": [year]}), value="population")
    want = pd.DataFrame({"kommun_code": [code], "year": [year], "population": [population], "population_year": [used]})
    pd.testing.assert_frame_equal(got, want)


def test_nearest_year_names_the_missing_kommun():
    with pytest.raises(ValueError, match="no population data for kommun_code 0003"):
        descriptives.nearest_year(POP, pd.DataFrame({"kommun_code": ["0003"], "year": [2020]}), value="population")


@pytest.mark.parametrize(
    ("base", "value", "years", "rate"),
    [
        (100.0, 81.0, 2, -0.1),
        (100.0, 100.0, 5, 0.0),
        (100.0, 0.0, 3, -1.0),  # to zero: a 100 % cut
        (0.0, 10.0, 3, np.nan),  # from zero: no compound rate
        (100.0, -5.0, 3, np.nan),  # through negative values: none
        (-100.0, -50.0, 3, np.nan),
        (100.0, 90.0, 0, np.nan),  # no years between
    ],
)
def test_compound_rate_rule(base, value, years, rate):
    got = descriptives.compound_rate([base], [value], [years])[0]
    assert got == pytest.approx(rate, nan_ok=True)


@settings(max_examples=100, deadline=None)
@given(st.floats(1e-3, 1e9), st.floats(0, 1e9), st.integers(1, 60))
def test_compound_rate_reproduces_the_end_value(base, value, years):
    rate = descriptives.compound_rate([base], [value], [years])[0]
    assert base * (1 + rate) ** years == pytest.approx(value, rel=1e-9, abs=1e-9)


def _em(values, years=(1990, 2015, 2022), code="0001", sector="Alla"):
    return pd.DataFrame(
        {
            "kommun_code": code,
            "sector": sector,
            "year": list(years),
            "t_co2e": [float(v) for v in values],
            "gas": "CO2e",
        }
    )


def test_change_since_and_annual_rate_to_the_last_year():
    em = pd.concat([_em([200, 100, 50]), _em([0, 10, 20], code="0002")], ignore_index=True)
    ch = descriptives.annual_rate(em, 2015)
    want = pd.DataFrame(
        {
            "kommun_code": ["0001", "0002"],
            "sector": ["Alla", "Alla"],
            "base_year": [2015, 2015],
            "base_value": [100.0, 10.0],
            "year": [2022, 2022],
            "value": [50.0, 20.0],
            "change_t": [-50.0, 10.0],
            "change_pct": [-50.0, 100.0],
            "unit": ["t CO2e", "t CO2e"],
            "annual_rate": [0.5 ** (1 / 7) - 1, 2 ** (1 / 7) - 1],
        }
    )
    pd.testing.assert_frame_equal(ch, want)
    zero_base = descriptives.change_since(em, 1990).set_index("kommun_code")
    assert np.isnan(zero_base.loc["0002", "change_pct"]) and zero_base.loc["0002", "change_t"] == 20


def test_per_capita_and_per_km2_use_the_nearest_year():
    em = _em([100, 110, 260], years=(2020, 2021, 2024)).assign(gas="CO2")
    pc = descriptives.per_capita(em, POP)
    assert pc.population_year.tolist() == [2020, 2020, 2024]
    assert pc.t_co2e_per_capita.tolist() == pytest.approx([1.0, 1.1, 2.0])
    assert (pc.unit == "t CO2 per person").all()  # the unit follows the gas
    area = pd.DataFrame({"kommun_code": "0001", "year": [2015, 2023], "land_km2": [10.0, 20.0]})
    pk = descriptives.per_km2(em, area)
    assert pk.area_year.tolist() == [2023, 2023, 2023] and pk.t_co2e_per_km2.tolist() == pytest.approx([5, 5.5, 13])
    pk2 = descriptives.per_km2(_em([100], years=(2016,)), area)
    assert pk2.area_year.tolist() == [2015] and (pk2.unit == "t CO2e per km2").all()


def test_carbon_law_path_is_the_one_rule_of_the_totals_and_the_lines():
    e0 = np.array([100.0, 50.0])
    got = trends.carbon_law_path(e0, [2026, 2027, 2028], current_year=2026, rate=0.1)
    np.testing.assert_allclose(got, [[100, 90, 81], [50, 45, 40.5]])
    years = (2015, 2020, 2021, 2022, 2023, 2024)
    em = pd.DataFrame(
        {"kommun_code": "0001", "kommun": "A", "sector": "Alla", "year": years, "t_co2e": [80, 60, 55, 50, 45, 40.0]}
    )
    s = trends.pathways(em, current_year=2026, end_year=2030)
    law = trends.carbon_law_path(s.current_value, range(2026, 2031), current_year=2026)
    assert s.total_carbon_law.iloc[0] == pytest.approx(law.sum())
    lines = trends.pathway_years(em, s, current_year=2026, end_year=2030)
    np.testing.assert_allclose(lines[lines.kind == "carbon_law"].t_co2e, law[0])
    with pytest.raises(ValueError, match="carbon_law_rate"):
        trends.carbon_law_path(e0, [2026], current_year=2026, rate=1.0)


@pytest.mark.parametrize(
    ("value", "date"),
    [
        (2035.0, "2035-01-01"),
        (2024.5, "2024-07-02"),  # 366 days: day 183
        (2025.5, "2025-07-02"),  # 365 days: day 182.5 -> 182
        (9999.9999, "9999-12-31"),
        (10000.0, "+10000-01-01"),  # however late: ISO 8601's expanded years
        (12345.5, "+12345-07-02"),
        (float("nan"), None),
        (float("inf"), None),
    ],
)
def test_fractional_year_to_date(value, date):
    assert trends.fractional_year_to_date(value) == date


def test_iso_date_from_ordinal_after_9999_repeats_the_400_year_calendar():
    assert trends.iso_date_from_ordinal(dt.date(2026, 1, 15).toordinal()) == "2026-01-15"
    assert trends.iso_date_from_ordinal(dt.date(2024, 2, 29).toordinal() + 25 * 146_097) == "+12024-02-29"
