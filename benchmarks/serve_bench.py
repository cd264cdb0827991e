"""Queries per second and latency of ``lbpgraph serve`` at 1, 10 and 50 concurrent clients.

Run after `make test` (which installs the serve extra):  .venv/bin/python benchmarks/serve_bench.py
For the memory and the Oxigraph store, the real corpus is built into a temporary folder and
served by the installed command (``lbpgraph serve --port 0``, its defaults otherwise) on
loopback. Each client is a thread with one keep-alive connection that sends the same query
again and again; a level stops after its number of requests or its time cap, whichever comes
first. Every request is counted from sending to the last byte read. Prints one table measured in
this run, with the machine's load average before and after (other work on the machine shows
there). Not a test: nothing is asserted.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from lbpgraph.analysis.query import named_queries
from lbpgraph.project import Project

ROOT = Path(__file__).resolve().parents[1]
LBPGRAPH = Path(sys.executable).with_name("lbpgraph")
QUERIES = {
    "ask": "ASK { claim:bw-unloads-discs a schema:Claim }",
    "supported-claims": named_queries()["supported-claims"][1],
}
LEVELS = (1, 10, 50)
REQUESTS = {1: 40, 10: 150, 50: 300}  # per level
SECONDS = 60.0  # time cap per level


def start(data: Path, build: Path, store: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([str(LBPGRAPH), "--data", str(data), "--build-dir", str(build), "--store", store,
                                "serve", "--port", "0", "--no-access-log"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    assert process.stderr is not None
    for line in process.stderr:
        if match := re.search(r"at http://127\.0\.0\.1:(\d+)/ ", line):
            threading.Thread(target=lambda: process.stderr.read(), daemon=True).start()  # type: ignore[union-attr]
            return process, match.group(1)
    raise RuntimeError("lbpgraph serve did not start")


def level(port: str, query: str, clients: int, requests: int | None = None) -> dict[str, float]:
    path = "/sparql?" + urllib.parse.urlencode({"query": query})
    budget = [requests or REQUESTS[clients]]
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + SECONDS

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
        while time.monotonic() < deadline:
            with lock:
                if budget[0] == 0:
                    break
                budget[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=120)
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors[0] += 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=20, method="inclusive") if len(latencies) > 1 else latencies * 19
    return {"requests": len(latencies), "errors": errors[0], "qps": len(latencies) / wall,
            "p50": statistics.median(latencies) * 1000, "p95": cuts[18] * 1000}


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="lbpgraph-serve-bench-"))
    rows = []
    load_before = os.getloadavg()
    try:
        for store in ("memory", f"oxigraph:{work / 'db'}"):
            build = work / ("build-memory" if store == "memory" else "build-oxigraph")
            project = Project(ROOT / "data", build, store)
            project.build()
            project.close()
            process, port = start(ROOT / "data", build, store)
            try:
                for name, query in QUERIES.items():
                    level(port, query, 1, 5)  # warm up: the first pages of the store and the parser
                    for clients in LEVELS:
                        rows.append((store.split(":")[0], name, clients, level(port, query, clients)))
            finally:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=60)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{os.cpu_count()} cores; load average (1, 5, 15 min) before: "
          f"{', '.join(f'{x:.1f}' for x in load_before)}; after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'store':<9} {'query':<17} {'clients':>7} {'requests':>8} {'errors':>6} {'q/s':>7} "
          f"{'p50 (ms)':>9} {'p95 (ms)':>9}")
    for store, name, clients, r in rows:
        print(f"{store:<9} {name:<17} {clients:>7} {r['requests']:>8} {r['errors']:>6} {r['qps']:>7.1f} "
              f"{r['p50']:>9.0f} {r['p95']:>9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
