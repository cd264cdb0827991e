"""Ingest: draft the annotation of a new article from its text, for a curator to review.

:mod:`.references` finds reference lists, :mod:`.citations` in-text citations, :mod:`.cues` cue
sentences; :mod:`.draft` matches references to the bibliography, writes the draft annotation and
archives the text, all or nothing. May import: :mod:`lbpgraph.core`, :mod:`lbpgraph.model`.
"""
