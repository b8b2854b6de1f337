"""Every path the project uses, resolved once.

The project root is found from the environment variable ``BORLANGE_HOME`` or, failing that, the
current directory when it holds a ``pyproject.toml`` for this project, or else the folder that holds
the installed package's parent (an editable install). Notebooks never build paths themselves.

Environment variables
---------------------
BORLANGE_HOME
    Project root (holds ``data/`` and ``reports/``).
BORLANGE_NOTEBOOKS, BORLANGE_PARTNERS_DIR
    Other notebook or partner-data folders (tests, other kommuner's setups).
BORLANGE_DATA_MIRROR
    A local folder laid out like the project's ``shared/data`` mirror; when set, ``fetch`` copies
    from it instead of downloading.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA = PACKAGE_DIR / "data"
SOURCES_FILE = PACKAGE_DIR / "sources.toml"

#: The processed tables written by ``prepare`` (``data/processed/<name>.parquet``).
TABLES = ("kommuner", "emissions", "regional_emissions", "consistency", "population", "land_area", "land_use",
          "ets_installations", "ets_emissions", "lulucf_national", "biogenic_co2", "territorial_ghg",
          "kolada_waste", "kolada_ghg")

DEFAULT_KOMMUN = "Borlänge"
DEFAULT_KOMMUN_CODE = "2081"
DEFAULT_LANGUAGE = "sv"


def project_root() -> Path:
    """Return the project root: ``$BORLANGE_HOME``, else the cwd or the package's checkout."""
    env = os.environ.get("BORLANGE_HOME")
    if env:
        return Path(env).expanduser().resolve()
    cwd = Path.cwd()
    for candidate in (cwd, *cwd.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "borlange_analysis").is_dir():
            return candidate
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout
    return cwd


def raw_dir() -> Path:
    """``data/raw``: only ``fetch`` writes here."""
    return project_root() / "data" / "raw"


def processed_dir() -> Path:
    """``data/processed``: rebuilt from ``data/raw`` by ``prepare``; safe to delete."""
    return project_root() / "data" / "processed"


def reports_dir() -> Path:
    """``reports``: executed notebooks, HTML and CSV tables."""
    return project_root() / "reports"


def partners_data_dir() -> Path:
    """``data/partners/<id>/``: partners' own activity data (never committed);
    ``$BORLANGE_PARTNERS_DIR`` overrides it."""
    env = os.environ.get("BORLANGE_PARTNERS_DIR")
    return Path(env).expanduser().resolve() if env else project_root() / "data" / "partners"


def notebooks_dir() -> Path:
    """``notebooks``: the parameterised report notebooks; ``$BORLANGE_NOTEBOOKS`` overrides it."""
    env = os.environ.get("BORLANGE_NOTEBOOKS")
    return Path(env).expanduser().resolve() if env else project_root() / "notebooks"


def mirror_dir(explicit: str | os.PathLike | None = None) -> Path | None:
    """The data mirror folder: an explicit argument, else ``$BORLANGE_DATA_MIRROR``, else None."""
    value = explicit if explicit is not None else os.environ.get("BORLANGE_DATA_MIRROR")
    if not value:
        return None
    return Path(value).expanduser().resolve()


def code_fingerprint() -> str:
    """sha256 (16 hex digits) of the package's code and data tables (.py, .csv, .toml): processed
    tables and reports are rebuilt when it changes, even without a new version number."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in (".py", ".csv", ".toml") and "__pycache__" not in path.parts:
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]
