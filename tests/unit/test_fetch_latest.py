"""fetch --latest against a loopback HTTP server: a good export is registered, an unchanged one is
not, and a bad one (HTML page, truncated or cut-off workbook, schema or plausibility failure, byte
trickle, HTTP error) is refused without touching the releases registered before."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from borlange_analysis import config
from borlange_analysis.errors import FetchError
from borlange_analysis.ingest import latest, prepare, sources

KINDS = [("smhi", "smhi", "CO2e"), ("smhi-co2", "smhi-co2", "CO2")]


@pytest.fixture
def only_latest_registry(tmp_path, monkeypatch):
    """A sources.toml with no fixed releases, only the [latest.*] exports of the real one, so the
    first download of each gas has no previous release to be compared with."""
    real = config.SOURCES_FILE.read_text(encoding="utf-8")
    text = "[sources]\n\n" + real[real.index("[latest.smhi]") :]
    f = tmp_path / "sources.toml"
    f.write_text(text, encoding="utf-8")
    monkeypatch.setattr(config, "SOURCES_FILE", f)
    return tmp_path / "raw"


def _parts(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(".part-")]


def _good(smhi_fixture, scale=1.0, stamp="2026-11-27 06:00"):
    rows, years = smhi_fixture.small_rows(scale)
    return smhi_fixture.workbook(rows, years, stamp=stamp)


def test_latest_specs_share_the_url_but_the_substance():
    smhi, co2 = sources.latest_spec("smhi"), sources.latest_spec("smhi-co2")
    assert smhi["url"].replace("sub=GGT", "sub=CO2") == co2["url"]
    assert (smhi["gas"], co2["gas"]) == ("CO2e", "CO2")
    assert (smhi["release_prefix"], co2["release_prefix"]) == ("smhi", "smhi-co2")
    assert sources.latest_kinds() == ["smhi", "smhi-co2"]


@pytest.mark.parametrize("kind, prefix, gas", KINDS)
def test_good_export_is_registered_with_its_gas(kind, prefix, gas, only_latest_registry, loopback, smhi_fixture):
    root = only_latest_registry
    url = loopback.set("/export.xlsx", loopback.Route(_good(smhi_fixture)))
    res = latest.fetch_latest(kind, root=root, today="2026-11-27", url=url, timeout=20)
    assert (res.status, res.release, res.gas) == ("registered", f"{prefix}-2026-11-27", gas)
    assert res.path.is_file() and res.compared_with is None
    prov = json.loads(res.path.with_name(res.path.name + ".provenance.json").read_text())
    assert prov["latest_kind"] == kind and prov["gas"] == gas and prov["url"] == url
    assert prov["table_sha256"] == res.table_sha256 and len(prov["sha256"]) == 64
    assert prov["levels"] == ["total", "sector", "subsector"] and prov["years"] == [1990, 2019]
    reg = sources.latest_releases(root)
    assert list(reg) == [f"smhi_latest_{prefix}-2026-11-27"]
    src = reg[f"smhi_latest_{prefix}-2026-11-27"]
    assert (src.gas, src.levels, src.years) == (gas, ("total", "sector", "subsector"), (1990, 2019))
    assert not _parts(root)


@pytest.mark.parametrize("kind, prefix, gas", KINDS)
def test_unchanged_export_with_a_new_timestamp_is_not_a_new_release(
    kind, prefix, gas, only_latest_registry, loopback, smhi_fixture
):
    root = only_latest_registry
    first, second = _good(smhi_fixture, stamp="2026-11-27 06:00"), _good(smhi_fixture, stamp="2026-11-28 06:00")
    assert first != second  # the bytes differ (generation time), the data do not
    url = loopback.set("/export.xlsx", loopback.Route(first))
    latest.fetch_latest(kind, root=root, today="2026-11-27", url=url, timeout=20)
    loopback.set("/export.xlsx", loopback.Route(second))
    res = latest.fetch_latest(kind, root=root, today="2026-11-28", url=url, timeout=20)
    assert (res.status, res.release) == ("unchanged", f"{prefix}-2026-11-27")
    assert len(sources.latest_releases(root)) == 1 and not (root / "smhi_latest" / f"{prefix}-2026-11-28").exists()
    # changed data the next day are a new release, compared with the previous one of the same gas
    loopback.set("/export.xlsx", loopback.Route(_good(smhi_fixture, scale=1.05, stamp="2026-11-29 06:00")))
    res = latest.fetch_latest(kind, root=root, today="2026-11-29", url=url, timeout=20)
    assert (res.status, res.release, res.compared_with) == (
        "registered",
        f"{prefix}-2026-11-29",
        f"{prefix}-2026-11-27",
    )
    assert not _parts(root)


def test_the_two_exports_do_not_mix(only_latest_registry, loopback, smhi_fixture):
    """A CO2 release is compared with CO2 releases only, and never counts as the same export."""
    root = only_latest_registry
    url = loopback.set("/export.xlsx", loopback.Route(_good(smhi_fixture)))
    a = latest.fetch_latest("smhi", root=root, today="2026-11-27", url=url, timeout=20)
    b = latest.fetch_latest("smhi-co2", root=root, today="2026-11-27", url=url, timeout=20)
    assert (a.status, b.status) == ("registered", "registered") and b.compared_with is None
    gases = {s.release: s.gas for s in sources.latest_releases(root).values()}
    assert gases == {"smhi-2026-11-27": "CO2e", "smhi-co2-2026-11-27": "CO2"}


def _assert_refused(exc_info, root: Path, slug: str) -> tuple[Path, str]:
    err = exc_info.value
    assert isinstance(err, latest.QuarantinedDownloadError) and isinstance(err, FetchError)
    assert err.reason == slug and err.path.is_file() and err.reason_file.is_file()
    assert err.path.parent == root / "smhi_latest" / "_quarantine" and f"-{slug}" in err.path.name
    assert "\n" not in str(err) and "not registered" in str(err) and "earlier releases are unchanged" in str(err)
    reason = err.reason_file.read_text(encoding="utf-8")
    assert f"reason: {slug}" in reason and "sha256: " in reason
    assert not _parts(root)
    return err.path, reason


@pytest.mark.parametrize("kind, prefix, gas", KINDS)
def test_html_error_page_is_refused_and_earlier_release_kept(
    kind, prefix, gas, only_latest_registry, loopback, smhi_fixture
):
    root = only_latest_registry
    url = loopback.set("/export.xlsx", loopback.Route(_good(smhi_fixture)))
    good = latest.fetch_latest(kind, root=root, today="2026-11-27", url=url, timeout=20)
    page = b"<!DOCTYPE html><html><body><h1>503 Service Unavailable</h1></body></html>"
    loopback.set("/export.xlsx", loopback.Route(page, content_type="text/html"))
    with pytest.raises(latest.QuarantinedDownloadError, match="HTML page") as exc_info:
        latest.fetch_latest(kind, root=root, today="2026-11-28", url=url, timeout=20)
    path, _ = _assert_refused(exc_info, root, "html")
    assert path.read_bytes() == page and path.name.endswith(f"-{kind}-html.xlsx")
    assert list(sources.latest_releases(root)) == [f"smhi_latest_{good.release}"]
    # the earlier release still parses and validates as prepare reads it
    src = sources.latest_releases(root)[f"smhi_latest_{good.release}"]
    kom, _ = prepare.checked_emission_tables(src, prepare._raw(src, root))
    assert kom is not None and set(kom["kommun"]) == {"Borlänge", "Falun"}


@pytest.mark.parametrize("kind", ["smhi", "smhi-co2"])
def test_truncated_workbook_is_refused(kind, only_latest_registry, loopback, smhi_fixture):
    root = only_latest_registry
    body = _good(smhi_fixture)
    url = loopback.set("/export.xlsx", loopback.Route(body[: len(body) // 2]))
    with pytest.raises(latest.QuarantinedDownloadError, match="cannot be read as smhi_xlsx") as exc_info:
        latest.fetch_latest(kind, root=root, today="2026-11-27", url=url, timeout=20)
    _assert_refused(exc_info, root, "unreadable")
    assert sources.latest_releases(root) == {}


def test_transfer_cut_off_is_a_failed_download(only_latest_registry, loopback, smhi_fixture):
    """The server announces more bytes than it sends: the download fails, nothing is kept."""
    root = only_latest_registry
    body = _good(smhi_fixture)
    url = loopback.set("/export.xlsx", loopback.Route(body[:1000], declared_length=len(body)))
    with pytest.raises(FetchError, match="Could not download SMHI's current export") as exc_info:
        latest.fetch_latest("smhi", root=root, today="2026-11-27", url=url, timeout=20)
    assert not isinstance(exc_info.value, latest.QuarantinedDownloadError)
    assert not _parts(root) and sources.latest_releases(root) == {}


@pytest.mark.parametrize("kind", ["smhi", "smhi-co2"])
def test_workbook_breaking_the_schema_names_file_row_column(kind, only_latest_registry, loopback, smhi_fixture):
    root = only_latest_registry
    rows, years = smhi_fixture.small_rows()
    rows[3] = (*rows[3][:4], [rows[3][4][0], -99_999_999.0])  # Borlänge, Transporter, 2019
    url = loopback.set("/export.xlsx", loopback.Route(smhi_fixture.workbook(rows, years)))
    with pytest.raises(latest.QuarantinedDownloadError) as exc_info:
        latest.fetch_latest(kind, root=root, today="2026-11-27", url=url, timeout=20)
    path, reason = _assert_refused(exc_info, root, "schema")
    # header on row 5, data from row 6: rows[3] is on row 9; the column is the year as the file shows it
    assert f"{path}: " in str(exc_info.value)
    assert "row 9, column '2019 (t_co2e)': value -99999999.0 (rule: not negative" in str(exc_info.value)
    assert "row 9, column '2019 (t_co2e)'" in reason


def test_unknown_kommun_in_export_names_row_and_column(only_latest_registry, loopback, smhi_fixture):
    root = only_latest_registry
    rows, years = smhi_fixture.small_rows()
    rows[2] = ("Alla", "Alla", "Dalarnas län", "Borlängé City", rows[2][4])
    url = loopback.set("/export.xlsx", loopback.Route(smhi_fixture.workbook(rows, years)))
    with pytest.raises(
        latest.QuarantinedDownloadError, match=r"row 8, column 'kommun': Unknown kommun 'Borlängé City'"
    ):
        latest.fetch_latest("smhi", root=root, today="2026-11-27", url=url, timeout=20)


@pytest.mark.parametrize("kind, prefix, gas", KINDS)
def test_implausible_against_previous_release_is_refused(
    kind, prefix, gas, only_latest_registry, loopback, smhi_fixture
):
    root = only_latest_registry
    url = loopback.set("/export.xlsx", loopback.Route(_good(smhi_fixture)))
    latest.fetch_latest(kind, root=root, today="2026-11-27", url=url, timeout=20)
    # every value three times too high (still below the bound per value): Sweden's total jumps by 200 %
    loopback.set("/export.xlsx", loopback.Route(_good(smhi_fixture, scale=3.0, stamp="2026-11-28 06:00")))
    with pytest.raises(latest.QuarantinedDownloadError, match=r"column '1990': Sweden's total .* from release") as e1:
        latest.fetch_latest(kind, root=root, today="2026-11-28", url=url, timeout=20)
    _assert_refused(e1, root, "implausible")
    assert len(sources.latest_releases(root)) == 1


def test_one_kommun_scaled_is_caught_by_the_kommun_rule(only_latest_registry, loopback, smhi_fixture):
    """100 kommuner: one total multiplied by 6 moves Sweden's total by 9 %, within the national
    rule; the rule per kommun refuses it, naming its row and column."""
    from borlange_analysis.names import kommun_resolver

    root = only_latest_registry
    res = kommun_resolver()
    names = [res.by_code[c] for c in sorted(res.by_code)][:100]
    years = [2019]

    def book(factor: float, stamp: str) -> bytes:
        rows = [("Alla", "Alla", "Län", n, [100_000.0 * (factor if i == 3 else 1)]) for i, n in enumerate(names)]
        return smhi_fixture.workbook(rows, years, stamp=stamp)

    url = loopback.set("/export.xlsx", loopback.Route(book(1, "2026-11-27 06:00")))
    latest.fetch_latest("smhi", root=root, today="2026-11-27", url=url, timeout=20)
    loopback.set("/export.xlsx", loopback.Route(book(1.8, "2026-11-28 06:00")))  # one kommun +80 %: plausible
    assert latest.fetch_latest("smhi", root=root, today="2026-11-28", url=url, timeout=20).status == "registered"
    loopback.set("/export.xlsx", loopback.Route(book(1.8 * 6, "2026-11-29 06:00")))
    with pytest.raises(latest.QuarantinedDownloadError) as exc_info:
        latest.fetch_latest("smhi", root=root, today="2026-11-29", url=url, timeout=20)
    _assert_refused(exc_info, root, "implausible")
    assert f"row 9, column '2019': {names[3]} ({res.code(names[3])}) total 1,080,000 t is 6 times" in str(
        exc_info.value
    )


@pytest.mark.parametrize("kind", ["smhi", "smhi-co2"])
def test_byte_trickle_hits_the_deadline(kind, only_latest_registry, loopback):
    root = only_latest_registry
    url = loopback.set("/export.xlsx", loopback.Route(b"PK\x03\x04" + b"x" * 200, trickle=0.2, trickle_max_s=15))
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"did not finish within the deadline of 1.5 s") as exc_info:
        latest.fetch_latest(kind, root=root, today="2026-11-27", url=url, timeout=1.5)
    took = time.monotonic() - t0
    assert 1.4 <= took < 4, took
    assert not isinstance(exc_info.value, latest.QuarantinedDownloadError)
    assert not _parts(root) and sources.latest_releases(root) == {}


def test_silent_server_hits_the_deadline(only_latest_registry, loopback):
    """A server that sends the headers and then nothing: the read wait is bounded by the deadline."""
    root = only_latest_registry
    url = loopback.set("/export.xlsx", loopback.Route(b"", trickle=30, trickle_max_s=10))
    t0 = time.monotonic()
    with pytest.raises(FetchError, match="deadline of 1 s"):
        latest.fetch_latest("smhi", root=root, today="2026-11-27", url=url, timeout=1)
    assert time.monotonic() - t0 < 3 and not _parts(root)


def test_http_error_is_a_failed_download(only_latest_registry, loopback):
    root = only_latest_registry
    url = loopback.set("/export.xlsx", loopback.Route(b"busy", status=503, content_type="text/plain"))
    with pytest.raises(FetchError, match="HTTP 503"):
        latest.fetch_latest("smhi", root=root, today="2026-11-27", url=url, timeout=5)
    assert not _parts(root) and not (root / "smhi_latest" / "_quarantine").exists()


def test_interrupt_removes_the_part_file(only_latest_registry, loopback, smhi_fixture, monkeypatch):
    """Ctrl-C while checking the download: the .part file goes, nothing is registered."""
    root = only_latest_registry
    url = loopback.set("/export.xlsx", loopback.Route(_good(smhi_fixture)))

    def interrupted(*args, **kwargs):
        assert _parts(root), "the download should be in a .part file while it is checked"
        raise KeyboardInterrupt

    monkeypatch.setattr(latest, "_check", interrupted)
    with pytest.raises(KeyboardInterrupt):
        latest.fetch_latest("smhi", root=root, today="2026-11-27", url=url, timeout=5)
    assert not _parts(root) and sources.latest_releases(root) == {}


def test_unknown_latest_kind_lists_the_valid_ones(only_latest_registry):
    from borlange_analysis.errors import UnknownValueError

    with pytest.raises(UnknownValueError, match="Unknown latest source 'smhi-ch4'.*smhi, smhi-co2"):
        latest.fetch_latest("smhi-ch4", root=only_latest_registry)


def test_quarantine_keeps_a_bounded_number(only_latest_registry, loopback, monkeypatch):
    root = only_latest_registry
    monkeypatch.setattr(latest, "QUARANTINE_KEEP", 3)
    url = loopback.set("/export.xlsx", loopback.Route(b"<html>down</html>", content_type="text/html"))
    for i in range(5):
        monkeypatch.setattr(latest, "_stamp", lambda i=i: f"20261127T00000{i}Z")
        with pytest.raises(latest.QuarantinedDownloadError):
            latest.fetch_latest("smhi", root=root, today="2026-11-27", url=url, timeout=5)
    kept = sorted(p.name for p in (root / "smhi_latest" / "_quarantine").iterdir())
    assert kept == [f"20261127T00000{i}Z-smhi-html.{ext}" for i in (2, 3, 4) for ext in ("reason.txt", "xlsx")]


def test_table_hash_ignores_row_order_and_row_numbers():
    import pandas as pd

    a = pd.DataFrame({"kommun": ["A", "B"], "year": [1990, 1990], "t_co2e": [1.0, 2.0], "_row": [6, 7]})
    b = a.iloc[::-1].assign(_row=[9, 8])
    assert latest.table_sha256(a) == latest.table_sha256(b)
    assert latest.table_sha256(a) != latest.table_sha256(a.assign(t_co2e=[1.0, 2.0000001]))
