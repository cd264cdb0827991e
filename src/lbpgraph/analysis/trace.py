"""Trace a claim: the :class:`Trace` record, and finding the one claim a text designates.

A trace says where a claim is made, on what it rests, and where each citation chain ends; its
parts are the records of :mod:`.records`. :mod:`.chains` computes it over the projection. The
memory store's build computes every claim's trace once and keeps it, so finding and loading a
trace (this module) needs neither NetworkX nor rdflib, nor the records' classes at run time.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from ..core import vocab
from ..core.errors import AmbiguousClaim, ClaimNotFound

if TYPE_CHECKING:
    from ..stores.base import Store
    from .search import Hit
    from .records import (AppearanceRecord, ClaimRecord, CuratorEvidence, Distortions, Explanation,
                          StatedContraindication, TraceJSON, Verdict)

_COMPARED = 200  # characters of a query compared letter by letter (SequenceMatcher is quadratic)
_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def fold(text: str) -> str:
    """Case-, whitespace- and quote-style-insensitive form used to match claims."""
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip().casefold()


class ClaimIndex:
    """Claim ids with the text they can be found by: the statement and every quote."""

    def __init__(self, entries: Iterable[tuple[str, str, list[str]]]) -> None:
        self.entries = sorted(entries)
        self._folded = {cid: [fold(statement), *(fold(q) for q in quotes)]
                        for cid, statement, quotes in self.entries}
        self._statement = {cid: statement for cid, statement, _ in self.entries}

    def find(self, query: str, rank: Callable[[str], list[Hit]] | None = None) -> str:
        """Id of the one claim ``query`` designates: an id, the text of one statement or quote, or
        words that ``rank`` (see :meth:`lbpgraph.analysis.search.Search.rank`) finds one claim
        by, clearly ahead of the others.

        Raises :class:`AmbiguousClaim` when several claims match (best first, with why each
        matched) and :class:`ClaimNotFound` (with the closest candidates) when none does.
        """
        wanted = fold(query)
        if wanted in self._statement:
            return wanted
        if not any(ch.isalnum() for ch in wanted):  # punctuation alone ("(") names no claim
            raise ClaimNotFound(query, [])
        exact = [cid for cid, texts in self._folded.items() if texts[0].rstrip(".") == wanted.rstrip(".")]
        if len(exact) == 1:
            return exact[0]
        matches = [cid for cid, texts in self._folded.items() if any(wanted in t for t in texts)]
        if len(matches) == 1:
            return matches[0]
        hits = rank(query) if rank else []
        if matches:  # the text is in several: those, best ranked first
            order = {h.claim: i for i, h in enumerate(hits)}
            matches.sort(key=lambda cid: (order.get(cid, len(order)), cid))
            raise AmbiguousClaim(query, [(cid, self._statement[cid]) for cid in matches],
                                 {h.claim: h.why() for h in hits})
        from .search import clear, listed
        if hits and clear(hits):
            return hits[0].claim
        if hits:
            raise AmbiguousClaim(query, [(h.claim, h.statement) for h in listed(hits)], {h.claim: h.why() for h in hits})
        words = set(wanted.split())
        scored = sorted(((self._similarity(wanted[:_COMPARED], words, cid), cid) for cid in self._folded),
                        reverse=True)
        raise ClaimNotFound(query, [(cid, self._statement[cid]) for _, cid in scored[:5]])

    def _similarity(self, head: str, words: set[str], claim_id: str) -> float:
        """How close a query is to a claim's texts: the share of its ``words`` they hold, and the
        letters its ``head`` (first characters) shares with them."""
        best = 0.0
        for text in self._folded[claim_id]:
            overlap = len(words & set(text.split())) / max(len(words), 1)
            ratio = difflib.SequenceMatcher(None, head, text).ratio()
            best = max(best, 0.6 * overlap + 0.4 * ratio)
        return best


@dataclass
class Trace:
    """A traced claim; :mod:`lbpgraph.presentation.render` renders it as text or Markdown."""

    claim: ClaimRecord
    verdict: Verdict
    appearances: list[AppearanceRecord]
    curator_evidence: list[CuratorEvidence] = field(default_factory=list)
    contraindications: list[StatedContraindication] = field(default_factory=list)
    distortions: Distortions = field(default_factory=lambda: cast("Distortions", {}))
    explanation: list[Explanation] = field(default_factory=list)

    def to_json(self, explain: bool = True) -> TraceJSON:
        data: TraceJSON = {"claim": self.claim, "verdict": self.verdict, "appearances": self.appearances,
                           "curator_evidence": self.curator_evidence, "contraindications": self.contraindications,
                           "distortions": self.distortions}
        if explain:
            data["explanation"] = self.explanation
        return data

    @classmethod
    def from_json(cls, data: TraceJSON | dict[str, Any]) -> Trace:
        return cls(**data)


def as_id(query: str) -> str | None:
    """``query`` as a claim id would be written (folded), or None when it cannot be one."""
    wanted = fold(query)
    return wanted if vocab.ID_PATTERN.match(wanted) else None


def find_claim(store: Store, query: str, rank: Callable[[str], list[Hit]] | None = None) -> str:
    """The id of the claim ``query`` designates (see :meth:`ClaimIndex.find`), asking ``store``."""
    from ..rdf.sparql import sparql_prologue
    claim_ns = vocab.PREFIXES["claim"]
    wanted = as_id(query)
    if wanted:  # an id: one cheap lookup (ids need no escaping)
        typed = store.triple_patterns(f"<{claim_ns}{wanted}> a schema:Claim")
        if store.select_graphed(f"{sparql_prologue()}SELECT DISTINCT ?g1 WHERE {{ {typed} }}", 1):
            return wanted
    rows = store.select(sparql_prologue() + """
        SELECT ?claim ?statement ?quote WHERE {
          ?claim a schema:Claim ; schema:text ?statement .
          OPTIONAL { ?claim schema:appearance/oa:hasTarget/oa:hasSelector/oa:exact ?quote }
        }""")
    entries: dict[str, tuple[str, list[str]]] = {}
    for claim, statement, quote in rows:
        entry = entries.setdefault(claim["value"][len(claim_ns):], (statement["value"], []))
        if quote is not None:
            entry[1].append(quote["value"])
    return ClaimIndex((cid, st, sorted(quotes)) for cid, (st, quotes) in entries.items()).find(query, rank)
