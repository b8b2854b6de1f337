"""The food-waste workshop page (matsvinn och skolkök): real waste data for the participant's area,
Sweden's national figures, and the school-kitchen calculation under the participant's own values.

The workshop's prose (the idea, how to run a cell, what each step shows, the exercises) lives in the
markdown cells of ``notebooks/workshop_food_waste.ipynb`` (Swedish) and
``notebooks/workshop_food_waste.en.ipynb`` (English), where a participant reads and edits it. This
module makes what code shows: tables with readable labels, charts, sentences built from the rows
they describe, the key line. Every text comes from ``i18n/<language>/workshop.toml``.

Every number comes from :mod:`borlange_analysis.analysis.food_waste` under the notebook's values:
the four parameters of the notebook (``school_kitchens``, ``rescuable_share``, ``meal_price_sek``,
``evenings_per_year``) override the reference table's values; the other factors are the table's
(``reference/food_waste_parameters.csv``, each published with its source or marked as an
assumption to discuss).

The waste series (Kolada, collected food and residual waste, kg per person and year) exists in
this project for Dalarnas län only. For a kommun in that län the page shows the län's figures and
says so; for a kommun elsewhere it says that no data are available for its län and points to
Sweden's national figures.

Adding a result field of ``school_kitchen_scenario`` to the page is one line in
:data:`RESULT_ROWS` and a label in both catalogues (``page.workshop.result.<field>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .. import __version__, i18n
from ..analysis import food_waste as fw
from ..i18n import fmt
from ..params import Checked, ParameterValueError
from . import charts, common
from .page import Html, Page
from .tables import Column, Table

#: The page's name: its texts are ``page.workshop.*``.
PAGE = "workshop"
#: Notebook parameters that set a value of the calculation (same names as the reference table).
KNOBS = ("school_kitchens", "rescuable_share", "meal_price_sek", "evenings_per_year")
#: Rows of the reference table that are Sweden's national figures, not factors of the calculation.
NATIONAL_PREFIX = "sweden_"
#: The Kolada indicator the workshop shows (a part of its name).
WASTE_INDICATOR = "mat- och restavfall"
#: Numbers of kitchens compared in "more or fewer kitchens" (the participant's own is added).
KITCHENS = (5, 10, 20, 30, 40)


@dataclass(frozen=True)
class Row:
    """One row of the result table: a field of ``food_waste.school_kitchen_scenario``.

    ``unit`` is the key of the unit shown (``page.workshop.unit.<unit>``), ``csv_unit`` the unit of
    the value in the CSV copy; the page shows ``value * scale`` with ``decimals`` (None: whole
    numbers from 10 up, one decimal below). ``code`` rows hold a code, shown through
    ``page.workshop.code.<value>``. ``in_table=False`` rows are said in the sentences under the
    table instead (codes derived from numbers the table shows).
    """

    field: str
    unit: str = "none"
    csv_unit: str = ""
    scale: float = 1.0
    decimals: int | None = None
    code: bool = False
    in_table: bool = True


#: The result table, in the order of the calculation (rows whose field the scenario does not give
#: are left out). A new field of the scenario is shown by adding one line here.
RESULT_ROWS: tuple[Row, ...] = (
    Row("serving_waste_t_per_yr", "t_per_yr", "t_per_yr"),
    Row("rescued_food_t_per_yr", "t_per_yr", "t_per_yr"),
    Row("meals_from_rescued_food", "meals_per_yr", "meals_per_yr"),
    Row("extra_evening_meals", "meals_per_yr", "meals_per_yr"),
    Row("meals_total", "meals_per_yr", "meals_per_yr"),
    Row("revenue_sek_per_yr", "msek_per_yr", "sek_per_yr", scale=1e-6, decimals=1),
    Row("jobs_full_time", "jobs", "full_time_jobs"),
    Row("avoided_t_co2e_per_yr", "t_co2e_per_yr", "t_co2e_per_yr"),
    Row("avoided_inside_territory_t_co2e_per_yr", "t_co2e_per_yr", "t_co2e_per_yr"),
    Row("avoided_outside_territory_t_co2e_per_yr", "t_co2e_per_yr", "t_co2e_per_yr"),
    Row("saving_location", code=True, in_table=False),
    Row("extra_meals_t_co2e_per_yr", "t_co2e_per_yr", "t_co2e_per_yr"),
    Row("displaced_meals_t_co2e_per_yr", "t_co2e_per_yr", "t_co2e_per_yr"),
    Row("net_t_co2e_per_yr", "t_co2e_per_yr", "t_co2e_per_yr"),
    Row("net_effect", code=True, in_table=False),
    Row("net_if_all_displaced_t_co2e_per_yr", "t_co2e_per_yr", "t_co2e_per_yr"),
)


@dataclass(frozen=True)
class Panel:
    """One panel of the kitchens chart: a result field, shown times ``scale`` with ``decimals``."""

    field: str
    title: str
    scale: float = 1.0
    decimals: int = 0


KITCHEN_PANELS: tuple[Panel, ...] = (
    Panel("meals_total", "kitchens.panel_meals"),
    Panel("revenue_sek_per_yr", "kitchens.panel_revenue", scale=1e-6, decimals=1),
    Panel("avoided_t_co2e_per_yr", "kitchens.panel_avoided"),
    Panel("net_t_co2e_per_yr", "kitchens.panel_net"),
)


def _t(key: str, language: str, /, **fields: Any) -> str:
    return i18n.t(f"page.{PAGE}.{key}", language, **fields)


# --- values and their formats ---------------------------------------------------------------------


def calculation_values(knobs: Mapping[str, Any]) -> dict[str, float]:
    """Every factor of the calculation: the reference table's values, with the notebook's ``knobs``
    (parameter name -> value) in place of the defaults."""
    values = {k: float(v) for k, v in fw.defaults().items()}
    for name, value in knobs.items():
        if name not in values:
            raise KeyError(f"{name!r} is not a parameter of the food-waste calculation; they are {sorted(values)}")
        values[name] = float(value)
    return values


def _exact_decimals(value: float, most: int = 3) -> int:
    """The fewest decimals (up to ``most``) that show ``value`` without rounding it."""
    for d in range(most + 1):
        if abs(round(value, d) - value) < 1e-9:
            return d
    return most


def _auto_decimals(value: float) -> int:
    """Whole numbers from 10 up, one decimal below (no spurious precision)."""
    if fmt.is_missing(value) or abs(float(value)) >= 10 or float(value).is_integer():
        return 0
    return 1


def _is_share(parameter: str, units: Mapping[str, str]) -> bool:
    return units.get(parameter, "") == "share"


def format_parameter(parameter: str, value: float, units: Mapping[str, str], language: str) -> str:
    """A factor as the participant reads it: shares in percent, other numbers with the decimals
    they have ('0,02', '178', '50 %')."""
    if _is_share(parameter, units):
        return fmt.percent(value, language, _exact_decimals(100 * value, 1), share=True)
    return fmt.number(value, language, _exact_decimals(value))


def _units() -> dict[str, str]:
    table = fw.food_waste_parameters()
    return dict(zip(table["parameter"], table["unit"], strict=True))


def _formatted_values(values: Mapping[str, float], language: str) -> dict[str, str]:
    units = _units()
    return {name: format_parameter(name, v, units, language) for name, v in values.items()}


def _result_text(row: Row, value: Any, language: str) -> str:
    if row.code:
        return _t(f"code.{value}", language)
    if fmt.is_missing(value):
        return fmt.MISSING
    shown = float(value) * row.scale
    decimals = row.decimals if row.decimals is not None else _auto_decimals(shown)
    return fmt.number(shown, language, decimals)


# --- real data: the waste series ------------------------------------------------------------------


def waste_for_area(series: pd.DataFrame, lan: str) -> pd.DataFrame:
    """The waste series (``year``, ``value`` kg per person, NaN where missing) of ``lan``, in year
    order; empty when the series has no rows for that län."""
    hit = series[series["region"] == lan]
    return hit[["year", "value"]].sort_values("year", kind="stable").reset_index(drop=True)


def waste_statements(frame: pd.DataFrame, *, area: str, language: str) -> list[str]:
    """The change between the first and the last year with a value, and the years without one."""
    have = frame.dropna(subset=["value"])
    lines: list[str] = []
    if len(have) >= 2:
        first, last = have.iloc[0], have.iloc[-1]
        pct = 100 * (float(last["value"]) - float(first["value"])) / float(first["value"])
        key = "waste.change_flat" if abs(pct) < 0.5 else ("waste.change_down" if pct < 0 else "waste.change_up")
        lines.append(
            _t(
                key,
                language,
                area=area,
                first_year=fmt.year(first["year"]),
                last_year=fmt.year(last["year"]),
                first=fmt.number(first["value"], language),
                last=fmt.number(last["value"], language),
                pct=fmt.percent(abs(pct), language),
            )
        )
    missing = frame[frame["value"].isna()]["year"].tolist()
    if missing:
        lines.append(_t("waste.missing_years", language, years=", ".join(fmt.year(y) for y in missing)))
    return lines


def _waste_chart(frame: pd.DataFrame, *, p: Checked, area: str) -> charts.Chart:
    lang = p.language
    have = frame.dropna(subset=["value"])
    missing = frame[frame["value"].isna()]["year"].astype(int).tolist()
    fig = charts.bars_by_year(
        have,
        language=lang,
        title=_t("waste.chart_title", lang, area=area),
        ylabel=_t("waste.chart_ylabel", lang),
        xlabel=i18n.t("col.year", lang),
        source=_t("waste.source", lang, area=area, kommun=p.kommun),
        colour=charts.SERIES_COLOURS["scenario"],
    )
    ax = fig.axes[0]
    years = frame["year"].astype(int).tolist()
    ax.set_xlim(min(years) - 0.8, max(years) + 0.8)
    for y in missing:
        ax.text(y, 0, " " + _t("waste.missing_label", lang), rotation=90, ha="center", va="bottom", color="0.4")
    first, last = have.iloc[0], have.iloc[-1]
    gaps = _t("waste.alt_missing", lang, years=", ".join(fmt.year(y) for y in missing)) if missing else ""
    alt = _t(
        "waste.chart_alt",
        lang,
        area=area,
        first_year=fmt.year(first["year"]),
        last_year=fmt.year(last["year"]),
        first=fmt.number(first["value"], lang),
        last=fmt.number(last["value"], lang),
        missing=gaps,
    )
    return charts.render(fig, name="waste_chart", alt=alt)


def _add_waste(page: Page) -> str | None:
    """The real-data step: which area, a chart and a table by year, and the sentences. Returns the
    area shown (None when there are no data for the kommun's län)."""
    p, lang = page.p, page.language
    series = fw.waste_series(WASTE_INDICATOR)
    frame = waste_for_area(series, p.lan)
    if frame.empty or frame["value"].notna().sum() == 0:
        areas = ", ".join(sorted(series["region"].unique()))
        page.prose("waste_area", _t("area.none", lang, lan=p.lan, kommun=p.kommun, areas=areas), note=True)
        for name in ("waste_chart", "waste", "waste_statements"):
            page.prose(name, "")
        return None
    area = p.lan
    page.prose("waste_area", _t("area.lan", lang, area=area, kommun=p.kommun), note=True)
    page.add(_waste_chart(frame, p=p, area=area))
    page.add(
        Table(
            "waste",
            frame,
            [Column("year", "year"), Column("value", "number", unit="kg_per_person", label=f"page.{PAGE}.col.waste")],
            source=_t("waste.source", lang, area=area, kommun=p.kommun),
        )
    )
    page.sentences("waste_statements", waste_statements(frame, area=area, language=lang))
    return area


# --- Sweden's national figures ----------------------------------------------------------------------


def national_frame(language: str) -> pd.DataFrame:
    """Sweden's food-waste figures (``parameter``, ``value``, ``unit`` as in the reference table) with
    their labels, units and sources in ``language``."""
    nat = fw.national_context()
    nat = nat[nat["parameter"].str.startswith(NATIONAL_PREFIX)].reset_index(drop=True)
    return pd.DataFrame(
        {
            "parameter": nat["parameter"],
            "label": [_t(f"param.{k}.label", language) for k in nat["parameter"]],
            "value": nat["value"].astype(float),
            "value_text": [fmt.number(v, language) for v in nat["value"]],
            "unit": nat["unit"],
            "unit_text": [_t(f"param.{k}.unit", language) for k in nat["parameter"]],
            "source_text": [_t(f"param.{k}.note", language) for k in nat["parameter"]],
        }
    )


def _national_table(language: str) -> Table:
    return Table(
        "national",
        national_frame(language),
        [
            Column("parameter", "text", display="label", label=f"page.{PAGE}.col.what"),
            Column("value", "number", display="value_text"),
            Column("unit", "text", display="unit_text"),
            Column("source_text", "text", label=f"page.{PAGE}.col.source"),
        ],
        note=_t("national.note", language),
    )


# --- the calculation --------------------------------------------------------------------------------


def parameter_frame(values: Mapping[str, float], *, knobs: Sequence[str], language: str) -> pd.DataFrame:
    """Every factor of the calculation once: label, the value used (the participant's where set),
    the default, unit, whether the notebook's parameters cell sets it, published or assumption, and
    its source or comment. A value that differs from the default says so ('45 (standard 60)'). The
    notebook's parameters come first."""
    table = fw.food_waste_parameters()
    table = table[~table["parameter"].str.startswith(NATIONAL_PREFIX)]
    order = [k for k in knobs if k in set(table["parameter"])] + [k for k in table["parameter"] if k not in knobs]
    table = table.set_index("parameter").loc[order].reset_index()
    units = dict(zip(table["parameter"], table["unit"], strict=True))
    used = [float(values[k]) for k in table["parameter"]]
    default = table["value"].astype(float).tolist()
    texts = []
    for k, v, d in zip(table["parameter"], used, default, strict=True):
        text = format_parameter(k, v, units, language)
        if abs(v - d) > 1e-12:
            text = _t("parameters.changed", language, value=text, default=format_parameter(k, d, units, language))
        texts.append(text)
    return pd.DataFrame(
        {
            "parameter": table["parameter"],
            "label": [_t(f"param.{k}.label", language) for k in table["parameter"]],
            "value": used,
            "value_text": texts,
            "default": default,
            "unit": table["unit"],
            "unit_text": [_t(f"param.{k}.unit", language) for k in table["parameter"]],
            "in_notebook": [k in knobs for k in table["parameter"]],
            "status": table["status"],
            "status_text": [_t(f"status.{s}", language) for s in table["status"]],
            "note_text": [_t(f"param.{k}.note", language) for k in table["parameter"]],
        }
    )


def _parameter_table(values: Mapping[str, float], language: str) -> Table:
    return Table(
        "parameters",
        parameter_frame(values, knobs=KNOBS, language=language),
        [
            Column("parameter", "text", display="label", label=f"page.{PAGE}.col.parameter"),
            Column("value", "number", display="value_text", label=f"page.{PAGE}.col.value_used"),
            Column("unit", "text", display="unit_text"),
            Column("in_notebook", "bool", label=f"page.{PAGE}.col.in_notebook"),
            Column("status", "text", display="status_text", label=f"page.{PAGE}.col.status"),
            Column("note_text", "text", label=f"page.{PAGE}.col.note"),
        ],
        note=_t("parameters.note", language),
    )


def result_frame(result: pd.Series, values: Mapping[str, float], language: str, *, codes: bool = False) -> pd.DataFrame:
    """The result as rows 'what — value — unit — how it is computed' (one per field of
    :data:`RESULT_ROWS` that ``result`` has and the table shows; ``codes`` adds the rows the
    sentences say instead), with the CSV's numbers and codes."""
    shown = _formatted_values(values, language)
    rows = []
    for row in RESULT_ROWS:
        if row.field not in result.index or not (row.in_table or codes):
            continue
        value = result[row.field]
        rows.append(
            {
                "quantity": row.field,
                "label": _t(f"result.{row.field}", language),
                "value": None if row.code else float(value),
                "value_text": _result_text(row, value, language),
                "unit": row.csv_unit,
                "unit_text": "" if row.code else _t(f"unit.{row.unit}", language),
                "code": str(value) if row.code else "",
                "how": i18n.t_or(f"page.{PAGE}.how.{row.field}", language, "", **shown),
            }
        )
    return pd.DataFrame(rows)


def _result_table(result: pd.Series, values: Mapping[str, float], language: str) -> Table:
    return Table(
        "result",
        result_frame(result, values, language),
        [
            Column("quantity", "text", display="label", label=f"page.{PAGE}.col.what"),
            Column("value", "number", display="value_text"),
            Column("unit", "text", display="unit_text"),
            Column("how", "text", label=f"page.{PAGE}.col.how"),
        ],
        note=_t("result.note", language),
    )


def _net_key(net: float) -> str:
    return "net_saving" if net >= 0 else "net_increase"


def result_statements(result: pd.Series, values: Mapping[str, float], language: str) -> list[str]:
    """Sentences built from the result row and the values it was computed with: the meals, the
    money and jobs, the emissions avoided and where, and the net effect with the evening meals'
    own emissions (and what it would be if every evening meal replaced another meal)."""

    def n(field: str, scale: float = 1.0, decimals: int | None = None) -> str:
        v = abs(float(result[field])) * scale
        return fmt.number(v, language, _auto_decimals(v) if decimals is None else decimals)

    shown = _formatted_values(values, language)
    net = float(result["net_t_co2e_per_yr"])
    return [
        _t(
            "statement.meals",
            language,
            kitchens=shown["school_kitchens"],
            evenings=shown["evenings_per_year"],
            meals=n("meals_total"),
            rescued_meals=n("meals_from_rescued_food"),
            extra_meals=n("extra_evening_meals"),
        ),
        _t(
            "statement.money",
            language,
            price=shown["meal_price_sek"],
            revenue=n("revenue_sek_per_yr", 1e-6, 1),
            jobs=n("jobs_full_time"),
            per_job=shown["meals_per_job"],
        ),
        _t(
            "statement.climate",
            language,
            rescued=n("rescued_food_t_per_yr"),
            avoided=n("avoided_t_co2e_per_yr"),
            ef=shown["ef_food_kg_co2e_per_kg"],
        ),
        _t(
            f"statement.{result['saving_location']}",
            language,
            inside=n("avoided_inside_territory_t_co2e_per_yr"),
            outside=n("avoided_outside_territory_t_co2e_per_yr"),
        ),
        _t(
            f"statement.{_net_key(net)}",
            language,
            extra=n("extra_meals_t_co2e_per_yr"),
            ef_meal=shown["ef_meal_kg_co2e_per_meal"],
            displaced=shown["displaced_meal_share"],
            net=n("net_t_co2e_per_yr"),
        ),
        _t(
            f"statement.all_displaced_{_net_key(float(result['net_if_all_displaced_t_co2e_per_yr']))}",
            language,
            net=n("net_if_all_displaced_t_co2e_per_yr"),
        ),
    ]


# --- more or fewer kitchens ---------------------------------------------------------------------


def check_kitchens(kitchens: Iterable[Any], language: str) -> list[int]:
    """A list of kitchen numbers (whole numbers from 0 up), or a clear error in ``language``."""
    try:
        items = list(kitchens)
    except TypeError:
        raise ParameterValueError(_t("error.kitchens", language, value=repr(kitchens))) from None
    out: list[int] = []
    for k in items:
        if isinstance(k, bool) or not isinstance(k, int | float) or k < 0 or float(k) != int(k) or k > 1000:
            raise ParameterValueError(_t("error.kitchens", language, value=repr(k)))
        out.append(int(k))
    if not out:
        raise ParameterValueError(_t("error.kitchens", language, value=repr(items)))
    return out


def kitchens_frame(p: Checked, kitchens: Iterable[Any] = KITCHENS) -> pd.DataFrame:
    """The calculation for several numbers of kitchens (the participant's own number added), with
    every other value as the participant set it; one row per number of kitchens, in order."""
    wanted = sorted(set(check_kitchens(kitchens, p.language)) | {int(p.school_kitchens)})
    others = {k: p.values[k] for k in KNOBS if k != "school_kitchens"}
    frame = fw.kitchen_range(wanted, **others)
    frame["school_kitchens"] = frame["school_kitchens"].astype(int)
    return frame.sort_values("school_kitchens", kind="stable").reset_index(drop=True)


def _number_formatter(language: str, decimals: int) -> FuncFormatter:
    return FuncFormatter(lambda v, _: fmt.number(v, language, decimals))


def _kitchens_figure(frame: pd.DataFrame, *, chosen: int, language: str, title: str, source: str) -> Figure:
    rows = (len(KITCHEN_PANELS) + 1) // 2
    fig = Figure(figsize=(10, 3.3 * rows + 0.6))
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    labels = [str(k) for k in frame["school_kitchens"]]
    colours = [
        charts.SERIES_COLOURS["highlight"] if k == chosen else charts.SERIES_COLOURS["scenario"]
        for k in frame["school_kitchens"]
    ]
    for ax in axes[len(KITCHEN_PANELS) :]:
        ax.set_visible(False)
    for ax, panel in zip(axes, KITCHEN_PANELS, strict=False):
        ax.bar(labels, (frame[panel.field].astype(float) * panel.scale).to_numpy(), color=colours)
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.set_title(_t(panel.title, language), loc="left", fontsize=10, pad=10)
        ax.set_xlabel(_t("kitchens.xlabel", language))
        ax.yaxis.set_major_formatter(_number_formatter(language, panel.decimals))
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold")
    fig.text(0.01, 0.01, source, fontsize=7, color="0.35", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    return fig


def _kitchens_items(p: Checked, kitchens: Iterable[Any]) -> tuple[charts.Chart, Table]:
    lang = p.language
    frame = kitchens_frame(p, kitchens)
    values = calculation_values({k: p.values[k] for k in KNOBS})
    shown = _formatted_values(values, lang)
    chosen = int(p.school_kitchens)
    mine = frame[frame["school_kitchens"] == chosen].iloc[0]
    source = _t(
        "kitchens.source",
        lang,
        evenings=shown["evenings_per_year"],
        price=shown["meal_price_sek"],
        share=shown["rescuable_share"],
    )
    fig = _kitchens_figure(frame, chosen=chosen, language=lang, title=_t("kitchens.title", lang), source=source)
    net = float(mine["net_t_co2e_per_yr"])
    alt = _t(
        "kitchens.alt",
        lang,
        kitchens_list=", ".join(str(k) for k in frame["school_kitchens"]),
        kitchens=chosen,
        meals=fmt.number(mine["meals_total"], lang),
        revenue=fmt.number(float(mine["revenue_sek_per_yr"]) * 1e-6, lang, 1),
        avoided=fmt.number(mine["avoided_t_co2e_per_yr"], lang, _auto_decimals(mine["avoided_t_co2e_per_yr"])),
        net=_t(f"kitchens.{_net_key(net)}", lang, net=fmt.number(abs(net), lang, _auto_decimals(abs(net)))),
        evenings=shown["evenings_per_year"],
        price=shown["meal_price_sek"],
        share=shown["rescuable_share"],
    )
    chart = charts.render(fig, name="kitchens_chart", alt=alt)
    shown_frame = frame.assign(
        kitchens_text=[
            _t("kitchens.yours", lang, kitchens=k) if k == chosen else str(k) for k in frame["school_kitchens"]
        ],
        revenue_text=[fmt.number(v * 1e-6, lang, 1) for v in frame["revenue_sek_per_yr"]],
        avoided_text=[fmt.number(v, lang, _auto_decimals(v)) for v in frame["avoided_t_co2e_per_yr"]],
        jobs_text=[fmt.number(v, lang, _auto_decimals(v)) for v in frame["jobs_full_time"]],
        net_text=[fmt.number(v, lang, _auto_decimals(v)) for v in frame["net_t_co2e_per_yr"]],
    )
    table = Table(
        "kitchens",
        shown_frame,
        [
            Column("school_kitchens", "number", display="kitchens_text", label=f"page.{PAGE}.col.kitchens"),
            Column("meals_total", "number", label=f"page.{PAGE}.col.meals"),
            Column("revenue_sek_per_yr", "number", display="revenue_text", label=f"page.{PAGE}.col.revenue"),
            Column("jobs_full_time", "number", display="jobs_text", label=f"page.{PAGE}.col.jobs"),
            Column("avoided_t_co2e_per_yr", "number", display="avoided_text", label=f"page.{PAGE}.col.avoided"),
            Column("net_t_co2e_per_yr", "number", display="net_text", label=f"page.{PAGE}.col.net"),
        ],
    )
    return chart, table


def show_kitchens(page: Page, kitchens: Iterable[Any] = KITCHENS) -> Html:
    """The chart and table "more or fewer kitchens" for the numbers of kitchens in ``kitchens``
    (a participant may change the list in the notebook); replaces the page's default ones."""
    chart, table = _kitchens_items(page.p, kitchens)
    page.items[chart.name] = chart
    page.items[table.name] = table
    return Html(str(page.show(chart.name)) + str(page.show(table.name)))


# --- the page ---------------------------------------------------------------------------------------


def key_figures(p: Checked, result: pd.Series, area: str | None) -> dict[str, Any]:
    """Machine-readable figures of the workshop page (the runner's summary)."""
    numbers = {k: (float(v) if isinstance(v, int | float) else str(v)) for k, v in result.items()}
    return {
        "kommun": p.kommun,
        "kommun_code": p.kommun_code,
        "waste_area": area,
        **{k: p.values[k] for k in KNOBS},
        **numbers,
    }


def build(p: Checked) -> Page:
    """Everything the workshop page shows, for the checked parameters ``p``."""
    lang = p.language
    page = common.new_page(p, PAGE)
    page.subtitle = _t("subtitle", lang, version=__version__)
    values = calculation_values({k: p.values[k] for k in KNOBS})
    result = fw.school_kitchen_scenario(**{k: p.values[k] for k in KNOBS}).iloc[0]

    area = _add_waste(page)
    page.add(_national_table(lang))
    page.add(_parameter_table(values, lang))
    page.add(_result_table(result, values, lang))
    page.sentences("result_statements", result_statements(result, values, lang))
    chart, table = _kitchens_items(p, KITCHENS)
    page.add(chart)
    page.add(table)

    page.key_figures = key_figures(p, result, area)
    net = float(result["net_t_co2e_per_yr"])
    page.key_line = _t(
        f"key_line_{_net_key(net)}",
        lang,
        meals=fmt.number(result["meals_total"], lang),
        kitchens=p.school_kitchens,
        avoided=fmt.number(result["avoided_t_co2e_per_yr"], lang, _auto_decimals(result["avoided_t_co2e_per_yr"])),
        net=fmt.number(abs(net), lang, _auto_decimals(abs(net))),
    )
    return page
