"""Partners' accounting: mobile vs stationary CH4/N2O, biofuel shares, market-based scope 2."""

import numpy as np
import pandas as pd
import pytest

from borlange_analysis import reference
from borlange_analysis.analysis import ghg_accounting as ga
from borlange_analysis.errors import ParameterError, UnknownValueError


def _act(activity, amount, unit, *, use="", year=2024):
    return pd.DataFrame(
        {
            "partner_id": ["x"],
            "year": [year],
            "activity": [activity],
            "amount": [amount],
            "unit": [unit],
            "use": [use],
            "note": [""],
            "_row": [2],
        }
    )


def _fac(*rows):
    return pd.DataFrame(rows, columns=["activity", "basis", "factor", "factor_unit", "source"])


NO_BIO = _fac(("diesel", "bio_share", 0.0, "share", "test"), ("gasoline", "bio_share", 0.0, "share", "test"))


def _gases(sc):
    return sc.set_index("gas")


def test_one_m3_diesel_in_a_machine_gets_mobile_factors():
    """1 m3 diesel = 0.84 t x 43.0 GJ/t = 36.12 GJ. Off-road (IPCC 2006 Vol. 2 Table 3.3.1): CH4 4.15,
    N2O 28.6 kg/TJ; stationary (Table 2.3): CH4 3, N2O 0.6 kg/TJ. AR5: CH4 28, N2O 265."""
    tj = 0.84 * 43.0 / 1000
    machine = _gases(ga.scope_emissions(_act("diesel", 1, "m3", use="off_road"), NO_BIO))
    boiler = _gases(ga.scope_emissions(_act("diesel", 1, "m3", use="stationary"), NO_BIO))
    assert machine.loc["CH4", "t_gas"] == pytest.approx(tj * 4.15 / 1000)
    assert machine.loc["N2O", "t_gas"] == pytest.approx(tj * 28.6 / 1000)
    assert boiler.loc["CH4", "t_gas"] == pytest.approx(tj * 3 / 1000)
    assert boiler.loc["N2O", "t_gas"] == pytest.approx(tj * 0.6 / 1000)
    assert machine.loc["CO2", "t_gas"] == boiler.loc["CO2", "t_gas"] == pytest.approx(tj * 74.1)
    assert "Table 3.3.1" in machine.loc["N2O", "factor_reference"]
    assert "Table 2.3" in boiler.loc["N2O", "factor_reference"]
    ratio = machine["t_co2e"].sum() / boiler["t_co2e"].sum()
    assert ratio == pytest.approx((74.1 + (4.15 * 28 + 28.6 * 265) / 1000) / (74.1 + (3 * 28 + 0.6 * 265) / 1000))
    assert 1.09 < ratio < 1.11  # machinery CO2e was about 10 % too low with stationary factors


def test_road_diesel_and_default_uses():
    road = _gases(ga.scope_emissions(_act("diesel", 1, "m3", use="road"), NO_BIO))
    assert road.loc["CH4", "t_gas"] == pytest.approx(0.84 * 43.0 / 1000 * 3.9 / 1000)
    petrol = ga.scope_emissions(_act("gasoline", 1, "m3"), NO_BIO)  # gasoline defaults to road
    assert (petrol["use"] == "road").all() and "Table 3.2.2" in _gases(petrol).loc["N2O", "factor_reference"]
    lpg = ga.scope_emissions(_act("lpg", 1, "t"))
    assert (lpg["use"] == "stationary").all()


def test_diesel_needs_a_use():
    with pytest.raises(ParameterError, match="row 2 .*needs its use.*'road', 'off_road', 'stationary'"):
        ga.scope_emissions(_act("diesel", 1, "m3"))
    with pytest.raises(UnknownValueError, match="Unknown use of 'diesel'.*'tractor'"):
        ga.scope_emissions(_act("diesel", 1, "m3", use="tractor"))
    with pytest.raises(UnknownValueError, match="Unknown use of 'lpg'"):
        ga.scope_emissions(_act("lpg", 1, "t", use="road"))


def test_biofuel_share_per_fuel_and_year_and_partner_override():
    full = ga.scope_emissions(_act("diesel", 1, "m3", use="road", year=2022), NO_BIO)
    obl = ga.scope_emissions(_act("diesel", 1, "m3", use="road", year=2022))
    co2_full, co2_obl = _gases(full).loc["CO2"], _gases(obl).loc["CO2"]
    assert co2_obl.bio_share == 0.305 and co2_obl.bio_share_basis == "reduction_obligation_level"
    assert co2_obl.t_gas == pytest.approx(co2_full.t_gas * (1 - 0.305))
    assert co2_obl.biogenic_t_co2 == pytest.approx(0.84 * 43.0 / 1000 * 70.8 * 0.305)
    assert "2017:1201" in co2_obl.factor_source
    # CH4 and N2O are counted on all the fuel, fossil and bio
    assert _gases(obl).loc["N2O", "t_gas"] == pytest.approx(_gases(full).loc["N2O", "t_gas"])
    own = ga.scope_emissions(
        _act("diesel", 1, "m3", use="road", year=2022), _fac(("diesel", "bio_share", 0.5, "share", "Supplier 2022"))
    )
    assert (
        _gases(own).loc["CO2", "bio_share"] == 0.5 and _gases(own).loc["CO2", "bio_share_basis"] == "partner_declared"
    )
    old = _gases(ga.scope_emissions(_act("gasoline", 1, "m3", year=2010))).loc["CO2"]
    assert old.bio_share_basis == "reduction_obligation_level_nearest_year"
    with pytest.raises(ParameterError, match="must be a share"):
        ga.scope_emissions(_act("diesel", 1, "m3", use="road"), _fac(("diesel", "bio_share", 30, "share", "s")))


