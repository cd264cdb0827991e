"""Ingest: references, citation links, look-alikes, cues, drafts, robustness, batches."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from lbpgraph.corpus import load_corpus
from lbpgraph.ingest import analyse
from lbpgraph.project import Project

from .conftest import DATA, ROOT, run

CASES = ROOT / "tests" / "data" / "ingest"
ARTICLES = sorted(p.stem for p in CASES.glob("*.txt"))


@pytest.fixture(scope="module")
def sources() -> dict:
    return load_corpus(DATA).sources


@pytest.mark.parametrize("name", ARTICLES)
def test_test_articles_parse_as_expected(name: str, sources: dict) -> None:
    expected = yaml.safe_load((CASES / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    a = analyse((CASES / f"{name}.txt").read_text(encoding="utf-8"), sources)
    got = {r.key: [r.surname, r.year, a.matches[r.key]] for r in a.references}
    assert got == expected["references"]
    for fragment, keys in expected["links"]:
        linked = [c for c in a.citations if fragment in a.sentence(c.sentence) and c.keys]
        assert sorted(k for c in linked for k in c.keys) == keys, fragment
    assert [d for c in a.citations for d in c.dangling] == expected["dangling"]
    markers = {c.marker for c in a.citations}
    assert not markers & set(expected["not_citations"])
    cited = {k for c in a.citations for k in c.keys}
    assert sorted(r.key for r in a.references if r.key not in cited) == expected["consulted"]
    for category, fragments in expected["cues"].items():
        found = [a.sentence(s) for s in a.cues[category]]
        for fragment in fragments:
            assert any(fragment in s for s in found), (category, fragment)


def test_the_seed_articles_meet_the_targets() -> None:
    import importlib.util
    spec = importlib.util.spec_from_file_location("ingest_score", ROOT / "benchmarks" / "ingest_score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seeds, own = module.score(), module.score_own()
    for result in (seeds, own):
        assert result["references"]["f1"] >= 0.95
        assert result["links"]["f1"] >= 0.90


def test_json_output(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    result = run("ingest", str(CASES / "vancouver.txt"), "--format", "json", data=data, build=tmp_path / "b")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {"references", "citations", "cues"}
    assert {"key", "authors", "year", "title", "venue", "doi"} <= set(doc["references"][0])
    assert {"marker", "sentence", "keys"} <= set(doc["citations"][0])
    assert {"anecdote", "commercial", "vague-attribution", "unsupported"} <= set(doc["cues"])
    text = (CASES / "vancouver.txt").read_text(encoding="utf-8")
    assert all(c["sentence"] in text for c in doc["citations"])  # sentences exactly as they stand
    assert (data / "articles" / "vancouver.txt").read_bytes() == (CASES / "vancouver.txt").read_bytes()


def test_draft_validates_is_traced_and_never_counts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    build = tmp_path / "build"
    result = run("ingest", str(CASES / "vancouver.txt"), "--id", "retro-blog", data=data, build=build)
    assert result.exit_code == 0, result.stderr
    draft_path = data / "annotations" / "retro-blog.yaml"
    draft = yaml.safe_load(draft_path.read_text(encoding="utf-8"))
    assert draft["draft"] is True and draft["text"] == "retro-blog.txt"
    assert [s["id"] for s in draft["sources"]] == ["nobody2021"]  # the one work no bibliography holds
    assert draft["sources"][0]["verification"] == "unverified"
    assert [c["source"] for c in draft["consulted"]] == ["nobody2021"]
    load_corpus(data)
    project = Project(data, build)
    claim = next(c["id"] for c in draft["claims"] if "treatment for chronic low back pain" in c["statement"])
    t = project.trace(claim)
    assert t.appearances[0]["draft"] is True
    assert t.appearances[0]["citations"][0]["source"]["id"] == "ahmad2023_physioquart"
    assert t.verdict["basis"] == [] and t.verdict["peer_reviewed_support"] is False
    # made an appearance of a real claim, the draft changes nothing until the mark is removed
    app = next(a for a in draft["appearances"] if a["claim"] == claim)
    app["claim"] = "bw-reduces-lbp"
    app["hedging"] = "certain"
    app["citations"][0].update(fidelity="supports", stance="finding")
    draft["claims"] = [c for c in draft["claims"] if c["id"] != claim]
    draft_path.write_text(yaml.safe_dump(draft, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert project.trace("bw-reduces-lbp").verdict["peer_reviewed_support"] is False
    draft["draft"] = False
    draft_path.write_text(yaml.safe_dump(draft, sort_keys=False, allow_unicode=True), encoding="utf-8")
    refused = run("build", data=data, build=build)
    assert refused.exit_code == 3 and "set curator_added: false" in refused.stderr  # reviewed: resolve it
    draft["appearances"] = [app]  # the reviewer keeps the one appearance they checked
    draft["claims"] = []
    draft_path.write_text(yaml.safe_dump(draft, sort_keys=False, allow_unicode=True), encoding="utf-8")
    bibliography = data / "bibliography.yaml"
    text = bibliography.read_text(encoding="utf-8")
    start = text.index("- id: ahmad2023_physioquart")
    bibliography.write_text(text[:start] + text[start:].replace("curator_added: true", "curator_added: false", 1),
                            encoding="utf-8")
    context = data / "context.yaml"
    lines = context.read_text(encoding="utf-8").split("  - claim: ")
    context.write_text("  - claim: ".join(x for x in lines if "ahmad2023_physioquart" not in x), encoding="utf-8")
    reviewed = project.trace("bw-reduces-lbp").verdict
    assert reviewed["peer_reviewed_support"] is True
    assert [o["source"] for o in reviewed["certainty_from"]] == ["ahmad2023_physioquart"]


def test_robust_to_web_text(tmp_path: Path, sources: dict) -> None:
    glued = ("Image of a walkerBackward walking eases\u00a0back pain [1]. It\u2019s \u201cgreat\u201d for balance.\n"
             + "Long line. " * 20000 + "\nReferences\n[1] Raza T, Riaz S. Retro walking. Iranian Rehabilitation Journal. 2023;21(2):309-318.\n")
    a = analyse(glued, sources)
    assert [c.keys for c in a.citations] == [("1",)]
    assert a.sentence(a.citations[0].sentence).startswith("Image of a walkerBackward walking eases")
    assert a.matches["1"] == "raza2023_irj"


def test_bad_files_give_clear_errors(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    result = run("ingest", str(empty), data=data, build=tmp_path / "b")
    assert result.exit_code == 3 and "the file is empty" in result.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\u00e9 walking \u2013 backwards helps back pain.\n".encode("cp1252"))
    result = run("ingest", str(latin), data=data, build=tmp_path / "b")
    assert result.exit_code == 3 and "not UTF-8" in result.stderr and "--encoding" in result.stderr
    assert not (data / "articles" / "latin.txt").exists()
    result = run("ingest", str(latin), "--encoding", "cp1252", data=data, build=tmp_path / "b")
    assert result.exit_code == 0, result.stderr
    assert (data / "articles" / "latin.txt").read_text(encoding="utf-8").startswith("Caf\u00e9 walking \u2013")
    again = run("ingest", str(latin), "--encoding", "cp1252", data=data, build=tmp_path / "b")
    assert again.exit_code == 3 and "never overwritten" in again.stderr


def test_batch_shows_progress_and_writes_every_draft(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    files = [CASES / f"{n}.txt" for n in ARTICLES]
    result = run("ingest", *map(str, files), data=data, build=tmp_path / "b")
    assert result.exit_code == 0, result.stderr
    assert "Ingesting" in result.stderr
    for n in ARTICLES:
        assert (data / "annotations" / f"{n}.yaml").is_file()
    load_corpus(data)
    assert run("ingest", *map(str, files), "--id", "x", data=data, build=tmp_path / "b").exit_code == 2
