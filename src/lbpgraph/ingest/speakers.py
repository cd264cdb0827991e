"""Who speaks where in an article: its author (as its byline names them), until the comments or a
forum's replies begin.

A plain text's byline, in its first lines, names the author and may date the article: "By
Hannah Pryce, Health Correspondent", "Posted on 2 February 2024 by Tom Keller | 14 comments",
"Posted by Sarah Whitfield, MCSP | Harbourside Physiotherapy Blog | 12 March 2024" (:func:`byline`).

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

Words in quotes that a sentence gives to a named person are that person's, with what introduces
them and the quotes that continue them: 'Professor Helen Marsh, a spine researcher, said: "..."',
'"...," said lead author Professor Daniel Okafor. "..."' (a quoted researcher when a title or
"author" says so, else a quoted source), and so are the quotes a pronoun then gives on in the
same paragraph ('She added: "..."').
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_MONTHS = {m: n for n, names in enumerate((("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
                                           ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
                                           ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
                                           ("dec", "december")), 1) for m in names}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"  # a month's name, written out or short
_DATE = rf"(?:{_MONTH}[ \t]+\d{{1,2}},?[ \t]+\d{{4}}|\d{{1,2}}[ \t]+{_MONTH}\.?[ \t]+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_COMMENTS_HEADING = re.compile(
    r"^[ \t]*(?:\d+[ \t]+(?:comments?|responses?|replies|thoughts?)\b[^\n]{0,160}"
    r"|(?:reader[ \t]+|user[ \t]+)?comments?(?:[ \t]*\(\d+\))?:?)[ \t]*$", re.I | re.M)
_HEADER = re.compile(
    r"^[ \t]*(?:(?P<op>posted[ \t]+by)|(?:reply|comment|response)[ \t]+(?:from|by))[ \t]+"
    r"(?P<name>[^\n·|(,]{1,60}?)[ \t]*(?:\([^)\n]*\)[ \t]*)?(?:[·|,][^\n]*)?$"
    r"|^[ \t]*(?:\d+\.[ \t]+)?(?P<says>[A-Z][^\n:]{0,50}?)[ \t]+(?:says|said|wrote|commented)[ \t]*:?[ \t]*$"
    rf"|^[ \t]*(?:\d+\.[ \t]+)?(?P<dated>[^\n]{{0,60}}?)[ \t]*\b{_DATE}\b[^\n.!?]{{0,40}}$", re.I | re.M)
_HONORIFIC = r"(?:Dr\.?|Prof\.?|Professor|Mr\.?|Mrs\.?|Ms\.?)"
_TITLED = re.compile(rf"^{_HONORIFIC}[ \t]+")
_PERSON = rf"(?:{_HONORIFIC}[ \t]+[A-Z][\w'’\-]+(?:[ \t]+[A-Z][\w'’\-]+){{0,2}}|[A-Z][\w'’\-]+(?:[ \t]+[A-Z][\w'’\-]+){{1,2}})"
_SPEECH = r"(?:said|says|explained|explains|added|adds|noted|notes|told|warned|warns|commented|cautioned)"
_QUOTED = r"[“\"][^”\"\n]{2,1500}[”\"]"
_AUTHOR_ROLE = r"(?:(?:the[ \t]+)?(?:lead|senior|first|co-?)[ \t]*author[ \t]+|study[ \t]+author[ \t]+)"
_SAID = re.compile(
    rf"(?P<before>{_AUTHOR_ROLE}?{_PERSON})(?:,[^,\n\"“”]{{1,100}},)?[ \t]+{_SPEECH}[ \t]*:?[ \t]*{_QUOTED}"
    rf"|{_QUOTED}[ \t]*,?[ \t]*(?:{_SPEECH}[ \t]+(?P<after>{_AUTHOR_ROLE}?{_PERSON})|(?P<named>{_PERSON})[ \t]+{_SPEECH})")
_CONTINUED = re.compile(rf"[ \t]*(?:[^\s\"“”]{{0,3}})[ \t]*(?P<quote>{_QUOTED})")
_PRONOUN_SAID = re.compile(  # 'She added: "..."', '"...," he said': the person quoted just before
    rf"\b(?:[Hh]e|[Ss]he|[Tt]hey)[ \t]+{_SPEECH}[ \t]*:?[ \t]*{_QUOTED}"
    rf"|{_QUOTED}[ \t]*,?[ \t]*(?:{_SPEECH}[ \t]+(?:he|she|they)|(?:he|she|they)[ \t]+{_SPEECH})\b")
_SAME_PASSAGE = 400  # characters at most between a quoted person's words and a pronoun's that go on
_NAME_LINE = re.compile(r"(?:^|\n)[ \t]*\n[ \t]*(?P<name>[A-Z][\w.'’\-]*(?:[ \t]+[A-Z][\w.'’\-]*){0,3})[ \t]*\n[ \t]*\n(?=[ \t]*\S)")


@dataclass(frozen=True)
class Speaker:
    """Who speaks: the article's author, a reader (named where a line names them), or a person
    the article quotes."""

    role: str  # "author", "commenter", "quoted-researcher" or "quoted-source"
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
        self.quoted = _quoted(text)
        self.quoted_starts = [start for start, _, _ in self.quoted]

    def at(self, offset: int) -> Speaker:
        """Who speaks at ``offset``: a person the article quotes there, else the author or a reader."""
        k = bisect.bisect_right(self.quoted_starts, offset) - 1
        if k >= 0 and offset < self.quoted[k][1]:
            return self.quoted[k][2]
        i = bisect.bisect_right(self.offsets, offset) - 1
        return self.speakers[i] if i >= 0 else AUTHOR


def _quoted(text: str) -> list[tuple[int, int, Speaker]]:
    """(start, end, speaker) of each passage quoted from a named person, with what introduces it
    and the quotes that continue it."""
    out: list[tuple[int, int, Speaker]] = []
    for m in _SAID.finditer(text):
        who = m.group("before") or m.group("after") or m.group("named")
        end = m.end()
        while (more := _CONTINUED.match(text, end)) is not None and "\n" not in text[end:more.start("quote")]:
            end = more.end()
        researcher = re.match(rf"{_AUTHOR_ROLE}|(?:Dr\.?|Prof\.?|Professor)[ \t]", who) is not None
        name = _name(re.sub(rf"^{_AUTHOR_ROLE}", "", who))
        if out and m.start() < out[-1][1]:
            continue  # inside a passage already given to someone
        out.append((m.start(), end, Speaker("quoted-researcher" if researcher else "quoted-source", name)))
    return _pronouns(text, out)


def _pronouns(text: str, named: list[tuple[int, int, Speaker]]) -> list[tuple[int, int, Speaker]]:
    """``named`` with the quotes a pronoun gives on to the person quoted just before, in the same
    paragraph ('She added: "..."')."""
    out = list(named)
    for m in _PRONOUN_SAID.finditer(text):
        before = [q for q in out if q[1] <= m.start()]
        if any(q[0] <= m.start() < q[1] for q in out) or not before:
            continue
        last = max(before, key=lambda q: q[1])
        if m.start() - last[1] <= _SAME_PASSAGE and "\n\n" not in text[last[1]:m.start()]:
            out.append((m.start(), m.end(), last[2]))
    return sorted(out, key=lambda q: q[0])


def without_title(name: str) -> str:
    """A person's name without the title printed before it ("Professor Helen Marsh": "Helen Marsh")."""
    return _TITLED.sub("", name)


