"""One report run, start to end: the order of its steps, signals, locks, failures and the site.

The order of a run:

1. **validate** every option and every job's parameters (:func:`.plan.plan`); a bad value stops
   the run with exit code 2 before anything is written or started;
2. **check** that each output root can be written and has ``--min-free`` bytes free (exit 73);
3. **lock** each output root (exit 75 when another run holds it, or wait with ``--wait``); a lock
   left by a killed run is taken over;
4. **clean** what a dead run left (stale staging folders, temporaries) and **withdraw** what
   confidentiality no longer allows in the public tree (:func:`.confidential.sweep`);
5. **prepare** the data if stale, fingerprint each job and **skip** the current ones;
6. **build** the rest on an :class:`.executor.Executor` (by default the local warm-kernel pool):
   each report is published as soon as it is built; a report whose worker died is retried once on
   a fresh worker, then failed with its notebook in ``_failed/``;
7. **compose** the site from what is on disk (each touched set's index and summary, the top-level
   index, the ``latest`` pages) and write ``last-run.json`` in each root; also when nothing was
   built, when reports failed, when the disk filled up or when the run was interrupted.

Exit codes: 0 ok, 1 a report failed (or the data could not be prepared), 2 bad input, 73 an output
folder cannot be written, 75 another run is writing, 130/143 interrupted by SIGINT/SIGTERM.
"""

from __future__ import annotations

import datetime as _dt
import os
import shutil
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .. import __version__, config
from ..errors import BorlangeError
from . import confidential, disk, hooks, publish, site
from . import plan as planning
from .catalog import CATALOG, Catalog
from .executor import Event, Executor, LocalExecutor, Task
from .lock import Busy, Holder, OutputLock
from .plan import Job
from .signals import Interrupted, Trap

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_CANTCREAT = 73
EXIT_TEMPFAIL = 75
STATUSES = ("built", "skipped", "failed", "interrupted", "not_started")


@dataclass
class Options:
    """The options of one run (the ``reports`` command's options)."""

    kommuner: list[str] | None = None
    lans: list[str] | None = None
    groups: list[str] | None = None
    notebooks: list[str] | None = None
    sectors: list[str] | None = None
    partners: list[str] | None = None
    params: list[str] | None = None
    release: str = "latest"
    language: str = config.DEFAULT_LANGUAGE
    current_year: int | None = None
    jobs: int = 2
    formats: str = "html,ipynb"
    force: bool = False
    output: Path | None = None
    confidential_output: Path | None = None
    wait: float | None = None
    min_free: str = disk.DEFAULT_MIN_FREE
    catalog: Catalog = CATALOG


@dataclass
class Result:
    """How one job ended in this run."""

    name: str
    status: str  # built, skipped, failed, interrupted (stopped while building), not_started
    seconds: float = 0.0
    error: str = ""
    failed_notebook: str = ""
    out_dir: str = ""
    public: bool = True
    set: str = ""
    attempts: int = 0


@dataclass
class Summary:
    """What a run did; ``exit_code`` is the command's exit code."""

    exit_code: int
    results: list[Result] = field(default_factory=list)
    run_id: str = ""
    signal: str = ""
    error: str = ""
    withdrawn: list[confidential.Withdrawal] = field(default_factory=list)
    public_root: str = ""
    confidential_root: str = ""

    def count(self, status: str, *, public: bool | None = None) -> int:
        return sum(r.status == status and (public is None or r.public == public) for r in self.results)


class UI(Protocol):
    """Where a run reports progress (the command line prints it)."""

    def start(self, *, total: int, to_build: int) -> None: ...

    # optional: ``plan(per_kommun)`` (jobs per kommun) is called before ``start`` when the UI has it

    def result(self, result: Result) -> None: ...

    def notice(self, text: str) -> None: ...

    def error(self, text: str) -> None: ...


ExecutorFactory = Callable[[int, dict[str, str]], Executor]


