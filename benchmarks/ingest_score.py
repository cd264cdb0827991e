"""Score `lbpgraph ingest`: precision, recall and F1 per unit, on the seeds and on the development set.

    .venv/bin/python benchmarks/ingest_score.py [--json] [--verbose]

Seeds (the five curated articles, against their annotations):
- references: (first author's surname, year), a one-letter typo forgiven; gold = every work an
  article lists or cites by a marker;
- citation links: (sentence, source); gold = every curated citation by a reference marker or a
  named journal, at the sentence holding the marker;
- cues: recall per category against the curated facts (anecdote appeals, commercial speakers and
  advertising, vague or named-venue citations, appearances offering nothing).

Development set (`tests/data/ingest/dev/`, expectations written before ingest ran on them), scored
through the real command line, `lbpgraph ingest --format json`, as a held-out set is:
- references: (surname, year) as above; matching: each found entry's bibliography work against the
  expected one (null: a new work), with the wrong matches counted apart;
- citation links: (sentence, entry); a gold link is a fragment of its sentence and the entries;
- traps: citations found on printed look-alikes (ages, scales, doses, prices, phone numbers, ...),
  per trap; target at most 1 in 10;
- cues: anecdote, commercial, vague-attribution: precision and recall over sentences;
- safety: the share of warning sentences drafted as claims of kind safety;
- HTML: metadata read right, and page furniture that leaked into the text.
Targets (issue 16, development set): references F1 >= 0.97, citation links F1 >= 0.93, false
citations per trap <= 0.1.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.reading import read_input, slug
from lbpgraph.model.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "tests" / "data" / "ingest" / "dev"
OWN = ROOT / "tests" / "data" / "ingest"
_MARKER = re.compile(r"^[\[(]\s*\d")
TARGETS = {"references": 0.97, "links": 0.93, "traps": 0.1}


def _surname(author: str) -> str:
    # the first word, of any letters ("Østby", "García-López"), as the expectations print it
    m = re.match(r"(?:[^\W\d_]|['’\-])+", author)
    return m.group(0) if m else author


def prf(tp_found: int, found: int, tp_gold: int, gold: int) -> dict[str, float]:
    p = tp_found / found if found else 1.0
    r = tp_gold / gold if gold else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "found": found, "gold": gold, "correct": tp_gold}


def _same_name(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, slug(a), slug(b)).ratio() >= 0.8


def _pair_refs(found: list[tuple[str, int]], gold: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """(found index, gold index) pairs of the same first author and year, each used once."""
    left = list(range(len(gold)))
    pairs = []
    for i, (surname, year) in enumerate(found):
        for j in left:
            if gold[j][1] == year and _same_name(surname or "", gold[j][0]):
                pairs.append((i, j))
                left.remove(j)
                break
    return pairs


# --- seeds ----------------------------------------------------------------------------------

def score(data: Path = ROOT / "data") -> dict[str, Any]:
    """The seeds against their curated annotations."""
    corpus = load_corpus(data)
    ref_found = ref_gold = ref_ok = 0
    link_found = link_gold = link_ok = 0
    cue_hits: dict[str, list[int]] = {k: [0, 0] for k in ("anecdote", "commercial", "vague-attribution", "unsupported")}
    articles = {}
    for aid, article in sorted(corpus.articles.items()):
        if article.annotation.draft:
            continue
        text = article.text
        sentences = text.sentences()
        starts = [s.start for s in sentences]

        def sentence_at(pos: int, sentences: list = sentences, starts: list = starts) -> int | None:
            import bisect
            i = bisect.bisect_right(starts, pos) - 1
            return sentences[i].start if i >= 0 and pos < sentences[i].end else None

        a = analyse(text.text, corpus.sources)
        ann = article.annotation
        gold_ids = {c.source for c in ann.consulted}
        for app in ann.appearances:
            for c in app.citations:
                if c.source and c.marker and _MARKER.match(c.marker):
                    gold_ids.add(c.source)
        gold_refs = [(_surname(corpus.sources[s].authors[0]), corpus.sources[s].year) for s in sorted(gold_ids)
                     if corpus.sources[s].authors and corpus.sources[s].year]
        found_refs = [(r.surname or "", r.year or 0) for r in a.references if r.surname and r.year]
        ok = len(_pair_refs(found_refs, gold_refs))
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
        for c in a.citations:  # placed at the curated sentence that holds the marker
            where = sentence_at(c.span.start)
            sources = [a.source_of(k) or f"new:{k}" for k in c.keys]
            if not c.keys and c.kind == "named-venue" and len(c.candidates) == 1:
                sources = [c.candidates[0]]
            found_links |= {(where, s) for s in sources}
        sellers = {sp.id for sp in ann.speakers if sp.commercial_interest}
        gold_cues: dict[str, set[int | None]] = {k: set() for k in cue_hits}
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
        for k in cue_hits:
            gold_cues[k].discard(None)
            found = {sentence_at(s.start) for s in a.cues[k]}
            cue_hits[k][0] += len(gold_cues[k] & found)
            cue_hits[k][1] += len(gold_cues[k])
        ref_found, ref_gold, ref_ok = ref_found + len(found_refs), ref_gold + len(gold_refs), ref_ok + ok
        tp = len(found_links & gold_links)
        link_found, link_gold, link_ok = link_found + len(found_links), link_gold + len(gold_links), link_ok + tp
        articles[aid] = {"references": [len(gold_refs), len(found_refs), ok],
                         "links": [len(gold_links), len(found_links), tp],
                         "missed": sorted(map(str, gold_links - found_links)),
                         "spurious": sorted(map(str, found_links - gold_links))}
    return {"articles": articles, "references": prf(ref_ok, ref_found, ref_ok, ref_gold),
            "links": prf(link_ok, link_found, link_ok, link_gold),
            "cue_recall": {k: {"recall": h / g if g else 1.0, "found": h, "gold": g} for k, (h, g) in cue_hits.items()}}


# --- development set (and the two older synthetic articles) ---------------------------------

def _run_json(files: list[Path], data: Path) -> list[dict[str, Any]]:
    """`lbpgraph ingest --format json FILES...`, run as a user runs it."""
    exe = Path(sys.executable).with_name("lbpgraph")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "lbpgraph"]
    out = subprocess.run([*command, "--data", str(data), "ingest", "--format", "json", *map(str, files)],
                         capture_output=True, text=True, check=True)
    doc = json.loads(out.stdout)
    return doc if isinstance(doc, list) else [doc]


def _norm(text: str) -> str:
    return " ".join(text.split())


class _Counts:
    def __init__(self) -> None:
        self.c: dict[str, list[int]] = {}

    def add(self, unit: str, tp_found: int, found: int, tp_gold: int, gold: int) -> None:
        x = self.c.setdefault(unit, [0, 0, 0, 0])
        for i, v in enumerate((tp_found, found, tp_gold, gold)):
            x[i] += v

    def result(self, unit: str) -> dict[str, float]:
        return prf(*self.c.get(unit, [0, 0, 0, 0]))


def score_set(folder: Path = DEV, data: Path = ROOT / "data") -> dict[str, Any]:
    """A folder of articles with ``.expected.yaml`` files, scored through ``ingest --format json``."""
    import yaml
    files = sorted(p for p in folder.iterdir() if p.suffix in (".txt", ".html")
                   and (folder / f"{p.stem}.expected.yaml").exists())
    docs = {Path(d["file"]).name: d for d in _run_json(files, data)}
    counts = _Counts()
    traps = [0, 0]
    wrong_matches: list[str] = []
    meta = [0, 0]
    leaked: list[str] = []
    details = {}
    for path in files:
        e = yaml.safe_load((folder / f"{path.stem}.expected.yaml").read_text(encoding="utf-8"))
        d = docs[path.name]
        text = read_input(path).text
        # references and matches
        gold = [(g[0], g[1]) for g in e["references"]]
        found = [(_surname(r["authors"][0]) if r["authors"] else "", r["year"] or 0) for r in d["references"]]
        pairs = _pair_refs(found, gold)
        counts.add("references", len(pairs), len(found), len(pairs), len(gold))
        good = sum(1 for i, j in pairs if d["references"][i]["source"] == e["references"][j][2])
        counts.add("matching", good, len(pairs), good, len(pairs))
        wrong_matches += [f"{path.name}: {found[i][0]} {found[i][1]} -> {d['references'][i]['source']} "
                          f"(expected {e['references'][j][2]})" for i, j in pairs
                          if d["references"][i]["source"] not in (e["references"][j][2], None)]
        # links: (sentence, entry); entries are numbered by list order, as ingest keys them
        found_links = {(_norm(c["sentence"]), k) for c in d["citations"] for k in c["keys"]}
        gold_links = {(_norm(frag), str(k)) for frag, keys in e["links"] for k in keys}
        tp_found = sum(1 for s, k in found_links if any(f in s and k == gk for f, gk in gold_links))
        tp_gold = sum(1 for f, k in gold_links if any(f in s and k == fk for s, fk in found_links))
        counts.add("links", tp_found, len(found_links), tp_gold, len(gold_links))
        # traps
        spans = [(m.start(), m.end()) for t in e.get("traps", []) for m in re.finditer(re.escape(t), text)]
        present = [t for t in e.get("traps", []) if t in text]
        false = [c for c in d["citations"] if c["kind"] != "vague"
                 and any(c["start"] < b and a < c["end"] for a, b in spans)]
        traps[0] += len(false)
        traps[1] += len(present)
        # cues
        cue_gold = {"anecdote": e["cues"].get("anecdote", []), "commercial": e["cues"].get("commercial", []),
                    "vague-attribution": e.get("vague", [])}
        for unit, frags in cue_gold.items():
            got = [_norm(s) for s in d["cues"].get(unit, [])]
            frags = [_norm(f) for f in frags]
            counts.add(unit, sum(1 for s in got if any(f in s for f in frags)), len(got),
                       sum(1 for f in frags if any(f in s for s in got)), len(frags))
        safety = [_norm(a["sentence"]) for a in d["appearances"] if a["kind"] == "safety"]
        frags = [_norm(f) for f in e.get("safety", [])]
        counts.add("safety", sum(1 for s in safety if any(f in s for f in frags)), len(safety),
                   sum(1 for f in frags if any(f in s for s in safety)), len(frags))
        for key, want in (e.get("meta") or {}).items():
            got = d["meta"].get({"site": "site"}.get(key, key))
            ok = got is not None and (str(want) in got if key == "title" else str(got)[:len(str(want))] == str(want))
            meta[0] += ok
            meta[1] += 1
        leaked += [f"{path.name}: {b}" for b in e.get("boilerplate", []) if b in text]
        details[path.name] = {
            "missed_links": sorted(f"{f} -> {k}" for f, k in gold_links
                                   if not any(f in s and k == fk for s, fk in found_links)),
            "spurious_links": sorted(f"{s[:70]} -> {k}" for s, k in found_links
                                     if not any(f in s and k == gk for f, gk in gold_links)),
            "false_on_traps": [c["marker"] for c in false],
            "missed_references": [gold[j] for j in range(len(gold)) if j not in {p[1] for p in pairs}],
            "spurious_references": [found[i] for i in range(len(found)) if i not in {p[0] for p in pairs}]}
    units = ["references", "matching", "links", "anecdote", "commercial", "vague-attribution", "safety"]
    return {"articles": len(files), **{u: counts.result(u) for u in units},
            "traps": {"false": traps[0], "traps": traps[1], "per_trap": traps[0] / traps[1] if traps[1] else 0.0},
            "wrong_matches": wrong_matches, "meta": {"correct": meta[0], "total": meta[1]},
            "boilerplate_leaked": leaked, "details": details}


def score_own(folder: Path = OWN, data: Path = ROOT / "data") -> dict[str, Any]:
    """The two older synthetic articles, against their .expected.yaml (references and links)."""
    import yaml
    sources = load_corpus(data).sources
    counts = _Counts()
    for path in sorted(folder.glob("*.txt")):
        expected = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
        a = analyse(path.read_text(encoding="utf-8"), sources)
        gold = [(v[0], v[1]) for v in expected["references"].values()]
        found = [(r.surname or "", r.year or 0) for r in a.references]
        pairs = _pair_refs(found, gold)
        counts.add("references", len(pairs), len(found), len(pairs), len(gold))
        found_links = {(_norm(a.sentence(c.sentence)), k) for c in a.citations for k in c.keys}
        gold_links = {(_norm(f), k) for f, keys in expected["links"] for k in keys}
        counts.add("links", sum(1 for s, k in found_links if any(f in s and k == g for f, g in gold_links)),
                   len(found_links), sum(1 for f, k in gold_links if any(f in s and k == g for s, g in found_links)),
                   len(gold_links))
    return {"references": counts.result("references"), "links": counts.result("links")}


def meets_targets(dev: dict[str, Any]) -> bool:
    return (dev["references"]["f1"] >= TARGETS["references"] and dev["links"]["f1"] >= TARGETS["links"]
            and dev["traps"]["per_trap"] <= TARGETS["traps"])


def _row(label: str, r: dict[str, float]) -> str:
    return (f"  {label:30} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}"
            f"   (found {r['found']}, gold {r['gold']}, correct {r['correct']})")


def main(argv: list[str]) -> int:
    seeds, own, dev = score(), score_own(), score_set()
    if "--json" in argv:
        print(json.dumps({"seeds": seeds, "own": own, "dev": dev}, indent=2))
        return 0 if meets_targets(dev) else 1
    print("Seeds (5 curated articles, against their annotations)")
    print(_row("references (author, year)", seeds["references"]))
    print(_row("citation links (sentence, work)", seeds["links"]))
    for k, r in seeds["cue_recall"].items():
        print(f"  cue recall {k:19} R {r['recall']:.3f}  ({r['found']}/{r['gold']})")
    print("Older synthetic articles (tests/data/ingest/*.txt)")
    print(_row("references", own["references"]))
    print(_row("citation links", own["links"]))
    print(f"Development set ({dev['articles']} articles, tests/data/ingest/dev/, via ingest --format json)")
    for unit, label in (("references", "references (author, year)"), ("matching", "matching (bibliography work)"),
                        ("links", "citation links (sentence, entry)"), ("anecdote", "cue anecdote"),
                        ("commercial", "cue commercial"), ("vague-attribution", "cue vague-attribution"),
                        ("safety", "safety sentences drafted")):
        print(_row(label, dev[unit]))
    t = dev["traps"]
    print(f"  {'false citations on traps':30} {t['false']} of {t['traps']} traps = {t['per_trap']:.3f} per trap")
    print(f"  {'wrong matches':30} {len(dev['wrong_matches'])}" + "".join(f"\n    {w}" for w in dev["wrong_matches"]))
    print(f"  {'HTML metadata read right':30} {dev['meta']['correct']}/{dev['meta']['total']}")
    print(f"  {'page furniture leaked':30} {len(dev['boilerplate_leaked'])}"
          + "".join(f"\n    {w}" for w in dev["boilerplate_leaked"]))
    if "--verbose" in argv:
        for name, d in dev["details"].items():
            if any(d.values()):
                print(f"  {name}: {json.dumps(d, ensure_ascii=False)}")
    ok = meets_targets(dev)
    print("targets on the development set (references F1 >= 0.97, links F1 >= 0.93, <= 0.1 false citation "
          "per trap):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
