"""One run per output root: a second run exits 75 or waits; a lock left by a killed run is taken
over and its leftovers cleaned (running the real ``reports`` command)."""

from __future__ import annotations

import json
import signal

import pytest
from runner_support import (
    SET,
    assert_consistent,
    base_set,
    copy_env,
    leftovers,
    published,
)

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]
PARTNERS = ("--notebook", "partner", "--partner", "ssab", "--partner", "hushagen")


def test_second_run_exits_75_or_waits_and_the_set_equals_a_single_runs(tmp_path_factory, tmp_path):
    base = base_set(tmp_path_factory)
    single = copy_env(base, tmp_path / "single")
    res = single.run(*PARTNERS, "--force")
    assert res.returncode == 0, res.stdout + res.stderr

    env = copy_env(base, tmp_path / "concurrent")
    first = env.spawn(*PARTNERS, "--force", BORLANGE_TEST_PAUSE_AT="kernels")
    try:
        env.wait_for_pause(first)
        holder = json.loads((env.out / ".borlange-run.json").read_text(encoding="utf-8"))
        busy = env.run(*PARTNERS, "--force")
        assert busy.returncode == 75, busy.stdout + busy.stderr
        assert f"another run (pid {first.pid}, started {holder['started']}) is writing to {env.out}" in busy.stderr
        waiting = env.spawn(*PARTNERS, "--wait", "300")
        env.release_pause()
        out, err = first.communicate(timeout=300)
        assert first.returncode == 0, out + err
        w_out, w_err = waiting.communicate(timeout=300)
        assert waiting.returncode == 0, w_out + w_err
        assert f"waiting for another run (pid {first.pid}" in w_out
        assert "built 0, skipped 2, failed 0" in w_out, "the waiting run found everything current"
    finally:
        for p in (first,):
            if p.poll() is None:
                p.kill()
    assert published(env.out) == published(single.out)
    assert_consistent(env.out)
    assert not leftovers(env.out)
    env.assert_no_orphans()


def test_two_runs_started_together(tmp_path_factory, tmp_path):
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    procs = [env.spawn(*PARTNERS, "--force", RUNNER_TEST_SLEEP="5") for _ in range(2)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 75], results
    busy = next(r for r in results if r[0] == 75)
    assert "another run (pid " in busy[2] and f"is writing to {env.out}" in busy[2]
    single = copy_env(base_set(tmp_path_factory), tmp_path / "single")
    assert published(env.out) == published(single.out)
    assert_consistent(env.out)


def test_lock_left_by_a_killed_run_is_taken_over(tmp_path_factory, tmp_path):
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    before = published(env.out)
    run = env.spawn(*PARTNERS, "--force", BORLANGE_TEST_PAUSE_AT="kernels", RUNNER_TEST_SLEEP="30")
    env.wait_for_pause(run)
    stage = list(env.out.rglob(".staging"))
    assert stage, "the killed run was building in its staging folder"
    run.send_signal(signal.SIGKILL)
    run.communicate(timeout=60)
    env.assert_no_orphans()  # its workers and kernels notice and end themselves
    assert (env.out / ".borlange-run.json").is_file(), "the dead run's lock file stays behind"
    assert published(env.out) == before, "nothing half-published"
    res = env.run(*PARTNERS)
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"taking over {env.out} from a run that did not finish (pid {run.pid}" in res.stdout
    assert "cleaned up in" in res.stdout
    assert not leftovers(env.out) and not (env.out / ".borlange-run.json").exists()
    assert (env.out / SET / "partner-ssab.html").is_file()
    assert_consistent(env.out)