def worker_env() -> dict[str, str]:
    return {
        "BORLANGE_HOME": str(config.project_root()),
        "MPLBACKEND": "Agg",
        "PYTHONWARNINGS": "ignore",
        "BORLANGE_NOTEBOOKS": str(config.notebooks_dir()),
        "BORLANGE_PARTNERS_DIR": str(config.partners_data_dir()),
        **({"SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"]} if "SOURCE_DATE_EPOCH" in os.environ else {}),
    }


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def main(opts: Options, ui: UI, *, executor: ExecutorFactory | None = None) -> Summary:
    """Run the reports: validate, lock, prepare, build, compose. Never raises for the operator's
    mistakes or the disk's: the returned summary carries the exit code."""
    run_id = uuid.uuid4().hex[:12]
    with Trap() as trap:
        hooks.watch(trap)
        try:
            return _main(opts, ui, trap, run_id, executor or LocalExecutor)
        finally:
            hooks.watch(None)


def _main(opts: Options, ui: UI, trap: Trap, run_id: str, make_executor: ExecutorFactory) -> Summary:
    started = _now()
    # 1. validate: nothing written, nothing started
    try:
        formats = planning.check_formats(opts.formats.split(","))
        n_jobs = planning.check_jobs(opts.jobs)
        min_free = disk.parse_size(opts.min_free)
        wait = planning.check_wait(opts.wait)
        public_root, secret_root = planning.check_roots(opts.output, opts.confidential_output)
        jobs = planning.plan(
            kommuner=opts.kommuner,
            lans=opts.lans,
            groups=opts.groups,
            notebooks=opts.notebooks,
            sectors=opts.sectors,
            partner_ids=opts.partners,
            params_given=planning.parse_params(opts.params),
            release=opts.release,
            language=opts.language,
            current_year=opts.current_year,
            output=public_root,
            confidential_output=secret_root,
            catalog=opts.catalog,
        )
        from ..partners import partners

        registry = partners()
        hooks.pause("planning")
    except BorlangeError as exc:
        ui.error(str(exc))
        return Summary(EXIT_USAGE, run_id=run_id)
    except Interrupted:
        ui.notice("interrupted: 0 built, 0 not started (nothing was written)")
        return Summary(trap.exit_code, run_id=run_id, signal=trap.name)
    has_secrets = any(not j.public for j in jobs) or any(p.get("confidential") for p in registry)
    roots = [public_root] + ([secret_root] if has_secrets or secret_root.is_dir() else [])
    # 2.-3. writable, free space, locks
    locks: list[OutputLock] = []
    try:
        for root in roots:
            disk.check_writable(root, min_free=min_free)
        for root in roots:
            lock = OutputLock(root, run_id)
            with trap.raising_mode():
                left = lock.acquire(wait, on_wait=lambda r, h: ui.notice(_waiting(r, h)))
            locks.append(lock)
            if left is not None:
                ui.notice(
                    f"taking over {root} from a run that did not finish ({left.describe()}); cleaning up after it"
                )
    except disk.OutputError as exc:
        _release(locks)
        ui.error(str(exc))
        return Summary(EXIT_CANTCREAT, run_id=run_id, error=str(exc))
    except Busy as exc:
        _release(locks)
        ui.error(str(exc))
        return Summary(EXIT_TEMPFAIL, run_id=run_id, error=str(exc))
    except OSError as exc:
        _release(locks)
        msg = f"cannot lock the output folder: {disk.describe_oserror(exc)}"
        ui.error(msg)
        return Summary(EXIT_CANTCREAT, run_id=run_id, error=msg)
    except Interrupted:
        _release(locks)
        ui.notice(f"interrupted: 0 built, {len(jobs)} not started")
        return Summary(trap.exit_code, run_id=run_id, signal=trap.name)
    try:
        session = _Session(
            jobs=jobs,
            formats=formats,
            n_jobs=n_jobs,
            force=opts.force,
            public_root=public_root,
            secret_root=secret_root if secret_root in roots else None,
            registry=registry,
            catalog=opts.catalog,
            run_id=run_id,
            trap=trap,
            ui=ui,
            make_executor=make_executor,
            started=started,
        )
        return session.run()
    finally:
        _release(locks)


def _waiting(root: Path, holder: Holder | None) -> str:
    who = holder.describe() if holder else "pid unknown"
    return f"waiting for another run ({who}) that is writing to {root}"


def _release(locks: list[OutputLock]) -> None:
    for lock in reversed(locks):
        lock.release()


