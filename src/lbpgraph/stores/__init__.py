"""Stores: where a built dataset lives and is queried, behind one interface.

:mod:`.base` defines :class:`~.base.Store` (manifest, replacing a build from N-Quads chunks,
select, construct, user queries with limits, close) and the capabilities a store declares;
stores are registered by name in this package and imported only when first opened, as rdflib
registers its plugins: ``memory`` (:mod:`.memory`), ``oxigraph:DIR`` (:mod:`.oxigraph`) and
``sparql:URL`` (:mod:`.sparql`). May import: :mod:`lbpgraph.core`, :mod:`lbpgraph.rdf`; never
:mod:`lbpgraph.build`.
"""
