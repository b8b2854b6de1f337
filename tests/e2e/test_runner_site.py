"""The site is composed from what is on disk: partial runs, missing files, the top-level index, the
``latest`` pages, ``last-run.json``, the skip check on partners' files, cron-friendly output and the
options checked before anything is written (running the real ``reports`` command)."""

from __future__ import annotations

import json

import pytest
from runner_support import (
    ROOT,
    SECRET_FIGURE,
    SECRET_ID,
    SET,
    assert_consistent,
    base_set,
    copy_env,
    leftovers,
    records,
    write_activity,
)

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]


@pytest.fixture
def env(tmp_path_factory, tmp_path):
    return copy_env(base_set(tmp_path_factory), tmp_path)


def test_base_set_is_complete_and_consistent(env):
    folder = env.out / SET
    assert set(records(folder)) == {"overview", "partner-ssab", f"partner-{SECRET_ID}"}
    for name in ("overview", "partner-ssab", f"partner-{SECRET_ID}"):
        assert (folder / f"{name}.html").is_file() and (folder / f"{name}.ipynb").is_file()
        assert records(folder)[name]["current_year"] == 2026
    assert_consistent(env.out)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["current_year"] == 2026 and summary["key_figures"]
    top = (env.out / "index.html").read_text(encoding="utf-8")
    assert 'href="Borl%C3%A4nge/2026/sv/index.html"' in top and "index.en.html" in top
    assert (env.out / "index.en.html").is_file()
    latest = (env.out / "Borlänge" / "latest" / "index.html").read_text(encoding="utf-8")
    assert 'url=../2026/sv/index.html"' in latest
    last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
    assert last["status"] == "ok" and last["counts"]["built"] == 3 and last["current_year"] == 2026
    assert last["started"] <= last["finished"] and last["seconds"] > 0
    assert not leftovers(env.out)


def test_partial_run_never_shrinks_the_index(env):
    folder = env.out / SET
    before = {e["name"] for e in json.loads((folder / "summary.json").read_text(encoding="utf-8"))["reports"]}
    res = env.run("--notebook", "partner", "--partner", "ssab", "--force")
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()  # line-based progress: standard output is not a terminal
    assert lines[0] == "reports: 1 planned, 0 up to date, 1 to build", lines
    assert any(line.startswith("[1/1] built") and "partner-ssab · Borlänge/2026/sv" in line for line in lines)
    assert "\x1b[" not in res.stdout + res.stderr, "no terminal control codes in a log"
    after = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert {e["name"] for e in after["reports"]} == before
    assert after["key_figures"], "the overview's key figures stay in the summary"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{n}.html"' in index for n in before)
    last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in last["reports"]] == ["partner-ssab"] and last["counts"]["built"] == 1
    assert_consistent(env.out)


def test_run_that_builds_nothing_still_composes_the_site(env):
    folder = env.out / SET
    (folder / "index.html").unlink()
    (env.out / "index.html").unlink()
    res = env.run("--notebook", "partner", "--partner", "ssab")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "skipped 1" in res.stdout
    assert (folder / "index.html").is_file() and (env.out / "index.html").is_file()
    assert_consistent(env.out)


def test_record_whose_files_are_missing_is_rebuilt(env):
    folder = env.out / SET
    (folder / "partner-ssab.html").unlink()
    res = env.run("--notebook", "partner", "--partner", "ssab")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "built 1, skipped 0" in res.stdout
    assert (folder / "partner-ssab.html").is_file()
    assert_consistent(env.out)


def test_new_activity_data_rebuild_the_partners_page(env):
    folder = env.out / SET
    res = env.run("--notebook", "partner", "--partner", "ssab")
    assert "skipped 1" in res.stdout, res.stdout
    assert "Activity total: 0.0000" in (folder / "partner-ssab.html").read_text(encoding="utf-8")
    write_activity(env.partners, "ssab", [1234.5, 1000.0])
    res = env.run("--notebook", "partner", "--partner", "ssab")
    assert res.returncode == 0 and "built 1, skipped 0" in res.stdout, res.stdout + res.stderr
    assert "Activity total: 2234.5000" in (folder / "partner-ssab.html").read_text(encoding="utf-8")
    assert "2234.5" in (folder / "tables" / "partner-ssab" / "scopes.csv").read_text(encoding="utf-8")
    assert records(folder)["partner-ssab"]["key_line"].endswith("2234.5000")
    res = env.run("--notebook", "partner", "--partner", "ssab")
    assert "skipped 1" in res.stdout, "unchanged data: skipped again"


