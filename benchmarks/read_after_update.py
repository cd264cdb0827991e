"""The first whole-graph reads after an incremental update of an Oxigraph store.

    .venv/bin/python benchmarks/read_after_update.py DATA WORK [SEED]

Copies DATA (a corpus, e.g. one `lbpgraph synth` wrote) to WORK, builds it into an Oxigraph
store, makes one random edit to one article (as the incremental-build tests do) and builds
again (an update). Then each of `stats`, `report` and `view --all` runs as the first read after
that update: on a Project of its own, with no projection cached in the build folder. Printed:
the seconds of the full build, of the update, and of each read (wall, and CPU of this process).
"""

from __future__ import annotations

import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lbpgraph.presentation.report import build_report, render_html  # noqa: E402
from lbpgraph.project import Project  # noqa: E402
from tests.edits import Corpus, edit  # noqa: E402


def main(data: Path, work: Path, seed: int) -> None:
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(data, work / "data")

    def fresh() -> Project:
        return Project(work / "data", work / "build", f"oxigraph:{work / 'db'}", watch=False)
    print(f"full build: {fresh().build().seconds:.2f} s", flush=True)
    print("edit:", edit(random.Random(seed), Corpus(work / "data")))
    result = fresh().build()
    print(f"update: {result.seconds:.2f} s (incremental: {result.updated})", flush=True)
    reads = {"stats": lambda p: p.stats(), "report": lambda p: render_html(build_report(p.projection(), p.traces())),
             "view --all": lambda p: p.view(None).to_html()}
    for name, read in reads.items():
        for cached in (work / "build").glob("projection-*.pickle"):
            cached.unlink()
        project = fresh()
        wall, cpu = time.perf_counter(), time.process_time()
        read(project)
        print(f"first {name} after the update: {time.perf_counter() - wall:.2f} s (CPU {time.process_time() - cpu:.2f} s)",
              flush=True)
        project.close()


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 0)
