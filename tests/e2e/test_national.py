"""Many kommuner in one run (running the real command): a län chosen with ``--lan`` and a group
with ``--group``; the national page and ``national_summary.csv`` list each kommun with the numbers
of the ``indicators`` command; a run killed half-way picks up where it stopped (what is current is
skipped); the national page passes the rendered checks in both languages and sorts in a browser.

Small selections keep the time down: Blekinge's 5 kommuner (overview only) and a test group of
three small kommuner from a groups file of the test's own (``BORLANGE_GROUPS``)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from filelock import FileLock
from rendered_checks import csv_problems, page_problems
from runner_support import CLI, ROOT, YEAR, Env, assert_consistent, leftovers, records

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]

LAN = "Blekinge"
LAN_KOMMUNER = {"Karlshamn", "Karlskrona", "Olofström", "Ronneby", "Sölvesborg"}
GROUP = "Testgruppen små kommuner"
GROUP_KOMMUNER = {"Bjurholm": "2403", "Dorotea": "2425", "Gotland": "0980"}
NUMBERS = (
    "last_year",
    "last_value",
    "per_capita_t",
    "trend_slope",
    "on_track",
    "budget_status",
    "budget_runs_out",
    "budget_runs_out_year",
    "existing_sink_lulucf_area_share_t_co2",
    "scenario_year",
    "scenario_neutrality_gap_year_t_co2e",
)


def _env(work: Path) -> Env:
    env = Env(work, work, notebooks=ROOT / "notebooks")
    env.partners.mkdir(parents=True, exist_ok=True)
    return env


def _groups_file(folder: Path) -> Path:
    path = folder / "groups.csv"
    rows = ["kommun,group,source"] + [f"{k},{GROUP},test fixture" for k in GROUP_KOMMUNER]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _lan_run(tmp_path_factory) -> tuple[Env, dict]:
    """The session's --lan run: killed (SIGKILL) while publishing its third report, then run again
    (built once per session; the later tests read it)."""
    work = tmp_path_factory.getbasetemp() / "national-lan"
    with FileLock(str(work) + ".lock"):
        done = work / "done.json"
        env = _env(work)
        if done.is_file():
            return env, json.loads(done.read_text(encoding="utf-8"))
        if work.exists():
            shutil.rmtree(work)
        work.mkdir()
        env = _env(work)
        args = ("--lan", LAN, "--notebook", "overview", "--jobs", "2")
        proc = env.spawn(*args, BORLANGE_TEST_PAUSE_AT="publishing:3")
        env.wait_for_pause(proc)
        proc.send_signal(signal.SIGKILL)  # the operating system kills the run (out of memory, reboot)
        killed_out, _ = proc.communicate(timeout=60)
        env.assert_no_orphans()
        built_before = {
            p.parent.parent.parent.name
            for p in env.out.glob(f"*/{YEAR}/sv/overview.build.json")
            if json.loads(p.read_text(encoding="utf-8"))["status"] == "built"
        }
        res = env.run(*args)
        info = {
            "killed_stdout": killed_out,
            "built_before": sorted(built_before),
            "stdout": res.stdout,
            "stderr": res.stderr,
            "returncode": res.returncode,
        }
        done.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    return env, info


@pytest.fixture(scope="module")
def lan_run(tmp_path_factory):
    return _lan_run(tmp_path_factory)


def _indicators(env: Env, out: Path, *args: str, **extra: str) -> dict[str, dict[str, str]]:
    res = subprocess.run(
        [CLI, "indicators", "--current-year", YEAR, "--portfolio", "auto", "-o", str(out), *args],
        capture_output=True,
        text=True,
        env=env.env(**extra),
        cwd=ROOT,
        timeout=300,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    return _rows(out)


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["kommun"]: r for r in csv.DictReader(fh)}


def _assert_same_numbers(national: dict[str, dict[str, str]], indicators: dict[str, dict[str, str]]) -> None:
    assert set(national) == set(indicators)
    for kommun, row in national.items():
        for col in NUMBERS:
            assert row[col] == indicators[kommun][col], (kommun, col, row[col], indicators[kommun][col])


def _table(html: str) -> dict[str, dict[str, str]]:
    """The national table of a page: kommun -> heading -> the cell's sort value."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    table = soup.find("table", id="national-table")
    heads = [th.find("button").contents[0].strip() for th in table.find("thead").find_all("th")]
    out = {}
    for tr in table.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        out[cells[0].get_text(strip=True)] = {h: td.get("data-value") for h, td in zip(heads, cells, strict=True)}
    return out


def test_a_killed_run_picks_up_where_it_stopped(lan_run):
    env, info = lan_run
    assert info["returncode"] == 0, info["stdout"] + info["stderr"]
    assert len(info["built_before"]) == 2, "two reports were published before the kill (the third was publishing)"
    lines = info["stdout"].splitlines()
    assert "reports: 5 planned, 2 up to date, 3 to build" in lines, lines
    assert "built 3, skipped 2, failed 0" in info["stdout"]
    built_now = [ln for ln in lines if re.match(r"^\[\d/5\] built", ln)]
    assert len(built_now) == 3 and not any(k in ln for k in info["built_before"] for ln in built_now)
    assert any("taking over" in ln for ln in lines), "the lock left by the killed run is taken over"
    for kommun in LAN_KOMMUNER:
        assert records(env.out / kommun / YEAR / "sv")["overview"]["status"] == "built"
    assert not leftovers(env.out)
    assert_consistent(env.out)
    res = env.run("--lan", LAN, "--notebook", "overview")
    assert res.returncode == 0 and "built 0, skipped 5, failed 0" in res.stdout, res.stdout + res.stderr


