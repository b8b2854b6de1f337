"""One table for researchers: every indicator for all kommuner (one row per kommun, or per kommun
and sector), from one SMHI release, built from the tested functions of the other modules:

- trend, Carbon Law, net zero: :func:`borlange_analysis.analysis.trends.pathways`;
- change since 1990 and 2005, annual rate since 2015, per capita, per km²:
  :mod:`borlange_analysis.analysis.descriptives` (``change_since``, ``annual_rate``,
  ``per_capita``, ``per_km2``; the nearest population/area year by ``nearest_year``);
- the carbon budget: :mod:`borlange_analysis.analysis.budget` (method "cemus") or
  :mod:`borlange_analysis.analysis.budget_klimatkollen` ("klimatkollen-2024"), always on a CO2
  release (the ``budget_*`` columns name it);
- targets: :func:`borlange_analysis.analysis.targets.target_progress`; sinks (optional):
  :func:`borlange_analysis.analysis.sinks.sink_indicators`.

Every column, with its unit, is explained in ``docs/data-dictionary.md``. The table written by
:func:`write_indicators` carries its metadata (release, gas, methods, preset, current year,
package version, data checksums): Parquet metadata, or a JSON sidecar ``<file>.meta.json``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import config
from .._io import atomic_write, atomic_write_json
from ..errors import ParameterError, UnknownValueError
from ..names import SECTOR_TOTAL
from . import descriptives
from .budget import DEFAULT_METHOD, DEFAULT_PRESET, check_method, preset
from .targets import target_progress, targets
from .trends import CARBON_LAW_RATE, CURRENT_YEAR, END_YEAR, FIRST_YEAR, pathways

FORMATS = ("csv", "parquet", "json")
#: Base years of the ``change_since_<year>_t`` / ``_pct`` columns, and the start of ``annual_rate_2015_last``.
CHANGE_BASE_YEARS = (1990, 2005)
RATE_START_YEAR = 2015
#: The first columns of the table: the kommun and its headline budget figures (Klimatkollen's five).
HEADLINE_COLUMNS = ("kommun", "budget_t", "budget_runs_out", "required_rate_pct", "net_zero", "total_trend_t")
#: Key of the metadata in Parquet files and ``frame.attrs``.
META_KEY = "borlange_analysis"
#: The budget columns: status table column -> indicators column.
BUDGET_COLUMNS = {
    "budget_method": "budget_method",
    "preset": "budget_preset",
    "regime": "budget_regime",
    "gas": "budget_gas",
    "release": "budget_release",
    "data_first_year": "budget_data_first_year",
    "data_last_year": "budget_data_last_year",
    "start_year": "budget_start_year",
    "current_year": "budget_current_year",
    "budget_t": "budget_t",
    "spent_t": "spent_t",
    "remaining_budget_t": "remaining_budget_t",
    "current_value": "budget_current_value_t",
    "required_rate_pct": "required_rate_pct",
    "budget_status": "budget_status",
    "budget_runs_out": "budget_runs_out",
    "budget_runs_out_year": "budget_runs_out_year",
    "net_zero": "net_zero",
    "net_zero_year": "budget_net_zero_year",
    "total_trend_t": "total_trend_t",
}


def _merge_on_series(out: pd.DataFrame, extra: pd.DataFrame, cols: dict[str, str]) -> pd.DataFrame:
    part = extra[["kommun_code", "sector", *cols]].rename(columns=cols)
    return out.merge(part, on=["kommun_code", "sector"], how="left")


def _descriptive_columns(out: pd.DataFrame, em: pd.DataFrame) -> pd.DataFrame:
    """Change since the base years, annual rate since 2015 (to the last observed year): from
    :mod:`descriptives`."""
    years = set(em["year"].unique())
    for base in CHANGE_BASE_YEARS:
        if base in years:
            ch = descriptives.change_since(em, base)
            out = _merge_on_series(
                out, ch, {"change_t": f"change_since_{base}_t", "change_pct": f"change_since_{base}_pct"}
            )
        else:
            out[f"change_since_{base}_t"] = out[f"change_since_{base}_pct"] = np.nan
    if RATE_START_YEAR in years:
        ar = descriptives.annual_rate(em, RATE_START_YEAR)
        out = _merge_on_series(out, ar, {"annual_rate": f"annual_rate_{RATE_START_YEAR}_last"})
    else:
        out[f"annual_rate_{RATE_START_YEAR}_last"] = np.nan
    return out


def _per_unit_columns(out: pd.DataFrame, population: pd.DataFrame, land_area: pd.DataFrame) -> pd.DataFrame:
    """Per capita and per km² of the last observed value (nearest population and area year)."""
    last = out[["kommun_code", "sector", "last_year", "last_value"]].rename(
        columns={"last_year": "year", "last_value": "t_co2e"}
    )
    pc = descriptives.per_capita(last, population)
    pk = descriptives.per_km2(last, land_area)
    out = _merge_on_series(
        out, pc, {"population": "population", "population_year": "population_year", "t_co2e_per_capita": "per_capita_t"}
    )
    return _merge_on_series(out, pk, {"land_km2": "land_km2", "t_co2e_per_km2": "per_km2_t"})


def budget_indicators(
    budget_totals: pd.DataFrame,
    *,
    budget_method: str = DEFAULT_METHOD,
    budget_preset: str | None = None,
    budget_regime: str = "grandfathering",
    population: pd.DataFrame | None = None,
    current_year: int = CURRENT_YEAR,
    end_year: int = END_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
) -> pd.DataFrame:
    """The budget columns (:data:`BUDGET_COLUMNS`) for every kommun: kommun_code and the budget
    status of ``budget_method`` on ``budget_totals`` (total CO2 emissions of all 290 kommuner)."""
    check_method(budget_method)
    if budget_method == "klimatkollen-2024":
        from .budget_klimatkollen import klimatkollen_2024

        if budget_preset is not None or budget_regime != "grandfathering":
            raise ParameterError(
                "Budget method 'klimatkollen-2024' has its own fixed national budget and shares it by "
                "grandfathering: --budget-preset and --budget-regime apply to the 'cemus' method only."
            )
        status = klimatkollen_2024(budget_totals)
    else:
        from .budget import carbon_budget

        name = budget_preset or DEFAULT_PRESET
        start = int(preset(name)["start_year"])
        pop = None
        if budget_regime != "grandfathering":
            if population is None:
                raise ParameterError(f"budget regime {budget_regime!r} needs the population table")
            codes = pd.DataFrame({"kommun_code": sorted(budget_totals["kommun_code"].unique()), "year": start})
            pop = descriptives.nearest_year(population, codes, value="population")
        status = carbon_budget(
            budget_totals,
            preset_name=name,
            regime=budget_regime,
            population=pop,
            current_year=current_year,
            end_year=end_year,
            first_year=first_year,
            method=method,
        )
    return status[["kommun_code", *BUDGET_COLUMNS]].rename(columns=BUDGET_COLUMNS)


def compute_indicators(
    sector_emissions: pd.DataFrame,
    total_emissions: pd.DataFrame,
    *,
    population: pd.DataFrame,
    land_area: pd.DataFrame,
    budget_totals: pd.DataFrame | None = None,
    current_year: int = CURRENT_YEAR,
    end_year: int = END_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
    budget_method: str = DEFAULT_METHOD,
    budget_preset: str | None = None,
    budget_regime: str = "grandfathering",
    carbon_law_rate: float = CARBON_LAW_RATE,
    per_sector: bool = False,
    kommun_reduction: float | None = None,
    ets: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Pure computation of every indicator from already loaded tables (``docs/data-dictionary.md``).

    ``sector_emissions`` and ``total_emissions`` are tidy tables of one release for all kommuner;
    ``population`` has kommun_code, year, population; ``land_area`` kommun_code, year, land_km2;
    ``budget_totals`` the total CO2 emissions of all kommuner the budget is computed on (default
    ``total_emissions``, which must then be CO2: budgets refuse CO2e); ``ets`` the verified EU ETS
    emissions per kommun and year (kommun_code, year, verified_t_co2e; EUTL) for the targets outside
    the EU ETS, ``None`` to read them from the processed EUTL tables
    (:func:`borlange_analysis.analysis.targets.non_ets_emissions`).
    """
    check_method(budget_method)

    def trend(em: pd.DataFrame) -> pd.DataFrame:
        return pathways(
            em,
            current_year=current_year,
            end_year=end_year,
            first_year=first_year,
            method=method,
            carbon_law_rate=carbon_law_rate,
        )

    frames = [(trend(total_emissions), total_emissions)]
    if per_sector:
        frames.append((trend(sector_emissions), sector_emissions))
    rows = []
    for path, em in frames:
        r = path.rename(columns={"slope": "trend_slope"}).drop(
            columns=["intercept", "level", "subsector"], errors="ignore"
        )
        rows.append(_descriptive_columns(r, em))
    out = pd.concat(rows, ignore_index=True)
    out["gas"] = _gas_of(total_emissions)
    out = _per_unit_columns(out, population, land_area)
    # carbon budget (totals), on a CO2 series
    bud = budget_indicators(
        budget_totals if budget_totals is not None else total_emissions,
        budget_method=budget_method,
        budget_preset=budget_preset,
        budget_regime=budget_regime,
        population=population,
        current_year=current_year,
        end_year=end_year,
        first_year=first_year,
        method=method,
    )
    bud["sector"] = SECTOR_TOTAL
    out = out.merge(bud, on=["kommun_code", "sector"], how="left")
    for col in ("budget_data_first_year", "budget_data_last_year", "budget_start_year", "budget_current_year"):
        out[col] = out[col].astype("Int64")  # years stay whole numbers; empty on sector rows
    # targets (totals)
    tp = target_progress(
        sector_emissions,
        current_year=current_year,
        first_year=first_year,
        method=method,
        kommun_reduction=kommun_reduction,
        ets=ets,
    )
    wide = tp.pivot(index="kommun_code", columns="target_id", values=["gap_t", "on_track"])
    wide.columns = [f"gap_{t}_t" if k == "gap_t" else f"on_track_{t}" for k, t in wide.columns]
    wide = wide.reset_index()
    for t in targets()["target_id"]:  # same columns whatever the release holds
        for col in (f"gap_{t}_t", f"on_track_{t}"):
            if col not in wide:
                wide[col] = np.nan
    wide["sector"] = SECTOR_TOTAL
    out = out.merge(wide, on=["kommun_code", "sector"], how="left")
    first = [
        *HEADLINE_COLUMNS,
        "kommun_code",
        "lan_code",
        "lan",
        "sector",
        "release",
        "gas",
        "method",
        "unit",
        "last_year",
        "last_value",
        "trend_slope",
    ]
    first = [c for c in first if c in out.columns]
    rest = [c for c in out.columns if c not in first]
    out = out[first + rest]
    return out.sort_values(["kommun_code", "sector"]).reset_index(drop=True)


