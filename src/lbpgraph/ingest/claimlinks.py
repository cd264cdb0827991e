"""Suggest the existing claims a drafted sentence may make, by the words they share.

Each existing claim is described by its statement and the quotes of its reviewed appearances;
a sentence is compared with every description by TF-IDF cosine over content words (lightly
stemmed), through an inverted index, so a long article costs time in proportion to its length.
Suggestions are shown to the reviewer with their score; they are never applied.

Words alone mix up interventions that share them: "backward walking" and "walking", or
"back walking" (someone walks on your back) and backward walking. So where a sentence names
interventions (:class:`Interventions`), only claims about one of them, or a broader or narrower
one, are suggested, those about a named one first; "back walking" never brings a claim of backward
walking, nor the reverse.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict

from ..model.corpus import Corpus

MIN_SCORE = 0.2
_STOP = frozenset("""
a an the and or but of to in on at for from by with without as is are was were be been being it its this that these
those there their they them you your we our i my me he she his her not no do does did can could may might will would
should must than then so if when while also more most less very just about into over after before up out what which
who how why all any some such only other same new one two three walk walks walking walked back pain low lower
""".split())


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ingly", "ings", "ing", "ness", "ies", "ied", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
    return word


def terms(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2]


class Interventions:
    """The interventions a text names, by their labels and other names (the longest name wins:
    "back walking" is not "walking"), and which interventions are related (one is broader)."""

    def __init__(self, names: dict[str, list[str]], broader: dict[str, list[str]]) -> None:
        self.pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(
            {n for ns in names.values() for n in ns}, key=lambda n: (-len(n), n))) + r")\b", re.I) if names else None
        self.by_name = {n.lower(): cid for cid, ns in names.items() for n in ns}
        self.related: dict[str, set[str]] = {cid: {cid} for cid in names}
        for cid in names:
            stack, seen = list(broader.get(cid, [])), set()
            while stack:
                up = stack.pop()
                if up not in seen:
                    seen.add(up)
                    stack += broader.get(up, [])
            for up in seen:  # an ancestor and its descendant are related both ways
                self.related[cid].add(up)
                self.related.setdefault(up, {up}).add(cid)

    def named(self, text: str) -> set[str]:
        return {self.by_name[m.group(0).lower()] for m in self.pattern.finditer(text)} if self.pattern else set()


class ClaimIndex:
    """Existing claims, indexed by their words (and, given, the interventions each is about)."""

    def __init__(self, descriptions: dict[str, str], about: dict[str, list[str]] | None = None,
                 interventions: Interventions | None = None) -> None:
        self.about = about or {}
        self.interventions = interventions
        docs = {cid: Counter(terms(text)) for cid, text in descriptions.items()}
        n = max(len(docs), 1)
        df: Counter[str] = Counter()
        for counts in docs.values():
            df.update(counts.keys())
        self.idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for cid, counts in sorted(docs.items()):
            weights = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for t, w in weights.items():
                self.postings[t].append((cid, w / norm))

    @classmethod
    def from_corpus(cls, corpus: Corpus) -> ClaimIndex:
        """From a loaded corpus (the model's, never the graph): statements and reviewed quotes of
        the claims a reviewer has seen, not those only a draft defines (a draft ingested again
        would otherwise find its own claims first)."""
        unreviewed = {c.id for a in corpus.articles.values() if a.annotation.draft for c in a.annotation.claims}
        descriptions = {cid: c.statement for cid, c in corpus.claims.items() if cid not in unreviewed}
        for article in corpus.articles.values():
            if article.annotation.draft:
                continue
            for app in article.annotation.appearances:
                if app.claim in descriptions:
                    descriptions[app.claim] += " " + app.quote
        concepts = corpus.concepts.get("interventions", {})
        names = {cid: [c.label, *c.alt_labels] for cid, c in concepts.items()}
        interventions = Interventions(names, {cid: list(c.broader) for cid, c in concepts.items()})
        return cls(descriptions, {cid: list(corpus.claims[cid].interventions) for cid in descriptions}, interventions)

    def suggest(self, text: str, limit: int = 3) -> list[tuple[str, float]]:
        """The closest claims to ``text`` (id, cosine score), best first, at least :data:`MIN_SCORE`."""
        counts = Counter(t for t in terms(text) if t in self.idf)
        if not counts:
            return []
        weights = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        scores: dict[str, float] = defaultdict(float)
        for t, w in weights.items():
            for cid, cw in self.postings[t]:
                scores[cid] += w / norm * cw
        named = self.interventions.named(text) if self.interventions else set()
        ranked = sorted(((self._kinship(cid, named), -round(s, 2), cid) for cid, s in scores.items() if s >= MIN_SCORE))
        return [(cid, min(-s, 1.0)) for kin, s, cid in ranked if kin < 2][:limit]

    def _kinship(self, claim: str, named: set[str]) -> int:
        """0: the claim is about an intervention the text names (or the text names none); 1: about a
        broader or narrower one; 2: about none of those (never suggested)."""
        about = set(self.about.get(claim, ()))
        if not named or named & about:
            return 0
        assert self.interventions is not None
        return 1 if any(about & self.interventions.related.get(n, {n}) for n in named) else 2
