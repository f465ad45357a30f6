"""Finding and reading source files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from govkg.errors import InputError
from govkg.extract.model import SourceDocument

SOURCE_SUFFIXES = (".txt",)


def find_sources(paths: Iterable[str | Path]) -> list[Path]:
    """The source files named by `paths` (files, or folders searched recursively), sorted.

    Raises InputError for a path that does not exist, or when nothing to read is found."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES
            )
            if not files:
                raise InputError(f"{path}: folder holds no .txt files to read")
            found.extend(files)
        else:
            found.append(path)
    if not found:
        raise InputError("no input files given")
    seen: dict[str, Path] = {}
    for path in found:
        other = seen.setdefault(path.name, path)
        if other != path and other.resolve() != path.resolve():
            # Documents are known by file name (the `doc` column of every query).
            raise InputError(f"{path}: another input file has the same name ({other})")
    return list(dict.fromkeys(found))


def read_source(path: str | Path) -> SourceDocument:
    """Read a UTF-8 text file (a byte-order mark is allowed) as a SourceDocument."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); "
            "convert it to UTF-8 first, e.g. iconv -f GBK -t UTF-8"
        ) from exc
    if "\x00" in text:
        raise InputError(f"{path}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{path}: file is empty")
    return SourceDocument(path.name, text, hashlib.sha256(data).hexdigest())
