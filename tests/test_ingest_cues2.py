"""Anecdote, safety and commercial cues on shapes a second held-out check found (issue 16)."""

import pytest

from lbpgraph.ingest.cues import is_anecdote, is_commercial, is_safety, is_strongly_commercial


@pytest.mark.parametrize("sentence", [
    "I had a patient, 64 years old, who swam every morning through the winter.",
    "I've tested it on myself for a fortnight.",
    "My stiffness was 7 out of 10 in January and 3 by April.",
    "He said it was good for his knees.",
    "My neighbour's husband swears it helped his neck.",
])
def test_first_person_and_reported_experience_is_an_anecdote(sentence):
    assert is_anecdote(sentence)


@pytest.mark.parametrize("sentence", [
    "Experts said it was good for most people.",
    "Keep the speed low and hold the handrails.",
    "She is a physiotherapist in Leeds.",
])
def test_not_anecdotes(sentence):
    assert not is_anecdote(sentence)


@pytest.mark.parametrize("sentence", [
    "Sitting still for hours can make your back pain worse.",
    "Lifting too soon may aggravate the injury.",
])
def test_what_makes_pain_worse_is_a_warning(sentence):
    assert is_safety(sentence)


@pytest.mark.parametrize("sentence", [
    "Physiotherapy Department: 0161 496 0123.",
    "Outpatient reception 020 7946 0000 (Monday to Friday).",
])
def test_a_department_number_is_not_selling(sentence):
    assert not is_commercial(sentence) and not is_strongly_commercial(sentence)


def test_a_call_to_book_still_sells():
    assert is_commercial("Call us on 0161 496 0123 to book your first session.")
