"""The notebook catalogue: which report notebooks exist, how they fan out, which are built by default.

Adding a notebook is one entry here, one parameter spec in :mod:`borlange_analysis.params`, one
page module in :mod:`borlange_analysis.reporting` and the notebook itself. The runner reads
nothing else about a notebook: its parameters come from the spec, its title from the text
catalogues (``title_key``), its page content from its kernel.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from ..errors import UnknownValueError
from ..params import SPECS, Spec

#: Fan-out axes: one report per kommun, per (kommun, sector) or per (kommun, partner).
FANOUTS = ("kommun", "sector", "partner")


@dataclass(frozen=True)
class Entry:
    """One report notebook.

    ``files`` maps a language to the notebook file (in the notebooks folder) when the notebook's
    prose is written per language; otherwise every language uses ``<name>.ipynb``. ``measures``:
    the page shows measures, so the users' measures files (``data/measures/``) and the activity
    files of the kommun's partners are among its inputs (a change there rebuilds it).
    """

    name: str
    title_key: str
    fanout: str = "kommun"
    default: bool = True
    files: Mapping[str, str] = field(default_factory=dict)
    measures: bool = False

    def __post_init__(self) -> None:
        if self.fanout not in FANOUTS:
            raise ValueError(f"catalogue entry {self.name!r}: fan-out {self.fanout!r} is not one of {FANOUTS}")

    def notebook_file(self, language: str) -> str:
        return self.files.get(language, f"{self.name}.ipynb")


class Catalog:
    """An ordered set of entries with their parameter specs."""

    def __init__(self, entries: Iterable[Entry], specs: Mapping[str, Spec] | None = None):
        self.entries = {e.name: e for e in entries}
        self.specs = dict(specs if specs is not None else SPECS)
        missing = [n for n in self.entries if n not in self.specs]
        if missing:
            raise ValueError(f"catalogue entries without a parameter spec: {missing}")

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def names(self) -> list[str]:
        return list(self.entries)

    def default_set(self) -> list[str]:
        return [e.name for e in self if e.default]

    def get(self, name: str) -> Entry:
        if name not in self.entries:
            raise UnknownValueError("notebook", name, self.names())
        return self.entries[name]

    def spec(self, name: str) -> Spec:
        return self.specs[self.get(name).name]

    def with_entry(self, entry: Entry, spec: Spec) -> Catalog:
        """A copy with one more notebook (tests, or a project's own notebooks)."""
        return Catalog([*self, entry], {**self.specs, entry.name: spec})


CATALOG = Catalog(
    [
        Entry("overview", "page.overview.title", measures=True),
        Entry("sector", "page.sector.title", fanout="sector", measures=True),
        Entry("partner", "page.partner.title", fanout="partner", measures=True),
        Entry("carbon_budget", "page.carbon_budget.title"),
        Entry("carbon_sinks", "page.carbon_sinks.title", measures=True),
        Entry("measures", "page.measures.title", measures=True),
        Entry("peers", "page.peers.title"),
        Entry(
            "workshop_food_waste",
            "page.workshop.title",
            files={"sv": "workshop_food_waste.ipynb", "en": "workshop_food_waste.en.ipynb"},
        ),
    ]
)
