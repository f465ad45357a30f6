"""A manifest: what a user knows about each document that its text may not say (date, title, URL,
publisher and any other columns), as a CSV file (UTF-8, with or without a byte-order mark, as
Excel writes it) or a JSON list of objects. Its `file` column names each document as govkg
names it: its path relative to the folder given to build, or its file name for a file given alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from govkg.errors import InputError
from govkg.extract import DocumentDate, parse_date

KNOWN_COLUMNS = ("file", "date", "title", "url", "publisher")


@dataclass(frozen=True)
class ManifestEntry:
    file: str
    date: DocumentDate | None = None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # the other columns, as given

    @property
    def metadata_json(self) -> str:
        return json.dumps(self.metadata, ensure_ascii=False, sort_keys=True)

    @property
    def digest(self) -> str:
        """What a build compares to tell a changed row (the document is then written again)."""
        row = [self.file, self.date and self.date.value, self.title, self.url, self.publisher, self.metadata_json]
        return hashlib.sha256(json.dumps(row, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the manifest ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the manifest is not UTF-8 text (byte {exc.start}); save it as UTF-8 (CSV UTF-8 in Excel)") from exc
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(f"{path}: a JSON manifest is a list of objects, one per document")
        return [{str(k): "" if v is None else str(v) for k, v in r.items()} for r in rows]
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        raise InputError(f"{path}: a manifest is a .csv or .json file")
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if reader.fieldnames is None:
        raise InputError(f"{path}: the manifest is empty")
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None} for row in reader]


def read_manifest(path: str | Path) -> dict[str, ManifestEntry]:
    """The entries of a manifest by document name; a bad row is said with its row number."""
    path = Path(path)
    rows = _rows(path)
    if rows and "file" not in rows[0]:
        raise InputError(f"{path}: the manifest has no 'file' column (its columns: {', '.join(rows[0])})")
    entries: dict[str, ManifestEntry] = {}
    for number, row in enumerate(rows, start=2 if path.suffix.lower() != ".json" else 1):
        where = f"{path}: {'row' if path.suffix.lower() != '.json' else 'entry'} {number}"
        name = row.get("file", "").strip().replace("\\", "/").removeprefix("./")
        if not name:
            raise InputError(f"{where}: no file named")
        if name in entries:
            raise InputError(f"{where}: {name} is listed twice")
        date = None
        if row.get("date", "").strip():
            parsed = parse_date(row["date"])
            if parsed is None:
                raise InputError(f"{where}: date '{row['date']}' is not a date (write 2023-06-03, 2023-06 or 2023)")
            date = DocumentDate(parsed[0], parsed[1], "manifest")
        entries[name] = ManifestEntry(
            file=name, date=date, title=row.get("title") or None, url=row.get("url") or None,
            publisher=row.get("publisher") or None,
            metadata={k: v for k, v in row.items() if k not in KNOWN_COLUMNS and k and v != ""},
        )
    return entries
