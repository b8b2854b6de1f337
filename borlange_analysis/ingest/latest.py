"""``fetch --latest``: SMHI's current export, checked before it becomes a release.

SMHI's export (``[latest.<kind>]`` in sources.toml: ``smhi`` for all greenhouse gases, ``smhi-co2``
for carbon dioxide only) has no hash known in advance, and an unattended run must not register a
bad download. :func:`fetch_latest` therefore

1. downloads into a ``.part-`` file under an overall deadline (removed on any failure, Ctrl-C too);
2. parses and validates it with the same parser, schemas and plausibility bounds as ``prepare``,
   and compares its kommun totals with the newest registered release of the same gas
   (``ingest/plausibility.toml``);
3. registers it as ``<prefix>-<date>`` (``smhi-2026-11-27``, ``smhi-co2-2026-11-27``) only when the
   parsed table (sorted, without row numbers) differs from the newest release of the same export:
   a generated workbook carries timestamps, so its bytes change even when the data do not.

A download that fails step 2 is kept aside in ``data/raw/smhi_latest/_quarantine/`` as
``<UTC time>-<kind>-<reason>.xlsx`` with ``<same name>.reason.txt`` beside it, and
:class:`QuarantinedDownloadError` says so in one line; the releases registered before stay as they
were, so ``prepare`` and the reports keep working.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from .. import config
from .._io import atomic_write_json, atomic_write_text
from ..errors import BorlangeError, DataFileError, FetchError
from . import prepare
from .schemas import PlausibilityError, check_against_previous
from .sources import (
    DEFAULT_TIMEOUT_S,
    LATEST_DIR,
    QUARANTINE_DIR,
    Source,
    _part_file,
    _provenance,
    download,
    latest_releases,
    latest_source,
    latest_spec,
    registry,
    sha256_of,
)

#: How many refused downloads the quarantine keeps (the oldest beyond these are deleted).
QUARANTINE_KEEP = 30


class QuarantinedDownloadError(FetchError):
    """A download that was refused and kept aside, with the reason."""

    def __init__(self, message: str, *, path: Path, reason_file: Path, reason: str):
        super().__init__(message)
        self.path = path
        self.reason_file = reason_file
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class LatestResult:
    """What ``fetch --latest`` did: ``status`` is "registered" (a new release) or "unchanged"
    (the parsed table equals that of ``release``, the newest release of the same export)."""

    kind: str
    status: str
    release: str
    gas: str
    path: Path
    table_sha256: str
    compared_with: str | None


class _Refused(Exception):
    def __init__(self, slug: str, reason: str):
        super().__init__(reason)
        self.slug = slug
        self.reason = reason


def table_sha256(raw: pd.DataFrame) -> str:
    """sha256 of a parsed table: its columns without the row numbers (``_row``), rows sorted,
    written as CSV with every digit. Equal for two workbooks that differ only in timestamps,
    title rows or row order."""
    cols = [c for c in raw.columns if not str(c).startswith("_")]
    frame = raw[cols].sort_values(cols, kind="mergesort").reset_index(drop=True)
    return hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode("utf-8")).hexdigest()


def _sniff(path: Path, parser: str) -> tuple[str, str] | None:
    """A quick look at the first bytes: an empty file, an HTML page or a non-zip 'workbook'."""
    size = path.stat().st_size
    if size == 0:
        return "empty", "the server sent an empty file"
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if parser.endswith("_xlsx") and not head.startswith(b"PK\x03\x04"):
        low = head.lstrip().lower()
        if low.startswith((b"<!doctype html", b"<html")) or b"<html" in low or b"<body" in low:
            return "html", f"the server sent an HTML page ({size:,} bytes), not an Excel workbook"
        return "not-a-workbook", f"the file ({size:,} bytes) is not an Excel workbook (first bytes {head[:16]!r})"
    return None


def _check(tmp: Path, src: Source) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Parse and validate a download as ``prepare`` would; :class:`_Refused` names the reason."""
    sniffed = _sniff(tmp, src.parser)
    if sniffed:
        raise _Refused(*sniffed)
    try:
        raw = prepare.parse(src, tmp)
    except prepare.UnreadableFileError as exc:
        raise _Refused("unreadable", str(exc)) from None
    except BorlangeError as exc:
        raise _Refused("layout", str(exc)) from None
    try:
        kom, _ = prepare.checked_emission_tables(src, tmp, raw=raw)
    except BorlangeError as exc:
        raise _Refused("schema", str(exc)) from None
    return raw, kom


