"""Loading API: the processed tables, filtered and checked.

Every loader accepts kommun names or SCB codes ("Borlänge", "2081", 2081), resolves them through
SCB's code list, and stops with a clear error (nearest valid names, list of valid ones) on an
unknown kommun, sector, release or year. Tables are read once per process and cached
(invalidated when the file changes), so notebooks and the report runner pay the cost once.

Loaders only read: when a table is missing they stop with "run ``borlange-analysis prepare``".
The commands (``reports``, ``indicators``, ``scenario``) bring the tables up to date as an explicit
step before they load anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config
from .errors import DataFileError, UnknownValueError
from .names import KommunResolver, kommun_resolver, resolve_sector

LEVELS = ("total", "sector", "subsector")
#: pandas 3 always copies on write; on pandas 2 the cached tables are copied before they are handed out
_COPY_ON_WRITE = int(pd.__version__.split(".")[0]) >= 3 or getattr(pd.options.mode, "copy_on_write", False) is True


def _table_path(name: str) -> Path:
    return config.processed_dir() / f"{name}.parquet"


@lru_cache(maxsize=64)
def _read_cached(path: str, mtime_ns: int) -> pd.DataFrame:
    return pd.read_parquet(path)


def ensure_prepared() -> bool:
    """Prepare the processed tables if they are missing or older than the raw files they come from
    (needs the fetched raw files). Returns True when it (re)built them. Commands call this as an
    explicit step; the loaders never do. Holds the data lock (:mod:`.ingest.datalock`)."""
    from .ingest.datalock import data_lock
    from .ingest.prepare import is_up_to_date, prepare

    with data_lock("prepare"):
        if is_up_to_date():
            return False
        prepare()
    _read_cached.cache_clear()
    return True


def _missing(path: Path) -> DataFileError:
    return DataFileError(
        f"Processed table {path} is missing: run `borlange-analysis prepare` (after `borlange-analysis fetch`)."
    )


def load_table(name: str) -> pd.DataFrame:
    """One processed table by name (a copy that the caller may modify)."""
    if name not in config.TABLES:
        raise UnknownValueError("table", name, config.TABLES)
    path = _table_path(name)
    if not path.is_file():
        raise _missing(path)
    try:
        frame = _read_cached(str(path), path.stat().st_mtime_ns)
    except Exception as exc:
        raise DataFileError(
            f"{path}: cannot read the processed table ({exc}); run `borlange-analysis prepare`."
        ) from exc
    # pandas copy-on-write: callers may modify what they get without touching the cache
    return frame if _COPY_ON_WRITE else frame.copy()


@lru_cache(maxsize=32)
def _emission_slice(release: str, level: str, mtime_ns: int) -> pd.DataFrame:
    frame = load_table("emissions")
    return frame[(frame["release"] == release) & (frame["level"] == level)].reset_index(drop=True)


def resolver() -> KommunResolver:
    """The kommun name/code resolver built from SCB's code list (``reference/kommuner.csv``)."""
    return kommun_resolver()


def kommun_code(kommun: str | int) -> str:
    """SCB code of a kommun given by name or code; unknown names fail with suggestions."""
    code = resolver().code(kommun)
    assert code is not None  # strict lookups raise instead of returning None
    return code


def kommun_name(kommun: str | int) -> str:
    return resolver().name(kommun)


def kommun_codes(kommun: str | int | Iterable[str | int] | None) -> list[str] | None:
    if kommun is None:
        return None
    if isinstance(kommun, (str, int)):
        return [kommun_code(kommun)]
    return [kommun_code(k) for k in kommun]


def _mtime(name: str) -> int:
    path = _table_path(name)
    if not path.is_file():
        raise _missing(path)
    return path.stat().st_mtime_ns


#: Gas bases of the emission tables: all greenhouse gases (GWP100 AR5) or carbon dioxide only.
GASES = ("CO2e", "CO2")
#: The gas of ``release="latest"`` when none is asked for: emissions pages show all greenhouse gases.
DEFAULT_GAS = "CO2e"


def _check_gas(gas: str) -> str:
    if gas not in GASES:
        raise UnknownValueError("gas", gas, GASES)
    return gas


def releases(gas: str | None = None) -> list[str]:
    """Emission releases available, oldest first (by publication date); only those of ``gas``
    ("CO2e": all greenhouse gases; "CO2": carbon dioxide only) when given."""
    ordered = list(_releases(_mtime("emissions")))
    if gas is None:
        return ordered
    gases = release_gases()
    return [r for r in ordered if gases.get(r) == _check_gas(gas)]


def release_gases() -> dict[str, str]:
    """The gas of every emission release: "CO2e" (all greenhouse gases, GWP100 AR5) or "CO2"."""
    return dict(_release_gases(_mtime("emissions")))


def release_gas(release: str) -> str:
    """The gas of one release ("CO2e" or "CO2"); an unknown release fails with the valid ones."""
    gases = release_gases()
    if str(release) not in gases:
        raise UnknownValueError("release", release, releases())
    return gases[str(release)]


