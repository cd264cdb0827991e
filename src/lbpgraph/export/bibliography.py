"""The bibliography: every identified source, as CSL-JSON and as BibTeX.

Read from the graph (FaBiO, PRISM and Dublin Core terms), values as verified. A record that is not
verified says so in its ``note`` ("unverified: ..."), and a field the curators annotated keeps only
what was seen: a volume, issue or pages whose remark says it was not seen ("as cited", "inferred
from DOI string; not seen") is left out, any other remark is dropped from the value, and every
remark goes to the note as the curators wrote it; a title or venue "(as cited)" is kept, marked in
the note. Authors are as the records give them ("Dufek JS"): the last
word, when it is initials, is the given name ("J. S."), and a name that is not in that form stays
whole (CSL ``literal``, BibTeX braces). ``URL`` is the DOI's resolver address, else PubMed's
for a PMID, else PubMed Central's for a PMCID: made from a verified identifier, never guessed.
Unidentified sources (a bare reference marker) are left out.

BibTeX is written by bibtexparser, with the text of every field LaTeX-encoded by pylatexenc (its
encoder: braces, ``%``, ``&``, ``$``, ``#``, ``_``, ``~``, ``^``, backslashes and non-ASCII letters
become commands), so a title from an article cannot break the file or run a macro.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..core import safejson, vocab

if TYPE_CHECKING:
    from . import Export

_CSL_TYPES = {"fabio:JournalArticle": ("article-journal", "article"), "fabio:ReviewArticle": ("article-journal", "article"),
              "fabio:ConferencePaper": ("paper-conference", "inproceedings"),
              "fabio:BookChapter": ("chapter", "incollection"), "fabio:Book": ("book", "book"),
              "fabio:WebPage": ("webpage", "misc")}
_VENUE_FIELD = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle", "book": "publisher",
                "misc": "howpublished"}
_INITIALS = re.compile(r"[A-Z]{1,4}")
_PLAIN = re.compile(r"(?:article )?[0-9A-Za-z]+(?:[-\u2013][0-9A-Za-z]*)?")  # a locator without a remark
_LEADING = re.compile(r"(\d+(?:[-\u2013]\d+)?) \(")  # "344-350 (Feb 15 2009)"
_UNSEEN = re.compile(r"not seen|as cited|inferred|from DOI", re.IGNORECASE)
_AS_CITED = re.compile(r"\s*\(as cited\)$")
_STATUS = {"unverified": "unverified: not checked against a public record; details as printed in the article",
           "partially-verified": "partially verified: only some fields checked against a public record"}


def _e(curie: str) -> str:
    return vocab.expand(curie)


def seen(field: str, text: str | None) -> tuple[str | None, str | None]:
    """A stored field as (the value as seen or None, the curators' remark for the note or None):
    ``("issue", "4 (inferred from DOI string; not seen)")`` -> ``(None, "issue: 4 (inferred ...)")``."""
    if text is None:
        return None, None
    if field in ("title", "venue"):
        bare = _AS_CITED.sub("", text)
        return bare, (f"{field} as cited by an article, not seen" if bare != text else None)
    if _PLAIN.fullmatch(text):
        return text, None
    leading = _LEADING.match(text)
    return (leading.group(1) if leading and not _UNSEEN.search(text) else None), f"{field}: {text}"


def _note(verification: str, fields: dict[str, str | None]) -> tuple[dict[str, str | None], str | None]:
    """The fields as seen, and the note: the record's verification status, then each field's remark."""
    notes = [_STATUS[verification]] if verification in _STATUS else []
    out = {}
    for name, text in fields.items():
        out[name], remark = seen(name, text)
        notes += [remark] if remark else []
    return out, "; ".join(notes) or None


def records(export: Export) -> list[dict[str, Any]]:
    """Every identified source as a plain record, by id."""
    out = []
    source_ns = vocab.PREFIXES["source"]
    for subject, props in sorted(export.union.items()):
        if not subject.startswith(source_ns) or _e("lbp:peerReview") not in props:
            continue
        types = {t.value for t in props.get(_e("rdf:type"), [])}
        if _e("lbp:UnidentifiedSource") in types:
            continue

        def one(curie: str) -> str | None:
            values = sorted(v.value for v in props.get(_e(curie), []))
            return values[0] if values else None
        kind = next((k for k in _CSL_TYPES if _e(k) in types), "fabio:JournalArticle")
        authors = one("lbp:authorList")
        verification = vocab.VERIFICATION.notation_of(one("lbp:verification") or vocab.VERIFICATION.iri("unverified"))
        fields, note = _note(verification, {"title": one("dcterms:title"), "venue": one("prism:publicationName"),
                                            "volume": one("prism:volume"), "issue": one("prism:number"),
                                            "pages": one("prism:pageRange")})
        out.append({"id": subject[len(source_ns):], "csl_type": _CSL_TYPES[kind][0], "bibtex_type": _CSL_TYPES[kind][1],
                    **fields, "authors": authors.split(", ") if authors else [], "year": one("fabio:hasPublicationYear"),
                    "doi": one("prism:doi"), "pmid": one("fabio:hasPubMedId"), "pmcid": one("fabio:hasPubMedCentralId"),
                    "verification": verification, "note": note})
    return out


def url(record: dict[str, Any]) -> str | None:
    """The resolver address of the record's identifier (DOI, else PMID, else PMCID)."""
    if record["doi"]:
        return "https://doi.org/" + quote(record["doi"], safe="/:;()._-")
    if record["pmid"]:
        return f"https://pubmed.ncbi.nlm.nih.gov/{record['pmid']}/"
    if record["pmcid"]:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{record['pmcid']}/"
    return None


def split_name(name: str) -> tuple[str, str] | None:
    """'Dufek JS' -> ('Dufek', 'J. S.'); None when the name is not 'Family Initials'."""
    family, _, given = name.rpartition(" ")
    return (family, " ".join(f"{c}." for c in given)) if family and _INITIALS.fullmatch(given) else None


def csl_item(record: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": record["id"], "type": record["csl_type"]}
    if record["title"]:
        item["title"] = record["title"]
    if record["authors"]:
        item["author"] = [{"family": parts[0], "given": parts[1]} if (parts := split_name(n)) else {"literal": n}
                          for n in record["authors"]]
    if record["year"]:
        item["issued"] = {"date-parts": [[int(record["year"])]]}
    for field, key in (("venue", "container-title"), ("volume", "volume"), ("issue", "issue"), ("pages", "page"),
                       ("doi", "DOI"), ("pmid", "PMID"), ("pmcid", "PMCID"), ("note", "note")):
        if record[field]:
            item[key] = record[field]
    if (address := url(record)) is not None:
        item["URL"] = address
    return item


def csl_json(export: Export) -> bytes:
    items = [csl_item(r) for r in records(export)]
    return (safejson.dumps(items, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def bibtex(export: Export) -> bytes:
    import bibtexparser
    from bibtexparser.library import Library
    from bibtexparser.model import Entry, Field
    from pylatexenc.latexencode import UnicodeToLatexEncoder
    encoder = UnicodeToLatexEncoder(non_ascii_only=False, unknown_char_policy="keep")

    def tex(text: str) -> str:
        return encoder.unicode_to_latex(text)

    def verbatim(text: str) -> bool:  # a DOI as written, if a verbatim field can hold it
        return "\\" not in text and text.count("{") == text.count("}") == 0 and not re.search(r"\s", text)

    entries = []
    for r in records(export):
        fields = []
        if r["authors"]:
            names = [f"{tex(p[0])}, {tex(p[1])}" if (p := split_name(n)) else "{" + tex(n) + "}" for n in r["authors"]]
            fields.append(Field("author", " and ".join(names)))
        for name, value in (("title", r["title"]), (_VENUE_FIELD[r["bibtex_type"]], r["venue"]), ("year", r["year"]),
                            ("volume", r["volume"]), ("number", r["issue"]), ("pages", r["pages"]), ("note", r["note"])):
            if value:
                fields.append(Field(name, tex(value)))
        if r["doi"] and verbatim(r["doi"]):
            fields.append(Field("doi", r["doi"]))
        if (address := url(r)) is not None:
            fields.append(Field("url", address))
        for name in ("pmid", "pmcid"):
            if r[name]:
                fields.append(Field(name, r[name]))
        entries.append(Entry(r["bibtex_type"], r["id"], fields))
    return bibtexparser.write_string(Library(entries)).encode("utf-8")
