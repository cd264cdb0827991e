"""Ingest files: analyse them and write nothing, or archive them with their drafts, all or nothing.

:func:`analyse_files` (``ingest --format json``) reads each article and analyses it against the
corpus's bibliography and claims, and writes nothing. :func:`ingest_files` archives each text (a
web page as the text extracted from it, with the page beside it) and writes its draft, once the
corpus with every new file passes the validation ``build --check`` runs; a reviewed annotation
or its text is never replaced.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ..core.errors import InvalidInput, UsageError
from ..core.files import Unreadable, atomic_write_all, read_regular
from ..model import schema
from ..model.corpus import ANNOTATIONS_DIR, ARTICLES_DIR, Corpus, load_corpus
from ..model.yamlio import YamlProblem, loads
from .analyse import Analysis, analyse
from .claimlinks import ClaimIndex
from .draft import Meta, draft_annotation, to_yaml
from .reading import Input, read_input, slug


@dataclass(frozen=True)
class Ingested:
    """What ingesting one file did (or, for ``--format json``, would do)."""

    article_id: str
    source: Input
    text_path: Path
    annotation_path: Path | None
    analysis: Analysis

    def to_json(self) -> dict[str, Any]:
        """The analysis, naming the file it came from and what the page said about itself."""
        meta = {k: v for k, v in (("title", self.source.title), ("author", self.source.author),
                                  ("site", self.source.site), ("date", self.source.date), ("url", self.source.url))
                if v}
        return {"file": str(self.source.path), "id": self.article_id,
                "format": "html" if self.source.original is not None else "text", "meta": meta,
                **self.analysis.to_json()}


def analyse_files(data_dir: Path, paths: Iterable[Path], encoding: str | None = None, url: str | None = None,
                  article_id: str | None = None) -> list[Ingested]:
    """Analyse each article against ``data_dir``'s bibliography and claims; write nothing."""
    corpus = load_corpus(data_dir)
    index = ClaimIndex.from_corpus(corpus)
    out = []
    for path in paths:
        source = read_input(path, encoding, url)
        aid = slug(article_id or path.stem)
        out.append(Ingested(aid, source, data_dir / ARTICLES_DIR / f"{aid}.txt", None,
                            analyse(source.text, corpus.sources, index, source.links)))
    return out


