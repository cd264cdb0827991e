"""Decide which bibliography work a printed reference is, on evidence, and say what the evidence is.

- Identifiers decide: the same DOI, PMID or PMCID is the same work; a different one is never it.
- Without a shared identifier, a printed journal or year that disagrees with the record rules the
  record out. Journals are compared as printed: an abbreviation ("J Med Internet Res"), an
  acronym ("JEPonline", "BMJ") or the full name all agree with "Journal of Medical Internet
  Research"; "Spine" and "The Spine Journal" do not.
- Otherwise the title and the authors are compared; the score (0 to 1) is shown, and below
  :data:`THRESHOLD` the reference is a new, unverified work. A reference that names no author
  (an article naming a paper by its title) is a work whose long title it prints whole
  (:data:`WHOLE_TITLE` words or more, alike at 0.95), unless its year or journal disagrees.
- A match to curator-added evidence is never silent: :attr:`Match.curator_added` says so, and the
  draft lists it for review.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..model import schema
from .references import Reference, surname

THRESHOLD = 0.75  # title-and-author score from which a reference is taken to be a bibliography work
WHOLE_TITLE = 8  # words of a title that, printed whole, name its work without its authors
_STOP = frozenset({"of", "the", "and", "for", "in", "on", "a", "an", "de", "la", "le", "der", "und", "y", "&"})
_NOISE = re.compile(r"\b(?:as cited|not seen|mdpi|springer|elsevier|wiley|per|issn[\s\d-]*)\b", re.I)


CURATOR_ADDED = "; curator-added evidence: an article citing it makes it a cited source"

@dataclass(frozen=True)
class Match:
    """Which bibliography work a reference is (``source``), by what (``by``) and how sure (``score``)."""

    source: str | None
    by: str | None = None  # doi | pmid | pmcid | title-and-authors | title (no author printed) | None
    score: float = 0.0
    evidence: tuple[str, ...] = ()  # what agrees
    conflicts: tuple[str, ...] = ()  # what disagrees, on the record chosen or on the best one ruled out
    curator_added: bool = False
    candidates: tuple[tuple[str, float], ...] = field(default=())  # the best scores, matched or not

    def summary(self) -> str:
        """One line for a reviewer: what decided, what agreed, what disagreed."""
        if self.source is None:
            why = f"no bibliography work matches (best {self.candidates[0][0]} at {self.candidates[0][1]:.2f})" \
                if self.candidates else "no bibliography work matches"
            return why + (f"; {'; '.join(self.conflicts)}" if self.conflicts else "")
        text = f"{self.by}" + (f" {self.score:.2f}" if self.by in ("title-and-authors", "title") else "")
        if self.evidence:
            text += f": {', '.join(self.evidence)}"
        if self.conflicts:
            text += f"; but {', '.join(self.conflicts)}"
        if self.curator_added:
            text += CURATOR_ADDED
        return text


# Latin letters that no decomposition takes to ASCII ("Østby" is "Ostby", not "stby")
_UNDECOMPOSED = str.maketrans({"Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ß": "ss", "Æ": "AE",
                               "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i", "Ħ": "H", "ħ": "h"})


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED)).encode("ascii", "ignore").decode()


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", ascii_fold(text).lower()) if w not in _STOP]


def _norm_doi(doi: str) -> str:
    return doi.lower().strip().rstrip(".")


@lru_cache(maxsize=4096)
def _venue_names(venue: str) -> tuple[tuple[str, ...], ...]:
    """The names a venue goes by: the main name, and each name in brackets or after a comma."""
    venue = _NOISE.sub(" ", venue)
    names = [re.sub(r"\([^()]*\)", " ", venue).split(",")[0]]
    names += re.findall(r"\(([^()]+)\)", venue)
    names += venue.split(",")[1:2]
    out = []
    for name in names:
        words = tuple(_words(re.sub(r"^\s*in:\s*", "", name, flags=re.I)))
        if words and any(not w.isdigit() for w in words):
            out.append(words)
    return tuple(out)


def _abbreviates(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """Whether ``short`` is ``full`` abbreviated: each printed word is the start of one full word, or
    the starts of several in a row (an acronym), and every full word is used ("J Med Internet Res",
    "JEPonline", "BMJ")."""
    text = "".join(short)
    bounds = set()
    pos = 0
    for w in short:
        pos += len(w)
        bounds.add(pos)

    @lru_cache(maxsize=None)
    def go(i: int, j: int) -> bool:
        if j == len(full):
            return i == len(text)
        if i == len(text):
            return False
        word = full[j]
        for n in range(min(len(word), len(text) - i), 0, -1):
            if text[i:i + n] == word[:n] and go(i + n, j + 1):
                return True
        return False

    return go(0, 0)


def venues_agree(printed: str, recorded: str) -> bool | None:
    """True when two journal names are the same journal, False when they clearly differ, None when
    either is missing."""
    a, b = _venue_names(printed), _venue_names(recorded)
    if not a or not b:
        return None
    for x in a:
        for y in b:
            if x == y or _abbreviates(x, y) or _abbreviates(y, x):
                return True
            if difflib.SequenceMatcher(None, " ".join(x), " ".join(y)).ratio() >= 0.88:
                return True
    return False


def _venue_in_text(text: str, recorded: str) -> bool:
    """Whether any run of words of the printed entry abbreviates the recorded venue."""
    words = tuple(_words(text))
    for name in _venue_names(recorded):
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + len(name) + 1) + 1):
                chunk = words[start:end]
                if chunk == name or _abbreviates(chunk, name):
                    return True
    return False


def title_similarity(a: str, b: str) -> float:
    """0..1: how alike two titles are, word by word (a subtitle left out costs little)."""
    wa, wb = _words(_strip_notes(a)), _words(_strip_notes(b))
    if not wa or not wb:
        return 0.0
    sa, sb = set(wa), set(wb)
    dice = 2 * len(sa & sb) / (len(sa) + len(sb))
    contained = len(sa & sb) / min(len(sa), len(sb))
    truncated = 0.9 * contained if min(len(sa), len(sb)) >= 6 and contained >= 0.9 else 0.0  # a subtitle left out
    best = max(dice, truncated)
    if dice < 0.4:
        return best  # few words in common: the letters cannot make it alike (and comparing them is dear)
    matcher = difflib.SequenceMatcher(None, " ".join(wa), " ".join(wb), autojunk=False)
    return max(best, matcher.ratio()) if matcher.quick_ratio() > best else best


def _strip_notes(title: str) -> str:
    return re.sub(r"\((?:as cited|not seen)[^)]*\)", "", title, flags=re.I)


def _same_name(a: str, b: str) -> float:
    a, b = ascii_fold(a).lower(), ascii_fold(b).lower()
    if a == b:
        return 1.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    return 0.9 if ratio >= 0.8 else 0.0  # a one-letter typo ("Gorden") is forgiven


def author_similarity(printed: Iterable[str], recorded: Iterable[str]) -> float:
    """0..1: the first authors' surnames, then how many printed surnames the record has."""
    p = [s for s in (surname(a) for a in printed) if s]
    r = [s for s in (surname(a) for a in recorded) if s]
    if not p or not r:
        return 0.0
    first = _same_name(p[0], r[0])
    if first == 0.0:
        return 0.0
    others = p[1:]
    if not others:
        return first
    found = sum(1 for s in others if any(_same_name(s, x) for x in r)) / len(others)
    return 0.7 * first + 0.3 * found


