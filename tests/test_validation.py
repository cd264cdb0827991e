"""Every class of bad input is reported on one line naming file, line and record; nothing is written."""

from __future__ import annotations

import copy
import gc
import json
import shutil
from pathlib import Path

import pytest

from lbpgraph.model.corpus import load_corpus
from lbpgraph.core.errors import InvalidInput, Issue

from . import factory
from .bad_inputs import CASES, BadInput, snapshot
from .conftest import run


def problems(folder: Path) -> list[Issue]:
    with pytest.raises(InvalidInput) as info:
        load_corpus(folder)
    return info.value.issues


def line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


def test_minimal_corpus_is_valid(tmp_path: Path) -> None:
    corpus = load_corpus(factory.write(tmp_path, factory.corpus()))
    assert set(corpus.claims) == {"bw-helps", "bw-unloads"}
    # the quote matched across a no-break space and kept the article's own characters
    span = corpus.articles["a"].appearance_spans["helps"]
    assert corpus.articles["a"].text.text[span.start:span.end] == "Walking backwards helps\u00a0back pain"


def test_loading_leaves_the_garbage_collector_as_it_found_it(tmp_path: Path) -> None:
    folder = factory.write(tmp_path, factory.corpus())
    load_corpus(folder)
    assert gc.isenabled()
    (folder / "annotations" / "a.yaml").write_text("kind: [", encoding="utf-8")
    problems(folder)
    assert gc.isenabled()
    gc.disable()
    try:
        problems(folder)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    folder = factory.write(tmp_path, factory.corpus())
    path = folder / "annotations" / "a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: personal-blog", "kind: [personal-blog"),
                    encoding="utf-8")
    [issue] = problems(folder)
    assert issue.file == "annotations/a.yaml"
    assert issue.message.startswith("YAML syntax")
    assert issue.record == "article a"
    assert issue.line == line_of(path, "kind: [personal-blog")


def test_unknown_key(tmp_path: Path) -> None:
    data = factory.corpus()
    data["annotations"]["a"]["appearances"][0]["quotee"] = "x"
    folder = factory.write(tmp_path, data)
    [issue] = problems(folder)
    assert issue.message == "unknown key 'quotee'"
    assert issue.record == "appearance helps"
    assert issue.line == line_of(folder / "annotations" / "a.yaml", "quotee")


def test_missing_field(tmp_path: Path) -> None:
    data = factory.corpus()
    del data["annotations"]["a"]["appearances"][1]["hedging"]
    folder = factory.write(tmp_path, data)
    [issue] = problems(folder)
    assert issue.message == "missing field 'hedging'"
    assert issue.record == "appearance discs"
    assert issue.line == line_of(folder / "annotations" / "a.yaml", "id: discs")


@pytest.mark.parametrize("edit, message, record", [
    (lambda d: d["annotations"]["a"]["appearances"][0].update(claim="nope"), "unknown claim 'nope'", "appearance helps"),
    (lambda d: d["annotations"]["a"]["appearances"][1]["citations"][0].update(source="nobody"),
     "unknown source 'nobody'", "appearance discs citation #1"),
    (lambda d: d["annotations"]["a"]["appearances"][0].update(speaker="ghost"), "unknown speaker 'ghost'", "appearance helps"),
    (lambda d: d["claims.yaml"]["claims"][0].update(interventions=["disc"]),
     "unknown intervention 'disc' (it is one of the structures)", "claim bw-helps"),
    (lambda d: d["bibliography.yaml"]["sources"][0]["cites"][0].update(claims=["bw-nothing"]),
     "unknown claim 'bw-nothing'", "source smith2010 citation #1"),
])
def test_dangling_reference(tmp_path: Path, edit, message: str, record: str) -> None:  # noqa: ANN001
    data = factory.corpus()
    edit(data)
    [issue] = problems(factory.write(tmp_path, data))
    assert (issue.message, issue.record) == (message, record)


