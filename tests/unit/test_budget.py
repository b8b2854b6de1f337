"""Carbon budgets: gas, the yearly-value convention, run-out dates, pathways, point sources, the
adopted budget and Klimatkollen's 2024 method, on tiny literal frames (no data)."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borlange_analysis.analysis import budget, budget_klimatkollen
from borlange_analysis.errors import ParameterError, UnknownValueError

YEARS = (2015, 2020, 2021, 2022, 2023, 2024)


def _series(values, years=YEARS, code="0001", name="Alfa", gas="CO2", release="T"):
    return pd.DataFrame(
        {
            "release": release,
            "kommun_code": code,
            "kommun": name,
            "level": "total",
            "sector": "Alla",
            "year": list(years),
            "t_co2e": [float(v) for v in values],
            "gas": gas,
            "source": "test",
        }
    )


def _two_kommuner(gas="CO2"):
    a = _series([85, 60, 55, 50, 45, 40], code="0001", name="Alfa", gas=gas)  # falls 5 t/yr
    b = _series([300] * 6, code="0002", name="Beta", gas=gas)  # flat 300 t/yr
    return pd.concat([a, b], ignore_index=True)


def _status(current_year=2024, national=3400.0, start=2024):
    return budget.carbon_budget(
        _two_kommuner(),
        national_budget_t=national,
        reserved_t=0,
        start_year=start,
        current_year=current_year,
        reference_years=[2024],
    ).set_index("kommun_code")


# --- gas -------------------------------------------------------------------------------------------


def _klimatkollen(frame):
    return budget_klimatkollen.klimatkollen_2024(frame, cement=_no_cement())


@pytest.mark.parametrize(
    "call",
    [
        lambda t: budget.allocate_budget(t, national_budget_t=1000),
        lambda t: budget.carbon_budget(t, national_budget_t=1000, current_year=2024),
        _klimatkollen,
    ],
    ids=["allocate_budget", "carbon_budget", "klimatkollen_2024"],
)
@pytest.mark.parametrize("gas", ["CO2e", None, "mixed"])
def test_budget_functions_refuse_anything_but_co2(call, gas):
    tot = _two_kommuner(gas="CO2e")
    if gas is None:
        tot = tot.drop(columns="gas")
    elif gas == "mixed":
        tot.loc[tot.kommun_code == "0001", "gas"] = "CO2"
    with pytest.raises(ParameterError, match="carbon budget is for CO2 only") as err:
        call(tot)
    assert "CO2e" in str(err.value) or "no 'gas' column" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_co2e_series_is_refused_naming_its_release():
    with pytest.raises(ParameterError, match=r"these emissions are CO2e \(release T\).*valid gas: CO2"):
        budget.require_co2(_two_kommuner(gas="CO2e"))


# --- sharing ---------------------------------------------------------------------------------------


def test_grandfathering_per_capita_and_blend_shares():
    tot = _two_kommuner()
    g = budget.allocate_budget(tot, national_budget_t=1000, reference_years=[2024])
    assert g.set_index("kommun_code").budget_t.to_dict() == pytest.approx(
        {"0001": 1000 * 40 / 340, "0002": 1000 * 300 / 340}
    )
    pop = pd.DataFrame({"kommun_code": ["0001", "0002"], "population": [1, 3]})
    p = budget.allocate_budget(tot, national_budget_t=1000, regime="per_capita", population=pop)
    assert p.budget_t.tolist() == pytest.approx([250, 750])
    bl = budget.allocate_budget(
        tot, national_budget_t=1000, regime="blend", population=pop, weight=0.5, reference_years=[2024]
    )
    assert bl.budget_t.iloc[0] == pytest.approx(0.5 * 1000 * 40 / 340 + 0.5 * 250)


def test_bad_budget_parameters_fail_clearly():
    tot = _two_kommuner()
    with pytest.raises(ParameterError, match="positive"):
        budget.allocate_budget(tot, national_budget_t=-5)
    with pytest.raises(UnknownValueError, match="Unknown budget regime 'fair'"):
        budget.allocate_budget(tot, national_budget_t=5, regime="fair")
    with pytest.raises(UnknownValueError, match="Unknown budget preset"):
        budget.preset("cemus_2C")
    with pytest.raises(UnknownValueError, match="Valid budget method values: cemus, klimatkollen-2024"):
        budget.check_method("klimatkolen")


# --- the project's own method: the yearly-value convention -----------------------------------------


def test_budget_status_hand_computed():
    r = _status()
    beta = r.loc["0002"]  # 3000 t budget, flat 300 t/yr: spent in exactly 10 whole years
    assert beta.budget_t == pytest.approx(3000) and beta.spent_t == 0 and beta.remaining_budget_t == pytest.approx(3000)
    assert beta.required_rate == pytest.approx(1 - math.exp(-300 / 3000))
    assert beta.required_rate_pct == pytest.approx(100 * beta.required_rate)
    assert beta.budget_runs_out_year == pytest.approx(2034) and beta.budget_runs_out == "2034-01-01"
    assert beta.budget_status == "runs_out" and beta.net_zero == "never" and np.isnan(beta.net_zero_year)
    alfa = r.loc["0001"]  # 40 t falling 5 t/yr: 40+35+...+5 = 180 t more at most, budget 400 t
    assert alfa.budget_status == "holds" and alfa.budget_runs_out == "holds" and np.isnan(alfa.budget_runs_out_year)
    assert alfa.net_zero_year == pytest.approx(2032) and alfa.net_zero == "2032-01-01"
    assert alfa.total_trend_t == pytest.approx(180)  # yearly values 2024..2050, plain sum
    for col, value in (("gas", "CO2"), ("budget_method", "cemus"), ("unit", "t CO2"), ("release", "T")):
        assert (r[col] == value).all(), col
    assert (r.data_first_year == 2015).all() and (r.data_last_year == 2024).all()
    assert list(r.reset_index().columns[-len(budget.STATUS_COLUMNS) :]) == list(budget.STATUS_COLUMNS)


@pytest.mark.parametrize("current_year", [2024, 2025, 2026, 2030, 2033])
def test_spent_is_the_sum_of_whole_years_and_the_date_does_not_move(current_year):
    """Spent = yearly values start_year .. current_year - 1; a flat emitter runs out on the same day
    whatever the analysis year."""
    beta = _status(current_year=current_year).loc["0002"]
    assert beta.spent_t == pytest.approx(300 * (current_year - 2024))
    assert beta.remaining_budget_t == pytest.approx(3000 - 300 * (current_year - 2024))
    assert beta.budget_runs_out_year == pytest.approx(2034)


def test_spent_budget_is_exhausted_not_a_100_pct_cut():
    beta = _status(current_year=2036).loc["0002"]  # 3000 t from 2024 at 300 t/yr: gone at the end of 2033
    assert beta.budget_status == "exhausted" and beta.remaining_budget_t == pytest.approx(-600)
    assert np.isnan(beta.required_rate) and np.isnan(beta.required_rate_pct)
    assert beta.budget_runs_out_year == pytest.approx(2034) and beta.budget_runs_out == "2034-01-01"
    assert set(budget.STATUS_CODES) >= set(_status(current_year=2036).budget_status)


def test_runs_out_inside_a_year_accrues_evenly():
    # budget 450 t, 300 t/yr flat: 300 t in 2024, then half of 2025 -> 2025.5 (2 July 2025)
    r = budget.carbon_budget(
        _series([300] * 6), national_budget_t=450, reserved_t=0, start_year=2024, current_year=2024
    ).iloc[0]
    assert r.budget_runs_out_year == pytest.approx(2025.5) and r.budget_runs_out == "2025-07-02"


def _brute_years(e0, slope, remaining, horizon=4000):
    vals = np.maximum(e0 + slope * np.arange(horizon), 0.0)
    cum = np.concatenate([[0.0], np.cumsum(vals)])
    hit = np.flatnonzero(cum[1:] >= remaining)
    if remaining <= 0:
        return 0.0
    if not len(hit):
        return None
    n = hit[0]
    return n + (remaining - cum[n]) / vals[n]


# t/yr and t, from zero to beyond any kommun (values below a gram are rounded to zero)
_E0 = st.one_of(st.just(0.0), st.floats(1e-6, 1e5))
_SLOPE = st.one_of(st.just(0.0), st.floats(1e-6, 1e4), st.floats(-1e4, -1e-6))
_REMAINING = st.one_of(st.just(0.0), st.floats(1e-6, 1e7))


@settings(max_examples=300, deadline=None)
@given(_E0, _SLOPE, _REMAINING)
def test_years_until_spent_equals_a_year_by_year_count(e0, slope, remaining):
    got = float(budget.years_until_spent(e0, slope, remaining))
    ref = _brute_years(e0, slope, remaining)
    if ref is None:  # not within the brute-force horizon: the budget holds or runs out later
        assert np.isnan(got) or got >= 3999
    else:
        assert got == pytest.approx(ref, rel=1e-9, abs=1e-9)


# --- pathways ----------------------------------------------------------------------------------------


def test_drawn_pathway_adds_up_to_the_budget():
    """The convention: each drawn value is the continuous path's integral over its year, so the
    values add up to the remaining budget (here to 1e-12 over 500 years)."""
    path = budget.budget_pathway(300.0, 3000.0, current_year=2026, end_year=2525)
    assert path.t_co2.sum() == pytest.approx(3000.0, rel=1e-12)
    k = 300 / 3000
    assert path.t_co2.iloc[0] == pytest.approx(3000 * (1 - math.exp(-k)))  # below E0: the cut starts 1 January
    ratios = path.t_co2.iloc[1:].to_numpy() / path.t_co2.iloc[:-1].to_numpy()
    assert np.allclose(ratios, 1 - _status().loc["0002"].required_rate)  # the required cut, year on year
    assert set(path.columns) == {"year", "t_co2", "kind", "gas", "unit"} and (path.gas == "CO2").all()


@settings(max_examples=100, deadline=None)
@given(st.floats(0.1, 1e6), st.floats(1, 1e8), st.integers(0, 300))
def test_drawn_pathway_sum_is_the_budget_share_of_its_years(e0, b, years):
    path = budget.budget_pathway(e0, b, current_year=2026, end_year=2026 + years)
    k = e0 / b
    assert path.t_co2.sum() == pytest.approx(-b * math.expm1(-k * (years + 1)), rel=1e-9)
    assert path.t_co2.sum() <= b * (1 + 1e-12)


def test_exhausted_budget_has_no_pathway():
    assert budget.budget_pathway(300.0, -5.0, current_year=2030).empty
    paths = budget.budget_pathways(_status(current_year=2036).reset_index())
    assert set(paths.kommun_code) == {"0001"}


# --- point sources -----------------------------------------------------------------------------------


def _industry(years=(2012, 2019, 2022)):
    return pd.DataFrame(
        {
            "kommun_code": "0001",
            "kommun": "A",
            "level": "sector",
            "sector": ["Industri (energi + processer)"] * len(years) + ["Transporter"],
            "year": list(years) + [2019],
            "t_co2e": [1000.0] * len(years) + [50.0],
            "source": "s",
        }
    )


ETS = pd.DataFrame({"installation_id": ["X", "X"], "year": [2013, 2020], "verified_t_co2e": [700.0, 600.0]})


def test_point_sources_outside_verified_years_are_marked_estimated():
    out = budget.exclude_point_sources(_industry((2013, 2016, 2020, 2022)), ["X"], ets_emissions=ETS)
    ind = out[out.sector.str.startswith("Industri")].set_index("year")
    assert ind.t_co2e.to_dict() == {2013: 300.0, 2016: 300.0, 2020: 400.0, 2022: 400.0}  # 2016: tie -> 2013
    assert ind.excluded_basis.to_dict() == {2013: "verified", 2016: "estimated", 2020: "verified", 2022: "estimated"}
    assert ind.loc[2022, "excluded_estimate"] == "X: verified 2020 used for 2022"
    assert ind.loc[2013, "excluded_estimate"] == "" and ind.loc[2013, "excluded_t"] == 700
    other = out[out.sector == "Transporter"].iloc[0]
    assert other.excluded_basis == "none" and other.t_co2e == 50 and other.excluded_t == 0


def test_point_sources_drop_or_refuse():
    dropped = budget.exclude_point_sources(_industry((2013, 2022)), ["X"], ets_emissions=ETS, fill="drop")
    assert dropped[dropped.sector.str.startswith("Industri")].year.tolist() == [2013]
    with pytest.raises(ParameterError, match="No verified emissions of X for 2022"):
        budget.exclude_point_sources(_industry((2013, 2022)), ["X"], ets_emissions=ETS, fill="refuse")
    with pytest.raises(UnknownValueError, match="Unknown fill method 'none'"):
        budget.exclude_point_sources(_industry(), ["X"], ets_emissions=ETS, fill="none")
    with pytest.raises(UnknownValueError, match="EU ETS installation"):
        budget.exclude_point_sources(_industry(), ["Y"], ets_emissions=ETS)


def test_point_source_larger_than_the_sector_is_floored_and_says_how_much_came_off():
    em = _industry((2013,)).assign(t_co2e=[500.0, 50.0])
    out = budget.exclude_point_sources(em, ["X"], ets_emissions=ETS)
    assert out.t_co2e.iloc[0] == 0 and out.excluded_t.iloc[0] == 500


# --- the adopted budget ------------------------------------------------------------------------------


ADOPTED = {"start_year": 2020, "end_year": 2023, "annual_cut": 0.5, "excluded_installations": ["X"]}


def test_adopted_pathway_starts_from_co2_without_the_excluded_installation():
    co2 = _series([1000, 900, 800, 700], years=(2013, 2020, 2021, 2022), gas="CO2")
    out = budget.adopted_pathway_table(co2, adopted=ADOPTED, ets_emissions=ETS)
    path = out[out.kind == "adopted_pathway"].set_index("year").t_co2
    assert path.to_dict() == {2020: 300.0, 2021: 150.0, 2022: 75.0, 2023: 37.5}  # (900 - 600) * 0.5^n
    excl = out[out.kind == "co2_excluding"].set_index("year")
    assert excl.basis.to_dict() == {2013: "observed", 2020: "observed", 2021: "estimated", 2022: "estimated"}
    assert excl.loc[2021, "estimate"] == "X: verified 2020 used for 2021"
    assert (out[out.kind == "adopted_pathway"].basis == "pathway_from_observed").all()
    assert (out.gas == "CO2").all() and (out.unit == "t CO2").all()
    left_out = budget.adopted_pathway_table(co2, adopted=ADOPTED, ets_emissions=ETS, fill="drop")
    assert left_out[left_out.kind == "co2_excluding"].year.tolist() == [2013, 2020]


def test_adopted_pathway_refuses_co2e():
    with pytest.raises(ParameterError, match="CO2 only"):
        budget.adopted_pathway_table(
            _series([1, 2], years=(2020, 2021), gas="CO2e"), adopted=ADOPTED, ets_emissions=ETS
        )


def test_reference_adopted_budget_of_borlange():
    b = budget.adopted_budget("2081")
    assert b is not None and b["gas"] == "CO2" and b["annual_cut"] == 0.164
    assert (b["delivered_year"], b["start_year"], b["end_year"]) == (2018, 2020, 2040)
    assert b["excluded_installations"] == ["SE_386"] and b["includes_international_transport"]
    assert "Climate Change Leadership" in b["made_by"] and "Ramboll" in b["made_by"]
    assert budget.adopted_budget("0114") is None


# --- Klimatkollen 2024 -------------------------------------------------------------------------------


def _no_cement():
    return budget_klimatkollen.cement_process_emissions().iloc[0:0]


def _kk_frame():
    years = range(2015, 2023)
    a = _series([1000 - 50 * (y - 2015) for y in years], years=years, code="0001", name="Alfa", release="2024")
    b = _series([1000] * 8, years=years, code="0002", name="Beta", release="2024")
    c = _series([5e6] * 8, years=years, code="0003", name="Gamma", release="2024")
    return pd.concat([a, b, c], ignore_index=True)


def test_klimatkollen_2024_rules_by_hand():
    r = _klimatkollen(_kk_frame()).set_index("kommun")
    net = 80e6 * (1 - 55 / 285)
    total = 6600 + 8000 + 40e6
    a, b = r.loc["Alfa"], r.loc["Beta"]
    assert a.budget_t == pytest.approx(net * 6600 / total) and b.budget_t == pytest.approx(net * 8000 / total)
    # Alfa: line 1000 - 50 (t - 2015): 550 in 2024; trapezoid 2024..2050 of max(0, line)
    assert a.current_value == pytest.approx(550) and a.slope == pytest.approx(-50)
    line = np.maximum(1000 - 50 * (np.arange(2024, 2051) - 2015), 0)
    assert a.total_trend_t == pytest.approx(np.trapezoid(line, np.arange(2024, 2051)))
    assert a.required_rate_pct == pytest.approx(100 * (1 - math.exp(-550 / a.budget_t)))
    # net zero at 2035.0, dated from 1 January 2023 in 365-day years (3 leap days fall between)
    assert a.net_zero_year == pytest.approx(2035) and a.net_zero == "2034-12-29"
    # the line from 2025 spends at most 500^2/(2*50) = 2500 t < the budget less (550 + 500)/2
    assert a.budget_runs_out == "holds" and a.budget_status == "holds"
    # Beta: flat 1000 t/yr: tau = (B - 1000) / 1000 years after 1 January 2025
    tau = (b.budget_t - 1000) / 1000
    want = dt.date(2025, 1, 1) + dt.timedelta(days=math.floor(365 * tau))
    assert b.budget_runs_out == want.isoformat() and b.net_zero == "never" and b.budget_status == "runs_out"
    assert (r.budget_method == "klimatkollen-2024").all() and (r.gas == "CO2").all() and (r.release == "2024").all()


def test_klimatkollen_2024_deducts_cement_per_year():
    frame = _kk_frame()
    cement = pd.DataFrame(
        {
            "kommun_code": "0003",
            "kommun": "Gamma",
            "facility": "F",
            "year": range(2015, 2023),
            "t_co2": 4e6,
            "source": "s",
        }
    )
    out = budget_klimatkollen.deduct_cement(frame, cement)
    assert out.loc[out.kommun_code == "0003", "t_co2e"].tolist() == [1e6] * 8
    assert out.loc[out.kommun_code != "0003", "cement_deducted_t"].eq(0).all()
    with pytest.raises(Exception, match="no figure for kommun 0003 in 2022"):
        budget_klimatkollen.deduct_cement(frame, cement[cement.year < 2022])


def test_klimatkollen_2024_refuses_another_release():
    with pytest.raises(ParameterError, match="release '2024'"):
        _klimatkollen(_kk_frame().assign(release="2026"))


def test_klimatkollen_parameters_and_cement_table_cite_sources():
    p = budget_klimatkollen.parameters()
    assert p["national_budget_t"] == 80e6 and (p["overhead_numerator"], p["overhead_denominator"]) == (55, 285)
    cem = budget_klimatkollen.cement_process_emissions()
    assert set(cem.kommun) == {"Gotland", "Skövde", "Mörbylånga"} and cem.source.str.contains("Naturvårdsverket").all()
    got = cem.pivot(index="year", columns="kommun", values="t_co2").loc[2018]
    assert got.to_dict() == {"Gotland": 1_740_412, "Mörbylånga": 241_897, "Skövde": 445_630.34}
