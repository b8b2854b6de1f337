"""Cited reference tables shipped with the package: sectors, kommuner, budget presets, targets,
sink parameters, emission factors, partners, measures, ...

Every table has a ``source`` column (or a source per entry); the code refers to rows by name and
never repeats their values as literals. Tables are read once per process.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import REFERENCE_DIR
from ..errors import DataFileError


def path(name: str) -> Path:
    """Path of a reference table shipped with the package (e.g. ``"sectors.csv"``)."""
    p = REFERENCE_DIR / name
    if not p.is_file():
        raise DataFileError(f"reference table {p} is missing from the package")
    return p


@lru_cache(maxsize=64)
def _csv(name: str, dtype_str: bool) -> pd.DataFrame:
    return pd.read_csv(path(name), dtype=str if dtype_str else None, keep_default_na=not dtype_str)


def table(name: str, *, as_text: bool = False) -> pd.DataFrame:
    """A reference CSV table (a copy the caller may change). ``as_text`` reads every cell as text."""
    return _csv(name, as_text).copy()


@lru_cache(maxsize=16)
def toml(name: str) -> dict[str, Any]:
    """A reference TOML file, parsed."""
    with open(path(name), "rb") as fh:
        return tomllib.load(fh)
