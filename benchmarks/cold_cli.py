"""How long each read command takes to start and answer, against ``python -c "import rdflib"``.

Run:  .venv/bin/python benchmarks/cold_cli.py [RUNS]   (hyperfine on the PATH; 30 runs by default)
The real corpus is built into a temporary folder with the default (memory) store; then
hyperfine times ``query NAME``, ``stats``, ``trace CLAIM`` and ``view CLAIM`` (each a fresh
process) and the baseline in one run, and the table gives each command's median, fastest run
and CPU time (user + system, the figure other work on the machine disturbs least) as a multiple
of the baseline's. The target of issue 18 is at most 2x. Prints the machine's load average
before and after. Not a test: nothing is asserted.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLAIM = "bw-unloads-discs"


def main(runs: int) -> None:
    if shutil.which("hyperfine") is None:
        sys.exit("hyperfine is not installed (apt-get install hyperfine)")
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="lbpgraph-cold-") as tmp:
        build = Path(tmp) / "build"
        lbpgraph = [str(bin_dir / "lbpgraph"), "--data", str(ROOT / "data"), "--build-dir", str(build)]
        subprocess.run([*lbpgraph, "build"], check=True, capture_output=True)
        commands = [f'{sys.executable} -c "import rdflib"',
                    *(" ".join([*lbpgraph, *args]) for args in (
                        ["query", "supported-claims"], ["stats"], ["trace", CLAIM],
                        ["view", CLAIM, "--out", str(Path(tmp) / "view.html")]))]
        out = Path(tmp) / "times.json"
        print("load average before:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        subprocess.run(["hyperfine", "-N", "-w", "3", "-r", str(runs), "--export-json", str(out), *commands],
                       check=True, capture_output=True)
        print("load average after: ", " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print(_table(json.loads(out.read_text())["results"]))


def _table(results: list[dict[str, object]]) -> str:
    base = results[0]
    b_median, b_min, b_cpu = (statistics.median(base["times"]), min(base["times"]),  # type: ignore[arg-type]
                              base["user"] + base["system"])  # type: ignore[operator]
    lines = [f"{'command':32s} {'median ms':>10s} {'x':>6s} {'min ms':>8s} {'x':>6s} {'cpu ms':>8s} {'x':>6s}"]
    for r in results:
        median, fastest, cpu = statistics.median(r["times"]), min(r["times"]), r["user"] + r["system"]  # type: ignore
        name = "import rdflib" if r is base else " ".join(str(r["command"]).split()[5:7])
        lines.append(f"{name:32s} {median * 1000:10.0f} {median / b_median:6.2f} {fastest * 1000:8.0f} "
                     f"{fastest / b_min:6.2f} {cpu * 1000:8.0f} {cpu / b_cpu:6.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
