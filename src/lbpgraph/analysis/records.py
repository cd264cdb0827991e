"""The typed contracts between the analysis and what reads it: kinds as enums, records as TypedDicts.

The projection (:mod:`.projection`) is a NetworkX ``DiGraph`` whose nodes carry a
:class:`NodeKind` and one record per kind (:class:`ClaimNode`, :class:`SourceNode`, ...), and whose
edges carry a :class:`Rel`. A trace (:mod:`.trace`, :mod:`.chains`) is made of :class:`ClaimRecord`,
:class:`Verdict`, :class:`AppearanceRecord` and the records under them; it is stored as JSON, so
its records are TypedDicts (plain dicts at run time, the same JSON before and after). Both enums
are ``StrEnum``: a kind compares equal to its string and is written as it in JSON.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar, cast

if TYPE_CHECKING:  # NetworkX stays out of the fast commands, which read traces only
    import networkx as nx


class NodeKind(StrEnum):
    """What a node of the projection is."""

    CLAIM = "claim"
    APPEARANCE = "appearance"
    CITATION = "citation"
    SOURCE = "source"
    ARTICLE = "article"
    OFFER = "offer"
    ASSESSMENT = "assessment"
    CONTRAINDICATION = "contraindication"
    MISSING_WARNING = "missing-warning"
    CONCEPT = "concept"


class Rel(StrEnum):
    """What an edge of the projection says (from -> to)."""

    APPEARANCE = "appearance"            # claim -> appearance: the claim is made there
    CONTAINS = "contains"                # article -> appearance
    CITES = "cites"                      # appearance or source -> citation it makes
    LISTS = "lists"                      # article -> citation: works consulted, linked to no claim
    CITED = "cited"                      # citation -> the source it points to
    SUPPORTED_BY = "supported-by"        # appearance -> peer-reviewed source whose data support it
    ASSESSED = "assessed"                # claim -> curator assessment
    EVIDENCE = "evidence"                # assessment -> source
    ABOUT = "about"                      # claim -> intervention
    INVOKES = "invokes"                  # claim -> mechanism
    ACTS_ON = "acts-on"                  # mechanism -> structure
    AFFECTS = "affects"                  # condition -> structure
    CONTRAINDICATES = "contraindicates"  # contraindication -> intervention, condition
    STATES = "states"                    # claim -> contraindication it states
    OMITS = "omits"                      # article -> missing warning
    KNOWN_FROM = "known-from"            # missing warning -> contraindication it is known from


# --- nodes of the projection ------------------------------------------------------------------

class Why(TypedDict):
    """How one derived fact about a node was derived: the rule and the premises it used."""

    property: str  # lbp: local name, e.g. "flag"
    value: str
    rule: str
    premises: list[str]  # IRIs


class Offer(TypedDict):
    name: str | None
    interventions: list[str]


class Speaker(TypedDict):
    name: str | None  # for an anonymous speaker, the words that describe them (display only)
    anonymous: bool  # the page does not name them: the graph gives them no schema:name
    role: str | None
    credentials: str | None
    commercial_interest: list[Offer]


class Reason(TypedDict):
    reason: str
    rule: str | None
    premises: list[str]


class Downgrade(TypedDict):
    concern: str | None
    levels: int
    reasons: list[Reason]


class Rating(TypedDict):
    """The certainty of one peer-reviewed source's data for one claim (GRADE)."""

    source: str  # IRI
    start: str | None
    certainty: str | None
    downgrades: list[Downgrade]


class ConceptNode(TypedDict):
    kind: NodeKind
    id: str
    label: str
    alt_labels: list[str]  # other names (skos:altLabel)
    hidden_labels: list[str]  # words a search finds it by that are no name for it (skos:hiddenLabel)
    scheme: str  # intervention, mechanism, structure, condition, population, outcome
    definition: str | None
    direction: str | None
    outcome_kind: str | None
    exact_match: list[str]
    broader: list[str]


