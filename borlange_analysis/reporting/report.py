"""Building blocks of the report notebooks: a checked context, texts in Swedish and English, the
tables and key figures each notebook shows, CSV copies beside the report, and the provenance
footer. Notebooks call these functions; they compute nothing of their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .. import __version__, data
from ..errors import ParameterError, UnknownValueError
from ..names import SECTOR_TOTAL, resolve_sector
from .statements import LANGUAGES, balance_statement, fmt_int, lever_effects, sector_label  # noqa: F401

SMHI_CITE = {
    "sv": "Källa: SMHI, Nationella emissionsdatabasen (release {r}); t CO2e, GWP100 AR5",
    "en": "Source: SMHI, Nationella emissionsdatabasen (release {r}); t CO2e, GWP100 AR5",
}


@dataclass
class Context:
    """Checked report parameters: every notebook's validation cell turns its parameters into one."""

    kommun: str
    kommun_code: str
    lan: str
    lan_code: str
    release: str
    language: str
    current_year: int
    tables_dir: Path | None = None
    sector: str | None = None
    partner: str | None = None
    extra: dict = field(default_factory=dict)

    def t(self, key: str, **kw) -> str:
        return text(key, self.language, **kw)

    @property
    def source_line(self) -> str:
        return SMHI_CITE[self.language].format(r=self.release)


def context(
    *,
    kommun: str = "Borlänge",
    release: str = "latest",
    language: str = "sv",
    current_year: int = 2026,
    tables_dir: str = "",
    sector: str | None = None,
    partner: str | None = None,
    **extra,
) -> Context:
    """Validate notebook parameters; unknown kommun, release, sector, partner or language fail with
    the list of valid values (and the nearest ones)."""
    if language not in LANGUAGES:
        raise UnknownValueError("language", language, LANGUAGES)
    code = data.kommun_code(kommun)
    rel = data.resolve_release(release)
    last = int(data.load_emissions(code, release=rel, level="total")["year"].max())
    if not isinstance(current_year, (int, np.integer)) or current_year < last:
        raise ParameterError(
            f"current_year must be a year >= {last} (the last year of release {rel}), got {current_year!r}"
        )
    sec = resolve_sector(sector) if sector else None
    if sec and rel not in data.releases_with_sectors():
        raise UnknownValueError(
            f"release with sectors (release {rel} has totals only)", rel, data.releases_with_sectors()
        )
    if partner:
        from ..partners import get_partner

        get_partner(partner)
    lan_code, lan = data.resolver().lan(code)
    tdir = Path(tables_dir) if tables_dir else None
    return Context(
        kommun=data.kommun_name(code),
        kommun_code=code,
        lan=lan,
        lan_code=lan_code,
        release=rel,
        language=language,
        current_year=int(current_year),
        tables_dir=tdir,
        sector=sec,
        partner=partner,
        extra=extra,
    )


# --- texts ----------------------------------------------------------------------------------------

