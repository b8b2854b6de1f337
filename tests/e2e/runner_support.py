"""Shared set-up of the runner's end-to-end tests (tests/e2e/test_runner_*.py).

One real report set is built once per test session (the real ``overview`` notebook and two partner
pages) and copied for each test that needs one, so fault and signal tests cost a few seconds each.

The partner pages come from a small test notebook written here (``partner.ipynb`` in a test
notebooks folder), not from the project's partner notebook: these tests are about the runner
(locks, signals, confidential data, faults), so they must not depend on page content that other
work changes. The test notebook shows the partner's registry name and the sum of its activity data
(a distinctive figure), writes a CSV table through the atomic-write helper, and obeys two switches:
``RUNNER_TEST_SLEEP`` (seconds to keep the kernel busy) and ``RUNNER_TEST_FAIL`` (a partner id to
fail on).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import psutil
from filelock import FileLock

CLI = str(Path(sys.executable).parent / "borlange-analysis")
ROOT = Path(__file__).resolve().parents[2]
YEAR = "2026"
SECRET_FIGURE = "31415.9265"
#: The partner made confidential in the tests and its registry name.
SECRET_ID = "hushagen"
SECRET_NAME = "Hushagen"
SET = Path("Borlänge") / "2026" / "sv"

PARTNER_SOURCE = """\
import csv
import os
import time
import tomllib
from pathlib import Path

from IPython.display import Markdown, display

from borlange_analysis import config
from borlange_analysis._io import atomic_write_text

registry = tomllib.loads((config.REFERENCE_DIR / "partners.toml").read_text(encoding="utf-8"))
p = next(e for e in registry["partner"] if e["id"] == partner)
activity = config.partners_data_dir() / partner / "activity.csv"
rows = list(csv.DictReader(activity.open(encoding="utf-8"))) if activity.is_file() else []
total = sum(float(r["amount"]) for r in rows)
time.sleep(float(os.environ.get("RUNNER_TEST_SLEEP", "0")))
if os.environ.get("RUNNER_TEST_FAIL") == partner:
    raise RuntimeError("deliberately broken")
if tables_dir:
    atomic_write_text(Path(tables_dir) / "scopes.csv", f"partner,activity_total\\n{p['name']},{total:.4f}\\n")
display(Markdown(f"# {p['name']}\\n\\nActivity total: {total:.4f} (analysis year {current_year})"))
key = {"title": f"Partner {p['name']}", "key_line": f"{p['name']}: {total:.4f}", "key_figures": {"total": total}}
display({config.KEY_DATA_MIME: key}, raw=True)
"""

PARAMETERS = """\
kommun: str = "Borlänge"
release: str = "latest"
language: str = "sv"
current_year: int = 2026
tables_dir: str = ""
partner: str = "ssab"
facility_release: str = "2021"
use_example_activity: bool = False
"""


def write_notebooks(folder: Path) -> Path:
    """A notebooks folder: the real overview notebook and the test partner notebook."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "notebooks" / "overview.ipynb", folder / "overview.ipynb")
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Test partner page"), params, nbformat.v4.new_code_cell(PARTNER_SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, folder / "partner.ipynb")
    return folder


