"""The main text and metadata of a saved web page, extracted with trafilatura.

trafilatura drops the page's furniture (menus, cookie banners, sidebars, footers) and keeps the
article with its comments; this module writes what it keeps as plain text, one block a line with
a blank line between blocks, so that offsets into that text hold. Headings stand on their own
line; list items keep their numbers ("1. ", an unordered item "- "); a superscript is written
"^1" (a footnote marker stays a marker, "m^2" stays a unit); line breaks inside a paragraph are
kept; table cells are joined by " | ", except in a table used for layout (an email newsletter's
cells hold headings, paragraphs and lists), whose cells are read as blocks. A hyperlink to another
site is a citation of what it points to, so its address is kept after its text: "a review (https://
doi.org/...)" is read as "a review" with, beside the text, where "a review" stands and what it points
to (``Page.links``); a link that prints its own address stays as it is. The furniture of an email (view in
your browser, unsubscribe, update your preferences, why you receive it) is left out. The page's
title, author, site, date and canonical address come with it; an author the page names once keeps
its commas ("Physiotherapy Department, Riverside Hospitals" is one author).

trafilatura is imported here only, so that only ingesting a web page loads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                         re.I | re.S)
_BLOCKS = {"p", "head", "list", "quote", "table", "code", "item", "row"}
_LAYOUT = {"p", "head", "list", "table", "quote"}  # what a layout table's cells hold and a data table's do not
# the furniture of an email newsletter, as a block starts (or a "|"-separated part of one)
_EMAIL_FURNITURE = re.compile(
    r"^(?:view|read|open)[ \t]+(?:this|the|it|our)[ \t]+(?:\w+[ \t]+)?(?:in|on)[ \t]+(?:your|a|the)[ \t]+"
    r"(?:web[ \t]+)?browser|^(?:click[ \t]+here[ \t]+to[ \t]+)?unsubscribe\b|^(?:update|manage|change|edit)[ \t]+"
    r"(?:your[ \t]+)?(?:email[ \t]+|subscription[ \t]+|mailing[ \t]+)?(?:preferences|subscriptions?|settings)\b"
    r"|^you(?:['’]re|[ \t]+are|[ \t]+were)[ \t]+receiving[ \t]+this\b|^this[ \t]+(?:email|message)[ \t]+was[ \t]+sent[ \t]+to\b"
    r"|^(?:having[ \t]+)?trouble[ \t]+(?:viewing|reading)[ \t]+this|^forward[ \t]+(?:this[ \t]+(?:email|newsletter)|to[ \t]+a[ \t]+friend)"
    r"|^if[ \t]+you[ \t]+no[ \t]+longer[ \t]+wish[ \t]+to[ \t]+receive|^add[ \t]+us[ \t]+to[ \t]+your[ \t]+address[ \t]+book",
    re.I)
_BARE_LINK = re.compile(r"^(?:[^\n]{0,200}?[.:|\-–][ \t]+)?https?://\S+$")  # "https://...", "Title. https://..."
_LINKED = re.compile("\ue000([^\ue000-\ue002]*)\ue001([^\ue000-\ue002]*)\ue002")


@dataclass(frozen=True)
class Page:
    """What a web page holds: its main text and what its metadata says."""

    text: str
    title: str | None = None
    author: str | None = None
    site: str | None = None
    date: str | None = None  # YYYY-MM-DD, as the page states it
    url: str | None = None  # the canonical address the page gives
    links: tuple[tuple[int, int, str], ...] = ()  # (start, end, address): a link's words in the text, its target


def looks_like_html(name: str, data: bytes) -> bool:
    """Whether a file is a web page: by its name, else by how it starts."""
    return name.lower().endswith((".html", ".htm", ".xhtml")) or bool(_HTML_START.match(data[:4096]))


def _date(html: str | bytes, marked: str | None) -> str | None:
    """The page's date: as its markup gives it (meta tags, structured data, a time element), else a
    full date printed in its words ("Posted 3 March 2024"); never a year alone ("© 2025", "version
    3 (2025)"), which the date finder reads as 1 January: no date is better than a wrong one."""
    if marked:
        return marked
    from htmldate import find_date
    from trafilatura.settings import set_date_params
    if isinstance(html, bytes):
        html = html.decode("utf-8", "replace")
    found = find_date(_YEAR_ONLY.sub(" ", html), **set_date_params(extensive=True))
    return found if found and not found.endswith("-01-01") else None


# a year that dates no article: "© 2025", "Copyright 2019-2025", "(c) 2024"
_YEAR_ONLY = re.compile(r"(?:©|&copy;|&#169;|\(c\)|\bcopyright\b)[ \t]*(?:\d{4}[ \t]*[-–][ \t]*)?\d{4}", re.I)



def extract(html: str | bytes, url: str | None = None) -> Page:
    """The main text and metadata of ``html``; the text is empty when the page holds none."""
    import trafilatura
    from trafilatura.settings import set_date_params
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=True,
                                      include_tables=True, include_formatting=True, include_links=True, favor_recall=True,
                                      deduplicate=False,
                                      date_extraction_params=set_date_params(extensive=False))
    if doc is None:
        return Page("")
    blocks: list[str] = []
    for part in (doc.body, doc.commentsbody):
        if part is not None and part.tag != "nav":  # a page with no text but its menu
            for child in part:
                _render(child, blocks)
    text = "\n\n".join(b for b in blocks if b.strip() and not _email_furniture(b))
    title = _clean(doc.title)
    if title and text.strip() and not _starts_with(_LINKED.sub(r"\1", text), title):
        text = f"{title}\n\n{text}"
    text, links = _take_links(text, url or _clean(doc.url))
    dropped = _dropped_references(html, text)
    if dropped:
        text = f"{text}\n\n{dropped}" if text else dropped
    author = _meta_author(html, _clean(doc.author))
    if not text.strip():
        return Page("", title, author, _clean(doc.sitename), _date(html, _clean(doc.date)), _clean(doc.url))
    return Page(text=text + "\n" if text else "", title=title, author=author, site=_clean(doc.sitename),
                date=_date(html, _clean(doc.date)), url=_clean(doc.url), links=links)


