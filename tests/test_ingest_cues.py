"""Cue sentences in the shapes a held-out check found missed: first-person accounts and a
practitioner's own practice, shop prices, savings and ratings, and warnings given as imperatives
or about the place rather than the body; and what must not be taken for them."""

from __future__ import annotations

import pytest

from lbpgraph.ingest.cues import claim_kind, is_anecdote, is_commercial, is_safety


@pytest.mark.parametrize("sentence", [
    "After a month on the StrideMat I can climb the stairs again!",
    "Since I started, I could finally sleep through the night.",
    "In my own clinic, roughly half of my patients report less stiffness after a week.",
    "I have seen many people give up too early.",
    "Backward walking was a game changer for my sciatica.",
])
def test_first_person_accounts_and_a_practitioners_practice_are_anecdotes(sentence: str) -> None:
    assert is_anecdote(sentence)


@pytest.mark.parametrize("sentence", [
    "A systematic review found that walking reduces pain a little.",
    "Most people with back pain recover within six weeks.",
    "Can I walk backwards on a treadmill?",
])
def test_reports_of_research_and_questions_are_not_anecdotes(sentence: str) -> None:
    assert not is_anecdote(sentence)


@pytest.mark.parametrize("sentence", [
    "£49.99 £79.99 Save 37%",
    "Was €120, now €85.",
    "★★★★☆ 4.2 (987 reviews)",
    "Rated 4.8 out of 5 by our customers.",
    "Money well spent, highly recommended.",
    "Worth every cent.",
])
def test_prices_savings_ratings_and_review_phrases_are_commercial(sentence: str) -> None:
    assert is_commercial(sentence)


@pytest.mark.parametrize("sentence", [
    "A systematic review found that exercise reduces pain a little.",
    "Guidelines recommend staying active (World Health Organization, 2023).",
    "Two reviews (3, 4) reached the same conclusion.",
])
def test_research_and_organisations_are_not_commercial(sentence: str) -> None:
    assert not is_commercial(sentence)


@pytest.mark.parametrize("sentence", [
    "Never try this on a busy road.",
    "Walk backwards only in a park, never near cars or on a street.",
    "Anyone with a heart condition should speak to their doctor before starting.",
    "If you feel faint, call NHS 111 or your GP.",
    "If the ache lingers into the next day, ease off.",
    "Keep both hands on the handrails at all times.",
    "Begin at 0.8 mph maximum.",
    "It should not be tried on slippery or uneven surfaces.",
])
def test_warnings_as_imperatives_and_about_the_place_are_safety(sentence: str) -> None:
    assert is_safety(sentence)
    assert claim_kind(sentence) == "safety"


@pytest.mark.parametrize("sentence", [
    "Walking backwards makes the calf muscles work harder.",
    "Most people walk about 4,000 steps a day.",
    "Is it safe to walk backwards on a street?",
])
def test_statements_and_questions_are_not_warnings(sentence: str) -> None:
    assert not is_safety(sentence)


@pytest.mark.parametrize("sentence, expected", [
    ("Walking backwards may help some people.", "hedged"),
    ("Walking is likely to ease the pain.", "hedged"),
    ("It could help.", "hedged"),
    ("People who walk more are less likely to have back pain [3].", "certain"),  # the finding, not a hedge
    ("Two years ago I could barely tie my shoes, and now my pain is gone.", "certain"),  # ability, past
])
def test_a_comparison_of_likelihood_or_a_past_inability_is_no_hedge(sentence: str, expected: str) -> None:
    from lbpgraph.ingest.cues import hedging
    assert hedging(sentence) == expected