def test_failed_report_keeps_the_last_good_version(env):
    folder = env.out / SET
    good = (folder / "partner-ssab.html").read_text(encoding="utf-8")
    res = env.run("--notebook", "partner", "--partner", "ssab", "--force", RUNNER_TEST_FAIL="ssab")
    assert res.returncode == 1, res.stdout + res.stderr
    assert (folder / "partner-ssab.html").read_text(encoding="utf-8") == good
    failed = folder / "_failed" / "partner-ssab.ipynb"
    assert failed.is_file() and "deliberately broken" in failed.read_text(encoding="utf-8")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    entry = next(e for e in summary["reports"] if e["name"] == "partner-ssab")
    assert entry["status"] == "built" and "deliberately broken" in entry["last_failure"]["error"]
    assert "Traceback" not in res.stdout + res.stderr
    res = env.run("--notebook", "partner", "--partner", "ssab", "--force")
    assert res.returncode == 0
    entry = next(
        e
        for e in json.loads((folder / "summary.json").read_text(encoding="utf-8"))["reports"]
        if e["name"] == "partner-ssab"
    )
    assert entry["last_failure"] is None and not failed.exists(), "a good rerun clears the failure"
    assert_consistent(env.out)


def test_english_set_beside_swedish_and_latest_follows_newest_release(env):
    res = env.run("--notebook", "partner", "--partner", "ssab", "--language", "en")
    assert res.returncode == 0, res.stdout + res.stderr
    assert (env.out / "Borlänge" / "2026" / "en" / "index.html").is_file()
    assert (env.out / "Borlänge" / "2026" / "sv" / "index.html").is_file()
    top = (env.out / "index.en.html").read_text(encoding="utf-8")
    assert 'href="Borl%C3%A4nge/2026/en/index.html"' in top and 'href="Borl%C3%A4nge/2026/sv/index.html"' in top
    res = env.run("--notebook", "partner", "--partner", "ssab", "--release", "2025", "--current-year", "2025")
    assert res.returncode == 0, res.stdout + res.stderr
    latest = (env.out / "Borlänge" / "latest" / "index.html").read_text(encoding="utf-8")
    assert "url=../2026/sv/index.html" in latest, "2025 is older than 2026: latest stays"
    assert "url=../../2026/en/index.html" in (env.out / "Borlänge" / "latest" / "en" / "index.html").read_text(
        encoding="utf-8"
    )
    top = (env.out / "index.html").read_text(encoding="utf-8")
    assert top.index("2026/sv/index.html") < top.index("2025/sv/index.html"), "newest release first"
    assert_consistent(env.out)


@pytest.mark.parametrize(
    "args, hint",
    [
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--format", ","], "Unknown format"),
        (["--format", "pdf"], "Unknown format 'pdf'"),
        (["--min-free", "lots"], "--min-free 'lots' is not a size"),
        (["--wait", "-5"], "--wait must be a number of seconds"),
        (["--current-year", "1800"], "1800"),
        (["--partner", "sab"], "Did you mean 'ssab'"),
    ],
)
def test_bad_options_stop_before_anything_is_written(tmp_path, args, hint):
    from runner_support import Env

    env = Env(tmp_path, tmp_path, notebooks=ROOT / "notebooks")
    res = env.run("--notebook", "overview", *args)
    assert res.returncode == 2, res.stdout + res.stderr
    assert hint in " ".join((res.stdout + res.stderr).split())
    assert "Traceback" not in res.stderr
    assert not env.out.exists() and not env.secret.exists()


def test_confidential_output_inside_public_tree_is_refused(tmp_path):
    from runner_support import Env

    env = Env(tmp_path, tmp_path, notebooks=ROOT / "notebooks")
    res = env.run("--notebook", "overview", "--confidential-output", str(env.out / "secret"))
    assert res.returncode == 2 and "must be outside the public output folder" in res.stderr
    assert not env.out.exists()


def test_secret_figure_is_in_the_base_set(env):
    """The test partner page really carries the partner's name and figure (so the confidential
    tests' grep can fail)."""
    page = (env.out / SET / f"partner-{SECRET_ID}.html").read_text(encoding="utf-8")
    assert SECRET_FIGURE in page and "Hushagen" in page
