"""A report kernel's own stderr (low-level messages: a crash, its messaging layer complaining while
it shuts down) goes to a log file of its worker, never to the terminal of a run, whose errors are
one line each; the file is removed when the kernel stops. A real kernel is started."""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from borlange_analysis.runner import kernels

pytestmark = pytest.mark.e2e


def _run_cell(source: str) -> None:
    client = kernels._STATE["client"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    runner = NotebookClient(nb, km=client.km, kernel_name="python3", timeout=60)
    runner.kc = client.kc
    runner.execute()


def test_kernel_stderr_goes_to_the_log_not_the_terminal(capfd):
    kernels._STATE.clear()
    kernels.start_kernel()
    log = kernels.kernel_log_path()
    try:
        assert log.exists()
        _run_cell("import os\nos.write(2, b'zmq noise from the kernel process\\n')")
        deadline = time.monotonic() + 10
        while "zmq noise" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "zmq noise from the kernel process" in log.read_text(encoding="utf-8")
        assert kernels.kernel_log_tail() == "zmq noise from the kernel process"
    finally:
        kernels.stop_kernel()
    assert "zmq noise" not in capfd.readouterr().err
    assert not log.exists(), "the log is removed when the kernel stops"
    assert kernels.kernel_log_tail() == ""
