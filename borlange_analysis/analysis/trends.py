"""Trend, projection and the Carbon Law pathway (Klimatkollen-compatible), vectorised.

Method (Klimatkollen, the public municipal climate dashboard by Klimatbyrån, 2025 method):

1. Median (least absolute deviation) regression of emissions on year over the observed years
   from ``first_year`` (default 2015) on, with the years centred on the last observed year
   (exog ``[1, year - t_last]``). The published figures come from statsmodels'
   ``QuantReg(q=0.5).fit()``, an iteratively reweighted least-squares (IRLS) solver; because LAD
   optima are not always unique, :func:`quantreg_irls` runs the *same* IRLS iterations for all
   series at once (same start, same residual floor 1e-6, same tolerance 1e-6, same 1000-iteration
   cap), so it lands on the same line where several are optimal.
2. The fitted line is shifted through the last observed value:
   ``trend(t) = max(0, E_last + slope * (t - t_last))``.
3. Years after ``t_last`` up to ``current_year`` are "estimated"; ``current_year`` to
   ``end_year`` (2050) the projection; ``total_trend`` is the plain sum of the projected values
   from ``current_year`` to ``end_year`` inclusive.
4. Net zero where the line crosses zero: ``t_last - E_last / slope`` (none if slope >= 0).
5. Carbon Law: ``E(t) = E0 * (1 - rate) ** (t - current_year)`` with ``rate = 0.1172`` and E0 the
   current-year value (estimate, or observed when it exists); ``total_carbon_law`` sums it over
   ``current_year..end_year``. On track when ``total_trend <= total_carbon_law``.

All emissions are t CO2e/yr (SMHI, GWP100 AR5); every result carries unit, release and method.
"""

from __future__ import annotations

import calendar
import datetime as _dt

import numpy as np
import pandas as pd

from .. import config
from ..errors import ParameterError, UnknownValueError
from .series import long_from_matrix, series_keys, to_matrix, unit_of

#: Default analysis year: the calendar year of the run (``config.default_current_year``); pass
#: ``current_year`` explicitly for reproducible results.
CURRENT_YEAR = config.default_current_year()
#: Trend and Carbon Law sums run to this year (Klimatkollen), ``reference/run_defaults.toml``.
END_YEAR = config.DEFAULTS.end_year
#: First year of the trend regression (Klimatkollen, 2025 method).
FIRST_YEAR = config.DEFAULTS.first_trend_year
#: Carbon Law reduction per year used by Klimatkollen (2025 method): 11.72 %.
CARBON_LAW_RATE = config.DEFAULTS.carbon_law_rate
METHODS = ("median", "ols")


