"""Ingest: draft the annotation of a new article from its text or saved web page, for a curator to review.

:mod:`.reading` reads a text file, or a web page through :mod:`.webpage` (the only module that
loads trafilatura, and only to read a page); :mod:`.references` finds reference entries by their
shape, :mod:`.citations` the in-text citations in every form, :mod:`.cues` cue sentences and a
first guess at a claim's kind; :mod:`.matching` decides on evidence which bibliography work an
entry is; :mod:`.claimlinks` suggests the existing claims a sentence may make; :mod:`.analyse`
decides the fate of every sentence (drafted, or left for review); :mod:`.draft` writes the draft
annotation with what is left to review; :mod:`.archive` analyses files and writes nothing, or
archives them with their drafts, all or nothing; :mod:`.review` lists what is left in a draft
(``lbpgraph review``). May import: :mod:`lbpgraph.core`, :mod:`lbpgraph.model`.
"""
