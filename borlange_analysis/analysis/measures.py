"""The measures catalogue: measures as data, validated on load, with errors that name file, row and column.

A catalogue is a CSV file with one measure per row. Three kinds of files are read the same way:

- ``reference/measures.csv``: measures that apply anywhere (national policy, sector-relative), the
  portfolio named ``generic``;
- ``reference/portfolios/<name>.csv``: portfolios shipped with the package (``borlange``), whose
  rows carry the kommun they belong to;
- ``data/measures/<name>.csv`` (git-ignored, like ``data/partners``): a user's own measures.

A **portfolio** is named by a spec: ``"auto"`` (the generic measures plus the shipped and user
portfolios named after the kommun, e.g. ``borlange`` for Borlänge), a name, several names joined
by ``+`` (``"generic+mine"``; ``user:<name>`` names a user's file that has the name of a shipped
portfolio) or the path of a CSV file. :func:`load_portfolio` resolves the spec
and returns one validated frame (:data:`COLUMNS`).

Columns of a measures file (``docs/methods.md``, "Measures and scenarios", and ``CONTRIBUTING.md``
say more):

===================  ==========================================================================
``id``               unique, lower case letters, digits and ``_``
``name_sv/name_en``  the name in Swedish / English (optional for shipped measures: their names
                     live in the text catalogues, key ``measure.<id>.name``)
``kommun``           optional: the kommun the measure belongs to (name or SCB code); empty =
                     applies anywhere
``sector``           SMHI main sector (Swedish name, id or English name); empty for additional
                     sinks and technical removals (bio-CCS names the plant's sector)
``facility``         optional EU ETS installation id (``SE_386``): the measure acts on the plant
``owner``            ``kommun``, ``national`` or a partner id of ``reference/partners.toml``
``location``         ``inside`` (counted in the territorial scenario) or ``outside`` (avoided
                     emissions elsewhere, shown beside the pathway)
``kind``             exactly one of :data:`KINDS`
``method``           how the effect becomes tonnes (:data:`METHODS`; default ``given``)
``activity``         for ``fuel_switch``: the activity of the partner's activity data
``start_year``       first year with an effect
``full_year``        year of full effect (linear ramp between)
``effect``           central value, in ``unit``; ``effect_low`` / ``effect_high`` optional
``unit``             :data:`METHODS` lists the units each kind and method accept
``effect_basis``     ``published``, ``data`` or ``assumption``: what the effect value rests on
``source``           the citation (publisher, document); may be empty only for an assumption
``timing_basis``     ``decided``, ``published`` or ``assumption`` (default ``assumption``)
``cost_sek_per_yr``  optional, user-supplied cost in SEK a year
``cost_sek_per_t``   optional, user-supplied cost in SEK per tonne
===================  ==========================================================================

Shares may be given with unit ``share`` (0-1) or ``pct`` (0-100); they are stored as shares.
Validation refuses, naming file, row and column: an unknown sector, partner, kind, method, unit,
location, basis or kommun; text in a number; a start year after the full-effect year; a relative
effect above 100 %; low above central or central above high; a duplicate id; a missing source
without the assumption label. The checks need only the reference tables (no processed data), so a
report run can refuse a bad file before any kernel starts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..errors import DataFileError, UnknownValueError, fold, nearest

RELATIVE_CUT = "relative_cut"
ABSOLUTE_CUT = "absolute_cut"
FUEL_SWITCH = "fuel_switch"
ADDITIONAL_SINK = "additional_sink"
TECHNICAL_REMOVAL = "technical_removal"
#: The kinds of measure: each measure has exactly one.
KINDS = (RELATIVE_CUT, ABSOLUTE_CUT, FUEL_SWITCH, ADDITIONAL_SINK, TECHNICAL_REMOVAL)
#: Kinds that lower a sector's emissions (the others add sinks or removals).
CUT_KINDS = (RELATIVE_CUT, ABSOLUTE_CUT, FUEL_SWITCH)
INSIDE, OUTSIDE = "inside", "outside"
LOCATIONS = (INSIDE, OUTSIDE)
OWNERS = ("kommun", "national")
EFFECT_BASES = ("published", "data", "assumption")
TIMING_BASES = ("decided", "published", "assumption")
SHARE_UNITS = ("share", "pct")
#: (kind, method) -> accepted units. ``given``: the effect is the number itself; the other methods
#: compute tonnes from the project's data and modules (``analysis.scenario`` does it).
METHODS: dict[tuple[str, str], tuple[str, ...]] = {
    (RELATIVE_CUT, "given"): SHARE_UNITS,
    (ABSOLUTE_CUT, "given"): ("t_co2e_per_yr",),
    (ABSOLUTE_CUT, "food_waste"): ("kitchens",),
    (ABSOLUTE_CUT, "rewetting_n2o"): ("ha",),
    (FUEL_SWITCH, "activity"): SHARE_UNITS,
    (ADDITIONAL_SINK, "given"): ("t_co2_per_yr",),
    (ADDITIONAL_SINK, "set_aside"): ("ha",),
    (ADDITIONAL_SINK, "afforestation"): ("ha",),
    (ADDITIONAL_SINK, "rewetting"): ("ha",),
    (ADDITIONAL_SINK, "felling_cut"): SHARE_UNITS,
    (TECHNICAL_REMOVAL, "given"): ("t_co2_per_yr",),
    (TECHNICAL_REMOVAL, "biochar"): ("t_biochar_per_yr",),
    (TECHNICAL_REMOVAL, "bio_ccs"): SHARE_UNITS,
}
#: The method each kind uses when the ``method`` column is empty.
DEFAULT_METHOD = {k: ("activity" if k == FUEL_SWITCH else "given") for k in KINDS}
REQUIRED = (
    "id",
    "sector",
    "owner",
    "location",
    "kind",
    "start_year",
    "full_year",
    "effect",
    "unit",
    "effect_basis",
    "source",
)
OPTIONAL = (
    "name_sv",
    "name_en",
    "kommun",
    "facility",
    "method",
    "activity",
    "effect_low",
    "effect_high",
    "timing_basis",
    "cost_sek_per_yr",
    "cost_sek_per_t",
)
#: The columns of a loaded catalogue (numbers as floats, shares as 0-1, years as int).
COLUMNS = (
    "id",
    "name_sv",
    "name_en",
    "kommun_code",
    "sector",
    "facility",
    "owner",
    "location",
    "kind",
    "method",
    "activity",
    "start_year",
    "full_year",
    "effect",
    "effect_low",
    "effect_high",
    "unit",
    "effect_basis",
    "source",
    "timing_basis",
    "cost_sek_per_yr",
    "cost_sek_per_t",
    "catalogue",
    "file",
    "row",
)
GENERIC = "generic"
AUTO = "auto"
GENERIC_FILE = config.REFERENCE_DIR / "measures.csv"
SHIPPED_DIR = config.REFERENCE_DIR / "portfolios"
FIRST_YEAR, LAST_YEAR = 1990, 2100
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_FACILITY = re.compile(r"^[A-Z]{2}_\d+$")


# --- where catalogues live ---------------------------------------------------------------------------


def user_dir() -> Path:
    """``data/measures/``: users' own measures files (never committed); ``$BORLANGE_MEASURES_DIR``
    overrides it (:func:`borlange_analysis.config.measures_data_dir`)."""
    return config.measures_data_dir()


def slug(name: str) -> str:
    """A kommun's name as a portfolio name: 'Borlänge' -> 'borlange', 'Upplands Väsby' -> 'upplands_vasby'."""
    s = "".join(c if c.isalnum() else "_" for c in fold(name))
    return "_".join(p for p in s.split("_") if p)