def _name(printed: str) -> str:
    return " ".join(printed.strip(" \t#-–·|,:").split())


_BYLINE = re.compile(r"^[ \t]*(?i:(?:posted|written|published)(?:[ \t]+on[ \t]+[^\n]{4,30}?)?[ \t]+by|by)[ \t]+"
                     r"(?P<name>[A-Z][^\n,|·•]{1,60}?|[a-z][\w.\-]{2,30})(?:[ \t]*,[ \t]*(?P<credentials>[^\n|·•]{1,60}?))?"
                     r"[ \t]*(?:[|·•][^\n]*)?$")
_FULL_DATE = re.compile(rf"\b(?:(?P<d1>\d{{1,2}})[ \t]+(?P<m1>{_MONTH})\.?|(?P<m2>{_MONTH})\.?[ \t]+(?P<d2>\d{{1,2}}),?)"
                        r"[ \t]+(?P<y>(?:19|20)\d{2})\b", re.I)
_DATE_LINE = re.compile(  # a line that is a date alone: "Posted on 12 March 2024", "March 12, 2024"
    r"^[ \t]*(?:(?:posted|published)(?:[ \t]+on)?[ \t]*:?[ \t]*)?(?:" + _FULL_DATE.pattern + r")[ \t]*$", re.I)


@dataclass(frozen=True)
class Byline:
    """What a plain text's byline prints: the author's name, their credentials, a full date."""

    name: str | None = None
    credentials: str | None = None
    date: str | None = None  # YYYY-MM-DD


def byline(text: str, lines: int = 6) -> Byline:
    """The byline among the first ``lines`` non-empty lines of ``text``, if one is printed (a name
    after "By" or "Posted by"; a full date on the same line, or on the next line when that line
    is the date alone: "Posted on 12 March 2024"); nothing is taken from anywhere else."""
    first = [x for x in text.splitlines() if x.strip()][:lines + 1]
    for i, line in enumerate(first[:lines]):
        m = _BYLINE.match(line)
        if m is None:
            continue
        name = re.split(r"[ \t]+(?:on|in|at|for)[ \t]+", m.group("name"))[0].strip(" .")
        if not name or len(name.split()) > 5:
            continue  # a sentence that starts with "By ...", not a name
        credentials = (m.group("credentials") or "").strip(" .")
        date = _FULL_DATE.search(line) or (_DATE_LINE.match(first[i + 1]) if i + 1 < len(first) else None)
        return Byline(name, credentials if credentials and not re.search(r"\d", credentials) else None,
                      _iso(date) if date else None)
    return Byline()


def _iso(m: re.Match[str]) -> str | None:
    month = _MONTHS.get((m.group("m1") or m.group("m2")).lower().rstrip("."))
    day = int(m.group("d1") or m.group("d2"))
    if month is None or not 1 <= day <= 31:
        return None
    return f"{m.group('y')}-{month:02d}-{day:02d}"
