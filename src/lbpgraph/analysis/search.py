"""Find claims by words a reader would use: Okapi BM25 over what each claim is found by.

A claim is found by its statement, its quotes, its concepts (their labels, other names and
search words: skos:prefLabel, altLabel, hiddenLabel), the sources its citation chains reach
(authors, title, venue) and the articles it appears in (title, authors, site). Each of these is a
*field*, ranked on its own with BM25 (the ``bm25s`` library) and weighted (:data:`FIELDS`); a
claim's score is the weighted sum. A query phrase that is another name of a concept ("retro
walking", "LBP") also looks for the concept's preferred label ("backward walking", "low back
pain") at :data:`SYNONYM_WEIGHT`.

:func:`documents` prepares every field's terms once per build, from the projection and the traces
(kept beside the traces as ``search.json``); :class:`Search` ranks them, so a search needs neither
NetworkX nor rdflib, and imports ``bm25s`` (and with it NumPy) only when it ranks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypedDict

from ..core import vocab
from .records import NodeKind, Rel

if TYPE_CHECKING:
    import networkx as nx

    from .records import CitationRecord, TraceJSON

# How much a match in each field counts, and how a claim's items in it combine: the best item
# (one quote or source is enough) or all of them (a claim is about several concepts at once).
FIELDS: dict[str, tuple[float, str]] = {
    "statement": (1.0, "best"), "concept": (0.8, "sum"), "quote": (0.6, "best"),
    "source": (1.0, "best"), "article": (0.3, "best"), "basis": (0.3, "best")}
SYNONYM_WEIGHT = 1.0   # terms a query gains from the other names of a concept it names
OTHER_INTERVENTION = 0.5  # a query names an intervention: claims about only others count this much
CLEAR_RATIO = 1.5      # the first claim is a clear match when it scores this many times the second
LISTED_SHARE = 0.3     # a list shows the claims scoring at least this share of the first

# Words that say nothing about which claim is meant (function words of English questions).
STOPWORDS = frozenset("""
a an the of to in on at for from by with and or but is are was were be been being it its it's s t
that this these those as than then do does did doing done can could will would should shall may might
must i me my mine you your yours we us our they them their he him his she her what which who whom
whose how why when where there here if about into onto so such some any someone something anyone
have has had having get gets got make makes made really very just also too true
all each every both either neither other others own
""".split())


class Item(TypedDict):
    """One thing a field matches: what it shows, its terms, and the claims it finds. A concept
    also has ``names``: it matches only a query that names it (holds one of them as a phrase),
    so that 'walking' alone does not find 'back walking'."""

    text: str
    terms: list[str]
    claims: list[str]
    names: list[list[str]]
    within: list[str]  # an intervention: its id, then those of the interventions broader than it


class Synonym(TypedDict):
    """A concept's other name (its terms) and the terms of its preferred label."""

    phrase: list[str]
    adds: list[str]
    label: str


class SearchDocuments(TypedDict):
    claims: dict[str, str]  # id -> statement
    fields: dict[str, list[Item]]
    synonyms: list[Synonym]


# --- terms -----------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_AMERICAN = re.compile(r"(?<=i)z(?=e|es|ed|ing|ation|ations)\b")  # stabilization -> stabilisation


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer  # PyStemmer: the Snowball English stemmer, in C
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """The words of ``text`` that can tell claims apart: lower case, no function words."""
    folded = text.casefold().replace("\u2019", "'")
    return [w for w in _WORD.findall(folded.replace("'", "")) if w not in STOPWORDS]


def stem(word: str) -> str:
    """The term a word is matched by: its Snowball stem, British and American spellings alike."""
    return str(_stemmer().stemWord(_AMERICAN.sub("s", word)))


def terms(text: str) -> list[str]:
    """The terms of ``text`` (see :func:`words` and :func:`stem`)."""
    return [stem(w) for w in words(text)]


# --- the documents, prepared at build time ------------------------------------------------------