class ArticleNode(TypedDict):
    kind: NodeKind
    id: str
    title: str
    article_kind: str | None
    published: Any
    url: str | None  # where the article lives, as the text or the curators know it
    publisher: str | None
    site: str | None  # the website or blog it is part of
    authors: list[str]  # named authors only
    accessed: Any  # when the curators read it at its url
    sentences: int
    accounted: int
    commercial_interest: list[Offer]
    draft: bool  # its annotation is not reviewed yet: never counted in a verdict


class OfferNode(TypedDict):
    kind: NodeKind
    id: str
    name: str | None
    interventions: list[str]


class SourceNode(TypedDict):
    kind: NodeKind
    id: str
    label: str
    title: str | None
    authors: str | None
    year: int | None
    venue: str | None
    volume: str | None
    issue: str | None
    pages: str | None
    doi: str | None
    pmid: str | None
    peer_reviewed: str
    design: str | None
    design_label: str | None
    cebm_level: int | None
    design_description: str | None
    sample_size: int | None
    sample_description: str | None
    population: str | None
    finding: str | None
    verification: str
    verified_at: list[str]
    corrections: list[str]
    identified: bool
    curator_added: bool
    note: str | None


class ClaimNode(TypedDict):
    kind: NodeKind
    id: str
    statement: str
    claim_kind: str | None
    interventions: list[str]
    mechanisms: list[str]
    conditions: list[str]
    outcome: str | None
    population: str | None
    peer_reviewed_support: bool
    basis: list[str]  # strongest first
    strength: str | None
    flags: list[str]
    certainty: str
    certainty_from: list[Rating]
    note: str | None
    why: list[Why]


class AppearanceNode(TypedDict):
    kind: NodeKind
    id: str
    article: str
    quote: str
    start: int
    end: int
    speaker: Speaker
    hedging: str | None
    appeal: list[str]
    basis: str | None
    flags: list[str]
    note: str | None
    why: list[Why]
    draft: bool


class CitationNode(TypedDict):
    kind: NodeKind
    id: str
    position: int
    marker: str | None
    mode: str | None
    relation: str | None
    fidelity: str | None
    stance: str | None
    confidence: str | None
    as_printed: str | None
    for_claims: list[str]
    data_on: list[str]
    note: str | None


class AssessmentNode(TypedDict):
    kind: NodeKind
    id: str
    fidelity: str | None
    note: str | None


class ContraindicationNode(TypedDict):
    kind: NodeKind
    id: str
    intervention: str | None
    condition: str | None
    severity: str | None
    inferred: bool
    mechanism: str | None
    structure: str | None
    why: list[Why]


class MissingWarningNode(TypedDict):
    kind: NodeKind
    id: str
    article: str
    intervention: str | None
    condition: str | None
    severity: str | None


class RuleRecord(TypedDict):
    """A rule as the projection keeps it, in ``g.graph["rules"]`` by name."""

    description: str | None
    file: str | None
    order: int | None


N = TypeVar("N")


def node(g: nx.DiGraph, iri: str, record: type[N]) -> N:
    """The record of node ``iri``, typed as ``record`` (a TypedDict of this module)."""
    return cast(N, g.nodes[iri])


def successors(g: nx.DiGraph, iri: str, rel: Rel) -> list[str]:
    """The nodes ``iri`` points to by ``rel``, sorted."""
    return sorted(v for v in g.successors(iri) if g.edges[iri, v]["rel"] == rel)


def predecessor(g: nx.DiGraph, iri: str, rel: Rel) -> str:
    """The node that points to ``iri`` by ``rel`` (the first, where several do)."""
    return next(u for u in g.predecessors(iri) if g.edges[u, iri]["rel"] == rel)


def nodes_of(g: nx.DiGraph, kind: NodeKind) -> list[str]:
    """Every node of one kind, sorted."""
    return sorted(n for n, d in g.nodes(data=True) if d.get("kind") == kind)


# --- a trace ------------------------------------------------------------------------------------

class ClaimRecord(TypedDict):
    id: str
    statement: str
    kind: str | None
    interventions: list[str]
    conditions: list[str]
    mechanisms: list[str]
    outcome: str | None
    population: str | None
    note: str | None


class Strength(TypedDict):
    design: str
    label: str
    cebm_level: int | None


