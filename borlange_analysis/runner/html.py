"""The HTML around a report page: title, language, a link back to the set's index, the build date
and data release, and the page's own style sheet. No external resources: every page opens offline.

The notebook body comes from nbconvert's "basic" template (no scripts, no CDN); this module wraps
it in a complete document.
"""

from __future__ import annotations

import datetime as _dt
import html
import os

from .. import __version__, i18n
from ..i18n import fmt

CSS = """
:root { --ink: #1d1d1f; --muted: #5b5b66; --line: #d9d9de; --accent: #2f5d8a; --bg-note: #f4f6fa; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); margin: 0; line-height: 1.5; }
nav.site { background: #f7f7f9; border-bottom: 1px solid var(--line); padding: .6em 1.2em; font-size: .9em;
           display: flex; flex-wrap: wrap; gap: .4em 1.2em; }
nav.site a { color: var(--accent); text-decoration: none; font-weight: 600; }
nav.site .meta { color: var(--muted); }
main { max-width: 62em; margin: 0 auto; padding: 1em 1.2em 3em; }
h1 { font-size: 1.8em; margin: .6em 0 .2em; }
h2 { font-size: 1.3em; margin: 1.6em 0 .5em; border-bottom: 1px solid var(--line); padding-bottom: .2em; }
h3 { font-size: 1.1em; }
p.subtitle { color: var(--muted); margin-top: 0; }
p.note, div.note { background: var(--bg-note); border-left: 4px solid var(--accent); padding: .6em .9em; }
p.empty { color: var(--muted); font-style: italic; }
ul.statements li { margin: .3em 0; }
.table-wrap { overflow-x: auto; margin: .6em 0; }
table.report-table { border-collapse: collapse; font-size: .9em; min-width: 50%; }
table.report-table th { text-align: left; border-bottom: 2px solid var(--ink); padding: .35em .6em;
                        vertical-align: bottom; }
table.report-table td { border-bottom: 1px solid var(--line); padding: .3em .6em; vertical-align: top; }
table.report-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
p.table-meta, p.table-note { font-size: .8em; color: var(--muted); margin: .2em 0 1em; }
figure.chart { margin: 1em 0; }
figure.chart img { max-width: 100%; height: auto; }
figcaption { font-size: .85em; color: var(--muted); }
.jp-OutputArea-output pre { white-space: pre-wrap; }
code { background: #f2f2f4; padding: 0 .2em; }
a.anchor-link { display: none; }
"""


def build_time() -> _dt.datetime:
    """The build time: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.UTC)
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def page_title(title: str, kommun: str) -> str:
    """A <title> naming the report and the kommun."""
    return title if kommun in title else f"{title} · {kommun}"


def wrap_page(
    body: str,
    *,
    title: str,
    language: str,
    kommun: str,
    release: str,
    built: _dt.datetime,
    index_href: str = "index.html",
) -> str:
    """A complete HTML document around a report's body."""
    back = i18n.t("site.back", language, kommun=kommun)
    meta = i18n.t("site.meta", language, built=fmt.timestamp(built, language), release=release, version=__version__)
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(page_title(title, kommun))}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        f'<nav class="site"><a href="{html.escape(index_href)}">← {html.escape(back)}</a>'
        f'<span class="meta">{html.escape(meta)}</span></nav>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
