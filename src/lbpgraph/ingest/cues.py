"""Cue sentences: signals a reviewer should look at first, and a first guess at a claim's kind.

- anecdote: first-person experience and testimonials ("I noticed", "it helped me", "as a doctor
  using it"), and a named person's own account in quotation marks;
- commercial: selling: prices, offers, discounts, calls to buy, order, book or call, trademarks,
  guarantees, insurance, "our clinic / programme / product";
- vague-attribution: found by :mod:`.citations` ("studies show", "clinically proven");
- hedged / certain: how firmly a sentence states what it says;
- claim-like: a sentence that says something helps, harms, causes, prevents or is unsafe;
- kind: efficacy, mechanism, physiology, safety, epidemiology or other, from the sentence's words.

Cues are heuristics for a draft; the reviewer decides.
"""

from __future__ import annotations

import re

_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll)\b|\b(?:my|me|mine|myself)\b", re.I)
_TESTIMONIAL = re.compile(r"\b(?:as a (?:doctor|medical doctor|patient|physio\w*|chiropractor|nurse)|I can (?:claim|say|tell)|"
                          r"worked for me|changed my life|in my experience|in my (?:own )?(?:practice|clinic|surgery)|"
                          r"(?:I|we) (?:often |regularly |usually )?(?:see|have seen|treat|have treated) (?:many|lots|plenty|a lot|"
                          r"patients|people)|(?:most|many|some) of my (?:patients|clients))\b", re.I)
# the speaker's own experience of an effect: a first-person sentence with words of change or relief
_EFFECT = re.compile(
    r"\b(?:help(?:ed|s)? me|helped|worked|works for me|gone|better|worse|relie(?:f|ved)|improved|stopped|cured|"
    r"fixed|disappeared|vanished|went (?:from|away|down)|down from|way down|dropped|less pain|no more pain|"
    r"never felt|rarely (?:think|feel|have)|still (?:stiff|sore|in pain|hurting|had)|biggest benefit|benefit(?:ed|s)?|"
    r"felt (?:better|worse|great|good|weird|ridiculous|strange)|tripped|fell|recovered|healed|ever (?:spent|bought|tried)|"
    r"only thing that|like I did|I (?:have )?(?:noticed|found|realised|realized|discovered)|"
    r"(?:done|doing|used|using|tried) (?:it|this|them) for|can (?:\w+ ){0,3}again|(?:could|can) (?:finally|now) \w+|"
    r"no longer (?:hurts?|aches?|have|get|need|feel)|pain[- ]free|made (?:a|all the|such a) (?:huge |big |real )?difference|"
    r"life[- ]?changing|game[- ]?changer)\b|\b\d{1,2}(?:/| out of )10\b|\bfrom (?:a )?\d{1,2} to (?:a )?\d{1,2}\b", re.I)
_EXPERIENCE = re.compile(r"^\W*(?:tried it|done it|did it|used it|been doing it|doing it)\b|\b\d{1,2}/10\b"
                         r"|\bI (?:once )?(?:had|have|treated|saw) (?:a|one) (?:patient|client)\b"  # a case the speaker saw
                         r"|\b(?:tried|done|used|tested) (?:it|this|them) (?:on )?myself\b"
                         # what someone the speaker knows reported: "She said it was good for the back"
                         r"|^\W*(?:she|he|my (?:\w+ ){0,2}(?:wife|husband|mother|father|mum|dad|friend|patient|client|son|daughter))"
                         r"[ \t]+(?:said|says|told me|swears|reckons)\b[^.?!]{0,60}\b(?:good|helped|helps|better|worked|works|great|"
                         r"fixed|cured|eased)\b", re.I)
_QUESTION_OR_ADVICE = re.compile(r"^\s*(?:has anyone|does|do|is|are|can|should|will|would|could|what|how|why|when)\b",
                                 re.I)
