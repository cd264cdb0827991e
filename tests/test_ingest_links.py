"""Hyperlinks as citations, email newsletters and bare-link lists (issue 16, second held-out check)."""

import random

from lbpgraph.core.text import Span
from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.draft import draft_annotation
from lbpgraph.ingest.references import Reference, Works, find_reference_lists
from lbpgraph.model.schema import Source
from lbpgraph.ingest.webpage import extract

NEWSLETTER = b"""<html><head><title>Clinic news: stretching at work</title>
<meta name="author" content="Sports Medicine Unit, Northgate Clinics"></head><body>
<table width="100%"><tr><td><a href="https://mail.example/v/1">View this email in your browser</a></td></tr></table>
<table width="600"><tr><td><h1>Clinic news: stretching at work</h1>
<p>Short breaks help. A <a href="https://doi.org/10.1000/xyz123">trial in office staff</a> found fewer neck
complaints after a year of hourly stretching breaks at the desk.</p>
<p>Another <a href="https://northgate.example/blog/desk">post on our site</a> shows the stretches in photos.</p>
</td></tr><tr><td><h3>Further reading</h3><ul>
<li><a href="https://pubmed.ncbi.nlm.nih.gov/12345678/">https://pubmed.ncbi.nlm.nih.gov/12345678/</a></li>
<li><a href="https://doi.org/10.1000/abc999">https://doi.org/10.1000/abc999</a></li></ul>
<p>Leaflet number: NC-77. Version 2. Review date: May 2027.</p></td></tr></table>
<table width="100%"><tr><td><p>You are receiving this email because you asked for clinic news.</p>
<p><a href="https://mail.example/u">Unsubscribe</a> | <a href="https://mail.example/p">Update your preferences</a></p>
</td></tr></table></body></html>"""


def test_a_newsletter_keeps_its_content_and_leaves_its_furniture():
    page = extract(NEWSLETTER, url="https://northgate.example/news/1")
    assert page.author == "Sports Medicine Unit, Northgate Clinics"
    assert page.text.count("Clinic news: stretching at work") == 1
    for kept in ("Leaflet number: NC-77. Version 2.", "https://pubmed.ncbi.nlm.nih.gov/12345678/", "Short breaks help."):
        assert kept in page.text
    for gone in ("View this email", "Unsubscribe", "Update your preferences", "You are receiving"):
        assert gone not in page.text
    assert "\n\nShort breaks help." in page.text  # paragraphs stay paragraphs


def test_a_hyperlink_is_a_citation_of_its_target_and_an_entry_with_its_doi():
    page = extract(NEWSLETTER, url="https://northgate.example/news/1")
    (start, end, target), = page.links  # the link to the page's own site is navigation
    assert page.text[start:end] == "trial in office staff" and target == "https://doi.org/10.1000/xyz123"
    a = analyse(page.text, links=page.links)
    listed = [r for r in a.references if r.pmid == "12345678" or r.doi == "10.1000/abc999"]
    assert len(listed) == 2 and [r.key for r in listed] == ["1", "2"]
    linked = [r for r in a.references if r.doi == "10.1000/xyz123"]
    assert [r.key for r in linked] == ["3"] and a.text[linked[0].span.start:linked[0].span.end] == "trial in office staff"
    cites = [c for c in a.citations if c.kind == "link"]
    assert [(c.keys, a.sentence(c.sentence).startswith("A trial in office staff")) for c in cites] == [(("3",), True)]


def test_a_link_to_a_listed_work_cites_that_entry():
    text = ("Walking helps (https://doi.org/10.1000/w1) say the authors of a review.\n\nSources\n"
            "- https://doi.org/10.1000/w1\n- https://pubmed.ncbi.nlm.nih.gov/555/\n")
    a = analyse(text)
    assert [r.key for r in a.references] == ["1", "2"]
    assert [(c.kind, c.keys) for c in a.citations] == [("link", ("1",))]


