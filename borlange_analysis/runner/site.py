"""The site: every set's index composed from its build records, a top-level index over all sets,
a ``latest/`` entry per kommun, and ``last-run.json``.

All of it is composed from what is on disk, never from the jobs of one run, so a partial, failed
or interrupted run leaves a site that lists everything that is published:

- ``<root>/<kommun>/<release>/<language>/index.html`` and ``summary.json`` (:func:`.publish.compose_set`)
  for every set the run touched and every set whose index is missing or older than its records;
- ``<root>/index.html`` (Swedish) and ``<root>/index.en.html`` (English): the national page, a
  sortable table of every kommun present with its key indicators (:mod:`.national`, also as
  ``<root>/national_summary.csv``), then every kommun, release and language present, newest
  release first;
- ``<root>/<kommun>/latest/index.html`` (and ``latest/<language>/index.html``): a small redirect
  page to the newest release's set. A redirect page rather than a symbolic link: it works on
  Windows (where creating symlinks needs administrator rights or developer mode), in ZIP archives
  and ``git``, on static web hosts that do not follow links, and when the folder is opened
  straight from disk;
- ``<root>/methods.html``, ``methods.en.html``: the method description the pages link to
  (:mod:`.methods_page`);
- ``<root>/last-run.json``: what the last run did (written by :func:`write_last_run`).
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__, config, i18n, methods_doc
from .._io import atomic_write_json, atomic_write_text
from ..errors import BorlangeError, fold
from ..i18n import fmt
from . import methods_page, national, publish
from .html import CSS, build_time

LATEST = "latest"
LAST_RUN = "last-run.json"


index_name = publish.root_index_name


def set_folders(root: Path) -> list[Path]:
    """Every set folder ``<root>/<kommun>/<release>/<language>/`` that holds records or an index."""
    out: list[Path] = []
    root = Path(root)
    if not root.is_dir():
        return out
    for kommun in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        for release in sorted(p for p in kommun.iterdir() if p.is_dir() and p.name != LATEST):
            for lang in i18n.LANGUAGES:
                folder = release / lang
                if folder.is_dir() and (
                    any(folder.glob(f"*{publish.RECORD_SUFFIX}")) or (folder / "index.html").exists()
                ):
                    out.append(folder)
    return out


def _stale(folder: Path) -> bool:
    """True when a set's index or summary is missing or older than one of its records."""
    records = list(folder.glob(f"*{publish.RECORD_SUFFIX}"))
    composed = [folder / n for n in publish.SET_FILES]
    if not records:
        return any(p.exists() for p in composed)
    if not all(p.is_file() for p in composed):
        return True
    oldest = min(p.stat().st_mtime_ns for p in composed)
    return any(r.stat().st_mtime_ns > oldest for r in records)


def release_rank(release: str) -> tuple[int, str, str]:
    """Sort key of a release: registered releases by publication date, unknown ones by name after."""
    from .. import params

    known = {r.release: i for i, r in enumerate(params.releases())}
    if release in known:
        return (1, f"{known[release]:06d}", release)
    return (0, "", release)


def compose(
    root: Path,
    *,
    touched: Iterable[Path],
    notebook_order: list[str],
    public_only: bool = True,
    notices: list[str] | None = None,
) -> list[Path]:
    """Compose every touched or stale set of ``root``, then the top-level index and the ``latest``
    pages; in the public site the top-level index is the national page (:mod:`.national`, with
    ``national_summary.csv``). Returns the sets that have reports. ``notices`` collects what the
    operator should know (the national table could not be updated)."""
    root = Path(root)
    touched_set = {Path(p) for p in touched}
    for folder in sorted(touched_set | set(set_folders(root))):
        if not folder.is_dir():
            continue
        if folder in touched_set or _stale(folder):
            publish.compose_set(folder, notebook_order=notebook_order, public_only=public_only)
            if not any(folder.iterdir()):
                _remove_empty_up(folder, root)
    sets = [f for f in set_folders(root) if (f / "index.html").is_file()]
    write_latest(root, sets)
    if sets:
        methods_page.write(root)
    table: National | None = None
    if public_only:
        try:
            table = national_table(root, sets, notices)
        except OSError as exc:  # the disk: a top-level index without the table, then the run stops (73)
            write_root_index(root, sets, National(None, [], error=str(exc)))
            raise
    write_root_index(root, sets, table)
    return sets


