"""Parsers: one per raw file format, each handling the quirks listed in PROVENANCE.md.

Every parser takes the path of a raw file and returns a tidy :class:`pandas.DataFrame` with a
``_row`` column (the 1-based line or spreadsheet row the value came from) so that validation
errors can name the file, row, column and value. Parsers do not harmonise names; see
:mod:`borlange_analysis.prepare`.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

import pandas as pd

from ..errors import DataFileError

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u2007]")
_MISSING = {"", "na", "nan", "..", "-", "–", "none"}


def parse_number(text, *, file: str | Path = "?", row: int | str = "?", column: str = "?") -> float:
    """Parse a number written the Swedish way, tolerant of every quirk seen in the sources.

    Handles decimal commas (``7,33``), thin-space / no-break-space thousands separators
    (``71 260 000``), the minus sign U+2212, and the ``7,33347×10^−05`` notation of SMHI's export.
    Missing markers ('', 'NA', '..', '-') give NaN. Anything else raises :class:`DataFileError`
    naming the file, row, column and value.
    """
    if text is None:
        return math.nan
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    raw = str(text)
    s = _SPACES.sub("", raw).replace("\u2212", "-")
    if s.casefold() in _MISSING:
        return math.nan
    s = s.replace(",", ".")
    s = re.sub(r"[×x\*]10\^", "e", s)
    try:
        return float(s)
    except ValueError:
        raise DataFileError(f"{file}: row {row}, column {column!r}: value {raw!r} is not a number") from None


def _year_columns(header: list[str]) -> list[tuple[int, int]]:
    out = []
    for i, h in enumerate(header):
        h = str(h).strip()
        if re.fullmatch(r"(19|20)\d\d(\.0+)?", h):
            out.append((i, int(float(h))))
    return out


# --- SMHI --------------------------------------------------------------------------------------

SMHI_HEADER = ["Huvudsektor", "Undersektor", "Län", "Kommun"]


def smhi_csv(path: Path) -> pd.DataFrame:
    """SMHI's raw export (CSV): ``;``-separated, decimal comma, CRLF, 6 preamble lines, header on
    line 7 (Huvudsektor, Undersektor, Län, Kommun, years...), a footer line starting
    ``Rapportnamn:``. Returns columns sector, subsector, lan, kommun, year, t_co2e, _row."""
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh, delimiter=";"))
    return _smhi_rows(lines, path)


def _smhi_rows(lines: list[list[str]], path: Path) -> pd.DataFrame:
    header_idx = None
    for i, row in enumerate(lines[:40]):
        if [c.strip() for c in row[:4]] == SMHI_HEADER:
            header_idx = i
            break
    if header_idx is None:
        raise DataFileError(
            f"{path}: no header row starting {';'.join(SMHI_HEADER)} in the first 40 lines; "
            "is this SMHI's emissions export?"
        )
    header = lines[header_idx]
    years = _year_columns(header)
    if not years:
        raise DataFileError(f"{path}: row {header_idx + 1}: header has no year columns: {header}")
    records = []
    for i in range(header_idx + 1, len(lines)):
        row = lines[i]
        if not row or not any(c.strip() for c in row):
            continue
        if row[0].startswith("Rapportnamn:"):
            break  # footer
        if len(row) < len(header):
            raise DataFileError(
                f"{path}: row {i + 1}: expected {len(header)} cells, found {len(row)}: {';'.join(row)[:120]}"
            )
        sector, subsector, lan, kommun = (c.strip() for c in row[:4])
        for col, year in years:
            value = parse_number(row[col], file=path, row=i + 1, column=header[col])
            records.append((sector, subsector, lan, kommun, year, value, i + 1))
    return pd.DataFrame.from_records(
        records, columns=["sector", "subsector", "lan", "kommun", "year", "t_co2e", "_row"]
    )


def smhi_xlsx(path: Path) -> pd.DataFrame:
    """SMHI's current export as Excel: same columns as :func:`smhi_csv` after a few title rows."""
    frame = pd.read_excel(path, header=None, dtype=str)
    lines = [["" if pd.isna(c) else str(c) for c in row] for row in frame.itertuples(index=False)]
    return _smhi_rows(lines, Path(path))


