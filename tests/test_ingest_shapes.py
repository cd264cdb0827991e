"""Ingest rules by the shape of things: look-alike numbers, citation forms, reference lists under any
heading or none, and matching that decides on evidence. Real text through the real analysis."""

from __future__ import annotations

import random

import pytest
import yaml

from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.matching import match
from lbpgraph.ingest.references import find_reference_lists
from lbpgraph.model.corpus import load_corpus
from lbpgraph.model.yamlio import dumps, loads

from .conftest import DATA

LIST = """
References
1. Hendrick P, Te Wake AM, Tikkisetty AS, et al. The effectiveness of walking as an intervention for low back pain: a systematic review. Eur Spine J. 2010;19(10):1613-1620.
2. Krein SL, Kadri R, Hughes M, et al. Pedometer-based internet-mediated intervention for adults with chronic low back pain: randomized controlled trial. J Med Internet Res. 2013;15(8):e181.
3. Kim H, Min TJ, Kang SH, et al. Association between walking and low back pain in the Korean population: a cross-sectional study. Ann Rehabil Med. 2017;41(5):786-792.
4. Lee JS, Kang SJ. The effects of strength exercise and walking on lumbar function, pain level, and body composition in chronic back pain patients. J Exerc Rehabil. 2016;12(5):463-470.
5. Lee HS, Shim JS, Lee ST, Kim M, Ryu JS. Facilitating effects of fast and slope walking on paraspinal muscles. Ann Rehabil Med. 2014;38(4):514.
6. Pocovi NC, Lin CC, French SD, et al. Effectiveness and cost-effectiveness of an individualised, progressive walking and education intervention for the prevention of low back pain recurrence in Australia (WalkBack): a randomised controlled trial. Lancet. 2024;404(10448):134-144.
7. Shiri R, Coggon D, Falah-Hassani K. Exercise for the prevention of low back pain: systematic review and meta-analysis of controlled trials. Am J Epidemiol. 2018;187(5):1093-1101.
8. Gordon R, Bloxham S. A systematic review of the effects of exercise and physical activity on non-specific chronic low back pain. Healthcare (Basel). 2016;4(2):22.
"""


@pytest.fixture(scope="module")
def sources() -> dict:
    return load_corpus(DATA).sources


def _citations(body: str, sources: dict) -> list[tuple[str, tuple[str, ...]]]:
    a = analyse("Walking and back pain\n\n" + body + "\n" + LIST, sources)
    return [(c.marker, c.keys) for c in a.citations if c.kind != "vague"]


LOOK_ALIKES = [
    ("age", "When Graham Whitlock (62) tried it, his neighbours laughed."),
    ("scale", "His pain fell two points on the usual scale (0-10) within a month."),
    ("range of ages", "The trial recruited adults of working age (18–65) from three clinics."),
    ("settings", "Start the treadmill at speed (1) and stay below speed (4) in the first week."),
    ("list numbers in a sentence", "Three rules apply: (1) move slowly, (2) breathe normally, and (3) stop if it hurts."),
    ("list item", "(2) Walk on a flat surface for ten minutes."),
    ("phone", "Call (020) 7946 0958 to book a session."),
    ("phone, US", "Call (800) 555-0199 today."),
    ("phone, trunk zero", "Media contact: Priya Nair, +44 (0)117 496 0321."),
    ("vertebral level", "Disc bulges at L4-L5 (L4-L5) and L5/S1 are common."),
    ("dose", "Take paracetamol (500) mg no more than four times a day."),
    ("count", "Repeat the stretch (5) times on each side."),
    ("counter", "Comments (3)"),
    ("year alone", "Backward walking became popular in 2019 (2019) on social media."),
    ("unit", "A body mass index above 30 kg/m^2 makes walking harder."),
    ("percentage and price", "About 80% (4 in 5) of adults have back pain; a session costs $80 (2 x 40 min)."),
    ("decimals and versions", "Version 2.1 of the app counts steps; take 1.5 tablets; pain fell (p = .12)."),
    ("names with numbers", "COVID-19 changed habits, vitamin D3 matters and T12 or L5 discs can hurt."),
    ("page", "See p.5 for the exercises."),
    ("ages after a person", "My son (8) and my wife (7) walk backwards with me."),
    ("phone, area code", "Call (02) 9876 5432 to book."),
]


@pytest.mark.parametrize("sentence", [s for _, s in LOOK_ALIKES], ids=[k for k, _ in LOOK_ALIKES])
def test_numbers_that_only_look_like_citations_are_not(sentence: str, sources: dict) -> None:
    assert _citations(sentence, sources) == []


