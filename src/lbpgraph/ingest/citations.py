"""In-text citations: what in an article's body points to a work, and which entry of its own list.

Recognised (each a rule about the shape of the marker and what stands around it):

- numeric markers: "[1]", "[2,3]", "[5–7]", "(4)", "(refs 3, 4)", "[ref. 2]", "^1", "^2,3", "¹", "²,³",
  glued after a word or a full stop ("pain.[2]", "walking(22)");
- author-year: "(Smith et al., 2010; Lee, 2018)", "(Shiri, Coggon & Falah-Hassani, 2018)",
  "(Krein et al. 2013, p. 4)";
- narrative: "Krein and colleagues (2013) found", "Lee and Kang (2016)", "Hendrick et al.",
  "a systematic review by Hendrick and colleagues", "Kim's team", "the trial led by Pocovi",
  "a 2010 systematic review", "a large Australian trial showed";
- a venue named with a year or a design: "a 2024 trial in The Lancet", "published in the Journal
  of ...", "according to a paper in PLoS One";
- vague attributions: "studies show", "experts agree", "clinically proven", "some therapists believe".

Narrative and venue citations are resolved against the article's own reference list when one
entry fits; otherwise they stay vague attributions, with the bibliography works they may be as
candidates. Not citations: ages ("Graham (62)"), scales and ranges of scores ("(0-10)", "(18-65)"),
doses, prices, percentages, years alone, vertebral levels, phone numbers, list and step numbers
("(1) move slowly, (2) breathe"), settings ("speed (1)") and counters ("Cart (0)"). A parenthesised
number is a citation only where the article has a numbered list that holds it; a bracketed or
superscript one is a citation even then, pointing to no entry ("dangling").

Linear in the length of the text: every pattern is scanned once, sentences are found by bisection.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..core.text import Span
from . import latin
from .matching import ascii_fold, venues_agree
from .references import Reference, ReferenceList, Works, bare_work_addresses, footnote_label

_NUM_LIST = r"\d{1,3}(?:[ \t]*[-–,][ \t]*\d{1,3})*"
_NUMERIC = latin.compile(
    rf"\[[ \t]*(?:((?:see[ \t]+(?:also[ \t]+)?)?(?:refs?|references?)\.?|see)[ \t]*)?({_NUM_LIST})[ \t]*\]"
    rf"|\([ \t]*(?:((?:see[ \t]+(?:also[ \t]+)?)?(?:refs?|references?)\.?|see)[ \t]*)?({_NUM_LIST})[ \t]*\)"
    rf"|\^({_NUM_LIST})"
    r"|([¹²³⁴⁵⁶⁷⁸⁹⁰]+(?:[ \t]*[,⁻\-–][ \t]*[¹²³⁴⁵⁶⁷⁸⁹⁰]+)*)"
    r"|(?:(?<=[a-z]{3})|(?<=[a-z]{2}[.,;:)\"”’]))(\d{1,3}(?:[-–,]\d{1,3})*)(?!\d)(?![\w.,]\w)", re.I)
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SETTING = latin.compile(
    r"(?:speed|level|setting|step|stage|grade|size|phase|week|day|session|set|rep|round|page|chapter|table|"
    r"figure|fig|section|question|item|number|no|option|exercise|position|version|gear|zone|category|class|type|"
    r"tier|part|lesson|video|episode|appendix|box|row|column|line|point|score|rating|scale|cart|basket|bag|"
    r"comments?|replies|reviews?|likes?|shares?|votes?|messages?|notifications?|inbox|fig\.|no\.)[ \t]*$", re.I)
_UNIT_AFTER = latin.compile(
    r"^[ \t]*(?:%|percent|per[ \t]?cent|mg|mcg|µg|g|kg|lbs?|cm|mm|km|m|mph|km/h|kcal|cal|ml|l|min|mins|minutes?|"
    r"s|secs?|seconds?|hours?|hrs?|days?|weeks?|months?|years?|yrs?|x|times|reps?|sets?|steps?|points?|degrees?|°)\b",
    re.I)
_PERSON_BEFORE = latin.compile(
    r"(?:\b(?:son|daughter|child|kid|baby|husband|wife|partner|mum|mom|mother|father|dad|brother|sister|"
    r"grandmother|grandfather|gran|grandad|friend|patient|client|woman|man|girl|boy|lady|gentleman|me|myself|"
    r"aged?|turned|turning)"
    r")[ \t]*,?[ \t]*$")
_FULL_NAME_BEFORE = latin.compile(  # "Jane Smith (45)": an age (a number a list of that length rarely reaches)
    r"(?<![\w.])(?!(?:As|The|In|On|At|By|For|From|With|And|But|Or|If|When|While|According|See|Like|Unlike|Per|"
    r"Via|Dr|Prof|Professor|Mr|Mrs|Ms|Journal|Annals|Archives)\b)[A-Z][a-z]+[ \t]+[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
    r"[ \t]*,?[ \t]*$")
_SYMBOL_BEFORE = latin.compile(r"(?<![\w'’-])[A-Za-zα-ωΑ-Ω]$")  # "I²", "R²", "χ²": a letter standing alone
_COMPARED_AFTER = latin.compile(r"^[ \t]*[=<>≤≥≈]")  # "² = 48%", "² < 0.05": a quantity compared
_PHONE_AFTER = latin.compile(r"^[ \t]*\d{2,4}[ \t.\-]?\d{3,4}")
# how much of its sentence a numeric marker's look-alikes are told by: the blanks before it and the
# characters before those (a setting's word, a person, two names and a comma); a sentence that runs on
# (a text with no stops) must not make each marker read all of it
_BEFORE = 80
_UNIT_BEFORE = latin.compile(r"(?:\d|\b(?:m|cm|mm|km|ft|in|kg/m|x10|10|e))$")
_NAME = r"(?:(?:van|von|de|der|den|da|del|di|du|le|la|te|ten|ter)[ \t]+){0,2}[A-Z](?:[a-z]|['’][A-Z])[A-Za-z'’\-]*"
_INITIALS = r"(?:[ \t]+[A-Z]{1,3}\b(?![a-z]))?"
_NOT_NAMES = frozenset("""
The This That These Those In On At For From With By As An A And But Or If When While Since After Before Dr Mr Mrs Ms
Prof Professor Sir Our Your My Their His Her Its We You They It He She I One Two Three Four Five Six Seven Eight
Nine Ten Many Most Some Several Recent Recently New Other Another Each Every All Both Earlier Later Published
Updated Posted Copyright Reviewed Last Next January February March April May June July August September October
November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Spring Summer Autumn Fall Winter Monday Tuesday
Wednesday Thursday Friday Saturday Sunday Table Figure Fig Chapter Section Step Phase Level Page Volume Issue
Supplement Suppl Vol No Part Week Day Year Month Study Trial Review Research Paper Journal Science Health Medicine
Spine Pain Lancet Walking Exercise Back Low Chronic Acute See Also Eg Ie Cf Note Notes Ref Refs Reference References
Source Sources Citation Edition Press University Hospital Clinic Institute Centre Center Department School College
Foundation Society Association Group Team Trust Council Agency Organisation Organization Ltd Inc Co Update Version
""".split())
_AUTHOR_YEAR = latin.compile(r"\(([^()]{2,250}?\b(?:1[89]|20)\d{2}[a-z]?(?:[ \t]*,[ \t]*(?:pp?\.|page)[ \t]*\d+(?:[-–]\d+)?)?)\)")
_AY_PART = latin.compile(
    rf"^[ \t]*(?:(?:see|also|e\.g\.|eg|cf\.?|and|reviewed[ \t]+in|as[ \t]+cited[ \t]+in)[,]?[ \t]+)*"
    rf"({_NAME}(?:[ \t]+et[ \t]+al\.?|(?:,[ \t]*{_NAME})*,?[ \t]+(?:and|&)[ \t]+{_NAME})?),?[ \t]+"
    rf"((?:1[89]|20)\d{{2}}[a-z]?(?:[ \t]*,[ \t]*(?:1[89]|20)\d{{2}}[a-z]?)*)(?:[ \t]*,[ \t]*(?:pp?\.|page)[ \t]*\d+(?:[-–]\d+)?)?[ \t]*$")
_AY_YEARS = r"((?:1[89]|20)\d{2}[a-z]?(?:[ \t]*,[ \t]*(?:1[89]|20)\d{2}[a-z]?)*)(?:[ \t]*,[ \t]*(?:pp?\.|page)[ \t]*\d+(?:[-–]\d+)?)?[ \t]*$"
_ORG_WORDS = (r"Institute|Organi[sz]ation|Society|Association|Council|Agency|Department|College|Foundation|Centre|"
              r"Center|Trust|Service|Ministry|Board|Academy|Federation|Office|Commission|Network|Alliance|Collaboration")
# "(National Institute for Health and Care Excellence [NICE], 2016)", "(World Health Organization, 2023)"
_AY_ORG = latin.compile(
    rf"^[ \t]*(?:(?:see|also|e\.g\.|eg|cf\.?)[,]?[ \t]+)*"
    rf"([A-Z][A-Za-z'’\-]+(?:[ \t]+(?:[A-Z][A-Za-z'’\-]+|of|for|and|the|on|in|&))+)"
    rf"(?:[ \t]*[\[(]([A-Z]{{2,8}})[\])])?,?[ \t]+{_AY_YEARS}")
_AY_ACRONYM = latin.compile(rf"^[ \t]*(?:(?:see|also|e\.g\.|eg|cf\.?)[,]?[ \t]+)*([A-Z]{{2,8}}),?[ \t]+{_AY_YEARS}")
_NARRATIVE_YEAR = latin.compile(
    rf"\b({_NAME})((?:[ \t]+et[ \t]+al\.?|[ \t]+and[ \t]+(?:colleagues|co-?workers|co-?authors|team)"
    rf"|(?:,[ \t]*{_NAME})*,?[ \t]+(?:and|&)[ \t]+({_NAME}))?)(?:['’]s)?[ \t]*\(((?:1[89]|20)\d{{2}})[a-z]?\)")
_NARRATIVE = latin.compile(
    rf"\b({_NAME}){_INITIALS}(?:[ \t]+et[ \t]+al\b\.?|[ \t]+and[ \t]+(?:his|her|their)?[ \t]*(?:colleagues|co-?workers|co-?authors|team)\b"
    rf"|['’]s[ \t]+(?:team|group|lab|laboratory|study|trial|review|paper|research|work|analysis)\b)"
    rf"|\b(?:led|conducted|written|authored|run|headed)[ \t]+by[ \t]+(?:(?:Dr|Prof|Professor)\.?[ \t]+)?(?:[A-Z][a-z]+[ \t]+)?({_NAME})"
    rf"|\b(?:study|trial|review|paper|analysis|work|research|survey|report|article|abstract)[ \t]+by[ \t]+"
    rf"(?:(?:Dr|Prof|Professor)\.?[ \t]+)?({_NAME})(?:[ \t]+and[ \t]+({_NAME}))?")
_VENUE_WORDS = (r"Journal|Lancet|BMJ|JAMA|NEJM|Spine|Pain|Annals|Archives|Medicine|Review|Reviews|Cochrane|PLoS|PLOS|"
                r"Proceedings|Bulletin|Quarterly|Physiotherapy|Rehabilitation|Nature|Gait|Posture|Epidemiology|"
                r"Reports|Letters|Therapy|Therapeutics")
_VENUE_NAME = (rf"(?:The[ \t]+)?(?:(?:[A-Z][A-Za-z&'’\-]*|of|and|the|for|in|&)[ \t]+){{0,7}}?"
               rf"(?:{_VENUE_WORDS})(?:[ \t]+(?:[A-Z][A-Za-z&'’\-]*|of|and|the|for|in|&))*")
_ANY_VENUE = r"[A-Z][A-Za-z&'’\-]*(?:[ \t]+(?:[A-Z][A-Za-z&'’\-]*|of|and|the|for|in|&))*"  # "the journal Healthcare"
_VENUE = latin.compile(
    rf"\b(?:(?:published|appeared|appearing|reported|printed|out)[ \t]+(?:\w+[ \t]+){{0,2}}?in|according[ \t]+to|"
    rf"(?:study|trial|review|paper|analysis|report|article|survey|meta-analysis|research)[ \t]+in)"
    rf"[ \t]+(?:a[ \t]+(?:paper|study|report|trial)[ \t]+(?:published[ \t]+)?in[ \t]+)?(?:the[ \t]+)?({_VENUE_NAME})"
    rf"|\b((?:The[ \t]+)?Journal[ \t]+of(?:[ \t]+(?:[A-Z][A-Za-z&'’\-]*|of|and|the|&))+)"
    rf"|\b(?:the|a)[ \t]+(?:medical[ \t]+|scientific[ \t]+)?journal[ \t]+({_ANY_VENUE})"
    # "WalkBack, in The Lancet last year,": a trial or paper named, then the journal it appeared in
    rf"|(?<=,)[ \t]+in[ \t]+(?:the[ \t]+)?({_VENUE_NAME})(?=[ \t]+(?:last|this|earlier|in|on|from)\b|[ \t]*[,;])")
_VENUE_WHEN = latin.compile(  # "The Lancet in June 2024": the journal ends where its date begins
    r"[ \t]+(?:in|on|during|last|this|from)[ \t]+(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Spring|Summer|Autumn|Fall|Winter|"
    r"(?:1[89]|20)\d{2})\b.*$")
_VENUE_END = latin.compile(r"(?:[ \t]+(?:of|and|the|for|in|&))+$")
_YEAR_DESIGN = latin.compile(
    r"\b(?:a|an|the|one|this|that|their)[ \t]+(?:\w+[ \t]+){0,2}?((?:1[89]|20)\d{2})[ \t]+(?:[\w\-]+[ \t]+){0,2}?"
    r"(study|trial|review|meta-analysis|analysis|survey|paper|report|experiment)\b", re.I)
_DESCRIPTOR = latin.compile(
    r"\b(?:[Aa]|[Aa]n|[Oo]ne|[Tt]he|[Aa]nother)[ \t]+(?:(?:large|small|big|recent|new|older|earlier|randomi[sz]ed|controlled|"
    r"pilot|clinical|major|landmark|systematic)[ \t]+){0,3}([A-Z][a-z]{3,})[ \t]+(?:\w+[ \t]+){0,1}?"
    r"(study|trial|review|survey|paper|analysis)\b[^.?!]{0,80}?\b(?:showed|shows|found|finds|reported|suggests|"
    r"suggested|concluded|demonstrated|revealed|indicated)\b")
_VAGUE = latin.compile(
    r"(?:\b(?:(?:some|many|most|several|numerous|recent|new|other|further|growing|decades[ \t]+of)[ \t]+)?"
    r"(?:studies|research|researchers|scientists|experts|doctors|physicians|evidence|science|surveys|trials|reviews|"
    r"physiotherapists|physical[ \t]+therapists|chiropractors|specialists)"
    r"|\b(?:some|many|most|several|other|numerous)[ \t]+(?:people|physiotherapists|physios|therapists|specialists|"
    r"authorities|practitioners|chiropractors|coaches|trainers|users|patients))\b"
    r"[^.?!;,\"“”]{0,40}?\b(?:show|shows|showed|shown|found|find|finds|suggest|suggests|suggested|say|says|said|"
    r"recommend|recommends|recommended|recogni[sz]e|recogni[sz]es|prove|proves|proved|proven|agree|agrees|believe|"
    r"believes|indicate|indicates|confirm|confirms|confirmed|demonstrate|demonstrates|demonstrated|claim|claims|"
    r"warn|warns|think)\b"
    r"|\b(?:a|an|one|another|recent|new|several)[ \t]+(?:\w+[ \t]+){0,3}?(?:study|studies|trial|trials|review|paper|"
    r"survey|analysis|experiment)\b[^.?!;]{0,60}?\b(?:found|shows?|showed|suggests?|suggested|reported|concluded|"
    r"demonstrated|proved|revealed|indicates?|indicated)\b"
    r"|\b(?:earlier|previous|prior|past|existing|recent|other)[ \t]+(?:\w+[ \t]+){0,2}?(?:work|research|studies|"
    r"trials|evidence)[ \t]+(?:showing|suggesting|has[ \t]+shown|have[ \t]+shown|shows|found|indicat\w+)\b"
    r"|\b(?:most[ \t]+)?authorities[ \t]+(?:now[ \t]+)?recogni[sz]e\b"
    r"|\baccording[ \t]+to[ \t]+(?:(?:recent|new|the[ \t]+latest|a|an|one|several|some|many|most)[ \t]+)?"
    r"(?:[\w\-]+[ \t]+){0,3}?(?:research|researchers|studies|study|trials?|reviews?|surveys?|experts|doctors|"
    r"scientists|science|physiotherapists|specialists)\b"
    r"|\b(?:clinically|scientifically|medically)[ \t]+(?:proven|tested|validated|shown)\b"
    r"|\b(?:research|science|evidence|studies|doctor)-(?:backed|based|proven|approved|recommended)\b"
    r"|\b(?:backed|supported|proven|confirmed)[ \t]+by[ \t]+(?:over[ \t]+|more[ \t]+than[ \t]+|many[ \t]+|\d+[ \t]+)*"
    r"(?:\w+[ \t]+){0,2}(?:research|studies|science|trials|evidence|doctors|experts)\b"
    r"|\b(?:has|have)[ \t]+(?:long[ \t]+)?been[ \t]+(?:shown|proven|demonstrated|found)\b"
    r"|\bit[ \t]+is[ \t]+(?:well[ \t]+)?(?:known|established|accepted)[ \t]+that\b"
    r"|\bis[ \t]+said[ \t]+to\b|\bwell-studied\b"
    r"|\b(?:a|one)[ \t]+(?:popular[ \t]+|viral[ \t]+)?(?:video|website|blog|post|article|influencer)[ \t]+claims?\b"
    r"|\bthere[ \t]+is[ \t]+(?:\w+[ \t]+){0,3}?(?:research|evidence|data)[ \t]+(?:on|that|for|showing|suggesting)\b"
    r"|\bbased[ \t]+on[ \t]+(?:new[ \t]+|recent[ \t]+|the[ \t]+latest[ \t]+)?(?:\w+[ \t]+){0,5}research\b",
    re.I)


@dataclass(frozen=True)
class InText:
    """One in-text citation: where it stands, what it points to, which sentence holds it."""

    marker: str
    span: Span
    kind: str  # numeric | author-year | narrative | named-venue | vague
    keys: tuple[str, ...]  # entries of the article's own list it resolves to
    dangling: tuple[str, ...]  # what it names that no listed entry matches
    sentence: Span
    candidates: tuple[str, ...] = ()  # bibliography works an unresolved attribution may be


class _Spans:
    """Non-overlapping spans kept in order, for overlap checks by bisection."""

    def __init__(self, spans: Iterable[Span]) -> None:
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]

    def overlaps(self, span: Span) -> bool:
        i = bisect.bisect_right(self.starts, span.start) - 1
        return any(0 <= k < len(self.spans) and self.spans[k].overlaps(span) for k in (i, i + 1))

    def add(self, span: Span) -> None:
        i = bisect.bisect_left(self.starts, span.start)
        self.starts.insert(i, span.start)
        self.spans.insert(i, span)


class _Sentences:
    """Sentence spans with lookup by position (bisection)."""

    def __init__(self, spans: list[Span]) -> None:
        self.spans = spans
        self.starts = [s.start for s in spans]

    def at(self, position: int) -> Span | None:
        i = bisect.bisect_right(self.starts, position) - 1
        if i >= 0 and self.spans[i].start <= position < self.spans[i].end:
            return self.spans[i]
        return None


def _same_surname(a: str, b: str) -> bool:
    a, b = ascii_fold(a.replace("’", "'")).lower(), ascii_fold(b.replace("’", "'")).lower()  # "Ostby" is "Østby"
    if a == b:
        return True
    if len(a) >= 5 and len(b) >= 5 and abs(len(a) - len(b)) <= 1:
        diff = sum(1 for x, y in zip(a, b) if x != y) + abs(len(a) - len(b))
        return diff <= 1  # a typo ("Gorden" for Gordon)
    return False


class _ListIndex:
    """Entries (of one list, or of all) by printed number, by order and by author and year."""

    def __init__(self, references: list[Reference]) -> None:
        self.references = references
        printed = [r.number for r in references if r.number is not None]
        if printed and len(set(printed)) == len(printed):
            self.by_number = {r.number: r.key for r in references if r.number is not None}
        elif printed:
            self.by_number = {int(r.key): r.key for r in references}
        else:
            self.by_number = {}
        self.numbered = bool(self.by_number)
        self.size = max(self.by_number, default=0)
        self.by_name: dict[str, list[Reference]] = {}
        for r in references:
            for name in {r.surname or "", (r.surname or "").split()[-1] if r.surname else ""}:
                if name:
                    self.by_name.setdefault(_key(name), []).append(r)
        self.by_venue: dict[str, list[Reference]] = {}
        for r in references:
            if r.venue:
                self.by_venue.setdefault(r.venue, []).append(r)
        self._venue_hits: dict[tuple[str, int | None], list[str]] = {}

    def by_venue_year(self, venue: str, year: int | None) -> list[str]:
        """Keys of the entries published in the journal ``venue`` (in ``year``, when given)."""
        if (venue, year) not in self._venue_hits:
            hits = [r.key for printed, refs in self.by_venue.items() if venues_agree(venue, printed)
                    for r in refs if year is None or r.year == year]
            self._venue_hits[(venue, year)] = sorted(hits, key=int)
        return self._venue_hits[(venue, year)]

    def by_author(self, names: list[str], year: int | None) -> list[str]:
        """Keys of the entries by ``names`` (first author first; others among the authors) and ``year``."""
        hits = []
        for r in dict.fromkeys(self.by_name.get(_key(names[0]), [])):
            surnames = r.surnames
            if not surnames or not _same_surname(names[0], surnames[0].split()[-1]) and not _same_surname(
                    names[0], surnames[0]):
                continue
            if any(not any(_same_surname(n, s.split()[-1]) or _same_surname(n, s) for s in surnames) for n in names[1:]):
                continue
            if year is not None and r.year != year:
                continue
            hits.append(r.key)
        return hits


class _Index:
    """The article's own lists: a citation resolves to the list that follows it (the list of its
    section, where a page holds several), then to every list."""

    def __init__(self, lists: list[ReferenceList]) -> None:
        self.every = _ListIndex([e for lst in lists for e in lst.entries])
        self.references = self.every.references
        self.lists = [(lst.span.start, _ListIndex(list(lst.entries))) for lst in lists if not lst.inline]
        self.starts = [start for start, _ in self.lists]

    def near(self, position: int) -> _ListIndex:
        """The list after ``position`` (else the last one); all entries when there is one list."""
        if len(self.lists) <= 1:
            return self.every if len(self.lists) == 0 else self.lists[0][1]
        i = bisect.bisect_right(self.starts, position)
        return self.lists[min(i, len(self.lists) - 1)][1]

    def numbers(self, numbers: list[int], position: int) -> tuple[dict[int, str], int]:
        """The keys the numbers point to, and the size of the numbering they are read in."""
        local = self.near(position)
        if local.numbered and all(n in local.by_number for n in numbers):
            return local.by_number, local.size
        return self.every.by_number, self.every.size

    def by_author(self, names: list[str], year: int | None, position: int) -> list[str]:
        return self.near(position).by_author(names, year) or self.every.by_author(names, year)

    def by_venue_year(self, venue: str, year: int | None, position: int) -> list[str]:
        return self.near(position).by_venue_year(venue, year) or self.every.by_venue_year(venue, year)


def _key(name: str) -> str:
    """What surnames are looked up by: their first two letters (a typo later on is forgiven)."""
    return ascii_fold(name).lower()[:2]


def _expand(numbers: str) -> list[int] | None:
    """The numbers a marker lists ("2,3", "5-7"), or None when it reads as a range of values."""
    out: list[int] = []
    for part in latin.split(r"[ \t]*,[ \t]*", numbers):
        bounds = [int(x) for x in latin.split(r"[ \t]*[-–][ \t]*", part) if x]
        if len(bounds) == 2:
            if bounds[0] >= bounds[1] or bounds[1] - bounds[0] > 30:
                return None
            out.extend(range(bounds[0], bounds[1] + 1))
        else:
            out.extend(bounds)
    return out


def _enumerations(text: str, sentences: _Sentences) -> set[int]:
    """Starts of "(1) ... (2) ..." list numbers inside sentences: "(1) move slowly, (2) breathe"."""
    out: set[int] = set()
    for m in latin.finditer(r"\([ \t]*1[ \t]*\)[ \t]+[a-z]", text):
        sentence = sentences.at(m.start())
        if sentence is None:
            continue
        inside = text[m.start():sentence.end]
        follow = list(latin.finditer(r"\([ \t]*(\d{1,2})[ \t]*\)[ \t]+(?:and[ \t]+|or[ \t]+)?[a-z]", inside))
        if any(f.group(1) == "2" for f in follow):
            out.update(m.start() + f.start() for f in follow)
    return out


def find_citations(text: str, sentence_spans: list[Span], reference_lists: list[ReferenceList],
                   candidates_for: Candidates | None = None, links: Iterable[tuple[int, int, str]] = ()) -> list[InText]:
    """Every in-text citation in ``text`` outside its reference lists.

    Each kind claims its spans in turn (numeric markers first, vague attributions last): a span
    taken by one is not read again by the next."""
    sentences = _Sentences(sentence_spans)
    index = _Index(reference_lists)
    found: list[InText] = []
    lists = _Spans([lst.span for lst in reference_lists if not lst.inline])
    taken = _Spans([])
    cand = candidates_for or Candidates()

    def free(span: Span) -> bool:
        return not lists.overlaps(span) and not taken.overlaps(span)

    _links(text, sentences, reference_lists, list(links), lists, found, taken)
    _titles(text, sentences, reference_lists, found, taken)
    _footnotes(text, sentences, index, lists, found, taken)
    _symbols(text, sentences, index, lists, found, taken)
    _numerics(text, sentences, index, lists, found, taken)
    _author_years(text, sentences, index, cand, free, found, taken)
    _narrative(text, sentences, index, cand, free, found, taken)
    _venues(text, sentences, index, cand, free, found, taken)
    _descriptors(text, sentences, index, free, {c.sentence for c in found}, found, taken)
    _vagues(text, sentences, lists, {c.sentence for c in found}, found)
    return sorted(found, key=lambda c: (c.span.start, c.span.end))


def _numerics(text: str, sentences: _Sentences, index: _Index, lists: _Spans, found: list[InText],
              taken: _Spans) -> None:
    """Numeric markers, where they stand as a citation stands (see :func:`_numeric_context_ok`)."""
    enumerations = _enumerations(text, sentences)
    for m in _NUMERIC.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        if sentence is None or lists.overlaps(span) or taken.overlaps(span):
            continue  # in a reference list, or in an address or identifier read as a citation already
        kind = "square" if m.group(2) else "paren" if m.group(4) else "glued" if m.group(7) else "sup"
        if kind == "sup" and text[m.start() - 1:m.start()] == "[":
            continue  # "[^1]": a Markdown footnote's marker or definition, read as one
        labelled = bool(m.group(1) or m.group(3))
        raw = (m.group(2) or m.group(4) or m.group(5) or m.group(7) or (m.group(6) or "").translate(_SUP))
        numbers = _expand(raw)
        if numbers is None or 0 in numbers or any(len(str(n)) > 3 for n in numbers):
            continue
        ink = m.start()  # where the blanks before the marker begin
        while ink > sentence.start and text[ink - 1] in " \t":
            ink -= 1
        before = text[max(sentence.start, ink - _BEFORE):m.start()]
        after = text[m.end():m.end() + 40]
        by_number, size = index.numbers(numbers, m.start())
        if not labelled and not _numeric_context_ok(kind, numbers, before, after, m.start() in enumerations,
                                                    size, text, m):
            continue
        keys = tuple(by_number[n] for n in numbers if n in by_number)
        dangling = tuple(str(n) for n in numbers if n not in by_number)
        found.append(InText(m.group(0), span, "numeric", keys, dangling, sentence))
        taken.add(span)


def _links(text: str, sentences: _Sentences, reference_lists: list[ReferenceList], links: list[tuple[int, int, str]],
           lists: _Spans, found: list[InText], taken: _Spans) -> None:
    """A hyperlink's words, or an address in a sentence: a citation of the entry that names its target
    (a listed one, else the one its first mention in the text made)."""
    entries = Works(e for lst in reference_lists for e in lst.entries)  # listed entries come first
    inline = {e.span: e.key for lst in reference_lists if lst.inline for e in lst.entries}
    for start, end, url in sorted([*links, *bare_work_addresses(text)]):
        span = Span(start, end)
        sentence = sentences.at(start)
        if sentence is None or lists.overlaps(span) or taken.overlaps(span):
            continue
        key = inline.get(span)
        if key is None and (work := entries.first(url)) is not None:
            key = work.key
        if key is None:
            continue
        found.append(InText(text[start:end], span, "link", (key,), (), sentence))
        taken.add(span)


def _titles(text: str, sentences: _Sentences, reference_lists: list[ReferenceList], found: list[InText],
            taken: _Spans) -> None:
    """A work named by its title in the text (:func:`~lbpgraph.ingest.references.titled_entries`):
    a citation of that entry, its marker the title."""
    for lst in reference_lists:
        if lst.inline and lst.heading is None and (entry := lst.entries[0]).title == entry.text.strip(" ,.") \
                and not (entry.doi or entry.pmid or entry.pmcid or entry.url):
            sentence = sentences.at(entry.span.start)
            if sentence is not None and not taken.overlaps(entry.span):
                found.append(InText(text[entry.span.start:entry.span.end], entry.span, "title", (entry.key,), (), sentence))
                taken.add(entry.span)


_FOOTNOTE_MARK = latin.compile(r"\[\^([\w\-]{1,24})\](?!:)")


def _footnotes(text: str, sentences: _Sentences, index: _Index, lists: _Spans, found: list[InText],
               taken: _Spans) -> None:
    """Markdown footnote markers ("[^1]", "[^walk]"): the entry defined under the same label; a
    label whose note is no reference (a comment) is left dangling."""
    by_label = {r.label: r.key for r in index.references if r.label}
    for m in _FOOTNOTE_MARK.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        if sentence is None or lists.overlaps(span) or footnote_label(text[text.rfind("\n", 0, m.start()) + 1:m.end() + 1]):
            continue
        key = by_label.get(m.group(1))
        found.append(InText(m.group(0), span, "numeric", (key,) if key else (), () if key else (m.group(1),), sentence))
        taken.add(span)


_SYMBOL_MARK = re.compile(r"(?<=[\w.,;:!?)\"”’])([*†‡§¶]{1,3})(?![\w*†‡§¶])")
_EMPHASIS_OPEN = re.compile(r"(?:^|[\s(])[*_]{1,2}(?=\w)")


def _symbols(text: str, sentences: _Sentences, index: _Index, lists: _Spans, found: list[InText],
             taken: _Spans) -> None:
    """Symbol markers ("CLINICALLY PROVEN*:", "designed†"): the one note that starts with the same
    symbol ("* Chan E, ..."). Nothing else: without such a note (or with several, a bulleted list)
    a symbol is a bullet, a rating or emphasis, and cites nothing."""
    notes: dict[str, list[str]] = {}
    for r in index.references:
        if r.label and not r.label[0].isalnum():
            notes.setdefault(r.label, []).append(r.key)
    if not notes:
        return
    for m in _SYMBOL_MARK.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        keys = notes.get(m.group(1), [])
        if sentence is None or len(keys) != 1 or lists.overlaps(span) or taken.overlaps(span):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        if m.group(1)[0] == "*" and _EMPHASIS_OPEN.search(text, line_start, m.start()):
            continue  # "*really*": the close of an emphasis
        found.append(InText(m.group(0), span, "numeric", (keys[0],), (), sentence))
        taken.add(span)


def _author_years(text: str, sentences: _Sentences, index: _Index, cand: Candidates, free: Callable[[Span], bool],
                  found: list[InText], taken: _Spans) -> None:
    """"(Smith et al., 2010; Lee, 2018)": each part that names an author and a year."""
    aliases: dict[str, str] = {}  # "NICE" -> "National Institute for Health and Care Excellence", as first cited
    for m in _AUTHOR_YEAR.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        if sentence is None or not free(span):
            continue
        keys: list[str] = []
        dangling: list[str] = []
        candidates: list[str] = []
        matched = False
        for part in m.group(1).split(";"):
            named = _part_names(part, aliases, index, m.start())
            if named is None:
                continue
            names, years = named
            matched = True
            for y in latin.findall(r"(?:1[89]|20)\d{2}", years):
                hits = index.by_author(names, int(y), m.start())
                keys.extend(k for k in hits if k not in keys)
                if not hits:
                    dangling.append(f"{names[0]} {y}")
                    candidates.extend(cand.by_author(names, int(y)))
        if matched:
            found.append(InText(m.group(0), span, "author-year", tuple(keys), tuple(dangling), sentence,
                                tuple(dict.fromkeys(candidates))))
            taken.add(span)


def _part_names(part: str, aliases: dict[str, str], index: _Index, position: int) -> tuple[list[str], str] | None:
    """The authors one part of an author-year citation names, and its years: people ("Smith et al.",
    "Lee and Kang"), an organisation ("World Health Organization"), or the short name an earlier
    citation gave it ("[NICE]") or a listed entry is under."""
    pm = _AY_PART.match(part)
    org = _AY_ORG.match(part)
    if org and (org.group(2) or latin.search(rf"\b(?:{_ORG_WORDS})\b|[ \t](?:of|for|on|the)[ \t]", org.group(1))):
        if org.group(2):
            aliases[org.group(2)] = org.group(1)
        return [org.group(1)], org.group(3)
    if pm:
        names = _names(pm.group(1))
        return (names, pm.group(2)) if names and names[0] not in _NOT_NAMES else None
    acronym = _AY_ACRONYM.match(part)
    if acronym:
        name = aliases.get(acronym.group(1), acronym.group(1))
        if name != acronym.group(1) or index.by_author([name], None, position):
            return [name], acronym.group(2)
    return None


def _vagues(text: str, sentences: _Sentences, lists: _Spans, cited: set[Span], found: list[InText]) -> None:
    """Vague attributions, in a sentence that cites nothing else: one is enough to flag it."""
    title_end = first_line_end(text)
    for m in _VAGUE.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        if sentence is None or lists.overlaps(span) or sentence in cited:
            continue
        if sentence.start < title_end or heading_line(text, sentence) or is_heading(text[sentence.start:sentence.end]):
            continue  # "What the research says" as a title or heading attributes nothing
        cited.add(sentence)
        found.append(InText(m.group(0), span, "vague", (), (), sentence))


def _numeric_context_ok(kind: str, numbers: list[int], before: str, after: str, enumeration: bool, size: int,
                        text: str, m: re.Match[str]) -> bool:
    """Whether a numeric marker stands where a citation stands (see the module's list of look-alikes)."""
    if enumeration or _PHONE_AFTER.match(after) or (kind == "paren" and _SETTING.search(before)
                                                     and not _prose_before_end(before, after)):
        return False
    if latin.search(r"[+\d][ \t]*$", before) or latin.search(r"[$£€¥][ \t]*$", before):
        return False  # "+44 (0)", "10^3", "$(5)"
    if not before.strip() or latin.fullmatch(r"[ \t]*[-•*]?[ \t]*", before):
        return False  # "(1) Walk daily": the number of a list item
    if kind == "sup":  # "kg/m²", "I² = 48%", "R²", "χ²": a power of a unit or a statistic's symbol
        return not (_UNIT_BEFORE.search(before) or _SYMBOL_BEFORE.search(before) or _COMPARED_AFTER.match(after))
    if _UNIT_AFTER.match(after):
        return False
    if kind == "glued":  # "back pain.1,2 Walking": a superscript flattened by a copy; only what a numbered list holds
        return bool(size) and max(numbers) <= size and not latin.search(r"\b(?:covid|omega|vitamin|mp|co|h)$", before, re.I)
    if kind == "paren":
        if not size or max(numbers) > size:
            return False  # no numbered list holds it: an age, a count, a score
        if _PERSON_BEFORE.search(before) or m.group(0).lstrip("( \t").startswith("0") or (
                min(numbers) >= 16 and _FULL_NAME_BEFORE.search(before)):
            return False  # "my son (8)", "Jane Smith (45)", "(02) 9876 5432"
        if latin.match(r"[ \t]*[a-z]", after) and latin.search(r"(?:^|[:;,]|\band|\bor)[ \t]*$", before):
            return False  # "rules: (1) move slowly"
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        if len(line.strip()) < 40 and not latin.search(r"[.!?]", line):
            return False  # "Cart (2)", "Reviews (12)": a counter in the page's furniture
    return True


def _prose_before_end(before: str, after: str) -> bool:
    """"as effective as other exercise (1).": a word of running prose, not a label or a setting, before
    a marker that ends the sentence ("set the speed (1) and", "Exercise (2)" are settings and labels)."""
    return bool(latin.match(r"[ \t]*[.;](?:\s|$)", after) and latin.search(r"\b[a-z]{2,}[ \t]+[a-z]+[ \t]*$", before)
                and not latin.search(r"\b(?:to|at|on|in|of|from|use|set|press|select|choose|the|this|that|each|every|"
                                  r"first|next|last|per)[ \t]+[a-z]+[ \t]*$", before))


def _names(authors: str) -> list[str]:
    """Surnames in "Smith et al.", "Lee and Kang", "Shiri, Coggon & Falah-Hassani"."""
    authors = latin.sub(r"\bet[ \t]+al\.?", "", authors)
    return [n.strip() for n in latin.split(r",|\band\b|&", authors) if n.strip()]


class Candidates:
    """Bibliography works an unresolved attribution may be (none without a bibliography)."""

    def by_author(self, names: list[str], year: int | None) -> list[str]:
        return []

    def by_venue(self, venue: str, year: int | None) -> list[str]:
        return []


def _narrative(text: str, sentences: _Sentences, index: _Index, cand: Candidates, free: Callable[[Span], bool],
               found: list[InText], taken: _Spans) -> None:
    for m in _NARRATIVE_YEAR.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        if sentence is None or not free(span) or m.group(1) in _NOT_NAMES:
            continue
        names = [m.group(1)] + ([m.group(3)] if m.group(3) else [])
        year = int(m.group(4))
        keys = index.by_author(names, year, m.start())
        dangling = () if keys else (f"{names[0]} {year}",)
        found.append(InText(m.group(0), span, "narrative", tuple(keys), dangling, sentence,
                            () if keys else tuple(cand.by_author(names, year))))
        taken.add(span)
    for m in _NARRATIVE.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        name = latin.sub(r"['’]s$", "", m.group(1) or m.group(2) or m.group(3))  # "Ansari's group": Ansari
        if sentence is None or not free(span) or name in _NOT_NAMES:
            continue
        names = [name] + ([m.group(4)] if m.group(4) else [])
        year = _year_near(text, sentence, m)
        keys = index.by_author(names, year, m.start()) or (
            index.by_author(names, None, m.start()) if year is None else [])
        if len(keys) > 1:
            keys = []
        candidates = [] if keys else cand.by_author(names, year)
        if not m.group(1) and not keys and not candidates:
            continue  # "led by X", "a study by X" that nothing resolves: a name, maybe no work's author
        found.append(InText(m.group(0), span, "narrative", tuple(keys), () if keys else (name,), sentence,
                            tuple(candidates)))
        taken.add(span)


def _entry(index: _Index, key: str) -> Reference:
    return next(r for r in index.references if r.key == key)


def _year_near(text: str, sentence: Span, m: re.Match[str]) -> int | None:
    """A year printed just around a narrative citation ("a 2013 study by Krein", "Krein ... in 2013")."""
    window = text[max(sentence.start, m.start() - 30):min(sentence.end, m.end() + 30)]
    years = latin.findall(r"\b((?:1[89]|20)\d{2})\b", window)
    return int(years[0]) if len(years) == 1 else None


def _venues(text: str, sentences: _Sentences, index: _Index, cand: Candidates, free: Callable[[Span], bool],
            found: list[InText], taken: _Spans) -> None:
    for m in _VENUE.finditer(text):
        group = next(g for g in (1, 2, 3, 4) if m.group(g))
        printed = _VENUE_END.sub("", _VENUE_WHEN.sub("", m.group(group))).rstrip()
        venue = latin.sub(r"^(?:the|The)[ \t]+", "", printed)
        if not venue or (group != 3 and venue in ("Medicine", "Review", "Reviews", "Therapy", "Pain", "Nature")):
            continue  # a word, not a journal ("published in Nature" is left to the vague rules)
        start = m.start(group)
        span = Span(start, start + len(printed))
        sentence = sentences.at(start)
        if sentence is None or not free(span):
            continue
        window = text[sentence.start:sentence.end]
        years = [int(y) for y in latin.findall(r"\b((?:1[89]|20)\d{2})\b", window)]
        year = years[0] if len(set(years)) == 1 else None
        keys = index.by_venue_year(venue, year, start)
        if len(keys) > 1:  # "WalkBack, in The Lancet": the entry whose title names the trial
            named = latin.search(r"([A-Z][A-Za-z\-]*[A-Z][A-Za-z\-]*)[ \t]*,[ \t]*$", text[sentence.start:m.start() + 1])
            by_name = [k for k in keys if named and named.group(1) in (_entry(index, k).title or "")]
            keys = by_name if len(by_name) == 1 else keys
        marker = text[m.start():span.end]
        if len(keys) == 1:
            found.append(InText(marker, Span(m.start(), span.end), "named-venue", tuple(keys), (), sentence))
        else:
            found.append(InText(marker, Span(m.start(), span.end), "named-venue", (), (), sentence,
                                tuple(cand.by_venue(venue, year))))
        taken.add(Span(m.start(), span.end))


def _descriptors(text: str, sentences: _Sentences, index: _Index, free: Callable[[Span], bool], cited: set[Span],
                 found: list[InText], taken: _Spans) -> None:
    """"a 2010 systematic review", "a large Australian trial showed": resolved when one listed entry
    has that year, or a title word the descriptor names ("Australian" -> "Australia")."""
    if not index.references:
        return
    for m in _YEAR_DESIGN.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        if sentence is None or sentence in cited or not free(span):
            continue
        design = m.group(2).lower()
        hits = [r for r in index.near(m.start()).references if r.year == int(m.group(1))]
        if len(hits) > 1:
            hits = [r for r in hits if design.split("-")[-1] in (r.title or "").lower()]
        if len(hits) == 1:
            found.append(InText(m.group(0), span, "narrative", (hits[0].key,), (), sentence))
            taken.add(span)
            cited.add(sentence)
    for m in _DESCRIPTOR.finditer(text):
        span = Span(m.start(), m.end())
        sentence = sentences.at(m.start())
        word = m.group(1)
        if sentence is None or sentence in cited or not free(span) or word in _NOT_NAMES:
            continue
        stem = latin.sub(r"(?:ian|ean|an|ese|ish|n)$", "", word.lower())
        if len(stem) < 4:
            continue
        hits = [r for r in index.near(m.start()).references
                if latin.search(rf"\b{re.escape(stem)}", (r.title or "").lower())]
        if len(hits) == 1:
            found.append(InText(m.group(0), span, "narrative", (hits[0].key,), (), sentence))
            taken.add(span)
            cited.add(sentence)


def cited_keys(citations: Iterable[InText]) -> set[str]:
    return {k for c in citations for k in c.keys}


_TITLE_MAX = 200  # characters: a longer first line is the text itself (an article saved as one line)


def first_line_end(text: str) -> int:
    """Where the title's line ends: the first non-empty line, when it is short enough to be a
    title; else where the text starts (it has no title line)."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return end if len(text[start:end].strip()) <= _TITLE_MAX else start


def heading_line(text: str, s: Span) -> bool:
    """A short line standing alone, without a sentence's closing punctuation: a heading
    ("Safety first", "When to get help", "Patient story")."""
    line_start = text.rfind("\n", 0, s.start) + 1
    line_end = text.find("\n", s.end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start:s.start].strip() or text[s.end:line_end].strip():
        return False
    words = text[s.start:s.end].split()
    return 0 < len(words) <= 8 and text[s.end - 1] not in ".!,;:\"”’')]"


def is_heading(sentence: str) -> bool:
    """A title, a section heading or a question used as one."""
    words = sentence.split()
    if not words:
        return False
    if sentence.rstrip().endswith("?"):
        return True
    if sentence.rstrip()[-1:] in ".!:;\"”'’)" or len(words) > 16:
        return False
    capitalised = sum(1 for w in words if w[:1].isupper())
    return capitalised >= max(2, len(words) // 2)
