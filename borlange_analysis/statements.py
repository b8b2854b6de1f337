"""Plain-language statements generated from the numbers, in Swedish ("sv") or English ("en").

Every function takes numbers computed by the library and returns a sentence; "never" is a valid
answer and reads well.
"""

from __future__ import annotations

import math

from .errors import UnknownValueError

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
        return ("Förändringen sedan {y} kan inte beräknas." if language == "sv" else
                "The change since {y} cannot be computed.").format(y=base_year)
    if abs(change_pct) < 0.5:
        return (f"Utsläppen är i stort sett oförändrade sedan {base_year}." if language == "sv"
                else f"Emissions are about the same as in {base_year}.")
    if language == "sv":
        verb = "minskat" if change_pct < 0 else "ökat"
        return f"Utsläppen har {verb} med {fmt_pct(change_pct, 'sv')} sedan {base_year}."
    verb = "fallen" if change_pct < 0 else "risen"
    return f"Emissions have {verb} by {fmt_pct(change_pct, 'en')} since {base_year}."


def budget_statement(runs_out: float | None, current_year: int, *, language: str = "sv") -> str:
    """When the carbon budget runs out at the current trend; handles 'already' and 'never'."""
    _check(language)
    if runs_out is None or (isinstance(runs_out, float) and math.isnan(runs_out)):
        return ("Med nuvarande trend tar koldioxidbudgeten aldrig slut." if language == "sv"
                else "At the current trend the carbon budget never runs out.")
    year = int(math.floor(runs_out))
    if year < current_year:
        return (f"Koldioxidbudgeten tog slut redan {year}." if language == "sv"
                else f"The carbon budget already ran out in {year}.")
    return (f"Med nuvarande trend tar koldioxidbudgeten slut {year}." if language == "sv"
            else f"At the current trend the budget runs out in {year}.")


def net_zero_statement(net_zero_year: float | None, *, language: str = "sv") -> str:
    _check(language)
    if net_zero_year is None or (isinstance(net_zero_year, float) and math.isnan(net_zero_year)):
        return ("Med nuvarande trend når utsläppen aldrig noll." if language == "sv"
                else "At the current trend emissions never reach zero.")
    year = int(math.floor(net_zero_year))
    return (f"Med nuvarande trend når utsläppen noll år {year}." if language == "sv"
            else f"At the current trend emissions reach zero in {year}.")


def carbon_law_statement(on_track: bool, total_trend: float, total_law: float, end_year: int = 2050, *,
                         language: str = "sv") -> str:
    """Whether the trend's emissions to ``end_year`` fit within the Carbon Law pathway's."""
    _check(language)
    ratio = total_trend / total_law if total_law else math.inf
    if language == "sv":
        if on_track:
            return f"Kommunen följer koldioxidlagen: trendens utsläpp till {end_year} ryms i lagens."
        return (f"Kommunen följer inte koldioxidlagen: med nuvarande trend släpps {fmt_int(total_trend, 'sv')} ton ut "
                f"till {end_year}, {f'{ratio:.1f}'.replace('.', ',')} gånger så mycket som lagens "
                f"{fmt_int(total_law, 'sv')} ton.")
    if on_track:
        return f"The kommun is on track with the Carbon Law: its trend emissions to {end_year} fit within the law's."
    return (f"The kommun is not on track with the Carbon Law: at the current trend it emits {fmt_int(total_trend, 'en')} t "
            f"to {end_year}, {ratio:.1f} times the law's {fmt_int(total_law, 'en')} t.")


def target_statement(name: str, on_track: bool, gap_t: float, target_year: int, *, language: str = "sv") -> str:
    _check(language)
    if on_track:
        return (f"{name}: nås med nuvarande trend." if language == "sv" else f"{name}: reached at the current trend.")
    return (f"{name}: med nuvarande trend saknas {fmt_int(gap_t, 'sv')} ton år {target_year}." if language == "sv"
            else f"{name}: at the current trend {fmt_int(gap_t, 'en')} t short in {target_year}.")