def shipped_portfolios() -> dict[str, Path]:
    """Portfolios shipped with the package: name -> file (``reference/portfolios/<name>.csv``)."""
    return {p.stem: p for p in sorted(SHIPPED_DIR.glob("*.csv"))} if SHIPPED_DIR.is_dir() else {}


def user_portfolios() -> dict[str, Path]:
    """Users' own measures files: name -> file (``data/measures/<name>.csv``)."""
    folder = user_dir()
    return {p.stem: p for p in sorted(folder.glob("*.csv"))} if folder.is_dir() else {}


def portfolio_names() -> list[str]:
    """Every portfolio name a spec may use: auto, generic, the shipped and the users' portfolios."""
    names = [AUTO, GENERIC, *shipped_portfolios()]
    return names + [n for n in user_portfolios() if n not in names]


def auto_names(kommun: str) -> list[str]:
    """The portfolios ``auto`` stands for in a kommun: ``generic`` plus the shipped and the user
    portfolio named after the kommun (:func:`slug`), where they exist."""
    own = slug(kommun)
    names = [GENERIC]
    if own in shipped_portfolios():
        names.append(own)
    if own in user_portfolios():
        names.append(f"user:{own}")
    return names


@dataclass(frozen=True)
class Source:
    """One catalogue file of a portfolio: its name and path, whether it ships with the package, and
    the kommun its rows belong to when they name none (a portfolio named after a kommun)."""

    name: str
    path: Path
    shipped: bool
    kommun_code: str = ""


