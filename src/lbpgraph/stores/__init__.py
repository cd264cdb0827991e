"""Stores: where a built dataset lives and is queried, behind one interface.

:mod:`.base` defines :class:`~.base.Store` (the published build's manifest and fingerprint, a
staging area that loads a build's N-Quads chunks and publishes them, select, users' SELECT, ASK
and CONSTRUCT queries with limits, the whole dataset, close) and the :class:`~.base.Capabilities`
a store declares; :mod:`.registry` registers stores by name and imports each only when first
opened, as rdflib registers its plugins: ``memory`` (:mod:`.memory`), ``oxigraph:DIR``
(:mod:`.oxigraph`) and ``sparql:URL`` (:mod:`.sparql`). May import: :mod:`lbpgraph.core`,
:mod:`lbpgraph.rdf`; never :mod:`lbpgraph.build` or :mod:`lbpgraph.model`.
"""
