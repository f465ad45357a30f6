"""The graphs derived from all documents: the places they refer to and the candidate mechanisms
they propose, each stated once. The union of document graphs would otherwise repeat a place's
description once per document, and repeated triples multiply joins."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from govkg.graph.rdf import candidates_triples, is_suffix, place_iri, place_path, places_triples
from govkg.graph.store import QuadWriter
from govkg.graph.terms import python_value
from govkg.ontology import CANDIDATES_GRAPH, DCTERMS, GK, PLACES_GRAPH, RDFS, SKOS
from govkg.ontology.gazetteer import Gazetteer
from govkg.queries import select, select_each


def derive_graphs(store: ox.Store, gazetteer: Gazetteer | None = None) -> None:
    """Recompute the places graph and the candidates graph of an Oxigraph store being written,
    from every document graph; with the gazetteer, places carry their official codes and names.
    (A build describes places as it loads documents instead: see PlaceDescriptions.)"""
    # Read in full before writing: a query still being read while the store is written pins
    # what it reads. Only the IRIs are kept.
    referenced = [row["p"] for row in select_each(store, "referenced-places")]
    replace_graph(store, PLACES_GRAPH, places_triples(referenced, gazetteer))
    derive_candidates(store)


def derive_candidates(store: ox.Store) -> None:
    """The candidates graph, from every document's proposals."""
    proposals = [
        (row["c"], row["doc"], row["pref"], tuple(a for a in (row["alts"] or "").split("\u001f") if a), row["cat"],
         row["confidence"])
        for row in select(store, "candidate-proposals")
    ]
    replace_graph(store, CANDIDATES_GRAPH, candidates_triples(proposals))


_PROPOSES = ox.NamedNode(GK + "proposes")


def proposed_in(store: ox.Store, graph: ox.NamedNode) -> set[str]:
    """The candidate concepts one document graph proposes."""
    return {q.object.value for q in store.quads_for_pattern(None, _PROPOSES, None, graph)}


def update_candidates(store: ox.Store, concepts: Iterable[str]) -> None:
    """The candidates graph's statements of `concepts` made again from every document's
    proposals of them, the other concepts' left as they are: what derive_candidates would make,
    after documents proposing these were added, replaced or removed (a concept's statements
    depend on its own proposals only)."""
    concepts = sorted(set(concepts))
    graph = ox.NamedNode(CANDIDATES_GRAPH)
    with QuadWriter(store) as writer:
        for concept in concepts:
            for quad in list(store.quads_for_pattern(ox.NamedNode(concept), None, None, graph)):
                writer.remove(quad)
    _add(store, graph, candidates_triples([row for c in concepts for row in _proposals_of(store, c)]))


_PREF, _ALT = ox.NamedNode(SKOS + "prefLabel"), ox.NamedNode(SKOS + "altLabel")
_CATEGORY, _CONFIDENCE = ox.NamedNode(GK + "category"), ox.NamedNode(GK + "confidence")
_SOURCE, _FILE_NAME = ox.NamedNode(DCTERMS + "source"), ox.NamedNode(GK + "fileName")


def _proposals_of(store: ox.Store, concept: str) -> Iterator[tuple]:
    """The rows of the candidate-proposals query for one concept, read by pattern lookups: the
    query with the concept bound takes 0.06-0.12 s per concept on a store of 2,000 documents,
    these lookups a third of that."""

    def objects(subject, predicate, graph):
        return [q.object for q in store.quads_for_pattern(subject, predicate, None, graph)]

    for quad in store.quads_for_pattern(None, _PROPOSES, ox.NamedNode(concept), None):
        proposal, graph = quad.subject, quad.graph_name
        prefs, categories = objects(proposal, _PREF, graph), objects(proposal, _CATEGORY, graph)
        names = [n for d in objects(proposal, _SOURCE, graph) for n in objects(d, _FILE_NAME, graph)]
        if not (prefs and categories and names):
            continue  # what the query's required patterns leave out
        scores = [python_value(o) for o in objects(proposal, _CONFIDENCE, graph)]
        yield (concept, python_value(names[0]), python_value(prefs[0]),
               tuple(python_value(o) for o in objects(proposal, _ALT, graph)), categories[0].value,
               max(scores) if scores else None)


_LEVEL = ox.NamedNode(GK + "level")  # stated once for every place the places graph describes
_WITHIN = ox.NamedNode(GK + "within")  # from every described place to each of its ancestors
# How a document graph refers to a place (as the referenced-places query reads them).
_REFERENCES = tuple(ox.NamedNode(GK + name) for name in ("place", "locatedIn", "mentions"))
# Places described during a build that are remembered, at most (see PlaceDescriptions).
RECENT_PLACES = 100_000