TEXT = {
    "overview.title": {"sv": "Utsläpp av växthusgaser i {kommun}", "en": "Greenhouse-gas emissions in {kommun}"},
    "overview.intro": {
        "sv": "Den här rapporten visar {kommun}s territoriella utsläpp av växthusgaser enligt SMHI:s Nationella "
        "emissionsdatabas (release {release}), hur de fördelar sig på sektorer, hur snabbt de minskar, "
        "hur mycket av koldioxidbudgeten som återstår och hur långt det är till målen.",
        "en": "This report shows {kommun}'s territorial greenhouse-gas emissions from SMHI's national emissions "
        "database (release {release}): how they split by sector, how fast they fall, how much of the carbon "
        "budget is left and how far it is to the targets.",
    },
    "h.key": {"sv": "Nyckeltal", "en": "Key figures"},
    "h.sectors": {"sv": "Utsläpp per sektor", "en": "Emissions by sector"},
    "h.trend": {"sv": "Trend och koldioxidlagen", "en": "Trend and the Carbon Law"},
    "h.budget": {"sv": "Koldioxidbudget", "en": "Carbon budget"},
    "h.targets": {"sv": "Mål", "en": "Targets"},
    "h.provenance": {"sv": "Data och version", "en": "Data and version"},
    "h.subsectors": {"sv": "Undersektorer", "en": "Sub-sectors"},
    "h.peers": {"sv": "Jämförelse med andra kommuner", "en": "Comparison with other kommuner"},
    "h.point_sources": {"sv": "Största punktkällor (EU ETS)", "en": "Largest point sources (EU ETS)"},
    "h.levers": {"sv": "Åtgärder", "en": "Levers"},
    "h.profile": {"sv": "Profil", "en": "Profile"},
    "h.facility": {"sv": "Anläggningsdata", "en": "Facility data"},
    "h.scopes": {"sv": "Utsläpp per scope (egna aktivitetsdata)", "en": "Emissions by scope (own activity data)"},
    "h.pathway": {"sv": "Utsläppsbana mot målen", "en": "Pathway against the targets"},
    "h.regimes": {"sv": "Fördelningsprinciper sida vid sida", "en": "Allocation regimes side by side"},
    "h.sinks": {"sv": "Kolsänkor", "en": "Carbon sinks"},
    "h.parameters": {"sv": "Parametrar och källor", "en": "Parameters and sources"},
    "h.scenarios": {"sv": "Scenarier", "en": "Scenarios"},
    "h.balance": {"sv": "Klimatneutralitetsbalansen", "en": "The climate-neutrality balance"},
    "h.maps": {"sv": "Kartor", "en": "Maps"},
    "sector.title": {"sv": "{sector} i {kommun}", "en": "{sector} in {kommun}"},
    "sector.intro": {
        "sv": "Sektorn {sector} i {kommun}: utveckling, undersektorer, andel av totalen, trend och jämförelse med andra kommuner.",
        "en": "The sector {sector} in {kommun}: its development, sub-sectors, share of the total, trend and comparison with other kommuner.",
    },
    "partner.title": {"sv": "Partner: {partner}", "en": "Partner: {partner}"},
    "partner.intro": {
        "sv": "Den här rapporten samlar vad som är känt om partnerns utsläpp i {kommun}: offentliga fakta, anläggningsdata, egna aktivitetsdata när de finns, och åtgärder.",
        "en": "This report gathers what is known about the partner's emissions in {kommun}: public facts, facility data, its own activity data when supplied, and levers.",
    },
    "budget.title": {"sv": "Koldioxidbudget för {kommun}", "en": "Carbon budget for {kommun}"},
    "budget.intro": {
        "sv": "Parisavtalets koldioxidbudget enligt Uppsala universitet/CEMUS fördelad på kommunen, med och utan punktkällor som redovisas nationellt.",
        "en": "The Paris carbon budget (Uppsala University/CEMUS method) shared to the kommun, with and without point sources accounted nationally.",
    },
    "budget.caveat": {
        "sv": "Obs: budgeten gäller koldioxid, SMHI:s serier alla växthusgaser (CO2e); som Klimatkollen jämförs de ändå.",
        "en": "Note: the budget is for CO2, SMHI's series are all greenhouse gases (CO2e); like Klimatkollen, they are compared anyway.",
    },
    "sinks.title": {
        "sv": "Kolsänkor och klimatneutralitet i {kommun}",
        "en": "Carbon sinks and climate neutrality in {kommun}",
    },
    "sinks.intro": {
        "sv": "Det finns ingen officiell inventering av markanvändningens (LULUCF) upptag per kommun. Alla siffror här är uppskattningar med två oberoende metoder och osäkerhetsintervall.",
        "en": "No official land-use (LULUCF) inventory exists per kommun. Every figure here is an estimate, from two independent methods, with a range.",
    },
    "peers.title": {
        "sv": "{kommun} jämfört med Klimatneutrala städer 2030 och {lan}",
        "en": "{kommun} compared with Klimatneutrala städer 2030 and {lan}",
    },
    "peers.intro": {
        "sv": "Utsläpp per invånare och trend för de 23 städerna i Viable Cities uppdrag och kommunerna i {lan}.",
        "en": "Emissions per inhabitant and trend for the 23 cities of Viable Cities' mission and the kommuner of {lan}.",
    },
    "workshop.title": {"sv": "Workshop: matsvinn och skolkök", "en": "Workshop: food waste and school kitchens"},
    "workshop.intro": {
        "sv": "På partnernas första innovationsworkshop var en idé att använda kommunens **skolkök även kvällar och helger**: "
        "för att ge jobb, sälja måltider, stödja integration och slänga mindre mat. Här tittar vi på verkliga avfallsdata "
        "och prövar idén med siffror.",
        "en": "At the partners' first innovation workshop one idea was to use the kommun's **school kitchens also in the "
        "evenings and at weekends**: to give jobs, sell meals, support integration and waste less food. Here we look at "
        "real waste data and try the idea with numbers.",
    },
    "workshop.real_data": {
        "sv": "Verkliga data: insamlat mat- och restavfall i Dalarna (Kolada), kg per person och år",
        "en": "Real data: collected food and residual waste in Dalarna (Kolada), kg per person and year",
    },
    "workshop.national": {
        "sv": "Sverige som helhet (SMED för Naturvårdsverket, 2014)",
        "en": "Sweden as a whole (SMED for Naturvårdsverket, 2014)",
    },
    "workshop.numbers": {
        "sv": "Idén i siffror. Alla tal som används står här, med källa eller markerade som *assumption* (antagande att diskutera).",
        "en": "The idea in numbers. Every number used is listed here, with its source or marked *assumption* for you to discuss.",
    },
    "workshop.exercises": {
        "sv": "### Övningar\n\n"
        "1. **Vrid på en ratt.** Ändra `school_kitchens` från 20 till 30 i parametercellen och kör alla celler. Hur många fler måltider blir det? Hur mycket mer CO2e undviks?\n"
        "2. **Läs ett resultat.** Vilket antagande ändrar `avoided_t_co2e_per_yr` mest? Pröva `rescuable_share = 0.2` och `0.8`.\n"
        "3. **Gör ett diagram.** Nästa cell ritar måltider för 5 till 40 kök. Ändra listan med kök och kör den igen.\n"
        "4. **Diskutera.** Vilka antaganden skulle ni först kontrollera med kommunens kostenhet? Vilken siffra skulle övertyga en politiker?",
        "en": "### Exercises\n\n"
        "1. **Turn a knob.** In the parameters cell, change `school_kitchens` from 20 to 30 and run all cells. How many more meals? How much more CO2e is avoided?\n"
        "2. **Read a result.** Which assumption changes `avoided_t_co2e_per_yr` the most? Try `rescuable_share = 0.2` and `0.8`.\n"
        "3. **Make a chart.** The next cell draws meals for 5 to 40 kitchens. Change the list of kitchens and run it again.\n"
        "4. **Discuss.** Which assumptions would you check first with the kommun's kostenhet? Which figure would convince a politician?",
    },
    "workshop.meals": {"sv": "Måltider per år", "en": "Meals per year"},
    "illustrative": {
        "sv": "⚠️ ILLUSTRATIVA EXEMPELDATA: siffrorna nedan är påhittade exempel, inte partnerns verkliga data.",
        "en": "⚠️ ILLUSTRATIVE EXAMPLE DATA: the figures below are made-up examples, not the partner's real data.",
    },
    "no_activity": {
        "sv": "Partnern har inte lämnat egna aktivitetsdata (data/partners/{partner}/activity.csv).",
        "en": "The partner has not supplied its own activity data (data/partners/{partner}/activity.csv).",
    },
    "no_facility": {
        "sv": "Partnern har inga anläggningar i EU ETS.",
        "en": "The partner operates no EU ETS installations.",
    },
    "no_subsectors": {
        "sv": "Release {release} har inga undersektorer; nedan visas release {sub_release}, som har det (jämför inte releaser direkt).",
        "en": "Release {release} has no sub-sectors; shown below is release {sub_release}, which has them (do not compare releases directly).",
    },
    "estimate_note": {
        "sv": "Uppskattning: ingen officiell LULUCF-inventering finns på kommunnivå.",
        "en": "Estimate: there is no official LULUCF inventory at kommun level.",
    },
    "year": {"sv": "År", "en": "Year"},
    "t_co2e_yr": {"sv": "ton CO2e per år", "en": "t CO2e per year"},
    "t_co2_yr": {"sv": "ton CO2 per år", "en": "t CO2 per year"},
    "t_per_capita": {"sv": "ton CO2e per invånare", "en": "t CO2e per inhabitant"},
    "observed": {"sv": "Uppmätt", "en": "Observed"},
    "trend": {"sv": "Trend (medianregression)", "en": "Trend (median regression)"},
    "carbon_law": {"sv": "Koldioxidlagen (−11,72 %/år)", "en": "Carbon Law (−11.72 %/yr)"},
    "budget_path": {"sv": "Bana som håller budgeten", "en": "Pathway within the budget"},
    "adopted_path": {"sv": "Kommunens antagna bana", "en": "The kommun's adopted pathway"},
}


