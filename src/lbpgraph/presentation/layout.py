"""Node positions for the graph page, computed in Python: deterministic and linear in size.

Force-directed layouts in NetworkX take minutes at 10,000 nodes (spring_layout: about 290 s
here), so the page uses two structural layouts instead:

- :func:`layered` for one claim's neighbourhood: articles | claim | sources by citation depth |
  curator evidence, with the claim's concepts in a band below;
- :func:`clustered` for the whole graph: articles on a circle, each claim on a sunflower spiral
  around the articles that make it, sources and concepts at the centroid of what links to them.

Both take a ``seed`` (it turns the spirals) and return integer coordinates, so the same input
always gives the same page.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable

Position = tuple[int, int]
_GOLDEN = math.pi * (3 - math.sqrt(5))
_CONCEPT_COLUMNS = {"intervention": 0, "mechanism": 1, "structure": 2, "condition": 3}


def _column(ids: list[str], x: float, dy: float, y0: float = 0.0) -> dict[str, Position]:
    return {n: (round(x), round(y0 + (i - (len(ids) - 1) / 2) * dy)) for i, n in enumerate(ids)}


def layered(kinds: dict[str, str], edges: Iterable[tuple[str, str, str]], root: str,
            order: dict[str, str], seed: int = 0) -> dict[str, Position]:
    """Left to right: articles, the claim, its sources by citation depth, curator evidence."""
    del seed  # the layered layout has no randomness; the parameter keeps one signature
    out_edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u, v, kind in edges:
        out_edges[u].append((v, kind))
    depth = {root: 0}
    frontier = [root]
    while frontier:
        nxt = []
        for u in frontier:
            for v, kind in sorted(out_edges[u]):
                if kind in ("cites", "chain") and v not in depth:
                    depth[v] = depth[u] + 1
                    nxt.append(v)
        frontier = nxt
    deepest = max(depth.values(), default=0)
    columns: dict[float, list[str]] = defaultdict(list)
    band: dict[int, list[str]] = defaultdict(list)
    for n, kind in kinds.items():
        if kind == "article":
            columns[-1].append(n)
        elif n in depth:
            columns[depth[n]].append(n)
        elif kind == "source":  # curator evidence
            columns[deepest + 1].append(n)
        else:
            band[_CONCEPT_COLUMNS.get(kind, 3)].append(n)
    positions: dict[str, Position] = {}
    for x, ids in columns.items():
        positions.update(_column(sorted(ids, key=lambda n: order[n]), x * 340, 95))
    tallest = max((len(ids) for ids in columns.values()), default=1)
    centre = (deepest + 0.5) * 340 / 2
    for row, ids in sorted(band.items()):  # one row per concept kind, spread sideways
        ids = sorted(ids, key=lambda n: order[n])
        y = tallest * 48 + 150 + row * 120
        positions.update({n: (round(centre + (i - (len(ids) - 1) / 2) * 250), round(y)) for i, n in enumerate(ids)})
    return positions


def clustered(kinds: dict[str, str], edges: Iterable[tuple[str, str, str]],
              order: dict[str, str], seed: int = 0) -> dict[str, Position]:
    """Articles on a circle; claims around their articles; everything else at its neighbours."""
    neighbours: dict[str, list[str]] = defaultdict(list)
    cited_by: dict[str, list[str]] = defaultdict(list)
    for u, v, kind in edges:
        neighbours[u].append(v)
        neighbours[v].append(u)
        if kind in ("cites", "chain", "evidence"):
            cited_by[v].append(u)
    by_kind: dict[str, list[str]] = defaultdict(list)
    for n in sorted(kinds, key=lambda n: order[n]):
        by_kind[kinds[n]].append(n)
    c = _Clusters(random.Random(seed), max(400.0, 26.0 * math.sqrt(len(kinds)) * 4))
    c.ring(by_kind["article"], 1.0)
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for claim in by_kind["claim"]:
        groups[tuple(sorted(a for a in neighbours[claim] if kinds.get(a) == "article"))].append(claim)
    for key in sorted(groups):
        c.spiral(groups[key], _centroid([c.pos[a] for a in key]) if key else (0.0, 0.0), 34.0)
    # sources in citation order: a source after the claims and sources that cite it
    remaining = by_kind["source"]
    for _ in range(8):
        waiting = c.place_near(remaining, cited_by)
        if not waiting or len(waiting) == len(remaining):
            remaining = waiting
            break
        remaining = waiting
    c.ring(remaining, 1.25)  # cited by nothing placed
    for kind in ("intervention", "mechanism", "structure", "condition"):
        c.ring(c.place_near(by_kind[kind], neighbours), 1.4)
    for n in kinds:  # anything of another kind
        c.pos.setdefault(n, (0.0, 0.0))
    return {n: (round(x), round(y)) for n, (x, y) in c.pos.items()}


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


class _Clusters:
    """Positions being placed: on rings around the centre, or on spirals around a point."""

    def __init__(self, rng: random.Random, radius: float) -> None:
        self.rng, self.radius = rng, radius
        self.pos: dict[str, tuple[float, float]] = {}

    def ring(self, members: list[str], scale: float) -> None:
        for i, n in enumerate(members):
            angle = 2 * math.pi * i / max(1, len(members))
            self.pos[n] = (scale * self.radius * math.cos(angle), scale * self.radius * math.sin(angle))

    def spiral(self, members: list[str], centre: tuple[float, float], spacing: float) -> None:
        phase = self.rng.uniform(0, 2 * math.pi)
        for i, n in enumerate(members):
            r = spacing * math.sqrt(i + 0.6)
            self.pos[n] = (centre[0] + r * math.cos(phase + i * _GOLDEN), centre[1] + r * math.sin(phase + i * _GOLDEN))

    def place_near(self, members: list[str], anchors_of: dict[str, list[str]]) -> list[str]:
        """Spiral each member around the centroid of its placed anchors; return the unplaced."""
        cells: dict[tuple[int, int], list[str]] = defaultdict(list)
        loose = []
        for n in members:
            anchors = [self.pos[x] for x in anchors_of[n] if x in self.pos]
            if anchors:
                c = _centroid(anchors)
                cells[(round(c[0] / 60), round(c[1] / 60))].append(n)
            else:
                loose.append(n)
        for cell in sorted(cells):
            self.spiral(cells[cell], (cell[0] * 60.0, cell[1] * 60.0), 30.0)
        return loose
