"""The development set (tests/data/ingest/dev/): seventeen articles (two added after the held-out check
of issue 16) whose expected results were written before ingest ran on them. Each article's
references, matches, links and look-alikes, nothing dropped, and the issue's targets through the
real command line."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from lbpgraph.core.text import sentence_spans
from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.draft import draft_annotation
from lbpgraph.ingest.reading import read_input
from lbpgraph.model.corpus import load_corpus

from .conftest import DATA, ROOT

DEV = ROOT / "tests" / "data" / "ingest" / "dev"
ARTICLES = sorted(p for p in DEV.iterdir() if p.suffix in (".txt", ".html"))


def _expected(path: Path) -> dict:
    return yaml.safe_load((DEV / f"{path.stem}.expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sources() -> dict:
    return load_corpus(DATA).sources


@pytest.fixture(scope="module")
def analysed(sources: dict) -> dict:
    return {p.name: analyse((i := read_input(p)).text, sources, links=i.links) for p in ARTICLES}


def test_the_set_is_the_issue_asks() -> None:
    assert len(ARTICLES) >= 12
    assert sum(p.suffix == ".html" for p in ARTICLES) >= 3
    assert all((DEV / f"{p.stem}.expected.yaml").is_file() for p in ARTICLES)


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_references_and_what_each_is(path: Path, analysed: dict) -> None:
    a = analysed[path.name]
    got = [[r.surname.split()[0] if r.surname else None, r.year, a.source_of(r.key)] for r in a.references]
    assert got == [list(x) for x in _expected(path)["references"]]


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_citation_links_and_look_alikes(path: Path, analysed: dict) -> None:
    a, e = analysed[path.name], _expected(path)
    found = {(" ".join(a.sentence(c.sentence).split()), k) for c in a.citations for k in c.keys}
    gold = {(frag, str(k)) for frag, keys in e["links"] for k in keys}
    assert {(f, k) for f, k in gold if not any(f in s and k == fk for s, fk in found)} == set(), "missed"
    assert {(s, k) for s, k in found if not any(f in s and k == gk for f, gk in gold)} == set(), "spurious"
    traps = [(m.start(), m.end()) for t in e["traps"] for m in re.finditer(re.escape(t), a.text)]
    assert [c.marker for c in a.citations if c.kind != "vague"
            and any(c.span.start < end and start < c.span.end for start, end in traps)] == []


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_nothing_is_dropped(path: Path, analysed: dict, sources: dict) -> None:
    """Every sentence is drafted as an appearance or left for review with its offsets, never both,
    never neither; and the draft's offsets hold the sentences they name."""
    a = analysed[path.name]
    drafted = [d.span for d in a.drafted]
    left = [span for span, _ in a.left]
    for s in sentence_spans(a.text):
        in_drafted = s in drafted
        in_left = any(x.start <= s.start and s.end <= x.end for x in left)
        assert in_drafted != in_left, a.sentence(s)
    draft = draft_annotation(a, "x", "x.txt", sources)
    for item in draft["review"]["sentences"]:
        assert a.text[item["start"]:item["end"]] == item["quote"]
    assert len(draft["appearances"]) == len(a.drafted)
    assert {c["claim"] for c in draft["review"]["claims"]} == {c["id"] for c in draft["claims"]}


@pytest.mark.parametrize("path", ARTICLES, ids=[p.name for p in ARTICLES])
def test_safety_sentences_are_drafted_not_dropped(path: Path, analysed: dict) -> None:
    a = analysed[path.name]
    drafted = [" ".join(a.sentence(d.span).split()) for d in a.drafted]
    for fragment in _expected(path)["safety"]:
        assert any(fragment in s for s in drafted), fragment


def test_the_targets_are_met_through_the_command_line() -> None:
    spec = importlib.util.spec_from_file_location("ingest_score", ROOT / "benchmarks" / "ingest_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dev = module.score_set()
    assert dev["articles"] == len(ARTICLES)
    assert dev["references"]["f1"] >= 0.97 and dev["links"]["f1"] >= 0.93
    assert dev["traps"]["traps"] >= 80 and dev["traps"]["per_trap"] <= 0.1
    assert dev["wrong_matches"] == [] and dev["boilerplate_leaked"] == []
    assert dev["meta"]["correct"] == dev["meta"]["total"] > 0


def test_a_vague_attribution_to_curator_added_evidence_is_never_silent(sources: dict) -> None:
    """A named venue whose one fitting work is curator-added evidence is drafted with that work,
    and the review says it is curator-added, as a matched reference would."""
    added = next(s for s in sources.values() if s.curator_added and s.venue and s.year)
    text = (f"Walking backwards for back pain\n\nMany people ask whether walking backwards helps their back. "
            f"A {added.year} study in {added.venue} found that it eased back pain in adults. "
            "Start slowly on a flat, clear path.\n")
    a = analyse(text, sources)
    assert [c.candidates for c in a.citations] == [(added.id,)]
    draft = draft_annotation(a, "x", "x.txt", sources)
    (left,) = [c for c in draft["review"]["citations"] if c.get("source") == added.id]
    assert "curator-added evidence" in left["match"]