@lru_cache(maxsize=4)
def _release_gases(mtime_ns: int) -> tuple[tuple[str, str], ...]:
    frame = load_table("emissions")[["release", "gas"]].drop_duplicates()
    return tuple(sorted(zip(frame["release"], frame["gas"], strict=True)))


@lru_cache(maxsize=4)
def _releases(mtime_ns: int) -> tuple[str, ...]:
    from .ingest.sources import registry

    present = set(load_table("emissions")["release"].unique())
    published: dict[str, str] = {}
    for src in registry().values():
        if src.release in present:
            published[src.release] = max(published.get(src.release, ""), src.published)
    return tuple(sorted(present, key=lambda r: (published.get(r, r), r)))


def releases_with_sectors() -> list[str]:
    """Releases that carry the 9 main sectors (oldest first); '2024' has totals only."""
    return [r for r in releases() if len(_emission_slice(r, "sector", _mtime("emissions")))]


def releases_with_subsectors() -> list[str]:
    """Releases that carry sub-sectors (oldest first)."""
    return [r for r in releases() if len(_emission_slice(r, "subsector", _mtime("emissions")))]


def resolve_release(release: str = "latest", *, gas: str | None = None) -> str:
    """The release to use: "latest" (or "newest") is the newest release of ``gas``, which defaults
    to "CO2e" (all greenhouse gases), so emissions pages never land on a CO2-only release; use
    ``gas="CO2"`` for the newest carbon-dioxide release (what carbon budgets are set against). A
    named release is returned as it is, and must be of ``gas`` when ``gas`` is given."""
    if gas is not None:
        _check_gas(gas)
    if release in (None, "latest", "newest"):
        wanted = gas or DEFAULT_GAS
        avail = releases(gas=wanted)
        if not avail:
            raise UnknownValueError(f"{wanted} release (none is prepared)", release, releases())
        return avail[-1]
    release = str(release)
    every = releases()
    if release not in every:
        raise UnknownValueError("release", release, every + ["latest"])
    if gas is not None and release_gas(release) != gas:
        raise UnknownValueError(f"{gas} release", release, releases(gas))
    return release


def load_emissions(
    kommun: str | int | Sequence[str | int] | None = "Borlänge",
    *,
    release: str = "latest",
    level: str = "sector",
    sector: str | Sequence[str] | None = None,
    years: Iterable[int] | None = None,
    gas: str | None = None,
) -> pd.DataFrame:
    """Tidy emissions (t CO2e/yr, all greenhouse gases, GWP100 AR5; SMHI) for one release; the
    ``gas`` column says "CO2" (t CO2/yr) for a carbon-dioxide-only release.

    Parameters
    ----------
    kommun
        Name or SCB code, a list of them, or None for all 290 kommuner. Default Borlänge.
    release
        An SMHI release ("2021", "2024", "2025", "2026", "smhi-2026-11-27", ...) or "latest"
        (default): the newest release of ``gas``.
    level
        "total" (the 'Alla' rows), "sector" (the 9 main sectors) or "subsector" (only in releases
        that carry sub-sectors, e.g. 2021).
    sector
        Restrict to one or more main sectors (Swedish name, id or English name).
    years
        Restrict to these years; a year the release lacks fails with the list of its years.
    gas
        "CO2e" or "CO2": the gas the release must hold (None: "latest" means the newest CO2e release
        and a named release may be of either gas). See :func:`resolve_release`.
    """
    if level not in LEVELS:
        raise UnknownValueError("level", level, LEVELS)
    rel = resolve_release(release, gas=gas)
    frame = _emission_slice(rel, level, _mtime("emissions"))
    if level == "subsector" and frame.empty:
        with_sub = releases_with_subsectors()
        raise UnknownValueError(f"release with sub-sectors (release {rel} has none)", rel, with_sub)
    codes = kommun_codes(kommun)
    if codes is not None:
        frame = frame[frame["kommun_code"].isin(codes)]
    if sector is not None and level != "total":
        wanted = [resolve_sector(s) for s in ([sector] if isinstance(sector, str) else sector)]
        frame = frame[frame["sector"].isin(wanted)]
    if years is not None:
        years = [int(y) for y in years]
        have = sorted(frame["year"].unique().tolist())
        bad = [y for y in years if y not in have]
        if bad:
            raise UnknownValueError(f"year for release {rel}", bad[0], have)
        frame = frame[frame["year"].isin(years)]
    return frame.reset_index(drop=True)


