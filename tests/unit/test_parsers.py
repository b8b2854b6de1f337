"""Unit tests on tiny fixtures: every parser quirk and every bad-input error."""

import math

import pytest

from borlange_analysis.errors import DataFileError
from borlange_analysis.ingest import parsers

SMHI = (
    "Rapportnamn:;Länsrapport, 2021-10-14;;;;\r\n"
    "Emissioner av växthusgaser totalt;;;;;\r\n"
    "Enhet: ton/år;;;;;\r\n"
    "CO2-ekv.;;;;;\r\n"
    ";;;;;\r\n"
    ";;;;;\r\n"
    "Huvudsektor;Undersektor;Län;Kommun;1990;2019\r\n"
    "Alla;Alla;Dalarnas län;Borlänge;1 000,5;415053,6515\r\n"
    "Avfall (inkl.avlopp);Krematorier och förbranning av farligt avfall;Skåne län;Burlöv;7,33347×10^−05;0,000204\r\n"
    "Rapportnamn:;Länsrapport, 2021-10-14;;;;\r\n"
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("415053,6515", 415053.6515),
        ("71 260 000", 71_260_000.0),  # thin-space thousands separators
        ("71\u202f260\u00a0000", 71_260_000.0),
        ("−59 560 000", -59_560_000.0),  # U+2212 minus
        ("7,33347×10^−05", 7.33347e-05),
        ("1.5", 1.5),
        (12, 12.0),
    ],
)
def test_parse_number_quirks(text, expected):
    """Decimal commas, thin spaces, the minus sign and the ×10^− notation all parse."""
    assert parsers.parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "NA", "..", "-", None])
def test_parse_number_missing_is_nan(text):
    """Missing markers become NaN, not zero."""
    assert math.isnan(parsers.parse_number(text))


def test_parse_number_error_names_file_row_column_value():
    """A malformed value fails with file, row, column and value in the message."""
    with pytest.raises(DataFileError, match=r"x\.csv: row 9, column '2019': value 'abc'"):
        parsers.parse_number("abc", file="x.csv", row=9, column="2019")


def test_smhi_csv_preamble_footer_and_notation(tmp_path):
    """Preamble lines, header on line 7, footer, decimal comma and ×10^− are handled."""
    f = tmp_path / "smhi.csv"
    f.write_bytes(SMHI.encode("utf-8"))
    out = parsers.smhi_csv(f)
    assert len(out) == 4
    b = out[(out.kommun == "Borlänge") & (out.year == 2019)]
    assert b.t_co2e.iloc[0] == pytest.approx(415053.6515)
    assert out[(out.kommun == "Burlöv") & (out.year == 1990)].t_co2e.iloc[0] == pytest.approx(7.33347e-05)
    assert set(out._row) == {8, 9}


def test_smhi_csv_bad_cell_names_row(tmp_path):
    f = tmp_path / "smhi.csv"
    f.write_text(SMHI.replace("415053,6515", "fyra"), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"row 8, column '2019': value 'fyra'"):
        parsers.smhi_csv(f)


def test_smhi_csv_without_header_fails(tmp_path):
    f = tmp_path / "smhi.csv"
    f.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="no header row"):
        parsers.smhi_csv(f)


def test_klimatkollen_json(tmp_path):
    f = tmp_path / "m.json"
    f.write_text('[{"name": "Borlänge", "sectors": {"2024": {"Jordbruk": 1.5, "Transporter": 2}}}]', encoding="utf-8")
    out = parsers.klimatkollen_sector_json(f)
    assert out.t_co2e.sum() == 3.5 and set(out.year) == {2024}


def test_klimatkollen_json_malformed(tmp_path):
    f = tmp_path / "m.json"
    f.write_text('[{"name": "Borlänge"', encoding="utf-8")
    with pytest.raises(DataFileError, match="invalid JSON"):
        parsers.klimatkollen_sector_json(f)
    f.write_text('[{"nom": 1}]', encoding="utf-8")
    with pytest.raises(DataFileError, match="row 1: entry lacks"):
        parsers.klimatkollen_sector_json(f)


def test_landuse_csv(tmp_path):
    f = tmp_path / "l.csv"
    f.write_text('"region","markanvändningsklass","X2015"\n"Borlänge","skogsmark, produktiv",35950\n', encoding="utf-8")
    out = parsers.scb_landuse_csv(f)
    assert out.hectares.iloc[0] == 35950 and out.year.iloc[0] == 2015


def test_landuse_csv_wrong_columns(tmp_path):
    f = tmp_path / "l.csv"
    f.write_text('"a","b"\n1,2\n', encoding="utf-8")
    with pytest.raises(DataFileError, match="expected columns"):
        parsers.scb_landuse_csv(f)


