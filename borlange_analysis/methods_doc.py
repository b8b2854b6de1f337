"""Where the method description is, in each language, and its sections' anchors.

The method description is written in English (``docs/methods.md``, the reference text) and in
Swedish (``docs/methods.sv.md``, the same headings in the same order and at the same levels). The
built site carries both as pages, named like the site's index pages: ``methods.html`` in Swedish
(the site's first language) and ``methods.en.html`` in English. Report pages link to the section
their numbers follow; a section is named by its English anchor (as GitHub makes it, :func:`slug`)
and found in the other language by its position among the headings.

Light on purpose: both the report runner and the kernel-side pages import it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from . import config

#: The method description's file in ``docs/`` and its page in the built site, per language.
SOURCES = {"en": "methods.md", "sv": "methods.sv.md"}
PAGES = {"sv": "methods.html", "en": "methods.en.html"}
REFERENCE = "en"

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^(```|~~~)")


def docs_dir() -> Path:
    """The checkout's ``docs/`` folder (beside the package)."""
    return Path(config.PACKAGE_DIR).parent / "docs"


def source(language: str = REFERENCE) -> Path:
    """The method description's Markdown file in ``language``."""
    return docs_dir() / SOURCES[language]


def page_name(language: str) -> str:
    """The method description's page in the built site (``methods.html``, ``methods.en.html``)."""
    return PAGES[language]


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens
    ('Partners' emissions (scope 1, 2 and 3)' -> 'partners-emissions-scope-1-2-and-3')."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def heading_text(raw: str) -> str:
    """A Markdown heading's text as the reader sees it (code spans, emphasis and links reduced to
    their text), from which its anchor is made."""
    text = re.sub(r"`([^`]*)`", r"\1", raw)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|\*|_)(.+?)\1", r"\2", text)


def headings(markdown: str) -> list[tuple[int, str]]:
    """The headings of a Markdown text, in order: (level, anchor), repeated anchors numbered as
    GitHub numbers them ('notes', 'notes-1'). Lines inside fenced code are not headings."""
    out: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    fenced = False
    for line in markdown.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        m = None if fenced else _HEADING.match(line)
        if not m:
            continue
        anchor = slug(heading_text(m.group(2)))
        n = seen.get(anchor, 0)
        seen[anchor] = n + 1
        out.append((len(m.group(1)), anchor if n == 0 else f"{anchor}-{n}"))
    return out


@cache
def _anchors(language: str) -> tuple[tuple[int, str], ...]:
    path = source(language)
    return tuple(headings(path.read_text(encoding="utf-8"))) if path.is_file() else ()


def section_anchor(anchor: str, language: str) -> str:
    """The anchor, in ``language``'s method description, of the section whose English anchor is
    ``anchor`` (the same position among the headings); ``""`` when either text lacks it."""
    if language == REFERENCE:
        return anchor
    reference, translated = _anchors(REFERENCE), _anchors(language)
    positions = [i for i, (_, a) in enumerate(reference) if a == anchor]
    if not positions or positions[0] >= len(translated):
        return ""
    return translated[positions[0]][1]
