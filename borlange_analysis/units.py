"""Units and global warming potentials: the pint registry for activity data and the GWP sets.

GWP values come from ``globalwarmingpotentials`` (CC0), by named set; SMHI's kommun series and
Sweden's inventory use IPCC AR5 GWP100 (``config.DEFAULTS.gwp_set``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pandas as pd

from .config import DEFAULTS
from .errors import ParameterError, UnknownValueError

#: Unit of every emission column unless its name says otherwise.
T_CO2E = "t CO2e"
T_CO2 = "t CO2"
#: Molar mass ratio CO2/C (44/12): t CO2 per t C.
CO2_PER_C = 44.0 / 12.0
DEFAULT_GWP = DEFAULTS.gwp_set

#: Unit spellings seen in activity files, mapped to pint's.
UNIT_ALIASES = {
    "m³": "m**3",
    "m3": "m**3",
    "Nm3": "m**3",
    "Nm³": "m**3",
    "litre": "liter",
    "l": "liter",
    "L": "liter",
    "ton": "t",
    "tonne": "t",
    "tonnes": "t",
}
KNOWN_UNITS = ["t", "kg", "m3", "litre", "MWh", "kWh", "GJ", "TJ", "tkm", "km"]


@lru_cache(maxsize=1)
def _gwp_table() -> pd.DataFrame:
    import globalwarmingpotentials as gwps

    return gwps.as_frame()


def gwp_sets() -> list[str]:
    """The GWP sets available (e.g. AR4GWP100, AR5GWP100, AR6GWP100)."""
    return list(_gwp_table().columns)


def gwp(gas: str, gwp_set: str = DEFAULT_GWP) -> float:
    """Global warming potential of a gas in a named set (globalwarmingpotentials, CC0)."""
    tab = _gwp_table()
    if gwp_set not in tab.columns:
        raise UnknownValueError("GWP set", gwp_set, list(tab.columns))
    if gas == "CO2":
        return 1.0
    if gas not in tab.index:
        raise UnknownValueError("gas", gas, ["CO2", *list(tab.index[:30])])
    value = tab.loc[gas, gwp_set]
    if pd.isna(value):
        raise ParameterError(f"{gas} has no value in GWP set {gwp_set}")
    return float(value)


@lru_cache(maxsize=1)
def ureg() -> Any:
    """The pint unit registry used for activity data (t = tonne, m3, litre, MWh, GJ, tkm, ...)."""
    import pint

    reg: Any = pint.UnitRegistry()
    reg.define("tkm = [transport_work]")
    reg.define("pkm = [passenger_work]")
    reg.define("vkm = [vehicle_distance]")
    return reg


def pint_unit(unit: str) -> str:
    """The pint spelling of a unit as written in an activity or factor file."""
    text = str(unit).strip()
    return UNIT_ALIASES.get(text, text)


def quantity(amount: float, unit: str) -> Any:
    """A pint quantity from an amount and a unit string ('m3', 'm³', 'litre', 't', 'MWh', ...)."""
    import pint

    try:
        return amount * ureg()(pint_unit(unit))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError, TypeError) as exc:
        raise UnknownValueError("unit", unit, KNOWN_UNITS) from exc
