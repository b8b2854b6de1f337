"""The output folders on disk: checked before any kernel starts, cleaned of a dead run's leftovers.

- :func:`check_writable` makes sure an output root can be written (a probe file written and
  removed through the atomic-write helper) and has at least ``min_free`` bytes free; otherwise it
  raises :class:`OutputError` (exit code 73) naming the folder and what is wrong.
- :func:`clean_leftovers` removes what a killed or failed run left behind: staging folders of other
  runs (only called while holding the root's lock, so no other run is writing) and temporaries of
  the atomic-write helper.
- :func:`describe_oserror` turns an ``OSError`` into one line for the operator.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import psutil

from .._io import TMP_PREFIX, atomic_write_bytes
from ..errors import BorlangeError, ParameterError

STAGING = ".staging"
PROBE = ".write-probe"
#: Default of ``--min-free``: room for a few Borlänge-sized sets (each about 10 MB) with margin.
DEFAULT_MIN_FREE = "200M"
_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


class OutputError(BorlangeError):
    """An output folder cannot be written (exit code 73)."""


def parse_size(text: str) -> int:
    """'200M' -> bytes. Accepts a number with an optional unit B, K, M, G or T (powers of 1024,
    also written KB, MiB, ...)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", str(text), flags=re.IGNORECASE)
    if not m:
        raise ParameterError(f"--min-free {text!r} is not a size: use e.g. 500M, 2G or 0 (units B, K, M, G, T)")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def describe_oserror(exc: OSError) -> str:
    """'cannot write /x/y: No space left on device (ENOSPC)'."""
    code = errno.errorcode.get(exc.errno or 0, "")
    what = exc.strerror or str(exc)
    where = exc.filename or ""
    tail = f" ({code})" if code else ""
    return f"cannot write {where}: {what}{tail}" if where else f"{what}{tail}"


def check_writable(root: Path, *, min_free: int) -> None:
    """Create ``root`` if needed, write and remove a probe file, and check the free space."""
    root = Path(root)
    try:
        root.mkdir(parents=True, exist_ok=True)
        # one probe name per process: two runs started together must not remove each other's probe
        probe = atomic_write_bytes(root / f".{os.getpid()}{PROBE}", b"borlange-analysis write probe\n")
        probe.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"output folder {root} is not writable: {describe_oserror(exc)}") from None
    free = shutil.disk_usage(root).free
    if free < min_free:
        raise OutputError(
            f"output folder {root} has only {human(free)} free; --min-free asks for {human(min_free)} "
            "(free some space, or lower --min-free)"
        )


@dataclass
class Cleaned:
    staging: int = 0
    temporaries: int = 0

    def __bool__(self) -> bool:
        return bool(self.staging or self.temporaries)


def clean_leftovers(root: Path, *, keep_run: str = "") -> Cleaned:
    """Remove stale staging folders (every run id except ``keep_run``) and atomic-write
    temporaries anywhere under ``root``. Call only while holding the root's lock."""
    done = Cleaned()
    root = Path(root)
    if not root.is_dir():
        return done
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here.name == STAGING:
            for run_dir in list(dirs) + list(files):
                if run_dir == keep_run:
                    continue
                target = here / run_dir
                if target.is_dir():
                    shutil.rmtree(target, ignore_errors=True)
                else:
                    target.unlink(missing_ok=True)
                done.staging += 1
            dirs[:] = []
            if not any(here.iterdir()):
                here.rmdir()
            continue
        for f in files:
            if f.endswith(PROBE) and _probe_of_live_process(f):
                continue  # another run checking the folder before it asks for the lock
            if f.startswith(TMP_PREFIX) or f.endswith(PROBE):
                (here / f).unlink(missing_ok=True)
                done.temporaries += 1
    return done


def _probe_of_live_process(name: str) -> bool:
    """True for a probe file (or its temporary) written by a process that is still running."""
    m = re.search(r"\.(\d+)" + re.escape(PROBE) + "$", name)
    return m is not None and psutil.pid_exists(int(m.group(1)))


def remove_empty_dirs(folder: Path, *, stop: Path) -> None:
    """Remove ``folder`` and its empty parents up to (not including) ``stop``."""
    folder = Path(folder)
    stop = Path(stop)
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
