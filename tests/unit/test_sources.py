"""fetch: mirror copies, checksum checks, never replacing a good file with a bad one."""

import dataclasses
import hashlib
import json

import pytest

from borlange_analysis.errors import FetchError
from borlange_analysis.ingest import sources


def _src(tmp_path, content: bytes, sha: str | None = None):
    mirror = tmp_path / "mirror"
    (mirror / "x").mkdir(parents=True)
    (mirror / "x" / "file.csv").write_bytes(content)
    base = sources.get_source("kolada_avfall")
    return mirror, dataclasses.replace(
        base,
        name="demo",
        mirror_path="x/file.csv",
        release="r1",
        sha256=sha or hashlib.sha256(content).hexdigest(),
        url="http://127.0.0.1:9/unreachable/file.csv",
    )


def test_registry_lists_every_source_with_required_fields():
    reg = sources.registry()
    assert len(reg) >= 17
    for src in reg.values():
        assert src.publisher and src.licence and src.parser and src.url.startswith("https://")
        assert src.sha256 and len(src.sha256) == 64
        assert "raw.githubusercontent.com" in src.url and len(src.url.split("/")[5]) == 40  # pinned commit


def test_fetch_from_mirror_writes_file_and_provenance(tmp_path):
    mirror, src = _src(tmp_path, b"a,b\n1,2\n")
    root = tmp_path / "raw"
    path = sources.fetch_source(src, mirror=mirror, root=root)
    assert path == root / "demo" / "r1" / "file.csv" and path.read_bytes() == b"a,b\n1,2\n"
    prov = json.loads(src.provenance_path(root).read_text())
    for key in ("publisher", "url", "retrieved_at", "sha256", "licence"):
        assert prov[key]
    assert prov["sha256"] == src.sha256


def test_checksum_mismatch_keeps_good_file(tmp_path):
    mirror, src = _src(tmp_path, b"good")
    root = tmp_path / "raw"
    sources.fetch_source(src, mirror=mirror, root=root)
    (mirror / "x" / "file.csv").write_bytes(b"tampered")
    with pytest.raises(
        FetchError, match=r"Checksum mismatch for source 'demo'.*good copy already in data/raw was kept"
    ):
        sources.fetch_source(src, mirror=mirror, root=root, force=True)
    assert src.raw_path(root).read_bytes() == b"good"
    assert not [p for p in src.raw_path(root).parent.iterdir() if p.name.startswith(".part-")]


def test_missing_mirror_file_names_source_and_url(tmp_path):
    mirror, src = _src(tmp_path, b"x")
    (mirror / "x" / "file.csv").unlink()
    with pytest.raises(FetchError, match=r"Source 'demo': the mirror has no file .*URL http://127.0.0.1:9"):
        sources.fetch_source(src, mirror=mirror, root=tmp_path / "raw")


def test_network_failure_is_clear(tmp_path, monkeypatch):
    monkeypatch.delenv("BORLANGE_DATA_MIRROR", raising=False)
    _, src = _src(tmp_path, b"x")
    with pytest.raises(FetchError, match=r"Could not download source 'demo' from http://127.0.0.1:9.*--mirror"):
        sources.fetch_source(src, root=tmp_path / "raw")
    assert not src.raw_path(tmp_path / "raw").exists()


def test_download_of_a_source_has_a_deadline(tmp_path, loopback, monkeypatch):
    """An ordinary source from a server that trickles bytes: stopped at --timeout, no .part left."""
    monkeypatch.delenv("BORLANGE_DATA_MIRROR", raising=False)
    _, src = _src(tmp_path, b"x")
    url = loopback.set("/slow.csv", loopback.Route(b"a;b\n" * 100, trickle=0.2, trickle_max_s=15))
    src = dataclasses.replace(src, url=url)
    with pytest.raises(FetchError, match=r"source 'demo' .* did not finish within the deadline of 1 s"):
        sources.fetch_source(src, root=tmp_path / "raw", timeout=1)
    folder = src.raw_path(tmp_path / "raw").parent
    assert not src.raw_path(tmp_path / "raw").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".part-")]


def test_interrupted_download_leaves_no_part_file(tmp_path, monkeypatch):
    monkeypatch.delenv("BORLANGE_DATA_MIRROR", raising=False)
    _, src = _src(tmp_path, b"x")

    def interrupted(url, tmp, *, name, timeout):
        tmp.write_bytes(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(sources, "download", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sources.fetch_source(src, root=tmp_path / "raw")
    folder = src.raw_path(tmp_path / "raw").parent
    assert not [p for p in folder.iterdir() if p.name.startswith(".part-")]


def test_prepare_refuses_a_raw_file_changed_after_fetch(tmp_path):
    """The bytes are checked against the provenance record before a parser sees them."""
    from borlange_analysis.errors import DataFileError
    from borlange_analysis.ingest import prepare

    mirror, src = _src(tmp_path, b"year,a\n2020,1\n2021,2\n")
    root = tmp_path / "raw"
    path = sources.fetch_source(src, mirror=mirror, root=root)
    assert prepare._raw(src, root) == path
    path.write_bytes(b"year,a\n2020,1\n")  # cut at a line boundary
    with pytest.raises(DataFileError) as exc_info:
        prepare._raw(src, root)
    msg = str(exc_info.value)
    assert msg.startswith(f"{path}: the file changed after it was fetched") and "\n" not in msg
    assert "`borlange-analysis fetch --force --source demo`" in msg


def test_prepare_refuses_a_record_that_differs_from_the_registry(tmp_path):
    from borlange_analysis.errors import DataFileError
    from borlange_analysis.ingest import prepare

    mirror, src = _src(tmp_path, b"a,b\n1,2\n")
    root = tmp_path / "raw"
    sources.fetch_source(src, mirror=mirror, root=root)
    newer = dataclasses.replace(src, sha256="0" * 64)  # sources.toml now pins another file
    with pytest.raises(
        DataFileError, match=r"the registry \(sources.toml\) expects sha256 0000000000000000.*fetch --force"
    ):
        prepare._raw(newer, root)


@pytest.fixture
def http_server(tmp_path):
    """A file server on the loopback interface (the real download code path, no internet)."""
    import functools
    import http.server
    import threading

    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_over_http_verifies_checksum(tmp_path, http_server, monkeypatch):
    monkeypatch.delenv("BORLANGE_DATA_MIRROR", raising=False)
    www, base = http_server
    (www / "file.csv").write_bytes(b"a;b\n1;2\n")
    _, src = _src(tmp_path, b"a;b\n1;2\n")
    src = dataclasses.replace(src, url=f"{base}/file.csv")
    path = sources.fetch_source(src, root=tmp_path / "raw")
    assert path.read_bytes() == b"a;b\n1;2\n"
    assert json.loads(src.provenance_path(tmp_path / "raw").read_text())["retrieved_via"] == src.url
    # the publisher changes the file: the download fails and the good copy stays
    (www / "file.csv").write_bytes(b"changed")
    with pytest.raises(FetchError, match="Checksum mismatch"):
        sources.fetch_source(src, root=tmp_path / "raw", force=True)
    assert path.read_bytes() == b"a;b\n1;2\n"
    # a missing file on the server is a clear error too
    src404 = dataclasses.replace(src, url=f"{base}/missing.csv", name="gone")
    with pytest.raises(FetchError, match="Could not download source 'gone'"):
        sources.fetch_source(src404, root=tmp_path / "raw")