def smhi_totals_xlsx(path: Path) -> pd.DataFrame:
    """SMHI release of 2024 as processed by Klimatbyrån: Kommun, Kod, Län, years (totals only)."""
    frame = pd.read_excel(path, header=None, dtype=object)
    header = [str(c) for c in frame.iloc[0]]
    if header[:3] != ["Kommun", "Kod", "Län"]:
        raise DataFileError(f"{path}: row 1: expected header Kommun, Kod, Län, years; found {header[:4]}")
    years = _year_columns(header)
    records = []
    for i in range(1, len(frame)):
        row = frame.iloc[i]
        for col, year in years:
            value = parse_number(row.iloc[col], file=path, row=i + 1, column=header[col])
            records.append(
                (
                    str(row.iloc[0]).strip(),
                    str(row.iloc[1]).strip().zfill(4),
                    str(row.iloc[2]).strip(),
                    year,
                    value,
                    i + 1,
                )
            )
    return pd.DataFrame.from_records(records, columns=["kommun", "kommun_code", "lan", "year", "t_co2e", "_row"])


def klimatkollen_sector_json(path: Path) -> pd.DataFrame:
    """Klimatbyrån's ``municipality-sector-emissions.json``: a list of
    ``{name, sectors: {year: {main sector: t CO2e}}}``. Returns kommun, sector, year, t_co2e, _row
    (``_row`` is the position of the kommun in the list, 1-based)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataFileError(f"{path}: row {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})") from None
    if not isinstance(data, list):
        raise DataFileError(f"{path}: expected a list of kommuner, found {type(data).__name__}")
    records = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict) or "name" not in item or "sectors" not in item:
            raise DataFileError(f"{path}: row {i}: entry lacks 'name' or 'sectors': {str(item)[:100]}")
        for year, secs in item["sectors"].items():
            for sector, value in secs.items():
                v = parse_number(value, file=path, row=i, column=f"{item['name']}/{year}/{sector}")
                records.append((item["name"], sector, int(year), v, i))
    return pd.DataFrame.from_records(records, columns=["kommun", "sector", "year", "t_co2e", "_row"])


def _region_years(region: str, years: dict, path: Path, idx: int) -> list[tuple]:
    rows = []
    for year, payload in years.items():
        if not str(year).isdigit():
            continue
        rows.append(
            (
                region,
                "Alla",
                "Alla",
                int(year),
                parse_number(payload.get("total_emissions"), file=path, row=idx, column=f"{region}/{year}/total"),
                idx,
            )
        )
        for sector, value in payload.get("sectors", {}).items():
            rows.append(
                (
                    region,
                    sector,
                    "Alla",
                    int(year),
                    parse_number(value, file=path, row=idx, column=f"{region}/{year}/{sector}"),
                    idx,
                )
            )
        for sector, subs in payload.get("subsectors", {}).items():
            for sub, value in subs.items():
                rows.append(
                    (
                        region,
                        sector,
                        sub,
                        int(year),
                        parse_number(value, file=path, row=idx, column=f"{region}/{year}/{sector}/{sub}"),
                        idx,
                    )
                )
    return rows


_REGION_COLS = ["region", "sector", "subsector", "year", "t_co2e", "_row"]


def klimatkollen_regional_json(path: Path) -> pd.DataFrame:
    """``regional-emissions.json``: {län: {year: {total_emissions, sectors, subsectors}}}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    rows = []
    for idx, (region, years) in enumerate(data.items(), start=1):
        rows += _region_years(region, years, Path(path), idx)
    return pd.DataFrame.from_records(rows, columns=_REGION_COLS)