def text(key: str, language: str = "sv", **kw) -> str:
    if key not in TEXT:
        raise UnknownValueError("text key", key, sorted(TEXT))
    return TEXT[key][language].format(**kw)


def md(key: str, ctx: Context, level: int = 0, **kw):
    """A Markdown display object of a text (``level`` > 0 makes it a heading)."""
    from IPython.display import Markdown

    fields = {
        "kommun": ctx.kommun,
        "release": ctx.release,
        "lan": ctx.lan,
        "sector": sector_label(ctx.sector, ctx.language) if ctx.sector else "",
        "partner": ctx.partner or "",
    }
    fields.update(kw)
    body = text(key, ctx.language, **fields)
    return Markdown(("#" * level + " " if level else "") + body)


_WORDS_SV = {
    "sector": "sektor",
    "subsector": "undersektor",
    "year": "år",
    "share": "andel",
    "change since": "förändring sedan",
    "group": "grupp",
    "per capita": "per invånare",
    "remaining": "kvar",
    "spent since start": "förbrukat sedan start",
    "required rate": "krävd minskning",
    "per yr": "per år",
    "runs out": "tar slut",
    "low": "låg",
    "high": "hög",
    "central": "central",
    "method": "metod",
    "source": "källa",
    "target": "mål",
    "on track": "i fas",
    "value": "värde",
    "unit": "enhet",
    "scope": "omfattning",
    "regime": "fördelning",
    "lever": "åtgärd",
    "text": "text",
    "kind": "typ",
    "trend in target year": "trend målåret",
    "target value": "målnivå",
    "base year": "basår",
    "gap": "gap",
    "verified": "verifierat",
    "remainder": "resten",
    "total": "totalt",
    "last year": "senaste år",
    "name": "namn",
    "trend": "trend",
    "effect": "effekt",
    "basis": "grund",
    "statement": "mening",
    "area ha": "areal (ha)",
}


