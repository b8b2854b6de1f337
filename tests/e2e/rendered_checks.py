"""What a reader would catch on a rendered report page, as checks a test can run on every page.

``page_problems(html, language)`` lists what is wrong with one page; ``csv_problems(path)`` with one
CSV copy. The word lists are maintained here: words that must not appear on a page of the other
language, and identifiers that must never reach a reader.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from bs4 import BeautifulSoup

#: English words that give away an untranslated string on a Swedish page (whole words, any case).
ENGLISH_ON_SV = {
    "the",
    "and",
    "of",
    "source",
    "sources",
    "missing",
    "verified",
    "never",
    "yes",
    "no",
    "estimate",
    "estimated",
    "emissions",
    "excluding",
    "grandfathering",
    "label",
    "detail",
    "preset",
    "spent",
    "current",
    "retrieved",
    "publisher",
    "unknown",
    "target",
    "targets",
    "remaining",
    "required",
    "runs",
    "sink",
    "sinks",
    "fact",
    "true",
    "false",
    "value",
    "share",
    "year",
    "sector",
    "levers",
    "lever",
    "not",
    "with",
    "without",
    "per capita",
    "trend in",
    "on track",
    "range",
    "method",
    "removal",
    "removals",
    "measure",
    "measures",
    "scenario",
    "baseline",
    "path",
    "pathway",
    "assumption",
    "illustrative",
    "see",
    "from",
    "to",
}
#: Swedish words that give away an untranslated string on an English page.
SWEDISH_ON_EN = {
    "och",
    "för",
    "från",
    "med",
    "utan",
    "utsläpp",
    "sektor",
    "sektorn",
    "okänd",
    "okänt",
    "saknas",
    "uppgift",
    "aldrig",
    "ja",
    "nej",
    "inte",
    "eller",
    "invånare",
    "alla",
    "sektorer",
    "källa",
    "antagande",
    "åtgärd",
    "åtgärder",
    "mål",
    "målår",
    "basår",
    "kvar",
    "budgeten",
    "trenden",
    "uppmätt",
    "uppskattat",
    "ton",
    "Transporter",
    "Industri",
    "fjärrvärme",
    "Jordbruk",
    "Avfall",
    "Arbetsmaskiner",
    "uppvärmning",
    "bostäder",
    "lokaler",
    "Produktanvändning",
    "lösningsmedel",
    "Utrikes",
    "skog",
    "skogen",
    "kolsänka",
    "tillväxt",
}
#: Swedish names that may stand on English pages (proper nouns, as the glossary allows).
ALLOWED_ON_EN = {"Nationella emissionsdatabasen", "Klimatneutrala städer 2030", "Koldioxidlagen", "Avfall Sverige"}
#: Column headers (both languages) whose cells are years.
YEAR_HEADERS = {
    "år",
    "year",
    "basår",
    "base year",
    "målår",
    "target year",
    "startår",
    "start year",
    "senaste år",
    "last year",
    "full effekt",
    "full effect",
}
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
_YEAR_AS_NUMBER = re.compile(
    r"(?<![\d.,])(?:1[\s\u00a0\u202f,]9\d\d|2[\s\u00a0\u202f,]0\d\d|(?:19|20)\d\d[,.]0)(?![\d])"
)
_BOOL = re.compile(r"\b(True|False)\b")


def visible_text(soup: BeautifulSoup) -> str:
    for tag in soup(["style", "script", "code"]):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def _words_found(text: str, words: set[str], allowed: set[str] = frozenset()) -> list[str]:
    for name in allowed:
        text = text.replace(name, " ")
    found = []
    for w in sorted(words):
        if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text, flags=re.IGNORECASE if w.islower() else 0):
            found.append(w)
    return found


#: The top-level (national) page of each language and the one of the other language it links to.
TOP_PAGES = {"sv": ("index.html", "index.en.html"), "en": ("index.en.html", "index.html")}


def page_problems(html: str, language: str, *, identifiers: set[str] = frozenset(), top: bool = False) -> list[str]:
    """Everything wrong with one page, as readable lines (empty when the page is fine).

    ``top``: the site's top-level page of ``language`` (``index.html`` or ``index.en.html``), which
    has no index above it: it must link to the other language's top-level page instead. Sortable
    tables (``table.sortable``) are checked by :func:`sortable_problems`."""
    problems: list[str] = []
    soup = BeautifulSoup(html, "html.parser")
    root = soup.find("html")
    if root is None or root.get("lang") != language:
        problems.append(f"html lang is {root.get('lang') if root else None!r}, expected {language!r}")
    title = soup.find("title")
    if title is None or not title.get_text(strip=True) or title.get_text(strip=True) == "Notebook":
        problems.append(f"missing or generic <title>: {title.get_text() if title else None!r}")
    if top:
        other = TOP_PAGES[language][1]
        if not soup.find("a", href=other):
            problems.append(f"the top-level page does not link to the other language's ({other})")
    elif not soup.find("a", href="index.html"):
        problems.append("no link back to index.html")
    for script in soup.find_all("script"):
        if script.get("src"):
            problems.append(f"script loaded from a file or the network: {script.get('src')}")
    problems += sortable_problems(soup)
    for img in soup.find_all("img"):
        alt = (img.get("alt") or "").strip()
        if not alt or "No description has been provided" in alt:
            problems.append(f"image without alt text: {str(img)[:80]}")
    for tag in soup.find_all(src=True) + soup.find_all(href=True):
        url = tag.get("src") or tag.get("href")
        if re.match(r"^(https?:)?//", str(url)):
            problems.append(f"external resource {url}")
    for table in soup.find_all("table"):
        body_rows = [tr for tr in table.find_all("tr") if tr.find("td")]
        if not body_rows:
            problems.append(f"table without rows: {table.get('id') or str(table)[:60]}")
        headers = [th.get_text(" ", strip=True).casefold() for th in table.find_all("th")]
        for tr in body_rows:
            cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for head, cell in zip(headers[-len(cells) :], cells, strict=False):
                if head.split(" (")[0] in YEAR_HEADERS and cell not in ("–", "") and not re.fullmatch(r"\d{4}", cell):
                    problems.append(f"year printed as a number in column {head!r}: {cell!r}")
                if _SNAKE.match(cell) or cell in identifiers:
                    problems.append(f"raw identifier as a cell value: {cell!r}")
    text = visible_text(soup)
    for m in _YEAR_AS_NUMBER.finditer(text):
        context = text[max(0, m.start() - 25) : m.end() + 10]
        if re.search(r"\d{4}[,.]0\b", m.group(0)) or re.search(r"(år|year|sedan|since|in|i)\s*$", text[: m.start()]):
            problems.append(f"year printed as a number: {context!r}")
    if _BOOL.search(text):
        problems.append(f"True/False shown to readers: {_BOOL.search(text).group(0)!r}")
    if language == "sv":
        found = _words_found(text, ENGLISH_ON_SV)
        if found:
            problems.append(f"English words on a Swedish page: {found}")
    else:
        found = _words_found(text, SWEDISH_ON_EN, ALLOWED_ON_EN)
        if found:
            problems.append(f"Swedish words on an English page: {found}")
    return problems


def sortable_problems(soup: BeautifulSoup) -> list[str]:
    """What is wrong with the page's sortable tables (``table.sortable``): every column heading is
    a button with its kind (``data-kind`` "number" or "text"), every row has one cell per column,
    every cell has its sort value (``data-value``), numbers where the column is numeric (empty =
    not available), and the table sorts by an inline script on the page, not a file or a CDN."""
    problems: list[str] = []
    tables = soup.find_all("table", class_="sortable")
    if tables and not any(s.string and "data-value" in s.string for s in soup.find_all("script") if not s.get("src")):
        problems.append("a sortable table without the inline script that sorts it")
    for table in tables:
        name = table.get("id") or "sortable table"
        heads = table.find("thead").find_all("th") if table.find("thead") else []
        if not heads:
            problems.append(f"{name}: no column headings")
        kinds = []
        for th in heads:
            kind = th.get("data-kind")
            if kind not in ("number", "text"):
                problems.append(f"{name}: heading {th.get_text(' ', strip=True)!r} has no data-kind number/text")
            if th.find("button") is None:
                problems.append(f"{name}: heading {th.get_text(' ', strip=True)!r} is not a button")
            kinds.append(kind)
        for tr in table.find("tbody").find_all("tr") if table.find("tbody") else []:
            cells = tr.find_all("td")
            if len(cells) != len(heads):
                problems.append(f"{name}: a row with {len(cells)} cells under {len(heads)} headings")
                continue
            for kind, td in zip(kinds, cells, strict=True):
                value = td.get("data-value")
                if value is None:
                    problems.append(f"{name}: cell {td.get_text(strip=True)!r} without a sort value")
                elif kind == "number" and value != "":
                    try:
                        float(value)
                    except ValueError:
                        problems.append(f"{name}: sort value {value!r} of a numeric column is not a number")
                elif kind == "number" and td.get_text(strip=True) not in ("–", ""):
                    problems.append(f"{name}: {td.get_text(strip=True)!r} shown without a sort value")
    return problems


#: CSV columns that must hold numbers only (by name or unit suffix).
_NUMERIC_SUFFIXES = (
    "_t",
    "_t_co2e",
    "_t_co2",
    "_pct",
    "_ha",
    "_share",
    "year",
    "_t_co2e_per_capita",
    "_sek",
    "_kg",
    "_per_yr",
    "value",
)


def csv_problems(path: Path) -> list[str]:
    """Non-numeric cells in numeric columns of a CSV copy (empty cells are allowed: not available)."""
    problems = []
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        return [f"{path.name}: empty file"]
    header = rows[0]
    numeric = [i for i, h in enumerate(header) if h.endswith(_NUMERIC_SUFFIXES) or f"_{h}".endswith(_NUMERIC_SUFFIXES)]
    for r, row in enumerate(rows[1:], start=2):
        for i in numeric:
            cell = row[i] if i < len(row) else ""
            if cell == "":
                continue
            try:
                float(cell)
            except ValueError:
                problems.append(f"{path.name}: row {r}, column {header[i]!r}: {cell!r} is not a number")
    return problems


def link_problems(page: Path, *, site: Path) -> list[str]:
    """Every link of a page that leads nowhere: a file inside the site that does not exist, or a
    ``#section`` the target page does not have (external links are :func:`page_problems`'s)."""
    from urllib.parse import unquote, urlsplit

    problems: list[str] = []
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    ids_of: dict[Path, set[str]] = {}
    for tag in soup.find_all(href=True) + soup.find_all(src=True):
        url = str(tag.get("href") or tag.get("src"))
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//") or url.startswith("data:"):
            continue
        target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
        if not target.is_relative_to(site.resolve()):
            problems.append(f"{url}: outside the site")
            continue
        if not target.is_file():
            problems.append(f"{url}: no such file")
            continue
        if parts.fragment and target.suffix == ".html":
            if target not in ids_of:
                doc = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
                ids_of[target] = {str(t["id"]) for t in doc.find_all(id=True)}
            # browsers match the fragment as written, then percent-decoded (HTML's "indicated part")
            if parts.fragment not in ids_of[target] and unquote(parts.fragment) not in ids_of[target]:
                problems.append(f"{url}: no section #{parts.fragment} in {target.name}")
    return problems
