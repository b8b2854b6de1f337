"""The source registry (``sources.toml``) and ``fetch``: raw files into ``data/raw``.

Each source is downloaded from its pinned URL (with :mod:`pooch`) or copied from a local mirror
into ``data/raw/<source>/<release>/<filename>``, checked against its sha256, and described by a
provenance record ``<filename>.provenance.json`` beside it (publisher, URL, retrieved-at, sha256,
licence). A good file already in ``data/raw`` is never replaced by a bad or partial one: new bytes
are written to a temporary name in the same folder, verified, then renamed into place.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
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


def registry() -> dict[str, Source]:
    """All registered sources, by name (fixed releases, plus any ``fetch --latest`` releases)."""
    data = _load_toml()
    out = {}
    for name, entry in data["sources"].items():
        entry = {**entry, "levels": tuple(entry.get("levels", ())), "years": tuple(entry.get("years", ()))}
        out[name] = Source(name=name, **entry)
    out.update(latest_releases())
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


def fetch_source(
    src: Source,
    *,
    mirror: os.PathLike | str | None = None,
    root: Path | None = None,
    force: bool = False,
) -> Path:
    """Fetch one source into ``data/raw`` and return its path.

    With a ``mirror`` folder (or ``$BORLANGE_DATA_MIRROR``) the file is copied from
    ``<mirror>/<mirror_path>``; otherwise it is downloaded from ``src.url``. A file already present
    with the right sha256 is kept (unless ``force``).
    """
    mirror_root = config.mirror_dir(mirror)
    dest = src.raw_path(root)
    if not force and _have_good_copy(src, root):
        if not src.provenance_path(root).is_file():
            atomic_write_json(src.provenance_path(root), _provenance(src, src.sha256 or "", "existing file"))
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmpname = tempfile.mkstemp(dir=dest.parent, prefix=".part-", suffix="-" + src.file_name)
    os.close(fd)
    tmp = Path(tmpname)
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
            _download(src.url, tmp, src.name)
            via = src.url
        return _place_verified(src, tmp, via, root)
    finally:
        tmp.unlink(missing_ok=True)


def _download(url: str, tmp: Path, name: str) -> None:
    """Download ``url`` to ``tmp`` with pooch's HTTP downloader."""
    import pooch

    try:
        downloader = pooch.HTTPDownloader(progressbar=False, timeout=60)
        downloader(url, str(tmp), None)
    except Exception as exc:  # network errors come in many types
        raise FetchError(
            f"Could not download source {name!r} from {url}: {exc}. Check the network, or use a "
            "local copy with --mirror DIR (or BORLANGE_DATA_MIRROR) laid out like shared/data."
        ) from exc


def fetch_all(
    names: list[str] | None = None,
    *,
    mirror: os.PathLike | str | None = None,
    root: Path | None = None,
    force: bool = False,
    progress=None,
) -> dict[str, Path]:
    """Fetch every registered source (or the named ones); stops at the first failure."""
    reg = {n: s for n, s in registry().items() if s.sha256 is not None}
    if names:
        for n in names:
            if n not in reg:
                raise UnknownValueError("source", n, sorted(reg))
        reg = {n: reg[n] for n in names}
    out = {}
    for name, src in reg.items():
        out[name] = fetch_source(src, mirror=mirror, root=root, force=force)
        if progress is not None:
            progress(name)
    return out


# --- fetch --latest -------------------------------------------------------------------------


def latest_spec(kind: str = "smhi") -> dict:
    data = _load_toml()
    specs = data.get("latest", {})
    if kind not in specs:
        raise UnknownValueError("latest source", kind, sorted(specs))
    return specs[kind]


def latest_releases(root: Path | None = None) -> dict[str, Source]:
    """Releases registered by ``fetch --latest``: one per provenance record under ``smhi_latest``."""
    base = (root or config.raw_dir()) / "smhi_latest"
    out: dict[str, Source] = {}
    if not base.is_dir():
        return out
    data = _load_toml().get("latest", {}).get("smhi")
    if not data:
        return out
    for prov in sorted(base.glob("*/*.provenance.json")):
        rec = json.loads(prov.read_text(encoding="utf-8"))
        release = rec["release"]
        name = f"smhi_latest_{release}"
        out[name] = Source(
            name="smhi_latest",
            publisher=data["publisher"],
            route=data["route"],
            description=data["description"],
            licence=data["licence"],
            url=data["url"],
            sha256=rec["sha256"],
            mirror_path=None,
            release=release,
            published=rec.get("published", release),
            parser=data["parser"],
            filename=data["filename"],
            gas=data.get("gas", "CO2e"),
            levels=tuple(data.get("levels", ())),
            years=tuple(rec.get("years", ())),
        )
    return out


def fetch_latest(
    kind: str = "smhi", *, root: Path | None = None, today: str | None = None, url: str | None = None
) -> Path:
    """Download SMHI's current export and register it as a new release (``smhi-<date>``).

    Its hash cannot be known in advance: it is recorded in the provenance record, not checked.
    """
    spec = latest_spec(kind)
    day = today or _dt.date.today().isoformat()
    src = Source(
        name="smhi_latest",
        publisher=spec["publisher"],
        route=spec["route"],
        description=spec["description"],
        licence=spec["licence"],
        url=url or spec["url"],
        sha256=None,
        mirror_path=None,
        release=f"smhi-{day}",
        published=day,
        parser=spec["parser"],
        filename=spec["filename"],
        gas=spec.get("gas", "CO2e"),
    )
    dest = src.raw_path(root)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmpname = tempfile.mkstemp(dir=dest.parent, prefix=".part-", suffix=".xlsx")
    os.close(fd)
    tmp = Path(tmpname)
    try:
        _download(src.url, tmp, "latest " + kind)
        if tmp.stat().st_size == 0:
            raise FetchError(f"SMHI's export at {src.url} came back empty; nothing was registered.")
        sha = sha256_of(tmp)
        for known in latest_releases(root).values():
            if known.sha256 == sha:  # the same export as before: no new release
                return known.raw_path(root)
        return _place_verified(src, tmp, src.url, root)
    finally:
        tmp.unlink(missing_ok=True)
