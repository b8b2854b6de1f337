"""End-to-end: the real `borlange-analysis` CLI against inputs that must not poison an unattended
run (issue 14) and `fetch --latest smhi-co2` (issue 11), in a temporary project folder
(BORLANGE_HOME) filled from the real data mirror. Downloads come from a loopback HTTP server."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.realdata]

CLI = str(Path(sys.executable).parent / "borlange-analysis")
PY = sys.executable
ROOT = Path(__file__).resolve().parents[2]


def run(home: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "BORLANGE_HOME": str(home), "BORLANGE_NOTEBOOKS": str(ROOT / "notebooks"), "MPLBACKEND": "Agg"}
    return subprocess.run([CLI, *args], capture_output=True, text=True, env=env, timeout=timeout, cwd=home)


def one_error_line(res: subprocess.CompletedProcess) -> str:
    """The user sees one line starting 'error:' and no traceback."""
    lines = [line for line in (res.stdout + res.stderr).splitlines() if line.strip()]
    assert "Traceback" not in res.stderr, res.stderr
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


def part_files(home: Path) -> list[Path]:
    return [p for p in (home / "data" / "raw").rglob("*") if p.name.startswith((".part-", ".tmp-"))]


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    if not os.environ.get("BORLANGE_DATA_MIRROR"):
        pytest.fail("BORLANGE_DATA_MIRROR is not set: these tests need the real data mirror")
    folder = tmp_path_factory.mktemp("project")
    for args in (("fetch",), ("prepare",)):
        res = run(folder, *args)
        assert res.returncode == 0, res.stdout + res.stderr
    return folder


def smhi_2021_as_export(home: Path, *, stamp: str) -> bytes:
    """SMHI's 2021 export (the CSV in the mirror) saved as the Excel workbook SMHI serves today:
    the real layout and the real data of all 290 kommuner, every sector and sub-sector."""
    from openpyxl import Workbook

    from borlange_analysis.ingest.parsers import parse_number

    src = home / "data" / "raw" / "smhi_2021" / "2021" / "emissions_per_municipality.csv"
    with open(src, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Länsrapport")
    ws.append(["Rapportnamn:", f"Länsrapport, {stamp}"])
    header_seen = False
    for row in lines[1:]:
        if row and row[0] == "Huvudsektor":
            header_seen = True
            ws.append(row[:4] + [int(y) for y in row[4:]])
            continue
        if not header_seen or not row or row[0].startswith("Rapportnamn:"):
            ws.append(row[:1])
            continue
        ws.append(row[:4] + [parse_number(v) for v in row[4:]])
    wb.properties.created = dt.datetime.fromisoformat(stamp.replace(" ", "T"))
    path = home / "export.xlsx"
    wb.save(path)
    return path.read_bytes()


def restamped(book: bytes, old: str, new: str) -> bytes:
    """The same workbook generated at another time: every ``old`` stamp (title row, document
    properties) replaced by ``new`` in the zip's members. The bytes differ, the data do not."""
    import io
    import zipfile

    iso_old, iso_new = old.replace(" ", "T"), new.replace(" ", "T")
    src, out = zipfile.ZipFile(io.BytesIO(book)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            for a, b in ((old, new), (iso_old, iso_new)):
                data = data.replace(a.encode(), b.encode())
            dst.writestr(info, data)
    return out.getvalue()


def smhi_2024_co2_as_export(home: Path, *, stamp: str) -> bytes:
    """SMHI's CO2 release of 2024 (totals per kommun) in the layout of SMHI's export: one 'Alla'
    row per kommun, plus the län and Sweden totals."""
    from openpyxl import Workbook

    from borlange_analysis.ingest.parsers import smhi_totals_xlsx

    raw = smhi_totals_xlsx(home / "data" / "raw" / "smhi_2024_totals" / "2024" / "df_smhi_2022.xlsx")
    wide = raw.pivot_table(index=["lan", "kommun"], columns="year", values="t_co2e", aggfunc="first")
    years = [int(y) for y in wide.columns]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Länsrapport")
    ws.append(["Rapportnamn:", f"Länsrapport, {stamp}"])
    ws.append(["Emissioner av koldioxid (CO2)"])
    ws.append([])
    ws.append(["Huvudsektor", "Undersektor", "Län", "Kommun", *years])
    ws.append(["Alla", "Alla", "Alla", "Alla", *wide.sum().tolist()])
    for lan, part in wide.groupby(level="lan"):
        ws.append(["Alla", "Alla", lan, "Alla", *part.sum().tolist()])
        for (_, kommun), values in part.iterrows():
            ws.append(["Alla", "Alla", lan, kommun, *values.tolist()])
    path = home / "export_co2.xlsx"
    wb.save(path)
    return path.read_bytes()


def test_bad_downloads_are_refused_and_the_reports_keep_working(home, loopback, smhi_fixture):
    good = smhi_fixture.workbook(*smhi_fixture.small_rows())
    # an HTML error page instead of the workbook
    url = loopback.set(
        "/export", loopback.Route(b"<html><body>Service Unavailable</body></html>", content_type="text/html")
    )
    for kind in ("smhi", "smhi-co2"):
        res = run(home, "fetch", "--latest", kind, "--url", url)
        line = one_error_line(res)
        assert res.returncode == 1 and "HTML page" in line and "not registered" in line, line
    # a truncated workbook
    url = loopback.set("/export", loopback.Route(good[: len(good) // 3]))
    for kind in ("smhi", "smhi-co2"):
        res = run(home, "fetch", "--latest", kind, "--url", url)
        line = one_error_line(res)
        assert res.returncode == 1 and "cannot be read as smhi_xlsx" in line, line
    quarantined = sorted(p.name for p in (home / "data" / "raw" / "smhi_latest" / "_quarantine").iterdir())
    assert len(quarantined) == 8 and all(n.endswith((".xlsx", ".reason.txt")) for n in quarantined)
    # a server that trickles bytes: stopped at the deadline
    url = loopback.set("/export", loopback.Route(good[:400], trickle=0.25, trickle_max_s=30))
    t0 = time.monotonic()
    res = run(home, "fetch", "--latest", "smhi", "--url", url, "--timeout", "2")
    line = one_error_line(res)
    assert res.returncode == 1 and "did not finish within the deadline of 2 s" in line, line
    assert time.monotonic() - t0 < 15
    assert not part_files(home)
    # Ctrl-C in the middle of a download: no .part file is left behind
    env = {**os.environ, "BORLANGE_HOME": str(home)}
    proc = subprocess.Popen(
        [CLI, "fetch", "--latest", "smhi-co2", "--url", url], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while not part_files(home) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert part_files(home), "the download should be under way in a .part file"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and b"Traceback" not in err, err
    assert not part_files(home)
    assert not list((home / "data" / "raw" / "smhi_latest").glob("smhi-*"))  # nothing registered
    # prepare and the reports still work on the releases there were
    res = run(home, "prepare")
    assert res.returncode == 0 and "up to date" in res.stderr, res.stderr
    out = home / "reports-out"
    res = run(home, "reports", "--notebook", "overview", "--jobs", "1", "--format", "html", "--output", str(out))
    assert res.returncode == 0, res.stdout + res.stderr
    assert [p.relative_to(out).parts[:2] for p in out.rglob("overview.html")] == [("Borlänge", "2026")]


def test_altered_raw_file_is_refused_until_fetched_again(home):
    raw = home / "data" / "raw" / "smhi_2021" / "2021" / "emissions_per_municipality.csv"
    text = raw.read_bytes()
    raw.write_bytes(text[: text.rindex(b"\n", 0, len(text) // 2) + 1])  # cut at a line boundary
    res = run(home, "prepare")
    line = one_error_line(res)
    assert res.returncode == 2, line
    assert f"{raw}: the file changed after it was fetched" in line
    assert "borlange-analysis fetch --force --source smhi_2021" in line
    res = run(home, "fetch", "--force", "--source", "smhi_2021")
    assert res.returncode == 0, res.stderr
    res = run(home, "prepare")
    assert res.returncode == 0, res.stderr


def test_latest_smhi_and_smhi_co2_register_and_resolve_by_gas(home, loopback):
    today = dt.date.today().isoformat()
    book = smhi_2021_as_export(home, stamp="2026-11-27 06:00")
    url = loopback.set("/export", loopback.Route(book))
    res = run(home, "fetch", "--latest", "smhi", "--url", url)
    assert res.returncode == 0, res.stderr
    assert f"registered release smhi-{today} (gas CO2e, checked against release 2026)" in res.stderr
    # the same data in a workbook generated later: no new release
    later = restamped(book, "2026-11-27 06:00", "2026-11-28 07:30")
    assert later != book
    url = loopback.set("/export", loopback.Route(later))
    res = run(home, "fetch", "--latest", "smhi", "--url", url)
    assert res.returncode == 0 and f"no new release: the data equal those of release smhi-{today}" in res.stderr
    # SMHI's CO2 export (sub=CO2): its own releases, compared with the CO2 release 2024
    url = loopback.set("/export", loopback.Route(smhi_2024_co2_as_export(home, stamp="2026-11-27 06:00")))
    res = run(home, "fetch", "--latest", "smhi-co2", "--url", url)
    assert res.returncode == 0, res.stderr
    assert f"registered release smhi-co2-{today} (gas CO2, checked against release 2024)" in res.stderr
    assert not part_files(home)
    res = run(home, "prepare")
    assert res.returncode == 0, res.stderr
    probe = (
        "import json; from borlange_analysis import data; print(json.dumps({'all': data.releases(), "
        "'co2': data.releases(gas='CO2'), 'latest': data.resolve_release('latest'), "
        "'latest_co2': data.resolve_release('latest', gas='CO2'), "
        "'borlange': float(data.load_emissions('Borlänge', level='total', years=[2019]).t_co2e.iloc[0])}))"
    )
    env = {**os.environ, "BORLANGE_HOME": str(home)}
    out = subprocess.run([PY, "-c", probe], capture_output=True, text=True, env=env, timeout=300, check=True)
    got = json.loads(out.stdout)
    assert got["co2"] == ["2024", f"smhi-co2-{today}"]
    assert got["latest"] == f"smhi-{today}" and got["latest_co2"] == f"smhi-co2-{today}"
    assert got["borlange"] == pytest.approx(415_053.7, abs=0.1)  # PROVENANCE.md: Borlänge total 2019
    assert set(got["all"]) >= {"2021", "2024", "2025", "2026", f"smhi-{today}", f"smhi-co2-{today}"}

    # an implausible value in a registered release (its record updated to match): prepare names file, row, column
    from openpyxl import load_workbook

    from borlange_analysis.ingest.sources import sha256_of

    release = home / "data" / "raw" / "smhi_latest" / f"smhi-{today}"
    book_path = release / "smhi_export.xlsx"
    wb = load_workbook(book_path)
    ws = wb.active
    header = next(r for r in ws.iter_rows(min_row=1, max_row=20) if r[0].value == "Huvudsektor")
    col = next(c.column for c in header if str(c.value) == "2019")
    row = next(
        r[0].row
        for r in ws.iter_rows(min_row=header[0].row + 1)
        if (r[0].value, r[1].value, r[3].value) == ("Transporter", "Alla", "Borlänge")
    )
    ws.cell(row=row, column=col, value=-99_999_999)
    wb.save(book_path)
    prov_path = release / "smhi_export.xlsx.provenance.json"
    prov = json.loads(prov_path.read_text(encoding="utf-8"))
    prov["sha256"] = sha256_of(book_path)
    prov_path.write_text(json.dumps(prov), encoding="utf-8")
    res = run(home, "prepare")
    line = one_error_line(res)
    assert res.returncode == 2, line
    assert f"{book_path}: 1 value(s) break the schema of table 'emissions'" in line
    assert f"row {row}, column '2019 (t_co2e)': value -99999999.0 (rule: not negative" in line
