"""Rebuild after some articles changed: replace their graphs, then recompute the derived facts
whose premises may have changed, and only those.

A full build runs every rule over the whole dataset. Here the dataset of the last build is
updated in place (a writable copy of it, ``new``, next to the build itself, ``old``):

1. **Curated facts.** The named graph of every changed article is replaced by the one the
   writer makes now (nothing, for a removed article), with its sentence coverage in
   ``graph:derived``; the defining triples of a contraindication (in ``graph:bibliography``,
   written once for the whole corpus) are added when a claim first states it and removed when
   none does any more.
2. **What can have changed** (:class:`Scope`). Every derived fact is about one *key*: an
   appearance, a citation, a claim, an article, an intervention or an evidence rating
   (:data:`RULE_KEYS`; a rule's output for a key depends on nothing but the solutions for that
   key). The keys whose premises can have changed follow from the changed graphs, in both the old
   and the new dataset: the claims defined in them, made or cited for in them, or cited for by a
   source they define; every appearance of such a claim (its facts read the claim's curated
   facts and the sources it rests on) and of an article that cites such a source (rule 039 reads
   the article's works consulted); the citations made for those claims, in those graphs or of
   those sources; the claims of those appearances (claim facts gather their appearances'); the
   changed articles and those where a claim defined in them appears (all that rules 061 and 062
   read of an article is there); the interventions a claim came to be or ceased to be about in
   those graphs, or those of a claim whose mechanisms changed there or that proposes a mechanism,
   is made there and came to be or ceased to be made outside drafts (inferred cautions read
   nothing else an article says: the concepts are the same); the evidence ratings of those
   claims; and for missing warnings, the articles whose recommendations or stated warnings
   changed (in the output of rules 061 and 062) and every article recommending an intervention
   narrower than one a changed warning is known for (a stated contraindication that appeared or
   went, or that such a claim states, since a warning stated only in drafts is not known; or an
   inferred caution that changed).
3. **Rules, in order.** Each rule runs restricted to its keys (:meth:`Rule.restricted`) over
   the new dataset as updated so far; what it derived for them in the old one is read from its
   derivation records (:func:`derived_for`); the difference is applied. A fact goes only when no
   derivation record of any rule is left for it (two rules can derive the same fact).

This rests on three properties of the rules, checked by ``tests/test_incremental.py`` on real
and synthetic corpora: a rule's output splits by its key (a restricted run gives exactly the
unrestricted output for those keys); its derivation records say whose key each is, so they give
what a restricted run over the old dataset gives; and no rule reads what it or a later rule
derives, so running it over a dataset updated up to it gives what it derives in a full build. The build that
results is the same, quad for quad, as a full build of the same data; the same tests compare the
two after many random edits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core import vocab
from ..rdf.namespaces import GRAPH_BIBLIOGRAPHY, GRAPH_DERIVED, article_graph
from ..rdf.sparql import sparql_prologue
from .rules import COVERAGE_RULE, load_rules
from .writer import article_nquads

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..model.corpus import Article
    from .rules import Rule

# rule name -> (the variable its output is keyed by, the scope that says which keys may change)
RULE_KEYS: dict[str, tuple[str, str]] = {
    **{name: ("?app", "appearances") for name in (
        "supporting-citation", "peer-reviewed-support-from", "basis-peer-reviewed", "basis-grey-literature",
        "basis-expert-opinion", "basis-vague-attribution", "basis-appeal", "basis", "flag-consulted-not-cited",
        "flag-commercial-interest", "flag-overstated", "flag-second-hand", "flag-dead-end",
        "flag-indirect-intervention", "flag-indirect-population", "flag-indirect-outcome",
        "flag-mechanism-only-outcome", "flag-mechanism-only-laboratory", "flag-unresolved-attribution")},
    "data-bears-on-claim": ("?cit", "citations"),
    "chain": ("?cit", "citations"),
    **{name: ("?claim", "claims") for name in (
        "claim-basis", "claim-peer-reviewed-support", "claim-strength", "claim-flags", "claim-strength-expert-opinion",
        "rating", "downgrade-risk-of-bias", "downgrade-indirectness", "downgrade-imprecision",
        "downgrade-inconsistency", "claim-certainty", "claim-certainty-none", "claim-certainty-reasons")},
    "inferred-caution": ("?intervention", "interventions"),
    "recommends": ("?article", "articles"),
    "states-warning": ("?article", "articles"),
    "missing-warning": ("?article", "warned articles"),
    "rating-certainty": ("?rating", "ratings"),
}
# rule name -> [(a variable of a MINUS group, the kind of keys that hold its value in every solution
# for the rule's keys)] (Rule.restricted): the article of an appearance in scope is among the appearance articles
NARROWED: dict[str, list[tuple[str, str]]] = {"flag-consulted-not-cited": [("?article", "appearance articles")]}

_P = vocab.PREFIXES
_DERIVATION, _LBP, _PROV = _P["derivation"], _P["lbp"], _P["prov"]
_RECORD_PARTS = [_LBP + "derivedSubject", _LBP + "derivedPredicate", _LBP + "derivedObject"]
_CONTRAINDICATION_DEFINITION = [_P["rdf"] + "type", _LBP + "intervention", _LBP + "condition", _LBP + "severity"]


@dataclass
class Update:
    """What an incremental build did: the quads it added and removed (and their subjects), and
    the keys it recomputed."""

    added: int = 0
    removed: int = 0
    derived_added: int = 0
    derived_removed: int = 0
    keys: dict[str, int] = field(default_factory=dict)
    subjects: set[str] = field(default_factory=set)


def update(old: ox.Store, new: ox.Store, removed: Iterable[str], articles: dict[str, Article]) -> Update:
    """Bring ``new`` (a writable copy of ``old``, the dataset of the last build) up to date with
    ``articles`` (the changed or added articles, validated) and without the articles ``removed``."""
    changes = _Changes(new)
    changed_ids = sorted({*removed, *articles})
    contraindications = _replace_curated(old, new, changed_ids, articles, changes)
    scope = Scope(old, new, [str(article_graph(a)) for a in changed_ids],
                  [_P["article"] + a for a in changed_ids], changes.curated)
    scope.warnings.update(contraindications)
    for rule in load_rules():
        variable, kind = RULE_KEYS[rule.name]
        keys = scope.keys(kind)
        changes.result.keys[rule.name] = len(keys)
        if keys:
            narrowed = {v: scope.keys(k) for v, k in NARROWED.get(rule.name, [])}
            before = derived_for(old, rule, variable, keys)
            facts = _rerun(new, rule.restricted(variable, keys, narrowed), before, changes)
            if rule.name == "inferred-caution":
                scope.warnings.update(facts)
            elif rule.name in ("recommends", "states-warning"):
                scope.warned.update(facts)
    return changes.result


class _Changes:
    """Adds and removes quads of ``new``, counting them."""

    def __init__(self, new: ox.Store) -> None:
        import pyoxigraph as ox
        self.new = new
        self.result = Update()
        self.curated: set[Any] = set()  # the quads of the changed articles' graphs that came or went
        self.derived = ox.NamedNode(str(GRAPH_DERIVED))

    def add(self, quads: list[Any], derived: bool = False) -> None:
        fresh = [q for q in quads if q not in self.new]
        self.new.extend(fresh)
        self.result.added += len(fresh)
        self.result.derived_added += len(fresh) if derived else 0
        self.result.subjects.update(q.subject.value for q in fresh)

    def remove(self, quads: list[Any], derived: bool = False) -> None:
        present = [q for q in quads if q in self.new]
        for q in present:
            self.new.remove(q)
        self.result.removed += len(present)
        self.result.derived_removed += len(present) if derived else 0
        self.result.subjects.update(q.subject.value for q in present)


def _replace_curated(old: ox.Store, new: ox.Store, changed: list[str], articles: dict[str, Article],
                     changes: _Changes) -> set[str]:
    """Step 1: the changed articles' graphs, coverage and the contraindications they state.
    Returns the contraindications whose defining triples were added or removed."""
    import pyoxigraph as ox
    stated: set[str] = set()
    definitions: dict[str, list[Any]] = {}
    for article_id in changed:
        graph = ox.NamedNode(str(article_graph(article_id)))
        stated.update(q.subject.value for q in old.quads_for_pattern(None, ox.NamedNode(_LBP + "statedBy"), None, graph))
        quads = list(old.quads_for_pattern(None, None, None, graph))
        changes.remove(quads)
        changes.curated.update(quads)
        changes.remove(_coverage(old, _P["article"] + article_id, changes.derived), derived=True)
    for article in articles.values():
        own, contraindications, coverage = article_nquads(article)
        quads = list(ox.parse(own, format=ox.RdfFormat.N_QUADS))
        changes.add(quads)
        changes.curated.symmetric_difference_update(quads)
        changes.add(list(ox.parse(coverage, format=ox.RdfFormat.N_QUADS)), derived=True)
        for q in ox.parse(contraindications, format=ox.RdfFormat.N_QUADS):
            definitions.setdefault(q.subject.value, []).append(q)
            stated.add(q.subject.value)
    return _restate(new, stated, definitions, changes)


def _coverage(store: ox.Store, article: str, derived: Any) -> list[Any]:
    """An article's coverage facts in ``graph:derived`` and their derivation records."""
    import pyoxigraph as ox
    rule = ox.NamedNode(COVERAGE_RULE.iri)
    quads = []
    for record in store.quads_for_pattern(None, ox.NamedNode(_LBP + "derivedSubject"), ox.NamedNode(article), derived):
        if ox.Quad(record.subject, ox.NamedNode(_PROV + "wasGeneratedBy"), rule, derived) in store:
            quads += list(store.quads_for_pattern(record.subject, None, None, derived))
    facts = {(q.subject, q.object) for q in quads if q.predicate.value == _LBP + "derivedPredicate"}
    return quads + [q for p in facts for q in store.quads_for_pattern(ox.NamedNode(article), p[1], None, derived)]