def _kommun_slugs() -> dict[str, str]:
    from ..names import kommun_resolver

    return {slug(name): code for code, name in kommun_resolver().by_code.items()}


def resolve(spec: str | Sequence[str], *, kommun: str | None) -> list[Source]:
    """The files a portfolio spec stands for (see the module docstring). ``kommun`` is the kommun's
    canonical name (for ``auto``); ``None`` means every kommun (``auto`` is then the generic measures
    and every portfolio named after a kommun). Raises :class:`UnknownValueError` naming the valid names."""
    parts: list[str] = []
    for item in [spec] if isinstance(spec, str) else list(spec):
        parts += [s.strip() for s in str(item).split("+") if s.strip()]
    if not parts:
        raise UnknownValueError("portfolio", spec, portfolio_names())
    shipped, users = shipped_portfolios(), user_portfolios()
    slugs = _kommun_slugs()
    out: list[Source] = []
    for part in parts:
        if part == AUTO:
            names = auto_names(kommun) if kommun is not None else [GENERIC, *[n for n in shipped if n in slugs]]
            if kommun is None:
                names += [f"user:{n}" for n in users if n in slugs]
            for name in names:
                if name.startswith("user:"):
                    out.append(Source(name[5:], users[name[5:]], False, slugs.get(name[5:], "")))
                else:
                    src = _named(name, shipped, users)
                    out.append(Source(src.name, src.path, src.shipped, slugs.get(name, "")))
            continue
        if part.lower().endswith(".csv"):
            path = Path(part).expanduser()
            if not path.is_file():
                raise DataFileError(f"measures file {path} not found")
            out.append(Source(path.stem, path.resolve(), _is_shipped(path)))
            continue
        src = _named(part, shipped, users)
        out.append(Source(src.name, src.path, src.shipped, slugs.get(part.removeprefix("user:"), "")))
    seen: set[Path] = set()
    unique = []
    for s in out:
        if s.path not in seen:
            seen.add(s.path)
            unique.append(s)
    return unique


def _named(name: str, shipped: Mapping[str, Path], users: Mapping[str, Path]) -> Source:
    if name.startswith("user:") and name[5:] in users:  # a user's file named like a shipped portfolio
        return Source(name[5:], users[name[5:]], False)
    if name == GENERIC:
        return Source(GENERIC, GENERIC_FILE, True)
    if name in shipped:
        return Source(name, shipped[name], True)
    if name in users:
        return Source(name, users[name], False)
    raise UnknownValueError("portfolio", name, portfolio_names())


