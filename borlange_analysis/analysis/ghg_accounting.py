"""Scope 1/2/3 accounting (GHG Protocol) from a partner's activity data.

**Fuels (scope 1)**: IPCC 2006 defaults in ``reference/emission_factors.csv`` (the exact table in
``reference``, a source per row). CO2 depends on the fuel only (Vol. 2 Table 1.4); CH4 and N2O
depend on the **use** (column ``use`` of the activity file): ``road`` (Vol. 2 Table 3.2.2),
``off_road`` machinery (Table 3.3.1) or ``stationary`` combustion (Table 2.3). Diesel must say its
use; other fuels have a default (``reference/activities.csv``). Swedish pump fuels (diesel,
gasoline) carry a **biofuel share** per year under the reduction obligation
(``reference/biofuel_shares.csv``, cited; a lower bound) that the partner overrides with its
supplier's declared share (factors.csv, basis ``bio_share``): fossil CO2 counts in scope 1, the
biogenic CO2 is reported outside the scopes (``biogenic_t_co2``), CH4 and N2O count on all the fuel.

**Purchased energy (scope 2)**: factors supplied by the partner, never a project default.
Location-based: basis ``location``. Market-based, in the GHG Protocol Scope 2 Guidance's order:
``contract`` (or ``market``: guarantees of origin and other contractual instruments), ``supplier``
(the supplier's own factor), ``residual_mix``. Without any market factor the market-based row has
``status`` = ``missing`` and no number: it is never counted as zero.

**Scope 3**: factors supplied by the partner. Units are converted with pint; GWP values come from
``globalwarmingpotentials`` (AR5 GWP100 by default, as Sweden's inventory). Results in t CO2e.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from .. import reference
from ..errors import ParameterError, UnknownValueError
from ..partners import read_factors
from ..units import DEFAULT_GWP, gwp, pint_unit, quantity

USES = ("road", "off_road", "stationary")
# market-based scope 2 factor types, best first (GHG Protocol Scope 2 Guidance, Table 6.3)
MARKET_BASES = ("contract", "market", "supplier", "residual_mix")
SCOPE2_BASES = ("location",) + MARKET_BASES
STATUS_OK = "ok"
STATUS_MISSING = "missing"


@lru_cache(maxsize=1)
def activities() -> pd.DataFrame:
    """Known activities: scope, kind, needs, uses (';'-separated), default_use, pump_fuel."""
    tab = reference.table("activities.csv")
    return tab.assign(
        uses=tab["uses"].fillna("").astype(str),
        default_use=tab["default_use"].fillna("").astype(str),
        pump_fuel=tab["pump_fuel"].astype(str).str.lower() == "true",
    )


@lru_cache(maxsize=1)
def fuel_factors() -> pd.DataFrame:
    """IPCC 2006 default factors for fuels by use (a table reference and source for every row)."""
    tab = reference.table("emission_factors.csv")
    return tab.assign(use=tab["use"].fillna("").astype(str))


@lru_cache(maxsize=1)
def biofuel_shares() -> pd.DataFrame:
    """Biofuel energy share of Swedish pump fuels per fuel and year (reduction obligation), cited."""
    return reference.table("biofuel_shares.csv")


def default_bio_share(fuel: str, year: int) -> tuple[float, str, int]:
    """(share, basis, year used) for a pump fuel: the table's row for ``year``, else the nearest
    year (basis suffixed ``_nearest_year``)."""
    tab = biofuel_shares()
    rows = tab[tab["fuel"] == fuel]
    if rows.empty:
        return 0.0, "not_a_pump_fuel", year
    exact = rows[rows["year"] == year]
    if len(exact):
        r = exact.iloc[0]
        return float(r["bio_share_energy"]), str(r["basis"]), year
    r = rows.iloc[int(np.argmin(np.abs(rows["year"].to_numpy() - year)))]
    return float(r["bio_share_energy"]), f"{r['basis']}_nearest_year", int(r["year"])


def _fuel_energy_gj(row: pd.Series, ff: pd.DataFrame, where: str) -> float:
    q = quantity(row.amount, row.unit)
    ncv = float(ff["ncv_gj_per_t"].iloc[0])
    dens = float(ff["density_t_per_m3"].iloc[0])
    if q.check("[energy]"):
        return float(q.to("GJ").magnitude)
    if q.check("[mass]"):
        return float(q.to("t").magnitude) * ncv
    if q.check("[volume]"):
        return float(q.to("m**3").magnitude) * dens * ncv
    raise ParameterError(
        f"{where}: unit {row.unit!r} of fuel {row.activity!r} is not a mass, volume or energy; "
        "use t, kg, m3, litre, GJ or MWh"
    )


def _use(row: pd.Series, act: pd.Series, where: str) -> str:
    allowed = [u for u in act["uses"].split(";") if u]
    raw = row.get("use", "")
    use = "" if raw is None or (isinstance(raw, float) and np.isnan(raw)) else str(raw).strip()
    if not use:
        use = act["default_use"]
        if not use:
            raise ParameterError(
                f"{where}: fuel {row.activity!r} needs its use in the 'use' column: one of {allowed} "
                "(road vehicles, off-road machinery, stationary combustion): CH4 and N2O differ by use"
            )
    if use not in allowed:
        raise UnknownValueError(f"use of {row.activity!r} ({where})", use, allowed)
    return use


def _bio_share(row: pd.Series, act: pd.Series, factors: pd.DataFrame, where: str) -> tuple[float, str, str]:
    """(share, basis code, source) of biofuel energy in a pump fuel for the row's year."""
    if not act["pump_fuel"]:
        return 0.0, "not_a_pump_fuel", ""
    own = factors[(factors["activity"] == row.activity) & (factors["basis"] == "bio_share")]
    if "year" in own.columns:
        yr = pd.to_numeric(own["year"], errors="coerce")
        own = own[yr.isna() | (yr == int(row.year))]
    if len(own):
        f = own.iloc[-1]
        share = float(f["factor"])
        if not 0 <= share <= 1:
            raise ParameterError(f"{where}: bio_share of {row.activity!r} must be a share in [0, 1], got {share}")
        return share, "partner_declared", str(f["source"])
    share, basis, used = default_bio_share(row.activity, int(row.year))
    src = biofuel_shares()
    src = src[(src["fuel"] == row.activity) & (src["year"] == used)]["source"]
    return share, basis, str(src.iloc[0]) if len(src) else ""


