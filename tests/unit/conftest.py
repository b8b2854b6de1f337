"""Unit tests run without the data: an autouse fixture hides the prepared tables and the raw
files of the checkout, so a test that needs them fails here as it would on a fresh clone."""

import os

import pandas as pd
import pytest

from borlange_analysis import config


@pytest.fixture(autouse=True)
def _no_data_in_unit_tests(monkeypatch, tmp_path_factory):
    """``data/processed`` and ``data/raw`` point to an empty folder (unless the test sets its own
    ``BORLANGE_HOME``)."""
    empty = tmp_path_factory.getbasetemp() / "unit-tests-have-no-data"
    home = os.environ.get("BORLANGE_HOME")

    def hidden(real, sub):
        def where():
            return real() if os.environ.get("BORLANGE_HOME") != home else empty / sub

        return where

    monkeypatch.setattr(config, "processed_dir", hidden(config.processed_dir, "processed"))
    monkeypatch.setattr(config, "raw_dir", hidden(config.raw_dir, "raw"))


@pytest.fixture
def tiny_emissions():
    """Two kommuner, two sectors, six years: a fresh copy for each test (t CO2e)."""
    rows = []
    for code, name, base in (("0001", "Alfa", 1000.0), ("0002", "Beta", 500.0)):
        for sector, share in (("Transporter", 0.6), ("Jordbruk", 0.4)):
            for year, f in ((1990, 1.0), (2005, 0.9), (2015, 0.8), (2020, 0.7), (2021, 0.72), (2022, 0.65)):
                rows.append(
                    (code, name, "99", "Testlän", sector, "Alla", "sector", year, base * share * f, "T", "test")
                )
    return pd.DataFrame(
        rows,
        columns=[
            "kommun_code",
            "kommun",
            "lan_code",
            "lan",
            "sector",
            "subsector",
            "level",
            "year",
            "t_co2e",
            "release",
            "source",
        ],
    )