def column_label(col: str, language: str = "sv") -> str:
    """A readable column header: 't_co2e_2024' -> 't CO2e 2024', 'share_pct' -> 'share (%)' (sv: 'andel (%)')."""
    label = str(col).replace("_pct_per_yr", " (% per yr)")
    for raw, nice in (("t_co2e", "t CO2e"), ("t_co2", "t CO2"), ("_pct", " (%)"), ("_t", " (t)")):
        if raw in ("_pct", "_t"):
            if label.endswith(raw):
                label = label[: -len(raw)] + nice
        else:
            label = label.replace(raw, nice)
    label = label.replace("_", " ")
    if language == "sv":
        for en, sv in sorted(_WORDS_SV.items(), key=lambda kv: -len(kv[0])):
            label = label.replace(en, sv)
    return label


def show(table: pd.DataFrame, name: str, ctx: Context, *, index: bool = False, round_to: int | None = 1):
    """Display a table and, when the report has a tables folder, save it there as ``<name>.csv``."""
    if ctx.tables_dir is not None:
        ctx.tables_dir.mkdir(parents=True, exist_ok=True)
        tmp = ctx.tables_dir / f".{name}.csv.tmp"
        table.to_csv(tmp, index=index)
        os.replace(tmp, ctx.tables_dir / f"{name}.csv")
    try:
        from IPython.display import display

        if round_to is None:  # text-heavy tables: numbers as written, large ones with separators

            def plain(v):
                if isinstance(v, (float, np.floating)) and np.isfinite(v):
                    s = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"
                    return s.replace(",", "\u202f").replace(".", ",") if ctx.language == "sv" else s
                return v

            style = table.style.format(plain, na_rep="–")
        else:
            style = table.style.format(
                precision=round_to,
                na_rep="–",
                thousands="\u202f" if ctx.language == "sv" else ",",
                decimal="," if ctx.language == "sv" else ".",
            )
        style = style.relabel_index([column_label(c, ctx.language) for c in table.columns], axis="columns")
        display(style.hide(axis="index") if not index else style)
    except Exception:  # pragma: no cover - outside IPython
        print(table.to_string(index=index))
    return None


