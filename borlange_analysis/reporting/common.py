"""What several pages share: the kernel's cached tables, the page skeleton and the provenance table.

Tables are loaded once per kernel (the report runner keeps kernels warm between reports), so a
second page for the same release costs no loading. What is computed for all 290 kommuner at once
anyway is computed once per kernel and each page takes its kommun's rows: the indicators, the
carbon budget (shared among all 290, so :func:`budget.budget_status` computes every kommun's), the
progress on the targets and the scenario baseline (each kommun's fit is its own, so its rows are
exactly those of a computation for it alone). A kernel lives for one run, on one set of data.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from .. import __version__, config, data, i18n
from ..analysis import budget
from ..analysis import indicators as ind
from ..analysis import scenario as sc
from ..analysis.targets import target_progress as _target_progress
from ..i18n import fmt
from ..names import SECTOR_TOTAL
from ..params import Checked
from .page import Page
from .tables import Column, Table


@lru_cache(maxsize=8)
def _indicators(release: str, current_year: int) -> pd.DataFrame:
    return ind.build_indicators(release=release, current_year=current_year, per_sector=True)


def indicators(p: Checked) -> pd.DataFrame:
    """Every indicator of every kommun and sector for the page's release and analysis year."""
    return _indicators(p.release, p.current_year)


def indicator_row(p: Checked, sector: str = SECTOR_TOTAL) -> pd.Series:
    """The indicators of the page's kommun (total, or one sector)."""
    tab = indicators(p)
    hit = tab[(tab["kommun_code"] == p.kommun_code) & (tab["sector"] == sector)]
    if hit.empty:
        raise KeyError(f"no indicators for {p.kommun} / {sector} in release {p.release}")
    return hit.iloc[0]


@lru_cache(maxsize=16)
def _budget_all(
    method: str, preset_name: str | None, regime: str, weight: float, current_year: int | None
) -> pd.DataFrame:
    return budget.budget_status(
        None, method=method, preset_name=preset_name, regime=regime, weight=weight, current_year=current_year
    )


def budget_status(
    kommun_code: str,
    *,
    method: str = budget.DEFAULT_METHOD,
    preset_name: str | None = None,
    regime: str = "grandfathering",
    weight: float = 0.5,
    exclude: dict[str, list[str]] | None = None,
    current_year: int | None = None,
) -> pd.DataFrame:
    """:func:`borlange_analysis.analysis.budget.budget_status` of one kommun (its rows, index from
    0). Without exclusions the status of all 290 is computed once per kernel and sliced (it is the
    same computation: the budget is always shared among all 290); with point sources excluded (which
    changes every kommun's share) it is computed for the page."""
    if exclude:
        return budget.budget_status(
            kommun_code,
            method=method,
            preset_name=preset_name,
            regime=regime,
            weight=weight,
            exclude=exclude,
            current_year=current_year,
        )
    every = _budget_all(method, preset_name, regime, float(weight), current_year)
    return every[every["kommun_code"] == kommun_code].reset_index(drop=True)


@lru_cache(maxsize=8)
def _targets_all(release: str, current_year: int) -> pd.DataFrame:
    return _target_progress(data.load_emissions(None, release=release, level="sector"), current_year=current_year)


def target_progress(p: Checked) -> pd.DataFrame:
    """:func:`borlange_analysis.analysis.targets.target_progress` of the page's kommun on its
    release's sector emissions (:func:`kommun_target_progress`)."""
    return kommun_target_progress(p.kommun_code, p.release, p.current_year)


def kommun_target_progress(kommun_code: str, release: str, current_year: int) -> pd.DataFrame:
    """The target progress of one kommun: the rows of a computation for all kommuner (once per
    kernel; each kommun's trend fit is its own, so the rows are those of one for it alone)."""
    every = _targets_all(release, current_year)
    return every[every["kommun_code"] == kommun_code].reset_index(drop=True)


@lru_cache(maxsize=4)
def _baseline_all(release: str, current_year: int) -> sc.Baseline:
    return sc.load_baseline(None, release=release, current_year=current_year)


def scenario_baseline(kommun_code: str, release: str, current_year: int) -> sc.Baseline:
    """The scenario baseline of one kommun, taken from that of all 290 (computed once per kernel;
    :meth:`borlange_analysis.analysis.scenario.Baseline.select`)."""
    return _baseline_all(release, current_year).select([kommun_code])


def sector_emissions(p: Checked, kommun: str | None = None) -> pd.DataFrame:
    """Sector emissions of the kommun (t CO2e/yr, the page's release)."""
    return data.load_emissions(kommun or p.kommun_code, release=p.release, level="sector")


