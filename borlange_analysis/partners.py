"""Partners: the registry, facility data (EU ETS), and scope 1/2/3 accounting from activity data.

- :func:`partners` reads and validates ``data/partners.toml`` (or another file): unknown sector,
  duplicate id, unknown kind or an EU ETS installation that does not exist fail clearly.
- :func:`facility_series` and :func:`facility_share`: verified emissions per year (EUTL) and their
  share of the kommun's SMHI sector in the same year, with the remainder other sources cause. The
  two come from different publishers and methods; every table says which release it divides by.
- :func:`scope_emissions`: activity data (CSV template ``partner_id, year, activity, amount, unit,
  note``) -> scope 1, 2 (location- and market-based where factors allow) and 3, per GHG Protocol
  conventions. Fuel factors: IPCC 2006 defaults (``data/emission_factors.csv``, a source per row);
  electricity, district heat and scope-3 factors must be supplied by the user: no default pretends
  to know them. Units are converted with pint; GWP values come from ``globalwarmingpotentials``
  with the set named (AR5 GWP100 by default, as Sweden's inventory uses).
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .errors import DataFileError, ParameterError, UnknownValueError
from .names import sector_names

KINDS = ("municipality", "utility", "university", "company", "innovation_hub", "science_centre",
         "housing_company", "other")
DEFAULT_GWP = "AR5GWP100"
REGISTRY_FILE = config.PACKAGE_DATA / "partners.toml"
EXAMPLE_ACTIVITY = config.PACKAGE_DATA / "example_activity.csv"
EXAMPLE_FACTORS = config.PACKAGE_DATA / "example_factors.csv"
ILLUSTRATIVE = "ILLUSTRATIVE"


# --- GWP and units ------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _gwp_table() -> pd.DataFrame:
    import globalwarmingpotentials as gwps

    return gwps.as_frame()


def gwp(gas: str, gwp_set: str = DEFAULT_GWP) -> float:
    """Global warming potential of a gas in a named set (globalwarmingpotentials, CC0)."""
    tab = _gwp_table()
    if gwp_set not in tab.columns:
        raise UnknownValueError("GWP set", gwp_set, list(tab.columns))
    if gas == "CO2":
        return 1.0
    if gas not in tab.index:
        raise UnknownValueError("gas", gas, ["CO2"] + list(tab.index[:30]))
    value = tab.loc[gas, gwp_set]
    if pd.isna(value):
        raise ParameterError(f"{gas} has no value in GWP set {gwp_set}")
    return float(value)


@lru_cache(maxsize=1)
def ureg():
    """The pint unit registry used for activity data (t = tonne, m3, litre, MWh, GJ, tkm, ...)."""
    import pint

    reg = pint.UnitRegistry()
    reg.define("tkm = [transport_work]")
    reg.define("pkm = [passenger_work]")
    reg.define("vkm = [vehicle_distance]")
    return reg


_UNIT_ALIASES = {"m³": "m**3", "m3": "m**3", "Nm3": "m**3", "Nm³": "m**3", "litre": "liter", "l": "liter",
                 "L": "liter", "ton": "t", "tonne": "t", "tonnes": "t"}


def quantity(amount: float, unit: str):
    """A pint quantity from an amount and a unit string ('m3', 'm³', 'litre', 't', 'MWh', ...)."""
    import pint

    u = _UNIT_ALIASES.get(str(unit).strip(), str(unit).strip())
    try:
        return amount * ureg()(u)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError, TypeError) as exc:
        raise UnknownValueError("unit", unit, ["t", "kg", "m3", "litre", "MWh", "kWh", "GJ", "TJ", "tkm", "km"]) from exc


# --- registry -----------------------------------------------------------------------------------

def validate_registry(entries: list[dict], *, installations: set[str] | None = None, file: str = "partners.toml") -> None:
    """Raise a clear error for duplicate ids, unknown kinds or sectors, or installations not found."""
    seen = set()
    valid_sectors = sector_names()
    for i, p in enumerate(entries, start=1):
        for key in ("id", "name", "kind", "kommun"):
            if not p.get(key):
                raise DataFileError(f"{file}: partner #{i} has no {key!r}")
        if p["id"] in seen:
            raise DataFileError(f"{file}: duplicate partner id {p['id']!r} (partner #{i})")
        seen.add(p["id"])
        if p["kind"] not in KINDS:
            raise UnknownValueError(f"partner kind (in {file}, partner {p['id']!r})", p["kind"], KINDS)
        for s in p.get("sectors", []):
            if s not in valid_sectors:
                raise UnknownValueError(f"sector (in {file}, partner {p['id']!r})", s, valid_sectors)
        if installations is not None:
            for inst in p.get("ets_installations", []):
                if inst not in installations:
                    raise UnknownValueError(f"EU ETS installation (in {file}, partner {p['id']!r})", inst,
                                            sorted(installations))
        for fact in p.get("facts", []):
            if not fact.get("source"):
                raise DataFileError(f"{file}: partner {p['id']!r} has a fact without a source: {fact.get('text')!r}")


def partners(path: str | Path | None = None, *, check_installations: bool = True) -> list[dict]:
    """All partners from the registry file (validated). Each is a dict as in the TOML file."""
    path = Path(path or REGISTRY_FILE)
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("partner", [])
    except FileNotFoundError:
        raise DataFileError(f"partner registry {path} not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path}: invalid TOML: {exc}") from None
    installations = None
    if check_installations:
        from . import data

        installations = set(data.load_table("ets_installations")["installation_id"])
    validate_registry(entries, installations=installations, file=str(path))
    for p in entries:
        p.setdefault("ets_installations", [])
        p.setdefault("sectors", [])
        p.setdefault("facts", [])
        p.setdefault("missing", [])
        p.setdefault("levers", [])
        p["confidential"] = bool(p.get("confidential", False)) or (config.partners_data_dir() / p["id"] / "CONFIDENTIAL").exists()
    return entries


def partner_ids(kommun: str | None = None, path=None) -> list[str]:
    from . import data

    code = data.kommun_code(kommun) if kommun is not None else None
    return [p["id"] for p in partners(path) if code is None or p["kommun"] == code]


def get_partner(partner_id: str, path=None) -> dict:
    entries = partners(path)
    for p in entries:
        if p["id"] == partner_id:
            return p
    raise UnknownValueError("partner", partner_id, [p["id"] for p in entries])


def profile_table(partner: dict) -> pd.DataFrame:
    """The partner's public facts with sources, and the facts still missing."""
    rows = [{"kind": "fact", "text": f["text"], "source": f["source"]} for f in partner["facts"]]
    rows += [{"kind": "missing", "text": m, "source": ""} for m in partner["missing"]]
    return pd.DataFrame(rows, columns=["kind", "text", "source"])


