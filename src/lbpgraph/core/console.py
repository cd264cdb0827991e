"""Text for a terminal: data made safe to print, and aligned plain-text tables.

Every string that comes from an article, a record or a query answer is data: control and format
characters (which could drive a terminal) are shown as ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any


def safe(text: Any) -> str:
    """Text with control and format characters made visible, safe to print to a terminal."""
    out = []
    for ch in str(text):
        if ch == "\n" or (unicodedata.category(ch)[0] != "C"):
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04X}")
    return "".join(out)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned plain-text table; cells are made terminal-safe and kept on one line."""
    cells = [[" ".join(safe("" if x is None else x).split()) for x in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(x)) for w, x in zip(widths, row)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(x.ljust(w) for x, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join([line, rule, *body]) + "\n"
