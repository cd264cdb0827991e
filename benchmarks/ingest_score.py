"""Score `lbpgraph ingest` on the five seed articles against their curated annotations.

    .venv/bin/python benchmarks/ingest_score.py [--json]

- references: precision and recall on (first author surname, year), a one-letter typo in the
  surname forgiven ("Gorden" for Gordon); gold = every work an article lists or cites by marker;
- citation links: precision and recall on (sentence, source); gold = every curated citation by a
  reference marker ("(6)", "[1]") or by a named journal, placed at the sentence holding the marker;
- cues: recall per category, gold from the curated facts: anecdote (appeal anecdote), commercial
  (advertising spans, speakers who sell something), vague-attribution (vague or named-venue
  citations), unsupported (appearances offering neither citation nor appeal).
Targets (issue 7): reference F1 >= 0.95, citation-link F1 >= 0.90.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
from pathlib import Path

from lbpgraph.model.corpus import load_corpus
from lbpgraph.ingest.draft import analyse, slug

ROOT = Path(__file__).resolve().parents[1]
_MARKER = re.compile(r"^[\[(]\s*\d")


def _surname(author: str) -> str:
    m = re.match(r"[A-Za-z'’\-]+", author)
    return m.group(0) if m else author


def _prf(tp: int, found: int, gold: int) -> tuple[float, float, float]:
    p = tp / found if found else 1.0
    r = tp / gold if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _match_refs(found: list[tuple[str, int]], gold: list[tuple[str, int]]) -> int:
    left = list(gold)
    tp = 0
    for surname, year in found:
        for g in left:
            if g[1] == year and difflib.SequenceMatcher(None, slug(surname), slug(g[0])).ratio() >= 0.8:
                left.remove(g)
                tp += 1
                break
    return tp


def score(data: Path = ROOT / "data") -> dict:
    corpus = load_corpus(data)
    totals = {"ref": [0, 0, 0], "link": [0, 0, 0]}
    cue_hits: dict[str, list[int]] = {k: [0, 0] for k in ("anecdote", "commercial", "vague-attribution", "unsupported")}
    articles = {}
    for aid, article in sorted(corpus.articles.items()):
        text = article.text
        sentences = text.sentences()

        def sentence_at(pos: int, sentences: list = sentences) -> int | None:
            return next((s.start for s in sentences if s.start <= pos < s.end), None)

        a = analyse(text.text, corpus.sources)
        ann = article.annotation
        # references
        gold_ids = {c.source for c in ann.consulted}
        for app in ann.appearances:
            for c in app.citations:
                if c.source and c.marker and _MARKER.match(c.marker):
                    gold_ids.add(c.source)
        gold_refs = [(_surname(corpus.sources[s].authors[0]), corpus.sources[s].year) for s in sorted(gold_ids)
                     if corpus.sources[s].authors and corpus.sources[s].year]
        found_refs = [(r.surname, r.year) for r in a.references if r.surname and r.year]
        ref_tp = _match_refs(found_refs, gold_refs)
        # citation links
        gold_links = set()
        for app in ann.appearances:
            span = article.appearance_spans[app.id]
            for c in app.citations:
                if not c.source or not c.marker or not (_MARKER.match(c.marker) or c.mode == "named-venue"):
                    continue
                window = text.text[max(0, span.start - 5):span.end + 80]
                at = window.find(c.marker)
                if at >= 0:
                    gold_links.add((sentence_at(max(0, span.start - 5) + at), c.source))
        found_links = set()
        for c in a.citations:
            if c.kind in ("numeric", "author-year", "narrative"):
                found_links |= {(c.sentence.start, a.matches.get(k) or f"new:{k}") for k in c.keys}
            elif c.kind == "named-venue" and a.venue_matches.get(c.span.start):
                found_links.add((c.sentence.start, a.venue_matches[c.span.start]))
        link_tp = len(found_links & gold_links)
        # cues
        sellers = {sp.id for sp in ann.speakers if sp.commercial_interest}
        gold_cues: dict[str, set[int]] = {k: set() for k in cue_hits}
        for app in ann.appearances:
            start = sentence_at(article.appearance_spans[app.id].start)
            if "anecdote" in app.appeal:
                gold_cues["anecdote"].add(start)
            if app.speaker in sellers:
                gold_cues["commercial"].add(start)
            if any(c.mode in ("vague", "named-venue") for c in app.citations):
                gold_cues["vague-attribution"].add(start)
            if not app.citations and not app.appeal:
                gold_cues["unsupported"].add(start)
        for nc, span in zip(ann.not_claims, article.not_claim_spans):
            if nc.reason == "advertising":
                gold_cues["commercial"].add(sentence_at(span.start))
        found_cues = {k: {s.start for s in a.cues[k]} for k in cue_hits}
        for k in cue_hits:
            gold_cues[k].discard(None)  # type: ignore[arg-type]
            cue_hits[k][0] += len(gold_cues[k] & found_cues[k])
            cue_hits[k][1] += len(gold_cues[k])
        for key, tp, found, gold in (("ref", ref_tp, len(found_refs), len(gold_refs)),
                                     ("link", link_tp, len(found_links), len(gold_links))):
            totals[key][0] += tp
            totals[key][1] += found
            totals[key][2] += gold
        articles[aid] = {"references": {"gold": len(gold_refs), "found": len(found_refs), "correct": ref_tp},
                         "links": {"gold": len(gold_links), "found": len(found_links), "correct": link_tp,
                                   "missed": sorted(str(x) for x in gold_links - found_links),
                                   "spurious": sorted(str(x) for x in found_links - gold_links)}}
    ref = _prf(*totals["ref"])
    link = _prf(*totals["link"])
    return {"articles": articles,
            "references": {"precision": ref[0], "recall": ref[1], "f1": ref[2], "counts": totals["ref"]},
            "links": {"precision": link[0], "recall": link[1], "f1": link[2], "counts": totals["link"]},
            "cue_recall": {k: {"recall": (h / g if g else 1.0), "found": h, "gold": g} for k, (h, g) in cue_hits.items()}}


def score_own(folder: Path = ROOT / "tests" / "data" / "ingest", data: Path = ROOT / "data") -> dict:
    """The same measures on the synthetic test articles, against their .expected.yaml."""
    import yaml
    sources = load_corpus(data).sources
    ref_counts, link_counts = [0, 0, 0], [0, 0, 0]
    for path in sorted(folder.glob("*.txt")):
        expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
        a = analyse(path.read_text(encoding="utf-8"), sources)
        gold_refs = [(v[0], v[1]) for v in expected["references"].values()]
        found_refs = [(r.surname, r.year) for r in a.references if r.surname and r.year]
        tp = _match_refs(found_refs, gold_refs)
        ref_counts = [ref_counts[0] + tp, ref_counts[1] + len(found_refs), ref_counts[2] + len(gold_refs)]
        gold_links = set()
        for fragment, keys in expected["links"]:
            sentence = next(c.sentence.start for c in a.citations if fragment in a.sentence(c.sentence)) \
                if any(fragment in a.sentence(c.sentence) for c in a.citations) else -1
            gold_links |= {(sentence, k) for k in keys}
        found_links = {(c.sentence.start, k) for c in a.citations for k in c.keys}
        link_counts = [link_counts[0] + len(found_links & gold_links), link_counts[1] + len(found_links),
                       link_counts[2] + len(gold_links)]
    ref, link = _prf(*ref_counts), _prf(*link_counts)
    return {"references": {"precision": ref[0], "recall": ref[1], "f1": ref[2], "counts": ref_counts},
            "links": {"precision": link[0], "recall": link[1], "f1": link[2], "counts": link_counts}}


def main(argv: list[str]) -> int:
    result = score()
    result["own_articles"] = score_own()
    if "--json" in argv:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'article':8} {'refs gold/found/ok':>20} {'links gold/found/ok':>20}")
    for aid, r in result["articles"].items():
        rr, ll = r["references"], r["links"]
        print(f"{aid:8} {rr['gold']:>8}/{rr['found']}/{rr['correct']:<8} {ll['gold']:>9}/{ll['found']}/{ll['correct']}")
    for key, label in (("references", "references (first author + year)"), ("links", "citation links (sentence + source)")):
        r = result[key]
        print(f"{label:38} precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}")
    for k, r in result["cue_recall"].items():
        print(f"cue recall {k:27} {r['recall']:.3f}  ({r['found']}/{r['gold']})")
    own = result["own_articles"]
    for key, label in (("references", "own test articles: references"), ("links", "own test articles: links")):
        r = own[key]
        print(f"{label:38} precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  {r['counts']}")
    ok = all(r["references"]["f1"] >= 0.95 and r["links"]["f1"] >= 0.90 for r in (result, own))
    print("targets (reference F1 >= 0.95, link F1 >= 0.90):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
