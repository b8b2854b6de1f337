"""The source registry (``sources.toml``) and ``fetch``: raw files into ``data/raw``.

Each source is downloaded from its pinned URL (with :mod:`requests`, under an overall deadline) or
copied from a local mirror into ``data/raw/<source>/<release>/<filename>``, checked against its
sha256, and described by a provenance record ``<filename>.provenance.json`` beside it (publisher,
URL, retrieved-at, sha256, licence). A good file already in ``data/raw`` is never replaced by a bad
or partial one: new bytes are written to a temporary ``.part-`` name in the same folder, verified,
then renamed into place; the temporary file is removed on any failure (also Ctrl-C).

``fetch --latest`` (SMHI's current export, whose hash cannot be known in advance) lives in
:mod:`borlange_analysis.ingest.latest`; this module lists the releases it registered.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .. import config
from .._io import atomic_write_json
from ..errors import DataFileError, FetchError, UnknownValueError


@dataclass(frozen=True)
class Source:
    """One raw input as registered in ``sources.toml``."""

    name: str
    publisher: str
    route: str
    description: str
    licence: str
    url: str
    sha256: str | None
    mirror_path: str | None
    release: str
    published: str
    parser: str
    filename: str = field(default="")
    #: Gas basis of an emissions source: "CO2e" (all greenhouse gases, GWP100 AR5) or "CO2"; "" otherwise.
    gas: str = field(default="")
    #: Levels of a kommun emissions source ("total", "sector", "subsector"); empty for other sources.
    levels: tuple[str, ...] = field(default=())
    #: First and last year with data (kommun emissions sources); empty when not known before parsing.
    years: tuple[int, ...] = field(default=())

    @property
    def file_name(self) -> str:
        return self.filename or PurePosixPath(self.mirror_path or self.url).name

    def raw_path(self, root: Path | None = None) -> Path:
        """Where the file lives in ``data/raw``."""
        return (root or config.raw_dir()) / self.name / self.release / self.file_name

    def provenance_path(self, root: Path | None = None) -> Path:
        p = self.raw_path(root)
        return p.with_name(p.name + ".provenance.json")


def _load_toml() -> dict:
    with open(config.SOURCES_FILE, "rb") as fh:
        return tomllib.load(fh)


def registry(root: Path | None = None) -> dict[str, Source]:
    """All registered sources, by name: the fixed releases of sources.toml, plus the releases that
    ``fetch --latest`` registered under ``root`` (default ``data/raw``)."""
    data = _load_toml()
    out = {}
    for name, entry in data["sources"].items():
        entry = {**entry, "levels": tuple(entry.get("levels", ())), "years": tuple(entry.get("years", ()))}
        out[name] = Source(name=name, **entry)
    out.update(latest_releases(root))
    return out


def get_source(name: str) -> Source:
    reg = registry()
    if name not in reg:
        raise UnknownValueError("source", name, sorted(reg))
    return reg[name]


def sha256_of(path: os.PathLike | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def _provenance(src: Source, sha: str, via: str) -> dict:
    return {
        "gas": src.gas,
        "source": src.name,
        "publisher": src.publisher,
        "route": src.route,
        "description": src.description,
        "licence": src.licence,
        "url": src.url,
        "release": src.release,
        "published": src.published,
        "sha256": sha,
        "sha256_expected": src.sha256,
        "retrieved_at": _now(),
        "retrieved_via": via,
        "file": src.file_name,
    }


def read_provenance(src: Source, root: Path | None = None) -> dict:
    """The provenance record of a fetched source (raises DataFileError if not fetched)."""
    p = src.provenance_path(root)
    if not p.is_file():
        raise DataFileError(
            f"Source {src.name!r} has not been fetched: {p} is missing. "
            "Run `borlange-analysis fetch` (with --mirror DIR when offline)."
        )
    return json.loads(p.read_text(encoding="utf-8"))


def _have_good_copy(src: Source, root: Path | None) -> bool:
    dest = src.raw_path(root)
    return dest.is_file() and src.sha256 is not None and sha256_of(dest) == src.sha256


def _place_verified(src: Source, tmp: Path, via: str, root: Path | None) -> Path:
    """Verify ``tmp`` against the registry hash, then move it into place with its record."""
    dest = src.raw_path(root)
    sha = sha256_of(tmp)
    if src.sha256 is not None and sha != src.sha256:
        tmp.unlink(missing_ok=True)
        raise FetchError(
            f"Checksum mismatch for source {src.name!r} from {via}: expected sha256 {src.sha256}, "
            f"got {sha}. The file at {src.url} (or its mirror copy) is not the registered one; "
            f"{'the good copy already in data/raw was kept' if dest.exists() else 'nothing was written'}. "
            "Check the mirror folder, or update sources.toml if the publisher has really changed the file."
        )
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)
    atomic_write_json(src.provenance_path(root), _provenance(src, sha, via))
    return dest


#: Overall deadline of one download in seconds (``fetch --timeout``): a server that trickles bytes
#: cannot keep an unattended run busy for longer.
DEFAULT_TIMEOUT_S = 300.0
#: Longest wait for the next bytes of a download (never longer than what is left of the deadline).
READ_TIMEOUT_S = 30.0
PART_PREFIX = ".part-"


def _part_file(folder: Path, suffix: str) -> Path:
    """A new empty temporary file in ``folder`` for a download in progress."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=PART_PREFIX, suffix=suffix)
    os.close(fd)
    return Path(name)


