"""Facility data: EU ETS verified emissions of a partner's installations, their share of the
kommun's SMHI sector, and a straight pathway from the latest verified year to a target.

Verified emissions are t CO2e per installation and year from the EU Transaction Log (EUTL); SMHI's
sector figures come from another publisher and method, and every table says which release it
divides by.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ParameterError, UnknownValueError
from ..names import industry_sector


def facility_series(partner: dict) -> pd.DataFrame:
    """Verified emissions (t CO2e, EUTL) per installation and year for the partner's installations."""
    from .. import data

    ids = partner["ets_installations"]
    if not ids:
        return pd.DataFrame(columns=["installation_id", "name", "year", "verified_t_co2e", "source"])
    em = data.load_ets_emissions(ids)
    inst = data.load_ets_installations()[["installation_id", "name"]]
    return em.merge(inst, on="installation_id")[["installation_id", "name", "year", "verified_t_co2e", "source"]]


def facility_share(partner: dict, *, release: str = "2021", sector: str | None = None) -> pd.DataFrame:
    """The partner's verified emissions as a share of its kommun's SMHI sector, year by year.

    Columns: year, verified_t_co2e (EUTL), sector, sector_t_co2e (SMHI release ``release``),
    share, remainder_t_co2e (what other sources in the sector cause), release, basis (code
    ``eutl_verified_over_smhi_sector``: two publishers and methods, pages say so). Only years present
    in both sources.
    """
    from .. import data

    fac = facility_series(partner)
    if fac.empty:
        return pd.DataFrame(
            columns=[
                "year",
                "verified_t_co2e",
                "sector",
                "sector_t_co2e",
                "share",
                "remainder_t_co2e",
                "release",
                "basis",
            ]
        )
    sector = sector or (partner["sectors"][0] if partner["sectors"] else industry_sector())
    sec = data.load_emissions(partner["kommun"], release=release, level="sector", sector=sector)
    per_year = fac.groupby("year", as_index=False)["verified_t_co2e"].sum()
    out = per_year.merge(sec[["year", "sector", "t_co2e"]].rename(columns={"t_co2e": "sector_t_co2e"}), on="year")
    out["share"] = out["verified_t_co2e"] / out["sector_t_co2e"]
    out["remainder_t_co2e"] = out["sector_t_co2e"] - out["verified_t_co2e"]
    out["release"] = data.resolve_release(release)
    out["basis"] = "eutl_verified_over_smhi_sector"
    return out


def partner_pathway(
    facility: pd.DataFrame,
    *,
    target_year: int = 2030,
    reduction: float = 0.8,
    base_year: int | None = None,
    current_year: int = 2026,
) -> pd.DataFrame:
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
    return pd.concat(
        [
            per.rename(columns={"verified_t_co2e": "t_co2e"}).assign(kind="verified"),
            pd.DataFrame({"year": years, "t_co2e": path, "kind": "target_path"}),
        ],
        ignore_index=True,
    )


# --- the kommun's verified EU ETS emissions and a plant's biogenic share ----------------------------


def kommun_verified_ets(ets_emissions: pd.DataFrame, installations: pd.DataFrame) -> pd.DataFrame:
    """Verified EU ETS emissions summed per kommun and year over the installations located in the
    kommun (t CO2e, EUTL). Only years in which at least one of the kommun's installations reports
    a value appear; installations without a kommun (aircraft operators, unmatched addresses) are
    left out and counted in ``unmatched_installations`` per year.

    Columns: kommun_code, year, verified_t_co2e, installations (number reporting), unmatched_installations.
    """
    em = ets_emissions.dropna(subset=["verified_t_co2e"])
    em = em.merge(installations[["installation_id", "kommun_code"]], on="installation_id", how="left")
    unmatched = em[em["kommun_code"].isna()].groupby("year")["installation_id"].nunique()
    out = (
        em.dropna(subset=["kommun_code"])
        .groupby(["kommun_code", "year"], as_index=False)
        .agg(verified_t_co2e=("verified_t_co2e", "sum"), installations=("installation_id", "nunique"))
    )
    out["unmatched_installations"] = out["year"].map(unmatched).fillna(0).astype(int)
    return out


def plant_biogenic_share(
    installation_id: str,
    *,
    fallback: tuple[float, float, float] = (0.5, 0.6, 0.7),
) -> dict:
    """The biogenic share of an EU ETS plant's flue-gas CO2, from data where they exist.

    Fossil CO2 = the plant's latest verified emissions (EUTL). With Klimatbyrån's biogenic-CO2
    estimate for the plant's kommun (data.load_biogenic_co2, latest year) the share is
    biogenic / (biogenic + fossil), basis ``kommun_biogenic_co2_attributed_to_plant``: it attributes
    all of the kommun's biogenic CO2 to this one plant and combines different years (caveats in
    ``caveats``). Without biogenic data: the labelled assumption ``fallback`` (low, value, high),
    basis ``assumption_waste_biogenic_share``. The low/high range spans the data estimate and the
    assumption's range.

    Returns a dict: installation_id, kommun_code, fossil_t_co2, fossil_year, biogenic_t_co2,
    biogenic_year, biogenic_share, biogenic_share_low, biogenic_share_high, basis, caveats (list of
    codes: ``kommun_total_not_plant``, ``years_differ``), source.
    """
    from .. import data

    inst = data.load_ets_installations()
    row = inst[inst["installation_id"] == installation_id]
    if row.empty:
        raise UnknownValueError("EU ETS installation", installation_id, sorted(inst["installation_id"]))
    em = data.load_ets_emissions([installation_id]).dropna(subset=["verified_t_co2e"]).sort_values("year")
    if em.empty:
        raise ParameterError(f"EU ETS installation {installation_id} has no verified emissions in the EUTL extract")
    fossil, fossil_year = float(em["verified_t_co2e"].iloc[-1]), int(em["year"].iloc[-1])
    code = row["kommun_code"].iloc[0]
    bio = data.load_biogenic_co2(code) if isinstance(code, str) and code else pd.DataFrame()
    lo, val, hi = fallback
    out = {
        "installation_id": installation_id,
        "kommun_code": code if isinstance(code, str) else "",
        "fossil_t_co2": fossil,
        "fossil_year": fossil_year,
        "biogenic_t_co2": np.nan,
        "biogenic_year": np.nan,
        "biogenic_share": val,
        "biogenic_share_low": lo,
        "biogenic_share_high": hi,
        "basis": "assumption_waste_biogenic_share",
        "caveats": [],
        "source": "assumption waste_biogenic_share (reference/sink_parameters.csv); EUTL verified emissions",
    }
    bio = bio.dropna(subset=["t_co2"]) if len(bio) else bio
    if len(bio) and fossil + float(bio.sort_values("year")["t_co2"].iloc[-1]) > 0:
        last = bio.sort_values("year").iloc[-1]
        b, by = float(last["t_co2"]), int(last["year"])
        share = b / (b + fossil)
        out |= {
            "biogenic_t_co2": b,
            "biogenic_year": by,
            "biogenic_share": share,
            "biogenic_share_low": min(share, lo),
            "biogenic_share_high": max(share, hi),
            "basis": "kommun_biogenic_co2_attributed_to_plant",
            "caveats": ["kommun_total_not_plant"] + (["years_differ"] if by != fossil_year else []),
            "source": f"Klimatbyrån's biogenic CO2 for kommun {code} ({by}); EUTL verified emissions of "
            f"{installation_id} ({fossil_year})",
        }
    return out
