"""Incremental builds: after one article changes (an edit, an addition, a removal), the build
updates the last one in place, and what it publishes is byte for byte what a full build of the
same data publishes (but for the times of the files, which the manifest records), derived facts
that cross articles included (issue 18)."""

from __future__ import annotations

import json
import pickle
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from lbpgraph.analysis.projection import Facts, load_facts, refresh
from lbpgraph.core import vocab
from lbpgraph.project import Project

from .conftest import DATA
from .edits import Corpus, add, edit, remove

STORES = ["memory", "oxigraph"]


def _project(root: Path, name: str, store: str) -> Project:
    spec = "memory" if store == "memory" else f"oxigraph:{root / (name + '-db')}"
    return Project(root / "data", root / name, spec)


def _published(project: Project, store: str) -> dict[str, Any]:
    """Everything a build published: every file of a memory build; the quads of an Oxigraph
    version (sorted N-Quads) and the files beside them."""
    if store == "memory":
        files = {p.name: p.read_bytes() for p in sorted(project.build_dir.iterdir()) if p.name != ".lock"}
        manifest = json.loads(files["manifest.json"])  # each output's time differs from any other build's
        manifest["outputs"] = {name: size for name, (size, _time) in manifest["outputs"].items()}
        return {**files, "manifest.json": manifest}
    import pyoxigraph as ox
    dataset = project.store().open()  # type: ignore[attr-defined]
    version = Path(project.store().path)  # type: ignore[attr-defined]
    files = {p.name: p.read_bytes() for p in sorted(version.iterdir())
             if p.suffix == ".json" or p.name.endswith(".pickle")}
    quads = sorted(dataset.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())
    return {"quads": quads, **files}


def _full(root: Path, store: str) -> dict[str, Any]:
    for leftover in ("full", "full-db"):
        shutil.rmtree(root / leftover, ignore_errors=True)
    project = _project(root, "full", store)
    try:
        assert project.build().updated is False
        return _published(project, store)
    finally:
        project.close()


ANALYSIS = {"projection.pickle", "traces.json", "traces-index.json", "stats.json", "search.json", "answers.json"}


def _normal(facts: Facts) -> tuple[Any, ...]:
    """Facts as sets: the order in which a store gives a resource's values does not count."""
    return ({s: {p: sorted(map(repr, v)) for p, v in ps.items()} for s, ps in facts.props.items()},
            dict(facts.why), facts.selectors)


def _same_as_full(root: Path, store: str, incremental: Project) -> None:
    result = incremental.build()
    assert result.rebuilt and result.updated
    mine, full = _published(incremental, store), _full(root, store)
    if store == "oxigraph":  # an update on disk keeps no analysis: reads project it, with the same answers
        assert not ANALYSIS & mine.keys()
        # the full build's facts, carried, with the resources changed since read again, are those a full build reads
        facts = load_facts(mine.pop("facts.pickle"))
        touched = json.loads(mine.pop("touched.json"))
        assert touched and not any(s.startswith(vocab.PREFIXES["derivation"]) for s in touched)
        refresh(facts, incremental.store(), touched)
        assert _normal(facts) == _normal(load_facts(full.pop("facts.pickle")))
        mine_graph, full_graph = incremental.projection(), pickle.loads(full["projection.pickle"])
        assert list(mine_graph.nodes(data=True)) == list(full_graph.nodes(data=True))
        assert list(mine_graph.edges(data=True)) == list(full_graph.edges(data=True))
        assert mine_graph.graph == full_graph.graph
        for name, read in (("stats.json", incremental.stats), ("traces.json", incremental.traces)):
            assert json.loads(json.dumps(read(), sort_keys=True)) == json.loads(full.pop(name))
        full = {name: data for name, data in full.items() if name not in ANALYSIS}
    assert mine.keys() == full.keys()
    for name in mine:
        assert mine[name] == full[name], f"{name} differs from a full build's"


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    shutil.copytree(DATA, tmp_path / "data")
    return Corpus(tmp_path / "data")


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("change", ["edit", "add", "remove"])
def test_one_changed_article_is_built_in_place_as_a_full_build_would(corpus: Corpus, store: str, change: str) -> None:
    rng = random.Random(f"{change}-{store}")
    project = _project(corpus.data.parent, "build", store)
    try:
        project.build()
        {"edit": lambda: edit(rng, corpus), "add": lambda: add(rng, corpus), "remove": lambda: remove(rng, corpus)}[change]()
        _same_as_full(corpus.data.parent, store, project)
    finally:
        project.close()


