"""Taking the store to a SPARQL server: serving it, and pushing it to a Graph Store endpoint."""

from __future__ import annotations

import os
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from govkg.errors import StoreError


def oxigraph_binary() -> str:
    """The `oxigraph` server installed with govkg (the `oxigraph` package from PyPI)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise StoreError("the oxigraph server is not installed; install it with: pip install oxigraph")
    return found


def serve_command(store_path: str | os.PathLike, port: int, writable: bool = False) -> list[str]:
    """The command line that serves the store over the SPARQL 1.1 protocol on 127.0.0.1."""
    mode = "serve" if writable else "serve-read-only"
    return [
        oxigraph_binary(), mode, "--location", str(store_path), "--bind", f"127.0.0.1:{port}",
        "--union-default-graph",
    ]


def check_servable(store) -> None:
    """Raise the one-line reason why `store` cannot be served, if there is one."""
    from govkg.graph.store import MemoryStore

    if isinstance(store, MemoryStore):
        raise StoreError("serve needs a store on disk: build one with --store FOLDER")
    if not store.exists():
        with store.reading():  # raises the store's own "no store here" error
            pass


def serve(store, port: int, writable: bool = False) -> int:
    """Serve a store on disk at http://127.0.0.1:PORT/query until stopped (Ctrl-C); returns the
    server's exit status (0 when stopped by Ctrl-C)."""
    import subprocess

    check_servable(store)
    try:
        completed = subprocess.run(serve_command(store.path, port, writable), check=False)
    except KeyboardInterrupt:
        return 0
    return 0 if completed.returncode in (0, -2, 130) else completed.returncode


@dataclass
class PushReport:
    graphs: int = 0
    triples: int = 0


def push(store, endpoint: str, user: str | None = None, password: str | None = None,
         timeout: float = 120.0) -> PushReport:
    """PUT every named graph of the store to a SPARQL 1.1 Graph Store HTTP Protocol endpoint
    (`?graph=IRI`). PUT replaces a graph, so pushing again never duplicates anything."""
    report = PushReport()
    headers = {"Content-Type": "application/n-triples"}
    handlers = []
    if user is not None:
        # Fuseki and GraphDB answer a login challenge with Basic, Virtuoso with Digest.
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint, user, password or "")
        handlers = [urllib.request.HTTPBasicAuthHandler(passwords), urllib.request.HTTPDigestAuthHandler(passwords)]
    opener = urllib.request.build_opener(*handlers)
    with store.reading() as oxstore:
        graphs = sorted(oxstore.named_graphs(), key=lambda g: g.value)
        for graph in graphs:
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in oxstore.quads_for_pattern(None, None, None, graph)]
            body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            separator = "&" if "?" in endpoint else "?"
            url = f"{endpoint}{separator}graph={urllib.parse.quote(graph.value, safe='')}"
            request = urllib.request.Request(url, data=body, method="PUT", headers=headers)
            try:
                with opener.open(request, timeout=timeout) as response:
                    response.read()
            except urllib.error.HTTPError as exc:
                detail = exc.read().decode("utf-8", "replace").strip().splitlines()
                raise StoreError(
                    f"{endpoint}: the server refused graph {graph.value} "
                    f"(HTTP {exc.code}{': ' + detail[0] if detail else ''})"
                ) from exc
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise StoreError(f"{endpoint}: cannot reach the server ({reason})") from exc
            report.graphs += 1
            report.triples += len(triples)
    return report
