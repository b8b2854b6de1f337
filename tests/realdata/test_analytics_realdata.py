"""Borlänge's published Klimatkollen figures reproduced from the real mirror data (2026 release)."""

import warnings

import numpy as np
import pytest
import statsmodels.api as sm

from borlange_analysis import data
from borlange_analysis.analysis import indicators
from borlange_analysis.analysis import trends as pathways

pytestmark = pytest.mark.realdata

PUBLISHED = {  # Klimatkollen, Borlänge, 2026 release, current_year 2026
    "slope": -9829.2,
    "estimate_2025": 413966.6,
    "estimate_2026": 404137.4,
    "projection_2030": 364820.7,
    "total_trend": 7154677,
    "total_carbon_law": 3295459,
}


def test_borlange_klimatkollen_figures_within_0_1_pct():
    s = pathways.pathways(data.load_emissions("Borlänge", level="total"), current_year=2026)
    r = s.iloc[0]
    for key, value in PUBLISHED.items():
        got = (
            r.slope
            if key == "slope"
            else (pathways.trend_value(s, [2030])[0, 0] if key == "projection_2030" else r[key])
        )
        assert got == pytest.approx(value, rel=1e-3), key
    assert not r.on_track
    assert int(r.net_zero_year) == 2067 and r.net_zero_date == "2067-02-12"


def test_all_290_slopes_agree_with_statsmodels_quantreg():
    tot = data.load_emissions(None, level="total")
    ours = pathways.fit_trend(tot).set_index("kommun_code").slope
    for code, g in tot[tot.year >= 2015].groupby("kommun_code"):
        x = g.year.to_numpy(float) - g.year.max()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = sm.QuantReg(g.t_co2e.to_numpy(), sm.add_constant(x, has_constant="add")).fit(q=0.5).params[1]
        assert ours[code] == pytest.approx(ref, rel=1e-7, abs=1e-6), code


def test_indicators_table_for_all_kommuner():
    ind = indicators.build_indicators(with_sinks=False)
    assert len(ind) == 290 and ind.kommun_code.is_unique
    for col in (
        "kommun_code",
        "kommun",
        "last_year",
        "last_value",
        "trend_slope",
        "estimate_2025",
        "total_trend",
        "total_carbon_law",
        "on_track",
        "net_zero_year",
        "change_since_1990_pct",
        "remaining_budget_t",
        "required_rate_pct",
        "budget_status",
        "budget_runs_out",
        "net_zero",
        "budget_gas",
    ):
        assert col in ind.columns, col
    b = ind.set_index("kommun").loc["Borlänge"]
    assert b.change_since_1990_pct == pytest.approx(-21.44, abs=0.01)
    assert np.isclose(ind.budget_t.sum(), 230e6)
    assert (ind.budget_gas == "CO2").all() and (ind.budget_release == "2024").all() and (ind.gas == "CO2e").all()


def test_per_sector_indicators():
    ind = indicators.build_indicators(per_sector=True, with_sinks=False, kommun="Borlänge")
    assert len(ind) == 10


@pytest.mark.parametrize("release", ["2021", "2024", "2025", "2026"])
def test_indicators_for_every_release(release):
    """Every release gives a full table; the totals-only 2024 release has no sector targets."""
    ind = indicators.build_indicators(release=release, with_sinks=False)
    assert len(ind) == 290 and (ind.release == release).all()
    assert ind.budget_t.sum() == pytest.approx(230e6) and ind.trend_slope.notna().all()
    assert ind["gap_se_transport_2030_t"].isna().all() == (release == "2024")


def test_sector_report_needs_a_release_with_sectors():
    from borlange_analysis import params

    with pytest.raises(ValueError, match="Release 2024 has totals only"):
        params.validate("sector", release="2024", sector="industri", current_year=2026)