def _fold(name: str) -> str:
    return ascii_fold(name).lower()


class Matcher:
    """The bibliography indexed by identifiers, first authors' surnames and title words, so that
    each reference is compared with the few records that could be it, and each printed entry is
    decided once however often it is printed."""

    def __init__(self, sources: dict[str, schema.Source]) -> None:
        self.sources = sources
        self.ids: dict[tuple[str, str], list[str]] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_word: dict[str, list[str]] = {}
        self._cache: dict[tuple[Any, ...], Match] = {}
        for s in sources.values():
            for kind, value in (("doi", _norm_doi(s.doi) if s.doi else None), ("pmid", s.pmid), ("pmcid", s.pmcid)):
                if value:
                    self.ids.setdefault((kind, value), []).append(s.id)
            first = surname(s.authors[0]) if s.authors else None
            if first:
                self.by_name.setdefault(_fold(first)[:3], []).append(s.id)
            for w in set(_words(_strip_notes(s.title or ""))):
                if len(w) > 3:
                    self.by_word.setdefault(w, []).append(s.id)

    def candidates(self, ref: Reference) -> list[str]:
        """Records that share an identifier, the first author's surname (its first letters, to
        forgive a typo) or at least two title words with ``ref``."""
        found: set[str] = set()
        for kind, value in (("doi", _norm_doi(ref.doi) if ref.doi else None), ("pmid", ref.pmid),
                            ("pmcid", ref.pmcid)):
            if value:
                found.update(self.ids.get((kind, value), []))
        if ref.surname:
            found.update(self.by_name.get(_fold(ref.surname)[:3], []))
        counts: dict[str, int] = {}
        for w in set(_words(ref.title or "")):
            for sid in self.by_word.get(w, []):
                counts[sid] = counts.get(sid, 0) + 1
        found.update(sid for sid, n in counts.items() if n >= 2)
        return sorted(found)

    def match(self, ref: Reference) -> Match:
        key = (ref.text, ref.authors, ref.year, ref.title, ref.venue, ref.doi, ref.pmid, ref.pmcid)
        if key not in self._cache:
            self._cache[key] = _match(ref, {sid: self.sources[sid] for sid in self.candidates(ref)})
        return self._cache[key]


