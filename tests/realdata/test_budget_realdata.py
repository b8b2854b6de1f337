"""Carbon budgets on the real data: Klimatkollen's published 2024 figures, the gas of every release,
CO2e refused, Borlänge's own budget drawn on CO2, and the ``indicators`` command."""

import hashlib

import pandas as pd
import pytest
from typer.testing import CliRunner

from borlange_analysis import cli, config, data
from borlange_analysis.analysis import budget, budget_klimatkollen, indicators
from borlange_analysis.errors import ParameterError

pytestmark = pytest.mark.realdata

#: Klimatkollen's published figures for Borlänge (2024 budget method), compared rounded as published.
KLIMATKOLLEN_2024_BORLANGE = {
    "budget_t": 669_971,
    "budget_runs_out": "2026-01-15",
    "required_rate_pct": 39.681,
    "net_zero": "2057-12-10",
    "total_trend_t": 5_435_412,
}


@pytest.fixture(scope="module")
def kk():
    return budget_klimatkollen.klimatkollen_2024(data.load_emissions(None, release="2024", level="total")).set_index(
        "kommun"
    )


def test_borlange_klimatkollen_2024_exact(kk):
    b = kk.loc["Borlänge"]
    assert round(b.budget_t) == KLIMATKOLLEN_2024_BORLANGE["budget_t"]
    assert b.budget_runs_out == KLIMATKOLLEN_2024_BORLANGE["budget_runs_out"]
    assert round(b.required_rate_pct, 3) == KLIMATKOLLEN_2024_BORLANGE["required_rate_pct"]
    assert b.net_zero == KLIMATKOLLEN_2024_BORLANGE["net_zero"]
    assert round(b.total_trend_t) == KLIMATKOLLEN_2024_BORLANGE["total_trend_t"]
    assert (b.gas, b.release, b.data_first_year, b.data_last_year) == ("CO2", "2024", 1990, 2022)


def test_klimatkollen_2024_for_all_290(kk):
    assert len(kk) == 290 and kk.index.is_unique
    assert kk.budget_t.sum() == pytest.approx(80e6 * (1 - 55 / 285))
    assert set(kk.budget_status) == {"runs_out", "holds"}


@pytest.mark.parametrize("kommun", ["Luleå", "Boden"])
def test_a_rising_trend_never_reaches_net_zero(kk, kommun):
    r = kk.loc[kommun]
    assert r.slope > 0 and r.net_zero == "never" and r.budget_status == "runs_out"


@pytest.mark.parametrize("kommun", ["Stockholm", "Östersund"])
def test_a_budget_that_holds(kk, kommun):
    r = kk.loc[kommun]
    assert r.budget_runs_out == "holds" and r.budget_status == "holds" and r.slope < 0
    assert r.net_zero < "2031"  # the line reaches zero before the budget is used up


def test_cement_is_deducted_for_gotland_skovde_morbylanga():
    tot = data.load_emissions(["Gotland", "Skövde", "Mörbylånga", "Borlänge"], release="2024", level="total")
    ded = budget_klimatkollen.deduct_cement(tot).set_index(["kommun", "year"])
    assert ded.loc[("Gotland", 2018), "cement_deducted_t"] == 1_740_412
    assert ded.loc[("Mörbylånga", 2020), "cement_deducted_t"] == 0
    assert (ded.xs("Borlänge").cement_deducted_t == 0).all()


EXPECTED_GAS = {"2021": "CO2e", "2024": "CO2", "2025": "CO2e", "2026": "CO2e"}


@pytest.mark.parametrize("release", sorted(EXPECTED_GAS))
def test_gas_column_of_every_release(release):
    for level in ("total", "sector", "subsector"):
        em = data.load_table("emissions")
        em = em[(em.release == release) & (em.level == level)]
        if len(em):
            assert set(em.gas) == {EXPECTED_GAS[release]}, (release, level)


def test_every_release_has_a_known_gas():
    assert set(data.releases()) >= set(EXPECTED_GAS)
    assert set(data.load_table("emissions").gas) <= {"CO2", "CO2e"}


