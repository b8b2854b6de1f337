"""Sinks: hand-computed gain-loss and scenarios, properties, bad parameters, real-data checks."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from borlange_analysis.analysis import sinks
from borlange_analysis.errors import ParameterError, UnknownValueError


def _fixed(**extra):
    """Pin every parameter to its central value (no range) for hand computation."""
    tab = sinks.sink_parameters()
    return {r.parameter: float(r.value) for r in tab.itertuples()} | extra


def test_gain_loss_hand_computed():
    """1 ha, NAI 5, harvest 3, D=0.4 (all spruce), BEF 1.3, R 0.39, CF 0.47:
    net = (5-3) * 0.4 * 1.3 * 1.39 * 0.47 * 44/12 t CO2."""
    o = _fixed(
        share_spruce=1.0,
        share_pine=0.0,
        share_broadleaf=0.0,
        net_annual_increment=5.0,
        harvest_rate=3.0,
        other_losses=0.0,
        standing_volume=100.0,
        biomass_expansion_factor=1.3,
        carbon_fraction=0.47,
        basic_density_spruce=0.40,
        co2_per_c=44 / 12,
    )
    r = sinks.gain_loss_sink(1.0, overrides=o).iloc[0]
    expected = 2 * 0.4 * 1.3 * 1.39 * 0.47 * 44 / 12
    assert r.sink_t_co2 == pytest.approx(expected) and r.root_shoot_ratio == 0.39
    assert r.gross_uptake_t_co2 == pytest.approx(5 * 0.4 * 1.3 * 1.39 * 0.47 * 44 / 12)
    # no range on any parameter: the range collapses onto the central value
    assert r.sink_low_t_co2 == pytest.approx(expected) and r.sink_high_t_co2 == pytest.approx(expected)


def test_root_shoot_switches_above_75_t_per_ha():
    o = _fixed(standing_volume=200.0)  # 200 m3 x ~0.414 x 1.3 > 75 t/ha
    assert sinks.gain_loss_sink(1.0, overrides=o).root_shoot_ratio.iloc[0] == 0.24


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


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(area_ha=-1), "non-negative"),
        (dict(area_ha=10, overrides={"carbon_fraction": 1.2}), "cannot exceed 1"),
        (dict(area_ha=10, overrides={"nope": 1}), "Unknown sink parameter"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises((ParameterError, UnknownValueError), match=match):
        sinks.gain_loss_sink(kwargs.pop("area_ha"), **kwargs)


def test_unknown_scenario():
    with pytest.raises(UnknownValueError, match="Unknown scenario 'planting'.*afforestation"):
        sinks.run_scenario("planting", area_ha=1)


def test_scenarios_hand_computed():
    conv = sinks.gain_loss_sink(1.0).conversion_t_co2_per_m3.iloc[0]
    p = dict(zip(sinks.sink_parameters().parameter, sinks.sink_parameters().value, strict=True))
    sa = sinks.run_scenario("set_aside", area_ha=100, start_year=2026, end_year=2030)
    assert len(sa) == 5 and sa.t_co2.iloc[0] == pytest.approx(100 * p["harvest_rate"] * conv)
    hc = sinks.run_scenario("harvest_change", forest_ha=1000, change_share=-0.1)
    assert hc.t_co2.iloc[0] == pytest.approx(0.1 * p["harvest_rate"] * 1000 * conv)
    af = sinks.run_scenario("afforestation", area_ha=10, maturity_years=10, start_year=2026, end_year=2040)
    assert af.t_co2.iloc[0] == pytest.approx(10 * p["net_annual_increment"] * conv / 10)
    assert af.t_co2.iloc[-1] == pytest.approx(10 * p["net_annual_increment"] * conv)
    ccs = sinks.run_scenario("ccs", fossil_t_co2=40000, biogenic_share=0.6, capture_rate=0.9)
    assert ccs.avoided_fossil_t_co2.iloc[0] == pytest.approx(36000)
    assert ccs.biogenic_removal_t_co2.iloc[0] == pytest.approx(0.9 * 60000)
    bc = sinks.run_scenario("biochar", biochar_t_per_yr=100)
    assert bc.t_co2.iloc[0] == pytest.approx(100 * 0.77 * 0.80 * 3.6667)
    rw = sinks.run_scenario("rewetting", area_ha=10)
    assert rw.t_co2.iloc[0] == pytest.approx(10 * (29.0 - 0.055 * 28))  # AR5 GWP100 of CH4 = 28
    with pytest.raises(ParameterError):
        sinks.run_scenario("ccs", fossil_t_co2=1, biogenic_share=1.0)


def test_balance_adds_up():
    path = pd.DataFrame({"year": [2030, 2030], "sector": ["A", "B"], "t_co2e": [60.0, 40.0]})
    b = sinks.neutrality_balance(path, base_value=500, sinks={"top_down": (10, 20, 30)}, reduction=0.8).iloc[0]
    assert b.total_t_co2e == 100 and b.net_top_down_t == 80 and b.neutrality_gap_top_down_t == 80
    assert b.residual_allowed_t == pytest.approx(100) and b.cut_gap_t == pytest.approx(0, abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=9), st.floats(0, 1e6))
def test_balance_property(values, sink):
    path = pd.DataFrame({"year": 2030, "sector": [f"S{i}" for i in range(len(values))], "t_co2e": values})
    b = sinks.neutrality_balance(path, base_value=1e6, sinks={"m": (sink, sink, sink)}).iloc[0]
    assert b.total_t_co2e == pytest.approx(sum(values))
    assert b.net_m_t == pytest.approx(sum(values) - sink)
    assert b.neutrality_gap_m_t >= 0