def ingest_files(data_dir: Path, paths: Iterable[Path], article_id: str | None = None, out: Path | None = None,
                 encoding: str | None = None, force: bool = False, url: str | None = None,
                 accessed: str | None = None) -> list[Ingested]:
    """Archive each article under ``data_dir/articles`` and write its draft annotation: all or nothing.

    A text is archived as ``<id>.txt``; a web page as the text extracted from it, with the page
    itself beside it as ``<id>.html`` (the draft's ``original``). A draft goes to
    ``data_dir/annotations/<id>.yaml`` (or ``out``, for one article). An existing draft, or a text
    only drafts use, is replaced only with ``force``; a reviewed annotation (no ``draft: true``) or
    its text never is (:class:`~lbpgraph.core.errors.UsageError`). Nothing is written unless the corpus
    with every new file passes the validation ``build --check`` runs
    (:class:`~lbpgraph.core.errors.InvalidInput`); then every file is written at once.
    """
    corpus = load_corpus(data_dir)
    paths = list(paths)
    replaced = {slug(article_id or path.stem) for path in paths} & corpus.articles.keys()  # drafts, with force
    gone = {s.id for aid in replaced for s in corpus.articles[aid].annotation.sources}  # works only they define
    sources = {sid: s for sid, s in corpus.sources.items() if sid not in gone}
    index = ClaimIndex.from_corpus(corpus)
    files: dict[str, bytes] = {}  # path relative to data_dir -> content, as the corpus will read it
    drafts: dict[str, dict[str, Any]] = {}  # the data each draft's YAML holds
    writes: dict[Path, bytes] = {}  # where each is written (a draft may go to ``out``)
    results = []
    for path in paths:
        aid = slug(article_id or path.stem)
        source = read_input(path, encoding, url)
        data = source.text.encode("utf-8")
        text_rel = f"{ARTICLES_DIR}/{aid}.txt"
        if text_rel in files:
            raise UsageError(f"{path}: another article given is also '{aid}'; ingest it on its own with --id")
        target = out or data_dir / ANNOTATIONS_DIR / f"{aid}.yaml"
        _check_draft(target, force)
        _check_text(data_dir / text_rel, data, corpus, force)
        original_rel = None
        if source.original is not None:
            original_rel = f"{ARTICLES_DIR}/{aid}.html"
            _check_text(data_dir / original_rel, source.original, corpus, force, original=True)
            files[original_rel] = writes[data_dir / original_rel] = source.original
        analysis = analyse(source.text, sources, index, source.links)
        files[text_rel] = writes[data_dir / text_rel] = data
        meta = Meta(source.title, source.author, source.site, source.date, url or source.url, accessed,
                    f"{aid}.html" if original_rel else None)
        draft = draft_annotation(analysis, aid, f"{aid}.txt", sources, meta)
        if draft.get("url") and not _valid_url(draft["url"]):
            del draft["url"]  # a page's own canonical address that the graph cannot hold is left out
        sources.update((s["id"], schema.Source.model_validate(s)) for s in draft.get("sources", []))
        files[f"{ANNOTATIONS_DIR}/{aid}.yaml"] = writes[target] = to_yaml(draft).encode("utf-8")
        drafts[f"{ANNOTATIONS_DIR}/{aid}.yaml"] = draft
        results.append(Ingested(aid, source, data_dir / text_rel, target, analysis))
    try:
        load_corpus(data_dir, files, drafts)
    except InvalidInput as exc:
        exc.hint = f"these are problems of what ingest would have written ({', '.join(files)})"
        raise
    atomic_write_all(writes)
    return results


def _valid_url(url: str) -> bool:
    """Whether ``url`` is an address the annotation schema (and so the graph) accepts."""
    try:
        TypeAdapter(schema.Url).validate_python(url, strict=True)
    except ValidationError:
        return False
    return True


def check_url(url: str) -> str | None:
    """Why ``url`` cannot be an article's address, or None when it can."""
    return None if _valid_url(url) else f"{url!r} is not an http(s) address the graph can hold"


def _check_text(archived: Path, data: bytes, corpus: Corpus, force: bool, original: bool = False) -> None:
    """Refuse to replace an archived text (or page), unless ``force`` is given and no reviewed
    annotation uses it."""
    if not os.path.lexists(archived):
        return
    try:
        if read_regular(archived) == data:
            return
    except Unreadable as exc:
        raise UsageError(f"{archived} {exc}; give another --id") from None
    if not force:
        raise UsageError(f"{archived} already holds a different {'page' if original else 'text'}; give another "
                         "--id (or --force to replace a draft's text)")
    reviewed = sorted(a.annotation_file for a in corpus.articles.values()
                      if archived.name in (a.annotation.text, a.annotation.original) and not a.annotation.draft)
    if reviewed:
        raise UsageError(f"{archived} is the text of the reviewed annotation {reviewed[0]}; ingest never "
                         "replaces it, even with --force: give another --id")


def _check_draft(target: Path, force: bool) -> None:
    """Refuse to replace an annotation, unless it is a draft and ``force`` is given."""
    if not os.path.lexists(target):
        return
    if not _is_draft(target):
        raise UsageError(f"{target} is a reviewed annotation (no 'draft: true'); ingest never replaces one, "
                         "even with --force: give another --id")
    if not force:
        raise UsageError(f"{target} exists (a draft); give another --id, or --force to replace the draft")


def _is_draft(path: Path) -> bool:
    """Whether ``path`` holds an annotation marked ``draft: true`` (what cannot be read is not)."""
    try:
        data = loads(read_regular(path).decode("utf-8")).data
    except (Unreadable, UnicodeDecodeError, YamlProblem):
        return False
    return isinstance(data, dict) and data.get("draft") is True
