"""One validation per notebook, used twice: by the report runner for every job before anything else
happens, and by each notebook's validation cell.

Every parameter of every notebook is declared here with its type, default and the values it may
take; :func:`validate` checks them by value (names against the reference tables, years against the
release and the end year, numbers against their ranges) and returns a :class:`Checked` object with
the resolved values (canonical kommun name and code, the release "latest" stands for, ...).

This module is light on purpose: it reads only the reference tables and the raw-release registry
(``ingest/sources.toml`` plus releases registered by ``fetch --latest``), never the processed
tables, so a run can be refused before it takes a lock, prepares data or starts a kernel.
Error messages name the bad value and the valid choices, in English for the command line or in the
notebook's language (``message_language``).
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import config, i18n
from .errors import BorlangeError, ParameterError, UnknownValueError, nearest

#: The parameters every report notebook has, set by the runner from its own options.
COMMON = ("kommun", "release", "language", "current_year", "tables_dir")


class ParameterValueError(ParameterError):
    """A parameter value that is not allowed; the message is in the language asked for."""


@dataclass(frozen=True)
class ReleaseInfo:
    """One SMHI release of kommun emissions as registered (before any parsing)."""

    release: str
    gas: str
    levels: tuple[str, ...]
    first_year: int | None
    last_year: int | None
    published: str


@lru_cache(maxsize=1)
def _registry_releases() -> tuple[ReleaseInfo, ...]:
    from .ingest.sources import registry

    out: dict[str, ReleaseInfo] = {}
    for src in registry().values():
        if not src.levels:
            continue
        first = int(src.years[0]) if len(src.years) >= 1 else None
        last = int(src.years[-1]) if len(src.years) >= 1 else None
        out[src.release] = ReleaseInfo(src.release, src.gas or "CO2e", tuple(src.levels), first, last, src.published)
    return tuple(sorted(out.values(), key=lambda r: (r.published, r.release)))


def releases(*, gas: str | None = None) -> list[ReleaseInfo]:
    """Registered kommun-emission releases, oldest first (``gas`` filters by gas basis)."""
    return [r for r in _registry_releases() if gas is None or r.gas == gas]


def resolve_release(release: str, *, gas: str = "CO2e", language: str = "en") -> ReleaseInfo:
    """The release a name stands for: 'latest' is the newest release of ``gas`` (all greenhouse
    gases by default, so 'latest' never resolves to a CO2-only release)."""
    known = releases()
    if release in ("latest", "newest", "", None):
        of_gas = [r for r in known if r.gas == gas]
        if not of_gas:
            raise ParameterValueError(i18n.t("error.no_release", language, gas=gas))
        return of_gas[-1]
    for r in known:
        if r.release == str(release):
            return r
    raise _unknown("release", release, [r.release for r in known] + ["latest"], language)


def _unknown(kind: str, value: object, choices: Sequence[object], language: str) -> BorlangeError:
    if language == "en":
        return UnknownValueError(kind, value, choices)
    names = [str(c) for c in choices]
    near = nearest(str(value), names)
    options = i18n.t("error.or", language).join(repr(s) for s in near)
    hint = i18n.t("error.did_you_mean", language, options=options) if near else ""
    shown = ", ".join(names[:40]) + (f", ... ({len(names)})" if len(names) > 40 else "")
    kind_text = i18n.t_or(f"kind.{kind}", language, kind)
    return ParameterValueError(
        i18n.t("error.unknown", language, kind=kind_text, value=repr(value), hint=hint, choices=shown)
    )


@dataclass(frozen=True)
class Param:
    """One notebook parameter: its name, type ('str', 'int', 'float', 'bool'), default, and check.

    ``choices`` lists the allowed values (or is a function returning them); ``minimum``/``maximum``
    bound numbers; ``check`` is a function ``(value, values, language) -> value`` that may refuse a
    value with :class:`ParameterValueError` (it sees the other parameters' checked values).
    """

    name: str
    type: str
    default: Any
    help: str
    choices: Sequence[Any] | Callable[[], Sequence[Any]] | None = None
    minimum: float | None = None
    maximum: float | None = None
    check: Callable[[Any, dict[str, Any], str], Any] | None = None

    def allowed(self) -> list[Any] | None:
        if self.choices is None:
            return None
        return list(self.choices() if callable(self.choices) else self.choices)


@dataclass(frozen=True)
class Spec:
    """The parameters of one notebook, in the order of its parameters cell."""

    notebook: str
    params: tuple[Param, ...]

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def get(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise UnknownValueError(f"parameter of notebook {self.notebook!r}", name, self.names())

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


@dataclass(frozen=True)
class Checked:
    """Checked parameters of one report: the resolved common values and every parameter by name."""

    notebook: str
    kommun: str
    kommun_code: str
    lan: str
    lan_code: str
    release: str
    gas: str
    release_last_year: int | None
    language: str
    current_year: int
    tables_dir: Path | None
    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(f"notebook {self.__dict__.get('notebook')!r} has no parameter {name!r}")

    @property
    def sector(self) -> str | None:
        return self.values.get("sector")

    @property
    def partner(self) -> str | None:
        return self.values.get("partner")


# --- checks of the common parameters -------------------------------------------------------------


def _check_kommun(value: Any, values: dict[str, Any], language: str) -> str:
    from .names import kommun_resolver

    res = kommun_resolver()
    code = res.code(str(value), strict=False)
    if code is None:
        raise _unknown("kommun", value, res.names(), language)
    return res.by_code[code]


def _check_release(value: Any, values: dict[str, Any], language: str) -> str:
    return resolve_release(str(value), language=language).release


def _check_language(value: Any, values: dict[str, Any], language: str) -> str:
    if value not in i18n.LANGUAGES:
        raise _unknown("language", value, i18n.LANGUAGES, language)
    return str(value)


def _check_current_year(value: Any, values: dict[str, Any], language: str) -> int:
    info = resolve_release(values.get("release", "latest"), language=language)
    low = info.last_year if info.last_year is not None else config.default_current_year() - 2
    high = config.DEFAULTS.end_year
    year = int(value)
    if not low <= year <= high:
        raise ParameterValueError(
            i18n.t("error.current_year", language, value=value, low=low, high=high, release=info.release)
        )
    return year


def _check_sector(value: Any, values: dict[str, Any], language: str) -> str:
    from .names import resolve_sector, sector_ids, sector_names

    try:
        sector = resolve_sector(str(value))
    except UnknownValueError:
        raise _unknown("sector", value, sector_ids() + sector_names(), language) from None
    info = resolve_release(values.get("release", "latest"), language=language)
    if "sector" not in info.levels:
        with_sectors = [r.release for r in releases() if "sector" in r.levels]
        raise ParameterValueError(
            i18n.t("error.release_without_sectors", language, release=info.release, choices=", ".join(with_sectors))
        )
    return sector


def _registry() -> list[dict[str, Any]]:
    from .partners import partners

    return partners()


def _check_partner(value: Any, values: dict[str, Any], language: str) -> str:
    entries = {p["id"]: p for p in _registry()}
    if value not in entries:
        raise _unknown("partner", value, sorted(entries), language)
    from .names import kommun_resolver

    kommun = values.get("kommun")
    code = kommun_resolver().code(kommun, strict=False) if kommun else None
    if code is not None and entries[value]["kommun"] != code:
        own = sorted(pid for pid, p in entries.items() if p["kommun"] == code)
        home = kommun_resolver().by_code.get(entries[value]["kommun"], entries[value]["kommun"])
        raise ParameterValueError(
            i18n.t(
                "error.partner_kommun", language, partner=value, home=home, kommun=kommun, choices=", ".join(own) or "–"
            )
        )
    from . import partners as prt

    check_files = getattr(prt, "check_partner_files", None)
    if check_files is not None:
        check_files(value)
    return str(value)


def _check_tables_dir(value: Any, values: dict[str, Any], language: str) -> str:
    return str(value or "")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("true", "1", "yes", "ja"):
        return True
    if text in ("false", "0", "no", "nej"):
        return False
    raise ValueError(value)


_COERCE: dict[str, Callable[[Any], Any]] = {"str": str, "int": int, "float": float, "bool": _bool}


def coerce(param: Param, value: Any, language: str = "en") -> Any:
    """Turn a value given as text (``-p NAME=VALUE``) or a Python literal into the parameter's type."""
    try:
        if param.type == "int" and isinstance(value, float) and not value.is_integer():
            raise ValueError(value)
        if param.type == "int" and isinstance(value, str) and not value.strip().lstrip("+-").isdigit():
            raise ValueError(value)
        if param.type == "float":
            v = float(value)
            if v != v or v in (float("inf"), float("-inf")):
                raise ValueError(value)
            return v
        return _COERCE[param.type](value)
    except (TypeError, ValueError):
        raise ParameterValueError(
            i18n.t(
                "error.type", language, name=param.name, value=repr(value), type=i18n.t(f"type.{param.type}", language)
            )
        ) from None


def _check_one(param: Param, value: Any, values: dict[str, Any], language: str) -> Any:
    value = coerce(param, value, language)
    allowed = param.allowed()
    if allowed is not None and value not in allowed:
        raise _unknown(param.name, value, allowed, language)
    if param.minimum is not None and value < param.minimum or param.maximum is not None and value > param.maximum:
        low = "−∞" if param.minimum is None else f"{param.minimum:g}"
        high = "∞" if param.maximum is None else f"{param.maximum:g}"
        raise ParameterValueError(i18n.t("error.range", language, name=param.name, value=value, low=low, high=high))
    if param.check is not None:
        value = param.check(value, values, language)
    return value


def validate(
    notebook: str,
    values: Mapping[str, Any] | None = None,
    *,
    message_language: str = "en",
    specs: Mapping[str, Spec] | None = None,
    **kwargs: Any,
) -> Checked:
    """Check every parameter of ``notebook`` (given as a mapping and/or keywords; missing ones take
    their defaults). Returns :class:`Checked`; raises :class:`ParameterValueError` or
    :class:`UnknownValueError` naming the bad value and the valid choices."""
    specs = specs if specs is not None else SPECS
    if notebook not in specs:
        raise UnknownValueError("notebook", notebook, sorted(specs))
    spec = specs[notebook]
    given = {**(values or {}), **kwargs}
    lang = message_language if message_language in i18n.LANGUAGES else "en"
    for name in given:
        if name not in spec.names():
            raise _unknown(f"parameter of notebook {notebook}", name, spec.names(), lang)
    checked: dict[str, Any] = {}
    for param in spec.params:
        checked[param.name] = _check_one(param, given.get(param.name, param.default), checked, lang)
    from .names import kommun_resolver

    res = kommun_resolver()
    code = res.code(checked["kommun"])
    assert code is not None
    lan_code, lan = res.lan(code)
    info = resolve_release(checked["release"], language=lang)
    tables = checked.get("tables_dir") or ""
    return Checked(
        notebook=notebook,
        kommun=checked["kommun"],
        kommun_code=code,
        lan=lan,
        lan_code=lan_code,
        release=info.release,
        gas=info.gas,
        release_last_year=info.last_year,
        language=checked["language"],
        current_year=int(checked["current_year"]),
        tables_dir=Path(tables) if tables else None,
        values=checked,
    )


# --- the specs ------------------------------------------------------------------------------------


def _common(current_year_default: int) -> tuple[Param, ...]:
    return (
        Param(
            "kommun",
            "str",
            config.DEFAULT_KOMMUN,
            'kommun name or SCB code, e.g. "Falun" or "2080"',
            check=_check_kommun,
        ),
        Param("release", "str", "latest", 'SMHI release, e.g. "2025", "2026" or "latest"', check=_check_release),
        Param("language", "str", config.DEFAULT_LANGUAGE, '"sv" (svenska) or "en" (English)', check=_check_language),
        Param(
            "current_year",
            "int",
            current_year_default,
            "the analysis year; trend estimates run up to it",
            check=_check_current_year,
        ),
        Param(
            "tables_dir",
            "str",
            "",
            "folder for CSV copies of the tables; empty means: do not save",
            check=_check_tables_dir,
        ),
    )


def _budget_presets() -> list[str]:
    from . import reference

    return reference.table("budget_presets.csv", as_text=True)["preset"].tolist()


def _known_installations() -> list[str]:
    """EU ETS installations named in the reference tables (partners' installations and those an
    adopted kommun budget excludes)."""
    from . import reference

    ids = {i for p in _registry() for i in p.get("ets_installations", [])}
    budgets = reference.table("kommun_budgets.csv", as_text=True)
    for cell in budgets.get("excluded_installations", []):
        ids |= {s for s in str(cell).split(";") if s}
    return sorted(ids)


def _check_exclude(value: Any, values: dict[str, Any], language: str) -> str:
    text = str(value).strip()
    if text in ("auto", "none"):
        return text
    known = _known_installations()
    ids = [s.strip() for s in text.split(",") if s.strip()]
    for i in ids or [text]:
        if i not in known:
            raise _unknown("exclude", i, ["auto", "none", *known], language)
    return ",".join(ids)


def _check_installation_or_empty(value: Any, values: dict[str, Any], language: str) -> str:
    text = str(value).strip()
    if text and text not in _known_installations():
        raise _unknown("EU ETS installation", text, ["", *_known_installations()], language)
    return text


def _check_target_year(value: Any, values: dict[str, Any], language: str) -> int:
    low, high = int(values["current_year"]), config.DEFAULTS.end_year
    if not low <= int(value) <= high:
        raise ParameterValueError(i18n.t("error.range", language, name="target_year", value=value, low=low, high=high))
    return int(value)


def _check_facility_release(value: Any, values: dict[str, Any], language: str) -> str:
    with_sectors = [r.release for r in releases() if "sector" in r.levels]
    if value not in with_sectors:
        raise _unknown("facility_release", value, with_sectors, language)
    return str(value)


def _year_default() -> int:
    return config.default_current_year()


def _specs() -> dict[str, Spec]:
    year = _year_default()
    c = _common(year)
    return {
        "overview": Spec("overview", c),
        "sector": Spec(
            "sector",
            (
                *c,
                Param(
                    "sector",
                    "str",
                    "Industri (energi + processer)",
                    'one of the 9 SMHI main sectors (Swedish name or id, e.g. "transporter")',
                    check=_check_sector,
                ),
            ),
        ),
        "partner": Spec(
            "partner",
            (
                *c,
                Param(
                    "partner",
                    "str",
                    "ssab",
                    "partner id from borlange_analysis/reference/partners.toml",
                    check=_check_partner,
                ),
                Param(
                    "facility_release",
                    "str",
                    "2021",
                    "SMHI release to divide facility emissions by (years must overlap EU ETS 2013-2020)",
                    check=_check_facility_release,
                ),
                Param(
                    "use_example_activity",
                    "bool",
                    False,
                    "True: use the ILLUSTRATIVE example activity data when the partner has none",
                ),
            ),
        ),
        "carbon_budget": Spec(
            "carbon_budget",
            (
                *c,
                Param(
                    "preset", "str", config.DEFAULTS.budget_preset, "national budget preset", choices=_budget_presets
                ),
                Param(
                    "exclude",
                    "str",
                    "auto",
                    'point sources to exclude: "auto", "none" or EU ETS ids like "SE_386"',
                    check=_check_exclude,
                ),
                Param(
                    "blend_weight",
                    "float",
                    0.5,
                    "weight of grandfathering in the blended allocation (0-1)",
                    minimum=0.0,
                    maximum=1.0,
                ),
            ),
        ),
        "carbon_sinks": Spec(
            "carbon_sinks",
            (
                *c,
                Param(
                    "reduction",
                    "float",
                    0.8,
                    "share of 1990 emissions to cut by the target year (assumption)",
                    minimum=0.0,
                    maximum=1.0,
                ),
                Param("target_year", "int", 2030, "the climate-neutrality target year", check=_check_target_year),
                Param(
                    "set_aside_ha",
                    "float",
                    500.0,
                    "scenario: productive forest set aside from felling (ha)",
                    minimum=0.0,
                ),
                Param("afforestation_ha", "float", 100.0, "scenario: open land afforested (ha)", minimum=0.0),
                Param("rewetting_ha", "float", 50.0, "scenario: drained organic soils rewetted (ha)", minimum=0.0),
                Param(
                    "harvest_change",
                    "float",
                    -0.1,
                    "scenario: relative change in felling, -0.1 means 10 % less",
                    minimum=-1.0,
                    maximum=1.0,
                ),
                Param("biochar_t", "float", 500.0, "scenario: biochar applied to soil (t/yr)", minimum=0.0),
                Param(
                    "ccs_installation",
                    "str",
                    "SE_56",
                    "scenario: EU ETS plant with carbon capture; empty means none",
                    check=_check_installation_or_empty,
                ),
            ),
        ),
        "peers": Spec(
            "peers",
            (*c, Param("map_scope", "str", "both", '"sweden", "lan" or "both"', choices=("sweden", "lan", "both"))),
        ),
        "workshop_food_waste": Spec(
            "workshop_food_waste",
            (
                *c,
                Param(
                    "school_kitchens",
                    "int",
                    20,
                    "school kitchens that open evenings and weekends (assumption)",
                    minimum=0,
                    maximum=1000,
                ),
                Param(
                    "rescuable_share",
                    "float",
                    0.5,
                    "share of the serving waste that can be served again (0-1)",
                    minimum=0.0,
                    maximum=1.0,
                ),
                Param("meal_price_sek", "float", 60.0, "price of an evening meal in SEK (assumption)", minimum=0.0),
                Param(
                    "evenings_per_year",
                    "int",
                    200,
                    "evenings and weekend days the kitchens are open (assumption)",
                    minimum=0,
                    maximum=366,
                ),
            ),
        ),
    }


SPECS: dict[str, Spec] = _specs()


# --- the measures page (issue 15) ---------------------------------------------------------------------


def _check_portfolio(value: Any, values: dict[str, Any], language: str) -> str:
    """A portfolio spec (``auto``, names joined by ``+`` or a CSV file) whose files exist and pass
    validation (:mod:`borlange_analysis.analysis.measures`); the release must have sectors."""
    from .analysis import measures as msr

    info = resolve_release(values.get("release", "latest"), language=language)
    if "sector" not in info.levels:
        with_sectors = [r.release for r in releases() if "sector" in r.levels]
        raise ParameterValueError(
            i18n.t("error.release_without_sectors", language, release=info.release, choices=", ".join(with_sectors))
        )
    try:
        msr.load_portfolio(str(value), kommun=values["kommun"])
    except UnknownValueError as exc:
        if exc.kind != "portfolio":
            raise
        raise _unknown("portfolio", exc.value, exc.choices, language) from None
    return str(value)


def _check_measures_off(value: Any, values: dict[str, Any], language: str) -> str:
    from .analysis import measures as msr

    ids = msr.split_ids(str(value))
    if ids:
        valid = msr.load_portfolio(values["portfolio"], kommun=values["kommun"])["id"].tolist()
        for i in ids:
            if i not in valid:
                raise _unknown("measure", i, valid, language)
    return ",".join(ids)


SPECS["measures"] = Spec(
    "measures",
    (
        *_common(_year_default()),
        Param(
            "portfolio",
            "str",
            "auto",
            '"auto", "generic", "borlange", a file name in data/measures/, or names joined by "+"',
            check=_check_portfolio,
        ),
        Param("measures_off", "str", "", "ids of measures to switch off, comma-separated", check=_check_measures_off),
        Param("preset", "str", config.DEFAULTS.budget_preset, "national budget preset", choices=_budget_presets),
        Param(
            "exclude",
            "str",
            "auto",
            'point sources out of the budget: "auto", "none" or EU ETS ids like "SE_386"',
            check=_check_exclude,
        ),
    ),
)


def notebook_cell_parameters(path: str | Path) -> dict[str, Any]:
    """The literal assignments of a notebook's cell tagged ``parameters`` (name -> value), read with
    :mod:`ast` (no kernel, no papermill)."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cell = next((c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        raise ParameterError(f"notebook {path} has no cell tagged 'parameters'")
    src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    out: dict[str, Any] = {}
    for node in ast.parse(src).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            out[node.target.id] = ast.literal_eval(node.value)
    return out
