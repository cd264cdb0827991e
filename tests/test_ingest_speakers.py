"""Who speaks in a drafted sentence: the author, or a reader after the comments begin."""

from __future__ import annotations

from pathlib import Path

import pytest

from lbpgraph.ingest.analyse import analyse
from lbpgraph.ingest.draft import draft_annotation
from lbpgraph.ingest.reading import read_input
from lbpgraph.ingest.speakers import AUTHOR, Byline, Speaker, Speakers, byline

from .conftest import DATA, ROOT

DEV = ROOT / "tests" / "data" / "ingest" / "dev"


def _speakers(path: Path) -> list[tuple[str, str | None, str]]:
    source = read_input(path)
    a = analyse(source.text, links=source.links)
    return [(d.speaker.role, d.speaker.name, a.sentence(d.span)) for d in a.drafted]


def test_a_forum_thread_credits_each_reply_to_its_poster_and_the_first_poster_is_the_author() -> None:
    said = _speakers(DEV / "forum-thread.txt")
    by = {sentence: (role, name) for role, name, sentence in said}
    assert by["Make sure you hold the rails!!"] == ("commenter", "BackOnTrack")
    assert by["If you get leg pain or pins and needles while doing it, stop."] == ("commenter", "physio_jen")
    assert by["Pain 2/10 after, down from 5/10."] == ("author", None)  # runner_dad_77 again: the thread's author
    assert {name for role, name, _ in said if role == "commenter"} == {"BackOnTrack", "physio_jen", "sceptic99"}


def test_comments_under_a_page_or_a_blog_are_readers_named_where_a_line_names_them() -> None:
    page = {sentence[:30]: (role, name) for role, name, sentence in _speakers(DEV / "mindful-spine.html")}
    assert page["Our SpineRelief decompression "] == ("commenter", "SpineRelief Pro")
    assert all(role == "author" for role, _ in list(page.values())[:3])
    blog = _speakers(DATA / "articles" / "000_ef38060b39aacdf7.txt")  # "2 Responses to ...", then dated headers
    device = [(role, name) for role, name, sentence in blog if "patented" in sentence]
    assert device == [("commenter", "ivan fedyaev")]
    assert [role for role, _, sentence in blog if "backward walking in your apartment" in sentence] == ["author"]


def test_what_the_article_quotes_or_answers_stays_the_authors() -> None:
    text = ("Retro walking\n\nMy physio says:\n\nBackward walking strengthens the back muscles.\n\n"
            "Answer from Dr Lee, physiotherapist\n\nWalking backwards may ease back pain.\n")
    assert [role for role, _, _ in _speakers_of(text)] == ["author", "author"]
    assert [role for role, _, _ in _speakers(DEV / "ask-expert.html")] == ["author"] * len(_speakers(DEV / "ask-expert.html"))


def _speakers_of(text: str) -> list[tuple[str, str | None, str]]:
    a = analyse(text)
    return [(d.speaker.role, d.speaker.name, a.sentence(d.span)) for d in a.drafted]


def test_the_draft_lists_the_readers_who_speak_and_each_appearance_names_its_speaker() -> None:
    source = read_input(DEV / "mindful-spine.html")
    draft = draft_annotation(analyse(source.text, links=source.links), "mindful", "mindful.txt", {})
    assert [s["id"] for s in draft["speakers"]] == ["author", "commenter-mark-t", "commenter-spinerelief-pro"]
    assert all(s["role"] == "commenter" for s in draft["speakers"][1:])
    spoken = {a["speaker"] for a in draft["appearances"]}
    assert spoken == {s["id"] for s in draft["speakers"]}
    unnamed = draft_annotation(analyse("Walking\n\nWalking helps back pain.\n\n3 comments\n\n"
                                       "Walking backwards cured my back pain.\n"), "x", "x.txt", {})
    assert unnamed["speakers"][1] == {"id": "commenter", "name": "a reader commenting under the article",
                                      "anonymous": True, "role": "commenter"}
    assert [a["speaker"] for a in unnamed["appearances"]] == ["author", "commenter"]


