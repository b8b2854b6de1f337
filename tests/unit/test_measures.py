"""The measures catalogue: shipped files valid, bad files refused with file, row and column."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from borlange_analysis import i18n
from borlange_analysis.analysis import measures as msr
from borlange_analysis.errors import DataFileError, UnknownValueError
from borlange_analysis.partners import partners

HEADER = (
    "id,name_sv,name_en,kommun,owner,sector,facility,location,kind,method,activity,start_year,full_year,"
    "effect,effect_low,effect_high,unit,effect_basis,source,timing_basis,cost_sek_per_yr,cost_sek_per_t"
)
GOOD = (
    "my_cut,Min åtgärd,My measure,Borlänge,kommun,transporter,,inside,relative_cut,given,,2027,2030,"
    "20,10,30,pct,assumption,,assumption,,"
)


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "mine.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def replace(row: str, column: str, value: str) -> str:
    cols = HEADER.split(",")
    cells = row.split(",")
    cells[cols.index(column)] = value
    return ",".join(cells)


def test_shipped_catalogues_load_and_every_measure_has_names_in_both_languages():
    """The generic catalogue and every shipped portfolio validate; their names live in the texts."""
    cat = msr.load_portfolio("generic+borlange", kommun="Borlänge")
    assert len(cat) == cat["id"].nunique() >= 15
    for rid in cat["id"]:
        for lang in i18n.LANGUAGES:
            assert i18n.has(f"measure.{rid}.name", lang), (rid, lang)
    assert (cat.loc[cat["catalogue"] == "generic", "kommun_code"] == "").all()
    assert (cat.loc[cat["catalogue"] == "borlange", "kommun_code"] == "2081").all()


def test_every_row_has_a_source_or_the_assumption_label():
    cat = msr.load_portfolio("generic+borlange", kommun="Borlänge")
    assert ((cat["source"] != "") | (cat["effect_basis"] == "assumption")).all()
    assert set(cat["timing_basis"]) <= set(msr.TIMING_BASES)


def test_every_partner_lever_of_the_registry_has_a_measure():
    """The partner page's levers come from the catalogue: each registry lever is a measure there."""
    ids = set(msr.load_portfolio("borlange", kommun="Borlänge")["id"])
    for p in partners():
        for lever in p["levers"]:
            assert any(i.startswith(f"{p['id']}_{lever['id']}") for i in ids), (p["id"], lever["id"])


def test_auto_is_generic_for_another_kommun_and_adds_the_kommun_portfolio_for_borlange():
    assert [s.name for s in msr.resolve("auto", kommun="Bjurholm")] == ["generic"]
    assert [s.name for s in msr.resolve("auto", kommun="Borlänge")] == ["generic", "borlange"]
    assert msr.slug("Upplands Väsby") == "upplands_vasby"


def test_a_user_portfolio_named_after_the_kommun_joins_auto(tmp_path, monkeypatch):
    monkeypatch.setenv("BORLANGE_MEASURES_DIR", str(tmp_path))
    write(tmp_path, replace(GOOD, "kommun", ""), name="bjurholm.csv")
    cat = msr.load_portfolio("auto", kommun="Bjurholm")
    assert "my_cut" in set(cat["id"])
    assert cat.set_index("id").loc["my_cut", "kommun_code"] == "2403"


def test_unknown_portfolio_names_the_valid_ones():
    with pytest.raises(UnknownValueError, match=r"Unknown portfolio 'borlang'.*Did you mean 'borlange'"):
        msr.resolve("borlang", kommun="Borlänge")


