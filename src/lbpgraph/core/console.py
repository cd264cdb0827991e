"""Text for a terminal: data made safe to print, aligned plain-text tables, and text that fits.

Every string that comes from an article, a record or a query answer is data: control and format
characters (which could drive a terminal) are shown as ``\\uXXXX`` escapes. Output fits the
terminal's width (:func:`terminal_width`) and is coloured (:func:`use_color`) only on a terminal.
"""

from __future__ import annotations

import os
import re
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any


def safe(text: Any, keep: str = "\n") -> str:
    """Text with control and format characters, and the Unicode line and paragraph separators,
    made visible, safe to print to a terminal; those in ``keep`` (line breaks) stay as they are."""
    out = []
    for ch in str(text):
        if ch in keep or (unicodedata.category(ch)[0] != "C" and ch not in "\u2028\u2029"):
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04X}")
    return "".join(out)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], width: int | None = None,
          color: bool = False) -> str:
    """An aligned plain-text table; cells are made terminal-safe and kept on one line.

    With ``width``, the table fits it: columns of free text are cut, an ellipsis marking each cut,
    while identifiers (cells without spaces) stay whole; when even that cannot fit, each row is
    shown as a record, one wrapped line per column (CSV and JSON keep the full text either way).
    With ``color``, the header is bold.
    """
    cells = [[" ".join(safe("" if x is None else x).split()) for x in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        widths = [max(w, len(x)) for w, x in zip(widths, row)]
    if width is not None and sum(widths) + 2 * (len(widths) - 1) > width:
        text = [any(" " in row[i] for row in cells) for i in range(len(headers))]
        fitted = _widths(widths, text, width)
        if fitted is None:
            return records(headers, cells, width, color)
        widths = fitted

    def line(values: Sequence[str]) -> str:
        return "  ".join(clip(x, w).ljust(w) for x, w in zip(values, widths)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([bold(line(headers), color), rule, *(line(row) for row in cells)]) + "\n"


def records(headers: Sequence[str], cells: Sequence[Sequence[str]], width: int, color: bool = False) -> str:
    """Each row as a record: its first value, then one line per other column, wrapped to ``width``."""
    pad = min(max(len(h) for h in headers[1:]) + 4, width // 3) if len(headers) > 1 else 2
    out = []
    for row in cells:
        out += [bold(x, color) for x in textwrap.wrap(row[0] or "-", width, break_on_hyphens=False) or ["-"]]
        for header, value in zip(headers[1:], row[1:]):
            wrapper = textwrap.TextWrapper(width=width, initial_indent=f"  {header}:".ljust(pad),
                                           subsequent_indent=" " * pad, break_on_hyphens=False)
            out += wrapper.wrap(value or "-") or [f"  {header}:"]
        out.append("")
    return "\n".join(out)

# --- fitting a terminal ------------------------------------------------------------------------

ELLIPSIS = "\u2026"
_TREE = re.compile(r"[ │├└─]*")
_BOLD, _RESET = "\x1b[1m", "\x1b[0m"


def terminal_width(stream: Any) -> int | None:
    """How wide output to ``stream`` may be: ``COLUMNS`` when set, else the terminal's width when
    ``stream`` is a terminal, else no limit (a file or a pipe gets every character)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        pass
    return None


def use_color(stream: Any) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    try:
        return bool(stream.isatty()) and not os.environ.get("NO_COLOR")
    except (AttributeError, ValueError):
        return False


def bold(text: str, color: bool) -> str:
    """``text`` in bold when ``color``."""
    return f"{_BOLD}{text}{_RESET}" if color else text


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[:max(width - 1, 0)].rstrip() + ELLIPSIS[:width]


def fit_lines(text: str, width: int | None) -> str:
    """Every line of ``text`` wrapped to ``width``, under the indentation (and the branches of a
    tree) it starts with; unchanged without a width."""
    if width is None:
        return text
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        prefix = _TREE.match(line).group()  # type: ignore[union-attr]
        under = prefix.replace("├─", "│ ").replace("└─", "  ").replace("─", " ") + "  "
        if len(under) > width // 2:  # too deep to indent: go on from the margin
            prefix, under = "", "  "
        wrapper = textwrap.TextWrapper(width=width, initial_indent=prefix, subsequent_indent=under,
                                       break_on_hyphens=False)
        out += wrapper.wrap(line[len(prefix):]) or [line[:width]]
    return "\n".join(out)


def _widths(natural: list[int], text: list[bool], width: int, least: int = 16) -> list[int] | None:
    """Column widths that fit ``width`` (two spaces between columns), cutting the widest columns
    of free text (``text``) first, none below ``least``; None when that cannot fit."""
    room = width - 2 * (len(natural) - 1)
    floors = [min(w, least) if t else w for w, t in zip(natural, text)]
    if sum(floors) > room:
        return None
    widths = list(natural)
    while sum(widths) > room:
        i = max((i for i in range(len(widths)) if widths[i] > floors[i]), key=lambda i: widths[i])
        widths[i] -= max(1, min(widths[i] - floors[i], sum(widths) - room, widths[i] - sorted(widths)[-2]))
    return widths
