"""The rendered-page checks catch what a reader would: each defect on a tiny page is found."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from rendered_checks import csv_problems, page_problems  # noqa: E402

GOOD_SV = """<!doctype html><html lang="sv"><head><title>Utsläpp i Borlänge</title></head><body>
<nav><a href="index.html">Alla rapporter</a></nav><h1>Utsläpp i Borlänge</h1>
<table><tr><th>År</th><th>Utsläpp (t CO2e)</th></tr><tr><td>2024</td><td>423 796</td></tr></table>
<figure><img src="data:image/png;base64,AAA" alt="Stapeldiagram över utsläppen"></figure>
<p>Utsläppen har minskat med 21 % sedan 1990.</p></body></html>"""


def test_a_good_page_has_no_problems():
    assert page_problems(GOOD_SV, "sv") == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('lang="sv"', 'lang="en"', "html lang"),
        ("<title>Utsläpp i Borlänge</title>", "<title>Notebook</title>", "<title>"),
        ('<a href="index.html">', '<a href="other.html">', "no link back"),
        ('alt="Stapeldiagram över utsläppen"', 'alt="No description has been provided for this image"', "alt text"),
        ('src="data:image/png;base64,AAA"', 'src="https://cdn.example.org/x.png"', "external resource"),
        ("<tr><td>2024</td><td>423 796</td></tr>", "", "table without rows"),
        ("<td>2024</td>", "<td>2 024</td>", "year printed as a number"),
        ("<td>2024</td>", "<td>2024,0</td>", "year printed as a number"),
        ("sedan 1990.</p>", "sedan 1990. True</p>", "True/False"),
        ("<td>423 796</td>", "<td>fossil_free_site</td>", "raw identifier"),
        ("sedan 1990.</p>", "sedan 1990. Source: SMHI</p>", "English words"),
    ],
)
def test_each_defect_is_found(old, new, expected):
    page = GOOD_SV.replace(old, new)
    assert page != GOOD_SV
    assert any(expected in p for p in page_problems(page, "sv")), page_problems(page, "sv")


def test_swedish_words_on_an_english_page():
    en = GOOD_SV.replace('lang="sv"', 'lang="en"').replace("Utsläppen har minskat med 21 % sedan 1990.", "okänd")
    assert any("Swedish words" in p for p in page_problems(en, "en"))


def test_non_numeric_cells_in_numeric_csv_columns(tmp_path):
    good = tmp_path / "a.csv"
    good.write_text(
        "sector,year,t_co2e,share_pct\nTransporter,2024,78922.1,18.6227\nJordbruk,2024,,\n", encoding="utf-8"
    )
    assert csv_problems(good) == []
    bad = tmp_path / "b.csv"
    bad.write_text('sector,year,t_co2e\nTransporter,2024,"78 922"\n', encoding="utf-8")
    assert csv_problems(bad) == ["b.csv: row 2, column 't_co2e': '78 922' is not a number"]
