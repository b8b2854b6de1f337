"""Atomic file writes: the one helper every writer of the project goes through.

A file is written to a temporary name in its own folder, flushed to disk, then renamed over the
target (``os.replace`` is atomic on one file system): a reader sees the old file or the new one,
never half of one, and a failed write leaves the old file and no temporary behind.

Fault injection for tests: ``BORLANGE_INJECT_OSERROR="ENOSPC:index.html"`` makes every write whose
target path ends with ``index.html`` fail with ``OSError(ENOSPC)`` (any errno name; a pattern of
``*`` matches every write). Several rules are separated by commas.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

TMP_PREFIX = ".tmp-"


def _injected_fault(path: Path) -> None:
    spec = os.environ.get("BORLANGE_INJECT_OSERROR")
    if not spec:
        return
    for rule in spec.split(","):
        name, _, pattern = rule.strip().partition(":")
        if pattern and (pattern == "*" or str(path).endswith(pattern)):
            code = getattr(errno, name, errno.EIO)
            raise OSError(code, f"{os.strerror(code)} (injected for a test)", str(path))


def atomic_write(path: str | os.PathLike, writer: Callable[[Path], Any], *, mode: int = 0o644) -> Path:
    """Call ``writer(tmp_path)`` to write a temporary file beside ``path``, then rename it into place.

    The temporary file is removed on any failure (also ``KeyboardInterrupt``); the previous
    ``path`` is untouched until the rename.
    """
    path = Path(path)
    _injected_fault(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix="-" + path.name)
    os.close(fd)
    tmp = Path(name)
    try:
        writer(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8 by default, newlines as given)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(text.encode(encoding)))


def atomic_write_json(path: str | os.PathLike, payload: Any, *, indent: int | None = 2) -> Path:
    """Write ``payload`` as JSON (UTF-8, keys sorted, trailing newline) atomically."""
    text = json.dumps(payload, ensure_ascii=False, indent=indent, sort_keys=True, default=str) + "\n"
    return atomic_write_text(path, text)


def remove_stale_temporaries(folder: str | os.PathLike) -> int:
    """Delete temporary files a killed writer left in ``folder`` (not recursive). Returns how many."""
    n = 0
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    for p in folder.glob(TMP_PREFIX + "*"):
        if p.is_file():
            p.unlink(missing_ok=True)
            n += 1
    return n
