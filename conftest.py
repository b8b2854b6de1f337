"""Test-session set-up shared by tests/ and the nbval notebook run.

The real-data tests and the notebooks need the fetched, prepared data. At the start of the session
this fetches every source (from $BORLANGE_DATA_MIRROR when set, else from the publishers' URLs)
and prepares the tables. If that fails the whole session fails loudly: real-data tests never
skip silently.
"""

import os

import matplotlib

matplotlib.use("Agg")


def pytest_configure(config):
    os.environ.setdefault("MPLBACKEND", "Agg")
    if os.environ.get("BORLANGE_SKIP_DATA_SETUP") == "1":
        return
    from borlange_analysis import data, sources
    from borlange_analysis.errors import BorlangeError

    try:
        sources.fetch_all()
        data.ensure_prepared()
    except BorlangeError as exc:
        raise RuntimeError(
            "The real data could not be fetched or prepared, so the real-data tests cannot run.\n"
            f"{exc}\nSet BORLANGE_DATA_MIRROR to a folder laid out like shared/data (offline), "
            "or run with network access."
        ) from exc
