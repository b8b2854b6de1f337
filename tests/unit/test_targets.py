"""Targets: non-ETS from verified EU ETS emissions or the labelled sector proxy, and the allowance
for supplementary measures."""

import numpy as np
import pandas as pd
import pytest

from borlange_analysis.analysis import facilities, targets
from borlange_analysis.errors import UnknownValueError

YEARS = (1990, 2010, 2015, 2019, 2020, 2021, 2022)


def _emissions():
    """Kommun A: Industri 100, El och fjärrvärme 20, Transporter 50 every year; B: the same halved."""
    rows = []
    for code, name, f in (("0001", "A", 1.0), ("0002", "B", 0.5)):
        for sector, v in (("Industri (energi + processer)", 100.0), ("El och fjärrvärme", 20.0), ("Transporter", 50.0)):
            for y in YEARS:
                rows.append({"kommun_code": code, "kommun": name, "sector": sector, "year": y, "t_co2e": v * f})
    return pd.DataFrame(rows)


# A's installations report 2015 and 2019-2020 (verified 110 t: total 170 - 110 = 60 = 1.2 x the proxy 50);
# B has none. In 2020 A's verified emissions exceed its total: the difference is not used.
ETS = pd.DataFrame(
    {"kommun_code": ["0001", "0001", "0001"], "year": [2015, 2019, 2020], "verified_t_co2e": [110.0, 110.0, 999.0]}
)


def test_non_ets_methods_per_kommun_and_year():
    ne = targets.non_ets_emissions(_emissions(), ets=ETS).set_index(["kommun", "year"])
    assert ne.loc[("A", 2015), "method"] == "total_minus_verified_ets" and ne.loc[("A", 2015), "t_co2e"] == 60
    assert ne.loc[("A", 2020), "method"] == "sector_proxy_scaled"  # verified above the total: not used
    assert ne.loc[("A", 1990), "method"] == "sector_proxy_scaled"
    assert ne.loc[("A", 1990), "t_co2e"] == pytest.approx(50 * 1.2) and ne.loc[("A", 1990), "proxy_scale"] == 1.2
    assert (ne.loc["B", "method"] == "sector_proxy").all() and (ne.loc["B", "t_co2e"] == 25).all()
    assert ne.loc[("B", 2015), "sector_proxy_t_co2e"] == 25 and np.isnan(ne.loc[("B", 2015), "ets_verified_t_co2e"])
    plain = targets.non_ets_emissions(_emissions(), ets=ETS, proxy="plain").set_index(["kommun", "year"])
    assert plain.loc[("A", 1990), "method"] == "sector_proxy" and plain.loc[("A", 1990), "t_co2e"] == 50
    assert plain.loc[("A", 2019), "t_co2e"] == 60
    with pytest.raises(UnknownValueError, match="Unknown non-ETS proxy"):
        targets.non_ets_emissions(_emissions(), ets=ETS, proxy="best")


def test_no_ets_data_means_the_proxy_everywhere():
    ne = targets.non_ets_emissions(_emissions(), ets=pd.DataFrame())
    assert (ne["method"] == "sector_proxy").all() and (ne["t_co2e"] == ne["sector_proxy_t_co2e"]).all()


def test_target_progress_states_method_and_supplementary_allowance():
    tp = targets.target_progress(_emissions(), current_year=2024, ets=ETS).set_index(["kommun", "target_id"])
    r = tp.loc[("A", "se_non_ets_2030")]
    assert r.base_value == pytest.approx(60) and r.scope_method_base == "sector_proxy_scaled"
    assert r.scope_method_last == "sector_proxy_scaled"  # 2022: no verified emissions
    assert r.supplementary_allowance == 0.08 and r.supplementary_allowance_t == pytest.approx(60 * 0.08)
    assert r.domestic_target_value == pytest.approx(60 * (1 - 0.63 + 0.08))
    assert "8 percentage points" in r.supplementary_source and "2016/17:146" in r.supplementary_source
    assert tp.loc[("A", "se_non_ets_2040"), "supplementary_allowance"] == 0.02
    nz = tp.loc[("A", "se_2045_net_zero")]
    assert nz.supplementary_allowance == 0.15 and nz.domestic_target_value == pytest.approx(nz.target_value)
    kn = tp.loc[("A", "kommun_neutral_2030")]
    assert (
        kn.supplementary_allowance == pytest.approx(0.2)
        and kn.supplementary_counts == "additional_sinks;technical_removals"
    )
    assert tp.loc[("A", "se_transport_2030"), "supplementary_allowance"] == 0
    assert tp.loc[("A", "se_2045_net_zero"), "scope_method_base"] == "sum_of_sectors"
    k90 = targets.target_progress(_emissions(), current_year=2024, ets=ETS, kommun_reduction=0.9)
    assert k90.set_index(["kommun", "target_id"]).loc[
        ("A", "kommun_neutral_2030"), "supplementary_allowance"
    ] == pytest.approx(0.1)


def test_kommun_verified_ets_sums_located_installations():
    em = pd.DataFrame(
        {
            "installation_id": ["I1", "I2", "I3", "I1"],
            "year": [2019, 2019, 2019, 2020],
            "verified_t_co2e": [10.0, 5.0, 7.0, np.nan],
        }
    )
    inst = pd.DataFrame({"installation_id": ["I1", "I2", "I3"], "kommun_code": ["0001", "0001", None]})
    k = facilities.kommun_verified_ets(em, inst)
    assert k.to_dict("records") == [
        {"kommun_code": "0001", "year": 2019, "verified_t_co2e": 15.0, "installations": 2, "unmatched_installations": 1}
    ]
