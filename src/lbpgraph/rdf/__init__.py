"""RDF and SPARQL plumbing shared by the build, the stores and the analysis.

The namespaces and graph names lbpgraph binds (:mod:`.namespaces`), every conversion of an RDF
term from one form to another in one place (:mod:`.terms`: rdflib, pyoxigraph, SPARQL JSON,
N-Triples, Turtle, plain Python values), the canonical TriG writer (:mod:`.trig`), SPARQL text
helpers (:mod:`.sparql`: prefixes, .rq files, walking a parsed query) and query answers
collected or streamed in SPARQL JSON, CSV or a table (:mod:`.results`). May import:
:mod:`lbpgraph.core`.
"""