def _restate(new: ox.Store, stated: set[str], definitions: dict[str, list[Any]], changes: _Changes) -> set[str]:
    """Add the defining triples of the contraindications some claim states and that lack them,
    remove those of the ones none states any more; return the ones that changed."""
    import pyoxigraph as ox
    bibliography = ox.NamedNode(str(GRAPH_BIBLIOGRAPHY))
    changed = set()
    for iri in sorted(stated):
        node = ox.NamedNode(iri)
        still = next(iter(new.quads_for_pattern(node, ox.NamedNode(_LBP + "statedBy"), None)), None) is not None
        present = [q for p in _CONTRAINDICATION_DEFINITION
                   for q in new.quads_for_pattern(node, ox.NamedNode(p), None, bibliography)]
        if still and not present:
            changes.add(definitions[iri])
            changed.add(iri)
        elif not still and present:
            changes.remove(present)
            changed.add(iri)
    return changed


def _rerun(new: ox.Store, restricted: str, before: set[Any], changes: _Changes) -> set[str]:
    """Step 3 for one rule: its output for some keys over the new dataset (``restricted``, see
    :meth:`Rule.restricted`) against what it derived for them before, the difference applied to
    ``new``. Returns the subjects of the facts that changed."""
    import pyoxigraph as ox
    after = set(new.query(restricted, use_default_graph_as_union=True))
    gone, came = before - after, after - before
    graph = changes.derived
    records = [t for t in gone if t.subject.value.startswith(_DERIVATION)]
    changes.remove([ox.Quad(t.subject, t.predicate, t.object, graph) for t in records], derived=True)
    changes.add([ox.Quad(t.subject, t.predicate, t.object, graph) for t in came], derived=True)
    facts = [t for t in gone if not t.subject.value.startswith(_DERIVATION)]
    changes.remove([ox.Quad(t.subject, t.predicate, t.object, graph) for t in facts if not _recorded(new, t, graph)],
                   derived=True)
    return {t.subject.value for t in gone | came if not t.subject.value.startswith(_DERIVATION)}


