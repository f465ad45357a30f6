"""Import and export: RDF files in and out of a store, and the networkx formats out."""

from __future__ import annotations

from pathlib import Path

from govkg.errors import GovkgError, InputError

RDF_EXTENSIONS = {".ttl": "turtle", ".trig": "trig", ".nq": "nquads", ".jsonld": "jsonld", ".json": "jsonld"}
NETWORK_FORMATS = ("graphml", "gexf")
EXPORT_EXTENSIONS = {**RDF_EXTENSIONS, ".nt": "ntriples", ".graphml": "graphml", ".gexf": "gexf"}


def format_of(path: Path) -> str:
    """The export format a file name asks for (.ttl → turtle); InputError for an unknown one."""
    fmt = EXPORT_EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        known = " ".join(sorted(EXPORT_EXTENSIONS))
        raise InputError(f"{path}: cannot tell the format from the extension ({known}); give --format")
    return fmt


def import_file(store, path: str | Path, fmt: str | None = None, *, wait: bool = True, on_wait=None) -> int:
    """Load an RDF file into the store, atomically; the format from the extension unless given.
    Returns the number of quads in the store after. Writers take turns (see GraphStore.transaction)."""
    path = Path(path)
    fmt = fmt or RDF_EXTENSIONS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: cannot tell the RDF format from the extension; give --format")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        return store.load(path.read_bytes(), fmt, wait=wait, on_wait=on_wait)
    except GovkgError as exc:
        raise InputError(f"{path}: {exc}") from exc


def export_data(store, fmt: str) -> bytes:
    """The whole store in an RDF format, or its graph of places, mechanisms, organizations and
    outcomes as GraphML or GEXF."""
    if fmt in NETWORK_FORMATS:
        from govkg.graph.analysis import knowledge_graph, network_file

        return network_file(knowledge_graph(store), fmt)
    return store.dump(fmt)
