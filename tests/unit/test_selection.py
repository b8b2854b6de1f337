"""Choosing many kommuner (--kommun all, --lan, --group): the selection reads only the reference
tables (and a user's groups file), and a bad value stops every command before any work."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from borlange_analysis.cli import app
from borlange_analysis.errors import DataFileError, UnknownValueError
from borlange_analysis.names import kommun_groups, kommun_resolver, lan_codes, select_kommuner

KNS = "Klimatneutrala städer 2030"


def test_nothing_chosen_leaves_the_default_to_the_command():
    assert select_kommuner() is None
    assert select_kommuner(kommun=[], lan=[], group=[]) is None


def test_all_is_every_kommun_in_code_order():
    codes = select_kommuner(kommun=["all"])
    assert codes == sorted(kommun_resolver().by_code) and len(codes) == 290
    assert select_kommuner(kommun=["ALL", "Borlänge"]) == codes, "'all' covers the others; each kommun once"


@pytest.mark.parametrize("value", ["Dalarnas län", "Dalarna", "dalarnas lan", "20", "DALARNA"])
def test_a_lan_by_name_or_code(value):
    codes = lan_codes(value)
    assert len(codes) == 15 and "2081" in codes and "2080" in codes
    assert all(kommun_resolver().lan_of[c] == "20" for c in codes)


def test_a_group_from_peers_csv_regardless_of_case_and_accents():
    codes = select_kommuner(group=["klimatneutrala stader 2030"])
    assert len(codes) == 23 and codes[:2] == ["1490", "2081"], "in the file's order (Borås, Borlänge)"
    assert select_kommuner(group=[KNS]) == codes


def test_together_in_order_each_once():
    codes = select_kommuner(kommun=["Bjurholm", "Borlänge"], lan=["Gotland"], group=[KNS])
    assert codes[:3] == ["2403", "2081", "0980"], "named kommuner first, in the order given, then the län"
    assert len(codes) == len(set(codes)) == 2 + 1 + 22


@pytest.mark.parametrize(
    "kwargs, kind, value",
    [
        ({"lan": ["Dalarn"]}, "län", "Dalarn"),
        ({"lan": ["99"]}, "län", "99"),
        ({"group": ["KNS"]}, "group", "KNS"),
        ({"kommun": ["Borlang"]}, "kommun", "Borlang"),
    ],
)
def test_unknown_values_name_the_value_and_the_choices(kwargs, kind, value):
    with pytest.raises(UnknownValueError) as err:
        select_kommuner(**kwargs)
    assert err.value.kind == kind and err.value.value == value
    text = str(err.value)
    assert "\n" not in text and f"Unknown {kind} '{value}'" in text
    if kind == "län":
        assert "Dalarnas län" in err.value.choices and len(err.value.choices) == 21
    if kind == "group":
        assert err.value.choices == [KNS]


def test_a_users_own_groups_file(tmp_path, monkeypatch):
    path = tmp_path / "groups.csv"
    path.write_text(
        "kommun,group,source\nBjurholm,Små kommuner,test\nDorotea,Små kommuner,test\nGotland,Öar,test\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BORLANGE_GROUPS", str(path))
    assert list(kommun_groups()) == [KNS, "Små kommuner", "Öar"]
    assert select_kommuner(group=["små kommuner"]) == ["2403", "2425"]
    with pytest.raises(UnknownValueError) as err:
        select_kommuner(group=["Stora"])
    assert err.value.choices == [KNS, "Små kommuner", "Öar"]


@pytest.mark.parametrize(
    "text, message",
    [
        ("kommun,group,source\nBorlang,G,test\n", "row 2, column 'kommun': unknown kommun 'Borlang'"),
        ("kommun,group,source\nBorlänge,,test\n", "row 2, column 'group': empty"),
        ("kommun,group\nBorlänge,G\n", "missing columns ['source']"),
        ("kommun,group,source\nBorlänge,klimatneutrala städer 2030,x\n", "already a shipped group"),
    ],
)
def test_a_bad_groups_file_names_file_row_and_column(tmp_path, monkeypatch, text, message):
    path = tmp_path / "groups.csv"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("BORLANGE_GROUPS", str(path))
    with pytest.raises(DataFileError) as err:
        kommun_groups()
    assert str(path) in str(err.value) and message in str(err.value)


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--lan", "Dalarn"], "Unknown län 'Dalarn'. Did you mean 'Dalarnas län'"),
        (["--group", "KNS"], f"Unknown group 'KNS'. Valid group values: {KNS}"),
        (["--kommun", "Borlang"], "Unknown kommun 'Borlang'. Did you mean 'Borlänge'"),
        (["--kommun", "all", "--lan", "Norrland"], "Unknown län 'Norrland'"),
    ],
)
@pytest.mark.parametrize("command", ["reports", "indicators", "scenario"])
def test_bad_choices_exit_2_before_any_work(tmp_path, monkeypatch, command, args, needle):
    monkeypatch.chdir(tmp_path)
    from borlange_analysis import data

    def no_work(*a, **k):
        raise AssertionError("the data were touched before the options were checked")

    monkeypatch.setattr(data, "ensure_prepared", no_work)
    out = tmp_path / ("reports" if command == "reports" else "out.csv")
    res = CliRunner().invoke(app, [command, "--output", str(out), *args])
    assert res.exit_code == 2, res.output
    assert needle in " ".join(res.output.split())
    assert not out.exists() and not list(tmp_path.iterdir()), "nothing written"
