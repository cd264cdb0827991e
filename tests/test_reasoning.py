"""Distortion analysis, explanations, inferred cautions and missing warnings on the real corpus."""

from __future__ import annotations

from pathlib import Path

from lbpgraph.project import Project

from . import factory
from .conftest import ROOT, run


def test_distortions_of_the_disc_unloading_claim(built: Project) -> None:
    d = built.trace("bw-unloads-discs").distortions
    assert d["amplification"]["appearances"] == 1
    assert d["amplification"]["primary_sources"] == []  # Dufek only hypothesises it; (9) and (22) are unidentified
    assert d["transmutation"] == []  # 000 quotes the hypothesis verbatim
    assert {tuple(x["path"]) for x in d["dead_ends"]} == {("Dufek JS et al. 2011", "reference (9) of Dufek et al. 2011"),
                                                         ("Dufek JS et al. 2011", "reference (22) of Dufek et al. 2011")}
    assert {x["dimension"] for x in d["diversion"]} == {"outcome"}  # Dufek measured no disc load
    retold = built.trace("bw-opens-discs").distortions  # 001: "researchers have found ... opens the discs"
    assert [(x["appearance"], x["source_stance"]) for x in retold["transmutation"]] == [("001.jep-opens-discs", "hypothesis")]


def test_amplification_of_walking(built: Project) -> None:
    d = built.trace("walking-relieves-lbp").distortions
    amp = d["amplification"]
    assert amp["primary_sources"] == ["krein2013", "lee_kang2016"]  # the only cited data on walking and relief
    assert amp["appearances"] > len(amp["primary_sources"])
    broken = {(x["path"][-1], x["reason"]) for x in d["dead_ends"]}
    assert ("Barzilay Y et al. 2016", "the source does not support the claim") in broken  # a foot-worn device
    assert ("Kim H et al. 2017", "the source does not support the claim") in broken  # prevalence, not relief


def test_explain_gives_a_rule_and_facts_for_every_part_of_the_verdict(built: Project) -> None:
    t = built.trace("bw-opens-discs")
    explained_flags = {e["value"] for e in t.explanation if e["part"] == "flag"}
    assert explained_flags == set(t.verdict["flags"])
    for e in t.explanation:
        if e["rule_file"] and e["rule_file"].startswith("rules/"):
            assert (ROOT / "src" / "lbpgraph" / "build" / e["rule_file"]).is_file()  # relative to the build package
    overstated = [e for e in t.explanation if e["value"] == "overstated"]
    assert [e["appearance"] for e in overstated] == ["001.jep-opens-discs"]
    # the source states a hypothesis; it studied athletes, a narrower population than the claim's
    kinds = {p["kind"] for p in overstated[0]["premises"]}
    assert "citation" in kinds and kinds <= {"citation", "source", "concept"}
    assert any("stance hypothesis" in p["text"] for p in overstated[0]["premises"] if p["kind"] == "citation")
    strength = next(e for e in built.trace("bw-unloads-discs").explanation if e["part"] == "strength")
    assert (strength["value"], strength["rule"]) == ("narrative-review-or-expert-opinion", "claim-strength-expert-opinion")
    assert [p["id"] for p in strength["premises"]] == ["000.dufek-disc-unloading"]
    text = run("trace", "bw-opens-discs", "--explain", build=built.build_dir).stdout
    assert "flag overstated on 001.jep-opens-discs: rule flag-overstated (rules/041-flag-overstated.rq)" in text
    assert "explanation" not in run("trace", "bw-opens-discs", "--format", "json", build=built.build_dir).stdout


def test_explain_names_the_rule_and_premises_of_every_downgrade(built: Project) -> None:
    t = built.trace("walking-relieves-lbp")
    certainty = [e for e in t.explanation if e["part"] == "certainty"]
    assert certainty[0]["value"] == "very-low" and certainty[0]["rule"] == "claim-certainty"
    downgrades = [(e["rule"], e["value"]) for e in certainty[1:]]
    assert ("downgrade-risk-of-bias", "risk-of-bias -1: primary endpoint not reported") in downgrades
    assert ("downgrade-imprecision", "imprecision -2: sample of 36, below 100, far below the optimal information "
            "size of 400") in downgrades
    assert len(downgrades) == len(t.verdict["certainty_reasons"])
    assert all(any(p["kind"] == "source" for p in e["premises"]) for e in certainty[1:])
    text = run("trace", "walking-relieves-lbp", "--explain", build=built.build_dir).stdout
    assert ("certainty risk-of-bias -1: primary endpoint not reported: rule downgrade-risk-of-bias "
            "(rules/071-downgrade-risk-of-bias.rq)") in text


