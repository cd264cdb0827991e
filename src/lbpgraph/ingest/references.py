"""Find an article's reference entries by their shape, under any heading or none, and parse them.

An entry is recognised by what it holds, not by the heading above it: authors at the start
("Krein SL, Kadri R", "Ahmad, A., & Veqar, Z.", "Hendrick P, et al."), a year where references
print one ("(2010)", "2013;", ", 1986."), a venue with volume and pages ("15(8):e181",
"31(3), 86-93", "pp. 497-503"), identifiers (DOI, PMID, PMCID, a URL) and a title between
full stops. Prose that merely names an author and a year ("Lee and Kang (2016) found that")
is not an entry. Entries may be numbered in any common style ("1.", "[1]", "(1)", "1)",
"^1", "¹", "Ref 1:"), bulleted or not, labelled ("Paper:", "Related:"), and split over lines
(indented or not). Consecutive entries make a list; the line just above the first one, if it
reads as a heading or a rule ("Sources", "Further reading", "Notes", "* * *"), belongs to it.

Everything is linear in the length of the text. Parsing is heuristic; ingest marks every new
record unverified.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field
from collections.abc import Iterable
from functools import cached_property

from ..core.text import Span
from . import latin

_YEAR = r"(?:1[89]\d{2}|20\d{2})"
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_DIGITS = str.maketrans(_SUPERSCRIPTS, "0123456789")
# a marker before an entry: bullet, then "[1]", "(1)", "1.", "1)", "^1", "¹", "Ref 1:", "1 " + author
_MARKER = latin.compile(
    r"^[ \t]*(?:[-•*·–▪◦‣►][ \t]+)?"
    r"(?:\[(\d{1,3})\]|\((\d{1,3})\)|(\d{1,3})[.)](?=\s)|\^(\d{1,3})|([" + _SUPERSCRIPTS + r"]{1,3})"
    r"|refs?\.?[ \t]*(\d{1,3})[ \t]*[:.)\]-]|(\d{1,3})(?=[ \t]+[A-Z][A-Za-z'’\-]+,?[ \t]+(?:[A-Z]{1,3}\b|[A-Z]\.)))"
    r"[ \t]*", re.I)
# the links back to where a note is cited, as wikis print them before it: "^", "^ a b", "↑ a b c"
_BACKLINKS = latin.compile(r"[ \t]*[\^↑](?:[ \t]*\b[a-z]{1,2}\b)*[ \t]*(?=[A-Z\d\"“'‘])")
_BULLET = latin.compile(r"^[ \t]*[-•*·–▪◦‣►][ \t]+")
_LABEL = latin.compile(r"^(?:[A-Z][a-z]+(?:[ \t][a-z]+){0,2})[ \t]*:[ \t]+(?=[A-Z])")
# a DOI may hold brackets ("10.1016/S0140-6736(24)00755-4"): its end is found by :func:`tidy_doi`
_DOI = latin.compile(r"(?:https?://(?:dx\.)?doi\.org/|\bdoi:?[ \t]*)?(10\.\d{4,9}/[^\s,;]*[^\s,;.\]])", re.I)
# an identifier printed in running text: "(DOI: 10.5555/jirs.2025.0412)", "PMID: 31234567"
_TEXT_ID = latin.compile(r"\bdoi\b:?[ \t]*(10\.\d{4,9}/[^\s,;]*[^\s,;.\]])|\bPMID\b:?[ \t]*(\d{1,9})\b"
                         r"|\b(?:PMCID\b:?[ \t]*)?(PMC\d{3,9})\b", re.I)
_INLINE_ID = latin.compile(r"\([ \t]*(?:doi|pmid|pmcid)\b:?[ \t]*[^\s()]*(?:\([^\s()]*\)[^\s()]*)*[ \t]*\)", re.I)
_PMID = latin.compile(r"\bPMID:?[ \t]*(\d{1,9})\b|pubmed\.ncbi\.nlm\.nih\.gov/(\d{1,9})\b|ncbi\.nlm\.nih\.gov/pubmed/(\d{1,9})\b")
# a footnote's symbol before its note: "* Chan E, ...", "†Designed with ...", "‡ See ..."
_SYMBOL = latin.compile(r"^[ \t]*([*†‡§¶]{1,3})[ \t]*(?=[A-Z\"“'‘])")
_PMCID = latin.compile(r"\b(PMC\d{3,9})\b")
_ID_URL = latin.compile(r"^https?://(?:dx\.)?(?:doi\.org/10\.|(?:www\.)?ncbi\.nlm\.nih\.gov/(?:pmc/articles/PMC|pubmed/)\d|"
                     r"pubmed\.ncbi\.nlm\.nih\.gov/\d|europepmc\.org/)\S*$")
_URL = latin.compile(r"https?://[^\s<>\"]+[^\s<>\".,;)\]]")
# words by which a sentence says that a link leads to research (a link to a shop, a newsletter's
# settings or a sponsor says none of them, and cites nothing unless a listed entry names its target)
_RESEARCH = latin.compile(r"\b(?:stud(?:y|ies)|trials?|review(?:ed|s)?|research\w*|papers?|journals?|published|"
                       r"evidence|guidelines?|meta-analys[ie]s|analys[ie]s|survey|cohort|experiment\w*|"
                       r"found|finds|showed|shows|reported|according|data|scientists?|researchers?)\b", re.I)
_TITLE_URL = latin.compile(r"^(?:[A-Z\"“‘'][^\n]{2,200}?[.:|\-–—][ \t]+)?https?://\S+$")  # "Title. https://..."
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?")
# "(2019)", "(14 August 2019)", "(August 14, 2019)", "(2019, August 14)": a publication date
_PAREN_YEAR = latin.compile(rf"\((?:(?:\d{{1,2}}[ \t]+)?{_MONTH}[ \t]+(?:\d{{1,2}},?[ \t]+)?)?({_YEAR})[a-z]?"
                         rf"(?:,[ \t]*{_MONTH}(?:[ \t]+\d{{1,2}})?)?\)")
# "Retrieved 2 March 2024", "Accessed March 2, 2024", "[cited 2024 Mar 2]": when it was read, not published
_ACCESSED = latin.compile(rf"(?:\b(?:retrieved|accessed|viewed|consulted)(?:[ \t]+(?:on|from))?|\[cited)[ \t]+"
                       rf"[^.\]]{{0,40}}?{_YEAR}[^.\]]{{0,12}}\]?\.?", re.I)
_VANCOUVER_YEAR = latin.compile(rf"\b({_YEAR})[a-z]?(?:[ \t]+[A-Z][a-z]{{2}}(?:[ \t]+\d{{1,2}})?)?[ \t]*;")
_REF_YEAR = latin.compile(rf"(?:\(|[.,;:][ \t]*|^)({_YEAR})[a-z]?(?=[.;:,)]|[ \t]*$)")
_ANY_YEAR = latin.compile(rf"(?<![\d/.\-])({_YEAR})[a-z]?(?![\d/\-])")
_VOLUME_PAGES = latin.compile(
    r"\b\d{1,4}[ \t]*\([^()]{1,14}\)[ \t]*[:,][ \t]*(?:e|pp?\.[ \t]*)?[A-Za-z]?\d+"  # 15(8):e181, 31(3), 86
    r"|;[ \t]*\d{1,4}[ \t]*(?:\([^()]{1,14}\))?[ \t]*:[ \t]*[A-Za-z]?\d+"  # 2013;15:181
    r"|\bpp?\.[ \t]*\d+|\bvol\.[ \t]*\d+"  # pp. 497-503, vol. 3
    r"|\b\d{1,4}[ \t]*:[ \t]*[A-Za-z]?\d+[ \t]*[-–][ \t]*\d+"  # 25:222-228
    r"|\b\d{1,4}[ \t]*\(\d{1,5}\)(?=[ \t]*[.;,]?[ \t]*$)", re.I)  # 98(26).
_PARTICLES = r"(?:van|von|de|der|den|da|del|di|du|le|la|te|ten|ter|dos|das)"
_AUTHOR_START = latin.compile(
    rf"^(?:{_PARTICLES}[ \t]+){{0,3}}"  # "van der Berg E"
    r"(?:[A-Z][A-Za-z'’\-]+(?:[ \t][A-Z][a-z][A-Za-z'’\-]+)?"
    r"(?:,?[ \t]+[A-Z]{1,3}\b(?![a-z])|,[ \t]*(?:[A-Z]\.[ \t]?-?){1,3}|,?[ \t]+(?:[A-Z]\.[ \t]?){1,3}"
    r"|[ \t]+et[ \t]+al\b|,[ \t]+[A-Z][a-z]+[ \t]+[A-Z]\."
    r"|,[ \t]+[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+|[ \t]+[A-Z]\.)?(?=[ \t]*[(;]))"
    r"|(?:[A-Z]\.[ \t]?){1,3}[ \t]*[A-Z][A-Za-z'’\-]+,)")
_PROSE_AFTER_YEAR = latin.compile(rf"\({_YEAR}[a-z]?\)[ \t]+[a-z]")
# what a study is said to have done, as a sentence reports it and a title rarely does: "et al. found that"
_PROSE_VERB = latin.compile(r"\b(?:found|showed|reported|concluded|demonstrated|proved|revealed|confirmed|observed|"
                            r"suggested)[ \t]+(?:that|only|no|little|some|a|an|the|it|this|these|those|both|its|their)\b")
# "Northfield Institute is an independent ...", "The Trust, founded in 2004, funds ...": a sentence about someone
_PROSE_SUBJECT = latin.compile(
    r"^(?:The[ \t]+)?[A-Z][\w'’&\-]*(?:[ \t]+(?:[A-Z][\w'’&\-]*|of|for|and|on|in))*(?:,[^,.]{1,60},)?[ \t]+"
    r"(?:is|are|was|were|has|have|had|funds|employs|provides|offers|supports|represents|works|runs|publishes|"
    r"aims|helps|leads|was[ \t]+funded|is[ \t]+funded)\b")
_PUBLISHER = latin.compile(r"\b(?:Press|Publishing|Publishers|Books|Edition|eds?\.)")
_FIRST_PERSON = latin.compile(r"\b(?:I|I'm|I’m|I've|I’ve|my|we|our|you|your)\b")
_VENUE_WORD = latin.compile(
    r"\b(?:J|Journal|Rev|Review|Med|Medicine|Spine|Lancet|BMJ|JAMA|Proc|Proceedings|Press|Publishing|Publishers|"
    r"Quarterly|Physiother\w*|Rehabil\w*|Clin\w*|Ann|Annals|Arch\w*|Sci|Science|Res|Research|Int|Bull\w*|Reports?|"
    r"PLoS|Cochrane|Gait|Posture|Health\w*|Epidemiol\w*|Orthop\w*|Sports?|Ther|Therapy|Bulletin|University|"
    r"Books?|Edition|eds?)\b\.?")
_QUOTED_TITLE = latin.compile(r"['‘“\"][A-Z][^'’”\"]{10,}['’”\"]")
_HEADING_WORDS = latin.compile(
    r"\b(?:references?|sources?|bibliography|further\s+reading|reading|notes|footnotes|endnotes|works|cited|"
    r"citations?|literature|studies|research|evidence|links?|papers?|read[ \t]+more|resources|websites)\b", re.I)
_RULE = latin.compile(r"^[ \t]*(?:[_\-=*~·•—–][ \t]*){3,}$")

_DIGIT = latin.compile(r"\d")
STRONG = 6  # an entry on its own
WEAK = 3  # an entry beside strong ones, or under a heading that names references


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list, as printed and as parsed."""

    key: str  # "1", "2", ... in the order entries appear in the article
    number: int | None  # the number printed, if any
    text: str  # the entry as printed, lines joined
    span: Span  # where the entry stands in the text
    authors: tuple[str, ...] = ()
    year: int | None = None
    title: str | None = None
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    url: str | None = None
    label: str | None = None  # a Markdown footnote's label ("walk" for "[^walk]: ..."), its markers' key

    @cached_property
    def surname(self) -> str | None:
        """The first author's surname ('Dufek' for 'Dufek JS', 'Ahmad' for 'Ahmad, A.')."""
        return surname(self.authors[0]) if self.authors else None

    @cached_property
    def surnames(self) -> tuple[str, ...]:
        return tuple(s for s in (surname(a) for a in self.authors) if s)


