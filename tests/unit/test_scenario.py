"""The scenario engine and baseline: invariants as hypothesis properties, rules on tiny literal frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from borlange_analysis.analysis import measures as msr
from borlange_analysis.analysis import scenario as sc
from borlange_analysis.analysis import scenario_metrics as sm
from borlange_analysis.analysis import sinks
from borlange_analysis.names import sector_names

SECTORS = tuple(sector_names())
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- the engine: properties ------------------------------------------------------------------------------


@st.composite
def engine_case(draw):
    """A random engine input: kommuner x sectors x years, measures (relative or absolute, some on plants)."""
    K = draw(st.integers(1, 3))
    S = draw(st.integers(1, 4))
    Y = draw(st.integers(1, 5))
    M = draw(st.integers(0, 6))
    G = draw(st.integers(0, 2))
    base = draw(arrays(float, (K, S, Y), elements=st.floats(0, 1e6, allow_nan=False)))
    sector = np.array(draw(st.lists(st.integers(0, S - 1), min_size=M, max_size=M)), dtype=int)
    relative = np.array(draw(st.lists(st.booleans(), min_size=M, max_size=M)), dtype=bool)
    share = draw(arrays(float, (K, M, Y), elements=st.floats(0, 1, allow_nan=False)))
    tonnes = draw(arrays(float, (K, M, Y), elements=st.floats(0, 2e6, allow_nan=False)))
    effect = np.where(relative[None, :, None], share, tonnes)
    group = (
        np.array(draw(st.lists(st.integers(-1, G - 1), min_size=M, max_size=M)), dtype=int) if G else -np.ones(M, int)
    )
    group_sector = np.array(draw(st.lists(st.integers(0, S - 1), min_size=G, max_size=G)), dtype=int)
    group_base = draw(arrays(float, (K, G, Y), elements=st.floats(0, 1e6, allow_nan=False)))
    # a plant's measures cut the plant's sector
    sector = np.where(group >= 0, group_sector[np.maximum(group, 0)] if G else sector, sector)
    return dict(
        base=base,
        sector=sector,
        relative=relative,
        effect=effect,
        group=group,
        group_base=group_base,
        group_sector=group_sector,
    )


@FAST
@given(engine_case())
def test_scenario_between_zero_and_baseline(case):
    out = sc.apply_cuts(**case)
    assert (out.scenario >= 0).all()
    assert (out.scenario <= case["base"] + 1e-9).all()


@FAST
@given(engine_case())
def test_wedges_add_up_to_baseline_minus_scenario(case):
    out = sc.apply_cuts(**case)
    cut = case["base"] - out.scenario
    K, S, Y = cut.shape
    onehot = case["sector"][:, None] == np.arange(S)[None, :]
    by_sector = np.einsum("kmy,ms->ksy", out.wedge, onehot.astype(float))
    np.testing.assert_allclose(by_sector, cut, rtol=1e-9, atol=1e-6)
    assert (out.wedge >= -1e-9).all()


@FAST
@given(engine_case(), st.randoms(use_true_random=False))
def test_the_order_of_measures_does_not_change_the_result(case, rnd):
    order = list(range(len(case["sector"])))
    rnd.shuffle(order)
    perm = dict(case)
    for key in ("sector", "relative", "group"):
        perm[key] = case[key][order]
    perm["effect"] = case["effect"][:, order, :]
    a, b = sc.apply_cuts(**case), sc.apply_cuts(**perm)
    np.testing.assert_allclose(a.scenario, b.scenario, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(a.wedge[:, order, :], b.wedge, rtol=1e-9, atol=1e-6)


@FAST
@given(engine_case(), st.integers(0, 3))
def test_a_full_cut_of_a_sector_removes_exactly_that_sector(case, s):
    K, S, Y = case["base"].shape
    s = s % S
    full = dict(case)
    full["sector"] = np.append(case["sector"], s)
    full["relative"] = np.append(case["relative"], True)
    full["group"] = np.append(case["group"], -1)
    full["effect"] = np.concatenate([case["effect"], np.ones((K, 1, Y))], axis=1)
    before, after = sc.apply_cuts(**case), sc.apply_cuts(**full)
    assert (after.scenario[:, s, :] == 0).all()
    others = [i for i in range(S) if i != s]
    np.testing.assert_allclose(after.scenario[:, others, :], before.scenario[:, others, :], rtol=1e-12, atol=0)


def test_the_rule_relative_then_absolute_capped_then_floor():
    """Relative cuts multiply ((1 - 0.5) x (1 - 0.2) = 0.4), absolute cuts come after, capped at
    what remains; wedges split the cut by stand-alone effects."""
    base = np.array([[[100.0], [50.0]]])
    out = sc.apply_cuts(
        base,
        sector=np.array([0, 0, 0, 1, 1]),
        relative=np.array([True, True, False, False, False]),
        effect=np.array([[[0.5], [0.2], [30.0], [40.0], [40.0]]]),
    )
    assert out.scenario[0, :, 0].tolist() == pytest.approx([10.0, 0.0])
    # stand-alone: 50, 20, 30 (sum 100) share the cut of 90; 40 and 40 share 50
    assert out.wedge[0, :, 0].tolist() == pytest.approx([45.0, 18.0, 27.0, 25.0, 25.0])


def test_measures_on_one_plant_combine_like_relative_cuts_of_the_plant():
    """Two plant measures of 50 % and 100 t on a 200 t plant: 1 - 0.5 x 0.5 = 75 % of the plant."""
    out = sc.apply_cuts(
        np.array([[[300.0]]]),
        sector=np.array([0, 0]),
        relative=np.array([True, False]),
        effect=np.array([[[0.5], [100.0]]]),
        group=np.array([0, 0]),
        group_base=np.array([[[200.0]]]),
        group_sector=np.array([0]),
    )
    assert out.group_cut[0, 0, 0] == pytest.approx(150.0)
    assert out.scenario[0, 0, 0] == pytest.approx(150.0)
    assert out.wedge[0, :, 0].tolist() == pytest.approx([75.0, 75.0])


def test_ramp_is_zero_before_start_and_in_observed_years_then_linear():
    years = np.arange(2024, 2033)
    r = sc.ramp(np.array([2027, 2026]), np.array([2030, 2026]), years, last_year=2024)
    assert r[0].tolist() == [0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1]
    assert r[1].tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert sc.ramp(np.array([2020]), np.array([2020]), years, last_year=2024)[0, 0] == 0


# --- the baseline --------------------------------------------------------------------------------------------


def _emissions(
    values: dict[str, list[float]], years: list[int], kommun=("0001", "Aby")
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [
        {"kommun_code": kommun[0], "kommun": kommun[1], "sector": s, "year": y, "t_co2e": v}
        for s, vals in values.items()
        for y, v in zip(years, vals, strict=True)
    ]
    sec = pd.DataFrame(rows).assign(gas="CO2e", release="test")
    tot = sec.groupby(["kommun_code", "kommun", "year"], as_index=False)["t_co2e"].sum()
    return sec, tot.assign(sector="Alla", gas="CO2e", release="test")


def test_baseline_adds_up_to_the_totals_trend_and_equals_the_last_observed_total():
    years = [2015, 2016, 2017, 2018, 2019, 2020]
    sec, tot = _emissions(
        {
            "Transporter": [100, 95, 90, 85, 80, 75],
            "Jordbruk": [10, 12, 14, 16, 18, 20],
            "Avfall (inkl.avlopp)": [5, 4, 3, 2, 1, 0],
        },
        years,
    )
    b = sc.sector_baseline(sec, tot, current_year=2022, end_year=2030)
    from borlange_analysis.analysis.trends import pathways, trend_value

    total_trend = trend_value(pathways(tot, current_year=2022, end_year=2030), b.years)[0]
    np.testing.assert_allclose(b.values[0].sum(axis=0), total_trend)
    assert b.years[0] == 2020 and b.values[0].sum(axis=0)[0] == pytest.approx(95.0)
    assert (b.values >= 0).all()
    assert b.year_kind()[0].tolist()[:4] == ["observed", "estimated", "projected", "projected"]


def test_scale_to_total_shares_by_last_values_where_every_sector_trend_is_zero():
    raw = np.zeros((1, 2, 1))
    out = sc.scale_to_total(raw, np.array([[10.0]]), np.array([[3.0, 1.0]]))
    assert out[0, :, 0].tolist() == [7.5, 2.5]


def test_facility_baseline_verified_then_its_share_of_the_sector():
    verified = pd.DataFrame({"year": [2019, 2020], "verified_t_co2e": [90.0, 80.0]})
    sector = pd.DataFrame({"year": [2020, 2021, 2022], "t_co2e": [100.0, 110.0, 50.0]})
    fb = sc.facility_baseline(verified, sector)
    assert fb["basis"].tolist() == ["verified", "verified", "estimated_share_of_sector", "estimated_share_of_sector"]
    assert fb["t_co2e"].tolist() == pytest.approx([90.0, 80.0, 88.0, 40.0])
    alone = sc.facility_baseline(verified, pd.DataFrame({"year": [2021], "t_co2e": [5.0]}))
    assert alone["basis"].tolist()[-1] == "estimated_last_verified" and alone["t_co2e"].iloc[-1] == 80.0


# --- run(): a literal baseline and catalogue -------------------------------------------------------------------

HEADER = (
    "id,name_sv,kommun,owner,sector,location,kind,method,start_year,full_year,effect,effect_low,effect_high,"
    "unit,effect_basis,source"
)


def literal_baseline(
    values: np.ndarray | None = None, years=range(2024, 2031), current_year: int = 2026
) -> sc.Baseline:
    years = np.array(list(years))
    vals = np.full((1, len(SECTORS), len(years)), 100.0) if values is None else values
    return sc.Baseline(
        kommuner=pd.DataFrame({"kommun_code": ["2081"], "kommun": ["Borlänge"]}),
        sectors=SECTORS,
        years=years,
        values=vals,
        total=vals.sum(axis=1),
        last_year=np.array([years[0]]),
        current_year=current_year,
        end_year=int(years[-1]),
        release="test",
        gas="CO2e",
    )


def catalogue(tmp_path: Path, *rows: str) -> pd.DataFrame:
    path = tmp_path / "c.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return msr.read_catalogue(path)


def row(
    rid,
    *,
    sector="transporter",
    kind="relative_cut",
    method="given",
    start=2027,
    full=2027,
    effect=50,
    low="",
    high="",
    unit="pct",
    location="inside",
):
    cells = [
        rid,
        rid,
        "",
        "kommun",
        sector,
        location,
        kind,
        method,
        start,
        full,
        effect,
        low,
        high,
        unit,
        "assumption",
        "",
    ]
    return ",".join(str(c) for c in cells)


@st.composite
def literal_rows(draw):
    n = draw(st.integers(1, 6))
    rows = []
    for i in range(n):
        kind = draw(
            st.sampled_from(["relative_cut", "absolute_cut", "additional_sink", "technical_removal", "outside"])
        )
        start = draw(st.integers(2024, 2030))
        full = draw(st.integers(start, 2032))
        value = draw(st.integers(0, 100))
        if kind == "relative_cut":
            rows.append(
                row(
                    f"m{i}",
                    sector=draw(st.sampled_from(["transporter", "industri", "jordbruk"])),
                    start=start,
                    full=full,
                    effect=value,
                )
            )
        elif kind == "absolute_cut":
            rows.append(
                row(
                    f"m{i}",
                    sector=draw(st.sampled_from(["transporter", "industri"])),
                    kind="absolute_cut",
                    start=start,
                    full=full,
                    effect=value * 3,
                    unit="t_co2e_per_yr",
                )
            )
        elif kind == "outside":
            rows.append(
                row(
                    f"m{i}",
                    sector="",
                    kind="absolute_cut",
                    start=start,
                    full=full,
                    effect=value,
                    unit="t_co2e_per_yr",
                    location="outside",
                )
            )
        else:
            rows.append(row(f"m{i}", sector="", kind=kind, start=start, full=full, effect=value, unit="t_co2_per_yr"))
    return rows


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(literal_rows())
def test_no_effect_before_a_measures_start_year(tmp_path, rows):
    cat = catalogue(tmp_path, *rows)
    res = sc.run(cat, literal_baseline(), sc.Inputs())
    eff = res.effects().merge(cat[["id", "start_year"]], on="id")
    assert (eff.loc[eff["year"] < eff["start_year"], ["t", "t_low", "t_high"]] == 0).all().all()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(literal_rows())
def test_sink_and_removal_bars_equal_the_sums_of_those_measures(tmp_path, rows):
    cat = catalogue(tmp_path, *rows)
    res = sc.run(cat, literal_baseline(), sc.Inputs())
    bal = sm.balance(res, "2081", base_value=900.0)
    eff = res.effects()
    for kind, col in (
        ("additional_sink", "additional_sinks_t_co2e"),
        ("technical_removal", "technical_removals_t_co2e"),
    ):
        expected = eff[eff["kind"] == kind].groupby("year")["t"].sum().reindex(bal["year"]).fillna(0.0)
        np.testing.assert_allclose(bal[col].to_numpy(), expected.to_numpy(), atol=1e-9)
    total = sm.totals(res, "2081").set_index("year").loc[bal["year"]]
    np.testing.assert_allclose(bal["residual_emissions_t_co2e"], total["scenario_t_co2e"], atol=1e-6)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(literal_rows(), st.integers(0, 500))
def test_an_effect_outside_the_border_leaves_the_territorial_scenario_unchanged(tmp_path, rows, t):
    cat = catalogue(tmp_path, *rows)
    more = catalogue(
        tmp_path,
        *rows,
        row("elsewhere", sector="", kind="absolute_cut", effect=t, unit="t_co2e_per_yr", location="outside"),
    )
    a = sc.run(cat, literal_baseline(), sc.Inputs())
    b = sc.run(more, literal_baseline(), sc.Inputs())
    for bound in sc.BOUNDS:
        np.testing.assert_array_equal(a.cuts[bound].scenario, b.cuts[bound].scenario)
    eff = b.effects()
    assert eff.loc[eff["id"] == "elsewhere", "t"].max() == pytest.approx(t)


def test_low_and_high_bounds_put_every_measure_at_its_low_or_high(tmp_path):
    cat = catalogue(
        tmp_path,
        row("a", effect=50, low=20, high=80),
        row("b", sector="industri", kind="absolute_cut", effect=30, low=10, high=60, unit="t_co2e_per_yr"),
    )
    res = sc.run(cat, literal_baseline(), sc.Inputs())
    pw = res.pathways()
    t = pw[(pw["sector"] == "Alla") & (pw["year"] == 2030)].iloc[0]
    base = 100.0 * len(SECTORS)
    assert t["scenario_t_co2e"] == pytest.approx(base - 50 - 30)
    assert t["scenario_low_effect_t_co2e"] == pytest.approx(base - 20 - 10)
    assert t["scenario_high_effect_t_co2e"] == pytest.approx(base - 80 - 60)


def test_switched_off_and_confidential_measures(tmp_path):
    cat = catalogue(tmp_path, row("a"), row("b", sector="industri"))
    cat.loc[cat["id"] == "b", "owner"] = "hushagen"
    res = sc.run(cat, literal_baseline(), sc.Inputs(), off=["a"], confidential=["hushagen"])
    assert res.catalogue["id"].tolist() == ["a"] and res.left_out("2081") == 1
    assert res.status("2081")["status"].tolist() == ["switched_off"]
    assert (res.cuts["central"].scenario == res.base_values).all()
    own = sc.run(cat, literal_baseline(), sc.Inputs(), confidential=["hushagen"], include_confidential=["hushagen"])
    assert "b" in set(own.effects()["id"])


def test_a_measure_of_another_kommun_does_not_apply(tmp_path):
    cat = catalogue(tmp_path, row("a"))
    cat["kommun_code"] = "2080"
    res = sc.run(cat, literal_baseline(), sc.Inputs())
    assert res.status("2081").empty and res.effects().empty


def test_wide_has_one_column_per_measure_and_removals_on_the_total_rows(tmp_path):
    cat = catalogue(tmp_path, row("a"), row("r", sector="", kind="technical_removal", effect=40, unit="t_co2_per_yr"))
    w = sc.run(cat, literal_baseline(), sc.Inputs()).wide()
    assert {
        "baseline_t_co2e",
        "scenario_t_co2e",
        "measure_a_t_co2e",
        "measure_r_t_co2e",
        "technical_removals_t_co2",
    } <= set(w.columns)
    tot = w[(w["sector"] == "Alla") & (w["year"] == 2030)].iloc[0]
    assert tot["technical_removals_t_co2"] == 40 and tot["measure_a_t_co2e"] == 50
    assert w.loc[w["sector"] == "Transporter", "technical_removals_t_co2"].isna().all()


def test_waterfall_adds_up(tmp_path):
    cat = catalogue(
        tmp_path,
        row("a"),
        row("b", sector="industri", kind="absolute_cut", effect=30, unit="t_co2e_per_yr"),
        row("s", sector="", kind="additional_sink", effect=20, unit="t_co2_per_yr"),
        row("r", sector="", kind="technical_removal", effect=10, unit="t_co2_per_yr"),
    )
    res = sc.run(cat, literal_baseline(), sc.Inputs())
    bal = sm.balance(res, "2081", base_value=900.0, existing_sinks={"x": (1.0, 2.0, 3.0)})
    row30 = bal[bal["year"] == 2030].iloc[0]
    wf = sm.waterfall(res, "2081", year=2030, balance_row=row30).set_index("item", append=True)
    items = wf.reset_index()
    b = items[items["group"] == "balance"]
    base = b.loc[b["item"] == "baseline", "t_co2e"].iloc[0]
    residual = b.loc[b["item"] == "residual", "t_co2e"].iloc[0]
    assert base + b.loc[b["item"] == "measure", "t_co2e"].sum() == pytest.approx(residual)
    gap = residual + b.loc[b["item"].isin(["additional_sinks", "technical_removals"]), "t_co2e"].sum()
    assert gap == pytest.approx(b.loc[b["item"] == "gap", "t_co2e"].iloc[0]) == pytest.approx(900 - 80 - 30)
    assert "existing_x" in set(items["item"])  # shown beside, not subtracted


def test_extra_cut_and_crossing():
    years = np.arange(2026, 2031)
    assert sm.crossing(np.array([10.0, 10, 10, 10, 10]), years, np.array([25.0]))[0] == pytest.approx(2028.5)
    assert np.isnan(sm.crossing(np.array([1.0] * 5), years, np.array([25.0]))[0])
    assert sm.extra_cut(np.array([[5.0, 4, 3, 2, 0]]), np.array([100.0]))[0] == 0
    r = sm.extra_cut(np.array([[10.0, 10, 10, 10, 10]]), np.array([30.0]))[0]
    total = sum(10 * (1 - r) ** n for n in range(1, 6)) + 10 * (1 - r) ** 6 / r
    assert total == pytest.approx(30.0, rel=1e-6)
    assert np.isnan(sm.extra_cut(np.array([[1.0]]), np.array([0.0]))[0])


def test_co2_shares_table_is_complete_and_cited():
    tab = sm.co2_shares()
    assert set(tab.index) == set(SECTORS)
    assert tab["source"].str.len().gt(20).all() and set(tab["basis"]) <= {"computed", "assumption"}


def test_co2_cut_share(tmp_path):
    """A full cut of Jordbruk (CO2 share 0.03) barely cuts CO2; a full cut of Transporter (0.98) does."""
    base = literal_baseline()
    j = sc.run(catalogue(tmp_path, row("j", sector="jordbruk", effect=100)), base, sc.Inputs())
    t = sc.run(catalogue(tmp_path, row("t", sector="transporter", effect=100)), base, sc.Inputs())
    c = sm.co2_shares()["co2_share"]
    total = c.sum()
    assert sm.co2_cut_share(j, "2081")[-1] == pytest.approx(c["Jordbruk"] / total)
    assert sm.co2_cut_share(t, "2081")[-1] == pytest.approx(c["Transporter"] / total)


def test_rewetting_sink_takes_only_the_lulucf_components():
    per = sinks.rewetting_per_ha(dict(sinks.sink_parameters().set_index("parameter")["value"]))
    lulucf = per.loc[per["kind"] == sinks.ADDITIONAL_SINK, "t_co2e_per_ha"].sum()
    r = pd.Series({"method": "rewetting", "start_year": 2026})
    vals = sc._sink_series(r, 10.0, np.arange(2026, 2029), 0.0)
    assert vals.tolist() == pytest.approx([10 * lulucf] * 3)
