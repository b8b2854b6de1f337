"""Scope 1/2/3 accounting (GHG Protocol) from a partner's activity data.

Fuel factors: IPCC 2006 defaults (``reference/emission_factors.csv``, a source per row);
electricity, district heat and scope-3 factors must be supplied by the user: no default pretends
to know them. Units are converted with pint; GWP values come from ``globalwarmingpotentials`` with
the set named (AR5 GWP100 by default, as Sweden's inventory uses). Results in t CO2e.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import reference
from ..errors import ParameterError, UnknownValueError
from ..partners import read_factors
from ..units import DEFAULT_GWP, gwp, pint_unit, quantity


@lru_cache(maxsize=1)
def activities() -> pd.DataFrame:
    return reference.table("activities.csv")


@lru_cache(maxsize=1)
def fuel_factors() -> pd.DataFrame:
    """IPCC 2006 default factors for fuels (a source for every row)."""
    return reference.table("emission_factors.csv")


def _fuel_energy_gj(row, ff: pd.DataFrame, where: str) -> float:
    q = quantity(row.amount, row.unit)
    ncv = float(ff["ncv_gj_per_t"].iloc[0])
    dens = float(ff["density_t_per_m3"].iloc[0])
    if q.check("[energy]"):
        return q.to("GJ").magnitude
    if q.check("[mass]"):
        return q.to("t").magnitude * ncv
    if q.check("[volume]"):
        return q.to("m**3").magnitude * dens * ncv
    raise ParameterError(
        f"{where}: unit {row.unit!r} of fuel {row.activity!r} is not a mass, volume or energy; "
        "use t, kg, m3, litre, GJ or MWh"
    )


def scope_emissions(
    activity: pd.DataFrame, factors: pd.DataFrame | None = None, *, gwp_set: str = DEFAULT_GWP
) -> pd.DataFrame:
    """Convert activity data to emissions by scope (GHG Protocol).

    Returns one row per activity row, gas and basis: partner_id, year, activity, scope, basis
    ('' for scope 1 and 3, 'location'/'market' for scope 2), gas, t_gas, gwp, gwp_set, t_co2e,
    factor_source, note. Errors name the row (file and line) for an unknown activity, a unit that
    does not fit, or a missing factor.
    """
    factors = factors if factors is not None else read_factors(None)
    acts = activities().set_index("activity")
    ff_all = fuel_factors()
    where_file = activity.attrs.get("path", "activity data")
    out = []
    for rec in activity.to_dict("records"):
        row = pd.Series(rec)
        where = f"{where_file}: row {rec.get('_row', '?')} ({row.activity}, {row.amount} {row.unit})"
        if row.activity not in acts.index:
            raise UnknownValueError(f"activity ({where})", row.activity, list(acts.index))
        scope = int(acts.loc[row.activity, "scope"])
        base = {
            "partner_id": row.partner_id,
            "year": int(row.year),
            "activity": row.activity,
            "scope": scope,
            "amount": row.amount,
            "unit": row.unit,
            "note": row.note,
        }
        if acts.loc[row.activity, "kind"] == "fuel":
            ff = ff_all[ff_all["activity"] == row.activity]
            gj = _fuel_energy_gj(row, ff, where)
            for f in ff.itertuples(index=False):
                t_gas = gj / 1000 * f.factor * (1 if f.factor_unit == "t/TJ" else 1e-3)
                g = gwp(f.gas, gwp_set)
                out.append(
                    {
                        **base,
                        "basis": "",
                        "gas": f.gas,
                        "energy_gj": gj,
                        "t_gas": t_gas,
                        "gwp": g,
                        "gwp_set": gwp_set,
                        "t_co2e": t_gas * g,
                        "factor_source": f.source,
                    }
                )
            continue
        fac = factors[factors["activity"] == row.activity]
        if fac.empty:
            raise ParameterError(
                f"{where}: no emission factor for {row.activity!r}. Supply one in factors.csv beside the activity "
                "file (activity,basis,factor,factor_unit,source), e.g. the utility's published district-heat factor; "
                "the project has no default for it."
            )
        for f in fac.itertuples(index=False):
            num, _, den = str(f.factor_unit).partition("/")
            if not den:
                raise ParameterError(f"{where}: factor unit {f.factor_unit!r} must be '<mass>/<unit>', e.g. t/MWh")
            q = quantity(row.amount, row.unit)
            try:
                amount_in = q.to(pint_unit(den)).magnitude
            except Exception:
                raise ParameterError(
                    f"{where}: unit {row.unit!r} cannot be converted to the factor's {den!r}"
                ) from None
            t = (amount_in * f.factor * quantity(1, num)).to("t").magnitude
            basis = f.basis if scope == 2 else ""
            if scope == 2 and basis not in ("location", "market"):
                raise ParameterError(f"{where}: a scope 2 factor needs basis 'location' or 'market', got {f.basis!r}")
            out.append(
                {
                    **base,
                    "basis": basis,
                    "gas": "CO2e",
                    "energy_gj": np.nan,
                    "t_gas": t,
                    "gwp": 1.0,
                    "gwp_set": gwp_set,
                    "t_co2e": t,
                    "factor_source": f.source,
                }
            )
    return pd.DataFrame(out)


def scope_summary(scopes: pd.DataFrame) -> pd.DataFrame:
    """Totals per year: scope 1, scope 2 location-based, scope 2 market-based, scope 3 (t CO2e)."""
    if scopes.empty:
        return pd.DataFrame(columns=["year", "scope_1", "scope_2_location", "scope_2_market", "scope_3"])
    s = scopes.copy()
    s["column"] = np.select(
        [
            s["scope"] == 1,
            (s["scope"] == 2) & (s["basis"] == "location"),
            (s["scope"] == 2) & (s["basis"] == "market"),
            s["scope"] == 3,
        ],
        ["scope_1", "scope_2_location", "scope_2_market", "scope_3"],
        "other",
    )
    wide = s.pivot_table(index="year", columns="column", values="t_co2e", aggfunc="sum").reset_index()
    for c in ("scope_1", "scope_2_location", "scope_2_market", "scope_3"):
        if c not in wide:
            wide[c] = np.nan
    return wide[["year", "scope_1", "scope_2_location", "scope_2_market", "scope_3"]]
