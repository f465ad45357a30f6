"""The graphs derived from all documents: the places they refer to and the candidate mechanisms
they propose, each stated once. The union of document graphs would otherwise repeat a place's
description once per document, and repeated triples multiply joins."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from govkg.graph.rdf import candidates_triples, place_iri, place_path, places_triples
from govkg.ontology import CANDIDATES_GRAPH, GK, PLACES_GRAPH
from govkg.ontology.gazetteer import Gazetteer
from govkg.queries import select, select_each


def derive_graphs(store: ox.Store, gazetteer: Gazetteer | None = None, changes: PlaceChanges | None = None) -> None:
    """Recompute the places graph and the candidates graph of an Oxigraph store being written;
    with the gazetteer, places carry their official codes and names.

    `changes`: the places graph was made by this govkg and gazetteer, and only the documents
    whose places `changes` gives (what they referred to before and refer to now) changed: a
    place's description depends on its path alone, so only those places are looked at, the
    ones no document refers to any more taken out and new ones described (rewriting the whole
    graph of a large corpus costs most of a small rebuild)."""
    graph = ox.NamedNode(PLACES_GRAPH)
    if changes is not None and store.contains_named_graph(graph):
        _update_places(store, graph, gazetteer, changes)
    else:
        # Read in full before writing: a query still being read while the store is written pins
        # what it reads. Only the IRIs are kept.
        referenced = [row["p"] for row in select_each(store, "referenced-places")]
        replace_graph(store, PLACES_GRAPH, places_triples(referenced, gazetteer))
    _derive_candidates(store)


def _derive_candidates(store: ox.Store) -> None:
    proposals = [
        (row["c"], row["doc"], row["pref"], tuple(a for a in (row["alts"] or "").split("\u001f") if a), row["cat"],
         row["confidence"])
        for row in select(store, "candidate-proposals")
    ]
    replace_graph(store, CANDIDATES_GRAPH, candidates_triples(proposals))


_LEVEL = ox.NamedNode(GK + "level")  # stated once for every place the places graph describes
_WITHIN = ox.NamedNode(GK + "within")  # from every described place to each of its ancestors
# How a document graph refers to a place (as the referenced-places query reads them).
_REFERENCES = tuple(ox.NamedNode(GK + name) for name in ("place", "locatedIn", "mentions"))


@dataclass
class PlaceChanges:
    """The places (IRIs) that the documents a build replaced or removed referred to, and those
    that the documents it added or replaced refer to now."""

    before: set[str] = field(default_factory=set)
    now: set[str] = field(default_factory=set)


def referenced_in(store: ox.Store, graph: ox.NamedNode) -> set[str]:
    """The places one document graph refers to."""
    return {q.object.value for prop in _REFERENCES for q in store.quads_for_pattern(None, prop, None, graph)
            if isinstance(q.object, ox.NamedNode)}


def _with_ancestors(iris: set[str]) -> set[str]:
    return {place_iri(path[:depth]) for iri in iris for path in [place_path(iri)] for depth in range(1, len(path) + 1)}


def _update_places(store: ox.Store, graph: ox.NamedNode, gazetteer: Gazetteer | None, changes: PlaceChanges) -> None:
    """The places graph after a few documents changed, as derive_graphs would make it from every
    document: a place some document still refers to, or that lies around one, stays; one no
    longer wanted goes; new ones are described."""
    def described(iri: str) -> bool:
        return next(store.quads_for_pattern(ox.NamedNode(iri), _LEVEL, None, graph), None) is not None

    def referenced(iri: str) -> bool:
        node = ox.NamedNode(iri)
        return any(next(store.quads_for_pattern(None, prop, node, None), None) is not None for prop in _REFERENCES)

    def wanted(iri: str) -> bool:
        return referenced(iri) or any(
            referenced(q.subject.value) for q in store.quads_for_pattern(None, _WITHIN, ox.NamedNode(iri), graph))

    now = _with_ancestors(changes.now)
    # Decided before any change: removing one place must not change what the next check sees.
    unwanted = [iri for iri in sorted(_with_ancestors(changes.before) - now) if described(iri) and not wanted(iri)]
    for iri in unwanted:
        for quad in list(store.quads_for_pattern(ox.NamedNode(iri), None, None, graph)):
            store.remove(quad)
    _add(store, graph, places_triples(sorted(changes.now), gazetteer, {iri for iri in now if described(iri)}))


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
