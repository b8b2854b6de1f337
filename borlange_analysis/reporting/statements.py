"""Sentences built from the numbers they describe, in the page's language.

Every function takes the numbers of one row (computed under the page's parameters) and returns a
sentence from the text catalogues; the numbers in the sentence are formatted by
:mod:`borlange_analysis.i18n.fmt`, so a sentence always equals the row it describes. "Never",
"after 2100" and "exhausted" are answers too.
"""

from __future__ import annotations

import math
from typing import Any

from .. import i18n
from ..i18n import fmt

#: Net-zero dates after this year are printed as "after 2100".
LAST_PRINTED_YEAR = 2100


def _t(key: str, language: str, **fields: Any) -> str:
    return i18n.t(f"statement.{key}", language, **fields)


def change(*, base_year: int, base_value: float, year: int, value: float, language: str) -> str:
    """'Utsläppen har minskat med 21 % sedan 1990 (…)' from the two values it compares."""
    if fmt.is_missing(base_value) or fmt.is_missing(value) or base_value == 0:
        return _t("change_missing", language, base_year=base_year)
    pct = 100 * (value - base_value) / base_value
    fields = {
        "base_year": base_year,
        "year": year,
        "base": fmt.number(base_value, language),
        "value": fmt.number(value, language),
        "pct": fmt.percent(abs(pct), language),
    }
    if abs(pct) < 0.5:
        return _t("change_flat", language, **fields)
    return _t("change_down" if pct < 0 else "change_up", language, **fields)


def carbon_law(
    *,
    subject: str,
    on_track: bool,
    total_trend: float,
    total_law: float,
    current_year: int,
    end_year: int,
    language: str,
) -> str:
    """Whether the trend's emissions from the analysis year to ``end_year`` fit within the Carbon
    Law pathway's (the same sums decide ``on_track``)."""
    ratio = total_trend / total_law if total_law else math.inf
    fields = {
        "subject": subject,
        "trend": fmt.number(total_trend, language),
        "law": fmt.number(total_law, language),
        "current_year": current_year,
        "end_year": end_year,
        "ratio": fmt.number(ratio, language, 1),
    }
    return _t("carbon_law_on" if on_track else "carbon_law_off", language, **fields)


def net_zero_text(value: Any, language: str) -> str:
    """A net-zero date for a table cell: 'februari 2067', 'efter 2100' or 'aldrig'."""
    if fmt.is_missing(value):
        return i18n.t("value.never", language)
    d = fmt.to_date(value)
    if d is None:
        return i18n.t("value.never", language)
    if d.year > LAST_PRINTED_YEAR:
        return i18n.t("value.after_2100", language)
    return fmt.month_year(d, language)


def net_zero(*, value: Any, first_year: int, language: str) -> str:
    """When the trend line reaches zero, or 'after 2100', or never."""
    if fmt.is_missing(value):
        return _t("net_zero_never", language, first_year=first_year)
    d = fmt.to_date(value)
    if d is None:
        return _t("net_zero_never", language, first_year=first_year)
    if d.year > LAST_PRINTED_YEAR:
        return _t("net_zero_after_2100", language, first_year=first_year)
    return _t("net_zero_year", language, first_year=first_year, date=fmt.month_year(d, language))