def documents(g: nx.DiGraph, traces: dict[str, TraceJSON] | dict[str, Any]) -> SearchDocuments:
    """Every field's items for the claims of a projection and their traces (JSON, deterministic)."""
    fields: dict[str, dict[str, Item]] = {name: {} for name in FIELDS}

    def add(field: str, key: str, text: str, found_by: list[str], claim: str) -> None:
        item = fields[field].get(key)
        if item is None:
            names = [n for n in (terms(x) for x in found_by) if n] if field == "concept" else []
            item = fields[field][key] = {"text": text, "terms": [t for s in found_by for t in terms(s)],
                                         "claims": [], "names": names, "within": within.get(key, [])}
        if claim not in item["claims"]:
            item["claims"].append(claim)

    concepts = _concepts(g)
    within = _interventions(g)
    by_label = {(d["scheme"], d["label"]): n for n, d in g.nodes(data=True) if d.get("kind") == NodeKind.CONCEPT}
    for claim_id in sorted(traces):
        t = traces[claim_id]
        add("statement", claim_id, t["claim"]["statement"], [t["claim"]["statement"]], claim_id)
        for key in _claim_concepts(g, claim_id, by_label):
            label, names = concepts[key]
            add("concept", key, label, names, claim_id)
        for a in t["appearances"]:
            add("quote", a["id"], a["quote"], [a["quote"]], claim_id)
            if a["basis"]:
                basis = vocab.BASES.term(a["basis"])
                add("basis", basis.notation, basis.label, [basis.label, basis.definition], claim_id)
            article = a["article"]
            add("article", article["id"], article["title"] or article["id"],
                [article["title"] or "", *article["authors"], article["site"] or "", article["publisher"] or ""],
                claim_id)
            for source in _chain_sources(a["citations"]):
                add("source", source["id"], source["label"],
                    [source["label"], source["authors"] or "", source["title"] or "", source["venue"] or ""], claim_id)
    return {"claims": {cid: traces[cid]["claim"]["statement"] for cid in sorted(traces)},
            "fields": {name: [i for _, i in sorted(items.items()) if i["terms"]] for name, items in fields.items()},
            "synonyms": _synonyms(g)}


def _concepts(g: nx.DiGraph) -> dict[str, tuple[str, list[str]]]:
    """Concept IRI -> (label, every label it is found by)."""
    return {n: (d["label"], [d["label"], *d["alt_labels"], *d["hidden_labels"]])
            for n, d in g.nodes(data=True) if d.get("kind") == NodeKind.CONCEPT}


def _interventions(g: nx.DiGraph) -> dict[str, list[str]]:
    """Intervention IRI -> its id, then the ids of every intervention broader than it."""
    broader = {d["id"]: d["broader"] for _, d in g.nodes(data=True)
               if d.get("kind") == NodeKind.CONCEPT and d["scheme"] == "intervention"}
    found = {}
    for n, d in g.nodes(data=True):
        if d.get("kind") == NodeKind.CONCEPT and d["scheme"] == "intervention":
            seen, stack = set(), [d["id"]]
            while stack:
                cid = stack.pop()
                if cid not in seen:
                    seen.add(cid)
                    stack.extend(broader.get(cid, []))
            found[n] = [d["id"], *sorted(seen - {d["id"]})]
    return found


def _claim_concepts(g: nx.DiGraph, claim_id: str, by_label: dict[tuple[str, str], str]) -> list[str]:
    """The concepts a claim is about: interventions and mechanisms by their edges, and those of
    the contraindications it states; outcome, population and conditions by their labels in their
    schemes (``by_label``)."""
    iri = vocab.PREFIXES["claim"] + claim_id
    c = g.nodes[iri]
    found = [v for v in g.successors(iri) if g.edges[iri, v]["rel"] in (Rel.ABOUT, Rel.INVOKES)]
    found += [x for ci in g.successors(iri) if g.edges[iri, ci]["rel"] == Rel.STATES for x in g.successors(ci)]
    wanted = [("outcome", c["outcome"]), ("population", c["population"]), *(("condition", x) for x in c["conditions"])]
    found += [by_label[key] for key in wanted if key in by_label]
    return sorted(set(found))


