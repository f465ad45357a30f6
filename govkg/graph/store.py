"""The embedded on-disk store (Oxigraph), written atomically: a failed build leaves the old store.

Every change goes to a copy (Oxigraph's backup, made of hard links, so cheap) that replaces the
store only once it is complete.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import StoreError
from govkg.ontology import CANDIDATES_GRAPH, GK, PLACES_GRAPH, RDFS, SKOS, VOCABULARY_GRAPH

# Formats by the names users type; each is an Oxigraph format that keeps named graphs except Turtle.
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
DATASET_FORMATS = {"trig", "nquads", "jsonld"}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_oxigraph(term):
    """An rdflib term as an Oxigraph term."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def to_rdflib(term):
    """An Oxigraph term as an rdflib term."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:
            # RDF 1.1: a simple literal is an xsd:string; rdflib keeps the two apart, so give it
            # the form it compares equal to the literals of Turtle files ("district", not "district"^^xsd:string).
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"not an RDF term: {term!r}")


def quads_of(graph, graph_iri: str) -> list[ox.Quad]:
    return list(_quads(graph, graph_iri))


def _quads(graph, graph_iri: str):
    context = ox.NamedNode(graph_iri)
    for s, p, o in graph:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), context)


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    triples: int = 0


def _is_oxigraph_dir(path: Path) -> bool:
    return (path / "CURRENT").is_file()


class GraphStore:
    """A govkg store in a folder."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._reader: ox.Store | None = None

    def exists(self) -> bool:
        return self.path.is_dir() and _is_oxigraph_dir(self.path)

    def _missing(self) -> StoreError:
        if self.path.exists():
            return StoreError(f"{self.path}: not a govkg store (no Oxigraph database in it)")
        return StoreError(
            f"{self.path}: no store here; build one first with: govkg build PATH --store {self.path}"
        )

    @contextmanager
    def reading(self):
        """The store opened read-only: nothing done through it can change the files."""
        if not self.exists():
            raise self._missing()
        if self._reader is None:
            # Opened once and kept: opening the database costs more than most queries.
            try:
                self._reader = ox.Store.read_only(str(self.path))
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot open the store ({exc})") from exc
        yield self._reader

    def query(self, sparql: str, substitutions: dict | None = None, *, tsv: bool = False):
        """Run a SPARQL query over the union of all graphs.

        Returns (column names, rows) for SELECT, where each row is a dict of Oxigraph terms by
        column name, or with `tsv=True` the rows as SPARQL TSV bytes written by Oxigraph (for big
        tables: no Python object per term); (None, bool) for ASK, and (None, list of triples) for
        CONSTRUCT and DESCRIBE. `substitutions` must name variables of the SELECT projection."""
        with self.reading() as store:
            results = store.query(
                sparql, use_default_graph_as_union=True, substitutions=substitutions or None
            )
            if isinstance(results, ox.QuerySolutions):
                names = [v.value for v in results.variables]
                if tsv:
                    return names, results.serialize(format=ox.QueryResultsFormat.TSV)
                return names, [dict(zip(names, row, strict=True)) for row in results]
            if isinstance(results, ox.QueryBoolean):
                return None, bool(results)
            return None, list(results)

    def dump(self, fmt: str) -> bytes:
        """The whole store in an RDF format; Turtle and N-Triples hold one graph, so they get the
        union of all graphs."""
        with self.reading() as store:
            if fmt in DATASET_FORMATS:
                return store.dump(format=FORMATS[fmt])
            return ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in _distinct_triples(store)),
                format=FORMATS[fmt],
            )

    def in_memory(self) -> MemoryStore:
        """A copy of the whole store in this process's memory, for a session of many queries or
        exports (a notebook, a script): on a million quads it answers them several times faster
        than the files on disk (see bench/README.md), once loaded (about 10 s for a million quads).
        What is written to the copy stays in memory."""
        with self.reading() as store:
            return MemoryStore(store, self.path)

    def dataset(self):
        """The store as an rdflib Dataset, for notebooks and validation."""
        import rdflib

        dataset = rdflib.Dataset()
        with self.reading() as store:
            for quad in store:
                context = to_rdflib(quad.graph_name)
                graph = dataset.graph(context) if context is not None else dataset.default_graph
                graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        return dataset

    def document_hashes(self) -> dict[str, str]:
        if not self.exists():
            return {}
        _, rows = self.query(
            f"SELECT ?name ?hash WHERE {{ ?doc a <{GK}Document> ; <{GK}fileName> ?name ; <{GK}sha256> ?hash }}"
        )
        return {row["name"].value: row["hash"].value for row in rows}

    def vocabulary_hash(self) -> str | None:
        """The hash of the thesaurus and extractor that built the store (see graph.build)."""
        if not self.exists():
            return None
        _, rows = self.query(
            f"SELECT ?hash WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{ <{VOCABULARY_GRAPH}> <{GK}sha256> ?hash }} }}"
        )
        return rows[0]["hash"].value if rows else None

    def place_paths(self) -> set[tuple[str, ...]]:
        """Every place of the store as its path of names."""
        if not self.exists():
            return set()
        _, rows = self.query(
            f"SELECT DISTINCT ?place ?name ?parent WHERE {{ ?place <{RDFS}label> ?name ; a ?c . "
            f"?c <{RDFS}subClassOf> <{GK}Place> . OPTIONAL {{ ?place <{GK}parentPlace> ?parent }} }}"
        )
        names = {row["place"]: row["name"].value for row in rows}
        parents = {row["place"]: row["parent"] for row in rows if row["parent"] is not None}
        paths = set()
        for place in names:
            path, node, seen = [], place, set()
            while node in names and node not in seen:
                seen.add(node)
                path.append(names[node])
                node = parents.get(node)
            paths.add(tuple(reversed(path)))
        return paths

    def write(self, vocabulary, documents: Iterable[tuple[str, str, str, object]], *, remove: Iterable[str] = ()) -> BuildReport:
        """Replace the vocabulary graph and the named graph of each document, atomically.

        `documents` holds (file name, content hash, graph IRI, rdflib graph); a document given with
        no graph is left as it is, so building twice changes nothing."""
        report = BuildReport()
        with self._transaction() as draft:
            self._fill(draft.store, vocabulary, documents, remove, report)
        return report

    @classmethod
    def _fill(cls, store: ox.Store, vocabulary, documents, remove, report: BuildReport) -> None:
        # A method of its own so that no reference to `store` outlives the transaction's block.
        store.remove_graph(ox.NamedNode(VOCABULARY_GRAPH)) if store.contains_named_graph(
            ox.NamedNode(VOCABULARY_GRAPH)
        ) else None
        store.extend(quads_of(vocabulary, VOCABULARY_GRAPH))
        for graph_iri in remove:
            if store.contains_named_graph(ox.NamedNode(graph_iri)):
                store.remove_graph(ox.NamedNode(graph_iri))
        written = []
        for name, _sha, graph_iri, graph in documents:
            if graph is None:
                report.unchanged.append(name)
                continue
            node = ox.NamedNode(graph_iri)
            if store.contains_named_graph(node):
                store.remove_graph(node)
                report.replaced.append(name)
            else:
                report.added.append(name)
            written.append((graph_iri, graph))
        # The bulk loader writes sorted files directly, skipping the write-ahead log: safe here
        # because the copy only replaces the store once it is complete. One call for all documents:
        # each call writes files of its own, and hundreds of small files slow every read after.
        store.bulk_extend(quad for graph_iri, graph in written for quad in _quads(graph, graph_iri))
        cls._derive(store)
        report.triples = len(store)

    @staticmethod
    def _derive(store: ox.Store) -> None:
        """Recompute the graphs derived from all documents: the places they refer to and the
        candidate mechanisms they propose, each stated once (the union of document graphs keeps
        duplicates, and repeated triples multiply joins)."""
        from govkg.graph.rdf import candidates_graph, places_graph

        referenced = store.query(
            f"SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?x <{GK}place>|<{GK}locatedIn>|<{GK}mentions> ?p }} }}"
        )
        _replace_graph(store, PLACES_GRAPH, places_graph(row["p"].value for row in referenced))
        rows = store.query(
            f"""SELECT ?c ?doc ?pref (GROUP_CONCAT(?alt; separator="\u001f") AS ?alts) ?cat WHERE {{
                 GRAPH ?g {{ ?x a <{GK}CandidateProposal> ; <{GK}proposes> ?c ; <{SKOS}prefLabel> ?pref ;
                             <{GK}category> ?cat ; <http://purl.org/dc/terms/source> ?d .
                             OPTIONAL {{ ?x <{SKOS}altLabel> ?alt }} }}
                 ?d <{GK}fileName> ?doc }} GROUP BY ?c ?doc ?pref ?cat""",
            use_default_graph_as_union=True,
        )
        proposals = [
            (r["c"].value, r["doc"].value, r["pref"].value,
             tuple(a for a in (r["alts"].value if r["alts"] else "").split("\u001f") if a), r["cat"].value)
            for r in rows
        ]
        _replace_graph(store, CANDIDATES_GRAPH, candidates_graph(proposals))

    def load(self, data: bytes, fmt: str, default_graph: str | None = None) -> int:
        """Add RDF data (a file in one of FORMATS) to the store, atomically; returns the quad count."""
        with self._transaction() as draft:
            count = _load_into(draft.store, data, fmt, default_graph)
        return count

    @contextmanager
    def _transaction(self):
        """Work on a copy of the store and put it in place only if the block succeeds."""
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: is a file, not a store folder")
        if self.path.is_dir() and any(self.path.iterdir()) and not self.exists():
            raise StoreError(f"{self.path}: folder is not empty and is not a govkg store; choose another --store")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        work = self.path.with_name(f".{self.path.name}.building-{os.getpid()}")
        shutil.rmtree(work, ignore_errors=True)
        try:
            if self.exists():
                source = ox.Store.read_only(str(self.path))
                source.backup(str(work))
                del source
            draft = _Draft(ox.Store(str(work)), work)
            yield draft
            draft.finish()
            self._swap(work)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write the store ({exc})") from exc
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _swap(self, work: Path) -> None:
        self._reader = None  # it would go on reading the replaced files
        old = self.path.with_name(f".{self.path.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            os.replace(self.path, old)
        os.replace(work, self.path)
        shutil.rmtree(old, ignore_errors=True)


def _load_into(store: ox.Store, data: bytes, fmt: str, default_graph: str | None) -> int:
    try:
        store.load(data, format=FORMATS[fmt], to_graph=ox.NamedNode(default_graph) if default_graph else None)
    except SyntaxError as exc:
        raise StoreError(f"not valid {fmt}: {exc}") from exc
    return len(store)


class _Draft:
    """The copy of the store a transaction writes to (`.store`).

    The caller's `with ... as draft` keeps the draft alive after the block, so the database is held
    here and let go in `finish`: RocksDB must be closed before its folder replaces the store."""

    def __init__(self, store: ox.Store, path: Path | None = None):
        self.store = store
        self.path = path

    def finish(self) -> None:
        """Write everything to disk and close the database (nothing to do in memory)."""
        if self.path is None:
            return
        store, self.store = self.store, None
        store.flush()
        store.optimize()
        del store
        # Closing leaves the write-ahead logs of the writes behind (700 MB for a million quads);
        # RocksDB deletes the obsolete ones when the database is next opened for writing.
        ox.Store(str(self.path))


def _replace_graph(store: ox.Store, graph_iri: str, graph) -> None:
    target = ox.NamedNode(graph_iri)
    if store.contains_named_graph(target):
        store.remove_graph(target)
    store.extend(quads_of(graph, graph_iri))


def _distinct_triples(store: ox.Store):
    seen = set()
    for quad in store:
        key = (quad.subject, quad.predicate, quad.object)
        if key not in seen:
            seen.add(key)
            yield quad


class MemoryStore(GraphStore):
    """A store in memory, for small work and notebooks. Queries still run in Oxigraph; the rdflib
    view of it is `dataset()`. One lives per process, so `--store memory` commands run in one
    process (a notebook, a script, CliRunner) share it."""

    def __init__(self, source: ox.Store | None = None, path: Path = Path("memory")):
        self.path = path
        self._reader = None
        self._store = ox.Store()
        if source is not None:
            self._store.bulk_extend(source)

    def exists(self) -> bool:
        return True

    @contextmanager
    def reading(self):
        yield self._store

    @contextmanager
    def _transaction(self):
        # The work happens on a copy that replaces the store only when complete, as on disk.
        draft = _Draft(ox.Store())
        draft.store.bulk_extend(self._store)
        yield draft
        self._store = draft.store


MEMORY = "memory"
_memory_store: MemoryStore | None = None


def open_store(location: str | os.PathLike, *, in_memory: bool = False) -> GraphStore:
    """The store at a folder, or the process's in-memory store for the name `memory`.

    With `in_memory=True` the folder's store is copied into memory first (see GraphStore.in_memory)."""
    global _memory_store
    if str(location) == MEMORY:
        if _memory_store is None:
            _memory_store = MemoryStore()
        return _memory_store
    store = GraphStore(location)
    return store.in_memory() if in_memory else store