def _gas_of(frame: pd.DataFrame) -> str:
    return ", ".join(sorted({str(g) for g in frame["gas"].unique()})) if "gas" in frame.columns else "unknown"


def indicators_metadata(**fields: Any) -> dict[str, Any]:
    """The metadata that travels with an indicators file: the given run fields plus the package
    version, the sha256 of the processed data manifest (``data/processed/manifest.json``) and the
    fingerprint of the raw inputs it lists, and where the columns are explained."""
    from .. import __version__, data

    manifest = config.processed_dir() / "manifest.json"
    return {
        **fields,
        "package": "borlange-analysis",
        "package_version": __version__,
        "data_manifest_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else None,
        "data_inputs_fingerprint": data.data_fingerprint() if manifest.is_file() else None,
        "columns_explained_in": "docs/data-dictionary.md",
    }


def build_indicators(
    *,
    release: str = "latest",
    kommun=None,
    current_year: int = CURRENT_YEAR,
    method: str = "median",
    budget_method: str = DEFAULT_METHOD,
    budget_preset: str | None = None,
    budget_regime: str = "grandfathering",
    per_sector: bool = False,
    with_sinks: bool = True,
    first_year: int = FIRST_YEAR,
    kommun_reduction: float | None = None,
    portfolio: str | None = None,
) -> pd.DataFrame:
    """Load the tables of one release and compute every indicator (all kommuner; ``kommun``
    filters the rows of the result, the budget is always shared among all 290). With a
    ``portfolio`` of measures (``analysis.measures``), the scenario columns of
    :func:`borlange_analysis.analysis.scenario_metrics.indicator_frame` are added (measures of
    confidential partners left out); without one, the table is unchanged.

    The budget is computed on a CO2 release: the newest (``budget.co2_release()``) for "cemus",
    SMHI's release "2024" for "klimatkollen-2024". The result's ``attrs["borlange_analysis"]``
    holds its metadata (:func:`indicators_metadata`), which :func:`write_indicators` writes."""
    from .. import data
    from .budget import co2_release

    check_method(budget_method)
    rel = data.resolve_release(release)
    sec = data.load_emissions(None, release=rel, level="sector")
    tot = data.load_emissions(None, release=rel, level="total")
    if sec.empty:  # a release with totals only (e.g. 2024): no sector rows, no sector targets
        sec = tot.assign(sector=SECTOR_TOTAL)
        per_sector = False
    if budget_method == "klimatkollen-2024":
        from .budget_klimatkollen import parameters

        budget_release = str(parameters()["release"])
    else:
        budget_release = co2_release()
    budget_totals = tot if budget_release == rel else data.load_emissions(None, release=budget_release, level="total")
    out = compute_indicators(
        sec,
        tot,
        population=data.load_population(),
        land_area=data.load_land_area(),
        budget_totals=budget_totals,
        current_year=current_year,
        method=method,
        budget_method=budget_method,
        budget_preset=budget_preset,
        budget_regime=budget_regime,
        per_sector=per_sector,
        first_year=first_year,
        kommun_reduction=kommun_reduction,
    )
    if with_sinks:
        from .sinks import sink_indicators

        out = sink_indicators(out, kommun_reduction=kommun_reduction, current_year=current_year)
    if portfolio is not None:
        out = _with_scenario(out, portfolio=portfolio, release=rel, current_year=current_year)
    codes = data.kommun_codes(kommun)
    if codes is not None:
        out = out[out["kommun_code"].isin(codes)].reset_index(drop=True)
    out.attrs[META_KEY] = indicators_metadata(
        release=rel,
        gas=_gas_of(tot),
        trend_method=method,
        first_year=first_year,
        end_year=END_YEAR,
        carbon_law_rate=CARBON_LAW_RATE,
        current_year=current_year,
        budget_method=budget_method,
        budget_preset=(budget_preset or DEFAULT_PRESET) if budget_method == "cemus" else None,
        budget_regime=budget_regime,
        budget_release=budget_release,
        budget_gas=_gas_of(budget_totals),
        per_sector=per_sector,
        with_sinks=with_sinks,
        kommun_reduction=kommun_reduction,
        rows=len(out),
        **({"portfolio": portfolio} if portfolio is not None else {}),
    )
    return out


