"""Publishing: staged report files moved into place, one build record per report, and each set's
``index.html`` and ``summary.json`` composed from the records on disk.

A set is one folder ``<root>/<kommun>/<release>/<language>/``. Each report in it has a build
record ``<name>.build.json`` (inputs fingerprint, status, language, title, key line, key figures,
files, analysis year, build time). The index and summary list every record in the folder, not just
the jobs of the current run, so a partial run never shrinks them and a failed run never overwrites
a good entry.

Publishing one report: its record is first rewritten with status ``publishing`` (and the new
inputs fingerprint), then its files are moved into place (``os.replace``, atomic per file), then
the record is written with status ``built``. A run killed in between leaves a record that is not
``built``, so the next run builds that report again.
"""

from __future__ import annotations

import html
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import __version__, i18n
from .._io import atomic_write_json, atomic_write_text
from ..i18n import fmt
from . import hooks
from .html import CSS, build_time
from .plan import Job

RECORD_SUFFIX = ".build.json"
FAILED_DIR = "_failed"
SET_FILES = ("index.html", "summary.json")


def root_index_name(language: str) -> str:
    """The top-level index of a language: ``index.html`` for the default language, else
    ``index.<language>.html``."""
    from .. import config

    return "index.html" if language == config.DEFAULT_LANGUAGE else f"index.{language}.html"


def record_path(folder: Path, name: str) -> Path:
    return folder / f"{name}{RECORD_SUFFIX}"


