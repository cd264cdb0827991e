"""Run the rules of evidence: SPARQL CONSTRUCT files shipped in ``lbpgraph/rules/``.

Each file is one rule. Its leading ``#`` comment says what it derives and why, in words; the
rest is the CONSTRUCT query, written without PREFIX lines (lbpgraph's prefixes are added).
Rules run in file-name order over the union of all graphs, so a rule sees what earlier rules
derived. Every derived triple goes into ``graph:derived`` together with a derivation record:
the rule that produced it (``prov:wasGeneratedBy rule:<name>``) and the premises it used
(``prov:used``: every article, claim, appearance, citation, source or concept bound in a
solution that produced the triple). To know the premises, the runner evaluates a rule's WHERE
clause as ``SELECT *`` and fills in the CONSTRUCT template itself.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef, Variable
from rdflib.namespace import RDF

from . import vocab
from .corpus import Corpus
from .rdf import GRAPH_DERIVED, LBP, NS, PROV, RDFS
from .text import coverage


_CONSTRUCT = re.compile(r"CONSTRUCT\s*\{([^{}]*)\}\s*WHERE", re.S)


@dataclass(frozen=True)
class Rule:
    """One rule of evidence: its name, description, position and SPARQL text."""

    order: int
    name: str
    file: str
    description: str
    sparql: str

    @property
    def iri(self) -> URIRef:
        return NS["rule"][self.name]

    def template(self) -> list[tuple[Any, Any, Any]]:
        """The CONSTRUCT template as rdflib terms and variables."""
        return _parsed(self.sparql)[0]

    def prepared_solutions(self) -> Any:
        """The WHERE clause as ``SELECT *`` (every solution with its bindings), parsed once per process."""
        return _parsed(self.sparql)[1]


@functools.lru_cache(maxsize=None)
def _parsed(sparql: str) -> tuple[list[tuple[Any, Any, Any]], Any]:
    from rdflib.plugins.sparql import prepareQuery
    prologue = sparql_prologue()
    template = [tuple(t) for t in prepareQuery(prologue + sparql).algebra.template]
    select, n = _CONSTRUCT.subn("SELECT * WHERE", sparql, count=1)
    if n != 1:
        raise ValueError("a rule is one CONSTRUCT { template } WHERE { ... } query")
    return template, prepareQuery(prologue + select)


def sparql_prologue() -> str:
    """PREFIX lines for every lbpgraph prefix, prepended to shipped and user queries."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in vocab.PREFIXES.items())


def load_rules() -> list[Rule]:
    """The shipped rules in the fixed order they run."""
    folder = resources.files("lbpgraph") / "rules"
    rules = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        text = entry.read_text(encoding="utf-8")
        comment = [ln[1:].strip() for ln in text.splitlines() if ln.startswith("#")]
        order, _, name = entry.name.removesuffix(".rq").partition("-")
        rules.append(Rule(int(order), name, f"rules/{entry.name}", " ".join(comment), text))
    return rules


# Built-in rule for sentence coverage; its "file" is the module that computes it.
COVERAGE_RULE = Rule(
    900, "coverage", "lbpgraph/text.py",
    "Sentence coverage of an article: the number of its sentences, and how many overlap a claim "
    "appearance or a span marked as not a claim.", "")


class _Derived:
    """Writes derived triples with their derivation records."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def rule(self, rule: Rule) -> None:
        g = self.graph
        g.add((rule.iri, RDF.type, LBP.Rule))
        g.add((rule.iri, RDF.type, PROV.Plan))
        g.add((rule.iri, RDFS.label, Literal(rule.name)))
        g.add((rule.iri, RDFS.comment, Literal(rule.description)))
        g.add((rule.iri, LBP.ruleOrder, Literal(rule.order)))
        g.add((rule.iri, LBP.ruleFile, Literal(rule.file)))

    def add(self, triple: tuple[URIRef, URIRef, URIRef | Literal], rule: Rule,
            premises: Iterable[URIRef] = ()) -> None:
        s, p, o = triple
        self.graph.add(triple)
        key = f"{s.n3()} {p.n3()} {o.n3()} {rule.iri.n3()}".encode()
        d = NS["derivation"][hashlib.sha256(key).hexdigest()[:20]]
        self.graph.add((d, RDF.type, LBP.Derivation))
        self.graph.add((d, RDF.type, PROV.Entity))
        self.graph.add((d, LBP.derivedSubject, s))
        self.graph.add((d, LBP.derivedPredicate, p))
        self.graph.add((d, LBP.derivedObject, o))
        self.graph.add((d, PROV.wasGeneratedBy, rule.iri))
        for premise in premises:
            self.graph.add((d, PROV.used, premise))


def _instantiate(template: list[tuple[Any, Any, Any]], binding: dict[Any, Any]
                 ) -> Iterator[tuple[URIRef, URIRef, URIRef | Literal]]:
    for pattern in template:
        triple = tuple(binding.get(str(x)) if isinstance(x, Variable) else x for x in pattern)
        if None not in triple:
            yield triple  # type: ignore[misc]


def apply_rules(ds: Dataset, corpus: Corpus) -> int:
    """Run every rule over ``ds`` and add coverage; return the number of derived facts."""
    derived = _Derived(ds.graph(GRAPH_DERIVED))
    count = 0
    for rule in load_rules():
        derived.rule(rule)
        template = rule.template()
        produced: dict[tuple[Any, Any, Any], set[URIRef]] = {}
        for row in ds.query(rule.prepared_solutions()):
            binding = row.asdict()
            used = {v for v in binding.values() if isinstance(v, URIRef) and str(v).startswith(vocab.ID)}
            for triple in _instantiate(template, binding):
                produced.setdefault(triple, set()).update(used - {triple[0]})
        for triple, used in sorted(produced.items()):
            if triple not in derived.graph:
                count += 1
            derived.add(triple, rule, sorted(used))
    derived.rule(COVERAGE_RULE)
    for article in corpus.articles.values():
        node = NS["article"][article.id]
        sentences = article.text.sentences()
        spans = list(article.appearance_spans.values()) + article.not_claim_spans
        for p, n in ((LBP.sentenceCount, len(sentences)),
                     (LBP.accountedSentenceCount, coverage(sentences, spans))):
            derived.add((node, p, Literal(n)), COVERAGE_RULE)
            count += 1
    return count
