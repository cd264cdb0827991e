"""A table of bad inputs every command must refuse with the same clear, one-line answer.

Each :class:`BadInput` turns the valid minimal corpus of :mod:`tests.factory` into a bad one
(a change to its Python data, to the written files, or both) and says what a command that
reads the corpus must answer: the exit code, a fragment of the message, and the file and line
it names. ``test_validation`` runs ``build --check`` and ``build`` on every store over the
table; other commands can run over the same :data:`CASES`.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import factory


def _nothing(_: Any) -> None:
    pass


@dataclass(frozen=True)
class BadInput:
    """One bad input and the answer it must get."""

    name: str
    fragment: str  # part of the one-line message
    file: str  # the file the message names, relative to the data folder
    needle: str | None = None  # text on the line the message names (None: line 1)
    edit: Callable[[dict[str, Any]], None] = _nothing  # change to factory.corpus()'s data
    after: Callable[[Path], None] = _nothing  # change to the written data folder
    exit_code: int = 3

    def write(self, root: Path) -> Path:
        """Write the bad corpus under ``root``; return its data folder."""
        data = factory.corpus()
        self.edit(data)
        folder = factory.write(root, data)
        self.after(folder)
        return folder

    def location(self, folder: Path) -> str:
        """How a message line about this input starts: ``folder/file:line: ``."""
        line = 1
        if self.needle is not None:
            lines = (folder / self.file).read_bytes().decode("utf-8", "replace").splitlines()  # a bad byte too
            line = next(n for n, text in enumerate(lines, start=1) if self.needle in text)
        return f"{folder}/{self.file}:{line}: ".replace("\n", "\\u000A")  # one line, as printed


def _article(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["annotations"]["a"].update(values)


def _appearance(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["annotations"]["a"]["appearances"][0].update(values)


def _source(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["bibliography.yaml"]["sources"][0].update(values)


def _replace(file: str, old: str | bytes, new: str | bytes) -> Callable[[Path], None]:
    """Replace ``old`` by ``new`` once in a written file (bytes too: a byte that is not UTF-8)."""
    def as_bytes(x: str | bytes) -> bytes:
        return x.encode("utf-8") if isinstance(x, str) else x

    def replace(folder: Path) -> None:
        path = folder / file
        data = path.read_bytes()
        assert as_bytes(old) in data, (old, file)
        path.write_bytes(data.replace(as_bytes(old), as_bytes(new), 1))
    return replace


def _make_folder(file: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / file).unlink(missing_ok=True)
        (folder / file).mkdir()
    return make


def _citation(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["annotations"]["a"]["appearances"][1]["citations"][0].update(values)


CASES: list[BadInput] = [
    # a byte that is not UTF-8, and a character YAML refuses, named on their own lines
    BadInput("yaml-latin1-byte", "not UTF-8 text (invalid continuation byte at byte", "annotations/a.yaml",
             "title: Walking Backwa", after=_replace("annotations/a.yaml", "title: Walking Backwards", b"title: Walking Backwa\xe9rds")),
    BadInput("yaml-nul", "control character U+0000 is not allowed", "annotations/a.yaml", "kind: personal",
             after=_replace("annotations/a.yaml", "kind: personal-blog", "kind: personal\x00-blog")),
    # a judgement that contradicts itself: the source does not address the claim, yet supports or contradicts it
    BadInput("supports-but-not-addressed", "fidelity partially-supports with stance not-addressed",
             "annotations/a.yaml", "- source: smith2010", edit=_citation(stance="not-addressed")),
    BadInput("contradicts-but-not-addressed", "cannot contradict it", "annotations/a.yaml", "- source: smith2010",
             edit=_citation(fidelity="contradicts", stance="not-addressed")),
    # dates the build cannot type: a trailing newline ($ accepts it), digits of another script (\d accepts them)
    BadInput("date-trailing-newline", "bad date '2014-02-08\\u000A'", "annotations/a.yaml", "published:",
             edit=_article(published="2014-02-08\n")),
    BadInput("date-arabic-indic-digits", "bad date", "annotations/a.yaml", "published:",
             edit=_article(published="\u0662\u0660\u0661\u0664-02-08")),
    # URLs an IRI cannot hold even percent-encoded (|, {, ... are encoded: see test_validation)
    BadInput("url-control-character", "bad URL", "annotations/a.yaml", "url:",
             edit=_article(url="https://example.org/a\x01b")),
    BadInput("url-lone-percent", "percent", "annotations/a.yaml", "url:", edit=_article(url="https://example.org/100%")),
    BadInput("url-bad-port", "bad URL", "annotations/a.yaml", "url:", edit=_article(url="https://example.org:8o/")),
    # empty or blank text where a value or nothing is meant: never silently dropped
    BadInput("site-empty", "site: empty: give the site", "annotations/a.yaml", "site:", edit=_article(site="")),
    BadInput("publisher-blank", "publisher: empty: give the publisher", "annotations/a.yaml", "publisher:", edit=_article(publisher="  ")),
    BadInput("verified-at-two-fragments", "bad URL", "bibliography.yaml", "a#b#c",
             edit=_source(verified_at=["https://example.org/a#b#c"])),
    BadInput("exact-match-bad-escape", "bad URL", "concepts.yaml", "%zz",
             edit=lambda d: d["concepts.yaml"]["structures"][0].update(
                 exact_match=[{"iri": "http://example.org/%zz", "label": "disc"}])),
    # values of the wrong type are refused, not coerced (pydantic's lax mode made "1" an int, "yes" True)
    BadInput("occurrence-as-string", "occurrence: Input should be a valid integer", "annotations/a.yaml",
             "occurrence:", edit=_appearance(occurrence="1")),
    BadInput("not-claim-occurrence-as-string", "occurrence: Input should be a valid integer", "annotations/a.yaml",
             "occurrence:", edit=lambda d: d["annotations"]["a"]["not_claims"][0].update(occurrence="1")),
    BadInput("occurrence-as-float", "Input should be a valid integer", "annotations/a.yaml", "occurrence:",
             edit=_appearance(occurrence=1.0)),
    BadInput("year-as-string", "year: Input should be a valid integer", "bibliography.yaml", "year:",
             edit=_source(year="2010")),
    BadInput("draft-as-string", "draft: Input should be a valid boolean", "annotations/a.yaml", "draft:",
             edit=_article(draft="yes")),
    # identifiers with digits of another script, or a trailing newline
    BadInput("doi-arabic-indic-digits", "bad DOI", "bibliography.yaml", "doi:",
             edit=_source(doi="10.\u0661\u0662\u0663\u0664/abc")),
    BadInput("pmid-arabic-indic-digits", "bad PMID", "bibliography.yaml", "pmid:", edit=_source(pmid="1\u0662\u0663")),
    BadInput("pmcid-arabic-indic-digits", "bad PMCID", "bibliography.yaml", "pmcid:",
             edit=_source(pmcid="PMC\u0661\u0662")),
    BadInput("claim-id-trailing-newline", "bad id 'bw-helps\\u000A'", "claims.yaml", "id: ",
             edit=lambda d: d["claims.yaml"]["claims"][0].update(id="bw-helps\n")),
    # paths: a file name with a newline, a NUL, things named like files that are not regular files
    BadInput("annotation-name-with-newline", "bad article id in file name", "annotations/b\n.yaml",
             after=lambda f: shutil.copy(f / "annotations" / "a.yaml", f / "annotations" / "b\n.yaml")),
    BadInput("text-name-with-nul", "control characters", "annotations/a.yaml", "text:", edit=_article(text="a\0.txt")),
    BadInput("annotation-is-a-folder", "is a folder, not a file", "annotations/b.yaml",
             after=_make_folder("annotations/b.yaml")),
    BadInput("annotation-is-a-dangling-link", "is a link to a missing file", "annotations/b.yaml",
             after=lambda f: os.symlink("gone.yaml", f / "annotations" / "b.yaml")),
    BadInput("annotation-is-a-fifo", "is not a regular file", "annotations/b.yaml",
             after=lambda f: os.mkfifo(f / "annotations" / "b.yaml")),
    BadInput("shared-file-is-a-folder", "claims.yaml is a folder, not a file", "claims.yaml",
             after=_make_folder("claims.yaml")),
    BadInput("article-text-is-a-folder", "archived text articles/a.txt is a folder", "annotations/a.yaml", "text:",
             after=_make_folder("articles/a.txt")),
    # a YAML syntax error names its own line, not the line where libyaml noticed it
    BadInput("yaml-unclosed-flow-sequence", "YAML syntax", "annotations/a.yaml", "kind: [personal-blog",
             after=_replace("annotations/a.yaml", "kind: personal-blog", "kind: [personal-blog")),
    BadInput("yaml-unclosed-quote", "YAML syntax", "annotations/a.yaml", 'title: "Walking',
             after=_replace("annotations/a.yaml", "title: Walking Backwards", 'title: "Walking Backwards')),
]


def snapshot(root: Path) -> dict[str, Any]:
    """Every entry under ``root`` (links not followed, FIFOs not opened): path -> content, link
    target or kind; {} when ``root`` does not exist. Equal snapshots: nothing was changed."""
    found: dict[str, Any] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                found[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(mode):
                found[rel] = path.read_bytes()
            else:
                found[rel] = ("dir" if stat.S_ISDIR(mode) else "other", stat.S_IMODE(mode))
    return found
