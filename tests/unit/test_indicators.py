"""The indicators table is made by the tested functions (not re-implemented), carries its metadata,
and the ``indicators`` command checks its options before any work (no data needed)."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from borlange_analysis import cli
from borlange_analysis.analysis import budget, descriptives, indicators, trends
from borlange_analysis.errors import ParameterError

YEARS = (1990, 2005, 2010, 2015, 2020, 2021, 2022)


def _tables():
    rows = []
    for code, name, base in (("0001", "Alfa", 1000.0), ("0002", "Beta", 500.0)):
        for sector, share in (("Transporter", 0.6), ("Jordbruk", 0.4)):
            for year, f in zip(YEARS, (1.0, 0.9, 0.85, 0.8, 0.7, 0.72, 0.65), strict=True):
                rows.append((code, name, "99", "Testlän", sector, "sector", year, base * share * f, "T", "CO2e"))
    cols = ["kommun_code", "kommun", "lan_code", "lan", "sector", "level", "year", "t_co2e", "release", "gas"]
    sec = pd.DataFrame(rows, columns=cols)
    keys = ["kommun_code", "kommun", "lan_code", "lan", "year", "release", "gas"]
    tot = sec.groupby(keys, as_index=False)["t_co2e"].sum().assign(sector="Alla", level="total")
    co2 = tot.assign(t_co2e=tot.t_co2e * 0.9, gas="CO2", release="C")
    pop = pd.DataFrame({"kommun_code": ["0001", "0002", "0001"], "year": [2022, 2022, 2024], "population": [10, 5, 11]})
    area = pd.DataFrame({"kommun_code": ["0001", "0002"], "year": [2023, 2023], "land_km2": [100.0, 50.0]})
    return sec, tot, co2, pop, area


def _compute(**kw):
    sec, tot, co2, pop, area = _tables()
    # verified EU ETS emissions of Alfa's one installation (the targets outside the EU ETS)
    ets = pd.DataFrame({"kommun_code": ["0001", "0001"], "year": [2021, 2022], "verified_t_co2e": [50.0, 40.0]})
    args = {"population": pop, "land_area": area, "budget_totals": co2, "current_year": 2024, "ets": ets, **kw}
    return indicators.compute_indicators(sec, tot, **args)


def test_indicators_are_the_descriptive_functions():
    sec, tot, co2, pop, area = _tables()
    ind = _compute(per_sector=True).set_index(["kommun_code", "sector"])
    for base in (1990, 2005):
        ch = pd.concat([descriptives.change_since(tot, base), descriptives.change_since(sec, base)])
        ch = ch.set_index(["kommun_code", "sector"]).loc[ind.index]
        pd.testing.assert_series_equal(ind[f"change_since_{base}_pct"], ch.change_pct, check_names=False)
        pd.testing.assert_series_equal(ind[f"change_since_{base}_t"], ch.change_t, check_names=False)
    ar = pd.concat([descriptives.annual_rate(tot, 2015), descriptives.annual_rate(sec, 2015)])
    ar = ar.set_index(["kommun_code", "sector"]).loc[ind.index]
    pd.testing.assert_series_equal(ind.annual_rate_2015_last, ar.annual_rate, check_names=False)
    last = tot[tot.year == 2022]
    pc = descriptives.per_capita(last, pop).set_index("kommun_code").t_co2e_per_capita
    pk = descriptives.per_km2(last, area).set_index("kommun_code").t_co2e_per_km2
    totals = ind.xs("Alla", level="sector")
    pd.testing.assert_series_equal(totals.per_capita_t, pc, check_names=False)
    pd.testing.assert_series_equal(totals.per_km2_t, pk, check_names=False)
    path = trends.pathways(tot, current_year=2024).set_index("kommun_code")
    pd.testing.assert_series_equal(totals.total_carbon_law, path.total_carbon_law, check_names=False)


def test_budget_columns_are_the_budget_status_on_the_co2_series():
    _, _, co2, _, _ = _tables()
    ind = _compute().set_index("kommun_code")
    status = budget.carbon_budget(co2, current_year=2024).set_index("kommun_code")
    for status_col, ind_col in indicators.BUDGET_COLUMNS.items():
        pd.testing.assert_series_equal(ind[ind_col], status[status_col], check_names=False, check_dtype=False)
    assert (ind.budget_gas == "CO2").all() and (ind.gas == "CO2e").all() and (ind.budget_release == "C").all()
    assert list(_compute().columns[:6]) == list(indicators.HEADLINE_COLUMNS)


def test_sector_rows_have_no_budget():
    ind = _compute(per_sector=True)
    assert ind.loc[ind.sector != "Alla", "budget_t"].isna().all()
    assert ind.loc[ind.sector == "Alla", "budget_t"].notna().all()


def test_budget_on_a_co2e_series_is_refused():
    sec, tot, _, pop, area = _tables()
    with pytest.raises(ParameterError, match="CO2 only"):
        indicators.compute_indicators(sec, tot, population=pop, land_area=area, current_year=2024)


def test_klimatkollen_method_refuses_a_preset():
    with pytest.raises(ParameterError, match="apply to the 'cemus' method only"):
        _compute(budget_method="klimatkollen-2024", budget_preset="cemus_1.7C")


META = {"release": "T", "gas": "CO2e", "budget_method": "cemus", "budget_preset": "cemus_1.7C", "current_year": 2024}


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_written_table_carries_its_metadata(tmp_path, fmt):
    ind = _compute()
    out = indicators.write_indicators(ind, tmp_path / f"ind.{fmt}", metadata=META)
    meta = indicators.read_metadata(out)
    assert meta is not None and {k: meta[k] for k in META} == META
    assert meta["columns"] == list(ind.columns) and meta["format"] == fmt
    if fmt == "parquet":
        assert not (tmp_path / "ind.parquet.meta.json").exists()
        back = pd.read_parquet(out)
        assert back.shape == ind.shape
    else:
        side = json.loads((tmp_path / f"ind.{fmt}.meta.json").read_text(encoding="utf-8"))
        assert side == meta
    assert not list(tmp_path.glob(".tmp-*"))


def test_metadata_travels_in_frame_attrs(tmp_path):
    ind = _compute()
    ind.attrs[indicators.META_KEY] = META
    meta = indicators.read_metadata(indicators.write_indicators(ind, tmp_path / "ind.csv"))
    assert meta is not None and meta["budget_method"] == "cemus" and meta["file"] == "ind.csv"
    assert indicators.read_metadata(indicators.write_indicators(_compute(), tmp_path / "bare.csv")) is None


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--budget-method", "klimatkolen"], "Unknown budget method 'klimatkolen'"),
        (["--budget-method", "klimatkolen"], "Valid budget method values: cemus, klimatkollen-2024"),
        (["--budget-preset", "cemus_2C"], "Unknown budget preset 'cemus_2C'"),
        (["--budget-regime", "fair"], "Unknown budget regime 'fair'"),
        (["--method", "mean"], "Unknown trend method 'mean'"),
        (["--budget-method", "klimatkollen-2024", "--budget-preset", "cemus_1.7C"], "apply to budget method 'cemus'"),
        (["--format", "xlsx"], "Unknown format 'xlsx'"),
    ],
)
def test_indicators_options_are_checked_before_any_work(tmp_path, monkeypatch, args, hint):
    monkeypatch.setenv("BORLANGE_HOME", str(tmp_path))  # no data here: the check must come first
    res = CliRunner().invoke(cli.app, ["indicators", "-o", str(tmp_path / "x.csv"), *args])
    assert res.exit_code == 2
    text = " ".join(res.output.split())
    assert hint in text and "Traceback" not in text
    assert not (tmp_path / "x.csv").exists()


def test_help_says_how_budget_method_and_preset_relate():
    res = CliRunner().invoke(cli.app, ["indicators", "--help"], env={"COLUMNS": "200"})
    text = " ".join(res.output.split())
    assert "klimatkollen-2024" in text and "its own fixed national budget" in text
    assert "National budget preset of the 'cemus' method" in text
