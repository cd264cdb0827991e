"""The core: what every other part of lbpgraph may use, and which uses nothing of lbpgraph.

Errors and their exit codes (:mod:`.errors`), the lbp: vocabulary with every prefix and value
set (:mod:`.vocab`), archived article text with spans and sentences (:mod:`.text`), reading and
writing files safely (:mod:`.files`: regular files only, atomic replacement, the build lock),
text for a terminal (:mod:`.console`), the sandbox that runs work in a forked child without
network, within time and memory limits (:mod:`.sandbox`), and the garbage collector paused for
work that makes millions of lasting objects (:mod:`.runtime`). May import: the standard library only
(and nothing above it in lbpgraph).
"""
