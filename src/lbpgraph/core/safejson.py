"""JSON text that stays data wherever it is pasted: inside an HTML ``<script>`` element (a page's
JSON-LD block, the data of lbpgraph's own pages) no string can close the element or open markup."""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "'": "\\u0027"})


def script_safe(json_text: str) -> str:
    """``json_text`` with ``<``, ``>``, ``&`` and ``'`` written as escapes, as Jinja's ``tojson``
    writes them: the same JSON value (those characters occur only inside strings)."""
    return json_text.translate(_ESCAPES)


def dumps(value: Any, **options: Any) -> str:
    """:func:`json.dumps` of ``value`` with ``options``, made :func:`script_safe`."""
    return script_safe(json.dumps(value, **options))
