"""How lbpgraph runs Python: :func:`gc_paused`, for work that makes millions of objects that live on."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a block (or, as ``@gc_paused()``, a function)
    that makes millions of objects that all live on: a build, reading a kept projection,
    rendering the whole graph. Each full collection walks every live object again, and one runs
    each time the heap grows by a quarter: at 1M triples that cost a build about 3 s of CPU and
    doubled a report. Such work makes no reference cycles worth collecting early (a build's
    peak memory is the same either way); the collector is on again after it, if it was before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
