"""Emissions analytics: hand-computed cases, invariants (hypothesis) and bad input."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from borlange_analysis.analysis import descriptives as emissions
from borlange_analysis.analysis import targets
from borlange_analysis.analysis import trends as pathways
from borlange_analysis.errors import ParameterError, UnknownValueError
from borlange_analysis.reporting import statements


def _series(values, years=(2015, 2020, 2021, 2022, 2023, 2024), code="0001", name="Alfa", sector="Alla"):
    return pd.DataFrame(
        {
            "release": "T",
            "kommun_code": code,
            "kommun": name,
            "level": "total" if sector == "Alla" else "sector",
            "sector": sector,
            "year": list(years),
            "t_co2e": [float(v) for v in values],
        }
    )


def _statsmodels_slope(years, values):
    x = np.asarray(years, float) - max(years)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.QuantReg(np.asarray(values, float), sm.add_constant(x, has_constant="add")).fit(q=0.5).params[1]


def test_trend_on_a_straight_line_is_exact():
    """Points on a line: slope is the line's, the trend passes through the last value."""
    df = _series([100 - 5 * (y - 2015) for y in (2015, 2020, 2021, 2022, 2023, 2024)])
    s = pathways.pathways(df, current_year=2026, end_year=2030)
    r = s.iloc[0]
    assert r.slope == pytest.approx(-5, abs=1e-6)
    assert r.estimate_2025 == pytest.approx(50) and r.estimate_2026 == pytest.approx(45)
    # total_trend: 45+40+35+30+25 = 175; carbon law: 45 * sum(0.8828**k, k=0..4)
    assert r.total_trend == pytest.approx(175)
    assert r.total_carbon_law == pytest.approx(45 * sum(0.8828**k for k in range(5)))
    assert r.net_zero_year == pytest.approx(2035) and r.net_zero_date == "2035-01-01"  # 55 t in 2024, -5 t/yr
    assert r.on_track  # 175 t on the trend <= 190.9 t on the Carbon Law


def test_median_regression_ignores_an_outlier():
    """LAD: one wild year does not move the slope (OLS would)."""
    vals = [100, 75, 70, 65, 60, 1000]
    years = (2015, 2020, 2021, 2022, 2023, 2024)
    med = pathways.fit_trend(_series(vals, years)).slope.iloc[0]
    ols = pathways.fit_trend(_series(vals, years), method="ols").slope.iloc[0]
    assert med == pytest.approx(_statsmodels_slope(years, vals), rel=1e-9)
    assert abs(ols) > abs(med) * 5


@pytest.mark.parametrize(
    "vals",
    [
        [10, 10, 20, 20, 10, 20],  # several optimal lines
        [5, 4, 6, 5, 4, 6],
        [0, 0, 0, 0, 0, 0],  # all zero
        [1e6, 9e5, 9.5e5, 8e5, 8.2e5, 7e5],
    ],
)
def test_quantreg_agrees_with_statsmodels_where_optimum_not_unique(vals):
    years = (2015, 2020, 2021, 2022, 2023, 2024)
    assert pathways.fit_trend(_series(vals, years)).slope.iloc[0] == pytest.approx(
        _statsmodels_slope(years, vals), rel=1e-8, abs=1e-8
    )


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=6, max_size=6))
def test_quantreg_property_matches_statsmodels(vals):
    years = (2015, 2020, 2021, 2022, 2023, 2024)
    ours = pathways.fit_trend(_series(vals, years)).slope.iloc[0]
    assert ours == pytest.approx(_statsmodels_slope(years, vals), rel=1e-6, abs=1e-4)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=6, max_size=6))
def test_trend_floor_at_zero_and_totals_nonnegative(vals):
    s = pathways.pathways(_series(vals), current_year=2026)
    years = np.arange(2024, 2051)
    assert (pathways.trend_value(s, years) >= 0).all()
    assert s.total_trend.iloc[0] >= 0 and s.total_carbon_law.iloc[0] >= 0


def test_results_do_not_depend_on_row_order(tiny_emissions):
    a = pathways.pathways(tiny_emissions, current_year=2023)
    b = pathways.pathways(tiny_emissions.sample(frac=1, random_state=3), current_year=2023)
    pd.testing.assert_frame_equal(a, b)


def test_vectorised_equals_one_by_one(tiny_emissions):
    all_at_once = pathways.pathways(tiny_emissions, current_year=2023)
    for code, g in tiny_emissions.groupby("kommun_code"):
        one = pathways.pathways(g, current_year=2023).reset_index(drop=True)
        pd.testing.assert_frame_equal(all_at_once[all_at_once.kommun_code == code].reset_index(drop=True), one)


