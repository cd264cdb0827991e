"""Where the pages link to: an article's own http(s) address, a DOI at doi.org, a PMID at PubMed.

Every address a page shows passes through here, so no ``javascript:``, ``data:`` or relative
address can reach an ``href``; the templates escape what is left.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_WEB = re.compile(r"https?://\S+", re.I)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_PMID = re.compile(r"\d{1,9}")


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address, else None."""
    return url if url and _WEB.fullmatch(url) else None


def doi_url(doi: str | None) -> str | None:
    """The doi.org address of a DOI (its reserved characters percent-encoded), or None."""
    return f"https://doi.org/{quote(doi, safe='/:;()._-')}" if doi and _DOI.fullmatch(doi) else None


def pmid_url(pmid: str | None) -> str | None:
    """The PubMed address of a PMID, or None."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid and _PMID.fullmatch(pmid) else None
