"""The annotation schema, defined once: pydantic models for every file under ``data/``.

Files and the model each one is checked against:

- ``data/annotations/<article>.yaml``  -> :class:`ArticleFile` (one per article; the file
  stem is the article id)
- ``data/claims.yaml``                 -> :class:`ClaimsFile` (claims shared by articles)
- ``data/bibliography.yaml``           -> :class:`BibliographyFile`
- ``data/concepts.yaml``               -> :class:`ConceptsFile`
- ``data/context.yaml``                -> :class:`ContextFile` (evidence the curators add)

The models check shape, types and controlled values; :mod:`lbpgraph.validate` checks what
needs the whole corpus (references, quotes, duplicates). ``lbpgraph schema`` prints the
JSON Schema generated from these models.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from ..core import vocab

# Checked with fullmatch (so no trailing newline slips through); digits are ASCII only ([0-9],
# never \d, which accepts every script's digits).
_ID = vocab.ID_PATTERN
DOI_PATTERN = re.compile(r"10\.[0-9]{4,9}/\S+")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_IRI_UNSAFE = re.compile(r'[<>"{}|\\^`]')  # printable characters an IRI cannot hold (RFC 3987)


def _check(pattern: re.Pattern[str], kind: str, example: str):  # noqa: ANN202
    def check(value: str) -> str:
        if not pattern.fullmatch(value) or value != value.strip():
            raise PydanticCustomError("bad_identifier", f"bad {kind} '{{value}}' (expected {example})",
                                      {"value": value})
        return value
    return check


def _one_of(values: tuple[str, ...], what: str):  # noqa: ANN202
    def check(value: str) -> str:
        if value not in values:
            raise PydanticCustomError(
                "bad_value", f"'{{value}}' is not a known {what}; use one of: {', '.join(values)}",
                {"value": value})
        return value
    return check


def _check_date(value: str) -> str:
    if not _DATE.fullmatch(value):
        raise PydanticCustomError("bad_date", "bad date '{value}' (expected YYYY, YYYY-MM or YYYY-MM-DD)",
                                  {"value": value})
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        raise PydanticCustomError("bad_date", "bad date '{value}': no such day", {"value": value}) from None
    return value


def url_iri(url: str) -> str:
    """``url`` as an IRI: the printable characters an IRI cannot hold (``<>"{}|\\^` ``)
    percent-encoded, as a browser sends them; the rest as written."""
    return _IRI_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url)


def _named(what: str):  # noqa: ANN202
    def check(value: str) -> str:
        if not value.strip():
            raise PydanticCustomError("empty_text", f"empty: give the {what} or leave the key out", {})
        return value
    return check


def _check_url(value: str) -> str:
    """An http(s) URL that, once :func:`url_iri` encoded it, the build's IRI parser accepts."""
    import pyoxigraph
    try:
        pyoxigraph.NamedNode(url_iri(value))
    except ValueError as exc:
        raise PydanticCustomError("bad_url", "bad URL '{value}': {reason}",
                                  {"value": value, "reason": str(exc)}) from None
    return value


Id = Annotated[str, AfterValidator(_check(_ID, "id", "lower-case letters, digits, '-' or '_'"))]
Doi = Annotated[str, AfterValidator(_check(DOI_PATTERN, "DOI", "10.NNNN/suffix, without https://doi.org/"))]
Pmid = Annotated[str, AfterValidator(_check(re.compile(r"[1-9][0-9]{0,8}"), "PMID", "digits"))]
Pmcid = Annotated[str, AfterValidator(_check(re.compile(r"PMC[0-9]+"), "PMCID", "PMC followed by digits"))]
Url = Annotated[str, AfterValidator(_check(_URL, "URL", "http:// or https:// address")),
                AfterValidator(_check_url)]
PartialDate = Annotated[str, AfterValidator(_check_date)]
Text = Annotated[str, Field(min_length=1)]
Site = Annotated[str, AfterValidator(_named("site"))]
Publisher = Annotated[str, AfterValidator(_named("publisher"))]


def _value(value_set: vocab.ValueSet) -> Any:
    return Annotated[str, AfterValidator(_one_of(value_set.notations, value_set.label.lower()))]


Basis = _value(vocab.BASES)
Effect = _value(vocab.EFFECTS)
Fidelity = _value(vocab.FIDELITY)
Design = _value(vocab.DESIGNS)
CitationMode = _value(vocab.CITATION_MODES)
Confidence = _value(vocab.CONFIDENCE)
Stance = _value(vocab.STANCES)
Hedging = _value(vocab.HEDGING)
Severity = _value(vocab.SEVERITIES)
PeerReview = _value(vocab.PEER_REVIEW)
Verification = _value(vocab.VERIFICATION)
SpeakerRole = _value(vocab.SPEAKER_ROLES)
ArticleKind = _value(vocab.ARTICLE_KINDS)
ClaimKind = _value(vocab.CLAIM_KINDS)
OutcomeKind = _value(vocab.OUTCOME_KINDS)
Direction = _value(vocab.DIRECTIONS)
NotClaimReason = _value(vocab.NOT_CLAIM_REASONS)
Relation = Annotated[str, AfterValidator(_one_of(vocab.CITO_RELATIONS, "CiTO relation"))]
SourceKind = Annotated[str, AfterValidator(_one_of(vocab.SOURCE_KINDS, "source kind"))]
Appeal = Annotated[str, AfterValidator(_one_of(("authority", "tradition", "anecdote"), "appeal"))]
RiskOfBias = _value(vocab.RISKS_OF_BIAS)
Indirectness = _value(vocab.INDIRECTNESS)


class Model(BaseModel):
    """Base: unknown keys are errors; records are immutable; values are never coerced (strict:
    "2" is not an integer, "yes" is not a boolean)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _judged(citation: Any) -> Any:
    """A citation that supports its claim says how the source states it, and a judgement of
    indirectness says why: both decide the verdict."""
    if citation.source and citation.fidelity in vocab.SUPPORTING_FIDELITY and citation.stance is None:
        raise PydanticCustomError("missing_stance", "a citation with fidelity {fidelity} needs a stance "
                                  "(how the source states the claim)", {"fidelity": citation.fidelity})
    if citation.stance == "not-addressed" and citation.fidelity in (*vocab.SUPPORTING_FIDELITY, "contradicts"):
        raise PydanticCustomError("stance_contradicts_fidelity", "a source that does not address the claim "
                                  "cannot {verb} it: fidelity {fidelity} with stance not-addressed",
                                  {"fidelity": citation.fidelity,
                                   "verb": "contradict" if citation.fidelity == "contradicts" else "support"})
    if citation.indirect and not citation.note:
        raise PydanticCustomError("missing_note", "a citation judged indirect needs a note saying why", {})
    return citation


# --- shared claims ------------------------------------------------------------------------

class Contraindication(Model):
    """An intervention is unsafe (or needs care) for people with a condition."""

    intervention: Id
    condition: Id
    severity: Severity


class Claim(Model):
    """A canonical proposition in neutral words; made by one or more appearances."""

    id: Id
    statement: Text
    kind: ClaimKind
    effect: Effect = "benefit"  # for efficacy claims: does the intervention help, not help, or harm
    interventions: list[Id] = Field(default_factory=list)
    outcome: Id | None = None
    population: Id | None = None
    conditions: list[Id] = Field(default_factory=list)  # conditions the claim is about
    mechanisms: list[Id] = Field(default_factory=list)
    contraindications: list[Contraindication] = Field(default_factory=list)
    note: str | None = None


class ClaimsFile(Model):
    claims: list[Claim] = Field(default_factory=list)


# --- article annotation -------------------------------------------------------------------

class Offer(Model):
    """A product, service, programme or clinic that an article or speaker sells."""

    id: Id
    name: Text
    interventions: list[Id] = Field(default_factory=list)
    url: Url | None = None


class Speaker(Model):
    """Who speaks in an article. ``anonymous: true`` marks a speaker the page does not name
    (``name`` then says so in words, for display only): the graph gives them no schema:name, and
    an anonymous author is no schema:author of the article."""

    id: Id
    name: Text
    role: SpeakerRole
    anonymous: bool = False
    credentials: str | None = None
    commercial_interest: list[Offer] = Field(default_factory=list)


class Citation(Model):
    """One citation made by an appearance.

    ``source`` may be left out only for a vague attribution that names no identifiable work.
    ``stance`` says how the cited source itself states the claim; ``indirect`` lists how the
    source's question differs from the claim's, as the curators judge it (explained in ``note``).
    """

    source: Id | None = None
    mode: CitationMode = "in-text-marker"
    marker: str | None = None
    as_printed: str | None = None
    relation: Relation = "citesAsEvidence"
    fidelity: Fidelity
    stance: Stance | None = None
    indirect: list[Indirectness] = Field(default_factory=list)
    confidence: Confidence = "certain"
    note: str | None = None

    @model_validator(mode="after")
    def check_judgement(self) -> Any:
        return _judged(self)


class Appearance(Model):
    """One place where a claim is made: the exact quote and what it rests on."""

    id: Id
    claim: Id
    quote: Text
    occurrence: int = Field(default=1, ge=1)
    speaker: Id
    hedging: Hedging
    appeal: list[Appeal] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    note: str | None = None


class NotAClaim(Model):
    """A span that is not a health claim, with the reason."""

    quote: Text
    occurrence: int = Field(default=1, ge=1)
    reason: NotClaimReason
    note: str | None = None


class Consulted(Model):
    """A work the article lists (works consulted, references) without tying it to a claim."""

    source: Id
    marker: str | None = None
    as_printed: str | None = None


class LeftSentence(Model):
    """A sentence (or block, such as a reference list) nobody has reviewed: neither an appearance
    nor a not-a-claim yet. ``start``/``end`` are character offsets into the archived text."""

    start: int = Field(ge=0)
    end: int = Field(ge=1)
    quote: Text
    suggest: NotClaimReason | None = None  # what ingest guesses it is


class SuggestedClaim(Model):
    claim: Id
    score: float = Field(ge=0, le=1)


class LeftClaim(Model):
    """A claim ingest drafted: its statement and kind are guesses, and it may be one of the
    existing claims ``suggested`` (the reviewer merges it or keeps it)."""

    claim: Id
    kind: ClaimKind  # the kind ingest guessed
    suggested: list[SuggestedClaim] = Field(default_factory=list)


class LeftCitation(Model):
    """A citation or listed work ingest drafted: which work it is (``match`` says on what
    evidence) and what it supports are still to be checked."""

    appearance: Id | None = None  # None: a work the article lists without citing it (consulted)
    source: Id | None = None
    marker: str | None = None
    match: Text


class Review(Model):
    """What is left to review in a draft; ``draft: true`` may go only once every list is empty."""

    sentences: list[LeftSentence] = Field(default_factory=list)
    claims: list[LeftClaim] = Field(default_factory=list)
    citations: list[LeftCitation] = Field(default_factory=list)

    def left(self) -> int:
        return len(self.sentences) + len(self.claims) + len(self.citations)


class ArticleFile(Model):
    """``data/annotations/<id>.yaml``: one article, its speakers and everything it claims.

    ``draft: true`` marks an annotation nobody has reviewed yet (``lbpgraph ingest`` writes
    them): it validates, is drawn and traced, but never counts toward a verdict. ``sources``
    holds works found only in this article, unverified until a reviewer moves them to the
    bibliography. ``review`` lists what is left to review; an annotation that is not a draft
    may not hold anything there. ``original`` names the page as saved (an HTML file beside the
    text it was extracted to); ``accessed`` says when it was read.
    """

    draft: bool = False
    text: Text  # file name of the archived text under data/articles/
    original: Text | None = None  # file name of the original page under data/articles/, if not the text
    title: Text
    kind: ArticleKind
    url: Url | None = None  # where the article lives, as the text or the curators know it
    site: Site | None = None  # the website or blog it is part of, as the page names it
    published: PartialDate | None = None
    accessed: PartialDate | None = None  # when the curators read the page at ``url``
    publisher: Publisher | None = None
    speakers: list[Speaker] = Field(min_length=1)
    commercial_interest: list[Offer] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    appearances: list[Appearance] = Field(default_factory=list)
    consulted: list[Consulted] = Field(default_factory=list)
    not_claims: list[NotAClaim] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    review: Review = Field(default_factory=Review)
    note: str | None = None


# --- bibliography -------------------------------------------------------------------------

class SourceCitation(Model):
    """A source citing another source for one or more claims (a link in a citation chain)."""

    source: Id
    claims: list[Id] = Field(min_length=1)
    marker: str | None = None
    relation: Relation = "citesAsEvidence"
    fidelity: Fidelity
    stance: Stance | None = None
    indirect: list[Indirectness] = Field(default_factory=list)
    note: str | None = None

    @model_validator(mode="after")
    def check_judgement(self) -> Any:
        return _judged(self)


class Source(Model):
    """A cited (or curator-added) work. Only verified facts; unverified stays marked so."""

    id: Id
    kind: SourceKind
    label: str | None = None  # short display label; default "First author et al. year"
    curator_added: bool = False
    authors: list[Text] = Field(default_factory=list)
    year: int | None = Field(default=None, ge=1500, le=2100)
    title: str | None = None
    venue: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: Doi | None = None
    pmid: Pmid | None = None
    pmcid: Pmcid | None = None
    peer_reviewed: PeerReview
    design: Design | None = None
    design_description: str | None = None
    sample_size: int | None = Field(default=None, ge=1)
    sample_description: str | None = None
    population: Id | None = None
    population_description: str | None = None
    interventions: list[Id] = Field(default_factory=list)
    outcomes: list[Id] = Field(default_factory=list)
    reviewed_designs: list[Design] = Field(default_factory=list)  # a review: designs it included
    risk_of_bias: list[RiskOfBias] = Field(default_factory=list)
    finding: str | None = None
    verification: Verification
    verified_at: list[Url] = Field(default_factory=list)
    corrections: list[Text] = Field(default_factory=list)
    cites: list[SourceCitation] = Field(default_factory=list)
    note: str | None = None


class BibliographyFile(Model):
    sources: list[Source] = Field(default_factory=list)


ArticleFile.model_rebuild()


# --- concepts -----------------------------------------------------------------------------

class ExternalConcept(Model):
    """A concept of MeSH or UBERON, with the label it was checked against."""

    iri: Url
    label: Text


class Concept(Model):
    """A concept of a scheme. ``alt_labels`` are other names for it, shown and searched
    (skos:altLabel); ``hidden_labels`` are words a search should find it by that are no name for
    it, such as verbs of relief on an outcome of relief (skos:hiddenLabel)."""

    id: Id
    label: Text
    alt_labels: list[Text] = Field(default_factory=list)
    hidden_labels: list[Text] = Field(default_factory=list)
    definition: str | None = None
    broader: list[Id] = Field(default_factory=list)
    exact_match: list[ExternalConcept] = Field(default_factory=list)
    broad_match: list[ExternalConcept] = Field(default_factory=list)


class Intervention(Concept):
    pass


class Structure(Concept):
    pass


class Population(Concept):
    pass


class Mechanism(Concept):
    acts_on: list[Id] = Field(min_length=1)
    direction: Direction


class Condition(Concept):
    affects: list[Id] = Field(default_factory=list)


class Outcome(Concept):
    outcome_kind: OutcomeKind


class ConceptsFile(Model):
    interventions: list[Intervention] = Field(default_factory=list)
    mechanisms: list[Mechanism] = Field(default_factory=list)
    structures: list[Structure] = Field(default_factory=list)
    conditions: list[Condition] = Field(default_factory=list)
    populations: list[Population] = Field(default_factory=list)
    outcomes: list[Outcome] = Field(default_factory=list)


# --- curator evidence ---------------------------------------------------------------------

class Assessment(Model):
    """A curator's link from a claim to evidence (one no article cites, or one an article cites too);
    never counts in a verdict."""

    claim: Id
    source: Id
    fidelity: Fidelity
    note: Text


class ContextFile(Model):
    assessments: list[Assessment] = Field(default_factory=list)


#: Shared files: name under data/ -> model.
SHARED_FILES: dict[str, type[Model]] = {
    "claims.yaml": ClaimsFile,
    "bibliography.yaml": BibliographyFile,
    "concepts.yaml": ConceptsFile,
    "context.yaml": ContextFile,
}

#: Concept sections -> which references must point into them.
CONCEPT_KINDS = ("interventions", "mechanisms", "structures", "conditions", "populations", "outcomes")


def json_schema() -> dict[str, Any]:
    """JSON Schema of every annotation file, generated from the models."""
    files = {"annotations/<article>.yaml": ArticleFile, **SHARED_FILES}
    return {name: model.model_json_schema() for name, model in files.items()}
