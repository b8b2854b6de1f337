"""Declared schemas of every processed table (pandera), and the validation helper that turns a
schema failure into a message naming the file, row, column and value."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ..errors import DataFileError
from ..names import SECTOR_TOTAL, sector_names

YEAR_MIN, YEAR_MAX = 1950, 2100
LEVELS = ["total", "sector", "subsector"]
#: Gas bases of the emission tables: all greenhouse gases (GWP100 AR5) or carbon dioxide only.
GASES = ["CO2e", "CO2"]


def _sectors() -> list[str]:
    return sector_names() + [SECTOR_TOTAL]


def emissions_schema() -> pa.DataFrameSchema:
    """Tidy emissions per kommun: one row per value, t CO2e/yr (GWP100 AR5, SMHI)."""
    return pa.DataFrameSchema(
        {
            "kommun_code": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")),
            "kommun": pa.Column(str),
            "lan_code": pa.Column(str, pa.Check.str_matches(r"^\d{2}$")),
            "lan": pa.Column(str),
            "sector": pa.Column(str, pa.Check.isin(_sectors())),
            "subsector": pa.Column(str),
            "level": pa.Column(str, pa.Check.isin(LEVELS)),
            "year": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX)),
            "t_co2e": pa.Column(
                float,
                pa.Check(
                    lambda s: s.notna() & (s > -1e9) & (s < 1e9), element_wise=False, error="finite value in t CO2e"
                ),
            ),
            "release": pa.Column(str),
            "gas": pa.Column(str, pa.Check.isin(GASES)),
            "source": pa.Column(str),
        },
        unique=["kommun_code", "sector", "subsector", "year", "release"],
        strict=True,
        coerce=False,
    )


def regional_schema() -> pa.DataFrameSchema:
    """Emissions of Sweden (region_code '00') and the 21 län, t CO2e/yr."""
    return pa.DataFrameSchema(
        {
            "region_code": pa.Column(str, pa.Check.str_matches(r"^\d{2}$")),
            "region": pa.Column(str),
            "sector": pa.Column(str, pa.Check.isin(_sectors())),
            "subsector": pa.Column(str),
            "level": pa.Column(str, pa.Check.isin(LEVELS)),
            "year": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX)),
            "t_co2e": pa.Column(float, pa.Check(lambda s: s.notna(), element_wise=False, error="not missing")),
            "release": pa.Column(str),
            "gas": pa.Column(str, pa.Check.isin(GASES)),
            "source": pa.Column(str),
        },
        unique=["region_code", "sector", "subsector", "year", "release"],
        strict=True,
    )


def kommun_year_schema(
    value: str, *, minimum: float = 0.0, extra: dict | None = None, unique: list[str] | None = None
) -> pa.DataFrameSchema:
    cols = {
        "kommun_code": pa.Column(str, pa.Check.str_matches(r"^\d{4}$")),
        "kommun": pa.Column(str),
        "year": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX)),
        value: pa.Column(float, pa.Check.ge(minimum)),
        "source": pa.Column(str),
    }
    cols.update(extra or {})
    return pa.DataFrameSchema(cols, unique=unique or ["kommun_code", "year"], strict=True)


def validate(
    frame: pd.DataFrame, schema: pa.DataFrameSchema, *, file: str, rows: pd.Series | None = None, table: str = ""
) -> pd.DataFrame:
    """Validate ``frame``; on failure raise :class:`DataFileError` naming file, row, column, value.

    ``rows`` maps the frame's index to the line/row number in the raw file (the parsers' ``_row``).
    """
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = []
        for _, case in cases.head(10).iterrows():
            idx = case.get("index")
            row: object = "?"
            if rows is not None and idx is not None and not pd.isna(idx) and idx in rows.index:
                row = int(rows.loc[idx])
            elif idx is not None and not pd.isna(idx):
                row = f"(table row {int(idx)})"
            lines.append(
                f"  row {row}, column {case.get('column')!r}: value {case.get('failure_case')!r} "
                f"breaks rule {case.get('check')}"
            )
        more = "" if len(cases) <= 10 else f"\n  ... and {len(cases) - 10} more"
        raise DataFileError(
            f"{file}: {len(cases)} value(s) break the schema of table {table!r}:\n" + "\n".join(lines) + more
        ) from None
