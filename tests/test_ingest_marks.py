"""Marks a third blind check misread: a statistic's superscript ("I² = 48%"), an identifier printed
in running text ("(DOI: 10.5555/x)", a DOI holding brackets) and a note's symbol ("PROVEN*" and
"* Chan E, ..."). Real text through the real analysis."""

from __future__ import annotations

import pytest

from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.references import find_reference_lists, tidy_doi

LISTED = """
Journal reference:
Lund K, Berg T. Pole walking and falls in older adults. J Int Rehabil Stud. 2025;7(2):41-49. DOI: 10.5555/jirs.2025.0412
"""


def _cites(body: str, tail: str = LISTED) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    a = analyse("Pole walking news\n\n" + body + "\n" + tail, {})
    return [(c.marker, c.keys, c.dangling) for c in a.citations if c.kind != "vague"]


@pytest.mark.parametrize("sentence", [
    "Heterogeneity was moderate (I² = 48%) across trials.",
    "The model fit well (R² = 0.81) in the trial.",
    "The test gave χ² = 3.2 for the walking trial.",
    "A body mass index above 30 kg/m² was common in the trial.",
    "Each plot covered 20 m² of the clinic garden.",
    "Pain fell faster in the trial (p² < 0.05 by our reading).",
])
def test_a_superscript_on_a_unit_or_a_statistic_is_no_citation(sentence: str) -> None:
    numbered = "\nReferences\n1. Lund K. Walking. J Rehabil. 2020;1:1-9.\n2. Berg T. Poles. J Rehabil. 2021;2:1-9.\n"
    assert _cites(sentence, numbered) == []


def test_a_superscript_after_a_word_is_still_a_citation() -> None:
    numbered = "\nReferences\n1. Lund K. Walking. J Rehabil. 2020;1:1-9.\n2. Berg T. Poles. J Rehabil. 2021;2:1-9.\n"
    assert _cites("Walking helps back pain.² Poles help too.", numbered) == [("²", ("2",), ())]


def test_an_identifier_in_running_text_cites_the_listed_entry_with_that_identifier() -> None:
    a = analyse("Pole walking news\n\nResearchers in Oslo reported that pole walking halved falls "
                "(DOI: 10.5555/jirs.2025.0412). Nobody else has tested it.\n" + LISTED, {})
    assert [(r.authors[:1], r.doi) for r in a.references] == [(("Lund K",), "10.5555/jirs.2025.0412")]
    assert [(c.keys, c.kind) for c in a.citations] == [(("1",), "link")]


def test_an_identifier_no_entry_holds_is_a_new_entry_of_that_identifier_alone() -> None:
    a = analyse("Pole walking news\n\nA Lancet series agreed (DOI: 10.1016/S0140-6736(24)00755-4). "
                "Another team's data are online (PMID: 31234567).\n" + LISTED, {})
    new = [r for r in a.references if r.key != "1"]
    assert [(r.doi, r.pmid, r.title) for r in new] == [("10.1016/S0140-6736(24)00755-4", None, None),
                                                     (None, "31234567", None)]
    assert sorted(c.keys for c in a.citations) == [(new[0].key,), (new[1].key,)]


@pytest.mark.parametrize("printed, doi", [("10.1016/S0140-6736(24)00755-4)", "10.1016/S0140-6736(24)00755-4"),
                                          ("10.5555/jirs.2025.0412).", "10.5555/jirs.2025.0412"),
                                          ("10.1002/(SICI)1097-0258(19980430)17:8", "10.1002/(SICI)1097-0258(19980430)17:8")])
def test_a_doi_keeps_its_own_brackets_only(printed: str, doi: str) -> None:
    assert tidy_doi(printed) == doi


NOTES = """
* Chan E, Wong K, Lee M. Insoles for chronic low back pain: a randomised trial. PLoS One. 2019;14(3):e0213456. doi:10.1371/journal.pone.0213456
†Hall R, Ito S. A brace for lifting at work. Spine J. 2021;21(4):600-8.
"""


def test_a_symbol_marker_cites_the_note_that_starts_with_it() -> None:
    body = ("CLINICALLY PROVEN*: our insoles reduce back pain in a published clinical study.\n"
            "Our brace was DOCTOR DESIGNED† and it is a *really* good buy.\n")
    a = analyse("Insoles\n\n" + body + NOTES, {})
    assert [e.authors[0] for e in a.references] == ["Chan E", "Hall R"]
    assert [(c.marker, c.keys) for c in a.citations if c.kind != "vague"] == [("*", ("1",)), ("†", ("2",))]


