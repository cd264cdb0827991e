"""schema.org ClaimReview: one review per reviewed claim appearance, as fact-checkers publish them.

Each review gives what Google's fact-check documentation requires (``claimReviewed``,
``reviewRating`` with ``alternateName``, ``url``) and what it recommends where lbpgraph knows it
(``author``, ``datePublished``, ``itemReviewed``: a Claim with its ``author``, ``datePublished``
and ``appearance``; the rating's ``ratingValue``, ``bestRating``, ``worstRating`` and ``name``).
Nothing is invented: a Claim whose speaker the page does not name has no author, an article
without an address has no ``url``. Draft annotations are not reviewed, so they are left out.

The rating scale (1-5) is the certainty of the claim's evidence (GRADE): 5 high, 4 moderate,
3 low, 2 very low, 1 no peer-reviewed support; :data:`RATING_WORDS` gives each value in words, and
for 1 the words say what this appearance rests on ("rests on anecdote"). ``claimReviewed`` is this
appearance's quote, so the words also say what the quote itself does: :data:`OVERSTATED` when it
is flagged ``overstated``, and what it rests on when it offers no peer-reviewed data itself.
A quoted researcher's or source's words are the article's report of them, so the Claim's author is
then left out and the explanation says whom the article attributes them to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import safejson, vocab
from ..core.errors import UsageError

if TYPE_CHECKING:
    from . import Export

SCALE = {"high": 5, "moderate": 4, "low": 3, "very-low": 2, "none": 1}
RESTS_ON = {
    "peer-reviewed": "rests on peer-reviewed data",
    "grey-literature": "rests on grey literature",
    "expert-opinion": "rests on expert opinion",
    "vague-attribution": "rests on a vague attribution",
    "authority": "rests on an appeal to authority",
    "tradition": "rests on tradition",
    "anecdote": "rests on anecdote",
    "unsupported": "rests on nothing that holds",
}
#: Every value of the scale in words (the README's table says the same; a test keeps them in step).
RATING_WORDS = {5: "peer-reviewed support, high certainty", 4: "peer-reviewed support, moderate certainty",
                3: "peer-reviewed support, low certainty", 2: "peer-reviewed support, very low certainty",
                1: "no peer-reviewed support: " + " / ".join(RESTS_ON[b] for b in RESTS_ON if b != "peer-reviewed")}
#: Added to the words when this appearance is flagged ``overstated`` (the README's table says the same).
OVERSTATED = "overstated here: more certain or broader than its source"
#: Added to the words of values 2-5 when this appearance offers no peer-reviewed data itself.
OWN_BASIS = "this quote {rests_on}"
_QUOTED = ("quoted-researcher", "quoted-source")
_TYPES = {"personal-blog": "BlogPosting", "clinic-marketing": "WebPage", "product-marketing": "WebPage",
          "qa-page": "QAPage", "health-info": "MedicalWebPage"}


def rating(verdict: dict[str, Any], appearance: dict[str, Any]) -> dict[str, Any]:
    """The Rating of one appearance: the claim's certainty on the 1-5 scale, in words that also say
    what this appearance's quote rests on and whether it overstates its sources."""
    value = SCALE[verdict["certainty"]] if verdict["peer_reviewed_support"] else 1
    basis = appearance["basis"]
    parts = [RATING_WORDS[value] if value > 1 else RESTS_ON[basis]]
    if value > 1 and basis != "peer-reviewed":
        parts.append(OWN_BASIS.format(rests_on=RESTS_ON[basis]))
    if "overstated" in appearance["flags"]:
        parts.append(OVERSTATED)
    words = "; ".join(parts)
    return {"@type": "Rating", "ratingValue": value, "bestRating": 5, "worstRating": 1,
            "alternateName": words, "name": words}