def test_budgets_use_the_newest_co2_release():
    assert budget.co2_release() == "2024"
    s = budget.budget_status(current_year=2026)
    assert len(s) == 290 and (s.gas == "CO2").all() and (s.release == "2024").all()
    assert (s.data_first_year == 1990).all() and (s.data_last_year == 2022).all()
    assert (s.budget_method == "cemus").all() and s.budget_t.sum() == pytest.approx(230e6)


def test_a_co2e_series_is_refused_by_the_budget():
    co2e = data.load_emissions(None, release="2026", level="total")
    with pytest.raises(ParameterError, match=r"CO2 only; these emissions are CO2e \(release 2026\)"):
        budget.carbon_budget(co2e, current_year=2026)


def test_borlange_own_budget_drawn_on_co2_without_ssab():
    out = budget.adopted_pathway("Borlänge")
    assert out is not None and (out.gas == "CO2").all() and (out.release == "2024").all()
    co2 = out[out.kind == "co2_total"].set_index("year").t_co2
    excl = out[out.kind == "co2_excluding"].set_index("year")
    ssab = data.load_ets_emissions(["SE_386"]).set_index("year").verified_t_co2e
    assert excl.loc[2020, "t_co2"] == pytest.approx(co2[2020] - ssab[2020])
    assert excl.loc[2015:2020, "basis"].eq("observed").all()  # SSAB's verified years (EUTL 2013-2020)
    assert excl.loc[[2021, 2022], "basis"].eq("estimated").all()
    assert excl.loc[2022, "estimate"] == "SE_386: verified 2020 used for 2022"
    path = out[out.kind == "adopted_pathway"].set_index("year").t_co2
    assert path.index.min() == 2020 and path.index.max() == 2040
    assert path[2020] == excl.loc[2020, "t_co2"] and path[2021] / path[2020] == pytest.approx(1 - 0.164)


def test_borlange_budget_excluding_ssab_marks_estimated_years():
    s = budget.budget_status("Borlänge", current_year=2026, exclude="adopted").iloc[0]
    assert s.excluded == "SE_386" and "2021" in s.excluded_estimated_years.split(",")
    full = budget.budget_status("Borlänge", current_year=2026).iloc[0]
    assert s.budget_t < full.budget_t


def test_indicators_command_with_klimatkollen_2024(tmp_path):
    out = tmp_path / "out.csv"
    args = ["indicators", "--release", "2024", "--current-year", "2024", "--budget-method", "klimatkollen-2024"]
    res = CliRunner().invoke(cli.app, [*args, "-o", str(out)])
    assert res.exit_code == 0, res.output
    table = pd.read_csv(out, dtype={"kommun_code": str})
    assert list(table.columns[:6]) == [
        "kommun",
        "budget_t",
        "budget_runs_out",
        "required_rate_pct",
        "net_zero",
        "total_trend_t",
    ]
    assert len(table) == 290 and table.kommun.is_unique
    b = table.set_index("kommun").loc["Borlänge"]
    assert round(b.budget_t) == 669_971 and b.budget_runs_out == "2026-01-15" and b.net_zero == "2057-12-10"
    assert round(b.required_rate_pct, 3) == 39.681 and round(b.total_trend_t) == 5_435_412
    assert set(table.budget_runs_out[~table.budget_runs_out.str.match(r"\d{4}-\d\d-\d\d")]) == {"holds"}
    meta = indicators.read_metadata(out)
    assert meta is not None
    assert (meta["release"], meta["gas"], meta["budget_method"], meta["budget_preset"]) == (
        "2024",
        "CO2",
        "klimatkollen-2024",
        None,
    )
    assert meta["current_year"] == 2024 and meta["package_version"] and meta["trend_method"] == "median"
    manifest = config.processed_dir() / "manifest.json"
    assert meta["data_manifest_sha256"] == hashlib.sha256(manifest.read_bytes()).hexdigest()