def _dropped_references(html: str | bytes, kept: str) -> str:
    """Reference entries the extractor took for page furniture (a footnote list in a <footer>
    or an <aside>, a list of bare links): found by their shape, they are kept after the text, under
    their heading."""
    from trafilatura.utils import load_html

    from .references import STRONG, score
    tree = load_html(html)
    if tree is None:
        return ""
    have = " ".join(kept.split())
    groups: list[tuple[str | None, list[str]]] = []
    last_parent = None
    for element in tree.iter("li", "p", "dd", "div"):
        if element.tag == "div" and any(child.tag in ("p", "li", "div", "ol", "ul") for child in element):
            continue
        entry = " ".join(element.text_content().split())
        body = re.sub(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}[.)]|\^\d{1,3})\s*", "", entry)
        if not body or body in have or (score(body) < STRONG and not (element.tag == "li" and _BARE_LINK.match(body))):
            continue
        parent = element.getparent()
        if element.tag == "li" and parent is not None and parent.tag == "ol":
            entry = f"{[c for c in parent if c.tag == 'li'].index(element) + 1}. {entry}"
        if parent is not last_parent or not groups:
            groups.append((_heading_before(element), []))
            last_parent = parent
        groups[-1][1].append(entry)
    return "\n\n".join("\n".join(([heading] if heading else []) + entries) for heading, entries in groups)


def _email_furniture(block: str) -> bool:
    """A block of an email's furniture: every line (every "|"-separated part) of it is furniture."""
    parts = [_LINKED.sub(r"\1", p).strip() for p in re.split(r"\n|[ \t]\|[ \t]", block)]
    parts = [p for p in parts if p]
    return bool(parts) and all(_EMAIL_FURNITURE.search(p) for p in parts)


def _take_links(text: str, url: str | None) -> tuple[str, tuple[tuple[int, int, str], ...]]:
    """The text with its links' words only, and where each link to another site stands and what it
    points to (a link to the page's own site is navigation, not a citation)."""
    host = _host(url)
    out: list[str] = []
    links: list[tuple[int, int, str]] = []
    at = length = 0
    for m in _LINKED.finditer(text):
        out.append(text[at:m.start()])
        length += m.start() - at
        anchor = m.group(1)
        if anchor.strip() and not (host and _host(m.group(2)) == host):
            lead = len(anchor) - len(anchor.lstrip())
            links.append((length + lead, length + len(anchor.rstrip()), m.group(2)))
        out.append(anchor)
        length += len(anchor)
        at = m.end()
    out.append(text[at:])
    return "".join(out), tuple(links)


def _host(url: str | None) -> str | None:
    m = re.match(r"https?://(?:www\.)?([^/:?#\s]+)", url or "", re.I)
    return m.group(1).lower() if m else None


def _meta_author(html: str | bytes, author: str | None) -> str | None:
    """The author as the page's one author tag names it: the extractor splits a name at its commas
    ("Physiotherapy Department, Riverside Hospitals"), which one tag gives as one author."""
    if not author or "; " not in author:
        return author
    from trafilatura.utils import load_html
    tree = load_html(html)
    if tree is None:
        return author
    named = {" ".join(str(c).split()) for c in tree.xpath('//meta[@name="author" or @property="article:author"]/@content')}
    joined = author.replace("; ", ", ")
    return joined if len(named) == 1 and " ".join(next(iter(named)).split()) == joined else author


