"""Ingest through the real command line: web pages through trafilatura, --url and --accessed, one
JSON document that writes nothing, lbpgraph review and the refusal to un-draft while anything is
left, one-line errors, all or nothing, determinism, and trafilatura loaded only to read a page."""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from lbpgraph.model.corpus import load_corpus

from .bad_inputs import snapshot
from .conftest import ROOT, run

DEV = ROOT / "tests" / "data" / "ingest" / "dev"
PAGE = DEV / "product-page.html"


def _one_error(result, code: int, fragment: str) -> None:  # noqa: ANN001
    assert result.exit_code == code, result.stderr
    lines = [x for x in result.stderr.splitlines() if x.startswith("Error")]
    assert len(lines) == 1 and fragment in lines[0], result.stderr


def test_a_web_page_is_archived_as_its_text_with_the_page_beside_it(data_copy: Path, tmp_path: Path) -> None:
    result = run("ingest", str(PAGE), "--id", "retrostride", "--accessed", "2026-12-07", data=data_copy,
                 build=tmp_path / "b")
    assert result.exit_code == 0, result.stderr
    articles = data_copy / "articles"
    assert (articles / "retrostride.html").read_bytes() == PAGE.read_bytes()  # the original, byte for byte
    text = (articles / "retrostride.txt").read_text(encoding="utf-8")
    assert "Backward walking strengthens the muscles" in text and "^2,3" in text
    for furniture in ("We use cookies", "All rights reserved", "Stockists", "dataLayer"):
        assert furniture not in text
    draft = yaml.safe_load((data_copy / "annotations" / "retrostride.yaml").read_text(encoding="utf-8"))
    assert draft["draft"] is True and draft["text"] == "retrostride.txt" and draft["original"] == "retrostride.html"
    assert draft["url"] == "https://shop.retrostride.example/products/home-trainer"  # the canonical address
    assert draft["accessed"] == "2026-12-07" and draft["published"] == "2025-01-20"
    assert draft["publisher"] == "RetroStride" and draft["speakers"][0]["name"] == "RetroStride Team"
    assert draft["kind"] == "product-marketing"
    for item in draft["review"]["sentences"]:  # offsets point into the archived text
        assert text[item["start"]:item["end"]] == item["quote"]
    article = load_corpus(data_copy).articles["retrostride"]
    for app in draft["appearances"]:
        span = article.appearance_spans[app["id"]]
        assert " ".join(text[span.start:span.end].split()) == " ".join(app["quote"].split())
    assert run("build", "--check", data=data_copy).exit_code == 0


def test_url_overrides_the_page_and_bad_values_are_one_line(data_copy: Path, tmp_path: Path) -> None:
    result = run("ingest", str(PAGE), "--url", "https://example.org/saved?id=1", data=data_copy, build=tmp_path / "b")
    assert result.exit_code == 0, result.stderr
    draft = yaml.safe_load((data_copy / "annotations" / "product-page.yaml").read_text(encoding="utf-8"))
    assert draft["url"] == "https://example.org/saved?id=1" and "accessed" not in draft
    before = snapshot(data_copy)
    for option, value in (("--accessed", "2026-02-30"), ("--accessed", "yesterday"), ("--url", "not a url"),
                          ("--url", "ftp://example.org/x")):
        result = run("ingest", str(DEV / "blog-apa.txt"), option, value, data=data_copy, build=tmp_path / "b")
        assert result.exit_code == 2, (option, value, result.stderr)
        assert value in result.stderr or repr(value) in result.stderr
    assert snapshot(data_copy) == before


