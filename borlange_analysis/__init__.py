"""borlange-analysis: Sweden's official greenhouse-gas statistics as per-sector and per-partner
climate reports for any kommun (default Borlänge, SCB code 2081).

Units travel with every number: emissions are t CO2e/yr (all greenhouse gases, GWP100 AR5, as in
SMHI's Nationella emissionsdatabasen) unless a column name says otherwise.

Importing the package is cheap: submodules load on first use (``ba.data``, ``ba.analysis.trends``,
...). The names of earlier versions (``ba.pathways``, ``borlange_analysis.budget``, ...) still work
and warn; ``CHANGELOG.md`` says where each moved.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import _deprecated

try:
    __version__ = version("borlange-analysis")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

#: Loading API re-exported at the top level: name -> module that defines it.
_EXPORTS = {
    "kommun_code": "data",
    "kommun_name": "data",
    "load_emissions": "data",
    "load_kommuner": "data",
    "load_population": "data",
    "load_regional_emissions": "data",
    "releases": "data",
}
_SUBMODULES = {
    "analysis",
    "config",
    "data",
    "errors",
    "ingest",
    "names",
    "partners",
    "reference",
    "reporting",
    "runner",
    "units",
}

__all__ = ["__version__", *_EXPORTS, *sorted(_SUBMODULES)]

_deprecated.install()


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _deprecated.MOVED:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
