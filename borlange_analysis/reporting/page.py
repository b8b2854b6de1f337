"""A report page: what one notebook shows, computed in one call, displayed cell by cell.

Each page module (``overview``, ``sector``, ...) has ``build(p) -> Page`` taking the checked
parameters of :func:`borlange_analysis.params.validate`. The page holds its tables, charts and
sentences by name, its title, key line and key figures. The notebook shows them in order:
``page.header()``, ``page.heading("sectors")``, ``page.show("sectors")``, ... ``page.footer()``.

Everything shown is HTML made here (text escaped), so the exported page needs no scripts.
``page.footer()`` also hands the key line and key figures to the report runner as display data
of the MIME type :data:`KEY_MIME` (the runner reads and removes it; JupyterLab ignores it).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import config, i18n, methods_doc
from ..params import Checked
from .charts import Chart
from .tables import Table

KEY_MIME = config.KEY_DATA_MIME


class Html:
    """An HTML fragment that Jupyter displays (``_repr_html_``) and tests can read (``str``)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup

    def __repr__(self) -> str:
        return f"Html({self.markup[:60]!r}...)"


@dataclass
class Sentences:
    """Statements built from the numbers they describe (a bullet list on the page)."""

    name: str
    lines: list[str]

    def html(self) -> str:
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.lines)
        return f'<ul class="statements">{items}</ul>'


@dataclass
class Prose:
    """A paragraph of text (escaped), or a note in a box when ``note``."""

    name: str
    text: str
    note: bool = False

    def html(self) -> str:
        cls = ' class="note"' if self.note else ""
        return "".join(f"<p{cls}>{html.escape(par)}</p>" for par in self.text.split("\n\n") if par.strip())


#: The section of the method description each page follows (the English text's anchors, as GitHub
#: makes them; :func:`borlange_analysis.methods_doc.section_anchor` finds them in Swedish).
METHODS_SECTIONS = {
    "overview": "emissions-trends-and-the-carbon-law",
    "sector": "emissions-trends-and-the-carbon-law",
    "peers": "emissions-trends-and-the-carbon-law",
    "carbon_budget": "carbon-budgets",
    "carbon_sinks": "carbon-sinks",
    "measures": "measures-and-scenarios",
    "partner": "partners-emissions-scope-1-2-and-3",
    "workshop": "food-waste",
}