def _fuel_rows(
    row: pd.Series, act: pd.Series, factors: pd.DataFrame, base: dict, gwp_set: str, where: str
) -> list[dict]:
    ff_all = fuel_factors()
    ff = ff_all[ff_all["activity"] == row.activity]
    use = _use(row, act, where)
    gj = _fuel_energy_gj(row, ff, where)
    bio, bio_basis, bio_source = _bio_share(row, act, factors, where)
    bio_ef = ff[ff["gas"] == "CO2_biogenic"]
    out = []
    for f in ff[(ff["use"] == use) | (ff["gas"] == "CO2")].itertuples(index=False):
        t_gas = gj / 1000 * f.factor * (1 if f.factor_unit == "t/TJ" else 1e-3)
        biogenic = 0.0
        if f.gas == "CO2":
            biogenic = gj / 1000 * float(bio_ef["factor"].iloc[0]) * bio if len(bio_ef) else 0.0
            t_gas *= 1 - bio
        g = gwp(str(f.gas), gwp_set)
        out.append(
            {
                **base,
                "use": use,
                "basis": "",
                "gas": f.gas,
                "energy_gj": gj,
                "bio_share": bio,
                "bio_share_basis": bio_basis,
                "t_gas": t_gas,
                "biogenic_t_co2": biogenic,
                "gwp": g,
                "gwp_set": gwp_set,
                "t_co2e": t_gas * g,
                "status": STATUS_OK,
                "factor_type": "ipcc_default",
                "factor_reference": f.reference,
                "factor_source": f.source + (f"; biofuel share: {bio_source}" if f.gas == "CO2" and bio_source else ""),
            }
        )
    return out


