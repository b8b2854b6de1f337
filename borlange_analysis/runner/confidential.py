"""Keeping confidential partners out of the public tree.

A partner is confidential when the registry says so (``confidential = true`` in
``reference/partners.toml``) or when ``data/partners/<id>/CONFIDENTIAL`` exists. Its reports are
planned into the confidential root (see :mod:`.plan`). This module makes sure nothing of it stays
in, or gets into, the public tree:

- :func:`sweep` runs at the start of every run (holding both locks): a confidential partner's own
  reports are withdrawn from every public set (record first, then pages, tables and failed
  notebook), and every other public file of its kommun that names it (a sector page's levers
  table, say) is withdrawn too. Reports of partners that are public again are removed from the
  confidential root. What was removed is said on the console and recorded in the confidential
  root, never in a public file.
- :func:`find` looks for a confidential partner's name or id in a report's staged files before
  they are published; the run then withholds that report instead of publishing it.

Matching is on the registry name, the name before a parenthesis ("IKEA" of "IKEA (Borlänge)"),
unless that short form is the kommun's own name, and the id, each as a whole word. Embedded images
(base64) are left out of the search.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import fold
from . import publish
from .catalog import CATALOG, Catalog

LEGACY_FOLDER = "confidential"
TEXT_SUFFIXES = (".html", ".htm", ".ipynb", ".csv", ".json", ".md", ".txt", ".xml", ".svg")
_BLOBS = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s\\]+|[A-Za-z0-9+/=\\]{120,}")


@dataclass(frozen=True)
class Partner:
    """A confidential partner and the words that give it away."""

    id: str
    name: str
    kommun: str  # the kommun's name (as in the set folders)
    terms: tuple[str, ...]


def terms_for(pid: str, name: str, kommun: str) -> tuple[str, ...]:
    """The words that name a partner on a page (see the module docstring)."""
    out = [name, pid]
    short = name.split(" (")[0].strip()
    if short and short != name and fold(kommun) not in fold(short):
        out.append(short)
    return tuple(dict.fromkeys(t for t in out if t))


def confidential_partners(registry: Iterable[dict[str, Any]]) -> list[Partner]:
    """The confidential partners of a registry (as returned by :func:`borlange_analysis.partners.partners`)."""
    from ..names import kommun_resolver

    res = kommun_resolver()
    out = []
    for p in registry:
        if p.get("confidential"):
            kommun = res.by_code.get(p["kommun"], p["kommun"])
            out.append(Partner(p["id"], p["name"], kommun, terms_for(p["id"], p["name"], kommun)))
    return out


def _pattern(terms: Sequence[str]) -> re.Pattern[str]:
    forms: set[str] = set()
    for t in terms:
        forms |= {t, html.escape(t), json.dumps(t)[1:-1]}
    alts = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alts})(?![^\W_])")


def _names_in(path: Path, pattern: re.Pattern[str]) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    m = pattern.search(_BLOBS.sub(" ", text))
    return m.group(0) if m else None


def find(folder: Path, partners: Sequence[Partner]) -> tuple[Partner, str] | None:
    """The first confidential partner named in a text file under ``folder`` (and the word), if any."""
    if not partners:
        return None
    files = [p for p in sorted(Path(folder).rglob("*")) if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES]
    for partner in partners:
        pattern = _pattern(partner.terms)
        for f in files:
            word = _names_in(f, pattern)
            if word:
                return partner, word
    return None


@dataclass
class Withdrawal:
    """One report (or file) removed from a tree because of a partner's confidentiality."""

    partner: str
    root: str  # "public" or "confidential"
    set: str  # kommun/release/language
    name: str
    reason: str
    files: list[str] = field(default_factory=list)

    def line(self) -> str:
        where = "the public set" if self.root == "public" else "the confidential set"
        return f"{self.reason}: removed {self.name} from {where} {self.set} ({len(self.files)} files)"


def _partner_report_names(pid: str, catalog: Catalog) -> set[str]:
    return {f"{e.name}-{pid}" for e in catalog if e.fanout == "partner"}


def _report_of(path: Path, set_folder: Path) -> str | None:
    """The report a file belongs to, by its place in the set folder."""
    rel = path.relative_to(set_folder).parts
    if len(rel) == 1:
        name = rel[0]
        if name.endswith(publish.RECORD_SUFFIX):
            return name[: -len(publish.RECORD_SUFFIX)]
        stem, _, ext = name.rpartition(".")
        if ext in ("html", "ipynb") and name not in publish.SET_FILES:
            return stem
        return None
    if rel[0] in ("tables", publish.FAILED_DIR) and len(rel) >= 2:
        return rel[1].removesuffix(".ipynb")
    return None


