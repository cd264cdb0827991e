"""Distortion analysis, explanations, inferred cautions and missing warnings on the real corpus."""

from __future__ import annotations

from pathlib import Path

from lbpgraph.project import Project

from .conftest import ROOT, run


def test_distortions_of_the_disc_unloading_claim(built: Project) -> None:
    d = built.trace("bw-unloads-discs").distortions
    assert d["amplification"]["appearances"] == 2
    assert d["amplification"]["primary_sources"] == []  # Dufek only hypothesises it; (9) is unidentified
    assert [x["appearance"] for x in d["transmutation"]] == ["001.jep-opens-discs"]
    assert d["transmutation"][0]["source_stance"] == "hypothesis"
    assert {tuple(x["path"]) for x in d["dead_ends"]} == {("Dufek JS et al. 2011", "reference (9) of Dufek et al. 2011")}
    assert {x["dimension"] for x in d["diversion"]} == {"outcome"}


def test_amplification_and_transmutation_of_walking(built: Project) -> None:
    d = built.trace("walking-relieves-lbp").distortions
    amp = d["amplification"]
    assert amp["appearances"] > len(amp["primary_sources"]) > 0
    assert "kim2017" in amp["primary_sources"]
    assert {"association"} == {x["source_stance"] for x in d["transmutation"]}  # Kim's association turned into an effect
    assert any(x["dimension"] == "intervention" for x in d["diversion"])  # e.g. Barzilay's foot-worn device


def test_explain_gives_a_rule_and_facts_for_every_part_of_the_verdict(built: Project) -> None:
    t = built.trace("bw-unloads-discs")
    explained_flags = {e["value"] for e in t.explanation if e["part"] == "flag"}
    assert explained_flags == set(t.verdict["flags"])
    for e in t.explanation:
        if e["rule_file"].startswith("rules/"):
            assert (ROOT / "src" / "lbpgraph" / e["rule_file"]).is_file()
    overstated = [e for e in t.explanation if e["value"] == "overstated"]
    assert [e["appearance"] for e in overstated] == ["001.jep-opens-discs"]
    assert [p["kind"] for p in overstated[0]["premises"]] == ["citation"]
    assert "stance hypothesis" in overstated[0]["premises"][0]["text"]
    strength = next(e for e in t.explanation if e["part"] == "strength")
    assert any(p["id"] == "dufek2011" for p in strength["premises"])
    text = run("trace", "bw-unloads-discs", "--explain", build=built.build_dir).stdout
    assert "flag overstated on 001.jep-opens-discs: rule flag-overstated (rules/041-flag-overstated.rq)" in text
    assert "explanation" not in run("trace", "bw-unloads-discs", "--format", "json", build=built.build_dir).stdout


def test_inferred_cautions_are_listed_beside_stated_ones(built: Project) -> None:
    result = built.query(__import__("lbpgraph.query", fromlist=["x"]).named_queries()["contraindications"][1])
    rows = {(r["intervention"]["value"], r["condition"]["value"], r["origin"]["value"]) for r in result.rows}
    assert ("backward walking", "facet joint arthritis", "inferred") in rows
    assert ("backward walking", "facet joint arthritis", "stated") in rows  # 000: rehab differs with facet arthritis
    assert ("back walking (massage)", "osteoporosis", "inferred") in rows
    assert ("back walking (massage)", "osteoporosis", "stated") in rows
    assert ("back walking (massage)", "pregnancy", "stated") in rows
    assert not any(i == "back walking (massage)" and c == "pregnancy" and o == "inferred" for i, c, o in rows)


def test_missing_warnings(built: Project) -> None:
    from lbpgraph.query import named_queries
    rows = {(r["article"]["value"].rsplit("/", 1)[1], r["intervention"]["value"], r["condition"]["value"], r["origin"]["value"])
            for r in built.query(named_queries()["missing-warnings"][1]).rows}
    # 001 recommends backward walking without 000's warning that it must not provoke pain
    assert ("001", "backward walking", "pain that the activity increases or provokes", "stated") in rows
    # 000 states that warning itself, so it is not missing there
    assert not any(a == "000" and c == "pain that the activity increases or provokes" for a, _, c, _ in rows)
    # 004 says lumbar arthritis responds best to back walking, yet its own mechanism loads the vertebrae
    assert ("004", "back walking (massage)", "lumbar arthritis", "inferred") in rows
    # a warning about backward walking never lands on back walking, or the reverse
    assert not any(i == "back walking (massage)" and a != "004" for a, i, _, _ in rows)


def test_rules_are_readable_data(tmp_path: Path) -> None:
    from lbpgraph.rules import load_rules
    rules = load_rules()
    assert [r.order for r in rules] == sorted(r.order for r in rules)
    for rule in rules:
        assert len(rule.description) > 40, rule.name
        assert rule.sparql.lstrip().startswith("#") and "CONSTRUCT" in rule.sparql