_COMMERCIAL = re.compile(
    r"(?:\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b0\d{1,4}[\s.-]\d{3,4}[\s.-]\d{3,4}\b|[™®]|[$£€]\s?\d|"
    r"\b\d+\s?% off\b|\b(?:call (?:us|today|now|our)|buy|order (?:now|today|online)|book (?:now|online|today|an?|your)|"
    r"sign up|subscribe|click here|contact (?:me|us)|skype|insurance|insurers?|health fund|rebates?|carriers|"
    r"our (?:clinic|clinics|program|programs|programme|programmes|service|services|treatment|method|product|"
    r"products|team|physio\w*|therapists?|practitioners?|course|plan|device|trainer|chair|belt|app)|"
    r"(?:at|from) (?:our|the) (?:clinic|shop|store)|we (?:use|offer|accept|provide|sell|ship)|patented|patent|"
    r"collaborator|free (?:consultation|assessment|shipping|delivery|trial|call|session)|"
    r"(?:phone|free|initial) consultation|appointment|discount|coupon|promo(?:tion)? code|code [A-Z0-9]{4,}|"
    r"money-back|guarantee[sd]?|add to (?:cart|basket)|in stock|shop now|limited (?:time|offer)|special offer|"
    r"this week only|customers?|rated \d|\d+ stars?|bestsell\w*|best \$|spent|price|prices|costs? \$|"
    r"advertisement|sponsored|affiliate|the first of its kind|program(?:me)? (?:comes in|offers)|"
    r"clinically proven|doctor[- ]recommended|best-selling|miracle (?:cure|device|product|solution)|breakthrough|instant relief|"
    r"order now|save \d+\s?%|save [$£€]\d|was [$£€]\d|rrp|\d+\s?% discount|worth every (?:penny|cent)|money well spent|"
    r"best (?:purchase|buy|money)|highly recommend\w*|would (?:definitely )?recommend (?:it|this)|five stars)\b"
    r"|[★☆]{2,}|\b[1-5](?:\.\d)?\s?(?:/\s?5|out of 5)\b|\(\d[\d,]*\s+(?:reviews|ratings|customer reviews)\))", re.I)
_STRONG_COMMERCIAL = re.compile(r"(?:\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|[™®]|\b(?:patented|patent pending|"
                                r"contact me|contact us|skype|buy now|order now|sign up|collaborator|add to cart|"
                                r"money-back)\b)", re.I)
_PRODUCT_NAME = re.compile(r"\b(?:[A-Z][a-z]+[A-Z][A-Za-z]+)\b")  # CamelCase brand names: RetroStride, SpineRelief
_HEDGED = re.compile(r"\b(?:may|might|could(?![ \t]+(?:not|barely|hardly)\b)|can|seems?|appears?|"
                     r"(?<!less )(?<!more )(?<!most )(?<!least )likely|possibly|perhaps|suggests?|probably|"
                     r"is said to|some studies|it is thought|tend to|often)\b", re.I)  # "less likely" is content
_CERTAIN = re.compile(r"\b(?:proven|has been shown|have shown|demonstrated|always|definitely|clearly|"
                      r"researchers have found|will|never|absolutely|is the (?:best|only))\b", re.I)
_CLAIM_VERB = re.compile(
    r"\b(?:helps?|help(?:ed|ing)|relieves?|relief|reduces?|reduc(?:ed|ing)|eases?|improves?|improv(?:ed|ing)|"
    r"prevents?|treats?|treatment|cures?|strengthens?|increases?|decreases?|heals?|burns?|loosens?|causes?|"
    r"benefits?|beneficial|effective|good for|better|worse|worsens?|risk|safe|unsafe|protects?|restores?|"
    r"supports?|unloads?|opens?|activates?|calms?|boosts?|promotes?|address(?:es)?|keeps?|allows?|comes? from|"
    r"brilliant|should|must|avoid|stop|consult|apply|use|take|rest|start|hold|works?|is good|are good|involves?|"
    r"decompress\w*|lose|gets?|makes?|lowers?|raises?|changes?|shortens?|eliminates?|fixes|realigns?|resets?|"
    r"common|caused|linked|associated|outperform\w*|did better|harder|gentle|see a|seek|don'?t|do not|never|"
    r"warning|caution|careful|tell your)\b", re.I)
_HEALTH = re.compile(
    r"\b(?:pain|back|spine|spinal|disc|discs|disk|muscles?|injur(?:y|ies)|health|healthy|weight|calories|balance|"
    r"sciatica|arthritis|joints?|posture|stiffness|inflammation|fitness|recovery|rehab\w*|lumbar|nerves?|"
    r"circulation|blood|strength|mobility|osteoporosis|hernia\w*|fractures?|pregnan\w*|cardio\w*|medications?|"
    r"drugs?|surgery|doctors?|GP|therap\w*|treatments?|exercis\w*|walk\w*|running|massage|stretch\w*|heat|cold|"
    r"ice|sleep|stress|symptoms?|conditions?|body|heart|metabolism|treadmill|handrails?|rails?|fall|falls|safety|"
    r"risk|sore\w*|ache|achy|spasm\w*|strain\w*|sprain\w*|swelling|tension|tight\w*|hamstrings?|knees?|calorie\w*|"
    r"energy|vertigo|dizz\w*|numbness|weakness|painkillers?|paracetamol|ibuprofen|bladder|bed|lifting|disability|"
    r"function|physio\w*|vertebrae|impact|stride|oxygen|movement|active|activity|legs?|hips?|buttocks|bowel|"
    r"fever|osteo\w*|pacemaker|episodes?)\b", re.I)
