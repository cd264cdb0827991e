"""Archived text: the whitespace-normalised view and its offsets back into the original."""

from __future__ import annotations

import random

from lbpgraph.core.text import normalise_with_map, normalise

WHITESPACE = [chr(c) for c in range(0x110000) if chr(c).isspace()]


def _reference(text: str) -> tuple[str, list[int]]:
    """Character by character: a whitespace run becomes one space at the run's first offset."""
    out, offsets, in_space = [], [], False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_space and out:
                out.append(" ")
                offsets.append(i)
            in_space = True
        else:
            out.append(ch)
            offsets.append(i)
            in_space = False
    if out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


def test_normalised_text_and_offsets_match_a_character_by_character_reading() -> None:
    rnd = random.Random(7)
    alphabet = WHITESPACE + list("ab.,\u201c\u00e9")
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        normalised, offsets = normalise_with_map(text)
        assert (normalised, list(offsets)) == _reference(text), repr(text)
        assert normalised == normalise(text)
        assert all(text[o] == c or (c == " " and text[o].isspace()) for c, o in zip(normalised, offsets))
