"""Reference entries parsed as printed in the styles met on the web: every author (joined by "&",
"and" or ";"), organisations as authors, wiki backlinks, publication dates that beat access dates,
venues with a bracketed qualifier, and numbered notes that are not references."""

from __future__ import annotations

import pytest

from lbpgraph.ingest.references import find_reference_lists


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
