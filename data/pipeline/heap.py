"""Garbage collection during a build.

The build holds large, long-lived Python structures (each vintage's cells, layouts and
equations, the share tables, the grids) while the protections against inference make
millions of small containers. With CPython's default thresholds the collector scans the
whole heap again and again (on the MEL demo: 8 full collections, about 1.5 s of CPU on a
loaded machine, nearly all inside the protections). During a build it collects young
objects less often, and the objects of the finished steps are frozen at each step's
start (`gc.freeze`), so that a collection scans only what the running step made; the
step that starts pays for one collection of what the last one made, so that its cycles
are not frozen. Reference counting still frees at once every object outside a cycle;
cycles among older objects that a later step releases wait for the end of the build,
when everything is unfrozen.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# objects allocated (net) between two collections of the young generation (default 700)
YOUNG_THRESHOLD = 50_000


@contextmanager
def long_lived(young: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Collect young objects every `young` allocations; unfreeze everything at the end."""
    previous = gc.get_threshold()
    gc.set_threshold(young, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        gc.unfreeze()


def keep() -> None:
    """Collect what the last step left in cycles (its objects alone: the steps before
    are frozen already), then leave everything made so far out of later collections
    (inside `long_lived`)."""
    gc.collect()
    gc.freeze()