def fetch_source(
    src: Source,
    *,
    mirror: os.PathLike | str | None = None,
    root: Path | None = None,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Path:
    """Fetch one source into ``data/raw`` and return its path.

    With a ``mirror`` folder (or ``$BORLANGE_DATA_MIRROR``) the file is copied from
    ``<mirror>/<mirror_path>``; otherwise it is downloaded from ``src.url`` within ``timeout``
    seconds. A file already present with the right sha256 is kept (unless ``force``).
    """
    mirror_root = config.mirror_dir(mirror)
    dest = src.raw_path(root)
    if not force and _have_good_copy(src, root):
        if not src.provenance_path(root).is_file():
            atomic_write_json(src.provenance_path(root), _provenance(src, src.sha256 or "", "existing file"))
        return dest
    tmp = _part_file(dest.parent, "-" + src.file_name)
    try:
        if mirror_root is not None:
            origin = mirror_root / (src.mirror_path or src.file_name)
            if not origin.is_file():
                raise FetchError(
                    f"Source {src.name!r}: the mirror has no file {origin} (URL {src.url}). "
                    f"Point --mirror / BORLANGE_DATA_MIRROR at a folder laid out like shared/data, "
                    "or run without a mirror to download from the URL."
                )
            shutil.copyfile(origin, tmp)
            os.chmod(tmp, 0o644)
            via = f"mirror:{origin}"
        else:
            download(src.url, tmp, name=f"source {src.name!r}", timeout=timeout)
            via = src.url
        return _place_verified(src, tmp, via, root)
    finally:
        tmp.unlink(missing_ok=True)


class _DeadlineExceeded(Exception):
    pass


def _socket_of(resp) -> socket.socket | None:
    """The socket under a streamed :mod:`requests` response (to bound each read by the deadline)."""
    conn = getattr(resp.raw, "connection", None)
    sock = getattr(conn, "sock", None)
    return sock if isinstance(sock, socket.socket) else None


def download(url: str, tmp: Path, *, name: str, timeout: float = DEFAULT_TIMEOUT_S) -> None:
    """Download ``url`` into the file ``tmp`` within an overall deadline of ``timeout`` seconds.

    The deadline covers connecting, waiting and reading: each read waits at most for what is left
    of it (and never more than ``READ_TIMEOUT_S``), so a server that trickles a byte every few
    seconds is cut off at the deadline. Any failure raises :class:`FetchError` naming ``name``,
    the URL and what to do; the caller removes ``tmp``.
    """
    import requests
    import urllib3

    if timeout <= 0:
        raise FetchError(f"The download deadline must be a positive number of seconds, got {timeout:g}.")
    deadline = time.monotonic() + timeout
    first_wait = min(READ_TIMEOUT_S, timeout)
    hint = (
        "Check the network, or use a local copy with --mirror DIR (or BORLANGE_DATA_MIRROR) laid out like shared/data."
    )
    try:
        with requests.get(
            url,
            stream=True,
            timeout=(first_wait, first_wait),
            headers={"User-Agent": "borlange-analysis (+https://pypi.org/project/borlange-analysis/)"},
        ) as resp:
            if resp.status_code >= 400:
                raise FetchError(
                    f"Could not download {name} from {url}: the server answered HTTP {resp.status_code} "
                    f"{resp.reason or ''}. {hint}".replace("  ", " ")
                )
            sock = _socket_of(resp)
            with open(tmp, "wb") as fh:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise _DeadlineExceeded
                    if sock is not None:
                        sock.settimeout(min(READ_TIMEOUT_S, left))
                    chunk = resp.raw.read1(1 << 16, decode_content=True)
                    if not chunk:
                        break
                    fh.write(chunk)
    except FetchError:
        raise
    except (_DeadlineExceeded, requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError) as exc:
        if isinstance(exc, _DeadlineExceeded) or time.monotonic() >= deadline - 0.05:
            raise FetchError(
                f"Download of {name} from {url} did not finish within the deadline of {timeout:g} s "
                "(fetch --timeout SECONDS); the partial file was removed and nothing was registered."
            ) from None
        raise FetchError(
            f"Could not download {name} from {url}: the server sent nothing for {READ_TIMEOUT_S:g} s. {hint}"
        ) from None
    except Exception as exc:  # network errors come in many types (requests, urllib3, OSError)
        raise FetchError(f"Could not download {name} from {url}: {exc}. {hint}") from exc


def fetch_all(
    names: list[str] | None = None,
    *,
    mirror: os.PathLike | str | None = None,
    root: Path | None = None,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT_S,
    progress=None,
) -> dict[str, Path]:
    """Fetch every registered source (or the named ones); stops at the first failure.

    ``timeout`` is the deadline of each download, in seconds."""
    reg = {n: s for n, s in registry().items() if s.sha256 is not None}
    if names:
        for n in names:
            if n not in reg:
                raise UnknownValueError("source", n, sorted(reg))
        reg = {n: reg[n] for n in names}
    out = {}
    for name, src in reg.items():
        out[name] = fetch_source(src, mirror=mirror, root=root, force=force, timeout=timeout)
        if progress is not None:
            progress(name)
    return out


# --- releases registered by fetch --latest ------------------------------------------------------

#: Folder under ``data/raw`` that holds the releases registered by ``fetch --latest``.
LATEST_DIR = "smhi_latest"
#: Sub-folder of :data:`LATEST_DIR` where refused downloads are kept with their reason.
QUARANTINE_DIR = "_quarantine"


def latest_kinds() -> list[str]:
    """The exports ``fetch --latest`` knows (``[latest.<kind>]`` tables of sources.toml)."""
    return sorted(_load_toml().get("latest", {}))


def latest_spec(kind: str = "smhi") -> dict:
    """The ``[latest.<kind>]`` table of sources.toml (URL, parser, gas, release prefix, ...)."""
    specs = _load_toml().get("latest", {})
    if kind not in specs:
        raise UnknownValueError("latest source", kind, sorted(specs))
    return specs[kind]


def latest_source(kind: str, *, release: str, published: str, sha256: str | None, url: str | None = None) -> Source:
    """The :class:`Source` of one release of a ``fetch --latest`` export."""
    spec = latest_spec(kind)
    return Source(
        name=LATEST_DIR,
        publisher=spec["publisher"],
        route=spec["route"],
        description=spec["description"],
        licence=spec["licence"],
        url=url or spec["url"],
        sha256=sha256,
        mirror_path=None,
        release=release,
        published=published,
        parser=spec["parser"],
        filename=spec["filename"],
        gas=spec["gas"],
        levels=tuple(spec.get("levels", ())),
    )


def latest_releases(root: Path | None = None) -> dict[str, Source]:
    """Releases registered by ``fetch --latest``: one per provenance record under ``smhi_latest``.

    Keys are ``smhi_latest_<release>``; each source carries the sha256, gas, levels and first and
    last year of its record, so ``prepare`` can verify the bytes and parameters can be checked before
    anything is parsed. Refused downloads (``_quarantine``) are not releases."""
    base = (root or config.raw_dir()) / LATEST_DIR
    out: dict[str, Source] = {}
    if not base.is_dir():
        return out
    specs = _load_toml().get("latest", {})
    for prov in sorted(base.glob("*/*.provenance.json")):
        if prov.parent.name.startswith(("_", ".")):
            continue
        try:
            rec = json.loads(prov.read_text(encoding="utf-8"))
            kind = rec.get("latest_kind", "smhi")
            release = rec["release"]
        except (json.JSONDecodeError, KeyError, UnicodeDecodeError) as exc:
            raise DataFileError(
                f"{prov}: unreadable provenance record of a `fetch --latest` release ({exc}); "
                f"delete the folder {prov.parent} to drop that release"
            ) from None
        if kind not in specs:
            continue
        src = latest_source(kind, release=release, published=rec.get("published", release), sha256=rec["sha256"])
        src = dataclasses.replace(
            src,
            url=rec.get("url", src.url),
            filename=rec.get("file", src.filename),
            levels=tuple(rec.get("levels", src.levels)),
            years=tuple(int(y) for y in rec.get("years", ())),
        )
        out[f"{LATEST_DIR}_{release}"] = src
    return out


def fetch_latest(kind: str = "smhi", *, root: Path | None = None, today: str | None = None, url: str | None = None):
    """Deprecated: use :func:`borlange_analysis.ingest.latest.fetch_latest`, which checks the
    download before registering it and returns a ``LatestResult``; this returns its ``path``."""
    import warnings

    from .latest import fetch_latest as _fetch_latest

    warnings.warn(
        "borlange_analysis.ingest.sources.fetch_latest moved to borlange_analysis.ingest.latest.fetch_latest",
        DeprecationWarning,
        stacklevel=2,
    )
    return _fetch_latest(kind, root=root, today=today, url=url).path
