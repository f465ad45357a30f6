"""Finding mechanisms by any spelling, and places with their parents, for commands that filter."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from govkg.errors import QueryError
from govkg.ontology import label_key
from govkg.queries import select


@dataclass(frozen=True)
class PlaceRow:
    label: str
    level: str | None
    parent: str | None  # IRI


def place_table(store) -> dict[str, PlaceRow]:
    """Every place of the store by IRI, with its name, level and parent's IRI."""
    return {
        row["place"]: PlaceRow(row["label"], row["level"], row["parent"])
        for row in select(store, "place-parents")
    }


def place_paths(store) -> set[tuple[str, ...]]:
    """Every place of the store as its path of names from its broadest known ancestor."""
    if not store.exists():
        return set()
    table = place_table(store)
    paths = set()
    for place in table:
        path, node, seen = [], place, set()
        while node in table and node not in seen:
            seen.add(node)
            path.append(table[node].label)
            node = table[node].parent
        paths.add(tuple(reversed(path)))
    return paths


_FORMULA = re.compile(r"^[0-9a-z]+(?:\+[0-9a-z]+)+$")


def _spellings(store) -> list[tuple[str, str]]:
    """Every (concept IRI, label) of the store."""
    return [(row["m"], row["label"]) for row in select(store, "mechanism-spellings")]


def mechanism_iris(store, spelling: str, spellings: list[tuple[str, str]] | None = None) -> set[str]:
    """The concepts that have `spelling` (folded) among their labels; for a formula such as
    1+5+N, else the concepts with a label holding that formula (“1+5+N”网格体系). A spelling that
    names nothing gets the closest names in the error. `spellings`: _spellings(store), if read."""
    found = {row["m"] for row in select(store, "mechanisms-by-spelling", {"spelling": spelling})}
    if found:
        return found
    key = label_key(spelling)
    labels = set(spellings if spellings is not None else _spellings(store))
    if _FORMULA.match(key):
        holding = re.compile(rf"(?<![0-9a-z+]){re.escape(key)}(?![0-9a-z+])")
        found = {iri for iri, label in labels if holding.search(label_key(label))}
        if found:
            return found
    by_key = {label_key(label): label for _, label in sorted(labels)}
    close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(by_key[k] for k in close)}?" if close else ""
    raise QueryError(f"no mechanism called '{spelling}' in this store{hint}")


def mechanism_label(spellings: list[tuple[str, str]], iri: str) -> str:
    """A label that finds this concept alone when spelled (not a formula it shares), of
    _spellings(store)."""
    owners: dict[str, set[str]] = {}
    for concept, label in spellings:
        owners.setdefault(label_key(label), set()).add(concept)
    labels = sorted(label for concept, label in spellings if concept == iri)
    unique = [label for label in labels if owners[label_key(label)] == {iri}]
    return (unique or labels or [iri])[0]


def places_within(store, name: str) -> set[str]:
    """Every place called `name` and every place within one of them."""
    table = place_table(store)
    roots = {iri for iri, row in table.items() if row.label == name}
    if not roots:
        raise QueryError(f"no place called '{name}' in this store")

    def within(iri: str | None) -> bool:
        seen = set()
        while iri and iri not in seen:
            if iri in roots:
                return True
            seen.add(iri)
            iri = table[iri].parent if iri in table else None
        return False

    return {iri for iri in table if within(iri)}


def trace(store, spelling: str) -> tuple[list[str], list[list]]:
    """The `trace` query for a mechanism given by any spelling, a formula its label holds, or
    (refused with the closest names) a spelling that names nothing."""
    from govkg.queries import run_query

    spellings = _spellings(store)
    columns, rows = None, []
    for iri in sorted(mechanism_iris(store, spelling, spellings)):
        columns, found = run_query(store, "trace", {"mechanism": mechanism_label(spellings, iri)})
        rows.extend(row for row in found if row not in rows)
    return columns or [], rows