def _is_shipped(path: Path) -> bool:
    try:
        path.resolve().relative_to(config.REFERENCE_DIR)
    except ValueError:
        return False
    return True


# --- reading and validating ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checks:
    """What validation checks against: the valid sectors (Swedish names, with ids and English names
    mapped to them), owners (partner id -> its kommun code), kommuner, activities and, when known,
    the EU ETS installations with verified emissions."""

    sectors: Mapping[str, str]
    sector_names: Sequence[str]
    partners: Mapping[str, str]
    activities: Sequence[str]
    installations: frozenset[str] | None = None


def default_checks(*, installations: Iterable[str] | None = None) -> Checks:
    """The checks of the shipped reference tables: SMHI's main sectors, the partner registry,
    the activities of ``reference/activities.csv`` and (optionally) the known installations."""
    from .. import reference
    from ..names import sectors
    from ..partners import partners

    tab = sectors()
    mapping: dict[str, str] = {}
    for col in ("sector", "sector_id", "sector_en"):
        for value, name in zip(tab[col], tab["sector"], strict=True):
            mapping[fold(value)] = name
    for name in tab["sector"]:  # a name without its parenthesis, e.g. "Industri"
        mapping.setdefault(fold(re.sub(r"\s*\(.*\)$", "", name)), name)
    acts = reference.table("activities.csv", as_text=True)["activity"].tolist()
    return Checks(
        sectors=mapping,
        sector_names=tab["sector"].tolist(),
        partners={p["id"]: p["kommun"] for p in partners()},
        activities=acts,
        installations=None if installations is None else frozenset(installations),
    )


def _fail(file: str, row: int, column: str, message: str) -> DataFileError:
    return DataFileError(f"{file}: row {row}, column {column!r}: {message}")


def _unknown(file: str, row: int, column: str, what: str, value: str, choices: Sequence[str]) -> DataFileError:
    near = nearest(value, choices)
    hint = (" Did you mean " + " or ".join(repr(s) for s in near) + "?") if near else ""
    shown = ", ".join(list(choices)[:40]) + (f", ... ({len(choices)} in all)" if len(choices) > 40 else "")
    return _fail(file, row, column, f"unknown {what} {value!r}.{hint} Valid values: {shown}")


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the rows of a measures CSV with their line numbers (the header is row 1;
    lines starting with ``#`` and empty lines are skipped but counted)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(f"measures file {path} not found") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    lines = text.splitlines()
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = next(csv.reader([line]))
        if header is None:
            header = [c.strip() for c in cells]
            header_row = number
            continue
        if len(cells) > len(header):
            raise _fail(
                str(path),
                number,
                header[-1],
                f"{len(cells)} cells, but the header (row {header_row}) has {len(header)}",
            )
        rows.append((number, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}))
    if header is None:
        raise DataFileError(f"{path}: empty file (no header row); the columns are {', '.join(REQUIRED)}")
    return header, rows


def _number(file: str, row: int, column: str, text: str, *, required: bool) -> float:
    if text == "":
        if required:
            raise _fail(file, row, column, "empty: a number is required")
        return float("nan")
    try:
        value = float(text.replace("\u2212", "-"))
    except ValueError:
        raise _fail(file, row, column, f"value {text!r} is not a number") from None
    if not np.isfinite(value):
        raise _fail(file, row, column, f"value {text!r} is not a finite number")
    return value