def test_a_symbol_with_no_single_note_cites_nothing() -> None:
    bullets = ("\nReferences\n* Lund K. Walking and falls. J Rehabil. 2020;1:1-9.\n"
               "* Berg T. Poles and balance. J Rehabil. 2021;2:1-9.\n")
    assert _cites("Rated 5* by users of the trial app.", bullets) == []
    lists = find_reference_lists("Title\n\nText.\n" + bullets)
    assert [e.authors[0] for lst in lists for e in lst.entries] == ["Lund K", "Berg T"]


@pytest.mark.parametrize("sentence, safety", [
    ("People with poor balance should walk with support until they feel steady.", True),
    ("Not suitable for children under 14.", True),
    ("Always clip the emergency stop cord to your clothing.", True),
    ("Anyone with a recent back injury should be assessed by a physiotherapist first.", True),
    ("Do not use the treadmill if you feel dizzy.", True),
    ("We do not know whether walking is better than yoga, because the studies were very small.", False),
    ("It is unclear whether stretching helps back pain.", False),
])
def test_warnings_are_safety_and_what_is_not_known_is_not(sentence: str, safety: bool) -> None:
    from lbpgraph.ingest.cues import is_safety
    assert is_safety(sentence) is safety


PAGE = """<html><head><title>Walking poles guide</title>{meta}</head><body><article><h1>Walking poles guide</h1>
<p>Walking with poles can help people with back pain stay active for longer. This guide explains how to choose
poles and how to use them safely on different ground, step by step, for beginners.</p>
<p>{line}</p><p>Set the pole length so your elbow is at a right angle when the tip touches the ground.</p>
</article><footer><p>© 2025 Northfield Walking Club. All rights reserved.</p></footer></body></html>"""


@pytest.mark.parametrize("meta, line, date", [
    ("", "Guide version 3 (2025).", None),
    ("", "Posted 3 March 2024.", "2024-03-03"),
    ('<meta property="article:published_time" content="2023-05-06">', "Guide version 3 (2025).", "2023-05-06"),
])
def test_a_page_date_is_a_date_the_page_gives_never_a_year_alone(meta: str, line: str, date: str | None) -> None:
    from lbpgraph.ingest.webpage import extract
    assert extract(PAGE.format(meta=meta, line=line)).date == date


def test_a_sentence_that_starts_with_a_name_and_prints_an_identifier_is_no_entry() -> None:
    a = analyse("Poles\n\nSmith J reported in 2020 that poles halve falls in older walkers "
                "(DOI: 10.5555/abc.2020.1). Nobody else has tried it.\n\nReferences\n"
                "Lund K, Berg T. Pole walking and falls in older adults. J Int Rehabil Stud. 2025;7(2):41-49 "
                "(DOI: 10.5555/jirs.2025.0412). Available online at the journal.\n", {})
    assert [(r.authors[:1], r.title, r.doi) for r in a.references] == [
        (("Lund K",), "Pole walking and falls in older adults", "10.5555/jirs.2025.0412"),
        ((), None, "10.5555/abc.2020.1")]
    assert [(c.marker, c.keys) for c in a.citations] == [("DOI: 10.5555/abc.2020.1", ("2",))]


@pytest.mark.parametrize("sentence, marker", [
    ("According to researchers, walking backwards improves short-term memory.", "According to researchers"),
    ("Walking backwards eases pain, according to a randomised controlled trial published this year.",
     "according to a randomised controlled trial"),
    ("According to a 2019 study, retro walking reduced pain.", "According to a 2019 study"),
    ("Physiotherapists say backward walking unloads the discs.", "Physiotherapists say"),
])
def test_attributions_to_unnamed_research_or_professions_are_vague(sentence: str, marker: str) -> None:
    a = analyse("Retro walking\n\n" + sentence + "\n")
    assert [(c.kind, c.marker) for c in a.citations] == [("vague", marker)]


@pytest.mark.parametrize("sentence", ["According to my physio, it helps.", "According to the NHS, walking is good."])
def test_a_named_or_personal_source_is_no_vague_attribution(sentence: str) -> None:
    assert not [c for c in analyse("Retro walking\n\n" + sentence + "\n").citations if c.kind == "vague"]
