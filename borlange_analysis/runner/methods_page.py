"""The method description as pages of the site: ``<root>/methods.html`` in Swedish (from
``docs/methods.sv.md``) and ``<root>/methods.en.html`` in English (from ``docs/methods.md``, the
reference text), named like the site's index pages (:mod:`borlange_analysis.methods_doc`).

Every report page links to the one in its language, at the section its numbers follow, so a reader
who opens the site from disk or a static web host finds the methods beside the reports, without a
checkout. Headings get the identifiers GitHub gives them (:func:`slug`), so
``methods.en.html#carbon-budgets`` and ``docs/methods.md#carbon-budgets`` point to the same section.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from markdown_it import MarkdownIt

from .. import i18n, methods_doc
from .._io import atomic_write_text
from .html import CSS
from .publish import root_index_name

TABLE_CSS = """
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid var(--line); padding: .3em .6em; }
"""
slug = methods_doc.slug


def source(language: str = methods_doc.REFERENCE) -> Path:
    """The method description of this checkout in ``language`` (``docs/methods.md``,
    ``docs/methods.sv.md``)."""
    return methods_doc.source(language)


def render(markdown: str, language: str = methods_doc.REFERENCE) -> str:
    """The HTML body of a Markdown text in ``language`` (CommonMark with tables), headings with
    GitHub anchors. Raw HTML in the text is escaped, not passed through."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(markdown)
    seen: dict[str, int] = {}
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            inline = tokens[i + 1]
            text = "".join(c.content for c in (inline.children or []) if c.type in ("text", "code_inline"))
            anchor = slug(text)
            n = seen.get(anchor, 0)
            seen[anchor] = n + 1
            tok.attrSet("id", anchor if n == 0 else f"{anchor}-{n}")
        if tok.type == "inline":
            _local_links(tok.children or [], language)
    return md.renderer.render(tokens, md.options, {})


def _local_links(children: list, language: str) -> None:
    """Links to the other documents of ``docs/`` are not part of the site: they become the text
    ``docs/<file>``. A link into the method description (``methods.md#x``, ``#x``; ``x`` is the
    English anchor, as the translation keeps its links) becomes ``#y``, ``y`` the same section's
    anchor in ``language``."""
    for i, tok in enumerate(children):
        if tok.type != "link_open":
            continue
        href = str(tok.attrGet("href") or "")
        if href.startswith("#"):
            tok.attrSet("href", f"#{methods_doc.section_anchor(href[1:], language) or href[1:]}")
            continue
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//", href) or ".md" not in href:
            continue
        path, _, fragment = href.partition("#")
        if Path(path).name in methods_doc.SOURCES.values():
            anchor = methods_doc.section_anchor(fragment, language) or fragment if fragment else ""
            tok.attrSet("href", f"#{anchor}" if anchor else "#")
            continue
        close = next(j for j in range(i + 1, len(children)) if children[j].type == "link_close")
        for j in range(i, close + 1):
            children[j].type, children[j].content = "text", ""
        children[i].content = f"docs/{Path(path).name}"


def document(markdown: str, language: str = methods_doc.REFERENCE) -> str:
    """A complete page in ``language``, with the site's style sheet, a link to the site's index and
    to the other language's version, and no external resources."""
    body = render(markdown, language)
    first = re.search(r"^#\s+(.+)$", markdown, flags=re.MULTILINE)
    title = f"borlange-analysis: {first.group(1).strip()}" if first else "borlange-analysis"
    other = next(x for x in i18n.LANGUAGES if x != language)
    other_text = html.escape(i18n.t("site.other_language", language))
    css = CSS + TABLE_CSS
    return (
        f'<!doctype html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f'<nav class="site"><a href="{root_index_name(language)}">borlange-analysis</a> · '
        f'<a href="{methods_doc.page_name(other)}" hreflang="{other}">{other_text}</a></nav>\n'
        f"<main>\n{body}</main>\n</body>\n</html>\n"
    )


def write(root: Path) -> list[Path]:
    """Write the method description's pages into ``root`` (a language whose Markdown file this
    installation lacks gets none); returns the pages written or found unchanged."""
    pages = []
    for language in i18n.LANGUAGES:
        src = source(language)
        if not src.is_file():
            continue
        target = Path(root) / methods_doc.page_name(language)
        page = document(src.read_text(encoding="utf-8"), language)
        if not (target.is_file() and target.read_text(encoding="utf-8") == page):
            atomic_write_text(target, page)
        pages.append(target)
    return pages