def quantreg_irls(
    x: np.ndarray, y: np.ndarray, mask: np.ndarray, *, q: float = 0.5, max_iter: int = 1000, p_tol: float = 1e-6
) -> tuple[np.ndarray, np.ndarray]:
    """Median regression ``y ~ 1 + x`` for many series at once, by statsmodels' IRLS.

    Parameters
    ----------
    x, y, mask
        Arrays of shape (series, points); ``mask`` marks the points that exist.
    Returns
    -------
    (intercept, slope), each of shape (series,).

    Follows ``statsmodels.regression.quantile_regression.QuantReg.fit`` step by step: start with
    beta = (1, 1) and unit weights, solve the weighted normal equations, floor |residual| at 1e-6,
    reweight by 1/|q-weighted residual|, stop when max |beta - beta_prev| <= p_tol.
    """
    n = x.shape[0]
    w = mask.astype(float)  # x_star = x / |resid|; missing points get weight 0
    beta = np.ones((n, 2))
    active = np.ones(n, dtype=bool)
    xm = np.where(mask, x, 0.0)
    ym = np.where(mask, y, 0.0)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        wa, xa, ya, ma = w[idx], xm[idx], ym[idx], mask[idx]
        wx = wa * xa
        s0, s1, s2 = wa.sum(1), wx.sum(1), (wx * xa).sum(1)
        b0, b1 = (wa * ya).sum(1), (wx * ya).sum(1)
        det = s0 * s2 - s1 * s1
        scale = np.maximum(np.maximum(np.abs(s0), np.abs(s2)), np.abs(s1)) ** 2
        good = np.abs(det) > 1e-10 * np.where(scale > 0, scale, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            c0 = (s2 * b0 - s1 * b1) / det
            c1 = (s0 * b1 - s1 * b0) / det
        if not good.all():  # singular normal equations: pseudo-inverse, as statsmodels does
            bad = ~good
            xtx = np.stack([np.stack([s0[bad], s1[bad]], -1), np.stack([s1[bad], s2[bad]], -1)], 1)
            sol = np.einsum("nij,nj->ni", np.linalg.pinv(xtx), np.stack([b0[bad], b1[bad]], -1))
            c0[bad], c1[bad] = sol[:, 0], sol[:, 1]
        new = np.stack([c0, c1], -1)
        resid = ya - (c0[:, None] + c1[:, None] * xa)
        small = np.abs(resid) < 1e-6
        resid = np.where(small, np.where(resid >= 0, 1e-6, -1e-6), resid)
        resid = np.abs(np.where(resid < 0, q * resid, (1 - q) * resid))
        w[idx] = np.where(ma, 1.0 / resid, 0.0)
        diff = np.abs(new - beta[idx]).max(1)
        beta[idx] = new
        active[idx[diff <= p_tol]] = False
    return beta[:, 0], beta[:, 1]


_DAYS_PER_400_YEARS = 146_097  # the Gregorian calendar repeats every 400 years


def iso_date_from_ordinal(ordinal: int) -> str:
    """ISO 8601 date of a proleptic Gregorian day number (``date.toordinal()``, 1 = 0001-01-01).

    Dates after 9999-12-31 are written in ISO 8601's expanded form, ``+YYYYY-MM-DD``: a date is
    given however late it is (a slow trend can reach net zero centuries from now)."""
    ordinal = int(ordinal)
    cycles = 0
    top = _dt.date.max.toordinal()
    if ordinal > top:
        cycles = (ordinal - top) // _DAYS_PER_400_YEARS + 1
        ordinal -= cycles * _DAYS_PER_400_YEARS
    day = _dt.date.fromordinal(ordinal)
    year = day.year + 400 * cycles
    return day.isoformat() if year <= 9999 else f"+{year}-{day.month:02d}-{day.day:02d}"


def fractional_year_to_date(value: float | None) -> str | None:
    """The date a fractional year falls on: year ``floor(value)``, plus the fraction of that
    calendar year's days (365 or 366), rounded down to a whole day. ``2035.0`` is 2035-01-01.
    None for NaN, infinity or a year before 1; years after 9999 as in :func:`iso_date_from_ordinal`."""
    if value is None or not np.isfinite(value) or value < 1:
        return None
    year = int(np.floor(value))
    days = 366 if calendar.isleap(year) else 365
    cycles = max(0, (year - 9999) // 400 + 1) if year > 9999 else 0
    jan1 = _dt.date(year - 400 * cycles, 1, 1).toordinal() + cycles * _DAYS_PER_400_YEARS
    return iso_date_from_ordinal(jan1 + int(np.floor((value - year) * days)))


def fit_trend(
    emissions: pd.DataFrame, *, first_year: int = FIRST_YEAR, method: str = "median", min_years: int = 2
) -> pd.DataFrame:
    """Fit the trend line of every series in a tidy emissions table (t CO2e/yr).

    One row per series (kommun x sector, or kommun total) with: ``n_years``, ``first_year``,
    ``last_year``, ``last_value`` (t CO2e), ``slope`` (t CO2e/yr), ``intercept`` (fitted value at
    ``last_year``, t CO2e), ``method`` ("median": LAD as statsmodels QuantReg(q=0.5); "ols":
    ordinary least squares), ``unit``.

    Raises :class:`ParameterError` when a series has fewer than ``min_years`` observed years from
    ``first_year`` on, and :class:`UnknownValueError` for an unknown method.
    """
    if method not in METHODS:
        raise UnknownValueError("trend method", method, METHODS)
    keys, years, values = to_matrix(emissions)
    use = years >= first_year
    if not use.any():
        raise ParameterError(f"No observed years from first_year={first_year} on; the data end in {years.max()}.")
    yrs, vals = years[use], values[:, use]
    mask = ~np.isnan(vals)
    n_obs = mask.sum(1)
    too_few = n_obs < min_years
    if too_few.any():
        bad = keys[too_few].head(5).to_dict("records")
        raise ParameterError(
            f"{int(too_few.sum())} series have fewer than {min_years} observed years from {first_year} on, "
            f"too few for a trend: {bad}"
        )
    last_idx = np.where(mask, np.arange(len(yrs)), -1).max(1)
    first_idx = np.where(mask, np.arange(len(yrs)), len(yrs)).min(1)
    t_last = yrs[last_idx]
    e_last = vals[np.arange(len(vals)), last_idx]
    x = np.broadcast_to(yrs, vals.shape) - t_last[:, None]
    y = np.where(mask, vals, 0.0)
    if method == "median":
        intercept, slope = quantreg_irls(x.astype(float), y, mask)
    else:
        w = mask.astype(float)
        n = w.sum(1)
        xm = (w * x).sum(1) / n
        ym = (w * y).sum(1) / n
        sxx = (w * (x - xm[:, None]) ** 2).sum(1)
        sxy = (w * (x - xm[:, None]) * (y - ym[:, None])).sum(1)
        slope = np.divide(sxy, sxx, out=np.zeros_like(sxy), where=sxx > 0)
        intercept = ym - slope * xm
    out = keys.copy()
    out["n_years"] = n_obs
    out["first_year"] = yrs[first_idx]
    out["last_year"] = t_last
    out["last_value"] = e_last
    out["slope"] = slope
    out["intercept"] = intercept
    out["method"] = (
        "median regression (statsmodels QuantReg q=0.5, IRLS)" if method == "median" else "ordinary least squares"
    )
    out["unit"] = unit_of(emissions)
    return out


def trend_value(fit: pd.DataFrame, years) -> np.ndarray:
    """Trend line (shifted through the last observed value, floored at 0) at the given years:
    array [series x years], t CO2e/yr."""
    years = np.asarray(years, dtype=float)
    v = fit["last_value"].to_numpy()[:, None] + fit["slope"].to_numpy()[:, None] * (
        years[None, :] - fit["last_year"].to_numpy()[:, None]
    )
    return np.maximum(v, 0.0)


def carbon_law_path(e0, years, *, current_year: int, rate: float = CARBON_LAW_RATE) -> np.ndarray:
    """The Carbon Law pathway: yearly values ``E0 * (1 - rate) ** (year - current_year)``.

    ``e0`` is one value or an array of current-year values (one per series, t/yr); returns an
    array [series x years]. The one implementation of the Carbon Law in the package: the totals of
    :func:`pathways` and the lines of :func:`pathway_years` both come from it. The values are
    yearly emissions (each the emissions of its calendar year), so their plain sum is the total.
    """
    if not 0 < rate < 1:
        raise ParameterError(f"carbon_law_rate must be between 0 and 1 (a share per year), got {rate}")
    e = np.atleast_1d(np.asarray(e0, dtype=float))
    n = np.asarray(years, dtype=float) - current_year
    return e[:, None] * (1 - rate) ** n[None, :]


def pathways(
    emissions: pd.DataFrame,
    *,
    current_year: int = CURRENT_YEAR,
    end_year: int = END_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
    carbon_law_rate: float = CARBON_LAW_RATE,
) -> pd.DataFrame:
    """Trend, estimates, projection, Carbon Law and net zero for every series (one row each).

    Columns: the series keys, the :func:`fit_trend` columns, ``estimate_<year>`` for each year
    after the last observed year up to ``current_year``, ``current_value`` (E0, t CO2e),
    ``current_value_kind`` ("observed"/"estimated"), ``projection_<end_year>``, ``total_trend``
    and ``total_carbon_law`` (t CO2e summed over current_year..end_year), ``on_track``,
    ``net_zero_year`` (fractional year, NaN = never on this trend), ``net_zero_date``,
    ``carbon_law_rate``, ``current_year``, ``end_year``.
    """
    if not 0 < carbon_law_rate < 1:
        raise ParameterError(f"carbon_law_rate must be between 0 and 1 (a share per year), got {carbon_law_rate}")
    if end_year < current_year:
        raise ParameterError(f"end_year {end_year} is before current_year {current_year}")
    fit = fit_trend(emissions, first_year=first_year, method=method)
    last = fit["last_year"].to_numpy()
    if (current_year < last).any():
        raise ParameterError(
            f"current_year {current_year} is before the last observed year {int(last.max())} of the data; "
            f"choose current_year >= {int(last.max())}"
        )
    out = fit.copy()
    est_years = list(range(int(last.min()) + 1, current_year + 1))
    if est_years:
        est = trend_value(fit, est_years)
        for j, y in enumerate(est_years):
            out[f"estimate_{y}"] = np.where(y > last, est[:, j], np.nan)
    observed_now = current_year == last
    e0 = np.where(observed_now, fit["last_value"].to_numpy(), trend_value(fit, [current_year])[:, 0])
    out["current_value"] = e0
    out["current_value_kind"] = np.where(observed_now, "observed", "estimated")
    proj_years = np.arange(current_year, end_year + 1)
    proj = trend_value(fit, proj_years)
    proj[:, 0] = e0
    out[f"projection_{end_year}"] = proj[:, -1]
    out["total_trend"] = proj.sum(1)
    law = carbon_law_path(e0, proj_years, current_year=current_year, rate=carbon_law_rate)
    out["total_carbon_law"] = law.sum(1)
    out["on_track"] = out["total_trend"] <= out["total_carbon_law"]
    slope = fit["slope"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        nz = np.where(slope < 0, last - fit["last_value"].to_numpy() / slope, np.nan)
    out["net_zero_year"] = nz
    out["net_zero_date"] = [fractional_year_to_date(v) for v in nz]
    out["carbon_law_rate"] = carbon_law_rate
    out["current_year"] = current_year
    out["end_year"] = end_year
    return out


def pathway_years(
    emissions: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    *,
    current_year: int = CURRENT_YEAR,
    end_year: int = END_YEAR,
    first_year: int = FIRST_YEAR,
    method: str = "median",
    carbon_law_rate: float = CARBON_LAW_RATE,
) -> pd.DataFrame:
    """Year-by-year table for charts: observed values, the trend (estimated and projected) and
    the Carbon Law pathway. Columns: series keys, year, t_co2e, kind ('observed', 'estimated',
    'trend', 'carbon_law'), unit."""
    if summary is None:
        summary = pathways(
            emissions,
            current_year=current_year,
            end_year=end_year,
            first_year=first_year,
            method=method,
            carbon_law_rate=carbon_law_rate,
        )
    keys = series_keys(emissions)
    obs = emissions[keys + ["year", "t_co2e"]].assign(kind="observed")
    parts = [obs]
    years = np.arange(int(summary["last_year"].min()), end_year + 1)
    tv = trend_value(summary, years)
    kf = summary[keys].reset_index(drop=True)
    t = long_from_matrix(kf, years, tv)
    t["kind"] = np.where(t["year"] < current_year, "estimated", "trend")
    last_by = np.repeat(summary["last_year"].to_numpy(), len(years))
    t = t[t["year"].to_numpy() >= last_by]
    parts.append(t)
    law_years = np.arange(current_year, end_year + 1)
    law = carbon_law_path(
        summary["current_value"].to_numpy(), law_years, current_year=current_year, rate=carbon_law_rate
    )
    parts.append(long_from_matrix(kf, law_years, law).assign(kind="carbon_law"))
    out = pd.concat(parts, ignore_index=True)
    out["unit"] = unit_of(emissions)
    return out.sort_values(keys + ["kind", "year"]).reset_index(drop=True)