def _explanation(claim: dict[str, Any], verdict: dict[str, Any], appearance: dict[str, Any]) -> str:
    strength = verdict["strength"]["label"] if verdict["strength"] else "none"
    support = "peer-reviewed support" if verdict["peer_reviewed_support"] else "no peer-reviewed support"
    speaker = appearance["speaker"]
    said = (f"The article attributes these words to {speaker['name']} "
            f"({vocab.SPEAKER_ROLES.term(speaker['role']).label}). "
            if speaker["role"] in _QUOTED and speaker["name"] and not speaker.get("anonymous") else "")
    return (f"{said}What this article offers: {vocab.BASES.term(appearance['basis']).label}; flags on this quote: "
            f"{', '.join(appearance['flags']) or 'none'}. Read as \u201c{claim['statement']}\u201d, the claim has "
            f"{support} across the articles lbpgraph holds: certainty {verdict['certainty'].replace('-', ' ')} (GRADE), "
            f"strongest design {strength}; bases across the articles: {', '.join(verdict['basis']) or 'none'}; "
            f"flags on the claim: {', '.join(verdict['flags']) or 'none'}.{_unchecked(verdict)}")


def _unchecked(verdict: dict[str, Any]) -> str:
    """Which of the records the certainty rests on were not (fully) verified, in words."""
    records = [f"{o['label']} ({(o['verification'] or 'not checked').replace('-', ' ')})"
               for o in verdict["certainty_from"] if o["verification"] != "verified"]
    return f" The certainty rests on records not fully verified: {'; '.join(records)}." if records else ""


def _work(article: dict[str, Any]) -> dict[str, Any]:
    """The article where the claim appears, as a schema.org CreativeWork: only what is known."""
    work: dict[str, Any] = {"@type": _TYPES.get(article["kind"], "WebPage"), "name": article["title"]}
    if article.get("url"):
        work["url"] = article["url"]
    if article.get("authors"):
        work["author"] = [{"@type": "Person", "name": name} for name in article["authors"]]
    if article.get("publisher"):
        work["publisher"] = {"@type": "Organization", "name": article["publisher"]}
    if article.get("published"):
        work["datePublished"] = article["published"]
    if article.get("site"):
        work["isPartOf"] = {"@type": "WebSite", "name": article["site"]}
    return work


def reviews(export: Export) -> list[dict[str, Any]]:
    """One ClaimReview per non-draft appearance, claims by id, appearances as traced."""
    s = export.settings
    if not s.review_author or not s.review_url:
        missing = " and ".join(k for k in ("review_author", "review_url") if not getattr(s, k))
        raise UsageError(f"export --format claimreview needs {missing} in the [export] table of lbpgraph.toml "
                         "(who publishes the reviews, and the address of each review's page)")
    author: dict[str, Any] = {"@type": "Organization", "name": s.review_author}
    if s.review_author_url:
        author["url"] = s.review_author_url
    out = []
    traces = export.traces()
    for claim_id in sorted(traces):
        t = traces[claim_id]
        for a in t["appearances"]:
            if a.get("draft"):
                continue
            claim: dict[str, Any] = {"@type": "Claim", "name": t["claim"]["statement"], "appearance": _work(a["article"])}
            speaker = a["speaker"]
            if speaker["name"] and not speaker.get("anonymous") and speaker["role"] not in _QUOTED:
                claim["author"] = {"@type": "Person", "name": speaker["name"]}
            if a["article"].get("published"):
                claim["datePublished"] = a["article"]["published"]
            review_rating = rating(t["verdict"], a)
            review_rating["ratingExplanation"] = _explanation(t["claim"], t["verdict"], a)
            out.append({
                "@type": "ClaimReview",
                "url": s.review_url.format(claim=claim_id, article=a["article"]["id"], appearance=a["id"]),
                "claimReviewed": a["quote"],
                "author": author,
                "datePublished": export.date.date().isoformat(),
                "reviewRating": review_rating,
                "itemReviewed": claim,
            })
    return out


def write(export: Export) -> bytes:
    document = {"@context": "https://schema.org", "@graph": reviews(export)}
    return (safejson.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