def _with_scenario(out: pd.DataFrame, *, portfolio: str, release: str, current_year: int) -> pd.DataFrame:
    """The indicators with the scenario columns of a portfolio (all kommuner)."""
    from . import scenario, scenario_metrics
    from .targets import targets

    year = max(int(targets().set_index("target_id").loc["kommun_neutral_2030", "target_year"]), current_year)
    res = scenario.build(None, portfolio=portfolio, release=release, current_year=current_year)
    cols = scenario_metrics.indicator_frame(res, year=year, portfolio=portfolio)
    return out.merge(cols, on=["kommun_code", "sector"], how="left")


def sidecar_path(path: str | Path) -> Path:
    """Where the metadata of a CSV or JSON indicators file goes: ``<file>.meta.json``."""
    path = Path(path)
    return path.with_name(path.name + ".meta.json")


def write_indicators(frame: pd.DataFrame, path, fmt: str | None = None, *, metadata: dict | None = None) -> Path:
    """Write the indicators table to CSV, Parquet or JSON (records), atomically, with its metadata
    (``metadata``, default ``frame.attrs["borlange_analysis"]``): in the Parquet file's schema
    metadata (key ``borlange_analysis``, JSON), or for CSV and JSON in ``<file>.meta.json``."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in FORMATS:
        raise UnknownValueError("format", fmt, FORMATS)
    meta = metadata if metadata is not None else frame.attrs.get(META_KEY)
    if meta is not None:
        meta = {**meta, "format": fmt, "file": path.name, "columns": list(frame.columns)}
    plain = frame.copy()
    plain.attrs = {}

    def write(tmp: Path) -> None:
        if fmt == "csv":
            plain.to_csv(tmp, index=False)
        elif fmt == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(plain, preserve_index=False)
            if meta is not None:
                extra = {META_KEY.encode(): json.dumps(meta, ensure_ascii=False, default=str).encode()}
                table = table.replace_schema_metadata({**(table.schema.metadata or {}), **extra})
            pq.write_table(table, tmp)
        else:
            plain.to_json(tmp, orient="records", force_ascii=False, indent=1)

    atomic_write(path, write)
    if meta is not None and fmt != "parquet":
        atomic_write_json(sidecar_path(path), meta)
    return path


def read_metadata(path: str | Path) -> dict[str, Any] | None:
    """The metadata of an indicators file written by :func:`write_indicators` (None if it has none)."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        raw = (pq.read_schema(path).metadata or {}).get(META_KEY.encode())
        return None if raw is None else json.loads(raw)
    side = sidecar_path(path)
    return json.loads(side.read_text(encoding="utf-8")) if side.is_file() else None
