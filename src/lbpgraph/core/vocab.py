"""The lbp: vocabulary, every prefix lbpgraph binds, and the controlled value sets.

This module is the one place where the ``lbp:`` namespace and its terms are defined. It is
plain Python (no rdflib), so that fast commands can use it without loading an RDF library;
:mod:`lbpgraph.rdf.namespaces` turns it into triples.

Controlled values (evidence bases, flags, fidelity, study designs, ...) are SKOS concepts in
the lbp: namespace named ``<set>-<value>`` (for example ``lbp:basis-peer-reviewed``), each
with ``skos:notation`` set to the value as the design spells it (``peer-reviewed``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

BASE = "https://w3id.org/lbpgraph/"
LBP = BASE + "vocab#"
ID = BASE + "id/"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*\Z")  # every lbpgraph id, so ids are safe in IRIs (\Z: no trailing newline)

#: Every prefix lbpgraph binds, in the order they are written. Instance namespaces first.
PREFIXES: dict[str, str] = {
    "lbp": LBP,
    "article": ID + "article/",
    "appearance": ID + "appearance/",
    "assessment": ID + "assessment/",
    "citation": ID + "citation/",
    "claim": ID + "claim/",
    "concept": ID + "concept/",
    "contraindication": ID + "contraindication/",
    "derivation": ID + "derivation/",
    "downgrade": ID + "downgrade/",
    "graph": ID + "graph/",
    "warning": ID + "missing-warning/",
    "offer": ID + "offer/",
    "rating": ID + "rating/",
    "rule": ID + "rule/",
    "source": ID + "source/",
    "span": ID + "span/",
    "speaker": ID + "speaker/",
    "cito": "http://purl.org/spar/cito/",
    "dcterms": "http://purl.org/dc/terms/",
    "fabio": "http://purl.org/spar/fabio/",
    "oa": "http://www.w3.org/ns/oa#",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def expand(curie: str) -> str:
    """Return the full IRI of a prefixed name such as ``lbp:basis``."""
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


@dataclass(frozen=True)
class Term:
    """One controlled value: its notation, label, definition and optional rank/level."""

    notation: str
    label: str
    definition: str
    rank: int | None = None
    cebm_level: int | None = None


@dataclass(frozen=True)
class ValueSet:
    """A closed list of values, published as a SKOS concept scheme."""

    name: str  # used in IRIs: lbp:<name>-<notation>
    scheme: str  # local name of the concept scheme
    label: str
    terms: tuple[Term, ...]

    def iri(self, notation: str) -> str:
        """IRI of one value; raises KeyError for a value not in the set."""
        if notation not in self.notations:
            raise KeyError(f"{notation!r} is not a {self.name} value")
        return f"{LBP}{self.name}-{notation}"

    @functools.cached_property
    def notations(self) -> tuple[str, ...]:
        return tuple(t.notation for t in self.terms)

    @functools.cached_property
    def _known(self) -> frozenset[str]:
        return frozenset(self.notations)

    def term(self, notation: str) -> Term:
        for t in self.terms:
            if t.notation == notation:
                return t
        raise KeyError(notation)

    def notation_of(self, iri: str) -> str:
        """Inverse of :meth:`iri`."""
        prefix = f"{LBP}{self.name}-"
        if not iri.startswith(prefix) or iri[len(prefix):] not in self._known:
            raise KeyError(iri)
        return iri[len(prefix):]


BASES = ValueSet("basis", "BasisScheme", "Evidence basis of an appearance", (
    Term("peer-reviewed", "peer-reviewed",
         "A peer-reviewed source whose own data bear on the claim (its finding or association, or "
         "a systematic review's synthesis), on the claim's intervention and outcome or narrower "
         "ones, cited with fidelity supports or partially-supports.", 1),
    Term("grey-literature", "grey literature",
         "Only identified sources that are not peer-reviewed (books, proceedings, web pages) "
         "whose own data support the claim.", 2),
    Term("expert-opinion", "expert opinion",
         "An identified source's hypothesis, background statement or recommendation, not its "
         "data: OCEBM 2011 level 5 (mechanism-based reasoning), whatever the design of the study "
         "that voiced it.", 3),
    Term("vague-attribution", "vague attribution",
         "'Studies show', 'researchers found', a journal named without a paper.", 4),
    Term("authority", "authority", "An appeal to authorities ('most authorities recognise').", 5),
    Term("tradition", "tradition", "An appeal to tradition ('a traditional remedy').", 6),
    Term("anecdote", "anecdote", "Personal experience or a testimonial.", 7),
    Term("unsupported", "unsupported",
         "Nothing offered, or nothing that holds: every citation offered is unverified, does "
         "not support the claim, contradicts it, or studied another intervention or outcome.", 8),
))

FLAGS = ValueSet("flag", "FlagScheme", "Warning flags on a verdict", (
    Term("commercial-interest", "commercial interest",
         "The speaker or publisher sells something related to the claim's intervention."),
    Term("overstated", "overstated",
         "The claim is more certain or broader than its source: a hypothesis, a hedged result "
         "or an association turned into a finding, a partial support stated whole, or a narrower "
         "population or intervention than the claim's."),
    Term("second-hand", "second-hand",
         "Support comes through a source that itself only cites others for the claim."),
    Term("dead-end", "dead end",
         "A citation chain ends at an unidentified source, at an attribution that names no "
         "work, or at a source that does not support the claim."),
    Term("indirect", "indirect",
         "A supporting source studied another population, intervention or outcome."),
    Term("mechanism-only", "mechanism only",
         "The support is mechanistic or biomechanical, not a clinical outcome."),
    Term("unresolved-attribution", "unresolved attribution",
         "A vague attribution, identified with less than certainty or not at all."),
    Term("consulted-not-cited", "consulted, not cited",
         "The article lists a source on the claim's intervention but links it to no claim."),
))

FIDELITY = ValueSet("fidelity", "FidelityScheme", "Does the cited source say what is claimed", (
    Term("supports", "supports", "The source says what the claim says."),
    Term("partially-supports", "partially supports",
         "The source says less, or says it more cautiously."),
    Term("does-not-support", "does not support", "The source does not say it."),
    Term("contradicts", "contradicts", "The source says the opposite."),
    Term("unverified", "unverified", "What the source says could not be checked."),
))
SUPPORTING_FIDELITY = ("supports", "partially-supports")

#: The study-design hierarchy (rank 1 is strongest) with Oxford CEBM 2011 levels for the
#: question "does this intervention help?" (treatment benefits).
DESIGNS = ValueSet("design", "DesignScheme", "Study design hierarchy", (
    Term("systematic-review", "systematic review",
         "Systematic review (with or without meta-analysis). OCEBM 2011 level 1 is a systematic "
         "review of randomised trials.", 1, 1),
    Term("randomised-controlled-trial", "randomised controlled trial",
         "Randomised controlled trial. OCEBM 2011 level 2.", 2, 2),
    Term("non-randomised-controlled-study", "non-randomised controlled study",
         "Non-randomised controlled cohort or follow-up study. OCEBM 2011 level 3.", 3, 3),
    Term("cohort-or-cross-sectional", "cohort / cross-sectional",
         "Uncontrolled cohort or cross-sectional study: no comparison of treated and untreated "
         "people, so for a treatment question it sits with OCEBM 2011 level 4.", 4, 4),
    Term("case-control", "case-control study",
         "People with the condition compared with people without it (cases and controls), "
         "looking back at exposures or measuring differences. OCEBM 2011 level 4.", 5, 4),
    Term("case-series-or-uncontrolled-pilot", "case series / uncontrolled pilot",
         "Case series, or a pilot with no untreated comparison group (controls, if any, got the "
         "same treatment). OCEBM 2011 level 4.", 6, 4),
    Term("case-report", "case report", "A single case. Nearest OCEBM 2011 level: 4.", 7, 4),
    Term("laboratory-or-mechanistic", "laboratory or mechanistic study",
         "Laboratory, biomechanical, physiological or in-vitro study: OCEBM 2011 level 5, "
         "mechanism-based reasoning.", 8, 5),
    Term("narrative-review-or-expert-opinion", "narrative review / expert opinion",
         "Narrative review or expert opinion: OCEBM 2011 level 5.", 9, 5),
))
LABORATORY_DESIGN = "laboratory-or-mechanistic"

CITATION_MODES = ValueSet("mode", "CitationModeScheme", "How a source is cited", (
    Term("in-text-marker", "in-text marker", "A numbered or author-year marker in the text."),
    Term("quotation", "quotation", "The article quotes the source's words."),
    Term("named-venue", "named venue only",
         "A journal or institution is named but no paper ('according to the Journal of ...')."),
    Term("vague", "vague", "'Studies show', 'researchers found': no work is named."),
    Term("consulted", "works consulted",
         "Listed under works consulted or references without a link to any claim."),
))
VAGUE_MODES = ("named-venue", "vague")

CONFIDENCE = ValueSet("confidence", "ConfidenceScheme", "Confidence of an identification", (
    Term("certain", "certain", "The article identifies the work unambiguously.", 1),
    Term("high", "high", "Identified by the curators from strong circumstantial evidence.", 2),
    Term("moderate", "moderate", "A plausible identification among few candidates.", 3),
    Term("low", "low", "A guess.", 4),
))

STANCES = ValueSet("stance", "StanceScheme", "How the cited source states the claim", (
    Term("finding", "finding", "A result of the source's own data, stated as such."),
    Term("hedged-finding", "hedged finding",
         "A result of the source's own data stated cautiously ('may', 'suggests')."),
    Term("association", "association", "A correlation in the source's own data, not an effect."),
    Term("hypothesis", "hypothesis", "Proposed or discussed by the source, not tested by it."),
    Term("background", "background",
         "Stated as established, resting on the source's own citations."),
    Term("recommendation", "recommendation", "The authors' recommendation or opinion."),
    Term("not-addressed", "not addressed", "The source does not address the claim."),
))
#: Stances that a certain, unhedged appearance overstates.
CAUTIOUS_STANCES = ("hedged-finding", "hypothesis")

HEDGING = ValueSet("hedging", "HedgingScheme", "How certainly an appearance states its claim", (
    Term("certain", "certain", "Stated as fact ('has been proven', 'researchers have found')."),
    Term("hedged", "hedged", "Stated with reserve ('may', 'seems', 'some studies')."),
))

SEVERITIES = ValueSet("severity", "SeverityScheme", "Severity of a contraindication", (
    Term("absolute", "absolute contraindication", "Never to be done.", 1),
    Term("relative", "relative contraindication", "Risks likely outweigh benefits.", 2),
    Term("precaution", "precaution", "Allowed with care.", 3),
))

PEER_REVIEW = ValueSet("peer-review", "PeerReviewScheme", "Peer-review status of a source", (
    Term("yes", "peer-reviewed", "Published after peer review."),
    Term("no", "not peer-reviewed", "Not peer-reviewed (book, web page, marketing)."),
    Term("unclear", "unclear", "Proceedings or a venue whose review process is unclear."),
    Term("unknown", "unknown", "The source is unidentified or its record was not seen."),
))

VERIFICATION = ValueSet("verification", "VerificationScheme", "How far a record was checked", (
    Term("verified", "verified", "Checked against public pages listed in lbp:verifiedAt."),
    Term("partially-verified", "partially verified", "Some fields checked; see the note."),
    Term("unverified", "unverified", "Not checked: details as printed in the article."),
))

SPEAKER_ROLES = ValueSet("role", "SpeakerRoleScheme", "Who speaks in an appearance", (
    Term("author", "author", "The article's author or publisher."),
    Term("quoted-researcher", "quoted researcher", "Researchers whose words the article quotes."),
    Term("commenter", "commenter", "A reader commenting under the article."),
    Term("quoted-source", "quoted source", "Another quoted person or page."),
))

ARTICLE_KINDS = ValueSet("article-kind", "ArticleKindScheme", "Kind of web article", (
    Term("personal-blog", "personal blog", "A personal blog post."),
    Term("clinic-marketing", "clinic marketing", "A page that markets a clinic or service."),
    Term("product-marketing", "product marketing", "A page that markets a product or programme."),
    Term("qa-page", "Q&A page", "A page of questions and answers."),
    Term("health-info", "health information page", "A general health-information page."),
))

CLAIM_KINDS = ValueSet("claim-kind", "ClaimKindScheme", "What kind of proposition a claim is", (
    Term("efficacy", "efficacy", "An intervention improves a clinical outcome."),
    Term("mechanism", "mechanism", "How an intervention acts on the body."),
    Term("physiology", "physiology", "A physiological effect (energy use, muscle activity)."),
    Term("safety", "safety", "Risks, contraindications and precautions."),
    Term("epidemiology", "epidemiology", "How common something is, or what it is associated with."),
    Term("other", "other", "Any other health proposition."),
))

EFFECTS = ValueSet("effect", "EffectScheme", "Which way an efficacy claim points", (
    Term("benefit", "benefit", "The intervention helps: the article recommends it."),
    Term("no-benefit", "no benefit", "The intervention does not help."),
    Term("harm", "harm", "The intervention harms or worsens."),
))

OUTCOME_KINDS = ValueSet("outcome-kind", "OutcomeKindScheme", "Clinical or mechanistic outcome", (
    Term("clinical", "clinical outcome", "What patients feel or do: pain, disability, recurrence."),
    Term("mechanistic", "mechanistic outcome",
         "Biomechanical or physiological measures: loads, joint angles, muscle activity."),
))

DIRECTIONS = ValueSet("direction", "DirectionScheme", "How a mechanism acts on a structure", (
    Term("loads", "loads", "Increases load or pressure on the structure."),
    Term("unloads", "unloads", "Reduces load or pressure on the structure."),
    Term("activates", "activates", "Increases muscle activity."),
    Term("moves", "moves", "Changes the range or pattern of movement."),
    Term("relaxes", "relaxes", "Reduces tension."),
    Term("increases-flow", "increases flow", "Increases blood or fluid flow."),
    Term("inhibits", "inhibits", "Reduces a process such as inflammation or nerve activity."),
))

CITO_RELATIONS = ("citesAsEvidence", "citesAsAuthority", "citesAsRelated",
                  "citesAsSourceDocument", "citesForInformation", "obtainsSupportFrom",
                  "citesAsRecommendedReading", "usesMethodIn", "credits", "discusses")

NOT_CLAIM_REASONS = ValueSet("not-claim", "NotClaimReasonScheme", "Why a span is not a claim", (
    Term("title", "title", "The article's title or a section heading."),
    Term("question-heading", "question heading", "A question used as a heading."),
    Term("navigation", "navigation", "Menus, links, 'leave a reply', share buttons."),
    Term("byline", "byline or date", "Author line, date, post metadata."),
    Term("image-caption", "image caption", "Image alt text or credits."),
    Term("advertising", "advertising", "Banners, phone numbers, calls to sign up or buy."),
    Term("disclaimer", "disclaimer", "Legal or medical disclaimer."),
    Term("author-bio", "author biography", "Who the author is."),
    Term("reference-list", "reference list", "Bibliographic entries."),
    Term("spam-comment", "spam comment", "A comment with no content on the topic."),
    Term("comment-form", "comment form", "Comment-form boilerplate."),
    Term("tags", "tags", "Topic tags."),
    Term("instruction", "instruction", "Procedural how-to without a health proposition."),
    Term("narrative", "narrative", "Story or context without a health proposition."),
    Term("rhetorical", "rhetorical", "Rhetoric, a question or a transition."),
    Term("off-topic", "off-topic", "Not about health."),
))

CERTAINTY = ValueSet("certainty", "CertaintyScheme", "Certainty of the evidence for a claim (GRADE)", (
    Term("high", "high",
         "Further research is very unlikely to change confidence in the claim.", 1),
    Term("moderate", "moderate",
         "Further research is likely to have an important impact on confidence in the claim.", 2),
    Term("low", "low",
         "Further research is very likely to have an important impact on confidence in the claim.", 3),
    Term("very-low", "very low", "Any estimate of the effect is very uncertain.", 4),
    Term("none", "none", "No peer-reviewed source gives the claim data of its own.", 5),
))

CONCERNS = ValueSet("concern", "ConcernScheme", "Reasons to rate certainty down (GRADE)", (
    Term("risk-of-bias", "risk of bias",
         "The source's design or conduct may bias its result (pilot, uncontrolled, retrospective, "
         "primary endpoint not reported, non-random allocation, an association offered as an effect)."),
    Term("indirectness", "indirectness",
         "The source studied another population, only part of the claim's interventions, or a "
         "comparison or outcome the curators judged indirect."),
    Term("imprecision", "imprecision",
         "The sample is smaller than the optimal information size (or not known)."),
    Term("inconsistency", "inconsistency",
         "Another cited peer-reviewed source studied the claim and does not support or contradicts it."),
))

RISKS_OF_BIAS = ValueSet("bias", "RiskOfBiasScheme", "Facts about a study that put it at risk of bias", (
    Term("pilot", "pilot study", "A pilot or feasibility study, not powered to test an effect."),
    Term("uncontrolled", "no comparison group",
         "No untreated or comparison group: a pre-post design, or controls who got the same treatment."),
    Term("retrospective", "retrospective", "Data analysed after the fact from records."),
    Term("primary-endpoint-not-reported", "primary endpoint not reported",
         "The pre-specified primary endpoint's result is not reported, or was not seen."),
    Term("non-random-allocation", "non-random allocation",
         "Called randomised, but allocation was judged not truly random (or was not concealed)."),
))

INDIRECTNESS = ValueSet("indirect", "IndirectnessScheme", "How a source's question differs from the claim's", (
    Term("population", "population", "The source studied other people than the claim is about."),
    Term("intervention", "intervention",
         "The source studied the intervention only together with, or in a form unlike, what the claim says."),
    Term("comparator", "comparator",
         "The source's comparison does not isolate the claim's intervention (both arms got it)."),
    Term("outcome", "outcome", "The source measured the outcome differently from what the claim says."),
))

SOURCE_KINDS = ("journal-article", "review-article", "conference-paper", "book-chapter", "book",
                "web-page", "unidentified")

VALUE_SETS: tuple[ValueSet, ...] = (
    BASES, FLAGS, FIDELITY, DESIGNS, CITATION_MODES, CONFIDENCE, STANCES, HEDGING, SEVERITIES,
    PEER_REVIEW, VERIFICATION, SPEAKER_ROLES, ARTICLE_KINDS, CLAIM_KINDS, EFFECTS, OUTCOME_KINDS,
    DIRECTIONS, NOT_CLAIM_REASONS, CERTAINTY, CONCERNS, RISKS_OF_BIAS, INDIRECTNESS,
)


@dataclass(frozen=True)
class VocabTerm:
    """A class or property lbpgraph uses, standard or its own."""

    curie: str
    kind: str  # "class" or "property"
    comment: str

    @property
    def iri(self) -> str:
        return expand(self.curie)


# Every class and property that appears in a built graph. Standard terms first where one fits;
# lbp: terms only where no standard vocabulary has one. The README's vocabulary table is
# generated from this list and a test keeps the two in step with the built graph.
TERMS: tuple[VocabTerm, ...] = (
    # classes
    VocabTerm("schema:BlogPosting", "class", "An article of kind personal-blog."),
    VocabTerm("schema:WebPage", "class", "An article of kind clinic- or product-marketing."),
    VocabTerm("schema:QAPage", "class", "An article of kind qa-page."),
    VocabTerm("schema:MedicalWebPage", "class", "An article of kind health-info."),
    VocabTerm("schema:MediaObject", "class", "The archived plain text of an article."),
    VocabTerm("schema:WebSite", "class", "The website or blog an article is part of, as the page names it."),
    VocabTerm("schema:Person", "class", "A speaker: author, quoted researcher or commenter."),
    VocabTerm("schema:Offer", "class", "A product, service or programme an article or speaker sells."),
    VocabTerm("schema:Claim", "class", "A canonical proposition, made in one or more appearances."),
    VocabTerm("oa:Annotation", "class", "An appearance or a not-a-claim span, as a W3C Web Annotation."),
    VocabTerm("oa:SpecificResource", "class", "The part of an article an annotation targets."),
    VocabTerm("oa:TextQuoteSelector", "class", "Exact quote with prefix and suffix."),
    VocabTerm("oa:TextPositionSelector", "class", "Character offsets into the archived text."),
    VocabTerm("lbp:Appearance", "class", "One place where a claim is made (an oa:Annotation)."),
    VocabTerm("lbp:NotAClaim", "class", "A span marked as not a claim, with a reason."),
    VocabTerm("cito:Citation", "class", "One link from an appearance, article or source to a cited source."),
    VocabTerm("fabio:JournalArticle", "class", "A cited journal article."),
    VocabTerm("fabio:ReviewArticle", "class", "A cited review article."),
    VocabTerm("fabio:ConferencePaper", "class", "A cited conference paper."),
    VocabTerm("fabio:BookChapter", "class", "A cited book chapter."),
    VocabTerm("fabio:Book", "class", "A cited book."),
    VocabTerm("fabio:WebPage", "class", "A cited web page."),
    VocabTerm("schema:ScholarlyArticle", "class", "Any identified cited work."),
    VocabTerm("lbp:UnidentifiedSource", "class", "A cited work nobody could identify (a bare marker)."),
    VocabTerm("lbp:CuratorEvidence", "class", "A source added by the curators beside what articles cite."),
    VocabTerm("lbp:CuratorAssessment", "class", "A curator's link between a claim and a source; never counts toward a verdict."),
    VocabTerm("skos:Concept", "class", "Any concept: intervention, mechanism, structure, condition, population, outcome, controlled value."),
    VocabTerm("skos:ConceptScheme", "class", "A scheme of concepts."),
    VocabTerm("schema:MedicalTherapy", "class", "An intervention concept."),
    VocabTerm("lbp:Mechanism", "class", "A proposed mechanism of action."),
    VocabTerm("schema:AnatomicalStructure", "class", "An anatomical structure concept."),
    VocabTerm("schema:MedicalCondition", "class", "A condition concept."),
    VocabTerm("lbp:Population", "class", "A population concept."),
    VocabTerm("lbp:Outcome", "class", "An outcome concept."),
    VocabTerm("schema:MedicalContraindication", "class", "Intervention x condition x severity, stated by a claim."),
    VocabTerm("lbp:InferredCaution", "class", "A contraindication (precaution) inferred by a rule from a mechanism, not stated by an article."),
    VocabTerm("lbp:MissingWarning", "class", "A warning an article omits though the graph knows it for an intervention the article recommends."),
    VocabTerm("lbp:Rule", "class", "A rule of evidence (a SPARQL CONSTRUCT file shipped with lbpgraph)."),
    VocabTerm("lbp:Parameter", "class", "A parameter of the rules (rules/parameters.ttl), such as the optimal information size."),
    VocabTerm("lbp:EvidenceRating", "class", "Derived: the certainty of one peer-reviewed source's data for one claim (GRADE)."),
    VocabTerm("lbp:Downgrade", "class", "Derived: one reason to rate a rating down (risk of bias, indirectness, imprecision, inconsistency)."),
    VocabTerm("lbp:Derivation", "class", "Provenance of one derived triple: which rule made it."),
    VocabTerm("prov:Plan", "class", "A rule, as a PROV plan."),
    VocabTerm("prov:Entity", "class", "A derivation, as a PROV entity."),
    VocabTerm("prov:Agent", "class", "The curators, who add context evidence."),
    VocabTerm("rdfs:Class", "class", "An lbp: class."),
    VocabTerm("rdf:Property", "class", "An lbp: property."),
    # article
    VocabTerm("schema:name", "property", "Title of an article, name of a site, offer or speaker (absent for a speaker the page does not name)."),
    VocabTerm("schema:author", "property", "Article -> its author (a speaker), when the page names one."),
    VocabTerm("schema:datePublished", "property", "Publication date (xsd:date, gYearMonth or gYear)."),
    VocabTerm("schema:dateRead", "property",
              "Article -> the date the curators read (accessed) it at its URL, as CSL's accessed and BibTeX's "
              "urldate (schema.org defines dateRead on messages; lbpgraph uses it for the access date)."),
    VocabTerm("schema:publisher", "property", "Publisher name."),
    VocabTerm("schema:isPartOf", "property", "Article -> the website or blog it is part of."),
    VocabTerm("schema:url", "property", "Web address of an article or offer, as the text or the curators know it."),
    VocabTerm("schema:archivedAt", "property", "Article -> its archived text."),
    VocabTerm("schema:sha256", "property", "SHA-256 of the archived text."),
    VocabTerm("schema:contentSize", "property", "Size of the archived text in bytes."),
    VocabTerm("schema:encodingFormat", "property", "Media type of the archived text."),
    VocabTerm("lbp:articleKind", "property", "Article -> its kind (lbp:article-kind-*)."),
    VocabTerm("lbp:archivePath", "property", "Path of the archived text inside the project."),
    VocabTerm("lbp:sourceFile", "property", "Named graph -> the annotation file(s) it was built from."),
    VocabTerm("lbp:commercialInterest", "property", "Article or speaker -> an offer it sells."),
    VocabTerm("lbp:relatedIntervention", "property", "Offer -> an intervention it is related to."),
    VocabTerm("lbp:speakerRole", "property", "Speaker -> role (lbp:role-*)."),
    VocabTerm("lbp:credentials", "property", "Credentials a speaker states."),
    VocabTerm("lbp:speakerIn", "property", "Speaker -> the article they speak in."),
    # claim and appearance
    VocabTerm("schema:text", "property", "Statement of a claim, in neutral words."),
    VocabTerm("schema:about", "property", "Claim -> the intervention(s) it is about."),
    VocabTerm("schema:appearance", "property", "Claim -> one of its appearances."),
    VocabTerm("lbp:claimKind", "property", "Claim -> kind (lbp:claim-kind-*)."),
    VocabTerm("lbp:outcome", "property", "Claim -> the outcome it is about."),
    VocabTerm("lbp:claimedEffect", "property", "Efficacy claim -> which way it points (lbp:effect-*)."),
    VocabTerm("lbp:population", "property", "Claim or source -> population concept."),
    VocabTerm("lbp:aboutCondition", "property", "Claim -> a condition it is about (sciatica, disc herniation)."),
    VocabTerm("lbp:invokesMechanism", "property", "Claim -> a mechanism it invokes."),
    VocabTerm("oa:hasBody", "property", "Appearance -> the claim it makes."),
    VocabTerm("oa:hasTarget", "property", "Annotation -> targeted part of the article."),
    VocabTerm("oa:hasSource", "property", "Target -> the article."),
    VocabTerm("oa:hasSelector", "property", "Target -> a selector."),
    VocabTerm("oa:exact", "property", "The exact quote."),
    VocabTerm("oa:prefix", "property", "Up to 32 characters before the quote."),
    VocabTerm("oa:suffix", "property", "Up to 32 characters after the quote."),
    VocabTerm("oa:start", "property", "Start offset (characters) in the archived text."),
    VocabTerm("oa:end", "property", "End offset (characters, exclusive)."),
    VocabTerm("dcterms:isPartOf", "property", "Appearance, span or missing warning -> its article."),
    VocabTerm("lbp:speaker", "property", "Appearance -> who speaks."),
    VocabTerm("lbp:draft", "property", "Article or appearance -> true while unreviewed; drafts never count toward a verdict."),
    VocabTerm("lbp:hedging", "property", "Appearance -> lbp:hedging-certain or lbp:hedging-hedged."),
    VocabTerm("lbp:appeal", "property", "Appearance -> a non-citation basis it offers (authority, tradition, anecdote)."),
    VocabTerm("lbp:notClaimReason", "property", "Not-a-claim span -> reason."),
    VocabTerm("rdfs:comment", "property", "A curator's note."),
    # citation
    VocabTerm("lbp:hasCitation", "property", "Appearance, article or source -> a citation it makes."),
    VocabTerm("cito:hasCitingEntity", "property", "Citation -> the citing appearance, article or source."),
    VocabTerm("cito:hasCitedEntity", "property", "Citation -> the cited source (absent when an attribution names no work)."),
    VocabTerm("cito:hasCitationCharacterization", "property", "Citation -> CiTO relation (cito:citesAsEvidence, ...)."),
    VocabTerm("cito:cites", "property", "Shortcut: citing entity -> cited source."),
    VocabTerm("lbp:citationMode", "property", "Citation -> how it is cited (lbp:mode-*)."),
    VocabTerm("lbp:marker", "property", "The marker as printed: (9), [1], 1."),
    VocabTerm("dcterms:bibliographicCitation", "property", "The reference as printed in the article, errors included."),
    VocabTerm("lbp:fidelity", "property", "Citation or assessment -> fidelity (lbp:fidelity-*)."),
    VocabTerm("lbp:stance", "property", "Citation -> how the source states the claim (lbp:stance-*)."),
    VocabTerm("lbp:indirectness", "property", "Citation -> how the curators judged the source's question indirect for the claim (lbp:indirect-*)."),
    VocabTerm("lbp:identificationConfidence", "property", "Citation -> confidence of the identification (lbp:confidence-*)."),
    VocabTerm("lbp:forClaim", "property", "Citation -> the claim it is offered for."),
    VocabTerm("lbp:position", "property", "Order of a citation within its appearance (1-based)."),
    # source
    VocabTerm("dcterms:title", "property", "Title of a source (corrected)."),
    VocabTerm("dcterms:creator", "property", "One author of a source."),
    VocabTerm("lbp:authorList", "property", "Authors of a source in order, as one string."),
    VocabTerm("fabio:hasPublicationYear", "property", "Publication year (xsd:gYear)."),
    VocabTerm("prism:publicationName", "property", "Journal or book a source appeared in."),
    VocabTerm("prism:volume", "property", "Volume."),
    VocabTerm("prism:number", "property", "Issue."),
    VocabTerm("prism:pageRange", "property", "Pages or article number."),
    VocabTerm("prism:doi", "property", "DOI, where one was seen in a public page."),
    VocabTerm("fabio:hasPubMedId", "property", "PMID, where one was seen."),
    VocabTerm("fabio:hasPubMedCentralId", "property", "PMCID, where one was seen."),
    VocabTerm("lbp:peerReview", "property", "Source -> peer-review status (lbp:peer-review-*)."),
    VocabTerm("lbp:studyDesign", "property", "Source -> design tier (lbp:design-*)."),
    VocabTerm("lbp:designDescription", "property", "The source's design in words."),
    VocabTerm("lbp:sampleSize", "property", "Number of participants or specimens (xsd:integer)."),
    VocabTerm("lbp:sampleDescription", "property", "The sample in words."),
    VocabTerm("lbp:populationDescription", "property", "The population in words."),
    VocabTerm("lbp:studiedIntervention", "property", "Source -> an intervention it studied."),
    VocabTerm("lbp:studiedOutcome", "property", "Source -> an outcome it measured."),
    VocabTerm("lbp:reviewedDesign", "property", "Review -> a design of the studies it included (lbp:design-*)."),
    VocabTerm("lbp:riskOfBias", "property", "Source -> a fact that puts it at risk of bias (lbp:bias-*)."),
    VocabTerm("lbp:finding", "property", "What the source found (paraphrase)."),
    VocabTerm("lbp:verification", "property", "Source -> verification status (lbp:verification-*)."),
    VocabTerm("lbp:verifiedAt", "property", "A public page where the record was checked."),
    VocabTerm("lbp:correction", "property", "A difference between the article's citation and the verified record."),
    # concepts
    VocabTerm("skos:prefLabel", "property", "Label of a concept."),
    VocabTerm("skos:altLabel", "property", "Another name of a concept (a synonym, an abbreviation), shown and searched."),
    VocabTerm("skos:hiddenLabel", "property",
              "A word a search finds a concept by that is no name for it (a verb of relief on an outcome of relief)."),
    VocabTerm("skos:definition", "property", "Definition of a concept."),
    VocabTerm("skos:notation", "property", "Value of a controlled concept as the design spells it."),
    VocabTerm("skos:inScheme", "property", "Concept -> its scheme."),
    VocabTerm("skos:broader", "property", "Concept -> a broader concept."),
    VocabTerm("skos:exactMatch", "property", "Concept -> the same concept in MeSH or UBERON."),
    VocabTerm("skos:broadMatch", "property", "Concept -> a broader MeSH heading (the closest standard one)."),
    VocabTerm("lbp:actsOn", "property", "Mechanism -> a structure it acts on."),
    VocabTerm("lbp:direction", "property", "Mechanism -> how it acts (lbp:direction-*)."),
    VocabTerm("lbp:affects", "property", "Condition -> a structure it affects."),
    VocabTerm("lbp:outcomeKind", "property", "Outcome -> clinical or mechanistic."),
    VocabTerm("lbp:rank", "property", "Order of a controlled value (1 is strongest)."),
    VocabTerm("lbp:cebmLevel", "property", "Design tier -> Oxford CEBM 2011 level (treatment benefits)."),
    VocabTerm("lbp:gradeStart", "property", "Design tier -> the certainty a rating of it starts at (rules/parameters.ttl)."),
    VocabTerm("lbp:impliedRiskOfBias", "property", "Design tier -> a risk of bias every study of that design has (rules/parameters.ttl)."),
    VocabTerm("rdf:value", "property", "The value of a rule parameter."),
    # contraindication and curator evidence
    VocabTerm("lbp:intervention", "property", "Contraindication -> intervention."),
    VocabTerm("lbp:condition", "property", "Contraindication -> condition."),
    VocabTerm("lbp:severity", "property", "Contraindication -> severity (lbp:severity-*)."),
    VocabTerm("lbp:statedBy", "property", "Contraindication -> the claim that states it."),
    VocabTerm("lbp:viaMechanism", "property", "Inferred caution -> the mechanism it is inferred from."),
    VocabTerm("lbp:loadedStructure", "property", "Inferred caution -> the structure the mechanism loads."),
    VocabTerm("lbp:recommends", "property", "Derived: article -> an intervention it makes a beneficial efficacy claim about."),
    VocabTerm("lbp:statesWarning", "property", "Derived: article -> a contraindication one of its claims states."),
    VocabTerm("lbp:knownFrom", "property", "Missing warning -> the stated or inferred contraindication it is known from."),
    VocabTerm("lbp:assessesClaim", "property", "Curator assessment -> claim."),
    VocabTerm("lbp:evidenceSource", "property", "Curator assessment -> source."),
    VocabTerm("prov:wasAttributedTo", "property", "Curator evidence or assessment -> the curators."),
    # derived
    VocabTerm("lbp:basis", "property", "Derived: appearance -> its basis; claim -> every basis of its appearances."),
    VocabTerm("lbp:candidateBasis", "property", "Derived: appearance -> a basis it qualifies for (the strongest becomes lbp:basis)."),
    VocabTerm("lbp:supportingCitation", "property", "Derived: appearance -> a citation that grounds a peer-reviewed or grey-literature basis."),
    VocabTerm("lbp:peerReviewedSupportFrom", "property", "Derived: appearance -> a peer-reviewed source whose citation grounds basis peer-reviewed."),
    VocabTerm("lbp:leadsTo", "property", "Derived: citation -> an onward citation for the same claim."),
    VocabTerm("lbp:peerReviewedSupport", "property", "Derived: claim -> true when an appearance has basis peer-reviewed."),
    VocabTerm("lbp:strength", "property", "Derived: claim -> strongest design tier among its supporting peer-reviewed sources."),
    VocabTerm("lbp:flag", "property", "Derived: appearance or claim -> a flag (lbp:flag-*)."),
    VocabTerm("lbp:dataBearsOn", "property", "Derived: citation -> the claim its source has data of its own on (data stance, the claim's intervention and outcome)."),
    VocabTerm("lbp:certainty", "property", "Derived: claim or rating -> certainty of the evidence (lbp:certainty-*, GRADE)."),
    VocabTerm("lbp:certaintyFrom", "property", "Derived: claim -> the rating(s) its certainty comes from."),
    VocabTerm("lbp:certaintyReasons", "property", "Derived: claim -> its certainty in words: the rated sources and every downgrade, sorted."),
    VocabTerm("lbp:ratesClaim", "property", "Derived: rating -> the claim it rates."),
    VocabTerm("lbp:ratedSource", "property", "Derived: rating -> the peer-reviewed source whose data it rates."),
    VocabTerm("lbp:startCertainty", "property", "Derived: rating -> the certainty it starts at, from the source's design."),
    VocabTerm("lbp:downgrade", "property", "Derived: rating -> a reason it is rated down."),
    VocabTerm("lbp:concern", "property", "Derived: downgrade -> its GRADE domain (lbp:concern-*)."),
    VocabTerm("lbp:levels", "property", "Derived: downgrade -> how many levels it rates down (1, or 2 when very serious)."),
    VocabTerm("lbp:reason", "property", "Derived: downgrade -> why, in words."),
    VocabTerm("lbp:sentenceCount", "property", "Derived: article -> number of sentences."),
    VocabTerm("lbp:accountedSentenceCount", "property", "Derived: article -> sentences in a claim appearance or a not-a-claim span."),
    VocabTerm("lbp:derivedSubject", "property", "Derivation -> subject of the derived triple."),
    VocabTerm("lbp:derivedPredicate", "property", "Derivation -> predicate of the derived triple."),
    VocabTerm("lbp:derivedObject", "property", "Derivation -> object of the derived triple."),
    VocabTerm("prov:wasGeneratedBy", "property", "Derivation -> the rule that made it."),
    VocabTerm("prov:used", "property", "Derivation -> a premise: a resource bound in a solution that produced the triple."),
    VocabTerm("lbp:ruleOrder", "property", "Rule -> its position in the fixed order."),
    VocabTerm("lbp:ruleFile", "property", "Rule -> the file that holds its SPARQL."),
    VocabTerm("rdfs:label", "property", "Display label of a source, rule, agent, named graph or unnamed speaker."),
    VocabTerm("rdf:type", "property", "Class membership."),
) + tuple(
    VocabTerm(f"cito:{relation}", "property",
              "Shortcut: citing entity -> cited source, with this CiTO characterisation.")
    for relation in CITO_RELATIONS
)