def _convert(row: pd.Series, f, where: str) -> float:
    num, _, den = str(f.factor_unit).partition("/")
    if not den:
        raise ParameterError(f"{where}: factor unit {f.factor_unit!r} must be '<mass>/<unit>', e.g. t/MWh")
    q = quantity(row.amount, row.unit)
    try:
        amount_in = q.to(pint_unit(den)).magnitude
    except Exception:
        raise ParameterError(f"{where}: unit {row.unit!r} cannot be converted to the factor's {den!r}") from None
    return float((amount_in * float(f.factor) * quantity(1, num)).to("t").magnitude)


def _supplied_row(base: dict, gwp_set: str, *, basis: str, t: float, status: str, ftype: str, source: str) -> dict:
    return {
        **base,
        "use": "",
        "basis": basis,
        "gas": "CO2e",
        "energy_gj": np.nan,
        "bio_share": np.nan,
        "bio_share_basis": "",
        "t_gas": t,
        "biogenic_t_co2": 0.0,
        "gwp": 1.0,
        "gwp_set": gwp_set,
        "t_co2e": t,
        "status": status,
        "factor_type": ftype,
        "factor_reference": "",
        "factor_source": source,
    }


def _scope2_rows(row: pd.Series, fac: pd.DataFrame, base: dict, gwp_set: str, where: str) -> list[dict]:
    bad = sorted(set(fac["basis"]) - set(SCOPE2_BASES))
    if bad:
        raise ParameterError(
            f"{where}: a scope 2 factor needs basis {list(SCOPE2_BASES)} (location-based, or market-based in "
            f"the GHG Protocol's order), got {bad[0]!r}"
        )
    out = []
    loc = fac[fac["basis"] == "location"]
    if len(loc):
        f = loc.iloc[-1]
        out.append(
            _supplied_row(
                base,
                gwp_set,
                basis="location",
                t=_convert(row, f, where),
                status=STATUS_OK,
                ftype="location",
                source=f.source,
            )
        )
    else:
        out.append(
            _supplied_row(base, gwp_set, basis="location", t=np.nan, status=STATUS_MISSING, ftype="missing", source="")
        )
    for b in MARKET_BASES:
        m = fac[fac["basis"] == b]
        if len(m):
            f = m.iloc[-1]
            ftype = "contract" if b == "market" else b
            t = _convert(row, f, where)
            out.append(
                _supplied_row(base, gwp_set, basis="market", t=t, status=STATUS_OK, ftype=ftype, source=f.source)
            )
            break
    else:
        out.append(
            _supplied_row(base, gwp_set, basis="market", t=np.nan, status=STATUS_MISSING, ftype="missing", source="")
        )
    return out


