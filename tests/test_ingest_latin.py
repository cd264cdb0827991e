"""Names with Latin letters beyond ASCII ("Østby", "Müller", "García-López", "Łukasz") are read as
names are: in reference entries, as the surname an entry is cited by, and in citations."""

from __future__ import annotations

import pytest

from lbpgraph.ingest import latin
from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.references import find_reference_lists, surname

ENTRIES = """
References

Brannigan 2021 {published data only}
Brannigan K, Reid T. Balance classes for older adults. J Aging Phys Act 2021;29(2):101-9.

Østby 2022 {unpublished data only}
Østby H, Lund K. Walking with poles after hip fracture. Scand J Physiother 2022;12:33-41.

Müller T, Weiß A. Gait speed in frail adults. Gait Posture 2020;77:12-18.
García-López M, Núñez R. Falls in the clinic. Rev Esp Geriatr 2019;54(3):150-5.
Łukasiewicz P, Şahin E. Stair climbing in older adults. Int J Rehabil Res 2018;41(2):99-104.
O’Brien C, Čapek J. Falls after discharge. Age Ageing 2017;46(1):20-26.
van der Berg E, Ångström L. Poles and balance. Clin Rehabil 2016;30(4):300-9.
"""


def test_letters_of_the_latin_blocks_widen_the_ascii_classes_and_digits_stay_ascii() -> None:
    for ch in "ØÖÜÉŁŞÑÅČ":
        assert latin.fullmatch(r"[A-Z]", ch) and not latin.fullmatch(r"[a-z]", ch)
    for ch in "øöüéłşñåčß":
        assert latin.fullmatch(r"[a-z]", ch)
    for ch in "×÷²٣":
        assert not latin.fullmatch(r"[A-Za-z0-9]", ch)


@pytest.mark.parametrize("author, expected", [("Østby H", "Østby"), ("Müller, T.", "Müller"),
                                              ("García-López M", "García-López"), ("O’Brien C", "O’Brien"),
                                              ("Łukasiewicz P", "Łukasiewicz")])
def test_a_surname_keeps_its_letters(author: str, expected: str) -> None:
    assert surname(author) == expected


def test_entries_by_authors_with_diacritics_are_found_like_ascii_ones() -> None:
    lists = find_reference_lists("Balance after falls\n\nSome text here.\n" + ENTRIES)
    found = [(e.authors[0], e.year) for lst in lists for e in lst.entries]
    assert found == [("Brannigan K", 2021), ("Østby H", 2022), ("Müller T", 2020), ("García-López M", 2019),
                     ("Łukasiewicz P", 2018), ("O’Brien C", 2017), ("van der Berg E", 2016)]


@pytest.mark.parametrize("sentence, expected", [
    ("A pooled analysis found benefit (Brannigan 2021; Østby 2022).", [("1", "2")]),
    ("Müller and colleagues (2020) disagreed.", [("3",)]),
    ("García-López et al. (2019) counted falls.", [("4",)]),
    ("Stairs were studied too (Łukasiewicz & Şahin, 2018).", [("5",)]),
    ("O’Brien and colleagues (2017) followed patients home.", [("6",)]),
    ("Poles helped (van der Berg, 2016).", [("7",)]),
])
def test_citations_of_names_with_diacritics_resolve(sentence: str, expected: list) -> None:
    a = analyse("Balance after falls\n\n" + sentence + "\n" + ENTRIES, {})
    assert [c.keys for c in a.citations if c.kind != "vague"] == expected


def test_a_name_printed_without_its_diacritics_is_the_same_name() -> None:
    from lbpgraph.ingest.matching import ascii_fold
    assert ascii_fold("Østby Łukasiewicz Weiß García-López") == "Ostby Lukasiewicz Weiss Garcia-Lopez"
    a = analyse("Balance after falls\n\nPoles helped (Ostby 2022) and so did stairs (Lukasiewicz & Sahin, 2018).\n"
                + ENTRIES, {})
    assert [c.keys for c in a.citations if c.kind != "vague"] == [("2",), ("5",)]


@pytest.mark.parametrize("blank", ["\u00a0", "\u202f"])
def test_no_break_spaces_are_blanks_in_citations_and_entries(blank: str) -> None:
    """Pages print "et al." and "J. Smith" with no-break spaces: they read as the spaces they are,
    and the offsets still point at the text."""
    plain = ("Retro walking\n\nBackward walking eased pain in athletes (Ansari et al., 2018). "
             "Raza et al. (2023) found less disability.\n\nReferences\n"
             "1. Ansari S, Raza S, Bhati P. Impact of retrowalking on pain. Sport Sci Health. 2020;16:1-9.\n")
    spaced = plain.replace("et al.", f"et{blank}al.").replace("Ansari S, Raza S", f"Ansari{blank}S, Raza{blank}S")
    a, b = analyse(plain), analyse(spaced)
    assert [(c.kind, c.span) for c in b.citations] == [(c.kind, c.span) for c in a.citations]
    assert [c.marker for c in b.citations] == [f"(Ansari et{blank}al., 2018)", f"Raza et{blank}al. (2023)"]
    assert [r.authors for r in b.references] == [r.authors for r in a.references] == [("Ansari S", "Raza S", "Bhati P")]