MISSING = "SELECT ?article WHERE { ?m a lbp:MissingWarning ; dcterms:isPartOf ?article ; lbp:knownFrom ?known }"


@pytest.mark.parametrize("store", STORES)
def test_a_warning_dropped_in_one_article_clears_the_missing_warning_of_another(corpus: Corpus, store: str) -> None:
    """Article 000 warns against backward walking with pain provoked by activity; articles 001
    and 003 recommend (treadmill) backward walking without that warning, so they miss it. When
    000 drops the warning, the incremental build drops their missing warnings, as a full build
    does."""
    known = "<https://w3id.org/lbpgraph/id/contraindication/backward-walking.pain-provoked-by-activity.absolute>"
    query = MISSING.replace("?known }", f"{known} }}")
    project = _project(corpus.data.parent, "build", store)
    try:
        project.build()
        assert sorted(r[0]["value"] for r in project.store().select(_prologue() + query)) == [
            "https://w3id.org/lbpgraph/id/article/001", "https://w3id.org/lbpgraph/id/article/003"]
        annotation = corpus.data / "annotations" / "000.yaml"
        text = annotation.read_text(encoding="utf-8")
        line = "      - {intervention: backward-walking, condition: pain-provoked-by-activity, severity: absolute}\n"
        assert line in text
        annotation.write_text(text.replace(line, "      - {intervention: backward-walking, condition: "
                                                 "facet-joint-arthritis, severity: absolute}\n"), encoding="utf-8")
        _same_as_full(corpus.data.parent, store, project)
        assert project.store().select(_prologue() + query) == []
    finally:
        project.close()


CAUTIONS = "SELECT ?c WHERE { ?c a lbp:InferredCaution ; lbp:intervention concept:back-walking-massage }"


@pytest.mark.parametrize("store", STORES)
def test_an_article_made_a_draft_and_reviewed_again_builds_as_a_full_build_would(corpus: Corpus, store: str) -> None:
    """Drafts never count: made a draft, 004 no longer proposes the mechanisms whose cautions
    back walking gets, and 000 no longer states the warning 001 and 003 leave out. Each step
    updates in place to what a full build gives, and undoing it brings them back."""
    known = "<https://w3id.org/lbpgraph/id/contraindication/backward-walking.pain-provoked-by-activity.absolute>"
    project = _project(corpus.data.parent, "build", store)
    try:
        project.build()
        counts = lambda: (len(project.store().select(_prologue() + CAUTIONS)),  # noqa: E731
                          len(project.store().select(_prologue() + MISSING.replace("?known }", f"{known} }}"))))
        assert all(counts())
        for article, gone in (("004", 0), ("000", 1)):
            annotation = corpus.data / "annotations" / f"{article}.yaml"
            reviewed = annotation.read_text(encoding="utf-8")
            annotation.write_text("draft: true\n" + reviewed, encoding="utf-8")
            _same_as_full(corpus.data.parent, store, project)
            assert counts()[gone] == 0
            annotation.write_text(reviewed, encoding="utf-8")
            _same_as_full(corpus.data.parent, store, project)
            assert all(counts())
    finally:
        project.close()


def _prologue() -> str:
    from lbpgraph.rdf.sparql import sparql_prologue
    return sparql_prologue()


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("seed", [2])
def test_random_edits_in_a_row_each_give_what_a_full_build_gives(corpus: Corpus, store: str, seed: int) -> None:
    rng = random.Random(seed)
    project = _project(corpus.data.parent, "build", store)
    try:
        project.build()
        for _ in range(5):
            r = rng.random()
            add(rng, corpus) if r < 0.15 else remove(rng, corpus) if r < 0.3 else edit(rng, corpus)
            _same_as_full(corpus.data.parent, store, project)
    finally:
        project.close()