FORMS = [
    ("[n]", "Walking helps chronic low back pain [1].", [("[1]", ("1",))]),
    ("[n,m]", "Walking helps chronic low back pain [1,2].", [("[1,2]", ("1", "2"))]),
    ("[range, list]", "Walking helps chronic low back pain [1-3,5].", [("[1-3,5]", ("1", "2", "3", "5"))]),
    ("(n)", "Walking helps chronic low back pain (2).", [("(2)", ("2",))]),
    ("(n, m)", "Walking helps chronic low back pain (2, 3).", [("(2, 3)", ("2", "3"))]),
    ("glued", "Walking helps chronic low back pain.[2][3] It is cheap.", [("[2]", ("2",)), ("[3]", ("3",))]),
    ("glued to a word", "Walking(2) helps chronic low back pain.", [("(2)", ("2",))]),
    ("^n", "Walking helps chronic low back pain.^1 It is cheap.", [("^1", ("1",))]),
    ("^n,m", "Walking helps chronic low back pain^1,2 and is cheap.", [("^1,2", ("1", "2"))]),
    ("superscript", "Walking helps chronic low back pain.¹ It is cheap.", [("¹", ("1",))]),
    ("superscripts", "Walking helps chronic low back pain.²,³ It is cheap.", [("²,³", ("2", "3"))]),
    ("flattened superscript", "Walking helps chronic low back pain.1,2 It is cheap.", [("1,2", ("1", "2"))]),
    ("flattened, after a word", "Walking improves function3 and eases pain.", [("3", ("3",))]),
    ("(ref n)", "Walking helps chronic low back pain (ref 2).", [("(ref 2)", ("2",))]),
    ("(refs n, m)", "Walking helps chronic low back pain (refs 3, 4).", [("(refs 3, 4)", ("3", "4"))]),
    ("[ref. n]", "Walking helps chronic low back pain [ref. 2].", [("[ref. 2]", ("2",))]),
    ("(see reference n)", "Walking helps (see reference 4).", [("(see reference 4)", ("4",))]),
    ("author-year", "Walking helps chronic low back pain (Krein et al., 2013).",
     [("(Krein et al., 2013)", ("2",))]),
    ("author-year, two works", "Walking helps (Krein et al. 2013; Hendrick, 2010).",
     [("(Krein et al. 2013; Hendrick, 2010)", ("2", "1"))]),
    ("author-year, three authors", "Exercise prevents recurrences (Shiri, Coggon & Falah-Hassani, 2018).",
     [("(Shiri, Coggon & Falah-Hassani, 2018)", ("7",))]),
    ("two Lees", "Fast walking activates the paraspinals (Lee et al. 2014) and adds to strength training "
     "(Lee and Kang 2016).", [("(Lee et al. 2014)", ("5",)), ("(Lee and Kang 2016)", ("4",))]),
    ("narrative with year", "Krein and colleagues (2013) found a modest effect.",
     [("Krein and colleagues (2013)", ("2",))]),
    ("narrative, two authors", "Gordon and Bloxham (2016) reviewed fourteen studies.",
     [("Gordon and Bloxham (2016)", ("8",))]),
    ("et al. without year", "Hendrick et al. pooled the early trials.", [("Hendrick et al.", ("1",))]),
    ("possessive team", "Kim's team reported that walkers had less pain.", [("Kim's team", ("3",))]),
    ("led by", "The WalkBack trial led by Pocovi went further.", [("led by Pocovi", ("6",))]),
    ("study by", "An older study by Shiri and colleagues found the same.", [("study by Shiri", ("7",))]),
    ("year and design", "The findings build on a 2018 systematic review of exercise.",
     [("a 2018 systematic review", ("7",))]),
    ("venue and year", "A 2024 trial in The Lancet found that walking delays recurrence.",
     [("trial in The Lancet", ("6",))]),
    ("descriptor", "A large Australian trial showed that walking delays recurrence.",
     [("A large Australian trial showed", ("6",))]),
]


@pytest.mark.parametrize("sentence,expected", [(s, e) for _, s, e in FORMS], ids=[k for k, _, _ in FORMS])
def test_every_common_form_of_citation_is_linked_to_its_entry(sentence: str, expected: list, sources: dict) -> None:
    assert _citations(sentence, sources) == expected


def test_an_attribution_nothing_resolves_stays_vague_with_its_candidates(sources: dict) -> None:
    a = analyse("News\n\nA 2024 trial in The Lancet found that walking delays recurrence. Krein and colleagues "
                "(2013) reported a modest effect. Studies show that staying active helps.\n", sources)
    got = {(c.kind, c.keys, c.candidates) for c in a.citations}
    assert ("named-venue", (), ("pocovi2024_walkback",)) in got
    assert ("narrative", (), ("krein2013",)) in got
    assert ("vague", (), ()) in got
    assert len(a.cues["vague-attribution"]) == 3


