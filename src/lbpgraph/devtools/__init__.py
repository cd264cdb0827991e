"""Developer tools: a seeded synthetic corpus (:mod:`.synth`) and the benchmark (:mod:`.bench`).

Not needed to build or read a graph; they exist to test and measure lbpgraph at scale.
May import: anything below the command line, :class:`~lbpgraph.project.Project` included.
"""
