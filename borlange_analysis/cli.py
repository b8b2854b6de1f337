"""The ``borlange-analysis`` command line (Typer).

Sub-commands: ``fetch`` (raw data into data/raw), ``prepare`` (tidy tables into data/processed),
``indicators`` (every indicator for all kommuner), ``scenario`` (a portfolio of measures per sector
and year), ``reports`` (the notebook reports).
Exit codes: 0 success, 1 a job failed, 2 bad input (unknown kommun, sector, ...); ``reports`` also
69 (the Dask scheduler or its workers out of reach), 73 (output folder not writable), 75 (another run is
writing) and 130/143 (interrupted).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperCommand

from . import config
from .errors import BorlangeError
from .ingest.sources import DEFAULT_TIMEOUT_S
from .runner.disk import DEFAULT_MIN_FREE

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Climate reports for Swedish kommuner from official greenhouse-gas statistics.",
)
console = Console(stderr=True)
err_console = console
out_console = Console()


def _fail(exc: Exception, code: int = 2) -> None:
    from rich.markup import escape

    console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def fetch(
    mirror: Annotated[
        Path | None,
        typer.Option(
            help="Copy from this local folder (laid out like shared/data) instead of downloading. "
            "Default: $BORLANGE_DATA_MIRROR."
        ),
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", "-s", help="Fetch only these sources (repeatable).")
    ] = None,
    latest: Annotated[
        str | None,
        typer.Option(
            help="Download SMHI's current export and register it as a new release once it passes the checks of "
            "`prepare`: 'smhi' (all greenhouse gases, releases smhi-<date>) or 'smhi-co2' (carbon dioxide only, "
            "releases smhi-co2-<date>). A download that fails a check is kept in data/raw/smhi_latest/_quarantine "
            "with its reason (exit 1); an export whose data did not change registers nothing (exit 0)."
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="With --latest: download from this URL instead of SMHI's (a copy or a test server)."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            help="Overall deadline of each download in seconds; a slower download is stopped and removed.",
            min=0.1,
        ),
    ] = DEFAULT_TIMEOUT_S,
    force: Annotated[bool, typer.Option(help="Fetch again even if a verified copy is present.")] = False,
) -> None:
    """Download (or copy from a mirror) every raw source into data/raw, verifying sha256."""
    from rich.progress import Progress

    from .errors import ParameterError
    from .ingest import latest as latest_mod
    from .ingest import sources
    from .ingest.datalock import DataBusyError, data_lock

    try:
        if latest:
            if mirror is not None or source:
                raise ParameterError("--latest cannot be combined with --mirror or --source (use --url for a copy)")
            with data_lock("fetch --latest"):
                res = latest_mod.fetch_latest(latest, url=url, timeout=timeout)
            if res.status == "registered":
                against = f", checked against release {res.compared_with}" if res.compared_with else ""
                console.print(f"registered release {res.release} (gas {res.gas}{against}): {res.path}")
            else:
                console.print(f"no new release: the data equal those of release {res.release} ({res.path})")
            return
        if url:
            raise ParameterError("--url applies only to --latest")
        names = source or [n for n, s in sources.registry().items() if s.sha256 is not None and n == s.name]
        with data_lock("fetch"), Progress(console=console, transient=True) as bar:
            task = bar.add_task("fetching", total=len(names))
            paths = sources.fetch_all(
                names, mirror=mirror, force=force, timeout=timeout, progress=lambda n: bar.advance(task)
            )
        console.print(f"fetched {len(paths)} sources into data/raw")
    except DataBusyError as exc:
        _fail(exc, 75)
    except BorlangeError as exc:
        _fail(exc, 1 if isinstance(exc, sources.FetchError) else 2)


@app.command()
def prepare(
    force: Annotated[bool, typer.Option(help="Rebuild even if the tables are up to date with data/raw.")] = False,
) -> None:
    """Parse the raw files into validated Parquet tables in data/processed."""
    from rich.progress import Progress

    from .ingest import prepare as prep
    from .ingest.datalock import DataBusyError, data_lock

    try:
        with data_lock("prepare"):
            if not force and prep.is_up_to_date():
                console.print("data/processed is up to date with data/raw (use --force to rebuild)")
                return
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("preparing", total=len(prep.TABLES))
                t0 = time.perf_counter()
                paths = prep.prepare(progress=lambda n: bar.advance(task))
        console.print(f"wrote {len(paths) - 1} tables to data/processed in {time.perf_counter() - t0:.1f} s")
    except DataBusyError as exc:
        _fail(exc, 75)
    except BorlangeError as exc:
        _fail(exc)


_LAN_HELP = (
    "Every kommun of a län, by name or SCB code ('Dalarnas län', 'Dalarna', '20'); repeatable, "
    "together with --kommun and --group."
)
_GROUP_HELP = (
    "Every kommun of a named group ('Klimatneutrala städer 2030' from reference/peers.csv, or a group of "
    "your own in data/groups.csv); repeatable, together with --kommun and --lan."
)
#: The options that choose kommuner, shared by reports, indicators and scenario.
LanOption = Annotated[list[str] | None, typer.Option(help=_LAN_HELP, metavar="LÄN")]
GroupOption = Annotated[list[str] | None, typer.Option(help=_GROUP_HELP, metavar="GROUP")]
KommunOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Kommun name or SCB code (repeatable), or 'all' for all 290. Default: Borlänge.", metavar="KOMMUN"
    ),
]


def _chosen(kommun: list[str] | None, lan: list[str] | None, group: list[str] | None) -> list[str] | None:
    """The kommuner chosen by --kommun/--lan/--group as SCB codes (None: none given); a bad value
    raises before any work."""
    from .names import select_kommuner

    return select_kommuner(kommun=kommun, lan=lan, group=group)


_BUDGET_METHOD_HELP = (
    "Carbon budget method: 'cemus' (the project's own, the default: a national budget from "
    "--budget-preset shared by --budget-regime, on the newest CO2 release) or 'klimatkollen-2024' "
    "(Klimatkollen's 2024 method, exact: its own fixed national budget of 80 Mt CO2 from 2024 less "
    "80 x 55/285 Mt, SMHI's CO2 release 2024, grandfathering; presets and regimes do not apply)."
)


@app.command()
def indicators(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (.csv, .parquet or .json).")] = Path(
        "indicators.csv"
    ),
    release: Annotated[str, typer.Option(help="SMHI release, or 'latest'.")] = "latest",
    current_year: Annotated[
        int | None, typer.Option(help="The analysis year (estimates run up to it). Default: this calendar year.")
    ] = None,
    method: Annotated[str, typer.Option(help="Trend method: median (Klimatkollen) or ols.")] = "median",
    budget_method: Annotated[str, typer.Option(help=_BUDGET_METHOD_HELP)] = config.DEFAULTS.budget_method,
    budget_preset: Annotated[
        str | None,
        typer.Option(
            help="National budget preset of the 'cemus' method (reference/budget_presets.csv; default cemus_1.7C). "
            "Refused with --budget-method klimatkollen-2024."
        ),
    ] = None,
    budget_regime: Annotated[
        str, typer.Option(help="How the 'cemus' budget is shared: grandfathering, per_capita or blend.")
    ] = "grandfathering",
    per_sector: Annotated[bool, typer.Option(help="One row per kommun and sector (plus the total).")] = False,
    kommun: Annotated[
        list[str] | None,
        typer.Option(
            help="Only these kommuner: name or SCB code (repeatable), or 'all'. Default: all 290.", metavar="KOMMUN"
        ),
    ] = None,
    lan: LanOption = None,
    group: GroupOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, parquet or json (default: from the suffix).")
    ] = None,
    sinks: Annotated[bool, typer.Option(help="Add the sink and neutrality-balance columns.")] = True,
    portfolio: Annotated[
        str | None,
        typer.Option(
            help="Add scenario columns for this portfolio of measures ('auto', 'generic', a name, names joined by "
            "'+', or a CSV file); measures of confidential partners are left out. Default: no scenario columns."
        ),
    ] = None,
) -> None:
    """Write every indicator for all kommuner (trend, Carbon Law, budget, targets, sinks).

    Metadata (release, gas, methods, preset, current year, version, data sha256): Parquet metadata or <file>.meta.json.

    Every column with its unit: docs/data-dictionary.md.
    """
    from . import data
    from .analysis import budget as bud
    from .analysis import indicators as ind
    from .analysis import trends
    from .errors import ParameterError, UnknownValueError

    try:
        # every option is checked before any work
        bud.check_method(budget_method)
        if method not in trends.METHODS:
            raise UnknownValueError("trend method", method, trends.METHODS)
        if budget_regime not in bud.REGIMES:
            raise UnknownValueError("budget regime", budget_regime, bud.REGIMES)
        if budget_preset is not None:
            bud.preset(budget_preset)
        if budget_method != "cemus" and (budget_preset is not None or budget_regime != "grandfathering"):
            raise ParameterError(
                f"--budget-preset and --budget-regime apply to budget method 'cemus' only; {budget_method!r} has "
                "its own fixed national budget (80 Mt CO2 from 2024 less 80 x 55/285 Mt) shared by grandfathering."
            )
        fmt_name = (fmt or output.suffix.lstrip(".") or "csv").lower()
        if fmt_name not in ind.FORMATS:
            raise UnknownValueError("format", fmt_name, ind.FORMATS)
        codes = _chosen(kommun, lan, group)
        if portfolio is not None:
            from .analysis import measures as msr

            msr.load_portfolio(portfolio, kommun=None)
        data.ensure_prepared()
        table = ind.build_indicators(
            release=release,
            kommun=codes,
            current_year=current_year if current_year is not None else config.default_current_year(),
            method=method,
            budget_method=budget_method,
            budget_preset=budget_preset,
            budget_regime=budget_regime,
            per_sector=per_sector,
            with_sinks=sinks,
            portfolio=portfolio,
        )
        ind.write_indicators(table, output, fmt)
        side = "" if fmt_name == "parquet" else f" (metadata: {ind.sidecar_path(output)})"
        console.print(f"wrote {len(table)} rows x {table.shape[1]} columns to {output}{side}")
    except BorlangeError as exc:
        _fail(exc)


@app.command()
def scenario(
    kommun: KommunOption = None,
    lan: LanOption = None,
    group: GroupOption = None,
    measures: Annotated[
        list[str] | None,
        typer.Option(
            "--measures",
            "-m",
            help="Measures: a CSV file, or a portfolio name ('auto', 'generic', 'borlange', a file's name in "
            "data/measures/), repeatable or joined by '+'. Default: auto (the generic measures plus the kommun's "
            "own portfolio).",
        ),
    ] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (.csv, .parquet or .json).")] = Path(
        "scenario.csv"
    ),
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv, parquet or json (default: from the suffix).")
    ] = None,
    release: Annotated[str, typer.Option(help="SMHI release with sectors, or 'latest'.")] = "latest",
    current_year: Annotated[
        int | None, typer.Option(help="The analysis year (the nowcast runs up to it). Default: this calendar year.")
    ] = None,
    off: Annotated[list[str] | None, typer.Option("--off", help="Switch a measure off by its id (repeatable).")] = None,
) -> None:
    """Write the scenario of a portfolio of measures per kommun, sector and year to 2050.

    Columns: kommun_code, kommun, sector (and 'Alla' for the total), year, kind (observed, estimated,
    projected), baseline_t_co2e, scenario_t_co2e, scenario_low_effect_t_co2e and scenario_high_effect_t_co2e
    (every measure at its low / high effect: not a probability range), measure_<id>_t_co2e (each
    measure's avoided emissions; sinks, removals and effects outside the border on the total rows),
    additional_sinks_t_co2 and technical_removals_t_co2 (total rows). Measures of confidential
    partners are left out (the count is printed and in the metadata). Metadata: Parquet metadata or
    <file>.meta.json. Method: docs/methods.md, "Measures and scenarios".
    """
    from . import data, params
    from .analysis import indicators as ind
    from .analysis import measures as msr
    from .analysis import scenario as sc
    from .errors import ParameterError, UnknownValueError

    try:
        # every option is checked before any work
        fmt_name = (fmt or output.suffix.lstrip(".") or "csv").lower()
        if fmt_name not in ind.FORMATS:
            raise UnknownValueError("format", fmt_name, ind.FORMATS)
        info = params.resolve_release(release)
        if "sector" not in info.levels:
            with_sectors = [r.release for r in params.releases() if "sector" in r.levels]
            raise UnknownValueError("release with sectors", release, with_sectors)
        chosen = _chosen(kommun, lan, group)
        codes = data.kommun_codes([config.DEFAULT_KOMMUN]) if chosen is None else chosen
        if chosen is not None and len(chosen) == len(data.resolver().by_code):
            codes = None  # every kommun: the scenario's own fast path
        one = codes[0] if codes is not None and len(codes) == 1 else None
        spec = list(measures or [msr.AUTO])
        catalogue = msr.load_portfolio(spec, kommun=one)
        switched = msr.check_ids(catalogue, off or [])
        year = current_year if current_year is not None else config.default_current_year()
        if not (info.last_year or 0) <= year <= config.DEFAULTS.end_year:
            raise ParameterError(
                f"--current-year {year} must be from the release's last year {info.last_year} "
                f"to {config.DEFAULTS.end_year}"
            )
        data.ensure_prepared()
        result = sc.build(codes, catalogue=catalogue, release=info.release, current_year=year, off=switched)
        table = result.wide()
        status = result.status(one).set_index("id")["status"].to_dict() if one is not None else {}
        left = sorted({c: result.left_out(c) for c in result.baseline.kommuner["kommun_code"]}.items())
        n_left = max((n for _, n in left), default=0)
        meta = ind.indicators_metadata(
            command="scenario",
            release=info.release,
            gas=result.baseline.gas,
            current_year=year,
            end_year=result.baseline.end_year,
            kommuner=len(result.baseline.kommuner),
            portfolio="+".join(spec),
            catalogues=[name for name, _, _ in catalogue.attrs.get("sources", [])],
            measures=[
                {"id": r.id, "kind": r.kind, "location": r.location, "sector": r.sector, "unit": r.unit}
                | ({"status": status.get(r.id, "")} if one is not None else {})
                for r in result.catalogue.itertuples(index=False)
            ],
            switched_off=switched,
            measures_left_out_confidential=n_left,
            method="docs/methods.md#measures-and-scenarios",
            rows=len(table),
        )
        ind.write_indicators(table, output, fmt_name, metadata=meta)
        if n_left:
            console.print(f"{n_left} measures of confidential partners are left out")
        side = "" if fmt_name == "parquet" else f" (metadata: {ind.sidecar_path(output)})"
        console.print(f"wrote {len(table)} rows x {table.shape[1]} columns to {output}{side}")
    except BorlangeError as exc:
        _fail(exc)


def _optional_wait(args: list[str]) -> list[str]:
    """``--wait`` may be given without seconds (wait as long as it takes): Click options need a
    value, so a bare ``--wait`` becomes ``--wait=inf``."""
    out = list(args)
    for i, arg in enumerate(out):
        if arg != "--wait":
            continue
        nxt = out[i + 1] if i + 1 < len(out) else None
        try:
            float(nxt) if nxt is not None else None
            is_value = nxt is not None
        except ValueError:
            is_value = False
        if not is_value:
            out[i] = "--wait=inf"
    return out


class _ReportsCommand(TyperCommand):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _optional_wait(args))


@app.command(cls=_ReportsCommand)
def reports(
    kommun: KommunOption = None,
    lan: LanOption = None,
    group: GroupOption = None,
    notebook: Annotated[
        list[str] | None,
        typer.Option(help="Notebooks to build (repeatable). Default: every notebook of the standard set."),
    ] = None,
    sector: Annotated[
        list[str] | None, typer.Option(help="Sectors for the sector report (repeatable). Default: all 9.")
    ] = None,
    partner: Annotated[
        list[str] | None, typer.Option(help="Partner ids (repeatable). Default: every partner of the kommun.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Notebook parameter NAME=VALUE (repeatable).")
    ] = None,
    release: Annotated[str, typer.Option(help="SMHI release, or 'latest' (the newest of all greenhouse gases).")] = (
        "latest"
    ),
    language: Annotated[str, typer.Option(help="sv or en.")] = config.DEFAULT_LANGUAGE,
    current_year: Annotated[
        int | None, typer.Option(help="The analysis year. Default: the calendar year of the run.")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            help="Worker processes of the local pool (each keeps one warm kernel). Default: 2. With --scheduler: "
            "at most this many reports at once.",
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="Comma-separated: html,ipynb.")] = "html,ipynb",
    force: Annotated[bool, typer.Option(help="Rebuild even if nothing changed.")] = False,
    output: Annotated[Path | None, typer.Option(help="Output folder (default: reports/).")] = None,
    confidential_output: Annotated[
        Path | None,
        typer.Option(
            help="Folder for confidential partners' reports, outside the public output folder "
            "(default: <output>-confidential beside it, e.g. reports-confidential/)."
        ),
    ] = None,
    wait: Annotated[
        float | None,
        typer.Option(
            help="When another run is writing to the output folder, wait for it (up to SECONDS; "
            "without a number: as long as it takes) instead of exiting with code 75.",
            metavar="[SECONDS]",
        ),
    ] = None,
    min_free: Annotated[
        str,
        typer.Option(help="Free space the output folder must have before any kernel starts (e.g. 500M, 2G, 0)."),
    ] = DEFAULT_MIN_FREE,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Run the reports on the workers of a running Dask scheduler, tcp://HOST:PORT (docs/dask.md).",
            metavar="tcp://HOST:PORT",
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            help="Run the reports on a Dask LocalCluster of N worker processes started for this run: local:N "
            "(not together with --jobs).",
            metavar="local:N",
        ),
    ] = None,
) -> None:
    """Build the report set: reports/<kommun>/<release>/<language>/ with pages, notebooks, CSV tables,
    index.html and summary.json, a top-level index and reports/<kommun>/latest/.

    Exit codes: 0 ok, 1 a report failed, 2 bad input (also a Dask worker that does not match), 69 Dask
    scheduler or workers out of reach, 73 output not writable, 75 busy, 130/143 interrupted.
    """
    from .runner.progress import PlainUI, TerminalUI, print_summary
    from .runner.run import Options, main

    executor, jobs = _executor_for(scheduler, cluster, jobs)
    t0 = time.perf_counter()
    ui: PlainUI = TerminalUI(out_console, err=_print_error) if sys.stdout.isatty() else PlainUI(err=_print_error)
    opts = Options(
        kommuner=kommun,
        lans=lan,
        groups=group,
        notebooks=notebook,
        sectors=sector,
        partners=partner,
        params=param,
        release=release,
        language=language,
        current_year=current_year,
        jobs=jobs,
        formats=fmt,
        force=force,
        output=output,
        confidential_output=confidential_output,
        wait=wait,
        min_free=min_free,
    )
    try:
        summary = main(opts, ui, executor=executor)
    finally:
        ui.close()
    if summary.results:
        print_summary(summary, ui, time.perf_counter() - t0, console=out_console)
    if summary.signal:
        counts = {s: summary.count(s) for s in ("built", "not_started", "interrupted")}
        ui.notice(
            f"interrupted: {counts['built']} built, {counts['not_started']} not started, "
            f"{counts['interrupted']} stopped while building ({summary.signal})"
        )
    elif summary.error and summary.results:
        ui.error(f"{summary.error}; the run stopped, published reports are kept; run again when that is fixed")
    raise typer.Exit(summary.exit_code)


def _print_error(text: str) -> None:
    err_console.print(text, soft_wrap=True, highlight=False, markup=False)


def _executor_for(scheduler: str | None, cluster: str | None, jobs: int | None) -> tuple[Any, int]:
    """The executor factory and the number of reports at once for ``--scheduler``/``--cluster``/``--jobs``
    (the forms checked before any work; exit 2). No Dask option: the local pool (``None``)."""
    if scheduler is None and cluster is None:
        return None, 2 if jobs is None else jobs
    from .errors import ParameterError
    from .runner import dask_executor

    try:
        spec = dask_executor.cluster_spec(scheduler=scheduler, cluster=cluster, jobs=jobs)
        if jobs is not None and jobs < 1:
            raise ParameterError(f"--jobs must be at least 1 (reports at once), got {jobs}")
    except BorlangeError as exc:
        err_console.print(f"error: {exc}", soft_wrap=True, highlight=False, markup=False)
        raise typer.Exit(2) from None
    assert spec is not None
    if spec.kind == "local":
        return spec.executor, spec.workers
    return spec.executor, jobs if jobs is not None else sys.maxsize


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