def write_activity(partners_dir: Path, pid: str, amounts: list[float]) -> Path:
    folder = partners_dir / pid
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["partner_id,year,activity,amount,unit,use,note"]
    rows += [f"{pid},2024,diesel,{a},l,road,test data" for a in amounts]
    path = folder / "activity.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def partners_dir(folder: Path) -> Path:
    """A partners folder: activity data for the secret partner (summing to SECRET_FIGURE)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_activity(folder, SECRET_ID, [30000.0, 1415.9265])
    return folder


class Env:
    """Everything one test's CLI runs share: output roots, notebooks, partners, a process tag."""

    def __init__(self, base: Path, work: Path, notebooks: Path | None = None):
        self.work = work
        self.out = work / "reports"
        self.secret = work / "reports-confidential"
        self.notebooks = notebooks or base / "notebooks"
        self.partners = work / "partners"
        self.tag = uuid.uuid4().hex
        self.pause_file = work / "pause"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "BORLANGE_HOME": str(ROOT),
            "BORLANGE_NOTEBOOKS": str(self.notebooks),
            "BORLANGE_PARTNERS_DIR": str(self.partners),
            "BORLANGE_TEST_TAG": self.tag,
            "BORLANGE_TEST_PAUSE_FILE": str(self.pause_file),
            "PYTHONWARNINGS": "ignore",
        }
        env.pop("BORLANGE_INJECT_OSERROR", None)
        env.update(extra)
        return env

    def args(self, *args: str) -> list[str]:
        return [CLI, "reports", "--output", str(self.out), "--current-year", YEAR, *args]

    def run(self, *args: str, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.args(*args), capture_output=True, text=True, env=self.env(**extra), timeout=timeout, cwd=ROOT
        )

    def spawn(self, *args: str, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.args(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(**extra),
            cwd=ROOT,
            start_new_session=True,  # its own process group, as a command started from a terminal
        )

    def wait_for_pause(self, proc: subprocess.Popen[str], timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pause_file.exists():
                return
            if proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(f"the run ended before the pause point:\n{out}\n{err}")
            time.sleep(0.05)
        proc.kill()
        raise AssertionError("the run never reached the pause point")

    def release_pause(self) -> None:
        Path(f"{self.pause_file}.continue").write_text("go", encoding="utf-8")

    def processes(self) -> list[psutil.Process]:
        """Live processes started by this test's runs (they carry its tag in their environment)."""
        found = []
        for p in psutil.process_iter():
            try:
                if p.pid != os.getpid() and p.environ().get("BORLANGE_TEST_TAG") == self.tag:
                    if p.status() != psutil.STATUS_ZOMBIE:
                        found.append(p)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
        return found

    def assert_no_orphans(self, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        left: list[psutil.Process] = []
        while time.monotonic() < deadline:
            left = self.processes()
            if not left:
                return
            time.sleep(0.2)
        described = []
        for p in left:
            try:
                described.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
            except psutil.Error:
                continue
            p.kill()
        if described:
            raise AssertionError("processes outlived the run:\n" + "\n".join(described))


BASE_ARGS = ("--notebook", "overview", "--notebook", "partner", "--partner", "ssab", "--partner", SECRET_ID)


def base_set(tmp_path_factory) -> Path:
    """The session's one real report set (built at first use; later calls reuse it)."""
    base = tmp_path_factory.getbasetemp() / "runner-base"
    with FileLock(str(base) + ".lock"):
        done = base / "done.json"
        if done.is_file():
            return base
        if base.exists():
            shutil.rmtree(base)
        base.mkdir()
        write_notebooks(base / "notebooks")
        env = Env(base, base)
        partners_dir(env.partners)
        res = env.run(*BASE_ARGS, "--jobs", "2")
        if res.returncode != 0:
            raise RuntimeError(f"the base report set did not build:\n{res.stdout}\n{res.stderr}")
        done.write_text(json.dumps({"stdout": res.stdout}), encoding="utf-8")
    return base


def copy_env(base: Path, work: Path) -> Env:
    """A fresh copy of the base set (public and confidential roots, partners folder) in ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    for name in ("reports", "reports-confidential", "partners"):
        if (base / name).exists():
            shutil.copytree(base / name, work / name, symlinks=True)
    return Env(base, work)


# --- checks ---------------------------------------------------------------------------------------


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """relative path -> (size, mtime_ns) of every file under root."""
    if not root.exists():
        return {}
    files = [p for p in sorted(root.rglob("*")) if p.is_file()]
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in files}


def leftovers(*roots: Path) -> list[str]:
    """Temporaries of the atomic-write helper and staging folders left under the roots."""
    out = []
    for root in roots:
        if not root.exists():
            continue
        out += [str(p) for p in root.rglob(".tmp-*")]
        out += [str(p) for p in root.rglob(".staging")]
        out += [str(p) for p in root.rglob("*.tmp")]
    return out


def records(folder: Path) -> dict[str, dict]:
    return {
        p.name.removesuffix(".build.json"): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(folder.glob("*.build.json"))
    }


def published(root: Path) -> dict[str, object]:
    """The published state of a root, without build times: files and each record's essentials."""
    out: dict[str, object] = {}
    for f in sorted(root.rglob("*")):
        rel = str(f.relative_to(root))
        if not f.is_file() or rel.startswith(".borlange-run") or rel == "last-run.json":
            continue
        if f.name.endswith(".build.json"):
            r = json.loads(f.read_text(encoding="utf-8"))
            out[rel] = (r["status"], r.get("input_hash"), tuple(r.get("files", [])), r.get("tables"), r.get("title"))
        else:
            out[rel] = "file"
    return out


def assert_consistent(root: Path) -> None:
    """Every set's index and summary agree with its records and files: every link works, every
    report with a record is listed, no summary entry points at a missing file."""
    import re

    for summary_path in sorted(root.glob("*/*/*/summary.json")):
        folder = summary_path.parent
        index = (folder / "index.html").read_text(encoding="utf-8")
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
        recs = records(folder)
        public = {n for n, r in recs.items() if r.get("public", True)} if "confidential" not in str(root) else set(recs)
        listed = {e["name"] for e in summary["reports"]}
        assert listed == public, (folder, listed, public)
        for entry in summary["reports"]:
            for key in ("html", "ipynb"):
                if entry[key]:
                    assert (folder / entry[key]).is_file(), (folder, entry)
        for href in re.findall(r'href="([^"#]+)"', index):
            if href.startswith(("http:", "https:")):
                continue
            from urllib.parse import unquote

            assert (folder / unquote(href)).resolve().exists(), (folder, href)
    for index in [root / "index.html", *root.glob("*/latest/index.html"), *root.glob("*/latest/*/index.html")]:
        if not index.is_file():
            continue
        import re as _re
        from urllib.parse import unquote

        for href in _re.findall(r'href="([^"#]+)"', index.read_text(encoding="utf-8")):
            assert (index.parent / unquote(href)).resolve().exists(), (index, href)


def grep(root: Path, *needles: str) -> list[str]:
    """Files under root whose text contains any of the needles (and which)."""
    hits = []
    for f in sorted(root.rglob("*")):
        if not f.is_file():
            continue
        text = f.read_bytes().decode("utf-8", errors="replace")
        for n in needles:
            if n in text:
                hits.append(f"{f.relative_to(root)}: {n}")
    return hits


def stop(proc: subprocess.Popen[str], signum: int, timeout: float = 120) -> tuple[int, str, str]:
    """SIGINT goes to the whole process group (Ctrl-C in a terminal: the workers get it too);
    SIGTERM to the command only (``timeout``, ``kill``)."""
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}