def test_bare_url_entries_and_title_url_lines_are_entries_with_identifiers():
    text = ("Read more\n\n"
            "Walking for health. https://www.nhs.example/live-well/walking/\n"
            "https://doi.org/10.1000/abc.2019.5\n"
            "https://pubmed.ncbi.nlm.nih.gov/30588084/\n")
    entries = [e for lst in find_reference_lists(text) for e in lst.entries]
    assert [(e.doi, e.pmid) for e in entries][-2:] == [("10.1000/abc.2019.5", None), (None, "30588084")]


def test_a_bare_shop_address_in_plain_text_cites_nothing_but_a_doi_address_does():
    text = ("Order the belt at https://shop.example/belt today. "
            "A trial found it no better than a placebo belt (https://doi.org/10.1000/belt.7).\n")
    a = analyse(text)
    assert [(r.doi, r.url) for r in a.references] == [("10.1000/belt.7", None)]
    assert [(c.kind, c.keys, c.marker) for c in a.citations] == [("link", ("1",), "https://doi.org/10.1000/belt.7")]


def test_a_link_that_names_no_work_cites_only_where_its_sentence_speaks_of_research():
    text = ("A 2024 trial in runners found fewer back complaints with backward walking.\n\n"
            "This issue is sponsored by StrideWell poles: use code SPINE15 for 15% off.\n\n"
            "Read issue #31 | Unsubscribe\n")
    trial, sponsor, issue = (text.index(w) for w in ("2024 trial", "StrideWell", "issue #31"))
    links = [(trial, trial + len("2024 trial"), "https://journal.example/articles/123"),
             (sponsor, sponsor + len("StrideWell"), "https://shop.example/poles"),
             (issue, issue + len("issue #31"), "https://mail.example/31")]
    a = analyse(text, links=links)
    assert [r.text for r in a.references] == ["https://journal.example/articles/123"]
    assert [(c.kind, a.text[c.span.start:c.span.end]) for c in a.citations] == [("link", "2024 trial")]


def _names(entry: Reference, address: str, doi: str | None, pmid: str | None) -> bool:
    """The rule, written out: the same DOI (case aside) where both have one, else the same PubMed
    id where both have one, else the same address (trailing slashes aside)."""
    if doi and entry.doi:
        return doi.lower() == entry.doi.lower()
    if pmid and entry.pmid:
        return pmid == entry.pmid
    return bool(entry.url) and entry.url.rstrip("/") == address.rstrip("/")


# addresses with the DOI and PubMed id each names
ADDRESSES = [("https://doi.org/10.1000/abc", "10.1000/abc", None), ("https://doi.org/10.1000/ABC", "10.1000/ABC", None),
             ("https://doi.org/10.2000/x.y", "10.2000/x.y", None),
             ("https://pubmed.ncbi.nlm.nih.gov/123/", None, "123"), ("https://pubmed.ncbi.nlm.nih.gov/456", None, "456"),
             ("https://pubmed.ncbi.nlm.nih.gov/123/?doi=10.1000/abc", "10.1000/abc", "123"),
             ("https://example.org/a", None, None), ("https://example.org/a/", None, None),
             ("https://example.org/b//", None, None), ("https://example.org/c", None, None)]


def test_an_address_finds_the_first_entry_that_names_its_work_as_the_rule_says() -> None:
    rnd = random.Random(5)
    urls = [None, "https://example.org/a", "https://example.org/a/", "https://example.org/b",
            "https://doi.org/10.1000/abc", "https://pubmed.ncbi.nlm.nih.gov/123/"]
    for trial in range(300):
        entries = [Reference(str(i), None, "", Span(0, 1), doi=rnd.choice([None, "10.1000/abc", "10.1000/Abc", "10.2000/x.y"]),
                             pmid=rnd.choice([None, "123", "456"]), url=rnd.choice(urls)) for i in range(rnd.randint(0, 8))]
        works = Works()
        for n, entry in enumerate([None, *entries]):
            if entry is not None:
                works.add(entry)
            for address, doi, pmid in ADDRESSES:
                expected = next((e for e in entries[:n] if _names(e, address, doi, pmid)), None)
                assert works.first(address) is expected, (trial, address, entries[:n])
        assert all(Works(entries).first(a) is works.first(a) for a, _, _ in ADDRESSES)


