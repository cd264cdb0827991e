"""Run the rules of evidence: SPARQL CONSTRUCT files shipped in ``lbpgraph/build/rules/``.

Each file is one rule. Its leading ``#`` comment says what it derives and why, in words; the
rest is the CONSTRUCT query, written without PREFIX lines (lbpgraph's prefixes are added).
Rules run in file-name order over the union of all graphs, so a rule sees what earlier rules
derived. Every derived triple goes into ``graph:derived`` together with a derivation record:
the rule that produced it (``prov:wasGeneratedBy rule:<name>``) and the premises it used
(``prov:used``: every article, claim, appearance, citation, source or concept bound in a
solution that produced the triple, other than the triple's own subject).

To run natively in Oxigraph (every build, whatever the store), each rule is compiled into one CONSTRUCT
(:meth:`Rule.construct`) whose template adds a derivation record to every derived triple; its
WHERE clause is the rule's own, extended with ``BIND``s that name each derivation (a hash of
the derived triple and the rule, :func:`derivation_iri`) and keep as premises only the
lbpgraph ids. Oxigraph adds the result to ``graph:derived`` (:func:`apply_rules`).

A rule's ``file`` (``rules/NNN-name.rq``) is named relative to this package, ``lbpgraph/build``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..core import vocab
from ..rdf.sparql import query_files, sparql_prologue
from ..rdf.terms import derivation_key, derivation_key_sparql

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..model.corpus import Article, Corpus

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
    def iri(self) -> str:
        return vocab.PREFIXES["rule"] + self.name

    def construct(self) -> str:
        """The rule as a CONSTRUCT that also yields derivation records (prefixes included)."""
        return _compiled(self.name, self.sparql)

    def restricted(self, variable: str, iris: Iterable[str], narrowed: dict[str, Iterable[str]] | None = None) -> str:
        """:meth:`construct` for the solutions where ``variable`` (``?app``) is one of ``iris``:
        a VALUES block at the start of every group that mentions it (see :func:`restrict_groups`).
        ``narrowed`` gives, for other variables, values that every such solution binds them to:
        a MINUS group that mentions one of them starts from those values."""
        blocks = {v: _values_block(v, given) for v, given in (narrowed or {}).items()}
        return _compile(self.name, self.sparql,
                        lambda where: restrict_groups(where, variable, _values_block(variable, iris), blocks))

    @property
    def subjects(self) -> set[str]:
        """The subjects of the triples the rule derives, as written in its template (``?app``)."""
        return {s for s, _, _ in template_triples(split_construct(self.name, self.sparql)[0])}


def _values_block(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES {variable} {{ {' '.join(f'<{iri}>' for iri in sorted(iris))} }}"


_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_DERIVATION = vocab.PREFIXES["derivation"]


_TOKEN = re.compile(r'<[^<>"\s]*>|"(?:[^"\\]|\\.)*"(?:\^\^\S+|@[A-Za-z-]+)?|[;,.](?=\s|$)|[^\s;,]+(?:[;,.](?!\s|$)[^\s;,]*)*')


def template_triples(template: str) -> list[tuple[str, str, str]]:
    """The triples of a CONSTRUCT template, as SPARQL terms (``?var``, ``prefix:name``, ``<iri>``, literals).

    Rules write their templates as plain triple patterns with ``;``, ``,`` and ``a``.
    """
    triples: list[tuple[str, str, str]] = []
    subject = predicate = None
    for token in _TOKEN.findall(template):
        if token == ".":
            subject = predicate = None
        elif token == ";":
            predicate = None
        elif token == ",":
            continue
        elif subject is None:
            subject = token
        elif predicate is None:
            predicate = "rdf:type" if token == "a" else token
        else:
            triples.append((subject, predicate, token))
    return triples


def split_construct(name: str, sparql: str) -> tuple[str, str]:
    """The template and the WHERE clause of rule ``name``'s CONSTRUCT (``ValueError`` if it is none)."""
    match = _CONSTRUCT.search(sparql)
    if match is None:
        raise ValueError(f"rule {name}: a rule is one CONSTRUCT {{ template }} WHERE {{ ... }} query")
    return match.group(1), sparql[match.end():].strip()


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[{}]')