def test_the_national_page_and_csv_of_a_lan_equal_indicators(lan_run, tmp_path):
    env, _ = lan_run
    national = _rows(env.out / "national_summary.csv")
    assert set(national) == LAN_KOMMUNER
    assert csv_problems(env.out / "national_summary.csv") == []
    _assert_same_numbers(national, _indicators(env, tmp_path / "ind.csv", "--lan", LAN))
    meta = json.loads((env.out / "national_summary.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["kommuner"] == 5 and meta["portfolio"] == "auto" and meta["current_years"] == [2026]
    assert meta["data_manifest_sha256"] and meta["columns"][:2] == ["kommun_code", "kommun"]
    for page in ("index.html", "index.en.html"):
        html = (env.out / page).read_text(encoding="utf-8")
        table = _table(html)
        assert set(table) == LAN_KOMMUNER
        for kommun, cells in table.items():
            row = national[kommun]
            assert float(cells[next(h for h in cells if h in ("Utsläpp", "Emissions"))]) == float(row["last_value"])
            gap = next(h for h in cells if h.startswith(("Gap till nettonoll", "Gap to net zero")))
            assert gap.endswith("2030") and float(cells[gap]) == float(row["scenario_neutrality_gap_year_t_co2e"])
        # the overview's own key figures agree with the national row
        summary = json.loads((env.out / "Karlskrona" / YEAR / "sv" / "summary.json").read_text(encoding="utf-8"))
        assert summary["key_figures"]["last_value_t"] == pytest.approx(float(national["Karlskrona"]["last_value"]))
        assert summary["key_figures"]["measures"]["gap_t_co2e"] == pytest.approx(
            float(national["Karlskrona"]["scenario_neutrality_gap_year_t_co2e"])
        )


@pytest.mark.parametrize("language, page", [("sv", "index.html"), ("en", "index.en.html")])
def test_the_national_page_reads_right(lan_run, language, page):
    env, _ = lan_run
    html = (env.out / page).read_text(encoding="utf-8")
    assert page_problems(html, language, top=True) == []
    assert "<script src" not in html and "http" not in re.sub(r'hreflang="\w+"', "", html).replace("http-equiv", "")
    other = "index.en.html" if language == "sv" else "index.html"
    assert f'href="{other}"' in html
    assert 'href="Karlskrona/latest/' in html and 'href="national_summary.csv"' in html


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def test_the_table_sorts_in_a_browser(lan_run, tmp_path):
    """Clicking a heading sorts by its values (numbers as numbers, kommun names in Swedish
    order); a second click reverses the order. Runs the page's own script in headless Chromium."""
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium to run the page's script in")
    env, _ = lan_run
    src = (env.out / "index.html").read_text(encoding="utf-8")
    national = _rows(env.out / "national_summary.csv")

    def order(column: int, clicks: int) -> list[str]:
        click = "b.click();" * clicks
        inject = f"<script>var b=document.querySelectorAll('#national-table th button')[{column}];{click}</script>"
        page = env.out / f"click-{column}-{clicks}.html"
        page.write_text(src.replace("</body>", inject + "</body>"), encoding="utf-8")
        res = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'chr'}",
             "--dump-dom", page.as_uri()],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        page.unlink()
        return re.findall(r'<tr><td data-value="([^"]*)">', res.stdout)

    by_emissions = sorted(national, key=lambda k: float(national[k]["last_value"]))
    assert order(3, 1) == by_emissions
    assert order(3, 2) == by_emissions[::-1]
    assert order(0, 1) == ["Sölvesborg", "Ronneby", "Olofström", "Karlskrona", "Karlshamn"]


def test_a_group_run_lists_the_group(tmp_path):
    env = _env(tmp_path)
    groups = _groups_file(tmp_path)
    res = env.run("--group", GROUP.upper(), "--notebook", "overview", "--jobs", "2", BORLANGE_GROUPS=str(groups))
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.splitlines()[0] == "reports: 3 planned, 0 up to date, 3 to build"
    assert "kommuner 3/3" in res.stdout.splitlines()[-2]
    national = _rows(env.out / "national_summary.csv")
    assert {r["kommun_code"] for r in national.values()} == set(GROUP_KOMMUNER.values())
    ind = _indicators(env, tmp_path / "ind.csv", "--group", GROUP, BORLANGE_GROUPS=str(groups))
    _assert_same_numbers(national, ind)
    for language, page in (("sv", "index.html"), ("en", "index.en.html")):
        html = (env.out / page).read_text(encoding="utf-8")
        assert set(_table(html)) == set(GROUP_KOMMUNER)
        assert page_problems(html, language, top=True) == []
    assert_consistent(env.out)


def test_a_bad_group_or_lan_exits_2_before_any_work(tmp_path):
    env = _env(tmp_path)
    for args, needle in (
        (("--group", "Ingen sådan grupp"), "Unknown group 'Ingen sådan grupp'"),
        (("--lan", "Blekinga"), "Did you mean 'Blekinge län'"),
        (("--kommun", "all", "--kommun", "Atlantis"), "Unknown kommun 'Atlantis'"),
    ):
        res = env.run(*args)
        assert res.returncode == 2 and needle in res.stderr, res.stdout + res.stderr
        assert not env.out.exists() and "reports:" not in res.stdout