class CertaintyOrigin(TypedDict):
    source: str
    label: str
    design: str | None
    verification: str | None  # how far the source's record was checked: verified, partially-verified, unverified
    start: str | None
    certainty: str | None


class Premise(TypedDict):
    kind: str  # a NodeKind, or the prefix of an IRI outside the projection ("rating", ...)
    id: str
    text: str


class CertaintyReason(TypedDict):
    source: str
    concern: str | None
    levels: int
    reason: str
    rule: str | None
    rule_file: str | None
    premises: list[Premise]


class Verdict(TypedDict):
    peer_reviewed_support: bool
    certainty: str
    certainty_from: list[CertaintyOrigin]
    certainty_reasons: list[CertaintyReason]
    basis: list[str]
    strength: Strength | None
    flags: list[str]


class SourceRecord(TypedDict):
    id: str
    label: str
    title: str | None
    authors: str | None
    year: int | None
    venue: str | None
    doi: str | None
    pmid: str | None
    peer_reviewed: str
    design: str | None
    design_label: str | None
    cebm_level: int | None
    design_description: str | None
    sample_size: int | None
    sample_description: str | None
    population: str | None
    finding: str | None
    verification: str
    corrections: list[str]
    identified: bool
    curator_added: bool


class ChainSource(SourceRecord):
    """A cited source, with the citations it makes for the claim (the chain goes on)."""

    citations: list[CitationRecord]


class CitationRecord(TypedDict, total=False):
    id: str
    position: int
    marker: str | None
    mode: str | None
    relation: str | None
    fidelity: str | None
    stance: str | None
    confidence: str | None
    as_printed: str | None
    note: str | None
    data_on_claim: bool
    source: ChainSource | None
    dead_end: str  # present only where the chain ends here
    repeat: str  # present only where the source was met before on this chain: its citations are shown there


class ArticleRef(TypedDict):
    """Where an appearance's article lives, as its projection node knows it (None when unknown)."""

    id: str
    title: str
    kind: str | None
    url: str | None
    site: str | None
    publisher: str | None
    authors: list[str]
    published: str | None
    accessed: str | None


class AppearanceRecord(TypedDict):
    id: str
    article: ArticleRef
    quote: str
    start: int
    end: int
    speaker: Speaker
    hedging: str | None
    basis: str | None
    appeal: list[str]
    flags: list[str]
    draft: bool
    citations: list[CitationRecord]
    note: str | None


class CuratorEvidence(TypedDict):
    source: SourceRecord
    fidelity: str | None
    note: str | None


class StatedContraindication(TypedDict):
    intervention: str | None
    condition: str | None
    severity: str | None


class Explanation(TypedDict):
    """One part of a verdict, the rule that decided it and the facts it used."""

    part: str  # peer_reviewed_support, certainty, strength, basis, flag
    value: str
    appearance: str | None
    rule: str | None
    rule_file: str | None
    because: str | None
    premises: list[Premise]


class Amplification(TypedDict):
    appearances: int
    citing_appearances: int
    citations: int
    primary_sources: list[str]
    summary: str


class Transmutation(TypedDict):
    appearance: str
    source_stance: str | None
    citation: str | None


class DeadEnd(TypedDict):
    appearance: str
    path: list[str]
    reason: str


class Diversion(TypedDict):
    appearance: str
    dimension: str
    sources: list[str]


class ConsultedAsEvidence(TypedDict):
    appearance: str
    sources: list[str]


class Distortions(TypedDict):
    """Citation distortions after Greenberg (BMJ 2009)."""

    amplification: Amplification
    transmutation: list[Transmutation]
    dead_ends: list[DeadEnd]
    diversion: list[Diversion]
    consulted_as_evidence: list[ConsultedAsEvidence]


class TraceJSON(TypedDict, total=False):
    """A trace as JSON (``explanation`` only with ``explain``)."""

    claim: ClaimRecord
    verdict: Verdict
    appearances: list[AppearanceRecord]
    curator_evidence: list[CuratorEvidence]
    contraindications: list[StatedContraindication]
    distortions: Distortions
    explanation: list[Explanation]