def match(ref: Reference, sources: dict[str, schema.Source]) -> Match:
    """The bibliography work ``ref`` is, with the evidence; ``Match(None, ...)`` when none is."""
    return Matcher(sources).match(ref)


def _match(ref: Reference, sources: dict[str, schema.Source]) -> Match:
    """:func:`match` over the candidate records ``sources``."""
    ids = _identifier_match(ref, sources)
    if ids is not None:
        return ids
    scored: list[tuple[float, str, tuple[str, ...], tuple[str, ...]]] = []
    ruled_out: list[tuple[float, str, tuple[str, ...]]] = []
    for s in sources.values():
        if s.kind == "unidentified" or not s.authors and not s.title:
            continue
        authors = author_similarity(ref.authors, s.authors) if ref.authors and s.authors else 0.0
        title = title_similarity(ref.title, s.title) if ref.title and s.title else 0.0
        if authors == 0.0 and title < 0.6:
            continue
        score = 0.6 * title + 0.4 * authors if ref.title and s.title else 0.8 * authors
        if not ref.authors and title >= 0.95 and len(_words(s.title or "")) >= WHOLE_TITLE:
            score = max(score, THRESHOLD + 0.05 * title)  # a long title printed whole names its work
        details, differ = _details(ref, s)
        if authors and ref.year and ref.year == s.year and details and not differ:
            # same authors and year, and the same journal, volume or pages: a shortened title costs nothing
            score = max(score, 0.5 * authors + 0.2 * ("journal" in details) + 0.3 * (len(details) > 1))
        conflicts = _conflicts(ref, s)
        if conflicts:
            ruled_out.append((score, s.id, conflicts))
            continue
        evidence = tuple(x for x in (
            f"first author {ref.surname}" if authors else "",
            f"title {title:.2f}" if title else "",
            f"year {ref.year}" if ref.year and ref.year == s.year else "", *details) if x)
        if differ:
            evidence += tuple(f"but not {d}" for d in differ)
        scored.append((round(score, 3), s.id, evidence, ()))
    scored.sort(key=lambda x: (-x[0], x[1]))
    ruled_out.sort(key=lambda x: (-x[0], x[1]))
    candidates = tuple((sid, sc) for sc, sid, _, _ in scored[:3])
    best_conflict = ruled_out[0] if ruled_out and ruled_out[0][0] >= 0.5 else None
    note = (f"{best_conflict[1]} ruled out: {', '.join(best_conflict[2])}",) if best_conflict else ()
    if scored and scored[0][0] >= THRESHOLD:
        sc, sid, evidence, _ = scored[0]
        by = "title-and-authors" if ref.authors else "title"
        return Match(sid, by, sc, evidence, note, sources[sid].curator_added, candidates)
    return Match(None, None, scored[0][0] if scored else 0.0, (), note, False, candidates)


