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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.errors import InvalidInput, Issue, UsageError

if TYPE_CHECKING:
    from .base import Store


@dataclass(frozen=True)
class Plugin:
    """A kind of store: the name a spec starts with, where its class is, whether it takes a
    location, and the settings its table in ``lbpgraph.toml`` may give (name -> type)."""

    name: str
    module: str
    cls: str
    located: bool  # "oxigraph:DIR", "sparql:URL"; "memory" takes none
    settings: dict[str, type] = field(default_factory=dict)


_PLUGINS: dict[str, Plugin] = {}
_WANTED = {str: "text", float: "a number of seconds above 0", bool: "true or false"}


def register(name: str, module: str, cls: str, located: bool, settings: dict[str, type] | None = None) -> None:
    """Make ``NAME`` (or ``NAME:LOCATION``) a store spec, served by ``module.cls``."""
    _PLUGINS[name] = Plugin(name, module, cls, located, settings or {})


register("memory", "lbpgraph.stores.memory", "MemoryStore", located=False)
register("oxigraph", "lbpgraph.stores.oxigraph", "OxigraphStore", located=True)
register("sparql", "lbpgraph.stores.sparql", "SparqlStore", located=True,  # dedicated: older versions', no longer needed
         settings={"update_url": str, "graph_store_url": str, "user": str, "password": str, "timeout": float,
                   "dedicated": bool})


def check_settings(kind: str, table: dict[str, Any], where: str) -> None:
    """Raise :class:`InvalidInput` naming ``where`` for each setting the ``[kind]`` table of the
    settings file may not give; the store's module is not imported."""
    known = _PLUGINS[kind].settings
    problems = []
    for key, value in sorted(table.items()):
        wanted = known.get(key)
        if wanted is None:
            problems.append(f"unknown setting {key!r} (known: {', '.join(sorted(known))})")
        elif not (type(value) is wanted or wanted is float and type(value) is int) or wanted is float and value <= 0:
            problems.append(f"{key}: {_WANTED[wanted]}, not {value!r}")
    if problems:
        raise InvalidInput([Issue(where, 1, f"[{kind}]", p) for p in problems], subject="the settings")


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
