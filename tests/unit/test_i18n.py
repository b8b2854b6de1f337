"""The text catalogues and the formatters: both languages complete, numbers as the glossary says."""

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from borlange_analysis import i18n
from borlange_analysis.i18n import fmt


def test_both_catalogues_have_the_same_keys():
    sv, en = set(i18n.catalogue("sv")), set(i18n.catalogue("en"))
    assert sv - en == set(), f"only in sv: {sorted(sv - en)}"
    assert en - sv == set(), f"only in en: {sorted(en - sv)}"


def test_same_fields_in_both_languages():
    """A text's {fields} are the same in Swedish and English (a page fills both the same way)."""
    import string

    def fields(text):
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    sv, en = i18n.catalogue("sv"), i18n.catalogue("en")
    bad = [k for k in sv if fields(sv[k]) != fields(en[k])]
    assert bad == []


def test_missing_key_names_key_language_and_nearest():
    with pytest.raises(i18n.MissingTextError, match=r"'page.overview.titel'.*'sv'.*Did you mean 'page.overview.title'"):
        i18n.t("page.overview.titel", "sv")


def test_missing_key_in_one_language_is_listed(tmp_path, monkeypatch):
    """A key added to one language only is reported by the same-keys check."""
    (tmp_path / "sv").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "sv" / "a.toml").write_text('[x]\na = "A"\nb = "B"\n', encoding="utf-8")
    (tmp_path / "en" / "a.toml").write_text('[x]\na = "A"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "_DIR", tmp_path)
    i18n._load.cache_clear()
    try:
        assert set(i18n.catalogue("sv")) - set(i18n.catalogue("en")) == {"x.b"}
        with pytest.raises(i18n.MissingTextError):
            i18n.t("x.b", "en")
    finally:
        i18n._load.cache_clear()


def test_a_key_defined_in_two_files_fails(tmp_path, monkeypatch):
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv" / "a.toml").write_text('[x]\na = "A"\n', encoding="utf-8")
    (tmp_path / "sv" / "b.toml").write_text('[x]\na = "B"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "_DIR", tmp_path)
    i18n._load.cache_clear()
    try:
        with pytest.raises(i18n.BorlangeError, match="defined in another file"):
            i18n.catalogue("sv")
    finally:
        i18n._load.cache_clear()


def test_unknown_language():
    with pytest.raises(i18n.UnknownValueError, match="'de'.*sv, en"):
        i18n.t("value.yes", "de")


@pytest.mark.parametrize(
    ("value", "decimals", "sv", "en"),
    [
        (423795.8, 0, "423\u00a0796", "423,796"),
        (21.43, 1, "21,4", "21.4"),
        (-9829.2, 0, "\u22129\u00a0829", "\u22129,829"),
        (-0.04, 0, "0", "0"),
        (0, 0, "0", "0"),
        (1234567.891, 2, "1\u00a0234\u00a0567,89", "1,234,567.89"),
        (float("nan"), 0, "–", "–"),
        (None, 0, "–", "–"),
    ],
)
def test_numbers(value, decimals, sv, en):
    assert fmt.number(value, "sv", decimals) == sv
    assert fmt.number(value, "en", decimals) == en


@pytest.mark.parametrize(
    ("value", "share", "decimals", "sv", "en"),
    [
        (91.4, False, 0, "91\u00a0%", "91%"),
        (0.914, True, 0, "91\u00a0%", "91%"),
        (-21.43, False, 1, "\u221221,4\u00a0%", "\u221221.4%"),
    ],
)
def test_percentages(value, share, decimals, sv, en):
    assert fmt.percent(value, "sv", decimals, share=share) == sv
    assert fmt.percent(value, "en", decimals, share=share) == en


@pytest.mark.parametrize(
    ("value", "sv", "en"),
    [
        (0.186, "19\u00a0%", "19%"),
        (0.007, "0,7\u00a0%", "0.7%"),
        (0.0004, "<\u00a00,1\u00a0%", "<0.1%"),
        (-0.0004, ">\u00a0\u22120,1\u00a0%", ">\u22120.1%"),
        (0.0, "0\u00a0%", "0%"),
        (float("nan"), "\u2013", "\u2013"),
    ],
)
def test_shares_never_read_as_nothing_when_they_are_something(value, sv, en):
    assert fmt.share(value, "sv") == sv
    assert fmt.share(value, "en") == en


@given(st.floats(min_value=1e-12, max_value=1.0), st.integers(0, 2), st.sampled_from(["sv", "en"]))
def test_a_positive_share_never_shows_zero(value, decimals, language):
    text = fmt.share(value, language, decimals)
    assert text.startswith("<") or any(ch in "123456789" for ch in text), text


@pytest.mark.parametrize("value", [2024, 2024.0, "2024", 2024.4])
def test_years_are_never_grouped(value):
    assert fmt.year(value) == "2024"


def test_dates():
    d = dt.date(2029, 2, 12)
    assert fmt.month_year(d, "sv") == "februari 2029" and fmt.month_year(d, "en") == "February 2029"
    assert fmt.full_date("2067-02-12", "sv") == "12 februari 2067"
    assert fmt.full_date("2067-02-12", "en") == "12 February 2067"
    assert fmt.month_year(2029.12, "en") == "February 2029"
    assert fmt.month_year(math.nan, "sv") == "–"


def test_booleans_and_ranges():
    assert (fmt.boolean(True, "sv"), fmt.boolean(False, "sv")) == ("ja", "nej")
    assert (fmt.boolean(True, "en"), fmt.boolean(False, "en")) == ("yes", "no")
    assert fmt.number_range(24000, 90000, "sv", "t") == "24\u00a0000–90\u00a0000\u00a0t"
    assert fmt.number_range(24000, 90000, "en", "t") == "24,000–90,000\u00a0t"


def test_sector_labels_in_both_languages():
    from borlange_analysis.names import sector_names

    for s in sector_names():
        assert i18n.sector_label(s, "sv") and i18n.sector_label(s, "en")
    assert i18n.sector_label("Transporter", "en") == "Transport"
    assert i18n.sector_label("Alla", "sv") == "Alla sektorer"


def test_every_registry_text_is_in_both_catalogues():
    """Partner names, facts, missing facts and levers of the shipped registry have texts in both languages."""
    from borlange_analysis import partners

    for lang in ("sv", "en"):
        for p in partners.partners():
            keys = [f"partner.{p['id']}.name"]
            keys += [f"partner.{p['id']}.fact.{f['id']}" for f in p["facts"]]
            keys += [f"partner.{p['id']}.missing.{m}" for m in p["missing"]]
            keys += [f"partner.{p['id']}.lever.{lv['id']}" for lv in p["levers"]]
            missing = [k for k in keys if not i18n.has(k, lang)]
            assert missing == [], (lang, missing)


def test_every_source_has_a_publisher_text():
    from borlange_analysis.ingest.sources import registry

    for lang in ("sv", "en"):
        for name, src in registry().items():
            assert i18n.has(f"source.{src.name}", lang), (lang, name)
