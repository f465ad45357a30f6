"""The embedded on-disk store (Oxigraph): opening, atomic writes, loading, dumping. A failed
write leaves the old store. What is written (documents, derived graphs) is decided in graph.build.

Every change goes to a copy (Oxigraph's backup, made of hard links, so cheap) that replaces the
store only once it is complete.
"""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import StoreError
from govkg.graph.terms import to_rdflib

# Formats by the names users type; each is an Oxigraph format that keeps named graphs except Turtle.
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
DATASET_FORMATS = {"trig", "nquads", "jsonld"}


# Writes of single quads between two flushes of the database (see QuadWriter).
FLUSH_EVERY = 10_000


class QuadWriter:
    """Adds and removes quads one at a time, and has the database flush its write buffers to
    disk every FLUSH_EVERY writes and when the `with` block ends: RocksDB holds the writes since
    its last flush in memory, about a kilobyte a quad (measured), and one Store.extend of many
    quads keeps that memory even after a flush. A build's small writes (joins, the store graph's
    folders, places no longer wanted) are tens of thousands at corpus scale."""

    def __init__(self, store: ox.Store):
        self.store = store
        self._since_flush = 0

    def __enter__(self) -> QuadWriter:
        return self

    def __exit__(self, *exc) -> None:
        if self._since_flush:
            self.store.flush()
            self._since_flush = 0

    def add(self, quad: ox.Quad) -> None:
        self.store.add(quad)
        self._wrote()

    def remove(self, quad: ox.Quad) -> None:
        self.store.remove(quad)
        self._wrote()

    def _wrote(self) -> None:
        self._since_flush += 1
        if self._since_flush >= FLUSH_EVERY:
            self.store.flush()
            self._since_flush = 0


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
        union of all graphs. Turtle and TriG use the ontology's prefixes; JSON-LD is compacted
        with them as its @context."""
        from govkg.ontology import PREFIXES

        with self.reading() as store:
            if fmt == "jsonld":
                return _compact_jsonld(store.dump(format=ox.RdfFormat.N_QUADS))
            prefixes = PREFIXES if fmt in ("turtle", "trig") else None
            if fmt in DATASET_FORMATS:
                return store.dump(format=FORMATS[fmt], prefixes=prefixes)
            return ox.serialize(
                (ox.Triple(q.subject, q.predicate, q.object) for q in _distinct_triples(store)),
                format=FORMATS[fmt], prefixes=prefixes,
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

    @contextmanager
    def transaction(self, *, wait: bool = True, on_wait=None):
        """A copy of the store to write to (`draft.store`, an Oxigraph store), put in place of the
        store only if the block succeeds: whatever stops the process before that, the store
        stays as it was. Writers take turns (see govkg.graph.lock): another writer's turn is
        waited for (`on_wait` is told once), or with `wait=False` refused. Let no reference to
        `draft.store` outlive the block."""
        with self._transaction(wait=wait, on_wait=on_wait) as draft:
            yield draft

    def load(self, data: bytes, fmt: str, default_graph: str | None = None, *, wait: bool = True,
             on_wait=None) -> int:
        """Add RDF data (a file in one of FORMATS) to the store, atomically; returns the quad
        count. Writers take turns, as in `transaction`."""
        with self._transaction(wait=wait, on_wait=on_wait) as draft:
            count = _load_into(draft.store, data, fmt, default_graph)
        return count

    @contextmanager
    def _transaction(self, wait: bool = True, on_wait=None):
        """Work on a copy of the store and put it in place only if the block succeeds."""
        from govkg.graph.lock import writing

        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: is a file, not a store folder")
        with writing(self.path, wait=wait, on_wait=on_wait):
            self._recover()
            with self._copy() as draft:
                yield draft

    def _recover(self) -> None:
        """Undo what a writer killed part-way left (it holds no lock any more): its unfinished
        copies, and a store moved aside in the instant between the two renames of a swap."""
        for stale in self.path.parent.glob(f".{self.path.name}.building-*"):
            shutil.rmtree(stale, ignore_errors=True)
        olds = sorted(self.path.parent.glob(f".{self.path.name}.old-*"))
        if olds and not self.path.exists() and _is_oxigraph_dir(olds[-1]):
            os.replace(olds[-1], self.path)
        for old in self.path.parent.glob(f".{self.path.name}.old-*"):
            shutil.rmtree(old, ignore_errors=True)

    @contextmanager
    def _copy(self):
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path}: is a file, not a store folder")
        if self.path.is_dir() and any(self.path.iterdir()) and not self.exists():
            raise StoreError(f"{self.path}: folder is not empty and is not a govkg store; choose another --store")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Unique per transaction: a failed one's database may stay open in this process (a
        # traceback holds it), and RocksDB refuses to open a path twice.
        work = self.path.with_name(f".{self.path.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}")
        shutil.rmtree(work, ignore_errors=True)
        try:
            if self.exists():
                source = ox.Store.read_only(str(self.path))
                source.backup(str(work))
                del source
            draft = Draft(ox.Store(str(work)), work)
            try:
                yield draft
            except BaseException:
                draft.store = None  # let the database go before its folder is removed
                raise
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


class Draft:
    """The copy of the store a transaction writes to (`.store`).

    The caller's `with ... as draft` keeps the draft alive after the block, so the database is held
    here and let go in `finish`: RocksDB must be closed before its folder replaces the store."""

    def __init__(self, store: ox.Store, path: Path | None = None):
        self.store = store
        self.path = path
        self.compact = True  # merge the database's files when finishing (see finish)

    def finish(self) -> None:
        """Write everything to disk and close the database (nothing to do in memory)."""
        if self.path is None:
            return
        store, self.store = self.store, None
        store.flush()
        if self.compact:
            store.optimize()
        del store
        # Closing leaves the write-ahead logs of the writes behind (700 MB for a million quads);
        # RocksDB deletes the obsolete ones when the database is next opened for writing.
        ox.Store(str(self.path))


def _compact_jsonld(nquads: bytes) -> bytes:
    """JSON-LD in compact form: one object per named graph, IRIs shortened by the ontology's
    prefixes, which the @context declares (rdflib's JSON-LD serializer)."""
    import json

    import rdflib

    from govkg.ontology import PREFIXES

    dataset = rdflib.Dataset()
    dataset.parse(data=nquads, format="nquads")
    text = dataset.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True)
    data = json.loads(text)
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


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
    def _transaction(self, wait: bool = True, on_wait=None):
        # The work happens on a copy that replaces the store only when complete, as on disk.
        draft = Draft(ox.Store())
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
