"""Release resolution by gas: "latest" for emissions pages never lands on a CO2-only release."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from borlange_analysis import data
from borlange_analysis.errors import UnknownValueError
from borlange_analysis.ingest.prepare import EMISSION_COLUMNS, REGIONAL_COLUMNS, write_parquet

RELEASES = {"2021": "CO2e", "2024": "CO2", "2026": "CO2e", "smhi-co2-2026-11-27": "CO2"}


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A project folder with a tiny emissions table: three fixed releases and a `fetch --latest`
    CO2 release registered on 2026-11-27 (its provenance record gives the publication date)."""
    monkeypatch.setenv("BORLANGE_HOME", str(tmp_path))
    rows = [
        ("2081", "Borlänge", "20", "Dalarnas län", "Alla", "Alla", "total", 2020, 1000.0, rel, gas, "test")
        for rel, gas in RELEASES.items()
    ]
    write_parquet(pd.DataFrame(rows, columns=EMISSION_COLUMNS), tmp_path / "data" / "processed" / "emissions.parquet")
    regional = [
        ("00", "Sverige", "Alla", "Alla", "total", 2020, 5e7, rel, gas, "test")
        for rel, gas in (("2021", "CO2e"), ("smhi-co2-2026-11-27", "CO2"))
    ]
    write_parquet(
        pd.DataFrame(regional, columns=REGIONAL_COLUMNS), tmp_path / "data" / "processed" / "regional_emissions.parquet"
    )
    rec = tmp_path / "data" / "raw" / "smhi_latest" / "smhi-co2-2026-11-27" / "smhi_export_co2.xlsx.provenance.json"
    rec.parent.mkdir(parents=True)
    rec.write_text(
        json.dumps(
            {"release": "smhi-co2-2026-11-27", "published": "2026-11-27", "sha256": "0" * 64, "latest_kind": "smhi-co2"}
        )
    )
    for f in (data._releases, data._release_gases, data._emission_slice, data._read_cached):
        f.cache_clear()
    yield tmp_path
    for f in (data._releases, data._release_gases, data._emission_slice, data._read_cached):
        f.cache_clear()


def test_releases_by_gas_in_publication_order(home):
    assert data.releases() == ["2021", "2024", "2026", "smhi-co2-2026-11-27"]
    assert data.releases(gas="CO2e") == ["2021", "2026"]
    assert data.releases(gas="CO2") == ["2024", "smhi-co2-2026-11-27"]
    assert data.release_gas("2024") == "CO2" and data.release_gases()["2026"] == "CO2e"


def test_latest_is_the_newest_co2e_release_unless_co2_is_asked_for(home):
    assert data.resolve_release() == data.resolve_release("latest") == "2026"  # not the newer CO2 release
    assert data.resolve_release("latest", gas="CO2e") == "2026"
    assert data.resolve_release("latest", gas="CO2") == "smhi-co2-2026-11-27"
    assert data.resolve_release("2024") == "2024"  # a named release is taken as named
    assert data.resolve_release("2024", gas="CO2") == "2024"
    with pytest.raises(UnknownValueError, match=r"Unknown CO2e release '2024'.*Valid CO2e release values: 2021, 2026"):
        data.resolve_release("2024", gas="CO2e")
    with pytest.raises(UnknownValueError, match="Unknown gas 'N2O'. Valid gas values: CO2e, CO2"):
        data.resolve_release("latest", gas="N2O")
    assert data.load_emissions("Borlänge", level="total").release.unique().tolist() == ["2026"]
    assert data.load_emissions("Borlänge", level="total", gas="CO2").gas.unique().tolist() == ["CO2"]


def test_regional_latest_follows_the_gas(home):
    assert data.load_regional_emissions().release.unique().tolist() == ["2021"]
    assert data.load_regional_emissions(gas="CO2").release.unique().tolist() == ["smhi-co2-2026-11-27"]
