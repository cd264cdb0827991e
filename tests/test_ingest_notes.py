"""Markdown footnotes, Chicago notes and books, oddly punctuated authors, 'X's group' (issue 16)."""

from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.references import find_reference_lists


def _entries(text):
    return [e for lst in find_reference_lists(text) for e in lst.entries]


def test_markdown_footnotes_are_tied_by_label_and_lose_it():
    text = ("Sleep matters for recovery.[^zz] Stretching did little.[^7] See the aside.[^meta]\n\n"
            "[^7]: Odell J, Price R. Stretching before sport: a trial in runners. Br J Sports Sci. 2015;12(3):44-50.\n"
            "[^zz]: Marsh T, Ito K. Sleep and tissue repair in adults. Sleep Res Rev. 2019;8(2):101-110.\n"
            "[^meta]: This note is the editor's comment, not a source.\n")
    a = analyse(text)
    assert [(r.label, r.authors[0], r.text[:5]) for r in a.references] == [("7", "Odell J", "Odell"), ("zz", "Marsh T", "Marsh")]
    assert [(c.marker, c.keys, c.dangling) for c in a.citations] == [
        ("[^zz]", ("2",), ()), ("[^7]", ("1",), ()), ("[^meta]", (), ("meta",))]


def test_chicago_notes_give_names_first_and_books_place_and_publisher():
    text = ("Notes\n\n"
            "1. Maria L. Okafor and Jin Park, \"Posture and Neck Pain in Students,\" Spine Health Quarterly 7, no. 2 (2016): 55–61.\n"
            "2. A. B. Lindqvist et al., \"Heat Wraps for Acute Pain,\" Journal of Pain Care 12, no. 9 (2011): 901–8.\n"
            "3. Rosa Grant, Living with a Bad Back (Leeds: Northern Press, 2009).\n")
    got = [(e.authors[0], e.year, e.title, e.venue, e.volume, e.issue, e.pages) for e in _entries(text)]
    assert got == [("Okafor ML", 2016, "Posture and Neck Pain in Students", "Spine Health Quarterly", "7", "2", "55–61"),
                   ("Lindqvist AB", 2011, "Heat Wraps for Acute Pain", "Journal of Pain Care", "12", "9", "901–8"),
                   ("Grant R", 2009, "Living with a Bad Back", None, None, None, None)]


def test_note_markers_are_keyed_by_their_printed_number_and_a_comment_note_dangles():
    text = ("Heat helps early on.1 Results vary.2 Ice is no better.3\n\nNotes\n\n"
            "1. A. B. Lindqvist et al., \"Heat Wraps for Acute Pain,\" Journal of Pain Care 12, no. 9 (2011): 901–8.\n"
            "2. The author thanks the readers who wrote in.\n"
            "3. Rosa Grant, Living with a Bad Back (Leeds: Northern Press, 2009).\n")
    a = analyse(text)
    assert [(c.marker, c.keys, c.dangling) for c in a.citations] == [("1", ("1",), ()), ("2", (), ("2",)), ("3", ("2",), ())]


def test_authors_punctuated_oddly_are_still_authors():
    text = ("References\n"
            "1. Okoro B., Lind T. : Desk height and neck pain in call centres. Nordic Ergonomics 2020; 11(4): 210-218.\n"
            "2. Haddad R et.al., Yoga for office workers: a pilot study. Journal of Workplace Health 2017; 5(1): 12-19.\n")
    got = [(e.authors, e.year, e.title) for e in _entries(text)]
    assert got == [(("Okoro B", "Lind T"), 2020, "Desk height and neck pain in call centres"),
                   (("Haddad R",), 2017, "Yoga for office workers: a pilot study")]


def test_a_possessive_group_and_a_venue_with_a_relative_year_resolve_to_the_list():
    text = ("A trial by Moreau's team in 2015 timed the stretches. SpineFit, in The BMJ last year, compared classes. "
            "HeatCare, in The BMJ this spring, tested wraps.\n\nReferences\n"
            "1. Moreau L, Petit A. Timing of stretches in desk workers. Ergonomics. 2015;58(2):300-309.\n"
            "2. Lowe D, Carr S. Group classes versus home exercise for back pain (SpineFit): a randomised trial. BMJ. 2023;380:e07123.\n"
            "3. Patel N, Ross E. Heat wraps for acute low back pain (HeatCare): a randomised trial. BMJ. 2023;381:e08110.\n")
    a = analyse(text)
    got = {a.sentence(c.sentence)[:12]: c.keys for c in a.citations}
    assert got == {"A trial by M": ("1",), "SpineFit, in": ("2",), "HeatCare, in": ("3",)}


def test_a_venue_with_no_listed_paper_invents_no_entry():
    text = "SpineFit, in The BMJ last year, compared classes with home exercise.\n"
    (c,) = analyse(text).citations
    assert c.kind == "named-venue" and c.keys == () and c.dangling == ()
