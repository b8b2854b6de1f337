"""The national page: every kommun present in the site at a glance, in one sortable table, and
``national_summary.csv`` with the same numbers.

The numbers are the indicators of :func:`borlange_analysis.analysis.indicators.build_indicators`
(the ``indicators`` command, with the scenario columns of the portfolio ``auto``), taken as they
are: nothing is computed again here. Each kommun present in the public site is shown with its newest
release present and the analysis year its reports were built for (one indicators table per release
and year). The table is written as ``<root>/national_summary.csv`` with a metadata sidecar
(``national_summary.csv.meta.json``, as the ``indicators`` command writes it); a later run whose
inputs did not change (the same kommuner, releases and years, data, code, measures files and
confidential partners) reads it back instead of computing it again.

The page shows it as a table whose columns sort when their header is clicked (a short inline script,
no external resources; without scripts the table stays in kommun order), with every value formatted
for the page's language by :mod:`borlange_analysis.i18n.fmt`.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__, config, i18n
from ..errors import fold
from ..i18n import fmt
from ..names import SECTOR_TOTAL
from . import publish

CSV_NAME = "national_summary.csv"
#: The scenario columns (the 2030 gap) come from this portfolio of measures: the generic measures
#: plus each kommun's own, measures of confidential partners left out (as on the overview page).
PORTFOLIO = "auto"
#: The indicators columns the page and the CSV carry (in this order), by their indicators names.
COLUMNS = (
    "kommun_code",
    "kommun",
    "lan_code",
    "lan",
    "release",
    "gas",
    "unit",
    "current_year",
    "last_year",
    "last_value",
    "per_capita_t",
    "trend_slope",
    "on_track",
    "budget_status",
    "budget_runs_out",
    "budget_runs_out_year",
    "budget_gas",
    "budget_release",
    "existing_sink_lulucf_area_share_t_co2",
    "existing_sink_lulucf_area_share_year",
    "scenario_portfolio",
    "scenario_year",
    "scenario_neutrality_gap_year_t_co2e",
)
#: Sort value of a budget that holds to the end year / is exhausted (the table sorts by date).
_HOLDS, _EXHAUSTED = 99999.0, 0.0


@dataclass(frozen=True)
class Present:
    """A kommun present in the site: its newest release, the languages of that release and the
    analysis year its reports were built for."""

    kommun: str
    release: str
    languages: tuple[str, ...]
    current_year: int


def present(sets: Iterable[Path]) -> list[Present]:
    """The kommuner of the site's sets (``<root>/<kommun>/<release>/<language>``), each with its
    newest release (:func:`borlange_analysis.runner.site.release_rank`)."""
    from .site import release_rank

    tree: dict[str, dict[str, list[Path]]] = {}
    for folder in sets:
        tree.setdefault(folder.parent.parent.name, {}).setdefault(folder.parent.name, []).append(folder)
    out = []
    for kommun in sorted(tree, key=fold):
        release = max(tree[kommun], key=release_rank)
        folders = sorted(tree[kommun][release], key=lambda f: i18n.LANGUAGES.index(f.name))
        year = _analysis_year(folders)
        if year is None:
            continue
        out.append(Present(kommun, release, tuple(f.name for f in folders), year))
    return out


def _analysis_year(folders: Sequence[Path]) -> int | None:
    """The analysis year of a release's sets: the overview's, else any built report's (the
    default language first)."""
    records = [r for f in folders for r in publish.read_records(f) if r.get("status") == "built"]
    records.sort(key=lambda r: (r.get("notebook") != "overview", r.get("language") != config.DEFAULT_LANGUAGE))
    for r in records:
        if r.get("current_year"):
            return int(r["current_year"])
    return None


def inputs_key(kommuner: Sequence[Present]) -> str:
    """What the table depends on: the kommuner with their releases and years, the processed data,
    the analysis code and texts, the package version, the users' measures files and which partners
    are confidential (their measures are left out)."""
    from .. import data
    from ..partners import partners
    from .plan import kernel_fingerprint

    h = hashlib.sha256()
    measures = config.measures_data_dir()
    files = sorted(p for p in measures.rglob("*") if p.is_file()) if measures.is_dir() else []
    payload = {
        "kommuner": [[k.kommun, k.release, k.current_year] for k in kommuner],
        "data": data.data_fingerprint(),
        "code": kernel_fingerprint(),
        "version": __version__,
        "portfolio": PORTFOLIO,
        "measures_files": [p.relative_to(measures).as_posix() for p in files],
        "confidential": sorted(p["id"] for p in partners() if p["confidential"]),
    }
    h.update(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())
    for p in files:
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def compute(kommuner: Sequence[Present]) -> Any:
    """The indicators of the kommuner present (:data:`COLUMNS`), one indicators table per release
    and analysis year, in kommun order."""
    import pandas as pd

    from .. import data
    from ..analysis.indicators import build_indicators

    res = data.resolver()
    groups: dict[tuple[str, int], list[str]] = {}
    for k in kommuner:
        groups.setdefault((k.release, k.current_year), []).append(str(res.code(k.kommun)))
    parts = []
    for (release, year), codes in groups.items():
        tab = build_indicators(release=release, current_year=year, kommun=codes, portfolio=PORTFOLIO)
        parts.append(tab.loc[tab["sector"] == SECTOR_TOTAL, list(COLUMNS)])
    frame = pd.concat(parts, ignore_index=True)
    return frame.sort_values("kommun_code", kind="stable").reset_index(drop=True)


def metadata(kommuner: Sequence[Present], key: str) -> dict[str, Any]:
    from ..analysis.indicators import indicators_metadata

    return indicators_metadata(
        command="reports (national page)",
        source="borlange_analysis.analysis.indicators.build_indicators",
        portfolio=PORTFOLIO,
        sector="Alla",
        kommuner=len(kommuner),
        releases=sorted({k.release for k in kommuner}),
        current_years=sorted({k.current_year for k in kommuner}),
        inputs_key=key,
        method="docs/data-dictionary.md (every column as in the indicators table)",
    )


def read(root: Path) -> Any:
    """``national_summary.csv`` as a frame (codes as text), or None when absent or unreadable."""
    import pandas as pd

    path = Path(root) / CSV_NAME
    if not path.is_file():
        return None
    try:
        return pd.read_csv(path, dtype={"kommun_code": str, "lan_code": str, "release": str})
    except (OSError, ValueError):
        return None


def _stored_key(root: Path) -> str | None:
    from ..analysis.indicators import read_metadata

    try:
        meta = read_metadata(Path(root) / CSV_NAME)
    except (OSError, ValueError):
        return None
    return meta.get("inputs_key") if meta else None


def refresh(root: Path, sets: Iterable[Path]) -> tuple[Any, list[Present]]:
    """Bring ``national_summary.csv`` up to date with the kommuner present (compute it only when
    its inputs changed) and return it with the kommuner; without kommuner the file is removed."""
    from ..analysis.indicators import sidecar_path, write_indicators

    root = Path(root)
    kommuner = present(sets)
    path = root / CSV_NAME
    if not kommuner:
        path.unlink(missing_ok=True)
        sidecar_path(path).unlink(missing_ok=True)
        return None, []
    key = inputs_key(kommuner)
    if _stored_key(root) == key:
        frame = read(root)
        if frame is not None and len(frame) == len(kommuner):
            return frame, kommuner
    frame = compute(kommuner)
    write_indicators(frame, path, "csv", metadata=metadata(kommuner, key))
    return frame, kommuner


# --- the page ---------------------------------------------------------------------------------------


#: Swedish alphabetical order puts å, ä and ö after z (as the page's script sorts with the language).
_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def collation_key(text: str, language: str) -> str:
    """A sort key in the language's alphabetical order: Swedish with å, ä, ö last, English
    without regard to accents."""
    if language == "sv":
        return fold(str(text).casefold().translate(_SWEDISH_LAST))
    return fold(text)


def _num(value: Any) -> float | None:
    if fmt.is_missing(value):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _sort_value(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _runs_out(row: Any, language: str) -> tuple[str, float | None]:
    status = str(row["budget_status"]) if not fmt.is_missing(row["budget_status"]) else ""
    if status == "holds":
        return i18n.t("value.holds", language), _HOLDS
    if status == "exhausted":
        return i18n.t("value.exhausted", language), _EXHAUSTED
    if status == "runs_out":
        return fmt.month_year(row["budget_runs_out"], language), _num(row["budget_runs_out_year"])
    return fmt.MISSING, None


def _link(kommun: str, languages: Sequence[str], language: str) -> str:
    parts = [kommun, "latest", *([language] if language in languages else []), "index.html"]
    return "/".join(quote(p) for p in parts)


def _header(key: str, language: str, *, kind: str, unit: str = "", **fields: Any) -> str:
    text = html.escape(i18n.t(f"national.col.{key}", language, **fields))
    if unit:
        text += f' <span class="unit">({html.escape(i18n.t(f"unit.{unit}", language))})</span>'
    return (
        f'<th scope="col" data-kind="{kind}"><button type="button" class="sort">{text}'
        '<span class="arrow" aria-hidden="true"></span></button></th>'
    )


def table_html(frame: Any, kommuner: Sequence[Present], language: str) -> str:
    """The sortable table of the national page (or the sentence that says there is none)."""
    if frame is None or len(frame) == 0:
        return f'<p class="empty">{html.escape(i18n.t("national.empty", language))}</p>\n'
    langs = {k.kommun: k.languages for k in kommuner}
    order = sorted(range(len(frame)), key=lambda i: collation_key(str(frame["kommun"].iloc[i]), language))
    frame = frame.iloc[order]
    years = sorted({int(y) for y in frame["scenario_year"].dropna()})
    gap_key = "gap_year" if len(years) == 1 else "gap"
    heads = [
        _header("kommun", language, kind="text"),
        _header("lan", language, kind="text"),
        _header("last_year", language, kind="number"),
        _header("emissions", language, kind="number", unit="t_co2e"),
        _header("per_capita", language, kind="number", unit="t_co2e_per_capita"),
        _header("trend", language, kind="number", unit="t_co2e_per_yr"),
        _header("on_track", language, kind="text"),
        _header("runs_out", language, kind="number"),
        _header("sink", language, kind="number", unit="t_co2_per_yr"),
        _header(gap_key, language, kind="number", unit="t_co2e_per_yr", year=years[0] if years else ""),
    ]
    rows = []
    for _, r in frame.iterrows():
        kommun = str(r["kommun"])
        runs_out, runs_out_value = _runs_out(r, language)
        on_track = None if fmt.is_missing(r["on_track"]) else bool(r["on_track"])
        cells = [
            (
                f'<a href="{html.escape(_link(kommun, langs.get(kommun, ()), language))}">{html.escape(kommun)}</a>',
                kommun,
                "",
            ),
            (html.escape(str(r["lan"])), str(r["lan"]), ""),
            (html.escape(fmt.year(r["last_year"])), _sort_value(_num(r["last_year"])), "num"),
            (html.escape(fmt.number(r["last_value"], language)), _sort_value(_num(r["last_value"])), "num"),
            (html.escape(fmt.number(r["per_capita_t"], language, 1)), _sort_value(_num(r["per_capita_t"])), "num"),
            (html.escape(fmt.number(r["trend_slope"], language)), _sort_value(_num(r["trend_slope"])), "num"),
            (html.escape(fmt.boolean(on_track, language)), "" if on_track is None else str(int(on_track)), ""),
            (html.escape(runs_out), _sort_value(runs_out_value), ""),
            (
                html.escape(fmt.number(r["existing_sink_lulucf_area_share_t_co2"], language)),
                _sort_value(_num(r["existing_sink_lulucf_area_share_t_co2"])),
                "num",
            ),
            (
                html.escape(fmt.number(r["scenario_neutrality_gap_year_t_co2e"], language)),
                _sort_value(_num(r["scenario_neutrality_gap_year_t_co2e"])),
                "num",
            ),
        ]
        tds = "".join(
            f'<td{f" class={chr(34)}{cls}{chr(34)}" if cls else ""} data-value="{html.escape(value)}">{shown}</td>'
            for shown, value, cls in cells
        )
        rows.append(f"<tr>{tds}</tr>\n")
    key = "national.caption_one" if len(frame) == 1 else "national.caption"
    caption = html.escape(i18n.t(key, language, n=fmt.number(len(frame), language)))
    note = i18n.t(
        "national.note",
        language,
        releases=", ".join(sorted({str(x) for x in frame["release"]})),
        budget_release=", ".join(sorted({str(x) for x in frame["budget_release"].dropna()})),
        years=", ".join(fmt.year(y) for y in sorted({int(y) for y in frame["current_year"]})),
    )
    csv_link = html.escape(i18n.t("national.csv_link", language))
    return (
        f'<div class="table-wrap"><table class="report-table sortable" id="national-table">\n'
        f"<caption>{caption}</caption>\n<thead><tr>{''.join(heads)}</tr></thead>\n<tbody>\n{''.join(rows)}</tbody>\n"
        f'</table></div>\n<p class="table-note">{html.escape(note)}</p>\n'
        f'<p class="table-meta"><a href="{CSV_NAME}">{csv_link}</a></p>\n'
        f"<script>{SORT_SCRIPT}</script>\n"
    )


#: Sorting by a click on a column header: numbers by their value (``data-value``), texts in the
#: page language's alphabetical order; empty values last; a second click reverses the order.
SORT_SCRIPT = """
(function () {
  var table = document.getElementById("national-table");
  if (!table) { return; }
  var lang = document.documentElement.lang || "sv";
  var heads = table.tHead.rows[0].cells;
  function key(row, i, kind) {
    var v = row.cells[i].getAttribute("data-value");
    if (v === null || v === "") { return null; }
    return kind === "number" ? parseFloat(v) : v;
  }
  function sortBy(i) {
    var th = heads[i], kind = th.getAttribute("data-kind");
    var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
    var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, i, kind), y = key(b, i, kind);
      if (x === null || y === null) { return (x === null) - (y === null); }
      var c = kind === "number" ? x - y : x.localeCompare(y, lang);
      return c * dir;
    });
    for (var j = 0; j < rows.length; j++) { body.appendChild(rows[j]); }
    for (var k = 0; k < heads.length; k++) { heads[k].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
  }
  for (var i = 0; i < heads.length; i++) {
    (function (i) { heads[i].querySelector("button").addEventListener("click", function () { sortBy(i); }); })(i);
  }
  heads[0].setAttribute("aria-sort", "ascending");
})();
"""

#: The table's own style (added to the site's style sheet on the national page).
CSS = """
body main { max-width: 84em; }
table.sortable { font-size: .85em; }
table.sortable td { white-space: nowrap; }
table.sortable th { padding: 0; }
table.sortable th .unit { display: block; font-weight: normal; color: var(--muted); }
table.sortable th button.sort { all: unset; cursor: pointer; display: block; padding: .35em .6em; }
table.sortable th button.sort:focus-visible { outline: 2px solid var(--accent); }
table.sortable th[aria-sort="ascending"] .arrow::after { content: " ▲"; }
table.sortable th[aria-sort="descending"] .arrow::after { content: " ▼"; }
table.sortable caption { text-align: left; color: var(--muted); font-size: .85em; padding-bottom: .3em; }
"""
