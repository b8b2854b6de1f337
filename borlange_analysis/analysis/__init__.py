"""Analytics: pure functions from tables to tables and numbers (never sentences, never files).

Submodules load on first use: ``descriptives`` (shares, per capita, change, decomposition),
``trends`` (Klimatkollen trend, Carbon Law), ``budget`` (carbon budgets, the project's method),
``budget_klimatkollen`` (Klimatkollen's 2024 budget method), ``targets``, ``sinks``,
``facilities`` (EU ETS installations), ``ghg_accounting`` (scope 1/2/3), ``food_waste``,
``indicators`` (every indicator for all kommuner).
"""

from __future__ import annotations

import importlib
from typing import Any

_SUBMODULES = (
    "budget",
    "budget_klimatkollen",
    "descriptives",
    "facilities",
    "food_waste",
    "ghg_accounting",
    "indicators",
    "series",
    "sinks",
    "targets",
    "trends",
)
__all__ = list(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