@dataclass
class Page:
    """The content of one report page (see the module docstring)."""

    p: Checked
    name: str
    title: str = ""
    subtitle: str = ""
    items: dict[str, Table | Chart | Sentences | Prose] = field(default_factory=dict)
    key_line: str = ""
    key_figures: dict[str, Any] = field(default_factory=dict)
    provenance: Table | None = None

    @property
    def language(self) -> str:
        return self.p.language

    def t(self, key: str, /, **fields: Any) -> str:
        """A text of this page's language (``page.<name>.`` keys may be given without the prefix)."""
        full = key if i18n.has(key, self.language) else f"page.{self.name}.{key}"
        return i18n.t(full, self.language, **fields)

    # --- building --------------------------------------------------------------------------------

    def add(self, item: Table | Chart | Sentences | Prose) -> None:
        if item.name in self.items:
            raise KeyError(f"page {self.name!r} already has an item {item.name!r}")
        self.items[item.name] = item

    def sentences(self, name: str, lines: Iterable[str]) -> None:
        self.add(Sentences(name, [s for s in lines if s]))

    def prose(self, name: str, text: str, *, note: bool = False) -> None:
        self.add(Prose(name, text, note=note))

    def tables(self) -> list[Table]:
        return [i for i in self.items.values() if isinstance(i, Table)]

    def charts(self) -> list[Chart]:
        return [i for i in self.items.values() if isinstance(i, Chart)]

    # --- display -----------------------------------------------------------------------------------

    def header(self) -> Html:
        """The page title and the line that says what the data are."""
        sub = f'<p class="subtitle">{html.escape(self.subtitle)}</p>' if self.subtitle else ""
        return Html(f"<h1>{html.escape(self.title)}</h1>{sub}")

    def heading(self, key: str, level: int = 2) -> Html:
        """A heading from the catalogue (``h.<key>`` of this page, or a full key)."""
        text = self.t(key if "." in key else f"h.{key}")
        return Html(f'<h{level} id="{html.escape(key)}">{html.escape(text)}</h{level}>')

    def heading_with(self, key: str, level: int = 2, **fields: Any) -> Html:
        """A heading from the catalogue with fields filled in (``h.<key>`` of this page)."""
        text = self.t(key if "." in key else f"h.{key}", **fields)
        return Html(f'<h{level} id="{html.escape(key)}">{html.escape(text)}</h{level}>')

    def text(self, key: str, /, **fields: Any) -> Html:
        """A paragraph from the catalogue, filled with this page's fields."""
        return Html(Prose(key, self.t(key, **{**self.fields(), **fields})).html())

    def metadata(self) -> dict[str, Any]:
        """What a researcher citing a CSV copy needs: report, kommun, release, gas basis, GWP,
        analysis year, parameters, package version and the checksum of the processed data."""
        from .. import __version__, data

        return {
            "report": self.name,
            "kommun": self.p.kommun,
            "kommun_code": self.p.kommun_code,
            "release": self.p.release,
            "gas": self.p.gas,
            "gwp": config.DEFAULTS.gwp_set,
            "current_year": self.p.current_year,
            "language": self.language,
            "parameters": {k: v for k, v in self.p.values.items() if k != "tables_dir"},
            "package_version": __version__,
            "data_sha256": data.data_sha256(),
            "publisher": "SMHI, Nationella emissionsdatabasen; see provenance.csv for every input",
        }

    def fields(self) -> dict[str, Any]:
        """Fields every text of the page may use."""
        return {
            "kommun": self.p.kommun,
            "lan": self.p.lan,
            "release": self.p.release,
            "current_year": self.p.current_year,
        }

    def _table_html(self, table: Table) -> str:
        link = ""
        if self.p.tables_dir is not None and not table.is_empty:
            table.write_csv(self.p.tables_dir, self.metadata())
            href = f"tables/{Path(self.p.tables_dir).name}/{table.name}.csv"
            link = f' · <a href="{html.escape(href)}">{html.escape(i18n.t("page.csv_link", self.language))}</a>'
        meta = html.escape(table.source) + link if table.source or link else ""
        meta_html = f'<p class="table-meta">{meta.lstrip(" ·")}</p>' if meta else ""
        note = f'<p class="table-note">{html.escape(table.note)}</p>' if table.note else ""
        return (
            f'<div class="table-wrap" id="tab-{html.escape(table.name)}">{table.html(self.language)}</div>'
            f"{note}{meta_html}"
        )

    def show(self, name: str) -> Html:
        """Display one item (table, chart, sentences, paragraph) by name."""
        if name not in self.items:
            raise KeyError(f"page {self.name!r} has no item {name!r}; it has {list(self.items)}")
        item = self.items[name]
        if isinstance(item, Table):
            return Html(self._table_html(item))
        return Html(item.html())

    def show_all(self, names: Iterable[str]) -> Html:
        """Display those of the named items the page has, in order (a page holds either a table or
        the sentence that says why there is none)."""
        return Html("".join(str(self.show(n)) for n in names if n in self.items))

    def methods_href(self) -> str:
        """Where the method description in this page's language is, seen from this page: the
        site's ``methods.html`` / ``methods.en.html`` (three folders up from
        ``<root>/<kommun>/<release>/<language>/``) on a built page, the checkout's
        ``docs/methods.sv.md`` / ``docs/methods.md`` in a notebook opened in ``notebooks/``; at the
        section this page follows (:mod:`borlange_analysis.methods_doc`)."""
        lang = self.language
        anchor = methods_doc.section_anchor(METHODS_SECTIONS.get(self.name, ""), lang)
        if self.p.tables_dir is not None:
            base = f"../../../{methods_doc.page_name(lang)}"
        else:
            base = f"../docs/{methods_doc.SOURCES[lang]}"
        return f"{base}#{anchor}" if anchor else base

    def methods_link(self) -> Html:
        """One line that sends the reader to the method description of this page's numbers."""
        href = self.methods_href()
        link = i18n.sentence_with_link("page.methods_link", "page.methods_link_text", self.language, href)
        return Html(f'<p class="methods-link">{link}</p>')

    def footer(self) -> Html:
        """The link to the method description and the provenance table (sources, releases,
        checksums, package version); hands the key data to the report runner."""
        self.publish_key_data()
        parts = [str(self.methods_link())]
        parts.append(f'<h2 id="provenance">{html.escape(i18n.t("page.h_provenance", self.language))}</h2>')
        if self.provenance is not None:
            parts.append(self._table_html(self.provenance))
        return Html("".join(parts))

    def key_data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "key_line": self.key_line,
            "key_figures": self.key_figures,
            "language": self.language,
            "notebook": self.name,
        }

    def publish_key_data(self) -> None:
        try:
            from IPython.display import display
        except ImportError:  # pragma: no cover - outside IPython
            return
        display({KEY_MIME: self.key_data(), "text/plain": ""}, raw=True)