# --- facility data ------------------------------------------------------------------------------

def facility_series(partner: dict) -> pd.DataFrame:
    """Verified emissions (t CO2e, EUTL) per installation and year for the partner's installations."""
    from . import data

    ids = partner["ets_installations"]
    if not ids:
        return pd.DataFrame(columns=["installation_id", "name", "year", "verified_t_co2e", "source"])
    em = data.load_ets_emissions(ids)
    inst = data.load_ets_installations()[["installation_id", "name"]]
    return em.merge(inst, on="installation_id")[["installation_id", "name", "year", "verified_t_co2e", "source"]]


def facility_share(partner: dict, *, release: str = "2021", sector: str | None = None) -> pd.DataFrame:
    """The partner's verified emissions as a share of its kommun's SMHI sector, year by year.

    Columns: year, verified_t_co2e (EUTL), sector, sector_t_co2e (SMHI release ``release``),
    share, remainder_t_co2e (what other sources in the sector cause), release, note. Only years
    present in both sources; the note says that the figures come from different publishers.
    """
    from . import data

    fac = facility_series(partner)
    if fac.empty:
        return pd.DataFrame(columns=["year", "verified_t_co2e", "sector", "sector_t_co2e", "share",
                                     "remainder_t_co2e", "release", "note"])
    sector = sector or (partner["sectors"][0] if partner["sectors"] else "Industri (energi + processer)")
    sec = data.load_emissions(partner["kommun"], release=release, level="sector", sector=sector)
    per_year = fac.groupby("year", as_index=False)["verified_t_co2e"].sum()
    out = per_year.merge(sec[["year", "sector", "t_co2e"]].rename(columns={"t_co2e": "sector_t_co2e"}), on="year")
    out["share"] = out["verified_t_co2e"] / out["sector_t_co2e"]
    out["remainder_t_co2e"] = out["sector_t_co2e"] - out["verified_t_co2e"]
    out["release"] = data.resolve_release(release)
    out["note"] = (f"EU ETS verified emissions (EUTL) divided by SMHI's sector figure, release "
                   f"{out['release'].iloc[0] if len(out) else release}: different publishers and methods")
    return out


# --- activity data and scopes -----------------------------------------------------------------------

@lru_cache(maxsize=1)
def activities() -> pd.DataFrame:
    return pd.read_csv(config.PACKAGE_DATA / "activities.csv")


@lru_cache(maxsize=1)
def fuel_factors() -> pd.DataFrame:
    """IPCC 2006 default factors for fuels (a source for every row)."""
    return pd.read_csv(config.PACKAGE_DATA / "emission_factors.csv")


