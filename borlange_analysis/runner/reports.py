"""The report runner behind ``borlange-analysis reports``.

Design (fixed costs paid once per worker, both cores used, reports independent):

- every parameter is validated before any kernel starts (unknown kommun, sector, partner, release,
  notebook or notebook parameter fails with the nearest valid value);
- a pool of ``jobs`` worker processes, each keeping one warm Jupyter kernel: a notebook is
  parameterised with papermill (``parameterize_notebook``) and executed with nbclient on that
  kernel, after a reset cell that clears the namespace and closes figures; the kernel is restarted
  after any failure. The library caches loaded tables inside the kernel, so data are read once;
- HTML without code through one in-process nbconvert exporter per worker;
- every report is written to a staging folder and moved into place only when it succeeded: a
  failed report keeps the previous good version, and the failed notebook (with its error) is kept
  in ``_failed/`` for debugging;
- a report whose inputs (notebook, parameters, data, package version) have not changed is
  skipped unless ``force``;
- confidential partners' reports go to ``confidential/<partner>/`` and are left out of the public
  ``index.html`` and ``summary.json``.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .. import __version__, config
from ..errors import ParameterError, UnknownValueError

STANDARD_SET = ("overview", "sector", "partner", "carbon_budget", "carbon_sinks", "peers")
ALL_NOTEBOOKS = STANDARD_SET + ("workshop_food_waste",)
FORMATS = ("html", "ipynb")
TITLES = {
    "overview": "Översikt / Overview",
    "sector": "Sektor / Sector",
    "partner": "Partner",
    "carbon_budget": "Koldioxidbudget / Carbon budget",
    "carbon_sinks": "Kolsänkor / Carbon sinks",
    "peers": "Jämförelse / Peers",
    "workshop_food_waste": "Workshop: matsvinn / food waste",
}


@dataclass
class Job:
    name: str
    notebook: str
    params: dict
    out_dir: str
    title: str
    public: bool = True
    input_hash: str = ""


@dataclass
class Result:
    name: str
    status: str  # built, skipped, failed
    seconds: float = 0.0
    error: str = ""
    files: list = field(default_factory=list)
    key_line: str = ""
    key_figures: dict | None = None


# --- planning and validation (no kernel) ---------------------------------------------------------


def notebook_parameters(name: str, notebooks_dir: Path | None = None) -> dict:
    """The parameters of a notebook: name -> {inferred_type_name, default, help}.

    Reads the cell tagged ``parameters`` (annotated literal assignments with a comment each) with
    :mod:`ast`, without importing papermill (which is slow to import).
    """
    import ast

    path = (notebooks_dir or config.notebooks_dir()) / f"{name}.ipynb"
    if not path.is_file():
        raise UnknownValueError("notebook", name, ALL_NOTEBOOKS)
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next((c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        raise ParameterError(f"notebook {path} has no cell tagged 'parameters'")
    src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    out = {}
    lines = src.splitlines()
    for node in ast.parse(src).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            comment = lines[node.lineno - 1].partition("#")[2].strip()
            out[node.target.id] = {
                "inferred_type_name": ast.unparse(node.annotation),
                "default": ast.literal_eval(node.value) if node.value is not None else None,
                "help": comment,
            }
    return out


def _coerce(value: str, typename: str, key: str):
    try:
        if typename == "int":
            return int(value)
        if typename == "float":
            return float(value)
        if typename == "bool":
            if str(value).lower() in ("true", "1", "yes"):
                return True
            if str(value).lower() in ("false", "0", "no"):
                return False
            raise ValueError
    except ValueError:
        raise ParameterError(f"parameter {key}={value!r} must be of type {typename}") from None
    return value


def slug(text: str) -> str:
    from ..errors import fold

    s = "".join(c if c.isalnum() else "_" for c in fold(text))
    return "_".join(p for p in s.split("_") if p)


def plan(
    *,
    kommuner: list[str] | None = None,
    notebooks: list[str] | None = None,
    sectors: list[str] | None = None,
    partner_ids: list[str] | None = None,
    params: dict | None = None,
    release: str = "latest",
    language: str = "sv",
    current_year: int = 2026,
    output: Path | None = None,
) -> list[Job]:
    """Validate everything and list the jobs. Raises before any kernel starts."""
    from .. import data, partners
    from ..names import resolve_sector, sector_names
    from ..reporting.statements import LANGUAGES

    if language not in LANGUAGES:
        raise UnknownValueError("language", language, LANGUAGES)
    data.ensure_prepared()  # new raw data (or new parsers) since the last prepare: rebuild the tables first
    rel = data.resolve_release(release)
    notebooks = list(notebooks or STANDARD_SET)
    for nb in notebooks:
        if nb not in ALL_NOTEBOOKS:
            raise UnknownValueError("notebook", nb, ALL_NOTEBOOKS)
    nb_params = {nb: notebook_parameters(nb) for nb in notebooks}
    extra = {}
    reserved = {
        "kommun": "--kommun",
        "release": "--release",
        "language": "--language",
        "current_year": "--current-year",
        "sector": "--sector",
        "partner": "--partner",
        "tables_dir": "(set by the runner)",
    }
    for key, value in (params or {}).items():
        if key in reserved:
            raise ParameterError(f"--param {key}=... is not allowed: use {reserved[key]}")
        holders = [nb for nb in notebooks if key in nb_params[nb]]
        if not holders:
            valid = sorted({k for nb in notebooks for k in nb_params[nb]})
            raise UnknownValueError("notebook parameter", key, valid)
        extra[key] = _coerce(value, nb_params[holders[0]][key]["inferred_type_name"], key)
    sector_list = [resolve_sector(s) for s in sectors] if sectors else sector_names()
    if "sector" in notebooks and rel not in data.releases_with_sectors():
        raise UnknownValueError(
            f"release for sector reports (release {rel} has totals only)", rel, data.releases_with_sectors()
        )
    all_partners = {p["id"]: p for p in partners.partners()}
    if partner_ids:
        for pid in partner_ids:
            if pid not in all_partners:
                raise UnknownValueError("partner", pid, sorted(all_partners))
    out_root = Path(output or config.reports_dir())
    jobs = []
    for k in kommuner or [config.DEFAULT_KOMMUN]:
        code = data.kommun_code(k)
        name = data.kommun_name(code)
        base = {"kommun": name, "release": rel, "language": language, "current_year": int(current_year)}
        folder = out_root / name / rel
        for nb in notebooks:
            common = {**base, **{k2: v for k2, v in extra.items() if k2 in nb_params[nb]}}
            if nb == "sector":
                for s in sector_list:
                    jobs.append(
                        Job(f"sector-{slug(s)}", nb, {**common, "sector": s}, str(folder), f"{TITLES[nb]}: {s}")
                    )
            elif nb == "partner":
                ids = partner_ids or [pid for pid, p in all_partners.items() if p["kommun"] == code]
                for pid in ids:
                    p = all_partners[pid]
                    public = not p["confidential"]
                    out = folder if public else folder / "confidential" / pid
                    jobs.append(
                        Job(
                            f"partner-{pid}",
                            nb,
                            {**common, "partner": pid},
                            str(out),
                            f"{TITLES[nb]}: {p['name']}",
                            public=public,
                        )
                    )
            else:
                jobs.append(Job(nb, nb, common, str(folder), TITLES[nb]))
    fingerprint = data.data_fingerprint()
    code = config.code_fingerprint()
    for job in jobs:
        nb_bytes = (config.notebooks_dir() / f"{job.notebook}.ipynb").read_bytes()
        key = json.dumps(
            {"params": job.params, "data": fingerprint, "version": __version__, "code": code},
            sort_keys=True,
            ensure_ascii=False,
        )
        job.input_hash = hashlib.sha256(nb_bytes + key.encode()).hexdigest()
    return jobs


def _build_record(folder: Path) -> dict:
    p = folder / ".build.json"
    return json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}


def _outputs(job: Job, formats: tuple[str, ...]) -> list[Path]:
    return [Path(job.out_dir) / f"{job.name}.{fmt}" for fmt in formats]


def is_current(job: Job, formats: tuple[str, ...]) -> bool:
    rec = _build_record(Path(job.out_dir)).get(job.name) or {}
    return rec.get("hash") == job.input_hash and all(p.is_file() for p in _outputs(job, formats))


# --- worker: one warm kernel per process -----------------------------------------------------------

_STATE: dict = {}
# Between reports: clear the user namespace (modules and the library's data caches stay warm),
# close figures; figures are laid out by the library (tight_layout), so inline output skips a second
# 'tight' bounding-box pass.
RESET_CELL = (
    "%reset -f\n%config InlineBackend.print_figure_kwargs = {'bbox_inches': None}\n"
    "import matplotlib.pyplot as _plt\n_plt.close('all')\ndel _plt"
)


def _worker_init(env: dict) -> None:
    import atexit

    os.environ.update(env)
    _STATE.clear()
    atexit.register(_stop_kernel)


def _start_kernel():
    import nbformat
    from nbclient import NotebookClient

    # the kernel's start-up warnings (e.g. about TCP on localhost) would clutter the job's output
    client = NotebookClient(
        nbformat.v4.new_notebook(),
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(config.project_root())}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    client.km = client.create_kernel_manager()
    client.start_new_kernel(cwd=str(config.project_root()))
    client.start_new_kernel_client()
    _STATE["km"], _STATE["kc"] = client.km, client.kc
    _STATE["client"] = client


def _stop_kernel():
    client = _STATE.pop("client", None)
    _STATE.pop("km", None)
    _STATE.pop("kc", None)
    if client is not None:
        try:
            client._cleanup_kernel()
        except Exception:  # pragma: no cover - best effort
            pass


def _exporter():
    if "exporter" not in _STATE:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        cfg = Config()
        cfg.TagRemovePreprocessor.enabled = True
        cfg.TagRemovePreprocessor.remove_cell_tags = {"hide-in-report"}
        _STATE["exporter"] = HTMLExporter(
            config=cfg, exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
        )
    return _STATE["exporter"]


def _strip_stderr(nb):
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
    return nb


KEY_CELL = (
    "import json as _json\nfrom borlange_analysis.runner import reports as _rp\n"
    "print(_json.dumps(_rp.key_data({params!r}, {notebook!r}), ensure_ascii=False))\ndel _json, _rp"
)


def key_data(params: dict, notebook: str) -> dict:
    """Run inside the report's kernel after the notebook: the index line (and, for the overview,
    the key figures for summary.json), computed by the library with the kernel's warm caches."""
    from ..reporting import report

    job = Job(name="", notebook=notebook, params=params, out_dir="", title="")
    out = {"key_line": ""}
    try:
        out["key_line"] = key_line(job)
        if notebook == "overview":
            out["key_figures"] = report.key_figures(
                report.context(
                    kommun=params["kommun"],
                    release=params["release"],
                    language=params.get("language", "sv"),
                    current_year=params["current_year"],
                )
            )
    except Exception as exc:  # noqa: BLE001 - a missing key line must not fail the report
        out["key_line"] = f"({type(exc).__name__})"
    return out