@pytest.mark.parametrize("line, name, credentials, date", [
    ("Posted on 2 February 2024 by Tom Keller | 14 comments", "Tom Keller", None, "2024-02-02"),
    ("By Hannah Pryce, Health Correspondent", "Hannah Pryce", "Health Correspondent", None),
    ("Posted by Sarah Whitfield, MCSP | Harbourside Physiotherapy Blog | 12 March 2024", "Sarah Whitfield", "MCSP",
     "2024-03-12"),
    ("Posted by runner_dad_77 · 14 Aug 2024, 21:13", "runner_dad_77", None, "2024-08-14"),
    ("By Dr. Jeff Winternheimer on April 14, 2014", "Dr. Jeff Winternheimer", None, "2014-04-14"),
    ("Posted by Coastline Physio Team in Patient Education", "Coastline Physio Team", None, None),
    ("By walking backwards you can ease your back.", None, None, None),
    ("By doing this every day you will feel better, and stronger.", None, None, None),
    ("By Karen Holt, Certified Fitness Coach\nPosted on 12 March 2024", "Karen Holt", "Certified Fitness Coach",
     "2024-03-12"),  # the date alone on the line after the name
    ("By Karen Holt\nIn 2024 we walked backwards every day until 12 March 2024.", "Karen Holt", None, None),
])
def test_a_plain_texts_byline_names_its_author_and_dates_it(line: str, name: str | None, credentials: str | None,
                                                            date: str | None) -> None:
    assert byline(f"Retro walking\n\n{line}\n\nWalking backwards helps.\n") == Byline(name, credentials, date)


def test_the_draft_of_a_plain_text_takes_its_author_and_date_from_its_byline() -> None:
    text = "Retro walking\nBy Hannah Pryce, Health Correspondent | 12 March 2024\n\nWalking backwards may ease back pain.\n"
    draft = draft_annotation(analyse(text), "x", "x.txt", {})
    assert draft["speakers"][0] == {"id": "author", "name": "Hannah Pryce", "credentials": "Health Correspondent",
                                    "role": "author"}
    assert draft["published"] == "2024-03-12"
    unsigned = draft_annotation(analyse("Retro walking\n\nWalking backwards may ease back pain.\n"), "y", "y.txt", {})
    assert unsigned["speakers"][0]["anonymous"] is True and "published" not in unsigned


def test_words_a_sentence_gives_to_a_named_person_are_theirs_with_the_quotes_that_continue_them() -> None:
    text = ("Walking backwards for back pain\n\nA new trial found less pain after retro walking.\n\n"
            "Professor Helen Marsh, a spine researcher who was not involved, said: \"This is a small trial. "
            "We need much bigger studies before everyone walks backwards.\"\n\n"
            "\"Retro walking may help some people,\" said Jane Okoro. \"It is not a cure for back pain.\"\n\n"
            "Walking backwards may also strengthen the back.\n")
    speakers = Speakers(text)
    marsh, okoro = Speaker("quoted-researcher", "Professor Helen Marsh"), Speaker("quoted-source", "Jane Okoro")
    for at, who in (("Professor Helen Marsh", marsh), ("We need much bigger", marsh), ("\"Retro walking", okoro),
                    ("It is not a cure", okoro), ("A new trial", AUTHOR), ("Walking backwards may also", AUTHOR)):
        assert speakers.at(text.index(at)) == who, at
    draft = draft_annotation(analyse(text), "x", "x.txt", {})
    assert ("jane-okoro", "quoted-source") in [(s["id"], s["role"]) for s in draft["speakers"]]
    assert {a["speaker"] for a in draft["appearances"]} <= {s["id"] for s in draft["speakers"]}


def test_a_pronoun_that_goes_on_quoting_in_the_same_paragraph_gives_the_words_to_the_same_person() -> None:
    text = ("Ask the physio\n\nWe asked physiotherapist Dr. Priya Raman. Dr. Priya Raman said: \"Walk every day.\" "
            "She added: \"Walking backwards on a treadmill works the back muscles harder.\" "
            "\"Start slowly,\" she said.\n\nShe added: \"A new paragraph is the author's again.\"\n")
    speakers = Speakers(text)
    raman = Speaker("quoted-researcher", "Dr. Priya Raman")
    for at, who in (("She added: \"Walking", raman), ("Walking backwards on", raman), ("\"Start slowly", raman),
                    ("We asked", AUTHOR), ("She added: \"A new", AUTHOR)):
        assert speakers.at(text.index(at)) == who, at
