"""Partners: the registry (``reference/partners.toml``) and the partners' own activity files.

- :func:`partners` reads and validates the registry: an id that is not a slug (it names folders
  and files), an unknown sector, kind or kommun, a duplicate id, a text that is not text, or an EU
  ETS installation that does not exist fail clearly, naming the entry. Texts are kept exactly as
  written: escaping them for HTML or markdown is the pages' work, never done here.
- :func:`read_activity` and :func:`read_factors` read a partner's activity data (CSV template
  ``partner_id, year, activity, amount, unit, note``) and the scope 2/3 factors it supplies; every
  error names the file, row and column.
- :func:`check_partner_files` checks one partner's files before any report is built (the runner
  calls it when it validates a run).

Facility data live in :mod:`borlange_analysis.analysis.facilities`, scope accounting in
:mod:`borlange_analysis.analysis.ghg_accounting`.
"""

from __future__ import annotations

import copy
import csv
import io
import re
import tomllib
import warnings
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config, reference
from .errors import BorlangeError, DataFileError, UnknownValueError
from .names import kommun_resolver, sector_names

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
#: Partner and lever ids: lower-case letters, digits, '_' and '-', at most 64 characters, starting
#: with a letter or digit. An id names a folder (data/partners/<id>/) and report files, so nothing
#: path-like ('..', '/') or markup-like can get through.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
ACTIVITY_FILE = "activity.csv"
FACTORS_FILE = "factors.csv"


# --- registry -----------------------------------------------------------------------------------