def surname(author: str) -> str | None:
    """The family name of an author as printed ('Te Wake' for 'Te Wake AM', 'Lee' for 'Lee, J.S.')."""
    author = author.split(",", 1)[0]
    words = [w for w in latin.findall(r"[A-Za-z'’\-]+", author) if not latin.fullmatch(r"[A-Z]{1,3}", w)]
    return " ".join(words) if words else None


@dataclass(frozen=True)
class ReferenceList:
    heading: Span | None  # a heading or a rule just above the entries, if any
    entries: tuple[Reference, ...] = field(default_factory=tuple)
    inline: bool = False  # an address in the text (a hyperlink's target): cited where it stands, no list
    first: int | None = None  # where the first entry's line starts, its marker ("3. ", "[^1]: ") included

    @property
    def span(self) -> Span:
        start = self.heading.start if self.heading else self.entries[0].span.start if self.first is None else self.first
        return Span(start, self.entries[-1].span.end)

    @property
    def numbered(self) -> bool:
        return any(e.number is not None for e in self.entries)


@dataclass
class _Line:
    start: int
    text: str  # without the line break

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip())


def _lines(text: str) -> list[_Line]:
    out, offset = [], 0
    for line in text.splitlines(keepends=True):
        out.append(_Line(offset, line.rstrip("\r\n")))
        offset += len(line)
    return out