def test_a_page_without_text_is_refused_and_a_batch_writes_nothing(data_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "menu.html"
    empty.write_text("<html><head><title>Shop</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
                     encoding="utf-8")
    before = snapshot(data_copy)
    result = run("ingest", str(PAGE), str(empty), data=data_copy, build=tmp_path / "b")
    _one_error(result, 3, "no article text found in the page")
    assert snapshot(data_copy) == before  # not the good page before it, not its .html either


def test_footnotes_the_extractor_calls_furniture_are_kept(data_copy: Path, tmp_path: Path) -> None:
    page = tmp_path / "clinic.html"
    page.write_text(
        "<html><head><title>Walk your back better | Spine Clinic</title></head><body><nav><a href='/'>Home</a></nav>"
        "<article><h1>Walk your back better</h1><p>Walking is one of the best exercises for a sore back<sup>1</sup>."
        " Our physios recommend building up to thirty minutes a day<sup>2</sup>.</p>"
        "<p>If pain spreads to your legs, see your GP before you walk further.</p></article>"
        "<footer class='notes'><h4>Footnotes</h4><p>1. Hendrick P, Te Wake AM, Tikkisetty AS, et al. The effectiveness"
        " of walking as an intervention for low back pain: a systematic review. Eur Spine J. 2010;19(10):1613-1620.</p>"
        "<p>2. Krein SL, Kadri R, Hughes M, et al. Pedometer-based internet-mediated intervention for adults with"
        " chronic low back pain: randomized controlled trial. J Med Internet Res. 2013;15(8):e181.</p></footer>"
        "<footer><p>© Spine Clinic 2024</p></footer></body></html>", encoding="utf-8")
    result = run("ingest", "--format", "json", str(page), data=data_copy)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [r["source"] for r in doc["references"]] == ["hendrick2010", "krein2013"]
    assert [(c["marker"], c["keys"]) for c in doc["citations"]] == [("^1", ["1"]), ("^2", ["2"])]


def test_json_over_several_files_is_one_document_and_writes_nothing(data_copy: Path, tmp_path: Path) -> None:
    files = [DEV / "news-narrative.txt", PAGE, DEV / "evidence-corner.txt"]
    before = snapshot(data_copy)
    result = run("ingest", "--format", "json", *map(str, files), data=data_copy, build=tmp_path / "b")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [d["file"] for d in doc] == [str(f) for f in files]
    assert all({"references", "citations", "cues"} <= set(d) for d in doc)
    assert doc[1]["format"] == "html" and doc[1]["meta"]["url"].startswith("https://shop.retrostride")
    suh = doc[2]["references"][1]
    assert suh["source"] is None and "DOI 10.1097/MD.0000000000016999 is not the record's" in suh["match"]["summary"]
    assert snapshot(data_copy) == before
    out = tmp_path / "analysis.json"  # --out writes the document where asked, and nothing into data/
    assert run("ingest", "--format", "json", "--out", str(out), *map(str, files), data=data_copy).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8")) == doc and snapshot(data_copy) == before


def test_review_lists_what_is_left_and_undrafting_waits_for_it(data_copy: Path, tmp_path: Path) -> None:
    article = tmp_path / "walking-news.txt"
    article.write_text(
        "Walking news\n\nWalking eases chronic low back pain, a review found (Cheng and Martins, 2021).\n"
        "If your leg goes numb, stop and see a doctor.\nSubscribe to our newsletter.\n\n"
        "Sources\nCheng L, Martins J. (2021). Everyday walking and the aching back. Harbour Health Press.\n",
        encoding="utf-8")
    assert run("ingest", str(article), data=data_copy, build=tmp_path / "b").exit_code == 0
    shown = run("review", "walking-news", data=data_copy)
    assert shown.exit_code == 0, shown.stderr
    out = shown.stdout
    assert "walking-news (draft, annotations/walking-news.yaml):" in out and "left to review" in out
    assert "[title]  Walking news" in out and "[reference-list]" in out and "Subscribe to our newsletter." in out
    assert "walking-news-draft-1 [efficacy]  Walking eases chronic low back pain, a review found." in out
    assert "[safety]  If your leg goes numb, stop and see a doctor." in out
    assert "cheng2021: no bibliography work matches" in out
    left = json.loads(run("review", "walking-news", "--format", "json", data=data_copy).stdout)
    assert left["left"] == len(left["sentences"]) + len(left["claims"]) + len(left["citations"]) > 0
    # removing the mark while anything is left is refused, and says how to see what is left
    path = data_copy / "annotations" / "walking-news.yaml"
    draft = yaml.safe_load(path.read_text(encoding="utf-8"))
    draft["draft"] = False
    path.write_text(yaml.safe_dump(draft, sort_keys=False, allow_unicode=True), encoding="utf-8")
    refused = run("build", "--check", data=data_copy)
    assert refused.exit_code == 3
    assert f"not a draft, but {left['left']} items left to review (lbpgraph review walking-news lists them)" \
        in refused.stderr
    listed = run("review", "walking-news", data=data_copy)  # and review does list them
    assert listed.exit_code == 0, listed.stderr
    assert f"(marked reviewed: the build refuses it until these are done, annotations/walking-news.yaml): " \
           f"{left['left']} items left to review" in listed.stdout
    # once the reviewer has gone through everything, the article may count
    draft["review"] = {}
    draft["not_claims"] = [{"quote": s["quote"], "reason": s["suggest"] or "advertising"} for s in left["sentences"]]
    path.write_text(yaml.safe_dump(draft, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert run("build", "--check", data=data_copy).exit_code == 0, run("build", "--check", data=data_copy).stderr
    assert "nothing left to review" in run("review", "walking-news", data=data_copy).stdout


def test_review_items_must_point_at_real_things(data_copy: Path, tmp_path: Path) -> None:
    assert run("ingest", str(DEV / "forum-thread.txt"), "--id", "forum", data=data_copy).exit_code == 0
    path = data_copy / "annotations" / "forum.yaml"
    draft = yaml.safe_load(path.read_text(encoding="utf-8"))
    draft["review"]["sentences"][0]["start"] += 3
    draft["review"]["claims"][0]["claim"] = "no-such-claim"
    draft["review"]["citations"][0]["appearance"] = "s999"
    path.write_text(yaml.safe_dump(draft, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = run("build", "--check", data=data_copy)
    assert result.exit_code == 3
    assert "is not this quote" in result.stderr and "unknown claim 'no-such-claim'" in result.stderr
    assert "unknown appearance 's999'" in result.stderr
    _one_error(run("review", "nosuch", data=data_copy), 3, "problems in the annotations")
    assert run("build", "--check", data=data_copy).exit_code == 3


def test_review_of_an_unknown_article_is_a_usage_error() -> None:
    _one_error(run("review", "nosuch"), 2, "no article 'nosuch'")


def test_the_same_page_gives_the_same_draft(tmp_path: Path) -> None:
    drafts = []
    for n in (1, 2):
        data = tmp_path / f"data{n}"
        shutil.copytree(ROOT / "data", data)
        assert run("ingest", str(PAGE), "--id", "page", data=data).exit_code == 0
        drafts.append([(data / "annotations" / "page.yaml").read_bytes(), (data / "articles" / "page.txt").read_bytes()])
    assert drafts[0] == drafts[1]


def _modules_after(args: list[str]) -> set[str]:
    script = ("import sys\nfrom lbpgraph.cli import cli\ntry:\n"
              f"    cli({args!r}, prog_name='lbpgraph')\nexcept SystemExit:\n    pass\n"
              "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split()[-1:] and out.stdout.splitlines()[-1].split())


def test_trafilatura_is_loaded_only_to_read_a_page(tmp_path: Path) -> None:
    assert "trafilatura" not in _modules_after(["--help"])
    assert "trafilatura" not in _modules_after(["ingest", "--help"])
    text_only = _modules_after(["ingest", "--format", "json", "--out", str(tmp_path / "a.json"),
                                str(DEV / "blog-apa.txt")])
    assert "trafilatura" not in text_only and "lbpgraph" in text_only
    assert "trafilatura" in _modules_after(["ingest", "--format", "json", "--out", str(tmp_path / "b.json"), str(PAGE)])


def test_a_text_that_never_stops_full_of_links_and_markers_does_not_hang(data_copy: Path, tmp_path: Path) -> None:
    """One sentence of 0.6 MB holding 5,000 DOI addresses and 5,000 numeric markers: the code before
    took many minutes on it (every marker read its whole sentence, every address was compared with
    every entry found before it, every new record's id was counted up from 1), now seconds. A guard
    against such hangs, with a generous limit, not a measure of speed."""
    rnd = random.Random(3)
    words = [f"https://doi.org/10.{1000 + i}/w{i} ({1 + i % 9}) {base64.b64encode(rnd.randbytes(60)).decode()}"
             for i in range(5000)]
    article = tmp_path / "runs-on.txt"
    article.write_text("A title\n\nResearch shows " + " ".join(words) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "lbpgraph", "--data", str(data_copy), "ingest", str(article)],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    draft = yaml.safe_load((data_copy / "annotations" / "runs-on.yaml").read_text(encoding="utf-8"))
    ids = [s["id"] for s in draft["sources"]]
    assert len(ids) == len(set(ids)) == 5000 and ids[:3] == ["work", "work-2", "work-3"]