def restrict_groups(where: str, variable: str, clause: str, narrowed: dict[str, str] | None = None) -> str:
    """``where`` (a rule's WHERE group) with ``clause`` (a VALUES block for ``variable``) at the
    start of every group that mentions it: the outer group, UNION branches, OPTIONAL and MINUS
    parts and the WHERE of a sub-SELECT, so that each part starts from the given values.
    Oxigraph evaluates a MINUS group on its own, over the whole corpus: one that does not mention
    ``variable`` starts from the block ``narrowed`` gives for a variable it mentions, if any, and
    else is written FILTER NOT EXISTS where that means the same (:func:`_filter_for_minus`), which
    Oxigraph evaluates for each of the few solutions. The groups of EXISTS are left as they are:
    the outer group restricts them already. The answer is the same as the rule's, for those
    values only, where the variable is bound outside every OPTIONAL (in a MINUS group too), as
    each rule's key is, and where every solution binds the narrowed variables to the values given."""
    opens, groups = [], []
    for match in _TOKENS.finditer(where):
        if match.group() == "{":
            opens.append(match.start())
        elif match.group() == "}" and opens:
            groups.append((opens.pop(), match.end()))
    comments = [m.span() for m in _TOKENS.finditer(where) if m.group().startswith("#")]
    edits = []  # (start, end, text): where[start:end] becomes text
    for start, end in groups:
        inside = _without(where, comments, start, end)
        before = _without(where, comments, 0, start).rstrip()
        if re.match(r"\{\s*SELECT\b", inside, re.I) or re.search(r"\bEXISTS$", before, re.I):
            continue
        minus = re.search(r"\bMINUS\s*$", where[:start], re.I)
        blocks = [clause] if _mentions(inside, variable) else [
            block for v, block in (narrowed or {}).items() if minus and _mentions(inside, v)]
        edits += [(start + 1, start + 1, f" {block} ") for block in blocks]
        if minus and not blocks and _filter_for_minus(where, groups, start, end):
            edits.append((minus.start(), minus.end(), "FILTER NOT EXISTS "))
    for start, end, text in sorted(edits, reverse=True):
        where = where[:start] + text + where[end:]
    return where


