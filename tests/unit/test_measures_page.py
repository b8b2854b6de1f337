"""The measures page's parameters (checked before any kernel starts) and its pure text helpers."""

from __future__ import annotations

import pytest

from borlange_analysis import i18n, params
from borlange_analysis.errors import BorlangeError, DataFileError
from borlange_analysis.i18n import fmt
from borlange_analysis.reporting import measures as page
from borlange_analysis.runner import plan as planning

YEAR = 2026
HEADER = "id,name_sv,owner,sector,location,kind,start_year,full_year,effect,unit,effect_basis,source"


def test_defaults_resolve_for_borlange_and_for_another_kommun():
    p = params.validate("measures", current_year=YEAR)
    assert (p.portfolio, p.measures_off, p.exclude) == ("auto", "", "auto")
    q = params.validate("measures", kommun="Bjurholm", current_year=YEAR, measures_off="eu_car_co2_standards")
    assert q.measures_off == "eu_car_co2_standards"


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ({"portfolio": "borlang"}, r"Unknown portfolio 'borlang'.*Did you mean 'borlange'"),
        ({"measures_off": "ssab_fossil_free_sit"}, r"Unknown measure 'ssab_fossil_free_sit'"),
        ({"kommun": "Bjurholm", "measures_off": "ssab_fossil_free_site"}, r"Unknown measure 'ssab_fossil_free_site'"),
        ({"release": "2024"}, r"2024.*totals only"),
        ({"preset": "cemus_2C"}, r"'cemus_2C'.*cemus_1.7C"),
        ({"exclude": "SE_999"}, r"'SE_999'.*auto, none"),
    ],
)
def test_bad_values_are_refused_with_the_valid_choices(values, match):
    with pytest.raises(BorlangeError, match=match):
        params.validate("measures", {"current_year": YEAR, **values})


def test_swedish_message_for_an_unknown_portfolio():
    with pytest.raises(BorlangeError, match=r"Okänt värde för åtgärdskatalog: 'borlang'"):
        params.validate("measures", current_year=YEAR, portfolio="borlang", message_language="sv")


def test_a_bad_measures_file_stops_validation_with_file_row_and_column(tmp_path, monkeypatch):
    monkeypatch.setenv("BORLANGE_MEASURES_DIR", str(tmp_path))
    (tmp_path / "mine.csv").write_text(
        HEADER + "\nx1,X,kommun,transporter,inside,relative_cut,2027,2030,150,pct,assumption,\n", encoding="utf-8"
    )
    with pytest.raises(DataFileError, match=r"mine.csv: row 2, column 'effect': a relative effect of 150 %"):
        params.validate("measures", current_year=YEAR, portfolio="generic+mine")


def test_the_run_is_refused_before_anything_is_planned(tmp_path):
    with pytest.raises(BorlangeError, match="Unknown measure 'nope'"):
        planning.plan(notebooks=["measures"], params_given={"measures_off": "nope"}, current_year=YEAR, output=tmp_path)
    assert not any(tmp_path.iterdir())


def test_the_catalogue_entry_and_the_title():
    from borlange_analysis.runner.catalog import CATALOG

    assert CATALOG.get("measures").title_key == "page.measures.title"
    assert i18n.t("page.measures.title", "sv", kommun="Borlänge") == "Åtgärder och vad de ändrar i Borlänge"


@pytest.mark.parametrize(
    ("row", "sv", "en"),
    [
        ({"unit": "share", "effect": 1.0, "effect_low": 0.8, "effect_high": 1.0}, "80–100\u00a0%", "80–100%"),
        ({"unit": "share", "effect": 0.45, "effect_low": 0.45, "effect_high": 0.45}, "45\u00a0%", "45%"),
        (
            {"unit": "ha", "effect": 500.0, "effect_low": 200.0, "effect_high": 1000.0},
            "200–1\u00a0000 ha",
            "200–1,000 ha",
        ),
        (
            {"unit": "kitchens", "effect": 20.0, "effect_low": 20.0, "effect_high": 20.0},
            "20 skolkök",
            "20 school kitchens",
        ),
    ],
)
def test_sizes_are_written_with_their_units(row, sv, en):
    assert page.effect_range_text(row, "sv") == sv
    assert page.effect_range_text(row, "en") == en


def test_ranges_of_tonnes_and_missing_values():
    assert page.tonnes_range(94_861.2, 118_576.0, "sv") == "94\u00a0861–118\u00a0576"
    assert page.tonnes_range(-60.0, -180.0, "en") == "\u2212180 – \u221260"
    assert page.tonnes_range(float("nan"), 1.0, "en") == fmt.MISSING


def test_left_out_sentence_in_both_languages():
    assert page.left_out_text(0, "sv") == ""
    assert page.left_out_text(1, "en").startswith("1 measure of a partner with a confidential report")
    assert page.left_out_text(3, "sv").startswith("3 åtgärder från partner med konfidentiella rapporter")


def test_paths_in_backticks_become_code_and_text_is_escaped():
    assert page.code_html("Lägg dem i `data/measures/x.csv` <b>") == (
        "Lägg dem i <code>data/measures/x.csv</code> &lt;b&gt;"
    )


def test_waterfall_year_is_the_target_year_or_the_analysis_year():
    assert page.waterfall_year(2026) == 2030
    assert page.waterfall_year(2035) == 2035
