"""Human-readable renderings: the trace tree (text and Markdown) and the corpus statistics.

Every string that comes from an article or a record is data. In text output, control
characters (which could drive a terminal) are shown as ``\\uXXXX`` escapes; in Markdown,
characters that would start markup or raw HTML are backslash-escaped.
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, Any

from ..core.console import bold, fit_lines, safe, table

if TYPE_CHECKING:
    from ..analysis.records import AppearanceRecord, ArticleRef, CitationRecord, Distortions, SourceRecord, Verdict
    from ..analysis.search import Hit
    from ..analysis.stats import Stats
    from ..analysis.trace import Trace

_URL_UNSAFE = re.compile(r"[^!-~]|[<>\\`|]")  # in a Markdown link: spaces, controls, non-ASCII, <>\` and | (tables)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#])")
_WIDTH = 100


def md(text: Any) -> str:
    """One-line Markdown-escaped text: no markup, links or HTML can come from the data."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(safe(text).split()))


def md_link(text: str, url: str | None) -> str:
    """``text`` (already Markdown-escaped) linked to ``url``: an http(s) address only, as
    ``<url>`` with the characters that could end it percent-encoded; plain ``text`` otherwise."""
    if not url or not re.match(r"https?://", url, re.I):
        return text
    encoded = _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url)
    return f"[{text}](<{encoded}>)"


def _wrap(text: str, indent: str, width: int = _WIDTH) -> list[str]:
    width = max(40, width - len(indent))
    return textwrap.wrap(" ".join(text.split()), width=width, break_on_hyphens=False) or [""]


def certainty_line(verdict: Verdict) -> str:
    """'low (GRADE), peer-reviewed support: yes': what a reader sees first."""
    label = {"very-low": "very low"}.get(verdict["certainty"], verdict["certainty"])
    support = "yes" if verdict["peer_reviewed_support"] else "no"
    return f"{label} (GRADE) · peer-reviewed support: {support}"


def certainty_lines(verdict: Verdict) -> list[str]:
    """Where the certainty comes from: per rated source, its start and each downgrade, once per
    concern with all its reasons."""
    from ..analysis.explain import downgrades
    steps = downgrades(verdict["certainty_reasons"])
    lines = []
    for origin in verdict["certainty_from"]:
        design = (origin["design"] or "no design").replace("-", " ")
        checked = "" if origin["verification"] == "verified" else \
            f"; record {(origin['verification'] or 'not checked').replace('-', ' ')}"
        lines.append(f"from {origin['label']} ({design}{checked}): starts {origin['start']}, ends {origin['certainty']}")
        lines += [f"  -{levels} {concern.replace('-', ' ')}: {'; '.join(why)}"
                  for source, concern, levels, why in steps if source == origin["source"]]
    return lines


def _strength(verdict: Verdict) -> str:
    s = verdict["strength"]
    if s and not verdict["peer_reviewed_support"]:  # rule 054: what a source says, not what it found
        return f"expert opinion only (OCEBM 2011 level {s['cebm_level']}): a source's hypothesis, background or advice"
    if s:
        return f"{s['label']} (OCEBM 2011 level {s['cebm_level']})"
    return "not known (no design on record ranks the supporting sources)" if verdict["peer_reviewed_support"] else "none"


def _source_line(s: SourceRecord) -> str:
    if not s["identified"]:
        return f"{s['label']}: unidentified source"
    parts = [s["label"]]
    if s["design_label"]:
        parts.append(s["design_label"])
    if s["sample_size"]:
        parts.append(f"n={s['sample_size']}")
    parts.append({"yes": "peer-reviewed", "no": "not peer-reviewed",
                  "unclear": "peer review unclear", "unknown": "peer review unknown"}[s["peer_reviewed"]])
    if s["verification"] != "verified":
        parts.append(s["verification"])
    return " · ".join(parts)


def _citation_line(c: CitationRecord) -> str:
    marker = c["marker"] or {"vague": "(vague)", "named-venue": "(named venue)"}.get(c["mode"], "(no marker)")
    parts = [marker, c["mode"], c["relation"] or "", f"fidelity {c['fidelity']}"]
    if c["stance"]:
        parts.append(f"stance {c['stance']}")
    if c["confidence"] != "certain":
        parts.append(f"identified with {c['confidence']} confidence")
    return " · ".join(p for p in parts if p)


