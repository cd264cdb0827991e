"""An RO-Crate of the dataset, made with the rocrate library, packed as one zip file.

The crate holds the graph (``graph.trig``, the TriG export) and every file under ``data/``: the
archived articles, their annotations, the shared files and the curation guide. Its metadata
(RO-Crate 1.3) names the licence of the graph and annotations (the ``license`` setting), the
articles' own rights (their publishers': the crate's licence does not cover them), the curators,
lbpgraph as the software that made the graph, and the build as a CreateAction from the
annotations to the graph. Each file has its size and SHA-256.

rocrate writes the crate into a folder; lbpgraph zips it with fixed timestamps (the export's date)
in name order, because a zip of the same files written at another time must be the same bytes.
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..core import vocab
from . import data_files

if TYPE_CHECKING:
    from . import Export

_FORMATS = {".txt": "text/plain", ".yaml": "application/yaml", ".yml": "application/yaml", ".md": "text/markdown",
            ".trig": "application/trig"}


def write(export: Export) -> bytes:
    from rocrate.model.contextentity import ContextEntity
    from rocrate.model.softwareapplication import SoftwareApplication
    from rocrate.rocrate import ROCrate

    from .rdf import trig
    settings = export.settings
    data_dir = Path(export.built.data_dir)
    with tempfile.TemporaryDirectory(prefix="lbpgraph-crate-") as tmp:
        graph_path = Path(tmp) / "graph.trig"
        graph_path.write_bytes(trig(export))
        crate = ROCrate()
        crate.name = "lbpgraph: claims and citations of web articles about low back pain"
        crate.description = ("What web articles about low back pain claim, on what they rest, and whether the studies "
                             "they cite say it: the annotated articles and the RDF knowledge graph built from them.")
        crate.datePublished = export.date.strftime("%Y-%m-%dT%H:%M:%SZ")
        licence = crate.add(ContextEntity(crate, settings.license, properties={
            "@type": "CreativeWork", "name": settings.license_name}))
        crate.license = licence
        rights = crate.add(ContextEntity(crate, "#article-rights", properties={
            "@type": "CreativeWork", "name": "Copyright of each article's publisher",
            "description": "The articles are third-party web pages archived unchanged for research; the crate's "
                           "licence does not cover them."}))
        curator_id = settings.curator if settings.curator and settings.curator.startswith(("http://", "https://")) \
            else vocab.expand("lbp:curators")
        curators = crate.add(ContextEntity(crate, curator_id, properties={
            "@type": "Organization", "name": settings.curator or "lbpgraph curators"}))
        crate.root_dataset["author"] = curators
        tool = crate.add(SoftwareApplication(crate, "#lbpgraph", properties={
            "name": "lbpgraph", "version": __version__,
            "description": "Turns annotated web articles into a claims-and-citations RDF knowledge graph with verdicts."}))

        def add(source: Path, dest: str, name: str, **extra: object) -> object:
            content = source.read_bytes()
            return crate.add_file(source, dest_path=dest, properties={
                "name": name, "encodingFormat": _FORMATS.get(source.suffix, "application/octet-stream"),
                "contentSize": str(len(content)), "sha256": hashlib.sha256(content).hexdigest(), **extra})
        graph = add(graph_path, "graph.trig", "The RDF dataset: one named graph per annotation, the shared files, "
                                              "and the derived facts (TriG)")
        inputs = []
        for path in data_files(data_dir):
            rel = path.relative_to(data_dir).as_posix()
            if rel.startswith("articles/"):
                inputs.append(add(path, f"data/{rel}", f"Archived article text {path.name}", license=rights))
            else:
                inputs.append(add(path, f"data/{rel}", f"Curated data: {rel}"))
        crate.add(ContextEntity(crate, "#build", properties={
            "@type": "CreateAction", "name": "lbpgraph build: annotations to the RDF dataset",
            "instrument": tool, "object": inputs, "result": graph, "agent": curators,
            "endTime": export.date.strftime("%Y-%m-%dT%H:%M:%SZ")}))
        folder = Path(tmp) / "crate"
        crate.write(folder)
        return _zip(folder, export.date.timetuple()[:6])


def _zip(folder: Path, when: tuple[int, ...]) -> bytes:
    """Every file under ``folder``, in name order, each stamped ``when`` (not before 1980)."""
    stamp = max(tuple(when), (1980, 1, 1, 0, 0, 0))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
