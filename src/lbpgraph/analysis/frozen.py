"""The kept projection read without NetworkX: for the graph page of one claim, which needs only
a node's record and its neighbours, and starts in a fraction of the time that importing NetworkX
takes (a tenth of a second, twice what the rest of the command costs on a small corpus).

:func:`load_frozen` unpickles the projection a build keeps (a ``networkx.DiGraph``) into a
:class:`FrozenGraph`, which answers the part of the DiGraph interface that
:mod:`lbpgraph.analysis.records` and the graph page use: ``g.nodes[n]``, ``g.nodes(data=True)``,
``g.successors(n)``, ``g.predecessors(n)``, ``g.edges[u, v]`` and ``g.graph``. It reads the
DiGraph's own state (``graph``, ``_node``, ``_succ``, ``_pred``); anything else in the pickle
that names a NetworkX class is not loaded. When the pickle holds anything it does not expect (a
NetworkX version that keeps its state otherwise), it raises :class:`ValueError` and the caller
loads the projection with NetworkX.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterator
from typing import Any

_GRAPH = ("networkx.classes.digraph", "DiGraph")
_VIEWS = ("networkx.classes.reportviews", "networkx.classes.coreviews")  # views NetworkX cached on the graph


class FrozenGraph:
    """A read-only directed graph over the state of a pickled ``networkx.DiGraph``."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        try:
            self.graph, self._node, self._succ, self._pred = (state["graph"], state["_node"], state["_succ"],
                                                              state["_pred"])
        except KeyError as exc:
            raise ValueError(f"not the state of a DiGraph: no {exc}") from None

    @property
    def nodes(self) -> _Nodes:
        return _Nodes(self._node)

    @property
    def edges(self) -> _Edges:
        return _Edges(self._succ)

    def successors(self, n: str) -> Iterator[str]:
        return iter(self._succ[n])

    def predecessors(self, n: str) -> Iterator[str]:
        return iter(self._pred[n])


class _Nodes:
    def __init__(self, nodes: dict[str, dict[str, Any]]) -> None:
        self._nodes = nodes

    def __getitem__(self, n: str) -> dict[str, Any]:
        return self._nodes[n]

    def __contains__(self, n: object) -> bool:
        return n in self._nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def __call__(self, data: bool = False) -> Any:
        return iter(self._nodes.items()) if data else iter(self._nodes)


class _Edges:
    def __init__(self, succ: dict[str, dict[str, dict[str, Any]]]) -> None:
        self._succ = succ

    def __getitem__(self, edge: tuple[str, str]) -> dict[str, Any]:
        u, v = edge
        return self._succ[u][v]


class _Ignored:
    """A cached NetworkX view in the pickle: rebuilt on demand by NetworkX, not needed here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        pass


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == _GRAPH:
            return FrozenGraph
        if module in _VIEWS:
            return _Ignored
        if module.startswith("networkx"):
            raise ValueError(f"unexpected {module}.{name} in the projection")
        return super().find_class(module, name)


def load_frozen(data: bytes) -> FrozenGraph:
    """The pickled projection ``data`` as a :class:`FrozenGraph` (ValueError when it is not a
    DiGraph pickled as :func:`load_frozen` expects)."""
    try:
        graph = _Unpickler(io.BytesIO(data)).load()
    except (pickle.UnpicklingError, AttributeError, TypeError, EOFError) as exc:
        raise ValueError(f"the projection does not read without NetworkX: {exc}") from None
    if not isinstance(graph, FrozenGraph) or not hasattr(graph, "_node"):
        raise ValueError("the projection is not a DiGraph")
    return graph
