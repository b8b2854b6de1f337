"""Facts checked on the real mirror data (these fail, never skip, without the data)."""

import pytest

from borlange_analysis import data
from borlange_analysis.names import SECTOR_TOTAL, sector_names

pytestmark = pytest.mark.realdata


def test_290_kommuner_and_21_lan():
    k = data.load_kommuner()
    assert len(k) == 290 and k.lan_code.nunique() == 21


def test_every_release_covers_290_kommuner():
    e = data.load_table("emissions")
    assert e.groupby("release").kommun_code.nunique().eq(290).all()
    assert data.releases()[-1] == "2026"


def test_borlange_2019_total_2021_release_equals_sum_of_nine_sectors():
    tot = data.load_emissions("Borlänge", release="2021", level="total", years=[2019]).t_co2e.iloc[0]
    assert tot == pytest.approx(415_053.7, abs=0.05)
    sec = data.load_emissions("Borlänge", release="2021", level="sector", years=[2019])
    assert len(sec) == 9 and set(sec.sector) == set(sector_names())
    assert sec.t_co2e.sum() == pytest.approx(tot, rel=1e-9)


def test_borlange_2024_total_2026_release():
    tot = data.load_emissions("2081", level="total", years=[2024]).t_co2e.iloc[0]
    assert tot == pytest.approx(423_795.8, abs=0.05)


def test_totals_kept_apart_from_detail():
    e = data.load_emissions("Borlänge", release="2021", level="sector")
    assert SECTOR_TOTAL not in set(e.sector)
    sub = data.load_emissions("Borlänge", release="2021", level="subsector")
    assert SECTOR_TOTAL not in set(sub.subsector)


def test_known_exceptions_reported_not_hidden():
    """Produktanvändning sub-sectors do not add up in the 2021 release: reported in `consistency`."""
    c = data.load_table("consistency")
    r21 = c[(c.table == "emissions") & (c.release == "2021")]
    assert len(r21) > 0 and set(r21.sector) == {"Produktanvändning (inkl. lösningsmedel)"}


def test_borlange_productive_forest_and_area():
    lu = data.load_land_use("Borlänge")

    def get(cls):
        return lu.loc[lu.land_use_class == cls, "hectares"].iloc[0]

    assert (
        get("skogsmark, produktiv") == 35_950 and get("total skogsmark") == 44_004 and get("total landareal") == 58_392
    )
    area = data.load_land_area("Borlänge")
    assert area.loc[area.year == 2023, "land_km2"].iloc[0] == pytest.approx(583.87)


def test_population():
    assert data.load_population("Borlänge", year=2024).population.iloc[0] == 51_425
    assert data.load_population("Borlänge", year=2022).population.iloc[0] == 52_178


def test_ssab_in_borlange_2019():
    inst = data.load_ets_installations("Borlänge")
    assert {"SE_386", "SE_56", "SE_471"} <= set(inst.installation_id)
    em = data.load_ets_emissions(["SE_386"])
    assert em.loc[em.year == 2019, "verified_t_co2e"].iloc[0] == 226_743


def test_national_lulucf_and_biogenic():
    lul = data.load_lulucf_national()
    assert lul.year.min() == 1990 and lul.year.max() == 2024 and (lul.t_co2 < 0).all()
    assert len(data.load_biogenic_co2("Borlänge")) > 0


def test_unknown_inputs_fail_clearly():
    with pytest.raises(ValueError, match="Did you mean 'Borlänge'"):
        data.load_emissions("Borlange")
    with pytest.raises(ValueError, match="Unknown release '1999'"):
        data.load_emissions(release="1999")
    with pytest.raises(ValueError, match="Unknown year for release 2026 1991.*2024"):
        data.load_emissions(years=[1991])
    with pytest.raises(ValueError, match="Unknown sector"):
        data.load_emissions(sector="Industry")


def test_prepare_is_deterministic(tmp_path):
    """Two runs over the same inputs give byte-identical Parquet files."""
    from borlange_analysis.ingest import prepare

    a, b = tmp_path / "a", tmp_path / "b"
    prepare.prepare(out_dir=a)
    prepare.prepare(out_dir=b)
    for t in prepare.TABLES:
        assert (a / f"{t}.parquet").read_bytes() == (b / f"{t}.parquet").read_bytes(), t


def test_malformed_raw_file_fails_clearly_and_keeps_previous_tables(tmp_path):
    """A raw file changed after it was fetched stops prepare before it is parsed (its sha256 no
    longer matches the provenance record); the parser itself names file, row, column and value; the
    tables already in data/processed stay as they were."""
    import shutil

    from borlange_analysis import config
    from borlange_analysis.errors import DataFileError
    from borlange_analysis.ingest import parsers, prepare

    raw = tmp_path / "raw"
    shutil.copytree(config.raw_dir(), raw)
    out = tmp_path / "processed"
    prepare.prepare(raw_root=raw, out_dir=out)
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    landuse = next(raw.glob("scb_landuse/*/SCB_markanvandning.csv"))
    lines = landuse.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].rsplit(",", 1)[0] + ",tre tusen"
    landuse.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"SCB_markanvandning\.csv: the file changed after it was fetched"):
        prepare.prepare(raw_root=raw, out_dir=out)
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before
    assert not prepare.is_up_to_date(raw_root=raw, out_dir=out)
    with pytest.raises(DataFileError, match=r"SCB_markanvandning\.csv: row 4, column 'X2015': value 'tre tusen'"):
        parsers.scb_landuse_csv(landuse)
