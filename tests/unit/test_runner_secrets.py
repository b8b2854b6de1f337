"""Confidential partners: the words that name them, the search in staged pages, the sweep of the
public tree (tiny literal files, no data)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from borlange_analysis.runner import confidential, publish

REGISTRY = [
    {"id": "hushagen", "name": "Hushagen", "kommun": "2081", "confidential": True},
    {"id": "ikea", "name": "IKEA (Borlänge)", "kommun": "2081", "confidential": True},
    {"id": "borlange_kommun", "name": "Borlänge kommun (kommunkoncernen)", "kommun": "2081", "confidential": True},
    {"id": "ssab", "name": "SSAB (Borlänge works)", "kommun": "2081", "confidential": False},
]


def test_terms_include_the_short_name_unless_it_is_the_kommuns_own():
    assert confidential.terms_for("ikea", "IKEA (Borlänge)", "Borlänge") == ("IKEA (Borlänge)", "ikea", "IKEA")
    terms = confidential.terms_for("borlange_kommun", "Borlänge kommun (kommunkoncernen)", "Borlänge")
    assert "Borlänge kommun" not in terms, "the kommun's name is on every page"


def test_confidential_partners_resolve_their_kommun():
    found = confidential.confidential_partners(REGISTRY)
    assert [p.id for p in found] == ["hushagen", "ikea", "borlange_kommun"]
    assert {p.kommun for p in found} == {"Borlänge"}


@pytest.mark.parametrize(
    "text, hit",
    [
        ("<td>Hushagen</td>", "Hushagen"),
        ('"partner": "hushagen"', "hushagen"),
        ("tables/partner-hushagen/scopes.csv", "hushagen"),
        ("IKEA &amp; co", "IKEA"),
        ("Hushagens gård", None),  # another word
        ("PIKEAX", None),
        ("ikeaplats", None),
    ],
)
def test_find_matches_whole_words(tmp_path, text, hit):
    (tmp_path / "page.html").write_text(text, encoding="utf-8")
    found = confidential.find(tmp_path, confidential.confidential_partners(REGISTRY))
    assert (found[1] if found else None) == hit


def test_find_ignores_embedded_images(tmp_path):
    """Base64 image data can spell anything; it is not searched."""
    blob = base64.b64encode(b"\x00" * 300).decode().replace("AAAA", "ikea", 1)
    (tmp_path / "page.html").write_text(f'<img src="data:image/png;base64,{blob}">', encoding="utf-8")
    (tmp_path / "nb.ipynb").write_text(json.dumps({"image/png": blob + "hushagen" + blob}), encoding="utf-8")
    assert confidential.find(tmp_path, confidential.confidential_partners(REGISTRY)) is None


def _report(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.html").write_text(text, encoding="utf-8")
    (folder / f"{name}.build.json").write_text(
        json.dumps({"name": name, "notebook": name.split("-")[0], "status": "built", "files": [f"{name}.html"]}),
        encoding="utf-8",
    )


def test_sweep_withdraws_the_partners_pages_and_pages_naming_it(tmp_path):
    public, secret = tmp_path / "reports", tmp_path / "reports-confidential"
    sv = public / "Borlänge" / "2026" / "sv"
    _report(sv, "partner-hushagen", "<h1>Hushagen</h1>")
    _report(sv, "sector-industri", "<td>levers: Hushagen</td>")
    _report(sv, "overview", "<p>Borlänge</p>")
    (sv / "index.html").write_text("partner-hushagen", encoding="utf-8")
    legacy = public / "Borlänge" / "2026" / "confidential" / "hushagen"
    legacy.mkdir(parents=True)
    (legacy / "partner-hushagen.html").write_text("old layout", encoding="utf-8")
    out = confidential.sweep(public, secret, registry=REGISTRY)
    names = {(w.name, w.root) for w in out}
    assert ("partner-hushagen", "public") in names and ("sector-industri", "public") in names
    assert sorted(p.name for p in sv.iterdir()) == ["overview.build.json", "overview.html"]
    assert not (public / "Borlänge" / "2026" / "confidential").exists()
    assert (secret / "Borlänge" / "2026" / "legacy-confidential" / "hushagen" / "partner-hushagen.html").is_file()
    assert all("hushagen" not in p.read_text("utf-8") for p in public.rglob("*") if p.is_file())


def test_sweep_removes_reports_of_partners_public_again_from_the_confidential_root(tmp_path):
    public, secret = tmp_path / "reports", tmp_path / "reports-confidential"
    folder = secret / "Borlänge" / "2026" / "sv"
    _report(folder, "partner-ssab", "SSAB")
    _report(folder, "partner-hushagen", "Hushagen")
    out = confidential.sweep(public, secret, registry=REGISTRY)
    assert [(w.name, w.root) for w in out] == [("partner-ssab", "confidential")]
    assert publish.read_record(folder, "partner-hushagen") and not publish.read_record(folder, "partner-ssab")