def _read_key_cell(cell) -> dict:
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream" and o.get("name") == "stdout":
            try:
                return json.loads(o["text"].strip().splitlines()[-1])
            except (ValueError, IndexError):
                pass
    return {}


def run_job(job_dict: dict, formats: tuple[str, ...]) -> dict:
    """Execute one report on this worker's warm kernel; publish it atomically or keep the failure."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from papermill.parameterize import parameterize_notebook

    job = Job(**job_dict)
    t0 = time.perf_counter()
    out_dir = Path(job.out_dir)
    stage = out_dir / ".staging" / job.name
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    tables = stage / "tables" / job.name
    from papermill.iorw import load_notebook_node

    nb = load_notebook_node(str(config.notebooks_dir() / f"{job.notebook}.ipynb"))
    nb = parameterize_notebook(nb, {**job.params, "tables_dir": str(tables)}, kernel_name="python3", language="python")
    reset = nbformat.v4.new_code_cell(RESET_CELL)
    reset.metadata["tags"] = ["reset"]
    nb.cells.insert(0, reset)
    nb.cells.append(nbformat.v4.new_code_cell(KEY_CELL.format(params=job.params, notebook=job.notebook)))
    if "client" not in _STATE:
        _start_kernel()
    client = NotebookClient(
        nb,
        km=_STATE["km"],
        kernel_name="python3",
        timeout=600,
        allow_errors=False,
        resources={"metadata": {"path": str(config.project_root())}},
    )
    client.kc = _STATE["kc"]
    try:
        client.execute()
    except (CellExecutionError, Exception) as exc:  # noqa: BLE001 - any failure fails only this report
        nb.cells.pop(0)
        nb.cells.pop(-1)
        failed = out_dir / "_failed"
        failed.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, failed / f"{job.name}.ipynb")
        shutil.rmtree(stage, ignore_errors=True)
        _stop_kernel()  # a fresh kernel for the next report
        msg = str(exc).strip().splitlines()
        short = next((line for line in reversed(msg) if line.strip()), type(exc).__name__)
        return asdict(Result(job.name, "failed", time.perf_counter() - t0, short[:300]))
    nb.cells.pop(0)
    key = _read_key_cell(nb.cells.pop(-1))
    files = []
    if "ipynb" in formats:  # the executed notebook came from a valid one: skip re-validation
        (stage / f"{job.name}.ipynb").write_text(nbformat.v4.writes(nb), encoding="utf-8")
        files.append(f"{job.name}.ipynb")
    if "html" in formats:
        body, _ = _exporter().from_notebook_node(_strip_stderr(nbformat.from_dict(nb)))
        (stage / f"{job.name}.html").write_text(body, encoding="utf-8")
        files.append(f"{job.name}.html")
    # publish: move each file into place (os.replace is atomic per file), then the tables folder
    for f in files:
        os.replace(stage / f, out_dir / f)
    final_tables = out_dir / "tables" / job.name
    if tables.exists():
        final_tables.parent.mkdir(parents=True, exist_ok=True)
        old = out_dir / ".staging" / f"{job.name}.old"
        if final_tables.exists():
            os.replace(final_tables, old)
        os.replace(tables, final_tables)
        shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(stage, ignore_errors=True)
    failed = out_dir / "_failed" / f"{job.name}.ipynb"
    failed.unlink(missing_ok=True)
    return asdict(
        Result(
            job.name,
            "built",
            time.perf_counter() - t0,
            files=files,
            key_line=key.get("key_line", ""),
            key_figures=key.get("key_figures"),
        )
    )


# --- index and summary ------------------------------------------------------------------------------


def key_line(job: Job) -> str:
    """One line of key figures for a report (computed by the library, not read from the notebook)."""
    from .. import partners
    from ..analysis import facilities
    from ..reporting import report
    from ..reporting.statements import fmt_int, sector_label

    lang = job.params.get("language", "sv")
    ctx = report.context(
        kommun=job.params["kommun"],
        release=job.params["release"],
        language=lang,
        current_year=job.params["current_year"],
    )
    sv = lang == "sv"
    if job.notebook in ("overview", "carbon_budget"):
        k = report.key_figures(ctx)
        if job.notebook == "overview":
            return (
                f"{fmt_int(k['last_value_t'], lang)} t CO2e {k['last_year']}, "
                f"{k['change_since_1990_pct']:+.0f} % {'sedan' if sv else 'since'} 1990"
            )
        runs = k["budget_runs_out"]
        return (
            f"{'kvar' if sv else 'remaining'} {fmt_int(k['remaining_budget_t'], lang)} t, "
            f"{'tar slut' if sv else 'runs out'} {int(runs) if runs else ('aldrig' if sv else 'never')}"
        )
    if job.notebook == "sector":
        r = report.indicators_for(ctx, job.params["sector"])
        return (
            f"{sector_label(job.params['sector'], lang)}: {fmt_int(r['last_value'], lang)} t CO2e {int(r['last_year'])}, "
            f"trend {fmt_int(r['trend_slope'], lang)} t/{'år' if sv else 'yr'}"
        )
    if job.notebook == "partner":
        p = partners.get_partner(job.params["partner"])
        fac = facilities.facility_series(p)
        if len(fac):
            y = int(fac["year"].max())
            return f"EU ETS {y}: {fmt_int(fac.loc[fac['year'] == y, 'verified_t_co2e'].sum(), lang)} t CO2e"
        return ", ".join(sector_label(s, lang) for s in p["sectors"]) or (
            "inga offentliga data" if sv else "no public data"
        )
    if job.notebook == "carbon_sinks":
        k = report.key_figures(ctx)
        return f"top-down {fmt_int(k['sink_top_down_t_co2'], lang)} t CO2/{'år' if sv else 'yr'} ({'uppskattning' if sv else 'estimate'})"
    if job.notebook == "peers":
        from ..reporting import sections

        t = sections.peer_table(ctx)
        rank = int(t.reset_index(drop=True).index[t["kommun"] == ctx.kommun][0]) + 1
        return f"{'per invånare' if sv else 'per inhabitant'}: {rank}/{len(t)}"
    return ""


def write_index(folder: Path, jobs: list[Job], results: dict[str, Result], formats: tuple[str, ...]) -> None:
    """``index.html`` and ``summary.json`` for the public reports of one kommun and release.

    Key lines and key figures come from the report kernels (see :func:`key_data`); when the overview
    was not part of the run, the key figures are computed here."""
    public = [j for j in jobs if j.public and Path(j.out_dir) == folder]
    if not public:
        return
    p0 = public[0].params
    record = _build_record(folder)
    lines, entries = [], []
    figures = None
    for j in public:
        r = results.get(j.name, Result(j.name, "skipped"))
        present = (folder / f"{j.name}.html").is_file() or (folder / f"{j.name}.ipynb").is_file()
        kl = r.key_line or (record.get(j.name) or {}).get("key_line", "")
        figures = figures or r.key_figures or (record.get(j.name) or {}).get("key_figures")
        link = f"{j.name}.html" if "html" in formats else f"{j.name}.ipynb"
        status = r.status if r.status == "failed" or present else "failed"
        entries.append(
            {
                "name": j.name,
                "title": j.title,
                "status": status,
                "html": f"{j.name}.html" if "html" in formats else None,
                "ipynb": f"{j.name}.ipynb" if "ipynb" in formats else None,
                "key_line": kl,
            }
        )
        label = html.escape(j.title)
        item = f'<a href="{html.escape(link)}">{label}</a>' if present else f"{label} <em>(failed)</em>"
        if r.status == "failed" and present:
            item += " <em>(last build failed: showing the previous version)</em>"
        lines.append(f"<li>{item} &mdash; {html.escape(kl)}</li>")
    if figures is None:
        from ..reporting import report

        figures = report.key_figures(
            report.context(
                kommun=p0["kommun"], release=p0["release"], language=p0["language"], current_year=p0["current_year"]
            )
        )
    lang = p0["language"]
    summary = {
        "kommun": p0["kommun"],
        "kommun_code": figures["kommun_code"],
        "release": p0["release"],
        "current_year": p0["current_year"],
        "language": lang,
        "package_version": __version__,
        "key_figures": figures,
        "reports": entries,
    }
    page = (
        f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{html.escape(p0["kommun"])} '
        f"{p0['release']}</title><style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}li{{margin:.4em 0}}</style>"
        f"<h1>{html.escape(p0['kommun'])}: {'klimatrapporter' if lang == 'sv' else 'climate reports'}</h1>"
        f"<p>SMHI release {p0['release']}, borlange-analysis {__version__}</p><ul>{''.join(lines)}</ul></html>"
    )
    for name, content in (("index.html", page), ("summary.json", json.dumps(summary, ensure_ascii=False, indent=2))):
        tmp = folder / f".{name}.tmp"
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, folder / name)


def run(
    jobs: list[Job], *, n_jobs: int = 2, formats: tuple[str, ...] = FORMATS, force: bool = False, progress=None
) -> list[Result]:
    """Build the jobs (skipping current ones unless ``force``); returns one Result per job."""
    for f in formats:
        if f not in FORMATS:
            raise UnknownValueError("format", f, FORMATS)
    if n_jobs < 1:
        raise ParameterError(f"--jobs must be at least 1, got {n_jobs}")
    results: dict[str, Result] = {}
    todo = []
    for j in jobs:
        if not force and is_current(j, formats):
            rec = _build_record(Path(j.out_dir))[j.name]
            results[j.name] = Result(
                j.name, "skipped", key_line=rec.get("key_line", ""), key_figures=rec.get("key_figures")
            )
            if progress:
                progress(results[j.name])
        else:
            todo.append(j)
    if todo:
        env = {
            "BORLANGE_HOME": str(config.project_root()),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYTHONWARNINGS": "ignore",
            "BORLANGE_NOTEBOOKS": str(config.notebooks_dir()),
            "BORLANGE_PARTNERS_DIR": str(config.partners_data_dir()),
        }
        for folder in {j.out_dir for j in todo}:
            Path(folder).mkdir(parents=True, exist_ok=True)
        import multiprocessing as mp

        workers = min(n_jobs, len(todo))
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_worker_init, initargs=(env,)
        ) as pool:
            futures = {pool.submit(run_job, asdict(j), tuple(formats)): j for j in todo}
            for fut in as_completed(futures):
                j = futures[fut]
                try:
                    r = Result(**fut.result())
                except Exception as exc:  # noqa: BLE001 - a crashed worker fails only its report
                    r = Result(j.name, "failed", 0.0, f"worker crashed: {exc}")
                results[j.name] = r
                if r.status == "built":
                    folder = Path(j.out_dir)
                    rec = _build_record(folder)
                    rec[j.name] = {"hash": j.input_hash, "key_line": r.key_line, "key_figures": r.key_figures}
                    tmp = folder / ".build.json.tmp"
                    tmp.write_text(json.dumps(rec, indent=1, sort_keys=True), encoding="utf-8")
                    os.replace(tmp, folder / ".build.json")
                if progress:
                    progress(r)
    built_any = any(r.status != "skipped" for r in results.values())
    for folder in sorted({j.out_dir for j in jobs if j.public}):
        if built_any or not (Path(folder) / "index.html").is_file():
            write_index(Path(folder), jobs, results, tuple(formats))
        shutil.rmtree(Path(folder) / ".staging", ignore_errors=True)
    return [results[j.name] for j in jobs]
