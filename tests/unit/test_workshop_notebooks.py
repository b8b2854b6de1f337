"""The food-waste workshop is written twice, in Swedish and in English: both notebooks must have the
same cells (same number, types, tags and code); only the markdown differs, and the parameters cell
differs only in its comments and in the notebook's own language."""

import ast
import json

import pytest

from borlange_analysis import config, params
from borlange_analysis.runner.catalog import CATALOG

ENTRY = CATALOG.get("workshop_food_waste")


def _cells(language):
    path = config.notebooks_dir() / ENTRY.notebook_file(language)
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell):
    return "".join(cell["source"])


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _assignments(source):
    """name -> (annotation, value) of the parameters cell (comments are not part of the tree)."""
    out = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.AnnAssign), ast.dump(node)
        out[node.target.id] = (ast.unparse(node.annotation), ast.literal_eval(node.value))
    return out


def test_one_notebook_per_language():
    assert ENTRY.notebook_file("sv") == "workshop_food_waste.ipynb"
    assert ENTRY.notebook_file("en") == "workshop_food_waste.en.ipynb"


def test_same_number_types_and_tags_of_cells():
    sv, en = _cells("sv"), _cells("en")
    assert len(sv) == len(en)
    assert [c["cell_type"] for c in sv] == [c["cell_type"] for c in en]
    assert [_tags(c) for c in sv] == [_tags(c) for c in en]


def test_same_code_in_every_code_cell_but_the_parameters_cell():
    for i, (a, b) in enumerate(zip(_cells("sv"), _cells("en"), strict=True)):
        if a["cell_type"] == "code" and "parameters" not in _tags(a):
            assert _source(a) == _source(b), f"cell {i} differs"


def test_parameters_cells_differ_only_in_comments_and_language():
    sv = next(c for c in _cells("sv") if "parameters" in _tags(c))
    en = next(c for c in _cells("en") if "parameters" in _tags(c))
    a, b = _assignments(_source(sv)), _assignments(_source(en))
    assert list(a) == list(b) == params.SPECS["workshop_food_waste"].names()
    assert a["language"] == ("str", "sv") and b["language"] == ("str", "en")
    assert {k: v for k, v in a.items() if k != "language"} == {k: v for k, v in b.items() if k != "language"}
    # every line keeps its comment: the participant reads what each value means
    for cell in (sv, en):
        assert all("  # " in line for line in _source(cell).splitlines())


def test_markdown_is_written_per_language():
    pairs = [(a, b) for a, b in zip(_cells("sv"), _cells("en"), strict=True) if a["cell_type"] == "markdown"]
    assert pairs
    assert all(_source(a) != _source(b) for a, b in pairs)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_validation_speaks_the_notebooks_language(language):
    cell = next(c for c in _cells(language) if "p = params.validate(" in _source(c))
    assert "message_language=language" in _source(cell)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_output_is_committed(language):
    assert all(not c.get("outputs") for c in _cells(language) if c["cell_type"] == "code")


def test_prose_is_in_markdown_not_in_code():
    """The workshop's explanations are markdown cells a participant reads and edits; the visible
    code cells are one short display call each."""
    for cell in _cells("sv"):
        if cell["cell_type"] == "code" and "hide-in-report" not in _tags(cell) and "parameters" not in _tags(cell):
            assert len(_source(cell).splitlines()) == 1, _source(cell)
    visible_md = [c for c in _cells("sv") if c["cell_type"] == "markdown" and "hide-in-report" not in _tags(c)]
    headings = [_source(c).splitlines()[0] for c in visible_md if _source(c).startswith("## ")]
    assert headings == [
        "## Idén",
        "## Steg 1: Verkliga data om avfall",
        "## Steg 2: Sverige som helhet",
        "## Steg 3: Idén i siffror",
        "## Steg 4: Fler eller färre kök",
        "## Övningar",
    ]


def test_a_misspelt_value_stops_with_one_line_in_the_notebooks_language():
    """What the validation cell shows in a notebook (IPython shows ``_render_traceback_``)."""
    from borlange_analysis.errors import BorlangeError

    with pytest.raises(BorlangeError) as err:
        params.validate("workshop_food_waste", kommun="Borlange", current_year=2026, message_language="sv")
    lines = err.value._render_traceback_()
    assert len(lines) == 1 and lines[0].startswith("Okänt värde för kommun: 'Borlange'. Menade du 'Borlänge'")