_SAFETY = re.compile(
    r"\b(?:avoid|do not|don't|don’t|should not|shouldn't|shouldn’t|must not|mustn't|stop|caution|careful|warning|"
    r"warn|unsafe|dangerous|danger|contraindicat\w*|consult|check with (?:your|a|their|the) (?:doctor|GP|physio\w*|pharmacist|"
    r"surgeon|specialist)|see (?:a|your|their) (?:doctor|GP|physio\w*|specialist)|seek (?:medical )?(?:help|advice|attention)|"
    r"medical (?:review|advice|help)|under supervision|without supervision|only under|tell (?:your|their) (?:doctor|GP|physio\w*)|"
    r"ask (?:a|your) (?:doctor|physio\w*|GP)|hold (?:on to|onto|the (?:side )?rails?)|call 999|call 911|emergency|A&E|"
    r"urgent\w*|only if|(?:try|do|use) (?:it|this|them) safely|safety first|to be safe|stay below|no more than|not more than|do not exceed|"
    r"don't exceed|at most|never (?:do|use|try|attempt|walk|run|lift|take|exceed|ignore|on|near|in|without|after)|"
    r"(?:talk|speak) (?:to|with) (?:a|an|your|their|his|her|the) (?:doctor|GP|physio\w*|pharmacist|specialist|midwife|nurse)|"
    r"call (?:NHS )?\d{3}|call (?:an ambulance|your (?:doctor|GP))|cut (?:back|down)|ease off|"
    r"hands? on the (?:side )?(?:hand)?rails?|start (?:off )?(?:at|with) (?:a )?(?:very )?(?:low|slow|gentle|small)|"
    r"\d+(?:\.\d+)?\s?(?:mph|km/h|kph|minutes?|mins?|kg)\s+(?:max|maximum)|max(?:imum)? (?:of )?\d|"
    r"(?:make|makes|making) (?:your |the |their |it )?(?:\w+ )?(?:pain|symptoms?|back|condition|injury) worse|"
    r"(?:can|may|will|could) (?:worsen|aggravate|delay recovery)|"
    r"(?:should|must|need to|needs to|have to|has to) (?:\w+ ){0,3}with (?:support|assistance|help|a (?:stick|cane|frame|"
    r"walker|walking aid|partner)|someone)|"
    r"(?:should|must|need to|needs to) be (?:assessed|checked|examined|seen|cleared|reviewed|supervised) by)\b"
    r"|\bif (?:you|your|it|the pain|walking)\b[^.?!]{0,80}\b(?:numb\w*|pins and needles|dizz\w*|fever|weakness|"
    r"pregnan\w*|osteoporosis|fractures?|worse|spreads?|shoots?|surgery|pacemaker|vertigo|balance problems|"
    r"bladder|bowel|weight loss|at night)\b", re.I)
_MECHANISM = re.compile(
    r"\b(?:muscles?|activates?|activation|load\w*|unload\w*|pressure|compress\w*|decompress\w*|joints?|discs?|"
    r"vertebra\w*|nerves?|facet|stride|impact|gait|posture|spine work|fire|firing|blood flow|circulation|"
    r"because|by (?:\w+ing)|mechanism|biomechanic\w*|extensors?|paraspinal|multifidus|alignment|realign\w*)\b",
    re.I)
_PHYSIOLOGY = re.compile(r"\b(?:calories|energy|heart rate|oxygen|metabolism|burns?|cardio\w*|fitness|"
                         r"body composition|body fat)\b", re.I)
_EPIDEMIOLOGY = re.compile(r"\b(?:common|prevalen\w*|\d+\s?%|percent|most (?:adults|people)|million|"
                           r"associated with|associat\w+|linked to|likely to (?:have|report)|population|survey|"
                           r"at some point)\b", re.I)
_EFFICACY = re.compile(r"\b(?:helps?|helped|relieve\w*|relief|reduce\w*|eases?|improve\w*|effective|"
                       r"effectiveness|benefit\w*|treat\w*|cures?|heals?|prevent\w*|better|works?|worked|"
                       r"outperform\w*|lower\w* the chance)\b", re.I)


def _lower_i(match: re.Match[str]) -> bool:
    return match.group(0) != "i"  # the pronoun I is upper case; "i" alone is not first person


def is_anecdote(sentence: str) -> bool:
    """The speaker's own experience of an effect (a question or a plea is not one)."""
    stripped = sentence.rstrip().rstrip("\"”’'")
    if stripped.endswith("?") or _QUESTION_OR_ADVICE.match(sentence):
        return False
    if _TESTIMONIAL.search(sentence) or _EXPERIENCE.search(sentence):
        return True
    first_person = any(_lower_i(m) for m in _FIRST_PERSON.finditer(sentence))
    return first_person and bool(_EFFECT.search(sentence))