def scope_emissions(
    activity: pd.DataFrame, factors: pd.DataFrame | None = None, *, gwp_set: str = DEFAULT_GWP
) -> pd.DataFrame:
    """Convert activity data to emissions by scope (GHG Protocol).

    Returns one row per activity row and gas (fuels) or per activity row and basis (scope 2:
    ``location`` and ``market``): partner_id, year, activity, scope, amount, unit, use, basis, gas,
    energy_gj, bio_share, bio_share_basis (``reduction_obligation_level``, ``..._nearest_year``,
    ``partner_declared``, ``not_a_pump_fuel``), t_gas (fossil part for CO2), biogenic_t_co2 (outside
    the scopes), gwp, gwp_set, t_co2e, status (``ok`` / ``missing``: no factor, t_co2e NaN),
    factor_type (``ipcc_default``, ``location``, ``contract``, ``supplier``, ``residual_mix``,
    ``supplied``, ``missing``), factor_reference, factor_source, note. Errors name the row (file and
    line) for an unknown activity or use, a unit that does not fit, or an activity with no factor at
    all.
    """
    factors = factors if factors is not None else read_factors(None)
    factors = factors.assign(basis=factors["basis"].fillna("").astype(str)) if len(factors) else factors
    acts = activities().set_index("activity")
    where_file = activity.attrs.get("path", "activity data")
    out: list[dict] = []
    for rec in activity.to_dict("records"):
        row = pd.Series(rec)
        where = f"{where_file}: row {rec.get('_row', '?')} ({row.activity}, {row.amount} {row.unit})"
        if row.activity not in acts.index:
            raise UnknownValueError(f"activity ({where})", row.activity, list(acts.index))
        act = acts.loc[row.activity]
        scope = int(act["scope"])
        base = {
            "partner_id": row.partner_id,
            "year": int(row.year),
            "activity": row.activity,
            "scope": scope,
            "amount": row.amount,
            "unit": row.unit,
            "note": row.get("note", ""),
        }
        if act["kind"] == "fuel":
            out.extend(_fuel_rows(row, act, factors, base, gwp_set, where))
            continue
        fac = factors[factors["activity"] == row.activity] if len(factors) else factors
        if fac.empty:
            raise ParameterError(
                f"{where}: no emission factor for {row.activity!r}. Supply one in factors.csv beside the activity "
                "file (activity,basis,factor,factor_unit,source), e.g. the utility's published district-heat factor; "
                "the project has no default for it."
            )
        if scope == 2:
            out.extend(_scope2_rows(row, fac, base, gwp_set, where))
            continue
        for f in fac.itertuples(index=False):
            t = _convert(row, f, where)
            out.append(_supplied_row(base, gwp_set, basis="", t=t, status=STATUS_OK, ftype="supplied", source=f.source))
    return pd.DataFrame(out)


SUMMARY_COLUMNS = [
    "year",
    "scope_1",
    "scope_2_location",
    "scope_2_market",
    "scope_3",
    "scope_2_location_status",
    "scope_2_market_status",
    "scope_2_market_known_t",
    "scope_2_market_missing",
    "biogenic_co2_outside_scopes_t",
]


def _status(rows: pd.DataFrame) -> str:
    if rows.empty:
        return "none"
    missing = (rows["status"] == STATUS_MISSING).sum()
    return "complete" if missing == 0 else ("missing" if missing == len(rows) else "partly_missing")


def scope_summary(scopes: pd.DataFrame) -> pd.DataFrame:
    """Totals per year (t CO2e): scope_1, scope_2_location, scope_2_market, scope_3, with
    scope_2_location_status / scope_2_market_status (``complete``, ``partly_missing``, ``missing``,
    ``none`` when there is no scope 2 activity). A scope 2 total is NaN unless every activity has a
    factor (never counted as zero); scope_2_market_known_t sums the activities that have one and
    scope_2_market_missing lists the activities without (';'-separated).
    biogenic_co2_outside_scopes_t: biogenic CO2 of biofuels (reported apart, GHG Protocol)."""
    if scopes.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    rows = []
    for year, s in scopes.groupby("year"):
        s2 = s[s["scope"] == 2]
        loc, mkt = s2[s2["basis"] == "location"], s2[s2["basis"] == "market"]
        loc_status, mkt_status = _status(loc), _status(mkt)
        rows.append(
            {
                "year": year,
                "scope_1": s.loc[s["scope"] == 1, "t_co2e"].sum() if (s["scope"] == 1).any() else np.nan,
                "scope_2_location": loc["t_co2e"].sum() if loc_status == "complete" else np.nan,
                "scope_2_market": mkt["t_co2e"].sum() if mkt_status == "complete" else np.nan,
                "scope_3": s.loc[s["scope"] == 3, "t_co2e"].sum() if (s["scope"] == 3).any() else np.nan,
                "scope_2_location_status": loc_status,
                "scope_2_market_status": mkt_status,
                "scope_2_market_known_t": mkt.loc[mkt["status"] == STATUS_OK, "t_co2e"].sum() if len(mkt) else np.nan,
                "scope_2_market_missing": ";".join(
                    sorted(set(mkt.loc[mkt["status"] == STATUS_MISSING, "activity"].astype(str)))
                ),
                "biogenic_co2_outside_scopes_t": s["biogenic_t_co2"].sum(),
            }
        )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