# --- data for the reports (cached per process: one load per kernel) ---------------------------------


@lru_cache(maxsize=8)
def _indicators(release: str, current_year: int) -> pd.DataFrame:
    from ..analysis.indicators import build_indicators

    return build_indicators(release=release, current_year=current_year, per_sector=True)


def indicators_for(ctx: Context, sector: str = SECTOR_TOTAL) -> pd.Series:
    ind = _indicators(ctx.release, ctx.current_year)
    return ind[(ind["kommun_code"] == ctx.kommun_code) & (ind["sector"] == sector)].iloc[0]


def all_indicators(ctx: Context) -> pd.DataFrame:
    return _indicators(ctx.release, ctx.current_year).copy()


def key_figures(ctx: Context) -> dict:
    """The key figures of a kommun (machine readable; used by the overview and summary.json)."""
    r = indicators_for(ctx)

    def num(v):
        return None if v is None or (isinstance(v, float) and not np.isfinite(v)) or pd.isna(v) else float(v)

    return {
        "kommun": ctx.kommun,
        "kommun_code": ctx.kommun_code,
        "release": ctx.release,
        "current_year": ctx.current_year,
        "unit": "t CO2e",
        "last_year": int(r["last_year"]),
        "last_value_t": num(r["last_value"]),
        "change_since_1990_pct": num(r.get("change_since_1990_pct")),
        "change_since_2005_pct": num(r.get("change_since_2005_pct")),
        "trend_slope_t_per_yr": num(r["trend_slope"]),
        "current_value_t": num(r["current_value"]),
        "total_trend_t": num(r["total_trend"]),
        "total_carbon_law_t": num(r["total_carbon_law"]),
        "on_track": bool(r["on_track"]),
        "net_zero_year": num(r["net_zero_year"]),
        "remaining_budget_t": num(r["remaining_budget_t"]),
        "required_rate": num(r["required_rate_pct"] / 100),
        "budget_runs_out": num(r["budget_runs_out_year"]),
        "per_capita_t": num(r["per_capita_t"]),
        "sink_top_down_t_co2": num(r.get("existing_sink_lulucf_area_share_t_co2")),
        "sink_gain_loss_central_t_co2": num(r.get("existing_sink_gain_loss_t_co2")),
        "neutrality_gap_t": num(r.get("neutrality_gap_no_measures_t_co2e")),
    }


def key_figures_table(ctx: Context) -> pd.DataFrame:
    k = key_figures(ctx)
    sv = ctx.language == "sv"

    def dec(v: float) -> str:
        return f"{v:.1f}".replace(".", ",") if sv else f"{v:.1f}"

    rows = [
        (
            f"Utsläpp {k['last_year']}" if sv else f"Emissions {k['last_year']}",
            fmt_int(k["last_value_t"], ctx.language),
            "t CO2e",
        ),
        ("Förändring sedan 1990" if sv else "Change since 1990", dec(k["change_since_1990_pct"]), "%"),
        ("Förändring sedan 2005" if sv else "Change since 2005", dec(k["change_since_2005_pct"]), "%"),
        (
            "Trend" if sv else "Trend",
            fmt_int(k["trend_slope_t_per_yr"], ctx.language),
            "t CO2e/år" if sv else "t CO2e/yr",
        ),
        (
            f"Uppskattat {ctx.current_year}" if sv else f"Estimate {ctx.current_year}",
            fmt_int(k["current_value_t"], ctx.language),
            "t CO2e",
        ),
        (
            f"Trendens utsläpp {ctx.current_year}–2050" if sv else f"Trend emissions {ctx.current_year}-2050",
            fmt_int(k["total_trend_t"], ctx.language),
            "t CO2e",
        ),
        (
            f"Koldioxidlagens utsläpp {ctx.current_year}–2050"
            if sv
            else f"Carbon Law emissions {ctx.current_year}-2050",
            fmt_int(k["total_carbon_law_t"], ctx.language),
            "t CO2e",
        ),
        ("Kvarvarande budget" if sv else "Remaining budget", fmt_int(k["remaining_budget_t"], ctx.language), "t CO2"),
        ("Per invånare" if sv else "Per inhabitant", dec(k["per_capita_t"]), "t CO2e"),
    ]
    return pd.DataFrame(
        rows, columns=["Nyckeltal" if sv else "Indicator", "Värde" if sv else "Value", "Enhet" if sv else "Unit"]
    )