def _chain_sources(citations: list[CitationRecord]) -> Iterator[dict[str, Any]]:
    """Every identified source a list of citations reaches, down their chains (an unidentified one
    has no authors or title of its own: its label names the source that cites it)."""
    for c in citations:
        source: Any = c["source"]
        if source is not None:
            if source["identified"]:
                yield source
            yield from _chain_sources(source.get("citations", []))


def _synonyms(g: nx.DiGraph) -> list[Synonym]:
    """Each other name of a concept, with the terms of the concept's label (its words before
    any parenthesis: 'walking (any direction)' adds 'walking')."""
    found: list[Synonym] = []
    for _, d in sorted(g.nodes(data=True), key=lambda nd: str(nd[0])):
        if d.get("kind") != NodeKind.CONCEPT:
            continue
        adds = terms(d["label"].split(" (")[0])
        for name in d["alt_labels"]:
            phrase = terms(name)
            if phrase and set(adds) - set(phrase):
                found.append({"phrase": phrase, "adds": adds, "label": d["label"].split(" (")[0]})
    return found


# --- ranking ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    """Why a claim was found: a field, what in it matched, and the reader's words it matched."""

    field: str
    text: str
    words: list[str]


@dataclass(frozen=True)
class Hit:
    """A claim found by a search, its score and why."""

    claim: str
    statement: str
    score: float
    matches: list[Match]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.claim, "statement": self.statement, "score": self.score,
                "matched": [{"field": m.field, "text": m.text, "words": m.words} for m in self.matches]}

    def why(self) -> str:
        """Each field that matched with the reader's words it matched, then the other names read
        as a concept's label, once: "statement: walking; concept 'backward walking': retro,
        walking; read retro walking = backward walking"."""
        parts, names = [], []
        for m in self.matches:
            own = [w for w in m.words if " = " not in w]
            names += [w for w in m.words if " = " in w and w not in names]
            shown = ", ".join(own) or "its other name"
            parts.append(f"statement: {shown}" if m.field == "statement" else f"{m.field} {_short(m.text)!r}: {shown}")
        return "; ".join(parts + ([f"read {', '.join(names)}"] if names else []))