ENTRIES = [
    "Hendrick P, Te Wake AM, Tikkisetty AS, et al. The effectiveness of walking as an intervention for low back "
    "pain: a systematic review. Eur Spine J. 2010;19(10):1613-1620.",
    "Ahmad, A., Aldabbas, M., Tanwar, T., Iram, I., & Veqar, Z. (2023). Effect of retro-walking on pain, "
    "functional disability, quality of life and sleep problems in patients with chronic low back pain. "
    "Physiotherapy Quarterly, 31(3), 86–93.",
    "Lee, J.S. and Kang, S.J. (2016) 'The effects of strength exercise and walking on lumbar function, pain "
    "level, and body composition in chronic back pain patients', Journal of Exercise Rehabilitation, 12(5), "
    "pp. 463–470.",
]
HEADINGS = ["References", "Sources:", "Further reading", "Research", "Notes", "What we read", "* * *",
            "____________", None]
NUMBERING = ["{n}. ", "[{n}] ", "({n}) ", "{n}) ", "- ", "• ", "Ref {n}: ", "^{n} ", "", "Paper: "]


@pytest.mark.parametrize("heading", HEADINGS, ids=[h or "no heading" for h in HEADINGS])
@pytest.mark.parametrize("numbering", NUMBERING)
def test_references_are_found_by_their_shape_under_any_heading(heading: str | None, numbering: str,
                                                                sources: dict) -> None:
    lines = [numbering.format(n=n) + e for n, e in enumerate(ENTRIES, 1)]
    text = "Walking for the back\n\nWalking eases back pain, most trials agree.\n\n" + \
        (f"{heading}\n" if heading else "") + "\n".join(lines) + "\n"
    a = analyse(text, sources)
    assert [(r.surname, r.year, a.source_of(r.key)) for r in a.references] == [
        ("Hendrick", 2010, "hendrick2010"), ("Ahmad", 2023, "ahmad2023_physioquart"), ("Lee", 2016, "lee_kang2016")]


def test_a_list_of_addresses_that_name_works(sources: dict) -> None:
    text = ("Why walking beats bed rest\n\nA 2013 trial in the Journal of Medical Internet Research found that "
            "pedometers helped.\n\nSources:\nhttps://pubmed.ncbi.nlm.nih.gov/23969029/\n"
            "https://doi.org/10.1007/s00586-010-1412-z\nhttps://www.ncbi.nlm.nih.gov/pmc/articles/PMC6616307/\n")
    a = analyse(text, sources)
    assert [(a.source_of(r.key), a.matches[r.key].by) for r in a.references] == [
        ("krein2013", "pmid"), ("hendrick2010", "doi"), ("suh2019", "pmcid")]
    # the entry prints no journal or year: the work it names resolves the citation
    assert [(c.kind, c.keys) for c in a.citations] == [("named-venue", ("1",))]


def test_entries_printed_on_one_line_are_separate_entries(sources: dict) -> None:
    text = ("Ask the expert\n\nA. Yes, gentle walking is usually fine [1,2].\n\nReferences: 1. Krein SL, Kadri R, "
            "Hughes M, et al. Pedometer-based internet-mediated intervention for adults with chronic low back pain. "
            "J Med Internet Res. 2013;15(8):e181. 2. Hendrick P, Te Wake AM, Tikkisetty AS, et al. The effectiveness "
            "of walking as an intervention for low back pain: a systematic review. Eur Spine J. 2010;19(10):1613-20.\n")
    a = analyse(text, sources)
    assert [(r.number, a.source_of(r.key)) for r in a.references] == [(1, "krein2013"), (2, "hendrick2010")]
    assert [c.keys for c in a.citations] == [("1", "2")]


def test_a_journal_named_with_a_date_and_a_quoted_speaker(sources: dict) -> None:
    a = analyse("News\n\nThe WalkBack study, published in The Lancet in June 2024, followed 701 adults.\n"
                "\"The evidence is limited, but it's low risk,\" she said.\n", sources)
    assert [(c.kind, c.marker, c.candidates) for c in a.citations] == [
        ("named-venue", "published in The Lancet", ("pocovi2024_walkback",))]