def _year(file: str, row: int, column: str, text: str) -> int:
    value = _number(file, row, column, text, required=True)
    if not value.is_integer() or not FIRST_YEAR <= value <= LAST_YEAR:
        raise _fail(file, row, column, f"value {text!r} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
    return int(value)


def _choice(file: str, row: int, column: str, what: str, text: str, choices: Sequence[str]) -> str:
    if text not in choices:
        raise _unknown(file, row, column, what, text, choices)
    return text


def _validate_row(cells: Mapping[str, str], *, file: str, row: int, checks: Checks, shipped: bool) -> dict[str, Any]:
    """One row, checked and normalised (see :data:`COLUMNS`)."""
    from .. import i18n
    from ..names import kommun_resolver

    rid = cells.get("id", "")
    if not _ID.match(rid):
        raise _fail(file, row, "id", f"value {rid!r} is not an id (lower case letters, digits and _)")
    kind = _choice(file, row, "kind", "kind", cells["kind"], KINDS)
    method = cells.get("method", "") or DEFAULT_METHOD[kind]
    valid_methods = [m for (k, m) in METHODS if k == kind]
    _choice(file, row, "method", f"method of a {kind}", method, valid_methods)
    units = METHODS[(kind, method)]
    unit = _choice(file, row, "unit", f"unit of {kind} by {method}", cells["unit"], units)
    location = _choice(file, row, "location", "location", cells["location"], LOCATIONS)
    owner = cells["owner"]
    if owner not in OWNERS and owner not in checks.partners:
        raise _unknown(file, row, "owner", "owner (partner)", owner, [*OWNERS, *sorted(checks.partners)])
    kommun_code = ""
    if cells.get("kommun", ""):
        code = kommun_resolver().code(cells["kommun"], strict=False)
        if code is None:
            raise _unknown(file, row, "kommun", "kommun", cells["kommun"], kommun_resolver().names())
        kommun_code = code
    if owner in checks.partners:
        home = checks.partners[owner]
        if kommun_code and kommun_code != home:
            names = kommun_resolver().by_code
            raise _fail(
                file,
                row,
                "kommun",
                f"partner {owner!r} belongs to {names.get(home, home)}, not to {names.get(kommun_code, kommun_code)}",
            )
        kommun_code = home
    sector_text = cells["sector"]
    sector = ""
    if sector_text:
        sector = checks.sectors.get(fold(sector_text), "")
        if not sector:
            raise _unknown(file, row, "sector", "sector", sector_text, list(checks.sector_names))
    needs_sector = kind in CUT_KINDS and location == INSIDE or method == "bio_ccs"
    if needs_sector and not sector:
        raise _fail(file, row, "sector", f"empty: a {kind} inside the border needs the sector it cuts")
    if kind in (ADDITIONAL_SINK, TECHNICAL_REMOVAL) and sector and method != "bio_ccs":
        raise _fail(file, row, "sector", f"{sector_text!r}: an {kind.replace('_', ' ')} has no sector (leave it empty)")
    facility = cells.get("facility", "")
    if facility:
        if not _FACILITY.match(facility):
            raise _fail(file, row, "facility", f"value {facility!r} is not an EU ETS installation id like 'SE_386'")
        if checks.installations is not None and facility not in checks.installations:
            raise _unknown(
                file,
                row,
                "facility",
                "EU ETS installation with verified emissions",
                facility,
                sorted(checks.installations),
            )
        if (kind, method) not in ((RELATIVE_CUT, "given"), (ABSOLUTE_CUT, "given"), (FUEL_SWITCH, "activity")) and (
            method != "bio_ccs"
        ):
            raise _fail(file, row, "facility", f"{facility!r}: a {kind} by {method} does not act on a plant")
    elif method == "bio_ccs":
        raise _fail(file, row, "facility", "empty: bio-CCS needs the plant (EU ETS installation id)")
    activity = cells.get("activity", "")
    if kind == FUEL_SWITCH:
        if owner not in checks.partners:
            raise _fail(file, row, "owner", f"{owner!r}: a fuel switch is computed from a partner's activity data")
        _choice(file, row, "activity", "activity", activity, list(checks.activities))
    elif activity:
        raise _fail(file, row, "activity", f"{activity!r}: only a fuel switch takes an activity")
    start = _year(file, row, "start_year", cells["start_year"])
    full = _year(file, row, "full_year", cells["full_year"])
    if start > full:
        raise _fail(file, row, "start_year", f"start year {start} is after the full-effect year {full}")
    central = _number(file, row, "effect", cells["effect"], required=True)
    low = _number(file, row, "effect_low", cells.get("effect_low", ""), required=False)
    high = _number(file, row, "effect_high", cells.get("effect_high", ""), required=False)
    low = central if np.isnan(low) else low
    high = central if np.isnan(high) else high
    scale = 100.0 if unit == "pct" else 1.0
    for col, value in (("effect", central), ("effect_low", low), ("effect_high", high)):
        if unit in SHARE_UNITS:
            if value > scale:
                shown = f"{value:g} %" if unit == "pct" else f"{value:g} ({value * 100:g} %)"
                raise _fail(file, row, col, f"a relative effect of {shown} is above 100 %")
            if value < 0:
                raise _fail(file, row, col, f"a relative effect of {value:g} is below 0")
        elif value < 0 and not (location == OUTSIDE and kind == ABSOLUTE_CUT):
            raise _fail(
                file, row, col, f"negative effect {value:g}: only an absolute effect outside the border may be negative"
            )
    if not low <= central:
        raise _fail(file, row, "effect_low", f"{cells.get('effect_low')} is above the central effect {central:g}")
    if not central <= high:
        raise _fail(file, row, "effect_high", f"{cells.get('effect_high')} is below the central effect {central:g}")
    if unit == "pct":
        low, central, high, unit = low / 100, central / 100, high / 100, "share"
    basis = _choice(file, row, "effect_basis", "effect basis", cells["effect_basis"], EFFECT_BASES)
    source = cells["source"]
    if not source and basis != "assumption":
        raise _fail(file, row, "source", "empty: give the source, or set effect_basis to 'assumption'")
    timing = cells.get("timing_basis", "") or "assumption"
    _choice(file, row, "timing_basis", "timing basis", timing, TIMING_BASES)
    cost_yr = _number(file, row, "cost_sek_per_yr", cells.get("cost_sek_per_yr", ""), required=False)
    cost_t = _number(file, row, "cost_sek_per_t", cells.get("cost_sek_per_t", ""), required=False)
    name_sv, name_en = cells.get("name_sv", ""), cells.get("name_en", "")
    in_catalogue = i18n.has(f"measure.{rid}.name", "sv") and i18n.has(f"measure.{rid}.name", "en")
    if not (name_sv or name_en or in_catalogue):
        col = "name_en" if "name_en" in cells and "name_sv" not in cells else "name_sv"
        raise _fail(file, row, col, "empty: a measure needs a name (name_sv and/or name_en)")
    if shipped and not in_catalogue:
        raise _fail(file, row, "id", f"shipped measure {rid!r} has no name in the text catalogues (measure.{rid}.name)")
    return {
        "id": rid,
        "name_sv": name_sv,
        "name_en": name_en,
        "kommun_code": kommun_code,
        "sector": sector,
        "facility": facility,
        "owner": owner,
        "location": location,
        "kind": kind,
        "method": method,
        "activity": activity,
        "start_year": start,
        "full_year": full,
        "effect": central,
        "effect_low": low,
        "effect_high": high,
        "unit": unit,
        "effect_basis": basis,
        "source": source,
        "timing_basis": timing,
        "cost_sek_per_yr": cost_yr,
        "cost_sek_per_t": cost_t,
    }


def read_catalogue(
    path: str | Path,
    *,
    name: str | None = None,
    shipped: bool | None = None,
    checks: Checks | None = None,
    kommun_code: str = "",
) -> pd.DataFrame:
    """Read and validate one measures file (see the module docstring): a frame of :data:`COLUMNS`.
    ``kommun_code``: the kommun of rows that name none (a portfolio named after a kommun).

    Raises :class:`DataFileError` naming the file, the row (the header is row 1) and the column."""
    path = Path(path)
    checks = checks or default_checks()
    shipped = _is_shipped(path) if shipped is None else shipped
    header, rows = read_rows(path)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise DataFileError(f"{path}: row 1: missing columns {missing}; the columns are {list(REQUIRED + OPTIONAL)}")
    unknown = [c for c in header if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise _unknown(str(path), 1, unknown[0], "column", unknown[0], list(REQUIRED + OPTIONAL))
    records = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        rec = _validate_row(cells, file=str(path), row=number, checks=checks, shipped=shipped)
        if kommun_code and not rec["kommun_code"]:
            rec["kommun_code"] = kommun_code
        if rec["id"] in seen:
            raise _fail(str(path), number, "id", f"duplicate id {rec['id']!r} (also row {seen[rec['id']]})")
        seen[rec["id"]] = number
        records.append({**rec, "catalogue": name or path.stem, "file": str(path), "row": number})
    return _frame(records)


def _frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    types: dict[str, Any] = {
        "start_year": int,
        "full_year": int,
        "row": int,
        **{c: float for c in ("effect", "effect_low", "effect_high", "cost_sek_per_yr", "cost_sek_per_t")},
    }
    return frame.astype(types)


def load_portfolio(
    spec: str | Sequence[str] = AUTO, *, kommun: str | int | None, checks: Checks | None = None
) -> pd.DataFrame:
    """The validated measures of a portfolio spec for a kommun (name or code; ``None`` for every
    kommun): every file of :func:`resolve`, rows of other kommuner kept (the scenario applies only
    those of each kommun). Ids must be unique across the files. ``frame.attrs["sources"]`` lists
    (name, path, shipped)."""
    from ..names import kommun_resolver

    name: str | None = None
    if kommun is not None:
        res = kommun_resolver()
        code = res.code(kommun)
        assert code is not None
        name = res.by_code[code]
    checks = checks or default_checks()
    parts: list[pd.DataFrame] = []
    where: dict[str, str] = {}
    sources = resolve(spec, kommun=name)
    for src in sources:
        part = read_catalogue(src.path, name=src.name, shipped=src.shipped, checks=checks, kommun_code=src.kommun_code)
        for rid, row in zip(part["id"], part["row"], strict=True):
            if rid in where:
                raise _fail(str(src.path), int(row), "id", f"id {rid!r} is also in {where[rid]}")
            where[rid] = f"{src.path} (row {row})"
        parts.append(part)
    out = pd.concat(parts, ignore_index=True) if parts else _frame([])
    out.attrs["sources"] = [(s.name, str(s.path), s.shipped) for s in sources]
    return out


def measure_name(row: Mapping[str, Any], language: str) -> str:
    """A measure's name in ``language``: the text catalogue (shipped measures), else the file's
    ``name_<language>``, else its other name, else its id."""
    from .. import i18n

    key = f"measure.{row['id']}.name"
    if i18n.has(key, language):
        return i18n.t(key, language)
    other = "en" if language == "sv" else "sv"
    return str(row.get(f"name_{language}") or row.get(f"name_{other}") or row["id"])


def check_ids(catalogue: pd.DataFrame, ids: Iterable[str]) -> list[str]:
    """``ids`` if every one is a measure of ``catalogue``, else :class:`UnknownValueError`."""
    valid = catalogue["id"].tolist()
    out = []
    for i in ids:
        if i not in valid:
            raise UnknownValueError("measure", i, valid)
        out.append(i)
    return out


def split_ids(text: str) -> list[str]:
    """'a, b,c' -> ['a', 'b', 'c'] (an on/off list of measure ids)."""
    return [s.strip() for s in str(text).split(",") if s.strip()]


def confidential_owners() -> set[str]:
    """Partner ids whose reports are confidential (registry or ``data/partners/<id>/CONFIDENTIAL``)."""
    from ..partners import partners

    return {p["id"] for p in partners() if p["confidential"]}