def _stamp() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def quarantine_dir(root: Path | None = None) -> Path:
    """``data/raw/smhi_latest/_quarantine``: refused downloads and their reasons."""
    return (root or config.raw_dir()) / LATEST_DIR / QUARANTINE_DIR


def _quarantine(tmp: Path, src: Source, kind: str, refused: _Refused, *, root: Path | None) -> QuarantinedDownloadError:
    folder = quarantine_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(src.file_name).suffix or ".bin"
    stem = f"{_stamp()}-{kind}-{refused.slug}"
    n = 1
    while (folder / f"{stem}{suffix}").exists():
        n += 1
        stem = f"{_stamp()}-{kind}-{refused.slug}-{n}"
    dest = folder / f"{stem}{suffix}"
    sha = sha256_of(tmp)
    size = tmp.stat().st_size
    os.chmod(tmp, 0o644)
    os.replace(tmp, dest)
    reason = refused.reason.replace(str(tmp), str(dest))
    reason_file = folder / f"{stem}.reason.txt"
    atomic_write_text(
        reason_file,
        "\n".join(
            [
                f"refused download of `fetch --latest {kind}` (not registered as a release)",
                f"url: {src.url}",
                f"retrieved_at: {_dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()}",
                f"bytes: {size}",
                f"sha256: {sha}",
                f"reason: {refused.slug}",
                f"detail: {reason}",
                "The releases registered before are unchanged. Look at the file; if SMHI changed its export,",
                "the parser (borlange_analysis/ingest/parsers.py) or the bounds (ingest/plausibility.toml)",
                "may need updating. This folder may be emptied at any time.",
                "",
            ]
        ),
    )
    _prune_quarantine(folder)
    where = f"kept aside as {dest}" if str(dest) not in reason else "kept aside there"
    return QuarantinedDownloadError(
        f"SMHI's current export ({kind}) from {src.url} was refused and not registered: {reason} "
        f"({where}, reason in {reason_file.name}; the earlier releases are unchanged)",
        path=dest,
        reason_file=reason_file,
        reason=refused.slug,
    )


def _prune_quarantine(folder: Path) -> None:
    kept = sorted((p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".reason.txt")), reverse=True)
    for old in kept[QUARANTINE_KEEP:]:
        old.unlink(missing_ok=True)
        old.with_name(old.name.rsplit(".", 1)[0] + ".reason.txt").unlink(missing_ok=True)


def _newest_of_kind(kind: str, root: Path | None) -> tuple[Source, dict] | None:
    found = []
    for src in latest_releases(root).values():
        rec = json.loads(src.provenance_path(root).read_text(encoding="utf-8"))
        if rec.get("latest_kind", "smhi") == kind:
            found.append((src, rec))
    return max(found, key=lambda it: (it[0].published, it[0].release)) if found else None


def _table_sha_of(src: Source, rec: dict, root: Path | None) -> str | None:
    if rec.get("table_sha256"):
        return str(rec["table_sha256"])
    try:  # a release registered before parsed-table hashes were recorded
        return table_sha256(prepare.parse(src, src.raw_path(root)))
    except (BorlangeError, OSError):
        return None


def _release_name(prefix: str, day: str, base: Path) -> str:
    name = f"{prefix}-{day}"
    n = 1
    while (base / name).exists():
        n += 1
        name = f"{prefix}-{day}-{n}"
    return name


