"""Outcomes for a mechanism or a place, with totals that only add like to like."""

from __future__ import annotations

from collections import defaultdict

from govkg.queries import select
from govkg.queries.lookup import mechanism_iris, places_within

COLUMNS = ["place", "code", "district", "city", "province", "mechanism", "indicator", "value", "unit", "approx",
           "period", "base_value", "base_unit", "doc"]
TOTAL_COLUMNS = ["indicator", "unit", "outcomes", "total", "approx"]
# Shares and changes of shares: adding them means nothing.
NEVER_ADDED = {"%", "个百分点", "百分点"}


def outcome_table(store, mechanism: str | None = None, place: str | None = None):
    """(rows, totals): the outcomes, optionally of one mechanism (any spelling) or of one place
    and the places within it. Each row gives the value as written and in its base unit (万元 as
    元); totals add base values only where the indicator and the base unit are the same, and
    never add percentages."""
    rows = select(store, "outcome-rows")
    if mechanism is not None:
        wanted = mechanism_iris(store, mechanism)
        rows = [row for row in rows if row["m"] in wanted]
    if place is not None:
        inside = places_within(store, place)
        rows = [row for row in rows if row["p"] in inside]
    table = sorted(
        (
            [row["place"], row["code"], row["district"], row["city"], row["province"], row["mechanism"],
             row["indicator"], _number(str(row["value"])), row["unit"], row["approx"], _year(row["period"]),
             _number(str(row["base_value"])), row["base_unit"], row["doc"]]
            for row in rows
        ),
        key=lambda r: (r[13], r[0] or "", r[6], r[7]),
    )
    column = {name: i for i, name in enumerate(COLUMNS)}
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for row in table:
        if row[column["base_unit"]] not in NEVER_ADDED:
            groups[(row[column["indicator"]], row[column["base_unit"]])].append(row)
    base, approx = column["base_value"], column["approx"]
    totals = [
        [indicator, unit, len(members), _number(str(sum(m[base] for m in members))), any(m[approx] for m in members)]
        for (indicator, unit), members in sorted(groups.items())
        if len(members) > 1
    ]
    return table, totals


def _year(period):
    return None if period is None else int(period) if str(period).isdigit() else period


def _number(text: str):
    value = float(text)
    return int(value) if value.is_integer() else round(value, 6)