def _link(anchor: str, target: str | None) -> str:
    """A link's text, with the address it points to when that is another page on the web."""
    if not target or not re.match(r"https?://", target) or target.strip() in anchor or not anchor.strip():
        return anchor
    return f"\ue000{anchor}\ue001{target.strip()}\ue002"


def _heading_before(element: Any) -> str | None:
    """The heading just before a list in its container (a footer's "Footnotes"), if any."""
    container = element.getparent()
    while container is not None and container.tag in ("ol", "ul", "dl"):
        element, container = container, container.getparent()
    if container is None:
        return None
    for sibling in element.itersiblings(preceding=True):
        if isinstance(sibling.tag, str) and re.fullmatch(r"h[1-6]|strong|b", sibling.tag):
            return " ".join(sibling.text_content().split()) or None
        if isinstance(sibling.tag, str) and sibling.tag in ("p", "li", "div"):
            continue
    return None


def _clean(value: Any) -> str | None:
    return " ".join(str(value).split()) or None if value else None


def _starts_with(text: str, title: str) -> bool:
    first = " ".join(text.strip().split("\n", 1)[0].split()).lower()
    return first.startswith(title.lower()[:40]) or title.lower().startswith(first[:40]) if first else False


def _inline(element: Any) -> str:
    """The text of an inline element and its children: superscripts as ^N, line breaks kept."""
    out = [element.text or ""]
    for child in element:
        out.append(_inline_child(child))
        out.append(child.tail or "")
    return "".join(out)


def _inline_child(child: Any) -> str:
    if child.tag == "lb":
        return "\n"
    if child.tag == "hi" and "sup" in (child.get("rend") or ""):
        return _sup(_inline(child))
    if child.tag in _BLOCKS:
        return " " + _inline(child) + " "
    if child.tag == "ref":
        return _link(_inline(child), child.get("target"))
    return _inline(child)


def _sup(inner: str) -> str:
    """A superscript as plain text: "^1" ("[1]" when it prints its own brackets)."""
    inner = inner.strip()
    return inner if not inner or re.fullmatch(r"\[[^\]]*\]", inner) else f"^{inner}"


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _render(element: Any, blocks: list[str]) -> None:
    tag = element.tag
    if tag == "nav":
        return  # a menu the extractor kept along with its links: furniture
    if tag == "list":
        ordered = "ol" in (element.get("rend") or "")
        items = [_tidy(_inline_item(item)) for item in element if item.tag == "item"]
        lines = [f"{n}. {t}" if ordered else f"- {t}" for n, t in enumerate(items, 1) if t]
        if lines:
            blocks.append("\n".join(lines))
    elif tag == "table" and any(c.tag in _LAYOUT for row in element for cell in row for c in cell):
        for row in element:
            for cell in row:
                _render_cell(cell, blocks)
    elif tag == "table":
        rows = [" | ".join(_tidy(_inline(c)).replace("\n", " ") for c in row) for row in element if row.tag == "row"]
        if any(r.strip(" |") for r in rows):
            blocks.append("\n".join(r for r in rows if r.strip(" |")))
    elif tag in ("div", "main", "body", "comments"):
        for child in element:
            _render(child, blocks)
    else:
        text = _tidy(_inline(element))
        if text:
            blocks.append(text)


def _inline_item(item: Any) -> str:
    """A list item's text; a list nested in it goes on its own lines."""
    parts = [item.text or ""]
    for child in item:
        if child.tag == "list":
            nested: list[str] = []
            _render(child, nested)
            parts.append("\n" + "\n".join(nested) + "\n")
        elif child.tag == "lb":
            parts.append("\n")
        elif child.tag == "hi" and "sup" in (child.get("rend") or ""):
            parts.append(_sup(_inline(child)))
        elif child.tag == "ref":
            parts.append(_link(_inline(child), child.get("target")))
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _render_cell(cell: Any, blocks: list[str]) -> None:
    """A layout table's cell: its paragraphs, headings and lists as blocks, the text between them as one."""
    run = [cell.text or ""]

    def flush() -> None:
        text = _tidy("".join(run))
        if text:
            blocks.append(text)
        run.clear()

    for child in cell:
        if child.tag in _LAYOUT or child.tag in ("div", "row", "cell"):
            flush()
            _render_cell(child, blocks) if child.tag in ("div", "row", "cell") else _render(child, blocks)
        elif child.tag == "lb":
            run.append("\n")
        else:
            run.append(_inline_child(child))
        run.append(child.tail or "")
    flush()
