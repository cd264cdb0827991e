"""Cue sentences: signals a reviewer should look at first.

- anecdote: first-person experience and testimonials ("I noticed", "as a doctor using it");
- commercial: products, clinics, phone numbers, trademarks, calls to buy, book or sign up;
- vague-attribution: "studies show", "has been proven", a journal named without a paper;
- hedged / certain: how firmly a sentence states what it says;
- claim-like: a sentence that says something helps, harms, causes or prevents something.

Cues are heuristics for a draft; the reviewer decides.
"""

from __future__ import annotations

import re

_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d)\b|\b(?:my|me|mine|myself)\b", re.I)
_TESTIMONIAL = re.compile(r"\b(?:as a (?:doctor|medical doctor|patient|physio\w*|chiropractor)|I can (?:claim|say|tell)|"
                          r"worked for me|changed my life|in my experience)\b", re.I)
_COMMERCIAL = re.compile(
    r"(?:\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|[™®©]|\$\s?\d|\b(?:call (?:us|today|now)|buy|order now|book (?:now|an? )|"
    r"sign up|subscribe|click here|contact (?:me|us)|skype|insurance|carriers|our (?:clinic|program|programme|service|"
    r"treatment|method|product)|we (?:use|offer|accept|provide)|patented|patent|collaborator|free consultation|"
    r"appointment|institute|program(?:me)? (?:comes in|offers)|the first of its kind)\b)", re.I)
_HEDGED = re.compile(r"\b(?:may|might|could|can|seems?|appears?|likely|possibly|perhaps|suggests?|probably|"
                     r"is said to|some studies|it is thought|tend to|often)\b", re.I)
_CERTAIN = re.compile(r"\b(?:proven|has been shown|have shown|demonstrated|always|definitely|clearly|"
                      r"researchers have found|will|never|absolutely|is the (?:best|only))\b", re.I)
_CLAIM_VERB = re.compile(
    r"\b(?:helps?|help(?:ed|ing)|relieves?|relief|reduces?|reduc(?:ed|ing)|eases?|improves?|improv(?:ed|ing)|"
    r"prevents?|treats?|treatment|cures?|strengthens?|increases?|decreases?|heals?|burns?|loosens?|causes?|"
    r"benefits?|beneficial|effective|good for|better|worse|worsens?|risk|safe|protects?|restores?|supports?|"
    r"unloads?|opens?|activates?|calms?|boosts?|promotes?|address(?:es)?|keeps?|allows?|comes? from|brilliant|"
    r"should|must|avoid|stop|consult|apply|use|take|rest|start|hold|works?|is good|are good|involves?|"
    r"decompress\w*|lose|gets?|makes?)\b", re.I)
_HEALTH = re.compile(
    r"\b(?:pain|back|spine|spinal|disc|discs|disk|muscles?|injur(?:y|ies)|health|healthy|weight|calories|balance|"
    r"sciatica|arthritis|joints?|posture|stiffness|inflammation|fitness|recovery|rehab\w*|lumbar|nerves?|"
    r"circulation|blood|strength|mobility|osteoporosis|hernia\w*|fractures?|pregnan\w*|cardio\w*|medications?|"
    r"drugs?|surgery|doctors?|therap\w*|treatments?|exercis\w*|walk\w*|running|massage|stretch\w*|heat|cold|ice|"
    r"sleep|stress|symptoms?|conditions?|body|heart|metabolism|treadmill|handrails?|fall|safety|risk|sore\w*|"
    r"ache|achy|spasm\w*|strain\w*|sprain\w*|swelling|tension|tight\w*|hamstrings?|knees?|calorie\w*|energy)\b",
    re.I)


_STRONG_COMMERCIAL = re.compile(r"(?:\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|[™®]|\b(?:patented|patent pending|"
                                r"contact me|contact us|skype|buy now|order now|sign up|collaborator)\b)", re.I)


def _lower_i(match: re.Match[str]) -> bool:
    return match.group(0) != "i"  # the pronoun I is upper case; "i" alone is not first person


def is_anecdote(sentence: str) -> bool:
    first_person = any(_lower_i(m) for m in _FIRST_PERSON.finditer(sentence))
    return first_person or bool(_TESTIMONIAL.search(sentence))


def is_testimonial(sentence: str) -> bool:
    """An explicit testimonial: what follows in its paragraph is the speaker's own experience."""
    return bool(_TESTIMONIAL.search(sentence))


def is_strongly_commercial(sentence: str) -> bool:
    """A product, patent, trademark or call to contact: its whole paragraph is selling."""
    return bool(_STRONG_COMMERCIAL.search(sentence))


def is_commercial(sentence: str) -> bool:
    return bool(_COMMERCIAL.search(sentence))


def hedging(sentence: str) -> str:
    """'hedged' when the sentence hedges and asserts nothing firmly, else 'certain'."""
    return "hedged" if _HEDGED.search(sentence) and not _CERTAIN.search(sentence) else "certain"


def is_claim_like(sentence: str) -> bool:
    """A statement (not a question) that something helps, harms, causes or prevents."""
    return (not sentence.rstrip().endswith("?") and bool(_CLAIM_VERB.search(sentence))
            and bool(_HEALTH.search(sentence)))