def _speaker(a: AppearanceRecord) -> str:
    sp = a["speaker"]
    role = (sp["role"] or "").replace("-", " ")
    return f"{sp['name']} ({role})" if sp["name"] else role


def article_details(article: ArticleRef, sep: str = " · ") -> str:
    """What is known of where and when an article appeared: site, publisher (when not the site),
    authors, dates; '' when nothing is. Plain text: the caller escapes it."""
    site, publisher = article.get("site"), article.get("publisher")
    parts = [site, publisher if publisher != site else None,
             "by " + ", ".join(article["authors"]) if article.get("authors") else None,
             f"published {article['published']}" if article.get("published") else None,
             f"accessed {article['accessed']}" if article.get("accessed") else None]
    return sep.join(p for p in parts if p)


def distortion_lines(d: Distortions) -> list[str]:
    """One line per citation distortion (Greenberg, BMJ 2009), plain text."""
    amp = d["amplification"]
    lines = [f"amplification: {amp['summary']} ({amp['citations']} citations)"]
    lines += [f"transmutation: {x['appearance']} states as certain what its source states as a "
              f"{x['source_stance'].replace('-', ' ')} ({x['citation']})" for x in d["transmutation"]]
    lines += [f"dead end: {x['appearance']} -> {' -> '.join(x['path'])} ({x['reason']})" for x in d["dead_ends"]]
    lines += [f"diversion: {x['appearance']} cites {', '.join(x['sources'])}, which studied another {x['dimension']}"
              for x in d["diversion"]]
    lines += [f"consulted, not cited: {x['appearance']}: the article lists {', '.join(x['sources'])} on this "
              "intervention but links it to no claim" for x in d["consulted_as_evidence"]]
    return lines


def explanation_lines(t: Trace) -> list[tuple[str, list[str]]]:
    """(heading, details) per explained part of the verdict."""
    out = []
    for e in t.explanation:
        where = f" on {e['appearance']}" if e["appearance"] else ""
        heading = f"{e['part'].replace('_', ' ')} {e['value']}{where}: rule {e['rule']} ({e['rule_file']})"
        details = [f"rule: {e['because']}"] if e["because"] else []
        details += [f"{p['kind']} {p['id']}: {p['text']}" for p in e["premises"]]
        out.append((heading, details))
    return out


def trace_text(t: Trace, explain: bool = False, width: int | None = None, color: bool = False) -> str:
    """The trace as a tree: claim -> appearances -> citations -> sources -> their sources.

    Paragraphs wrap at 100 characters, or at ``width`` (then no line is longer); with ``color``
    the headings are bold.
    """
    text = fit_lines(_trace_lines(t, explain, min(width or _WIDTH, _WIDTH)), width)
    return "\n".join(bold(x, color) if x and not x[0].isspace() else x for x in text.split("\n"))


def _trace_lines(t: Trace, explain: bool, width: int) -> str:
    c = t.claim
    lines = [f"Claim {c['id']} ({c['kind']})", *("  " + safe(x) for x in _wrap(c["statement"], "  ", width)), ""]
    lines += _verdict_text(t.verdict, width)
    lines += ["", f"Appearances ({len(t.appearances)})"]
    for i, a in enumerate(t.appearances):
        lines += _appearance_text(a, i == len(t.appearances) - 1, width)
    if t.curator_evidence:
        lines += ["", "Current evidence added by the curators (cited by no article; never counted in the verdict)"]
        for i, e in enumerate(t.curator_evidence):
            branch, pad = _branch(i == len(t.curator_evidence) - 1)
            lines.append(f"{branch}{safe(_source_line(e['source']))} · fidelity {e['fidelity']}")
            lines += [f"{pad}{safe(x)}" for x in _wrap(e["note"], pad, width)]  # type: ignore[arg-type]
    if t.contraindications:
        lines += ["", "Contraindications stated"]
        lines += [f"  {safe(ci['intervention'])} × {safe(ci['condition'])}: {ci['severity']}"
                  for ci in t.contraindications]
    if t.distortions:
        lines += ["", "Citation distortions (after Greenberg, BMJ 2009)"]
        for line in distortion_lines(t.distortions):
            lines += _hanging(line, "  ", "    ", width)
    if explain:
        lines += ["", "Why: the rule behind each part of the verdict, and the facts it used"]
        for heading, details in explanation_lines(t):
            lines.append(f"  {safe(heading)}")
            for detail in details:
                lines += _hanging(detail, "    ", "      ", width)
    return "\n".join(lines) + "\n"


