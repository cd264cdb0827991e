"""The build: named graphs in standard vocabularies, no blank nodes, byte-identical, cached, atomic."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from lbpgraph.core import vocab
from lbpgraph.core.errors import CannotWrite
from lbpgraph.core.files import atomic_write
from lbpgraph.project import Project
from lbpgraph.stores.memory import MANIFEST_FILE
from lbpgraph.rdf.namespaces import GRAPH_BIBLIOGRAPHY, GRAPH_DERIVED, article_graph

from .conftest import DATA, ROOT, run


def _named_graphs(ds: Dataset) -> dict[str, object]:
    return {str(g.identifier): g for g in ds.graphs() if len(g)}


def test_named_graphs(built: Project) -> None:
    graphs = _named_graphs(built.dataset())
    articles = sorted(p.stem for p in (DATA / "annotations").glob("*.yaml"))
    expected = {str(article_graph(a)) for a in articles} | {str(GRAPH_BIBLIOGRAPHY), str(GRAPH_DERIVED)}
    assert set(graphs) == expected
    ds = built.dataset()
    # every graph names the files it was built from
    for g in graphs:
        assert list(ds.graph(URIRef(g)).objects(URIRef(g), URIRef(vocab.expand("lbp:sourceFile")))) or g == str(GRAPH_DERIVED)
    # curated and derived facts stay apart: no rule output in a curated graph
    derived_predicates = {URIRef(vocab.expand(p)) for p in ("lbp:basis", "lbp:flag", "lbp:peerReviewedSupport", "lbp:strength")}
    for g in graphs:
        if g != str(GRAPH_DERIVED):
            assert not any(p in derived_predicates for p in ds.graph(URIRef(g)).predicates())


def test_no_triple_is_in_two_graphs(built: Project, tmp_path: Path) -> None:
    """Queries read the union of the graphs; a triple stated in two graphs would count twice in
    Oxigraph's union (oxigraph#1919) and multiply the solutions of the rules."""
    from lbpgraph.devtools.synth import generate
    generate(tmp_path / "synth", 20_000, seed=3)
    for ds in (built.dataset(), Project(tmp_path / "synth", tmp_path / "build").dataset()):
        quads = [(s, p, o) for s, p, o, _ in ds.quads()]
        assert len(quads) == len(set(quads)) > 0
    contraindications = [s for s in built.dataset().subjects(RDF.type, URIRef(vocab.expand("schema:MedicalContraindication")))]
    assert contraindications, "data/ states contraindications"


def test_no_blank_nodes_and_only_documented_terms(built: Project) -> None:
    ds = built.dataset()
    documented = {t.iri for t in vocab.TERMS}
    predicates, classes = set(), set()
    for s, p, o, _ in ds.quads():
        assert not isinstance(s, BNode) and not isinstance(o, BNode)
        predicates.add(str(p))
        if p == RDF.type:
            classes.add(str(o))
    assert predicates - documented == set()
    assert classes - documented == set()


def test_trig_round_trips_and_binds_only_our_prefixes(built: Project) -> None:
    text = built.graph_path.read_text(encoding="utf-8")
    declared = [line.split()[1].rstrip(":") for line in text.splitlines() if line.startswith("@prefix")]
    assert declared == list(vocab.PREFIXES)
    reparsed = Dataset()
    reparsed.parse(data=text, format="trig")
    original, again = _named_graphs(built.dataset()), _named_graphs(reparsed)
    assert set(original) == set(again)
    for name in original:
        assert isomorphic(original[name], again[name]), name


def _build_in_subprocess(build_dir: Path, seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-m", "lbpgraph", "--data", str(DATA), "--build-dir", str(build_dir), "build"],
                   check=True, env=env, cwd=ROOT, capture_output=True)
    return (build_dir / "graph.trig").read_bytes()


def test_byte_identical_under_different_hash_seeds(tmp_path: Path) -> None:
    first = _build_in_subprocess(tmp_path / "a", "1")
    second = _build_in_subprocess(tmp_path / "b", "2987")
    assert first == second


def test_build_is_reused_and_redone_when_data_changes(data_copy: Path, tmp_path: Path) -> None:
    build = tmp_path / "build"
    assert run("build", data=data_copy, build=build).stdout.startswith("Built ")
    assert run("build", data=data_copy, build=build).stdout.startswith("Up to date:")
    claims = data_copy / "claims.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace(
        "statement: Backward walking reduces low back pain.", "statement: Backward walking eases low back pain."),
        encoding="utf-8")
    # trace notices the change and rebuilds by itself
    result = run("trace", "bw-reduces-lbp", data=data_copy, build=build)
    assert result.exit_code == 0
    assert "Backward walking eases low back pain." in result.stdout
    assert run("build", data=data_copy, build=build).stdout.startswith("Up to date:")


