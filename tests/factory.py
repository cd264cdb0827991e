"""Write small corpora from Python data, so each test changes exactly what it is about."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

TEXT = (
    "Walking Backwards\n"
    "Walking backwards helps\u00a0back pain, my grandmother swore by it.\n"
    "Studies show it unloads the \u201cdiscs\u201d (1).\n"
    "References: Walking Backwards (1), J Spine 2010.\n"
)

BASE: dict[str, Any] = {
    "articles": {"a.txt": TEXT},
    "annotations": {
        "a": {
            "text": "a.txt",
            "title": "Walking Backwards",
            "kind": "personal-blog",
            "published": "2014-02-08",
            "speakers": [{"id": "author", "name": "Jo", "role": "author"}],
            "appearances": [
                {"id": "helps", "claim": "bw-helps", "quote": "Walking backwards helps back pain",
                 "speaker": "author", "hedging": "certain", "appeal": ["tradition"]},
                {"id": "discs", "claim": "bw-unloads", "quote": "Studies show it unloads the \u201cdiscs\u201d (1).",
                 "speaker": "author", "hedging": "certain",
                 "citations": [{"source": "smith2010", "marker": "(1)", "fidelity": "partially-supports",
                                "stance": "hedged-finding"}]},
            ],
            "not_claims": [{"quote": "Walking Backwards", "reason": "title", "occurrence": 1},
                           {"quote": "References", "reason": "reference-list"}],
        },
    },
    "claims.yaml": {"claims": [
        {"id": "bw-helps", "statement": "Backward walking reduces back pain.", "kind": "efficacy",
         "interventions": ["backward-walking"], "outcome": "pain"},
        {"id": "bw-unloads", "statement": "Backward walking unloads the discs.", "kind": "mechanism",
         "interventions": ["backward-walking"], "outcome": "disc-load", "mechanisms": ["disc-unloading"]},
    ]},
    "concepts.yaml": {
        "interventions": [{"id": "walking", "label": "walking"},
                          {"id": "backward-walking", "label": "backward walking", "broader": ["walking"]}],
        "mechanisms": [{"id": "disc-unloading", "label": "disc unloading", "acts_on": ["disc"],
                        "direction": "unloads"}],
        "structures": [{"id": "disc", "label": "intervertebral disc"}],
        "outcomes": [{"id": "pain", "label": "pain", "outcome_kind": "clinical"},
                     {"id": "disc-load", "label": "disc load", "outcome_kind": "mechanistic"}],
    },
    "bibliography.yaml": {"sources": [
        {"id": "smith2010", "kind": "journal-article", "authors": ["Smith J"], "year": 2010,
         "title": "Discs", "peer_reviewed": "yes", "design": "laboratory-or-mechanistic",
         "interventions": ["backward-walking"], "outcomes": ["disc-load"], "verification": "unverified",
         "cites": [{"source": "smith_ref3", "claims": ["bw-unloads"], "marker": "(3)",
                    "fidelity": "unverified"}]},
        {"id": "smith_ref3", "kind": "unidentified", "label": "reference (3) of Smith 2010",
         "peer_reviewed": "unknown", "verification": "unverified"},
    ]},
}


def corpus() -> dict[str, Any]:
    """A fresh, valid minimal corpus as Python data."""
    return copy.deepcopy(BASE)


def citation_cycle() -> dict[str, Any]:
    """The minimal corpus with a citation cycle: Smith 2010 cites Jones 2012 for bw-unloads, which
    cites Smith 2010 back (and nothing else: no chain ends at an unidentified source)."""
    data = corpus()
    smith = data["bibliography.yaml"]["sources"][0]

    def cites(source: str) -> list[dict[str, Any]]:
        return [{"source": source, "claims": ["bw-unloads"], "marker": "(1)", "fidelity": "supports",
                 "stance": "finding"}]
    jones = {**copy.deepcopy(smith), "id": "jones2012", "authors": ["Jones K"], "year": 2012,
             "title": "Discs again", "cites": cites("smith2010")}
    smith["cites"] = cites("jones2012")
    data["bibliography.yaml"]["sources"] = [smith, jones]
    return data


def write(root: Path, data: dict[str, Any]) -> Path:
    """Write ``data`` (as returned by :func:`corpus`) under ``root``/data; return that folder."""
    folder = root / "data"
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "annotations").mkdir(exist_ok=True)
    for name, text in data["articles"].items():
        (folder / "articles" / name).write_text(text, encoding="utf-8")
    for article_id, annotation in data["annotations"].items():
        (folder / "annotations" / f"{article_id}.yaml").write_text(
            yaml.safe_dump(annotation, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name, content in data.items():
        if name.endswith(".yaml"):
            (folder / name).write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True),
                                       encoding="utf-8")
    return folder
