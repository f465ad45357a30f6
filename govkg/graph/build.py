"""Building a store from source files: read everything, extract, then write in one step."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govkg.extract import Extractor, find_sources, read_source
from govkg.graph.derive import derive_graphs, replace_graph
from govkg.graph.rdf import document_graph_iri, document_triples, place_resolver
from govkg.graph.store import open_store
from govkg.graph.terms import triples_of
from govkg.ontology import GK, VOCABULARY_GRAPH, load_vocabulary
from govkg.ontology.gazetteer import Gazetteer
from govkg.queries import select
from govkg.queries.lookup import place_paths

# Below this many changed documents, starting worker processes (each loads jieba) costs more than
# it saves.
PARALLEL_FROM = 32


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    triples: int = 0
    # Seconds per phase: read, each extraction step (extract:NAME), rdf, write.
    timings: dict[str, float] = field(default_factory=dict)


def build(
    paths: Iterable[str | Path], store_path: str | Path, thesaurus_files: tuple[str, ...] = (),
    workers: int | None = None,
) -> BuildReport:
    """Extract the facts of every source file under `paths` into the store at `store_path`,
    with `workers` processes for the extraction (default: one per CPU).

    The thesaurus files are read once: the facts are extracted with, and the vocabulary graph is
    stored from, that one reading. All files are read and checked before the store is touched,
    and the store is replaced only when the new one is complete, so a failure leaves the
    previous store as it was."""
    report = BuildReport()
    started = time.perf_counter()
    sources = [read_source(path) for path in find_sources(paths)]
    vocabulary = load_vocabulary(thesaurus_files)
    store = open_store(store_path)
    report.timings["read"] = time.perf_counter() - started
    # Another thesaurus or another govkg version extracts other facts: then every file is redone.
    stored = stored_documents(store) if stored_fingerprint(store) == vocabulary.fingerprint else {}
    changed, unchanged = [], []
    for source in sources:
        (changed if stored.get(source.name) != source.sha256 else unchanged).append(source)
    report.unchanged = [source.name for source in unchanged]
    facts = []
    gazetteer = Gazetteer.load()
    if changed:
        extractor = Extractor(vocabulary.thesaurus, gazetteer)
        workers = min(workers or os.cpu_count() or 1, max(1, len(changed) // 8))
        facts = list(extractor.pipe(changed, workers if len(changed) >= PARALLEL_FROM else 1))
        report.timings.update({f"extract:{name}": seconds for name, seconds in extractor.timings.items()})
    started = time.perf_counter()
    resolve = place_resolver(place_paths(store) | {p.path for f in facts for p in f.places},
                             official=lambda name: bool(gazetteer.named(name)))
    documents = [(f.source.name, document_triples(f, resolve)) for f in facts]
    report.timings["rdf"] = time.perf_counter() - started
    started = time.perf_counter()
    vocabulary_triples = [*triples_of(vocabulary.graph), ox.Triple(
        ox.NamedNode(VOCABULARY_GRAPH), ox.NamedNode(GK + "sha256"), ox.Literal(vocabulary.fingerprint)
    )]
    with store.transaction() as draft:
        _write(draft.store, vocabulary_triples, documents, report, gazetteer)
    report.timings["write"] = time.perf_counter() - started
    return report


def _write(store: ox.Store, vocabulary_triples: list[ox.Triple], documents, report: BuildReport,
           gazetteer: Gazetteer) -> None:
    """Replace the vocabulary graph and the named graph of each changed document, then the
    derived graphs. A function of its own so that no reference to `store` outlives the
    transaction's block."""
    replace_graph(store, VOCABULARY_GRAPH, vocabulary_triples)
    written = []
    for name, triples in documents:
        node = ox.NamedNode(document_graph_iri(name))
        if store.contains_named_graph(node):
            store.remove_graph(node)
            report.replaced.append(name)
        else:
            report.added.append(name)
        written.append((node, triples))
    # The bulk loader writes sorted files directly, skipping the write-ahead log: safe here
    # because the copy only replaces the store once it is complete. One call for all documents:
    # each call writes files of its own, and hundreds of small files slow every read after.
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, node) for node, triples in written for t in triples)
    derive_graphs(store, gazetteer)
    report.triples = len(store)


def stored_documents(store) -> dict[str, str]:
    """The content hash of every document in the store, by file name."""
    if not store.exists():
        return {}
    return {row["name"]: row["hash"] for row in select(store, "document-hashes")}


def stored_fingerprint(store) -> str | None:
    """The fingerprint of the vocabulary that built the store (see ontology.load_vocabulary)."""
    if not store.exists():
        return None
    rows = select(store, "vocabulary-fingerprint")
    return rows[0]["hash"] if rows else None
