"""The annotation model: the YAML files under ``data/`` as validated Python objects.

Line-aware YAML reading and writing (:mod:`.yamlio`), the schema of every file as pydantic
models (:mod:`.schema`) and the corpus checks that need every file at once (:mod:`.corpus`,
whose :func:`~.corpus.load_corpus` returns a :class:`~.corpus.Corpus` or reports every problem).
May import: :mod:`lbpgraph.core`.
"""