_INLINE = latin.compile(r"(?:(?<=^)|(?<=[.;:][ \t])|(?<=[.;:]))[ \t]*(\d{1,3})\.[ \t]+(?=[A-Z][A-Za-z'’\-]+,?[ \t]+[A-Z]{1,3}\b)")


def _split_inline(lines: list[_Line]) -> list[_Line]:
    """A line that prints several numbered entries one after another ("References: 1. Krein SL ...
    2013;15:e181. 2. Hendrick P ...") as one line per entry (what comes before the first stays)."""
    out: list[_Line] = []
    for line in lines:
        marks = [m for m in _INLINE.finditer(line.text)]
        numbers = [int(m.group(1)) for m in marks]
        if len(marks) < 2 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            out.append(line)
            continue
        cuts = [m.start(1) for m in marks]
        if line.text[:cuts[0]].strip():
            out.append(_Line(line.start, line.text[:cuts[0]].rstrip()))
        for a, b in zip(cuts, cuts[1:] + [len(line.text)]):
            out.append(_Line(line.start + a, line.text[a:b].rstrip()))
    return out


def _marker(line: str) -> tuple[int | None, int]:
    """The number printed before an entry (None for a bullet or nothing) and where the entry starts."""
    m = _MARKER.match(line)
    if m is None:
        b = _BULLET.match(line)
        return None, (b.end() if b else len(line) - len(line.lstrip()))
    digits = next(g for g in m.groups() if g)
    return int(digits.translate(_SUP_DIGITS)), m.end()


_FOOTNOTE = latin.compile(r"^[ \t]*\[\^([\w\-]{1,24})\]:[ \t]*")  # a Markdown footnote: "[^1]: ", "[^walk]: "


def footnote_label(line: str) -> str | None:
    """The label of the footnote ``line`` defines, if it defines one: a Markdown footnote's ("walk"
    for "[^walk]: ..."), or the symbol a note starts with ("*", "†", "‡": the marker that cites it)."""
    m = _FOOTNOTE.match(line) or _SYMBOL.match(line)
    return m.group(1) if m else None


def tidy_doi(doi: str) -> str:
    """A DOI as printed, without what follows it: a full stop, or a closing bracket it does not open
    ("10.5555/x)" in "(DOI: 10.5555/x)"); its own brackets stay ("10.1016/S0140-6736(24)00755-4")."""
    doi = doi.rstrip(".")
    while doi[-1:] in ")]" and doi.count(doi[-1]) > doi.count("(" if doi[-1] == ")" else "["):
        doi = doi[:-1].rstrip(".")
    return doi


def _body(line: str) -> tuple[int | None, str, int]:
    """(number, entry text without marker or label, offset of that text in the line)."""
    footnote = _FOOTNOTE.match(line)
    if footnote:
        label = footnote.group(1)
        return (int(label) if label.isdigit() and len(label) <= 3 else None), line[footnote.end():].rstrip(), footnote.end()
    number, at = _marker(line)
    symbol = _SYMBOL.match(line) if number is None else None
    if symbol:
        at = max(at, symbol.end())  # "*Chan E": the note's symbol is no part of its first author
    backlinks = _BACKLINKS.match(line, at)
    if backlinks:
        at = backlinks.end()
    rest = line[at:]
    label = _LABEL.match(rest)
    if label and score(rest[label.end():]) >= WEAK:
        at += label.end()
        rest = rest[label.end():]
    return number, rest.rstrip(), at


