"""Suggest the existing claims a drafted sentence may make, by the words they share.

Each existing claim is described by its statement and the quotes of its reviewed appearances;
a sentence is compared with every description by TF-IDF cosine over content words (lightly
stemmed), through an inverted index, so a long article costs time in proportion to its length.
Suggestions are shown to the reviewer with their score; they are never applied.
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


class ClaimIndex:
    """Existing claims, indexed by their words."""

    def __init__(self, descriptions: dict[str, str]) -> None:
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
        return cls(descriptions)

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
        ranked = sorted(((round(s, 2), cid) for cid, s in scores.items() if s >= MIN_SCORE), key=lambda x: (-x[0], x[1]))
        return [(cid, min(s, 1.0)) for s, cid in ranked[:limit]]
