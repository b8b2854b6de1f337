"""What several pages share: the kernel's cached tables, the page skeleton and the provenance table.

Tables are loaded once per kernel (the report runner keeps kernels warm between reports), so a
second page for the same release costs no loading.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from .. import __version__, data, i18n
from ..analysis import indicators as ind
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
