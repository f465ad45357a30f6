"""Building a store from source files, at corpus scale: every file is checked first, then the
changed ones are extracted (in worker processes), turned into RDF and bulk-loaded in batches, so
memory stays flat whatever the corpus size; the store is replaced only when the build is
complete (see GraphStore.transaction), so a build stopped in any way leaves the previous one.

Also here: removing documents, and what a store says about itself (`store_status`).
"""

from __future__ import annotations

import contextlib
import datetime
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import InputError, StoreError
from govkg.extract import (
    Extractor,
    SourceFile,
    find_sources,
    pipe_in_workers,
    read_source,
    refuse_in_a_starting_worker,
)
from govkg.graph.derive import (
    COMPLETES,
    PlaceDescriptions,
    completed_through,
    completed_through_names,
    derive_candidates,
    derive_graphs,
    described_in,
    described_parents,
    described_paths_from,
    graphs_naming,
    named_paths_in,
    proposed_in,
    referenced_in,
    remove_unwanted,
    replace_graph,
    update_candidates,
)
from govkg.graph.rdf import (
    A,
    document_graph_iri,
    document_iri,
    document_nquads,
    is_suffix,
    place_iri,
    place_path,
    place_resolver,
)
from govkg.graph.store import QuadWriter, open_store
from govkg.ontology import (
    GK,
    ID,
    PLACES_GRAPH,
    VOCABULARY_GRAPH,
    XSD,
    load_vocabulary_of,
    read_thesaurus_files,
)
from govkg.ontology.gazetteer import Gazetteer
from govkg.queries import select

# Below this many changed documents, starting worker processes (each loads jieba) costs more than
# it saves.
PARALLEL_FROM = 32
# Documents loaded from which a build compacts the store (and a tenth of the corpus at least).
COMPACT_FROM = 100
# Quads bulk-loaded at once: each load writes files of its own, and many small ones slow reads.
BATCH_QUADS = 50_000
# What the store says about itself: last build, govkg version, extra thesaurus files, folders.
STORE_GRAPH = ID + "graph/store"
STORE_NODE = ID + "store"

Progress = Callable[[str, int, int], None]  # (stage: "read" | "extracted" | "loaded", done, total)


@dataclass
class BuildReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # Documents whose places the joins had completed by way of a name the changes touch: taken
    # back to what they named and completed again from the documents the store now holds.
    completed_again: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why) with skip_unreadable
    thesaurus_kept: list[str] = field(default_factory=list)  # extra files used again from the store
    manifest_unmatched: list[str] = field(default_factory=list)  # manifest rows naming no document built
    # Quads in the store, counted when the build loaded every document (counting costs a third
    # of a second per million quads, which an incremental build need not spend); else None.
    triples: int | None = None
    quads_loaded: int = 0  # the quads of the documents loaded, with the places they describe
    seconds: float = 0.0
    # Seconds per phase: read, each extraction step (extract:NAME), rdf, write.
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Checked:
    """A source file read once to check it: its name, folder and content hash (its text is read
    again when it is extracted, so that a corpus never sits in memory)."""

    source: SourceFile
    sha256: str


def check_sources(paths: Iterable[str | Path], skip_unreadable: bool = False,
                  progress: Progress | None = None) -> tuple[list[Checked], list[tuple[str, str]]]:
    """Every source file under `paths`, read once. Files that cannot be read are all listed in
    one InputError, before anything is extracted; with `skip_unreadable` they are returned as
    (file, reason) beside the others."""
    sources = find_sources(paths)
    checked, unreadable = [], []
    for done, source in enumerate(sources, start=1):
        try:
            checked.append(Checked(source, read_source(source.path, source.name).sha256))
        except InputError as exc:
            unreadable.append((str(source.path), str(exc).removeprefix(f"{source.path}: ")))
        if progress:
            progress("read", done, len(sources))
    if unreadable and not skip_unreadable:
        lines = "\n".join(f"  {path}: {why}" for path, why in unreadable)
        raise InputError(
            f"{len(unreadable)} of {len(sources)} files cannot be read; nothing was built "
            f"(--skip-unreadable builds the others):\n{lines}"
        )
    return checked, unreadable


