"""SIGINT and SIGTERM at fixed points of a run and at one seeded random moment, and a worker
killed mid-report: no orphan processes, the published set stays consistent with its index, and
a rerun completes (running the real ``reports`` command)."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import time

import pytest
from runner_support import (
    SET,
    SIGNALS,
    assert_consistent,
    base_set,
    copy_env,
    leftovers,
    published,
    records,
    stop,
    tree,
)

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]
PARTNERS = ("--notebook", "partner", "--partner", "ssab", "--partner", "hushagen")
#: (built, not started, stopped while building) when the signal arrives at each point (--jobs 1)
EXPECTED = {"planning": None, "kernels": (0, 1, 1), "publishing": (1, 1, 0), "indexing": (2, 0, 0)}
SEED = int(os.environ.get("RUNNER_TEST_SEED", "20261130"))


def _counts(stdout: str) -> tuple[int, int, int]:
    m = re.search(r"interrupted: (\d+) built, (\d+) not started, (\d+) stopped while building", stdout)
    assert m, stdout
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def _rerun_completes(env) -> None:
    res = env.run(*PARTNERS)
    assert res.returncode == 0, res.stdout + res.stderr
    assert_consistent(env.out)
    assert not leftovers(env.out)
    recs = records(env.out / SET)
    assert all(recs[n]["status"] == "built" for n in ("partner-ssab", "partner-hushagen"))


@pytest.mark.parametrize("point", list(EXPECTED))
@pytest.mark.parametrize("signame", list(SIGNALS))
def test_signal_at_fixed_point(tmp_path_factory, tmp_path, point, signame):
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    before = tree(env.out)
    extra = {"RUNNER_TEST_SLEEP": "30"} if point == "kernels" else {}
    proc = env.spawn(*PARTNERS, "--force", "--jobs", "1", BORLANGE_TEST_PAUSE_AT=point, **extra)
    env.wait_for_pause(proc)
    code, out, err = stop(proc, SIGNALS[signame])
    assert code == 128 + SIGNALS[signame], out + err
    assert "Traceback" not in out + err
    env.assert_no_orphans()
    if point == "planning":
        assert "interrupted: 0 built, 0 not started" in out
        assert tree(env.out) == before, "a run stopped while planning writes nothing"
    else:
        assert _counts(out) == EXPECTED[point]
        last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
        assert last["status"] == "interrupted" and last["signal"] == signame
        assert_consistent(env.out)
        assert not leftovers(env.out)
    _rerun_completes(env)


def test_ctrl_c_while_a_warm_worker_runs_its_second_report(tmp_path_factory, tmp_path):
    """Ctrl-C reaches the whole process group; a worker that has already run a report (its kernel
    warm) ignores it like a fresh one, and its kernel is stopped without noise."""
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    proc = env.spawn(*PARTNERS, "--force", "--jobs", "1", BORLANGE_TEST_PAUSE_AT="kernels:2", RUNNER_TEST_SLEEP="5")
    env.wait_for_pause(proc)
    code, out, err = stop(proc, signal.SIGINT)
    assert code == 130, out + err
    assert _counts(out) == (1, 0, 1)
    assert err.strip() == "", err
    assert not (env.out / SET / "_failed").exists(), "stopped reports are not failures"
    env.assert_no_orphans()
    assert_consistent(env.out)


def test_signal_at_a_seeded_random_moment(tmp_path_factory, tmp_path):
    rng = random.Random(SEED)
    signum = rng.choice([signal.SIGINT, signal.SIGTERM])
    delay = rng.uniform(0.5, 6.0)  # the run takes longer: two reports of at least 3 s each, one after the other
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    proc = env.spawn(*PARTNERS, "--force", "--jobs", "1", RUNNER_TEST_SLEEP="3")
    time.sleep(delay)
    code, out, err = stop(proc, signum)
    note = f"seed {SEED}: {signal.Signals(signum).name} after {delay:.2f} s"
    assert code == 128 + signum, f"{note}\n{out}{err}"
    assert "interrupted:" in out, note
    assert "Traceback" not in out + err, note
    env.assert_no_orphans()
    assert_consistent(env.out)
    assert not leftovers(env.out), note
    _rerun_completes(env)


def test_killed_worker_is_retried_once_and_fails_only_its_report(tmp_path_factory, tmp_path):
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    before = published(env.out)
    res = env.run(
        "--notebook",
        "partner",
        "--partner",
        "ssab",
        "--partner",
        "hushagen",
        "--partner",
        "ikea",
        "--force",
        BORLANGE_TEST_KILL_WORKER="partner-ssab,partner-hushagen:1",
    )
    assert res.returncode == 1, res.stdout + res.stderr
    out = res.stdout
    assert "partner-ssab: worker process was killed (SIGKILL); retrying once on a fresh worker" in out
    assert "partner-hushagen: worker process was killed (SIGKILL); retrying once on a fresh worker" in out
    assert "built 2, skipped 0, failed 1" in out
    folder = env.out / SET
    failed = folder / "_failed" / "partner-ssab.ipynb"
    assert failed.is_file() and "worker process was killed (SIGKILL) (attempt 2 of 2)" in failed.read_text("utf-8")
    recs = records(folder)
    assert recs["partner-ssab"]["status"] == "built", "the last good version stays published"
    assert "attempt 2 of 2" in recs["partner-ssab"]["last_failure"]["error"]
    assert recs["partner-hushagen"]["status"] == recs["partner-ikea"]["status"] == "built"
    assert published(env.out)[f"{SET}/partner-ssab.html"] == before[f"{SET}/partner-ssab.html"]
    last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
    attempts = {r["name"]: (r["status"], r["attempts"]) for r in last["reports"]}
    assert attempts == {"partner-ssab": ("failed", 2), "partner-hushagen": ("built", 2), "partner-ikea": ("built", 1)}
    env.assert_no_orphans()
    assert_consistent(env.out)
    assert not leftovers(env.out)
    res = env.run("--notebook", "partner", "--partner", "ssab", "--force")
    assert res.returncode == 0
    assert records(folder)["partner-ssab"].get("last_failure") is None or not failed.exists()


def test_sigterm_to_every_process_like_systemd(tmp_path_factory, tmp_path):
    """systemd stops a service by sending SIGTERM to every process of it, kernels included."""
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    proc = env.spawn(*PARTNERS, "--force", "--jobs", "2", BORLANGE_TEST_PAUSE_AT="kernels", RUNNER_TEST_SLEEP="30")
    env.wait_for_pause(proc)
    everyone = env.processes()
    assert len(everyone) >= 3, "the command, a worker and its kernel"
    for p in everyone:
        p.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, out + err
    assert _counts(out)[0] == 0 and "Traceback" not in out + err
    assert not (env.out / SET / "_failed").exists(), "stopped reports are not failures"
    env.assert_no_orphans()
    assert_consistent(env.out)
    _rerun_completes(env)
