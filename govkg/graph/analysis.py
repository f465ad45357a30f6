"""The knowledge graph as networkx graphs, for analysis and for the HTML views."""

from __future__ import annotations

import networkx as nx

from govkg.ontology import level_rank
from govkg.queries import select
from govkg.queries.lookup import mechanism_iris, place_table, places_within


def adoption_graph(store, mechanism: str | None = None, place: str | None = None) -> nx.DiGraph:
    """Places, mechanisms and the adoptions between them as a DiGraph.

    Nodes carry `kind` (place or mechanism), `label`, and `level` or `category`; an edge from a place
    to a mechanism carries the evidence sentence and its document; an edge from a place to its
    parent has kind `within`. With `mechanism` (any spelling) only that mechanism's places are
    kept; with `place` (a name) only that place, the places within it and their mechanisms."""
    table = place_table(store)
    places = {iri: (row.label, row.level) for iri, row in table.items() if row.level}
    parent_of = {iri: row.parent for iri, row in table.items() if row.level and row.parent}
    rows = select(store, "adoption-rows")
    if mechanism is not None:
        wanted = mechanism_iris(store, mechanism)
        rows = [row for row in rows if row["m"] in wanted]
    if place is not None:
        inside = places_within(store, place)
        rows = [row for row in rows if row["place"] in inside]

    graph = nx.DiGraph()

    def add_place(iri: str) -> None:
        while iri and iri not in graph:
            label, level = places.get(iri, (iri, "place"))
            graph.add_node(iri, kind="place", label=label, level=level)
            parent = parent_of.get(iri)
            if parent:
                add_place(parent)
                graph.add_edge(iri, parent, kind="within")
            iri = None

    for row in rows:
        place_iri = row["place"]
        mechanism_iri = row["m"]
        add_place(place_iri)
        graph.add_node(
            mechanism_iri, kind="mechanism", label=row["mechanism"],
            category=row["category"] or "other",
        )
        evidence = graph.edges[place_iri, mechanism_iri].get("evidence", []) if graph.has_edge(place_iri, mechanism_iri) else []
        evidence.append((row["doc"], row["evidence"]))
        graph.add_edge(place_iri, mechanism_iri, kind="adoption", evidence=evidence)
    return graph


def knowledge_graph(store) -> nx.MultiDiGraph:
    """The graph of places, mechanisms, organizations and outcomes, with `kind`, `label` and
    `level`/`category`/`type`/`unit` (as `detail`) on every node and `kind` on every edge."""
    graph = nx.MultiDiGraph()
    for row in select(store, "graph-nodes"):
        node = row["node"]
        if node not in graph:
            graph.add_node(node, kind=row["kind"], label=row["label"], detail=row["detail"])
    for row in select(store, "graph-edges"):
        source, target = row["s"], row["o"]
        if source in graph and target in graph:
            graph.add_edge(source, target, kind=row["kind"])
    return graph


def place_mechanism_graph(store, level: str | None = None) -> nx.Graph:
    """The bipartite graph of places and the mechanisms they use (edge weight: adoptions).

    With `level`, each place is replaced by its ancestor at that depth (a community's district for
    level=district); places broader than the level are left out."""
    adoptions = adoption_graph(store)
    bipartite = nx.Graph()
    rank = level_rank(level) if level else None
    for place, mechanism, data in adoptions.edges(data=True):
        if data["kind"] != "adoption":
            continue
        target = place
        if rank is not None:
            target = _ancestor_at(adoptions, place, rank)
            if target is None:
                continue
        attrs = adoptions.nodes[target]
        bipartite.add_node(target, kind="place", label=attrs["label"], level=attrs["level"], bipartite=0)
        m = adoptions.nodes[mechanism]
        bipartite.add_node(mechanism, kind="mechanism", label=m["label"], category=m["category"], bipartite=1)
        weight = bipartite.edges[target, mechanism]["weight"] + 1 if bipartite.has_edge(target, mechanism) else 1
        evidence = (bipartite.edges[target, mechanism]["evidence"] if bipartite.has_edge(target, mechanism) else []) + data["evidence"]
        bipartite.add_edge(target, mechanism, kind="adoption", weight=weight, evidence=evidence)
    return bipartite


def _ancestor_at(graph: nx.DiGraph, place: str, rank: int) -> str | None:
    node, seen = place, set()
    while node is not None and node not in seen:
        seen.add(node)
        # District and county share a rank, so level=district also finds counties.
        node_rank = level_rank(graph.nodes[node]["level"])
        if node_rank == rank:
            return node
        if node_rank < rank:
            return None
        node = next((t for _, t, d in graph.out_edges(node, data=True) if d["kind"] == "within"), None)
    return None


