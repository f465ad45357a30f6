"""Outcomes for a mechanism or a place, with totals that only add like to like."""

from __future__ import annotations

from collections import defaultdict

from govkg.queries.lookup import mechanism_iris, places_within

OUTCOME_ROWS = """
PREFIX gk: <https://w3id.org/govkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?o ?p ?place ?m ?mechanism ?indicator ?value ?unit ?approx ?doc WHERE {
  ?o a gk:Outcome ; schema:value ?value ; schema:unitText ?unit ; gk:indicator ?indicator ;
     gk:approximate ?approx ; dcterms:source ?d .
  ?d gk:fileName ?doc .
  OPTIONAL { ?o gk:place ?p . ?p rdfs:label ?place . }
  OPTIONAL { ?o gk:mechanism ?m . ?m skos:prefLabel ?mechanism . FILTER (lang(?mechanism) = "zh") }
}
"""
COLUMNS = ["place", "mechanism", "indicator", "value", "unit", "approx", "doc"]
TOTAL_COLUMNS = ["indicator", "unit", "outcomes", "total", "approx"]


def _value(term):
    return None if term is None else term.value


def outcome_table(store, mechanism: str | None = None, place: str | None = None):
    """(rows, totals): the outcomes, optionally of one mechanism (any spelling) or of one place
    and the places within it; totals add values only where indicator and unit are the same."""
    _, rows = store.query(OUTCOME_ROWS)
    if mechanism is not None:
        wanted = mechanism_iris(store, mechanism)
        rows = [row for row in rows if _value(row["m"]) in wanted]
    if place is not None:
        inside = places_within(store, place)
        rows = [row for row in rows if _value(row["p"]) in inside]
    table = sorted(
        (
            [_value(row["place"]), _value(row["mechanism"]), row["indicator"].value,
             _number(row["value"].value), row["unit"].value, row["approx"].value == "true", row["doc"].value]
            for row in rows
        ),
        key=lambda r: (r[6], r[0] or "", r[2], r[3]),
    )
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for row in table:
        groups[(row[2], row[4])].append(row)
    totals = [
        [indicator, unit, len(members), _number(str(sum(m[3] for m in members))), any(m[5] for m in members)]
        for (indicator, unit), members in sorted(groups.items())
        if len(members) > 1
    ]
    return table, totals


def _number(text: str):
    value = float(text)
    return int(value) if value.is_integer() else round(value, 6)