def _filter_for_minus(where: str, groups: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether the MINUS group ``where[start:end]`` removes what FILTER NOT EXISTS would: it holds
    no group of its own, shares a variable with the triple patterns before it in its group (so
    every solution binds one it has), and every variable it shares with what follows it there
    is one of those (so the filter, which sees the whole group, sees the same values)."""
    outer = min(((a, b) for a, b in groups if a < start and end <= b), key=lambda g: g[1] - g[0])
    before, after = where[outer[0] + 1:start], where[end:outer[1] - 1]
    mine = _variables(where[start + 1:end - 1])
    bound = _variables(_top_level(before))
    return ("{" not in _plain(where[start + 1:end - 1]) and bool(mine & bound)
            and mine & _variables(after) <= bound)


def _plain(text: str) -> str:
    """``text`` with its literals, IRIs and comments blanked out (braces kept)."""
    return _TOKENS.sub(lambda m: m.group() if m.group() in "{}" else " ", text)


def _top_level(text: str) -> str:
    """``text`` without its nested groups and parenthesised expressions (FILTER, BIND): what is
    left of a group's part is its triple patterns, whose variables every solution binds."""
    text, previous = _plain(text), None
    while text != previous:
        previous, text = text, re.sub(r"\{[^{}]*\}|\([^()]*\)", " ", text)
    return text


def _variables(text: str) -> set[str]:
    return set(_VARIABLE.findall(_plain(text)))


def _mentions(text: str, variable: str) -> bool:
    return re.search(rf"[?$]{re.escape(variable[1:])}\b", text) is not None


def _without(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """``text[start:end]`` without the ``spans`` (comments) inside it."""
    kept, at = [], start
    for a, b in spans:
        if b <= start or a >= end:
            continue
        kept.append(text[at:max(a, at)])
        at = max(at, b)
    kept.append(text[at:end])
    return "".join(kept)


@functools.lru_cache(maxsize=None)
def _compiled(name: str, sparql: str) -> str:
    return _compile(name, sparql)


def _compile(name: str, sparql: str, where_as: Callable[[str], str] = lambda where: where) -> str:
    template_text, where = split_construct(name, sparql)
    variables = sorted(set(_VARIABLE.findall(where)))
    rule = f"<{vocab.PREFIXES['rule']}{name}>"

    def key(x: str) -> str:
        if x[0] == '"':
            raise ValueError(f"rule {name}: write constant literals in the WHERE clause and BIND them")
        return derivation_key_sparql(x)

    # A premise is a bound variable whose value is an lbpgraph id; an unbound one leaves no triple.
    binds = [f"BIND (IF(isIRI(?{v}) && STRSTARTS(STR(?{v}), {_string_literal(vocab.ID)}), ?{v}, ?_none) AS ?_id_{v})"
             for v in variables]
    template = []
    for i, (s_, p_, o_) in enumerate(template_triples(template_text)):
        d = f"?_derivation{i}"
        used = []
        for v in variables:
            if f"?{v}" == s_:
                continue  # the derived fact's own subject is no premise of it
            if s_[0] in "?$":
                binds.append(f"BIND (IF(sameTerm(?_id_{v}, {s_}), ?_none, ?_id_{v}) AS ?_used{i}_{v})")
                used.append(f"?_used{i}_{v}")
            else:
                used.append(f"?_id_{v}")
        template.append(f"{s_} {p_} {o_} .")
        template.append(f"{d} a lbp:Derivation, prov:Entity ; lbp:derivedSubject {s_} ; "
                        f"lbp:derivedPredicate {p_} ; lbp:derivedObject {o_} ; "
                        f"prov:wasGeneratedBy {rule}" + (f" ; prov:used {' , '.join(used)}" if used else "") + " .")
        binds.append(f"BIND (IRI(CONCAT({_string_literal(_DERIVATION)}, SUBSTR(SHA256(CONCAT("
                     f"{key(s_)}, \" \", {key(p_)}, \" \", {key(o_)}, {_string_literal(' ' + rule)})), 1, 20))) AS {d})")
    body, extensions = "\n  ".join(template), "\n  ".join(binds)
    return f"{sparql_prologue()}CONSTRUCT {{\n  {body}\n}}\nWHERE {{\n  {where_as(where)}\n  {extensions}\n}}\n"


def _string_literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def derivation_iri(triple: tuple[Any, Any, Any], rule: Rule) -> str:
    """The IRI of the record of how ``triple`` was derived by ``rule`` (the same in every store)."""
    key = " ".join(derivation_key(x) for x in triple) + f" <{rule.iri}>"
    return _DERIVATION + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


PARAMETERS = "rules/parameters.ttl"


def parameter_triples() -> list[tuple[Any, Any, Any]]:
    """The rules' parameters (thresholds, where certainty starts), from ``rules/parameters.ttl``."""
    from rdflib import Graph
    text = (resources.files("lbpgraph.build") / PARAMETERS).read_text(encoding="utf-8")
    return sorted(Graph().parse(data=text, format="turtle"))


def load_rules() -> list[Rule]:
    """The shipped rules in the fixed order they run."""
    rules = []
    for rq in query_files("lbpgraph.build", "rules"):
        order, _, name = rq.name.partition("-")
        rules.append(Rule(int(order), name, f"rules/{rq.name}.rq", " ".join(rq.comment), rq.text))
    return rules


# Built-in rule for sentence coverage; its "file" is the module that computes it.
COVERAGE_RULE = Rule(
    900, "coverage", "lbpgraph/text.py",
    "Sentence coverage of an article: the number of its sentences, and how many overlap a claim "
    "appearance or a span marked as not a claim.", "")


def rule_records(rule: Rule) -> Iterator[tuple[Any, Any, Any]]:
    """What ``graph:derived`` says about a rule itself."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF

    from ..rdf.namespaces import LBP, PROV, RDFS
    iri = URIRef(rule.iri)
    yield iri, RDF.type, LBP.Rule
    yield iri, RDF.type, PROV.Plan
    yield iri, RDFS.label, Literal(rule.name)
    yield iri, RDFS.comment, Literal(rule.description)
    yield iri, LBP.ruleOrder, Literal(rule.order)
    yield iri, LBP.ruleFile, Literal(rule.file)


def derived_by_python(triple: tuple[Any, Any, Any], rule: Rule) -> Iterator[tuple[Any, Any, Any]]:
    """``triple`` and its derivation record, for facts computed in Python rather than SPARQL."""
    from rdflib import URIRef
    from rdflib.namespace import RDF

    from ..rdf.namespaces import LBP, PROV
    d = URIRef(derivation_iri(triple, rule))
    yield triple
    yield d, RDF.type, LBP.Derivation
    yield d, RDF.type, PROV.Entity
    yield d, LBP.derivedSubject, triple[0]
    yield d, LBP.derivedPredicate, triple[1]
    yield d, LBP.derivedObject, triple[2]
    yield d, PROV.wasGeneratedBy, URIRef(rule.iri)


def python_derived(corpus: Corpus) -> list[tuple[Any, Any, Any]]:
    """Rule descriptions and the facts lbpgraph derives in Python (sentence coverage)."""
    triples = [t for rule in [*load_rules(), COVERAGE_RULE] for t in rule_records(rule)]
    for article in corpus.articles.values():
        triples.extend(coverage_triples(article))
    return triples


def coverage_triples(article: Article) -> list[tuple[Any, Any, Any]]:
    """An article's sentence coverage, with the derivation records."""
    from rdflib import Literal

    from ..core.text import coverage
    from ..rdf.namespaces import LBP, NS
    node = NS["article"][article.id]
    sentences = article.text.sentences()
    spans = list(article.appearance_spans.values()) + article.not_claim_spans
    triples: list[tuple[Any, Any, Any]] = []
    for p, n in ((LBP.sentenceCount, len(sentences)), (LBP.accountedSentenceCount, coverage(sentences, spans))):
        triples.extend(derived_by_python((node, p, Literal(n)), COVERAGE_RULE))
    return triples


def apply_rules(store: ox.Store) -> Iterator[bytes]:
    """Run every rule, in order, in an Oxigraph store holding the curated graphs
    (:func:`~lbpgraph.build.writer.nquads_chunks`); each rule sees what the earlier ones derived.
    Yields what each rule derived, as N-Quads in ``graph:derived``. The derived triples never
    pass through Python: Oxigraph serialises each rule's result and loads it (``load``, which is
    faster than ``bulk_load`` for an in-memory store; leniently, as Oxigraph wrote it)."""
    import pyoxigraph as ox

    from ..rdf.namespaces import GRAPH_DERIVED
    graph = ox.NamedNode(GRAPH_DERIVED)
    in_graph = f" <{GRAPH_DERIVED}> .\n".encode()
    for rule in load_rules():
        found = store.query(rule.construct(), use_default_graph_as_union=True)
        data = found.serialize(format=ox.RdfFormat.N_TRIPLES)
        store.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
        # every N-Triples line ends " .\n" (a line break inside a literal is escaped): name the graph there
        yield data.replace(b" .\n", in_graph)