def mechanisms_by_reach(bipartite: nx.Graph) -> list[tuple[str, int]]:
    """Mechanisms with the number of distinct places using them, widest first."""
    reach = [
        (data["label"], bipartite.degree(node))
        for node, data in bipartite.nodes(data=True) if data["kind"] == "mechanism"
    ]
    return sorted(reach, key=lambda item: (-item[1], item[0]))


def similar_places(bipartite: nx.Graph, top: int = 20) -> list[tuple[str, str, float, int]]:
    """Place pairs by the Jaccard similarity of their mechanism sets, with the count they share."""
    places = sorted(n for n, d in bipartite.nodes(data=True) if d["kind"] == "place")
    sets = {p: set(bipartite.neighbors(p)) for p in places}
    pairs = []
    for i, a in enumerate(places):
        for b in places[i + 1 :]:
            shared = sets[a] & sets[b]
            if shared:
                jaccard = len(shared) / len(sets[a] | sets[b])
                pairs.append((bipartite.nodes[a]["label"], bipartite.nodes[b]["label"], round(jaccard, 3), len(shared)))
    return sorted(pairs, key=lambda p: (-p[2], -p[3], p[0], p[1]))[:top]


def coadoption_graph(bipartite: nx.Graph) -> nx.Graph:
    """Mechanisms joined when the same places use both; weight: how many places."""
    mechanisms = [n for n, d in bipartite.nodes(data=True) if d["kind"] == "mechanism"]
    return nx.bipartite.weighted_projected_graph(bipartite, mechanisms)


def mechanism_clusters(bipartite: nx.Graph) -> list[list[str]]:
    """Groups of mechanisms often used together (greedy modularity communities of the
    co-adoption graph); mechanisms used alone form no cluster."""
    projected = coadoption_graph(bipartite)
    projected.remove_nodes_from([n for n in list(projected) if projected.degree(n) == 0])
    if projected.number_of_edges() == 0:
        return []
    communities = nx.community.greedy_modularity_communities(projected, weight="weight")
    clusters = [sorted(bipartite.nodes[n]["label"] for n in c) for c in communities if len(c) > 1]
    return sorted(clusters, key=lambda c: (-len(c), c))


def central_organizations(graph: nx.MultiDiGraph, top: int = 20) -> list[tuple[str, str, int]]:
    """Organizations by how many places and mechanisms they are linked to."""
    rows = [
        (data["label"], data["detail"], graph.degree(node))
        for node, data in graph.nodes(data=True) if data["kind"] == "organization"
    ]
    return sorted(rows, key=lambda r: (-r[2], r[0]))[:top]


def analysis_report(store, level: str | None = None, top: int = 20) -> dict[str, tuple[list[str], list[list]]]:
    """The four lists of `govkg analyze`, each as (columns, rows)."""
    bipartite = place_mechanism_graph(store, level)
    graph = knowledge_graph(store)
    clusters = mechanism_clusters(bipartite)
    return {
        "mechanisms by reach": (["mechanism", "places"], [list(r) for r in mechanisms_by_reach(bipartite)[:top]]),
        "similar places": (["place_a", "place_b", "jaccard", "shared"], [list(r) for r in similar_places(bipartite, top)]),
        "mechanism clusters": (
            ["cluster", "size", "mechanisms"],
            [[i + 1, len(c), " | ".join(c)] for i, c in enumerate(clusters[:top])],
        ),
        "central organizations": (["organization", "type", "links"], [list(r) for r in central_organizations(graph, top)]),
    }


def network_file(graph: nx.MultiDiGraph, fmt: str) -> bytes:
    """The graph as GraphML or GEXF (for Gephi, Cytoscape)."""
    import io

    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8")
    elif fmt == "gexf":
        # GEXF 1.2draft: edges of a multigraph told apart by id, not by networkx's own
        # networkx_key attribute, and no empty name on <graph>.
        simple = nx.DiGraph() if graph.is_directed() else nx.Graph()
        simple.add_nodes_from(graph.nodes(data=True))
        for index, (u, v, data) in enumerate(graph.edges(data=True)):
            if simple.has_edge(u, v):
                simple[u][v]["weight"] = simple[u][v].get("weight", 1) + 1
                continue
            simple.add_edge(u, v, id=str(index), **{k: val for k, val in data.items() if k != "id"})
        nx.write_gexf(simple, buffer, encoding="utf-8")
        data = buffer.getvalue().replace(b' name=""', b"", 1)
        return data
    else:
        raise ValueError(fmt)
    return buffer.getvalue()