def score(entry: str) -> int:
    """How much ``entry`` (marker removed) looks like a bibliographic reference."""
    entry = entry.strip()
    if _ID_URL.match(entry) or _TITLE_URL.match(entry) and not _FIRST_PERSON.search(entry):
        return WEAK + 1  # an address that names one work (a DOI, PubMed, PMC), or "Title. https://..."
    if len(entry) < 20 or len(entry) > 1200:
        return 0
    inline = _INLINE_ID.search(entry)
    if inline:
        rest = score(_INLINE_ID.sub("", entry))
        prose_after = latin.match(r"[ \t]*[.;][ \t]+[A-Z][a-z]*[ \t]+[a-z]+[ \t]+[a-z]", entry[inline.end():])
        if rest < WEAK and not _AUTHOR_START.match(entry) or rest < STRONG and prose_after:
            return rest  # "Researchers reported ... (DOI: 10.5555/x). Nobody else has.": prose that cites a work
    if not _DIGIT.search(entry) and "et al" not in entry:
        return 0  # no year, volume, page or identifier: prose (a book without a year is the price)
    s = 0
    if _AUTHOR_START.match(entry):
        s += 3
    if _PAREN_YEAR.search(entry) or _VANCOUVER_YEAR.search(entry) or _REF_YEAR.search(entry):
        s += 2
    elif _ANY_YEAR.search(entry):
        s += 1
    if _VOLUME_PAGES.search(entry):
        s += 2
    if _DOI.search(entry) or _PMID.search(entry) or _PMCID.search(entry):
        s += 3
    elif _URL.search(entry):
        s += 1
    if len(latin.findall(r"[a-z)\]]\.[ \t]+[A-Z0-9]", entry)) >= 2:
        s += 1
    if _QUOTED_TITLE.search(entry):
        s += 1
    if _CHICAGO_BOOK.match(entry) and _chicago(entry) is not None:
        s += 3  # "Rosa Grant, Living with a Bad Back (Leeds: Northern Press, 2009)": a book as notes cite it
    if _VENUE_WORD.search(entry):
        s += 1
    if entry[:1].islower() and not latin.match(rf"(?:{_PARTICLES}[ \t]+)+[A-Z]", entry):
        s -= 3  # prose, not "van der Berg E"
    if _PROSE_AFTER_YEAR.search(entry[:160]) or _PROSE_VERB.search(entry[:160]):
        s -= 5  # "Lee and Kang (2016) found that ...", "A review in Spine found only ...": a sentence, not an entry
    if _FIRST_PERSON.search(entry):
        s -= 3
    if _PROSE_SUBJECT.match(entry) and not (_PAREN_YEAR.search(entry) or _VOLUME_PAGES.search(entry) or _DOI.search(entry)):
        s -= 3
    if entry.rstrip().endswith("?") or entry.rstrip().endswith("!"):
        s -= 2
    return s