def referenced_in(store: ox.Store, graph: ox.NamedNode) -> set[str]:
    """The places one document graph refers to."""
    return {q.object.value for prop in _REFERENCES for q in store.quads_for_pattern(None, prop, None, graph)
            if isinstance(q.object, ox.NamedNode)}


# In a document graph, (full, gk:completes, named): the path the document named without its
# parents, and the path the joins gave it (see build._join_places).
COMPLETES = ox.NamedNode(GK + "completes")


def completions_in(store: ox.Store, graph: ox.NamedNode) -> list[tuple[str, str]]:
    """The (full, named) place IRIs of the paths the joins completed in one document graph."""
    return [(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, COMPLETES, None, graph)]


def named_paths_in(store: ox.Store, graph: ox.NamedNode, referenced: set[str] | None = None) -> set[tuple[str, ...]]:
    """The place paths a document graph refers to as the document named them: those the joins
    completed taken back to what the document said (see COMPLETES). `referenced`: the graph's
    referenced_in, when read already."""
    completions = completions_in(store, graph)
    completed = {full for full, _ in completions}
    referenced = referenced_in(store, graph) if referenced is None else referenced
    return {place_path(iri) for iri in (referenced - completed) | {named for _, named in completions}}


def _walked(store: ox.Store) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each completion of the store, as its document graph and the names it went by way of: the
    name the document's path began with, and the parents the joins put before it."""
    for quad in store.quads_for_pattern(None, COMPLETES, None, None):
        full, named = place_path(quad.subject.value), place_path(quad.object.value)
        yield quad.graph_name.value, full[: len(full) - len(named) + 1]


def completed_through(store: ox.Store, names: set[str]) -> set[str]:
    """The document graphs holding a path the joins completed by way of one of `names`."""
    return {graph for graph, walked in _walked(store) if names.intersection(walked)}


def completed_through_names(store: ox.Store) -> set[str]:
    """Every name a completion of the store went by way of."""
    return {name for _, walked in _walked(store) for name in walked}


def graphs_naming(store: ox.Store, iri: str, besides: set[str] = frozenset()) -> Iterator[str]:
    """The document graphs other than `besides` that name the place `iri` themselves: refer to
    it, and not as a path the joins completed (see COMPLETES). A document that names a place
    inside it names it too (a document refers to every place on the paths it names)."""
    node = ox.NamedNode(iri)
    referring = {q.graph_name for prop in _REFERENCES for q in store.quads_for_pattern(None, prop, node, None)
                 if q.graph_name.value not in besides}
    for graph in sorted(referring, key=lambda g: g.value):
        if next(store.quads_for_pattern(node, COMPLETES, None, graph), None) is None:
            yield graph.value


def described_in(store: ox.Store, iri: str) -> bool:
    """Whether the store's places graph describes the place `iri`."""
    return next(store.quads_for_pattern(ox.NamedNode(iri), _LEVEL, None, ox.NamedNode(PLACES_GRAPH)), None) is not None


def described_paths_from(store: ox.Store, name: str) -> list[tuple[str, ...]]:
    """The paths the places graph describes that begin with `name`: the place of that name alone
    and every place within it."""
    head = place_iri((name,))
    if not described_in(store, head):
        return []
    return [(name,), *(place_path(inner) for inner in _inside(store, head))]


def _inside(store: ox.Store, iri: str) -> Iterator[str]:
    """The places the places graph describes inside the place `iri` (their gk:within links)."""
    for quad in store.quads_for_pattern(None, _WITHIN, ox.NamedNode(iri), ox.NamedNode(PLACES_GRAPH)):
        yield quad.subject.value


_LABEL = ox.NamedNode(RDFS + "label")


def described_parents(store: ox.Store, name: str) -> list[tuple[str, ...]]:
    """The parent chains of the places called `name` that the places graph describes, read from
    their IRIs (a place IRI is its path of names). Every prefix of a stored path is described
    too, so these are the chains that all stored paths give the name."""
    found = store.quads_for_pattern(None, _LABEL, ox.Literal(name, language="zh"), ox.NamedNode(PLACES_GRAPH))
    return [path[:-1] for quad in found if len(path := place_path(quad.subject.value)) >= 2]


