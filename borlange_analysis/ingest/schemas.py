"""Declared schemas of every processed table (pandera), their plausibility bounds, and the
validation helpers that turn a failure into one line naming the file, row, column and value.

The plausibility bounds and their reasons live in ``plausibility.toml`` beside this module: no
negative emissions, an upper bound per kommun and per region, and the allowed change of the totals
against the previous release of the same gas (:func:`check_against_previous`).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataFileError
from ..names import SECTOR_TOTAL, sector_names

PLAUSIBILITY_FILE = Path(__file__).with_name("plausibility.toml")

YEAR_MIN, YEAR_MAX = 1950, 2100
LEVELS = ["total", "sector", "subsector"]
#: Gas bases of the emission tables: all greenhouse gases (GWP100 AR5) or carbon dioxide only.
GASES = ["CO2e", "CO2"]


def _sectors() -> list[str]:
    return sector_names() + [SECTOR_TOTAL]


class PlausibilityError(DataFileError):
    """A table that parses and fits its schema but is implausible against the previous release."""


@dataclass(frozen=True)
class Plausibility:
    """The bounds of ``plausibility.toml`` (t CO2e or t CO2 per value), each with its reason."""

    min_t: float
    min_reason: str
    kommun_max_t: float
    kommun_max_reason: str
    region_max_t: float
    region_max_reason: str
    national_max_change: float
    national_reason: str
    kommun_max_factor: float
    kommun_reason: str
    kommuner_reason: str


@lru_cache(maxsize=1)
def plausibility() -> Plausibility:
    """The plausibility bounds with their reasons (``ingest/plausibility.toml``)."""
    with open(PLAUSIBILITY_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    return Plausibility(**raw["values"], **raw["previous_release"])


def _value_checks(maximum: float, max_reason: str) -> list[pa.Check]:
    p = plausibility()
    return [
        pa.Check(lambda s: s.notna(), element_wise=False, error="not missing"),
        pa.Check(lambda s: s.isna() | (s >= p.min_t), element_wise=False, error=p.min_reason),
        pa.Check(lambda s: s.isna() | (s <= maximum), element_wise=False, error=max_reason),
    ]


def emissions_schema() -> pa.DataFrameSchema:
    """Tidy emissions per kommun: one row per value, t CO2e/yr (GWP100 AR5, SMHI) or t CO2/yr
    (``gas`` says which), within the plausibility bounds of ``plausibility.toml``."""
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
            "t_co2e": pa.Column(float, _value_checks(plausibility().kommun_max_t, plausibility().kommun_max_reason)),
            "release": pa.Column(str),
            "gas": pa.Column(str, pa.Check.isin(GASES)),
            "source": pa.Column(str),
        },
        unique=["kommun_code", "sector", "subsector", "year", "release"],
        strict=True,
        coerce=False,
    )


def regional_schema() -> pa.DataFrameSchema:
    """Emissions of Sweden (region_code '00') and the 21 län, t CO2e/yr (or t CO2/yr, see
    ``gas``), within the plausibility bounds of ``plausibility.toml``."""
    return pa.DataFrameSchema(
        {
            "region_code": pa.Column(str, pa.Check.str_matches(r"^\d{2}$")),
            "region": pa.Column(str),
            "sector": pa.Column(str, pa.Check.isin(_sectors())),
            "subsector": pa.Column(str),
            "level": pa.Column(str, pa.Check.isin(LEVELS)),
            "year": pa.Column(int, pa.Check.in_range(YEAR_MIN, YEAR_MAX)),
            "t_co2e": pa.Column(float, _value_checks(plausibility().region_max_t, plausibility().region_max_reason)),
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
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    *,
    file: str,
    rows: pd.Series | None = None,
    table: str = "",
    raw_columns: pd.Series | None = None,
    value_column: str = "t_co2e",
) -> pd.DataFrame:
    """Validate ``frame``; on failure raise :class:`DataFileError` (one line) naming the file, and the
    row, column, value and broken rule of up to five failures.

    ``rows`` maps the frame's index to the line/row number in the raw file (the parsers' ``_row``);
    ``raw_columns`` maps it to the raw file's column of ``value_column`` (e.g. the year header of a
    wide table), so the message names the column as the file shows it.
    """
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        by_rule: dict[str, list[str]] = {}
        for _, case in cases.iterrows():
            rule = str(case.get("check"))
            if rule not in by_rule and len(by_rule) == 3:
                continue
            examples = by_rule.setdefault(rule, [])
            if len(examples) == 3:
                continue
            idx = case.get("index")
            has_idx = idx is not None and not pd.isna(idx)
            row: object = "?"
            if rows is not None and has_idx and idx in rows.index:
                row = int(rows.loc[idx])
            elif has_idx:
                row = f"(table row {int(idx)})"
            column = case.get("column")
            if raw_columns is not None and column == value_column and has_idx and idx in raw_columns.index:
                column = f"{raw_columns.loc[idx]} ({value_column})"
            examples.append(f"row {row}, column {column!r}: value {case.get('failure_case')!r}")
        shown = sum(len(v) for v in by_rule.values())
        parts = [f"{'; '.join(examples)} (rule: {rule})" for rule, examples in by_rule.items()]
        more = "" if len(cases) <= shown else f"; ... and {len(cases) - shown} more"
        raise DataFileError(
            f"{file}: {len(cases)} value(s) break the schema of table {table!r}: " + "; ".join(parts) + more
        ) from None


def check_against_previous(
    new: pd.DataFrame, old: pd.DataFrame, *, file: str, release: str, previous: str
) -> dict[str, float]:
    """Compare the kommun totals of a release with the previous release of the same gas.

    ``new`` and ``old`` hold the total rows (columns kommun_code, kommun, year, t_co2e; ``new`` also
    ``_row``, its row in ``file``). On the years both carry: every kommun of ``old`` must be in
    ``new``; Sweden's total (the sum of the kommun totals) must lie within
    ``national_max_change`` of ``old``'s, and each kommun's total within a factor
    ``kommun_max_factor`` (``plausibility.toml`` gives the reasons). Raises
    :class:`PlausibilityError` naming file, row and column; returns the largest relative change of
    Sweden's total and the extreme kommun ratios (for the provenance record).
    """
    p = plausibility()
    years = sorted(set(new["year"]) & set(old["year"]))
    if not years:
        return {}
    n = new[new["year"].isin(years)]
    o = old[old["year"].isin(years)]
    missing = sorted(set(o["kommun_code"]) - set(n["kommun_code"]))
    if missing:
        names = o.drop_duplicates("kommun_code").set_index("kommun_code")["kommun"]
        shown = ", ".join(f"{names.get(c, c)} ({c})" for c in missing[:5])
        raise PlausibilityError(
            f"{file}: {len(missing)} kommun(er) of release {previous} missing: {shown}; rule: {p.kommuner_reason}"
        )
    nat_new = n.groupby("year")["t_co2e"].sum()
    nat_old = o.groupby("year")["t_co2e"].sum()
    worst_nat = 0.0
    for year in years:
        if nat_old[year] <= 0:
            continue
        change = nat_new[year] / nat_old[year] - 1
        worst_nat = max(worst_nat, abs(change))
        if abs(change) > p.national_max_change:
            raise PlausibilityError(
                f"{file}: column {str(year)!r}: Sweden's total (the sum of the kommun totals) {nat_new[year]:,.0f} t "
                f"differs by {change:+.1%} from release {previous}'s {nat_old[year]:,.0f} t; rule: {p.national_reason}"
            )
    both = n.merge(o[["kommun_code", "year", "t_co2e"]], on=["kommun_code", "year"], suffixes=("", "_old"))
    ratio = pd.Series(
        [
            (a / b) if b > 0 else (1.0 if a == 0 else math.inf)
            for a, b in zip(both["t_co2e"], both["t_co2e_old"], strict=True)
        ],
        index=both.index,
        dtype=float,
    )
    bad = both[(ratio > p.kommun_max_factor) | (ratio < 1 / p.kommun_max_factor)]
    if len(bad):
        r = bad.iloc[0]
        row = int(r["_row"]) if "_row" in bad and not pd.isna(r["_row"]) else "?"
        raise PlausibilityError(
            f"{file}: row {row}, column {str(r['year'])!r}: {r['kommun']} ({r['kommun_code']}) total "
            f"{r['t_co2e']:,.0f} t is {ratio[bad.index[0]]:.3g} times release {previous}'s {r['t_co2e_old']:,.0f} t"
            f" ({len(bad)} such value(s)); rule: {p.kommun_reason}"
        )
    return {
        "national_max_change": round(float(worst_nat), 6),
        "kommun_ratio_min": round(float(ratio.min()), 6) if len(ratio) else 1.0,
        "kommun_ratio_max": round(float(ratio.max()), 6) if len(ratio) else 1.0,
    }
