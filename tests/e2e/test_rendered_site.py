"""The rendered-content suite: the whole default report set for Borlänge in Swedish and English and
for a small kommun (Bjurholm), built with the real CLI, read page by page as a reader would.

Every page must have a title naming the report and kommun, the right ``lang``, alt text on every
figure, a link back to its set's index, no external resources, no table without rows, no year
printed as a number, no True/False, no raw identifiers, no words of the other language; every CSV
copy must hold numbers only in its numeric columns. Headline figures must agree between the
index, the overview, the detailed pages and ``summary.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from rendered_checks import csv_problems, link_problems, page_problems

from borlange_analysis import methods_doc

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "borlange-analysis")
YEAR = "2026"
EPOCH = "1796083200"  # 2026-12-01 00:00 UTC: the build date printed on every page
SETS = (("Borlänge", "sv"), ("Borlänge", "en"), ("Bjurholm", "sv"))
SECTORS = 9
PARTNERS = 10


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, **(env or {})}
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=full, timeout=1800, cwd=ROOT)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "reports"
    for kommun, lang in SETS:
        res = run_cli(
            "reports",
            "--output",
            str(out),
            "--kommun",
            kommun,
            "--language",
            lang,
            "--current-year",
            YEAR,
            "--jobs",
            "2",
        )
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return out


def _pages(site: Path) -> list[tuple[Path, str]]:
    out = []
    for kommun, lang in SETS:
        folder = site / kommun / YEAR / lang
        out += [(p, lang) for p in sorted(folder.glob("*.html")) if p.name != "index.html"]
    return out


def test_every_expected_page_was_built(site):
    for kommun, lang in SETS:
        names = {p.stem for p in (site / kommun / YEAR / lang).glob("*.html")}
        expected = {"index", "overview", "carbon_budget", "carbon_sinks", "peers", "workshop_food_waste", "measures"}
        assert expected <= names, (kommun, lang, expected - names)
        assert sum(n.startswith("sector-") for n in names) == SECTORS
        partners = sum(n.startswith("partner-") for n in names)
        assert partners == (PARTNERS if kommun == "Borlänge" else 0), (kommun, lang, partners)


def test_every_page_reads_right(site):
    problems = {}
    for page, lang in _pages(site):
        found = page_problems(page.read_text(encoding="utf-8"), lang)
        if found:
            problems[str(page.relative_to(site))] = found
    assert problems == {}


def test_every_link_leads_somewhere(site):
    """Every link of every page, index and the top-level pages points to a file of the site (and to
    a section that exists): the method description, the CSV copies, the notebooks, the other
    language, latest/."""
    pages = [p for p, _ in _pages(site)] + sorted(site.glob("*/*/*/index.html")) + sorted(site.glob("index*.html"))
    problems = {str(p.relative_to(site)): found for p in pages if (found := link_problems(p, site=site))}
    assert problems == {}


def test_every_page_links_to_its_section_of_the_method_description(site):
    names = {"sv": "methods.html", "en": "methods.en.html"}
    for lang, name in names.items():
        soup = BeautifulSoup((site / name).read_text(encoding="utf-8"), "html.parser")
        assert soup.find("html")["lang"] == lang
    soup = BeautifulSoup((site / "methods.en.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("h2", id="carbon-budgets") and soup.find("h2", id="measures-and-scenarios")
    soup = BeautifulSoup((site / "methods.html").read_text(encoding="utf-8"), "html.parser")
    sv_budgets = methods_doc.section_anchor("carbon-budgets", "sv")
    assert sv_budgets != "carbon-budgets" and soup.find("h2", id=sv_budgets)
    assert "koldioxidbudget" in soup.get_text().lower()
    for page, lang in _pages(site):
        link = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("p.methods-link a")
        assert link is not None and link["href"].startswith(f"../../../{names[lang]}#"), page


def test_every_csv_copy_holds_numbers_in_numeric_columns(site):
    problems = []
    csvs = list(site.rglob("tables/*/*.csv"))
    assert len(csvs) > 100
    for path in csvs:
        problems += csv_problems(path)
        meta = path.with_name(path.name + ".meta.json")
        assert meta.is_file(), meta
        m = json.loads(meta.read_text(encoding="utf-8"))
        for key in ("release", "gas", "current_year", "package_version", "data_sha256", "columns"):
            assert key in m, (meta, key)
    assert problems == []


def test_every_table_has_its_csv_link(site):
    page = site / "Borlänge" / YEAR / "sv" / "overview.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    links = [a["href"] for a in soup.find_all("a", href=True) if a["href"].endswith(".csv")]
    assert links and all((page.parent / href).is_file() for href in links)
    assert len(links) == len(soup.find_all("table"))


def test_index_pages(site):
    for kommun, lang in SETS:
        index = site / kommun / YEAR / lang / "index.html"
        soup = BeautifulSoup(index.read_text(encoding="utf-8"), "html.parser")
        assert soup.find("html")["lang"] == lang and kommun in soup.find("title").get_text()
        hrefs = {a["href"] for a in soup.find_all("a", href=True)}
        built = {p.name for p in index.parent.glob("*.html") if p.name != "index.html"}
        assert built <= hrefs, built - hrefs
        assert not any(h.startswith(("http:", "https:", "//")) for h in hrefs)


def test_headline_figures_agree_across_index_overview_budget_page_and_summary(site):
    from borlange_analysis.analysis import indicators

    folder = site / "Borlänge" / YEAR / "sv"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    kf = summary["key_figures"]
    ind = indicators.build_indicators(release="latest", current_year=int(YEAR), kommun="Borlänge")
    row = ind[ind["sector"] == "Alla"].iloc[0]
    assert kf["last_value_t"] == pytest.approx(row["last_value"])
    assert kf["trend_slope_t_per_yr"] == pytest.approx(row["trend_slope"])
    assert kf["budget"]["remaining_budget_t"] == pytest.approx(row["remaining_budget_t"])
    assert kf["budget"]["gas"] == "CO2" and kf["budget"]["point_sources"] == "included"
    assert kf["existing_sink"]["t_co2"] == pytest.approx(row["existing_sink_lulucf_area_share_t_co2"])
    # the same remaining budget on the overview, the budget page and in their CSV copies
    over = pd.read_csv(folder / "tables" / "overview" / "budget.csv")
    page = pd.read_csv(folder / "tables" / "carbon_budget" / "allocation.csv")
    remaining = round(float(row["remaining_budget_t"]), 1)
    assert over.loc[over["scope"] == "all", "remaining_budget_t_co2"].iloc[0] == pytest.approx(remaining)
    both = page[(page["scope"] == "all") & (page["regime_code"] == "grandfathering")]
    assert both["remaining_budget_t_co2"].iloc[0] == pytest.approx(remaining)
    # the index shows each report's key line
    index = (folder / "index.html").read_text(encoding="utf-8")
    for entry in summary["reports"]:
        if entry["key_line"]:
            assert (
                BeautifulSoup(entry["key_line"], "html.parser").get_text()
                in BeautifulSoup(index, "html.parser").get_text()
            ), entry["name"]


def test_the_sink_agrees_between_summary_and_sinks_page(site):
    folder = site / "Borlänge" / YEAR / "en"
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    existing = pd.read_csv(folder / "tables" / "carbon_sinks" / "existing.csv")
    area = existing[existing["method"] == "lulucf_area_share"].iloc[0]
    assert summary["key_figures"]["existing_sink"]["t_co2"] == pytest.approx(area["central_t_co2_per_yr"], abs=0.1)
    assert summary["key_figures"]["existing_sink"]["year"] == area["year_shown"]


def test_two_builds_of_the_same_inputs_are_byte_equal(site, tmp_path):
    """With SOURCE_DATE_EPOCH set, a rebuild gives the same bytes (Styler ids, figures, cell ids)."""
    out = tmp_path / "again"
    res = run_cli(
        "reports",
        "--output",
        str(out),
        "--notebook",
        "overview",
        "--notebook",
        "carbon_sinks",
        "--current-year",
        YEAR,
        "--jobs",
        "2",
    )
    assert res.returncode == 0, res.stdout + res.stderr
    for name in ("overview.html", "carbon_sinks.html", "tables/overview/sectors.csv"):
        first = (site / "Borlänge" / YEAR / "sv" / name).read_bytes()
        second = (out / "Borlänge" / YEAR / "sv" / name).read_bytes()
        assert first == second, name


def test_pages_name_the_kommun_and_the_language_in_title_and_lang(site):
    for page, lang in _pages(site):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        kommun = page.parts[-4]
        assert kommun in soup.find("title").get_text(), page
        assert soup.find("html")["lang"] == lang
