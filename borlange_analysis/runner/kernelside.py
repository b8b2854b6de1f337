"""Run inside a report kernel, between reports (the runner's reset cell calls :func:`settle`).

The reset cell clears the kernel's namespace with IPython's ``%reset -f``, which ends with a full
garbage collection. In a warm kernel that collection walks every object of pandas, Matplotlib and
the library's caches (about half a second a report), and so does each automatic collection of the
oldest generation while a page is built. :func:`settle` moves what survives the reset (modules,
caches, the kernel's own objects) into the collector's permanent generation (:func:`gc.freeze`), so
later collections walk only what one report allocates. Frozen objects are still freed when their
last reference goes; only cycles among them would wait: every :data:`FULL_EVERY` reports they are
unfrozen and collected once, so nothing accumulates over a long run.
"""

from __future__ import annotations

import gc

#: Every this many reports, frozen objects are collected too.
FULL_EVERY = 25
_count = [0]


def settle() -> None:
    """After ``%reset -f``: freeze what survives (see the module docstring)."""
    _count[0] += 1
    if _count[0] % FULL_EVERY == 0:
        gc.unfreeze()
        gc.collect()
    gc.freeze()


#: The cell the runner runs before each report: a clean namespace, then :func:`settle`.
RESET_CELL = '%reset -f\n__import__("borlange_analysis.runner.kernelside", fromlist=["settle"]).settle()'
