"""Letters as names are printed: ASCII and the Latin letters with diacritics ("Østby", "Müller",
"García-López", "Łukasz", "Şahin", "Čapek", "Straße"), and the blanks between words.

The patterns that read names (references, citations) are written with ASCII classes, ``[A-Z]``,
``[a-z]``, ``[A-Za-z]``; the functions here compile and run them with every such class widened to
the upper and lower case letters of the Latin blocks (Latin-1 Supplement, Latin Extended-A and -B,
Latin Extended Additional), so that one place decides what a letter of a name is. A blank, written
``[ \\t]``, is widened to the no-break spaces that pages print inside "et al." and "J. Smith"
(U+00A0, U+202F), one character each, so offsets hold. Digits are not touched: identifiers and
years stay ASCII (``\\d`` is not used for them; ``[0-9]`` is not widened).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_BLOCKS = ((0x00C0, 0x0250), (0x1E00, 0x1F00))


def _letters(category: str) -> str:
    return "".join(chr(c) for lo, hi in _BLOCKS for c in range(lo, hi) if unicodedata.category(chr(c)) == category)


UPPER = "A-Z" + _letters("Lu")  # for use inside a character class
LOWER = "a-z" + _letters("Ll") + _letters("Lt")
BLANK = "[ \\t\u00a0\u202f]"  # a blank between words, as a whole class


@lru_cache(maxsize=1024)
def widen(pattern: str) -> str:
    """``pattern`` with its ASCII letter ranges ("A-Z", "a-z") widened to the Latin letters, and
    its blanks (``[ \\t]``) to the no-break spaces."""
    return pattern.replace("A-Z", UPPER).replace("a-z", LOWER).replace("[ \\t]", BLANK)


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:  # noqa: A001 - as re.compile
    return re.compile(widen(pattern), flags)


def search(pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
    return re.search(widen(pattern), string, flags)


def match(pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
    return re.match(widen(pattern), string, flags)


def fullmatch(pattern: str, string: str, flags: int = 0) -> re.Match[str] | None:
    return re.fullmatch(widen(pattern), string, flags)


def findall(pattern: str, string: str, flags: int = 0) -> list[Any]:
    return re.findall(widen(pattern), string, flags)


def finditer(pattern: str, string: str, flags: int = 0) -> Any:
    return re.finditer(widen(pattern), string, flags)


def sub(pattern: str, repl: Any, string: str, count: int = 0, flags: int = 0) -> str:
    return re.sub(widen(pattern), repl, string, count=count, flags=flags)


def split(pattern: str, string: str, maxsplit: int = 0, flags: int = 0) -> list[Any]:
    return re.split(widen(pattern), string, maxsplit=maxsplit, flags=flags)
