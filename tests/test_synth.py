"""The synthetic corpus generator: valid, deterministic, shaped like a real corpus, sized as asked.

One small corpus is generated and built with the real pipeline once for the module; the shape
tests read its built graph.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lbpgraph.core import vocab
from lbpgraph.devtools import synth
from lbpgraph.model.corpus import load_corpus
from lbpgraph.analysis.metrics import longest_chains
from lbpgraph.project import BuildResult, Project
from lbpgraph.build.rules import COVERAGE_RULE, load_rules
from lbpgraph.devtools.synth import SynthError, SynthSummary, generate

from .conftest import run

SIZE = 15_000  # triples: a handful of articles, built in seconds
TOLERANCE = 0.15


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthSummary, Project, BuildResult]:
    root = tmp_path_factory.mktemp("synth")
    summary = generate(root / "data", SIZE, seed=0)
    project = Project(root / "data", root / "build")
    return summary, project, project.build()


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _nodes(project: Project, kind: str) -> list[dict[str, Any]]:
    return [d for _, d in project.projection().nodes(data=True) if d["kind"] == kind]


def test_same_seed_same_bytes_in_any_process(tmp_path: Path) -> None:
    generate(tmp_path / "a", 8000, seed=3)
    script = "import sys; from lbpgraph.devtools.synth import generate; generate(sys.argv[1], 8000, seed=3)"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another order of sets and dicts of strings
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "b")], env=env, check=True)
    generate(tmp_path / "c", 8000, seed=4)
    a = _files(tmp_path / "a")
    assert len(a) > 6
    assert _files(tmp_path / "b") == a
    assert _files(tmp_path / "c") != a


def test_corpus_validates_and_summary_counts_it(corpus: tuple[SynthSummary, Project, BuildResult]) -> None:
    summary, project, result = corpus
    loaded = load_corpus(project.data_dir)
    assert (summary.articles, summary.claims, summary.sources) == \
        (len(loaded.articles), len(loaded.claims), len(loaded.sources))
    assert summary.citations == len(_nodes(project, "citation"))
    assert result.articles == summary.articles >= 5
    assert summary.estimated_triples == synth.estimate_triples(summary.articles)


def test_built_size_is_close_to_the_request(corpus: tuple[SynthSummary, Project, BuildResult]) -> None:
    _, _, result = corpus
    assert abs(result.triples - SIZE) <= TOLERANCE * SIZE, result.triples


def test_every_basis_and_flag_is_derived(corpus: tuple[SynthSummary, Project, BuildResult]) -> None:
    _, project, _ = corpus
    appearances = _nodes(project, "appearance")
    assert {a["basis"] for a in appearances} == set(vocab.BASES.notations)
    assert {f for a in appearances for f in a["flags"]} == set(vocab.FLAGS.notations)
    assert {f for c in _nodes(project, "claim") for f in c["flags"]} == set(vocab.FLAGS.notations)


def test_every_rule_derives_something(corpus: tuple[SynthSummary, Project, BuildResult]) -> None:
    """Each variant of a flag (indirect intervention, population, outcome; mechanism-only by
    outcome or laboratory), inferred cautions and missing warnings included."""
    _, project, _ = corpus
    rows = project.query("SELECT DISTINCT ?rule WHERE { ?d prov:wasGeneratedBy/rdfs:label ?rule }"
                         ).to_json()["results"]["bindings"]
    assert {r["rule"]["value"] for r in rows} == {r.name for r in [*load_rules(), COVERAGE_RULE]}


def test_safety_mechanisms_curator_evidence_drafts_and_coverage(
        corpus: tuple[SynthSummary, Project, BuildResult]) -> None:
    _, project, _ = corpus
    cautions = _nodes(project, "contraindication")
    assert {c["inferred"] for c in cautions} == {True, False}
    assert {c["severity"] for c in cautions} == set(vocab.SEVERITIES.notations)
    assert _nodes(project, "missing-warning")
    assert any(c["mechanisms"] for c in _nodes(project, "claim"))
    assert _nodes(project, "assessment")
    assert any(s["curator_added"] for s in _nodes(project, "source"))
    assert any(a["draft"] for a in _nodes(project, "appearance"))
    assert all(a["sentences"] == a["accounted"] > 20 for a in _nodes(project, "article"))


def test_popularity_is_skewed(tmp_path: Path) -> None:
    """Zipf-like: a few sources draw most citations. Measured on a bigger corpus, not built; with
    uniform popularity the ratio is about 6 and the top tenth's share about a quarter."""
    generate(tmp_path / "data", 100_000, seed=1)
    corpus = load_corpus(tmp_path / "data")
    cited = Counter(c.source for a in corpus.articles.values() for app in a.annotation.appearances
                    for c in app.citations if c.source)
    cited.update(c.source for a in corpus.articles.values() for c in a.annotation.consulted)
    counts = sorted(cited.values(), reverse=True)
    assert len(counts) >= 50
    assert counts[0] >= 15 * statistics.median(counts), counts
    assert sum(counts[:len(counts) // 10]) >= 0.45 * sum(counts), counts


def test_citation_chains_reach_five_sources(corpus: tuple[SynthSummary, Project, BuildResult]) -> None:
    _, project, _ = corpus
    lengths = Counter(c["length"] for c in longest_chains(project.projection(), limit=10_000))
    assert max(lengths) == 5  # counted in sources from the article, the cited source included
    assert lengths[1] > lengths[5] > 0  # most citations are direct


def test_sources_are_marked_synthetic(corpus: tuple[SynthSummary, Project, BuildResult]) -> None:
    _, project, _ = corpus
    sources = load_corpus(project.data_dir).sources.values()
    assert all(s.doi is None and s.pmid is None and s.pmcid is None and not s.verified_at for s in sources)
    assert all(s.verification == "unverified" for s in sources)
    assert all(s.title.startswith("Synthetic ") for s in sources if s.kind != "unidentified" and s.title)
    assert all(s.id.startswith("syn-") for s in sources)


def test_tables_cover_the_vocabulary() -> None:
    """What the generator draws from names every controlled value it should produce."""
    assert {d for p in synth.SOURCE_PROFILES for d in p[2]} == set(vocab.DESIGNS.notations)
    assert {p[0] for p in synth.SOURCE_PROFILES} | {"unidentified"} == set(vocab.SOURCE_KINDS)
    assert {k for k, _ in synth.CLAIM_KINDS} == set(vocab.CLAIM_KINDS.notations)
    assert {m.direction for m in synth.MECHANISMS.values()} == set(vocab.DIRECTIONS.notations)
    written = {"title", "byline", "question-heading", "reference-list", "tags"}
    assert set(synth.NOT_CLAIMS) | written == set(vocab.NOT_CLAIM_REASONS.notations)


def test_refuses_a_folder_in_use(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(SynthError, match="not an empty folder"):
        generate(target, 5000)
    result = run("synth", "--triples", "5000", "--out", str(target))
    assert result.exit_code == 3
    assert "not an empty folder" in result.stderr
    assert _files(target) == {"keep.txt": b"mine"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]  # no temporary folder left


def test_writes_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    assert generate(tmp_path / "data", 5000).articles >= 1
    assert (tmp_path / "data" / "bibliography.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_a_failure_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    articles = iter(range(2))
    write_article = synth._Article.write

    def interrupted(self: Any) -> tuple[str, str, str]:
        if next(articles, None) is None:
            raise KeyboardInterrupt
        return write_article(self)
    monkeypatch.setattr(synth._Article, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        generate(tmp_path / "data", 20_000)
    monkeypatch.undo()

    files = iter(range(3))
    write_text = Path.write_text

    def disk_full(self: Path, *args: Any, **kwargs: Any) -> int:
        if next(files, None) is None:
            raise OSError(28, "No space left on device")
        return write_text(self, *args, **kwargs)
    monkeypatch.setattr(Path, "write_text", disk_full)
    with pytest.raises(SynthError, match="No space left on device"):
        generate(tmp_path / "data", 20_000)
    assert list(tmp_path.iterdir()) == []


def test_cli_writes_a_corpus_that_builds(tmp_path: Path) -> None:
    result = run("synth", "--triples", "6000", "--out", str(tmp_path / "data"), "--seed", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {tmp_path / 'data'}: ") and result.stdout.count("\n") == 1
    check = run("build", "--check", data=tmp_path / "data", build=tmp_path / "build")
    assert check.exit_code == 0, check.output