def derived_for(old: ox.Store, rule: Rule, variable: str, keys: set[str]) -> set[Any]:
    """What ``rule`` derived for ``keys`` in the old dataset: the facts and derivation records its
    restricted run over ``old`` gives, read from the records themselves (each one is the key's:
    a rule's output splits by its key). A record's key is the subject it derives a fact about
    where every triple of the rule's template is about the key, and else one of its premises
    (``prov:used``: no other variable of a rule binds an id of the key's kind; ids are unique, of
    concepts too). A rule that derives facts about its key and about something else runs again."""
    subjects = rule.subjects
    if variable in subjects and subjects != {variable}:
        return set(old.query(rule.restricted(variable, keys), use_default_graph_as_union=True))
    if subjects == {variable}:
        match = f"{_values('?k', keys)} ?d lbp:derivedSubject ?k ; prov:wasGeneratedBy <{rule.iri}> ."
    elif all(k.startswith(_P["concept"]) for k in keys):  # a premise of many rules' records: start from this one's
        match = (f"?d prov:wasGeneratedBy <{rule.iri}> ; prov:used ?k . "
                 f"FILTER (?k IN ({', '.join(f'<{k}>' for k in sorted(keys))}))")
    else:
        match = f"{_values('?k', keys)} ?d prov:used ?k ; prov:wasGeneratedBy <{rule.iri}> ."
    return _records(old.query(f"{sparql_prologue()}SELECT ?d ?p ?o WHERE {{ GRAPH <{GRAPH_DERIVED}> "
                              f"{{ {match} ?d ?p ?o }} }}"))


