"""The build: a validated corpus becomes N-Quads, and the rules of evidence add derived facts.

:mod:`.writer` writes the curated named graphs of a :class:`~lbpgraph.model.corpus.Corpus` as
N-Quads chunks; :mod:`.rules` runs the rules (``rules/*.rq``, parameters in
``rules/parameters.ttl``) in an in-memory Oxigraph store; :mod:`.pipeline` yields every chunk,
curated and derived, for a store to load. May import: :mod:`lbpgraph.core`,
:mod:`lbpgraph.model`, :mod:`lbpgraph.rdf`; never :mod:`lbpgraph.stores` (builds and stores meet
only in :class:`~lbpgraph.project.Project`).
"""