def statements(ctx: Context, sector: str = SECTOR_TOTAL):
    """The key figures in words (Markdown bullet list)."""
    from IPython.display import Markdown

    from . import statements as st

    r = indicators_for(ctx, sector)
    lines = []
    for base in (1990, 2005):
        v = r.get(f"change_since_{base}_pct")
        if v is not None and not pd.isna(v):
            lines.append(st.change_statement(v, base, language=ctx.language))
    lines.append(
        st.carbon_law_statement(bool(r["on_track"]), r["total_trend"], r["total_carbon_law"], language=ctx.language)
    )
    lines.append(st.net_zero_statement(r["net_zero_year"], language=ctx.language))
    if sector == SECTOR_TOTAL:
        lines.append(st.budget_statement(r["budget_runs_out_year"], ctx.current_year, language=ctx.language))
    return Markdown("\n".join(f"- {line}" for line in lines))


def sector_emissions(ctx: Context, kommun=None) -> pd.DataFrame:
    """Sector emissions of the kommun; a release with totals only gives its total as one 'Alla' series."""
    em = data.load_emissions(kommun or ctx.kommun_code, release=ctx.release, level="sector")
    if em.empty:
        em = data.load_emissions(kommun or ctx.kommun_code, release=ctx.release, level="total")
    return em


def total_emissions(ctx: Context) -> pd.DataFrame:
    return data.load_emissions(ctx.kommun_code, release=ctx.release, level="total")


def sector_table(ctx: Context) -> pd.DataFrame:
    """Emissions by sector in the last year, with share and change since 1990 (t CO2e)."""
    from ..analysis.descriptives import totals_and_shares

    em = sector_emissions(ctx)
    last = int(em["year"].max())
    sh = totals_and_shares(em)
    cur = sh[sh["year"] == last].set_index("sector")
    base = em[em["year"] == 1990].set_index("sector")["t_co2e"]
    out = pd.DataFrame(
        {
            "sector": [sector_label(s, ctx.language) for s in cur.index],
            f"t_co2e_{last}": cur["t_co2e"].to_numpy(),
            "share_pct": 100 * cur["share"].to_numpy(),
            "change_since_1990_pct": 100
            * (cur["t_co2e"] / base.reindex(cur.index).where(lambda b: b > 0) - 1).to_numpy(),
        }
    )
    return out.sort_values(f"t_co2e_{last}", ascending=False).reset_index(drop=True)


def targets_table(ctx: Context) -> pd.DataFrame:
    from ..analysis.targets import target_progress

    tp = target_progress(sector_emissions(ctx), current_year=ctx.current_year)
    name = "name_sv" if ctx.language == "sv" else "name_en"
    return (
        tp[
            [
                name,
                "base_year",
                "target_year",
                "target_value",
                "trend_in_target_year",
                "gap_t",
                "required_rate",
                "on_track",
                "source",
            ]
        ]
        .rename(columns={name: "target"})
        .assign(required_rate=lambda d: 100 * d["required_rate"])
        .rename(columns={"required_rate": "required_rate_pct_per_yr"})
    )


def budget_table(ctx: Context) -> pd.DataFrame:
    r = indicators_for(ctx)
    return pd.DataFrame(
        [
            {
                "preset": r["budget_preset"],
                "budget_t_co2": r["budget_t"],
                "spent_since_start_t": r["spent_t"],
                "remaining_t": r["remaining_budget_t"],
                "required_rate_pct_per_yr": r["required_rate_pct"],
                "runs_out": r["budget_runs_out"]
                if r["budget_status"] != "holds"
                else ("aldrig" if ctx.language == "sv" else "never"),
            }
        ]
    )


def provenance_table(ctx: Context | None = None) -> pd.DataFrame:
    """Provenance of every input (publisher, release, retrieved, sha256) and the package version."""
    prov = data.provenance()
    prov["package_version"] = __version__
    return prov[["source", "publisher", "release", "retrieved_at", "sha256", "package_version"]]