def test_kolada_ghg_na(tmp_path):
    f = tmp_path / "k.csv"
    f.write_text('"Id","Ar","Geografi","TotaltUtslapp"\n"0020",2008,"Dalarnas län",NA\n', encoding="utf-8")
    out = parsers.kolada_ghg_csv(f)
    assert math.isnan(out.value.iloc[0])


def test_smhi_xlsx_after_title_rows(tmp_path):
    """SMHI's current export (Excel): the same columns as the CSV after a few title rows."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Emissioner av växthusgaser"])
    ws.append(["Enhet: ton/år"])
    ws.append([])
    ws.append(["Huvudsektor", "Undersektor", "Län", "Kommun", 2023, 2024])
    ws.append(["Alla", "Alla", "Dalarnas län", "Borlänge", 408042.8, 423795.8])
    f = tmp_path / "smhi.xlsx"
    wb.save(f)
    out = parsers.smhi_xlsx(f)
    assert out.set_index("year").t_co2e.to_dict() == pytest.approx({2023: 408042.8, 2024: 423795.8})
    assert set(out._row) == {5}


def test_schema_failure_names_file_row_column_value():
    """A value that breaks a declared rule is reported with file, source row, column and value."""
    import pandas as pd

    from borlange_analysis.ingest.schemas import emissions_schema, validate

    frame = pd.DataFrame(
        {
            "kommun_code": ["2081"],
            "kommun": ["Borlänge"],
            "lan_code": ["20"],
            "lan": ["Dalarnas län"],
            "sector": ["Industry"],
            "subsector": ["Alla"],
            "level": ["sector"],
            "year": [2019],
            "t_co2e": [1.0],
            "release": ["2021"],
            "source": ["x"],
        }
    )
    with pytest.raises(DataFileError, match=r"(?s)smhi\.csv: .*row 42, column 'sector': value 'Industry'"):
        validate(frame, emissions_schema(), file="smhi.csv", rows=pd.Series([42]), table="emissions")


def test_swedish_emissions_text_numbers_with_thin_spaces(tmp_path):
    """Klimatbyrån's workbook stores numbers as text with thin-space thousands separators."""
    import openpyxl

    wb = openpyxl.Workbook()
    ghg = wb.active
    ghg.title = "Terr_GHG"
    for row in (
        ["Territoriella utsläpp"],
        ["Enhet: Ton CO2e/år"],
        [],
        ["Länskod", "Län", "Kommunkod", "Kommun", "2023", "2024"],
        ["20", "Dalarnas län", "2081", "Borlänge", "407\u202f955", "438\u2009024"],
    ):
        ghg.append(row)
    bio = wb.create_sheet("Terr_CO2bio")
    for row in (
        ["Biogena utsläpp"],
        ["Länskod", "Län", "Kommunkod", "Kommun", "2024"],
        ["20", "Dalarnas län", "2081", "Borlänge", "1 234"],
    ):
        bio.append(row)
    lul = wb.create_sheet("Terr_LULUCF")
    for row in (["LULUCF"], [None, "2023", "2024"], ["Sverige", "−46 050 000", "-54 240 000"]):
        lul.append(row)
    f = tmp_path / "se.xlsx"
    wb.save(f)
    out = parsers.swedish_emissions_xlsx(f)
    assert out["terr_ghg"].set_index("year").t_co2e.to_dict() == {2023: 407955.0, 2024: 438024.0}
    assert out["co2bio"].t_co2.iloc[0] == 1234.0
    assert out["lulucf"].set_index("year").t_co2.to_dict() == {2023: -46_050_000.0, 2024: -54_240_000.0}


def test_smhi_totals_header_checked(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["Namn", "Kod", "1990"])
    f = tmp_path / "t.xlsx"
    wb.save(f)
    with pytest.raises(DataFileError, match="expected header Kommun, Kod, Län"):
        parsers.smhi_totals_xlsx(f)


def test_scb_area_rows(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Kvadratkilometer efter region"])
    ws.append([None, None, 2022, 2023])
    ws.append(["2081 Borlänge", "landareal", "583,85", 583.87])
    f = tmp_path / "a.xlsx"
    wb.save(f)
    out = parsers.scb_area_xlsx(f)
    assert out.kommun_code.tolist() == ["2081", "2081"] and out.land_km2.tolist() == [583.85, 583.87]


@pytest.mark.parametrize(
    "parser, text, match",
    [
        ("eu_ets_installations_csv", "id,name\nSE_1,x\n", "missing columns"),
        ("eu_ets_compliance_csv", "installation_id,year\nSE_1,2019\n", "missing columns"),
        ("kolada_avfall_csv", '"år","x"\n2013,1\n', "no 'year' column"),
        ("kolada_ghg_csv", '"Id","Ar"\n"0020",2008\n', "missing columns"),
    ],
)
def test_csv_parsers_reject_wrong_columns(tmp_path, parser, text, match):
    f = tmp_path / "x.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=match):
        getattr(parsers, parser)(f)