def test_good_file_loads_with_shares_as_shares(tmp_path):
    cat = msr.read_catalogue(write(tmp_path, GOOD))
    row = cat.iloc[0]
    assert (row["effect_low"], row["effect"], row["effect_high"]) == pytest.approx((0.1, 0.2, 0.3))
    assert row["unit"] == "share" and row["sector"] == "Transporter" and row["kommun_code"] == "2081"
    assert row["row"] == 2


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("sector", "Transportation", r"column 'sector': unknown sector 'Transportation'"),
        ("owner", "ssb", r"column 'owner': unknown owner \(partner\) 'ssb'. Did you mean 'ssab'"),
        ("start_year", "2031", r"column 'start_year': start year 2031 is after the full-effect year 2030"),
        ("effect", "120", r"column 'effect': a relative effect of 120 % is above 100 %"),
        ("effect_high", "140", r"column 'effect_high': a relative effect of 140 % is above 100 %"),
        ("effect", "tjugo", r"column 'effect': value 'tjugo' is not a number"),
        ("start_year", "2027.5", r"column 'start_year': value '2027.5' is not a year"),
        ("kind", "relative", r"column 'kind': unknown kind 'relative'. Did you mean 'relative_cut'"),
        ("unit", "t", r"column 'unit': unknown unit of relative_cut by given 't'"),
        ("location", "in", r"column 'location': unknown location 'in'"),
        ("effect_basis", "guess", r"column 'effect_basis': unknown effect basis 'guess'"),
        ("effect_low", "25", r"column 'effect_low': 25 is above the central effect"),
        ("facility", "386", r"column 'facility': value '386' is not an EU ETS installation id"),
        ("kommun", "Borlang", r"column 'kommun': unknown kommun 'Borlang'. Did you mean 'Borlänge'"),
        ("id", "Min åtgärd", r"column 'id': value 'Min åtgärd' is not an id"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path, column, value, message):
    path = write(tmp_path, GOOD, replace(GOOD.replace("my_cut", "other"), column, value))
    with pytest.raises(DataFileError, match=re.escape(str(path)) + r": row 3, " + message):
        msr.read_catalogue(path)


def test_source_required_unless_assumption(tmp_path):
    row = replace(GOOD, "effect_basis", "published")
    with pytest.raises(DataFileError, match=r"row 2, column 'source': empty: give the source"):
        msr.read_catalogue(write(tmp_path, row))


def test_partner_of_another_kommun_is_refused(tmp_path):
    row = replace(replace(GOOD, "owner", "ssab"), "kommun", "Falun")
    with pytest.raises(DataFileError, match=r"column 'kommun': partner 'ssab' belongs to Borlänge, not to Falun"):
        msr.read_catalogue(write(tmp_path, row))


def test_duplicate_ids_and_comment_lines_keep_line_numbers(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text(f"# a comment\n{HEADER}\n{GOOD}\n\n# another\n{GOOD}\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"row 6, column 'id': duplicate id 'my_cut' \(also row 3\)"):
        msr.read_catalogue(path)


def test_missing_and_unknown_columns(tmp_path):
    with pytest.raises(DataFileError, match=r"row 1: missing columns \['effect'\]"):
        msr.read_catalogue(write(tmp_path, GOOD, header=HEADER.replace(",effect,", ",effekt,")))
    with pytest.raises(DataFileError, match=r"row 1, column 'colour': unknown column"):
        msr.read_catalogue(write(tmp_path, GOOD + ",red", header=HEADER + ",colour"))


def test_a_sink_has_no_sector_and_fuel_switch_needs_a_partner(tmp_path):
    sink = (
        "s1,Sänka,Sink,,kommun,transporter,,inside,additional_sink,given,,2027,2027,100,,,t_co2_per_yr,assumption,,,,"
    )
    with pytest.raises(DataFileError, match=r"column 'sector'.*has no sector"):
        msr.read_catalogue(write(tmp_path, sink))
    fs = "f1,Byte,Switch,,kommun,transporter,,inside,fuel_switch,activity,diesel,2027,2027,100,,,pct,assumption,,,,"
    with pytest.raises(DataFileError, match=r"column 'owner'.*partner's activity data"):
        msr.read_catalogue(write(tmp_path, fs))


def test_negative_effect_only_outside(tmp_path):
    row = "n1,N,N,,kommun,avfall,,inside,absolute_cut,given,,2027,2027,-5,,,t_co2e_per_yr,assumption,,,,"
    with pytest.raises(DataFileError, match=r"column 'effect': negative effect -5"):
        msr.read_catalogue(write(tmp_path, row))
    ok = msr.read_catalogue(write(tmp_path, row.replace("inside", "outside"), name="ok.csv"))
    assert ok["effect"].iloc[0] == -5


def test_names_fall_back_to_the_other_language(tmp_path):
    cat = msr.read_catalogue(write(tmp_path, replace(GOOD, "name_en", "")))
    row = cat.iloc[0].to_dict()
    assert msr.measure_name(row, "en") == "Min åtgärd"
    assert msr.measure_name({"id": "ssab_fossil_free_site"}, "en").startswith("SSAB")


def test_check_ids_refuses_an_unknown_measure():
    cat = msr.load_portfolio("generic", kommun="Bjurholm")
    with pytest.raises(UnknownValueError, match=r"Unknown measure 'eu_car_co2_standard'"):
        msr.check_ids(cat, ["eu_car_co2_standard"])
