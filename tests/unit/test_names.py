import pandas as pd
import pytest

from borlange_analysis.errors import UnknownValueError
from borlange_analysis.names import KommunResolver, resolve_sector

CODES = pd.DataFrame(
    {
        "kommun_code": ["2081", "2080", "0980", "0114", "0180", "1280"],
        "kommun": ["Borlänge", "Falun", "Gotland", "Upplands Väsby", "Stockholm", "Malmö"],
        "lan_code": ["20", "20", "09", "01", "01", "12"],
        "lan": ["Dalarnas län", "Dalarnas län", "Gotlands län", "Stockholms län", "Stockholms län", "Skåne län"],
    }
)


@pytest.mark.parametrize(
    "name, code",
    [
        ("Borlänge", "2081"),
        ("2081", "2081"),
        (2081, "2081"),
        ("borlänge", "2081"),
        ("Falu kommun", "2080"),
        ("Region Gotland", "0980"),
        ("Upplands-Väsby", "0114"),
        ("Stockholms stad", "0180"),
        ("Malmö stad", "1280"),
        ("Borlänge kommun", "2081"),
    ],
)
def test_kommun_names_harmonised(name, code):
    """The name variants seen in the sources map to SCB's code."""
    assert KommunResolver(CODES).code(name) == code


def test_unknown_kommun_suggests_nearest():
    with pytest.raises(UnknownValueError) as err:
        KommunResolver(CODES).code("Borlange")
    assert "Did you mean 'Borlänge'" in str(err.value)
    assert "Valid kommun values" in str(err.value)


@pytest.mark.parametrize(
    "value", ["Industri (energi + processer)", "industri", "Industri", "Industry (energy + processes)"]
)
def test_resolve_sector(value):
    assert resolve_sector(value) == "Industri (energi + processer)"


def test_unknown_sector_lists_valid():
    with pytest.raises(UnknownValueError, match="Unknown sector 'Industry'.*Valid sector values"):
        resolve_sector("Industry")


def test_lan_code():
    r = KommunResolver(CODES)
    assert r.lan_code("Dalarnas län") == "20" and r.lan_code("20") == "20"