@dataclass
class _Session:
    """A run that holds its locks: everything from cleaning up to composing the site."""

    jobs: list[Job]
    formats: tuple[str, ...]
    n_jobs: int
    force: bool
    public_root: Path
    secret_root: Path | None
    registry: list[dict[str, Any]]
    catalog: Catalog
    run_id: str
    trap: Trap
    ui: UI
    make_executor: ExecutorFactory
    started: str
    results: dict[str, Result] = field(default_factory=dict)
    withdrawn: list[confidential.Withdrawal] = field(default_factory=list)
    fatal: str = ""
    error: str = ""
    error_code: int = EXIT_FAILED  # an executor's error may carry its own (a Dask cluster: 2 or 69)
    touched: set[Path] = field(default_factory=set)

    # -- the steps -------------------------------------------------------------------------------

    def run(self) -> Summary:
        t0 = time.monotonic()
        try:
            with self.trap.deferring():
                self._clean()
                self._sweep()
            with self.trap.raising_mode():
                from .. import data

                data.ensure_prepared()
                planning.fingerprint_jobs(self.jobs)
            with self.trap.deferring():
                self._build()
        except Interrupted:
            pass
        except OSError as exc:
            self.fatal = disk.describe_oserror(exc)
        except BorlangeError as exc:
            self.error = str(exc)
            self.error_code = int(getattr(exc, "exit_code", EXIT_FAILED))
        with self.trap.deferring():
            self._finish(time.monotonic() - t0)
        return self._summary()

    def _clean(self) -> None:
        for root in self._roots():
            cleaned = disk.clean_leftovers(root, keep_run=self.run_id)
            if cleaned:
                self.ui.notice(
                    f"cleaned up in {root}: {cleaned.staging} staging folders and {cleaned.temporaries} "
                    "temporary files left by an earlier run"
                )

    def _sweep(self) -> None:
        secret = self.secret_root or planning.default_confidential_root(self.public_root)
        self.withdrawn = confidential.sweep(self.public_root, secret, registry=self.registry, catalog=self.catalog)
        for w in self.withdrawn:
            self.ui.notice(w.line())
            root = self.public_root if w.root == "public" else secret
            folder = root.joinpath(*w.set.split("/"))
            if folder.is_dir():
                self.touched.add(folder)

    def _build(self) -> None:
        todo: list[Job] = []
        for job in self.jobs:
            if not self.force and publish.is_current(job, self.formats):
                self._record(job, Result(job.name, "skipped"))
            else:
                todo.append(job)
        plan_hook = getattr(self.ui, "plan", None)  # optional: a UI that counts kommuner done
        if plan_hook is not None:
            per_kommun: dict[str, int] = {}
            for job in self.jobs:
                per_kommun[job.kommun] = per_kommun.get(job.kommun, 0) + 1
            plan_hook(per_kommun)
        self.ui.start(total=len(self.jobs), to_build=len(todo))
        for job in self.jobs:
            if job.key in self.results:
                self.ui.result(self.results[job.key])
        if not todo:
            return
        # the executor first: one that cannot start (a Dask cluster out of reach) stops the run here
        pool: Executor = self.make_executor(min(self.n_jobs, len(todo)), worker_env())
        by_key = {j.key: j for j in todo}
        queue = deque(
            Task(j.key, asdict(j), tuple(self.formats), str(self._stage(j))) for j in todo if not self.trap.stopped
        )
        inflight: dict[str, Task] = {}
        clean_end = False
        try:
            while (queue or inflight) and not self.trap.stopped and not self.fatal:
                while queue and pool.free_slots() > 0 and not self.trap.stopped:
                    task = queue.popleft()
                    pool.submit(task)
                    inflight[task.key] = task
                for event in pool.poll(0.2):
                    self._on_event(event, by_key, queue, inflight)
                    if self.fatal:
                        break
            clean_end = not (queue or inflight)
        finally:
            pool.shutdown(kill=not clean_end)
            for task in inflight.values():
                job = by_key[task.key]
                self._record(job, Result(job.name, "interrupted", attempts=task.attempt))
            for task in queue:
                job = by_key[task.key]
                self._record(job, Result(job.name, "not_started", attempts=task.attempt - 1))
            for job in todo:
                shutil.rmtree(self._stage(job), ignore_errors=True)

    def _on_event(self, event: Event, by_key: dict[str, Job], queue: deque[Task], inflight: dict[str, Task]) -> None:
        if event.kind == "started":
            hooks.pause("kernels")
            return
        inflight.pop(event.task.key, None)
        job = by_key[event.task.key]
        if event.kind == "crashed":
            if self.trap.stopped:  # the signal reached the worker too: stopped, not failed
                self._record(job, Result(job.name, "interrupted", attempts=event.task.attempt))
                return
            if event.task.attempt < 2:
                self.ui.notice(f"{job.name}: {event.detail}; retrying once on a fresh worker")
                queue.appendleft(event.task.retry())
                return
            note = f"{event.detail} (attempt {event.task.attempt} of 2)"
            outcome: dict[str, Any] = {"name": job.name, "status": "failed", "error": note, "files": []}
            outcome["failed_notebook"] = str(kernels_crash_notebook(job, self._stage(job), note))
        else:
            outcome = event.outcome
            if self.trap.stopped and outcome.get("status") != "built" and not outcome.get("errno"):
                # a kernel killed by the same signal (systemd stops every process): not a failure
                self._record(job, Result(job.name, "interrupted", attempts=event.task.attempt))
                shutil.rmtree(self._stage(job), ignore_errors=True)
                return
        self._finish_job(job, outcome, attempts=event.task.attempt)

    def _finish_job(self, job: Job, outcome: dict[str, Any], *, attempts: int) -> None:
        stage = self._stage(job)
        failed_folder = None
        if job.public:
            secrets = [p for p in confidential.confidential_partners(self.registry) if p.kommun == job.kommun]
            hit = confidential.find(stage, secrets) if secrets and stage.is_dir() else None
            if hit is not None:
                failed_folder = self._secret_set(job)  # a failed notebook naming the partner too
                partner, word = hit
                if outcome.get("status") == "built":
                    staged = [stage / f for f in outcome.get("files", []) if f.endswith(".ipynb")]
                    outcome = {
                        **outcome,
                        "status": "failed",
                        "error": f"withheld: the page names confidential partner {partner.id} ({word!r})",
                        "public_error": "withheld: the page names a confidential partner",
                        "failed_notebook": str(staged[0]) if staged else "",
                    }
        if outcome.get("status") == "built":
            publish.publish(job, outcome, stage)
            self._record(job, Result(job.name, "built", float(outcome.get("seconds", 0.0)), attempts=attempts))
            return
        if outcome.get("errno"):
            self.fatal = str(outcome.get("error", "")) or f"cannot write {stage}"
        kept = publish.record_failure(job, outcome, stage, failed_folder=failed_folder)
        self._record(
            job,
            Result(
                job.name,
                "failed",
                float(outcome.get("seconds", 0.0)),
                str(outcome.get("error", "")),
                str(kept or ""),
                attempts=attempts,
            ),
        )

    def _finish(self, seconds: float) -> None:
        """Compose the site from disk and write ``last-run.json`` (each step tried even if one fails)."""
        for job in self.jobs:
            if job.key not in self.results:
                self._record(job, Result(job.name, "not_started"), announce=False)
            self.touched.add(Path(job.out_dir))
        for root in self._roots():
            for folder in {Path(j.out_dir) for j in self.jobs if Path(j.root) == root}:
                run_stage = folder / disk.STAGING / self.run_id
                shutil.rmtree(run_stage, ignore_errors=True)
                publish._remove_if_empty(folder / disk.STAGING)
        notes: list[str] = []
        steps: list[tuple[str, Callable[[], object]]] = [
            (
                "public site",
                lambda: site.compose(
                    self.public_root,
                    touched=[t for t in self.touched if self.public_root in t.parents],
                    notebook_order=self.catalog.names(),
                    notices=notes,
                ),
            )
        ]
        if self.secret_root is not None:
            secret = self.secret_root
            steps.append(
                (
                    "confidential site",
                    lambda: site.compose(
                        secret,
                        touched=[t for t in self.touched if secret in t.parents],
                        notebook_order=self.catalog.names(),
                        public_only=False,
                    ),
                )
            )
        steps.append(("last-run.json", lambda: self._write_last_run(seconds)))
        for _what, step in steps:
            try:
                step()
            except OSError as exc:
                self.fatal = self.fatal or disk.describe_oserror(exc)
            for note in notes:
                self.ui.notice(note)
            notes.clear()

    # -- helpers -----------------------------------------------------------------------------------

    def _roots(self) -> list[Path]:
        return [self.public_root] + ([self.secret_root] if self.secret_root is not None else [])

    def _stage(self, job: Job) -> Path:
        return Path(job.out_dir) / disk.STAGING / self.run_id / job.name

    def _secret_set(self, job: Job) -> Path:
        root = self.secret_root or planning.default_confidential_root(self.public_root)
        return root / job.kommun / job.release / job.language

    def _record(self, job: Job, result: Result, *, announce: bool = True) -> None:
        result.out_dir = job.out_dir
        result.public = job.public
        result.set = job.set_label
        self.results[job.key] = result
        if announce and result.status != "skipped":
            self.ui.result(result)

    def _ordered(self) -> list[Result]:
        return [self.results[j.key] for j in self.jobs if j.key in self.results]

    def _counts(self, results: list[Result]) -> dict[str, int]:
        return {s: sum(r.status == s for r in results) for s in STATUSES}

    def _exit_code(self) -> int:
        if self.trap.stopped:
            return self.trap.exit_code
        if self.fatal:
            return EXIT_CANTCREAT
        if self.error:
            return self.error_code
        if any(r.status == "failed" for r in self.results.values()):
            return EXIT_FAILED
        return EXIT_OK

    def _status(self) -> str:
        if self.trap.stopped:
            return "interrupted"
        return {EXIT_OK: "ok", EXIT_FAILED: "failed"}.get(self._exit_code(), "error")

    def _payload(self, results: list[Result], seconds: float) -> dict[str, Any]:
        years = sorted({int(j.params["current_year"]) for j in self.jobs if j.params.get("current_year")})
        return {
            "run_id": self.run_id,
            "started": self.started,
            "finished": _now(),
            "seconds": round(seconds, 1),
            "status": self._status(),
            "exit_code": self._exit_code(),
            "signal": self.trap.name or None,
            "error": self.fatal or self.error or None,
            "current_year": years[0] if len(years) == 1 else years,
            "package_version": __version__,
            "counts": self._counts(results),
            "reports": [
                {
                    "set": r.set,
                    "name": r.name,
                    "status": r.status,
                    "seconds": round(r.seconds, 1),
                    "error": r.error,
                    "attempts": r.attempts,
                }
                for r in results
            ],
        }

    def _write_last_run(self, seconds: float) -> None:
        results = self._ordered()
        public = [r for r in results if r.public]
        secret = [r for r in results if not r.public]
        payload = self._payload(public, seconds)
        payload["confidential_jobs"] = len(secret)
        payload["error"] = _public_text(payload["error"], self.registry)
        for entry in payload["reports"]:
            entry["error"] = _public_text(entry["error"], self.registry)
        site.write_last_run(self.public_root, payload)
        if self.secret_root is not None:
            details = self._payload(secret, seconds)
            details["public_counts"] = self._counts(public)
            details["withdrawn"] = [asdict(w) for w in self.withdrawn]
            details["withheld"] = [
                {"set": r.set, "name": r.name, "error": r.error} for r in public if r.error.startswith("withheld")
            ]
            site.write_last_run(self.secret_root, details)
            if self.withdrawn:
                _append_withdrawals(self.secret_root, self.withdrawn, self.run_id)

    def _summary(self) -> Summary:
        return Summary(
            exit_code=self._exit_code(),
            results=self._ordered(),
            run_id=self.run_id,
            signal=self.trap.name,
            error=self.fatal or self.error,
            withdrawn=self.withdrawn,
            public_root=str(self.public_root),
            confidential_root=str(self.secret_root or ""),
        )


def kernels_crash_notebook(job: Job, stage: Path, note: str) -> Path:
    from .kernels import crash_notebook

    return crash_notebook(asdict(job), stage, note)


def _public_text(text: str | None, registry: list[dict[str, Any]]) -> str | None:
    """An error line for a public file, with confidential partners' names and ids blanked."""
    if not text:
        return text
    for partner in confidential.confidential_partners(registry):
        for term in sorted(partner.terms, key=len, reverse=True):
            text = text.replace(term, "(confidential partner)")
    return text


def _append_withdrawals(root: Path, withdrawn: list[confidential.Withdrawal], run_id: str) -> None:
    """Keep a history of withdrawals in the confidential root (``withdrawals.json``, newest last)."""
    import json

    from .._io import atomic_write_json

    path = root / "withdrawals.json"
    try:
        history = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    except ValueError:
        history = []
    history += [{"run_id": run_id, "at": _now(), **asdict(w)} for w in withdrawn]
    atomic_write_json(path, history[-1000:])
