"""Confidential partners never appear in the public tree: public -> confidential -> public ->
confidential, grepping every public file (last-run.json included) for the partner's name, id and
figure at each step (running the real ``reports`` command)."""

from __future__ import annotations

import json

import pytest
from runner_support import (
    SECRET_FIGURE,
    SECRET_ID,
    SECRET_NAME,
    SET,
    assert_consistent,
    base_set,
    copy_env,
    grep,
    leftovers,
    records,
)

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]
NEEDLES = (SECRET_NAME, SECRET_ID, SECRET_FIGURE)
PAGE = f"partner-{SECRET_ID}"


def _mark(env, confidential: bool) -> None:
    flag = env.partners / SECRET_ID / "CONFIDENTIAL"
    if confidential:
        flag.write_text("", encoding="utf-8")
    else:
        flag.unlink()


def test_public_confidential_public_confidential(tmp_path_factory, tmp_path):
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    assert grep(env.out, *NEEDLES), "step 0: the public partner page names the partner (the grep works)"

    # 1. public -> confidential, in a run that builds partner pages
    _mark(env, True)
    res = env.run("--notebook", "partner", "--partner", "ssab", "--partner", SECRET_ID)
    assert res.returncode == 0, res.stdout + res.stderr
    assert grep(env.out, *NEEDLES) == [], "step 1: nothing of the partner stays public"
    assert f"partner {SECRET_ID} is confidential: removed {PAGE} from the public set Borlänge/2026/sv" in res.stdout
    secret_set = env.secret / SET
    assert (secret_set / f"{PAGE}.html").is_file() and SECRET_FIGURE in (secret_set / f"{PAGE}.html").read_text(
        encoding="utf-8"
    )
    assert (secret_set / "tables" / PAGE / "scopes.csv").is_file()
    assert PAGE in (secret_set / "index.html").read_text(encoding="utf-8")
    secret_last = json.loads((env.secret / "last-run.json").read_text(encoding="utf-8"))
    assert [w["name"] for w in secret_last["withdrawn"]] == [PAGE]
    assert [r["name"] for r in secret_last["reports"]] == [PAGE]
    public_last = json.loads((env.out / "last-run.json").read_text(encoding="utf-8"))
    assert public_last["confidential_jobs"] == 1 and [r["name"] for r in public_last["reports"]] == ["partner-ssab"]
    assert set(records(env.out / SET)) == {"overview", "partner-ssab"}
    assert_consistent(env.out)
    assert_consistent(env.secret)

    # 2. confidential -> public
    _mark(env, False)
    res = env.run("--notebook", "partner", "--partner", "ssab", "--partner", SECRET_ID)
    assert res.returncode == 0, res.stdout + res.stderr
    assert (env.out / SET / f"{PAGE}.html").is_file()
    assert PAGE in (env.out / SET / "index.html").read_text(encoding="utf-8")
    assert not (secret_set / f"{PAGE}.html").exists(), "the stale confidential copy is removed"
    assert f"partner {SECRET_ID} is no longer confidential" in res.stdout
    assert_consistent(env.out)

    # 3. public -> confidential again, now in a run that builds only the overview
    _mark(env, True)
    res = env.run("--notebook", "overview")
    assert res.returncode == 0, res.stdout + res.stderr
    assert grep(env.out, *NEEDLES) == [], "step 3: withdrawn in the same run, whatever it builds"
    summary = (env.out / SET / "summary.json").read_text(encoding="utf-8")
    assert "partner-ssab" in summary and SECRET_ID not in summary
    assert_consistent(env.out)
    assert not leftovers(env.out, env.secret)

    # 4. and a plain run of both notebooks keeps it that way
    res = env.run("--notebook", "overview", "--notebook", "partner", "--partner", "ssab", "--partner", SECRET_ID)
    assert res.returncode == 0, res.stdout + res.stderr
    assert grep(env.out, *NEEDLES) == []
    assert (secret_set / f"{PAGE}.html").is_file()


def test_public_page_naming_a_confidential_partner_is_withheld(tmp_path_factory, tmp_path):
    """A page of another report that names the confidential partner (as a sector page's levers
    table might) is withdrawn from the public tree and not published again."""
    env = copy_env(base_set(tmp_path_factory), tmp_path)
    leak = env.out / SET / "partner-ssab.html"
    leak.write_text(leak.read_text(encoding="utf-8").replace("</main>", f"<p>{SECRET_NAME}</p></main>"), "utf-8")
    _mark(env, True)
    res = env.run("--notebook", "overview")
    assert res.returncode == 0, res.stdout + res.stderr
    assert grep(env.out, *NEEDLES) == []
    assert "a public page names confidential partner hushagen: removed partner-ssab" in res.stdout
    assert "partner-ssab" not in records(env.out / SET)
    assert_consistent(env.out)


def test_real_sector_page_leaves_out_a_partner_made_confidential(tmp_path):
    """The issue's leak: a partner's lever on the public sector page. Built with the project's
    own sector notebook: once the partner is confidential, the page is withdrawn at the start of
    the run, rebuilt without the partner (its inputs changed) and published; nothing public names
    the partner."""
    from runner_support import ROOT, Env

    env = Env(tmp_path, tmp_path, notebooks=ROOT / "notebooks")
    env.partners.mkdir(parents=True)
    args = ("--notebook", "sector", "--sector", "El och fjärrvärme")
    res = env.run(*args)
    assert res.returncode == 0, res.stdout + res.stderr
    assert grep(env.out, "Tunabyggen"), "the public page lists Tunabyggen's lever (else this test proves nothing)"
    (env.partners / "tunabyggen").mkdir()
    (env.partners / "tunabyggen" / "CONFIDENTIAL").write_text("", encoding="utf-8")
    res = env.run(*args)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "built 1" in res.stdout, "rebuilt: which partners are confidential is one of the page's inputs"
    assert grep(env.out, "Tunabyggen", "tunabyggen") == []
    assert (env.out / SET / "sector-el_och_fjarrvarme.html").is_file()
    assert_consistent(env.out)
