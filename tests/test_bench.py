"""The benchmark at a small size: it runs, its JSON has the documented shape, and every store
(memory, Oxigraph, a real SPARQL server) gives the same answers. Its timings are not checked
here: speed targets are measured by running ``lbpgraph bench`` itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lbpgraph.devtools.bench import run as run_bench

from .conftest import run
from .virtuoso import USER

TASKS = {"build (YAML -> queryable store)", "trace p50", "trace p95", "verdicts, whole corpus",
         "named query supported-claims", "view of one claim"}


def test_every_store_agrees_and_rows_have_the_documented_shape(virtuoso: Any, tmp_path: Path) -> None:
    messages: list[str] = []
    remote = {"update_url": virtuoso.update_url, "graph_store_url": virtuoso.graph_store_url,
              "user": USER, "password": virtuoso.password}
    result = run_bench(12_000, tmp_path, seed=5, claims=12, remote=remote, progress=messages.append,
                       stores=("memory", "oxigraph", f"sparql:{virtuoso.query_url}"))
    assert result["stores"] == ["memory", "oxigraph", "sparql"]
    assert result["stores_agree"], result["disagreements"]
    assert result["verdicts_identical"] and result["supported_claims"] > 0
    assert result["traced_claims"] == 12 and result["named_query_rows"] > 0
    for store in result["stores"]:
        tasks = {r["task"] for r in result["rows"] if r["store"] == store}
        bare = {"build vs bare pyoxigraph bulk load to disk", "build vs bare pyoxigraph bulk load in memory",
                "bare pyoxigraph bulk load to disk vs in memory"}
        incremental = {f"build after one article {what} vs a full build" for what in ("edited", "added", "removed")}
        whole = {f"first {what} {when} vs projecting the whole graph" for what in ("stats", "report", "view --all")
                 for when in ("on a fresh build", "after an update")}
        local = incremental | whole
        assert tasks == TASKS | (bare if store == "oxigraph" else set()) | (local if store != "sparql" else set())
    for row in result["rows"]:
        assert set(row) == {"task", "store", "seconds", "baseline_seconds", "speedup"}
        assert row["seconds"] > 0 and row["baseline_seconds"] > 0
        assert abs(row["speedup"] - row["baseline_seconds"] / row["seconds"]) <= 0.01 * row["speedup"] + 0.01
    peaks = result["peak_rss_mb_by_store"]  # each store's tasks ran in a process of their own
    assert list(peaks) == result["stores"] and all(peak > 0 for peak in peaks.values())
    assert result["peak_rss_mb"] == max(peaks.values()) and result["baseline_peak_rss_mb"] > 0
    assert any("traces" in m for m in messages) and any(m.startswith("baseline:") for m in messages)
    assert not list(tmp_path.iterdir()), "the work folder is removed"


def test_cli_json_and_progress(tmp_path: Path) -> None:
    result = run("bench", "--triples", "5000", "--claims", "3", "--format", "json", "--work-dir", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"triples", "rows", "peak_rss_mb"} <= set(out) and out["triples"] > 3000
    assert out["stores_agree"] and {r["store"] for r in out["rows"]} == {"oxigraph"}
    assert "oxigraph: build (YAML -> store)" in result.stderr  # progress goes to stderr
    assert "oxigraph: 3/3 traces" in result.stderr  # from the store's own process, as it goes


def test_a_bad_store_is_refused_before_any_work(tmp_path: Path) -> None:
    result = run("bench", "--triples", "5000", "--stores", "oxigraph,postgres:x", "--work-dir", str(tmp_path))
    assert result.exit_code == 2 and "postgres" in result.stderr
    assert not list(tmp_path.iterdir())


def test_each_kind_of_store_is_named_once(tmp_path: Path) -> None:
    """Results are keyed by kind of store: a second oxigraph would silently replace the first."""
    for stores in ("oxigraph,oxigraph", "memory,oxigraph:elsewhere,oxigraph", ","):
        result = run("bench", "--triples", "5000", "--stores", stores, "--work-dir", str(tmp_path))
        assert result.exit_code == 2 and "name each kind of store once" in result.stderr, stores
    assert not list(tmp_path.iterdir())  # refused before any work


def test_an_error_in_a_stores_own_process_is_raised_as_it_was(virtuoso: Any, tmp_path: Path) -> None:
    from lbpgraph.core.errors import RemoteStoreError
    remote = {"update_url": virtuoso.update_url, "graph_store_url": virtuoso.graph_store_url,
              "user": USER, "password": "not-the-password"}
    messages: list[str] = []
    with pytest.raises(RemoteStoreError, match="refused the credentials"):
        run_bench(5_000, tmp_path, claims=3, remote=remote, progress=messages.append,
                  stores=("oxigraph", f"sparql:{virtuoso.query_url}"))
    assert "oxigraph: 3/3 traces" in messages and "sparql: push (local build + upload) ..." in messages
    assert not list(tmp_path.iterdir()), "the work folder is removed"