def test_an_entry_split_over_lines_is_one_entry() -> None:
    text = ("Notes\n[1] Flynn TW, Connery SM, Smutok MA, Zeballos RJ, Weisman IM.\n"
            "    Comparison of cardiopulmonary responses to forward and backward walking and running.\n"
            "    Med Sci Sports Exerc. 1994;26(1):89-94. PMID: 8133744.\n"
            "Bibliography\n1) Krein SL, Kadri R, Hughes M, Kerr EA, Piette JD, Holleman R, Kim HM, Richardson CR.\n"
            "Pedometer-based internet-mediated intervention for adults with chronic low back pain.\n"
            "J Med Internet Res. 2013 Aug 20;15(8):e181.\n")
    entries = [e for lst in find_reference_lists(text) for e in lst.entries]
    assert [(e.surname, e.year, e.pmid) for e in entries] == [("Flynn", 1994, "8133744"), ("Krein", 2013, None)]
    assert entries[1].title == "Pedometer-based internet-mediated intervention for adults with chronic low back pain"


def test_prose_and_tips_are_not_reference_lists() -> None:
    text = ("Walking and your back\n\n"
            "Lee and Kang (2016) found that walking added to strength training helped a little.\n"
            "Shiri et al. (2018) combined controlled trials and found that exercise prevents recurrences.\n"
            "Krein and colleagues (2013) gave adults a pedometer, and their disability improved.\n\n"
            "Our timeline:\n1. In 2019, I started walking backwards.\n2. By 2020 my pain was gone.\n"
            "3. Since 2021 I teach it (see our 2022 newsletter, issue 4).\n\n"
            "Related: Sciatica: seven things to know (2022)\nPosture myths (2021)\n")
    assert find_reference_lists(text) == []


def test_a_conflicting_identifier_journal_or_year_never_matches(sources: dict) -> None:
    suh = ("Suh JH, Kim H, Jung GP, Ko JY, Ryu JS. The effect of lumbar stabilization and walking exercises on "
           "chronic low back pain: a randomized controlled trial. Medicine (Baltimore). 2019;98(26):e16173.")
    entries = {
        "same": suh,
        "doi differs": suh + " doi:10.1097/MD.0000000000016999",
        "pmid differs": suh + " PMID: 31261548.",
        "journal differs": suh.replace("Medicine (Baltimore)", "Spine"),
        "year differs": suh.replace("2019;", "2018;"),
        "doi decides": "Suh J. Another title altogether. Somewhere. 2001. doi:10.1097/MD.0000000000016173",
    }
    text = "References\n" + "\n".join(f"{n}. {e}" for n, e in enumerate(entries.values(), 1)) + "\n"
    refs = [e for lst in find_reference_lists(text) for e in lst.entries]
    got = {name: match(r, sources) for name, r in zip(entries, refs)}
    assert got["same"].source == "suh2019" and got["same"].by == "title-and-authors" and got["same"].score >= 0.75
    for name in ("doi differs", "pmid differs", "journal differs", "year differs"):
        assert got[name].source is None, name
        assert "suh2019 ruled out" in got[name].summary(), name  # the evidence is shown, not hidden
    assert got["doi decides"].source == "suh2019" and got["doi decides"].by == "doi"
    assert "year 2001 is not the record's 2019" in got["doi decides"].summary()


def test_a_match_to_curator_added_evidence_is_never_silent(sources: dict) -> None:
    text = ("References\n1. Pocovi NC, Lin CC, French SD, et al. Effectiveness and cost-effectiveness of an "
            "individualised, progressive walking and education intervention for the prevention of low back pain "
            "recurrence in Australia (WalkBack): a randomised controlled trial. Lancet. 2024;404(10448):134-144.\n")
    [ref] = find_reference_lists(text)[0].entries
    m = match(ref, sources)
    assert m.source == "pocovi2024_walkback" and m.curator_added
    assert "curator-added evidence" in m.summary()


def test_a_weak_likeness_becomes_a_new_work_with_its_score(sources: dict) -> None:
    text = ("References\n1. Kim H, Lee S, Park J. Walking speed and low back pain in older adults. "
            "Ann Rehabil Med. 2017;41(2):100-110.\n")
    [ref] = find_reference_lists(text)[0].entries
    m = match(ref, sources)
    assert m.source is None and m.candidates and m.candidates[0][0] == "kim2017" and m.candidates[0][1] < 0.75
    assert "best kim2017 at" in m.summary()


def test_yaml_dumps_reads_back_any_string() -> None:
    """Strings from articles are data: whatever they hold, a draft reads back as it was written."""
    rng = random.Random(16)
    pool = list("abcXYZ019 :#-'\"\\\n\t\r[]{},&*!|>%@`?~.=<+") + [
        "\x85", "\u2028", "\u2029", "\ufeff", "\x00", "\x1b", "\x7f", "\x9f", "\xa0", "é", "\U0001F609", "\ufffe"]
    for _ in range(5000):
        value = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        data = {"k": value, "list": [value, {"m": value}, 1, 0.5, True, None], "empty": [], "none": {}}
        text = dumps(data)
        assert loads(text).data == data == yaml.safe_load(text), repr(value)