def test_a_change_beyond_the_articles_builds_in_full(corpus: Corpus) -> None:
    project = _project(corpus.data.parent, "build", "memory")
    project.build()
    concepts = corpus.data / "concepts.yaml"
    concepts.write_text(concepts.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    result = project.build()
    assert result.rebuilt and not result.updated


KEYS = {"appearances": "?k a lbp:Appearance", "citations": "?k a cito:Citation", "claims": "?k a schema:Claim",
        "articles": "?k lbp:articleKind ?kind", "warned articles": "?k lbp:articleKind ?kind",
        "interventions": "?c schema:about ?k", "ratings": "?k a lbp:EvidenceRating"}


def _built(data: Path) -> Any:
    from lbpgraph.build.pipeline import build_store
    from lbpgraph.model.corpus import load_corpus
    return build_store(load_corpus(data))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from lbpgraph.devtools.synth import generate
    data = tmp_path_factory.mktemp("synthetic") / "data"
    generate(data, 20000, 3)
    return _built(data)


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_what_a_rule_derived_for_some_keys_is_read_from_its_records(which: str, request: pytest.FixtureRequest) -> None:
    """Each rule's output splits by its key: its restricted runs over a partition of the keys
    give its whole output; a MINUS narrowed to the keys' articles removes what it removed; and
    its derivation records give what its restricted run gives, for every part."""
    from lbpgraph.build.incremental import NARROWED, RULE_KEYS, derived_for
    from lbpgraph.build.rules import load_rules
    store = _built(DATA) if which == "real" else request.getfixturevalue("synthetic")
    rng = random.Random(which)
    for rule in load_rules():
        variable, kind = RULE_KEYS[rule.name]
        keys = sorted({r[0].value for r in store.query(_prologue() + f"SELECT ?k WHERE {{ {KEYS[kind]} }}",
                                                         use_default_graph_as_union=True)})
        rng.shuffle(keys)
        parts = [set(keys[i::3]) for i in range(3)]
        whole = set(store.query(rule.construct(), use_default_graph_as_union=True))
        outputs = []
        for part in parts:
            restricted = set(store.query(rule.restricted(variable, part), use_default_graph_as_union=True))
            narrowed = {v: _articles_of(store, variable, part) for v, _ in NARROWED.get(rule.name, [])}
            assert set(store.query(rule.restricted(variable, part, narrowed), use_default_graph_as_union=True)) == restricted
            assert derived_for(store, rule, variable, part) == restricted, rule.name
            outputs.append(restricted)
        assert set().union(*outputs) == whole, rule.name


def _articles_of(store: Any, variable: str, keys: set[str]) -> set[str]:
    values = " ".join(f"<{k}>" for k in keys)
    query = f"SELECT ?a WHERE {{ VALUES {variable} {{ {values} }} {variable} dcterms:isPartOf ?a }}"
    return {r[0].value for r in store.query(_prologue() + query, use_default_graph_as_union=True)}


def test_a_restricted_minus_becomes_a_filter_only_where_that_means_the_same() -> None:
    from lbpgraph.build.rules import restrict_groups
    values = "VALUES ?k { <urn:k> }"

    def restricted(where: str) -> str:
        return " ".join(restrict_groups(where, "?k", values, {"?n": "VALUES ?n { <urn:n> }"}).split())

    assert "FILTER NOT EXISTS { ?s a <urn:T> }" in restricted("{ ?k <urn:p> ?s . MINUS { ?s a <urn:T> } }")
    # MINUS removes nothing where it shares no variable; the filter would remove every solution
    assert "MINUS { ?t a <urn:T> }" in restricted("{ ?k <urn:p> ?s . MINUS { ?t a <urn:T> } }")
    assert "MINUS { ?t a <urn:T> }" in restricted("{ ?k <urn:p> ?s . FILTER (?t != ?s) MINUS { ?t a <urn:T> } }")
    # a variable bound only after it: the filter would see its values, MINUS does not
    assert "MINUS { ?s <urn:q> ?o }" in restricted("{ ?k <urn:p> ?s . MINUS { ?s <urn:q> ?o } ?k <urn:r> ?o }")
    # a group inside: left as it is (the one inside can be a filter)
    nested = restricted("{ ?k <urn:p> ?s . MINUS { ?s <urn:q> ?o . MINUS { ?o a <urn:T> } } }")
    assert "MINUS { ?s <urn:q> ?o . FILTER NOT EXISTS { ?o a <urn:T> } }" in nested
    # one that mentions the key starts from it; one that mentions a narrowed variable, from its values
    assert f"MINUS {{ {values} ?k <urn:q> ?s }}" in restricted("{ ?k <urn:p> ?s . MINUS { ?k <urn:q> ?s } }")
    assert "MINUS { VALUES ?n { <urn:n> } ?n <urn:q> ?s }" in restricted("{ ?k <urn:p> ?n . MINUS { ?n <urn:q> ?s } }")


def test_a_changed_record_target_or_selector_stands_for_the_resource_whose_facts_it_gives(built: Project) -> None:
    """An update reads again the facts of what it changed: the subject of a derivation record
    whose premises alone changed, the appearance of a target or selector whose quotation did."""
    from lbpgraph.analysis.projection import affected
    store = built.store()
    [(record, subject)] = store.select(_prologue() + "SELECT ?d ?s WHERE { ?d lbp:derivedSubject ?s ; "
                                       "lbp:derivedPredicate lbp:certainty ; prov:used ?p } ORDER BY ?d LIMIT 1")
    [(appearance, target, quote)] = store.select(_prologue() + "SELECT ?a ?t ?q WHERE { ?a oa:hasTarget ?t . "
                                                 "?t oa:hasSelector ?q . ?q oa:exact ?x } ORDER BY ?a ?q LIMIT 1")
    assert affected([record["value"]], [store]) == {subject["value"]}
    assert affected([target["value"]], [store]) == {target["value"], appearance["value"]}
    assert affected([quote["value"]], [store]) == {quote["value"], appearance["value"]}
    assert affected([subject["value"]], [store]) == {subject["value"]}


def test_damaged_facts_are_read_again_from_the_store(corpus: Corpus) -> None:
    """The facts an update carries only save time: damaged, the first whole-graph read projects
    the whole store instead, with the same answers."""
    project = _project(corpus.data.parent, "build", "oxigraph")
    try:
        project.build()
        edit(random.Random(3), corpus)
        assert project.build().updated
        version = Path(project.store().path)  # type: ignore[attr-defined]
        expected = json.loads(json.dumps(Project(corpus.data, corpus.data.parent / "full", "memory").traces(),
                                         sort_keys=True))
        for damage in (b"not a pickle", pickle.dumps("not facts")):
            (version / "facts.pickle").write_bytes(damage)
            for cached in (corpus.data.parent / "build").glob("projection-*.pickle"):
                cached.unlink()
            fresh = _project(corpus.data.parent, "build", "oxigraph")
            assert json.loads(json.dumps(fresh.traces(), sort_keys=True)) == expected
            fresh.close()
    finally:
        project.close()


def test_the_facts_a_build_keeps_are_the_same_bytes_in_whatever_order_the_store_gives_them(
        built_oxigraph: Project) -> None:
    """The store hands a resource's values (and the resources) in an order of its own, which
    differed between two builds of the same data: what a build keeps must not."""
    from lbpgraph.analysis.projection import dump_facts
    kept = built_oxigraph.store().attachment("facts.pickle")
    assert kept is not None
    facts = load_facts(kept)
    assert dump_facts(facts) == kept
    shuffled, rng = load_facts(kept), random.Random(7)
    many = [values for ps in shuffled.props.values() for values in ps.values() if len(set(map(repr, values))) > 1]
    assert len(many) > 10
    for values in many:
        while values == sorted(values, key=repr):
            rng.shuffle(values)
    for table in ("props", "why", "selectors"):
        items = list(getattr(shuffled, table).items())
        rng.shuffle(items)
        setattr(shuffled, table, dict(items))
    assert _normal(shuffled) == _normal(facts)
    assert dump_facts(shuffled) == kept