ACTIVITY_COLUMNS = ["partner_id", "year", "activity", "amount", "unit", "note"]


def read_activity(path: str | Path) -> pd.DataFrame:
    """Read an activity CSV in the template (comment lines starting with '#' allowed)."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"activity file {path} not found (template: borlange_analysis/data/activity_template.csv)")
    frame = pd.read_csv(path, comment="#", dtype={"partner_id": str, "activity": str, "unit": str, "note": str})
    missing = [c for c in ACTIVITY_COLUMNS if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path}: row 1: missing columns {missing}; expected {ACTIVITY_COLUMNS}")
    frame["note"] = frame["note"].fillna("")
    frame["_row"] = np.arange(2, len(frame) + 2)
    bad = frame[pd.to_numeric(frame["amount"], errors="coerce").isna()]
    if len(bad):
        r = bad.iloc[0]
        raise DataFileError(f"{path}: row {r['_row']}, column 'amount': value {r['amount']!r} is not a number")
    frame["amount"] = frame["amount"].astype(float)
    if (frame["amount"] < 0).any():
        r = frame[frame["amount"] < 0].iloc[0]
        raise DataFileError(f"{path}: row {r['_row']}, column 'amount': negative amount {r['amount']}")
    frame.attrs["path"] = str(path)
    return frame


def read_factors(path: str | Path | None) -> pd.DataFrame:
    """User-supplied factors (activity, basis, factor, factor_unit, source) for scope 2 and 3."""
    cols = ["activity", "basis", "factor", "factor_unit", "source"]
    if path is None or not Path(path).is_file():
        return pd.DataFrame(columns=cols)
    frame = pd.read_csv(path, comment="#", dtype={"basis": str}).fillna({"basis": ""})
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path}: missing columns {missing}; expected {cols}")
    if frame["source"].isna().any() or (frame["source"].astype(str).str.strip() == "").any():
        raise DataFileError(f"{path}: every factor needs a source")
    return frame


def partner_activity(partner_id: str) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    """The partner's own activity data and factors from ``data/partners/<id>/`` (None if absent)."""
    folder = config.partners_data_dir() / partner_id
    act = folder / "activity.csv"
    if not act.is_file():
        return None, read_factors(None)
    return read_activity(act), read_factors(folder / "factors.csv")


def example_activity() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The example activity data shipped with the project: ILLUSTRATIVE, not a partner's figures."""
    return read_activity(EXAMPLE_ACTIVITY), read_factors(EXAMPLE_FACTORS)


def is_illustrative(activity: pd.DataFrame) -> bool:
    return activity["note"].astype(str).str.contains(ILLUSTRATIVE).any()


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
    raise ParameterError(f"{where}: unit {row.unit!r} of fuel {row.activity!r} is not a mass, volume or energy; "
                         "use t, kg, m3, litre, GJ or MWh")


def scope_emissions(activity: pd.DataFrame, factors: pd.DataFrame | None = None, *, gwp_set: str = DEFAULT_GWP) -> pd.DataFrame:
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
        base = {"partner_id": row.partner_id, "year": int(row.year), "activity": row.activity, "scope": scope,
                "amount": row.amount, "unit": row.unit, "note": row.note}
        if acts.loc[row.activity, "kind"] == "fuel":
            ff = ff_all[ff_all["activity"] == row.activity]
            gj = _fuel_energy_gj(row, ff, where)
            for f in ff.itertuples(index=False):
                t_gas = gj / 1000 * f.factor * (1 if f.factor_unit == "t/TJ" else 1e-3)
                g = gwp(f.gas, gwp_set)
                out.append({**base, "basis": "", "gas": f.gas, "energy_gj": gj, "t_gas": t_gas, "gwp": g,
                            "gwp_set": gwp_set, "t_co2e": t_gas * g, "factor_source": f.source})
            continue
        fac = factors[factors["activity"] == row.activity]
        if fac.empty:
            raise ParameterError(
                f"{where}: no emission factor for {row.activity!r}. Supply one in factors.csv beside the activity "
                "file (activity,basis,factor,factor_unit,source), e.g. the utility's published district-heat factor; "
                "the project has no default for it.")
        for f in fac.itertuples(index=False):
            num, _, den = str(f.factor_unit).partition("/")
            if not den:
                raise ParameterError(f"{where}: factor unit {f.factor_unit!r} must be '<mass>/<unit>', e.g. t/MWh")
            q = quantity(row.amount, row.unit)
            try:
                amount_in = q.to(_UNIT_ALIASES.get(den, den)).magnitude
            except Exception:
                raise ParameterError(f"{where}: unit {row.unit!r} cannot be converted to the factor's {den!r}") from None
            t = (amount_in * f.factor * quantity(1, num)).to("t").magnitude
            basis = f.basis if scope == 2 else ""
            if scope == 2 and basis not in ("location", "market"):
                raise ParameterError(f"{where}: a scope 2 factor needs basis 'location' or 'market', got {f.basis!r}")
            out.append({**base, "basis": basis, "gas": "CO2e", "energy_gj": np.nan, "t_gas": t, "gwp": 1.0,
                        "gwp_set": gwp_set, "t_co2e": t, "factor_source": f.source})
    return pd.DataFrame(out)


