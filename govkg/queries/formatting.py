"""Query results as an aligned table (wide Chinese characters count double), CSV, TSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

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
