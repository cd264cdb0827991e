"""Node positions for the graph page, computed in Python: deterministic and linear in size.

Force-directed layouts in NetworkX take minutes at 10,000 nodes (spring_layout: about 290 s
here), so the page uses two structural layouts instead:

- :func:`layered` for one claim's neighbourhood: articles | claim | sources by citation depth |
  curator evidence, with the claim's concepts in a band below;
- :func:`clustered` for the whole graph: each article with the claims only it makes packed around
  it, the clusters spaced so that none overlaps another or the middle; every shared claim, source
  and concept at the free place nearest to what links to it. Places are the cells of a grid wider
  than tall (labels are), so no two nodes share one.

Both take a ``seed`` (it turns the ring of clusters) and return integer coordinates, so the same
input always gives the same page.
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


CELL = (64.0, 44.0)  # canvas units between neighbouring places of the whole-graph layout
RING = 8  # up to this many articles sit on a ring; more fill a disc


def clustered(kinds: dict[str, str], edges: Iterable[tuple[str, str, str]],
              order: dict[str, str], seed: int = 0) -> dict[str, Position]:
    """Clusters of claims around their articles; everything else as near as it can be to what it links."""
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
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for claim in by_kind["claim"]:
        groups[tuple(sorted(a for a in neighbours[claim] if kinds.get(a) == "article"))].append(claim)
    own = {a: len(groups.get((a,), [])) for a in by_kind["article"]}
    middle = len(kinds) - len(by_kind["article"]) - sum(own.values())
    grid = _Grid()
    centres = _cluster_centres(by_kind["article"], own, middle, random.Random(seed))
    for a in by_kind["article"]:
        grid.near(a, centres[a])
        x, y = grid.pos[a]  # the row under an article is left free for its title
        grid.taken.update((round(x / CELL[0]) + i, round(y / CELL[1]) + 1) for i in range(-3, 4))
    for key in sorted(groups, key=lambda k: (len(k), k)):  # an article's own claims first, packed around it
        for claim in groups[key]:
            grid.near(claim, _centroid([centres[a] for a in key]) if key else (0.0, 0.0))
    remaining = by_kind["source"]  # in citation order: a source after what cites it
    for _ in range(8):
        waiting = grid.near_anchors(remaining, cited_by)
        if not waiting or len(waiting) == len(remaining):
            remaining = waiting
            break
        remaining = waiting
    for kind in ("intervention", "mechanism", "structure", "condition"):
        remaining += grid.near_anchors(by_kind[kind], neighbours)
    for n in remaining + sorted(n for n in kinds if n not in grid.pos):  # linked to nothing placed
        grid.near(n, (0.0, 0.0))
    return {n: (round(x), round(y)) for n, (x, y) in grid.pos.items()}


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def _cluster_centres(articles: list[str], own: dict[str, int], middle: int,
                     rng: random.Random) -> dict[str, tuple[float, float]]:
    """Where each article's cluster sits: far enough apart, and from the middle, to overlap nothing."""
    area = CELL[0] * CELL[1]
    radius = {a: math.sqrt(own[a] * area / math.pi) + CELL[0] for a in articles}
    phase = rng.uniform(0, 2 * math.pi)
    k = len(articles)
    if k <= 1:
        return {a: (0.0, 0.0) for a in articles}
    if k <= RING:
        core = math.sqrt(middle * area / math.pi)
        pairs = zip(articles, articles[1:] + articles[:1])
        ring = max(max((radius[a] + radius[b] + CELL[0]) / (2 * math.sin(math.pi / k)) for a, b in pairs),
                   max(radius.values()) + core + CELL[0])
        return {a: (ring * math.cos(phase + 2 * math.pi * i / k), ring * math.sin(phase + 2 * math.pi * i / k))
                for i, a in enumerate(articles)}
    spacing = (2 * max(radius.values()) + 2 * CELL[0]) / math.sqrt(math.pi) * 1.1 + math.sqrt(middle * area / k)
    return {a: (spacing * math.sqrt(i + 0.5) * math.cos(phase + i * _GOLDEN),
                spacing * math.sqrt(i + 0.5) * math.sin(phase + i * _GOLDEN)) for i, a in enumerate(articles)}


def _offsets(reach: int) -> list[tuple[int, int]]:
    """Grid steps from a cell, nearest first (in canvas units), up to ``reach`` cells away."""
    steps = [(i, j) for i in range(-reach, reach + 1) for j in range(-reach, reach + 1)]
    return sorted(steps, key=lambda s: ((s[0] * CELL[0]) ** 2 + (s[1] * CELL[1]) ** 2, math.atan2(s[1], s[0]), s))


class _Grid:
    """Places taken one node each; a node goes to the free place nearest to where it wants to be."""

    def __init__(self) -> None:
        self.pos: dict[str, tuple[float, float]] = {}
        self.taken: set[tuple[int, int]] = set()
        self.steps = _offsets(32)
        self.tried: dict[tuple[int, int], int] = {}  # from a cell, every step before this one is taken

    def near(self, n: str, point: tuple[float, float]) -> None:
        origin = (round(point[0] / CELL[0]), round(point[1] / CELL[1]))
        k = self.tried.get(origin, 0)
        while True:
            if k == len(self.steps):  # farther than ever: more steps, searched from the start
                self.steps, self.tried, k = _offsets(2 * math.isqrt(len(self.steps))), {}, 0
            cell = (origin[0] + self.steps[k][0], origin[1] + self.steps[k][1])
            if cell not in self.taken:
                break
            k += 1
        self.tried[origin] = k
        self.taken.add(cell)
        self.pos[n] = (cell[0] * CELL[0], cell[1] * CELL[1])

    def near_anchors(self, members: list[str], anchors_of: dict[str, list[str]]) -> list[str]:
        """Each member near the centroid of its placed anchors; return the members with none placed."""
        loose = []
        for n in members:
            anchors = [self.pos[x] for x in anchors_of[n] if x in self.pos]
            if anchors:
                self.near(n, _centroid(anchors))
            else:
                loose.append(n)
        return loose
