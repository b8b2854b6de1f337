"""Planning a report run: every option and parameter checked, the jobs listed, nothing started.

:func:`plan` validates the run's options and every job's parameters with the notebook's own
validation (:func:`borlange_analysis.params.validate`) using only the reference tables and the
raw-release registry, so a bad value stops the run before it takes the output lock, prepares
data or starts a kernel. Each job gets an input fingerprint: its notebook, the kernel-side code and
tables it reads, the data manifest, the partner's own files, its parameters, the package version and
which partners of its kommun are confidential (a page that names partners is rebuilt when that
changes).

Confidential partners' reports are planned into the confidential root (``--confidential-output``,
by default ``<output>-confidential`` beside the public folder), never into the public tree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, config, methods_doc, params
from ..errors import ParameterError, UnknownValueError, fold
from .catalog import CATALOG, Catalog

#: Parameters the runner sets from its own options; ``-p`` may not override them.
RESERVED = {
    "kommun": "--kommun",
    "release": "--release",
    "language": "--language",
    "current_year": "--current-year",
    "sector": "--sector",
    "partner": "--partner",
    "tables_dir": "(set by the runner)",
}
FORMATS = ("html", "ipynb")


@dataclass
class Job:
    """One report to build."""

    name: str
    notebook: str
    notebook_file: str
    params: dict[str, Any]
    out_dir: str
    title: str
    language: str
    kommun: str
    release: str
    public: bool = True
    input_hash: str = ""
    extra_inputs: list[str] = field(default_factory=list)
    partner: str = ""
    root: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.out_dir}/{self.name}"

    @property
    def set_label(self) -> str:
        """'Borlänge/2026/sv'."""
        return f"{self.kommun}/{self.release}/{self.language}"


def slug(text: str) -> str:
    """'Industri (energi + processer)' -> 'industri_energi_processer'."""
    s = "".join(c if c.isalnum() else "_" for c in fold(text))
    return "_".join(p for p in s.split("_") if p)


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The output formats asked for (html, ipynb), refusing unknown and empty lists."""
    out = tuple(f.strip() for f in formats if f.strip())
    if not out:
        raise UnknownValueError("format", ",".join(formats), FORMATS)
    for f in out:
        if f not in FORMATS:
            raise UnknownValueError("format", f, FORMATS)
    return out


def check_jobs(n: int) -> int:
    if n < 1:
        raise ParameterError(f"--jobs must be at least 1 (worker processes), got {n}")
    return n


def check_wait(seconds: float | None) -> float | None:
    """``--wait``: None (do not wait), a number of seconds, or ``inf`` (as long as it takes)."""
    if seconds is None:
        return None
    if seconds != seconds or seconds < 0:
        raise ParameterError(f"--wait must be a number of seconds (0 or more), got {seconds}")
    return float(seconds)


def default_confidential_root(output: Path) -> Path:
    """``reports`` -> ``reports-confidential`` (beside it, outside the public tree)."""
    output = Path(output)
    return output.parent / f"{output.name}-confidential"


def check_roots(output: Path | None, confidential_output: Path | None) -> tuple[Path, Path]:
    """The public and the confidential output roots (absolute), refusing a confidential root
    inside the public one or the other way round."""
    public = Path(output or config.reports_dir()).expanduser().resolve()
    secret = Path(confidential_output).expanduser().resolve() if confidential_output else None
    secret = secret or default_confidential_root(public)
    if secret == public or public in secret.parents:
        raise ParameterError(
            f"--confidential-output {secret} must be outside the public output folder {public} "
            "(confidential reports never go into the public tree)"
        )
    if secret in public.parents:
        raise ParameterError(f"--output {public} must not be inside the confidential output folder {secret}")
    return public, secret


