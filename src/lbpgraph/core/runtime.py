"""How lbpgraph runs Python: :func:`gc_paused`, for work that makes millions of objects that live
on, and :func:`drop_cached_views`, so that such objects go as soon as they are dropped."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Iterator
from typing import Any


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


def drop_cached_views(obj: Any) -> None:
    """Forget what :func:`functools.cached_property` keeps on ``obj``. NetworkX keeps a graph's
    views there (``g.nodes``, ``g.succ``, ``g.edges``), and each points back at the graph: a
    reference cycle, so a projection let go of (hundreds of MB at 1M triples) would stay until a
    full collection, and a pickled one would bring its cycle back with every load. The views are
    made again when next used."""
    cls = type(obj)
    for name in [n for n in vars(obj) if isinstance(getattr(cls, n, None), functools.cached_property)]:
        del obj.__dict__[name]
