"""Partners: the registry (``reference/partners.toml``) and the partners' own activity files.

- :func:`partners` reads and validates the registry: unknown sector, duplicate id, unknown kind or
  an EU ETS installation that does not exist fail clearly.
- :func:`read_activity` and :func:`read_factors` read a partner's activity data (CSV template
  ``partner_id, year, activity, amount, unit, note``) and the scope 2/3 factors it supplies.

Facility data live in :mod:`borlange_analysis.analysis.facilities`, scope accounting in
:mod:`borlange_analysis.analysis.ghg_accounting`.
"""

from __future__ import annotations

import tomllib
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import DataFileError, UnknownValueError
from .names import sector_names

KINDS = (
    "municipality",
    "utility",
    "university",
    "company",
    "innovation_hub",
    "science_centre",
    "housing_company",
    "other",
)
REGISTRY_FILE = config.REFERENCE_DIR / "partners.toml"
EXAMPLE_ACTIVITY = config.REFERENCE_DIR / "example_activity.csv"
EXAMPLE_FACTORS = config.REFERENCE_DIR / "example_factors.csv"
ILLUSTRATIVE = "ILLUSTRATIVE"


# --- registry -----------------------------------------------------------------------------------


def validate_registry(
    entries: list[dict], *, installations: set[str] | None = None, file: str = "partners.toml"
) -> None:
    """Raise a clear error for duplicate ids, unknown kinds or sectors, or installations not found."""
    seen = set()
    valid_sectors = sector_names()
    for i, p in enumerate(entries, start=1):
        for key in ("id", "name", "kind", "kommun"):
            if not p.get(key):
                raise DataFileError(f"{file}: partner #{i} has no {key!r}")
        if p["id"] in seen:
            raise DataFileError(f"{file}: duplicate partner id {p['id']!r} (partner #{i})")
        seen.add(p["id"])
        if p["kind"] not in KINDS:
            raise UnknownValueError(f"partner kind (in {file}, partner {p['id']!r})", p["kind"], KINDS)
        for s in p.get("sectors", []):
            if s not in valid_sectors:
                raise UnknownValueError(f"sector (in {file}, partner {p['id']!r})", s, valid_sectors)
        if installations is not None:
            for inst in p.get("ets_installations", []):
                if inst not in installations:
                    raise UnknownValueError(
                        f"EU ETS installation (in {file}, partner {p['id']!r})", inst, sorted(installations)
                    )
        for fact in p.get("facts", []):
            if not fact.get("source"):
                raise DataFileError(f"{file}: partner {p['id']!r} has a fact without a source: {fact.get('text')!r}")


def partners(path: str | Path | None = None, *, check_installations: bool = False) -> list[dict]:
    """All partners from the registry file (validated). Each is a dict as in the TOML file."""
    path = Path(path or REGISTRY_FILE)
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("partner", [])
    except FileNotFoundError:
        raise DataFileError(f"partner registry {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: invalid TOML: {exc}") from None
    installations = None
    if check_installations:
        from . import data

        installations = set(data.load_table("ets_installations")["installation_id"])
    validate_registry(entries, installations=installations, file=str(path))
    for p in entries:
        p.setdefault("ets_installations", [])
        p.setdefault("sectors", [])
        p.setdefault("facts", [])
        p.setdefault("missing", [])
        p.setdefault("levers", [])
        p["confidential"] = (
            bool(p.get("confidential", False)) or (config.partners_data_dir() / p["id"] / "CONFIDENTIAL").exists()
        )
    return entries


def partner_ids(kommun: str | None = None, path=None) -> list[str]:
    from . import data

    code = data.kommun_code(kommun) if kommun is not None else None
    return [p["id"] for p in partners(path) if code is None or p["kommun"] == code]


def get_partner(partner_id: str, path=None) -> dict:
    entries = partners(path)
    for p in entries:
        if p["id"] == partner_id:
            return p
    raise UnknownValueError("partner", partner_id, [p["id"] for p in entries])