def _records(rows: Iterable[Any]) -> set[Any]:
    """The triples of derivation records (``?d ?p ?o`` rows) and the facts they derive."""
    import pyoxigraph as ox
    triples, parts = set(), {}
    for d, p, o in rows:
        triples.add(ox.Triple(d, p, o))
        if p.value in _RECORD_PARTS:
            parts.setdefault(d, {})[p.value] = o
    return triples | {ox.Triple(*(part[p] for p in _RECORD_PARTS)) for part in parts.values()}


def _recorded(store: ox.Store, fact: Any, graph: Any) -> bool:
    """Whether a derivation record of any rule still stands for ``fact``."""
    import pyoxigraph as ox
    subject, predicate, obj = (ox.NamedNode(_LBP + p) for p in ("derivedSubject", "derivedPredicate", "derivedObject"))
    return any(ox.Quad(q.subject, predicate, fact.predicate, graph) in store
               and ox.Quad(q.subject, obj, fact.object, graph) in store
               for q in store.quads_for_pattern(None, subject, fact.subject, graph))


class Scope:
    """The keys whose derived facts may have changed, by kind (see the module's step 2), read from
    the old and the new dataset (the union of both: a key can have gone or come)."""

    def __init__(self, old: ox.Store, new: ox.Store, graphs: list[str], articles: list[str], curated: set[Any]) -> None:
        self.stores = (old, new)
        self.warnings: set[str] = set()  # stated contraindications and inferred cautions that changed
        self.warned: set[str] = set()  # articles whose recommendations or stated warnings changed
        g = _values("?g", graphs)
        defined = self.iris(f"SELECT ?c WHERE {{ {g} GRAPH ?g {{ ?c a schema:Claim }} }}")
        sources = self.iris(f"SELECT ?s WHERE {{ {g} GRAPH ?g {{ ?s lbp:peerReview ?r }} }}")
        s = _values("?s", sources)
        claims = defined | self.iris(f"SELECT ?c WHERE {{ {g} GRAPH ?g {{ {{ ?a oa:hasBody ?c }} UNION "
                                     f"{{ ?x lbp:forClaim ?c }} }} }}")
        citing = set()
        if sources:
            claims |= self.iris(f"SELECT ?c WHERE {{ {s} ?x cito:hasCitedEntity ?s ; lbp:forClaim ?c }}")
            citing = self.iris(f"SELECT ?article WHERE {{ {s} ?x cito:hasCitedEntity ?s ; cito:hasCitingEntity ?by . "
                               "{ ?by lbp:articleKind ?kind BIND (?by AS ?article) } UNION { ?by dcterms:isPartOf ?article } }")
        c = _values("?c", claims)
        self.appearances = (self.iris(f"SELECT ?a WHERE {{ {g} GRAPH ?g {{ ?a a lbp:Appearance }} }}")
                            | self.iris(f"SELECT ?a WHERE {{ {c} ?a oa:hasBody ?c }}")
                            | self.iris(f"SELECT ?a WHERE {{ {_values('?x', citing)} ?a dcterms:isPartOf ?x ; "
                                        "a lbp:Appearance }"))
        self.citations = (self.iris(f"SELECT ?x WHERE {{ {g} GRAPH ?g {{ ?x a cito:Citation }} }}")
                          | self.iris(f"SELECT ?x WHERE {{ {c} ?x lbp:forClaim ?c }}")
                          | self.iris(f"SELECT ?x WHERE {{ {s} ?x cito:hasCitedEntity ?s }}"))
        a = _values("?a", self.appearances)
        self.claims = claims | self.iris(f"SELECT ?c WHERE {{ {a} ?a oa:hasBody ?c }}")
        self.appearance_articles = set(articles) | self.iris(f"SELECT ?x WHERE {{ {a} ?a dcterms:isPartOf ?x }}")
        self.articles = set(articles) | self.iris(f"SELECT ?x WHERE {{ {_values('?c', defined)} "
                                                  "?c schema:appearance ?a . ?a dcterms:isPartOf ?x }")
        mechanisms = {q.subject.value for q in curated if q.predicate.value == _LBP + "invokesMechanism"}
        switched = self._switched(g)
        self.interventions = ({q.object.value for q in curated if q.predicate.value == _P["schema"] + "about"}
                              | self.iris(f"SELECT ?i WHERE {{ {_values('?c', mechanisms)} ?c schema:about ?i }}")
                              | self.iris(f"SELECT ?i WHERE {{ {_values('?c', switched)} ?c lbp:invokesMechanism ?m ; "
                                          "schema:about ?i }"))
        stated = self.iris(f"SELECT ?k WHERE {{ {_values('?c', switched)} ?k lbp:statedBy ?c }}")
        self.warnings.update(self._changed(stated, "?k lbp:statedBy ?by . ?by schema:appearance ?a"))

    def _switched(self, graphs: str) -> set[str]:
        """The claims made in the changed graphs that came to be, or ceased to be, made outside
        drafts: whether their mechanisms count (rule 060) changed."""
        made = self.iris(f"SELECT ?c WHERE {{ {graphs} GRAPH ?g {{ ?a oa:hasBody ?c }} }}")
        return self._changed(made, "?c schema:appearance ?a", "?c")

    def _changed(self, iris: set[str], path_to_appearance: str, variable: str = "?k") -> set[str]:
        """Those of ``iris`` that came to be, or ceased to be, reached outside drafts along
        ``path_to_appearance`` (a pattern from ``variable`` to an appearance ``?a``)."""
        counted = (f"SELECT {variable} WHERE {{ {_values(variable, iris)} FILTER EXISTS {{ {path_to_appearance} . "
                   "FILTER NOT EXISTS { ?a lbp:draft true } } }")
        old, new = (_found(store, counted) for store in self.stores)
        return old ^ new

    def iris(self, select: str) -> set[str]:
        """The IRIs a one-variable SELECT finds in either dataset (none where a VALUES is empty)."""
        return {iri for store in self.stores for iri in _found(store, select)}

    def keys(self, kind: str) -> set[str]:
        """The keys of one kind; ratings and warned articles are read when a rule asks for them,
        after the rules that make them have run."""
        compute: dict[str, Callable[[], set[str]]] = {
            "appearances": lambda: self.appearances, "citations": lambda: self.citations,
            "claims": lambda: self.claims, "articles": lambda: self.articles,
            "appearance articles": lambda: self.appearance_articles,
            "interventions": lambda: self.interventions,
            "ratings": lambda: self.iris(f"SELECT ?r WHERE {{ {_values('?c', self.claims)} ?r lbp:ratesClaim ?c }}"),
            "warned articles": self._warned_articles}
        return compute[kind]()

    def _warned_articles(self) -> set[str]:
        """The articles whose missing warnings may have changed: those whose recommendations or
        stated warnings changed (rules 061 and 062, which run before), and those recommending an
        intervention a changed warning applies to. Nothing else that rule 063 reads can change
        here: the concepts are the same (or the build is a full one), and a contraindication's
        IRI says its intervention, condition and severity, so its definition only comes or goes."""
        warned = self.iris(f"SELECT ?w WHERE {{ {_values('?k', self.warnings)} ?k lbp:intervention ?w }}")
        return self.warned | self.iris(f"SELECT ?x WHERE {{ {_values('?w', warned)} ?x lbp:recommends ?i . "
                                         "?i skos:broader* ?w }")


def _found(store: ox.Store, select: str) -> set[str]:
    """The IRIs a one-variable SELECT finds in ``store`` (none where a VALUES is empty)."""
    if "VALUES ?" in select and "{  }" in select:
        return set()
    return {s[0].value for s in store.query(sparql_prologue() + select, use_default_graph_as_union=True)
            if s[0] is not None}


def _values(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES {variable} {{ {' '.join(f'<{iri}>' for iri in sorted(iris))} }}"