def klimatkollen_national_json(path: Path) -> pd.DataFrame:
    """``national-emissions.json``: {country, year: {total_emissions, sectors, subsectors}}."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    country = data.get("country", "Sverige")
    years = {k: v for k, v in data.items() if k != "country"}
    return pd.DataFrame.from_records(_region_years(country, years, Path(path), 1), columns=_REGION_COLS)


def _sheet_table(path, sheet: str, first_header: str | None) -> tuple[pd.DataFrame, int]:
    """Read a Klimatbyrån sheet as text; find the header row (with years) and return it."""
    frame = pd.read_excel(path, sheet_name=sheet, header=None, dtype=str)
    for i in range(min(len(frame), 30)):
        cells = [str(c).strip() for c in frame.iloc[i]]
        if _year_columns(cells) and (first_header is None or cells[0] == first_header):
            return frame, i
    raise DataFileError(f"{path}: sheet {sheet!r}: no header row with years found")


def swedish_emissions_xlsx(path: Path) -> dict[str, pd.DataFrame]:
    """Klimatbyrån's ``swedish_emissions.xlsx``: numbers stored as text with thin-space thousands
    separators. Returns three tables:

    - ``terr_ghg``: kommun_code, kommun, lan_code, lan, year, t_co2e (Terr_GHG; its own
      compilation, differs from the sector JSON of the same release; NV national total row and the
      'Ofördelat' row are kept with kommun_code '-' / NaN),
    - ``co2bio``: kommun_code, kommun, year, t_co2 (Terr_CO2bio, biogenic CO2, an estimate),
    - ``lulucf``: year, t_co2 (Terr_LULUCF, Sweden's land-use net flux; negative = net uptake).
    """
    path = Path(path)
    book = pd.ExcelFile(path)
    out = {}
    for key, sheet, first in (("terr_ghg", "Terr_GHG", "Länskod"), ("co2bio", "Terr_CO2bio", "Länskod")):
        frame, h = _sheet_table(book, sheet, first)
        header = [str(c).strip() for c in frame.iloc[h]]
        years = _year_columns(header)
        recs = []
        vals = frame.to_numpy(dtype=object)
        for i in range(h + 1, len(frame)):
            row = vals[i]
            if all(pd.isna(row[j]) for j in range(4)):
                continue
            lan_code, lan, k_code, kommun = (None if pd.isna(row[j]) else str(row[j]).strip() for j in range(4))
            for col, year in years:
                v = parse_number(row[col], file=f"{path}[{sheet}]", row=i + 1, column=header[col])
                recs.append((k_code, kommun, lan_code, lan, year, v, i + 1))
        value = "t_co2e" if key == "terr_ghg" else "t_co2"
        out[key] = pd.DataFrame.from_records(
            recs, columns=["kommun_code", "kommun", "lan_code", "lan", "year", value, "_row"]
        )
    frame, h = _sheet_table(book, "Terr_LULUCF", None)
    header = [str(c).strip() for c in frame.iloc[h]]
    lulucf: list[tuple[str, int, float, int]] = []
    for i in range(h + 1, len(frame)):
        row = frame.iloc[i]
        if pd.isna(row.iloc[0]):
            continue
        for col, year in _year_columns(header):
            lulucf.append(
                (
                    str(row.iloc[0]).strip(),
                    year,
                    parse_number(row.iloc[col], file=f"{path}[Terr_LULUCF]", row=i + 1, column=header[col]),
                    i + 1,
                )
            )
    out["lulucf"] = pd.DataFrame.from_records(lulucf, columns=["region", "year", "t_co2", "_row"])
    return out


# --- SCB ---------------------------------------------------------------------------------------


def scb_codes_xls(path: Path) -> pd.DataFrame:
    """SCB's 'Län och kommuner' list (.xls): Kod/Code, Namn/Name. Two-digit codes are län,
    four-digit codes kommuner. Returns code, name, _row."""
    frame = pd.read_excel(path, header=None, dtype=str)
    recs = []
    for i in range(len(frame)):
        code, name = frame.iloc[i, 0], frame.iloc[i, 1]
        if pd.isna(code) or pd.isna(name):
            continue
        code = str(code).strip()
        if re.fullmatch(r"\d{2}|\d{4}", code):
            recs.append((code, str(name).strip(), i + 1))
    if not recs:
        raise DataFileError(f"{path}: no rows with a 2- or 4-digit code and a name")
    return pd.DataFrame.from_records(recs, columns=["code", "name", "_row"])


def scb_population_2024_xlsx(path: Path) -> pd.DataFrame:
    """SCB BE0101 'Folkmängd ... 31 december 2024', sheet Totalt: kommun code, name, population."""
    frame = pd.read_excel(path, sheet_name=0, header=None, dtype=str)
    recs = []
    for i in range(len(frame)):
        code = str(frame.iloc[i, 0]).strip()
        if re.fullmatch(r"\d{4}", code):
            recs.append(
                (
                    code,
                    str(frame.iloc[i, 1]).strip(),
                    2024,
                    parse_number(frame.iloc[i, 2], file=path, row=i + 1, column="Folkmängd"),
                    i + 1,
                )
            )
    return pd.DataFrame.from_records(recs, columns=["kommun_code", "kommun", "year", "population", "_row"])


def scb_population_series_xlsx(path: Path) -> pd.DataFrame:
    """SCB population per kommun 1950-2022 (names only): header row 'Kommun', 1950, 1951, ..."""
    frame = pd.read_excel(path, header=None, dtype=str)
    h = next((i for i in range(20) if str(frame.iloc[i, 0]).strip() == "Kommun"), None)
    if h is None:
        raise DataFileError(f"{path}: no header row starting 'Kommun'")
    header = [str(c).strip() for c in frame.iloc[h]]
    years = _year_columns(header)
    recs = []
    vals = frame.to_numpy(dtype=object)
    for i in range(h + 1, len(frame)):
        name = vals[i][0]
        if pd.isna(name) or not str(name).strip():
            continue
        name = str(name).strip()
        if name.endswith(":"):
            break  # 'Kommentar:' starts the footnotes
        values = [parse_number(vals[i][c], file=path, row=i + 1, column=header[c]) for c, _ in years]
        if all(math.isnan(v) for v in values):
            continue  # footnote lines
        for (_, year), v in zip(years, values, strict=True):
            recs.append((name, year, v, i + 1))
    return pd.DataFrame.from_records(recs, columns=["kommun", "year", "population", "_row"])


def scb_area_xlsx(path: Path) -> pd.DataFrame:
    """SCB land area (km²): rows '<code> <name>', 'landareal', one column per year."""
    frame = pd.read_excel(path, header=None, dtype=str)
    h = next((i for i in range(10) if _year_columns([str(c).strip() for c in frame.iloc[i]])), None)
    if h is None:
        raise DataFileError(f"{path}: no header row with years")
    header = [str(c).strip() for c in frame.iloc[h]]
    recs = []
    for i in range(h + 1, len(frame)):
        m = re.match(r"^(\d{4})\s+(.+)$", str(frame.iloc[i, 0]).strip())
        if not m:
            continue
        for c, year in _year_columns(header):
            recs.append(
                (
                    m.group(1),
                    m.group(2).strip(),
                    year,
                    parse_number(frame.iloc[i, c], file=path, row=i + 1, column=header[c]),
                    i + 1,
                )
            )
    return pd.DataFrame.from_records(recs, columns=["kommun_code", "kommun", "year", "land_km2", "_row"])


def scb_landuse_csv(path: Path) -> pd.DataFrame:
    """SCB land use 2015 (hectares): columns region, markanvändningsklass, X2015."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    expected = {"region", "markanvändningsklass"}
    if not expected <= set(frame.columns):
        raise DataFileError(
            f"{path}: row 1: expected columns {sorted(expected)} and X<year>, found {list(frame.columns)}"
        )
    year_cols = [c for c in frame.columns if re.fullmatch(r"X\d{4}", c)]
    recs = []
    for i in range(2, len(frame) + 2):
        for c in year_cols:
            v = parse_number(frame.at[i - 2, c], file=path, row=i, column=c)
            recs.append((frame.at[i - 2, "region"], frame.at[i - 2, "markanvändningsklass"], int(c[1:]), v, i))
    return pd.DataFrame.from_records(recs, columns=["kommun", "land_use_class", "year", "hectares", "_row"])


def scb_landuse_meta_xml(path: Path) -> pd.DataFrame:
    """English and Swedish aliases of each land-use class from ``LandUseTable.xml``."""
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()
    recs = []
    for level in root.iter("level"):
        name = level.findtext("levelName")
        aliases = [a.text for a in level.findall("alias")]
        # the first alias is Swedish, the next one English (when there is one)
        english = aliases[1] if len(aliases) >= 2 else (aliases[0] if aliases else name)
        recs.append((name, english))
    return pd.DataFrame.from_records(recs, columns=["land_use_class", "land_use_class_en"])


# --- EU ETS --------------------------------------------------------------------------------------


def eu_ets_installations_csv(path: Path) -> pd.DataFrame:
    """EUTL installations: id, name, addressmain, postalcode, city, country_id, lat/lon."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"id", "name", "city", "country_id", "latitudegoogle", "longitudegoogle"}
    if not need <= set(frame.columns):
        raise DataFileError(f"{path}: row 1: missing columns {sorted(need - set(frame.columns))}")
    frame["_row"] = range(2, len(frame) + 2)
    return frame


def eu_ets_compliance_csv(path: Path) -> pd.DataFrame:
    """EUTL compliance: installation_id, year, free (allocation), emission (verified t CO2e)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"installation_id", "year", "free", "emission"}
    if not need <= set(frame.columns):
        raise DataFileError(f"{path}: row 1: missing columns {sorted(need - set(frame.columns))}")
    frame["_row"] = range(2, len(frame) + 2)
    return frame


