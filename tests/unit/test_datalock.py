"""The data lock: fetch, prepare and the prepare step of the commands never write data/ at once."""

import multiprocessing as mp
import time

import pytest

from borlange_analysis.ingest import datalock


def _hold(root: str, seconds: float, ready) -> None:
    import os

    os.environ["BORLANGE_HOME"] = root
    with datalock.data_lock("test holder"):
        ready.set()
        time.sleep(seconds)


def test_a_second_process_waits_then_gives_up_naming_the_holder(tmp_path, monkeypatch):
    monkeypatch.setenv("BORLANGE_HOME", str(tmp_path))
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    holder = ctx.Process(target=_hold, args=(str(tmp_path), 5.0, ready))
    holder.start()
    try:
        assert ready.wait(30)
        t0 = time.perf_counter()
        with pytest.raises(datalock.DataBusyError, match=r"pid \d+, test holder"):
            with datalock.data_lock("prepare", timeout=0.5):
                pass
        assert time.perf_counter() - t0 >= 0.4
    finally:
        holder.join(30)
    with datalock.data_lock("prepare", timeout=0):  # free again once the holder is gone
        with datalock.data_lock("nested"):  # re-entrant in one process
            pass
    assert not (tmp_path / "data" / datalock.HOLDER_NAME).exists()
