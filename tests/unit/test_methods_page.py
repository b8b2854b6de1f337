"""The method description as a page of the site (no data)."""

from __future__ import annotations

from bs4 import BeautifulSoup

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


def test_write_is_a_complete_english_page_and_leaves_an_unchanged_file_alone(tmp_path):
    page = methods_page.write(tmp_path)
    assert page is not None
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.find("html")["lang"] == "en" and "Methods" in soup.find("title").get_text()
    assert soup.find("a", href="index.html")
    before = page.stat().st_mtime_ns
    methods_page.write(tmp_path)
    assert page.stat().st_mtime_ns == before