# --- Kolada --------------------------------------------------------------------------------------


def kolada_avfall_csv(path: Path) -> pd.DataFrame:
    """Kolada waste KPIs for Dalarnas län: year, then one column per KPI (unit in its name)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if "year" not in frame.columns:
        raise DataFileError(f"{path}: row 1: no 'year' column, found {list(frame.columns)}")
    recs = []
    for i in range(len(frame)):
        for col in frame.columns[1:]:
            recs.append(
                (
                    "Dalarnas län",
                    int(frame.at[i, "year"]),
                    col,
                    parse_number(frame.at[i, col], file=path, row=i + 2, column=col),
                    i + 2,
                )
            )
    return pd.DataFrame.from_records(recs, columns=["region", "year", "indicator", "value", "_row"])


def kolada_ghg_csv(path: Path) -> pd.DataFrame:
    """Kolada greenhouse-gas KPIs: Id, Ar, Geografi, then one column per KPI ('NA' = missing)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    need = {"Id", "Ar", "Geografi"}
    if not need <= set(frame.columns):
        raise DataFileError(f"{path}: row 1: missing columns {sorted(need - set(frame.columns))}")
    recs = []
    for i in range(len(frame)):
        for col in frame.columns[3:]:
            recs.append(
                (
                    frame.at[i, "Id"],
                    frame.at[i, "Geografi"],
                    int(frame.at[i, "Ar"]),
                    col,
                    parse_number(frame.at[i, col], file=path, row=i + 2, column=col),
                    i + 2,
                )
            )
    return pd.DataFrame.from_records(recs, columns=["region_code", "region", "year", "indicator", "value", "_row"])
