"""GraphML and GEXF of the NetworkX projection, for Gephi, Cytoscape and yEd.

Both formats hold only scalar attributes of one type per key, and no None: the projection's
attributes are flattened first (:func:`flat_graph`). A dict becomes one key per entry
(``speaker`` -> ``speaker_name``, ``speaker_role``, ...); a list of scalars becomes one string
joined with ``"; "``; a list of dicts (a derivation's rule and premises) becomes its JSON; a date
its ISO form; a node's kind or an edge's rel (an enum) its value; None is left out. A key that
would hold two types across the file holds strings (ints and floats together become floats).
Names the formats reserve are renamed (``id`` -> ``lbp_id``, an appearance's ``start``/``end``
-> ``quote_start``/``quote_end``), and every node and edge gets a ``label``. Nodes keep their
IRIs as ids.

NetworkX writes both (GraphML with its plain-XML writer, whatever else is installed); GEXF's
"last modified" date is the export's date, so the same data gives the same bytes.
"""

from __future__ import annotations

import datetime
import enum
import io
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from . import Export

RENAMED = {"id": "lbp_id", "start": "quote_start", "end": "quote_end", "label": "label",
           "pid": "lbp_pid", "viz": "lbp_viz", "weight": "lbp_weight", "key": "lbp_key"}
_SCALARS = (bool, int, float, str)


def _flatten(key: str, value: Any, out: dict[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for k in sorted(value):
            _flatten(f"{key}_{k}", value[k], out)
    elif isinstance(value, (list, tuple)):
        if all(isinstance(x, _SCALARS) for x in value):
            out[key] = "; ".join(str(x) for x in value)
        else:
            out[key] = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    elif isinstance(value, (datetime.date, datetime.datetime)):
        out[key] = value.isoformat()
    elif isinstance(value, enum.Enum):  # NodeKind, Rel: the plain string
        out[key] = value.value
    elif isinstance(value, _SCALARS):
        out[key] = value
    else:
        out[key] = str(value)


def _label(d: dict[str, Any]) -> str:
    kind = d.get("kind")
    text = {"claim": d.get("statement"), "appearance": d.get("quote"), "article": d.get("title"),
            "offer": d.get("name"), "citation": d.get("marker") or d.get("mode"),
            "contraindication": f"{d.get('intervention')} × {d.get('condition')} ({d.get('severity')})",
            "missing-warning": f"missing warning: {d.get('intervention')} × {d.get('condition')}"}.get(kind)
    return str(d.get("label") or text or f"{kind} {d.get('id')}")


def _flat(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in sorted(d):
        _flatten(RENAMED.get(key, key), d[key], out)
    return out


def _unify(items: list[dict[str, Any]]) -> None:
    """One type per key across ``items`` (in place): strings where types differ, floats for
    ints mixed with floats."""
    types: dict[str, set[type]] = {}
    for attrs in items:
        for k, v in attrs.items():
            types.setdefault(k, set()).add(type(v))
    for k, ts in types.items():
        if len(ts) < 2:
            continue
        to = float if ts == {int, float} else str
        for attrs in items:
            if k in attrs:
                v = attrs[k]
                attrs[k] = float(v) if to is float else ("true" if v is True else "false" if v is False else str(v))


def flat_graph(g: nx.DiGraph) -> nx.DiGraph:
    """A copy of the projection ``g`` that GraphML and GEXF can hold, nodes and edges sorted."""
    import networkx as nx
    nodes = {n: {**_flat(d), "label": _label(d)} for n, d in sorted(g.nodes(data=True))}
    edges = {(u, v): {**_flat(d), "label": str(d.get("rel", ""))} for u, v, d in sorted(g.edges(data=True))}
    _unify(list(nodes.values()))
    _unify(list(edges.values()))
    flat = nx.DiGraph()
    for n, attrs in nodes.items():
        flat.add_node(n, **dict(sorted(attrs.items())))
    for (u, v), attrs in edges.items():
        flat.add_edge(u, v, **dict(sorted(attrs.items())))
    return flat


def graphml(export: Export) -> bytes:
    import networkx as nx
    buffer = io.BytesIO()
    nx.write_graphml_xml(flat_graph(export.projection()), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def gexf(export: Export) -> bytes:
    from networkx.readwrite.gexf import GEXFWriter
    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.set("lastmodifieddate", export.date.date().isoformat())
    writer.add_graph(flat_graph(export.projection()))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