def parse_params(items: Sequence[str] | None) -> dict[str, str]:
    """``-p NAME=VALUE`` options as a dict (values are coerced per notebook later)."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            raise ParameterError(f"--param {item!r} must look like NAME=VALUE")
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out


_KERNEL_SIDE = ("reporting", "analysis", "i18n", "reference")
_KERNEL_FILES = (
    "data.py",
    "names.py",
    "params.py",
    "methods_doc.py",
    "partners.py",
    "units.py",
    "config.py",
    "errors.py",
    "_io.py",
    "__init__.py",
    "_deprecated.py",
)


def kernel_fingerprint() -> str:
    """Fingerprint of every package file a report kernel imports or reads: the page modules,
    the analytics, the texts and the reference tables (not the runner, not the ingest step), and
    the method description's headings, whose anchors the pages link to (its prose is not part of
    the pages: a corrected sentence in it rebuilds no report)."""
    root = config.PACKAGE_DIR
    files = [root / f for f in _KERNEL_FILES]
    for sub in _KERNEL_SIDE:
        files += [
            p for p in (root / sub).rglob("*") if p.suffix in (".py", ".csv", ".toml") and "__pycache__" not in p.parts
        ]
    code = config.fingerprint_files([f for f in files if f.is_file()])
    anchors = {
        lang: methods_doc.headings(path.read_text(encoding="utf-8"))
        for lang in methods_doc.SOURCES
        if (path := methods_doc.source(lang)).is_file()
    }
    return hashlib.sha256(json.dumps([code, anchors]).encode()).hexdigest()[: len(code)]


def _partner_files(pid: str) -> list[Path]:
    folder = config.partners_data_dir() / pid
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _measures_inputs(kommun_code: str, registry: Mapping[str, Mapping[str, Any]]) -> list[Path]:
    """The files a page with measures reads besides the data: the users' measures files and the
    activity files of the kommun's partners (fuel switches are computed from them)."""
    folder = config.measures_data_dir()
    files = sorted(p for p in folder.glob("*.csv") if p.is_file()) if folder.is_dir() else []
    for pid, p in registry.items():
        if p["kommun"] == kommun_code:
            files += _partner_files(pid)
    return files


def _hash_inputs(job: Job, *, notebook_bytes: bytes, data_fp: str, code_fp: str) -> str:
    h = hashlib.sha256(notebook_bytes)
    h.update(
        json.dumps(
            {"params": job.params, "data": data_fp, "code": code_fp, "version": __version__, "context": job.context},
            sort_keys=True,
            ensure_ascii=False,
            default=str,
        ).encode()
    )
    for f in job.extra_inputs:
        p = Path(f)
        h.update(str(p.name).encode())
        h.update(p.read_bytes() if p.is_file() else b"(missing)")
    return h.hexdigest()


