"""Real-data facts behind the plausibility bounds of ``ingest/plausibility.toml``: the figures its
comments quote are measured here, so the bounds' reasons stay true."""

import pytest

from borlange_analysis import data
from borlange_analysis.ingest import schemas

pytestmark = pytest.mark.realdata


def _totals(release):
    e = data.load_table("emissions")
    return e[(e.release == release) & (e.level == "total")]


def test_no_negative_emission_in_any_release():
    e, r = data.load_table("emissions"), data.load_table("regional_emissions")
    assert len(e) == 307_690 and len(r) == 35_750
    assert (e.t_co2e >= 0).all() and (r.t_co2e >= 0).all()
    assert (e.t_co2e == 0).sum() == 56_078 and (e[e.level == "total"].t_co2e > 0).all()


def test_largest_kommun_total_is_lulea_well_below_the_bound():
    e = data.load_table("emissions")
    top = e.loc[e[e.level == "total"].t_co2e.idxmax()]
    assert (top.kommun, top.release, top.year) == ("Luleå", "2021", 2017)
    assert top.t_co2e == pytest.approx(4.03e6, rel=1e-3)
    assert e.t_co2e.max() * 4.9 < schemas.plausibility().kommun_max_t


@pytest.mark.parametrize(
    "previous, release, national, ratio_min, ratio_max",
    [("2021", "2025", 0.0180, 0.406, 1.406), ("2025", "2026", 0.0061, 0.641, 1.426)],
)
def test_consecutive_releases_move_as_plausibility_toml_says(previous, release, national, ratio_min, ratio_max):
    stats = schemas.check_against_previous(
        _totals(release).assign(_row=0), _totals(previous), file="test", release=release, previous=previous
    )
    assert stats["national_max_change"] == pytest.approx(national, abs=5e-4)
    assert stats["kommun_ratio_min"] == pytest.approx(ratio_min, abs=5e-4)
    assert stats["kommun_ratio_max"] == pytest.approx(ratio_max, abs=5e-4)
    p = schemas.plausibility()
    assert (
        national < p.national_max_change / 10
        and 1 / p.kommun_max_factor < ratio_min
        and ratio_max < p.kommun_max_factor
    )


def test_releases_by_gas_on_the_real_data():
    assert data.releases(gas="CO2") == ["2024"] and data.resolve_release("latest", gas="CO2") == "2024"
    assert data.releases(gas="CO2e") == ["2021", "2025", "2026"] and data.resolve_release("latest") == "2026"
