"""Test-session set-up shared by tests/ and the nbval notebook run.

Unit tests (``tests/unit``) need no data and no network. The real-data tests (``tests/realdata``),
the end-to-end tests (``tests/e2e``) and the notebooks need the fetched, prepared data: before the
first of them runs, this fetches every source (from $BORLANGE_DATA_MIRROR when set, else from the
publishers' URLs) and prepares the tables. If that fails, every such test fails loudly: real-data
tests never skip.
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent
REAL_DATA_DIRS = (ROOT / "tests" / "realdata", ROOT / "tests" / "e2e", ROOT / "notebooks")
_STATE: dict[str, BaseException | bool] = {}


def _ensure_real_data() -> None:
    if "ok" in _STATE:
        return
    if "error" in _STATE:
        raise RuntimeError(str(_STATE["error"]))
    from borlange_analysis import data
    from borlange_analysis.errors import BorlangeError
    from borlange_analysis.ingest import sources

    try:
        sources.fetch_all()
        data.ensure_prepared()
    except BorlangeError as exc:
        _STATE["error"] = RuntimeError(
            "The real data could not be fetched or prepared, so the real-data tests cannot run.\n"
            f"{exc}\nSet BORLANGE_DATA_MIRROR to a folder laid out like shared/data (offline), "
            "or run with network access."
        )
        raise _STATE["error"] from exc
    _STATE["ok"] = True


def pytest_runtest_setup(item):
    path = Path(str(item.path)).resolve()
    if any(path.is_relative_to(d) for d in REAL_DATA_DIRS):
        _ensure_real_data()