def test_biofuel_table_is_cited():
    tab = reference.table("biofuel_shares.csv")
    assert tab["source"].str.contains("2017:1201").all()
    assert (tab["bio_share_low"] <= tab["bio_share_energy"]).all()
    assert (tab["bio_share_energy"] <= tab["bio_share_high"]).all() and (tab["bio_share_high"] <= 1).all()


def test_market_based_scope2_without_market_factor_is_missing_not_zero():
    """The issue's case: 1200 MWh district heat with only a location factor of 0.06 t/MWh."""
    sc = ga.scope_emissions(_act("district_heat", 1200, "MWh"), _fac(("district_heat", "location", 0.06, "t/MWh", "s")))
    market = sc[sc.basis == "market"].iloc[0]
    assert market.status == "missing" and np.isnan(market.t_co2e) and market.factor_type == "missing"
    summ = ga.scope_summary(sc).iloc[0]
    assert summ.scope_2_location == pytest.approx(72)
    assert np.isnan(summ.scope_2_market) and summ.scope_2_market_status == "missing"
    assert summ.scope_2_market_missing == "district_heat"


@pytest.mark.parametrize(
    "factors, ftype, t",
    [
        ([("district_heat", "supplier", 0.05, "t/MWh", "utility")], "supplier", 60),
        ([("district_heat", "residual_mix", 0.1, "t/MWh", "AIB")], "residual_mix", 120),
        (
            [("district_heat", "residual_mix", 0.1, "t/MWh", "AIB"), ("district_heat", "contract", 0.0, "t/MWh", "GO")],
            "contract",
            0,
        ),
        ([("district_heat", "market", 0.02, "t/MWh", "GO")], "contract", 24),
    ],
)
def test_market_based_falls_back_in_the_ghg_protocol_order(factors, ftype, t):
    f = _fac(("district_heat", "location", 0.06, "t/MWh", "s"), *factors)
    market = ga.scope_emissions(_act("district_heat", 1200, "MWh"), f)
    market = market[market.basis == "market"].iloc[0]
    assert (market.factor_type, market.status) == (ftype, "ok") and market.t_co2e == pytest.approx(t)


def test_partly_missing_market_total_is_not_a_number():
    act = pd.concat([_act("district_heat", 1200, "MWh"), _act("electricity", 100, "MWh")], ignore_index=True)
    f = _fac(
        ("district_heat", "location", 0.06, "t/MWh", "s"),
        ("electricity", "location", 0.04, "t/MWh", "s"),
        ("electricity", "supplier", 0.01, "t/MWh", "s"),
    )
    summ = ga.scope_summary(ga.scope_emissions(act, f)).iloc[0]
    assert summ.scope_2_market_status == "partly_missing" and np.isnan(summ.scope_2_market)
    assert summ.scope_2_market_known_t == pytest.approx(1) and summ.scope_2_location == pytest.approx(76)


def test_bad_scope2_basis():
    with pytest.raises(ParameterError, match="basis .*'grid'"):
        ga.scope_emissions(_act("electricity", 1, "MWh"), _fac(("electricity", "grid", 0.1, "t/MWh", "s")))


def test_emission_factor_table_by_use():
    ff = ga.fuel_factors()
    assert ff["source"].notna().all() and ff["reference"].str.startswith("IPCC 2006 Vol. 2").all()
    for fuel in ("diesel", "gasoline"):
        uses = set(ff[(ff.activity == fuel) & ff.gas.isin(["CH4", "N2O"])]["use"])
        assert uses == {"road", "off_road", "stationary"}, fuel
    pinned = {
        ("diesel", "off_road", "CH4"): 4.15,
        ("diesel", "off_road", "N2O"): 28.6,
        ("diesel", "road", "CH4"): 3.9,
        ("diesel", "road", "N2O"): 3.9,
        ("diesel", "stationary", "CH4"): 3,
        ("diesel", "stationary", "N2O"): 0.6,
        ("gasoline", "road", "CH4"): 3.8,
        ("gasoline", "road", "N2O"): 5.7,
    }
    got = ff.set_index(["activity", "use", "gas"])["factor"]
    for key, value in pinned.items():
        assert got[key] == value, key
