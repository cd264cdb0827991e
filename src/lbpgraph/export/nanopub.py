"""Nanopublications: one per reviewed claim appearance, in TriG with the nanopub vocabulary.

Each nanopublication ``nanopub:ARTICLE.APPEARANCE`` is four named graphs:

- ``#head`` types it ``np:Nanopublication`` and names the other three;
- ``#assertion`` holds what the annotation says about the appearance: the claim it makes (with
  the claim's statement), the quote with its selectors, the speaker, the hedging, what it appeals
  to and every citation it makes (with fidelity and stance);
- ``#provenance`` says where the assertion comes from: the annotation file (``lbp:sourceFile``),
  the named graph built from it and, for a shared claim, the graph of the shared files
  (``prov:wasDerivedFrom``), the article it quotes (``prov:hadPrimarySource``) and the curator
  (``prov:wasAttributedTo``);
- ``#pubinfo`` says when it was made, by whom and under which licence.

They are unsigned (no trusty URI): a local export that a nanopub server can sign and publish.
Derived facts (basis, flags, certainty) stay out: they are the rules', not the curators'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import vocab

if TYPE_CHECKING:
    import pyoxigraph as ox

    from . import Export

NP = "http://www.nanopub.org/nschema#"
NANOPUB = vocab.ID + "nanopub/"
PREFIXES = {**vocab.PREFIXES, "np": NP, "nanopub": NANOPUB}


def _e(curie: str) -> str:
    return vocab.expand(curie)


Props = list[tuple[str, Any]]  # (predicate IRI, object) of one subject in one graph


def write(export: Export) -> bytes:
    import pyoxigraph as ox

    from . import quad_key
    nanopubs = _Nanopubs(export)
    out: list[ox.Quad] = []
    for graph, subjects in sorted(nanopubs.by_graph.items()):
        files = [o.value for p, o in subjects.get(graph, []) if p == _e("lbp:sourceFile")]
        annotation = next((f for f in files if f.startswith("annotations/")), None)
        if annotation is None:
            continue  # not an article's graph
        for app, props in sorted(subjects.items()):
            if (_e("rdf:type"), ox.NamedNode(_e("lbp:Appearance"))) in props \
                    and (_e("lbp:draft"), ox.Literal(True)) not in props:
                out += nanopubs.one(graph, app, props, annotation)
    return ox.serialize(sorted(set(out), key=quad_key), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)


class _Nanopubs:
    """The quads of the dataset by graph and subject, and the nanopublication of one appearance."""

    def __init__(self, export: Export) -> None:
        import pyoxigraph as ox
        self.by_graph: dict[str, dict[str, Props]] = {}  # graph -> subject -> (predicate, object)
        for q in export.quads:
            self.by_graph.setdefault(q.graph_name.value, {}).setdefault(q.subject.value, []).append(
                (q.predicate.value, q.object))
        self.settings = export.settings
        curator = self.settings.curator
        self.agent = ox.NamedNode(curator if curator and curator.startswith(("http://", "https://"))
                                  else _e("lbp:curators"))
        self.created = ox.Literal(export.date.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                  datatype=ox.NamedNode(_e("xsd:dateTime")))

    def one(self, graph: str, app: str, props: Props, annotation: str) -> list[ox.Quad]:
        """The four graphs of the nanopublication of appearance ``app`` (in article graph ``graph``)."""
        import pyoxigraph as ox
        iri = ox.NamedNode
        local = app[len(vocab.PREFIXES["appearance"]):]
        np_ = iri(NANOPUB + local)
        head, assertion, provenance, pubinfo = (iri(f"{np_.value}#{n}")
                                                for n in ("head", "assertion", "provenance", "pubinfo"))
        asserted, derived_from = self._assertion(graph, app, props)
        out = [ox.Quad(s, p, o, assertion) for s, p, o in asserted]
        out += [ox.Quad(np_, iri(_e("rdf:type")), iri(NP + "Nanopublication"), head),
                ox.Quad(np_, iri(NP + "hasAssertion"), assertion, head),
                ox.Quad(np_, iri(NP + "hasProvenance"), provenance, head),
                ox.Quad(np_, iri(NP + "hasPublicationInfo"), pubinfo, head)]
        article = next(o for p, o in props if p == _e("dcterms:isPartOf"))
        out += [ox.Quad(assertion, iri(_e("prov:wasDerivedFrom")), iri(g), provenance) for g in sorted(derived_from)]
        out += [ox.Quad(assertion, iri(_e("lbp:sourceFile")), ox.Literal(annotation), provenance),
                ox.Quad(assertion, iri(_e("prov:hadPrimarySource")), article, provenance),
                ox.Quad(assertion, iri(_e("prov:wasAttributedTo")), self.agent, provenance)]
        if self.settings.curator and self.agent.value == _e("lbp:curators"):
            out.append(ox.Quad(self.agent, iri(_e("rdfs:label")), ox.Literal(self.settings.curator), provenance))
        out += [ox.Quad(np_, iri(_e("dcterms:created")), self.created, pubinfo),
                ox.Quad(np_, iri(_e("dcterms:creator")), self.agent, pubinfo),
                ox.Quad(np_, iri(_e("dcterms:license")), iri(self.settings.license), pubinfo),
                ox.Quad(np_, iri(_e("rdfs:label")), ox.Literal(f"lbpgraph: claim appearance {local}"), pubinfo)]
        return out

    def _assertion(self, graph: str, app: str, props: Props) -> tuple[list[tuple[Any, Any, Any]], set[str]]:
        """What the annotation says about the appearance (its target, selectors and citations, and
        the claim with its statement), and the graphs that come from."""
        import pyoxigraph as ox
        iri = ox.NamedNode
        subjects = self.by_graph[graph]
        claim = next(o for p, o in props if p == _e("oa:hasBody"))
        citations = {s for s, ps in subjects.items() if (_e("cito:hasCitingEntity"), iri(app)) in ps}
        parts = {app, f"{app}#target", f"{app}#quote", f"{app}#position", *citations}
        asserted = [(iri(s), iri(p), o) for s in sorted(parts) for p, o in subjects.get(s, [])]
        asserted.append((claim, iri(_e("schema:appearance")), iri(app)))
        derived_from = {graph}
        for g, subs in self.by_graph.items():  # the claim's statement, from the graph that states it
            for p, o in subs.get(claim.value, []):
                if p == _e("schema:text") or (p == _e("rdf:type") and o.value == _e("schema:Claim")):
                    asserted.append((claim, iri(p), o))
                    derived_from.add(g)
        return asserted, derived_from
