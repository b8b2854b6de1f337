"""The national page's table (formatting per language, sort values, order) and the checks that a
sortable table must pass; the one-draw chart rendering gives the same pixels."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from borlange_analysis.reporting import charts
from borlange_analysis.runner import national

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from rendered_checks import page_problems, sortable_problems  # noqa: E402


def _frame() -> pd.DataFrame:
    rows = [
        (
            "2081",
            "Borlänge",
            2024,
            300000.4,
            5.6,
            -4000.2,
            True,
            "runs_out",
            "2031-02-18",
            2031.13,
            120000.0,
            2030,
            250000.0,
        ),
        ("2321", "Åre", 2024, 44626.0, 3.5, -3960.0, False, "holds", "holds", np.nan, 630583.5, 2030, 19688.0),
        ("0180", "Stockholm", 2024, 1.2e6, 1.2, 1500.0, False, "exhausted", "exhausted", np.nan, np.nan, 2030, 1.0e6),
    ]
    cols = [
        "kommun_code", "kommun", "last_year", "last_value", "per_capita_t", "trend_slope", "on_track",
        "budget_status", "budget_runs_out", "budget_runs_out_year", "existing_sink_lulucf_area_share_t_co2",
        "scenario_year", "scenario_neutrality_gap_year_t_co2e",
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=cols)
    frame["lan"] = ["Dalarnas län", "Jämtlands län", "Stockholms län"]
    frame["release"], frame["budget_release"], frame["current_year"] = "2026", "2024", 2026
    return frame


def _kommuner():
    return [
        national.Present("Borlänge", "2026", ("sv", "en"), 2026),
        national.Present("Åre", "2026", ("sv",), 2026),
        national.Present("Stockholm", "2026", ("en",), 2026),
    ]


def _page(language: str) -> str:
    body = national.table_html(_frame(), _kommuner(), language)
    other = "index.en.html" if language == "sv" else "index.html"
    return (
        f'<!doctype html><html lang="{language}"><head><title>Klimatrapporter</title></head><body>'
        f'<a href="{other}">x</a>{body}</body></html>'
    )


def _rows(html: str) -> list[list[tuple[str, str]]]:
    soup = BeautifulSoup(html, "html.parser")
    table = soup.find("table", id="national-table")
    return [
        [(td.get_text(strip=True), td["data-value"]) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")
    ]


def test_swedish_table_values_order_and_sort_values():
    rows = _rows(_page("sv"))
    assert [r[0][0] for r in rows] == ["Borlänge", "Stockholm", "Åre"], "Swedish alphabetical order: Å after Z"
    borlange = rows[0]
    assert borlange[2] == ("2024", "2024.0")
    assert borlange[3] == ("300\xa0000", "300000.4")
    assert borlange[4] == ("5,6", "5.6") and borlange[5] == ("−4\xa0000", "-4000.2")
    assert borlange[6] == ("ja", "1") and borlange[7] == ("februari 2031", "2031.13")
    stockholm, are = rows[1], rows[2]
    assert stockholm[7] == ("förbrukad", "0.0") and are[7] == ("räcker", "99999.0")
    assert stockholm[8] == ("–", ""), "a missing value shows a dash and sorts last"


def test_english_table_and_links():
    html = _page("en")
    rows = _rows(html)
    assert [r[0][0] for r in rows] == ["Åre", "Borlänge", "Stockholm"], "English order ignores accents"
    assert rows[1][3][0] == "300,000" and rows[1][7][0] == "February 2031" and rows[0][7][0] == "holds"
    soup = BeautifulSoup(html, "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a")]
    assert "Borl%C3%A4nge/latest/en/index.html" in hrefs
    assert "%C3%85re/latest/index.html" in hrefs, "no English set: the kommun's newest set"
    heads = [th.get_text(" ", strip=True) for th in soup.find_all("th")]
    assert heads[-1] == "Gap to net zero 2030 (t CO2e a year)"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_page_passes_the_rendered_checks(language):
    assert page_problems(_page(language), language, top=True) == []


def test_no_kommuner_says_so():
    html = national.table_html(None, [], "sv")
    assert "Inga kommuner har rapporter ännu" in html and "<table" not in html


@pytest.mark.parametrize(
    "breakage, problem",
    [
        (lambda h: h.replace(' data-value="300000.4"', ""), "without a sort value"),
        (lambda h: h.replace('data-value="300000.4"', 'data-value="300 000"'), "is not a number"),
        (lambda h: h.replace('data-kind="number"', "", 1), "has no data-kind"),
        (lambda h: h.replace('<button type="button" class="sort">Kommun', "Kommun", 1), "is not a button"),
        (lambda h: h.replace("<script>", '<script src="https://cdn.example/sort.js">', 1), "script loaded from"),
        (lambda h: h.replace("<td", "<td><td", 1), "a row with 11 cells"),
    ],
)
def test_the_checks_catch_a_broken_sortable_table(breakage, problem):
    html = breakage(_page("sv"))
    found = page_problems(html, "sv", top=True)
    assert any(problem in p for p in found), found


def test_a_top_page_must_link_to_the_other_language():
    html = _page("sv").replace('href="index.en.html"', 'href="elsewhere.html"')
    assert any("other language" in p for p in page_problems(html, "sv", top=True))
    assert sortable_problems(BeautifulSoup("<p>no table</p>", "html.parser")) == []


def test_one_draw_per_chart_gives_the_same_pixels():
    def figure():
        fig = charts.Figure(figsize=(6, 3))
        ax = fig.subplots()
        ax.bar([2020.0, 2021.0, 2022.0], [3.0, 2.0, 1.0])
        ax.set_title("Utsläpp", loc="left")
        fig.text(0.01, 0.01, "Källa: SMHI " * 8, fontsize=7, wrap=True)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        return fig

    old = io.BytesIO()
    figure().savefig(old, format="png", dpi=charts.DPI, metadata={"Software": None})  # a dry run, then the draw
    fig = figure()
    new = charts.render(fig, name="x", alt="x").png
    assert fig.get_layout_engine() is None, "the placeholder engine is dropped: one draw"
    assert new == old.getvalue()
