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
    code: str | None = None
    candidates: tuple[str, ...] = ()  # codes an ambiguous name may be


def place_table(store) -> dict[str, PlaceRow]:
    """Every place of the store by IRI, with its name, level, parent's IRI and codes."""
    return {
        row["place"]: PlaceRow(row["label"], row["level"], row["parent"], row["code"],
                               tuple((row["candidates"] or "").split()))
        for row in select(store, "place-parents")
    }


def _path_of(table: dict[str, PlaceRow], iri: str) -> tuple[str, ...]:
    path, node, seen = [], iri, set()
    while node in table and node not in seen:
        seen.add(node)
        path.append(table[node].label)
        node = table[node].parent
    return tuple(reversed(path))


def places_named(store, spelling: str, table: dict[str, PlaceRow] | None = None) -> set[str]:
    """The places a spelling names: its code (320106), its name (鼓楼区), or its name after
    those of its parents (南京市鼓楼区, 江苏省南京市鼓楼区)."""
    table = place_table(store) if table is None else table
    spelling = spelling.strip()
    if spelling.isdigit():
        return {iri for iri, row in table.items() if row.code == spelling}
    found = set()
    for iri in table:
        path = _path_of(table, iri)
        if any("".join(path[i:]) == spelling for i in range(len(path))):
            found.add(iri)
    return found


def describe_place(table: dict[str, PlaceRow], iri: str) -> str:
    """A place as a person tells it apart: 江苏省南京市鼓楼区 (320106), or 鼓楼区 (parent unknown:
    one of 320106, 350102)."""
    row = table[iri]
    name = "".join(_path_of(table, iri))
    if row.code:
        return f"{name} ({row.code})"
    if row.candidates:
        return f"{name} (parent unknown: one of {', '.join(row.candidates)})"
    return name


def the_place(store, spelling: str, table: dict[str, PlaceRow] | None = None) -> str:
    """The IRI of the one place `spelling` names (see places_named). None, or several (a name
    that 南京市鼓楼区 and a 鼓楼区 of unknown city share), is refused in one line that lists them.
    `table`: place_table(store), if read."""
    table = place_table(store) if table is None else table
    found = places_named(store, spelling, table)
    if not found:
        raise QueryError(f"no place called '{spelling}' in this store")
    if len(found) > 1:
        listed = "; ".join(sorted(describe_place(table, iri) for iri in found))
        with_parents = sorted("".join(_path_of(table, iri)) for iri in found if table[iri].parent)
        example = f" (e.g. {with_parents[0]})" if with_parents else ""
        raise QueryError(
            f"'{spelling}' names {len(found)} places in this store: {listed}. "
            f"Give one with its parents{example} or its code"
        )
    return next(iter(found))


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
    """The place `name` names (see the_place) and every place within it."""
    table = place_table(store)
    root = the_place(store, name, table)

    def within(iri: str | None) -> bool:
        seen = set()
        while iri and iri not in seen:
            if iri == root:
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