def _sets_of(root: Path, kommun: str) -> list[Path]:
    from .site import set_folders

    return [f for f in set_folders(root) if f.parent.parent.name == kommun]


def _label(folder: Path) -> str:
    return f"{folder.parent.parent.name}/{folder.parent.name}/{folder.name}"


def sweep(
    public_root: Path,
    secret_root: Path,
    *,
    registry: Sequence[dict[str, Any]],
    catalog: Catalog = CATALOG,
) -> list[Withdrawal]:
    """Withdraw confidential partners' reports and every public file of their kommun that names
    them from the public tree, and public partners' reports from the confidential root."""
    out: list[Withdrawal] = _move_legacy(Path(public_root), Path(secret_root))
    secrets = confidential_partners(registry)
    for partner in secrets:
        names = _partner_report_names(partner.id, catalog)
        for folder in _sets_of(public_root, partner.kommun):
            for name in sorted(names):
                if any(p.exists() for p in publish.report_paths(folder, name)):
                    out.append(_withdraw(folder, name, partner.id, "public", f"partner {partner.id} is confidential"))
        out += _sweep_names(public_root, partner)
    public_ids = [p["id"] for p in registry if not p.get("confidential")]
    if Path(secret_root).is_dir():
        for pid in public_ids:
            for folder in _sets_of_any(secret_root):
                for name in sorted(_partner_report_names(pid, catalog)):
                    if any(p.exists() for p in publish.report_paths(folder, name)):
                        out.append(
                            _withdraw(folder, name, pid, "confidential", f"partner {pid} is no longer confidential")
                        )
    return out


def _move_legacy(public_root: Path, secret_root: Path) -> list[Withdrawal]:
    """Older versions wrote confidential reports to ``<kommun>/<release>/confidential/`` inside
    the public tree: move such folders to the confidential root."""
    import shutil

    out: list[Withdrawal] = []
    if not public_root.is_dir():
        return out
    for old in sorted(public_root.glob(f"*/*/{LEGACY_FOLDER}")):
        if not old.is_dir():
            continue
        kommun, release = old.parent.parent.name, old.parent.name
        target = secret_root / kommun / release / f"legacy-{LEGACY_FOLDER}"
        files = [str(p.relative_to(old)) for p in old.rglob("*") if p.is_file()]
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(old), str(target))
        out.append(
            Withdrawal(
                "", "public", f"{kommun}/{release}", LEGACY_FOLDER + "/", f"moved to {target} (old layout)", files
            )
        )
    return out


def _sets_of_any(root: Path) -> list[Path]:
    from .site import set_folders

    return set_folders(root)


def _withdraw(folder: Path, name: str, pid: str, root: str, reason: str) -> Withdrawal:
    removed = publish.withdraw(folder, name)
    if root == "public":
        for f in publish.SET_FILES:  # recomposed at the end of the run; gone until then
            (folder / f).unlink(missing_ok=True)
    return Withdrawal(pid, root, _label(folder), name, reason, removed)


def _sweep_names(public_root: Path, partner: Partner) -> list[Withdrawal]:
    """Withdraw every public file of the partner's kommun that names it."""
    out: list[Withdrawal] = []
    kommun_dir = Path(public_root) / partner.kommun
    if not kommun_dir.is_dir():
        return out
    pattern = _pattern(partner.terms)
    reason = f"names confidential partner {partner.id}"
    sets = {f: None for f in _sets_of(public_root, partner.kommun)}
    for path in sorted(kommun_dir.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in TEXT_SUFFIXES or ".staging" in path.parts:
            continue
        if not path.exists() or not _names_in(path, pattern):
            continue
        folder = next((s for s in sets if s in path.parents), None)
        name = _report_of(path, folder) if folder is not None else None
        if folder is not None and name is not None:
            out.append(_withdraw(folder, name, partner.id, "public", f"a public page {reason}"))
        else:
            rel = str(path.relative_to(public_root))
            path.unlink(missing_ok=True)
            label = _label(folder) if folder is not None else str(path.parent.relative_to(public_root))
            out.append(Withdrawal(partner.id, "public", label, rel, f"a public file {reason}", [path.name]))
            if folder is not None:
                for f in publish.SET_FILES:
                    (folder / f).unlink(missing_ok=True)
    return out