def _first_page(pages: str | None) -> str | None:
    m = re.search(r"[A-Za-z]?\d+", pages or "")
    return m.group(0).lower() if m else None


def _details(ref: Reference, s: schema.Source) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Bibliographic details the printed reference and the record share (journal, volume, first
    page), and those they disagree on (volume, first page)."""
    same, differ = [], []
    if ref.venue and s.venue and (venues_agree(ref.venue, s.venue) or _venue_in_text(ref.text, s.venue)):
        same.append("journal")
    volume = re.sub(r"\D.*", "", (s.volume or "").strip())
    if ref.volume and volume:
        (same if ref.volume == volume else differ).append(f"volume {ref.volume}")
    first, recorded = _first_page(ref.pages), _first_page(s.pages)
    if first and recorded:
        (same if first == recorded else differ).append(f"page {first}")
    return tuple(same), tuple(differ)


def _identifier_match(ref: Reference, sources: dict[str, schema.Source]) -> Match | None:
    printed = {"doi": _norm_doi(ref.doi) if ref.doi else None, "pmid": ref.pmid, "pmcid": ref.pmcid}
    if not any(printed.values()):
        return None
    for s in sources.values():
        recorded = {"doi": _norm_doi(s.doi) if s.doi else None, "pmid": s.pmid, "pmcid": s.pmcid}
        same = [k for k, v in printed.items() if v and recorded[k] and v == recorded[k]]
        differ = [k for k, v in printed.items() if v and recorded[k] and v != recorded[k]]
        if same and not differ:
            others = _conflicts(ref, s, identifiers=False)
            evidence = tuple(f"{k.upper()} {printed[k]}" for k in same)
            return Match(s.id, same[0], 1.0, evidence, others, s.curator_added)
    return None


def _conflicts(ref: Reference, s: schema.Source, identifiers: bool = True) -> tuple[str, ...]:
    """What the printed reference and the record disagree on (each rules a match out)."""
    out = []
    if identifiers:
        if ref.doi and s.doi and _norm_doi(ref.doi) != _norm_doi(s.doi):
            out.append(f"DOI {ref.doi} is not the record's {s.doi}")
        if ref.pmid and s.pmid and ref.pmid != s.pmid:
            out.append(f"PMID {ref.pmid} is not the record's {s.pmid}")
        if ref.pmcid and s.pmcid and ref.pmcid != s.pmcid:
            out.append(f"PMCID {ref.pmcid} is not the record's {s.pmcid}")
    if ref.year and s.year and ref.year != s.year:
        out.append(f"year {ref.year} is not the record's {s.year}")
    if ref.venue and s.venue and venues_agree(ref.venue, s.venue) is False and not _venue_in_text(ref.text, s.venue):
        out.append(f"journal '{ref.venue}' is not the record's '{s.venue}'")
    return tuple(out)


def venue_candidates(name: str, year: int | None, sources: dict[str, schema.Source]) -> list[str]:
    """Bibliography works published in the journal ``name`` (and in ``year``, when given)."""
    hits = [s.id for s in sources.values() if s.venue and venues_agree(name, s.venue)
            and (year is None or s.year == year)]
    return sorted(hits)


def author_candidates(names: Iterable[str], year: int | None, sources: dict[str, schema.Source]) -> list[str]:
    """Bibliography works whose first author has the first of ``names`` (and the others among its
    authors), published in ``year`` when given."""
    names = [n for n in names if n]
    if not names:
        return []
    hits = []
    for s in sources.values():
        recorded = [x for x in (surname(a) for a in s.authors) if x]
        if not recorded or not _same_name(names[0], recorded[0]):
            continue
        if any(not any(_same_name(n, r) for r in recorded) for n in names[1:]):
            continue
        if year is None or s.year == year:
            hits.append(s.id)
    return sorted(hits)
