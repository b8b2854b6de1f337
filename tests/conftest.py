"""Fixtures shared by the unit and end-to-end tests: a loopback HTTP server whose answers a test
sets (a workbook, an HTML error page, a truncated file, a byte trickle, an HTTP error), and a
builder of small workbooks in the layout of SMHI's export (no internet is used anywhere)."""

from __future__ import annotations

import datetime as dt
import http.server
import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

SMHI_HEADER = ["Huvudsektor", "Undersektor", "Län", "Kommun"]


def smhi_workbook(
    rows: list[tuple[str, str, str, str, list[float]]],
    years: list[int],
    *,
    stamp: str = "2026-11-27 06:00",
    gas_title: str = "Emissioner av växthusgaser totalt",
) -> bytes:
    """A workbook laid out like SMHI's export: title rows (with a generation time), a blank row, the
    header Huvudsektor, Undersektor, Län, Kommun, years, then one row per (sector, sub-sector, län,
    kommun). Different ``stamp`` values give different bytes for the same data."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Länsrapport"
    ws.append(["Rapportnamn:", f"Länsrapport, {stamp}"])
    ws.append([gas_title])
    ws.append(["Enhet: ton/år"])
    ws.append([])
    ws.append([*SMHI_HEADER, *years])
    for sector, sub, lan, kommun, values in rows:
        ws.append([sector, sub, lan, kommun, *values])
    wb.properties.created = dt.datetime.fromisoformat(stamp.replace(" ", "T"))
    wb.properties.modified = wb.properties.created
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def small_smhi_rows(scale: float = 1.0) -> tuple[list[tuple[str, str, str, str, list[float]]], list[int]]:
    """Two kommuner of Dalarnas län with two sectors (one with a sub-sector), their totals, the
    län's and Sweden's: a consistent little table (t per year) for 1990 and 2019."""
    years = [1990, 2019]
    kommuner = {"Borlänge": (300_000.0, 250_000.0), "Falun": (200_000.0, 150_000.0)}
    rows = []
    lan_tot = [0.0, 0.0]
    for kommun, (a, b) in kommuner.items():
        tr = [a * 0.6 * scale, b * 0.6 * scale]
        ind = [a * 0.4 * scale, b * 0.4 * scale]
        tot = [x + y for x, y in zip(tr, ind, strict=True)]
        rows.append(("Alla", "Alla", "Dalarnas län", kommun, tot))
        rows.append(("Transporter", "Alla", "Dalarnas län", kommun, tr))
        rows.append(("Transporter", "Vägtrafik", "Dalarnas län", kommun, tr))
        rows.append(("Industri (energi + processer)", "Alla", "Dalarnas län", kommun, ind))
        lan_tot = [x + y for x, y in zip(lan_tot, tot, strict=True)]
    rows.insert(0, ("Alla", "Alla", "Dalarnas län", "Alla", lan_tot))
    rows.insert(0, ("Alla", "Alla", "Alla", "Alla", lan_tot))
    return rows, years


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    #: send the body one byte every ``trickle`` seconds (at most ``trickle_max_s`` seconds in all)
    trickle: float | None = None
    trickle_max_s: float = 20.0
    #: announce this many bytes but close the connection after the body (a cut-off transfer)
    declared_length: int | None = None
    hits: list[float] = field(default_factory=list)


class LoopbackServer:
    """An HTTP server on 127.0.0.1 in a thread; ``set(path, Route(...))`` decides its answers."""

    Route = Route

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args, **kwargs):  # quiet
                pass

            def do_GET(self):  # noqa: N802 (http.server's naming)
                route = routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_error(404)
                    return
                route.hits.append(time.monotonic())
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                length = route.declared_length if route.declared_length is not None else len(route.body)
                if route.trickle is not None:
                    length = max(length, 1_000_000)
                self.send_header("Content-Length", str(length))
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    if route.trickle is None:
                        self.wfile.write(route.body)
                        self.wfile.flush()
                        return
                    t_end = time.monotonic() + route.trickle_max_s
                    payload = route.body or b"x" * 1000
                    for byte in payload:
                        if time.monotonic() > t_end:
                            break
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.trickle)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    self.close_connection = True

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def set(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    server = LoopbackServer()
    yield server
    server.close()


@pytest.fixture
def smhi_fixture():
    """The workbook builders: ``smhi_fixture.workbook(rows, years, stamp=...)`` and
    ``smhi_fixture.small_rows(scale)``."""

    class _Builders:
        workbook = staticmethod(smhi_workbook)
        small_rows = staticmethod(small_smhi_rows)

    return _Builders
