"""How a mechanism spread: for each place, or each unit (county, city or province), the first
dated mention of its use there, rolled up through the official parents, and a unit-year panel for event-history
analysis (one row per unit and year: adopted 0/1, years since adoption).

A unit's adoption is the earliest adoption in it (by the document's date; undated ones come
last and give no date). Only-planned adoptions (计划, 拟, 将推行 …) are no adoption: they are
counted only where nothing else is known, with planned set, and give no year in the panel.
"""

from __future__ import annotations

from govkg.errors import QueryError
from govkg.queries import select
from govkg.queries.lookup import _spellings, mechanism_iris, mechanism_label

# The levels a panel is made at, and the column of adoption-events naming a place's unit there.
LEVELS = {"place": "place", "county": "district", "city": "city", "province": "province"}

EVENT_COLUMNS = ["unit", "code", "level", "province", "city", "first_date", "date_source", "doc",
                 "evidence", "self_claim", "planned", "mechanism"]
PANEL_COLUMNS = ["unit", "code", "province", "city", "year", "adopted", "years_since_adoption"]


def _units(store) -> dict[str, dict]:
    """The units the corpus covers (see units.rq), by IRI."""
    return {row["unit"]: row for row in select(store, "units")}


def _sort_key(row: dict):
    # Done before planned; dated before undated; then the earliest date, then the document.
    return (bool(row.get("planned")), row.get("date") is None, row.get("date") or "", row["doc"])


def first_adoptions(store, mechanism: str, level: str) -> dict[str, dict]:
    """For each unit at `level` (by IRI) the adoption-events row of its first adoption."""
    if level not in LEVELS:
        raise QueryError(f"level '{level}' is not one of {', '.join(LEVELS)}")
    spellings = _spellings(store)
    rows: list[dict] = []
    for iri in sorted(mechanism_iris(store, mechanism, spellings)):
        rows.extend(select(store, "adoption-events", {"mechanism": mechanism_label(spellings, iri)}))
    first: dict[str, dict] = {}
    for row in sorted(rows, key=_sort_key):
        unit = row.get(LEVELS[level])
        if unit and unit not in first:
            first[unit] = row
    return first


def diffusion(store, mechanism: str, level: str = "county") -> tuple[list[str], list[list]]:
    """One row per unit at `level` where the corpus says the mechanism (any spelling) is used:
    unit, code, level, province, city, first_date, date_source, doc, evidence, self_claim,
    planned, mechanism; the earliest adopters first."""
    first = first_adoptions(store, mechanism, level)
    if level == "place":  # each place itself: its own name, code and level
        units = {iri: {"name": row["place_name"], "code": row.get("code"), "level": row["place_level"],
                       "city_name": row.get("city_name"), "province_name": row.get("province_name")}
                 for iri, row in first.items()}
    else:
        units = _units(store)
    table = []
    for iri, row in sorted(first.items(), key=lambda item: (_sort_key(item[1]), units[item[0]]["name"])):
        unit = units[iri]
        table.append([unit["name"], unit.get("code"), unit["level"],
                      unit.get("province_name") if level != "province" else None,
                      unit.get("city_name") if level in ("county", "place") else None,
                      row.get("date"), row.get("date_source"), row["doc"], row["evidence"],
                      bool(row.get("self_claim")), bool(row.get("planned")), row["mechanism_label"]])
    return EVENT_COLUMNS, table


def parse_years(text: str) -> tuple[int, int]:
    """FROM-TO (2015-2025) as two years."""
    start, sep, end = text.partition("-")
    if not sep or not (start.strip().isdigit() and end.strip().isdigit()):
        raise QueryError(f"--panel wants FROM-TO years, e.g. 2015-2025, not '{text}'")
    first, last = int(start), int(end)
    if not 1900 <= first <= last <= 2100:
        raise QueryError(f"--panel {text}: the years must run forwards, between 1900 and 2100")
    return first, last


def panel(store, mechanism: str, level: str, years: tuple[int, int]) -> tuple[list[str], list[list]]:
    """A unit-year panel over every unit at `level` the corpus covers (each place's district,
    city or province): adopted is 1 from the year of the unit's first dated adoption on, 0
    before; a unit that adopts with no known date, or only plans to, has adopted empty
    (unknown) in every year; years_since_adoption is empty until it adopts."""
    if level == "place":
        raise QueryError("a panel is made of counties, cities or provinces: give --level county, city or province")
    units = _units(store)
    events = first_adoptions(store, mechanism, level)
    wanted = {"county": ("district", "county"), "city": ("city",), "province": ("province",)}[level]
    covered = [(iri, u) for iri, u in units.items() if u["level"] in wanted]
    first, last = years
    table = []
    for iri, unit in sorted(covered, key=lambda p: (p[1].get("province_name") or "", p[1].get("city_name") or "", p[1]["name"])):
        event = events.get(iri)
        adopted_in = None
        unknown = False
        if event is not None:
            if event.get("date") and not event.get("planned"):
                adopted_in = int(event["date"][:4])
            else:
                unknown = True
        for year in range(first, last + 1):
            if unknown:
                adopted, since = None, None
            elif adopted_in is not None and year >= adopted_in:
                adopted, since = 1, year - adopted_in
            else:
                adopted, since = 0, None
            table.append([unit["name"], unit.get("code"), unit.get("province_name") if level != "province" else None,
                          unit.get("city_name") if level == "county" else None, year, adopted, since])
    return PANEL_COLUMNS, table