def plan(
    *,
    kommuner: Sequence[str] | None = None,
    lans: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    notebooks: Sequence[str] | None = None,
    sectors: Sequence[str] | None = None,
    partner_ids: Sequence[str] | None = None,
    params_given: Mapping[str, str] | None = None,
    release: str = "latest",
    language: str = config.DEFAULT_LANGUAGE,
    current_year: int | None = None,
    output: Path | None = None,
    confidential_output: Path | None = None,
    catalog: Catalog = CATALOG,
    notebooks_dir: Path | None = None,
) -> list[Job]:
    """Validate everything and list the jobs; raises (with the bad value and the valid ones) before
    anything is written or started. ``kommuner`` (names, codes or 'all'), ``lans`` and ``groups``
    choose the kommuner together (:func:`borlange_analysis.names.select_kommuner`); none of them:
    the home kommun."""
    from ..names import kommun_resolver, sector_names, select_kommuner
    from ..partners import partners

    year = int(current_year if current_year is not None else config.default_current_year())
    names = list(notebooks or catalog.default_set())
    entries = [catalog.get(n) for n in names]
    nb_dir = notebooks_dir or config.notebooks_dir()
    for e in entries:
        f = nb_dir / e.notebook_file(language if language in ("sv", "en") else "sv")
        if not f.is_file():
            raise UnknownValueError(
                f"notebook file in {nb_dir}", f.name, sorted(p.name for p in nb_dir.glob("*.ipynb"))
            )
    given = dict(params_given or {})
    for key in given:
        if key in RESERVED:
            raise ParameterError(f"--param {key}=... is not allowed: use {RESERVED[key]}")
        if not any(key in catalog.spec(e.name).names() for e in entries):
            valid = sorted({n for e in entries for n in catalog.spec(e.name).names() if n not in RESERVED})
            raise UnknownValueError("notebook parameter", key, valid)
    res = kommun_resolver()
    codes = select_kommuner(kommun=kommuner, lan=lans, group=groups) or [str(res.code(config.DEFAULT_KOMMUN))]
    registry = {p["id"]: p for p in partners()}
    if partner_ids:
        for pid in partner_ids:
            if pid not in registry:
                raise UnknownValueError("partner", pid, sorted(registry))
    out_root, secret_root = check_roots(output, confidential_output)
    jobs: list[Job] = []
    for code in codes:
        kommun = res.by_code[code]
        secret_ids = sorted(pid for pid, p in registry.items() if p["kommun"] == code and p["confidential"])
        for e in entries:
            spec = catalog.spec(e.name)
            base: dict[str, Any] = {"kommun": kommun, "release": release, "language": language, "current_year": year}
            base.update({k: v for k, v in given.items() if k in spec.names()})
            variants: list[tuple[str, dict[str, Any], bool, str]] = []
            if e.fanout == "sector":
                for s in sectors or sector_names():
                    variants.append((f"{e.name}-", {"sector": s}, True, ""))
            elif e.fanout == "partner":
                ids = list(partner_ids) if partner_ids else [pid for pid, p in registry.items() if p["kommun"] == code]
                for pid in ids:
                    variants.append((f"{e.name}-{pid}", {"partner": pid}, not registry[pid]["confidential"], pid))
            else:
                variants.append((e.name, {}, True, ""))
            shared_inputs = _measures_inputs(code, registry) if e.measures else []
            for name, extra, public, pid in variants:
                inputs = list(dict.fromkeys([*(_partner_files(pid) if pid else []), *shared_inputs]))
                checked = params.validate(e.name, {**base, **extra}, specs=catalog.specs)
                if e.fanout == "sector":
                    name = f"{e.name}-{slug(checked.values['sector'])}"
                root = out_root if public else secret_root
                lang_dir = root / checked.kommun / checked.release / checked.language
                values = {k: v for k, v in checked.values.items() if k != "tables_dir"}
                from .. import i18n

                sector = checked.values.get("sector", "")
                title_fields = {
                    "kommun": checked.kommun,
                    "sector": i18n.sector_label(sector, checked.language) if sector else "",
                    "partner": registry[pid]["name"] if pid else "",
                }

                title = i18n.t_or(e.title_key, checked.language, e.name, **title_fields)
                jobs.append(
                    Job(
                        name=name,
                        notebook=e.name,
                        notebook_file=e.notebook_file(checked.language),
                        params=values,
                        out_dir=str(lang_dir),
                        title=title,
                        language=checked.language,
                        kommun=checked.kommun,
                        release=checked.release,
                        public=public,
                        extra_inputs=[str(f) for f in inputs],
                        partner=pid,
                        root=str(root),
                        context={"confidential_partners": secret_ids},
                    )
                )
    return jobs


def fingerprint_jobs(jobs: Sequence[Job], *, notebooks_dir: Path | None = None) -> None:
    """Set each job's input fingerprint (after the data are prepared: it covers the data manifest)."""
    from .. import data

    nb_dir = notebooks_dir or config.notebooks_dir()
    data_fp = data.data_fingerprint()
    code_fp = kernel_fingerprint()
    cache: dict[str, bytes] = {}
    for job in jobs:
        if job.notebook_file not in cache:
            cache[job.notebook_file] = (nb_dir / job.notebook_file).read_bytes()
        job.input_hash = _hash_inputs(job, notebook_bytes=cache[job.notebook_file], data_fp=data_fp, code_fp=code_fp)
