"""End-to-end: the real `borlange-analysis reports` command on the real data mirror."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from borlange_analysis.names import sector_names
from borlange_analysis.reporting import report

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]

CLI = str(Path(sys.executable).parent / "borlange-analysis")
ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args, env=None, timeout=900):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=full_env, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    res = run_cli("reports", "--output", str(out), "--jobs", "2")
    return out, res


def test_full_set_builds_every_expected_file(full_run):
    out, res = full_run
    assert res.returncode == 0, res.stdout + res.stderr
    folder = out / "Borlänge" / "2026"
    expected = ["overview", "carbon_budget", "carbon_sinks", "peers"] + [
        f"partner-{p}"
        for p in (
            "borlange_kommun",
            "borlange_energi",
            "hogskolan_dalarna",
            "dalarna_science_park",
            "science_center_2047",
            "ssab",
            "ikea",
            "tunabyggen",
            "hushagen",
            "maserfrakt",
        )
    ]
    sectors = [p.stem for p in folder.glob("sector-*.ipynb")]
    assert len(sectors) == len(sector_names()) == 9
    for name in expected + sectors:
        for ext in ("ipynb", "html"):
            assert (folder / f"{name}.{ext}").is_file(), f"{name}.{ext}"
        assert any((folder / "tables" / name).glob("*.csv")), name
    assert (folder / "index.html").is_file() and (folder / "summary.json").is_file()
    assert "built" in res.stderr + res.stdout and "failed 0" in res.stderr + res.stdout


def test_summary_numbers_equal_library(full_run):
    out, _ = full_run
    summary = json.loads((out / "Borlänge" / "2026" / "summary.json").read_text(encoding="utf-8"))
    lib = report.key_figures(report.context())
    for key in (
        "last_value_t",
        "trend_slope_t_per_yr",
        "total_trend_t",
        "total_carbon_law_t",
        "remaining_budget_t",
        "net_zero_year",
        "budget_runs_out",
        "sink_top_down_t_co2",
    ):
        assert summary["key_figures"][key] == pytest.approx(lib[key]), key
    assert summary["key_figures"]["trend_slope_t_per_yr"] == pytest.approx(-9829.2, abs=0.1)
    assert len(summary["reports"]) == 23 and all(r["key_line"] for r in summary["reports"])


def test_html_has_no_code_and_no_tracebacks(full_run):
    out, _ = full_run
    for page in (out / "Borlänge" / "2026").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Traceback" not in text and 'data-mime-type="application/vnd.jupyter.stderr"' not in text, page.name
        assert "hl-ipython3" not in text and "report.context(" not in text, page.name
        assert "import borlange_analysis" not in text, page.name


def test_rerun_skips_everything(full_run):
    out, _ = full_run
    res = run_cli("reports", "--output", str(out))
    assert res.returncode == 0
    assert "built 0, skipped 23, failed 0" in res.stderr + res.stdout


def test_broken_notebook_fails_only_its_report(tmp_path):
    nbdir = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", nbdir)
    nb = nbformat.read(nbdir / "carbon_sinks.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("deliberately broken")'))
    nbformat.write(nb, nbdir / "carbon_sinks.ipynb")
    out = tmp_path / "out"
    res = run_cli(
        "reports",
        "--output",
        str(out),
        "--notebook",
        "overview",
        "--notebook",
        "carbon_sinks",
        "--notebook",
        "peers",
        env={"BORLANGE_NOTEBOOKS": str(nbdir)},
    )
    assert res.returncode == 1, res.stdout + res.stderr
    folder = out / "Borlänge" / "2026"
    assert (folder / "overview.html").is_file() and (folder / "peers.html").is_file()
    assert not (folder / "carbon_sinks.html").exists()
    failed = folder / "_failed" / "carbon_sinks.ipynb"
    assert failed.is_file() and "deliberately broken" in failed.read_text(encoding="utf-8")
    assert not (folder / ".staging").exists()
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert {r["name"]: r["status"] for r in summary["reports"]}["carbon_sinks"] == "failed"


def test_confidential_partner_left_out_of_public_index(tmp_path):
    pdir = tmp_path / "partners"
    (pdir / "hushagen").mkdir(parents=True)
    (pdir / "hushagen" / "CONFIDENTIAL").write_text("")
    out = tmp_path / "out"
    res = run_cli(
        "reports",
        "--output",
        str(out),
        "--notebook",
        "partner",
        "--partner",
        "hushagen",
        "--partner",
        "ssab",
        env={"BORLANGE_PARTNERS_DIR": str(pdir)},
    )
    assert res.returncode == 0, res.stdout + res.stderr
    folder = out / "Borlänge" / "2026"
    assert (folder / "confidential" / "hushagen" / "partner-hushagen.html").is_file()
    assert not (folder / "partner-hushagen.html").exists()
    assert "hushagen" not in (folder / "index.html").read_text(encoding="utf-8")
    assert "hushagen" not in (folder / "summary.json").read_text(encoding="utf-8")
    assert "partner-ssab" in (folder / "summary.json").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, hint",
    [
        (["--kommun", "Borlange"], "Did you mean 'Borlänge'"),
        (["--sector", "Industry"], "Did you mean 'industri'"),
        (["--partner", "sab"], "Did you mean 'ssab'"),
        (["--notebook", "overveiw"], "Did you mean 'overview'"),
        (["--param", "reduktion=0.7"], "Unknown notebook parameter 'reduktion'"),
        (["--format", "pdf"], "Unknown format 'pdf'"),
        (["--param", "kommun=Falun"], "use --kommun"),
        (["--param", "reduction=mycket"], "must be of type float"),
    ],
)
def test_bad_parameters_stop_before_any_work(tmp_path, args, hint):
    out = tmp_path / "out"
    res = run_cli("reports", "--output", str(out), *args)
    assert res.returncode == 2
    assert hint in " ".join((res.stderr + res.stdout).split())
    assert not out.exists()


def test_indicators_command(tmp_path):
    res = run_cli("indicators", "--output", str(tmp_path / "ind.parquet"))
    assert res.returncode == 0, res.stderr
    import pandas as pd

    ind = pd.read_parquet(tmp_path / "ind.parquet")
    assert len(ind) == 290 and "neutrality_gap_no_measures_t_co2e" in ind.columns
