"""Random edits of a data folder, as a curator makes them: one article changed, added or removed.

Each edit leaves a corpus that validates (an edit that would not is tried again with another
choice), so that an incremental build and a full build of the result can be compared. Used by
tests/test_incremental.py and by ``lbpgraph bench`` (which makes the same three kinds of edit at
scale through :func:`lbpgraph.devtools.bench`'s own copy of the idea).
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lbpgraph.core.errors import InvalidInput
from lbpgraph.model.corpus import load_corpus
from lbpgraph.model.yamlio import dumps, loads

FIDELITY = ["supports", "partially-supports", "does-not-support", "contradicts", "unverified"]
STANCE = ["finding", "hedged-finding", "association", "hypothesis", "background", "recommendation"]
MODES = ["in-text-marker", "quotation", "named-venue", "vague"]
APPEALS = ["authority", "tradition", "anecdote"]
SEVERITY = ["absolute", "relative", "precaution"]
DESIGNS = ["systematic-review", "randomised-controlled-trial", "cohort-or-cross-sectional",
           "case-series-or-uncontrolled-pilot", "laboratory-or-mechanistic", "narrative-review-or-expert-opinion"]


class Corpus:
    """What edits choose from: the shared claims, sources and concepts of a data folder."""

    def __init__(self, data: Path) -> None:
        self.data = data
        concepts = loads((data / "concepts.yaml").read_text(encoding="utf-8")).data
        self.concepts = {kind: [c["id"] for c in concepts.get(kind, [])] for kind in concepts}
        bibliography = loads((data / "bibliography.yaml").read_text(encoding="utf-8")).data["sources"]
        self.sources = [s["id"] for s in bibliography if not s.get("curator_added")]
        claims = loads((data / "claims.yaml").read_text(encoding="utf-8")).data.get("claims", [])
        self.claims = [c["id"] for c in claims]

    def articles(self) -> list[Path]:
        return sorted((self.data / "annotations").glob("*.yaml"))


def _appearance(rng: random.Random, a: dict[str, Any]) -> dict[str, Any] | None:
    apps = a.get("appearances") or []
    return rng.choice(apps) if apps else None


def _citation(rng: random.Random, a: dict[str, Any]) -> dict[str, Any] | None:
    cites = [c for app in a.get("appearances") or [] for c in app.get("citations") or []]
    return rng.choice(cites) if cites else None


def _hedging(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    app = _appearance(rng, a)
    if app is None:
        return False
    app["hedging"] = "certain" if app["hedging"] == "hedged" else "hedged"
    return True


def _citation_field(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    """A citation's fidelity, stance or source (with its mode) changed."""
    cite = _citation(rng, a)
    if cite is None:
        return False
    change = rng.randrange(3)
    if change == 0:
        cite["fidelity"] = rng.choice(FIDELITY)
    elif change == 1:
        cite["stance"] = rng.choice(STANCE)
    else:
        cite["source"], cite["mode"] = rng.choice(c.sources), rng.choice(MODES)
    return True


