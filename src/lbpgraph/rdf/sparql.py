"""SPARQL text: lbpgraph's prefixes, the .rq files it ships, and walking a parsed query.

Shipped queries (``lbpgraph/analysis/queries``) and rules (``lbpgraph/build/rules``) are .rq
files whose leading ``#`` comment says what they are for, written without PREFIX lines:
:func:`sparql_prologue` is prepended to them and to every user query. rdflib's parser and
algebra are imported only by :func:`walk`'s callers, never here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..core import vocab


def sparql_prologue() -> str:
    """PREFIX lines for every lbpgraph prefix, prepended to shipped and user queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in vocab.PREFIXES.items())


@dataclass(frozen=True)
class QueryFile:
    """One shipped .rq file: its name (without .rq), the lines of its leading comment, its text."""

    name: str
    comment: tuple[str, ...]
    text: str


def query_files(package: str, folder: str) -> list[QueryFile]:
    """The .rq files in ``folder`` of ``package``, in file-name order."""
    found = []
    for entry in sorted((resources.files(package) / folder).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            comment = tuple(ln[1:].strip() for ln in text.splitlines() if ln.startswith("#"))
            found.append(QueryFile(entry.name.removesuffix(".rq"), comment, text))
    return found


def walk(tree: Any, reverse: bool = False) -> Iterator[Any]:
    """Every node of a parsed query or its algebra (rdflib ``CompValue`` nodes, the lists,
    dicts and property paths inside them, and the terms at the leaves), depth first, each node
    before what it holds; ``reverse`` visits what a node holds last to first. Iterative, so a
    deeply nested query cannot exhaust Python's stack."""
    from pyparsing import ParseResults
    from rdflib.paths import Path
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (CompValue, dict)):
            children = list(node.values())
        elif isinstance(node, (list, tuple, set, frozenset, ParseResults)):
            children = list(node)
        elif isinstance(node, Path):
            children = list(vars(node).values())
        else:
            continue
        stack.extend(children if reverse else reversed(children))