class PlaceDescriptions:
    """The places graph written while documents are loaded: the places a document refers to,
    and their ancestors, are described (see rdf.places_triples) the first time a document
    refers to them, in quads loaded with the document's own. So a build never reads every
    document's places back at its end, which was a pass over the whole store after extraction,
    with memory growing with the corpus.

    The places described are remembered (the recent ones, at most RECENT_PLACES), never looked
    up in the store: a place described again gives the same quads, which the store holds once,
    while reading the store as it is loaded made the build's memory grow with the corpus (RocksDB's
    own memory: the build process held 327 MiB after 9,982 of 20,000 articles, 227 MiB after
    10,000 without the lookups). A place an incremental build's documents no longer refer to is
    taken out by remove_unwanted."""

    def __init__(self, gazetteer: Gazetteer | None):
        self.gazetteer = gazetteer
        self.graph = ox.NamedNode(PLACES_GRAPH)
        self._described: set[str] = set()
        # By name, the parent chain of the places of that name described (every other a suffix
        # of it), or two chains neither of which is a suffix of the other: all that joins ask of
        # a name (see parents_of), kept whole, as it grows with the names, not the corpus.
        self._parents: dict[str, tuple[tuple[str, ...], ...]] = {}

    def __contains__(self, iri: str) -> bool:
        return iri in self._described

    def quads(self, place_iris: Iterable[str]) -> Iterator[ox.Quad]:
        """The places graph's quads for those of `place_iris` (and their ancestors) that are
        not described yet."""
        if len(self._described) > RECENT_PLACES:
            self._described.clear()
        graph = self.graph
        # A place described has its ancestors described: most of a document's places are known.
        for t in places_triples([iri for iri in place_iris if iri not in self], self.gazetteer, self, self._noted):
            yield ox.Quad(t.subject, t.predicate, t.object, graph)

    def parents_of(self, name: str) -> list[tuple[str, ...]]:
        """What described_parents would read of a places graph holding the places described so
        far, for what rdf.place_resolver makes of it: the parent chain of the places called
        `name` when every other is a suffix of it, else two chains that are not. Read from
        memory: the label lookups on the store, one per name a path begins with, took the build
        process 58 MiB more at 10,000 articles, on the compacted store."""
        return list(self._parents.get(name, ()))

    def _noted(self, iri: str, path: tuple[str, ...]) -> None:
        """A place described (told by places_triples, which has its path at hand)."""
        self._described.add(iri)
        if len(path) < 2:
            return
        name, chain = path[-1], path[:-1]
        known = self._parents.get(name)
        if known is None:
            self._parents[name] = (chain,)
        elif len(known) == 1 and not is_suffix(chain, known[0]):
            # The longer one replaces the other when the other is its suffix; else they conflict.
            self._parents[name] = (chain,) if is_suffix(known[0], chain) else (known[0], chain)


def _with_ancestors(iris: set[str]) -> set[str]:
    return {place_iri(path[:depth]) for iri in iris for path in [place_path(iri)] for depth in range(1, len(path) + 1)}


def remove_unwanted(store: ox.Store, iris: set[str]) -> None:
    """Take out of the places graph those of `iris` (the places documents removed or replaced
    referred to, or that joins replaced) and their ancestors that no document refers to any
    more, nor to a place inside them: the places graph derive_graphs would make."""
    graph = ox.NamedNode(PLACES_GRAPH)

    def referenced(iri: str) -> bool:
        node = ox.NamedNode(iri)
        return any(next(store.quads_for_pattern(None, prop, node, None), None) is not None for prop in _REFERENCES)

    def wanted(iri: str) -> bool:
        return referenced(iri) or any(referenced(inner) for inner in _inside(store, iri))

    # Decided before any change: removing one place must not change what the next check sees.
    unwanted = [iri for iri in sorted(_with_ancestors(iris)) if described_in(store, iri) and not wanted(iri)]
    with QuadWriter(store) as writer:
        for iri in unwanted:
            for quad in list(store.quads_for_pattern(ox.NamedNode(iri), None, None, graph)):
                writer.remove(quad)


def replace_graph(store: ox.Store, graph_iri: str, triples) -> None:
    """Put Oxigraph triples in place of the named graph `graph_iri`."""
    target = ox.NamedNode(graph_iri)
    if store.contains_named_graph(target):
        store.remove_graph(target)
    _add(store, target, triples)


def _add(store: ox.Store, target: ox.NamedNode, triples) -> None:
    # Bulk-loaded in chunks: a transaction of a corpus's places holds them all in memory (in the
    # database's write buffers), and one list of them in Python too.
    chunk: list[ox.Quad] = []
    for t in triples:
        chunk.append(ox.Quad(t.subject, t.predicate, t.object, target))
        if len(chunk) >= 100_000:
            store.bulk_extend(chunk)
            chunk = []
    store.bulk_extend(chunk)
