"""Carbon budgets for kommuner: the project's own method and the rules every budget method shares.

Methods (:data:`BUDGET_METHODS`; ``docs/methods.md``, "Carbon budgets", says more):

- ``"cemus"`` (the project's own, the default for pages, ``reference/run_defaults.toml``): a
  national budget from a start year (a preset of ``reference/budget_presets.csv``, each row with
  its source; Uppsala University / CEMUS) less a reserve (international transport and cement) is
  shared between the 290 kommuner by ``grandfathering`` (share of the emissions of all kommuner
  over the reference years, default every observed year from 2020), ``per_capita`` (share of SCB's
  population in the year nearest the start year) or a ``blend``. The trend is the project's
  (:func:`borlange_analysis.analysis.trends.pathways`, Klimatkollen's 2025 trend method) on the CO2
  series.
- ``"klimatkollen-2024"``: Klimatkollen's method of 2024, exact
  (:mod:`borlange_analysis.analysis.budget_klimatkollen`); it has its own fixed national budget,
  so presets and regimes do not apply to it.

Gas
    A carbon budget is a budget of CO2. Every budget function refuses emissions whose ``gas``
    column is not ``"CO2"`` (and a table without a ``gas`` column): all-gas CO2e series would
    shrink a kommun's share and count its spending too high. Budgets use the newest CO2 release
    (:func:`co2_release`; today SMHI's release "2024", data 1990-2022), and every result names
    its gas, release, data years and method in columns.

Convention (one for every budget pathway of the package)
    A yearly value is the emissions of its calendar year: the integral of the emission rate from
    1 January of the year to 1 January of the next. So yearly values add up to totals, and:

    - the budget spent from the start year to the analysis year is the sum of the yearly values of
      the whole years before the analysis year (``start_year .. current_year - 1``); what is left
      is the remaining budget on 1 January of ``current_year``;
    - the budget pathway is the continuous path ``E(t) = E0 * exp(-(E0/B) * (t - t0))`` from
      ``t0`` = 1 January of ``current_year``, with ``E0`` the current year's emissions (t/yr) and
      ``B`` the remaining budget; its yearly values are its integrals over each year,
      ``B * (1 - exp(-E0/B)) * exp(-(E0/B) * (year - t0))``, so they add up to exactly ``B``;
      the required cut ``1 - exp(-E0/B)`` is the drop from one year's value to the next;
    - a run-out date assumes the emissions of a year accrue evenly over it (the rate within a
      year is that year's value), on the observed and estimated values up to the analysis year
      and on the trend's yearly values after it.

Status codes (:data:`STATUS_CODES`, column ``budget_status``)
    ``"runs_out"``: the remaining budget is positive and the trend spends it (``budget_runs_out``
    is the ISO date); ``"holds"``: the trend never spends it; ``"exhausted"``: nothing is left on
    1 January of the analysis year (``required_rate`` is NaN, not 100 %; ``budget_runs_out`` is
    the date it ran out).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from .. import config, reference
from ..errors import DataFileError, ParameterError, UnknownValueError
from ..names import SECTOR_TOTAL, industry_sector
from .descriptives import nearest_year
from .series import to_matrix
from .trends import CURRENT_YEAR, END_YEAR, FIRST_YEAR, fractional_year_to_date, pathways, trend_value

#: The budget methods: the project's own ("cemus") and Klimatkollen's of 2024.
BUDGET_METHODS = ("cemus", "klimatkollen-2024")
#: The method pages use unless told otherwise (``reference/run_defaults.toml``).
DEFAULT_METHOD = config.DEFAULTS.budget_method
#: The national-budget preset of the "cemus" method (``reference/run_defaults.toml``).
DEFAULT_PRESET = config.DEFAULTS.budget_preset
REGIMES = ("grandfathering", "per_capita", "blend")
#: ``budget_status`` codes (see the module docstring).
STATUS_CODES = ("runs_out", "holds", "exhausted")
#: ``budget_runs_out`` when the trend never spends the budget; ``net_zero`` when the trend never reaches 0.
HOLDS, NEVER = "holds", "never"
#: The gas every carbon budget is for.
BUDGET_GAS = "CO2"
UNIT = "t CO2"
#: How :func:`exclude_point_sources` treats years without verified emissions.
FILL_METHODS = ("nearest", "drop", "refuse")
#: The columns every budget method returns, in this order (after the series keys).
STATUS_COLUMNS = (
    "budget_method",
    "gas",
    "release",
    "data_first_year",
    "data_last_year",
    "preset",
    "regime",
    "national_budget_t",
    "reserved_t",
    "start_year",
    "current_year",
    "end_year",
    "budget_share",
    "budget_t",
    "spent_t",
    "remaining_budget_t",
    "current_value",
    "slope",
    "trend_method",
    "required_rate",
    "required_rate_pct",
    "budget_status",
    "budget_runs_out_year",
    "budget_runs_out",
    "net_zero_year",
    "net_zero",
    "total_trend_t",
    "source",
    "unit",
)


def check_method(name: str) -> str:
    """``name`` if it is a budget method, else :class:`UnknownValueError` listing the methods."""
    if name not in BUDGET_METHODS:
        raise UnknownValueError("budget method", name, BUDGET_METHODS)
    return name


@lru_cache(maxsize=1)
def budget_presets() -> pd.DataFrame:
    """The national budget presets of the "cemus" method, with their sources."""
    return reference.table("budget_presets.csv").set_index("preset")


def preset(name: str) -> dict:
    """One preset as a dict (preset, national_budget_t, start_year, reserved_t, gas, ..., source)."""
    tab = budget_presets()
    if name not in tab.index:
        raise UnknownValueError("budget preset", name, list(tab.index))
    return {"preset": name, **tab.loc[name].to_dict()}


# --- gas -------------------------------------------------------------------------------------------


def require_co2(emissions: pd.DataFrame) -> None:
    """Refuse anything but a CO2 series: a carbon budget is a budget of CO2.

    The table must have a ``gas`` column (the emissions tables of ``data.load_emissions`` have
    one) and every row must say ``"CO2"``. Raises :class:`ParameterError` naming the gas found
    and the newest CO2 release to use instead.
    """
    if "gas" not in emissions.columns:
        raise ParameterError(
            "A carbon budget is for CO2 only and this emissions table has no 'gas' column to say which gas it "
            "holds: load a CO2 release (release=budget.co2_release()) or add gas='CO2' to a CO2 series."
        )
    gases = sorted({str(g) for g in emissions["gas"].unique()})
    if gases != [BUDGET_GAS]:
        rel = sorted({str(r) for r in emissions["release"].unique()}) if "release" in emissions.columns else []
        where = f" (release {', '.join(rel)})" if rel else ""
        raise ParameterError(
            f"A carbon budget is for CO2 only; these emissions are {', '.join(gases)}{where}. "
            f"Use a CO2 release (release=budget.co2_release()); valid gas: {BUDGET_GAS}."
        )


def co2_release() -> str:
    """The newest release whose emissions are CO2 only: what budgets use (today SMHI's release
    "2024", data 1990-2022). Resolved by the loader, like every release."""
    from .. import data

    try:
        return data.resolve_release("latest", gas=BUDGET_GAS)
    except UnknownValueError:
        raise DataFileError(
            "No release of CO2-only emissions is prepared: carbon budgets need one "
            "(run `borlange-analysis fetch` and `borlange-analysis prepare`)."
        ) from None


def _data_years(emissions: pd.DataFrame) -> tuple[int, int]:
    years = emissions.loc[emissions["t_co2e"].notna(), "year"]
    return int(years.min()), int(years.max())


def _release_of(emissions: pd.DataFrame) -> str | None:
    if "release" not in emissions.columns:
        return None
    rel = sorted({str(r) for r in emissions["release"].unique()})
    return ", ".join(rel)


# --- sharing the national budget --------------------------------------------------------------------


def allocate_budget(
    totals: pd.DataFrame,
    *,
    national_budget_t: float,
    reserved_t: float = 0.0,
    regime: str = "grandfathering",
    reference_years: list[int] | None = None,
    population: pd.DataFrame | None = None,
    weight: float = 0.5,
) -> pd.DataFrame:
    """Share a national budget (t CO2) between the kommuner in ``totals``.

    ``totals`` is the tidy *total* CO2 emissions of all kommuner (one release, ``gas`` "CO2");
    ``reference_years`` default to every observed year from 2020 on (the last three years for
    older releases). ``population`` has kommun_code and population (needed for per_capita and
    blend). Returns kommun_code, share, budget_t (t CO2), regime.
    """
    require_co2(totals)
    if regime not in REGIMES:
        raise UnknownValueError("budget regime", regime, REGIMES)
    if national_budget_t is None or not np.isfinite(national_budget_t) or national_budget_t <= 0:
        raise ParameterError(f"The national budget must be a positive number of tonnes, got {national_budget_t}")
    if reserved_t < 0 or reserved_t >= national_budget_t:
        raise ParameterError(f"The reserve ({reserved_t} t) must be >= 0 and below the budget ({national_budget_t} t)")
    if not 0 <= weight <= 1:
        raise ParameterError(f"The blend weight must be between 0 and 1, got {weight}")
    net = national_budget_t - reserved_t
    codes = sorted(totals["kommun_code"].unique())
    out = pd.DataFrame({"kommun_code": codes})
    gf = pc = np.zeros(len(codes))
    if regime in ("grandfathering", "blend"):
        have = sorted(int(y) for y in totals["year"].unique())
        # default reference period: every observed year from 2020 on; a release that ends before
        # 2020 uses its last three observed years
        ref = reference_years or [y for y in have if y >= 2020] or have[-3:]
        bad = [y for y in ref if y not in have]
        if bad:
            raise UnknownValueError("reference year", bad[0], have)
        sub = totals[totals["year"].isin(ref)].groupby("kommun_code")["t_co2e"].sum()
        gf = (sub / sub.sum()).reindex(codes).fillna(0.0).to_numpy()
    if regime in ("per_capita", "blend"):
        if population is None:
            raise ParameterError(f"regime {regime!r} needs a population table (kommun_code, population)")
        pop = population.set_index("kommun_code")["population"].reindex(codes)
        if pop.isna().any():
            raise ParameterError(f"population missing for kommuner {list(pop[pop.isna()].index[:5])}")
        pc = (pop / pop.sum()).to_numpy()
    share = gf if regime == "grandfathering" else pc if regime == "per_capita" else weight * gf + (1 - weight) * pc
    out["share"] = share
    out["budget_t"] = share * net
    out["regime"] = regime
    out["blend_weight"] = weight if regime == "blend" else float("nan")
    return out


# --- spending and running out (the convention of the module docstring) ---------------------------


def spent_since(values: np.ndarray, years: np.ndarray, start_year: int, current_year: int) -> np.ndarray:
    """Budget spent (t) from 1 January ``start_year`` to 1 January ``current_year``, per row of
    ``values`` [series x years]: the sum of the yearly values of ``start_year .. current_year - 1``
    (each yearly value is the emissions of its calendar year)."""
    sel = (years >= start_year) & (years < current_year)
    return np.nansum(values[:, sel], axis=1)


def years_until_spent(e0, slope, remaining) -> np.ndarray:
    """Years (fractional) from 1 January of the analysis year until the trend spends ``remaining``.

    The trend's yearly values are ``max(0, e0 + slope * n)`` for n = 0, 1, ... (t/yr), each
    accruing evenly over its year. NaN where the trend never spends the remaining budget (the
    budget holds, or the count of years overflows a float); 0 where nothing remains. Vectorised
    and closed-form (no year-by-year loop).
    """
    e0, s, r = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (e0, slope, remaining)))
    e0, s, r = e0.copy(), s.copy(), r.copy()
    e0 = np.maximum(e0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # number of positive yearly values (inf when the trend never reaches 0)
        k = np.where(s < 0, np.ceil(e0 / -s), np.where((e0 > 0) | (s > 0), np.inf, 0.0))
        k = np.where((s < 0) & (e0 <= 0), 0.0, k)

        def cum(n):  # spent after n whole years
            m = np.minimum(n, k)
            return m * (e0 + np.where(s != 0, s * (m - 1) / 2, 0.0))

        capacity = np.where(np.isfinite(k), cum(np.where(np.isfinite(k), k, 0.0)), np.inf)
        reach = (r > 0) & (capacity >= r)
        # the real root of s/2 n^2 + (e0 - s/2) n - r = 0, as a first guess of whole years
        b = e0 - s / 2
        disc = np.sqrt(np.maximum(b * b + 2 * s * r, 0.0))
        # (two forms of the same root, each free of cancellation where it is used)
        guess = np.where(s == 0, r / e0, np.where(b > 0, 2 * r / (b + disc), (disc - b) / s))
        reach &= np.isfinite(guess)  # beyond what floats count (a vanishing trend): never, in practice
        n = np.floor(np.where(reach & np.isfinite(guess), np.maximum(guess, 0.0), 0.0))
        n = np.where(np.isfinite(k), np.minimum(n, np.maximum(k - 1, 0)), n)
        for _ in range(4):  # correct rounding: cum(n) <= r < cum(n + 1)
            n = np.where(reach & (cum(n) > r) & (n > 0), n - 1, n)
            n = np.where(reach & (cum(n + 1) < r), n + 1, n)
        value_n = np.maximum(e0 + s * n, 0.0)
        frac = np.where(value_n > 0, (r - cum(n)) / value_n, 0.0)
        out = np.where(reach, n + np.clip(frac, 0.0, 1.0), np.nan)
    return np.where(r <= 0, 0.0, out)


def _crossing(yearly: np.ndarray, years: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """Fractional year where the cumulative sum of ``yearly`` (each value accruing evenly over its
    year) reaches ``budget``, per row; NaN where it does not within ``years``."""
    vals = np.nan_to_num(yearly, nan=0.0)
    cum = np.cumsum(vals, axis=1)
    before = cum - vals
    hit = cum >= budget[:, None]
    idx = np.where(hit.any(1), hit.argmax(1), -1)
    rows = np.arange(len(budget))
    safe = np.maximum(idx, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (budget - before[rows, safe]) / vals[rows, safe]
    out = years[safe] + np.clip(np.nan_to_num(frac), 0.0, 1.0)
    return np.where(idx >= 0, out, np.nan)


def _yearly_grid(emissions: pd.DataFrame, summ: pd.DataFrame, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Yearly values ``first .. last`` per series (rows ordered as :func:`to_matrix`): observed
    where they exist, the trend's estimates after the last observed year, gaps inside the data
    interpolated linearly."""
    _, years, values = to_matrix(emissions)
    grid = np.arange(first, last + 1)
    yearly = np.full((values.shape[0], len(grid)), np.nan)
    inside = (years >= grid[0]) & (years <= grid[-1])
    yearly[:, np.searchsorted(grid, years[inside])] = values[:, inside]
    after_last = grid[None, :] > summ["last_year"].to_numpy()[:, None]
    yearly = np.where(np.isnan(yearly) & after_last, trend_value(summ, grid), yearly)
    yearly = pd.DataFrame(yearly).interpolate(axis=1, limit_area="inside").to_numpy()
    return grid, yearly


