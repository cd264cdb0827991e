"""The floor under a full Oxigraph build: its loading path alone against the bare in-memory load.

Run:  .venv/bin/python benchmarks/loading_floor.py [TRIPLES] [ROUNDS]   (1,000,000 and 2 by default)
A synthetic corpus of about TRIPLES triples is written and built in memory (untimed), giving the
N-Quads chunks a full build hands its loading thread. Then, in one process and one run per
round, with nothing else working: the bare pyoxigraph bulk load of those quads into memory (the
baseline of issue 18's in-memory ratio), and the build's own loading path alone (the same chunks
bulk-loaded into a new on-disk store by :class:`~lbpgraph.stores.oxigraph.BackgroundLoader`,
then flushed and compacted, as :meth:`OxigraphStaging.load` does). A build ends only when its
loading thread does, so the ratio printed is a floor under the build's in-memory ratio, whatever
the other thread does. Not a test: nothing is asserted.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(triples: int, rounds: int) -> None:
    import pyoxigraph as ox

    from lbpgraph.build.pipeline import Build
    from lbpgraph.devtools.synth import generate
    from lbpgraph.model.corpus import load_corpus
    from lbpgraph.stores.oxigraph import BackgroundLoader
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp) / "data", triples)
        chunks = list(Build(load_corpus(Path(tmp) / "data")).chunks())
        data = b"".join(chunks)
        print(f"{len(chunks)} chunks, {len(data) >> 20} MB of N-Quads; load average {os.getloadavg()[0]:.2f}")
        for n in range(1, rounds + 1):
            start, cpu = time.perf_counter(), _cpu()
            memory = ox.Store()
            memory.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
            bare = time.perf_counter() - start
            print(f"round {n}: bare bulk load in memory {bare:.2f} s ({_cpu() - cpu:.2f} s CPU)")
            del memory
            disk = ox.Store(str(Path(tmp) / f"store{n}"))

            def compact(disk: ox.Store = disk) -> None:
                disk.flush()
                disk.optimize()
            start, cpu = time.perf_counter(), _cpu()
            with BackgroundLoader(disk, then=compact, lenient=True) as loader:
                for chunk in chunks:
                    loader.put(chunk, ox.RdfFormat.N_QUADS, None)
            loading = time.perf_counter() - start
            print(f"round {n}: the build's loading path alone {loading:.2f} s ({_cpu() - cpu:.2f} s CPU) "
                  f"= {loading / bare:.2f}x the in-memory load (issue 18 asks the whole build for 3x)")
            del disk


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000, int(sys.argv[2]) if len(sys.argv) > 2 else 2)