def build(
    paths: Iterable[str | Path], store_path: str | Path, thesaurus_files: tuple[str, ...] | None = None,
    workers: int | None = None, *, sync: Iterable[str | Path] = (), skip_unreadable: bool = False,
    wait: bool = True, on_wait: Callable[[str], None] | None = None, progress: Progress | None = None,
    manifest: dict | None = None,
) -> BuildReport:
    """Extract the facts of every source file under `paths` into the store at `store_path`,
    with `workers` processes for the extraction (default: one per CPU).

    `thesaurus_files`: extra Turtle thesauri; None uses again those kept in the store by an
    earlier build, () drops them. The thesaurus is read once: the facts are extracted with, and
    the vocabulary graph is stored from, that one reading. Documents are known by their path
    relative to the folder given; unchanged ones are not extracted again; with `sync`, the
    documents once built from those folders whose files are gone are removed. Writers take turns
    (`wait`, `on_wait`: see GraphStore.transaction). `manifest`: what a manifest says of the
    documents, by name (govkg.graph.manifest.read_manifest); a document whose row changed is
    written again."""
    refuse_in_a_starting_worker()
    started = time.perf_counter()
    report = BuildReport()
    checked, report.skipped = check_sources(paths, skip_unreadable, progress)
    manifest = manifest or {}
    names = {c.source.name for c in checked}
    report.manifest_unmatched = sorted(name for name in manifest if name not in names)
    report.timings["read"] = time.perf_counter() - started
    store = open_store(store_path)
    with store.transaction(wait=wait, on_wait=on_wait) as draft:
        incremental = _build_into(draft, checked, thesaurus_files, workers, sync, report, progress, manifest)
        if not incremental:
            report.triples = len(draft.store)
        draft.compact = False  # done by _build_into where it is worth it
    report.seconds = time.perf_counter() - started
    return report


def _state(checked: Checked, manifest: dict) -> str:
    """What tells a changed document: its file's hash, and its manifest row's digest."""
    entry = manifest.get(checked.source.name)
    return checked.sha256 if entry is None else f"{checked.sha256} {entry.digest}"


