"""Module names of earlier versions, kept as deprecated aliases (see ``CHANGELOG.md``).

``import borlange_analysis.pathways`` (or ``ba.pathways``) still works: it returns the module's new
home, ``borlange_analysis.analysis.trends``, and emits a :class:`DeprecationWarning`.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

#: old name (below borlange_analysis) -> new module
MOVED = {
    "emissions": "borlange_analysis.analysis.descriptives",
    "pathways": "borlange_analysis.analysis.trends",
    "budget": "borlange_analysis.analysis.budget",
    "targets": "borlange_analysis.analysis.targets",
    "sinks": "borlange_analysis.analysis.sinks",
    "indicators": "borlange_analysis.analysis.indicators",
    "food_waste": "borlange_analysis.analysis.food_waste",
    "series": "borlange_analysis.analysis.series",
    "sources": "borlange_analysis.ingest.sources",
    "parsers": "borlange_analysis.ingest.parsers",
    "schemas": "borlange_analysis.ingest.schemas",
    "prepare": "borlange_analysis.ingest.prepare",
}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        return None


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Resolves ``borlange_analysis.<old name>`` to the module's new home, with a warning."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        prefix, _, name = fullname.rpartition(".")
        if prefix != "borlange_analysis" or name not in MOVED:
            return None
        warnings.warn(
            f"borlange_analysis.{name} moved to {MOVED[name]}; the old name will go in a later version",
            DeprecationWarning,
            stacklevel=2,
        )
        return importlib.util.spec_from_loader(fullname, _AliasLoader(MOVED[name]))


def install() -> None:
    """Register the alias finder once per process."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.append(_AliasFinder())