def _iso_or(values: np.ndarray, code: str) -> list[str]:
    return [code if not np.isfinite(v) else (fractional_year_to_date(v) or code) for v in values]


def carbon_budget(
    emissions: pd.DataFrame,
    *,
    all_totals: pd.DataFrame | None = None,
    preset_name: str = DEFAULT_PRESET,
    national_budget_t: float | None = None,
    reserved_t: float | None = None,
    start_year: int | None = None,
    regime: str = "grandfathering",
    reference_years: list[int] | None = None,
    population: pd.DataFrame | None = None,
    weight: float = 0.5,
    current_year: int = CURRENT_YEAR,
    end_year: int = END_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
    summary: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Budget status of every kommun in ``emissions`` by the project's own method ("cemus").

    ``emissions`` is tidy *total* CO2 emissions (``gas`` "CO2", one release); ``all_totals`` the
    totals of all 290 kommuner used to share the national budget (default ``emissions``, which
    must then hold all of them). Budget figures override the preset. ``method`` is the trend
    method (``trends.METHODS``); ``summary`` may pass :func:`pathways` of the same table.

    Returns one row per kommun with the series keys and :data:`STATUS_COLUMNS`: budget_t,
    spent_t, remaining_budget_t (t CO2, on 1 January of ``current_year``), current_value (t/yr),
    required_rate (share per year; NaN when exhausted), required_rate_pct, budget_status
    (:data:`STATUS_CODES`), budget_runs_out_year (fractional year; NaN = holds),
    budget_runs_out (ISO date or "holds"), net_zero_year / net_zero (the CO2 trend's zero
    crossing: fractional year / ISO date or "never"), total_trend_t (sum of the trend's yearly
    values ``current_year .. end_year``), and the gas, release, data years, preset, regime and
    method that produced them. Conventions: module docstring.
    """
    require_co2(emissions)
    if all_totals is not None:
        require_co2(all_totals)
    p = preset(preset_name)
    nb = float(national_budget_t if national_budget_t is not None else p["national_budget_t"])
    if national_budget_t is not None and reserved_t is None:
        reserved = nb * float(p["reserved_t"]) / float(p["national_budget_t"])
    else:
        reserved = float(reserved_t if reserved_t is not None else p["reserved_t"])
    start = int(start_year if start_year is not None else p["start_year"])
    if nb <= 0:
        raise ParameterError(f"The national budget must be positive, got {nb} t")
    if current_year < start:
        raise ParameterError(f"current_year {current_year} is before the budget's start year {start}")
    levels = set(emissions["level"].unique()) if "level" in emissions.columns else {"total"}
    if levels - {"total"}:
        raise ParameterError(f"carbon_budget needs total emissions (level='total'), got levels {sorted(levels)}")
    alloc = allocate_budget(
        all_totals if all_totals is not None else emissions,
        national_budget_t=nb,
        reserved_t=reserved,
        regime=regime,
        reference_years=reference_years,
        population=population,
        weight=weight,
    )
    summ = (
        summary
        if summary is not None
        else pathways(emissions, current_year=current_year, end_year=end_year, first_year=first_year, method=method)
    )
    keys, _, _ = to_matrix(emissions)
    data_first, data_last = _data_years(emissions)
    grid, yearly = _yearly_grid(emissions, summ, min(start, data_first), current_year)
    spent = spent_since(yearly, grid, start, current_year)
    merged = summ.merge(alloc, on="kommun_code", how="left")
    if merged["budget_t"].isna().any():
        missing = merged.loc[merged["budget_t"].isna(), "kommun"].tolist()[:5]
        raise ParameterError(f"No budget share for {missing}: pass all_totals with every kommun")
    budget = merged["budget_t"].to_numpy()
    remaining = budget - spent
    e0 = merged["current_value"].to_numpy()
    slope = merged["slope"].to_numpy()
    exhausted = remaining <= 0
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(exhausted, np.nan, 1 - np.exp(-e0 / np.where(exhausted, 1.0, remaining)))
    ahead = current_year + years_until_spent(e0, slope, np.maximum(remaining, 0.0))
    past_years = grid[grid >= start]
    past = _crossing(yearly[:, grid >= start], past_years, budget)
    runs = np.where(exhausted, past, ahead)
    out = keys.drop(columns=[c for c in keys.columns if c in STATUS_COLUMNS])
    out["budget_method"] = "cemus"
    out["gas"] = BUDGET_GAS
    out["release"] = _release_of(emissions)
    out["data_first_year"] = data_first
    out["data_last_year"] = data_last
    out["preset"] = preset_name
    out["regime"] = merged["regime"].to_numpy()
    out["national_budget_t"] = nb
    out["reserved_t"] = reserved
    out["start_year"] = start
    out["current_year"] = current_year
    out["end_year"] = end_year
    out["budget_share"] = merged["share"].to_numpy()
    out["budget_t"] = budget
    out["spent_t"] = spent
    out["remaining_budget_t"] = remaining
    out["current_value"] = e0
    out["slope"] = slope
    out["trend_method"] = merged["method"].to_numpy()
    out["required_rate"] = rate
    out["required_rate_pct"] = 100 * rate
    out["budget_status"] = np.where(exhausted, "exhausted", np.where(np.isnan(runs), "holds", "runs_out"))
    out["budget_runs_out_year"] = runs
    out["budget_runs_out"] = _iso_or(runs, HOLDS)
    nz = merged["net_zero_year"].to_numpy(dtype=float)
    out["net_zero_year"] = nz
    out["net_zero"] = _iso_or(nz, NEVER)
    out["total_trend_t"] = merged["total_trend"].to_numpy()
    out["source"] = p["source"]
    out["unit"] = UNIT
    return out[[c for c in keys.columns if c not in STATUS_COLUMNS] + list(STATUS_COLUMNS)]


# --- pathways --------------------------------------------------------------------------------------


def budget_pathway(
    current_value: float, remaining_t: float, *, current_year: int = CURRENT_YEAR, end_year: int = END_YEAR
) -> pd.DataFrame:
    """The pathway that spends exactly the remaining budget: year, t_co2 (yearly values), kind,
    gas, unit.

    The continuous path ``E(t) = E0 * exp(-k * (t - t0))``, ``k = E0 / B``, from ``t0`` =
    1 January of ``current_year`` (``E0`` = ``current_value``, t CO2/yr; ``B`` = ``remaining_t``,
    t CO2); each drawn value is the path's integral over its year,
    ``B * (1 - exp(-k)) * exp(-k * (year - current_year))``, so the values from ``current_year``
    on add up to exactly ``B`` (to ``end_year``: ``B * (1 - exp(-k * (end_year - current_year + 1)))``).
    An exhausted budget (``remaining_t <= 0``) has no pathway: the frame is empty.
    """
    if current_value < 0:
        raise ParameterError(f"current emissions must be >= 0 t, got {current_value}")
    if end_year < current_year:
        raise ParameterError(f"end_year {end_year} is before current_year {current_year}")
    years = np.arange(current_year, end_year + 1) if remaining_t > 0 else np.arange(0)
    if current_value == 0 or remaining_t <= 0:
        vals = np.zeros(len(years))
    else:
        k = current_value / remaining_t
        vals = remaining_t * -np.expm1(-k) * np.exp(-k * (years - current_year))
    return pd.DataFrame(
        {"year": years, "t_co2": vals, "kind": "budget_pathway", "gas": BUDGET_GAS, "unit": UNIT}
    ).astype({"year": int, "t_co2": float})


def budget_pathways(status: pd.DataFrame, *, end_year: int | None = None) -> pd.DataFrame:
    """:func:`budget_pathway` for every row of a budget status table (:func:`budget_status`,
    :func:`carbon_budget`): kommun_code, kommun, budget_method, year, t_co2, kind, gas, unit.
    Exhausted budgets have no rows."""
    parts = []
    for r in status.itertuples(index=False):
        path = budget_pathway(
            float(r.current_value),
            float(r.remaining_budget_t),
            current_year=int(r.current_year),
            end_year=int(end_year if end_year is not None else r.end_year),
        )
        parts.append(path.assign(kommun_code=r.kommun_code, kommun=r.kommun, budget_method=r.budget_method))
    cols = ["kommun_code", "kommun", "budget_method", "year", "t_co2", "kind", "gas", "unit"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


# --- point sources -----------------------------------------------------------------------------------


def exclude_point_sources(
    emissions: pd.DataFrame,
    installation_ids: Sequence[str],
    *,
    ets_emissions: pd.DataFrame,
    sector: str | None = None,
    fill: str = "nearest",
) -> pd.DataFrame:
    """Remove named point sources (EU ETS installations) from a sector of a kommun's emissions.

    Verified emissions (EUTL, t CO2e; 2013-2020 in the data) are subtracted from ``sector``
    (default the industry sector; the total for a table of totals) year by year, floored at 0.
    For years without verified data of an installation, ``fill`` says what happens, never silently:

    - ``"nearest"``: the nearest verified year's value is used and the row is marked
      ``excluded_basis`` "estimated" with ``excluded_estimate`` naming the installation and the year
      used (e.g. "SE_386: verified 2020 used for 2022");
    - ``"drop"``: those rows are left out of the result;
    - ``"refuse"``: :class:`ParameterError` naming the years.

    Added columns: ``excluded_t`` (t subtracted), ``excluded_basis`` ("verified", "estimated",
    or "none" for rows not touched), ``excluded_estimate`` (empty unless estimated).
    """
    if fill not in FILL_METHODS:
        raise UnknownValueError("fill method", fill, FILL_METHODS)
    ids = list(installation_ids)
    ets = ets_emissions[ets_emissions["installation_id"].isin(ids)]
    missing = sorted(set(ids) - set(ets["installation_id"]))
    if missing:
        raise UnknownValueError(
            "EU ETS installation with verified emissions",
            missing[0],
            sorted(ets_emissions["installation_id"].unique()),
        )
    out = emissions.copy().reset_index(drop=True)
    is_total = "level" in out.columns and (out["level"] == "total").all()
    target = (out["sector"] == (SECTOR_TOTAL if is_total else (sector or industry_sector()))).to_numpy()
    yrs = out.loc[target, "year"].to_numpy(dtype=int)
    sub = np.zeros(len(yrs))
    estimated = np.zeros(len(yrs), dtype=bool)
    notes: list[list[str]] = [[] for _ in yrs]
    per_year = ets.groupby(["installation_id", "year"], as_index=False)["verified_t_co2e"].sum()
    for inst in ids:
        # the verified year nearest each year (the package's one nearest-year rule)
        wanted = pd.DataFrame({"installation_id": inst, "year": yrs})
        near = wanted.merge(
            nearest_year(per_year, wanted, value="verified_t_co2e", key="installation_id", year_column="used"),
            on=["installation_id", "year"],
            how="left",
        )
        nearest = near["used"].to_numpy(dtype=int)
        sub += near["verified_t_co2e"].to_numpy(dtype=float)
        off = nearest != yrs
        estimated |= off
        for i in np.flatnonzero(off):
            notes[i].append(f"{inst}: verified {nearest[i]} used for {yrs[i]}")
    if estimated.any() and fill == "refuse":
        bad = sorted(set(yrs[estimated].tolist()))
        raise ParameterError(
            f"No verified emissions of {', '.join(ids)} for {', '.join(map(str, bad))}: "
            "use fill='nearest' (marked as estimated) or fill='drop' (left out)."
        )
    before = out.loc[target, "t_co2e"].to_numpy(dtype=float)
    after = np.maximum(before - sub, 0.0)
    out.loc[target, "t_co2e"] = after
    out["excluded_t"] = 0.0
    out.loc[target, "excluded_t"] = before - after
    out["excluded_basis"] = "none"
    out.loc[target, "excluded_basis"] = np.where(estimated, "estimated", "verified")
    out["excluded_estimate"] = ""
    out.loc[target, "excluded_estimate"] = ["; ".join(n) for n in notes]
    if "source" in out.columns:
        out.loc[target, "source"] = out.loc[target, "source"].astype(str) + (
            f"; minus EU ETS verified emissions of {', '.join(ids)} (EUTL, t CO2e)"
        )
    if fill == "drop":
        drop = np.zeros(len(out), dtype=bool)
        drop[np.flatnonzero(target)[estimated]] = True
        out = out[~drop].reset_index(drop=True)
    return out


# --- budgets kommuner made for themselves ------------------------------------------------------------


def adopted_budgets() -> pd.DataFrame:
    """Carbon budgets kommuner had made for themselves (``reference/kommun_budgets.csv``): who made
    it, when it was delivered, gas, yearly cut, years, scope and excluded installations, source."""
    tab = reference.table("kommun_budgets.csv", as_text=True)
    for col in ("delivered_year", "start_year", "end_year"):
        tab[col] = tab[col].astype(int)
    tab["annual_cut"] = tab["annual_cut"].astype(float)
    tab["includes_international_transport"] = tab["includes_international_transport"].str.lower() == "true"
    tab["excluded_installations"] = tab["excluded_installations"].fillna("").map(lambda s: [i for i in s.split() if i])
    return tab


def adopted_budget(kommun_code: str) -> dict[str, Any] | None:
    """The budget a kommun had made for itself (a row of :func:`adopted_budgets`), or None."""
    tab = adopted_budgets()
    hit = tab[tab["kommun_code"] == str(kommun_code)]
    return None if hit.empty else hit.iloc[0].to_dict()


def adopted_exclusions() -> dict[str, list[str]]:
    """kommun_code -> the EU ETS installations its own budget excludes."""
    return {r["kommun_code"]: r["excluded_installations"] for _, r in adopted_budgets().iterrows()}


def adopted_pathway_table(
    co2_totals: pd.DataFrame, *, adopted: Mapping[str, Any], ets_emissions: pd.DataFrame, fill: str = "nearest"
) -> pd.DataFrame:
    """A kommun's own budget drawn on the CO2 series: one kommun's total CO2 emissions
    (``gas`` "CO2"), the emissions without the budget's excluded installations, and the budget's
    pathway ``E_start * (1 - annual_cut) ** (year - start_year)``, start_year .. end_year, where
    ``E_start`` is the CO2 emissions without the excluded installations in the start year.

    Long table: kommun_code, year, t_co2, kind ("co2_total", "co2_excluding", "adopted_pathway"),
    basis ("observed" or "estimated"; for the pathway "pathway_from_observed" or
    "pathway_from_estimated", the basis of its start value), estimate (how estimated, empty
    otherwise), excluded_installations, gas, release, unit. Years outside the installations' verified years
    are estimated and marked (``fill="nearest"``) or left out (``fill="drop"``), see
    :func:`exclude_point_sources`.
    """
    require_co2(co2_totals)
    if co2_totals["kommun_code"].nunique() != 1:
        raise ParameterError("adopted_pathway_table needs the totals of one kommun")
    own = co2_totals.sort_values("year").reset_index(drop=True)
    ids = list(adopted["excluded_installations"])
    excl = (
        exclude_point_sources(own, ids, ets_emissions=ets_emissions, fill=fill)
        if ids
        else own.assign(excluded_t=0.0, excluded_basis="none", excluded_estimate="")
    )
    start, end, cut = int(adopted["start_year"]), int(adopted["end_year"]), float(adopted["annual_cut"])
    at_start = excl[excl["year"] == start]
    if at_start.empty:
        raise ParameterError(
            f"No CO2 emissions (without {', '.join(ids) or 'exclusions'}) for the budget's start year {start}; "
            f"years available: {excl['year'].tolist()}"
        )
    e_start = float(at_start["t_co2e"].iloc[0])
    start_basis = "estimated" if at_start["excluded_basis"].iloc[0] == "estimated" else "observed"
    years = np.arange(start, end + 1)
    parts = [
        pd.DataFrame(
            {"year": own["year"], "t_co2": own["t_co2e"], "kind": "co2_total", "basis": "observed", "estimate": ""}
        ),
        pd.DataFrame(
            {
                "year": excl["year"],
                "t_co2": excl["t_co2e"],
                "kind": "co2_excluding",
                "basis": np.where(excl["excluded_basis"] == "estimated", "estimated", "observed"),
                "estimate": excl["excluded_estimate"],
            }
        ),
        pd.DataFrame(
            {
                "year": years,
                "t_co2": e_start * (1 - cut) ** (years - start),
                "kind": "adopted_pathway",
                "basis": f"pathway_from_{start_basis}",
                "estimate": "",
            }
        ),
    ]
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "kommun_code", str(own["kommun_code"].iloc[0]))
    out["excluded_installations"] = " ".join(ids)
    out["gas"] = BUDGET_GAS
    out["release"] = _release_of(own)
    out["unit"] = UNIT
    return out


# --- for pages: load the data and compute ------------------------------------------------------------


def budget_status(
    kommun: str | int | Sequence[str | int] | None = None,
    *,
    method: str = DEFAULT_METHOD,
    preset_name: str | None = None,
    regime: str = "grandfathering",
    weight: float = 0.5,
    exclude: str | Mapping[str, Sequence[str]] | None = None,
    fill: str = "nearest",
    current_year: int | None = None,
    trend_method: str = "median",
    release: str | None = None,
) -> pd.DataFrame:
    """Budget status per kommun (loads the data): :data:`STATUS_COLUMNS` for the kommuner asked
    for (default all 290; the budget is always shared among all 290).

    ``method`` "cemus" uses ``preset_name`` (default :data:`DEFAULT_PRESET`), ``regime``,
    ``weight`` and the newest CO2 release (:func:`co2_release`, or ``release``);
    "klimatkollen-2024" has its own fixed national budget, data and years, so a preset, another
    regime or exclusions are refused. ``exclude`` maps kommuner (names or codes) to EU ETS
    installations taken out of their emissions, or is ``"adopted"`` (the installations each
    kommun's own budget excludes, :func:`adopted_exclusions`); columns ``excluded`` and
    ``excluded_estimated_years`` say what was taken out and which years were estimated.
    """
    from .. import data

    check_method(method)
    current = int(current_year if current_year is not None else config.default_current_year())
    if method == "klimatkollen-2024":
        from .budget_klimatkollen import klimatkollen_2024, parameters

        if preset_name is not None or regime != "grandfathering" or exclude:
            raise ParameterError(
                "Budget method 'klimatkollen-2024' has its own fixed national budget (80 Mt CO2 from 2024 less "
                "80 x 55/285 Mt), shared by grandfathering, without exclusions: presets, regimes and exclusions "
                "apply to the 'cemus' method only."
            )
        rel = release or str(parameters()["release"])
        out = klimatkollen_2024(data.load_emissions(None, release=rel, level="total"))
        out["excluded"] = ""
        out["excluded_estimated_years"] = ""
    else:
        rel = release or co2_release()
        totals = data.load_emissions(None, release=rel, level="total")
        if isinstance(exclude, str):
            if exclude != "adopted":
                raise UnknownValueError("exclusion", exclude, ["adopted", "a mapping kommun -> installation ids"])
            excl = adopted_exclusions()
        else:
            excl = {str(k): list(v) for k, v in (exclude or {}).items()}
        notes: dict[str, tuple[str, str]] = {}
        if excl:
            ets = data.load_ets_emissions()
            for who, ids in excl.items():
                code = data.kommun_code(who)
                mine = totals["kommun_code"] == code
                cut = exclude_point_sources(totals[mine], list(ids), ets_emissions=ets, fill=fill)
                est = sorted(cut.loc[cut["excluded_basis"] == "estimated", "year"].astype(int).tolist())
                notes[code] = (" ".join(ids), ",".join(map(str, est)))
                totals = pd.concat([totals[~mine], cut[totals.columns]], ignore_index=True)
        p = preset(preset_name or DEFAULT_PRESET)
        pop = None
        if regime != "grandfathering":
            pop = data.population_for([int(p["start_year"])])
        out = carbon_budget(
            totals,
            preset_name=preset_name or DEFAULT_PRESET,
            regime=regime,
            weight=weight,
            population=pop,
            current_year=current,
            method=trend_method,
        )
        out["excluded"] = [notes.get(c, ("", ""))[0] for c in out["kommun_code"]]
        out["excluded_estimated_years"] = [notes.get(c, ("", ""))[1] for c in out["kommun_code"]]
    codes = data.kommun_codes(kommun)
    if codes is not None:
        out = out[out["kommun_code"].isin(codes)]
    return out.reset_index(drop=True)


def adopted_pathway(kommun: str | int, *, release: str | None = None, fill: str = "nearest") -> pd.DataFrame | None:
    """:func:`adopted_pathway_table` for a kommun (loads its CO2 totals from the newest CO2 release
    and the EU ETS verified emissions), or None when the kommun has no budget of its own."""
    from .. import data

    code = data.kommun_code(kommun)
    adopted = adopted_budget(code)
    if adopted is None:
        return None
    if adopted["gas"] != BUDGET_GAS:
        raise DataFileError(f"reference/kommun_budgets.csv: kommun {code}: gas {adopted['gas']!r}, expected 'CO2'")
    totals = data.load_emissions(code, release=release or co2_release(), level="total")
    return adopted_pathway_table(totals, adopted=adopted, ets_emissions=data.load_ets_emissions(), fill=fill)