def total_emissions(p: Checked, kommun: str | None = None) -> pd.DataFrame:
    """Total emissions of the kommun (t CO2e/yr, the page's release)."""
    return data.load_emissions(kommun or p.kommun_code, release=p.release, level="total")


def new_page(p: Checked, name: str, **fields: Any) -> Page:
    """A page with its title and the subtitle that says what the data are."""
    page = Page(p=p, name=name)
    last = p.release_last_year
    page.title = page.t("title", **{**page.fields(), **fields})
    page.subtitle = i18n.t(
        "page.subtitle_co2" if p.gas == "CO2" else "page.subtitle",
        p.language,
        release=p.release,
        last_year=fmt.year(last),
        current_year=p.current_year,
        version=__version__,
    )
    page.provenance = provenance_table(p)
    return page


def _publisher(row: pd.Series, language: str) -> str:
    source = str(row["source"])
    base = "smhi_latest" if source.startswith("smhi_latest") else source
    return i18n.t_or(f"source.{base}", language, str(row["publisher"]))


def provenance_table(p: Checked) -> Table:
    """Every input the processed tables came from: publisher, release, retrieved, sha256."""
    prov = data.provenance()
    frame = pd.DataFrame(
        {
            "source": prov["source"],
            "publisher": [_publisher(r, p.language) for _, r in prov.iterrows()],
            "release": prov["release"].astype(str),
            "retrieved": [fmt.to_date(v) for v in prov["retrieved_at"]],
            "sha256": prov["sha256"],
            "sha256_short": [str(s)[:16] + "…" for s in prov["sha256"]],
            "licence": prov["licence"],
        }
    )
    return Table(
        "provenance",
        frame,
        [
            Column("publisher", "text"),
            Column("release", "text"),
            Column("retrieved", "date"),
            Column("sha256", "text", display="sha256_short"),
        ],
        source=i18n.t("page.provenance_note", p.language, version=__version__),
    )


def number_or_none(value: Any) -> float | None:
    """A number for JSON (summary.json, key figures): None for a missing value."""
    return None if fmt.is_missing(value) else float(value)


def trend_figures(row: pd.Series) -> dict[str, Any]:
    """The trend figures of one indicators row (total or sector) for summary.json: last year and
    value, change since 1990 and 2005, slope, estimate, the trend's and the Carbon Law's sums, on
    track, net zero and per capita (t CO2e)."""
    num = number_or_none
    return {
        "unit": "t CO2e",
        "last_year": int(row["last_year"]),
        "last_value_t": num(row["last_value"]),
        "change_since_1990_pct": num(row.get("change_since_1990_pct")),
        "change_since_2005_pct": num(row.get("change_since_2005_pct")),
        "trend_slope_t_per_yr": num(row["trend_slope"]),
        "current_value_t": num(row["current_value"]),
        "total_trend_t": num(row["total_trend"]),
        "total_carbon_law_t": num(row["total_carbon_law"]),
        "on_track": bool(row["on_track"]),
        "net_zero_year": num(row["net_zero_year"]),
        "per_capita_t": num(row["per_capita_t"]),
    }


#: The series of a trend chart: kind of ``trends.pathway_years``, line style, dashed, markers.
TREND_SERIES = (
    ("observed", "observed", False, True),
    ("estimated", "trend", True, False),
    ("trend", "trend", True, False),
    ("carbon_law", "carbon_law", False, False),
)


def trend_chart(page: Page, series: pd.DataFrame, **title_fields: Any) -> Any:
    """The trend chart of one emissions series (t CO2e/yr): observed years, the estimates up to the
    analysis year, the trend to the end year and the Carbon Law's pathway
    (:func:`borlange_analysis.analysis.trends.pathway_years`, Klimatkollen's method), with the
    analysis year marked. Its title is the page's ``chart.trend_title`` with ``title_fields``."""
    from ..analysis import trends
    from . import charts

    p, lang = page.p, page.language
    first, end = config.DEFAULTS.first_trend_year, config.DEFAULTS.end_year
    path = trends.pathway_years(series, current_year=p.current_year, end_year=end, first_year=first)
    lines = []
    for kind, style, dashed, markers in TREND_SERIES:
        d = path[path["kind"] == kind].sort_values("year")
        label = i18n.t(f"series.{kind}", lang)
        lines.append(charts.Line(label, d["year"].tolist(), d["t_co2e"].tolist(), style, dashed, markers))
    return charts.lines(
        lines,
        language=lang,
        title=page.t("chart.trend_title", kommun=p.kommun, **title_fields),
        ylabel=page.t("chart.ylabel"),
        xlabel=page.t("chart.xlabel"),
        mark_year=p.current_year,
        source=page.t("chart.trend_source", release=p.release, first_year=first),
    )
