"""Capture what every lbpgraph command prints, so that a refactoring can show it changed nothing.

    .venv/bin/python benchmarks/snapshot_outputs.py OUT_DIR [--lbpgraph PATH] [--jobs N]

Runs the installed command line (a subprocess per call, as a user runs it) on data/ and on a
synthetic corpus of about 20,000 triples, in a fresh work folder, and writes one file per call
under OUT_DIR: its stdout, stderr and exit code, and the files it wrote (graph.trig, traces.json,
view pages). Two snapshots are compared with ``diff -r BEFORE AFTER``: an empty diff means that
nothing a command prints changed.

Captured, on each corpus: build (stdout, graph.trig, traces.json) and build --check; every named
query in table, csv and json; query --list; the trace of every claim in text, json and markdown,
each with and without --explain; report html, md and csv (every table); stats in text and json;
view of one claim and --all (the HTML); each command's --help; a few refusals and errors; and,
on the oxigraph store, the answers for a sample (named queries, traces, stats, report, views).
Also: schema, --version, ingest --format json of every article of data/, the draft YAML ingest
writes for one, and the files synth writes.

Only wall-clock times are normalised ("in 0.52 s" -> "in <t> s").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TIME = re.compile(r"\b\d+\.\d+ s\b")
FORMATS = ("text", "json", "markdown")


class Snapshot:
    def __init__(self, lbpgraph: str, work: Path, out: Path, jobs: int) -> None:
        self.lbpgraph, self.work, self.out, self.jobs = lbpgraph, work, out, jobs

    def run(self, name: str, args: list[str], cwd: Path | None = None, stdin: bytes | None = None) -> bytes:
        """Run ``lbpgraph ARGS`` in ``cwd`` and record stdout, stderr and the exit code as NAME."""
        env = {**os.environ, "COLUMNS": "100", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0"}
        env.pop("LBPGRAPH_STORE", None)
        done = subprocess.run([self.lbpgraph, *args], cwd=cwd or self.work, input=stdin, capture_output=True,
                              env=env, timeout=600)
        stdout = _TIME.sub("<t> s", done.stdout.decode("utf-8", "replace"))
        stderr = _TIME.sub("<t> s", done.stderr.decode("utf-8", "replace"))
        path = self.out / f"{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"$ lbpgraph {' '.join(args)}\n--- exit {done.returncode}\n--- stdout\n{stdout}"
                        f"--- stderr\n{stderr}", encoding="utf-8")
        return done.stdout

    def many(self, calls: list[tuple[str, list[str]]]) -> None:
        with ThreadPoolExecutor(self.jobs) as pool:
            list(pool.map(lambda call: self.run(*call), calls))

    def keep(self, name: str, source: Path) -> None:
        target = self.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def corpus(s: Snapshot, label: str, data: str, build: str, store: str | None = None, sample: int | None = None) -> None:
    """Every command on one corpus (``sample``: trace only that many claims, every n-th)."""
    base = ["--data", data, "--build-dir", build] + (["--store", store] if store else [])
    s.run(f"{label}/build-check", [*base, "build", "--check"])
    s.run(f"{label}/build", [*base, "build"])
    s.run(f"{label}/build-again", [*base, "build"])
    if store is None:
        s.keep(f"{label}/graph.trig", s.work / build / "graph.trig")
        s.keep(f"{label}/traces.json", s.work / build / "traces.json")
        claims = sorted(json.loads((s.work / build / "traces.json").read_text(encoding="utf-8")))
    else:
        listed = s.run(f"{label}/claims", [*base, "query", "--format", "csv",
                                            "SELECT ?c WHERE { ?c a schema:Claim } ORDER BY ?c"])
        claims = [line.rsplit("/", 1)[1] for line in listed.decode().splitlines()[1:]]
    if sample:
        claims = claims[::max(1, len(claims) // sample)]
    names = s.run(f"{label}/query-list", [*base, "query", "--list"]).decode().splitlines()[2:]
    calls = [(f"{label}/query/{name.split()[0]}.{fmt}", [*base, "query", name.split()[0], "--format", fmt])
             for name in names for fmt in ("table", "csv", "json")]
    calls += [(f"{label}/trace/{claim}.{fmt}{'.explain' * explain}",
               [*base, "trace", claim, "--format", fmt, *(["--explain"] * explain)])
              for claim in claims for fmt in FORMATS for explain in (False, True)]
    calls += [(f"{label}/report.{fmt}", [*base, "report", "--format", fmt]) for fmt in ("html", "md")]
    calls += [(f"{label}/report.csv.{table}", [*base, "report", "--format", "csv", "--table", table])
              for table in ("claims", "articles", "sources")]
    calls += [(f"{label}/stats.{fmt}", [*base, "stats", "--format", fmt]) for fmt in ("text", "json")]
    s.many(calls)
    for name, args in ((f"view-{claims[0]}", [claims[0]]), ("view-all", ["--all"])):
        s.run(f"{label}/{name}", [*base, "view", *args, "--out", f"{label}-{name}.html"])
        s.keep(f"{label}/{name}.html", s.work / f"{label}-{name}.html")
    s.run(f"{label}/view-by-text", [*base, "view", "walking backward", "--out", f"{label}-text.html"])
    errors = [("trace-unknown", ["trace", "no such claim whatsoever"]), ("trace-ambiguous", ["trace", "walking"]),
              ("trace-empty", ["trace", ""]),
              ("query-update", ["query", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"]),
              ("query-service", ["query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }"]),
              ("query-syntax", ["query", "SELECT ?x WHERE { ?x"]),
              ("query-missing-file", ["query", "no/such/file.rq"]),
              ("query-ask", ["query", "ASK { ?s a schema:Claim }"]),
              ("query-construct", ["query", "CONSTRUCT { ?c a schema:Claim } WHERE { ?c a schema:Claim } LIMIT 3",
                                   "--format", "csv"]),
              ("report-bad-table", ["report", "--format", "csv", "--table", "nope"]),
              ("view-both", ["view", "x", "--all"])]
    s.many([(f"{label}/errors/{name}", [*base, *args]) for name, args in errors])
    s.run(f"{label}/query-stdin", [*base, "query", "-", "--format", "json"],
          stdin=b"SELECT ?c ?t WHERE { ?c a schema:Claim ; schema:text ?t } ORDER BY ?c LIMIT 5")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lbpgraph", default=str(ROOT / ".venv" / "bin" / "lbpgraph"))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty")
    with tempfile.TemporaryDirectory(prefix="lbpgraph-snapshot-") as tmp:
        work = Path(tmp)
        s = Snapshot(args.lbpgraph, work, args.out, args.jobs)
        shutil.copytree(ROOT / "data", work / "data")
        s.run("version", ["--version"])
        s.run("help/lbpgraph", ["--help"])
        commands = [line.split()[0] for line in s.run("help/lbpgraph-again", ["--help"]).decode()
                    .split("Commands:\n")[1].splitlines() if line.startswith("  ")]
        s.many([(f"help/{command}", [command, "--help"]) for command in commands])
        s.run("schema", ["schema"])
        s.run("synth", ["synth", "--triples", "20000", "--out", "synth"])
        digest = hashlib.sha256()
        for path in sorted((work / "synth").rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(work / "synth")).encode() + b"\0" + path.read_bytes())
        (args.out / "synth-files.sha256").write_text(digest.hexdigest() + "\n", encoding="utf-8")
        s.run("synth-again", ["synth", "--triples", "20000", "--out", "synth"])  # refused: not empty
        corpus(s, "data", "data", "build")
        corpus(s, "synth", "synth", "build-synth")
        corpus(s, "data-oxigraph", "data", "build-ox", store="oxigraph:oxdb", sample=12)
        corpus(s, "synth-oxigraph", "synth", "build-synth-ox", store="oxigraph:oxdb-synth", sample=12)
        shutil.copytree(ROOT / "data", work / "ingest-data")
        articles = sorted((work / "data" / "articles").glob("*.txt"))
        for a in articles:  # one at a time: each archives its text under ingest-data/
            s.run(f"ingest/{a.stem}.json", ["--data", "ingest-data", "ingest", f"data/articles/{a.name}",
                                            "--format", "json"])
        s.run("ingest/draft", ["--data", "ingest-data", "ingest", f"data/articles/{articles[0].name}",
                               "--id", "new-article"])
        s.keep("ingest/new-article.yaml", work / "ingest-data" / "annotations" / "new-article.yaml")
    print(f"wrote {sum(1 for p in args.out.rglob('*') if p.is_file())} files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
