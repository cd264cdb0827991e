"""Helpers only tests need: a dataset built in memory, and a store over a dataset a test made."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset

from lbpgraph.build.pipeline import Build
from lbpgraph.model.corpus import Corpus
from lbpgraph.stores.memory import MemoryStore


def build_dataset(corpus: Corpus) -> Dataset:
    """The whole built dataset of ``corpus``, rules applied, as an rdflib Dataset (written nowhere)."""
    staging = MemoryStore(Path("unused")).staging()
    staging.load(Build(corpus).chunks())
    return staging.dataset


class DatasetStore(MemoryStore):
    """The memory store over a dataset a test made, instead of a build folder's graph.trig."""

    def __init__(self, dataset: Dataset) -> None:
        super().__init__(Path("unused"))
        self.given = dataset

    def dataset(self) -> Dataset:
        return self.given
