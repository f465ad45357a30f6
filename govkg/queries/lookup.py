"""Finding mechanisms by any spelling and the places within a place, for commands that filter."""

from __future__ import annotations

from govkg.errors import QueryError
from govkg.queries import bind_parameters

MECHANISMS_BY_SPELLING = """
PREFIX gk: <https://w3id.org/govkg/ontology#>
SELECT DISTINCT ?m WHERE { ?m gk:labelKey ?spelling_key }
"""
PLACE_PARENTS = """
PREFIX gk: <https://w3id.org/govkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?p ?name ?parent WHERE {
  ?p a ?c ; rdfs:label ?name . ?c rdfs:subClassOf gk:Place .
  OPTIONAL { ?p gk:parentPlace ?parent }
}
"""


def mechanism_iris(store, spelling: str) -> set[str]:
    """The concepts that have `spelling` (folded) among their labels."""
    _, rows = store.query(bind_parameters(MECHANISMS_BY_SPELLING, {"spelling": spelling}))
    found = {row["m"].value for row in rows}
    if not found:
        raise QueryError(f"no mechanism called '{spelling}' in this store")
    return found


def places_within(store, name: str) -> set[str]:
    """Every place called `name` and every place within one of them."""
    _, rows = store.query(PLACE_PARENTS)
    parent = {row["p"].value: (row["parent"].value if row["parent"] is not None else None) for row in rows}
    roots = {row["p"].value for row in rows if row["name"].value == name}
    if not roots:
        raise QueryError(f"no place called '{name}' in this store")

    def within(iri: str | None) -> bool:
        seen = set()
        while iri and iri not in seen:
            if iri in roots:
                return True
            seen.add(iri)
            iri = parent.get(iri)
        return False

    return {iri for iri in parent if within(iri)}
