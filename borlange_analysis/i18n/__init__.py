"""Texts in Swedish and English: every user-facing string is read through :func:`t`.

The catalogues are the TOML files in ``i18n/sv/`` and ``i18n/en/`` (one file per page plus
``common.toml``; nested tables, a key is the dotted path, e.g. ``"page.overview.title"``). Both
languages have exactly the same keys (a test checks it); a key defined twice fails, and a missing
key fails with the key, the language and the nearest keys. Fields in braces are
filled with :meth:`str.format` (``t("page.overview.title", "sv", kommun="Borlänge")``).

Numbers, years, percentages, dates, booleans and ranges are formatted by :mod:`.fmt`.
This module is light (no pandas): the report runner and the notebooks' validation both use it.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import BorlangeError, UnknownValueError, nearest

LANGUAGES = ("sv", "en")
_DIR = Path(__file__).resolve().parent


class MissingTextError(BorlangeError, KeyError):
    """A text key that a catalogue does not have."""

    def __init__(self, key: str, language: str):
        near = nearest(key, catalogue(language), n=3) if language in LANGUAGES else []
        hint = f" Did you mean {' or '.join(repr(k) for k in near)}?" if near else ""
        super().__init__(f"No text {key!r} in the {language!r} catalogue ({_DIR / language}/*.toml).{hint}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, path + "."))
        else:
            out[path] = str(value)
    return out


@lru_cache(maxsize=4)
def _load(language: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for path in sorted((_DIR / language).glob("*.toml")):
        with open(path, "rb") as fh:
            part = _flatten(tomllib.load(fh))
        twice = sorted(set(part) & set(texts))
        if twice:
            raise BorlangeError(f"{path}: text keys defined in another file of {_DIR / language} too: {twice[:5]}")
        texts.update(part)
    return texts


def check_language(language: str) -> str:
    """``language`` if it is one of :data:`LANGUAGES`, else a clear error listing them."""
    if language not in LANGUAGES:
        raise UnknownValueError("language", language, LANGUAGES)
    return language


def catalogue(language: str) -> dict[str, str]:
    """All texts of one language: key -> text (a copy)."""
    return dict(_load(check_language(language)))


def has(key: str, language: str) -> bool:
    """True when the catalogue of ``language`` has ``key``."""
    return key in _load(check_language(language))


def t(key: str, language: str, /, **fields: Any) -> str:
    """The text ``key`` in ``language``, its ``{fields}`` filled in."""
    texts = _load(check_language(language))
    if key not in texts:
        raise MissingTextError(key, language)
    text = texts[key]
    return text.format(**fields) if fields else text


def t_or(key: str, language: str, default: str, /, **fields: Any) -> str:
    """Like :func:`t`, but ``default`` when the catalogue has no such key (for user-supplied
    registries whose entries have no catalogue text)."""
    return t(key, language, **fields) if has(key, language) else default


def sentence_with_link(key: str, link_key: str, language: str, href: str, **fields: Any) -> str:
    """HTML of the text ``key`` whose ``{link}`` field is a link to ``href`` with the text
    ``link_key``; everything else escaped."""
    import html

    mark = "\x00"
    anchor = f'<a href="{html.escape(href)}">{html.escape(t(link_key, language))}</a>'
    return html.escape(t(key, language, **fields, link=mark)).replace(mark, anchor)


def sector_label(sector: str, language: str) -> str:
    """A sector's name in the page's language: SMHI's Swedish main-sector name, its id or 'Alla'."""
    from ..names import SECTOR_TOTAL, sector_id

    if sector == SECTOR_TOTAL:
        return t("sector.total", language)
    return t(f"sector.{sector_id(sector)}", language)
