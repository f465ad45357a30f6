"""The graphs derived from all documents: the places they refer to and the candidate mechanisms
they propose, each stated once. The union of document graphs would otherwise repeat a place's
description once per document, and repeated triples multiply joins."""

from __future__ import annotations

import pyoxigraph as ox

from govkg.graph.rdf import candidates_triples, places_triples
from govkg.ontology import CANDIDATES_GRAPH, PLACES_GRAPH
from govkg.ontology.gazetteer import Gazetteer
from govkg.queries import select, select_each


def derive_graphs(store: ox.Store, gazetteer: Gazetteer | None = None) -> None:
    """Recompute the places graph and the candidates graph of an Oxigraph store being written;
    with the gazetteer, places carry their official codes and names."""
    # Read in full before writing: a query still being read while the store is written pins
    # what it reads. Only the IRIs are kept.
    referenced = [row["p"] for row in select_each(store, "referenced-places")]
    replace_graph(store, PLACES_GRAPH, places_triples(referenced, gazetteer))
    proposals = [
        (row["c"], row["doc"], row["pref"], tuple(a for a in (row["alts"] or "").split("\u001f") if a), row["cat"],
         row["confidence"])
        for row in select(store, "candidate-proposals")
    ]
    replace_graph(store, CANDIDATES_GRAPH, candidates_triples(proposals))


def replace_graph(store: ox.Store, graph_iri: str, triples) -> None:
    """Put Oxigraph triples in place of the named graph `graph_iri`."""
    target = ox.NamedNode(graph_iri)
    if store.contains_named_graph(target):
        store.remove_graph(target)
    # Bulk-loaded in chunks: a transaction of a corpus's places holds them all in memory (in the
    # database's write buffers), and one list of them in Python too.
    chunk: list[ox.Quad] = []
    for t in triples:
        chunk.append(ox.Quad(t.subject, t.predicate, t.object, target))
        if len(chunk) >= 100_000:
            store.bulk_extend(chunk)
            chunk = []
    store.bulk_extend(chunk)