def read_record(folder: Path, name: str) -> dict[str, Any]:
    p = record_path(folder, name)
    if not p.is_file():
        return {}
    try:
        return dict(json.loads(p.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def read_records(folder: Path) -> list[dict[str, Any]]:
    """Every build record in a set's folder, in a stable order."""
    out = []
    for p in sorted(folder.glob(f"*{RECORD_SUFFIX}")):
        try:
            rec = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(rec, dict) and rec.get("name"):
            out.append(rec)
    return out


def is_current(job: Job, formats: tuple[str, ...]) -> bool:
    """True when the job's last build had the same inputs and all its files are still there."""
    folder = Path(job.out_dir)
    rec = read_record(folder, job.name)
    if rec.get("input_hash") != job.input_hash or rec.get("status") != "built":
        return False
    return all((folder / f"{job.name}.{f}").is_file() for f in formats) and (
        not rec.get("tables") or (folder / "tables" / job.name).is_dir()
    )


def _record(job: Job, outcome: dict[str, Any], *, status: str, has_tables: bool) -> dict[str, Any]:
    key = outcome.get("key") or {}
    return {
        "name": job.name,
        "notebook": job.notebook,
        "status": status,
        "input_hash": job.input_hash,
        "language": job.language,
        "kommun": job.kommun,
        "release": job.release,
        "current_year": job.params.get("current_year"),
        "partner": job.partner,
        "title": key.get("title") or job.title,
        "key_line": key.get("key_line", ""),
        "key_figures": key.get("key_figures") or {},
        "files": list(outcome["files"]),
        "tables": has_tables,
        "public": job.public,
        "built_at": build_time().isoformat(),
        "seconds": round(float(outcome.get("seconds", 0.0)), 2),
        "package_version": __version__,
    }


def publish(job: Job, outcome: dict[str, Any], stage: Path) -> None:
    """Move a built report's files from its staging folder into place, then write its record."""
    folder = Path(job.out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    staged_tables = stage / "tables" / job.name
    has_tables = staged_tables.is_dir() and any(staged_tables.iterdir())
    atomic_write_json(record_path(folder, job.name), _record(job, outcome, status="publishing", has_tables=has_tables))
    for f in outcome["files"]:
        os.replace(stage / f, folder / f)
    final_tables = folder / "tables" / job.name
    if has_tables:
        final_tables.parent.mkdir(parents=True, exist_ok=True)
        old = stage / "tables.old"
        if final_tables.exists():
            os.replace(final_tables, old)
        os.replace(staged_tables, final_tables)
        shutil.rmtree(old, ignore_errors=True)
    elif final_tables.exists():
        shutil.rmtree(final_tables, ignore_errors=True)
    for fmt_ in ("html", "ipynb"):
        if f"{job.name}.{fmt_}" not in outcome["files"]:
            (folder / f"{job.name}.{fmt_}").unlink(missing_ok=True)
    hooks.pause("publishing")
    (folder / FAILED_DIR / f"{job.name}.ipynb").unlink(missing_ok=True)
    _remove_if_empty(folder / FAILED_DIR)
    atomic_write_json(record_path(folder, job.name), _record(job, outcome, status="built", has_tables=has_tables))
    shutil.rmtree(stage, ignore_errors=True)


def record_failure(job: Job, outcome: dict[str, Any], stage: Path, *, failed_folder: Path | None = None) -> Path | None:
    """Keep a failed report's notebook in ``_failed/`` and mark its record as failed (the last good
    files stay published and stay in the index). ``failed_folder`` puts the notebook elsewhere
    (a public page withheld because it names a confidential partner goes to the confidential root)."""
    folder = Path(job.out_dir)
    kept = None
    src = Path(outcome["failed_notebook"]) if outcome.get("failed_notebook") else None
    if src is not None and src.is_file():
        kept = (failed_folder or folder) / FAILED_DIR / f"{job.name}.ipynb"
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, kept)
    rec = read_record(folder, job.name)
    rec.update(
        {
            "name": job.name,
            "notebook": job.notebook,
            "language": job.language,
            "kommun": job.kommun,
            "release": job.release,
            "partner": job.partner,
            "title": rec.get("title") or job.title,
            "public": job.public,
            "last_failure": {
                "at": build_time().isoformat(),
                "error": outcome.get("public_error", outcome.get("error", "")),
            },
        }
    )
    if rec.get("status") != "built":
        rec["status"] = "failed"
        rec.setdefault("current_year", job.params.get("current_year"))
        rec.setdefault("files", [])
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_json(record_path(folder, job.name), rec)
    shutil.rmtree(stage, ignore_errors=True)
    return kept


def report_paths(folder: Path, name: str) -> list[Path]:
    """Everything of one report in a set folder: pages, tables, failed notebook, record (last)."""
    rec = read_record(folder, name)
    files = {f"{name}.html", f"{name}.ipynb", *rec.get("files", [])}
    out = [folder / f for f in sorted(files)]
    out += [folder / "tables" / name, folder / FAILED_DIR / f"{name}.ipynb"]
    return out + [record_path(folder, name)]


def withdraw(folder: Path, name: str) -> list[str]:
    """Remove one report from a set: its record first (so no index lists it any more, even if the
    removal is cut short), then its pages, tables and failed notebook. Returns what was removed."""
    removed = []
    record = record_path(folder, name)
    paths = report_paths(folder, name)
    if record.exists():
        record.unlink()
        removed.append(record.name)
    for p in paths[:-1]:
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
            removed.append(str(p.relative_to(folder)) + "/")
        elif p.exists():
            p.unlink()
            removed.append(str(p.relative_to(folder)))
    _remove_if_empty(folder / "tables")
    _remove_if_empty(folder / FAILED_DIR)
    return removed


def _remove_if_empty(folder: Path) -> None:
    try:
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    except OSError:
        pass


def _order(records: Iterable[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    rank = {n: i for i, n in enumerate(order)}
    return sorted(records, key=lambda r: (rank.get(r.get("notebook", ""), len(rank)), r.get("name", "")))


def compose_set(folder: Path, *, notebook_order: list[str], public_only: bool = True) -> bool:
    """Write the set's ``index.html`` and ``summary.json`` from every build record in ``folder``.
    A folder without records loses its index and summary. Returns True when the set has reports."""
    records = [r for r in read_records(folder) if r.get("public", True) or not public_only]
    if not records:
        for name in SET_FILES:
            (folder / name).unlink(missing_ok=True)
        return False
    records = _order(records, notebook_order)
    first = records[0]
    lang = first.get("language", "sv")
    kommun = first.get("kommun", "")
    release = first.get("release", "")
    overview = next((r for r in records if r.get("notebook") == "overview" and r.get("key_figures")), None)
    years = sorted({int(r["current_year"]) for r in records if r.get("current_year")})
    entries = []
    items = []
    for r in records:
        name = r["name"]
        present = [f for f in r.get("files", []) if (folder / f).is_file()]
        html_file = f"{name}.html" if f"{name}.html" in present else None
        ipynb_file = f"{name}.ipynb" if f"{name}.ipynb" in present else None
        status = r.get("status", "failed")
        if status == "built" and len(present) < len(r.get("files", [])):
            status = "incomplete"
        failure = r.get("last_failure")
        entries.append(
            {
                "name": name,
                "notebook": r.get("notebook"),
                "title": r.get("title", name),
                "status": status,
                "html": html_file,
                "ipynb": ipynb_file,
                "tables": f"tables/{name}/" if r.get("tables") and (folder / "tables" / name).is_dir() else None,
                "key_line": r.get("key_line", ""),
                "current_year": r.get("current_year"),
                "built_at": r.get("built_at"),
                "last_failure": failure,
            }
        )
        label = html.escape(r.get("title", name))
        link = html_file or ipynb_file
        item = f'<a href="{html.escape(link)}">{label}</a>' if link else label
        if r.get("key_line") and link:
            item += f' <span class="key">— {html.escape(r["key_line"])}</span>'
        if failure or not link:
            note = i18n.t("site.last_failed" if link else "site.not_built", lang)
            item += f' <em class="failed">({html.escape(note)})</em>'
        items.append(f"<li>{item}</li>")
    current_year = overview.get("current_year") if overview else first.get("current_year")
    summary = {
        "kommun": kommun,
        "release": release,
        "language": lang,
        "package_version": __version__,
        "current_year": current_year,
        "current_years": years,
        "key_figures": overview.get("key_figures") if overview else {},
        "reports": entries,
    }
    other = "en" if lang == "sv" else "sv"
    other_link = ""
    if (folder.parent / other / "index.html").is_file() or read_records(folder.parent / other):
        other_link = (
            f'<p><a href="../{other}/index.html" hreflang="{other}">'
            f"{html.escape(i18n.t('site.other_language', lang))}</a></p>"
        )
    title = i18n.t("site.index_title", lang, kommun=kommun)
    built = fmt.timestamp(build_time(), lang)
    meta = i18n.t("site.index_meta", lang, release=release, built=built, version=__version__)
    if years:
        meta += " · " + i18n.t("site.index_year", lang, year=", ".join(fmt.year(y) for y in years))
    everything = html.escape(i18n.t("site.all_kommuner", lang))
    up = f'<nav class="site"><a href="../../../{root_index_name(lang)}">← {everything}</a></nav>\n'
    page = (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{up}<main>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f'<p class="subtitle">{html.escape(meta)}</p>\n'
        f"{other_link}<ul>{''.join(items)}</ul>\n</main>\n</body>\n</html>\n"
    )
    atomic_write_text(folder / "index.html", page)
    hooks.pause("indexing")
    atomic_write_json(folder / "summary.json", summary)
    return True
