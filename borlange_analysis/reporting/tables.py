"""Report tables: typed columns, formatted per language for the page, numbers only in the CSV copy.

A :class:`Table` holds a frame of raw values (numbers, years, booleans, identifiers) and one
:class:`Column` per column saying what it is. The page shows it as a pandas Styler would (the same markup, written
directly) with readable headers from the text catalogues, values formatted by :mod:`borlange_analysis.i18n.fmt`
and a stable id (two builds of the same inputs give the same HTML). The CSV copy has snake_case
headers with a unit suffix (``t_co2e``, ``share_pct``) and numbers only: tonnes to 0.1, shares
and percentages to 4 decimals, years as integers, booleans as ``true``/``false``.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import i18n
from .._io import atomic_write_json, atomic_write_text
from ..i18n import fmt

#: Column kinds and how many decimals their CSV copy keeps.
KINDS = ("text", "label", "year", "tonnes", "number", "percent", "change", "share", "bool", "month", "date", "range")
_CSV_DECIMALS = {"tonnes": 1, "number": 4, "percent": 4, "change": 4, "share": 4}


@dataclass(frozen=True)
class Column:
    """One table column.

    ``id`` is the column's name in the frame; ``label`` the catalogue key of its header (default
    ``col.<id>``); ``unit`` a unit code (``t_co2e``, ``t_co2``, ``pct``, ``ha``, ...) shown in the
    header and used as the CSV suffix; ``kind`` one of :data:`KINDS`: ``label`` cells are ids
    translated through ``label_prefix`` (``sector.`` ...), ``text`` cells are shown as given
    (escaped), ``change`` cells are percentages with their sign ('+284 %'). ``decimals`` applies on the page.
    """

    id: str
    kind: str = "number"
    unit: str = ""
    decimals: int = 0
    label: str = ""
    label_prefix: str = ""
    translate: Callable[[Any, str], str] | None = None
    #: name of a frame column with the text to show instead of this column's value (the CSV
    #: copy keeps the value): for rows whose values have different units or formats
    display: str = ""

    def header(self, language: str) -> str:
        text = i18n.t(self.label or f"col.{self.id}", language)
        if self.unit:
            text += f" ({i18n.t(f'unit.{self.unit}', language)})"
        return text

    def csv_name(self) -> str:
        """snake_case with the unit as suffix, once: 'remaining_budget_t' in t CO2 ->
        'remaining_budget_t_co2', 'central_t_co2' in t CO2 a year -> 'central_t_co2_per_yr'."""
        if not self.unit or self.id.endswith(self.unit):
            return self.id
        base = self.id
        if self.unit.startswith("t_"):
            for suffix in ("_t_co2e", "_t_co2", "_t"):
                if base.endswith(suffix):
                    base = base[: -len(suffix)]
                    break
        return f"{base}_{self.unit}"

    def cell(self, value: Any, language: str) -> str:
        if fmt.is_missing(value):
            return fmt.MISSING
        k = self.kind
        if k == "year":
            return fmt.year(value)
        if k in ("tonnes", "number"):
            return fmt.number(value, language, self.decimals)
        if k == "percent":
            return fmt.percent(value, language, self.decimals)
        if k == "change":  # a change or rate, with its sign: '+284 %', '−21 %'
            return fmt.signed_percent(value, language, self.decimals)
        if k == "share":  # '19 %', '0,4 %', '< 0,1 %': a share that is something never reads as 0 %
            return fmt.share(value, language, self.decimals)
        if k == "bool":
            return fmt.boolean(value, language)
        if k == "month":
            return fmt.month_year(value, language)
        if k == "date":
            return fmt.full_date(value, language)
        if self.translate is not None:
            return self.translate(value, language)
        if k == "label":
            return i18n.t(f"{self.label_prefix}{value}", language)
        return str(value)

    def csv_value(self, value: Any) -> Any:
        if fmt.is_missing(value):
            return None
        k = self.kind
        if k == "year":
            return int(round(float(value)))
        if k in _CSV_DECIMALS:
            return round(float(value), _CSV_DECIMALS[k])
        if k == "bool":
            return "true" if bool(value) else "false"
        if k in ("month", "date"):
            if isinstance(value, str) and value.startswith("+"):
                return value  # ISO 8601's expanded form for a date after 9999, kept as it is
            d = fmt.to_date(value)
            return d.isoformat() if d else None
        return value


@dataclass
class Table:
    """A table of one report: ``name`` (file name of the CSV copy), its frame and columns, and the
    catalogue key of the sentence shown instead when it has no rows."""

    name: str
    frame: pd.DataFrame
    columns: Sequence[Column]
    source: str = ""
    empty: str = "table.empty"
    empty_fields: dict[str, Any] = field(default_factory=dict)
    note: str = ""

    def __post_init__(self) -> None:
        missing = [c.id for c in self.columns if c.id not in self.frame.columns]
        missing += [c.display for c in self.columns if c.display and c.display not in self.frame.columns]
        if missing:
            raise KeyError(f"table {self.name!r}: the frame has no columns {missing}")
        for c in self.columns:
            if c.kind not in KINDS:
                raise ValueError(f"table {self.name!r}, column {c.id!r}: unknown kind {c.kind!r}; use one of {KINDS}")

    @property
    def is_empty(self) -> bool:
        return self.frame.empty

    def csv_frame(self) -> pd.DataFrame:
        """The CSV copy: snake_case headers with unit suffixes, numbers only in numeric columns."""
        out = pd.DataFrame({c.csv_name(): [c.csv_value(v) for v in self.frame[c.id]] for c in self.columns})
        return out

    def csv_text(self) -> str:
        buf = io.StringIO()
        self.csv_frame().to_csv(buf, index=False, lineterminator="\n")
        return buf.getvalue()

    def columns_metadata(self) -> dict[str, dict[str, str]]:
        """Per CSV column: what it holds (English header), its unit and kind."""
        return {
            c.csv_name(): {
                "label": c.header("en"),
                "unit": i18n.t(f"unit.{c.unit}", "en") if c.unit else "",
                "kind": c.kind,
            }
            for c in self.columns
        }

    def write_csv(self, folder: Path, metadata: dict[str, Any] | None = None) -> Path:
        """Write ``<name>.csv`` and, with ``metadata``, its sidecar ``<name>.csv.meta.json`` (release,
        gas basis, analysis year, package version, data checksum, columns with units)."""
        path = atomic_write_text(folder / f"{self.name}.csv", self.csv_text())
        if metadata is not None:
            atomic_write_json(
                folder / f"{self.name}.csv.meta.json",
                {
                    **metadata,
                    "table": self.name,
                    "source": self.source,
                    "columns": self.columns_metadata(),
                },
            )
        return path

    def html(self, language: str) -> str:
        """The table as HTML, with a stable id ``T_<name>`` and every cell escaped (the markup of a
        pandas Styler, see :func:`styler_markup`)."""
        if self.is_empty:
            return f'<p class="empty">{html.escape(i18n.t(self.empty, language, **self.empty_fields))}</p>'
        cells = [
            self.frame[c.display].astype(str).tolist() if c.display else [c.cell(v, language) for v in self.frame[c.id]]
            for c in self.columns
        ]
        numeric = [c.kind in ("tonnes", "number", "percent", "change", "share", "year") for c in self.columns]
        return styler_markup(self.name, [c.header(language) for c in self.columns], cells, numeric)


def styler_markup(uuid: str, headers: Sequence[str], columns: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    """A table exactly as pandas' Styler writes it with ``hide(axis="index")``, ``format(escape=
    "html")``, ``relabel_index(headers)``, ``set_td_classes`` ("num" on ``numeric`` columns),
    ``set_uuid(uuid)`` and ``to_html(table_attributes='class="report-table"')`` (cells escaped with
    markupsafe, headers as given), written directly: the Styler's template costs ~10 ms a table and
    a national run shows tens of thousands. tests/unit/test_tables_markup.py holds the two equal."""
    from markupsafe import escape

    rows = len(columns[0]) if columns else 0
    out = [f'<style type="text/css">\n</style>\n<table id="T_{uuid}" class="report-table">\n  <thead>\n    <tr>\n']
    for j, head in enumerate(headers):
        out.append(f'      <th id="T_{uuid}_level0_col{j}" class="col_heading level0 col{j}" >{head}</th>\n')
    out.append("    </tr>\n  </thead>\n  <tbody>\n")
    for i in range(rows):
        out.append("    <tr>\n")
        for j, col in enumerate(columns):
            extra = " num" if numeric[j] else ""
            out.append(
                f'      <td id="T_{uuid}_row{i}_col{j}" class="data row{i} col{j}{extra}" >{escape(col[i])}</td>\n'
            )
        out.append("    </tr>\n")
    out.append("  </tbody>\n</table>\n")
    return "".join(out)