def test_interrupted_build_is_never_mistaken_for_complete(data_copy: Path, tmp_path: Path) -> None:
    project = Project(data_copy, tmp_path / "build")
    project.build()
    assert project.is_current()
    (tmp_path / "build" / MANIFEST_FILE).unlink()  # as if the process died before the manifest
    assert not project.is_current()
    assert project.build().rebuilt


def test_the_garbage_collector_pauses_during_a_build_and_comes_back_after(data_copy: Path, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A build runs without Python's cyclic collector (its full collections cost seconds at 1M
    triples), and the collector is on again afterwards, also when the build fails."""
    import gc

    import lbpgraph.build.pipeline as pipeline
    seen: list[bool] = []
    real = pipeline.nquads_chunks

    def watched(corpus: object) -> object:
        seen.append(gc.isenabled())
        return real(corpus)  # type: ignore[arg-type]
    monkeypatch.setattr(pipeline, "nquads_chunks", watched)
    assert gc.isenabled()
    Project(data_copy, tmp_path / "build").build()
    assert seen == [False] and gc.isenabled()
    (data_copy / "claims.yaml").write_text("claims: [oops\n", encoding="utf-8")
    from lbpgraph.core.errors import InvalidInput
    with pytest.raises(InvalidInput):
        Project(data_copy, tmp_path / "build").build()
    assert gc.isenabled()


@pytest.mark.parametrize("read", ["projection", "traces", "view --all", "report"])
def test_whole_graph_reads_run_with_the_garbage_collector_paused(read: str, built: Project,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import lbpgraph.core.runtime as runtime
    from lbpgraph.presentation.report import build_report, render_html, render_markdown

    class Recorder:  # the gc module as gc_paused sees it, recording what it is told
        def __init__(self) -> None:
            self.calls: list[str] = []

        def isenabled(self) -> bool:
            return gc.isenabled()

        def disable(self) -> None:
            self.calls.append("disable")

        def enable(self) -> None:
            self.calls.append("enable")
    recorder = Recorder()
    project = Project(built.data_dir, built.build_dir)
    project.build()  # up to date: nothing kept in this Project yet
    graph, traces = built.projection(), built.traces()
    report = build_report(graph, traces)
    monkeypatch.setattr(runtime, "gc", recorder)
    reads = {"projection": [project.projection], "traces": [project.traces],
             "view --all": [lambda: project.view(None)],
             "report": [lambda: build_report(graph, traces), lambda: render_html(report), lambda: render_markdown(report)]}
    for call in reads[read]:  # each paused on its own
        recorder.calls.clear()
        call()
        assert recorder.calls[:1] == ["disable"] and recorder.calls[-1:] == ["enable"]
        assert recorder.calls.count("disable") == recorder.calls.count("enable")


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out" / "graph.trig"
    atomic_write(target, b"old")

    def fail(*args: object) -> None:
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CannotWrite, match=f"cannot write {target}: Permission denied; nothing was replaced"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["graph.trig"]


@pytest.mark.parametrize("command", [["view", "bw-unloads-discs", "--out"], ["report", "--out"],
                                     ["export", "--format", "trig", "--out"]])
def test_an_output_that_cannot_be_written_is_one_line_and_exit_7(built: Project, tmp_path: Path,
                                                                  command: list[str]) -> None:
    """Not an internal error naming a temporary file: the output asked for, and why."""
    (tmp_path / "file").write_bytes(b"")
    target = tmp_path / "file" / "out.html"
    result = run(*command, str(target), build=built.build_dir)
    assert result.exit_code == 7
    assert result.stderr.splitlines() == [
        f"Error: cannot write {target}: a file stands where its folder should be; nothing was replaced"]
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_outputs_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "x", b"data")
    finally:
        os.umask(old)
    assert (tmp_path / "x").stat().st_mode & 0o777 == 0o644


def test_build_folder_is_git_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "/build/" in ignored
    if shutil.which("git") and (ROOT / ".git").exists():
        check = subprocess.run(["git", "check-ignore", "-q", "build/graph.trig"], cwd=ROOT)
        assert check.returncode == 0
