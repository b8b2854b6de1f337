"""The kernel side and the runner side stay apart: the report runner (and the command line) import
only the light shared modules (parameter specs, texts, reference tables), never the modules that
compute a page; a page module never imports the runner. Checked in a fresh interpreter, so that
what this test session already imported does not hide an import."""

from __future__ import annotations

import json
import subprocess
import sys

RUNNER = [
    "borlange_analysis.cli",
    "borlange_analysis.runner.run",
    "borlange_analysis.runner.plan",
    "borlange_analysis.runner.executor",
    "borlange_analysis.runner.dask_executor",
    "borlange_analysis.runner.site",
    "borlange_analysis.runner.publish",
    "borlange_analysis.runner.methods_page",
]
KERNEL = [
    "borlange_analysis.reporting.overview",
    "borlange_analysis.reporting.sector",
    "borlange_analysis.reporting.peers",
    "borlange_analysis.reporting.carbon_budget",
    "borlange_analysis.reporting.carbon_sinks",
    "borlange_analysis.reporting.measures",
    "borlange_analysis.reporting.partner",
    "borlange_analysis.reporting.workshop",
]


def _imported_by(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


def test_the_runner_imports_no_module_that_computes_a_page():
    loaded = _imported_by(RUNNER)
    computing = sorted(m for m in loaded if m.startswith(("borlange_analysis.reporting", "borlange_analysis.analysis")))
    assert computing == []


def test_the_command_line_starts_without_the_data_stack():
    loaded = _imported_by(["borlange_analysis.cli"])
    assert {"pandas", "matplotlib", "nbclient", "dask"} & loaded == set()


def test_a_page_module_imports_nothing_of_the_runner():
    loaded = _imported_by(KERNEL)
    assert sorted(m for m in loaded if m.startswith("borlange_analysis.runner")) == []
