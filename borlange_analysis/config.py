"""Every path the project uses, and the run defaults, resolved once.

The project root is found from the environment variable ``BORLANGE_HOME`` or, failing that, the
current directory when it holds a ``pyproject.toml`` for this project, or else the folder that holds
the installed package's parent (an editable install). Notebooks never build paths themselves.

Run defaults (home kommun, language, trend years, Carbon Law rate, budget preset, GWP set) live in
``reference/run_defaults.toml`` with their sources; :data:`DEFAULTS` holds them.

Environment variables
---------------------
BORLANGE_HOME
    Project root (holds ``data/`` and ``reports/``).
BORLANGE_NOTEBOOKS, BORLANGE_PARTNERS_DIR, BORLANGE_MEASURES_DIR
    Other notebook, partner-data or measures folders (tests, other kommuner's setups).
BORLANGE_GROUPS
    Another file of the user's own groups of kommuner (default ``data/groups.csv``).
BORLANGE_DATA_MIRROR
    A local folder laid out like the project's ``shared/data`` mirror; when set, ``fetch`` copies
    from it instead of downloading.
"""

from __future__ import annotations

import datetime as _dt
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: Cited reference tables shipped with the package (sectors, presets, targets, partners, ...).
REFERENCE_DIR = PACKAGE_DIR / "reference"
SOURCES_FILE = PACKAGE_DIR / "ingest" / "sources.toml"

#: The processed tables written by ``prepare`` (``data/processed/<name>.parquet``).
TABLES = (
    "kommuner",
    "emissions",
    "regional_emissions",
    "consistency",
    "population",
    "land_area",
    "land_use",
    "ets_installations",
    "ets_emissions",
    "lulucf_national",
    "biogenic_co2",
    "territorial_ghg",
    "kolada_waste",
    "kolada_ghg",
)


@dataclass(frozen=True)
class RunDefaults:
    """The run defaults of ``reference/run_defaults.toml``."""

    kommun: str
    language: str
    output_formats: tuple[str, ...]
    first_trend_year: int
    end_year: int
    trend_method: str
    carbon_law_rate: float
    budget_preset: str
    budget_method: str
    gwp_set: str


def _load_defaults() -> RunDefaults:
    with open(REFERENCE_DIR / "run_defaults.toml", "rb") as fh:
        raw = tomllib.load(fh)
    return RunDefaults(
        kommun=raw["run"]["kommun"],
        language=raw["run"]["language"],
        output_formats=tuple(raw["run"]["output_formats"]),
        first_trend_year=int(raw["trend"]["first_year"]),
        end_year=int(raw["trend"]["end_year"]),
        trend_method=raw["trend"]["method"],
        carbon_law_rate=float(raw["carbon_law"]["rate"]),
        budget_preset=raw["budget"]["preset"],
        budget_method=raw["budget"]["method"],
        gwp_set=raw["ghg"]["gwp_set"],
    )


DEFAULTS = _load_defaults()
DEFAULT_KOMMUN = DEFAULTS.kommun
DEFAULT_LANGUAGE = DEFAULTS.language
LANGUAGES = ("sv", "en")


def default_current_year() -> int:
    """The analysis year when none is given: the calendar year of the run."""
    return _dt.date.today().year


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


def measures_data_dir() -> Path:
    """``data/measures/``: users' own measures files (never committed); ``$BORLANGE_MEASURES_DIR``
    overrides it."""
    env = os.environ.get("BORLANGE_MEASURES_DIR")
    return Path(env).expanduser().resolve() if env else project_root() / "data" / "measures"


def groups_file() -> Path:
    """``data/groups.csv``: the user's own named groups of kommuner for ``--group`` (columns
    kommun, group, source, like ``reference/peers.csv``; optional); ``$BORLANGE_GROUPS`` overrides it."""
    env = os.environ.get("BORLANGE_GROUPS")
    return Path(env).expanduser().resolve() if env else project_root() / "data" / "groups.csv"


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


def fingerprint_files(paths: list[Path], *, root: Path = PACKAGE_DIR) -> str:
    """sha256 (16 hex digits) of the named files' relative paths and bytes, in sorted order."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted(set(paths)):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def ingest_fingerprint() -> str:
    """Fingerprint of the code and tables that ``prepare`` reads: the ingest package, the name
    resolution and the reference tables it uses. Rewording a page does not touch it."""
    files = [p for p in (PACKAGE_DIR / "ingest").rglob("*") if p.suffix in (".py", ".toml")]
    files += [PACKAGE_DIR / "names.py", PACKAGE_DIR / "errors.py", PACKAGE_DIR / "_io.py"]
    files += [REFERENCE_DIR / n for n in ("sectors.csv", "kommun_aliases.csv", "kommuner.csv")]
    return fingerprint_files([p for p in files if p.is_file() and "__pycache__" not in p.parts])


def code_fingerprint() -> str:
    """Fingerprint of every code and table file of the package (.py, .csv, .toml)."""
    files = [p for p in PACKAGE_DIR.rglob("*") if p.suffix in (".py", ".csv", ".toml") and "__pycache__" not in p.parts]
    return fingerprint_files(files)


#: MIME type of the display data a report page hands to the runner (title, key line, key figures).
KEY_DATA_MIME = "application/vnd.borlange.keydata+json"
