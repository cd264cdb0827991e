"""Read YAML into plain Python data while remembering the line of every key and item.

The loader is deliberately strict and boring:

- YAML 1.2 core scalars only: ``true``/``false`` are booleans, ``yes``/``no``/``on`` stay
  strings, and dates stay strings (the schema checks them), so no value changes type behind
  the curator's back;
- duplicate keys are errors, not silent overwrites;
- anchors, aliases, merge keys and tags other than the core ones are refused.

:func:`dumps` writes data that :func:`loads` (and YAML 1.1 readers such as ``yaml.safe_load``)
read back unchanged: a string that either would read as another type is quoted. It is the one
YAML writer of lbpgraph: ingest's drafts and the synthetic corpus both use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.cyaml import CParser

Path = tuple[str | int, ...]


class YamlProblem(Exception):
    """A YAML file could not be read; carries the 1-based line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _Resolver(yaml.resolver.BaseResolver):
    pass


# YAML 1.2 core schema: null, bool (true/false), int, float; everything else is a string.
_CORE = [
    ("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
    ("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789")),
    ("tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
     list("-+0123456789.")),
]
for _tag, _regexp, _first in _CORE:
    _Resolver.add_implicit_resolver(_tag, _regexp, _first)


class _Dumper(yaml.SafeDumper):
    """Knows YAML 1.1's implicit types and the core ones above, so it quotes a string that
    either would read as something else ("1e3", "yes", "null")."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # PyYAML writes U+0085 (a YAML 1.1 line break) raw in plain and single-quoted scalars, where
    # it reads back as a line break; double quotes escape it.
    style = '"' if "\x85" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


for _tag, _regexp, _first in _CORE:
    _Dumper.add_implicit_resolver(_tag, _regexp, _first)
_Dumper.add_representer(str, _represent_str)


class _Loader(CParser, _Resolver):  # libyaml's parser and composer, our resolver
    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _Resolver.__init__(self)


@dataclass
class Document:
    """Plain data of one YAML file plus the line where each path starts."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int:
        """Line of the longest known prefix of ``path`` (1 when nothing matches)."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1


def loads(text: str) -> Document:
    """Parse one YAML document; raise :class:`YamlProblem` with a line on any error."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc.problem or exc.context}", _error_line(exc)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlProblem(f"YAML syntax: {exc}", 1) from None
    finally:
        loader.dispose()
    doc = Document(None)
    doc.data = _convert(node, (), doc.lines, set()) if node is not None else None
    return doc


def _error_line(exc: yaml.MarkedYAMLError) -> int:
    """The 1-based line of a syntax error (libyaml's marks are 0-based).

    An unclosed flow collection (``[``, ``{``) or a token the scanner started (a quoted scalar, a
    key without its colon) is noticed only at the next token, often lines later: its context
    mark is where the mistake is. Otherwise the problem mark is (a block mapping's context mark
    is only where the enclosing mapping began)."""
    context = exc.context or ""
    use_context = exc.context_mark is not None and ("flow" in context or context.startswith("while scanning"))
    mark = exc.context_mark if use_context else exc.problem_mark or exc.context_mark
    return mark.line + 1 if mark else 1


def dumps(data: Any, omit_empty: bool = False) -> str:
    """``data`` as block-style YAML that :func:`loads` reads back unchanged; with ``omit_empty``,
    keys whose value is None or an empty list are left out, at every level."""
    return yaml.dump(_without_empty(data) if omit_empty else data, Dumper=_Dumper, sort_keys=False,
                     allow_unicode=True, width=100)


def _without_empty(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_empty(v) for k, v in data.items() if v is not None and v != []}
    if isinstance(data, list):
        return [_without_empty(x) for x in data]
    return data


def _convert(node: yaml.Node, path: Path, lines: dict[Path, int], seen: set[int]) -> Any:
    line = lines.setdefault(path, node.start_mark.line + 1)
    if id(node) in seen:  # the composer hands an alias back as the anchored node itself
        raise YamlProblem("aliases (*name) are not allowed: write the value out", line)
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        if node.tag != "tag:yaml.org,2002:map":
            raise YamlProblem(f"unsupported tag {node.tag}", node.start_mark.line + 1)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem("only plain keys are allowed", key_node.start_mark.line + 1)
            key = key_node.value
            if key in result:
                raise YamlProblem(f"duplicate key '{key}'", key_node.start_mark.line + 1)
            lines[path + (key,)] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, path + (key,), lines, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        if node.tag != "tag:yaml.org,2002:seq":
            raise YamlProblem(f"unsupported tag {node.tag}", node.start_mark.line + 1)
        return [_convert(item, path + (i,), lines, seen) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    value, tag = node.value, node.tag
    if tag == "tag:yaml.org,2002:str":
        return value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        return float(value)
    raise YamlProblem(f"unsupported tag {tag}", node.start_mark.line + 1)