def _branch(last: bool) -> tuple[str, str]:
    """The branch that leads to an item of a tree, and the padding under it."""
    return ("└─ ", "   ") if last else ("├─ ", "│  ")


def _hanging(text: str, first: str, rest: str, width: int = _WIDTH) -> list[str]:
    """``text`` wrapped, its first line indented by ``first`` and the others by ``rest``."""
    return [f"{first}{safe(x)}" if i == 0 else f"{rest}{safe(x)}" for i, x in enumerate(_wrap(text, rest, width))]


def _verdict_text(v: Verdict, width: int = _WIDTH) -> list[str]:
    lines = ["Verdict", f"  certainty: {certainty_line(v)}"]
    for line in certainty_lines(v):
        lines += _hanging(line, "    ", "        ", width)
    return lines + [f"  basis:    {', '.join(v['basis']) or 'none'}", f"  strength: {_strength(v)}",
                    f"  flags:    {', '.join(v['flags']) or 'none'}"]


def _appearance_text(a: AppearanceRecord, last: bool, width: int = _WIDTH) -> list[str]:
    branch, pad = _branch(last)
    draft = " · DRAFT, not reviewed: never counted in the verdict" if a.get("draft") else ""
    url = f" · {a['article']['url']}" if a["article"].get("url") else ""
    lines = [f"{branch}{a['article']['id']} · {safe(a['article']['title'])}{safe(url)}{draft}"]
    if details := article_details(a["article"]):
        lines += [f"{pad}{safe(x)}" for x in _wrap(details, pad, width)]
    lines += [f"{pad}{safe(q)}" for q in _wrap(f"“{a['quote']}”", pad, width)]
    lines.append(f"{pad}speaker: {safe(_speaker(a))} · {a['hedging']} · basis {a['basis']}")
    if a["flags"]:
        lines.append(f"{pad}flags: {', '.join(a['flags'])}")
    if a["note"]:
        lines += [f"{pad}{safe(x)}" for x in _wrap(f"note: {a['note']}", pad, width)]
    if not a["citations"]:
        lines.append(f"{pad}└─ no citation" + (f" (offers {', '.join(a['appeal'])})" if a["appeal"] else ""))
    for j, cit in enumerate(a["citations"]):
        _citation_text(lines, cit, pad, j == len(a["citations"]) - 1, width)
    return lines


def _terminal(cit: CitationRecord) -> str | None:
    """'reference (9) of ... (unidentified source)' when the chain stops at this citation."""
    source = cit["source"]
    if source is not None and source["identified"]:
        return None
    return f"{source['label'] if source else 'no source'} ({cit['dead_end']})"


def _citation_text(lines: list[str], cit: CitationRecord, pad: str, last: bool, width: int = _WIDTH) -> None:
    branch, child = ("└─ ", "   ") if last else ("├─ ", "│  ")
    lines.append(f"{pad}{branch}{safe(_citation_line(cit))}")
    inner = pad + child
    for label, value in (("as printed", cit.get("as_printed")), ("why", cit.get("note"))):
        if value:
            lines += [f"{inner}{safe(x)}" for x in _wrap(f"{label}: {value}", inner, width)]
    source = cit["source"]
    if _terminal(cit):
        lines.append(f"{inner}└─ ✗ dead end: {safe(_terminal(cit))}")
        return
    lines.append(f"{inner}└─ {safe(_source_line(source))}")
    deeper = inner + "   "
    if cit.get("dead_end"):
        lines.append(f"{deeper}✗ dead end: {cit['dead_end']}")
    if cit.get("repeat"):
        lines.append(f"{deeper}↺ {cit['repeat']}")
    for k, onward in enumerate(source["citations"]):
        _citation_text(lines, onward, deeper, k == len(source["citations"]) - 1, width)


