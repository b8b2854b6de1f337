"""Clear errors for bad input: they name the bad value and list the valid choices."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Casefold and strip accents: 'Borlänge' -> 'borlange'."""
    norm = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in norm if not unicodedata.combining(c)).casefold().strip()


def nearest(value: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """The valid choices closest to ``value`` (accent- and case-insensitive)."""
    choices = [str(c) for c in choices]
    folded: dict[str, str] = {}
    for c in choices:
        folded.setdefault(fold(c), c)
    hits = difflib.get_close_matches(fold(value), list(folded), n=n, cutoff=0.6)
    return [folded[h] for h in hits]


class BorlangeError(Exception):
    """Base class for the package's own errors."""

    def _render_traceback_(self) -> list[str]:
        """In a notebook (IPython), show the message only, not a traceback: these errors are about
        the user's input or data, and the message says what is wrong and what is valid."""
        return [str(self)]


class UnknownValueError(BorlangeError, ValueError):
    """An unknown kommun, sector, release, year, partner, method, ...

    The message names the bad value, suggests the nearest valid ones and lists the valid ones.
    """

    def __init__(self, kind: str, value: object, choices: Iterable[object], *, max_list: int = 40):
        self.kind = kind
        self.value = value
        self.choices = [str(c) for c in choices]
        suggestions = nearest(str(value), self.choices)
        msg = f"Unknown {kind} {value!r}."
        if suggestions:
            msg += " Did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        shown = self.choices[:max_list]
        more = "" if len(self.choices) <= max_list else f", ... ({len(self.choices)} in all)"
        msg += f" Valid {kind} values: " + ", ".join(shown) + more
        self.suggestions = suggestions
        super().__init__(msg)


class DataFileError(BorlangeError, ValueError):
    """A raw or processed data file is missing or malformed (names file, row, column, value)."""


class FetchError(BorlangeError, RuntimeError):
    """A download or mirror copy failed (names the source, the URL and what to do)."""


class ParameterError(BorlangeError, ValueError):
    """A bad numeric or option parameter (negative budget, carbon fraction above 1, ...)."""
