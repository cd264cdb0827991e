"""Presentation: traces, reports, statistics and the graph page as text, Markdown and HTML.

:mod:`.render` (a trace and statistics as text and Markdown), :mod:`.report` (the evidence
report in HTML, Markdown and CSV), :mod:`.view` and :mod:`.layout` (the interactive graph page),
:mod:`.palette` (the colours every page shares) and the Jinja ``templates/``. May import:
:mod:`lbpgraph.core` and :mod:`lbpgraph.analysis`.
"""
