"""Parameter validation (one per notebook, used by the runner and the notebooks) and the catalogue."""

import json

import pytest

from borlange_analysis import params
from borlange_analysis.errors import BorlangeError, ParameterError, UnknownValueError
from borlange_analysis.runner import catalog as cat
from borlange_analysis.runner import plan as planning

YEAR = 2026


def test_common_values_are_resolved():
    p = params.validate("overview", kommun="2081", release="latest", language="en", current_year=YEAR)
    assert (p.kommun, p.kommun_code, p.lan_code, p.release, p.gas) == ("Borlänge", "2081", "20", "2026", "CO2e")
    assert p.tables_dir is None and p.current_year == YEAR


def test_latest_never_resolves_to_a_co2_only_release():
    assert params.resolve_release("latest").gas == "CO2e"
    assert params.resolve_release("latest", gas="CO2").release == "2024"


@pytest.mark.parametrize(
    ("notebook", "values", "match"),
    [
        ("overview", {"kommun": "Borlange"}, "Did you mean 'Borlänge'"),
        ("overview", {"release": "2030"}, "2030.*Valid release values: 2021"),
        ("overview", {"language": "de"}, "'de'.*sv, en"),
        ("overview", {"current_year": 2020}, "2020.*between 2024"),
        ("overview", {"current_year": 3000}, "3000.*and 2050"),
        ("overview", {"current_year": "twenty"}, "current_year.*whole number"),
        ("sector", {"sector": "Transport X"}, "'Transport X'"),
        ("sector", {"sector": "transporter", "release": "2024"}, "totals only"),
        ("partner", {"partner": "../../evil"}, "evil"),
        ("partner", {"partner": "ssab", "kommun": "Falun"}, "belongs to Borlänge"),
        ("partner", {"facility_release": "2024"}, "2024"),
        ("partner", {"use_example_activity": "maybe"}, "true or false"),
        ("carbon_budget", {"preset": "foo"}, "'foo'.*cemus_1.7C"),
        ("carbon_budget", {"exclude": "SE_999"}, "'SE_999'.*auto, none"),
        ("carbon_budget", {"blend_weight": 5}, "blend_weight = 5.*0 to 1"),
        ("carbon_sinks", {"reduction": 2}, "reduction"),
        ("carbon_sinks", {"target_year": 2020}, "target_year"),
        ("carbon_sinks", {"set_aside_ha": -1}, "set_aside_ha"),
        ("carbon_sinks", {"harvest_change": -3}, "harvest_change"),
        ("carbon_sinks", {"ccs_installation": "SE_1"}, "'SE_1'"),
        ("peers", {"map_scope": "xyz"}, "'xyz'.*sweden, lan, both"),
        ("workshop_food_waste", {"school_kitchens": 2.5}, "school_kitchens.*whole number"),
        ("workshop_food_waste", {"rescuable_share": 1.5}, "rescuable_share"),
        ("workshop_food_waste", {"evenings_per_year": 400}, "evenings_per_year"),
    ],
)
def test_bad_values_name_the_value_and_the_choices(notebook, values, match):
    with pytest.raises(BorlangeError, match=match):
        params.validate(notebook, {"current_year": YEAR, **values})


def test_unknown_parameter_name():
    with pytest.raises(UnknownValueError, match="'map_scop'.*Did you mean 'map_scope'"):
        params.validate("peers", map_scop="both", current_year=YEAR)


def test_messages_in_swedish_for_a_swedish_notebook():
    with pytest.raises(BorlangeError, match="Okänt värde för kommun: 'Borlange'. Menade du 'Borlänge'"):
        params.validate("overview", kommun="Borlange", current_year=YEAR, message_language="sv")
    with pytest.raises(BorlangeError, match="utanför det tillåtna intervallet"):
        params.validate("workshop_food_waste", rescuable_share=2, current_year=YEAR, message_language="sv")


def test_text_values_from_the_command_line_are_coerced():
    p = params.validate("carbon_sinks", {"reduction": "0.7", "target_year": "2035", "current_year": "2026"})
    assert p.reduction == 0.7 and p.target_year == 2035 and p.current_year == 2026


def test_every_notebook_has_a_spec_and_its_parameters_cell_matches(tmp_path):
    from borlange_analysis import config

    for entry in cat.CATALOG:
        spec = cat.CATALOG.spec(entry.name)
        for lang in ("sv", "en"):
            path = config.notebooks_dir() / entry.notebook_file(lang)
            if not path.is_file():
                continue
            cell = params.notebook_cell_parameters(path)
            assert list(cell) == spec.names(), path.name
            for name, value in cell.items():
                if name == "language" and entry.files:
                    # a notebook written per language defaults to its own language
                    assert value == lang, (path.name, name)
                elif name != "current_year":
                    assert value == spec.get(name).default, (path.name, name)


def _demo_notebook(folder):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "outputs": [],
                "execution_count": None,
                "source": 'kommun: str = "Borlänge"\nrelease: str = "latest"\nlanguage: str = "sv"\n'
                "current_year: int = 2026\ntables_dir: str = ''\nlevel: int = 3\n",
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (folder / "demo.ipynb").write_text(json.dumps(nb), encoding="utf-8")


def test_a_notebook_added_in_a_fixture_is_planned_and_validated(tmp_path):
    """One catalogue entry, one spec and the notebook: no runner code changes."""
    spec = params.Spec(
        "demo", (*params._common(YEAR), params.Param("level", "int", 3, "a level", minimum=1, maximum=5))
    )
    catalog = cat.CATALOG.with_entry(cat.Entry("demo", "page.overview.title"), spec)
    _demo_notebook(tmp_path)
    jobs = planning.plan(
        kommuner=["Falun", "2081"],
        notebooks=["demo"],
        params_given={"level": "4"},
        current_year=YEAR,
        output=tmp_path / "out",
        catalog=catalog,
        notebooks_dir=tmp_path,
    )
    assert [(j.name, j.kommun, j.params["level"]) for j in jobs] == [("demo", "Falun", 4), ("demo", "Borlänge", 4)]
    assert jobs[0].out_dir.endswith("Falun/2026/sv")
    with pytest.raises(ParameterError, match="level = 9"):
        planning.plan(
            notebooks=["demo"],
            params_given={"level": "9"},
            current_year=YEAR,
            catalog=catalog,
            notebooks_dir=tmp_path,
            output=tmp_path / "out",
        )
    assert not (tmp_path / "out").exists()


def test_plan_fans_out_sectors_and_partners_and_checks_options(tmp_path):
    jobs = planning.plan(notebooks=["sector", "partner"], current_year=YEAR, output=tmp_path, language="en")
    names = [j.name for j in jobs]
    assert "sector-transporter" in names and "partner-ssab" in names and len(names) == 9 + 10
    assert all(j.out_dir.endswith("Borlänge/2026/en") for j in jobs)
    with pytest.raises(ParameterError, match="not allowed: use --kommun"):
        planning.plan(params_given={"kommun": "Falun"}, current_year=YEAR)
    with pytest.raises(UnknownValueError, match="'nosuch'"):
        planning.plan(params_given={"nosuch": "1"}, current_year=YEAR)
    with pytest.raises(UnknownValueError, match="','"):
        planning.check_formats([",", ""])
    with pytest.raises(ParameterError, match="at least 1"):
        planning.check_jobs(0)
