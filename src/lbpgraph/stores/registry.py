"""Stores by name, imported only when first opened, as rdflib registers its plugins.

==================  ===========================================================================
spec                store
==================  ===========================================================================
``memory``          rdflib's in-memory Dataset, read from ``BUILD_DIR/graph.trig`` (default)
``oxigraph:DIR``    an Oxigraph database on disk, bulk-loaded; SPARQL answered by Oxigraph
``sparql:URL``      any SPARQL 1.1 server, filled by ``push``
==================  ===========================================================================

:func:`register` adds a kind of store by the module and class that implement it; nothing is
imported until :func:`open_store` (or :func:`store_class`) asks for that kind.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import UsageError

if TYPE_CHECKING:
    from .base import Store


@dataclass(frozen=True)
class Plugin:
    """A kind of store: the name a spec starts with, where its class is, whether it takes a location."""

    name: str
    module: str
    cls: str
    located: bool  # "oxigraph:DIR", "sparql:URL"; "memory" takes none


_PLUGINS: dict[str, Plugin] = {}


def register(name: str, module: str, cls: str, located: bool) -> None:
    """Make ``NAME`` (or ``NAME:LOCATION``) a store spec, served by ``module.cls``."""
    _PLUGINS[name] = Plugin(name, module, cls, located)


register("memory", "lbpgraph.stores.memory", "MemoryStore", located=False)
register("oxigraph", "lbpgraph.stores.oxigraph", "OxigraphStore", located=True)
register("sparql", "lbpgraph.stores.sparql", "SparqlStore", located=True)


def parse_spec(spec: str) -> tuple[str, str]:
    """``"oxigraph:db"`` -> ``("oxigraph", "db")``; raise :class:`UsageError` for anything else."""
    kind, _, where = spec.partition(":")
    plugin = _PLUGINS.get(kind)
    if plugin is not None and plugin.located == bool(where):
        return kind, where
    raise UsageError(f"unknown store '{spec}': use memory, oxigraph:DIR or sparql:URL")


def store_class(kind: str) -> type[Store]:
    """The class of a kind of store, imported now if it was not yet."""
    plugin = _PLUGINS[kind]
    return getattr(importlib.import_module(plugin.module), plugin.cls)  # type: ignore[no-any-return]


def open_store(spec: str, build_dir: Path, **settings: Any) -> Store:
    """The store a spec names, for a project whose build folder is ``build_dir``; ``settings``
    are a SPARQL server's (URLs of its endpoints, credentials, time limit). Opens nothing yet."""
    kind, location = parse_spec(spec)
    return store_class(kind).from_spec(location, build_dir, **settings)