def test_new_records_take_the_first_ids_free_beside_the_bibliography() -> None:
    text = "A title\n\nResearch shows " + " and ".join(f"https://doi.org/10.1000/w{i}" for i in range(6)) + ".\n"
    taken = {i: Source(id=i, kind="journal-article", title="t", peer_reviewed="unknown", verification="unverified")
             for i in ("work-2", "work-4")}
    draft = draft_annotation(analyse(text, taken), "a", "articles/a.txt", taken)
    assert [s["id"] for s in draft["sources"]] == ["work", "work-3", "work-5", "work-6", "work-7", "work-8"]


IDENTIFIERS = ("Retro walking: a reading list\n\n"
               "Treadmill retro-walking reduced pain in athletes, see doi:10.1007/s11332-020-00682-y.\n\n"
               "A systematic review in the European Spine Journal found only low to moderate evidence for walking, "
               "PMID 31234567.\n\n"
               "Raza et al. found that retro walking improves flexibility (https://doi.org/10.5555/irj.21.2).\n\n"
               "Further reading\n"
               "1. Raza T, Riaz S, Ahmad F, et al. Investigating the effects of retro walking on pain. "
               "Iran Rehabil J. 2021;19(2):309-318.\n"
               "2. Dufek JS, House AJ. Backward walking: a possible active exercise. J Exerc Physiol Online. "
               "2011;14(1):17-26.\n")


def test_a_sentence_that_reports_a_study_and_ends_with_its_identifier_is_prose_that_cites_it():
    """A sentence saying what a study found is no entry of a reference list even when it ends with
    the study's PubMed id or DOI: the list is the numbered one, and each sentence cites its work."""
    a = analyse(IDENTIFIERS)
    [listed] = [lst for lst in a.lists if not lst.inline]
    assert [r.authors[0] for r in listed.entries] == ["Raza T", "Dufek JS"]
    for printed, sentence in (("PMID 31234567", "A systematic review"), ("https://doi.org/10.5555/irj.21.2", "Raza et al.")):
        [entry] = [r for r in a.references if r.text == printed]
        assert entry.title is None and not entry.authors  # nothing read from the sentence as a title or author
        [cite] = [c for c in a.citations if c.kind == "link" and c.keys == (entry.key,)]
        assert a.sentence(cite.sentence).startswith(sentence)


def test_digits_of_an_identifier_are_no_marker_and_an_identifier_is_kept_as_printed():
    a = analyse(IDENTIFIERS)
    doi = IDENTIFIERS.index("doi:10.1007")
    assert not [c for c in a.citations if c.kind == "numeric" and doi <= c.span.start < doi + 40]
    [entry] = [r for r in a.references if r.doi == "10.1007/s11332-020-00682-y"]
    assert entry.text == "doi:10.1007/s11332-020-00682-y" == IDENTIFIERS[entry.span.start:entry.span.end]


def test_a_printed_pmcid_cites_its_work_and_a_work_named_twice_is_cited_twice():
    text = ("Walking\n\nBackward walking works the back muscles (https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6391229/). "
            "A second look at the data agreed (PMCID: PMC6391229).\n\nRetro walking eased pain (PMC1234567).\n")
    a = analyse(text)
    assert [(r.text, r.pmcid) for r in a.references] == [
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6391229/", "PMC6391229"), ("PMC1234567", "PMC1234567")]
    assert [(c.marker, c.keys) for c in a.citations] == [
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6391229/", ("1",)), ("PMCID: PMC6391229", ("1",)),
        ("PMC1234567", ("2",))]
