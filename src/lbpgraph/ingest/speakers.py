"""Who speaks where in an article: its author, until the comments or a forum's replies begin.

A text says so in lines of its own, which this module reads (never a guess from the words of a
sentence):

- a comments heading ("3 comments", "2 Responses to “...”", "Comments (4)", "Reader comments")
  starts the readers' part: from there a reader speaks, unnamed until a line names them;
- a post's header names who wrote what follows: "Reply from BackOnTrack · 14 Aug 2024",
  "Comment by Linda M.", "Posted by runner_dad_77 · ..." (the first poster of a thread is its
  author); in the readers' part also "Linda M. says:" and "2. ivan fedyaev June 20, 2014 at
  12:44 pm #";
- in the readers' part, a short line of one to four capitalised words standing alone between
  blank lines ("Linda M.") names the reader whose comment follows, as a page's comment list prints it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DATE = rf"(?:{_MONTH}[ \t]+\d{{1,2}},?[ \t]+\d{{4}}|\d{{1,2}}[ \t]+{_MONTH}\.?[ \t]+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_COMMENTS_HEADING = re.compile(
    r"^[ \t]*(?:\d+[ \t]+(?:comments?|responses?|replies|thoughts?)\b[^\n]{0,160}"
    r"|(?:reader[ \t]+|user[ \t]+)?comments?(?:[ \t]*\(\d+\))?:?)[ \t]*$", re.I | re.M)
_HEADER = re.compile(
    r"^[ \t]*(?:(?P<op>posted[ \t]+by)|(?:reply|comment|response)[ \t]+(?:from|by))[ \t]+"
    r"(?P<name>[^\n·|(,]{1,60}?)[ \t]*(?:\([^)\n]*\)[ \t]*)?(?:[·|,][^\n]*)?$"
    r"|^[ \t]*(?:\d+\.[ \t]+)?(?P<says>[A-Z][^\n:]{0,50}?)[ \t]+(?:says|said|wrote|commented)[ \t]*:?[ \t]*$"
    rf"|^[ \t]*(?:\d+\.[ \t]+)?(?P<dated>[^\n]{{0,60}}?)[ \t]*\b{_DATE}\b[^\n.!?]{{0,40}}$", re.I | re.M)
_NAME_LINE = re.compile(r"(?:^|\n)[ \t]*\n[ \t]*(?P<name>[A-Z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){0,3})[ \t]*\n[ \t]*\n(?=[ \t]*\S)")


@dataclass(frozen=True)
class Speaker:
    """Who speaks: the article's author, or a reader (named where a line names them)."""

    role: str  # "author" or "commenter"
    name: str | None = None


AUTHOR = Speaker("author")


class Speakers:
    """The speaker at each offset of a text (see the module's docstring)."""

    def __init__(self, text: str) -> None:
        changes: list[tuple[int, Speaker]] = []
        heading = _COMMENTS_HEADING.search(text)
        readers_from = heading.end() if heading else len(text) + 1
        if heading:
            changes.append((heading.end(), Speaker("commenter")))
        first_poster: str | None = None
        for m in _HEADER.finditer(text):
            if m.group("op") is not None and first_poster is None and m.start() < readers_from:
                first_poster = _name(m.group("name"))
                changes.append((m.end(), AUTHOR))
                continue
            name = _name(m.group("name") or m.group("says") or m.group("dated") or "")
            if (m.group("dated") is not None or m.group("says") is not None) and m.start() < readers_from:
                continue  # before the readers' part, a dated line is the article's byline, "X says:" its quote
            if m.group("op") is not None and not name:
                continue
            changes.append((m.end(), AUTHOR if name and name == first_poster else Speaker("commenter", name or None)))
            readers_from = min(readers_from, m.start())
        for m in _NAME_LINE.finditer(text):
            if m.start("name") > readers_from and not _COMMENTS_HEADING.fullmatch(m.group("name")):
                changes.append((m.end("name"), Speaker("commenter", _name(m.group("name")))))
        changes.sort(key=lambda c: c[0])
        self.offsets = [at for at, _ in changes]
        self.speakers = [who for _, who in changes]

    def at(self, offset: int) -> Speaker:
        """Who speaks at ``offset``."""
        i = bisect.bisect_right(self.offsets, offset) - 1
        return self.speakers[i] if i >= 0 else AUTHOR


def _name(printed: str) -> str:
    return " ".join(printed.strip(" \t#-–·|,:").split())
