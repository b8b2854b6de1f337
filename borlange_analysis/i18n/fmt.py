"""Numbers, years, percentages, dates, booleans, ranges and units in Swedish or English.

Follows the project's glossary (``GLOSSARY.md`` of the shared notes): Swedish "423 796 t",
"21,4", "91 %", "februari 2029", "ja/nej"; English "423,796 t", "21.4", "91%", "February 2029",
"yes/no". Years are never grouped ("2024"). Negative numbers take the minus sign U+2212.
Missing values (None, NaN) print as "–". Built on :mod:`babel`.
"""

from __future__ import annotations

import datetime as _dt
import math
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

from . import check_language, t

MISSING = "–"
MINUS = "\u2212"
NBSP = "\u00a0"
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


@lru_cache(maxsize=16)
def _pattern(decimals: int) -> NumberPattern:
    """The parsed number pattern with ``decimals`` decimals: what :func:`babel.numbers.format_decimal`
    parses on every call, parsed once (charts format thousands of tick labels)."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals > 0 else ""))


@lru_cache(maxsize=4)
def _locale(language: str) -> Locale:
    return Locale.parse(_LOCALES[language])


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas NA and empty strings."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(math.isnan(value))
    except (TypeError, ValueError):
        try:
            import pandas as pd

            return bool(pd.isna(value))
        except (TypeError, ValueError):
            return False


def number(value: Any, language: str, decimals: int = 0) -> str:
    """A number with the language's grouping and decimal marks ('423 796', '21,4' / '423,796', '21.4')."""
    check_language(language)
    if is_missing(value):
        return MISSING
    v = float(value)
    if not math.isfinite(v):
        return "∞" if v > 0 else MINUS + "∞"
    text = _pattern(decimals).apply(abs(v), _locale(language), decimal_quantization=True, group_separator=True)
    rounded_zero = round(abs(v), decimals) == 0
    return (MINUS if v < 0 and not rounded_zero else "") + text


def signed(value: Any, language: str, decimals: int = 0) -> str:
    """A number with an explicit sign ('+1 200', '−3,5')."""
    if is_missing(value):
        return MISSING
    text = number(value, language, decimals)
    return ("+" + text) if float(value) > 0 and text != number(0, language, decimals) else text


def compact(value: Any, language: str, max_decimals: int = 3) -> str:
    """A parameter value with as many decimals as it has, at most ``max_decimals`` ('0,51', '130', '4,5')."""
    if is_missing(value):
        return MISSING
    v = float(value)
    for d in range(max_decimals + 1):
        if abs(round(v, d) - v) < 1e-9 * max(1.0, abs(v)):
            return number(v, language, d)
    return number(v, language, max_decimals)


def signed_percent(value: Any, language: str, decimals: int = 0) -> str:
    """A percentage with an explicit sign ('+10 %', '−10 %' / '+10%', '−10%')."""
    if is_missing(value):
        return MISSING
    text = percent(value, language, decimals)
    return ("+" + text) if float(value) > 0 else text


def tonnes(value: Any, language: str, unit: str = "t", decimals: int = 0) -> str:
    """'423 796 t' / '423,796 t' (``unit`` e.g. 't CO2e')."""
    if is_missing(value):
        return MISSING
    return f"{number(value, language, decimals)}{NBSP}{unit}"


def percent(value: Any, language: str, decimals: int = 0, *, share: bool = False) -> str:
    """'91 %' / '91%'. ``value`` is in percent, or a share (0-1) when ``share``."""
    if is_missing(value):
        return MISSING
    v = float(value) * (100 if share else 1)
    text = number(v, language, decimals)
    return f"{text}{NBSP}%" if language == "sv" else f"{text}%"


def share(value: Any, language: str, decimals: int = 0) -> str:
    """A share (0-1) as a percentage that never reads as nothing when it is something: ``decimals``
    decimals ('19 %'), one more below one unit of the last decimal ('0,4 %', '0,7 %'), and '< 0,1 %'
    below that; '0 %' only for nothing (a negative share keeps its sign)."""
    if is_missing(value):
        return MISSING
    v = float(value)
    if v == 0 or not math.isfinite(v) or abs(v) * 100 >= 10.0**-decimals:
        return percent(v, language, decimals, share=True)
    finer = decimals + 1
    text = percent(v, language, finer, share=True)
    if text != percent(0, language, finer):
        return text
    bound = percent(10.0**-finer * (1 if v > 0 else -1), language, finer)
    sign = "<" if v > 0 else ">"
    return f"{sign}{NBSP}{bound}" if language == "sv" else f"{sign}{bound}"


def year(value: Any) -> str:
    """A year as written: '2024' (never grouped, never '2024,0')."""
    if is_missing(value):
        return MISSING
    return str(int(round(float(value))))


def to_date(value: Any) -> _dt.date | None:
    """A date from a ``date``, an ISO string ('2029-02-12') or a fractional year (2029.12).

    A date after 9999-12-31 (ISO 8601's expanded form '+40705-03-01', or a fractional year from
    10000 on: a trend that barely falls reaches zero millennia from now) cannot be a Python date and
    becomes ``date.max``; the pages print any date after 2100 as 'efter 2100' / 'after 2100'."""
    if is_missing(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        return _dt.date.max if value.startswith("+") else _dt.date.fromisoformat(value[:10])
    v = float(value)
    if not math.isfinite(v):
        return None
    y = int(math.floor(v))
    if y > _dt.date.max.year:
        return _dt.date.max
    start = _dt.date(y, 1, 1)
    days = (_dt.date(y + 1, 1, 1) - start).days
    return start + _dt.timedelta(days=int(math.floor((v - y) * days)))


def month_year(value: Any, language: str) -> str:
    """'februari 2029' / 'February 2029' (a date, ISO string or fractional year)."""
    d = to_date(value)
    if d is None:
        return MISSING
    return format_date(d, "MMMM y", locale=_LOCALES[check_language(language)])


def full_date(value: Any, language: str) -> str:
    """'12 februari 2067' / '12 February 2067'."""
    d = to_date(value)
    if d is None:
        return MISSING
    return format_date(d, "d MMMM y", locale=_LOCALES[check_language(language)])


def boolean(value: Any, language: str) -> str:
    """'ja'/'nej' or 'yes'/'no' (never True/False)."""
    if is_missing(value):
        return MISSING
    return t("value.yes" if bool(value) else "value.no", language)


def number_range(low: Any, high: Any, language: str, unit: str = "", decimals: int = 0) -> str:
    """'24 000–90 000 t' / '24,000–90,000 t' (an en dash between, the unit once)."""
    if is_missing(low) or is_missing(high):
        return MISSING
    text = f"{number(low, language, decimals)}–{number(high, language, decimals)}"
    return f"{text}{NBSP}{unit}" if unit else text


def timestamp(value: _dt.datetime, language: str) -> str:
    """A build time: '30 november 2026 kl. 14.05 UTC' / '30 November 2026, 14:05 UTC'."""
    d = full_date(value.date(), language)
    if language == "sv":
        return f"{d} kl. {value:%H.%M} UTC"
    return f"{d}, {value:%H:%M} UTC"
