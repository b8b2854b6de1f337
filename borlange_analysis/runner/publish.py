"""Publishing: staged report files moved into place, one build record per report, and each set's
``index.html`` and ``summary.json`` composed from the records on disk.

A set is one folder ``reports/<kommun>/<release>/<language>/``. Each report in it has a build
record ``<name>.build.json`` (inputs fingerprint, status, language, title, key line, key figures,
files, build time). The index and summary list every record in the folder, not just the jobs of the
current run, so a partial run never shrinks them and a failed run never overwrites a good entry.
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
from .html import CSS, build_time
from .plan import Job

RECORD_SUFFIX = ".build.json"


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
            out.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
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


def publish(job: Job, outcome: dict[str, Any], stage: Path) -> None:
    """Move a built report's files from its staging folder into place, then write its record."""
    folder = Path(job.out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for f in outcome["files"]:
        os.replace(stage / f, folder / f)
    staged_tables = stage / "tables" / job.name
    final_tables = folder / "tables" / job.name
    has_tables = staged_tables.is_dir()
    if has_tables:
        final_tables.parent.mkdir(parents=True, exist_ok=True)
        old = stage / "tables.old"
        if final_tables.exists():
            os.replace(final_tables, old)
        os.replace(staged_tables, final_tables)
        shutil.rmtree(old, ignore_errors=True)
    (folder / "_failed" / f"{job.name}.ipynb").unlink(missing_ok=True)
    key = outcome.get("key") or {}
    atomic_write_json(
        record_path(folder, job.name),
        {
            "name": job.name,
            "notebook": job.notebook,
            "status": "built",
            "input_hash": job.input_hash,
            "language": job.language,
            "kommun": job.kommun,
            "release": job.release,
            "current_year": job.params.get("current_year"),
            "title": key.get("title") or job.title,
            "key_line": key.get("key_line", ""),
            "key_figures": key.get("key_figures") or {},
            "files": list(outcome["files"]),
            "tables": has_tables,
            "public": job.public,
            "built_at": build_time().isoformat(),
            "seconds": round(float(outcome.get("seconds", 0.0)), 2),
            "package_version": __version__,
        },
    )
    shutil.rmtree(stage, ignore_errors=True)


def record_failure(job: Job, outcome: dict[str, Any], stage: Path) -> Path | None:
    """Keep a failed report's notebook in ``_failed/`` and mark its record as failed (the last good
    files stay published and stay in the index)."""
    folder = Path(job.out_dir)
    kept = None
    src = Path(outcome["failed_notebook"]) if outcome.get("failed_notebook") else None
    if src is not None and src.is_file():
        kept = folder / "_failed" / f"{job.name}.ipynb"
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
            "title": rec.get("title") or job.title,
            "public": job.public,
            "last_failure": {"at": build_time().isoformat(), "error": outcome.get("error", "")},
        }
    )
    if "status" not in rec:
        rec["status"] = "failed"
    atomic_write_json(record_path(folder, job.name), rec)
    shutil.rmtree(stage, ignore_errors=True)
    return kept


def _order(records: Iterable[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    rank = {n: i for i, n in enumerate(order)}
    return sorted(records, key=lambda r: (rank.get(r.get("notebook", ""), len(rank)), r.get("name", "")))


def compose_set(folder: Path, *, notebook_order: list[str]) -> None:
    """Write the set's ``index.html`` and ``summary.json`` from every build record in ``folder``."""
    records = [r for r in read_records(folder) if r.get("public", True)]
    if not records:
        return
    records = _order(records, notebook_order)
    first = records[0]
    lang = first.get("language", "sv")
    kommun = first.get("kommun", "")
    release = first.get("release", "")
    overview = next((r for r in records if r.get("notebook") == "overview" and r.get("key_figures")), None)
    entries = []
    items = []
    for r in records:
        name = r["name"]
        present = [f for f in r.get("files", []) if (folder / f).is_file()]
        html_file = f"{name}.html" if f"{name}.html" in present else None
        status = r.get("status", "failed")
        failure = r.get("last_failure")
        entries.append(
            {
                "name": name,
                "notebook": r.get("notebook"),
                "title": r.get("title", name),
                "status": status,
                "html": html_file,
                "ipynb": f"{name}.ipynb" if f"{name}.ipynb" in present else None,
                "key_line": r.get("key_line", ""),
                "built_at": r.get("built_at"),
                "last_failure": failure,
            }
        )
        label = html.escape(r.get("title", name))
        link = html_file or (f"{name}.ipynb" if f"{name}.ipynb" in present else None)
        item = f'<a href="{html.escape(link)}">{label}</a>' if link else label
        if r.get("key_line"):
            item += f' <span class="key">— {html.escape(r["key_line"])}</span>'
        if failure:
            item += f' <em class="failed">({html.escape(i18n.t("site.last_failed", lang))})</em>'
        items.append(f"<li>{item}</li>")
    summary = {
        "kommun": kommun,
        "release": release,
        "language": lang,
        "package_version": __version__,
        "current_year": overview.get("current_year") if overview else first.get("current_year"),
        "key_figures": overview.get("key_figures") if overview else {},
        "reports": entries,
    }
    other = "en" if lang == "sv" else "sv"
    other_link = ""
    if (folder.parent / other / "index.html").is_file():
        other_link = (
            f'<p><a href="../{other}/index.html" hreflang="{other}">'
            f"{html.escape(i18n.t('site.other_language', lang))}</a></p>"
        )
    title = i18n.t("site.index_title", lang, kommun=kommun)
    built = fmt.timestamp(build_time(), lang)
    meta = i18n.t("site.index_meta", lang, release=release, built=built, version=__version__)
    page = (
        f'<!doctype html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{html.escape(title)}</h1>\n"
        f'<p class="subtitle">{html.escape(meta)}</p>\n'
        f"{other_link}<ul>{''.join(items)}</ul>\n</main>\n</body>\n</html>\n"
    )
    atomic_write_text(folder / "index.html", page)
    atomic_write_json(folder / "summary.json", summary)