def test_duplicate_ids(tmp_path: Path) -> None:
    data = factory.corpus()
    data["claims.yaml"]["claims"].append(copy.deepcopy(data["claims.yaml"]["claims"][0]))
    data["annotations"]["a"]["appearances"][1]["id"] = "helps"
    data["bibliography.yaml"]["sources"].append(copy.deepcopy(data["bibliography.yaml"]["sources"][1]))
    folder = factory.write(tmp_path, data)
    found = {(i.file, i.message) for i in problems(folder)}

    def line(file: str, text: str) -> int:  # where the first definition stands
        return next(n for n, x in enumerate((folder / file).read_text(encoding="utf-8").splitlines(), 1) if text in x)
    assert ("claims.yaml", f"duplicate claim id 'bw-helps' (also defined in claims.yaml:{line('claims.yaml', 'id: bw-helps')})") in found
    assert ("annotations/a.yaml", "duplicate appearance id 'helps'") in found
    assert ("bibliography.yaml", "duplicate source id 'smith_ref3' (also defined in "
            f"bibliography.yaml:{line('bibliography.yaml', 'id: smith_ref3')})") in found


def test_quote_not_in_article(tmp_path: Path) -> None:
    data = factory.corpus()
    data["annotations"]["a"]["appearances"][0]["quote"] = "Walking forwards helps back pain"
    [issue] = problems(factory.write(tmp_path, data))
    assert issue.message == "quote not found in articles/a.txt: 'Walking forwards helps back pain'"
    assert issue.record == "appearance helps"


def test_quote_whitespace_is_normalised_but_nothing_else(tmp_path: Path) -> None:
    data = factory.corpus()
    data["annotations"]["a"]["appearances"][0]["quote"] = "Walking   backwards\n helps back\tpain"
    load_corpus(factory.write(tmp_path / "ok", data))
    data["annotations"]["a"]["appearances"][1]["quote"] = 'Studies show it unloads the "discs" (1).'
    [issue] = problems(factory.write(tmp_path / "straight-quotes", data))
    assert issue.message.startswith("quote not found")


def test_repeated_quote_needs_an_occurrence(tmp_path: Path) -> None:
    data = factory.corpus()
    del data["annotations"]["a"]["not_claims"][0]["occurrence"]
    [issue] = problems(factory.write(tmp_path / "ambiguous", data))
    assert issue.message == "quote occurs 2 times in articles/a.txt; add 'occurrence: 1..2'"
    data["annotations"]["a"]["not_claims"][0]["occurrence"] = 3
    [issue] = problems(factory.write(tmp_path / "too-far", data))
    assert issue.message == "occurrence 3 but the quote occurs 2 time(s)"


@pytest.mark.parametrize("value, message", [
    ("2014-02-30", "bad date '2014-02-30': no such day"),
    ("8 Feb", "bad date '8 Feb' (expected YYYY, YYYY-MM or YYYY-MM-DD)"),
])
def test_bad_date(tmp_path: Path, value: str, message: str) -> None:
    data = factory.corpus()
    data["annotations"]["a"]["published"] = value
    [issue] = problems(factory.write(tmp_path, data))
    assert issue.message == f"published: {message}"
    assert issue.line == line_of(tmp_path / "data" / "annotations" / "a.yaml", "published:")


@pytest.mark.parametrize("field, value, expected", [
    ("doi", "https://doi.org/10.1097/x", "bad DOI"),
    ("pmid", "PMID123", "bad PMID"),
    ("pmcid", "6616307", "bad PMCID"),
    ("verified_at", ["ftp://example.org/x"], "bad URL"),
    ("id", "Smith2010", "bad id"),
    ("design", "anecdotal-trial", "is not a known study design hierarchy"),
    ("peer_reviewed", "probably", "is not a known peer-review status of a source"),
])
def test_bad_identifier_or_value(tmp_path: Path, field: str, value: object, expected: str) -> None:
    data = factory.corpus()
    data["bibliography.yaml"]["sources"][1][field] = value
    issues = problems(factory.write(tmp_path, data))
    assert any(expected in i.message and i.file == "bibliography.yaml" for i in issues), issues


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = factory.corpus()
    data["annotations"]["a"]["appearances"][0]["claim"] = "nope"
    data["annotations"]["a"]["appearances"][1]["citations"][0]["fidelity"] = "maybe"
    data["concepts.yaml"]["outcomes"][0]["outcome_kind"] = "spiritual"
    issues = problems(factory.write(tmp_path, data))
    assert len(issues) == 3
    assert {i.file for i in issues} == {"annotations/a.yaml", "concepts.yaml"}


