"""``<root>/methods.html``: the method description (``docs/methods.md``) as a page of the site.

Every report page links to it (to the section its numbers follow), so a reader who opens the site
from disk or a static web host finds the methods beside the reports, without a checkout. The page
is written in English, as the method description is; Swedish pages say so in the link.

Headings get the identifiers GitHub gives them (:func:`slug`), so ``methods.html#carbon-budgets``
and ``docs/methods.md#carbon-budgets`` point to the same section.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from markdown_it import MarkdownIt

from .. import config
from .._io import atomic_write_text
from .html import CSS

NAME = "methods.html"
TABLE_CSS = """
table { border-collapse: collapse; }
th, td { border-bottom: 1px solid var(--line); padding: .3em .6em; }
"""


def source() -> Path:
    """The method description of this checkout: ``docs/methods.md`` beside the package."""
    return Path(config.PACKAGE_DIR).parent / "docs" / "methods.md"


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens
    ('Partners' emissions (scope 1, 2 and 3)' -> 'partners-emissions-scope-1-2-and-3')."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def render(markdown: str) -> str:
    """The HTML body of a Markdown text (CommonMark with tables), headings with GitHub anchors.
    Raw HTML in the text is escaped, not passed through."""
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
            _local_links(tok.children or [])
    return md.renderer.render(tokens, md.options, {})


def _local_links(children: list) -> None:
    """Links to the other documents of ``docs/`` are not part of the site: they become the text
    ``docs/<file>`` (a link into this page, ``methods.md#x``, becomes ``#x``)."""
    for i, tok in enumerate(children):
        if tok.type != "link_open":
            continue
        href = str(tok.attrGet("href") or "")
        if re.match(r"^[a-z][a-z0-9+.-]*:|^//|^#", href) or ".md" not in href:
            continue
        path, _, fragment = href.partition("#")
        if Path(path).name == "methods.md":
            tok.attrSet("href", f"#{fragment}" if fragment else "#")
            continue
        close = next(j for j in range(i + 1, len(children)) if children[j].type == "link_close")
        for j in range(i, close + 1):
            children[j].type, children[j].content = "text", ""
        children[i].content = f"docs/{Path(path).name}"


def document(markdown: str) -> str:
    """A complete page, with the site's style sheet and no external resources."""
    body = render(markdown)
    first = re.search(r"^#\s+(.+)$", markdown, flags=re.MULTILINE)
    title = f"borlange-analysis: {first.group(1).strip()}" if first else "borlange-analysis: methods"
    css = CSS + TABLE_CSS
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
        f'<nav class="site"><a href="index.html">borlange-analysis</a></nav>\n<main>\n{body}</main>\n</body>\n</html>\n'
    )


def write(root: Path) -> Path | None:
    """Write ``<root>/methods.html`` from the method description (nothing when this installation
    has no ``docs/methods.md``); returns the page written."""
    src = source()
    if not src.is_file():
        return None
    target = Path(root) / NAME
    page = document(src.read_text(encoding="utf-8"))
    if target.is_file() and target.read_text(encoding="utf-8") == page:
        return target
    atomic_write_text(target, page)
    return target
