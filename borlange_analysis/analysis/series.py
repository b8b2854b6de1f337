"""Shared helpers: turn a tidy emissions table into a matrix of series x years and back."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError

#: Columns that identify one emissions series (whichever of them the table has).
KEY_CANDIDATES = (
    "release",
    "kommun_code",
    "kommun",
    "lan_code",
    "lan",
    "region_code",
    "region",
    "level",
    "sector",
    "subsector",
)

UNIT = "t CO2e"


def unit_of(frame: pd.DataFrame, per: str = "") -> str:
    """Unit of a table's ``t_co2e`` column: "t CO2" when its ``gas`` column says CO2 only, else
    "t CO2e" (all greenhouse gases, GWP100 AR5); ``per`` is appended (" per person")."""
    gases = {str(g) for g in frame["gas"].unique()} if "gas" in frame.columns else set()
    return (f"t {gases.pop()}" if len(gases) == 1 else UNIT) + per


def series_keys(frame: pd.DataFrame) -> list[str]:
    return [c for c in KEY_CANDIDATES if c in frame.columns]


def to_matrix(frame: pd.DataFrame, value: str = "t_co2e") -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Pivot a tidy table to (keys frame, years array, values matrix [series x years], NaN = no data).

    Rows are ordered by their keys, so results do not depend on the order of the input rows.
    """
    if frame.empty:
        raise ParameterError("The emissions table is empty: nothing to compute.")
    for col in ("year", value):
        if col not in frame.columns:
            raise ParameterError(f"The emissions table has no {col!r} column; columns are {list(frame.columns)}")
    keys = series_keys(frame)
    if frame.duplicated(keys + ["year"]).any():
        dup = frame[frame.duplicated(keys + ["year"], keep=False)].head(2)
        raise ParameterError(
            "The table has more than one value per series and year (mixing levels or releases?): "
            + dup[keys + ["year"]].to_string(index=False)
        )
    if keys:
        gid = frame.groupby(keys, sort=True, observed=True, dropna=False).ngroup().to_numpy()
        keys_frame = frame[keys].drop_duplicates().sort_values(keys).reset_index(drop=True)
    else:
        gid = np.zeros(len(frame), dtype=int)
        keys_frame = pd.DataFrame(index=[0])
    years, ycol = np.unique(frame["year"].to_numpy(dtype=int), return_inverse=True)
    values = np.full((int(gid.max()) + 1, len(years)), np.nan)
    values[gid, ycol] = frame[value].to_numpy(dtype=float)
    return keys_frame, years, values


def long_from_matrix(
    keys_frame: pd.DataFrame, years: np.ndarray, values: np.ndarray, value: str = "t_co2e", extra: dict | None = None
) -> pd.DataFrame:
    n, m = values.shape
    out = keys_frame.loc[np.repeat(np.arange(n), m)].reset_index(drop=True)
    out["year"] = np.tile(years, n)
    out[value] = values.reshape(-1)
    for k, v in (extra or {}).items():
        out[k] = v
    return out
