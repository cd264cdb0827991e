"""The Jinja environment the report and the served pages are rendered with (the graph page
needs no template engine: :mod:`.page`).

Autoescaped (strings from articles are data, never markup), strict (a missing field is an
error, not an empty string), and reading a dict's fields as items first: the records a page
shows are dicts, and Jinja's own lookup tries an attribute first and pays for the exception,
which took most of the report's time at a million triples. A field named like a dict method
(``items``, ``get``) is still the method, as Jinja gives it.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, StrictUndefined

_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj and attribute not in _DICT_ATTRIBUTES:
            return obj[attribute]
        return super().getattr(obj, attribute)


def environment() -> Environment:
    """A new environment for lbpgraph's templates."""
    return _Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
