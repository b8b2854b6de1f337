"""The report tables' markup is written directly; it must stay exactly what pandas' Styler wrote
(pages keep the same HTML)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from borlange_analysis.reporting.tables import Column, Table, styler_markup


def _styler(uuid: str, headers: list[str], columns: list[list[str]], numeric: list[bool]) -> str:
    ids = [f"c{j}" for j in range(len(headers))]
    shown = pd.DataFrame({i: col for i, col in zip(ids, columns, strict=True)})
    styler = shown.style.hide(axis="index").format(escape="html")
    styler = styler.relabel_index(headers, axis="columns")
    classes = pd.DataFrame(np.where([numeric] * len(shown), "num", ""), index=shown.index, columns=shown.columns)
    return styler.set_td_classes(classes).set_uuid(uuid).to_html(table_attributes='class="report-table"')


TEXT = st.text(alphabet=st.sampled_from(list("ab 12,.–−%&<>\"'åäöÅ\u00a0")), max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    n_cols=st.integers(1, 4),
    n_rows=st.integers(1, 5),
    data=st.data(),
)
def test_markup_equals_the_stylers(n_cols, n_rows, data):
    headers = [data.draw(st.text(alphabet="Abc (t CO2e) åö", min_size=1, max_size=10)) for _ in range(n_cols)]
    columns = [[data.draw(TEXT) for _ in range(n_rows)] for _ in range(n_cols)]
    numeric = [data.draw(st.booleans()) for _ in range(n_cols)]
    assert styler_markup("tab", headers, columns, numeric) == _styler("tab", headers, columns, numeric)


def test_a_table_escapes_its_cells_and_marks_numbers():
    frame = pd.DataFrame({"sector": ["A&B <x>", "Transporter"], "t_co2e": [1234.4, float("nan")], "year": [2024, 2023]})
    table = Table(
        "sectors",
        frame,
        [
            Column("sector", "text"),
            Column("t_co2e", "tonnes", unit="t_co2e", label="col.emissions"),
            Column("year", "year"),
        ],
    )
    html = table.html("sv")
    assert ">A&amp;B &lt;x&gt;</td>" in html and 'class="data row0 col1 num" >1\u00a0234</td>' in html
    assert ">–</td>" in html and html.startswith('<style type="text/css">\n</style>\n<table id="T_sectors"')


def test_change_columns_carry_their_sign_in_both_languages():
    """A change or rate shows its sign ('+284 %', '−21 %'); the CSV copy keeps the number."""
    from borlange_analysis.reporting.tables import Column

    col = Column("change_since_1990", "change")
    assert [col.cell(v, "sv") for v in (284.0, -21.2, 0.0)] == ["+284\u00a0%", "\u221221\u00a0%", "0\u00a0%"]
    assert [col.cell(v, "en") for v in (284.0, -21.2)] == ["+284%", "\u221221%"]
    assert col.csv_value(-21.23456) == -21.2346
