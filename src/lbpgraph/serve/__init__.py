"""Serve: a local, read-only SPARQL 1.1 Protocol endpoint over a project's store, and the pages
a person reads (find a claim, its trace and graph, the whole graph, the report), on an ASGI
server.

May import: :mod:`lbpgraph.project` and everything below it.
"""