def test_yaml_booleans_and_dates_do_not_change_type(tmp_path: Path) -> None:
    folder = factory.write(tmp_path, factory.corpus())
    path = folder / "bibliography.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("peer_reviewed: 'yes'", "peer_reviewed: yes"),
                    encoding="utf-8")
    assert load_corpus(folder).sources["smith2010"].peer_reviewed == "yes"


@pytest.mark.parametrize("text, message", [
    ("claims:\n- &c {id: x, statement: s, kind: other}\n- *c\n", "aliases (*name) are not allowed"),
    ("claims: []\nclaims: []\n", "duplicate key 'claims'"),
    ("claims: !!python/object:os.system []\n", "unsupported tag"),
])
def test_unsafe_or_ambiguous_yaml_is_refused(tmp_path: Path, text: str, message: str) -> None:
    folder = factory.write(tmp_path, factory.corpus())
    (folder / "claims.yaml").write_text(text, encoding="utf-8")
    issues = problems(folder)
    assert any(message in i.message and i.file == "claims.yaml" for i in issues), issues


@pytest.mark.parametrize("tagged, message", [
    ("!!float word", "!!float 'word' is not a decimal number"),
    ("!!int 1.5", "!!int '1.5' is not a whole number"),
    ("!!bool yes", "!!bool 'yes' is not true or false"),
    ("!!null nothing", "!!null 'nothing' is not empty, ~ or null"),
])
def test_an_explicit_yaml_type_on_other_text_is_a_problem_at_its_line(tmp_path: Path, tagged: str,
                                                                        message: str) -> None:
    folder = factory.write(tmp_path, factory.corpus())
    path = folder / "claims.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"extra: {tagged}\n", encoding="utf-8")
    result = run("build", data=folder, build=tmp_path / "build")
    assert result.exit_code == 3
    where = f"{path}:{line_of(path, 'extra:')}: "
    assert any(line.startswith(where) and line.endswith(message) for line in result.stderr.splitlines()), \
        result.stderr
    assert [p.name for p in (tmp_path / "build").iterdir()] == [".lock"]  # nothing written


def test_article_text_problems(tmp_path: Path) -> None:
    data = factory.corpus()
    folder = factory.write(tmp_path / "latin1", data)
    (folder / "articles" / "a.txt").write_bytes("caf\u00e9 \u2014 Walking".encode("latin-1", "replace"))
    [issue] = problems(folder)
    assert issue.message.startswith("articles/a.txt is not UTF-8")
    data["annotations"]["a"]["text"] = "../claims.yaml"
    [issue] = problems(factory.write(tmp_path / "traversal", data))
    assert issue.message == "text must be a file name in articles/, not a path"
    data["annotations"]["a"]["text"] = "missing.txt"
    [issue] = problems(factory.write(tmp_path / "missing", data))
    assert issue.message == "archived text articles/missing.txt not found"


def test_cli_reports_one_line_per_problem_and_writes_nothing(tmp_path: Path) -> None:
    data = factory.corpus()
    folder = factory.write(tmp_path, data)
    build = tmp_path / "build"
    assert run("build", data=folder, build=build).exit_code == 0
    before = {p.name: p.read_bytes() for p in build.iterdir()}

    annotation = folder / "annotations" / "a.yaml"
    annotation.write_text(annotation.read_text(encoding="utf-8").replace("claim: bw-helps", "claim: nope")
                          .replace("hedging: certain", "hedging: sure", 1), encoding="utf-8")
    result = run("build", data=folder, build=build)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"{folder}/annotations/a.yaml:{line_of(annotation, 'claim: nope')}: appearance helps: unknown claim 'nope'"
    assert "hedging: 'sure' is not a known" in lines[1]
    assert lines[-1] == "Error: 2 problems in the annotations; nothing was written"
    assert {p.name: p.read_bytes() for p in build.iterdir()} == before
    # other commands refuse to run on invalid data rather than serve the stale build
    assert run("trace", "bw-helps", data=folder, build=build).exit_code == 3