def load_regional_emissions(
    region: str = "Sverige", *, release: str = "latest", level: str = "total", gas: str | None = None
) -> pd.DataFrame:
    """Emissions of Sweden ("Sverige"/"00") or a län (name or code), t CO2e/yr.

    ``release='latest'`` picks the newest release of ``gas`` (default "CO2e") that has regional
    data (by publication date)."""
    frame = load_table("regional_emissions")
    wanted = _check_gas(gas) if gas is not None else DEFAULT_GAS
    order = {r: i for i, r in enumerate(releases())}
    avail = sorted(set(frame["release"]), key=lambda r: (order.get(r, -1), r))
    if release in (None, "latest", "newest"):
        of_gas = set(frame.loc[frame["gas"] == wanted, "release"])
        with_gas = [r for r in avail if r in of_gas]
        if not with_gas:
            raise UnknownValueError(f"{wanted} release with regional data", release, avail)
        rel = with_gas[-1]
    else:
        rel = str(release)
    if rel not in avail:
        raise UnknownValueError("release with regional data", rel, avail)
    code = (
        "00" if str(region).strip().casefold() in ("sverige", "sweden", "riket", "00") else resolver().lan_code(region)
    )
    out = frame[(frame["release"] == rel) & (frame["region_code"] == code) & (frame["level"] == level)]
    return out.reset_index(drop=True)


def load_kommuner() -> pd.DataFrame:
    """SCB's 290 kommuner with their län."""
    return load_table("kommuner")


def _filter_kommun(frame: pd.DataFrame, kommun) -> pd.DataFrame:
    codes = kommun_codes(kommun)
    if codes is not None:
        frame = frame[frame["kommun_code"].isin(codes)]
    return frame.reset_index(drop=True)


def load_population(kommun=None, *, year: int | None = None) -> pd.DataFrame:
    """Population 31 Dec per kommun and year (SCB; 1950-2022 and 2024)."""
    frame = _filter_kommun(load_table("population"), kommun)
    if year is not None:
        have = sorted(frame["year"].unique())
        if int(year) not in have:
            raise UnknownValueError("population year", year, have)
        frame = frame[frame["year"] == int(year)]
    return frame.reset_index(drop=True)


def population_for(years: Iterable[int], kommun=None) -> pd.DataFrame:
    """Population per kommun for each requested year: the SCB value for that year, else the
    nearest year available (column ``population_year`` says which was used; the rule is
    :func:`borlange_analysis.analysis.descriptives.nearest_year`)."""
    from .analysis.descriptives import nearest_year

    pop = _filter_kommun(load_table("population"), kommun)
    codes = sorted(pop["kommun_code"].unique())
    wanted = pd.DataFrame(
        [(c, y) for y in sorted(set(int(v) for v in years)) for c in codes], columns=["kommun_code", "year"]
    )
    return nearest_year(pop, wanted, value="population")


def load_land_area(kommun=None) -> pd.DataFrame:
    """Land area, km², per kommun and year (SCB, 2015-2023)."""
    return _filter_kommun(load_table("land_area"), kommun)


def load_land_use(kommun=None) -> pd.DataFrame:
    """Land use in hectares per kommun and class (SCB, 2015)."""
    return _filter_kommun(load_table("land_use"), kommun)


def load_ets_installations(kommun=None) -> pd.DataFrame:
    """Swedish EU ETS installations with the kommun they lie in."""
    frame = load_table("ets_installations")
    codes = kommun_codes(kommun)
    if codes is not None:
        frame = frame[frame["kommun_code"].isin(codes)]
    return frame.reset_index(drop=True)


def load_ets_emissions(installation_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Verified emissions (t CO2e) per installation and year, 2013-2020 (EUTL)."""
    frame = load_table("ets_emissions")
    if installation_ids is not None:
        ids = list(installation_ids)
        known = set(load_table("ets_installations")["installation_id"])
        for i in ids:
            if i not in known:
                raise UnknownValueError("EU ETS installation", i, sorted(known))
        frame = frame[frame["installation_id"].isin(ids)]
    return frame.reset_index(drop=True)


def load_lulucf_national() -> pd.DataFrame:
    """Sweden's LULUCF net flux, t CO2/yr (negative = net uptake), Naturvårdsverket."""
    return load_table("lulucf_national")


def load_biogenic_co2(kommun=None) -> pd.DataFrame:
    """Biogenic CO2 per kommun, t CO2/yr (Klimatbyrån's estimate)."""
    return _filter_kommun(load_table("biogenic_co2"), kommun)


def provenance() -> pd.DataFrame:
    """Provenance of every raw input that ``prepare`` read: publisher, release, URL, retrieved,
    sha256, licence."""
    path = config.processed_dir() / "manifest.json"
    if not path.is_file():
        raise _missing(path)
    data = json.loads(path.read_text(encoding="utf-8"))["inputs"]
    rows = [{"source": k, **v} for k, v in data.items()]
    return pd.DataFrame(rows)[["source", "publisher", "release", "retrieved_at", "sha256", "url", "licence"]]


def data_sha256() -> str:
    """sha256 over the checksums of every raw input the processed tables were built from (from
    ``data/processed/manifest.json``): changes when any input changes. Cited in output metadata."""
    import hashlib

    path = config.processed_dir() / "manifest.json"
    if not path.is_file():
        raise _missing(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    key = json.dumps({k: v.get("sha256") for k, v in data["inputs"].items()}, sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


def data_fingerprint() -> str:
    """The first 16 hex digits of :func:`data_sha256`."""
    return data_sha256()[:16]
