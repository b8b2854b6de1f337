"""The method description as a page of the site (no data)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from borlange_analysis import methods_doc
from borlange_analysis.reporting.page import METHODS_SECTIONS
from borlange_analysis.runner import methods_page


def test_headings_get_githubs_anchors_and_repeats_are_numbered():
    body = methods_page.render("# Methods\n\n## Partners' emissions (scope 1, 2 and 3)\n\n## Notes\n\n## Notes\n")
    ids = [h["id"] for h in BeautifulSoup(body, "html.parser").find_all(["h1", "h2"])]
    assert ids == ["methods", "partners-emissions-scope-1-2-and-3", "notes", "notes-1"]


def test_raw_html_is_escaped_and_tables_are_rendered():
    body = methods_page.render("<script>alert(1)</script>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    soup = BeautifulSoup(body, "html.parser")
    assert soup.find("script") is None and "<script>" in soup.get_text()
    assert [td.get_text() for td in soup.find_all("td")] == ["1", "2"]


def test_links_to_other_documents_become_their_path_and_links_into_it_anchors():
    body = methods_page.render(
        "[columns](data-dictionary.md), [budgets](methods.md#carbon-budgets), [w](https://x.org)"
    )
    soup = BeautifulSoup(body, "html.parser")
    assert [a["href"] for a in soup.find_all("a")] == ["#carbon-budgets", "https://x.org"]
    assert "docs/data-dictionary.md" in soup.get_text()


def test_every_section_a_page_links_to_exists_in_the_method_description():
    body = methods_page.render(methods_page.source().read_text(encoding="utf-8"))
    ids = {h["id"] for h in BeautifulSoup(body, "html.parser").find_all(id=True)}
    assert set(METHODS_SECTIONS.values()) <= ids


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_anchors_pages_link_to_are_the_ones_the_rendered_page_has(language):
    text = methods_doc.source(language).read_text(encoding="utf-8")
    body = methods_page.render(text, language)
    ids = [h["id"] for h in BeautifulSoup(body, "html.parser").find_all(["h1", "h2", "h3", "h4"])]
    assert ids == [a for _, a in methods_doc.headings(text)]
    for anchor in set(METHODS_SECTIONS.values()):
        assert methods_doc.section_anchor(anchor, language) in ids


def test_the_swedish_text_has_the_english_headings_code_and_tables():
    """The Swedish method description follows the English one (the reference): the same headings
    at the same levels in the same order (sections are matched by position), the same names of
    code, files and options, and tables of the same shape."""
    en, sv = (methods_doc.source(x).read_text(encoding="utf-8") for x in ("en", "sv"))
    assert [lvl for lvl, _ in methods_doc.headings(sv)] == [lvl for lvl, _ in methods_doc.headings(en)]
    assert set(re.findall(r"`([^`]+)`", sv)) == set(re.findall(r"`([^`]+)`", en))

    def shapes(text):
        soup = BeautifulSoup(methods_page.render(text), "html.parser")
        return [(len(t.find_all("tr")), len(t.find("tr").find_all(["th", "td"]))) for t in soup.find_all("table")]

    assert shapes(sv) == shapes(en)


def test_a_swedish_link_into_the_method_description_goes_to_the_swedish_section():
    sv_budgets = methods_doc.section_anchor("carbon-budgets", "sv")
    assert sv_budgets and sv_budgets != "carbon-budgets"
    body = methods_page.render("[budgetar](methods.md#carbon-budgets), [här](#carbon-budgets)", "sv")
    assert [a["href"] for a in BeautifulSoup(body, "html.parser").find_all("a")] == [f"#{sv_budgets}"] * 2


def test_headings_skip_fenced_code_and_number_repeats():
    text = "# A `b` c\n\n```\n# not a heading\n```\n\n## Notes\n\n### Notes ##\n"
    assert methods_doc.headings(text) == [(1, "a-b-c"), (2, "notes"), (3, "notes-1")]
    assert methods_doc.section_anchor("no-such-section", "sv") == ""


def test_write_gives_a_page_per_language_linking_to_each_other_and_leaves_unchanged_files_alone(tmp_path):
    pages = methods_page.write(tmp_path)
    assert [p.name for p in pages] == ["methods.html", "methods.en.html"]
    for page, lang, index, other in zip(pages, ["sv", "en"], ["index.html", "index.en.html"], pages[::-1], strict=True):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.find("html")["lang"] == lang
        assert soup.find("a", href=index) and soup.find("a", href=other.name)
    assert "Metod" in BeautifulSoup(pages[0].read_text(encoding="utf-8"), "html.parser").find("title").get_text()
    before = [p.stat().st_mtime_ns for p in pages]
    methods_page.write(tmp_path)
    assert [p.stat().st_mtime_ns for p in pages] == before