def is_testimonial(sentence: str) -> bool:
    """An explicit testimonial: what follows in its paragraph is the speaker's own experience."""
    return bool(_TESTIMONIAL.search(sentence))


# a line that only gives a department's or service's number ("Physiotherapy Department: 0161 496 0123")
_CONTACT_LINE = re.compile(r"^\W*(?:[\w&'’\-]+[ \t]+){0,5}(?:department|dept|unit|ward|hospital|clinic|service|team|helpline|"
                           r"line|reception|switchboard|office|centre|center|enquiries|inquiries|telephone|phone|tel)\.?"
                           r"[ \t]*(?:[:\-–]|on|is)?[ \t]*(?:\+?\(?\d[\d() .\-]{6,}\d)[ \t]*(?:\([^()]*\))?[ \t]*\.?\W*$", re.I)


def is_strongly_commercial(sentence: str) -> bool:
    """A product, patent, trademark or call to contact: its whole paragraph is selling."""
    return bool(_STRONG_COMMERCIAL.search(sentence)) and not _CONTACT_LINE.match(sentence)


def is_commercial(sentence: str) -> bool:
    if _CONTACT_LINE.match(sentence):
        return False  # a department's number is how to reach it, not an offer
    return bool(_COMMERCIAL.search(sentence)) or (bool(_PRODUCT_NAME.search(sentence))
                                                 and bool(re.search(r"\b(?:our|the|this|a)\b", sentence))
                                                 and bool(re.search(r"\b(?:is|lets|gives|proven|get|order)\b",
                                                                    sentence)))


def hedging(sentence: str) -> str:
    """'hedged' when the sentence hedges and asserts nothing firmly, else 'certain'."""
    return "hedged" if _HEDGED.search(sentence) and not _CERTAIN.search(sentence) else "certain"


def is_claim_like(sentence: str) -> bool:
    """A statement (not a question) that something helps, harms, causes, prevents or is unsafe."""
    return (not sentence.rstrip().endswith("?") and bool(_CLAIM_VERB.search(sentence))
            and bool(_HEALTH.search(sentence)))


_LIMIT = re.compile(r"\b(?:stay below|stay under|do not exceed|don't exceed|don’t exceed|no more than|not more than|"
                    r"at most|keep (?:it|the \w+) (?:low|below|under))\b", re.I)


# a warning by itself, whatever it is about: "Not suitable for children under 14", "Always clip the
# emergency stop cord", "Keep out of reach of children"
_WARNING = re.compile(r"\b(?:not (?:suitable|recommended|advised|safe|intended|designed) for|keep out of (?:the )?reach|"
                      r"emergency stop|(?:safety|stop) (?:key|clip|cord|lanyard|strap)|always (?:clip|attach|wear|fasten) )",
                      re.I)
# what a sentence does not know is no warning: "We do not know whether X is better than Y"
_UNKNOWN = re.compile(r"\b(?:do|does|did)(?: not|n't|n’t) (?:yet |really |fully )?(?:know|understand)\b|"
                      r"\b(?:is|are|remains?) (?:not|still not|un)(?: yet)? ?(?:known|clear)\b", re.I)


# where and how an exercise is done safely: a warning may name the place, not the body
_HAZARD = re.compile(r"\b(?:traffic|roads?|streets?|stairs|steps|uneven|slippery|obstacles?|icy|dark|crowded|"
                     r"speed|mph|km/h|kph|incline|ground|surface|track|path|alone|supervis\w*)\b", re.I)


def is_safety(sentence: str) -> bool:
    """A warning, precaution or contraindication about something health-related, or a limit to
    keep to ("stay below speed 4", "no more than 8 tablets"), or a hazard to avoid ("never on a street")."""
    if sentence.rstrip().endswith("?"):
        return False
    if _WARNING.search(sentence):
        return True
    sentence = _UNKNOWN.sub(" ", sentence)
    return bool(_SAFETY.search(sentence)) and (
        bool(_HEALTH.search(sentence)) or bool(_LIMIT.search(sentence)) or bool(_HAZARD.search(sentence)))


def claim_kind(sentence: str, safety: bool | None = None) -> str:
    """A first guess at the kind of claim a sentence makes (see ``vocab.CLAIM_KINDS``); ``safety``:
    :func:`is_safety` of the sentence, when the caller has it already."""
    if is_safety(sentence) if safety is None else safety:
        return "safety"
    if _PHYSIOLOGY.search(sentence):
        return "physiology"
    if _EPIDEMIOLOGY.search(sentence) and not _EFFICACY.search(sentence):
        return "epidemiology"
    if _EFFICACY.search(sentence):
        return "efficacy"
    if _MECHANISM.search(sentence):
        return "mechanism"
    return "other"
