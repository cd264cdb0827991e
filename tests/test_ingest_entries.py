"""Reference entries parsed as printed in the styles met on the web: every author (joined by "&",
"and" or ";"), organisations as authors, wiki backlinks, publication dates that beat access dates,
venues with a bracketed qualifier, and numbered notes that are not references."""

from __future__ import annotations

import pytest

from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.references import find_reference_lists
from lbpgraph.model.corpus import load_corpus

from .conftest import DATA


def _entries(lines: str, heading: str = "References") -> list:
    text = f"A title\n\nSome prose about walking.\n\n{heading}\n\n{lines}\n"
    return [e for lst in find_reference_lists(text) for e in lst.entries]


@pytest.mark.parametrize("entry, authors, title", [
    ("Whitcombe, R., & Liang, Q. (2022). Walking programmes for chronic low back pain. Journal of Back Care, 14(2), 55-63.",
     ("Whitcombe R", "Liang Q"), "Walking programmes for chronic low back pain"),
    ("Gordon, R. and Bloxham, S. (2016). A systematic review of exercise and physical activity. Healthcare, 4(2), 22.",
     ("Gordon R", "Bloxham S"), "A systematic review of exercise and physical activity"),
    ("Marsh, D. A.; Ilori, T.; Best, K. L. Treadmill walking in chronic back pain. Physiother Res. 2018, 12, 40-48.",
     ("Marsh DA", "Ilori T", "Best KL"), "Treadmill walking in chronic back pain"),
    ("Sato, K.; Pereira, M. J.; Olsen, B.; Lind, A. (2020). Pacing and flare-ups. Pain Reports, 5(3), e820.",
     ("Sato K", "Pereira MJ", "Olsen B", "Lind A"), "Pacing and flare-ups"),
    ("Harbour, Jane; Costa, Luis (2017). \"Swimming and the lumbar spine\". Aquatic Therapy Review. 9 (2): 11-19.",
     ("Harbour, Jane", "Costa, Luis"), "Swimming and the lumbar spine"),
    ("World Health Organization. (2023). Guideline for non-surgical management of chronic primary low back pain in adults. WHO.",
     ("World Health Organization",), "Guideline for non-surgical management of chronic primary low back pain in adults"),
])
def test_every_author_is_kept_and_the_title_is_the_title(entry: str, authors: tuple, title: str) -> None:
    (e,) = _entries(entry)
    assert e.authors == authors
    assert e.title == title


@pytest.mark.parametrize("prefix", ["^ ", "^ a b ", "1. ^ a b c ", "↑ "])
def test_wiki_backlinks_are_not_part_of_the_author(prefix: str) -> None:
    (e,) = _entries(prefix + "Adeyemi, Tola (3 May 2021). \"Back pain at the desk\". The Evening Ledger. Retrieved 9 June 2023.")
    assert e.authors == ("Adeyemi, Tola",)
    assert e.surname == "Adeyemi"


@pytest.mark.parametrize("entry, year", [
    ("Adeyemi, Tola (3 May 2021). \"Back pain at the desk\". The Evening Ledger. Retrieved 9 June 2023.", 2021),
    ("Brandt, L. (2019, October 2). Walking off back pain. The Weekly Post. Accessed March 5, 2024, from https://post.example/walk", 2019),
    ("Kerr M. Back pain myths [Internet]. Health Desk; 2018 [cited 2024 Jan 5]. Available from: https://desk.example/myths", 2018),
])
def test_the_publication_date_wins_over_the_access_date(entry: str, year: int) -> None:
    (e,) = _entries(entry)
    assert e.year == year
    assert not (e.title or "").lower().startswith(("retrieved", "accessed"))


def test_a_bracketed_qualifier_stays_in_the_venue() -> None:
    (e,) = _entries("1. Hayden JA, van Tulder MW, Tomlinson G. Exercise therapy for chronic low back pain. "
                    "Spine (Phila Pa 1976). 2005;30(7):776-85.")
    assert e.venue == "Spine (Phila Pa 1976)"
    assert e.year == 2005


def test_numbered_notes_that_are_not_references_are_left_out() -> None:
    entries = _entries(
        "1. Marsh, K., & Doyle, P. (2023). Walking for back pain: a randomised trial. Journal of Spinal Health, 8(2), 101-110.\n"
        "2. Northfield Institute is an independent research institute founded in 1998 with 350 staff.\n"
        "3. The Back Care Trust, founded in 2004, funds research into back pain. See https://backcare.example.\n"
        "4. The study was funded by the Medical Research Council (grant MR/T012345/1).",
        heading="Notes to editors")
    assert [e.surname for e in entries] == ["Marsh"]


# --- citations that point at such entries --------------------------------------------------------