def _is_heading(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(stripped) > 70:
        return False
    if _RULE.match(stripped):
        return True
    words = stripped.rstrip(":").split()
    if len(words) > 8 or stripped[-1] in ".?!;," and not stripped.endswith(":"):
        return False
    return stripped.endswith(":") or bool(_HEADING_WORDS.search(stripped)) or stripped[:1].isupper()


@dataclass
class _Entry:
    number: int | None
    lines: list[tuple[int, str]]  # (offset of the entry text, entry text) per line
    indent: int
    label: str | None = None
    has_year: bool = False  # whether a line holds a year, kept up as lines are added

    def __post_init__(self) -> None:
        self.has_year = any(_ANY_YEAR.search(t) for _, t in self.lines)

    @property
    def text(self) -> str:
        return " ".join(" ".join(t.split()) for _, t in self.lines)

    def add(self, start: int, line: str) -> None:
        self.lines.append((start, line))
        self.has_year = self.has_year or bool(_ANY_YEAR.search(line))

    @property
    def complete(self) -> bool:
        """Whether it already holds a year and ends as entries end (a full stop, pages, an
        identifier), read from its last lines only: a paragraph of thousands of lines that never
        ends so grows in linear time (a year cannot span lines, which the text joins with a space)."""
        if not self.has_year:
            return False
        tail = self._tail(60)
        return bool(latin.search(r"[.)\]\d]$", tail)) or bool(_URL.search(tail)) or bool(_DOI.search(tail))

    def _tail(self, size: int) -> str:
        """The last ``size`` characters of :attr:`text`."""
        parts: list[str] = []
        length = -1
        for _, line in reversed(self.lines):
            parts.append(" ".join(line.split()))
            length += len(parts[-1]) + 1
            if length >= size:
                break
        return " ".join(reversed(parts))[-size:]


def find_reference_lists(text: str) -> list[ReferenceList]:
    """Every reference list in ``text``, with its parsed entries."""
    lines = _split_inline(_lines(text))
    candidates: list[tuple[int, _Entry]] = []  # (index of the first line, entry)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.blank:
            i += 1
            continue
        number, body, at = _body(line.text)
        if len(body) < 8:
            i += 1
            continue
        entry = _Entry(number, [(line.start + at, body)], line.indent, footnote_label(line.text))
        j = i + 1
        while j < len(lines) and not lines[j].blank:
            nxt = lines[j]
            n_number, n_body, n_at = _body(nxt.text)
            starts_new = n_number is not None or _BULLET.match(nxt.text) or _FOOTNOTE.match(nxt.text) or _SYMBOL.match(nxt.text) or bool(
                _ID_URL.match(n_body.strip())) or (_AUTHOR_START.match(n_body) is not None and score(n_body) >= WEAK)
            indented = nxt.indent > entry.indent
            if (indented and n_number is None) or not (starts_new or entry.complete):
                entry.add(nxt.start + nxt.indent, nxt.text.strip())
                j += 1
                continue
            break
        candidates.append((i, entry))
        i = j
    return _group(text, lines, candidates)


def _group(text: str, lines: list[_Line], candidates: list[tuple[int, _Entry]]) -> list[ReferenceList]:
    """Runs of entries (blank lines between allowed) that together read as a reference list. An
    entry that continues a run's numbering ("4)" after "3)") needs only one sign of a reference
    (a year, an address, a publisher): web pages, books and reports are listed that way too."""
    runs: list[list[tuple[_Entry, int]]] = []
    current: list[tuple[_Entry, int]] = []
    first_line: dict[int, int] = {}
    previous_end = -2
    for first, entry in candidates:
        s = score(entry.text)
        adjacent = previous_end >= 0 and all(x.blank for x in lines[previous_end + 1:first])
        last_number = current[-1][0].number if current else None
        continues = (adjacent and current and entry.number is not None and last_number is not None
                     and entry.number == last_number + 1 and s >= 1 and _reference_sign(entry.text))
        if adjacent and current and (s >= WEAK or continues):
            current.append((entry, s))
        else:
            if current:
                runs.append(current)
            current = [(entry, s)] if s >= WEAK else []
            if current:
                first_line[id(current)] = first
        previous_end = first + len(entry.lines) - 1
    if current:
        runs.append(current)
    lists: list[ReferenceList] = []
    key = 0
    for run in runs:
        heading_index = _heading_above(lines, first_line[id(run)])
        heading_words = heading_index is not None and bool(_HEADING_WORDS.search(lines[heading_index].text))
        linked = sum(1 for entry, _s in run if _TITLE_URL.match(entry.text))
        if not any(s >= STRONG for _, s in run) and not (heading_words and any(s >= WEAK + 1 for _, s in run)) \
                and linked < 2:
            continue  # a list of two or more addresses ("Title. https://...") is a list of works
        entries = []
        for entry, _s in run:
            key += 1
            entries.append(_parse(str(key), entry))
        heading = None
        if heading_index is not None:
            h = lines[heading_index]
            heading = Span(h.start + h.indent, h.start + len(h.text.rstrip()))
        first = lines[first_line[id(run)]]
        lists.append(ReferenceList(heading, tuple(entries), first=first.start + first.indent))
    return lists


def _reference_sign(entry: str) -> bool:
    """A year, an address, an identifier, volume and pages or a publisher: what any reference holds one of."""
    return any(p.search(entry) for p in (_ANY_YEAR, _URL, _DOI, _PMID, _VOLUME_PAGES, _PUBLISHER))


def _heading_above(lines: list[_Line], first: int) -> int | None:
    """The line just above an entry (one blank line allowed between) if it reads as a heading."""
    k = first - 1
    if k >= 0 and lines[k].blank:
        k -= 1
    if k >= 0 and _is_heading(lines[k].text) and score(lines[k].text) < WEAK:
        return k
    return None


_APA_AUTHOR = latin.compile(r"([A-Z][A-Za-z'’\-]+(?:[ \t][A-Z][a-z][A-Za-z'’\-]+)?),[ \t]*((?:[A-Z]\.[ \t]?-?[ \t]?){1,4})")
_AUTHORS_YEAR = latin.compile(rf"^(.{{3,300}}?)[,.]?[ \t]+({_YEAR})[a-z]?\.[ \t]+(?=['‘“\"]?[A-Z])")  # "Hendrick, P., ..., 2010. The"
_INITIALS_END = latin.compile(r"(?:\b[A-Z]{1,3}|\bet[ \t]+al|\b[A-Z][a-z]+)\.(?=[ \t]+['‘“\"]?[A-Z0-9])")
# one author as reference lists print them: "Whitcombe, R.", "Meyer, T. K.", "Krein SL", "Okonkwo, Bisi",
# "J. S. Dufek"; and how a list joins them: ",", ";", "&", "and"
_SURNAME = rf"(?:{_PARTICLES}[ \t]+)*[A-Z][A-Za-z'’\-]+(?:[ \t][A-Z][a-z][A-Za-z'’\-]+)?"
_ONE_AUTHOR = (rf"(?:{_SURNAME},[ \t]*(?:[A-Z]\.[ \t]?-?[ \t]?){{1,4}}"
               rf"|{_SURNAME}[ \t]+[A-Z]{{1,3}}\b(?![a-z.’'])"
               rf"|{_SURNAME},[ \t]+[A-Z][a-z]+(?:[ \t]+(?:[A-Z]\.|[A-Z][a-z]+(?=[ \t]*[;(&]|[ \t]+and\b)))?"
               rf"|(?:[A-Z]\.[ \t]?-?){{1,3}}[ \t]*{_SURNAME})")
_AUTHOR_SEP = r"(?:[ \t]*[,;][ \t]*(?:(?:&|and)[ \t]+)?|[ \t]*(?:&|and)[ \t]+)"
_AUTHOR_LIST = latin.compile(rf"^{_ONE_AUTHOR}(?:{_AUTHOR_SEP}{_ONE_AUTHOR})*(?:,?[ \t]+et[ \t]+al\b\.?)?"
                          rf"(?:(?<=\.)|(?<=\.[ \t])|(?=[ \t]*(?:[.,:]|\(|$)))")
_ONE_AUTHOR_RE = latin.compile(_ONE_AUTHOR)
# an organisation as author: "National Institute for Health and Care Excellence", "World Health Organization (WHO)"
_CORPORATE = latin.compile(r"^[A-Z][\w&'’\-]*(?:[ \t]+(?:[A-Z][\w&'’\-]*|of|for|and|the|on|in|&))+"
                        r"(?:[ \t]*[(\[][A-Z]{2,8}[)\]])?[ \t]*\.?[ \t]*$")


def _authors(text: str) -> tuple[str, ...]:
    text = latin.sub(r"\bet[ \t]+al\.?", "", text).strip(" ,;")
    listed = _AUTHOR_LIST.match(text)
    if listed and not text[listed.end():].strip(" .,;"):
        return tuple(_author_name(m.group(0)) for m in _ONE_AUTHOR_RE.finditer(listed.group(0)))
    text = text.strip(" .,;")
    if _CORPORATE.match(text) and len(text.split()) >= 2 and "," not in text:
        return (latin.sub(r"[ \t]*[(\[][A-Z]{2,8}[)\]]$", "", text),)
    parts = (x.strip(" .,;") for x in latin.split(r",|;|\band\b|&", text))
    return tuple(p for p in parts if p and latin.search(r"[A-Za-z]{2}", p) and len(p) < 60)


def _author_name(printed: str) -> str:
    """'Whitcombe R' for 'Whitcombe, R.', 'Meyer TK' for 'Meyer, T. K.', 'Dufek JS' for 'J. S. Dufek'."""
    printed = printed.strip(" ,;")
    apa = _APA_AUTHOR.fullmatch(printed.rstrip())
    if apa:
        return f"{apa.group(1)} {apa.group(2).replace('.', '').replace(' ', '')}".strip()
    first = latin.fullmatch(r"((?:[A-Z]\.[ \t]?-?){1,3})[ \t]*(.+)", printed)
    if first:
        return f"{first.group(2)} {first.group(1).replace('.', '').replace(' ', '')}"
    return " ".join(printed.split())  # "Okonkwo, Bisi": the surname before the comma


def _tidy_authors(scan: str) -> str:
    """Authors as lists print them, however punctuated: "Srisuk P., Wongsa N. : Title" as "Srisuk P,
    Wongsa N. Title", "Nakamura K et.al., Title" as "Nakamura K et al. Title"."""
    scan = latin.sub(r"\bet\.?[ \t]*al\b\.?,?(?=[ \t]+['‘“\"]?[A-Z])", "et al.", scan, count=1)
    scan = latin.sub(r"^([^:]{3,200}?)\.?[ \t]+:[ \t]+(?=['‘“\"]?[A-Z])", r"\1. ", scan, count=1)
    return latin.sub(r"\b([A-Z][a-z][A-Za-z'’\-]*)[ \t]+((?:[A-Z]\.[ \t]?){1,3})(?=[ \t]*[,;&])",
                  lambda m: f"{m.group(1)} {m.group(2).replace('.', '').replace(' ', '')}", scan)


def _split_authors(scan: str) -> tuple[str, str]:
    """(the authors as printed, the rest) of an entry with its identifiers cut off."""
    paren = _PAREN_YEAR.search(scan)
    if paren is not None and paren.start() < 300:
        before = scan[:paren.start()]
        listed = _AUTHOR_LIST.match(before.strip())
        if (_AUTHOR_START.match(before + " X") or _CORPORATE.match(before.strip())
                or (listed and listed.end() == len(before.strip()))):
            return before, scan[paren.end():]
    listed = _AUTHOR_LIST.match(scan)
    if listed:
        after = scan[listed.end():]
        stop = latin.search(r"\.[ \t]*$", listed.group(0)) or latin.match(r"[ \t]*\.", after)
        if stop and latin.match(r"[ \t]*\.?[ \t]*['‘“\"]?[A-Z]", after):
            return listed.group(0), after
        dated = latin.match(rf"[ \t]*[.,][ \t]*{_YEAR}[a-z]?[.,][ \t]+", after)
        if dated:
            return listed.group(0), after[dated.end():]
    bare = _AUTHORS_YEAR.match(scan)
    if bare is not None and _AUTHOR_START.match(scan):
        return bare.group(1), scan[bare.end():]
    initials = _INITIALS_END.search(scan)
    if initials is not None and initials.start() < 300 and _authors(scan[:initials.end() - 1]):
        return scan[:initials.end() - 1], scan[initials.end():]
    return "", scan  # no authors: "Title: a scoping review. Journal. 2022;10(5):234-241."


def _parse(key: str, entry: _Entry) -> Reference:
    raw = entry.text
    start = entry.lines[0][0]
    last_offset, last_text = entry.lines[-1]
    end = last_offset + len(last_text.rstrip())
    doi_m = _DOI.search(raw)
    doi = tidy_doi(doi_m.group(1)) if doi_m else None
    pmid_m, pmcid_m, url_m = _PMID.search(raw), _PMCID.search(raw), _URL.search(raw)
    cut = min((m.start() for m in (doi_m, pmid_m, pmcid_m, url_m) if m), default=len(raw))
    scan = _ACCESSED.sub("", raw[:cut]).rstrip()
    year_m = _PAREN_YEAR.search(scan) or _VANCOUVER_YEAR.search(scan) or _REF_YEAR.search(scan)
    if year_m is None:
        years = list(_ANY_YEAR.finditer(scan))
        year_m = years[-1] if years else None
    year = int(year_m.group(1)) if year_m else None
    authors_text, rest = _split_authors(_tidy_authors(scan))
    authors = _authors(authors_text)
    title, venue = _title_venue(rest.strip(" .,"))
    volume = issue = pages = None
    vol = latin.search(r"\b(\d{1,4})[ \t]*(?:\(([^()]{1,12})\))?[ \t]*[:,][ \t]*(?:pp?\.[ \t]*)?([A-Za-z]?\d+(?:[ \t]*[-–][ \t]*[A-Za-z]?\d+)?)",
                    scan[year_m.end():] if year_m and year_m.re is not _PAREN_YEAR else scan)
    if vol:
        volume, issue, pages = vol.group(1), vol.group(2), vol.group(3).replace(" ", "")
    chicago = _chicago(scan)
    if chicago is not None:
        authors, title, venue = chicago["authors"], chicago["title"], chicago["venue"]  # type: ignore[assignment]
        volume, issue, pages = chicago["volume"] or volume, chicago["issue"] or issue, chicago["pages"] or pages  # type: ignore[assignment]
    return Reference(key=key, number=entry.number, label=entry.label, text=raw, span=Span(start, end), authors=authors, year=year,
                     title=title, venue=venue, volume=volume, issue=issue, pages=pages, doi=doi,
                     pmid=next((g for g in pmid_m.groups() if g), None) if pmid_m else None,
                     pmcid=pmcid_m.group(1) if pmcid_m else None,
                     url=url_m.group(0) if url_m and not doi_m else None)


# Chicago notes and bibliographies: 'Paul Hendrick, A. B. Smith, and C. Jones, "Title," Journal 19, no. 10
# (2010): 1613–20.' and a book: 'Stuart McGill, Back Mechanic (Gravenhurst: Backfitpro, 2015).'
_CHICAGO = latin.compile(r"^(?P<authors>[A-Z][^\"“”\d]{2,250}?),[ \t]*[\"“](?P<title>[^\"“”]{3,400}?)[,.]?[\"”][ \t]*,?[ \t]*"
                      r"(?P<venue>(?:in[ \t]+)?[A-Z][^,(\d]{1,150})?[ \t]*(?P<volume>\d{1,4})?(?:,[ \t]*no\.[ \t]*(?P<issue>\d{1,4}))?"
                      r"[ \t]*(?:\([^()]*?(?P<year>(?:1[89]|20)\d{2})[^()]*\))?[ \t]*(?::[ \t]*(?P<pages>[\w\-–]+))?")
_CHICAGO_BOOK = latin.compile(r"^(?P<authors>[A-Z][^\"“”\d(),]{2,80}(?:,[ \t]*(?:and[ \t]+)?[A-Z][^\"“”\d(),]{2,80})*?),[ \t]+"
                           r"(?P<title>[A-Z][^()]{2,250}?)[ \t]*\((?:[^():]{2,60}:[ \t]*)?[^()]{2,80},[ \t]*"
                           r"(?P<year>(?:1[89]|20)\d{2})\)")
_GIVEN_FIRST = latin.compile(r"^(?P<given>(?:(?:[A-Z][a-z]+|[A-Z]\.)[ \t]+)+)(?P<surname>(?:(?:van|von|de|der|da|del|di|le|la|te)[ \t]+)?"
                          r"[A-Z][A-Za-z'’\-]+)$")


def _given_first(authors: str) -> tuple[str, ...]:
    """'Paul Hendrick, T. W. Flynn and D. Singla' as 'Hendrick P', 'Flynn TW', 'Singla D'."""
    out = []
    for part in latin.split(r"[ \t]*(?:,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)", latin.sub(r",?[ \t]+et[ \t]+al\.?", "", authors)):
        part = part.strip(" .,")
        m = _GIVEN_FIRST.match(part)
        if m:
            initials = "".join(w[0] for w in m.group("given").split())
            out.append(f"{m.group('surname')} {initials}")
        elif part:
            out.append(part)
    return tuple(out)


def _chicago(scan: str) -> dict[str, str | tuple[str, ...] | None] | None:
    """Authors, title, venue, volume, issue, pages of a Chicago note or bibliography entry, if it is one."""
    m = _CHICAGO.match(scan) or _CHICAGO_BOOK.match(scan)
    if m is None or not all(_GIVEN_FIRST.match(a.strip(" .")) or latin.fullmatch(r"[A-Z][\w'’\-]+[ \t]+[A-Z]{1,3}", a.strip(" ."))
                            for a in latin.split(r",[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+",
                                              latin.sub(r",?[ \t]+et[ \t]+al\.?", "", m.group("authors"))) if a.strip()):
        return None
    groups = m.groupdict()
    venue = (groups.get("venue") or "").strip(" ,.") or None
    return {"authors": _given_first(m.group("authors")), "title": m.group("title").strip(" ,."), "venue": venue,
            "volume": groups.get("volume"), "issue": groups.get("issue"), "pages": groups.get("pages")}


def _title_venue(rest: str) -> tuple[str | None, str | None]:
    """Title and venue from what follows the authors (and the year, in author-year styles)."""
    if not rest:
        return None, None
    quoted = latin.match(r"^['‘“\"](.+?)['’”\"][ \t]*[,.]?[ \t]*(.*)$", rest)
    if quoted:
        title, tail = quoted.group(1), quoted.group(2)
    else:
        parts = latin.split(r"(?<=[a-z0-9)?\]])[.?][ \t]+(?=[A-Z0-9])", rest, maxsplit=1)
        title, tail = parts[0], parts[1] if len(parts) > 1 else ""
    title = title.strip(" .,") or None
    # a qualifier in brackets belongs to the venue ("Spine (Phila Pa 1976)"): hidden while the venue's end is found
    masked = latin.sub(r"\([A-Za-z][^()]{0,30}\)", lambda q: "(" + "x" * (len(q.group(0)) - 2) + ")", tail)
    venue_end = len(latin.split(rf"\b{_YEAR}\b|[ \t]\d+[ \t]*[(,]|[ \t]\(\d|;|[ \t]\d+[ \t]*:|,[ \t]*\d|[ \t]\d+[ \t]*$|"
                         r"[ \t]+https?://|[ \t]+doi|\bvol\.|\bpp?\.", masked, maxsplit=1)[0])
    venue = tail[:venue_end].strip(" .,") or None
    return title, venue


class Works:
    """Entries found by the work an address names: the first entry with the same DOI, else (where
    the address or the entry has no DOI) the same PubMed id, else (where either has none) the same
    address, trailing slashes aside. Each look-up reads a few tables, so that a text with thousands
    of links and entries is read in linear time."""

    def __init__(self, entries: Iterable[Reference] = ()) -> None:
        self.entries: list[Reference] = []
        self._doi: dict[str, int] = {}
        self._pmid: dict[tuple[bool, str], int] = {}  # (has a DOI, PubMed id)
        self._url: dict[tuple[bool, bool, str], int] = {}  # (has a DOI, has a PubMed id, address)
        for entry in entries:
            self.add(entry)

    def add(self, entry: Reference) -> None:
        at = len(self.entries)
        self.entries.append(entry)
        if entry.doi:
            self._doi.setdefault(entry.doi.lower(), at)
        if entry.pmid:
            self._pmid.setdefault((bool(entry.doi), entry.pmid), at)
        if entry.url:
            self._url.setdefault((bool(entry.doi), bool(entry.pmid), entry.url.rstrip("/")), at)

    def first(self, url: str) -> Reference | None:
        """The first entry that names the work ``url`` names, if any."""
        doi_m, pmid_m = _DOI.search(url), _PMID.search(url)
        doi = tidy_doi(doi_m.group(1)) if doi_m else None
        pmid = next((g for g in pmid_m.groups() if g), None) if pmid_m else None
        dois = (False,) if doi else (False, True)  # an entry with a DOI is judged by it alone when the address has one
        pmids = (False,) if pmid else (False, True)
        found = [self._doi.get(doi.lower()) if doi else None,
                 *(self._pmid.get((d, pmid)) for d in dois if pmid),
                 *(self._url.get((d, p, url.rstrip("/"))) for d in dois for p in pmids)]
        at = min((i for i in found if i is not None), default=None)
        return None if at is None else self.entries[at]


def bare_work_addresses(text: str) -> list[tuple[int, int, str]]:
    """Addresses printed in a text that name one work (doi.org, PubMed, PMC, Europe PMC); another
    bare address in running text (a shop, a clinic's booking page) cites nothing by itself. An
    identifier printed in the text ("DOI: 10.5555/x", "PMID: 31234567", "PMC6391229") names its
    work too: it comes with the address it stands for (its span the identifier as printed)."""
    urls = [(m.start(), m.end()) for m in _URL.finditer(text)]
    found = [(start, end, text[start:end]) for start, end in urls if _ID_URL.match(text[start:end])]
    starts = [start for start, _ in urls]
    for m in _TEXT_ID.finditer(text):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and urls[i][1] > m.start():
            continue  # "PMC6391229" in a PMC address: the address names it
        if m.group(1):
            doi = tidy_doi(m.group(1))
            found.append((m.start(), m.start(1) + len(doi), "https://doi.org/" + doi))
        elif m.group(2):
            found.append((m.start(), m.end(), f"https://pubmed.ncbi.nlm.nih.gov/{m.group(2)}/"))
        else:
            found.append((m.start(), m.end(), f"https://www.ncbi.nlm.nih.gov/pmc/articles/{m.group(3).upper()}/"))
    return sorted(found)


def _sentence_around(text: str, start: int, end: int) -> str:
    """The words of the sentence (or line) around ``text[start:end]``: a light bound, enough to
    see what a link is said to be."""
    before = max(text.rfind(c, 0, start) for c in ".!?|\n")
    after = min((i for i in (text.find(c, end) for c in ".!?|\n") if i >= 0), default=len(text))
    return text[before + 1:after]


def linked_entries(text: str, lists: list[ReferenceList],
                   links: Iterable[tuple[int, int, str]] = ()) -> list[ReferenceList]:
    """What the article's text links to outside its lists (a web page's hyperlinks: the offsets of
    their words and their targets; a bare address in the text): each names a work the sentence
    cites (a bare address only when it names one work: :func:`bare_work_addresses`; a hyperlink when
    it names one work or its sentence says it leads to research). One that a
    listed entry already names (the same DOI, PubMed id or address) is that entry;
    the others become entries of their own (their span the link's words or the address, their text
    the address: a hyperlink's target, or the address or identifier as the text prints it), one
    "list" each, keyed after every listed entry in the order they first appear."""
    spans = sorted((lst.span for lst in lists), key=lambda sp: sp.start)
    starts = [sp.start for sp in spans]
    known = Works(e for lst in lists for e in lst.entries)
    out: list[ReferenceList] = []
    found = sorted([*((*link, False) for link in links), *((*bare, True) for bare in bare_work_addresses(text))])
    for start, end, url, printed in found:
        i = bisect.bisect_right(starts, start) - 1
        if (i >= 0 and spans[i].start <= start < spans[i].end) or known.first(url) is not None:
            continue
        if not _ID_URL.match(url) and not _RESEARCH.search(_sentence_around(text, start, end)):
            continue  # a link that names no work and is not said to lead to research
        parsed = _parse(str(len(known.entries) + 1), _Entry(None, [(0, url)], 0))
        entry = dataclasses.replace(parsed, span=Span(start, end), text=text[start:end] if printed else url)
        known.add(entry)
        out.append(ReferenceList(None, (entry,), inline=True))
    return out


# a work the text names by its title, in quotes, after a word for a work: 'a paper titled "Effect of
# retro-walking on ...", published in Physiotherapy Quarterly', 'Another paper, "Real-time and ...",'
_NAMED_TITLE = latin.compile(
    r"\b(?:paper|study|article|review|trial|report|analysis|book)\b,?[ \t]*(?:(?:titled|entitled|called|named)[ \t]*:?[ \t]*)?[\"“]"
    r"(?P<title>[^\"“”\n]{20,300}?)[,.]?[\"”](?:[ \t,]*(?:published|appearing|that[ \t]+appeared)[ \t]+in[ \t]+"
    r"(?:the[ \t]+)?(?P<venue>[A-Z][\w&\-]*(?:[ \t]+(?:of|and|for|&|[A-Z][\w&\-]*))*))?", re.I)


def titled_entries(text: str, lists: list[ReferenceList]) -> list[ReferenceList]:
    """The works the text names by their title outside its lists (a paper called "..."): each an
    entry of its own (its span the title and the journal named after it, its text the title as
    printed), one "list" each, keyed after every entry before."""
    spans = [lst.span for lst in lists if not lst.inline]
    out: list[ReferenceList] = []
    key = sum(len(lst.entries) for lst in lists)
    for m in _NAMED_TITLE.finditer(text):
        start, end = m.start("title"), m.end()
        if any(sp.start <= start < sp.end for sp in spans) or latin.search(r"[.!?][ \t]+[A-Z]", m.group("title")):
            continue  # an entry of a list, read there; or words someone said, sentences and all
        key += 1
        entry = Reference(key=str(key), number=None, text=m.group("title"), span=Span(start, end),
                          title=m.group("title").strip(" ,."), venue=m.group("venue"))
        out.append(ReferenceList(None, (entry,), inline=True))
    return out
