"""What a kernel computes once for all kommuner and slices per page is exactly what a page computed
for its kommun alone (bit for bit), on the real data; the national table is the indicators rows."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from borlange_analysis import data
from borlange_analysis.analysis import budget, scenario
from borlange_analysis.analysis.indicators import build_indicators
from borlange_analysis.analysis.targets import target_progress
from borlange_analysis.names import kommun_resolver
from borlange_analysis.reporting import common
from borlange_analysis.runner import national

pytestmark = pytest.mark.realdata
YEAR = 2026
SAMPLE = ["2081", "2403", "0180", "0980", "2584", "1280", "2080"] + random.Random(16).sample(
    sorted(kommun_resolver().by_code), 13
)


@pytest.mark.parametrize("code", SAMPLE[:6])
def test_the_budget_status_of_one_kommun_is_a_slice_of_all(code):
    for kw in ({}, {"regime": "per_capita"}, {"regime": "blend", "weight": 0.3}, {"preset_name": "cemus_1.5C_50pct"}):
        alone = budget.budget_status(code, current_year=YEAR, **kw)
        pd.testing.assert_frame_equal(common.budget_status(code, current_year=YEAR, **kw), alone, check_exact=True)
    kk = budget.budget_status(code, method="klimatkollen-2024")
    pd.testing.assert_frame_equal(common.budget_status(code, method="klimatkollen-2024"), kk, check_exact=True)


def test_target_progress_and_the_scenario_baseline_of_one_kommun_are_slices_of_all():
    rel = data.resolve_release("latest")
    for code in SAMPLE:
        alone = target_progress(data.load_emissions(code, release=rel, level="sector"), current_year=YEAR)
        pd.testing.assert_frame_equal(common.kommun_target_progress(code, rel, YEAR), alone, check_exact=True)
        one = scenario.load_baseline(code, release=rel, current_year=YEAR)
        sliced = common.scenario_baseline(code, rel, YEAR)
        assert sliced.kommuner.equals(one.kommuner) and (sliced.release, sliced.gas) == (one.release, one.gas)
        for name in ("years", "values", "total", "last_year"):
            assert np.array_equal(getattr(sliced, name), getattr(one, name)), (code, name)


def test_the_national_table_is_the_indicators_rows(tmp_path):
    rel = data.resolve_release("latest")
    names = ["Borlänge", "Bjurholm", "Gotland"]
    frame = national.compute([national.Present(k, rel, ("sv",), YEAR) for k in names])
    ind = build_indicators(release=rel, current_year=YEAR, kommun=names, portfolio="auto")
    ind = ind[ind["sector"] == "Alla"].set_index("kommun_code", drop=False).loc[frame["kommun_code"]]
    pd.testing.assert_frame_equal(frame, ind[list(national.COLUMNS)].reset_index(drop=True), check_exact=True)
    assert list(frame["kommun_code"]) == sorted(frame["kommun_code"])