ARTICLE = """Keeping active with back pain

{body}

References

1. Hayden JA, van Tulder MW, Tomlinson G. Exercise therapy for chronic low back pain. Spine (Phila Pa 1976). 2005;30(7):776-85.
2. Whitcombe, R., & Liang, Q. (2022). Walking programmes for chronic low back pain. Journal of Back Care, 14(2), 55-63.
3. World Health Organization. (2023). Guideline for non-surgical management of chronic primary low back pain in adults. WHO.
4. Marsh, D. A. and Ilori, T. (2019). Pacing and flare-ups in chronic back pain. Pain Reports, 4(1), e712.
"""


@pytest.fixture(scope="module")
def sources() -> dict:
    return load_corpus(DATA).sources


def _cited(body: str, sources: dict) -> list[tuple[str, tuple[str, ...]]]:
    a = analyse(ARTICLE.format(body=body), sources)
    return [(c.kind, c.keys) for c in a.citations if c.kind != "vague"]


@pytest.mark.parametrize("body, keys", [
    ("Walking is one option (Whitcombe & Liang, 2022).", ("2",)),
    ("Walking is one option (Whitcombe and Liang 2022).", ("2",)),
    ("Pacing matters (Marsh & Ilori, 2019).", ("4",)),
    ("Guidance favours staying active (World Health Organization [WHO], 2023).", ("3",)),
    ("Guidance favours staying active (World Health Organization, 2023).", ("3",)),
    ("A trial published this week in the journal Spine found that walking helps.", ("1",)),
    ("Walking is cheap: one review found it is about as effective as other exercise (1).", ("1",)),
])
def test_citations_of_such_entries_resolve(body: str, keys: tuple, sources: dict) -> None:
    assert [k for _, k in _cited(body, sources)] == [keys]


def test_a_short_name_given_at_first_citation_resolves_later_ones(sources: dict) -> None:
    body = "Stay active (World Health Organization [WHO], 2023). Later advice agrees (WHO, 2023)."
    assert [k for _, k in _cited(body, sources)] == [("3",), ("3",)]


def test_a_journal_named_with_a_year_and_no_listed_paper_has_candidates(sources: dict) -> None:
    a = analyse(ARTICLE.format(body="A 2016 review in the journal Healthcare pooled exercise trials."), sources)
    (c,) = [c for c in a.citations if c.kind == "named-venue"]
    assert c.keys == () and "gordon_bloxham2016" in c.candidates


@pytest.mark.parametrize("body", ["Set the treadmill to speed (1) and walk.", "Exercise (2) is a bridge.",
                                  "Start with the first exercise (1)."])
def test_settings_and_labels_before_a_number_stay_not_citations(body: str, sources: dict) -> None:
    assert _cited(body, sources) == []


def test_an_entry_without_authors_starts_with_its_title() -> None:
    """'Title: a scoping review. Journal. 2022;10(5):234-241.' names no author: the title is its
    first sentence, never the volume and pages."""
    text = ("References\n1. Raza T, Riaz S. Retro walking in chronic low back pain. Iran Rehabil J. 2023;21(2):309-318.\n"
            "2. Health outcomes of backward walking in patients with low back pain: a scoping review. "
            "Sci J Public Health. 2022;10(5):234-241.\n")
    [listed] = find_reference_lists(text)
    entry = listed.entries[1]
    assert (entry.authors, entry.title, entry.venue, entry.year, entry.volume, entry.issue, entry.pages) == (
        (), "Health outcomes of backward walking in patients with low back pain: a scoping review",
        "Sci J Public Health", 2022, "10", "5", "234-241")
    assert listed.entries[0].authors == ("Raza T", "Riaz S")


def test_a_paper_named_by_its_title_is_cited_and_a_long_title_printed_whole_names_its_work() -> None:
    """'a paper titled "..."' cites that paper: an entry of its own, matched to the bibliography by
    its whole title (no author is printed), with the journal the sentence names; words someone
    said, in quotes after 'study', are no title."""
    sources = load_corpus(DATA).sources
    text = ("Retro walking and sleep\n\nWe read a paper titled \"Effect of retro-walking on pain, functional disability, "
            "quality of life and sleep problems in patients with chronic low back pain\", published in Physiotherapy "
            "Quarterly. Finally, the paper \"Retro walking improves core stability in office workers with low back pain\" "
            "showed a large effect.\n\nDr Lee, who led the study, said: \"Rest feels safe, but it slows recovery. "
            "Walk instead.\"\n")
    a = analyse(text, sources)
    titled = [c for c in a.citations if c.kind == "title"]
    assert [(a.source_of(c.keys[0]), c.marker.endswith("published in Physiotherapy Quarterly")) for c in titled] == [
        ("ahmad2023_physioquart", True), (None, False)]
    first = next(r for r in a.references if r.key == titled[0].keys[0])
    assert (a.matches[first.key].by, first.venue) == ("title", "Physiotherapy Quarterly")
    unknown = next(r for r in a.references if r.key == titled[1].keys[0])
    assert unknown.title == "Retro walking improves core stability in office workers with low back pain" and not unknown.authors
    assert not [c for c in a.citations if "Rest feels safe" in c.marker]
