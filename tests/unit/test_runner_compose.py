"""Publishing and the site, from tiny literal build records: each set's index and summary, the
top-level index, the ``latest`` pages, withdrawals (no data, no kernels)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from borlange_analysis.runner import publish, site

ORDER = ["overview", "partner"]


def _record(folder: Path, name: str, *, status="built", files=None, public=True, year=2026, **extra) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    files = [f"{name}.html", f"{name}.ipynb"] if files is None else files
    for f in files:
        (folder / f).write_text(f"<p>{name}</p>", encoding="utf-8")
    kommun, release, lang = folder.parent.parent.name, folder.parent.name, folder.name
    rec = {
        "name": name,
        "notebook": name.split("-")[0],
        "status": status,
        "input_hash": "h",
        "language": lang,
        "kommun": kommun,
        "release": release,
        "current_year": year,
        "title": f"Title {name}",
        "key_line": f"key {name}",
        "key_figures": {"x": 1} if name == "overview" else {},
        "files": files,
        "public": public,
        **extra,
    }
    (folder / f"{name}.build.json").write_text(json.dumps(rec), encoding="utf-8")


def _links_work(page: Path) -> None:
    for href in re.findall(r'href="([^"#]+)"', page.read_text(encoding="utf-8")):
        assert (page.parent / unquote(href)).resolve().exists(), (page, href)


def test_index_lists_every_record_on_disk(tmp_path):
    """The index and summary list all records of the folder, in catalogue order."""
    folder = tmp_path / "Borlänge" / "2026" / "sv"
    _record(folder, "partner-ssab")
    _record(folder, "overview")
    assert publish.compose_set(folder, notebook_order=ORDER)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert [e["name"] for e in summary["reports"]] == ["overview", "partner-ssab"]
    assert summary["current_year"] == 2026 and summary["key_figures"] == {"x": 1}
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="overview.html"' in index and "key partner-ssab" in index and "analysår 2026" in index


def test_index_does_not_link_missing_files_and_marks_failures(tmp_path):
    """A record whose files are gone is listed without a link; a failed one says so."""
    folder = tmp_path / "Borlänge" / "2026" / "en"
    _record(folder, "overview")
    _record(folder, "partner-ssab")
    (folder / "partner-ssab.html").unlink()
    (folder / "partner-ssab.ipynb").unlink()
    _record(folder, "partner-ikea", status="failed", files=[], last_failure={"at": "t", "error": "boom"})
    site.compose(tmp_path, touched=[folder], notebook_order=ORDER)
    summary = {e["name"]: e for e in json.loads((folder / "summary.json").read_text("utf-8"))["reports"]}
    assert summary["partner-ssab"]["status"] == "incomplete" and summary["partner-ssab"]["html"] is None
    assert summary["partner-ikea"]["status"] == "failed"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "partner-ssab.html" not in index and "not built yet" in index
    _links_work(folder / "index.html")


def test_public_index_leaves_out_confidential_records(tmp_path):
    folder = tmp_path / "K" / "2026" / "sv"
    _record(folder, "overview")
    _record(folder, "partner-secret", public=False)
    publish.compose_set(folder, notebook_order=ORDER)
    assert "partner-secret" not in (folder / "summary.json").read_text("utf-8")
    publish.compose_set(folder, notebook_order=ORDER, public_only=False)
    assert "partner-secret" in (folder / "summary.json").read_text("utf-8")


def test_withdraw_removes_record_first_then_files(tmp_path):
    folder = tmp_path / "K" / "2026" / "sv"
    _record(folder, "overview")
    _record(folder, "partner-x")
    (folder / "tables" / "partner-x").mkdir(parents=True)
    (folder / "tables" / "partner-x" / "scopes.csv").write_text("a,b\n")
    (folder / "_failed").mkdir()
    (folder / "_failed" / "partner-x.ipynb").write_text("{}")
    removed = publish.withdraw(folder, "partner-x")
    assert removed[0] == "partner-x.build.json"
    assert sorted(p.name for p in folder.iterdir()) == ["overview.build.json", "overview.html", "overview.ipynb"]


def test_set_without_records_loses_its_index(tmp_path):
    folder = tmp_path / "K" / "2026" / "sv"
    _record(folder, "overview")
    publish.compose_set(folder, notebook_order=ORDER)
    publish.withdraw(folder, "overview")
    assert not publish.compose_set(folder, notebook_order=ORDER)
    assert not (folder / "index.html").exists() and not (folder / "summary.json").exists()


def test_site_lists_every_kommun_release_and_language_and_latest_is_newest(tmp_path):
    """Top-level index (sv and en) with every set; latest/ redirects to the newest release."""
    for kommun, release, lang in [
        ("Borlänge", "2025", "sv"),
        ("Borlänge", "2026", "sv"),
        ("Borlänge", "2026", "en"),
        ("Falun", "2021", "en"),
    ]:
        _record(tmp_path / kommun / release / lang, "overview")
    sets = site.compose(tmp_path, touched=[], notebook_order=ORDER)
    assert len(sets) == 4, "stale sets (no index yet) are composed too"
    top = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert top.index("Borl%C3%A4nge/2026/sv/index.html") < top.index("Borl%C3%A4nge/2025/sv/index.html")
    assert "Falun/2021/en/index.html" in top and (tmp_path / "index.en.html").is_file()
    latest = (tmp_path / "Borlänge" / "latest" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../2026/sv/index.html"' in latest
    assert "url=../../2026/en/index.html" in (tmp_path / "Borlänge" / "latest" / "en" / "index.html").read_text("utf-8")
    falun = (tmp_path / "Falun" / "latest" / "index.html").read_text(encoding="utf-8")
    assert "url=../2021/en/index.html" in falun and not (tmp_path / "Falun" / "latest" / "sv").exists()
    for page in [tmp_path / "index.html", tmp_path / "index.en.html", *tmp_path.glob("*/latest/**/index.html")]:
        _links_work(page)
    for folder in sets:
        _links_work(folder / "index.html")


def test_kommun_without_sets_loses_latest(tmp_path):
    _record(tmp_path / "Falun" / "2026" / "sv", "overview")
    site.compose(tmp_path, touched=[], notebook_order=ORDER)
    publish.withdraw(tmp_path / "Falun" / "2026" / "sv", "overview")
    site.compose(tmp_path, touched=[tmp_path / "Falun" / "2026" / "sv"], notebook_order=ORDER)
    assert not (tmp_path / "Falun").exists()
    assert "Falun" not in (tmp_path / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("release, newer", [("2024", "2025"), ("2025", "2026"), ("2021", "2026")])
def test_release_rank_follows_publication(release, newer):
    assert site.release_rank(release) < site.release_rank(newer)