@pytest.fixture(scope="module")
def good_builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid corpus built on the memory store (``build``) and on Oxigraph (``ox``)."""
    root = tmp_path_factory.mktemp("good")
    folder = factory.write(root, factory.corpus())
    assert run("build", data=folder, build=root / "build").exit_code == 0
    assert run("--store", f"oxigraph:{root / 'ox'}", "build", data=folder, build=root / "build").exit_code == 0
    return root


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_check_and_every_build_refuse_a_bad_input_alike(tmp_path: Path, good_builds: Path, case: BadInput) -> None:
    """``build --check`` and ``build`` (memory and oxigraph:DIR) accept exactly the same inputs: a bad
    one gets the same exit code and one line per problem naming file and line, and nothing changes."""
    build, ox = tmp_path / "build", tmp_path / "ox"
    shutil.copytree(good_builds / "build", build, symlinks=True)
    shutil.copytree(good_builds / "ox", ox, symlinks=True)
    folder = case.write(tmp_path)
    before = [snapshot(p) for p in (folder, build, ox)]
    for args in (("build", "--check"), ("build",), ("--store", f"oxigraph:{ox}", "build")):
        result = run(*args, data=folder, build=build)
        lines = result.stderr.splitlines()
        assert result.exit_code == case.exit_code, (args, result.stderr)
        assert lines[-1].startswith("Error: ") and all(x.startswith(f"{folder}/") for x in lines[:-1]), lines
        assert any(x.startswith(case.location(folder)) and case.fragment in x for x in lines), (args, lines)
        assert [snapshot(p) for p in (folder, build, ox)] == before, args


def test_urls_an_iri_cannot_hold_are_percent_encoded_in_the_graph(tmp_path: Path) -> None:
    """A real URL may hold | { } " < > \\ ^ `: the graph has them percent-encoded, on every store."""
    encoded = {
        "https://go.gale.com/ps/i.do?id=GALE|A123&v=2.1": "https://go.gale.com/ps/i.do?id=GALE%7CA123&v=2.1",
        "https://example.org/{a}": "https://example.org/%7Ba%7D",
        'https://example.org/a"b': "https://example.org/a%22b",
        "https://example.org/<a>": "https://example.org/%3Ca%3E",
        "https://example.org/a\\b^c`d": "https://example.org/a%5Cb%5Ec%60d",
        "https://example.org/caf\u00e9%7C": "https://example.org/caf\u00e9%7C",  # the rest as written
    }
    data = factory.corpus()
    data["annotations"]["a"]["url"] = next(iter(encoded))
    data["bibliography.yaml"]["sources"][0]["verified_at"] = list(encoded)
    folder = factory.write(tmp_path, data)
    sparql = "SELECT DISTINCT ?u WHERE { { ?x schema:url ?u } UNION { ?x lbp:verifiedAt ?u } }"
    for store in ("memory", f"oxigraph:{tmp_path / 'ox'}"):
        for args in (("build", "--check"), ("build",), ("query", sparql, "--format", "json")):
            result = run("--store", store, *args, data=folder, build=tmp_path / "build")
            assert result.exit_code == 0, (store, args, result.stderr)
        rows = json.loads(result.stdout)["results"]["bindings"]
        assert {row["u"]["value"] for row in rows} == set(encoded.values()), store


def test_hidden_entries_are_not_data(tmp_path: Path, good_builds: Path) -> None:
    """An editor's lock link (.#a.yaml) or a hidden file is neither validated nor fingerprinted,
    so ``build --check`` and ``build`` (reusing a build) agree on it."""
    build = tmp_path / "build"
    shutil.copytree(good_builds / "build", build)
    folder = factory.write(tmp_path, factory.corpus())
    (folder / "annotations" / ".#a.yaml").symlink_to("someone@host.1234")
    (folder / "annotations" / ".a.yaml").write_text("not: [an annotation", encoding="utf-8")
    for args in (("build", "--check"), ("build",)):
        result = run(*args, data=folder, build=build)
        assert result.exit_code == 0, (args, result.stderr)