@dataclass
class National:
    """The national table of a site: the indicators frame and the kommuner it covers (or why it is
    not there)."""

    frame: Any
    kommuner: list[national.Present]
    error: str = ""


def national_table(root: Path, sets: list[Path], notices: list[str] | None = None) -> National:
    """Bring ``national_summary.csv`` up to date; a failure to compute it (data missing, a bad
    measures file) is reported and leaves the previous file, never the rest of the site."""
    try:
        frame, kommuner = national.refresh(root, sets)
    except BorlangeError as exc:
        msg = f"the national table (national_summary.csv) was not updated: {exc}"
        if notices is not None:
            notices.append(msg)
        return National(None, [], error=str(exc))
    return National(frame, kommuner)


def _remove_empty_up(folder: Path, root: Path) -> None:
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def _by_kommun(sets: list[Path]) -> dict[str, dict[str, list[str]]]:
    """kommun -> release (newest first) -> languages present."""
    tree: dict[str, dict[str, list[str]]] = {}
    for folder in sets:
        kommun, release, lang = folder.parent.parent.name, folder.parent.name, folder.name
        tree.setdefault(kommun, {}).setdefault(release, []).append(lang)
    ordered: dict[str, dict[str, list[str]]] = {}
    for kommun in sorted(tree, key=fold):
        releases = sorted(tree[kommun], key=release_rank, reverse=True)
        ordered[kommun] = {r: [lang for lang in i18n.LANGUAGES if lang in tree[kommun][r]] for r in releases}
    return ordered


def _href(*parts: str) -> str:
    return "/".join(quote(p) for p in parts)


def _document(*, language: str, title: str, body: str, head: str = "") -> str:
    return (
        f'<!doctype html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n{head}<style>{CSS}</style>\n</head>\n<body>\n"
        f"<main>\n{body}</main>\n</body>\n</html>\n"
    )