def test_inferred_cautions_are_listed_beside_stated_ones(built: Project) -> None:
    result = built.query(__import__("lbpgraph.analysis.query", fromlist=["x"]).named_queries()["contraindications"][1])
    rows = {(r["intervention"]["value"], r["condition"]["value"], r["origin"]["value"]) for r in result.rows}
    assert ("backward walking", "facet joint arthritis", "inferred") in rows
    assert ("backward walking", "facet joint arthritis", "stated") in rows  # 000: rehab differs with facet arthritis
    assert ("back walking (massage)", "osteoporosis", "inferred") in rows
    assert ("back walking (massage)", "osteoporosis", "stated") in rows
    assert ("back walking (massage)", "pregnancy", "stated") in rows
    assert not any(i == "back walking (massage)" and c == "pregnancy" and o == "inferred" for i, c, o in rows)


def test_a_caution_from_two_mechanisms_pairs_each_with_the_structure_it_loads(tmp_path: Path) -> None:
    """Lumbar arthritis affects the facet joints and the vertebrae; backward walking is said to load
    the one by facet loading and the other by bone loading. The caution holds both mechanisms and
    both structures; the query and the trace pair each mechanism with its own structure only."""
    data = factory.corpus()
    concepts = data["concepts.yaml"]
    concepts["structures"] += [{"id": "facet", "label": "facet joints"}, {"id": "vertebrae", "label": "vertebrae"}]
    concepts["mechanisms"] += [
        {"id": "facet-loading", "label": "facet loading", "acts_on": ["facet"], "direction": "loads"},
        {"id": "bone-loading", "label": "bone loading", "acts_on": ["vertebrae"], "direction": "loads"}]
    concepts["conditions"] = [{"id": "lumbar-arthritis", "label": "lumbar arthritis", "affects": ["facet", "vertebrae"]}]
    data["claims.yaml"]["claims"][1]["mechanisms"] += ["facet-loading", "bone-loading"]
    project = Project(factory.write(tmp_path, data), tmp_path / "build")
    rows = {(r["mechanism"]["value"], r["structure"]["value"]) for r in project.query("contraindications").rows
            if r["origin"]["value"] == "inferred"}
    assert rows == {("facet loading", "facet joints"), ("bone loading", "vertebrae")}
    [caution] = [d for _, d in project.projection().nodes(data=True) if d["kind"] == "contraindication"]
    assert (caution["mechanism"], caution["structure"]) in rows


def test_the_mechanisms_query_says_how_certain_the_support_is_and_whether_it_is_mechanistic_only(
        built: Project) -> None:
    rows = built.query("mechanisms").rows
    verdicts = {cid: t["verdict"] for cid, t in built.traces().items()}
    assert rows and all("certainty" in r for r in rows)
    for r in rows:
        v = verdicts[r["claim"]["value"].rsplit("/", 1)[1]]
        assert r["certainty"]["value"] == v["certainty"]
        assert ("mechanismOnly" in r) == ("mechanism-only" in v["flags"])
    assert any("mechanismOnly" in r for r in rows)


def test_missing_warnings(built: Project) -> None:
    ids = {r["title"]["value"]: r["a"]["value"].rsplit("/", 1)[1]  # the query names articles by their titles
           for r in built.query("SELECT ?a ?title WHERE { ?a lbp:articleKind ?k ; schema:name ?title }").rows}
    rows = {(ids[r["article"]["value"]], r["intervention"]["value"], r["condition"]["value"], r["origin"]["value"])
            for r in built.query("missing-warnings").rows}
    # 001 recommends backward walking without 000's warning that it must not provoke pain
    assert ("001", "backward walking", "pain that the activity increases or provokes", "stated") in rows
    # 000 states that warning itself, so it is not missing there
    assert not any(a == "000" and c == "pain that the activity increases or provokes" for a, _, c, _ in rows)
    # 004 says lumbar arthritis responds best to back walking, yet its own mechanism loads the vertebrae
    assert ("004", "back walking (massage)", "lumbar arthritis", "inferred") in rows
    # a warning about backward walking never lands on back walking, or the reverse
    assert not any(i == "back walking (massage)" and a != "004" for a, i, _, _ in rows)


def test_rules_are_readable_data(tmp_path: Path) -> None:
    from lbpgraph.build.rules import load_rules
    rules = load_rules()
    assert [r.order for r in rules] == sorted(r.order for r in rules)
    for rule in rules:
        assert len(rule.description) > 40, rule.name
        assert rule.sparql.lstrip().startswith("#") and "CONSTRUCT" in rule.sparql
