"""Presentation: traces, reports, statistics and the graph page as text, Markdown and HTML.

:mod:`.render` (a trace and statistics as text and Markdown), :mod:`.report` (the evidence
report in HTML, Markdown and CSV), :mod:`.view`, :mod:`.layout` and :mod:`.page` (the
interactive graph page), :mod:`.palette` (the colours and shapes every page shares) and the
``templates/`` (the report's for Jinja, the graph page's with holes only). May import:
:mod:`lbpgraph.core` and :mod:`lbpgraph.analysis`.
"""
