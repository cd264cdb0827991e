"""Export: the graph in the formats other tools read (RDF serialisations, JSON-LD, schema.org
ClaimReview, nanopublications, GraphML and GEXF, CSL-JSON and BibTeX, RO-Crate), each written by
a library made for it, through a registry of writers imported when first used.

May import: :mod:`lbpgraph.core`, :mod:`lbpgraph.rdf`, :mod:`lbpgraph.analysis` (what a build
holds is handed in by :class:`lbpgraph.project.Project`). Independent of the presentation and of
ingest.
"""
