"""End-to-end: the measures page, `borlange-analysis scenario` and `indicators --portfolio` through the real
CLI on the real data mirror; bad measures files; confidential partners' measures in no public output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rendered_checks import csv_problems, page_problems  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]

CLI = str(Path(sys.executable).parent / "borlange-analysis")
ROOT = Path(__file__).resolve().parents[2]
YEAR = "2026"
HEADER = (
    "id,name_sv,name_en,kommun,owner,sector,facility,location,kind,method,activity,start_year,full_year,"
    "effect,effect_low,effect_high,unit,effect_basis,source"
)
SECRET_ID = "hushagen_secret_boiler"
SECRET_NAMES = ("Hemlig pannbyte hos Hushagen", "Hushagen secret boiler switch")


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, *args], capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=timeout, cwd=ROOT
    )


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("measures")
    for lang in ("sv", "en"):
        res = run_cli(
            "reports",
            "--kommun",
            "Borlänge",
            "--kommun",
            "Bjurholm",
            "--notebook",
            "measures",
            "--output",
            str(out),
            "--current-year",
            YEAR,
            "--language",
            lang,
        )
        assert res.returncode == 0, res.stdout + res.stderr
    return out


@pytest.mark.parametrize("kommun", ["Borlänge", "Bjurholm"])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_page_reads_right_in_both_languages(pages, kommun, lang):
    folder = pages / kommun / YEAR / lang
    html = (folder / "measures.html").read_text(encoding="utf-8")
    assert page_problems(html, lang) == []
    for name in ("measures", "measures_basis", "balance", "budget", "targets"):
        path = folder / "tables" / "measures" / f"{name}.csv"
        assert path.is_file(), name
        assert csv_problems(path) == []
    assert 'id="fig-wedges_chart"' in html and 'id="fig-waterfall_chart"' in html
    if kommun == "Bjurholm":
        assert "data/measures/bjurholm.csv" in html  # how to add the missing partner measures
    else:
        assert "data/partners/&lt;partner&gt;/activity.csv" in html


def test_summary_key_figures_equal_the_library(pages):
    from borlange_analysis.analysis import scenario, scenario_metrics

    build = json.loads((pages / "Borlänge" / YEAR / "sv" / "measures.build.json").read_text(encoding="utf-8"))
    key = build["key_figures"]
    r = scenario.build("Borlänge", current_year=int(YEAR))
    t = scenario_metrics.totals(r, "2081").set_index("year").loc[2030]
    assert key["scenario_t_co2e"] == pytest.approx(t["scenario_t_co2e"])
    assert key["baseline_t_co2e"] == pytest.approx(t["baseline_t_co2e"])
    assert key["measures_left_out_confidential"] == 0


@pytest.mark.parametrize("suffix", ["csv", "parquet", "json"])
def test_scenario_command_writes_every_format(tmp_path, suffix):
    out = tmp_path / f"s.{suffix}"
    res = run_cli("scenario", "--current-year", YEAR, "-o", str(out))
    assert res.returncode == 0, res.stderr
    frame = {"csv": pd.read_csv, "parquet": pd.read_parquet, "json": pd.read_json}[suffix](out)
    for col in (
        "baseline_t_co2e",
        "scenario_t_co2e",
        "measure_ssab_fossil_free_site_t_co2e",
        "technical_removals_t_co2",
    ):
        assert col in frame.columns
    row = frame[(frame["sector"] == "Alla") & (frame["year"] == 2024)].iloc[0]
    assert row["baseline_t_co2e"] == pytest.approx(423_795.8, abs=0.05)
    if suffix != "parquet":
        meta = json.loads((tmp_path / f"s.{suffix}.meta.json").read_text(encoding="utf-8"))
        assert meta["command"] == "scenario" and meta["measures_left_out_confidential"] == 0


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("sector", "Transportation", "column 'sector': unknown sector 'Transportation'"),
        ("owner", "ssb", "column 'owner': unknown owner (partner) 'ssb'"),
        ("start_year", "2031", "column 'start_year': start year 2031 is after the full-effect year 2030"),
        ("effect", "120", "column 'effect': a relative effect of 120 % is above 100 %"),
        ("effect", "mycket", "column 'effect': value 'mycket' is not a number"),
    ],
)
def test_bad_measures_files_exit_2_with_file_row_and_column(tmp_path, column, value, message):
    good = "x1,X,X,Borlänge,kommun,transporter,,inside,relative_cut,given,,2027,2030,20,10,30,pct,assumption,"
    cells = good.split(",")
    cells[HEADER.split(",").index(column)] = value
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n{good.replace('x1', 'x0')}\n{','.join(cells)}\n", encoding="utf-8")
    res = run_cli("scenario", "--measures", str(path), "-o", str(tmp_path / "out.csv"))
    assert res.returncode == 2
    text = " ".join((res.stderr + res.stdout).split())
    assert f"bad.csv: row 3, {message}" in text
    assert "Traceback" not in res.stderr and not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize(
    ("param", "hint"),
    [("portfolio=nope", "Unknown portfolio 'nope'"), ("measures_off=ssab_fossil_free_sit", "Unknown measure")],
)
def test_bad_page_parameters_stop_before_any_work(tmp_path, param, hint):
    out = tmp_path / "out"
    res = run_cli("reports", "--notebook", "measures", "--param", param, "--output", str(out))
    assert res.returncode == 2
    assert hint in " ".join((res.stderr + res.stdout).split())
    assert not out.exists()


def test_confidential_partners_measures_are_in_no_public_output(tmp_path):
    """A measure of a confidential partner (hushagen) appears only in its confidential report: not in the
    measures page, the overview, `scenario` or `indicators`, which say that one was left out."""
    pdir, mdir, out = tmp_path / "partners", tmp_path / "measures", tmp_path / "out"
    (pdir / "hushagen").mkdir(parents=True)
    (pdir / "hushagen" / "CONFIDENTIAL").write_text("")
    mdir.mkdir()
    (mdir / "borlange.csv").write_text(
        f"{HEADER}\n{SECRET_ID},{SECRET_NAMES[0]},{SECRET_NAMES[1]},Borlänge,hushagen,egen_uppvarmning,,inside,"
        "absolute_cut,given,,2027,2028,300,200,400,t_co2e_per_yr,assumption,\n",
        encoding="utf-8",
    )
    env = {"BORLANGE_PARTNERS_DIR": str(pdir), "BORLANGE_MEASURES_DIR": str(mdir)}
    res = run_cli("scenario", "--current-year", YEAR, "-o", str(tmp_path / "s.csv"), env=env)
    assert res.returncode == 0, res.stderr
    assert "1 measures of confidential partners are left out" in res.stderr + res.stdout
    res = run_cli("indicators", "--current-year", YEAR, "--portfolio", "auto", "-o", str(tmp_path / "i.csv"), env=env)
    assert res.returncode == 0, res.stderr
    ind = pd.read_csv(tmp_path / "i.csv", dtype={"kommun_code": str})
    assert ind.set_index("kommun_code").loc["2081", "scenario_measures_left_out_confidential"] == 1
    for lang in ("sv", "en"):
        res = run_cli(
            "reports",
            "--notebook",
            "measures",
            "--notebook",
            "overview",
            "--notebook",
            "partner",
            "--partner",
            "hushagen",
            "--partner",
            "ssab",
            "--output",
            str(out),
            "--current-year",
            YEAR,
            "--language",
            lang,
            env=env,
        )
        assert res.returncode == 0, res.stdout + res.stderr
    # the partner's own report goes to the confidential root beside the output, never into the public tree
    confidential_root = out.parent / f"{out.name}-confidential"
    assert not list(out.rglob("*partner-hushagen*"))
    own_report = list(confidential_root.rglob("*partner-hushagen*"))
    public = [
        p
        for p in list(out.rglob("*")) + list(tmp_path.glob("[si].csv*"))
        if p.is_file()
        and "confidential" not in p.relative_to(tmp_path).parts
        and not any(p == o or o in p.parents for o in own_report)
    ]
    assert any(p.name == "measures.html" for p in public) and any(p.name == "s.csv" for p in public)
    for p in public:
        text = p.read_bytes().decode("utf-8", errors="replace")
        for secret in (SECRET_ID, *SECRET_NAMES):
            assert secret not in text, (p, secret)
    sv = (out / "Borlänge" / YEAR / "sv" / "measures.html").read_text(encoding="utf-8")
    assert "1 åtgärd från en partner med konfidentiell rapport är utelämnad" in sv
    en = (out / "Borlänge" / YEAR / "en" / "overview.html").read_text(encoding="utf-8")
    assert "1 measure of a partner with a confidential report is left out" in en
    own = next(p for p in own_report if p.name == "partner-hushagen.html" and "sv" in p.parts)
    assert SECRET_NAMES[0] in own.read_text(encoding="utf-8")