def scope_summary(scopes: pd.DataFrame) -> pd.DataFrame:
    """Totals per year: scope 1, scope 2 location-based, scope 2 market-based, scope 3 (t CO2e)."""
    if scopes.empty:
        return pd.DataFrame(columns=["year", "scope_1", "scope_2_location", "scope_2_market", "scope_3"])
    s = scopes.copy()
    s["column"] = np.select([s["scope"] == 1, (s["scope"] == 2) & (s["basis"] == "location"),
                             (s["scope"] == 2) & (s["basis"] == "market"), s["scope"] == 3],
                            ["scope_1", "scope_2_location", "scope_2_market", "scope_3"], "other")
    wide = s.pivot_table(index="year", columns="column", values="t_co2e", aggfunc="sum").reset_index()
    for c in ("scope_1", "scope_2_location", "scope_2_market", "scope_3"):
        if c not in wide:
            wide[c] = np.nan
    return wide[["year", "scope_1", "scope_2_location", "scope_2_market", "scope_3"]]


def lever_effects(partner: dict, *, scopes: pd.DataFrame | None = None, facility: pd.DataFrame | None = None,
                  language: str = "sv") -> pd.DataFrame:
    """Effect of each of the partner's levers, computed from data (t CO2e/yr).

    A lever with ``activity`` removes ``share`` of that activity's emissions in the latest year of the
    activity data; with ``facility_share`` that share of the latest verified facility emissions.
    Levers whose data are missing say so instead of inventing a number.
    """
    from .statements import fmt_int

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
                basis = (f"{lev.get('share', 1.0):.0%} av {lev['activity']} {y}" if language == "sv"
                         else f"{lev.get('share', 1.0):.0%} of {lev['activity']} in {y}")
            else:
                basis = ("kräver partnerns aktivitetsdata" if language == "sv" else "needs the partner's activity data")
        elif "facility_share" in lev:
            if facility is not None and not facility.empty:
                y = facility["year"].max()
                effect = lev["facility_share"] * facility.loc[facility["year"] == y, "verified_t_co2e"].sum()
                basis = (f"verifierade utsläpp {y} (EU ETS)" if language == "sv" else f"verified emissions {y} (EU ETS)")
            else:
                basis = "kräver anläggningsdata" if language == "sv" else "needs facility data"
        else:
            basis = (f"se scenario/notebook {lev.get('scenario') or lev.get('notebook')}" if language == "sv"
                     else f"see scenario/notebook {lev.get('scenario') or lev.get('notebook')}")
        statement = (f"{text}: tar bort {fmt_int(effect, language)} ton CO2e/år" if language == "sv"
                     else f"{text}: removes {fmt_int(effect, language)} t CO2e/yr") if np.isfinite(effect) else f"{text}: {basis}"
        rows.append({"lever": lev["id"], "text": text, "effect_t_co2e": effect, "basis": basis, "statement": statement})
    return pd.DataFrame(rows, columns=["lever", "text", "effect_t_co2e", "basis", "statement"])


def partner_pathway(facility: pd.DataFrame, *, target_year: int = 2030, reduction: float = 0.8, base_year: int | None = None,
                    current_year: int = 2026) -> pd.DataFrame:
    """A pathway for the partner against the kommun's target: a straight line from its latest verified
    emissions to ``(1 - reduction) x base`` in the target year (base = first verified year unless
    given). Returns year, t_co2e, kind ('verified'/'target_path')."""
    if facility is None or facility.empty:
        return pd.DataFrame(columns=["year", "t_co2e", "kind"])
    per = facility.groupby("year", as_index=False)["verified_t_co2e"].sum()
    base_year = base_year or int(per["year"].min())
    base = float(per.loc[per["year"] == base_year, "verified_t_co2e"].iloc[0])
    last_y, last_v = int(per["year"].max()), float(per["verified_t_co2e"].iloc[-1])
    target = base * (1 - reduction)
    years = np.arange(last_y, target_year + 1)
    path = last_v + (target - last_v) * (years - last_y) / max(target_year - last_y, 1)
    return pd.concat([per.rename(columns={"verified_t_co2e": "t_co2e"}).assign(kind="verified"),
                      pd.DataFrame({"year": years, "t_co2e": path, "kind": "target_path"})], ignore_index=True)