def _new_citation(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    app = _appearance(rng, a)
    if app is None:
        return False
    app.setdefault("citations", []).append({"source": rng.choice(c.sources), "marker": "[x]",
                                            "fidelity": rng.choice(FIDELITY), "stance": rng.choice(STANCE)})
    return True


def _drop_citation(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    apps = [app for app in a.get("appearances") or [] if app.get("citations")]
    if not apps:
        return False
    app = rng.choice(apps)
    app["citations"].pop(rng.randrange(len(app["citations"])))
    return True


def _claim_of_appearance(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    app = _appearance(rng, a)
    if app is None:
        return False
    app["claim"] = rng.choice(c.claims + [claim["id"] for claim in a.get("claims") or []])
    return True


def _drop_appearance(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    apps = a.get("appearances") or []
    if len(apps) < 2:
        return False
    gone = apps.pop(rng.randrange(len(apps)))
    review = a.get("review") or {}
    review["citations"] = [x for x in review.get("citations") or [] if x.get("appearance") != gone["id"]]
    return True


def _local_claim(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    claims = a.get("claims") or []
    if not claims:
        return False
    claim = rng.choice(claims)
    change = rng.randrange(5)
    if change == 0:
        claim["interventions"] = rng.sample(c.concepts["interventions"], rng.randint(1, 2))
    elif change == 1:
        claim["outcome"] = rng.choice(c.concepts["outcomes"])
    elif change == 2:
        claim["population"] = rng.choice(c.concepts["populations"])
    elif change == 3:
        claim["mechanisms"] = rng.sample(c.concepts["mechanisms"], rng.randint(0, 2))
    else:
        claim["contraindications"] = [{"intervention": rng.choice(c.concepts["interventions"]),
                                       "condition": rng.choice(c.concepts["conditions"]),
                                       "severity": rng.choice(SEVERITY)} for _ in range(rng.randint(0, 2))]
    return True


def _article_fields(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    change = rng.randrange(4)
    if change == 0:
        a["title"] = f"{a['title']} (revised)"
    elif change == 1:
        a["commercial_interest"] = [{"id": "offer-x", "name": "a synthetic offer",
                                     "interventions": rng.sample(c.concepts["interventions"], 1)}] if rng.random() < 0.7 else []
    elif change == 2:
        app = _appearance(rng, a)
        if app is None:
            return False
        app["appeal"] = rng.sample(APPEALS, rng.randint(0, 2))
    else:
        a["consulted"] = [{"source": s} for s in rng.sample(c.sources, rng.randint(0, 2))]
    return True


def _local_source(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    """A source defined in the article, changed or made, and cited by one of its appearances."""
    sources = a.setdefault("sources", [])
    if not sources or rng.random() < 0.4:
        sources.append({"id": f"{Path(a['text']).stem}-local{len(sources) + 1}", "kind": "journal-article",
                        "title": "A synthetic local source", "year": 2012, "verification": "unverified",
                        "peer_reviewed": "yes"})
    source = rng.choice(sources)
    source["peer_reviewed"] = rng.choice(["yes", "no", "unknown"])
    source["design"] = rng.choice(DESIGNS)
    source["interventions"] = rng.sample(c.concepts["interventions"], rng.randint(0, 2))
    source["outcomes"] = rng.sample(c.concepts["outcomes"], rng.randint(0, 1))
    source["sample_size"] = rng.choice([12, 150, 900])
    if source["peer_reviewed"] == "unknown":
        source.pop("design")
    if rng.random() < 0.5 and c.claims:
        source["cites"] = [{"source": rng.choice(c.sources), "claims": [rng.choice(c.claims)],
                            "fidelity": rng.choice(FIDELITY), "stance": rng.choice(STANCE)}]
    app = _appearance(rng, a)
    if app is not None:
        app.setdefault("citations", []).append({"source": source["id"], "marker": "[l]",
                                                "fidelity": rng.choice(FIDELITY), "stance": rng.choice(STANCE)})
    return True


def _draft(rng: random.Random, c: Corpus, a: dict[str, Any]) -> bool:
    """The article becomes a draft, or a draft is marked reviewed."""
    if a.pop("draft", False) is not True:
        a["draft"] = True
    return True


EDITS: list[Callable[[random.Random, Corpus, dict[str, Any]], bool]] = [
    _hedging, _citation_field, _citation_field, _new_citation, _drop_citation, _claim_of_appearance,
    _drop_appearance, _local_claim, _article_fields, _local_source, _draft]


def edit(rng: random.Random, c: Corpus, path: Path | None = None) -> str:
    """Change one article (``path``, or a random one) by one random edit; return what was done."""
    for _ in range(50):
        target = path or rng.choice(c.articles())
        before = target.read_text(encoding="utf-8")
        data = loads(before).data
        change = rng.choice(EDITS)
        if change(rng, c, data):
            target.write_text(dumps(data), encoding="utf-8")
            if _valid(c.data):
                return f"{change.__name__.strip('_')} in {target.stem}"
        target.write_text(before, encoding="utf-8")
    raise AssertionError("no valid edit found")


def add(rng: random.Random, c: Corpus) -> str:
    """A copy of a random article under a new id (its own claims and sources renamed)."""
    source = rng.choice(c.articles())
    new_id = f"{source.stem}-copy{rng.randrange(10**6)}"
    data = loads(source.read_text(encoding="utf-8")).data
    text_file = data["text"]
    text = source.read_text(encoding="utf-8").replace(text_file, f"{new_id}.txt")
    for local in [x["id"] for kind in ("claims", "sources") for x in data.get(kind) or []]:
        text = re.sub(rf"(?<![A-Za-z0-9_-]){re.escape(local)}(?![A-Za-z0-9_-])", f"{local}-{new_id}", text)
    (c.data / "annotations" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    shutil.copyfile(c.data / "articles" / text_file, c.data / "articles" / f"{new_id}.txt")
    assert _valid(c.data), f"the copy of {source.stem} does not validate"
    return f"add {new_id} (a copy of {source.stem})"


def remove(rng: random.Random, c: Corpus) -> str:
    """Remove a random article (its annotation and text), where the rest still validates."""
    for path in rng.sample(c.articles(), len(c.articles())):
        text_path = c.data / "articles" / loads(path.read_text(encoding="utf-8")).data["text"]
        annotation, text = path.read_bytes(), text_path.read_bytes()
        path.unlink()
        text_path.unlink()
        if len(c.articles()) > 1 and _valid(c.data):
            return f"remove {path.stem}"
        path.write_bytes(annotation)
        text_path.write_bytes(text)
    raise AssertionError("no article can be removed")


def _valid(data: Path) -> bool:
    try:
        load_corpus(data)
    except InvalidInput:
        return False
    return True