def write_root_index(root: Path, sets: list[Path], table: National | None = None) -> None:
    """``index.html`` (and ``index.en.html``): the national table (when ``table`` is given) and
    every kommun, release and language present."""
    tree = _by_kommun(sets)
    built = build_time()
    for lang in i18n.LANGUAGES:
        other = next(x for x in i18n.LANGUAGES if x != lang)
        parts = [f"<h1>{html.escape(i18n.t('site.root_title', lang))}</h1>\n"]
        meta = i18n.t("site.root_meta", lang, built=fmt.timestamp(built, lang), version=__version__)
        parts.append(f'<p class="subtitle">{html.escape(meta)}</p>\n')
        other_text = html.escape(i18n.t("site.other_language", lang))
        parts.append(f'<p><a href="{index_name(other)}" hreflang="{other}">{other_text}</a></p>\n')
        parts.append(f"<p>{html.escape(i18n.t('site.root_intro', lang))}</p>\n")
        if (Path(root) / methods_doc.page_name(lang)).is_file():
            link = i18n.sentence_with_link(
                "page.methods_link", "page.methods_link_text", lang, methods_doc.page_name(lang)
            )
            parts.append(f'<p class="methods-link">{link}</p>\n')
        if not tree:
            parts.append(f'<p class="empty">{html.escape(i18n.t("site.root_empty", lang))}</p>\n')
        if table is not None and tree:
            parts.append(f'<h2 id="national">{html.escape(i18n.t("national.heading", lang))}</h2>\n')
            if table.error:
                parts.append(f'<p class="empty">{html.escape(i18n.t("national.unavailable", lang))}</p>\n')
            else:
                parts.append(f"<p>{html.escape(i18n.t('national.intro', lang))}</p>\n")
                parts.append(national.table_html(table.frame, table.kommuner, lang))
            parts.append(f'<h2 id="reports">{html.escape(i18n.t("national.reports_heading", lang))}</h2>\n')
        for kommun in sorted(tree, key=lambda k: national.collation_key(k, lang)):
            releases = tree[kommun]
            newest_langs = next(iter(releases.values()))
            target = _href(kommun, LATEST, *([lang] if lang in newest_langs else []), "index.html")
            latest = f'<a href="{target}">{html.escape(i18n.t("site.root_latest", lang))}</a>'
            level = 3 if table is not None else 2
            parts.append(f"<h{level}>{html.escape(kommun)} <small>({latest})</small></h{level}>\n<ul>\n")
            for release, langs in releases.items():
                links = " · ".join(
                    f'<a href="{_href(kommun, release, x, "index.html")}" hreflang="{x}">'
                    f"{html.escape(i18n.t(f'site.autonym_{x}', lang))}</a>"
                    for x in langs
                )
                label = html.escape(i18n.t("site.root_release", lang, release=release))
                parts.append(f"<li>{label}: {links}</li>\n")
            parts.append("</ul>\n")
        head = f"<style>{national.CSS}</style>\n" if table is not None else ""
        page = _document(language=lang, title=i18n.t("site.root_title", lang), body="".join(parts), head=head)
        atomic_write_text(Path(root) / index_name(lang), page)


def _redirect(*, language: str, kommun: str, release: str, target: str) -> str:
    title = i18n.t("site.latest_title", language, kommun=kommun)
    head = (
        f'<meta http-equiv="refresh" content="0; url={html.escape(target)}">\n'
        f'<link rel="canonical" href="{html.escape(target)}">\n'
    )
    text = i18n.t("site.latest_text", language, kommun=kommun, release=release)
    body = (
        f"<h1>{html.escape(title)}</h1>\n<p>{html.escape(text)} "
        f'<a href="{html.escape(target)}">{html.escape(i18n.t("site.latest_link", language))}</a></p>\n'
    )
    return _document(language=language, title=title, body=body, head=head)


def write_latest(root: Path, sets: list[Path]) -> None:
    """``<kommun>/latest/index.html`` and ``<kommun>/latest/<language>/index.html``: redirect pages
    to the newest release present; a kommun without sets loses its ``latest`` folder."""
    import shutil

    root = Path(root)
    tree = _by_kommun(sets)
    for kommun_dir in (p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if kommun_dir.name not in tree and (kommun_dir / LATEST).exists():
            shutil.rmtree(kommun_dir / LATEST, ignore_errors=True)
            _remove_empty_up(kommun_dir, root)
    for kommun, releases in tree.items():
        newest = next(iter(releases))
        langs = releases[newest]
        folder = root / kommun / LATEST
        main_lang = config.DEFAULT_LANGUAGE if config.DEFAULT_LANGUAGE in langs else langs[0]
        atomic_write_text(
            folder / "index.html",
            _redirect(
                language=main_lang, kommun=kommun, release=newest, target=_href("..", newest, main_lang, "index.html")
            ),
        )
        for lang in i18n.LANGUAGES:
            target_dir = folder / lang
            if lang in langs:
                atomic_write_text(
                    target_dir / "index.html",
                    _redirect(
                        language=lang,
                        kommun=kommun,
                        release=newest,
                        target=_href("..", "..", newest, lang, "index.html"),
                    ),
                )
            elif target_dir.exists():
                shutil.rmtree(target_dir, ignore_errors=True)


def write_last_run(root: Path, payload: dict[str, Any]) -> Path:
    root = Path(root)
    os.makedirs(root, exist_ok=True)
    return atomic_write_json(root / LAST_RUN, payload)
