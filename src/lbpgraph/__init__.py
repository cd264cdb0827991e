"""lbpgraph: what web articles about low back pain claim, on what they rest, and whether the
studies they cite really say it.

The public API is imported lazily, so ``import lbpgraph`` stays cheap::

    from lbpgraph import Project
    from lbpgraph.presentation.render import trace_text
    project = Project("data", "build")
    print(trace_text(project.trace("backward walking reduces low back pain")))
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "AmbiguousClaim", "ClaimNotFound", "InvalidInput", "Issue", "LbpgraphError", "Project",
    "QueryRefused", "QueryTimeout", "Trace", "__version__", "load_corpus",
]

_LAZY = {
    "Project": "lbpgraph.project",
    "Trace": "lbpgraph.analysis.trace",
    "load_corpus": "lbpgraph.model.corpus",
    **{name: "lbpgraph.core.errors" for name in (
        "AmbiguousClaim", "ClaimNotFound", "InvalidInput", "Issue", "LbpgraphError",
        "QueryRefused", "QueryTimeout")},
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lbpgraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
