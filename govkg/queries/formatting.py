"""Rows as an aligned table (wide Chinese characters count double), CSV, TSV or JSON: the one
renderer of every command that prints rows."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass

FORMATS = ("table", "csv", "tsv", "json")


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).split())


def _clip(text: str, width: int) -> str:
    if display_width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out += ch
        used += w
    return out + "…"


def format_table(columns: list[str], rows: list[list], max_width: int = 60) -> str:
    cells = [[_clip(_cell(v), max_width) for v in row] for row in rows]
    widths = [
        max([display_width(c)] + [display_width(row[i]) for row in cells]) for i, c in enumerate(columns)
    ]

    def line(values):
        return "  ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def format_results(columns: list[str], rows: list[list], fmt: str) -> str:
    if fmt == "table":
        return format_table(columns, rows)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
        return buffer.getvalue().rstrip("\n")
    if fmt == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False, indent=2)
    raise ValueError(f"unknown format {fmt}")


@dataclass(frozen=True)
class Table:
    """Rows under a name. A `derived` table (totals of the rows before it) is left out of CSV and
    TSV, which hold one table of data that spreadsheets and pandas read as it is."""

    name: str
    columns: list[str]
    rows: list[list]
    derived: bool = False


def render(tables: list[Table], fmt: str) -> str:
    """One table as format_results prints it; several one after another (JSON: an object of
    tables by name), each with its name when more than one is printed."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt}")
    if fmt == "json":
        if len(tables) == 1:
            return format_results(tables[0].columns, tables[0].rows, fmt)
        return json.dumps(
            {t.name: [dict(zip(t.columns, row, strict=True)) for row in t.rows] for t in tables},
            ensure_ascii=False, indent=2,
        )
    shown = [t for t in tables if fmt == "table" or not t.derived or len(tables) == 1]
    if len(shown) == 1:
        return format_results(shown[0].columns, shown[0].rows, fmt)
    parts = []
    for index, table in enumerate(shown):
        heading = f"# {table.name}" if fmt in ("csv", "tsv") else f"{table.name}:"
        parts.append(("\n" if index else "") + heading + "\n" + format_results(table.columns, table.rows, fmt))
    return "\n".join(parts)
