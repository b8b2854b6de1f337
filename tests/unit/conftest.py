import pandas as pd
import pytest


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