def test_bad_inputs_fail_clearly(tiny_emissions):
    with pytest.raises(UnknownValueError, match="Unknown trend method 'median2'"):
        pathways.fit_trend(tiny_emissions, method="median2")
    with pytest.raises(ParameterError, match="current_year 2020 is before the last observed year 2022"):
        pathways.pathways(tiny_emissions, current_year=2020)
    with pytest.raises(ParameterError, match="too few for a trend"):
        pathways.fit_trend(_series([1], years=(2024,)))
    with pytest.raises(ParameterError, match="carbon_law_rate"):
        pathways.pathways(tiny_emissions, current_year=2023, carbon_law_rate=1.5)


# --- descriptives ---------------------------------------------------------------------------------


def test_change_and_annual_rate(tiny_emissions):
    ch = emissions.change_since(tiny_emissions, 1990, 2022)
    alfa = ch[(ch.kommun_code == "0001") & (ch.sector == "Transporter")].iloc[0]
    assert alfa.change_t == pytest.approx(600 * 0.65 - 600) and alfa.change_pct == pytest.approx(-35)
    r = emissions.annual_rate(tiny_emissions, 2015, 2020)
    assert r.annual_rate.iloc[0] == pytest.approx((0.7 / 0.8) ** (1 / 5) - 1)


def test_shares_sum_to_one(tiny_emissions):
    sh = emissions.totals_and_shares(tiny_emissions)
    assert np.allclose(sh.groupby(["kommun_code", "year"]).share.sum(), 1)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e6), st.floats(0, 1e6)), min_size=1, max_size=9))
def test_sector_decomposition_sums_to_total_change(pairs):
    rows = []
    for i, (a, b) in enumerate(pairs):
        rows += [("0001", "A", f"S{i}", 2005, a), ("0001", "A", f"S{i}", 2020, b)]
    df = pd.DataFrame(rows, columns=["kommun_code", "kommun", "sector", "year", "t_co2e"])
    dec = emissions.sector_decomposition(df, 2005, 2020)
    assert dec.contribution_t.sum() == pytest.approx(sum(b for _, b in pairs) - sum(a for a, _ in pairs), abs=1e-6)


@given(st.floats(1, 1e7), st.floats(1, 1e7), st.integers(1, 10**6), st.integers(1, 10**6))
def test_population_split_adds_up(e0, e1, p0, p1):
    r = emissions.population_split(e0, e1, p0, p1)
    assert r["population_effect_t"] + r["per_capita_effect_t"] == pytest.approx(
        e1 - e0, rel=1e-9, abs=1e-9 * max(e0, e1)
    )


# --- budget: tests/unit/test_budget.py -----------------------------------------------------------


# --- targets --------------------------------------------------------------------------------------


def test_target_progress_hand_computed():
    years = (1990, 2015, 2020, 2021, 2022, 2023, 2024)
    df = pd.concat(
        [
            _series([1000, 600, 500, 500, 400, 400, 300], years=years, sector="Transporter"),
            _series([0, 0, 0, 0, 0, 0, 0], years=years, sector="Jordbruk"),
        ]
    )
    tp = targets.target_progress(df, target_ids=["kommun_neutral_2030"], current_year=2024)
    r = tp.iloc[0]
    assert r.target_value == pytest.approx(200) and r.current_value == pytest.approx(300)
    assert r.required_rate == pytest.approx(1 - (200 / 300) ** (1 / 6))
    with pytest.raises(UnknownValueError):
        targets.target_progress(df, target_ids=["nope"])
    with pytest.raises(ParameterError):
        targets.targets(kommun_reduction=1.5)


# --- statements -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "value", "lang", "text"),
    [
        (
            539459,
            423796,
            "sv",
            "Utsläppen har minskat med 21\u00a0% sedan 1990 (539\u00a0459 t 1990, 423\u00a0796 t 2024).",
        ),
        (539459, 423796, "en", "Emissions have fallen by 21% since 1990 (539,459 t in 1990, 423,796 t in 2024)."),
        (100, 112, "en", "Emissions have risen by 12% since 1990 (100 t in 1990, 112 t in 2024)."),
        (100, 100.2, "en", "Emissions are about the same as in 1990 (100 t in 2024)."),
    ],
)
def test_change_statement_equals_the_values_it_describes(base, value, lang, text):
    assert statements.change(base_year=1990, base_value=base, year=2024, value=value, language=lang) == text


def test_statements_never_after_2100_and_language():
    assert "aldrig" in statements.net_zero(value=float("nan"), first_year=2015, language="sv")
    assert "after 2100" in statements.net_zero(value=2997.3, first_year=2015, language="en")
    assert "February 2067" in statements.net_zero(value="2067-02-12", first_year=2015, language="en")
    assert statements.net_zero_text(2997.0, "sv") == "efter 2100"
    with pytest.raises(UnknownValueError):
        statements.net_zero(value=2050.0, first_year=2015, language="de")