def check_id(value: object, *, what: str = "partner id") -> str:
    """``value`` if it is a valid id (:data:`ID_PATTERN`), else :class:`DataFileError`."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise DataFileError(
            f"{what} {value!r} is not valid: use 1-64 lower-case letters, digits, '_' or '-', starting with a "
            f"letter or digit (pattern {ID_PATTERN.pattern})"
        )
    return value


def _entry(i: int, p: dict) -> str:
    pid = p.get("id")
    return f"partner #{i}" + (f" (id {pid!r})" if isinstance(pid, str) else "")


def _check_texts(where: str, p: dict) -> None:
    """Text fields must be text (pages print them); lists must be lists of text or tables; fact ids
    (keys of the text catalogues) are slugs like partner ids."""
    for key in ("name", "kind", "kommun"):
        if not isinstance(p.get(key), str):
            raise DataFileError(f"{where}: {key!r} must be text, found {p.get(key)!r}")
    for key in ("sectors", "ets_installations", "missing"):
        value = p.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DataFileError(f"{where}: {key!r} must be a list of texts, found {value!r}")
    for key in ("facts", "levers"):
        value = p.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise DataFileError(f"{where}: {key!r} must be a list of tables, found {value!r}")
    for fact in p.get("facts", []):
        if not isinstance(fact.get("source"), str) or not fact["source"].strip():
            raise DataFileError(f"{where}: a fact needs a 'source' (text): {fact!r}")
        if "text" in fact and not isinstance(fact["text"], str):
            raise DataFileError(f"{where}: a fact's 'text' must be text: {fact!r}")
        if "id" not in fact and not str(fact.get("text", "")).strip():
            raise DataFileError(f"{where}: a fact needs an 'id' (its text in the catalogues) or a 'text': {fact!r}")
        if "id" in fact:
            try:
                check_id(fact["id"], what="fact id")
            except DataFileError as exc:
                raise DataFileError(f"{where}: {exc}") from None
    for lever in p.get("levers", []):
        for key in ("text_sv", "text_en", "text"):
            if key in lever and not isinstance(lever[key], str):
                raise DataFileError(f"{where}: lever {lever.get('id')!r}: {key!r} must be text")
    if "confidential" in p and not isinstance(p["confidential"], bool):
        raise DataFileError(f"{where}: 'confidential' must be true or false, found {p['confidential']!r}")


def validate_registry(
    entries: list[dict], *, installations: set[str] | None = None, file: str = "partners.toml"
) -> None:
    """Raise a clear error naming the entry for an id that is not a slug, a duplicate id, an unknown
    kind, kommun or sector, a text field that is not text, a fact without a source, or an EU ETS
    installation not found."""
    seen = set()
    valid_sectors = sector_names()
    kommuner = kommun_resolver().by_code
    for i, p in enumerate(entries, start=1):
        if not isinstance(p, dict):
            raise DataFileError(f"{file}: partner #{i} is not a table: {p!r}")
        for key in ("id", "name", "kind", "kommun"):
            if not p.get(key):
                raise DataFileError(f"{file}: {_entry(i, p)} has no {key!r}")
        try:
            check_id(p["id"])
        except DataFileError as exc:
            raise DataFileError(f"{file}: partner #{i}: {exc}") from None
        where = f"{file}: {_entry(i, p)}"
        if p["id"] in seen:
            raise DataFileError(f"{file}: duplicate partner id {p['id']!r} (partner #{i})")
        seen.add(p["id"])
        _check_texts(where, p)
        if p["kind"] not in KINDS:
            raise UnknownValueError(f"partner kind (in {file}, partner {p['id']!r})", p["kind"], KINDS)
        if p["kommun"] not in kommuner:
            raise DataFileError(
                f"{where}: 'kommun' must be a kommun's 4-digit SCB code (e.g. '2081'), found {p['kommun']!r}"
            )
        for s in p.get("sectors", []):
            if s not in valid_sectors:
                raise UnknownValueError(f"sector (in {file}, partner {p['id']!r})", s, valid_sectors)
        if installations is not None:
            for inst in p.get("ets_installations", []):
                if inst not in installations:
                    raise UnknownValueError(
                        f"EU ETS installation (in {file}, partner {p['id']!r})", inst, sorted(installations)
                    )
        for lever in p.get("levers", []):
            try:
                check_id(lever.get("id"), what="lever id")
            except DataFileError as exc:
                raise DataFileError(f"{where}: {exc}") from None


def partners(path: str | Path | None = None, *, check_installations: bool = False) -> list[dict]:
    """All partners from the registry file (validated). Each is a dict as in the TOML file, with
    its texts exactly as written (not escaped). The file is read and checked once per version of it
    (its modification time and size); ``confidential`` is looked up on every call (the registry
    flag or a ``data/partners/<id>/CONFIDENTIAL`` file)."""
    path = Path(path or REGISTRY_FILE)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DataFileError(f"partner registry {path} not found") from None
    if check_installations:
        entries = _read_registry(path, check_installations=True)
    else:
        entries = copy.deepcopy(_registry(str(path), st.st_mtime_ns, st.st_size))
    for p in entries:
        p["confidential"] = (
            bool(p.get("confidential", False)) or (config.partners_data_dir() / p["id"] / "CONFIDENTIAL").exists()
        )
    return entries


@lru_cache(maxsize=8)
def _registry(path: str, mtime_ns: int, size: int) -> list[dict]:
    return _read_registry(Path(path), check_installations=False)


def _read_registry(path: Path, *, check_installations: bool) -> list[dict]:
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("partner", [])
    except FileNotFoundError:
        raise DataFileError(f"partner registry {path} not found") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: invalid TOML: {exc}") from None
    if not isinstance(entries, list):
        raise DataFileError(f"{path}: 'partner' must be an array of tables ([[partner]])")
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
    """The partner's public facts with sources, and the facts still missing (texts as written:
    the page that shows them escapes them)."""
    rows = [{"kind": "fact", "text": f.get("text") or f.get("id", ""), "source": f["source"]} for f in partner["facts"]]
    rows += [{"kind": "missing", "text": m, "source": ""} for m in partner["missing"]]
    return pd.DataFrame(rows, columns=["kind", "text", "source"])


# --- activity data and factors ----------------------------------------------------------------------

ACTIVITY_COLUMNS = ["partner_id", "year", "activity", "amount", "unit", "note"]
FACTOR_COLUMNS = ["activity", "basis", "factor", "factor_unit", "source"]
#: Years an activity row may carry.
YEAR_MIN, YEAR_MAX = 1900, 2100


def _read_rows(path: Path, columns: list[str], required: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Read a partner CSV: UTF-8 (BOM allowed), ',' or ';' separated (Excel's Swedish CSV), lines
    starting with '#' and blank lines skipped. Returns (row number in the file, cells) per data row;
    every problem raises :class:`DataFileError` naming the file, row and column."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise DataFileError(
            f"{path}: row {row}: not UTF-8 text (byte {data[exc.start]:#04x}); save the file as 'CSV UTF-8'"
        ) from None
    header: list[str] | None = None
    header_row = 1
    out: list[tuple[int, dict[str, str]]] = []
    delimiter = ","
    lines = text.splitlines(keepends=True)
    for first in lines:
        stripped = first.strip()
        if stripped and not stripped.startswith("#"):
            delimiter = ";" if stripped.count(";") > stripped.count(",") else ","
            break
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            row, start = start, reader.line_num + 1
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                header_row = row
                dup = sorted({c for c in header if c and header.count(c) > 1})
                if dup:
                    raise DataFileError(f"{path}: row {row}: column(s) {dup} appear more than once")
                missing = [c for c in required if c not in header]
                if missing:
                    raise DataFileError(
                        f"{path}: row {row}: missing column(s) {', '.join(repr(c) for c in missing)}; "
                        f"expected the header {','.join(columns)}"
                    )
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                raise DataFileError(
                    f"{path}: row {row}: {len(cells)} cells but the header (row {header_row}) has {len(header)}; "
                    "is there an unquoted comma in a note?"
                )
            cells = cells + [""] * (len(header) - len(cells))
            out.append((row, {h: cells[i].strip() for i, h in enumerate(header) if h}))
    except csv.Error as exc:
        raise DataFileError(f"{path}: row {start}: not a readable CSV row ({exc})") from None
    if header is None:
        raise DataFileError(f"{path}: row 1: the file is empty; expected the header {','.join(columns)}")
    return out


def _number(path: Path, row: int, column: str, value: str) -> float:
    from .ingest.parsers import parse_number

    number = parse_number(value, file=path, row=row, column=column)
    if number != number:  # NaN: an empty cell or a missing marker
        raise DataFileError(f"{path}: row {row}, column {column!r}: value {value!r} is not a number")
    return number


def _unit(path: Path, row: int, column: str, value: str):
    from .units import quantity

    if not value:
        raise DataFileError(f"{path}: row {row}, column {column!r}: the unit is empty")
    try:
        return quantity(1.0, value)
    except BorlangeError as exc:
        raise DataFileError(f"{path}: row {row}, column {column!r}: {exc}") from None


def _activities() -> pd.DataFrame:
    return reference.table("activities.csv").set_index("activity")


def _year(where: str, column: str, text: str) -> int:
    if not re.fullmatch(r"\d{4}", text) or not YEAR_MIN <= int(text) <= YEAR_MAX:
        raise DataFileError(f"{where}, column {column!r}: value {text!r} is not a year (a whole number such as 2024)")
    return int(text)


def _known_activity(where: str, activity: str, acts: pd.DataFrame) -> None:
    if activity not in acts.index:
        raise DataFileError(f"{where}, column 'activity': {UnknownValueError('activity', activity, list(acts.index))}")


def _check_use(where: str, activity: str, use: str, acts: pd.DataFrame) -> None:
    """The ``use`` of a fuel (road, off_road, stationary: CH4 and N2O factors differ by use)."""
    allowed = [u for u in str(acts.loc[activity, "uses"]).split(";") if u and u != "nan"]
    if acts.loc[activity, "kind"] != "fuel":
        if use:
            raise DataFileError(f"{where}, column 'use': only fuels have a use, {activity!r} is not a fuel")
        return
    if not use:
        if str(acts.loc[activity, "default_use"]).strip() in ("", "nan"):
            raise DataFileError(
                f"{where}, column 'use': fuel {activity!r} needs its use, one of {allowed} (road vehicles, "
                "off-road machinery, stationary combustion)"
            )
        return
    if use not in allowed:
        raise DataFileError(f"{where}, column 'use': {UnknownValueError(f'use of {activity!r}', use, allowed)}")


def read_activity(path: str | Path, *, partner_id: str | None = None) -> pd.DataFrame:
    """Read an activity CSV in the template (``partner_id, year, activity, amount, unit, [use,]
    note``; comment lines starting with '#' allowed; other columns are kept as text).

    Every error names the file, row and column: an empty file, a missing column, text in the year
    column, an unknown activity, unit or use, an amount that is not a non-negative number, and, with
    ``partner_id``, a row that carries another partner's id. Returns the rows with ``_row`` (the
    row in the file) and ``attrs["path"]``.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(
            f"activity file {path} not found (template: borlange_analysis/reference/activity_template.csv)"
        )
    acts = _activities()
    records = []
    extra: list[str] = []
    for row, cells in _read_rows(path, ACTIVITY_COLUMNS, ACTIVITY_COLUMNS[:-1]):
        where = f"{path}: row {row}"
        extra = extra or [c for c in cells if c not in ACTIVITY_COLUMNS]
        pid = cells["partner_id"]
        if not pid:
            raise DataFileError(f"{where}, column 'partner_id': the partner id is empty")
        if partner_id is not None and pid != partner_id:
            raise DataFileError(
                f"{where}, column 'partner_id': value {pid!r} is another partner's id; this file belongs to "
                f"{partner_id!r} and may hold only its rows"
            )
        year = _year(where, "year", cells["year"])
        activity = cells["activity"]
        _known_activity(where, activity, acts)
        amount = _number(path, row, "amount", cells["amount"])
        if amount < 0:
            raise DataFileError(f"{where}, column 'amount': negative amount {cells['amount']!r}")
        _unit(path, row, "unit", cells["unit"])
        _check_use(where, activity, cells.get("use", ""), acts)
        records.append(
            {
                "partner_id": pid,
                "year": year,
                "activity": activity,
                "amount": amount,
                "unit": cells["unit"],
                "note": cells.get("note", ""),
                **{c: cells.get(c, "") for c in cells if c not in ACTIVITY_COLUMNS},
                "_row": row,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=[*ACTIVITY_COLUMNS, *extra, "_row"])
    frame = frame.astype({"partner_id": str, "year": int, "activity": str, "amount": float, "unit": str, "note": str})
    frame.attrs["path"] = str(path)
    return frame


def _scope2_bases() -> tuple[str, ...]:
    from .analysis.ghg_accounting import SCOPE2_BASES

    return tuple(SCOPE2_BASES)


def read_factors(path: str | Path | None) -> pd.DataFrame:
    """User-supplied factors (activity, basis, factor, factor_unit, source; optional year) for
    scope 2 and 3, and a supplier's biofuel share of a pump fuel.

    ``factor_unit`` is '<mass>/<unit>' (e.g. t/MWh, kg/tkm), or 'share' for basis ``bio_share`` (a
    fuel's biofuel share, 0-1); ``basis`` is 'location' or a market-based basis for scope 2
    activities and empty for scope 3; every factor needs a source. Errors name file, row and column.
    A missing file (or None) gives an empty table."""
    if path is None or not Path(path).is_file():
        return pd.DataFrame(columns=FACTOR_COLUMNS)
    path = Path(path)
    acts = _activities()
    records = []
    extra: list[str] = []
    for row, cells in _read_rows(path, FACTOR_COLUMNS, FACTOR_COLUMNS):
        where = f"{path}: row {row}"
        extra = extra or [c for c in cells if c not in FACTOR_COLUMNS]
        activity = cells["activity"]
        _known_activity(where, activity, acts)
        basis, scope, kind = cells["basis"], int(acts.loc[activity, "scope"]), acts.loc[activity, "kind"]
        allowed = _scope2_bases() if scope == 2 else ("bio_share",) if kind == "fuel" else ("",)
        if basis not in allowed:
            raise DataFileError(
                f"{where}, column 'basis': {basis!r} is not a basis for {activity!r}; valid: "
                + ", ".join(repr(b) for b in allowed)
            )
        factor = _number(path, row, "factor", cells["factor"])
        if factor < 0:
            raise DataFileError(f"{where}, column 'factor': negative factor {cells['factor']!r}")
        if basis == "bio_share":
            if cells["factor_unit"] != "share" or factor > 1:
                raise DataFileError(
                    f"{where}, column 'factor_unit': a biofuel share is a factor 0-1 with factor_unit 'share', "
                    f"found {cells['factor']!r} {cells['factor_unit']!r}"
                )
        else:
            num, sep, den = cells["factor_unit"].partition("/")
            if not sep or not num.strip() or not den.strip():
                raise DataFileError(
                    f"{where}, column 'factor_unit': value {cells['factor_unit']!r} must be '<mass>/<unit>', e.g. t/MWh"
                )
            if not _unit(path, row, "factor_unit", num.strip()).check("[mass]"):
                raise DataFileError(f"{where}, column 'factor_unit': {num.strip()!r} is not a mass (t, kg, g)")
            _unit(path, row, "factor_unit", den.strip())
        if cells.get("year"):
            _year(where, "year", cells["year"])
        if not cells["source"]:
            raise DataFileError(f"{where}, column 'source': every factor needs a source")
        records.append(
            {
                "activity": activity,
                "basis": basis,
                "factor": factor,
                "factor_unit": cells["factor_unit"],
                "source": cells["source"],
                **{c: cells.get(c, "") for c in cells if c not in FACTOR_COLUMNS},
                "_row": row,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=[*FACTOR_COLUMNS, *extra, "_row"])
    frame = frame.astype({"activity": str, "basis": str, "factor": float, "factor_unit": str, "source": str})
    frame.attrs["path"] = str(path)
    return frame


def partner_folder(partner_id: str) -> Path:
    """``data/partners/<id>/`` (the id checked first, so it can never point elsewhere)."""
    return config.partners_data_dir() / check_id(partner_id)


def partner_activity(partner_id: str) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The partner's own activity data and factors from ``data/partners/<id>/`` (None if absent)."""
    folder = partner_folder(partner_id)
    act = folder / ACTIVITY_FILE
    if not act.is_file():
        return None, read_factors(None)
    return read_activity(act, partner_id=partner_id), read_factors(folder / FACTORS_FILE)


def check_partner_files(partner_id: str) -> None:
    """Check a partner's ``activity.csv`` and ``factors.csv`` (in ``data/partners/<id>/``) before
    any report is built; absent files are fine (the page then says the data are missing).

    Raises :class:`DataFileError` naming the file, row and column for anything the partner page
    would stumble on: the errors of :func:`read_activity` and :func:`read_factors`, a fuel given in
    a unit that is not a mass, volume or energy, a scope 2/3 activity without a factor in
    ``factors.csv`` or in a unit its factor cannot take, and anything else the scope accounting
    refuses. Returns None when the files are good.
    """
    folder = partner_folder(partner_id)
    fac_path = folder / FACTORS_FILE
    factors = read_factors(fac_path)
    act_path = folder / ACTIVITY_FILE
    if not act_path.is_file():
        return
    activity = read_activity(act_path, partner_id=partner_id)
    _check_activity_units(activity, factors, act_path, fac_path)
    from .analysis import ghg_accounting

    try:  # the page's own computation, on the few rows of the file
        ghg_accounting.scope_emissions(activity, factors)
    except BorlangeError as exc:
        raise DataFileError(f"{act_path}: {exc}") from None


def _check_activity_units(activity: pd.DataFrame, factors: pd.DataFrame, act_path: Path, fac_path: Path) -> None:
    acts = _activities()
    factor_rows = factors.to_dict("records")
    for rec in activity.to_dict("records"):
        row, unit, name = rec["_row"], rec["unit"], rec["activity"]
        where = f"{act_path}: row {row}"
        q = _unit(act_path, row, "unit", unit)
        if acts.loc[name, "kind"] == "fuel":
            if not any(q.check(dim) for dim in ("[mass]", "[volume]", "[energy]")):
                raise DataFileError(
                    f"{where}, column 'unit': {unit!r} is not a mass, volume or energy, which fuel {name!r} needs "
                    "(t, kg, m3, litre, GJ, MWh)"
                )
            continue
        fac = [f for f in factor_rows if f["activity"] == name and f["basis"] != "bio_share"]
        if not fac:
            raise DataFileError(
                f"{where}, column 'activity': no emission factor for {name!r} in {fac_path}; add a row "
                "activity,basis,factor,factor_unit,source with a sourced factor (the project has no default for it)"
            )
        for f in fac:
            den = str(f["factor_unit"]).partition("/")[2].strip()
            if q.dimensionality != _unit(fac_path, f["_row"], "factor_unit", den).dimensionality:
                raise DataFileError(
                    f"{where}, column 'unit': {unit!r} cannot be converted to {den!r}, the unit of the factor in "
                    f"{fac_path} row {f['_row']}"
                )


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
