"""Facility data: EU ETS verified emissions of a partner's installations, their share of the
kommun's SMHI sector, and a straight pathway from the latest verified year to a target.

Verified emissions are t CO2e per installation and year from the EU Transaction Log (EUTL); SMHI's
sector figures come from another publisher and method, and every table says which release it
divides by.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
    share, remainder_t_co2e (what other sources in the sector cause), release, note. Only years
    present in both sources; the note says that the figures come from different publishers.
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
                "note",
            ]
        )
    sector = sector or (partner["sectors"][0] if partner["sectors"] else industry_sector())
    sec = data.load_emissions(partner["kommun"], release=release, level="sector", sector=sector)
    per_year = fac.groupby("year", as_index=False)["verified_t_co2e"].sum()
    out = per_year.merge(sec[["year", "sector", "t_co2e"]].rename(columns={"t_co2e": "sector_t_co2e"}), on="year")
    out["share"] = out["verified_t_co2e"] / out["sector_t_co2e"]
    out["remainder_t_co2e"] = out["sector_t_co2e"] - out["verified_t_co2e"]
    out["release"] = data.resolve_release(release)
    out["note"] = (
        f"EU ETS verified emissions (EUTL) divided by SMHI's sector figure, release "
        f"{out['release'].iloc[0] if len(out) else release}: different publishers and methods"
    )
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
