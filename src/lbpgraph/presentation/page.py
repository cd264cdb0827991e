"""The graph page as HTML: ``templates/view.html`` and ``templates/view.js`` filled in.

The templates hold ``{{ name }}`` holes and nothing else (no loops, no filters), so the page is
written without a template engine: importing and compiling Jinja took more time than the rest
of ``lbpgraph view CLAIM``. Each hole's value is made safe here, as an autoescaping template
would: text is HTML-escaped (the characters and entities of MarkupSafe), data are JSON with
``<``, ``>``, ``&`` and ``'`` as ``\\uXXXX`` (Jinja's ``tojson``), so no string from an article
can close the script element. vis-network's script and style are inlined from the installed
pyvis package, and the page's Content Security Policy allows its two scripts by their SHA-256.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path
from typing import Any

from ..core import safejson, vocab
from .palette import ARTICLE_COLOUR, CERTAINTY_COLOURS, CONCEPT_COLOUR, KINDS, SHAPES, SOURCE_LEGEND
from .policy import inline_only

TEMPLATES = Path(__file__).parent / "templates"  # not importlib.resources, whose imports cost more than a read
HOLE = re.compile(r"\{\{ (\w+) \}\}")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&#39;", '"': "&#34;"})


def render_page(title: str, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], focus: str | None,
                physics: bool) -> str:
    """The page: one self-contained HTML file."""
    options = _options(physics)
    app_js = fill(_template("view.js"), nodes=to_json(nodes), focus=to_json(focus), edges=to_json(edges),
                  options=to_json(options), physics=to_json(physics))
    lib = _vis_lib()
    vis_js = _without_source_map((lib / "vis-network.min.js").read_text(encoding="utf-8"))
    return fill(_template("view.html"), title=escape(title), csp=content_security_policy(vis_js, app_js),
                vis_css=(lib / "vis-network.css").read_text(encoding="utf-8"), vis_js=vis_js, app_js=app_js,
                **_controls())


def fill(template: str, **values: str) -> str:
    """``template`` with every ``{{ name }}`` replaced by ``values[name]`` (a KeyError for a
    hole without a value); the values are inserted as they are, never read for holes."""
    return HOLE.sub(lambda m: values[m[1]], template)


def escape(text: str) -> str:
    """``text`` safe in HTML text and quoted attributes, escaped as MarkupSafe escapes it."""
    return text.translate(_ESCAPES)


def to_json(value: Any) -> str:
    """``value`` as JSON (keys sorted) that is safe inside a script element, as Jinja's ``tojson`` writes it."""
    return safejson.dumps(value, sort_keys=True)


def _template(name: str) -> str:
    """A template's text; the file's last newline is not part of the page."""
    return (TEMPLATES / name).read_text(encoding="utf-8").removesuffix("\n")


@cache
def _controls() -> dict[str, str]:
    """The filters and the legend, the same on every page: from the palette and the vocabulary."""
    def swatch(colour: str) -> str:
        return f'<span class="swatch" style="background: {escape(colour)}"></span>'

    def boxes(attribute: str, items: list[tuple[str, str]]) -> str:
        return "\n".join(f'    <label><input type="checkbox" data-{attribute}="{escape(value)}" checked>{text}</label>'
                         for value, text in items)

    return {
        "certainty_filter": boxes("certainty", [(c, swatch(colour) + escape(c)) for c, colour in CERTAINTY_COLOURS.items()]),
        "basis_filter": boxes("basis", [(b, escape(b)) for b in vocab.BASES.notations]),
        "kind_filter": boxes("kind", [(k, f"{escape(k)} ({escape(SHAPES[k])})") for k in KINDS]),
        "legend": "".join([*(f"<li>{swatch(colour)}claim, certainty {escape(c)}</li>"
                             for c, colour in CERTAINTY_COLOURS.items()),
                           *(f"<li>{swatch(colour)}{escape(label)}</li>" for label, colour in SOURCE_LEGEND.items())]),
        "article_colour": escape(ARTICLE_COLOUR), "concept_colour": escape(CONCEPT_COLOUR),
        "shapes": "; ".join(f"{escape(k)} = {escape(SHAPES[k])}" for k in KINDS),
    }


def _vis_lib() -> Path:
    """The folder of the vis-network files that pyvis installs, found without importing pyvis
    (whose package imports IPython: a tenth of a second)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("the graph page needs pyvis's copy of vis-network: pip install 'lbpgraph[view]'")
    return Path(spec.origin).parent / "templates" / "lib" / "vis-9.1.2"


def _without_source_map(script: str) -> str:
    """The bundled script without its trailing sourceMappingURL comment: the page refers to no
    other file. (Only that line: the minified code holds U+2028 in strings, so no line splitting.)"""
    return re.sub(r"\n//# sourceMappingURL=[^\n]*\s*$", "\n", script)


def content_security_policy(*scripts: str) -> str:
    """The page's policy: these inline scripts, by their SHA-256, inline styles and data: images
    (vis-network's CSS icons); nothing else, from nowhere."""
    return inline_only(*scripts, images=True)


def _options(physics: bool) -> dict[str, Any]:
    """vis-network draws shapes and edges; the page draws every label itself (edge and node fonts 0)."""
    return {
        "physics": {"enabled": physics, "solver": "barnesHut", "stabilization": {"iterations": 150},
                    "barnesHut": {"springLength": 160, "avoidOverlap": 0.3}},
        "layout": {"improvedLayout": False, "randomSeed": 0},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": True},
        "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "font": {"size": 0}, "color": {"inherit": False}},
        "nodes": {"font": {"size": 0}, "borderWidth": 1},
    }