def fetch_latest(
    kind: str = "smhi",
    *,
    root: Path | None = None,
    today: str | None = None,
    url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> LatestResult:
    """Download SMHI's current export (``kind``: "smhi" or "smhi-co2") and register it as a new
    release when it passes every check and its data differ from the newest release of that export.

    ``root`` is ``data/raw`` (default), ``today`` the release date (default: today), ``url`` another
    address to download from (a test server or a copy), ``timeout`` the overall deadline in seconds.
    Raises :class:`QuarantinedDownloadError` (a :class:`FetchError`) for a refused download and
    :class:`FetchError` for a failed one; nothing is registered then.
    """
    from filelock import FileLock, Timeout

    spec = latest_spec(kind)
    day = today or _dt.date.today().isoformat()
    base = (root or config.raw_dir()) / LATEST_DIR
    base.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(base / ".fetch-latest.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise FetchError(
            f"Another `fetch --latest` is running (lock {base / '.fetch-latest.lock'}); try again when it has finished."
        ) from None
    try:
        return _fetch_latest_locked(kind, spec, day=day, base=base, root=root, url=url, timeout=timeout)
    finally:
        lock.release()


def _fetch_latest_locked(
    kind: str, spec: dict, *, day: str, base: Path, root: Path | None, url: str | None, timeout: float
) -> LatestResult:
    src = latest_source(kind, release=_release_name(spec["release_prefix"], day, base), published=day, sha256=None)
    if url:
        src = dataclasses.replace(src, url=url)
    prev = prepare.previous_release(src, registry(root))
    if prev is not None and not prev.raw_path(root).is_file():
        raise FetchError(
            f"Cannot check SMHI's current export ({kind}) against release {prev.release}, the newest release of gas "
            f"{src.gas}: its raw file {prev.raw_path(root)} is missing. Run `borlange-analysis fetch` first; "
            "nothing was downloaded."
        )
    tmp = _part_file(base, Path(src.file_name).suffix or ".bin")
    try:
        download(src.url, tmp, name=f"SMHI's current export ({kind})", timeout=timeout)
        try:
            raw, kom = _check(tmp, src)
            compared_with, stats = _compare_with_previous(src, kom, tmp, root)
        except _Refused as refused:
            raise _quarantine(tmp, src, kind, refused, root=root) from None
        table_sha = table_sha256(raw)
        newest = _newest_of_kind(kind, root)
        if newest is not None and _table_sha_of(*newest, root) == table_sha:
            known = newest[0]
            return LatestResult(kind, "unchanged", known.release, known.gas, known.raw_path(root), table_sha, None)
        dest = src.raw_path(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        sha = sha256_of(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
        record = _provenance(src, sha, src.url)
        record.update(
            latest_kind=kind,
            table_sha256=table_sha,
            **_levels_and_years(kom),
            checks={
                "parser": src.parser,
                "schemas": "emissions, regional_emissions (with ingest/plausibility.toml)",
                "compared_with": compared_with,
                **stats,
            },
        )
        atomic_write_json(src.provenance_path(root), record)
        return LatestResult(kind, "registered", src.release, src.gas, dest, table_sha, compared_with)
    finally:
        tmp.unlink(missing_ok=True)


def _levels_and_years(kom: pd.DataFrame | None) -> dict:
    """The levels ("total", "sector", "subsector") and the first and last year of a release's kommun
    rows, recorded so that parameters can be checked without parsing the file."""
    if kom is None or kom.empty:
        return {}
    levels = [lv for lv in ("total", "sector", "subsector") if (kom["level"] == lv).any()]
    return {"levels": levels, "years": [int(kom["year"].min()), int(kom["year"].max())]}


def _compare_with_previous(
    src: Source, kom: pd.DataFrame | None, tmp: Path, root: Path | None
) -> tuple[str | None, dict]:
    """Compare the download's kommun totals with the newest registered release of the same gas."""
    prev = prepare.previous_release(src, registry(root))
    if prev is None or kom is None:
        return None, {}
    try:
        old = prepare.release_totals(prev, root=root)
    except DataFileError as exc:
        raise FetchError(
            f"Cannot check SMHI's current export against release {prev.release} (the newest release of gas "
            f"{src.gas}): {exc}. Run `borlange-analysis fetch` first; nothing was registered."
        ) from None
    if old is None:
        return None, {}
    try:
        stats = check_against_previous(
            prepare.kommun_totals(kom), old, file=str(tmp), release=src.release, previous=prev.release
        )
    except PlausibilityError as exc:
        raise _Refused("implausible", str(exc)) from None
    return prev.release, stats
