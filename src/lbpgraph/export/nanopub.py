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

from .. import vocab

if TYPE_CHECKING:
    import pyoxigraph as ox

    from . import Export

NP = "http://www.nanopub.org/nschema#"
NANOPUB = vocab.ID + "nanopub/"
PREFIXES = {**vocab.PREFIXES, "np": NP, "nanopub": NANOPUB}


def _e(curie: str) -> str:
    return vocab.expand(curie)


def write(export: Export) -> bytes:
    import pyoxigraph as ox

    from . import quad_key

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    rdf_type, appearance_class = _e("rdf:type"), _e("lbp:Appearance")
    by_graph: dict[str, dict[str, list[tuple[str, Any]]]] = {}  # graph -> subject -> (predicate, object)
    for q in export.quads:
        by_graph.setdefault(q.graph_name.value, {}).setdefault(q.subject.value, []).append((q.predicate.value, q.object))
    settings = export.settings
    agent = iri(settings.curator if settings.curator and settings.curator.startswith(("http://", "https://"))
                else _e("lbp:curators"))
    created = ox.Literal(export.date.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=iri(_e("xsd:dateTime")))
    out: list[ox.Quad] = []
    for graph, subjects in sorted(by_graph.items()):
        files = [o.value for p, o in subjects.get(graph, []) if p == _e("lbp:sourceFile")]
        annotation = next((f for f in files if f.startswith("annotations/")), None)
        if annotation is None:
            continue  # not an article's graph
        for app, props in sorted(subjects.items()):
            if (rdf_type, iri(appearance_class)) not in props or (_e("lbp:draft"), ox.Literal(True)) in props:
                continue
            claim = next(o for p, o in props if p == _e("oa:hasBody"))
            article = next(o for p, o in props if p == _e("dcterms:isPartOf"))
            base = NANOPUB + app[len(vocab.PREFIXES["appearance"]):]
            head, assertion, provenance, pubinfo = (iri(f"{base}#{n}") for n in ("head", "assertion", "provenance", "pubinfo"))
            np_ = iri(base)
            citations = {s for s, ps in subjects.items() if (_e("cito:hasCitingEntity"), iri(app)) in ps}
            parts = {app, f"{app}#target", f"{app}#quote", f"{app}#position", *citations}
            asserted = [(iri(s), iri(p), o) for s in sorted(parts) for p, o in subjects.get(s, [])]
            asserted.append((claim, iri(_e("schema:appearance")), iri(app)))
            derived_from = {graph}
            for g, subs in by_graph.items():  # the claim's statement, from the graph that states it
                for p, o in subs.get(claim.value, []):
                    if p in (rdf_type, _e("schema:text")) and (p != rdf_type or o.value == _e("schema:Claim")):
                        asserted.append((claim, iri(p), o))
                        derived_from.add(g)
            for s, p, o in asserted:
                out.append(ox.Quad(s, p, o, assertion))
            out += [ox.Quad(np_, iri(rdf_type), iri(NP + "Nanopublication"), head),
                    ox.Quad(np_, iri(NP + "hasAssertion"), assertion, head),
                    ox.Quad(np_, iri(NP + "hasProvenance"), provenance, head),
                    ox.Quad(np_, iri(NP + "hasPublicationInfo"), pubinfo, head)]
            out += [ox.Quad(assertion, iri(_e("prov:wasDerivedFrom")), iri(g), provenance) for g in sorted(derived_from)]
            out += [ox.Quad(assertion, iri(_e("lbp:sourceFile")), ox.Literal(annotation), provenance),
                    ox.Quad(assertion, iri(_e("prov:hadPrimarySource")), article, provenance),
                    ox.Quad(assertion, iri(_e("prov:wasAttributedTo")), agent, provenance)]
            if settings.curator and agent.value == _e("lbp:curators"):
                out.append(ox.Quad(agent, iri(_e("rdfs:label")), ox.Literal(settings.curator), provenance))
            out += [ox.Quad(np_, iri(_e("dcterms:created")), created, pubinfo),
                    ox.Quad(np_, iri(_e("dcterms:creator")), agent, pubinfo),
                    ox.Quad(np_, iri(_e("dcterms:license")), iri(settings.license), pubinfo),
                    ox.Quad(np_, iri(_e("rdfs:label")), ox.Literal(f"lbpgraph: claim appearance "
                                                                   f"{app[len(vocab.PREFIXES['appearance']):]}"), pubinfo)]
    return ox.serialize(sorted(set(out), key=quad_key), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
