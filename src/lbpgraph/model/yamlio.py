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

import functools
import math
import re
from dataclasses import dataclass
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
    """The core schema below, resolved without PyYAML's path resolvers (lbpgraph adds none): the
    composer asks for the tag of every node, so these run a few hundred thousand times a build."""

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        if kind is _SCALAR:
            if implicit[0]:  # a plain scalar: the first implicit type whose pattern matches
                for tag, regexp in _IMPLICIT_TYPES.get(value[:1], ()):  # type: ignore[index]
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is _SEQUENCE else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
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
_PATTERNS = {tag: regexp for tag, regexp, _ in _CORE}  # what a core-typed scalar may say
_KINDS = dict(zip(_PATTERNS, ["empty, ~ or null", "true or false", "a whole number", "a decimal number"]))
_IMPLICIT_TYPES = _Resolver.yaml_implicit_resolvers  # first character -> [(tag, pattern)]
_SCALAR, _SEQUENCE, _MAPPING = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Implicit(yaml.resolver.Resolver):
    """YAML 1.1's implicit types and the core ones above: :func:`dumps` quotes a string that
    either would read as something else ("1e3", "yes", "null")."""


for _tag, _regexp, _first in _CORE:
    _Implicit.add_implicit_resolver(_tag, _regexp, _first)


class _Loader(CParser, _Resolver):  # libyaml's parser and composer, our resolver
    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        _Resolver.__init__(self)