def _short(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "\u2026"


class Search:
    """Ranks the claims of a build's :func:`documents` by the words of a query."""

    def __init__(self, docs: SearchDocuments) -> None:
        self.docs = docs
        self._indexes: dict[str, Any] = {}

    def _index(self, field: str) -> Any:
        if field not in self._indexes:
            import bm25s
            index = bm25s.BM25()
            index.index([item["terms"] for item in self.docs["fields"][field]], show_progress=False)
            self._indexes[field] = index
        return self._indexes[field]

    def _query(self, query: str) -> tuple[list[str], dict[str, str], dict[str, str]]:
        """The query's terms in order, its own terms and the terms its synonyms add, each with
        the words shown for it."""
        shown = words(query)
        sequence = [stem(w) for w in shown]
        own: dict[str, str] = {}
        for term, word in zip(sequence, shown):
            own.setdefault(term, word)
        added: dict[str, str] = {}
        for s in self.docs["synonyms"]:
            at = _at(sequence, s["phrase"])
            if at is not None:
                for term in s["adds"]:
                    if term not in own:
                        added.setdefault(term, f"{' '.join(shown[at:at + len(s['phrase'])])} = {s['label']}")
        return sequence, own, added

    def _field_scores(self, field: str, own: dict[str, str], added: dict[str, str]) -> list[float]:
        index = self._index(field)
        scores = [0.0] * len(self.docs["fields"][field])
        for wanted, weight in ((own, 1.0), (added, SYNONYM_WEIGHT)):
            known = [t for t in wanted if t in index.vocab_dict]
            if known:
                for i, s in enumerate(index.get_scores(known).tolist()):
                    scores[i] += weight * s
        return scores

    def rank(self, query: str, limit: int | None = None) -> list[Hit]:
        """Claims that share a term with ``query``, best first (ties by id), each with why."""
        sequence, own, added = self._query(query)
        if not own:
            return []
        total: dict[str, float] = {}
        why: dict[str, list[Match]] = {}
        for field, (weight, combine) in FIELDS.items():
            scores = self._field_scores(field, own, added)
            best: dict[str, tuple[float, int]] = {}
            for i, item in enumerate(self.docs["fields"][field]):
                if scores[i] <= 0 or (item["names"] and not any(_holds(sequence, n) for n in item["names"])):
                    continue
                for claim in item["claims"]:
                    if combine == "sum":
                        total[claim] = total.get(claim, 0.0) + weight * scores[i]
                        why.setdefault(claim, []).append(self._match(field, item, own, added))
                    elif scores[i] > best.get(claim, (0.0, -1))[0]:
                        best[claim] = (scores[i], i)
            for claim, (score, i) in best.items():
                total[claim] = total.get(claim, 0.0) + weight * score
                why.setdefault(claim, []).append(self._match(field, self.docs["fields"][field][i], own, added))
        for claim in self._off_topic(sequence, total):
            total[claim] *= OTHER_INTERVENTION
        hits = sorted(((round(s, 6), c) for c, s in total.items()), key=lambda x: (-x[0], x[1]))
        return [Hit(c, self.docs["claims"][c], s, _ordered(why[c])) for s, c in hits[:limit]]

    def _off_topic(self, sequence: list[str], found: dict[str, float]) -> set[str]:
        """The claims found that are about other interventions only, when the query names one:
        an intervention is another when it is neither named, nor narrower or broader than one
        named (backward locomotion covers backward walking; back walking does not)."""
        interventions = [i for i in self.docs["fields"]["concept"] if i["within"]]
        named = [i["within"] for i in interventions if any(_holds(sequence, n) for n in i["names"])]
        if not named:
            return set()
        broader = {cid for within in named for cid in within}
        on_topic: set[str] = set()
        about: set[str] = set()
        for i in interventions:
            about.update(i["claims"])
            if i["within"][0] in broader or any(w[0] in i["within"] for w in named):
                on_topic.update(i["claims"])
        return {c for c in found if c in about and c not in on_topic}

    @staticmethod
    def _match(field: str, item: Item, own: dict[str, str], added: dict[str, str]) -> Match:
        found = set(item["terms"])
        shown = [w for t, w in own.items() if t in found]
        shown += sorted({w for t, w in added.items() if t in found and w not in shown})
        return Match(field, item["text"], shown)


def _at(sequence: list[str], phrase: list[str]) -> int | None:
    """Where the terms ``phrase`` first occur together, in order, in ``sequence``."""
    n = len(phrase)
    return next((i for i in range(len(sequence) - n + 1) if sequence[i:i + n] == phrase), None)


def _holds(sequence: list[str], phrase: list[str]) -> bool:
    """Whether the terms ``phrase`` occur together, in order, in ``sequence``."""
    return _at(sequence, phrase) is not None


def _ordered(matches: list[Match]) -> list[Match]:
    order = list(FIELDS)
    return sorted(matches, key=lambda m: (order.index(m.field), m.text))


def clear(hits: list[Hit]) -> bool:
    """Whether the first hit is a clear match: the only one, or well ahead of the second."""
    return len(hits) == 1 or (len(hits) > 1 and hits[0].score >= CLEAR_RATIO * hits[1].score)


def listed(hits: list[Hit], most: int = 10) -> list[Hit]:
    """The hits worth listing when none is clear: those near the first, at most ``most``."""
    return [h for h in hits if h.score >= LISTED_SHARE * hits[0].score][:most] if hits else []
