"""The runner's own options and signal handling (no data, no kernels)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borlange_analysis.cli import _optional_wait, app
from borlange_analysis.errors import ParameterError
from borlange_analysis.runner import plan
from borlange_analysis.runner.signals import Interrupted, Trap


@pytest.mark.parametrize(
    "args, expected",
    [
        (["--wait"], ["--wait=inf"]),
        (["--wait", "--jobs", "2"], ["--wait=inf", "--jobs", "2"]),
        (["--wait", "30"], ["--wait", "30"]),
        (["--wait", "2.5", "--force"], ["--wait", "2.5", "--force"]),
        (["--force"], ["--force"]),
    ],
)
def test_wait_without_seconds_waits_as_long_as_it_takes(args, expected):
    assert _optional_wait(args) == expected


def test_check_wait():
    assert plan.check_wait(None) is None and plan.check_wait(float("inf")) == float("inf")
    with pytest.raises(ParameterError, match="--wait"):
        plan.check_wait(-1)


def test_confidential_root_is_beside_the_public_one_and_never_inside(tmp_path):
    public, secret = plan.check_roots(tmp_path / "reports", None)
    assert secret == (tmp_path / "reports-confidential").resolve()
    for bad in (tmp_path / "reports", tmp_path / "reports" / "secret"):
        with pytest.raises(ParameterError, match="must be outside the public output folder"):
            plan.check_roots(tmp_path / "reports", bad)
    with pytest.raises(ParameterError, match="must not be inside"):
        plan.check_roots(tmp_path / "s" / "reports", tmp_path / "s")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--format", ","], "Unknown format"),
        (["--min-free", "much"], "is not a size"),
        (["--wait", "--jobs", "0"], "--jobs must be at least 1"),
    ],
)
def test_bad_runner_options_exit_2_and_write_nothing(tmp_path, args, message):
    res = CliRunner().invoke(app, ["reports", "--output", str(tmp_path / "out"), *args])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert not (tmp_path / "out").exists()


def test_trap_raises_in_raising_mode_and_only_flags_when_deferring():
    # the handlers the test process started with (a job started in the background by a shell
    # has SIGINT ignored): the trap must put back exactly these
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    with Trap() as trap:
        with trap.deferring():
            os.kill(os.getpid(), signal.SIGTERM)
            assert trap.stopped and trap.exit_code == 143
        with pytest.raises(Interrupted):
            with trap.raising_mode():
                pass  # a signal that arrived earlier raises on entry
    with Trap() as trap, pytest.raises(Interrupted) as err:
        os.kill(os.getpid(), signal.SIGINT)
    assert err.value.signum == signal.SIGINT and trap.exit_code == 130
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_planned_jobs_of_confidential_partners_go_to_the_confidential_root(tmp_path, monkeypatch):
    pdir = tmp_path / "partners"
    (pdir / "hushagen").mkdir(parents=True)
    (pdir / "hushagen" / "CONFIDENTIAL").write_text("")
    monkeypatch.setenv("BORLANGE_PARTNERS_DIR", str(pdir))
    jobs = plan.plan(
        notebooks=["partner"], partner_ids=["ssab", "hushagen"], current_year=2026, output=tmp_path / "reports"
    )
    by_name = {j.name: j for j in jobs}
    assert Path(by_name["partner-hushagen"].out_dir).is_relative_to((tmp_path / "reports-confidential").resolve())
    assert not by_name["partner-hushagen"].public and by_name["partner-hushagen"].partner == "hushagen"
    assert Path(by_name["partner-ssab"].out_dir) == (tmp_path / "reports" / "Borlänge" / "2026" / "sv").resolve()
    assert by_name["partner-ssab"].context == {"confidential_partners": ["hushagen"]}
    assert not (tmp_path / "reports").exists(), "planning writes nothing"


def test_pages_with_measures_take_the_measures_and_activity_files_as_inputs(tmp_path, monkeypatch):
    """A new measures file or partner activity file rebuilds the pages that show measures (and only
    those); fallback titles use the page language's sector label and the partner's name."""
    pdir, mdir = tmp_path / "partners", tmp_path / "measures"
    (pdir / "ssab").mkdir(parents=True)
    mdir.mkdir()
    activity = pdir / "ssab" / "activity.csv"
    activity.write_text("partner_id,year,activity,amount,unit,use,note\n", encoding="utf-8")
    own = mdir / "ours.csv"
    own.write_text("id\n", encoding="utf-8")
    monkeypatch.setenv("BORLANGE_PARTNERS_DIR", str(pdir))
    monkeypatch.setenv("BORLANGE_MEASURES_DIR", str(mdir))
    jobs = plan.plan(
        notebooks=["overview", "carbon_budget", "sector", "partner"],
        sectors=["Transporter"],
        partner_ids=["ssab"],
        current_year=2026,
        language="en",
        output=tmp_path / "reports",
    )
    by_name = {j.name: j for j in jobs}
    assert set(by_name["overview"].extra_inputs) == {str(own), str(activity)}
    assert by_name["carbon_budget"].extra_inputs == []
    assert str(activity) in by_name["partner-ssab"].extra_inputs
    assert by_name["partner-ssab"].extra_inputs.count(str(activity)) == 1
    assert by_name["sector-transporter"].title == "Transport in Borlänge"
    assert "SSAB" in by_name["partner-ssab"].title