def profile_table(partner: dict) -> pd.DataFrame:
    """The partner's public facts with sources, and the facts still missing."""
    rows = [{"kind": "fact", "text": f["text"], "source": f["source"]} for f in partner["facts"]]
    rows += [{"kind": "missing", "text": m, "source": ""} for m in partner["missing"]]
    return pd.DataFrame(rows, columns=["kind", "text", "source"])


# --- activity data and scopes -----------------------------------------------------------------------

ACTIVITY_COLUMNS = ["partner_id", "year", "activity", "amount", "unit", "note"]


def read_activity(path: str | Path) -> pd.DataFrame:
    """Read an activity CSV in the template (comment lines starting with '#' allowed)."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"activity file {path} not found (template: borlange_analysis/data/activity_template.csv)")
    frame = pd.read_csv(path, comment="#", dtype={"partner_id": str, "activity": str, "unit": str, "note": str})
    missing = [c for c in ACTIVITY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path}: row 1: missing columns {missing}; expected {ACTIVITY_COLUMNS}")
    frame["note"] = frame["note"].fillna("")
    frame["_row"] = np.arange(2, len(frame) + 2)
    bad = frame[pd.to_numeric(frame["amount"], errors="coerce").isna()]
    if len(bad):
        r = bad.iloc[0]
        raise DataFileError(f"{path}: row {r['_row']}, column 'amount': value {r['amount']!r} is not a number")
    frame["amount"] = frame["amount"].astype(float)
    if (frame["amount"] < 0).any():
        r = frame[frame["amount"] < 0].iloc[0]
        raise DataFileError(f"{path}: row {r['_row']}, column 'amount': negative amount {r['amount']}")
    frame.attrs["path"] = str(path)
    return frame


def read_factors(path: str | Path | None) -> pd.DataFrame:
    """User-supplied factors (activity, basis, factor, factor_unit, source) for scope 2 and 3."""
    cols = ["activity", "basis", "factor", "factor_unit", "source"]
    if path is None or not Path(path).is_file():
        return pd.DataFrame(columns=cols)
    frame = pd.read_csv(path, comment="#", dtype={"basis": str}).fillna({"basis": ""})
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path}: missing columns {missing}; expected {cols}")
    if frame["source"].isna().any() or (frame["source"].astype(str).str.strip() == "").any():
        raise DataFileError(f"{path}: every factor needs a source")
    return frame


def partner_activity(partner_id: str) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The partner's own activity data and factors from ``data/partners/<id>/`` (None if absent)."""
    folder = config.partners_data_dir() / partner_id
    act = folder / "activity.csv"
    if not act.is_file():
        return None, read_factors(None)
    return read_activity(act), read_factors(folder / "factors.csv")


def example_activity() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The example activity data shipped with the project: ILLUSTRATIVE, not a partner's figures."""
    return read_activity(EXAMPLE_ACTIVITY), read_factors(EXAMPLE_FACTORS)


def is_illustrative(activity: pd.DataFrame) -> bool:
    return activity["note"].astype(str).str.contains(ILLUSTRATIVE).any()


_MOVED = {
    "gwp": "borlange_analysis.units",
    "quantity": "borlange_analysis.units",
    "ureg": "borlange_analysis.units",
    "facility_series": "borlange_analysis.analysis.facilities",
    "facility_share": "borlange_analysis.analysis.facilities",
    "partner_pathway": "borlange_analysis.analysis.facilities",
    "scope_emissions": "borlange_analysis.analysis.ghg_accounting",
    "scope_summary": "borlange_analysis.analysis.ghg_accounting",
    "activities": "borlange_analysis.analysis.ghg_accounting",
    "fuel_factors": "borlange_analysis.analysis.ghg_accounting",
}


def __getattr__(name: str):
    """Deprecated names that moved out of this module (see CHANGELOG.md)."""
    if name in _MOVED:
        import importlib

        warnings.warn(
            f"borlange_analysis.partners.{name} moved to {_MOVED[name]}.{name}", DeprecationWarning, stacklevel=2
        )
        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
