"""What is left to review in an article's draft (``lbpgraph review ID``).

A draft written by ingest lists, under ``review``, every sentence nobody has reviewed yet, every
claim it drafted (its kind is a guess, and existing claims it may be are suggested) and every
citation (which work, on what evidence). A reviewer removes each item once it is done; the
corpus refuses an annotation without ``draft: true`` while anything is left.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..core.console import safe
from ..core.errors import InvalidInput, UsageError
from ..model.corpus import Corpus, load_corpus
from ..model.yamlio import YamlProblem, dumps, loads

_SHOWN = 100  # characters of a sentence shown on one line


def left_to_review(data_dir: Path, article_id: str) -> dict[str, Any]:
    """What is left in ``article_id``'s annotation, as plain data (the article must validate, as
    a draft at least: one marked reviewed with items left is read as the draft it still is)."""
    corpus, marked_reviewed = _corpus(data_dir, article_id)
    article = corpus.articles.get(article_id)
    if article is None:
        known = ", ".join(sorted(corpus.articles)[:10])
        raise UsageError(f"no article '{article_id}' in {data_dir}/annotations (articles: {known})")
    a = article.annotation
    statements = {c.id: c.statement for c in a.claims}
    claim_of = {app.id: app.claim for app in a.appearances}
    return {
        "article": article_id, "draft": a.draft and not marked_reviewed, "annotation": article.annotation_file, "text": article.text_file,
        "left": a.review.left(),
        "sentences": [{"start": s.start, "end": s.end, "quote": s.quote, "suggest": s.suggest}
                      for s in a.review.sentences],
        "claims": [{"claim": c.claim, "kind": c.kind, "statement": statements.get(c.claim, corpus.claims[c.claim].statement
                                                                                 if c.claim in corpus.claims else None),
                    "suggested": [{"claim": x.claim, "score": x.score,
                                   "statement": corpus.claims[x.claim].statement} for x in c.suggested]}
                   for c in a.review.claims],
        "citations": [{"appearance": c.appearance, "claim": claim_of.get(c.appearance or ""), "source": c.source,
                       "marker": c.marker, "match": c.match} for c in a.review.citations],
    }


def _corpus(data_dir: Path, article_id: str) -> tuple[Corpus, bool]:
    """The corpus, and whether ``article_id``'s annotation had to be read as a draft: the corpus
    refuses an annotation marked reviewed while items are left, and listing them is what
    review is for. Any other problem is raised as it is."""
    try:
        return load_corpus(data_dir), False
    except InvalidInput as error:
        rel = f"annotations/{article_id}.yaml"
        data = _marked_reviewed(data_dir / rel)
        if data is None:
            raise
        try:
            return load_corpus(data_dir, overlay={rel: dumps({**data, "draft": True}).encode("utf-8")},
                               parsed={rel: {**data, "draft": True}}), True
        except InvalidInput:
            raise error from None


def _marked_reviewed(path: Path) -> dict[str, Any] | None:
    """The annotation at ``path`` if it reads and is not marked a draft, else None."""
    try:
        data = loads(path.read_text(encoding="utf-8")).data
    except (OSError, YamlProblem):
        return None
    return data if isinstance(data, dict) and data.get("draft") is not True else None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "\u2026"


def render(left: dict[str, Any]) -> str:
    """The list for a terminal: one line an item, grouped."""
    state = "draft" if left["draft"] else "marked reviewed: the build refuses it until these are done" \
        if left["left"] else "reviewed"
    lines = [f"{left['article']} ({state}, {left['annotation']}): "
             + (f"{left['left']} item{'s' if left['left'] != 1 else ''} left to review" if left["left"]
                else "nothing left to review")]
    if left["sentences"]:
        lines += ["", f"Sentences not yet reviewed ({len(left['sentences'])}): make each an appearance or a "
                      "not-a-claim"]
        lines += [f"  {s['start']}-{s['end']}" + (f" [{s['suggest']}]" if s["suggest"] else "")
                  + f"  {safe(_short(s['quote']))}" for s in left["sentences"]]
    if left["claims"]:
        lines += ["", f"Drafted claims ({len(left['claims'])}): check statement and kind; merge into an existing "
                      "claim where it is one"]
        for c in left["claims"]:
            lines.append(f"  {c['claim']} [{c['kind']}]  {safe(_short(c['statement'] or ''))}")
            lines += [f"      may be {x['claim']} ({x['score']:.2f}): {safe(_short(x['statement']))}"
                      for x in c["suggested"]]
    if left["citations"]:
        lines += ["", f"Citations to check ({len(left['citations'])}): the work, then fidelity and stance"]
        for c in left["citations"]:
            where = f"{c['appearance']}" if c["appearance"] else "listed, not cited"
            lines.append(f"  {where}  {safe(c['marker'] or '')} -> {c['source'] or 'no work named'}: "
                         f"{safe(c['match'])}")
    if left["draft"]:
        lines += ["", "Remove each item from 'review' once done; then remove 'draft: true'." if left["left"]
                  else "Nothing is left: remove 'draft: true' to let the article count."]
    return "\n".join(lines)
