"""Finding mechanisms by any spelling, and places with their parents, for commands that filter."""

from __future__ import annotations

from dataclasses import dataclass

from govkg.errors import QueryError
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


def mechanism_iris(store, spelling: str) -> set[str]:
    """The concepts that have `spelling` (folded) among their labels."""
    found = {row["m"] for row in select(store, "mechanisms-by-spelling", {"spelling": spelling})}
    if not found:
        raise QueryError(f"no mechanism called '{spelling}' in this store")
    return found


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
