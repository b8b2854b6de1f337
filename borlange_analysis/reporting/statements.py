"""Plain-language statements generated from the numbers, in Swedish ("sv") or English ("en").

Every function takes numbers computed by the library and returns a sentence; "never" is a valid
answer and reads well.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..errors import UnknownValueError
from ..names import SECTOR_TOTAL, sectors

LANGUAGES = ("sv", "en")


def _check(language: str) -> None:
    if language not in LANGUAGES:
        raise UnknownValueError("language", language, LANGUAGES)


def fmt_int(value: float, language: str = "sv") -> str:
    """Thousands separated: 415 054 (sv, thin no-break space) / 415,054 (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    s = f"{round(value):,}"
    return s.replace(",", "\u202f") if language == "sv" else s


def fmt_pct(value: float, language: str = "sv", digits: int = 0) -> str:
    s = f"{abs(value):.{digits}f}"
    return (s.replace(".", ",") + "\u00a0%") if language == "sv" else s + " %"


def change_statement(change_pct: float, base_year: int, *, language: str = "sv") -> str:
    """'Utsläppen har minskat med 21 % sedan 1990' / 'Emissions have fallen by 21 % since 1990'."""
    _check(language)
    if change_pct is None or math.isnan(change_pct):
        return (
            "Förändringen sedan {y} kan inte beräknas."
            if language == "sv"
            else "The change since {y} cannot be computed."
        ).format(y=base_year)
    if abs(change_pct) < 0.5:
        return (
            f"Utsläppen är i stort sett oförändrade sedan {base_year}."
            if language == "sv"
            else f"Emissions are about the same as in {base_year}."
        )
    if language == "sv":
        verb = "minskat" if change_pct < 0 else "ökat"
        return f"Utsläppen har {verb} med {fmt_pct(change_pct, 'sv')} sedan {base_year}."
    verb = "fallen" if change_pct < 0 else "risen"
    return f"Emissions have {verb} by {fmt_pct(change_pct, 'en')} since {base_year}."


def budget_statement(runs_out: float | None, current_year: int, *, language: str = "sv") -> str:
    """When the carbon budget runs out at the current trend; handles 'already' and 'never'."""
    _check(language)
    if runs_out is None or (isinstance(runs_out, float) and math.isnan(runs_out)):
        return (
            "Med nuvarande trend tar koldioxidbudgeten aldrig slut."
            if language == "sv"
            else "At the current trend the carbon budget never runs out."
        )
    year = int(math.floor(runs_out))
    if year < current_year:
        return (
            f"Koldioxidbudgeten tog slut redan {year}."
            if language == "sv"
            else f"The carbon budget already ran out in {year}."
        )
    return (
        f"Med nuvarande trend tar koldioxidbudgeten slut {year}."
        if language == "sv"
        else f"At the current trend the budget runs out in {year}."
    )


def net_zero_statement(net_zero_year: float | None, *, language: str = "sv") -> str:
    _check(language)
    if net_zero_year is None or (isinstance(net_zero_year, float) and math.isnan(net_zero_year)):
        return (
            "Med nuvarande trend når utsläppen aldrig noll."
            if language == "sv"
            else "At the current trend emissions never reach zero."
        )
    year = int(math.floor(net_zero_year))
    return (
        f"Med nuvarande trend når utsläppen noll år {year}."
        if language == "sv"
        else f"At the current trend emissions reach zero in {year}."
    )


def carbon_law_statement(
    on_track: bool, total_trend: float, total_law: float, end_year: int = 2050, *, language: str = "sv"
) -> str:
    """Whether the trend's emissions to ``end_year`` fit within the Carbon Law pathway's."""
    _check(language)
    ratio = total_trend / total_law if total_law else math.inf
    if language == "sv":
        if on_track:
            return f"Kommunen följer koldioxidlagen: trendens utsläpp till {end_year} ryms i lagens."
        return (
            f"Kommunen följer inte koldioxidlagen: med nuvarande trend släpps {fmt_int(total_trend, 'sv')} ton ut "
            f"till {end_year}, {f'{ratio:.1f}'.replace('.', ',')} gånger så mycket som lagens "
            f"{fmt_int(total_law, 'sv')} ton."
        )
    if on_track:
        return f"The kommun is on track with the Carbon Law: its trend emissions to {end_year} fit within the law's."
    return (
        f"The kommun is not on track with the Carbon Law: at the current trend it emits {fmt_int(total_trend, 'en')} t "
        f"to {end_year}, {ratio:.1f} times the law's {fmt_int(total_law, 'en')} t."
    )


def target_statement(name: str, on_track: bool, gap_t: float, target_year: int, *, language: str = "sv") -> str:
    _check(language)
    if on_track:
        return f"{name}: nås med nuvarande trend." if language == "sv" else f"{name}: reached at the current trend."
    return (
        f"{name}: med nuvarande trend saknas {fmt_int(gap_t, 'sv')} ton år {target_year}."
        if language == "sv"
        else f"{name}: at the current trend {fmt_int(gap_t, 'en')} t short in {target_year}."
    )


def balance_statement(
    *,
    kommun: str,
    sink: tuple[float, float, float],
    residual_t: float,
    method: str = "top-down",
    reduction: float = 0.8,
    language: str = "sv",
) -> str:
    """'With the top-down estimate, Borlänge's forests take up about X t CO2/yr (range Y to Z); after
    a cut of 80 % the residual of R t would/would not be covered.'"""
    lo, c, hi = sink
    covered = c >= residual_t
    if language == "sv":
        m = {"top-down": "den nationella fördelningen (top-down)", "gain-loss": "IPCC:s gain-loss-metod"}.get(
            method, method
        )
        verb = "skulle täckas" if covered else "skulle inte täckas"
        return (
            f"Enligt {m} tar skogarna i {kommun} upp omkring {fmt_int(c, 'sv')} ton CO2 per år "
            f"(intervall {fmt_int(lo, 'sv')} till {fmt_int(hi, 'sv')}); efter en minskning med "
            f"{fmt_pct(reduction * 100, 'sv')} {verb} restutsläppen på {fmt_int(residual_t, 'sv')} ton."
        )
    verb = "would" if covered else "would not"
    return (
        f"With the {method} estimate, {kommun}'s forests take up about {fmt_int(c, 'en')} t CO2/yr "
        f"(range {fmt_int(lo, 'en')} to {fmt_int(hi, 'en')}); after a cut of {fmt_pct(reduction * 100, 'en')} the "
        f"residual of {fmt_int(residual_t, 'en')} t {verb} be covered."
    )


def lever_effects(
    partner: dict, *, scopes: pd.DataFrame | None = None, facility: pd.DataFrame | None = None, language: str = "sv"
) -> pd.DataFrame:
    """Effect of each of the partner's levers, computed from data (t CO2e/yr).

    A lever with ``activity`` removes ``share`` of that activity's emissions in the latest year of the
    activity data; with ``facility_share`` that share of the latest verified facility emissions.
    Levers whose data are missing say so instead of inventing a number.
    """
    rows = []
    for lev in partner.get("levers", []):
        text = lev.get("text_sv" if language == "sv" else "text_en", lev["id"])
        effect, basis = np.nan, ""
        if "activity" in lev:
            if scopes is not None and not scopes.empty and (scopes["activity"] == lev["activity"]).any():
                s = scopes[scopes["activity"] == lev["activity"]]
                y = s["year"].max()
                s = s[(s["year"] == y) & (s["basis"].isin(["", "location"]))]
                effect = lev.get("share", 1.0) * s["t_co2e"].sum()
                basis = (
                    f"{lev.get('share', 1.0):.0%} av {lev['activity']} {y}"
                    if language == "sv"
                    else f"{lev.get('share', 1.0):.0%} of {lev['activity']} in {y}"
                )
            else:
                basis = "kräver partnerns aktivitetsdata" if language == "sv" else "needs the partner's activity data"
        elif "facility_share" in lev:
            if facility is not None and not facility.empty:
                y = facility["year"].max()
                effect = lev["facility_share"] * facility.loc[facility["year"] == y, "verified_t_co2e"].sum()
                basis = f"verifierade utsläpp {y} (EU ETS)" if language == "sv" else f"verified emissions {y} (EU ETS)"
            else:
                basis = "kräver anläggningsdata" if language == "sv" else "needs facility data"
        else:
            basis = (
                f"se scenario/notebook {lev.get('scenario') or lev.get('notebook')}"
                if language == "sv"
                else f"see scenario/notebook {lev.get('scenario') or lev.get('notebook')}"
            )
        statement = (
            (
                f"{text}: tar bort {fmt_int(effect, language)} ton CO2e/år"
                if language == "sv"
                else f"{text}: removes {fmt_int(effect, language)} t CO2e/yr"
            )
            if np.isfinite(effect)
            else f"{text}: {basis}"
        )
        rows.append({"lever": lev["id"], "text": text, "effect_t_co2e": effect, "basis": basis, "statement": statement})
    return pd.DataFrame(rows, columns=["lever", "text", "effect_t_co2e", "basis", "statement"])


def sector_label(sector: str, language: str = "sv") -> str:
    """Display name of a sector in Swedish or English."""
    if sector == SECTOR_TOTAL:
        return "Alla sektorer" if language == "sv" else "All sectors"
    tab = sectors().set_index("sector")
    if language == "en" and sector in tab.index:
        return str(tab.loc[sector, "sector_en"])
    return sector
