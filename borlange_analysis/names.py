"""Names and codes: kommuner, län and SMHI sectors, harmonised through SCB's code list.

Kommun names differ between sources ("Falu kommun" / Falun, "Region Gotland" / Gotland,
"Upplands-Väsby" / Upplands Väsby, "Stockholms stad" / Stockholm, ...). Every parser maps the
names it reads to SCB's four-digit kommun code with :class:`KommunResolver`; tables carry both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import reference
from .errors import UnknownValueError, fold

#: SMHI's name for the total of all sectors (and of all sub-sectors of a sector).
SECTOR_TOTAL = "Alla"


@lru_cache(maxsize=1)
def _sectors() -> pd.DataFrame:
    return reference.table("sectors.csv", as_text=True)


def sectors() -> pd.DataFrame:
    """The 9 SMHI main sectors: Swedish name, id, English name, EU ETS relevance, source."""
    return _sectors().copy()


def sector_names() -> list[str]:
    """The 9 SMHI main sector names (Swedish, as in the data)."""
    return _sectors()["sector"].tolist()


def sector_ids() -> list[str]:
    """The ASCII ids of the 9 main sectors ('transporter', 'industri', ...)."""
    return _sectors()["sector_id"].tolist()


@lru_cache(maxsize=64)
def sector_id(sector: str) -> str:
    """The ASCII id of a main sector ('Industri (energi + processer)' -> 'industri')."""
    tab = _sectors().set_index("sector")
    return str(tab.loc[resolve_sector(sector), "sector_id"])


def ets_sectors() -> list[str]:
    """The main sectors where EU ETS installations report (``ets_relevant`` in sectors.csv):
    industry and electricity/district heating."""
    tab = _sectors()
    return tab.loc[tab["ets_relevant"] == "true", "sector"].tolist()


def industry_sector() -> str:
    """The SMHI main sector of industrial point sources (the ETS sector with id 'industri')."""
    tab = _sectors()
    return str(tab.loc[tab["sector_id"] == "industri", "sector"].iloc[0])


@lru_cache(maxsize=256)
def resolve_sector(value: str) -> str:
    """A sector given by its Swedish name, id or English name -> the Swedish SMHI name (an unknown
    one raises, naming the valid ones; answers are kept per process: the table ships with the
    package)."""
    tab = sectors()
    key = fold(value)
    for col in ("sector", "sector_id", "sector_en"):
        hit = tab[tab[col].map(fold) == key]
        if len(hit):
            return hit["sector"].iloc[0]
    # tolerate a name without its parenthesis, e.g. "Industri" or "Avfall"
    short = tab[tab["sector"].map(lambda s: fold(re.sub(r"\s*\(.*\)$", "", s))) == key]
    if len(short) == 1:
        return short["sector"].iloc[0]
    raise UnknownValueError("sector", value, tab["sector"].tolist() + tab["sector_id"].tolist())


@lru_cache(maxsize=1)
def kommun_aliases() -> dict[str, str]:
    """Other spellings of kommun names seen in sources ('Falu kommun' -> 'Falun')."""
    tab = reference.table("kommun_aliases.csv", as_text=True)
    return {fold(a): k for a, k in zip(tab["alias"], tab["kommun"], strict=True)}


@lru_cache(maxsize=1)
def kommun_resolver() -> KommunResolver:
    """A resolver over SCB's 290 kommuner and 21 län (``reference/kommuner.csv``): needs no
    prepared data, so parameters can be checked before anything else runs."""
    return KommunResolver(reference.table("kommuner.csv", as_text=True))


def _key(name: str) -> str:
    """Normalise a kommun name for matching: accents kept, case and hyphens ignored."""
    text = str(name).strip()
    text = re.sub(r"\s+(kommun|stad)$", "", text, flags=re.IGNORECASE)
    text = text.replace("-", " ")
    return re.sub(r"\s+", " ", text).casefold()


class KommunResolver:
    """Map kommun names or codes to SCB's code and canonical name.

    ``codes`` is SCB's code table with columns kommun_code, kommun, lan_code, lan.
    """

    def __init__(self, codes: pd.DataFrame):
        self.codes = codes.reset_index(drop=True)
        self.by_code = dict(zip(self.codes["kommun_code"], self.codes["kommun"], strict=True))
        self.lan_of = dict(zip(self.codes["kommun_code"], self.codes["lan_code"], strict=True))
        self.lan_name = dict(zip(self.codes["lan_code"], self.codes["lan"], strict=True))
        self._by_key: dict[str, str] = {}
        for code, name in self.by_code.items():
            self._by_key[_key(name)] = code
        aliases = kommun_aliases()
        name_to_code = {v: k for k, v in self.by_code.items()}
        for alias, canonical in aliases.items():
            if canonical in name_to_code:
                self._by_key.setdefault(_key(alias), name_to_code[canonical])

    def names(self) -> list[str]:
        return sorted(self.by_code.values(), key=fold)

    def code(self, value: str | int, *, strict: bool = True) -> str | None:
        """Code for a kommun name or code ('Borlänge', '2081', 2081, 'Falu kommun')."""
        text = str(value).strip()
        if text.isdigit():
            text = text.zfill(4)
            if text in self.by_code:
                return text
        else:
            hit = self._by_key.get(_key(text))
            if hit is None:
                hit = self._by_key.get(_key(kommun_aliases().get(fold(text), "")), None)
            if hit is not None:
                return hit
        if strict:
            raise UnknownValueError("kommun", value, self.names())
        return None

    def name(self, value: str | int) -> str:
        return self.by_code[self.code(value)]

    def lan(self, value: str | int) -> tuple[str, str]:
        code = self.code(value)
        lan_code = self.lan_of[code]
        return lan_code, self.lan_name[lan_code]

    def lan_code(self, value: str) -> str:
        """Code of a län given by name ('Dalarnas län', 'Dalarna') or code ('20')."""
        text = str(value).strip()
        if text.isdigit() and text.zfill(2) in self.lan_name:
            return text.zfill(2)
        for code, name in self.lan_name.items():
            if fold(name) == fold(text) or fold(name).replace(" lan", "").rstrip("s") == fold(text).rstrip("s"):
                return code
        raise UnknownValueError("län", value, sorted(self.lan_name.values()))


# --- choosing many kommuner: --kommun all, --lan, --group ----------------------------------------

#: ``--kommun all``: every kommun of SCB's code list.
ALL_KOMMUNER = "all"
GROUP_COLUMNS = ("kommun", "group", "source")


def _read_groups(path: Path, *, shipped: bool) -> dict[str, list[str]]:
    """Groups of one file (group name -> kommun codes, in file order); rows checked by name."""
    from .errors import DataFileError

    try:
        tab = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot be read as CSV ({exc})") from None
    missing = [c for c in GROUP_COLUMNS if c not in tab.columns]
    if missing:
        raise DataFileError(f"{path}: missing columns {missing} (a groups file has columns {list(GROUP_COLUMNS)})")
    res = kommun_resolver()
    groups: dict[str, list[str]] = {}
    for row, (kommun, group, source) in enumerate(zip(tab["kommun"], tab["group"], tab["source"], strict=True), 2):
        for column, value in (("group", group), ("source", source)):
            if not str(value).strip():
                raise DataFileError(f"{path}, row {row}, column {column!r}: empty (every row names its {column})")
        code = res.code(kommun, strict=False)
        if code is None:
            raise DataFileError(f"{path}, row {row}, column 'kommun': unknown kommun {kommun!r}")
        members = groups.setdefault(str(group).strip(), [])
        if code not in members:
            members.append(code)
    if not shipped and not groups:
        raise DataFileError(f"{path}: no groups (one row per kommun and group)")
    return groups


def kommun_groups() -> dict[str, list[str]]:
    """Named groups of kommuner: those of ``reference/peers.csv`` (e.g. 'Klimatneutrala städer
    2030', Viable Cities) and the user's own in :func:`borlange_analysis.config.groups_file` (if
    present; a name may not repeat a shipped group's). Group name -> SCB codes, in file order."""
    from . import config
    from .errors import DataFileError

    groups = _shipped_groups()
    user = config.groups_file()
    if not user.is_file():
        return dict(groups)
    own = _read_groups(user, shipped=False)
    clash = sorted(g for g in own if any(fold(g) == fold(s) for s in groups))
    if clash:
        raise DataFileError(f"{user}: group {clash[0]!r} is already a shipped group (reference/peers.csv); rename it")
    return {**groups, **own}


@lru_cache(maxsize=1)
def _shipped_groups() -> dict[str, list[str]]:
    return _read_groups(reference.path("peers.csv"), shipped=True)


def group_codes(name: str) -> list[str]:
    """SCB codes of the kommuner of a group (:func:`kommun_groups`; the name matched without
    regard to case or accents)."""
    groups = kommun_groups()
    hit = next((g for g in groups if fold(g) == fold(name)), None)
    if hit is None:
        raise UnknownValueError("group", name, list(groups))
    return list(groups[hit])


def lan_codes(value: str) -> list[str]:
    """SCB codes of the kommuner of a län given by name ('Dalarnas län', 'Dalarna') or code ('20')."""
    res = kommun_resolver()
    lan = res.lan_code(value)
    return sorted(code for code, of in res.lan_of.items() if of == lan)


def select_kommuner(
    *,
    kommun: Sequence[str] | None = None,
    lan: Sequence[str] | None = None,
    group: Sequence[str] | None = None,
) -> list[str] | None:
    """The SCB codes chosen by ``--kommun`` (names or codes, or 'all' for all 290), ``--lan``
    (names or codes) and ``--group`` (:func:`kommun_groups`), all together and each kommun once:
    first the named kommuner in the order given, then those of each län (by code) and group (in
    file order); with 'all', every kommun in code order (the other values are still checked).
    None when none of them is given (each command has its own default).

    Reads only the reference tables (and the user's groups file), so a bad value stops a command
    before any work: :class:`UnknownValueError` names the value and the valid choices."""
    if not (kommun or lan or group):
        return None
    res = kommun_resolver()
    chosen: dict[str, None] = {}
    every = [k for k in kommun or [] if fold(str(k)) == ALL_KOMMUNER]
    for value in kommun or []:
        if value not in every:
            chosen[str(res.code(value))] = None
    for value in lan or []:
        chosen.update(dict.fromkeys(lan_codes(value)))
    for value in group or []:
        chosen.update(dict.fromkeys(group_codes(value)))
    return sorted(res.by_code) if every else list(chosen)