def _build_into(draft, checked, thesaurus_files, workers, sync, report: BuildReport,
                progress: Progress | None, manifest: dict) -> bool:
    """Build into the draft; says whether the build was incremental (patched the derived graphs
    where its changes touch them)."""
    # The draft's database is reached through the draft, never held in a local: something that
    # keeps a frame of the call stack alive (seen while the extractor is made, after an HTML page
    # was read) would otherwise keep it open, and it must be closed before it replaces the store.
    started = time.perf_counter()
    kept = kept_thesaurus(draft.store)
    if thesaurus_files is None:
        extra = [(name, data) for name, data in kept]
        report.thesaurus_kept = [name for name, _ in kept]
    else:
        extra = read_thesaurus_files(tuple(str(f) for f in thesaurus_files))
    vocabulary = load_vocabulary_of(extra)
    # Another thesaurus or another govkg version extracts other facts: then every file is redone.
    known = stored_documents(draft.store)
    same_vocabulary = stored_fingerprint(draft.store) == vocabulary.fingerprint
    stored = known if same_vocabulary else {}
    changed = []
    for c in checked:
        if stored.get(c.source.name) == _state(c, manifest):
            report.unchanged.append(c.source.name)
        else:
            changed.append(c)
    gone = _gone(draft.store, checked, sync)
    has_places = draft.store.contains_named_graph(ox.NamedNode(PLACES_GRAPH))
    # The places graph is written as the documents are loaded (PlaceDescriptions) when it was
    # made by this govkg (same fingerprint) and most documents are unchanged, or when every
    # document the store will hold is loaded now; otherwise it is made again from every
    # document at the end. An incremental build patches the derived graphs where its changes
    # touch them (`touched`).
    incremental = bool(stored) and has_places and len(changed) + len(gone) < len(checked) // 2
    every_document_loaded = set(known) - set(gone) <= {c.source.name for c in changed}
    touched = _Touched() if incremental else None
    for name in gone:
        if touched is not None:
            touched.dropping(draft.store, ox.NamedNode(document_graph_iri(name)))
        _remove_document(draft.store, name)
    report.removed = gone
    # An incremental build that extracts no document (only removes some, or changes nothing) has
    # no place to resolve or describe: it goes without the gazetteer (about a second to load).
    gazetteer = Gazetteer.load() if changed or not incremental else None
    if has_places and every_document_loaded and not incremental:
        draft.store.remove_graph(ox.NamedNode(PLACES_GRAPH))  # all described again as documents load
    places = PlaceDescriptions(gazetteer) if incremental or every_document_loaded else None
    report.timings["prepare"] = time.perf_counter() - started
    if not same_vocabulary:  # the fingerprint is of the files the graph is read from, with govkg's version
        replace_graph(draft.store, VOCABULARY_GRAPH, [*vocabulary.triples, ox.Triple(
            ox.NamedNode(VOCABULARY_GRAPH), ox.NamedNode(GK + "sha256"), ox.Literal(vocabulary.fingerprint))])
    # What the joins need of the places the new documents name: with the places graph made
    # afresh from them, only the names their paths begin with (see _NewPlaces).
    new_places = _NewPlaces(keep_paths=places is None or incremental)
    if changed:
        _extract_and_load(draft, changed, vocabulary, gazetteer, workers, known, report, new_places, progress,
                          manifest, places, touched)
    again: set[str] = set()  # names whose stored paths are joined again
    if touched is not None:
        # The places completed by way of a name the changes touch go back to what their
        # documents named (see _names_at_risk); the joins complete them again from the documents
        # the store now holds.
        if gazetteer is None and any(len(path) > 1 for path in touched.named_paths):
            gazetteer = Gazetteer.load()
            places.gazetteer = gazetteer
        risky = _names_at_risk(draft.store, touched.named_paths, new_places.paths or set(),
                               {document_graph_iri(c.source.name) for c in changed},
                               official=lambda name: gazetteer is not None and bool(gazetteer.named(name)))
        undone = _undo_completions(draft.store, completed_through(draft.store, risky)) if risky else []
        names_of = {document_graph_iri(name): name for name in known}
        report.completed_again = sorted({names_of[graph] for graph, _, _ in undone if graph in names_of})
        named = sorted({iri for _, _, iri in undone})
        with QuadWriter(draft.store) as writer:
            for quad in places.quads(named):  # referred to again: described again
                writer.add(quad)
        again = risky | {place_path(iri)[0] for iri in named}
        # Before the joins: the parents they find for a name are then those of the documents
        # the store now holds, not those of the documents replaced or removed (nor the paths
        # just taken back).
        remove_unwanted(draft.store, touched.places | {iri for _, iri, _ in undone})
    if len(changed) > max(COMPACT_FROM, len(checked) // 10):
        # Compacting merges the files of the bulk loads, many small ones, which slow reads. Done
        # before the reads of the joins and the derived graphs: on the files of the loads these
        # took twice as long, and more memory (at 10,000 articles, the label lookups of the
        # joins before they were read from memory: 98 MiB against 58). Their few writes are left
        # as they are. After a few changed documents, compacting would cost more than it saves.
        tick = time.perf_counter()
        _compact(draft.store)
        report.timings["compact"] = time.perf_counter() - tick
    started = time.perf_counter()
    joined = _join_places(draft.store, new_places, gazetteer, places, also=again)
    # A build that changes nothing leaves the store as it was, its time of last build included.
    if changed or gone or [name for name, _ in kept] != [name for name, _ in extra] or not _has_store_graph(draft.store):
        _write_store_graph(draft.store, extra, checked, (set(known) - set(gone)) | set(report.added))
    if places is None:
        derive_graphs(draft.store, gazetteer)
    else:
        # The paths joins completed are described; those they replaced may no longer be wanted.
        # Written one by one: a bulk load in this thread took 23 MiB more for the few thousand
        # quads of 5,000 articles' joins.
        with QuadWriter(draft.store) as writer:
            for quad in places.quads(sorted({new for _, new in joined})):
                writer.add(quad)
        remove_unwanted(draft.store, {old for old, _ in joined})
        if touched is not None:
            update_candidates(draft.store, touched.concepts)
        else:
            derive_candidates(draft.store)
    report.timings["write"] = time.perf_counter() - started
    return incremental


def _extract_and_load(draft, documents: list[Checked], vocabulary, gazetteer: Gazetteer | None, workers: int | None,
                      known: dict[str, str], report: BuildReport, new_places: _NewPlaces, progress: Progress | None,
                      manifest: dict, places: PlaceDescriptions | None, touched: _Touched | None) -> None:
    """Extract `documents` (in worker processes when there are many) and load their facts."""
    count = min(workers or os.cpu_count() or 1, max(1, len(documents) // 8))
    sources = (read_source(c.source.path, c.source.name) for c in documents)
    timings: dict[str, float] = {}
    if len(documents) >= PARALLEL_FROM and count > 1:
        extracted = pipe_in_workers(vocabulary.thesaurus, sources, count, timings)
    else:
        tick = time.perf_counter()
        extractor = Extractor(vocabulary.thesaurus, gazetteer)
        # The tagger's dictionary, mostly.
        report.timings["extractor"] = report.timings.get("extractor", 0.0) + time.perf_counter() - tick
        extracted, timings = extractor.pipe(sources, 1), extractor.timings
    # Closed at once on any exception (Ctrl-C, SIGTERM), which stops the worker processes.
    with contextlib.closing(extracted):
        _load(draft.store, extracted, known, documents, report, new_places, progress, manifest, places, touched)
    for name, seconds in timings.items():
        report.timings[f"extract:{name}"] = report.timings.get(f"extract:{name}", 0.0) + seconds
    for phase in ("rdf", "load"):  # after the extraction steps
        report.timings[phase] = report.timings.pop(phase, 0.0)


def _parent_chains(paths: Iterable[tuple[str, ...]]) -> dict[str, set[tuple[str, ...]]]:
    """By name, the parent chains `paths` give it."""
    chains: dict[str, set[tuple[str, ...]]] = {}
    for path in paths:
        for depth in range(1, len(path)):
            chains.setdefault(path[depth], set()).add(path[:depth])
    return chains


def _conflicting(chains: set[tuple[str, ...]]) -> bool:
    """Whether a name with these parent chains is left as it is by the joins (two parents)."""
    longest = max(chains, key=len, default=())
    return not all(is_suffix(chain, longest) for chain in chains)


def _names_at_risk(store: ox.Store, dropped: set[tuple[str, ...]], new: set[tuple[str, ...]], new_graphs: set[str],
                   official: Callable[[str], bool]) -> set[str]:
    """The names whose completion by the joins (rdf.place_resolver) an incremental build may
    change, from the paths the documents it drops named (`dropped`) and those its new documents
    name (`new`; their graphs, `new_graphs`, are loaded already): a name a dropped document gave
    a parent chain that no other document gives (the places completed from it are no longer
    completed), or a name a new document gives a chain that conflicts with the others when these
    did not (nor are these). A name the others give two conflicting chains is never completed,
    before or after; a longer chain that agrees with the others needs nothing more: the joins
    complete the stored paths that begin with the names it gives."""
    dropped_chains, new_chains = _parent_chains(dropped), _parent_chains(new)
    # Only a name some path begins with is completed: one a document names first (its places
    # graph describes the name alone), or one a completion went by way of.
    completing = completed_through_names(store) | {path[0] for path in new}

    def named_by_others(chain: tuple[str, ...], name: str) -> bool:
        return next(graphs_naming(store, place_iri((*chain, name)), new_graphs), None) is not None

    risky = set()
    for name in sorted(dropped_chains.keys() | new_chains.keys()):
        gone = dropped_chains.get(name, set()) - new_chains.get(name, set())
        added = new_chains.get(name, set()) - dropped_chains.get(name, set())
        if not (gone or added) or official(name):
            continue
        if name not in completing and not described_in(store, place_iri((name,))):
            continue
        # Every chain the places graph knows (the new documents' are loaded), and those that the
        # documents neither dropped nor new name themselves (completed paths left out: they
        # follow from these): the least the name has before the build and after it. Looked up
        # only as far as needed: most names a build touches have a chain that the others agree on.
        stored = set(described_parents(store, name)) | added
        if not all(named_by_others(chain, name) for chain in gone) or _conflicting(stored):
            if not _conflicting({chain for chain in stored | gone if named_by_others(chain, name)}):
                risky.add(name)
    return risky


def _compact(store: ox.Store) -> None:
    """Merge the database's files (Oxigraph's optimize)."""
    store.optimize()


def _load(store: ox.Store, extracted, known, changed, report: BuildReport, new_places: _NewPlaces, progress, manifest,
          places: PlaceDescriptions | None, touched: _Touched | None) -> None:
    """Turn each document's facts into RDF as they come and bulk-load them in batches, with the
    descriptions of the places they refer to that are not described yet (`places`, when given);
    what the replaced and new documents touch goes into `touched`, when given."""
    batch = _Batch()
    rdf_seconds = 0.0
    with _BackgroundLoader(store) as loader:
        for done, facts in enumerate(extracted, start=1):
            name = facts.source.name
            graph = document_graph_iri(name)
            if name in known:
                node = ox.NamedNode(graph)
                if touched is not None:
                    touched.dropping(store, node)
                store.remove_graph(node)  # loaded before this build: no batch in flight holds it
                report.replaced.append(name)
            else:
                report.added.append(name)
            tick = time.perf_counter()
            made = document_nquads(facts, entry=manifest.get(name), graph=graph)
            batch.add_text(made.text, made.count)
            if places is not None:
                batch.add_quads(list(places.quads(made.places)))
            new_places.add(p.path for p in facts.places)
            if touched is not None:
                touched.concepts.update(c.iri for c in facts.candidates)
            rdf_seconds += time.perf_counter() - tick
            if progress:
                progress("extracted", done, len(changed))
            if batch.count >= BATCH_QUADS:
                loader.load(batch, done)
                batch = _Batch()
            if progress:
                for loaded in loader.finished():
                    progress("loaded", loaded, len(changed))
        loader.load(batch, len(changed))
    report.quads_loaded += loader.quads
    if progress:
        progress("loaded", len(changed), len(changed))
    report.timings["rdf"] = report.timings.get("rdf", 0.0) + rdf_seconds
    report.timings["load"] = report.timings.get("load", 0.0) + loader.waited


class _Batch:
    """Documents' quads to be loaded at once: their N-Quads text, and the places graph's quads
    (Oxigraph terms, written as text when the batch is handed over)."""

    def __init__(self):
        self.texts: list[str] = []
        self.quads: list[ox.Quad] = []
        self.count = 0

    def add_text(self, text: str, count: int) -> None:
        self.texts.append(text)
        self.count += count

    def add_quads(self, quads: list[ox.Quad]) -> None:
        self.quads.extend(quads)
        self.count += len(quads)

    def nquads(self) -> bytes:
        return "".join(self.texts).encode("utf-8") + ox.serialize(self.quads, format=ox.RdfFormat.N_QUADS)


class _BackgroundLoader:
    """Bulk loads in a thread of their own, so the next documents are extracted and turned into
    RDF meanwhile, on the other core: a batch is handed over as N-Quads text (a tenth of a
    second for 100,000 quads), which Oxigraph parses and writes without holding the GIL (its
    bulk_extend of Python quads holds it throughout, and would stop the building thread). At
    most one batch waits behind the one being written, so memory stays flat. Leaving the `with`
    block waits for the batches given (on an exception, only for the one being written) and
    raises what a load raised. `waited`: the seconds the build spent waiting for the loads."""

    def __init__(self, store: ox.Store):
        self._store = store
        self._batches: queue.Queue = queue.Queue(maxsize=1)
        self._finished: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._stopping = False
        self.waited = 0.0
        self.quads = 0  # handed over to be loaded
        self._thread = threading.Thread(target=self._run, name="govkg-bulk-load", daemon=True)

    def __enter__(self) -> _BackgroundLoader:
        self._thread.start()
        return self

    def _run(self) -> None:
        while (item := self._batches.get()) is not None:
            data, done = item
            if self._stopping or self._error is not None:
                continue
            try:
                # lenient: the text was written by govkg, of IRIs it quoted itself or read as terms
                # (the thesaurus's), and of Oxigraph's own serialization: nothing to check again.
                self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
                self._finished.put(done)
            except BaseException as exc:  # raised again in the building thread
                self._error = exc

    def load(self, batch: _Batch, done: int) -> None:
        """Load `batch` (the quads of the first `done` documents so far) after those before it."""
        self._raise()
        data = batch.nquads()
        self.quads += batch.count
        tick = time.perf_counter()
        self._batches.put((data, done))
        self.waited += time.perf_counter() - tick

    def finished(self) -> list[int]:
        """The `done` counts of the batches loaded since the last call."""
        counts = []
        with contextlib.suppress(queue.Empty):
            while True:
                counts.append(self._finished.get_nowait())
        return counts

    def __exit__(self, kind, value, traceback) -> None:
        self._stopping = kind is not None
        tick = time.perf_counter()
        if self._stopping:
            with contextlib.suppress(queue.Empty):
                self._batches.get_nowait()  # the batch waiting, if any, is not loaded
        self._batches.put(None)
        self._thread.join()
        self.waited += time.perf_counter() - tick
        self._store = None
        if kind is None:
            self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error


@dataclass
class _Touched:
    """What an incremental build's changes touch: the places the documents it replaces or
    removes referred to (perhaps no longer wanted), the place paths they named (as they named
    them, before any join), and the candidate concepts these and its new documents propose
    (their statements in the candidates graph are made again)."""

    places: set[str] = field(default_factory=set)
    named_paths: set[tuple[str, ...]] = field(default_factory=set)
    concepts: set[str] = field(default_factory=set)

    def dropping(self, store: ox.Store, graph: ox.NamedNode) -> None:
        """Noted before the document graph `graph` is removed."""
        referenced = referenced_in(store, graph)
        self.places |= referenced
        self.named_paths |= named_paths_in(store, graph, referenced)
        self.concepts |= proposed_in(store, graph)


class _NewPlaces:
    """The place paths the new documents of a build name, as the joins need them. An incremental
    build keeps every path (`paths`): until the joins are done, its places graph may still
    describe the places of the documents it replaced or removed. A build that loads every
    document and writes the places graph as they load keeps only the names the paths begin with
    (`heads`): that graph then describes every prefix of every path they name, so the parents a
    name is given and the paths under it are read back from it (at 20,000 articles, the 370,000
    paths themselves took 150 MB)."""

    def __init__(self, keep_paths: bool):
        self.paths: set[tuple[str, ...]] | None = set() if keep_paths else None
        self.heads: set[str] = set()

    def add(self, paths: Iterable[tuple[str, ...]]) -> None:
        for path in paths:
            self.heads.add(path[0])
            if self.paths is not None:
                self.paths.add(path)


def _join_places(store: ox.Store, new_places: _NewPlaces, gazetteer: Gazetteer | None,
                 places: PlaceDescriptions | None = None, also: set[str] = frozenset()) -> list[tuple[str, str]]:
    """Give a place a new document names without its parents the parents another document
    gives it (a 桐溪区 joins 岚州市 > 桐溪区): see rdf.place_resolver. Names of official units are
    never joined (extraction resolved them). A path is joined in every document graph that
    holds it, so a name the new documents give parents also completes the places of the
    documents built before (their 桐溪区 named alone), as a fresh build of them all would.
    `places`: the build's place descriptions, when it made the places graph afresh (every
    document loaded in this build): the parents of a name are then read from them. `also`: names
    whose stored paths an incremental build joins again, beside those its new documents give
    parents (see _names_at_risk). Each join is noted in the document graphs it changes (see
    _note_completion). Returns the (old, new) place IRIs of the joins that changed a document's
    graph (there is no gazetteer when no document changed, and then no path)."""
    joined: list[tuple[str, str]] = []
    if not new_places.heads and not also:
        return joined

    def official(name: str) -> bool:
        return bool(gazetteer.named(name))

    def stored_parents(name: str) -> list[tuple[str, ...]]:
        return described_parents(store, name)

    new_paths = new_places.paths
    if new_paths is None:
        # Every document is new and the places graph describes every path they name: a path is
        # joined when the name it begins with is. The places graph is then what `places`
        # described, which knows the parents of each name without reading the store.
        resolve = place_resolver((), official=official,
                                 stored_parents=places.parents_of if places is not None else stored_parents)
        paths: Iterable[tuple[str, ...]] = (
            path for head in sorted(new_places.heads) if resolve((head,)) != (head,)
            for path in described_paths_from(store, head))
    else:
        # The new documents' paths, and the stored ones that begin with a name they give parents.
        resolve = place_resolver(new_paths, official=official, stored_parents=stored_parents)
        given_parents = {path[d] for path in new_paths for d in range(1, len(path)) if not official(path[d])} | also
        stored = {path for name in sorted(given_parents) for path in described_paths_from(store, name)}
        paths = sorted(new_paths | stored)
    with QuadWriter(store) as writer:
        for path in paths:
            full = resolve(path)
            if full == path:
                continue
            old, new = ox.NamedNode(place_iri(path)), ox.NamedNode(place_iri(full))
            references = [q for q in store.quads_for_pattern(None, None, old, None)
                          if q.predicate != COMPLETES and _is_document_graph(q.graph_name.value)]
            for graph in sorted({q.graph_name.value for q in references}):
                _note_completion(store, writer, ox.NamedNode(graph), old, new)
            for quad in references:
                writer.remove(quad)
                writer.add(ox.Quad(quad.subject, quad.predicate, new, quad.graph_name))
            if references:  # only then is the new path referred to (and described), the old one perhaps no longer
                joined.append((old.value, new.value))
    return joined


def _note_completion(store: ox.Store, writer: QuadWriter, graph: ox.NamedNode, old: ox.NamedNode,
                     new: ox.NamedNode) -> None:
    """Say in a document graph that its references to `old` now go to `new` (see COMPLETES):
    what tells a later build the path the document named, which its facts no longer hold, when
    the other documents' paths change. `old` may itself be a completion: the named path stays.
    Not said where the document names `new` itself: its own longer path then gives every
    parent the shorter one would, so what it named is still what its references say."""
    earlier = list(store.quads_for_pattern(old, COMPLETES, None, graph))
    for quad in earlier:
        writer.remove(quad)
    completed = next(store.quads_for_pattern(new, COMPLETES, None, graph), None) is not None
    if not completed and any(q.predicate != COMPLETES for q in store.quads_for_pattern(None, None, new, graph)):
        return  # the document names `new` itself
    for named in [q.object for q in earlier] or [old]:
        writer.add(ox.Quad(new, COMPLETES, named, graph))


_DOCUMENT_GRAPHS = document_graph_iri("")  # the start of every document graph's IRI


def _is_document_graph(iri: str) -> bool:
    return iri.startswith(_DOCUMENT_GRAPHS)


def _gone(store: ox.Store, checked: list[Checked], sync: Iterable[str | Path]) -> list[str]:
    """The documents once built from the `sync` folders whose files are no longer there."""
    folders = {str(Path(f).resolve()) for f in sync}
    if not folders:
        return []
    present = {c.source.name for c in checked}
    return sorted(name for name, folder in document_folders(store).items()
                  if folder in folders and name not in present)


def _remove_document(store: ox.Store, name: str) -> None:
    store.remove_graph(ox.NamedNode(document_graph_iri(name)))
    doc = ox.NamedNode(document_iri(name))
    # A few quads: not through QuadWriter, whose flush at the end would write small files of the
    # database for every document removed.
    for quad in list(store.quads_for_pattern(doc, None, None, ox.NamedNode(STORE_GRAPH))):
        store.remove(quad)


def remove_documents(store_path: str | Path, names: Iterable[str], *, wait: bool = True,
                     on_wait: Callable[[str], None] | None = None) -> list[str]:
    """Take documents' facts out of the store (by the names of the `doc` column); the places and
    candidates graphs are derived again. An unknown name is refused, with nothing removed."""
    names = list(dict.fromkeys(names))
    store = open_store(store_path)
    if not store.exists():
        raise StoreError(f"{store_path}: no store here")
    with store.transaction(wait=wait, on_wait=on_wait) as draft:
        known = stored_documents(draft.store)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise StoreError(f"{store_path}: no document called {', '.join(unknown)} in this store "
                             "(govkg query documents lists them)")
        touched = _Touched()
        for name in names:
            touched.dropping(draft.store, ox.NamedNode(document_graph_iri(name)))
            _remove_document(draft.store, name)
        gazetteer = Gazetteer.load()
        # The places completed from the removed documents' paths go back to what their documents
        # named, and are joined again, as a fresh build of the others would.
        risky = _names_at_risk(draft.store, touched.named_paths, set(), set(), official=lambda n: bool(gazetteer.named(n)))
        undone = _undo_completions(draft.store, completed_through(draft.store, risky)) if risky else []
        derive_graphs(draft.store, gazetteer)
        if risky:
            heads = {place_path(iri)[0] for _, _, iri in undone}
            if _join_places(draft.store, _NewPlaces(keep_paths=True), gazetteer, also=risky | heads):
                derive_graphs(draft.store, gazetteer)
    return names


def _undo_completions(store: ox.Store, graphs: set[str]) -> list[tuple[str, str, str]]:
    """Take the paths the joins completed in these document graphs back to the paths their
    documents named (see COMPLETES). Returns (graph, completed, named) IRIs, for each path.

    What a document named comes back exactly, as extraction gives it: a name given alone in a
    document that names it with its parents too is resolved within the document, so the joins
    never complete it there, and two paths of one document are never completed to one (a path
    two named paths were completed to would go back to the longer one)."""
    undone: list[tuple[str, str, str]] = []
    with QuadWriter(store) as writer:
        for graph_iri in sorted(graphs):
            graph = ox.NamedNode(graph_iri)
            named_by_full: dict[ox.NamedNode, list[ox.Quad]] = {}
            for quad in store.quads_for_pattern(None, COMPLETES, None, graph):
                named_by_full.setdefault(quad.subject, []).append(quad)
            for full, completions in sorted(named_by_full.items(), key=lambda item: item[0].value):
                named = max((q.object for q in completions), key=lambda n: (len(place_path(n.value)), n.value))
                for quad in [q for q in store.quads_for_pattern(None, None, full, graph) if q.predicate != COMPLETES]:
                    writer.remove(quad)
                    writer.add(ox.Quad(quad.subject, quad.predicate, named, graph))
                for quad in completions:
                    writer.remove(quad)
                undone.append((graph_iri, full.value, named.value))
    return undone


_SOURCE_FOLDER = ox.NamedNode(GK + "sourceFolder")


def _write_store_graph(store: ox.Store, extra: list[tuple[str, bytes]], checked: list[Checked],
                      documents: set[str]) -> None:
    """The store graph: time of this build, govkg version, the extra thesaurus files kept, and the
    folder of each of `documents` (every document the store now holds). Only the quads that
    differ are written: most of the graph is the folders, which most builds leave as they were,
    so they are compared as text and made into quads only where they changed."""
    gk = GK
    graph = ox.NamedNode(STORE_GRAPH)
    node = ox.NamedNode(STORE_NODE)
    from govkg import __version__

    present = list(store.quads_for_pattern(None, None, None, graph))
    # By document IRI, as the graph holds them (no need to read the documents' names back).
    stored_folders = {q.subject.value: q.object.value for q in present if q.predicate == _SOURCE_FOLDER}
    folders = dict(stored_folders)
    for c in checked:
        if c.source.folder:
            folders[document_iri(c.source.name)] = str(c.source.folder)
        else:
            folders.pop(document_iri(c.source.name), None)
    held = {document_iri(name) for name in documents}
    folders = {iri: folder for iri, folder in folders.items() if iri in held}
    triples = [
        ox.Triple(node, ox.NamedNode(gk + "lastBuild"), ox.Literal(
            datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), datatype=ox.NamedNode(XSD + "dateTime"))),
        ox.Triple(node, ox.NamedNode(gk + "govkgVersion"), ox.Literal(__version__)),
    ]
    for index, (name, data) in enumerate(extra):
        file_node = ox.NamedNode(f"{ID}thesaurus/{index}")
        triples += [
            ox.Triple(node, ox.NamedNode(gk + "extraThesaurus"), file_node),
            ox.Triple(file_node, ox.NamedNode(gk + "fileName"), ox.Literal(name)),
            ox.Triple(file_node, ox.NamedNode(gk + "order"), ox.Literal(str(index), datatype=ox.NamedNode(XSD + "integer"))),
            ox.Triple(file_node, ox.NamedNode(gk + "turtle"), ox.Literal(data.decode("utf-8", errors="replace"))),
        ]
    wanted = {ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples}
    others = {q for q in present if q.predicate != _SOURCE_FOLDER}
    stale = [*(others - wanted), *(q for q in present if q.predicate == _SOURCE_FOLDER
                                   and folders.get(q.subject.value) != q.object.value)]
    new = [*(wanted - others), *(
        ox.Quad(ox.NamedNode(iri), _SOURCE_FOLDER, ox.Literal(folder), graph)
        for iri, folder in folders.items() if stored_folders.get(iri) != folder)]
    with QuadWriter(store) as writer:
        for quad in stale:
            writer.remove(quad)
        for quad in new:
            writer.add(quad)


def _file_names(oxigraph: ox.Store) -> dict[ox.NamedNode, str]:
    """The file name of every node that has one (documents, extra thesaurus files), by node.
    Read by pattern, as the other facts a build reads of the store (stored_documents,
    document_folders): a third of the time of the same SPARQL."""
    return {q.subject: q.object.value for q in oxigraph.quads_for_pattern(None, ox.NamedNode(GK + "fileName"), None)}


def _has_store_graph(store: ox.Store) -> bool:
    return store.contains_named_graph(ox.NamedNode(STORE_GRAPH))


def kept_thesaurus(store) -> list[tuple[str, bytes]]:
    """The extra thesaurus files an earlier build kept in the store: (path, content)."""
    if not _exists(store):
        return []
    rows = select(store, "store-thesaurus")
    return [(row["name"], row["turtle"].encode("utf-8")) for row in sorted(rows, key=lambda r: r["order"])]


def document_folders(store) -> dict[str, str]:
    """The folder each document was built from (absolute), by document name."""
    if not _exists(store):
        return {}
    with _reading(store) as oxigraph:
        names = _file_names(oxigraph)
        return {names[q.subject]: q.object.value
                for q in oxigraph.quads_for_pattern(None, _SOURCE_FOLDER, None, ox.NamedNode(STORE_GRAPH)) if q.subject in names}


@contextlib.contextmanager
def _reading(store):
    """An Oxigraph store to read from: `store` itself, or a GraphStore's."""
    if isinstance(store, ox.Store):
        yield store
    else:
        with store.reading() as oxigraph:
            yield oxigraph


def _exists(store) -> bool:
    return isinstance(store, ox.Store) or store.exists()


def stored_documents(store) -> dict[str, str]:
    """The content hash of every document in the store, by document name: the file's SHA-256,
    then a space and the digest of its manifest row where it had one (what a build compares to
    skip unchanged files)."""
    if not _exists(store):
        return {}
    gk = GK
    with _reading(store) as oxigraph:
        documents = {q.subject for q in oxigraph.quads_for_pattern(None, A, ox.NamedNode(gk + "Document"))}
        names = {node: name for node, name in _file_names(oxigraph).items() if node in documents}
        rows = {q.subject: q.object.value for q in oxigraph.quads_for_pattern(None, ox.NamedNode(gk + "manifestDigest"), None)}
        return {names[q.subject]: f"{q.object.value} {rows[q.subject]}" if q.subject in rows else q.object.value
                for q in oxigraph.quads_for_pattern(None, ox.NamedNode(gk + "sha256"), None) if q.subject in names}


def stored_fingerprint(store) -> str | None:
    """The fingerprint of the vocabulary that built the store (see ontology.load_vocabulary)."""
    if not _exists(store):
        return None
    rows = select(store, "vocabulary-fingerprint")
    return rows[0]["hash"] if rows else None


@dataclass
class StoreStatus:
    documents: int
    quads: int
    govkg_version: str | None
    last_build: str | None
    thesaurus: str  # the shipped thesaurus's fingerprint
    extra_thesaurus: list[str]
    bytes_on_disk: int


def store_status(store_path: str | Path) -> StoreStatus:
    """What a store holds and how it was built."""
    store = open_store(store_path)
    if not store.exists():
        raise StoreError(f"{store_path}: no store here; build one first with: govkg build PATH --store {store_path}")
    info = select(store, "store-info")
    row = info[0] if info else {}
    size = sum(f.stat().st_size for f in Path(store_path).rglob("*") if f.is_file()) if Path(store_path).is_dir() else 0
    with store.reading() as oxigraph:
        quads = len(oxigraph)
    return StoreStatus(
        documents=len(stored_documents(store)),
        quads=quads,
        govkg_version=row.get("version"),
        last_build=str(row["built"]) if row.get("built") else None,
        thesaurus=(stored_fingerprint(store) or "")[:12],
        extra_thesaurus=[name for name, _ in kept_thesaurus(store)],
        bytes_on_disk=size,
    )
