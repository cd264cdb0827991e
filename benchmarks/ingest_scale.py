"""Time and memory of `lbpgraph ingest` at 0.1, 1 and 5 MB of text: does it grow in proportion?

    .venv/bin/python benchmarks/ingest_scale.py [--sizes 0.1,1,5] [--json]

Each text is made of the development set's and the seeds' plain-text articles, one after the
other until the size is reached (so it holds prose, reference lists, citations and look-alike
numbers in the proportions real articles do). Each size is ingested twice, each time in a fresh
process, through the command line: with `--format json` (analysis only, nothing written) and as a
draft into a copy of data/ (analysis, draft, validation of the corpus with the draft, writing).
Printed: seconds and peak resident memory of each run, seconds per MB, and how time and memory
grow from one size to the next against how the text grows (1.0 = in proportion).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "tests" / "data" / "ingest" / "dev").glob("*.txt")) + sorted((ROOT / "data" / "articles").glob("*.txt"))
RUNNER = """
import json, resource, sys, time
from lbpgraph.cli import cli
start = time.perf_counter()
try:
    cli.main(sys.argv[1:], prog_name="lbpgraph", standalone_mode=False)
finally:
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    sys.stderr.write("\\nMEASURE " + json.dumps({"seconds": seconds, "peak_mb": peak}) + "\\n")
"""


def make_text(megabytes: float) -> str:
    """About ``megabytes`` MB of article text, cut at a line end."""
    unit = "\n\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    size = int(megabytes * 1_000_000)
    text = (unit * (size // len(unit) + 1))[:size]
    return text[:text.rfind("\n") + 1]


def measure(args: list[str]) -> dict[str, float]:
    """Run the command line in a fresh process; its wall time and peak resident memory."""
    done = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, cwd=ROOT)
    line = next((x for x in done.stderr.splitlines() if x.startswith("MEASURE ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(line.removeprefix("MEASURE "))


def run(sizes: list[float]) -> list[dict[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="ingest-scale-") as tmp:
        for mb in sizes:
            article = Path(tmp) / f"article-{mb}.txt"
            article.write_text(make_text(mb), encoding="utf-8")
            data = Path(tmp) / f"data-{mb}"
            shutil.copytree(ROOT / "data", data)
            analysis = measure(["--data", str(data), "ingest", "--format", "json", "--out", str(Path(tmp) / "a.json"),
                                str(article)])
            draft = measure(["--data", str(data), "ingest", "--id", "scale", str(article)])
            rows.append({"mb": article.stat().st_size / 1_000_000, "json_s": analysis["seconds"],
                         "json_mb": analysis["peak_mb"], "draft_s": draft["seconds"], "draft_mb": draft["peak_mb"],
                         "draft_yaml_mb": (data / "annotations" / "scale.yaml").stat().st_size / 1_000_000})
    return rows


def main(argv: list[str]) -> int:
    sizes = [0.1, 1.0, 5.0]
    if "--sizes" in argv:
        sizes = [float(x) for x in argv[argv.index("--sizes") + 1].split(",")]
    rows = run(sizes)
    if "--json" in argv:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'text MB':>8} | {'json s':>7} {'peak MB':>8} | {'draft s':>8} {'peak MB':>8} {'yaml MB':>8} | "
          f"{'s/MB json':>9} {'s/MB draft':>10}")
    for r in rows:
        print(f"{r['mb']:8.2f} | {r['json_s']:7.2f} {r['json_mb']:8.0f} | {r['draft_s']:8.2f} {r['draft_mb']:8.0f} "
              f"{r['draft_yaml_mb']:8.1f} | {r['json_s'] / r['mb']:9.2f} {r['draft_s'] / r['mb']:10.2f}")
    print("growth from one size to the next, divided by the growth of the text (1.0 = in proportion):")
    for a, b in zip(rows, rows[1:]):
        grow = b["mb"] / a["mb"]
        print(f"  {a['mb']:.1f} -> {b['mb']:.1f} MB (x{grow:.1f}): time json {b['json_s'] / a['json_s'] / grow:.2f}, "
              f"draft {b['draft_s'] / a['draft_s'] / grow:.2f}; memory json {b['json_mb'] / a['json_mb'] / grow:.2f}, "
              f"draft {b['draft_mb'] / a['draft_mb'] / grow:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