def trace_markdown(t: Trace, explain: bool = False) -> str:
    """The trace as Markdown: headings, a verdict table and nested lists."""
    c, v = t.claim, t.verdict
    out = [f"## Claim `{c['id']}`", "", f"> {md(c['statement'])}", "",
           f"**Certainty: {md(certainty_line(v))}**", "",
           *(f"- {md(x)}" if not x.startswith(" ") else f"  - {md(x)}" for x in certainty_lines(v)),
           *([""] if v["certainty_from"] else []),
           "| verdict | |", "|---|---|",
           f"| peer-reviewed support | {'yes' if v['peer_reviewed_support'] else 'no'} |",
           f"| certainty | {md(v['certainty'])} |",
           f"| basis | {', '.join(v['basis']) or 'none'} |",
           f"| strength | {md(_strength(v))} |",
           f"| flags | {', '.join(v['flags']) or 'none'} |", "",
           f"### Appearances ({len(t.appearances)})", ""]
    for i, a in enumerate(t.appearances, start=1):
        draft = " (**draft**, never counted in the verdict)" if a.get("draft") else ""
        title = md_link(md(a["article"]["title"]), a["article"].get("url"))
        details = article_details(a["article"], ", ")
        out.append(f"{i}. **{md(a['article']['id'])}**, *{title}*{', ' + md(details) if details else ''}{draft}  ")
        out.append(f"   “{md(a['quote'])}”  ")
        out.append(f"   speaker: {md(_speaker(a))}; {a['hedging']}; basis **{a['basis']}**"
                   + (f"; flags: {', '.join(a['flags'])}" if a["flags"] else ""))
        for cit in a["citations"]:
            _citation_markdown(out, cit, "   ")
        out.append("")
    if t.curator_evidence:
        out += ["### Current evidence added by the curators", "",
                "*Cited by no article; never counted in the verdict.*", ""]
        for e in t.curator_evidence:
            out.append(f"- **{md(_source_line(e['source']))}**, fidelity {e['fidelity']}: {md(e['note'])}")
        out.append("")
    if t.contraindications:
        out += ["### Contraindications stated", ""]
        for ci in t.contraindications:
            out.append(f"- {md(ci['intervention'])} × {md(ci['condition'])}: {ci['severity']}")
        out.append("")
    if t.distortions:
        out += ["### Citation distortions", "", *(f"- {md(x)}" for x in distortion_lines(t.distortions)), ""]
    if explain:
        out += ["### Why", ""]
        for heading, details in explanation_lines(t):
            out.append(f"- {md(heading)}")
            out += [f"  - {md(d)}" for d in details]
        out.append("")
    return "\n".join(out)


def _citation_markdown(out: list[str], cit: CitationRecord, indent: str) -> None:
    why = f": {md(cit['note'])}" if cit.get("note") else ""
    out.append(f"{indent}- {md(_citation_line(cit))}{why}")
    inner = indent + "  "
    if _terminal(cit):
        out.append(f"{inner}- ✗ dead end: {md(_terminal(cit))}")
        return
    out.append(f"{inner}- **{md(_source_line(cit['source']))}**")
    if cit.get("dead_end"):
        out.append(f"{inner}  - ✗ dead end: {md(cit['dead_end'])}")
    if cit.get("repeat"):
        out.append(f"{inner}  - ↺ {md(cit['repeat'])}")
    for onward in cit["source"]["citations"]:
        _citation_markdown(out, onward, inner + "  ")


def search_text(hits: list[Hit], width: int | None = None, color: bool = False) -> str:
    """Claims a search found, best first: the id and statement of each, then, field by field,
    what matched and which of the reader's words it matched."""
    lines = []
    for i, h in enumerate(hits, start=1):
        lines.append(bold(f"{i}. {h.claim}", color) + f"  (score {h.score:.2f})")
        lines += [f"   {safe(x)}" for x in _wrap(h.statement, "   ", min(width or _WIDTH, _WIDTH))]
        for m in h.matches:
            what = "" if m.field == "statement" else f" {_quoted(m.text)}"
            lines.append(f"     {m.field}{safe(what)}: {safe(', '.join(m.words))}")
    return fit_lines("\n".join(lines), width) + "\n"


def _quoted(text: str, most: int = 60) -> str:
    """'text' on one line, cut after ``most`` characters."""
    text = " ".join(text.split())
    return repr(text if len(text) <= most else text[:most - 1].rstrip() + "\u2026")


def stats_text(result: Stats, width: int | None = None, color: bool = False) -> str:
    """Counts and per-article coverage as two aligned tables, fitting ``width`` when given."""
    counts = table(["count", "value"], [[k.replace("_", " "), v] for k, v in result["counts"].items()], width, color)
    coverage = table(["article", "sentences", "accounted", "coverage", "title"],
                     [[a["id"], a["sentences"], a["accounted"], f"{100 * a['coverage']:.1f}%", a["title"]]
                      for a in result["articles"]], width, color)
    return counts + "\n" + coverage
