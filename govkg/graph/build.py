"""Building a store from source files: read everything, extract, then write in one step."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from rdflib import Literal, URIRef

from govkg import __version__
from govkg.extract import extract_documents, find_sources, read_source
from govkg.graph.rdf import document_graph, document_graph_iri, place_resolver
from govkg.graph.store import BuildReport, open_store
from govkg.ontology import (
    GK,
    ONTOLOGY_FILES,
    VOCABULARY_GRAPH,
    load_thesaurus,
    ontology_path,
    vocabulary_graph,
)


def build(
    paths: Iterable[str | Path], store_path: str | Path, thesaurus_files: tuple[str, ...] = (),
    workers: int | None = None,
) -> BuildReport:
    """Extract the facts of every source file under `paths` into the store at `store_path`,
    with `workers` processes for the extraction (default: one per CPU).

    All files are read and checked before the store is touched, and the store is replaced only
    when the new one is complete, so a failure leaves the previous store as it was."""
    thesaurus_files = tuple(str(f) for f in thesaurus_files)
    sources = [read_source(path) for path in find_sources(paths)]
    vocabulary = vocabulary_graph(thesaurus_files)
    thesaurus = load_thesaurus(thesaurus_files)
    store = open_store(store_path)
    fingerprint = vocabulary_fingerprint(thesaurus_files)
    vocabulary.add((URIRef(VOCABULARY_GRAPH), URIRef(GK + "sha256"), Literal(fingerprint)))
    # Another thesaurus or another govkg version extracts other facts: then every file is redone.
    stored = store.document_hashes() if store.vocabulary_hash() == fingerprint else {}
    changed = [s for s in sources if stored.get(s.name) != s.sha256]
    facts = extract_documents(changed, thesaurus, workers)
    resolve = place_resolver(store.place_paths() | {p.path for f in facts for p in f.places})
    documents = [
        (source.name, source.sha256, str(document_graph_iri(source.name)), None) for source in sources
        if source not in changed
    ] + [
        (f.source.name, f.source.sha256, str(document_graph_iri(f.source.name)), document_graph(f, resolve))
        for f in facts
    ]
    return store.write(vocabulary, documents)


def vocabulary_fingerprint(thesaurus_files: tuple[str, ...]) -> str:
    """A hash of what decides the facts besides the texts: govkg's version and every thesaurus."""
    digest = hashlib.sha256(__version__.encode())
    for path in [ontology_path(name) for name in ONTOLOGY_FILES] + [Path(f) for f in thesaurus_files]:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()
