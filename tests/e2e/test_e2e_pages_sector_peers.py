"""End-to-end: the sector and peers pages built by the real `borlange-analysis reports` command,
in Swedish and English, read as a reader would (tests/e2e/rendered_checks.py). Two runs in all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from rendered_checks import csv_problems, page_problems

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]

CLI = str(Path(sys.executable).parent / "borlange-analysis")
ROOT = Path(__file__).resolve().parents[2]
#: the English run draws only the map of the län: the parameter must reach the page
SCOPE = {"sv": "both", "en": "lan"}


@pytest.fixture(scope="module", params=["sv", "en"])
def built(request, tmp_path_factory):
    language = request.param
    out = tmp_path_factory.mktemp(f"pages-{language}")
    args = ["reports", "--notebook", "sector", "--sector", "transporter", "--notebook", "peers"]
    args += ["--output", str(out), "--current-year", "2026", "--language", language]
    args += ["-p", f"map_scope={SCOPE[language]}"]
    res = subprocess.run([CLI, *args], capture_output=True, text=True, env=dict(os.environ), timeout=900, cwd=ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    return language, out / "Borlänge" / "2026" / language


def test_pages_have_no_rendered_problems(built):
    language, folder = built
    for name in ("sector-transporter", "peers"):
        html = (folder / f"{name}.html").read_text(encoding="utf-8")
        assert page_problems(html, language) == [], name
        csvs = sorted((folder / "tables" / name).glob("*.csv"))
        assert csvs, name
        for csv in csvs:
            assert csv_problems(csv) == [], csv.name


def test_sector_page_shows_a_filled_peer_comparison_and_says_why_there_are_no_point_sources(built):
    language, folder = built
    soup = BeautifulSoup((folder / "sector-transporter.html").read_text(encoding="utf-8"), "html.parser")
    title = soup.find("h1").get_text()
    assert title == {"sv": "Transporter i Borlänge", "en": "Transport in Borlänge"}[language]
    peers = soup.find(id="tab-peers").find_all("tr")
    assert len(peers) == 1 + 37  # header + the 23 cities and the 15 kommuner of Dalarnas län (Borlänge in both)
    assert soup.find(id="fig-peers_chart") is not None
    empty = soup.find(id="tab-point_sources").get_text(" ", strip=True)
    assert {"sv": "hör till sektorn Transporter", "en": "belongs to the sector Transport"}[language] in empty
    assert "2997" not in soup.get_text()


def test_peers_page_draws_the_maps_asked_for_and_names_the_rank(built):
    language, folder = built
    soup = BeautifulSoup((folder / "peers.html").read_text(encoding="utf-8"), "html.parser")
    maps = {f["id"] for f in soup.find_all("figure") if f["id"].startswith("fig-map")}
    assert maps == ({"fig-map_sweden", "fig-map_lan"} if SCOPE[language] == "both" else {"fig-map_lan"})
    assert "Dalarnas län" in soup.find("h1").get_text()
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    lines = {r["name"]: r["key_line"] for r in summary["reports"]}
    assert lines["peers"].startswith({"sv": "Plats ", "en": "Rank "}[language])
    assert {"sv": "sedan 1990", "en": "since 1990"}[language] in lines["sector-transporter"]
