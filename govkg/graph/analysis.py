"""The knowledge graph as networkx graphs, for analysis and for the HTML views."""

from __future__ import annotations

import networkx as nx

from govkg.errors import QueryError
from govkg.ontology import label_key

_PREFIXES = """
PREFIX gk: <https://w3id.org/govkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ADOPTION_ROWS = _PREFIXES + """
SELECT DISTINCT ?place ?place_label ?level ?m ?mechanism ?category ?evidence ?doc WHERE {
  ?a a gk:Adoption ; gk:place ?place ; gk:mechanism ?m ; gk:mainEvidence ?e ; dcterms:source ?d .
  ?d gk:fileName ?doc .
  ?e oa:exact ?evidence .
  ?place rdfs:label ?place_label ; a ?c . ?c skos:notation ?level .
  ?m skos:prefLabel ?mechanism . FILTER (lang(?mechanism) = "zh")
  OPTIONAL { ?m gk:category ?cat . ?cat skos:notation ?category . }
}
"""
PLACE_ROWS = _PREFIXES + """
SELECT DISTINCT ?place ?place_label ?level ?parent WHERE {
  ?place rdfs:label ?place_label ; a ?c .
  ?c rdfs:subClassOf gk:Place ; skos:notation ?level .
  OPTIONAL { ?place gk:parentPlace ?parent }
}
"""
MECHANISMS_BY_KEY = _PREFIXES + "SELECT DISTINCT ?m ?key WHERE { ?m gk:labelKey ?key }"


def _value(term):
    return None if term is None else term.value


def adoption_graph(store, mechanism: str | None = None, place: str | None = None) -> nx.DiGraph:
    """Places, mechanisms and the adoptions between them as a DiGraph.

    Nodes carry `kind` (place or mechanism), `label`, and `level` or `category`; an edge from a place
    to a mechanism carries the evidence sentence and its document; an edge from a place to its
    parent has kind `within`. With `mechanism` (any spelling) only that mechanism's places are
    kept; with `place` (a name) only that place, the places within it and their mechanisms."""
    import pyoxigraph as ox

    _, place_rows = store.query(PLACE_ROWS)
    parent_of = {}
    places = {}
    for row in place_rows:
        iri = row["place"].value
        places[iri] = (row["place_label"].value, row["level"].value)
        if row["parent"] is not None:
            parent_of[iri] = row["parent"].value
    _, rows = store.query(ADOPTION_ROWS)
    if mechanism is not None:
        _, hits = store.query(MECHANISMS_BY_KEY, {ox.Variable("key"): ox.Literal(label_key(mechanism))})
        wanted = {row["m"].value for row in hits}
        if not wanted:
            raise QueryError(f"no mechanism called '{mechanism}' in the thesaurus of this store")
        rows = [row for row in rows if row["m"].value in wanted]
    if place is not None:
        roots = {iri for iri, (label, _) in places.items() if label == place}
        if not roots:
            raise QueryError(f"no place called '{place}' in this store")

        def inside(iri: str) -> bool:
            seen = set()
            while iri and iri not in seen:
                if iri in roots:
                    return True
                seen.add(iri)
                iri = parent_of.get(iri)
            return False

        rows = [row for row in rows if inside(row["place"].value)]

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
        place_iri = row["place"].value
        mechanism_iri = row["m"].value
        add_place(place_iri)
        graph.add_node(
            mechanism_iri, kind="mechanism", label=row["mechanism"].value,
            category=_value(row["category"]) or "other",
        )
        evidence = graph.edges[place_iri, mechanism_iri].get("evidence", []) if graph.has_edge(place_iri, mechanism_iri) else []
        evidence.append((row["doc"].value, row["evidence"].value))
        graph.add_edge(place_iri, mechanism_iri, kind="adoption", evidence=evidence)
    return graph
