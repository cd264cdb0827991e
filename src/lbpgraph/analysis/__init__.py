"""Analysis: what the built graph says, as typed records a reader or a page can use.

The NetworkX projection of the graph (:mod:`.projection`, its node and edge kinds and records in
:mod:`.records`), a claim's trace (:mod:`.trace`, computed by :mod:`.chains`) with the rules behind its
verdict (:mod:`.explain`) and its citation distortions (:mod:`.distortions`), graph metrics
(:mod:`.metrics`), corpus statistics (:mod:`.stats`) and read-only SPARQL (:mod:`.query`: the
guard, named queries in ``queries/*.rq``, limits). May import: :mod:`lbpgraph.core`,
:mod:`lbpgraph.rdf` and :mod:`lbpgraph.stores.base` (the interface, never a store itself).
"""