@dataclass
class Document:
    """Plain data of one YAML file, and the YAML ``text`` it was read from (None when it was
    not read from YAML)."""

    data: Any
    text: str | None = None

    @functools.cached_property
    def lines(self) -> dict[Path, int]:
        """The line where each path starts. Only a message needs it, so it is found when first
        asked for, by reading the text again (with no path, every line is 1)."""
        lines: dict[Path, int] = {}
        if self.text is not None:
            node = _compose(self.text)
            if node is not None:
                _record_lines(node, (), lines)
        return lines

    def line(self, path: Path) -> int:
        """Line of the longest known prefix of ``path`` (1 when nothing matches)."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return 1


def loads(text: str) -> Document:
    """Parse one YAML document; raise :class:`YamlProblem` with a line on any error."""
    node = _compose(text)
    return Document(_convert(node, set()) if node is not None else None, text)


def _compose(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (None when it is empty)."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise YamlProblem(f"YAML syntax: {exc.problem or exc.context}", _error_line(exc)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a NUL, an escape)
        raise YamlProblem(f"YAML syntax: control character U+{exc.character:04X} is not allowed",
                          text.count("\n", 0, exc.position) + 1) from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise YamlProblem(f"YAML syntax: {exc}", 1) from None
    finally:
        loader.dispose()


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
    """``data`` (mappings, lists, strings, numbers, booleans, None) as block-style YAML that
    :func:`loads` and YAML 1.1 readers read back unchanged; with ``omit_empty``, keys whose value
    is None or an empty list are left out, at every level.

    Written directly, in one pass: a long draft of tens of thousands of records takes seconds
    (PyYAML's representer takes minutes). A string is plain only when it cannot read as anything
    else; otherwise it is double-quoted, with every character a reader would not keep as it is
    escaped. Lines are never folded."""
    out: list[str] = []
    _emit(_without_empty(data) if omit_empty else data, 0, out, top=True)
    return "".join(out)


def _without_empty(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_empty(v) for k, v in data.items() if v is not None and v != []}
    if isinstance(data, list):
        return [_without_empty(x) for x in data]
    return data


_PLAIN = re.compile(r"[A-Za-z_(\u00c0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd][^\x00-\x1f\x7f-\x9f:#\"'\\\[\]{},&*!|>%@`\u2028\u2029\ufeff"
                    r"\ud800-\udfff\ufffe\uffff]*")
_TRIGGERS = frozenset("0123456789+-.~nNyYtTfFoO<=")  # first characters of YAML 1.1 and core implicit types
_KEEP = re.compile(r"[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]|[\\\"]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x85": "\\N", "\u2028": "\\L",
            "\u2029": "\\P"}


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    if c in _ESCAPES:
        return _ESCAPES[c]
    n = ord(c)
    return f"\\x{n:02X}" if n < 0x100 else f"\\u{n:04X}" if n < 0x10000 else f"\\U{n:08X}"


def _scalar_text(value: Any) -> str:
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if not math.isfinite(value) or not re.fullmatch(r"-?[0-9]+\.[0-9]+", text):
            raise ValueError(f"dumps writes plain decimal floats only, not {text}")
        return text
    if not isinstance(value, str):
        raise TypeError(f"dumps cannot write a {type(value).__name__}")
    if _PLAIN.fullmatch(value) and not value.endswith(" ") and "  " not in value and (
            value[0] not in _TRIGGERS or _reads_as_string(value)):
        return value
    return '"' + _KEEP.sub(_escape, value) + '"'


def _reads_as_string(value: str) -> bool:
    """Whether a plain ``value`` reads as a string under YAML 1.1 and the core schema alike."""
    return not any(regexp.match(value) for _, regexp in _Implicit.yaml_implicit_resolvers.get(value[0], []))


def _emit(data: Any, indent: int, out: list[str], top: bool = False) -> None:
    """Append ``data`` to ``out``: a mapping or list as block lines at ``indent``, else a scalar."""
    pad = " " * indent
    if isinstance(data, dict):
        if not data:
            out.append("{}\n")
            return
        for i, (key, value) in enumerate(data.items()):
            if not isinstance(key, str):
                raise TypeError("dumps writes string keys only")
            lead = "" if i == 0 and not top and indent else pad
            out.append(f"{lead}{_scalar_text(key)}:")
            _value(value, indent, out, nested_indent=indent + 2, list_indent=indent)
    elif isinstance(data, list):
        if not data:
            out.append("[]\n")
            return
        for i, item in enumerate(data):
            lead = "" if i == 0 and not top and indent else pad
            out.append(f"{lead}-")
            _value(item, indent, out, nested_indent=indent + 2, list_indent=indent + 2, in_list=True)
    else:
        out.append(_scalar_text(data) + "\n")


def _value(value: Any, indent: int, out: list[str], nested_indent: int, list_indent: int,
           in_list: bool = False) -> None:
    if isinstance(value, dict) and value:
        if in_list:  # "- key: value" with the rest of the mapping under the first key
            out.append(" ")
            _emit(value, nested_indent, out)
        else:
            out.append("\n")
            _emit(value, nested_indent, out, top=True)
    elif isinstance(value, list) and value:
        if in_list:
            out.append(" ")
            _emit(value, nested_indent, out)
        else:
            out.append("\n")
            _emit(value, list_indent, out, top=True)
    else:
        out.append(" ")
        _emit(value, indent, out)


def _convert(node: yaml.Node, seen: set[int], key: yaml.Node | None = None) -> Any:
    """The plain data of ``node`` (the value of the mapping key ``key``, if any)."""
    if id(node) in seen:  # the composer hands an alias back as the anchored node itself
        raise YamlProblem("aliases (*name) are not allowed: write the value out", (key or node).start_mark.line + 1)
    seen.add(id(node))
    if isinstance(node, _MAPPING):
        if node.tag != _MAP:
            raise YamlProblem(f"unsupported tag {node.tag}", node.start_mark.line + 1)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, _SCALAR) or key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem("only plain keys are allowed", key_node.start_mark.line + 1)
            name = key_node.value
            if name in result:
                raise YamlProblem(f"duplicate key '{name}'", key_node.start_mark.line + 1)
            result[name] = _convert(value_node, seen, key_node)
        return result
    if isinstance(node, _SEQUENCE):
        if node.tag != _SEQ:
            raise YamlProblem(f"unsupported tag {node.tag}", node.start_mark.line + 1)
        return [_convert(item, seen) for item in node.value]
    return _scalar(node)


def _record_lines(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    """Add the line of ``path`` (unless its key gave it) and of every path under it to ``lines``;
    ``node`` is one that :func:`_convert` read without a problem."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, _MAPPING):
        for key_node, value_node in node.value:
            lines[path + (key_node.value,)] = key_node.start_mark.line + 1
            _record_lines(value_node, path + (key_node.value,), lines)
    elif isinstance(node, _SEQUENCE):
        for i, item in enumerate(node.value):
            _record_lines(item, path + (i,), lines)


def _scalar(node: yaml.ScalarNode) -> Any:
    value, tag = node.value, node.tag
    if tag == _STR:
        return value
    pattern = _PATTERNS.get(tag)
    if pattern is not None and not pattern.match(value):  # an explicit tag on text that is not of its type
        raise YamlProblem(f"{tag.replace('tag:yaml.org,2002:', '!!')} {value!r} is not {_KINDS[tag]}", node.start_mark.line + 1)
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        return int(value)
    if tag == "tag:yaml.org,2002:float":
        return float(value)
    raise YamlProblem(f"unsupported tag {tag}", node.start_mark.line + 1)
